"""The ``stories`` view and its static renderer: the corpus's stories, biggest first.

The view lists the stories the selection allows (entities, date range) and,
for the story picked, its articles with the copies marked. Picking a story sets
the selection's articles to the story's articles, so every other view narrows
to that story; picking "all stories" clears them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.sdk import PAGE_ROWS, Selection, cached, html, page_note

__all__ = ["story_rows", "render_stories", "stories_view"]

_COLUMNS = ["label", "n_articles", "date_start", "date_end", "entities", "copies"]
_ARTICLE_COLUMNS = ["published", "outlet", "title", "article_id", "copy of"]
_EMPTY = '<p class="pl-muted">No stories in this selection{why}.</p>'


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


def render_stories(corpus: Any, selection: Selection | None = None, *, max_stories: int = PAGE_ROWS, **_: Any) -> str:
    """The stories as one escaped HTML section (no kernel, no network); the picked story's articles below."""
    frame = _display(corpus)
    if frame.empty:
        why = "" if len(corpus.articles) == 0 else ": the stories plugin has not run on this corpus"
        return html.section("Stories", _EMPTY.format(why=why if not len(_stories(corpus)) else ""))
    rows = story_rows(corpus, selection)
    if rows.empty:
        return html.section("Stories", _EMPTY.format(why=""))
    body = html.table(rows.head(max_stories), columns=_COLUMNS, max_rows=max_stories)
    body += page_note(min(len(rows), max_stories), len(rows))
    picked = _picked(rows, selection)
    if picked is not None:
        body += _story_articles(corpus, rows[rows["story_id"] == picked].iloc[0])
    return html.section("Stories", body)


def stories_view(corpus: Any, selection: Selection, **options: Any) -> Any:
    """The stories table (click a row, or Enter on it, to select the story's articles; again to let go) and a picker."""
    import ipywidgets as widgets

    from toolkit.sdk import RowTable, row_table_html

    picker = widgets.Dropdown(description="Story")
    out = widgets.HTML()
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
        story = rows[rows["story_id"] == picked] if picked is not None else rows.head(0)
        out.value = html.section("Articles of the story", _story_articles(corpus, story.iloc[0])) if len(story) else ""

    def choose(story_id: str) -> None:
        frame = _display(corpus)
        chosen = frame[frame["story_id"] == story_id]
        selection.articles = [str(a) for a in chosen.iloc[0]["article_ids"]] if len(chosen) else []

    def to_selection(change: Any) -> None:
        if not syncing["on"]:
            choose(change["new"])

    def pick(story_id: str) -> None:
        choose("" if _picked(story_rows(corpus, selection), selection) == story_id else story_id)

    picker.observe(to_selection, names="value")
    table.on_pick(pick)
    selection.on_change(refresh, parts=("entities", "date_range", "articles"))
    refresh()
    box = widgets.VBox([picker, table, out])
    box.rows = lambda: story_rows(corpus, selection)
    box.picker = picker
    box.table = table
    box.html = out
    return box
