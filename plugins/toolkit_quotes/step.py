"""The corpus step: speakers and relays joined to mentions (entity ids) and entities (canonical names),
and the same quotation in several articles linked (``provenance_id``).

A speaker's reference span (the name it resolves to, or the speaker span itself)
is matched to the mention of the same article that overlaps it most; the
mention's ``entity_id`` becomes ``speaker_entity_id`` and the entity's ``name``
becomes ``speaker_name``. The relay span is matched the same way for
``via_entity_id``. Without a mentions table nothing is joined and the quotes
keep the names they were extracted with.

Provenance is linked here, in the plugin that owns the quotes table, because
it needs only the quotes' own text: which copy came first is read from
``articles.published`` when asked (the derived table ``quote_provenance``).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import Any

import pandas as pd

from toolkit.sdk import StepContext, values

from .rules.provenance import ProvenanceOptions, link_quotes

__all__ = ["corpus_step", "link_spans"]


def link_spans(spans: pd.DataFrame, mentions: pd.DataFrame) -> pd.Series:
    """For each ``(article_id, start, end)`` row, the ``entity_id`` of the mention overlapping it most.

    >>> spans = pd.DataFrame({"article_id": ["a"], "start": [4], "end": [10]})
    >>> mentions = pd.DataFrame({"article_id": ["a", "a"], "start": [0, 4], "end": [3, 10], "entity_id": ["E0", "E1"]})
    >>> link_spans(spans, mentions).tolist()
    ['E1']
    """
    result = pd.Series([None] * len(spans), index=spans.index, dtype=object)
    if mentions is None or mentions.empty or spans.empty:
        return result
    linked = mentions.dropna(subset=["entity_id", "start", "end"])
    # plain tuples per article: one pandas filter per quote made this step the slowest of all
    by_article: dict[Any, list[tuple[int, int, str]]] = {}
    same: dict[str, str] = {}  # one string per entity, not one per mention
    for aid, m_start, m_end, entity in zip(*(values(linked[c]) for c in ("article_id", "start", "end", "entity_id"))):
        entity = str(entity)
        by_article.setdefault(aid, []).append((int(m_start), int(m_end), same.setdefault(entity, entity)))
    # per article, the mentions' positions in order of start and the longest mention: a span looks only at
    # the mentions that can overlap it (one scan of every mention per span was quadratic in a long article)
    ordered: dict[Any, tuple[list[int], list[int], int]] = {}
    for aid, mentions_of in by_article.items():
        order = sorted(range(len(mentions_of)), key=lambda k: mentions_of[k][0])
        longest = max(m_end - m_start for m_start, m_end, _ in mentions_of)
        ordered[aid] = ([mentions_of[k][0] for k in order], order, longest)
    found: list[str | None] = []
    for aid, start, end in zip(*(values(spans[c]) for c in ("article_id", "start", "end"))):
        candidates = by_article.get(aid)
        if not candidates or pd.isna(start) or pd.isna(end):
            found.append(None)
            continue
        start, end = int(start), int(end)
        starts, order, longest = ordered[aid]
        # a mention overlaps only if it starts before ``end`` and after ``start - longest``
        window = order[bisect.bisect_right(starts, start - longest) : bisect.bisect_left(starts, end)]
        best, best_overlap = None, 0
        for m_start, m_end, entity in map(candidates.__getitem__, sorted(window)):  # first mention wins ties
            overlap = min(m_end, end) - max(m_start, start)
            if overlap > best_overlap:
                best, best_overlap = entity, overlap
        found.append(best)
    result[:] = found
    return result


def corpus_step(tables: Mapping[str, pd.DataFrame], context: StepContext) -> dict[str, pd.DataFrame]:
    """The plugin's corpus step: ``speaker_entity_id``, ``via_entity_id`` and canonical ``speaker_name``
    filled in, and ``provenance_id`` linking the same quotation across articles."""
    quotes = tables.get("quotes")
    if quotes is None or quotes.empty:
        return {}
    quotes = quotes.copy(deep=False)  # a few columns change: the others are shared, not copied
    mentions = tables.get("mentions")
    if mentions is not None and not mentions.empty and "entity_id" in mentions:
        _link_entities(quotes, mentions, tables.get("entities"))
    quotes["provenance_id"] = pd.Series(
        link_quotes(
            [str(q) for q in values(quotes["quote_id"])],
            [str(a) for a in values(quotes["article_id"])],
            list(values(quotes["content"])),
            options=provenance_options(context.options),
            memo=context.memo,
        ),
        index=quotes.index,
        dtype=object,
    ).astype("string")
    return {"quotes": quotes}


def provenance_options(options: Mapping[str, Any]) -> ProvenanceOptions:
    """The run's ``provenance_*`` options (``min_words``, ``similarity``) as a record; defaults for the rest."""
    known = {"provenance_min_words": "min_words", "provenance_similarity": "similarity"}
    return ProvenanceOptions(**{field: options[key] for key, field in known.items() if key in options})


def _link_entities(quotes: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame | None) -> None:
    """Fill ``speaker_entity_id``, ``via_entity_id`` and the canonical ``speaker_name`` of ``quotes`` in place."""
    ref_start = _column(quotes, "speaker_ref_start").fillna(_column(quotes, "speaker_start"))
    ref_end = _column(quotes, "speaker_ref_end").fillna(_column(quotes, "speaker_end"))
    speakers = pd.DataFrame({"article_id": quotes["article_id"], "start": ref_start, "end": ref_end})
    # an unresolved pronoun or description has no reference: never link its bare text
    resolution = _column(quotes, "speaker_resolution")
    unresolved = resolution.isin(["unresolved", "none"])
    speakers.loc[unresolved, ["start", "end"]] = pd.NA
    # an office or a description resolved to a phrase ("Ostland's embassy", "the latest poll by the Herald")
    # is linked by its last word, its head: never to a name inside it
    by_head = resolution.isin(["office", "description"]) & speakers["end"].notna()
    speakers.loc[by_head, "start"] = speakers.loc[by_head, "end"] - 1
    quotes["speaker_entity_id"] = link_spans(speakers, mentions).astype("string")
    via = pd.DataFrame(
        {"article_id": quotes["article_id"], "start": _column(quotes, "via_start"), "end": _column(quotes, "via_end")}
    )
    quotes["via_entity_id"] = link_spans(via, mentions).astype("string")
    names = (
        dict(zip(entities["entity_id"].astype(str), entities["name"]))
        if entities is not None and not entities.empty
        else {}
    )
    if "speaker_spans" in quotes:
        quotes["speaker_entity_ids"], quotes["speakers"] = _link_speakers(quotes, mentions, names)
    if names:
        # plain Python over object values: pandas' Series.where on an all-missing Arrow column raises
        # "Converting strings to null" (found by the property tests)
        fallback = quotes["speaker_name"].astype(object) if "speaker_name" in quotes else [None] * len(quotes)
        canonical = [names.get(str(e)) if pd.notna(e) else None for e in quotes["speaker_entity_id"]]
        quotes["speaker_name"] = pd.Series(
            [c if c is not None else f for c, f in zip(canonical, fallback)], index=quotes.index, dtype=object
        ).astype("string")


def _link_speakers(
    quotes: pd.DataFrame, mentions: pd.DataFrame, names: Mapping[str, str]
) -> tuple[list[list[str | None]], list[list[str]]]:
    """Every speaker of each quote linked like the first: its entity id, and the entity's name for its own.

    The first speaker is the contract columns' one, so it takes ``speaker_entity_id`` as it is
    (that link also follows the speaker span when the quote has one speaker).
    """
    flat_rows: list[tuple[Any, int, int]] = []
    owners: list[tuple[int, int]] = []
    spans_per_quote = list(quotes["speaker_spans"])
    for q, (aid, spans) in enumerate(zip(quotes["article_id"], spans_per_quote)):
        for k, span in enumerate(_listed(spans)):
            if k and span is not None and len(span) == 2:
                # the other speakers are names or pronouns resolved to names: their whole span links
                flat_rows.append((aid, int(span[0]), int(span[1])))
                owners.append((q, k))
    linked: dict[tuple[int, int], str | None] = {}
    if flat_rows:
        frame = pd.DataFrame(flat_rows, columns=["article_id", "start", "end"])
        linked = dict(zip(owners, link_spans(frame, mentions).tolist()))
    first = quotes["speaker_entity_id"].tolist()
    ids: list[list[str | None]] = []
    spoken: list[list[str]] = []
    for q, (spans, given) in enumerate(zip(spans_per_quote, quotes["speakers"])):
        given_names = [str(n) for n in _listed(given)]
        row_ids = [
            (None if pd.isna(first[q]) else str(first[q])) if k == 0 else linked.get((q, k))
            for k in range(len(_listed(spans)))
        ]
        ids.append(row_ids)
        spoken.append([names.get(e, n) if e is not None else n for e, n in zip(row_ids, given_names)])
    return ids, spoken


def _listed(value: Any) -> list[Any]:
    """A list cell as a list (Parquet gives arrays; a missing cell is no items)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [None if v is None else (list(v) if not isinstance(v, str) and hasattr(v, "__len__") else v) for v in value]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series([pd.NA] * len(frame), index=frame.index, dtype=object)
