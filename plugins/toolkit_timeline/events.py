"""Per-article rows (timexes, events) and the corpus step that links events to entities and quotes.

An *event* is a sentence that carries a resolved date: its character span, the
date range and granularity it happened at, and the timex that dated it. A
sentence with two different dates ("the December 30 and January 2 attacks")
gives two events; dates repeated by anaphora ("then", "the 75th anniversary"
on the same day) are not counted twice.

``entity_ids`` are filled by :func:`corpus_step`, after the entities plugin's
own corpus step has given each mention its entity: every entity with a mention
inside the sentence. ``quote_ids`` (an extra column) lists the quotes whose
content overlaps the sentence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from toolkit.nlp import doc_text

__all__ = ["extract", "corpus_step", "event_rows", "link_events", "EVENT_COLUMNS"]

# contract columns first, then what the views use
EVENT_COLUMNS = ("event_id", "article_id", "start", "end", "date_start", "date_end", "granularity", "timex_start",
                 "timex_end", "entity_ids", "quote_ids", "timex_text", "timex_type", "timex_value", "anchor",
                 "sentence")


def _event_id(article_id: str, start: int, timex_start: int) -> str:
    digest = hashlib.sha1(f"{article_id}\x00{start}\x00{timex_start}".encode()).hexdigest()
    return f"ev_{digest[:16]}"


def event_rows(article_id: str, text: str, sentences: Iterable[tuple[int, int]],
               timexes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Events from sentence spans and timex rows (as the component stores them).

    >>> rows = event_rows("a1", "He came on May 3. Fine.", [(0, 17), (18, 23)],
    ...                   [{"start": 11, "end": 16, "text": "May 3", "type": "DATE", "value": "2024-05-03",
    ...                     "value_start": "2024-05-03", "value_end": "2024-05-03", "granularity": "day"}])
    >>> [(r["start"], r["end"], r["date_start"], r["granularity"]) for r in rows]
    [(0, 17, '2024-05-03', 'day')]
    """
    dated = sorted((t for t in timexes if t.get("value_start") and t.get("value_end") and t.get("type") != "SET"),
                   key=lambda t: t["start"])
    rows: list[dict[str, Any]] = []
    for left, right in sentences:
        seen: set[tuple[str, str]] = set()
        for timex in dated:
            if not (left <= timex["start"] < right):
                continue
            key = (timex["value_start"], timex["value_end"])
            if key in seen:
                continue
            seen.add(key)
            rows.append({
                "event_id": _event_id(article_id, left, int(timex["start"])),
                "start": left,
                "end": right,
                "date_start": timex["value_start"],
                "date_end": timex["value_end"],
                "granularity": timex.get("granularity") or "day",
                "timex_start": int(timex["start"]),
                "timex_end": int(timex["end"]),
                "entity_ids": [],
                "quote_ids": [],
                "timex_text": timex.get("text"),
                "timex_type": timex.get("type"),
                "timex_value": timex.get("value"),
                "anchor": timex.get("anchor"),
                "sentence": text[left:right],
            })
    return rows


def extract(doc: Any, article: Any, options: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The plugin's per-article step: ``timexes`` and ``events`` rows from a processed Doc."""
    from .component import timex_rows  # spaCy only when the pipeline runs

    timexes = timex_rows(doc)
    text = doc_text(doc)
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        sentences = [(s.start_char, _trim_end(text, s.start_char, s.end_char)) for s in doc.sents]
    else:
        sentences = [(0, len(text))]
    keep = set(options.get("types", ("DATE", "TIME", "DURATION", "SET")))
    timex_out = [{k: t.get(k) for k in ("start", "end", "text", "type", "value", "value_start", "value_end",
                                        "granularity", "anchor", "mod", "rule")}
                 for t in timexes if t["type"] in keep]
    return {"timexes": timex_out, "events": event_rows(article.article_id, text, sentences, timexes)}


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# ---------------------------------------------------------------------------
# corpus step


def link_events(events: pd.DataFrame, mentions: pd.DataFrame | None = None,
                quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """``events`` with ``entity_ids`` (mentions inside the sentence) and ``quote_ids`` (quotes overlapping it).

    >>> ev = pd.DataFrame([{"event_id": "e1", "article_id": "a", "start": 0, "end": 20}])
    >>> me = pd.DataFrame([{"article_id": "a", "start": 3, "end": 6, "entity_id": "E9"},
    ...                    {"article_id": "a", "start": 25, "end": 30, "entity_id": "E8"}])
    >>> link_events(ev, me)["entity_ids"].tolist()
    [['E9']]
    """
    out = events.copy(deep=False)  # two columns change: the others are shared, not copied
    out["entity_ids"] = _contained(out, mentions, "start", "end", "entity_id", within=True)
    out["quote_ids"] = _contained(out, quotes, "content_start", "content_end", "quote_id", within=False)
    return out


def _contained(events: pd.DataFrame, items: pd.DataFrame | None, start_col: str, end_col: str, id_col: str, *,
               within: bool) -> list[list[str]]:
    """Per event, the ids of the items of its article inside it (``within``) or overlapping it,
    in the items' order, each once.

    The items are sorted by (article, start) once, and each event finds its candidates
    with two binary searches: the items of its article starting inside the event
    (``within``) or before its end (overlap). Only candidate pairs are ever built, as
    integer arrays; joining the tables on the article (even a block of articles at a
    time) held ~100 MB of rows at 10 000 articles.
    """
    empty: list[list[str]] = [[] for _ in range(len(events))]
    if items is None or not len(items) or not len(events) or id_col not in items.columns:
        return empty
    items = items.dropna(subset=[id_col, start_col, end_col])
    if not len(items):
        return empty
    event_code, articles = pd.factorize(events["article_id"].astype(str))
    item_code = articles.get_indexer(items["article_id"].astype(str))  # -1: an article with no event
    keep = np.flatnonzero(item_code >= 0)
    if not len(keep):
        return empty
    item_code = item_code[keep].astype("int64")
    item_start = items[start_col].to_numpy("int64")[keep]
    item_end = items[end_col].to_numpy("int64")[keep]
    id_code, ids = pd.factorize(items[id_col])
    id_code = id_code[keep]
    event_start, event_end = events["start"].to_numpy("int64"), events["end"].to_numpy("int64")
    event_code = event_code.astype("int64")

    # one sort key for (article, start): offsets are below ``scale`` in every article
    scale = int(max(item_end.max(), item_start.max(), event_end.max(), event_start.max(), 0)) + 1
    order = np.lexsort((item_start, item_code))  # stable: items of equal key keep the table's order
    keys = (item_code * scale + item_start)[order]
    # inside: starts at or before the event's end (and ends by it, below); overlapping: starts before its end
    high = np.searchsorted(keys, event_code * scale + event_end, side="right" if within else "left")
    low = np.searchsorted(keys, event_code * scale + (event_start if within else 0), side="left")
    counts = np.maximum(high - low, 0)
    if not counts.sum():
        return empty
    event_of = np.repeat(np.arange(len(events)), counts)
    first = np.repeat(low - np.cumsum(counts) + counts, counts)
    item_of = order[first + np.arange(len(event_of))]
    if within:
        hit = item_end[item_of] <= event_end[event_of]
    else:
        hit = item_end[item_of] > event_start[event_of]
    event_of, item_of = event_of[hit], item_of[hit]
    by_event = np.lexsort((item_of, event_of))  # per event, in the items' order
    event_of, id_of = event_of[by_event], id_code[item_of[by_event]]
    # each id once per event: the first of each (event, id), found on a copy sorted by id
    pair = np.lexsort((np.arange(len(event_of)), id_of, event_of))
    repeated = np.zeros(len(event_of), dtype=bool)
    repeated[pair[1:]] = (event_of[pair[1:]] == event_of[pair[:-1]]) & (id_of[pair[1:]] == id_of[pair[:-1]])
    event_of, id_of = event_of[~repeated], id_of[~repeated]
    names = [str(name) for name in ids]  # one string per id, not one per event that lists it
    out = empty
    for event, ident in zip(event_of.tolist(), id_of.tolist()):
        out[event].append(names[ident])
    return out


def corpus_step(tables: Mapping[str, pd.DataFrame], context: Any) -> dict[str, pd.DataFrame]:
    """Fill ``events.entity_ids`` from the mentions table (entity ids exist only after the entities
    plugin's corpus step) and ``events.quote_ids`` from the quotes table. Returns the changed events."""
    events = tables.get("events")
    if events is None or not len(events):
        return {}
    return {"events": link_events(events, tables.get("mentions"), tables.get("quotes"))}
