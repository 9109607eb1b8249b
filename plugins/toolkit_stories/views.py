"""The ``stories`` view and its static renderers: the corpus's stories, biggest first.

The view lists the stories the selection allows (entities, date range) above
a small chart of when each story ran (:func:`stories_chart`: one row per story,
a dot per article on its publication day) and, for the story picked, its
articles with the copies marked. Picking a story sets the selection's articles
to the story's articles, so every other view narrows to that story; picking
"all stories" clears them. :func:`render_story_report` is the report's section:
every story with its articles (title, outlet, date) and which are copies.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.sdk import PAGE_ROWS, Selection, cached, chart_widget, date_axis, html, page_note, svg

__all__ = ["story_rows", "render_stories", "stories_view", "stories_chart", "story_chart_data", "render_story_report"]

_COLUMNS = ["label", "n_articles", "date_start", "date_end", "entities", "copies"]
_ARTICLE_COLUMNS = ["published", "outlet", "title", "article_id", "copy of"]
_EMPTY = '<p class="pl-muted">No stories in this selection{why}.</p>'
CHART_STORIES = 12  # rows on the chart: the biggest stories; the table lists them all
_LABEL_CHARS = 48  # a story label longer than this is cut on the chart's axis (the table has it whole)


def _display(corpus: Any) -> pd.DataFrame:
    """The stories table with readable columns (entity names, copy counts), built once per corpus."""
    stories = _stories(corpus)
    entities = corpus.entities

    def build() -> pd.DataFrame:
        names = dict(zip(entities["entity_id"], entities["name"])) if len(entities) else {}
        frame = stories.copy()
        frame["n_articles"] = [len(a) for a in frame["article_ids"]]
        frame["entities"] = [", ".join(str(names.get(e, e)) for e in ids) for ids in frame["entity_ids"]]
        copies = frame["duplicates"].tolist() if "duplicates" in frame.columns else [[]] * len(frame)
        frame["copies"] = [0 if c is None or isinstance(c, float) else len(c) for c in copies]  # NaN: no list
        return frame

    return cached(stories, "stories-display", build, sources=(stories, entities))


def _stories(corpus: Any) -> pd.DataFrame:
    try:
        return corpus.table("stories")
    except KeyError:
        from toolkit.sdk import empty_table

        return empty_table("stories")


def story_rows(corpus: Any, selection: Selection | None = None) -> pd.DataFrame:
    """The stories the selection's entities and date range allow: those with an article they allow."""
    frame = _display(corpus)
    if selection is None or not (selection.entities or selection.date_range) or frame.empty:
        return frame
    allowed = selection.narrow(
        corpus.articles, corpus, parts=("entities", "date_range"), date_columns=("published", "published")
    )
    keep = set(allowed["article_id"].tolist())
    return frame[[any(a in keep for a in ids) for ids in frame["article_ids"]]]


def _picked(frame: pd.DataFrame, selection: Selection | None) -> str | None:
    """The story whose articles are exactly the selection's articles, if any."""
    if selection is None or not selection.articles:
        return None
    wanted = set(selection.articles)
    for story_id, ids in zip(frame["story_id"], frame["article_ids"]):
        if set(ids) == wanted:
            return str(story_id)
    return None


def _story_articles(corpus: Any, story: pd.Series) -> str:
    articles = corpus.articles
    chosen = articles[articles["article_id"].isin(list(story["article_ids"]))]
    copy_of = chosen["duplicate_of"] if "duplicate_of" in chosen.columns else pd.Series(pd.NA, index=chosen.index)
    shown = chosen.assign(**{"copy of": copy_of}).sort_values(["published", "article_id"], na_position="last")
    title = f"{html.escape(story['label'])} — {len(chosen)} article{'s' if len(chosen) != 1 else ''}"
    return f"<h4>{title}</h4>" + html.table(shown, columns=_ARTICLE_COLUMNS, max_rows=PAGE_ROWS)


def story_chart_data(corpus: Any, rows: pd.DataFrame, *, top: int = CHART_STORIES) -> pd.DataFrame:
    """One row per article of the ``top`` biggest stories in ``rows``: its story's label and its publication day.

    Articles without a date are left out (the table still counts them); a copy
    is marked so the chart can draw it hollow (its shape says it, not only colour).
    """
    columns = ["story", "rank", "story_id", "published", "title", "outlet", "copy"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    shown = rows.sort_values(["n_articles", "date_start"], ascending=[False, True], kind="stable").head(top)
    articles = corpus.articles.set_index("article_id")
    found = []
    for rank, (story_id, label, ids) in enumerate(zip(shown["story_id"], shown["label"], shown["article_ids"])):
        short = str(label) if len(str(label)) <= _LABEL_CHARS else str(label)[: _LABEL_CHARS - 1] + "…"
        for article_id in ids:
            if article_id not in articles.index:
                continue
            article = articles.loc[article_id]
            published = html.text_or(article.get("published"))
            if not published:
                continue
            copy = html.text_or(article.get("duplicate_of")) if "duplicate_of" in articles.columns else ""
            found.append(
                {
                    "story": short,
                    "rank": rank,
                    "story_id": str(story_id),
                    "published": published[:10],
                    "title": html.text_or(article.get("title"), str(article_id)),
                    "outlet": html.text_or(article.get("outlet"), "unknown outlet"),
                    "copy": "copy" if copy else "original",
                }
            )
    return pd.DataFrame(found, columns=columns)


def stories_chart(data: pd.DataFrame, *, width: int = 520) -> Any:
    """Stories over time: a row per story (biggest first), a line over its span and a dot per article.

    Copies are hollow dots, originals filled; the tooltip names the article and
    outlet. The point selection ``pick`` (on ``story_id``) is what a click on a
    dot sets; the live view picks that story.
    """
    import altair as alt

    # sorted by a field, not a list of labels: the view swaps only the data when the selection moves
    y = alt.Y("story:N", sort=alt.EncodingSortField("rank", op="min"), title=None, axis=alt.Axis(labelLimit=320))
    base = alt.Chart(data)
    span = base.mark_rule(color="#999999").encode(
        x=alt.X("min(published):T", axis=date_axis(title="published")), x2="max(published):T", y=y
    )
    pick = alt.selection_point(fields=["story_id"], name="pick")  # a click on a dot picks its story
    dots = (
        base.mark_point(size=70, color="#0072B2")
        .encode(
            x="published:T",
            y=y,
            shape=alt.Shape("copy:N", title="article", scale=alt.Scale(domain=["original", "copy"])),
            fill=alt.Fill(
                "copy:N", scale=alt.Scale(domain=["original", "copy"], range=["#0072B2", "transparent"]), legend=None
            ),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.35)),
            tooltip=["story:N", "title:N", "outlet:N", alt.Tooltip("published:T", format="%-d %b %Y"), "copy:N"],
        )
        .add_params(pick)
    )
    return (span + dots).properties(title="Stories over time", width=width, height=alt.Step(22))


def render_stories(
    corpus: Any, selection: Selection | None = None, *, max_stories: int = PAGE_ROWS, static: bool = False, **_: Any
) -> str:
    """The stories as one escaped HTML section (no kernel, no network); the picked story's articles below.

    ``static`` (a page with no scripts, such as the report): nothing can be
    picked there, so every story is shown with its articles
    (:func:`render_story_report`).
    """
    if static:
        return render_story_report(corpus, selection)
    frame = _display(corpus)
    if frame.empty:
        why = "" if len(corpus.articles) == 0 else ": the stories plugin has not run on this corpus"
        return html.section("Stories", _EMPTY.format(why=why if not len(_stories(corpus)) else ""))
    rows = story_rows(corpus, selection)
    if rows.empty:
        return html.section("Stories", _EMPTY.format(why=""))
    body = html.table(rows.head(max_stories), columns=_COLUMNS, max_rows=max_stories)
    body += page_note(min(len(rows), max_stories), len(rows))
    data = story_chart_data(corpus, rows)
    if len(data):  # a chart of nothing says less than no chart
        body += f'<div class="pl-chart">{svg(stories_chart(data))}</div>'

    picked = _picked(rows, selection)
    if picked is not None:
        body += _story_articles(corpus, rows[rows["story_id"] == picked].iloc[0])
    return html.section("Stories", body)


def stories_view(corpus: Any, selection: Selection, **options: Any) -> Any:
    """The stories table (click a row, or Enter on it, to select the story's articles; again to let go) and a picker."""
    import ipywidgets as widgets

    from toolkit.sdk import LiveHTML, RowTable, row_table_html, spec_template, spec_with_data

    picker = widgets.Dropdown(description="Story")
    out = LiveHTML()
    chart_box = widgets.VBox()
    charts: dict[str, Any] = {}
    table = RowTable(rows=lambda: story_rows(corpus, selection), filename="stories.csv")
    syncing = {"on": False}

    def refresh(_: Any = None) -> None:
        rows = story_rows(corpus, selection)
        syncing["on"] = True
        try:
            picker.options = [("all stories", "")] + [
                (f"{str(label)[:70]} ({n})", str(story_id))
                for story_id, label, n in zip(rows["story_id"].head(PAGE_ROWS), rows["label"], rows["n_articles"])
            ]
            picked = _picked(rows, selection)
            picker.value = picked if picked in {v for _, v in picker.options} else ""
        finally:
            syncing["on"] = False
        table.html = row_table_html(
            rows, id_column="story_id", columns=_COLUMNS, selected=[picked] if picked else [], max_rows=PAGE_ROWS
        )
        data = story_chart_data(corpus, rows)
        if data.empty:
            chart_box.children = []
        else:
            if "widget" not in charts:  # built once; a selection change only swaps its rows
                charts["template"] = spec_template(stories_chart(data), "stories")
                charts["widget"] = chart_widget(stories_chart(data))
                charts["widget"].selections.observe(from_chart, names=["pick"])
            charts["widget"].spec = spec_with_data(charts["template"], "stories", data)
            chart_box.children = [charts["widget"]]
        story = rows[rows["story_id"] == picked] if picked is not None else rows.head(0)
        out.value = html.section("Articles of the story", _story_articles(corpus, story.iloc[0])) if len(story) else ""

    def choose(story_id: str) -> None:
        frame = _display(corpus)
        chosen = frame[frame["story_id"] == story_id]
        selection.articles = [str(a) for a in chosen.iloc[0]["article_ids"]] if len(chosen) else []

    def from_chart(change: Any) -> None:
        picked = [v.get("story_id") for v in (getattr(change["new"], "value", None) or []) if isinstance(v, dict)]
        if picked and picked[0]:
            choose(str(picked[0]))

    def to_selection(change: Any) -> None:
        if not syncing["on"]:
            choose(change["new"])

    def pick(story_id: str) -> None:
        choose("" if _picked(story_rows(corpus, selection), selection) == story_id else story_id)

    picker.observe(to_selection, names="value")
    table.on_pick(pick)
    selection.on_change(refresh, parts=("entities", "date_range", "articles"))
    refresh()
    box = widgets.VBox([picker, table, chart_box, out])
    box.rows = lambda: story_rows(corpus, selection)
    box.picker = picker
    box.table = table
    box.html = out
    box.chart = chart_box
    return box


def render_story_report(corpus: Any, selection: Selection | None = None, *, max_stories: int = 20, **_: Any) -> str:
    """The report's stories: each with its date span, entities and articles (title, outlet, date), copies marked.

    A copy (``articles.duplicate_of``: a near-duplicate or syndicated article)
    names the article it copies, by outlet and date, so a reader sees which
    outlet ran whose story. Stories are listed biggest first; a chart shows when
    each ran.
    """
    title = "News stories"
    frame = _display(corpus)
    if frame.empty:
        return html.section(title, _EMPTY.format(why=": the stories plugin has not run on this corpus"))
    rows = story_rows(corpus, selection)
    data = story_chart_data(corpus, rows)
    body = f'<div class="pl-chart">{svg(stories_chart(data))}</div>' if len(data) else ""
    articles = corpus.articles.set_index(corpus.articles["article_id"].astype(str).rename(None))
    for story in rows.head(max_stories).itertuples(index=False):
        body += _story_block(articles, story)
    body += page_note(min(len(rows), max_stories), len(rows))
    return html.section(title, body)


def _story_block(articles: pd.DataFrame, story: Any) -> str:
    """One story of the report: a heading line, then its articles by date with the copies saying what they copy."""
    chosen = articles[articles["article_id"].isin(list(story.article_ids))]
    shown = chosen.sort_values(["published", "article_id"], na_position="last")
    copies = shown["duplicate_of"] if "duplicate_of" in shown.columns else pd.Series(pd.NA, index=shown.index)

    def original(article_id: Any) -> str:
        source = html.text_or(article_id)
        if not source:
            return ""
        if source not in articles.index:
            return source
        row = articles.loc[source]
        return f"{html.text_or(row.get('outlet'), source)}, {html.text_or(row.get('published'), 'undated')}"

    n_copies = int(copies.notna().sum())
    table = shown.assign(
        published=[html.text_or(p, "undated") for p in shown["published"].tolist()],
        **{"copy of": [original(c) for c in copies.tolist()]},
    )
    # the column only where a story has copies: an empty column on every story reads as missing data
    columns = ["published", "outlet", "title", "copy of"] if n_copies else ["published", "outlet", "title"]
    span = html.text_or(story.date_start, "undated")
    if html.text_or(story.date_end) and story.date_end != story.date_start:
        span += f" to {story.date_end}"
    facts = f"{len(chosen)} article{'s' if len(chosen) != 1 else ''}, {span}"
    if n_copies:
        facts += f"; {n_copies} cop{'ies' if n_copies != 1 else 'y'} of another outlet's article"
    entities = f"<br>Entities: {html.escape(story.entities)}" if html.text_or(story.entities) else ""
    return (
        f'<div class="pl-story"><h4>{html.escape(story.label)}</h4>'
        f'<p class="pl-muted">{html.escape(facts)}{entities}</p>'
        + html.table(table, columns=columns, max_rows=PAGE_ROWS)
        + "</div>"
    )
