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
               within: bool, block_rows: int = 200_000) -> list[list[str]]:
    """Per event, the ids of the items of its article inside it (``within``) or overlapping it,
    in the items' order, each once.

    Events and items are joined on the article a block of articles at a time, each block
    holding about ``block_rows`` event x item pairs: one join of the whole tables held
    every pair of the corpus at once.
    """
    empty: list[list[str]] = [[] for _ in range(len(events))]
    if items is None or not len(items) or not len(events) or id_col not in items.columns:
        return empty
    items = items.dropna(subset=[id_col, start_col, end_col])
    if not len(items):
        return empty
    left = events[["article_id", "start", "end"]].reset_index(drop=True).reset_index(names="_row")
    right = items[["article_id", start_col, end_col, id_col]].rename(
        columns={start_col: "_s", end_col: "_e", id_col: "_id"})
    left["article_id"] = left["article_id"].astype(str)
    right = right.assign(article_id=right["article_id"].astype(str))
    # articles numbered in one code space, so a block is a range of codes on both sides
    codes, _ = pd.factorize(pd.concat([left["article_id"], right["article_id"]], ignore_index=True))
    left_code, right_code = codes[: len(left)], codes[len(left):]
    n_left = np.bincount(left_code, minlength=codes.max() + 1)
    n_right = np.bincount(right_code, minlength=codes.max() + 1)
    pairs = np.cumsum(n_left.astype("int64") * n_right)
    found: dict[int, list[str]] = {}
    same: dict[str, str] = {}  # one string per id, not one per event that lists it
    low = 0
    while low <= codes.max():
        # the codes up to the one where the pairs pass the block size (at least one article)
        high = max(low + 1, int(np.searchsorted(pairs, (pairs[low - 1] if low else 0) + block_rows, side="right")))
        in_left = (left_code >= low) & (left_code < high)
        in_right = (right_code >= low) & (right_code < high)
        low = high
        if not in_left.any() or not in_right.any():
            continue
        joined = left[in_left].merge(right[in_right], on="article_id", how="inner")  # per article: both small
        s, e = joined["_s"].astype("int64"), joined["_e"].astype("int64")
        if within:
            mask = (s >= joined["start"].astype("int64")) & (e <= joined["end"].astype("int64"))
        else:
            mask = (s < joined["end"].astype("int64")) & (e > joined["start"].astype("int64"))
        hits = joined[mask]
        for row, ident in zip(hits["_row"].tolist(), hits["_id"].astype(str).tolist()):
            bucket = found.setdefault(int(row), [])
            if ident not in bucket:
                bucket.append(same.setdefault(ident, ident))
    return [found.get(i, []) for i in range(len(events))]


def corpus_step(tables: Mapping[str, pd.DataFrame], context: Any) -> dict[str, pd.DataFrame]:
    """Fill ``events.entity_ids`` from the mentions table (entity ids exist only after the entities
    plugin's corpus step) and ``events.quote_ids`` from the quotes table. Returns the changed events."""
    events = tables.get("events")
    if events is None or not len(events):
        return {}
    return {"events": link_events(events, tables.get("mentions"), tables.get("quotes"))}
