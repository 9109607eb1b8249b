"""Views of the quotes table: the quote explorer, who said what, and the speakers of an entity.

Every view is one data-backed widget (plus its filters) observing the shared
:class:`toolkit.views.Selection`, with a ``rows()`` method giving the rows it
shows; every view has a static renderer (escaped HTML, no kernel, no network).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit import html as h
from toolkit.views import PAGE_ROWS, page_note

__all__ = [
    "quote_rows", "quote_context", "who_said_what_rows", "speakers_of_entity_rows",
    "quote_explorer", "who_said_what", "speakers_of_entity",
    "render_quote_explorer", "render_who_said_what", "render_speakers_of_entity", "who_said_what_chart",
]

EXPLORER_COLUMNS = ["published", "speaker", "content", "kind", "cue", "article_id", "title"]


# data -------------------------------------------------------------------------
def _mentioned_entities(corpus: Any) -> pd.DataFrame:
    """(quote_id, entity_id) pairs: the entities a quote's content mentions."""
    quotes, mentions = corpus.quotes, corpus.mentions
    if quotes.empty or mentions.empty:
        return pd.DataFrame({"quote_id": pd.Series([], dtype="string"), "entity_id": pd.Series([], dtype="string")})
    linked = mentions.dropna(subset=["entity_id"])[["article_id", "start", "end", "entity_id"]]
    pairs = quotes[["quote_id", "article_id", "content_start", "content_end"]].merge(linked, on="article_id")
    inside = (pairs["start"] >= pairs["content_start"]) & (pairs["end"] <= pairs["content_end"])
    return pairs.loc[inside, ["quote_id", "entity_id"]].drop_duplicates().reset_index(drop=True)


def quote_rows(corpus: Any, selection: Any = None, *, speaker: str | None = None, entity: str | None = None,
               kind: str | None = None, search: str | None = None) -> pd.DataFrame:
    """The quotes the explorer shows: filtered by the selection and the explorer's own filters, sorted by date.

    ``speaker`` matches the speaker's name or text (case-insensitive substring);
    ``entity`` keeps quotes spoken by, relayed by or mentioning that entity id; ``search``
    matches the quote's text.
    """
    quotes = corpus.quotes.copy()
    articles = corpus.articles[["article_id", "published", "title"]]
    frame = quotes.merge(articles, on="article_id", how="left")
    names = frame["speaker_name"] if "speaker_name" in frame else pd.Series([None] * len(frame), index=frame.index)
    texts = frame["speaker_text"] if "speaker_text" in frame else pd.Series([None] * len(frame), index=frame.index)
    frame["speaker"] = names.where(names.notna(), texts)
    frame["cue"] = [text[s:e] if pd.notna(s) and pd.notna(e) else None for text, s, e in
                    zip(_article_texts(corpus, frame), frame["cue_start"], frame["cue_end"])]
    wanted_entities: list[str] = []
    if selection is not None:
        allowed = selection.article_ids(corpus)
        if allowed is not None:
            frame = frame[frame["article_id"].isin(allowed)]
        wanted_entities = list(selection.entities)
    if entity:
        wanted_entities = [*wanted_entities, entity]
    if wanted_entities:
        mentioned = _mentioned_entities(corpus)
        about = set(mentioned.loc[mentioned["entity_id"].isin(wanted_entities), "quote_id"])
        # spoken by, relayed by (a news agency) or mentioned in the quote
        frame = frame[frame["speaker_entity_id"].isin(wanted_entities) | frame["via_entity_id"].isin(wanted_entities)
                      | frame["quote_id"].isin(about)]
    if speaker:
        needle = speaker.casefold()
        frame = frame[frame["speaker"].fillna("").str.casefold().str.contains(needle, regex=False)
                      | texts.loc[frame.index].fillna("").str.casefold().str.contains(needle, regex=False)]
    if kind:
        frame = frame[frame["kind"] == kind]
    if search:
        frame = frame[frame["content"].fillna("").str.casefold().str.contains(search.casefold(), regex=False)]
    return frame.sort_values(["published", "article_id", "content_start"], na_position="last").reset_index(drop=True)


def _article_texts(corpus: Any, frame: pd.DataFrame) -> list[str]:
    texts = dict(zip(corpus.articles["article_id"], corpus.articles["text"]))
    return [texts.get(a, "") or "" for a in frame["article_id"]]


def quote_context(corpus: Any, quote_id: str, *, window: int = 400) -> str:
    """The quote in its article, speaker, cue, content (and relay) highlighted and labelled; escaped HTML."""
    quotes = corpus.quotes
    match = quotes[quotes["quote_id"] == quote_id]
    if match.empty:
        return f'<p class="pl-muted">No quote {h.escape(quote_id)} in this corpus.</p>'
    quote = match.iloc[0]
    article = corpus.articles[corpus.articles["article_id"] == quote["article_id"]]
    text = str(article.iloc[0]["text"]) if len(article) else ""
    spans = [{"start": quote["content_start"], "end": quote["content_end"], "label": "content"}]
    for label, start, end in (("cue", "cue_start", "cue_end"), ("speaker", "speaker_start", "speaker_end"),
                              ("via", "via_start", "via_end")):
        if start in quote and pd.notna(quote[start]) and pd.notna(quote[end]):
            spans.append({"start": int(quote[start]), "end": int(quote[end]), "label": label})
    offsets = [int(s["start"]) for s in spans] + [int(s["end"]) for s in spans]
    left, right = max(0, min(offsets) - window), min(len(text), max(offsets) + window)
    shown = [{**s, "start": int(s["start"]) - left, "end": int(s["end"]) - left} for s in spans]
    name = quote.get("speaker_name")
    header = (f"<p><b>{h.escape(name if pd.notna(name) else 'unknown speaker')}</b> · {h.escape(quote['kind'])} · "
              f"{h.escape(quote['article_id'])}</p>")
    body = h.highlight(text[left:right], shown)
    return header + ("… " if left else "") + body + (" …" if right < len(text) else "")


def who_said_what_rows(corpus: Any, selection: Any = None) -> pd.DataFrame:
    """Speakers × entities their quotes mention, with counts (speaker and entity by canonical name)."""
    frame = quote_rows(corpus, selection)
    mentioned = _mentioned_entities(corpus)
    if frame.empty or mentioned.empty:
        return pd.DataFrame({"speaker": pd.Series([], dtype="string"), "entity": pd.Series([], dtype="string"),
                             "quotes": pd.Series([], dtype="int64")})
    pairs = frame[["quote_id", "speaker", "speaker_entity_id"]].dropna(subset=["speaker"]).merge(mentioned, on="quote_id")
    pairs = pairs[pairs["entity_id"] != pairs["speaker_entity_id"]]  # what they talk about, not themselves
    names = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
    pairs["entity"] = pairs["entity_id"].map(lambda e: names.get(e, e))
    counts = pairs.groupby(["speaker", "entity"]).size().reset_index(name="quotes")
    return counts.sort_values(["quotes", "speaker", "entity"], ascending=[False, True, True]).reset_index(drop=True)


def speakers_of_entity_rows(corpus: Any, selection: Any = None, *, entity: str | None = None) -> pd.DataFrame:
    """Who is quoted about the selected entity (or ``entity``): one row per speaker."""
    wanted = [entity] if entity else list(selection.entities) if selection is not None else []
    columns = {"speaker": "string", "quotes": "int64", "kinds": "string", "first": "string", "last": "string",
               "articles": "int64"}
    if not wanted:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    mentioned = _mentioned_entities(corpus)
    about = set(mentioned.loc[mentioned["entity_id"].isin(wanted), "quote_id"])
    frame = quote_rows(corpus, selection if entity is None else None)
    frame = frame[frame["quote_id"].isin(about)]
    frame = frame.assign(speaker=frame["speaker"].fillna("(unknown speaker)"))
    if frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    grouped = frame.groupby("speaker").agg(
        quotes=("quote_id", "size"), kinds=("kind", lambda k: ", ".join(sorted(set(k)))),
        first=("published", "min"), last=("published", "max"), articles=("article_id", "nunique")).reset_index()
    return grouped.sort_values(["quotes", "speaker"], ascending=[False, True]).reset_index(drop=True)


# charts -------------------------------------------------------------------------
def who_said_what_chart(rows: pd.DataFrame) -> Any:
    """An Altair heatmap of speakers × entities, counts written in the cells (colour is never the only cue)."""
    import altair as alt

    base = alt.Chart(rows).encode(
        x=alt.X("entity:N", title="entity mentioned", sort="-color"),
        y=alt.Y("speaker:N", title="speaker", sort="-color"),
        tooltip=["speaker", "entity", "quotes"])
    cells = base.mark_rect().encode(color=alt.Color("quotes:Q", title="quotes", scale=alt.Scale(scheme="blues")))
    labels = base.mark_text(baseline="middle").encode(text="quotes:Q")
    return (cells + labels).properties(title="Who said what about whom")


# static renderers ---------------------------------------------------------------
def render_quote_explorer(corpus: Any, selection: Any = None, **filters: Any) -> str:
    rows = quote_rows(corpus, selection, **filters)
    body = h.table(rows, columns=EXPLORER_COLUMNS)
    if selection is not None and selection.quote:
        body = quote_context(corpus, selection.quote) + body
    return h.section("Quotes", body)


def render_who_said_what(corpus: Any, selection: Any = None, **_: Any) -> str:
    rows = who_said_what_rows(corpus, selection)
    if rows.empty:
        return h.section("Who said what", '<p class="pl-muted">No quote mentions a linked entity '
                                          "(run the entities plugin for this view).</p>")
    svg = ""
    try:
        import vl_convert as vlc

        svg = vlc.vegalite_to_svg(who_said_what_chart(rows).to_json())
    except Exception:  # no converter: the table below carries the same numbers
        svg = ""
    return h.section("Who said what", svg + h.table(rows))


def render_speakers_of_entity(corpus: Any, selection: Any = None, *, entity: str | None = None, **_: Any) -> str:
    rows = speakers_of_entity_rows(corpus, selection, entity=entity)
    wanted = [entity] if entity else list(selection.entities) if selection is not None else []
    if not wanted:
        return h.section("Speakers of an entity", '<p class="pl-muted">Select an entity to see who is quoted about it.</p>')
    names = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
    title = "Who is quoted about " + ", ".join(str(names.get(e, e)) for e in wanted)
    return h.section(title, h.table(rows))


# widgets --------------------------------------------------------------------------
def quote_explorer(corpus: Any, selection: Any, **options: Any) -> Any:
    """Filters (speaker, entity, kind, text), one table, and the picked quote in context; picking sets ``selection.quote``."""
    import ipywidgets as widgets

    speaker = widgets.Text(placeholder="speaker", description="Speaker")
    entity_names = sorted(zip(corpus.entities["name"].astype(str), corpus.entities["entity_id"].astype(str)))
    entity = widgets.Dropdown(options=[("any entity", "")] + entity_names, description="Entity")
    kind = widgets.Dropdown(options=[("any kind", "")] + [(k, k) for k in ("direct", "partial", "mixed", "indirect")],
                            description="Kind")
    search = widgets.Text(placeholder="words in the quote", description="Search")
    picker = widgets.Select(options=[], description="Quote", rows=8, layout=widgets.Layout(width="100%"))
    table = widgets.HTML()
    context = widgets.HTML()
    state: dict[str, pd.DataFrame] = {"rows": quote_rows(corpus, selection)}

    def current() -> pd.DataFrame:
        return quote_rows(corpus, selection, speaker=speaker.value or None, entity=entity.value or None,
                          kind=kind.value or None, search=search.value or None)

    def refresh(_: Any = None) -> None:
        rows = current()
        state["rows"] = rows
        page = rows.head(PAGE_ROWS)  # one page drawn; rows() keeps every row the filters allow
        table.value = h.table(page, columns=EXPLORER_COLUMNS, max_rows=PAGE_ROWS) + page_note(len(page), len(rows))
        picked = rows[rows["quote_id"] == selection.quote] if selection.quote else rows.head(0)
        labels = [(f"{h.text_or(r.published)[:10]} · {h.text_or(r.speaker, 'unknown')}: {str(r.content)[:80]}", r.quote_id)
                  for r in pd.concat([page, picked[~picked["quote_id"].isin(page["quote_id"])]]).itertuples()]
        picker.unobserve(pick, names="value")
        picker.options = labels
        picker.value = selection.quote if selection.quote in set(rows["quote_id"]) else None
        picker.observe(pick, names="value")
        show_context()

    def pick(change: Any) -> None:
        if change["new"] is not None:
            selection.quote = change["new"]

    def show_context(_: Any = None) -> None:
        context.value = quote_context(corpus, selection.quote) if selection.quote else ""

    for control in (speaker, entity, kind, search):
        control.observe(refresh, names="value")
    selection.on_change(_when_changed(selection, ("entities", "date_range", "articles"), refresh))
    selection.observe(show_context, names=["quote"])
    picker.observe(pick, names="value")
    refresh()
    box = widgets.VBox([widgets.HBox([speaker, entity]), widgets.HBox([kind, search]), picker, context, table])
    box.rows = lambda: state["rows"]
    box.filters = {"speaker": speaker, "entity": entity, "kind": kind, "search": search}
    box.picker = picker
    return box


def who_said_what(corpus: Any, selection: Any, **options: Any) -> Any:
    """The who-said-what heatmap as a live chart, following the shared selection."""
    import altair as alt
    import ipywidgets as widgets

    _enable_offline(alt)
    state: dict[str, pd.DataFrame] = {"rows": who_said_what_rows(corpus, selection)}
    holder = widgets.VBox()

    def refresh(_: Any = None) -> None:
        rows = who_said_what_rows(corpus, selection)
        state["rows"] = rows
        if rows.empty:
            holder.children = [widgets.HTML('<p class="pl-muted">No quote mentions a linked entity.</p>')]
        else:
            holder.children = [alt.JupyterChart(who_said_what_chart(rows))]

    selection.on_change(_when_changed(selection, ("entities", "date_range", "articles"), refresh))
    refresh()
    holder.rows = lambda: state["rows"]
    return holder


def speakers_of_entity(corpus: Any, selection: Any, **options: Any) -> Any:
    """Who is quoted about the selected entity: one table that follows ``selection.entities``."""
    import ipywidgets as widgets

    out = widgets.HTML()
    state: dict[str, pd.DataFrame] = {}

    def refresh(_: Any = None) -> None:
        state["rows"] = speakers_of_entity_rows(corpus, selection)
        out.value = render_speakers_of_entity(corpus, selection)

    selection.on_change(_when_changed(selection, ("entities", "date_range", "articles"), refresh))
    refresh()
    out.rows = lambda: state["rows"]
    return out


def _when_changed(selection: Any, parts: tuple[str, ...], refresh: Any) -> Any:
    """``refresh`` once per selection change, and only when one of ``parts`` moved."""
    last = {"key": selection.key(parts)}

    def run(change: Any = None) -> None:
        key = selection.key(parts)
        if key != last["key"]:
            last["key"] = key
            refresh(change)

    return run


_OFFLINE = {"done": False}


def _enable_offline(alt: Any) -> None:
    """Serve the chart's JavaScript from the installed package, never a CDN (once per session)."""
    if not _OFFLINE["done"]:
        try:
            alt.JupyterChart.enable_offline()
        except Exception:  # an old anywidget/altair pair: charts still render where the kernel can load them
            pass
        _OFFLINE["done"] = True
