"""Views of the quotes table: the quote explorer, who said what, and the speakers of an entity.

Every view is one data-backed widget (plus its filters) observing the shared
:class:`toolkit.sdk.Selection`, with a ``rows()`` method giving the rows it
shows; every view has a static renderer (escaped HTML, no kernel, no network).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit import html as h
from toolkit.sdk import PAGE_ROWS, DistinctPairs, cached, chart_widget, columns_frame, page_note, svg

__all__ = [
    "quote_rows",
    "quote_context",
    "who_said_what_rows",
    "speakers_of_entity_rows",
    "quote_explorer",
    "who_said_what",
    "speakers_of_entity",
    "render_quote_explorer",
    "render_who_said_what",
    "render_speakers_of_entity",
    "who_said_what_chart",
    "quote_spans",
    "quote_speakers",
    "quote_provenance",
    "provenance_rows",
    "provenance_label",
    "quote_provenance_view",
    "render_quote_provenance",
]

# the parts quote_rows reads itself (or, for the picked quote, never narrows by)
_OWN_PARTS = ("entities", "date_range", "articles", "quote")
EXPLORER_COLUMNS = ["published", "speaker", "content", "kind", "cue", "article_id", "title"]


# data -------------------------------------------------------------------------
@dataclass(frozen=True)
class _QuoteIndex:
    """Per corpus, built once: the explorer's base frame (sorted as shown) and the (quote, entity) pairs as codes.

    A selection change then costs boolean masks over these arrays instead of a
    merge of quotes with every mention (millions of rows on a large corpus).
    """

    base: pd.DataFrame  # every quote with published, title, speaker, cue; sorted by date, article, offset
    article_codes: np.ndarray  # base row -> position in corpus.articles (-1: not a corpus article)
    article_ids: pd.Index  # corpus article ids, by position
    entity_ids: pd.Index  # every entity id a quote refers to (speaker, relay or mentioned)
    speaker_codes: np.ndarray  # base row -> entity code of speaker_entity_id (-1: none)
    via_codes: np.ndarray  # base row -> entity code of via_entity_id (-1: none)
    pair_rows: np.ndarray  # (quote, mentioned entity) pairs: base row ...
    pair_entities: np.ndarray  # ... and entity code, unique pairs, sorted by row
    by_entity: np.ndarray  # pair numbers sorted by entity ...
    entity_starts: np.ndarray  # ... entity e's pairs are by_entity[entity_starts[e]:entity_starts[e + 1]]

    def entity_codes(self, wanted: list[str]) -> np.ndarray:
        found = self.entity_ids.get_indexer(pd.Index(wanted, dtype=object))
        return found[found >= 0]

    def chosen(self, codes: np.ndarray) -> np.ndarray:
        """A table from entity code (-1 reads the last slot, False) to "is one of ``codes``"."""
        table = np.zeros(len(self.entity_ids) + 1, dtype=bool)
        table[codes] = True
        return table

    def mentioning(self, codes: np.ndarray) -> np.ndarray:
        """Base rows whose content mentions any of the entity ``codes`` (read from the entities' pair lists)."""
        mask = np.zeros(len(self.base), dtype=bool)
        codes = np.unique(codes)
        mask[self.pair_rows[self.by_entity[_ranges(self.entity_starts[codes], self.entity_starts[codes + 1])]]] = True
        return mask


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``starts[0]..ends[0]-1, starts[1]..ends[1]-1, ...`` as one array, without a Python loop.

    >>> _ranges(np.array([2, 7]), np.array([4, 8])).tolist()
    [2, 3, 7]
    """
    lengths = (ends - starts).astype(np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


def _quote_index(corpus: Any) -> _QuoteIndex:
    return cached(
        corpus,
        "quotes-view-index",
        lambda: _build_quote_index(corpus),
        sources=(corpus.quotes, corpus.articles, corpus.mentions),
    )


def _build_quote_index(corpus: Any) -> _QuoteIndex:
    articles = corpus.articles[["article_id", "published", "title"]]
    frame = corpus.quotes.merge(articles, on="article_id", how="left")
    names = frame["speaker_name"] if "speaker_name" in frame else pd.Series([None] * len(frame), index=frame.index)
    texts = frame["speaker_text"] if "speaker_text" in frame else pd.Series([None] * len(frame), index=frame.index)
    frame["speaker"] = names.where(names.notna(), texts)
    starts = frame["cue_start"].astype("float64").to_numpy()
    ends = frame["cue_end"].astype("float64").to_numpy()
    frame["cue"] = [
        text[int(s) : int(e)] if s == s and e == e else None
        for text, s, e in zip(_article_texts(corpus, frame), starts, ends)  # NaN != NaN: no cue
    ]
    base = frame.sort_values(["published", "article_id", "content_start"], na_position="last").reset_index(drop=True)
    article_ids = pd.Index(corpus.articles["article_id"].astype(object))
    ids = pd.Index(
        pd.unique(
            pd.concat(
                [
                    corpus.mentions["entity_id"].astype(object),
                    base["speaker_entity_id"].astype(object),
                    base["via_entity_id"].astype(object),
                ]
            ).dropna()
        ),
        dtype=object,
    )
    rows, entities = _pairs(base, corpus.mentions, ids)
    by_entity = np.argsort(entities, kind="stable")
    return _QuoteIndex(
        by_entity=by_entity,
        entity_starts=np.searchsorted(entities[by_entity], np.arange(len(ids) + 1)),
        base=base,
        article_codes=article_ids.get_indexer(base["article_id"].astype(object)),
        article_ids=article_ids,
        entity_ids=ids,
        speaker_codes=ids.get_indexer(base["speaker_entity_id"].astype(object)),
        via_codes=ids.get_indexer(base["via_entity_id"].astype(object)),
        pair_rows=rows,
        pair_entities=entities,
    )


def _pairs(base: pd.DataFrame, mentions: pd.DataFrame, ids: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """(base row, entity code) for every linked mention inside a quote's content, unique pairs.

    Mentions sorted by (article, start) give each quote its candidates by two
    binary searches, instead of joining every quote with every mention of its article.
    """
    linked = mentions.dropna(subset=["entity_id"])
    if base.empty or linked.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    articles = pd.Index(pd.unique(pd.concat([base["article_id"], linked["article_id"]]).astype(object)))
    span = int(max(linked["end"].max(), base["content_end"].max())) + 2
    m_key = articles.get_indexer(linked["article_id"].astype(object)).astype(np.int64) * span + linked[
        "start"
    ].to_numpy(dtype=np.int64)
    order = np.argsort(m_key, kind="stable")
    m_key, m_end = m_key[order], linked["end"].to_numpy(dtype=np.int64)[order]
    m_entity = ids.get_indexer(linked["entity_id"].astype(object))[order]
    q_article = articles.get_indexer(base["article_id"].astype(object)).astype(np.int64) * span
    has = base["content_start"].notna().to_numpy() & base["content_end"].notna().to_numpy()
    starts = base["content_start"].fillna(0).to_numpy(dtype=np.int64)
    ends = base["content_end"].fillna(0).to_numpy(dtype=np.int64)
    lo = np.searchsorted(m_key, q_article + starts, side="left")
    hi = np.where(has, np.searchsorted(m_key, q_article + ends, side="left"), lo)  # mention starts before the end
    counts = hi - lo
    rows = np.repeat(np.arange(len(base), dtype=np.int64), counts)
    at = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum(), dtype=np.int64)
    inside = m_end[at] <= ends[rows]
    rows, entities = rows[inside], m_entity[at][inside].astype(np.int64)
    pairs = np.unique(rows * len(ids) + entities)
    return pairs // len(ids), pairs % len(ids)


def _mentioned_entities(corpus: Any) -> pd.DataFrame:
    """(quote_id, entity_id) pairs: the entities a quote's content mentions."""
    quotes, mentions = corpus.quotes, corpus.mentions
    if quotes.empty or mentions.empty:
        return pd.DataFrame({"quote_id": pd.Series([], dtype="string"), "entity_id": pd.Series([], dtype="string")})
    linked = mentions.dropna(subset=["entity_id"])[["article_id", "start", "end", "entity_id"]]
    pairs = quotes[["quote_id", "article_id", "content_start", "content_end"]].merge(linked, on="article_id")
    inside = (pairs["start"] >= pairs["content_start"]) & (pairs["end"] <= pairs["content_end"])
    return pairs.loc[inside, ["quote_id", "entity_id"]].drop_duplicates().reset_index(drop=True)


def _selected(index: _QuoteIndex, corpus: Any, selection: Any, entities: list[str]) -> np.ndarray | None:
    """Base rows the selection's articles and dates and ``entities`` allow (``None``: every row).

    Kept for the latest arguments, so the quotes views of one dashboard filter once per change.
    """
    state = (None if selection is None else selection.key(("articles", "date_range")), tuple(entities))
    return cached(
        corpus,
        "quotes:selected",
        lambda: _read_only(_select(index, corpus, selection, entities)),
        sources=(index.base,),
        state=state,
    )


def _read_only(mask: np.ndarray | None) -> np.ndarray | None:
    if mask is not None:
        mask.flags.writeable = False  # shared by the views: combine with &, never &=
    return mask


def _select(index: _QuoteIndex, corpus: Any, selection: Any, entities: list[str]) -> np.ndarray | None:
    keep: np.ndarray | None = None
    if selection is not None:
        allowed = selection.article_mask(corpus)  # by row of corpus.articles, the order of index.article_ids
        if allowed is not None:
            keep = np.append(allowed, False)[index.article_codes]  # -1 (not a corpus article) reads False
    if entities:
        codes = index.entity_codes(entities)
        chosen = index.chosen(codes)
        # spoken by, relayed by (a news agency) or mentioned in the quote
        about = chosen[index.speaker_codes] | chosen[index.via_codes] | index.mentioning(codes)
        keep = about if keep is None else keep & about
    return keep


def quote_rows(
    corpus: Any,
    selection: Any = None,
    *,
    speaker: str | None = None,
    entity: str | None = None,
    kind: str | None = None,
    search: str | None = None,
) -> pd.DataFrame:
    """The quotes the explorer shows: filtered by the selection and the explorer's own filters, sorted by date.

    ``speaker`` matches the speaker's name or text (case-insensitive substring);
    ``entity`` keeps quotes spoken by, relayed by or mentioning that entity id; ``search``
    matches the quote's text.
    """
    index = _quote_index(corpus)
    wanted = list(selection.entities) if selection is not None else []
    if entity:
        wanted = [*wanted, entity]
    keep = _selected(index, corpus, selection, wanted)
    # the parts other plugins add (a claim group: its quotes) narrow the list too; the picked quote does not
    others = tuple(p for p in getattr(selection, "parts", ()) if p not in _OWN_PARTS)
    if others and any(getattr(selection, p) for p in others):
        more = selection.mask(index.base, corpus, parts=others)
        if more is not None:
            keep = more if keep is None else keep & more
    frame = index.base if keep is None else index.base[keep]  # copy-on-write: callers cannot change the base
    if speaker:
        needle = speaker.casefold()
        texts = frame["speaker_text"] if "speaker_text" in frame else pd.Series([None] * len(frame), index=frame.index)
        frame = frame[
            frame["speaker"].fillna("").str.casefold().str.contains(needle, regex=False)
            | texts.fillna("").str.casefold().str.contains(needle, regex=False)
        ]
    if kind:
        frame = frame[frame["kind"] == kind]
    if search:
        frame = frame[frame["content"].fillna("").str.casefold().str.contains(search.casefold(), regex=False)]
    return frame.reset_index(drop=True)


def _article_texts(corpus: Any, frame: pd.DataFrame) -> list[str]:
    texts = dict(zip(corpus.articles["article_id"], corpus.articles["text"]))
    return [texts.get(a, "") or "" for a in frame["article_id"]]


def _colours() -> dict[str, str]:
    """The colours the plugin declares for its reader layer (one place for them)."""
    from . import plugin

    return {label: colour for layer in plugin.highlights for label, colour in layer.colours.items()}


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
    for label, start, end in (
        ("cue", "cue_start", "cue_end"),
        ("speaker", "speaker_start", "speaker_end"),
        ("via", "via_start", "via_end"),
    ):
        if start in quote and pd.notna(quote[start]) and pd.notna(quote[end]):
            spans.append({"start": int(quote[start]), "end": int(quote[end]), "label": label})
    offsets = [int(s["start"]) for s in spans] + [int(s["end"]) for s in spans]
    left, right = max(0, min(offsets) - window), min(len(text), max(offsets) + window)
    shown = [{**s, "start": int(s["start"]) - left, "end": int(s["end"]) - left} for s in spans]
    name = quote.get("speaker_name")
    header = (
        f"<p><b>{h.escape(name if pd.notna(name) else 'unknown speaker')}</b> · {h.escape(quote['kind'])} · "
        f"{h.escape(quote['article_id'])}</p>"
    )
    body = h.highlight(text[left:right], shown, colours=_colours())
    return header + ("… " if left else "") + body + (" …" if right < len(text) else "")


def who_said_what_rows(corpus: Any, selection: Any = None) -> pd.DataFrame:
    """Speakers × entities their quotes mention, with counts (speaker and entity by canonical name)."""
    index = _quote_index(corpus)
    keep = _selected(index, corpus, selection, list(selection.entities) if selection is not None else [])
    cells = _who_cells(corpus, index)
    if keep is None:  # every quote: the same table whenever the selection is cleared, so made once
        if "all" not in cells.whole:
            cells.whole["all"] = _who_rows(cells, cells.counted_cell)
        return cells.whole["all"]
    rows = np.flatnonzero(keep)
    return _who_rows(cells, cells.counted_cell[_ranges(cells.row_starts[rows], cells.row_starts[rows + 1])])


def _who_rows(cells: _WhoCells, pairs: np.ndarray) -> pd.DataFrame:
    """The who-said-what table of the counted pairs' cells ``pairs``."""
    counts = np.bincount(pairs, minlength=len(cells.speaker))
    found = np.flatnonzero(counts)  # cells are in (speaker, entity) name order
    if not len(found):
        return pd.DataFrame(
            {
                "speaker": pd.Series([], dtype="string"),
                "entity": pd.Series([], dtype="string"),
                "quotes": pd.Series([], dtype="int64"),
            }
        )
    found = found[np.argsort(-counts[found], kind="stable")]  # most quotes first, ties by speaker then entity
    return columns_frame(
        {"speaker": cells.speaker[found], "entity": cells.entity[found], "quotes": counts[found].astype("int64")}
    )


@dataclass(frozen=True)
class _WhoCells:
    """Per corpus: each (quote, mentioned entity) pair's (speaker name, entity name) cell, counted per change."""

    counted_cell: np.ndarray  # the cell of each counted pair (a speaker, not talking about themselves), by row ...
    row_starts: np.ndarray  # ... base row r's are counted_cell[row_starts[r]:row_starts[r + 1]]
    speaker: np.ndarray  # cell -> speaker name; cells sorted by speaker name, then entity name
    entity: np.ndarray  # cell -> entity name
    whole: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False)  # the table of every quote


def _who_cells(corpus: Any, index: _QuoteIndex) -> _WhoCells:
    def build() -> _WhoCells:
        speakers, speaker_codes, names, name_codes = _who_codes(corpus, index)
        rows, entities = index.pair_rows, index.pair_entities
        # what they talk about, not themselves; quotes without a speaker are not counted
        counted = (speaker_codes[rows] >= 0) & (entities != index.speaker_codes[rows])
        key = speaker_codes[rows].astype(np.int64) * max(len(names), 1) + name_codes[entities].astype(np.int64)
        cells, cell = np.unique(np.where(counted, key, -1), return_inverse=True)
        cell = cell.ravel()
        if len(cells) and cells[0] == -1:  # the uncounted pairs share one code, never read
            cells, cell = cells[1:], np.maximum(cell - 1, 0)
        # pairs are sorted by row, so the counted ones are too: one list of cells per quote
        return _WhoCells(
            counted_cell=cell[counted],
            row_starts=np.searchsorted(rows[counted], np.arange(len(index.base) + 1)),
            speaker=speakers[cells // max(len(names), 1)],
            entity=names[cells % max(len(names), 1)],
        )

    return cached(corpus, "who-said-what-cells", build, sources=(index.base, corpus.entities))


def _who_codes(corpus: Any, index: _QuoteIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted speaker names with each base row's code, and sorted entity names with each entity code's code."""

    def build() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        speaker_codes, speakers = pd.factorize(index.base["speaker"].astype(object), sort=True)
        known = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
        name_codes, names = pd.factorize(
            pd.Series([known.get(e, e) for e in index.entity_ids], dtype=object), sort=True
        )
        return (np.asarray(speakers, dtype=object), speaker_codes, np.asarray(names, dtype=object), name_codes)

    return cached(corpus, "who-said-what-codes", build, sources=(index.base, corpus.entities))


def speakers_of_entity_rows(corpus: Any, selection: Any = None, *, entity: str | None = None) -> pd.DataFrame:
    """Who is quoted about the selected entity (or ``entity``): one row per speaker."""
    wanted = [entity] if entity else list(selection.entities) if selection is not None else []
    columns = {
        "speaker": "string",
        "quotes": "int64",
        "kinds": "string",
        "first": "string",
        "last": "string",
        "articles": "int64",
    }
    if not wanted:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    index = _quote_index(corpus)
    about = index.mentioning(index.entity_codes(wanted))
    keep = _selected(index, corpus, selection if entity is None else None, wanted)
    rows = np.flatnonzero(about if keep is None else about & keep)
    if not len(rows):
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    codes = _speaker_codes(corpus, index)
    n_speakers = len(codes.names)
    quotes = np.bincount(codes.speaker[rows], minlength=n_speakers)
    present = np.flatnonzero(quotes)  # in name order
    first = codes.days.extreme(rows, n_speakers, lowest=True)[present]
    last = codes.days.extreme(rows, n_speakers, lowest=False)[present]
    # the kinds each speaker used, in sorted order: the (speaker, kind) pairs the rows use
    used = codes.kinds.used(rows) > 0
    kinds = np.full(n_speakers, "", dtype=object)
    for who, kind in zip(codes.kinds.group[used].tolist(), codes.kinds.value[used].tolist()):
        kinds[who] = f"{kinds[who]}, {codes.kind_names[kind]}" if kinds[who] else codes.kind_names[kind]
    out = columns_frame(
        {
            "speaker": codes.names[present],
            "quotes": quotes[present].astype("int64"),
            "kinds": kinds[present],
            "first": _texts(codes.day_names, first),
            "last": _texts(codes.day_names, last),
            "articles": codes.articles.distinct(rows, n_speakers)[present].astype("int64"),
        }
    )
    return out.iloc[np.lexsort((np.arange(len(present)), -out["quotes"].to_numpy()))].reset_index(drop=True)


def _texts(names: np.ndarray, codes: np.ndarray) -> np.ndarray:
    out = np.full(len(codes), None, dtype=object)
    out[codes >= 0] = names[codes[codes >= 0]]
    return out


@dataclass(frozen=True)
class _SpeakerCodes:
    """Per corpus: each quote's speaker (unknown ones as one speaker), kind, date and article as codes."""

    speaker: np.ndarray  # base row -> speaker code; codes follow the names' text order
    names: np.ndarray
    kinds: DistinctPairs  # (speaker, kind); kind codes follow the kinds' text order
    kind_names: np.ndarray
    days: DistinctPairs  # (speaker, publication date); date codes follow the dates' text order
    day_names: np.ndarray
    articles: DistinctPairs  # (speaker, article)


def _speaker_codes(corpus: Any, index: _QuoteIndex) -> _SpeakerCodes:
    def build() -> _SpeakerCodes:
        base = index.base
        speaker, names = pd.factorize(base["speaker"].astype(object).fillna("(unknown speaker)"), sort=True)
        kind, kind_names = pd.factorize(base["kind"].astype(object), sort=True)
        day, day_names = pd.factorize(base["published"].astype(object), sort=True)
        article, _ = pd.factorize(base["article_id"].astype(object))
        return _SpeakerCodes(
            speaker=speaker,
            names=np.asarray(names, dtype=object),
            kinds=DistinctPairs.of(speaker, kind),
            kind_names=np.asarray(kind_names, dtype=object),
            days=DistinctPairs.of(speaker, day),
            day_names=np.asarray(day_names, dtype=object),
            articles=DistinctPairs.of(speaker, article),
        )

    return cached(corpus, "quotes:speaker-codes", build, sources=(index.base,))


# charts -------------------------------------------------------------------------
CHART_TOP = 30  # speakers and entities a heatmap shows: more cells are unreadable and slow to draw


def top_cells(rows: pd.DataFrame, *, top: int = CHART_TOP) -> pd.DataFrame:
    """The cells of the ``top`` speakers and ``top`` entities by quote count (the rest stays in the table).

    >>> rows = pd.DataFrame({"speaker": ["A", "A", "B"], "entity": ["X", "Y", "X"], "quotes": [3, 1, 1]})
    >>> top_cells(rows, top=1).to_dict("records")
    [{'speaker': 'A', 'entity': 'X', 'quotes': 3}]
    """
    quotes = rows["quotes"].to_numpy()

    def leading(column: str) -> np.ndarray:
        """Per row, whether its speaker (or entity) is among the ``top`` by quotes (ties: the first seen)."""
        codes, uniques = pd.factorize(rows[column].astype(object))  # codes in order of first appearance
        sums = np.bincount(codes[codes >= 0], weights=quotes[codes >= 0], minlength=len(uniques))
        chosen = np.zeros(len(uniques) + 1, dtype=bool)
        chosen[np.argsort(-sums, kind="stable")[:top]] = True
        return chosen[codes]

    return rows[leading("speaker") & leading("entity")].reset_index(drop=True)


def who_said_what_chart(rows: pd.DataFrame) -> Any:
    """An Altair heatmap of speakers × entities, counts written in the cells (colour is never the only cue).

    Speakers and entities are ordered by their quote counts, most first. The
    order is computed here and given as a list: ``sort="-color"`` on a layer
    whose text layer has no colour channel does not compile in Vega-Lite
    ("Cannot destructure property 'aggregate'", the live view's JavaScript error).
    """
    import altair as alt

    def order(column: str) -> list[str]:
        totals = rows.groupby(rows[column].astype(str), sort=True)["quotes"].sum()
        return totals.sort_values(ascending=False, kind="stable").index.tolist()

    most = int(rows["quotes"].max()) if len(rows) else 0
    base = alt.Chart(rows).encode(
        x=alt.X(
            "entity:N",
            title="entity mentioned",
            sort=order("entity"),
            axis=alt.Axis(labelAngle=-40, labelLimit=140, labelOverlap=False, orient="top"),
        ),
        y=alt.Y("speaker:N", title="speaker", sort=order("speaker"), axis=alt.Axis(labelLimit=180)),
        tooltip=["speaker:N", "entity:N", "quotes:Q"],
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color("quotes:Q", title="quotes", scale=alt.Scale(scheme="blues", domainMin=0))
    )
    # the count in each cell, light on the darker half of the scale so it stays readable
    labels = base.mark_text(baseline="middle", fontSize=11).encode(
        text="quotes:Q",
        color=alt.condition(alt.datum.quotes > most / 2, alt.value("#ffffff"), alt.value("#1a1a1a")),
    )
    return (
        alt.layer(cells, labels)
        .resolve_scale(color="independent")
        .properties(title="Who said what about whom", width=alt.Step(26), height=alt.Step(20))
    )


# static renderers ---------------------------------------------------------------
def render_quote_explorer(corpus: Any, selection: Any = None, *, static: bool = False, **filters: Any) -> str:
    rows = quote_rows(corpus, selection, **filters)  # ``static``: this table has no hint to leave out
    body = h.table(rows, columns=EXPLORER_COLUMNS)
    if selection is not None and selection.quote:
        body = quote_context(corpus, selection.quote) + body
    return h.section("Quotes", body)


def render_who_said_what(corpus: Any, selection: Any = None, **_: Any) -> str:
    rows = who_said_what_rows(corpus, selection)
    if rows.empty:
        return h.section(
            "Who said what",
            '<p class="pl-muted">No quote mentions a linked entity (run the entities plugin for this view).</p>',
        )
    chart = svg(who_said_what_chart(top_cells(rows)))  # a note when vl-convert is missing; the table has the numbers
    return h.section("Who said what", f'<div class="pl-chart">{chart}</div>' + h.table(rows))


def render_speakers_of_entity(
    corpus: Any, selection: Any = None, *, entity: str | None = None, static: bool = False, **_: Any
) -> str:
    """Who is quoted about the chosen entity; ``static`` (a page with no scripts): nothing when none is chosen."""
    wanted = [entity] if entity else list(selection.entities) if selection is not None else []
    if static and not wanted:  # "select an entity" is a hint nobody can follow in a page without scripts
        return ""
    rows = speakers_of_entity_rows(corpus, selection, entity=entity)
    return _speakers_html(corpus, wanted, rows)


def _speakers_html(corpus: Any, wanted: list[str], rows: pd.DataFrame) -> str:
    if not wanted:
        return h.section(
            "Speakers of an entity", '<p class="pl-muted">Select an entity to see who is quoted about it.</p>'
        )
    chosen = corpus.entities[corpus.entities["entity_id"].isin(wanted)]  # not a dict of every entity per change
    names = dict(zip(chosen["entity_id"], chosen["name"]))
    title = "Who is quoted about " + ", ".join(str(names.get(e, e)) for e in wanted)
    return h.section(title, h.table(rows))


# widgets --------------------------------------------------------------------------
def quote_explorer(corpus: Any, selection: Any, **options: Any) -> Any:
    """Filters, one table of quotes and the picked quote in context; clicking a row sets ``selection.quote``.

    The entity filter is the shared selection's entities (choosing one here
    selects it everywhere, and picking an entity elsewhere shows here); the
    other filters (speaker, kind, words) are the explorer's own.
    """
    import ipywidgets as widgets

    from toolkit.sdk import RowTable, row_table_html

    speaker = widgets.Text(placeholder="speaker", description="Speaker")
    entity_names = sorted(zip(corpus.entities["name"].astype(str), corpus.entities["entity_id"].astype(str)))
    entity = widgets.Dropdown(options=[("any entity", "")] + entity_names, description="Entity")
    known = {e for _, e in entity_names}
    kind = widgets.Dropdown(
        options=[("any kind", "")] + [(k, k) for k in ("direct", "partial", "mixed", "indirect")], description="Kind"
    )
    search = widgets.Text(placeholder="words in the quote", description="Search")
    context = widgets.HTML()
    state: dict[str, Any] = {"syncing": False}
    table = RowTable(rows=lambda: state["rows"], filename="quotes.csv")
    # every part but the picked quote narrows the list (the quote is shown marked among the others)
    narrowing = tuple(p for p in selection.parts if p != "quote")

    def current() -> pd.DataFrame:
        return quote_rows(
            corpus,
            selection,
            speaker=speaker.value or None,
            kind=kind.value or None,
            search=search.value or None,
        )

    def draw() -> None:
        rows = state["rows"]
        # one page drawn (row_table_html takes its first rows); rows() keeps every row the filters allow
        page, shown = rows, PAGE_ROWS
        if selection.quote:
            picked = rows[rows["quote_id"] == selection.quote]
            if len(picked) and not picked["quote_id"].isin(rows["quote_id"].iloc[:PAGE_ROWS]).any():
                page, shown = pd.concat([picked, rows.iloc[:PAGE_ROWS]]), PAGE_ROWS + len(picked)
        table.html = row_table_html(
            page,
            id_column="quote_id",
            columns=EXPLORER_COLUMNS,
            selected=[selection.quote] if selection.quote else [],
            max_rows=shown,
            total=len(rows),
        )
        context.value = quote_context(corpus, selection.quote) if selection.quote else ""

    def refresh(_: Any = None) -> None:
        state["rows"] = current()
        draw()

    def follow_entities(_: Any = None) -> None:
        # the dropdown shows the shared selection's entity; an entity it does not list reads "any entity"
        chosen = next((e for e in selection.entities if e in known), "")
        state["syncing"] = True
        try:
            entity.value = chosen
        finally:
            state["syncing"] = False

    def to_selection(change: Any) -> None:
        if not state["syncing"]:
            selection.entities = [change["new"]] if change["new"] else []

    def pick(quote_id: str) -> None:
        selection.quote = None if selection.quote == quote_id else quote_id

    for control in (speaker, kind, search):
        control.observe(refresh, names="value")
    entity.observe(to_selection, names="value")
    table.on_pick(pick)
    selection.on_change(_when_changed(selection, narrowing, refresh))
    selection.on_change(_when_changed(selection, ("entities",), follow_entities))
    selection.on_change(_when_changed(selection, ("quote",), lambda _: draw()))
    follow_entities()
    refresh()
    box = widgets.VBox(
        [widgets.HBox([speaker, entity, kind, search], layout=widgets.Layout(flex_flow="row wrap")), table, context]
    )
    box.rows = lambda: state["rows"]
    box.filters = {"speaker": speaker, "entity": entity, "kind": kind, "search": search}
    box.table = table
    return box


def quote_label(corpus: Any, quote_id: str, *, words: int = 8) -> str:
    """How the dashboard names a picked quote: its speaker and first words.

    >>> from toolkit import Corpus
    >>> quotes = pd.DataFrame(
    ...     {"quote_id": ["q1"], "speaker_name": ["Ada Park"], "content": ["We will not sign it today or ever"]}
    ... )
    >>> quote_label(Corpus({"quotes": quotes}), "q1", words=4)
    'Ada Park: “We will not sign…”'
    """
    quotes = corpus.quotes
    match = quotes[quotes["quote_id"] == quote_id]
    if match.empty:
        return str(quote_id)
    quote = match.iloc[0]
    who = h.text_or(quote.get("speaker_name"), "unknown speaker")
    content = h.text_or(quote.get("content")).split()
    first = " ".join(content[:words]) + ("…" if len(content) > words else "")
    return f"{who}: “{first}”"


def who_said_what(corpus: Any, selection: Any, *, top: int = CHART_TOP, **options: Any) -> Any:
    """The who-said-what heatmap as a live chart (the ``top`` speakers × entities), following the shared selection.

    The chart is built once; a selection change only swaps its data (a few
    hundred cells), because rebuilding and validating an Altair chart costs
    more than the whole filtering. ``rows()`` keeps every speaker × entity count.
    """
    import ipywidgets as widgets

    state: dict[str, Any] = {"rows": who_said_what_rows(corpus, selection), "chart": None, "spec": None}
    holder = widgets.VBox()
    empty = widgets.HTML('<p class="pl-muted">No quote mentions a linked entity.</p>')

    def refresh(_: Any = None) -> None:
        rows = who_said_what_rows(corpus, selection)
        state["rows"] = rows
        if rows.empty:
            holder.children = [empty]
            return
        shown = top_cells(rows, top=top)
        if state["chart"] is None:
            spec = who_said_what_chart(shown).to_dict()
            spec["data"] = {"name": "cells"}  # one fixed dataset name, so later changes replace only the values
            spec["datasets"] = {"cells": []}
            state["spec"], state["chart"] = spec, chart_widget(who_said_what_chart(shown))
        records = [
            {"speaker": a, "entity": b, "quotes": int(n)}
            for a, b, n in zip(shown["speaker"].tolist(), shown["entity"].tolist(), shown["quotes"].tolist())
        ]
        state["chart"].spec = {**state["spec"], "datasets": {"cells": records}}
        holder.children = [state["chart"]]

    selection.on_change(_when_changed(selection, ("entities", "date_range", "articles"), refresh))
    refresh()
    holder.rows = lambda: state["rows"]
    holder.chart_rows = lambda: top_cells(state["rows"], top=top)
    return holder


def speakers_of_entity(corpus: Any, selection: Any, **options: Any) -> Any:
    """Who is quoted about the selected entity: one table that follows ``selection.entities``."""
    from toolkit.sdk import LiveHTML

    _speaker_codes(corpus, _quote_index(corpus))  # built with the view, not at the first entity picked
    out = LiveHTML()
    state: dict[str, pd.DataFrame] = {}

    def refresh(_: Any = None) -> None:
        rows = speakers_of_entity_rows(corpus, selection)
        state["rows"] = rows
        page = rows.head(PAGE_ROWS)  # one page drawn; rows() keeps every speaker
        out.value = _speakers_html(corpus, list(selection.entities), page) + page_note(len(page), len(rows))

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


# the article reader's layer and the table the exercises read ----------------------------------


def _quotes_of_article(corpus: Any, article_id: str) -> pd.DataFrame:
    """One article's quotes: a slice of the quotes sorted by article once per corpus (two binary searches)."""

    def build() -> tuple[pd.DataFrame, np.ndarray]:
        quotes = corpus.quotes.sort_values(["article_id", "content_start"], kind="stable").reset_index(drop=True)
        return quotes, quotes["article_id"].astype(str).to_numpy(dtype=object)

    quotes, ids = cached(corpus, "quotes:by-article", build, sources=(corpus.quotes,))
    return quotes.iloc[np.searchsorted(ids, str(article_id), "left") : np.searchsorted(ids, str(article_id), "right")]


def quote_spans(corpus: Any, article_id: str, selection: Any = None) -> pd.DataFrame:
    """The reader's quotes layer: each quote's content, cue and speaker in one article.

    The quote the selection picked is labelled ``selected quote`` (its own
    colour), so it stands out among the others of its article.

    >>> from toolkit import Corpus
    >>> from toolkit.sdk import Selection
    >>> quotes = pd.DataFrame({"quote_id": ["q1"], "article_id": ["a"], "kind": ["direct"], "content_start": [10],
    ...     "content_end": [20], "cue_start": [0], "cue_end": [4], "speaker_start": [None], "speaker_end": [None],
    ...     "speaker_name": [None]})
    >>> quote_spans(Corpus({"quotes": quotes}), "a", Selection(quote="q1"))["label"].tolist()
    ['selected quote', 'cue']
    """
    quotes = _quotes_of_article(corpus, article_id)
    chosen = getattr(selection, "quote", None)
    rows = []
    for q in quotes.itertuples(index=False):
        who = h.text_or(getattr(q, "speaker_name", None), "unknown speaker")
        picked = chosen is not None and q.quote_id == chosen
        rows.append(
            (
                q.content_start,
                q.content_end,
                "selected quote" if picked else "content",
                f"{q.kind} quote by {who}" + (" (selected)" if picked else ""),
                picked,
            )
        )
        rows.append((q.cue_start, q.cue_end, "cue", "cue", False))
        rows.append((q.speaker_start, q.speaker_end, "speaker", f"speaker: {who}", False))
    frame = pd.DataFrame(rows, columns=["start", "end", "label", "title", "picked"])
    return frame[frame["start"].notna() & frame["end"].notna()].reset_index(drop=True)


def quote_speakers(corpus: Any) -> pd.DataFrame:
    """One row per quote: ``quote_id``, ``article_id``, the speaker (``entity_id``, ``name``), its content span.

    A derived table (``Plugin.derived``): exercises and annotation read who is
    quoted where through it, without knowing the quotes table's columns.
    """
    quotes = corpus.quotes
    columns = {
        "quote_id": "quote_id",
        "article_id": "article_id",
        "speaker_entity_id": "entity_id",
        "speaker_name": "name",
        "content_start": "start",
        "content_end": "end",
    }
    present = {k: v for k, v in columns.items() if k in quotes.columns}
    frame = quotes[list(present)].rename(columns=present)
    for name in columns.values():
        if name not in frame.columns:
            frame[name] = pd.Series(pd.NA, index=frame.index, dtype=object)
    return frame[list(columns.values())].reset_index(drop=True)


# quote provenance: who said it first, who repeated it --------------------------------------------
PROVENANCE_COLUMNS = [
    "provenance_id",
    "rank",
    "quote_id",
    "article_id",
    "published",
    "outlet",
    "title",
    "speaker_name",
    "speaker_entity_id",
    "via",
    "via_entity_id",
    "kind",
    "content",
]
ORIGIN_COLUMNS = ["speaker", "content", "first_published", "first_outlet", "n_articles", "n_outlets", "relays"]
CHAIN_COLUMNS = ["rank", "published", "outlet", "speaker", "via", "title", "content"]


def quote_provenance(corpus: Any) -> pd.DataFrame:
    """One row per quote seen in two or more articles, earliest article first (the derived ``quote_provenance``).

    ``provenance_id`` (the quotes corpus step's link) groups the copies of one
    quotation; within a group ``rank`` 1 is the earliest ``published`` article
    (ties and unknown dates by article id, last), the rest are the repeats.
    ``via`` names the relay the article credits (an agency, "according to …"):
    the entity's name when linked, else the words of the article.
    """
    quotes = corpus.quotes
    if "provenance_id" not in quotes.columns or quotes.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in PROVENANCE_COLUMNS})
    linked = quotes[quotes["provenance_id"].notna()]
    articles = corpus.articles
    meta = articles[[c for c in ("article_id", "published", "outlet", "title") if c in articles.columns]]
    frame = linked.merge(meta, on="article_id", how="left")
    for column in ("published", "outlet", "title", "speaker_name", "speaker_entity_id", "via_entity_id", "via_text"):
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype=object)
    names = dict(zip(corpus.entities["entity_id"].astype(str), corpus.entities["name"])) if len(corpus.entities) else {}
    frame["via"] = [
        names.get(str(e), t) if pd.notna(e) else t
        for e, t in zip(frame["via_entity_id"].tolist(), frame["via_text"].tolist())
    ]
    frame = frame.sort_values(
        ["provenance_id", "published", "article_id", "content_start"], na_position="last", kind="stable"
    )
    frame["rank"] = frame.groupby("provenance_id", sort=False).cumcount() + 1
    # groups in the order their quotation first appeared
    # (same day, same article: in reading order)
    first = frame[frame["rank"] == 1].sort_values(
        ["published", "article_id", "content_start"], na_position="last", kind="stable"
    )
    order = {g: i for i, g in enumerate(first["provenance_id"].tolist())}
    frame = frame.assign(_group=frame["provenance_id"].map(order)).sort_values(["_group", "rank"], kind="stable")
    return frame[PROVENANCE_COLUMNS].reset_index(drop=True)


def provenance_rows(corpus: Any, selection: Any = None) -> pd.DataFrame:
    """One row per quotation in several articles the selection allows: who said it, where first, who relayed it.

    A quotation is kept when one of its copies is a quote the explorer would
    show for the selection's articles, dates and entities (spoken by, relayed
    by or mentioning one), so the two views narrow alike. The picked quotation
    narrows nothing here: the others stay listed, to pick another.
    """
    chains = _provenance(corpus)
    origins = _origins(corpus, chains)
    if selection is None or origins.empty:
        return origins
    index = _quote_index(corpus)
    keep = _selected(index, corpus, selection, list(selection.entities))
    if keep is None:
        return origins
    allowed = chains[chains["quote_id"].isin(set(index.base["quote_id"][keep].tolist()))]
    return origins[origins["provenance_id"].isin(set(allowed["provenance_id"].tolist()))]


def _provenance(corpus: Any) -> pd.DataFrame:
    """The derived ``quote_provenance`` table, built once per corpus (until its quotes or articles change)."""
    sources = (corpus.quotes, corpus.articles, corpus.entities)
    return cached(corpus, "quote-provenance", lambda: quote_provenance(corpus), sources=sources)


def _origins(corpus: Any, chains: pd.DataFrame) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = []
        for group_id, chain in chains.groupby("provenance_id", sort=False):
            first = chain.iloc[0]
            speakers = chain["speaker_name"].dropna()
            relays = sorted({str(v) for v in chain["via"].dropna().tolist() if str(v)})
            rows.append(
                {
                    "provenance_id": group_id,
                    # the first article may name no speaker ("a source said"): a repeat may
                    "speaker": h.text_or(first["speaker_name"], h.text_or(speakers.iloc[0] if len(speakers) else None)),
                    "content": first["content"],
                    "first_published": first["published"],
                    "first_outlet": first["outlet"],
                    "first_article": first["article_id"],
                    "n_articles": chain["article_id"].nunique(),
                    "n_outlets": chain["outlet"].nunique(),
                    "relays": ", ".join(relays),
                }
            )
        columns = ["provenance_id", *ORIGIN_COLUMNS, "first_article"]
        # the most repeated first: a quotation in five outlets says more than one copied once
        return pd.DataFrame(rows, columns=columns).sort_values("n_articles", ascending=False, kind="stable")

    return cached(chains, "quote-origins", build, sources=(chains,))


def _chain_html(chains: pd.DataFrame, provenance_id: str) -> str:
    """The copies of one quotation: who said it first (article, date, outlet), then every repeat and its relay."""
    chain = chains[chains["provenance_id"] == provenance_id]
    if chain.empty:
        return ""
    first = chain.iloc[0]
    who = h.escape(h.text_or(first["speaker_name"], "an unnamed speaker"))
    where = h.escape(h.text_or(first["outlet"], "an unknown outlet"))
    when = h.escape(h.text_or(first["published"], "an unknown date"))
    title = h.escape(h.text_or(first["title"], h.text_or(first["article_id"])))
    head = (
        f"<p><strong>First seen:</strong> {who}, in {where} on {when} (“{title}”). "
        f"Repeated in {len(chain) - 1} more quote{'s' if len(chain) != 2 else ''}, earliest first:</p>"
    )
    shown = chain.rename(columns={"speaker_name": "speaker"})
    return head + h.table(shown, columns=CHAIN_COLUMNS, max_rows=PAGE_ROWS)


def render_quote_provenance(corpus: Any, selection: Any = None, *, max_quotes: int = 10, **_: Any) -> str:
    """Quotations seen in several articles, each with who said it first and who repeated it (escaped HTML)."""
    title = "Quote provenance: who said it first, who repeated it"
    rows = provenance_rows(corpus, selection)
    if rows.empty:
        why = "" if "provenance_id" in corpus.quotes.columns else " (the quotes plugin's corpus step has not run)"
        return h.section(title, f'<p class="pl-muted">No quotation appears in more than one article{why}.</p>')
    picked = getattr(selection, "provenance", None) if selection is not None else None
    shown = rows[rows["provenance_id"] == picked] if picked in set(rows["provenance_id"]) else rows.head(max_quotes)
    chains = _provenance(corpus)
    body = "".join(
        f'<div class="pl-provenance">{_chain_html(chains, group_id)}</div>' for group_id in shown["provenance_id"]
    )
    return h.section(title, body + page_note(len(shown), len(rows)))


def provenance_label(corpus: Any, provenance_id: str, *, words: int = 8) -> str:
    """How the dashboard names a picked quotation: its first speaker and first words."""
    chains = _provenance(corpus)
    chain = chains[chains["provenance_id"] == provenance_id]
    if chain.empty:
        return str(provenance_id)
    first = chain.iloc[0]
    content = h.text_or(first["content"]).split()
    text = " ".join(content[:words]) + ("…" if len(content) > words else "")
    return f"{h.text_or(first['speaker_name'], 'unknown speaker')}: “{text}” ({chain['article_id'].nunique()} articles)"


def quote_provenance_view(corpus: Any, selection: Any, **options: Any) -> Any:
    """Quotations seen in several articles; click one (or Enter on it) to pick it and read its chain of copies.

    Picking sets the shared selection's ``provenance`` part, so the other views
    narrow to the articles that carry the quotation; picking it again lets go.
    """
    import ipywidgets as widgets

    from toolkit.sdk import RowTable, row_table_html

    state: dict[str, Any] = {}
    table = RowTable(rows=lambda: state["rows"], filename="quote_provenance.csv")
    chain = widgets.HTML()

    def refresh(_: Any = None) -> None:
        rows = provenance_rows(corpus, selection)
        state["rows"] = rows
        picked = getattr(selection, "provenance", None)
        if rows.empty:
            table.html = '<p class="pl-muted">No quotation appears in more than one article in this selection.</p>'
        else:
            table.html = row_table_html(
                rows,
                id_column="provenance_id",
                columns=ORIGIN_COLUMNS,
                headers=["said first by", "quote", "first published", "first outlet", "articles", "outlets", "via"],
                selected=[picked] if picked else [],
                max_rows=PAGE_ROWS,
                total=len(rows),
            )
        chain.value = _chain_html(_provenance(corpus), picked) if picked else ""

    def pick(provenance_id: str) -> None:
        selection.provenance = None if getattr(selection, "provenance", None) == provenance_id else provenance_id

    table.on_pick(pick)
    selection.on_change(_when_changed(selection, ("entities", "date_range", "articles", "provenance"), refresh))
    refresh()
    box = widgets.VBox([table, chain])
    box.rows = lambda: state["rows"]
    box.table = table
    box.chain = chain
    return box
