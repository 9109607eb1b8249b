"""Views (ipywidgets) and static renderers of the entities plugin.

Every view observes the shared :class:`toolkit.Selection`, may set it, and has
``rows()`` giving the DataFrame it shows. Every renderer returns escaped HTML
with no kernel and no network. Data first: the ``*_rows`` functions compute the
tables, the widgets and renderers only show them.

>>> import pandas as pd
>>> from toolkit.pipeline import Corpus
>>> corpus = Corpus({})
>>> entity_rows(corpus).columns.tolist()[:3]
['entity_id', 'name', 'label']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit import html as h

__all__ = [
    "entity_rows", "reader_rows", "kwic_rows", "timeline_rows", "suggestion_rows",
    "render_entity_table", "render_article_reader", "render_kwic", "render_mentions_over_time",
    "render_merge_suggestions", "entity_table_view", "article_reader_view", "kwic_view",
    "mentions_over_time_view", "merge_suggestions_view", "mentions_chart",
]

_ENTITY_COLUMNS = ["entity_id", "name", "label", "aliases", "n_mentions", "n_articles", "first_published",
                   "last_published"]
_SORTS = ("n_mentions", "n_articles", "name", "first_published", "last_published")


# --- data ---------------------------------------------------------------------------------
def _mentions_in_scope(corpus: Any, selection: Any) -> pd.DataFrame:
    mentions = corpus.mentions
    if selection is not None:
        allowed = selection.article_ids(corpus)
        if allowed is not None:
            mentions = mentions[mentions["article_id"].isin(allowed)]
    return mentions


def _published(corpus: Any) -> pd.Series:
    arts = corpus.articles
    return pd.Series(arts["published"].values, index=arts["article_id"].values) if len(arts) else pd.Series(dtype=object)


def entity_rows(corpus: Any, selection: Any = None, *, label: str | None = None, query: str | None = None,
                sort_by: str = "n_mentions") -> pd.DataFrame:
    """The entity table: counts (and first/last publication date) within the
    selection's articles and dates, filtered by label and by a text query on
    names and aliases."""
    if sort_by not in _SORTS:
        raise ValueError(f"sort_by must be one of {', '.join(_SORTS)}; got {sort_by!r}.")
    entities = corpus.entities
    if not len(entities):
        return pd.DataFrame(columns=_ENTITY_COLUMNS)
    mentions = _mentions_in_scope(corpus, selection)
    mentions = mentions[mentions["entity_id"].notna()]
    dates = mentions["article_id"].map(_published(corpus))
    stats = pd.DataFrame({"entity_id": mentions["entity_id"], "article_id": mentions["article_id"], "date": dates})
    grouped = stats.groupby("entity_id")
    counts = pd.DataFrame({
        "n_mentions": grouped.size(),
        "n_articles": grouped["article_id"].nunique(),
        "first_published": grouped["date"].min(),
        "last_published": grouped["date"].max(),
    })
    frame = entities[["entity_id", "name", "label", "aliases"]].merge(counts, left_on="entity_id", right_index=True)
    if label:
        frame = frame[frame["label"] == label]
    if query:
        needle = query.casefold()
        frame = frame[[needle in str(n).casefold() or any(needle in str(a).casefold() for a in al)
                       for n, al in zip(frame["name"], frame["aliases"])]]
    ascending = sort_by in ("name", "first_published")
    frame = frame.sort_values([sort_by, "name"], ascending=[ascending, True], kind="stable")
    return frame[_ENTITY_COLUMNS].reset_index(drop=True)


def _entity_names(corpus: Any) -> dict[str, str]:
    return dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))


def _reader_articles(corpus: Any, selection: Any, article_id: str | None) -> list[str]:
    if article_id is not None:
        return [article_id]
    arts = corpus.articles
    ids = list(arts["article_id"])
    if selection is not None:
        allowed = selection.article_ids(corpus)
        if allowed is not None:
            ids = [a for a in ids if a in allowed]
        if selection.entities:
            with_entity = set(corpus.mentions.loc[corpus.mentions["entity_id"].isin(selection.entities), "article_id"])
            ids = [a for a in ids if a in with_entity]
    return ids


def reader_rows(corpus: Any, selection: Any = None, *, article_id: str | None = None,
                labels: Sequence[str] | None = None, only_selected: bool = False) -> pd.DataFrame:
    """The mentions highlighted in the article reader (one article, or the selection's)."""
    ids = _reader_articles(corpus, selection, article_id)
    mentions = corpus.mentions[corpus.mentions["article_id"].isin(ids)]
    if labels:
        mentions = mentions[mentions["label"].isin(list(labels))]
    if only_selected and selection is not None and selection.entities:
        mentions = mentions[mentions["entity_id"].isin(selection.entities)]
    return mentions.sort_values(["article_id", "start"]).reset_index(drop=True)


def kwic_rows(corpus: Any, selection: Any = None, *, entity_ids: Sequence[str] | None = None,
              window: int = 60) -> pd.DataFrame:
    """Keyword in context: each mention of the chosen entities with the text around it."""
    chosen = list(entity_ids) if entity_ids else (list(selection.entities) if selection is not None else [])
    columns = ["article_id", "published", "entity_id", "name", "label", "left", "mention", "right", "start", "end"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    mentions = _mentions_in_scope(corpus, selection)
    mentions = mentions[mentions["entity_id"].isin(chosen)]
    texts = dict(zip(corpus.articles["article_id"], corpus.articles["text"]))
    published = _published(corpus)
    names = _entity_names(corpus)
    rows = []
    for m in mentions.itertuples(index=False):
        text = str(texts.get(m.article_id, ""))
        start, end = int(m.start), int(m.end)
        rows.append({
            "article_id": m.article_id, "published": published.get(m.article_id), "entity_id": m.entity_id,
            "name": names.get(m.entity_id), "label": m.label,
            "left": " ".join(text[max(0, start - window):start].split()),
            "mention": text[start:end], "right": " ".join(text[end:end + window].split()),
            "start": start, "end": end,
        })
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["published", "article_id", "start"], na_position="last").reset_index(drop=True)


def timeline_rows(corpus: Any, selection: Any = None, *, top: int = 8) -> pd.DataFrame:
    """Mentions per entity per publication date (the selected entities, else the ``top`` most mentioned)."""
    columns = ["entity_id", "name", "label", "published", "n_mentions"]
    mentions = _mentions_in_scope(corpus, selection)
    mentions = mentions[mentions["entity_id"].notna()]
    chosen = list(selection.entities) if selection is not None and selection.entities else \
        list(mentions["entity_id"].value_counts().head(top).index)
    mentions = mentions[mentions["entity_id"].isin(chosen)]
    if not len(mentions):
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({"entity_id": mentions["entity_id"], "published": mentions["article_id"].map(_published(corpus))})
    frame = frame.dropna(subset=["published"])
    frame = frame.groupby(["entity_id", "published"]).size().rename("n_mentions").reset_index()
    ents = corpus.entities.set_index("entity_id")
    frame["name"] = frame["entity_id"].map(ents["name"])
    frame["label"] = frame["entity_id"].map(ents["label"])
    return frame[columns].sort_values(["published", "name"]).reset_index(drop=True)


def _alias_path(corpus: Any, alias_table: Any = None) -> Path | None:
    if alias_table is not None:
        return Path(alias_table)
    configured = (corpus.manifest.get("configuration", {}).get("options", {}).get("entities", {}) or {}).get("alias_table")
    if configured:
        return Path(configured)
    if corpus.path is not None:
        return Path(corpus.path) / "aliases.yaml"
    return None


def suggestion_rows(corpus: Any, selection: Any = None, *, alias_table: Any = None) -> pd.DataFrame:
    """The merge suggestions, with the decision the alias table holds now."""
    from .aliases import load_alias_table

    columns = ["suggestion_id", "name_a", "name_b", "label", "evidence", "applied", "status"]
    frame = corpus.tables.get("entity_suggestions")
    frame = pd.DataFrame(columns=columns) if frame is None else frame.copy()
    path = _alias_path(corpus, alias_table)
    if path is not None and path.exists() and len(frame):
        decided = {s.suggestion_id: s.status for s in load_alias_table(path).suggestions}
        frame["status"] = [decided.get(sid, st) for sid, st in zip(frame["suggestion_id"], frame["status"])]
    if selection is not None and selection.entities and len(frame):
        names = set()
        for aliases, name in corpus.entities.loc[corpus.entities["entity_id"].isin(selection.entities),
                                                 ["aliases", "name"]].itertuples(index=False):
            names |= {name, *aliases}
        frame = frame[frame["name_a"].isin(names) | frame["name_b"].isin(names)]
    return frame[columns].reset_index(drop=True)


# --- static renderers ------------------------------------------------------------------------
def render_entity_table(corpus: Any, selection: Any = None, *, label: str | None = None, query: str | None = None,
                        sort_by: str = "n_mentions", max_rows: int = 500, **_: Any) -> str:
    rows = entity_rows(corpus, selection, label=label, query=query, sort_by=sort_by)
    shown = rows.assign(aliases=[", ".join(a) for a in rows["aliases"]])
    return h.section("Entities", h.table(shown, columns=["name", "label", "aliases", "n_mentions", "n_articles",
                                                         "first_published", "last_published"], max_rows=max_rows))


def _reader_html(corpus: Any, selection: Any, *, article_id: str | None, labels: Sequence[str] | None,
                 only_selected: bool, max_articles: int) -> str:
    rows = reader_rows(corpus, selection, article_id=article_id, labels=labels, only_selected=only_selected)
    names = _entity_names(corpus)
    arts = corpus.articles.set_index("article_id")
    ids = _reader_articles(corpus, selection, article_id)[:max_articles]
    parts = []
    selected = set(selection.entities) if selection is not None else set()
    for aid in ids:
        if aid not in arts.index:
            continue
        art = arts.loc[aid]
        spans = [{"start": int(r.start), "end": int(r.end), "label": r.label,
                  "title": f"{names.get(r.entity_id, r.text)} ({r.label})" + (" — selected" if r.entity_id in selected else "")}
                 for r in rows[rows["article_id"] == aid].itertuples(index=False)]
        heading = f"{h.escape(h.text_or(art.get('title'), aid))} <span class=\"pl-muted\">{h.escape(h.text_or(art.get('published'), 'date unknown'))}</span>"
        parts.append(f"<article><h4>{heading}</h4><div>{h.highlight(str(art['text']), spans)}</div></article>")
    if not parts:
        parts.append('<p class="pl-muted">No article matches the selection.</p>')
    return "".join(parts)


def render_article_reader(corpus: Any, selection: Any = None, *, article_id: str | None = None,
                          labels: Sequence[str] | None = None, only_selected: bool = False,
                          max_articles: int = 20, **_: Any) -> str:
    return h.section("Articles with their mentions", _reader_html(corpus, selection, article_id=article_id, labels=labels,
                                                                 only_selected=only_selected, max_articles=max_articles))


def _kwic_html(rows: pd.DataFrame, max_rows: int = 500) -> str:
    if not len(rows):
        return '<p class="pl-muted">Select an entity to see its mentions in context.</p>'
    body = []
    for r in rows.head(max_rows).itertuples(index=False):
        body.append(f"<tr><td>{h.escape(r.published)}</td><td>{h.escape(r.article_id)}</td>"
                    f"<td style=\"text-align:right\">{h.escape(r.left)}</td>"
                    f"<td><b>{h.escape(r.mention)}</b> <span class=\"pl-muted\">{h.escape(r.label)}</span></td>"
                    f"<td>{h.escape(r.right)}</td></tr>")
    return ('<table class="pl-table"><thead><tr><th>published</th><th>article</th><th>before</th><th>mention</th>'
            f'<th>after</th></tr></thead><tbody>{"".join(body)}</tbody></table>')


def render_kwic(corpus: Any, selection: Any = None, *, entity_ids: Sequence[str] | None = None, window: int = 60,
                **_: Any) -> str:
    rows = kwic_rows(corpus, selection, entity_ids=entity_ids, window=window)
    return h.section("Keyword in context", _kwic_html(rows))


def mentions_chart(rows: pd.DataFrame) -> Any:
    """The Altair chart of mentions over time (a spec: test it with ``to_dict()``)."""
    import altair as alt

    pick = alt.selection_point(fields=["entity_id"], name="pick")
    return (alt.Chart(rows).mark_line(point=True)
            .encode(x=alt.X("published:T", title="publication date"),
                    y=alt.Y("n_mentions:Q", title="mentions"),
                    color=alt.Color("name:N", title="entity"),
                    strokeDash=alt.StrokeDash("label:N", title="label"),  # a second cue besides colour
                    opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
                    tooltip=["name:N", "label:N", "published:T", "n_mentions:Q"])
            .add_params(pick)
            .properties(width=560, height=240, title="Mentions over time"))


def render_mentions_over_time(corpus: Any, selection: Any = None, *, top: int = 8, **_: Any) -> str:
    rows = timeline_rows(corpus, selection, top=top)
    if not len(rows):
        return h.section("Mentions over time", '<p class="pl-muted">No dated mentions to chart.</p>')
    table = h.table(rows, columns=["published", "name", "label", "n_mentions"])
    try:
        import vl_convert

        svg = vl_convert.vegalite_to_svg(mentions_chart(rows).to_dict())  # SVG text is XML-escaped by Vega
    except ImportError:
        svg = '<p class="pl-muted">Install vl-convert-python for the chart (pip install vl-convert-python).</p>'
    return h.section("Mentions over time", f"<figure>{svg}</figure><details><summary>data</summary>{table}</details>")


def render_merge_suggestions(corpus: Any, selection: Any = None, *, alias_table: Any = None, **_: Any) -> str:
    rows = suggestion_rows(corpus, selection, alias_table=alias_table)
    shown = rows.assign(what=["merged by PressLens" if a else "proposed" for a in rows["applied"]])
    return h.section("Merge suggestions", h.table(shown, columns=["name_a", "name_b", "what", "status", "evidence"]))


# --- widgets -----------------------------------------------------------------------------------
def entity_table_view(corpus: Any, selection: Any, **options: Any) -> Any:
    """Sortable, filterable entity table; picking a row sets ``selection.entities``."""
    import ipywidgets as widgets

    labels = sorted(corpus.entities["label"].dropna().unique()) if len(corpus.entities) else []
    query = widgets.Text(placeholder="filter names and aliases", description="Filter")
    label = widgets.Dropdown(options=[("all labels", "")] + [(x, x) for x in labels], description="Label")
    sort = widgets.Dropdown(options=list(_SORTS), value="n_mentions", description="Sort by")
    picker = widgets.Select(rows=8, description="Select", layout=widgets.Layout(width="auto"))
    table = widgets.HTML()
    state = {"syncing": False}

    def current() -> pd.DataFrame:
        return entity_rows(corpus, selection, label=label.value or None, query=query.value or None, sort_by=sort.value)

    def refresh(_: Any = None) -> None:
        rows = current()
        table.value = render_entity_table(corpus, selection, label=label.value or None, query=query.value or None,
                                          sort_by=sort.value)
        state["syncing"] = True
        picker.options = [(f"{r.name} ({r.label}) — {r.n_mentions} mentions", r.entity_id)
                          for r in rows.itertuples(index=False)]
        chosen = [e for e in selection.entities if e in set(rows["entity_id"])]
        picker.value = chosen[0] if chosen else None
        state["syncing"] = False

    def pick(change: Any) -> None:
        if not state["syncing"] and change["new"]:
            selection.entities = [change["new"]]

    for control in (query, label, sort):
        control.observe(refresh, names="value")
    picker.observe(pick, names="value")
    selection.observe(refresh)
    refresh()
    box = widgets.VBox([widgets.HBox([query, label, sort]), picker, table])
    box.rows = current
    return box


def article_reader_view(corpus: Any, selection: Any, **options: Any) -> Any:
    """One article (or the selection's articles) with mentions highlighted, filterable by label and entity."""
    import ipywidgets as widgets

    labels = sorted(corpus.mentions["label"].dropna().unique()) if len(corpus.mentions) else []
    article = widgets.Dropdown(description="Article")
    label_pick = widgets.SelectMultiple(options=labels, value=tuple(labels), description="Labels", rows=min(6, max(1, len(labels))))
    only = widgets.Checkbox(value=False, description="only selected entities")
    out = widgets.HTML()

    def refresh_articles(_: Any = None) -> None:
        ids = _reader_articles(corpus, selection, None)
        options_ = [("all in selection", "")] + [(a, a) for a in ids]
        if list(article.options) != options_:
            article.options = options_
            article.value = ""

    def refresh(_: Any = None) -> None:
        out.value = render_article_reader(corpus, selection, article_id=article.value or None,
                                          labels=list(label_pick.value), only_selected=only.value)

    def on_selection(_: Any = None) -> None:
        refresh_articles()
        refresh()

    for control in (article, label_pick, only):
        control.observe(refresh, names="value")
    selection.observe(on_selection)
    on_selection()
    box = widgets.VBox([widgets.HBox([article, label_pick, only]), out])
    box.rows = lambda: reader_rows(corpus, selection, article_id=article.value or None,
                                   labels=list(label_pick.value), only_selected=only.value)
    return box


def kwic_view(corpus: Any, selection: Any, *, window: int = 60, **options: Any) -> Any:
    """Keyword-in-context lines for the selected entity across articles."""
    import ipywidgets as widgets

    width = widgets.IntSlider(value=window, min=20, max=200, step=10, description="Context")
    out = widgets.HTML()

    def refresh(_: Any = None) -> None:
        out.value = render_kwic(corpus, selection, window=width.value)

    width.observe(refresh, names="value")
    selection.observe(refresh)
    refresh()
    box = widgets.VBox([width, out])
    box.rows = lambda: kwic_rows(corpus, selection, window=width.value)
    return box


def mentions_over_time_view(corpus: Any, selection: Any, *, top: int = 8, **options: Any) -> Any:
    """Altair chart of mentions per publication date; clicking a line selects the entity."""
    import altair as alt
    import ipywidgets as widgets

    alt.JupyterChart.enable_offline()  # bundled JavaScript, never a CDN
    holder = widgets.VBox()
    state: dict[str, Any] = {}

    def refresh(_: Any = None) -> None:
        rows = timeline_rows(corpus, selection, top=top)
        if not len(rows):
            holder.children = [widgets.HTML('<p class="pl-muted">No dated mentions to chart.</p>')]
            return
        chart = alt.JupyterChart(mentions_chart(rows))
        chart.selections.observe(on_pick, names=["pick"])
        state["chart"] = chart
        holder.children = [chart]

    def on_pick(change: Any) -> None:
        picked = [v.get("entity_id") for v in (getattr(change["new"], "value", None) or []) if isinstance(v, dict)]
        if picked:
            selection.entities = [p for p in picked if p]

    selection.observe(refresh, names=["entities", "date_range", "articles"])
    refresh()
    holder.rows = lambda: timeline_rows(corpus, selection, top=top)
    return holder


def merge_suggestions_view(corpus: Any, selection: Any, *, alias_table: Any = None, **options: Any) -> Any:
    """Accept, reject or split: each decision is written to the alias table at once."""
    import ipywidgets as widgets

    from .aliases import AliasTable, Suggestion, load_alias_table, save_alias_table

    path = _alias_path(corpus, alias_table)
    listing = widgets.HTML()
    status = widgets.HTML()
    choice = widgets.Dropdown(description="Suggestion", layout=widgets.Layout(width="auto"))
    accept = widgets.Button(description="Accept (merge)", icon="check")
    reject = widgets.Button(description="Reject (keep apart)", icon="times")
    entity = widgets.Dropdown(description="Entity", options=[(n, e) for e, n in _entity_names(corpus).items()])
    alias = widgets.Dropdown(description="Alias")
    split = widgets.Button(description="Split alias off", icon="scissors")

    def table_now() -> AliasTable:
        if path is None:
            raise ValueError("No alias table to write: pass alias_table='aliases.yaml' to the view, or analyse with "
                             "out=... so the table lives beside the corpus.")
        current = load_alias_table(path)
        rows = corpus.tables.get("entity_suggestions")
        found = [] if rows is None else [Suggestion(suggestion_id=r.suggestion_id, names=(r.name_a, r.name_b),
                                                    label=None if pd.isna(r.label) else r.label, evidence=r.evidence,
                                                    applied=bool(r.applied)) for r in rows.itertuples(index=False)]
        return current.with_suggestions(found)

    def refresh(_: Any = None) -> None:
        rows = suggestion_rows(corpus, selection, alias_table=path)
        listing.value = render_merge_suggestions(corpus, selection, alias_table=path)
        choice.options = [(f"{r.name_a} ↔ {r.name_b} [{r.status}]", r.suggestion_id) for r in rows.itertuples(index=False)]

    def refresh_aliases(_: Any = None) -> None:
        ents = corpus.entities.set_index("entity_id")
        alias.options = list(ents.loc[entity.value, "aliases"]) if entity.value in ents.index else []

    def decide(status_value: str) -> None:
        try:
            if not choice.value:
                status.value = "<b>Pick a suggestion first.</b>"
                return
            target = save_alias_table(table_now().decide(choice.value, status_value), path)
            status.value = f"Saved: suggestion {h.escape(status_value)} in <code>{h.escape(target)}</code>. Re-run the analysis to apply it."
        except (ValueError, KeyError, OSError) as exc:
            status.value = f"<b>Not saved:</b> {h.escape(exc)}"
        refresh()

    def do_split(_: Any) -> None:
        try:
            if not entity.value or not alias.value:
                status.value = "<b>Pick an entity and one of its aliases first.</b>"
                return
            name = _entity_names(corpus)[entity.value]
            target = save_alias_table(table_now().split(alias.value, name), path)
            status.value = (f"Saved: {h.escape(alias.value)} stays apart from {h.escape(name)} in "
                            f"<code>{h.escape(target)}</code>. Re-run the analysis to apply it.")
        except (ValueError, KeyError, OSError) as exc:
            status.value = f"<b>Not saved:</b> {h.escape(exc)}"

    accept.on_click(lambda _: decide("accepted"))
    reject.on_click(lambda _: decide("rejected"))
    split.on_click(do_split)
    entity.observe(refresh_aliases, names="value")
    selection.observe(refresh)
    refresh()
    refresh_aliases()
    box = widgets.VBox([listing, widgets.HBox([choice, accept, reject]), widgets.HBox([entity, alias, split]), status])
    box.rows = lambda: suggestion_rows(corpus, selection, alias_table=path)
    box.decide = decide  # so notebooks and tests can drive it without clicks
    box.choice, box.entity_picker, box.alias_picker, box.split_button = choice, entity, alias, split
    return box
