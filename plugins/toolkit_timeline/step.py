"""The plugin's corpus step: link each event to the entities mentioned and the quotes given in it.

``entity_ids`` are filled after the entities plugin's own corpus step has given
each mention its entity: every entity with a mention inside the sentence.
``quote_ids`` (an extra column) lists the quotes whose content overlaps the
sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["corpus_step", "link_events"]


def link_events(
    events: pd.DataFrame, mentions: pd.DataFrame | None = None, quotes: pd.DataFrame | None = None
) -> pd.DataFrame:
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


def _contained(
    events: pd.DataFrame, items: pd.DataFrame | None, start_col: str, end_col: str, id_col: str, *, within: bool
) -> list[list[str]]:
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
