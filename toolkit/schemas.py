"""The fixed table schemas of the output contract (DESIGN.md).

Every table PressLens writes has at least these columns, in this order, with
these dtypes. Plugins may add columns; none is renamed or removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["SCHEMAS", "TABLES", "empty_table", "conform"]

# pandas dtypes per column. "string" is pandas' nullable string dtype, "Int64"
# the nullable integer, "object" holds lists (aliases, entity_ids).
SCHEMAS: dict[str, dict[str, str]] = {
    "articles": {
        "article_id": "string",
        "path": "string",
        "title": "string",
        "outlet": "string",
        "published": "string",
        "published_source": "string",
        "text": "string",
        "story_id": "string",
    },
    "mentions": {
        "article_id": "string",
        "start": "Int64",
        "end": "Int64",
        "text": "string",
        "label": "string",
        "entity_id": "string",
    },
    "entities": {
        "entity_id": "string",
        "name": "string",
        "label": "string",
        "aliases": "object",
        "n_mentions": "Int64",
        "n_articles": "Int64",
    },
    "quotes": {
        "quote_id": "string",
        "article_id": "string",
        "kind": "string",
        "content_start": "Int64",
        "content_end": "Int64",
        "content": "string",
        "cue_start": "Int64",
        "cue_end": "Int64",
        "speaker_start": "Int64",
        "speaker_end": "Int64",
        "speaker_entity_id": "string",
        "speaker_name": "string",
        "via_entity_id": "string",
    },
    "timexes": {
        "article_id": "string",
        "start": "Int64",
        "end": "Int64",
        "text": "string",
        "type": "string",
        "value": "string",
    },
    "events": {
        "event_id": "string",
        "article_id": "string",
        "start": "Int64",
        "end": "Int64",
        "date_start": "string",
        "date_end": "string",
        "granularity": "string",
        "timex_start": "Int64",
        "timex_end": "Int64",
        "entity_ids": "object",
    },
    "claims": {
        "claim_id": "string",
        "article_id": "string",
        "quote_id": "string",
        "claimant_entity_id": "string",
        "stance": "string",
        "proposition": "string",
        "about_entity_ids": "object",
        "date_start": "string",
        "date_end": "string",
        "group_id": "string",
    },
    "stories": {
        "story_id": "string",
        "label": "string",
        "article_ids": "object",
        "date_start": "string",
        "date_end": "string",
        "entity_ids": "object",
    },
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the contract's columns and dtypes.

    >>> empty_table("mentions").columns.tolist()
    ['article_id', 'start', 'end', 'text', 'label', 'entity_id']
    """
    schema = _schema(name)
    return pd.DataFrame({col: pd.Series([], dtype=dtype) for col, dtype in schema.items()})


def conform(name: str, rows: pd.DataFrame | Iterable[Mapping[str, Any]] | None) -> pd.DataFrame:
    """Return ``rows`` as table ``name``: contract columns first, in order, with
    their dtypes; missing contract columns are added as nulls, extra columns kept.

    >>> conform("timexes", [{"article_id": "a", "start": 0, "end": 4, "text": "2024"}]).dtypes["start"]
    Int64Dtype()
    """
    schema = _schema(name)
    if rows is None:
        return empty_table(name)
    # a shallow copy: columns are only ever replaced below (never written into), so the caller's
    # frame is untouched, and a big table is not held twice while it is conformed
    frame = rows.copy(deep=False) if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if not len(frame) and not len(frame.columns):
        return empty_table(name)  # rows without fields are still rows: only no rows at all is an empty table
    for col, dtype in schema.items():
        if col not in frame.columns:  # a list column's missing cells are empty lists, as when present but null
            missing: list[Any] = [[] for _ in range(len(frame))] if dtype == "object" else [None] * len(frame)
            frame[col] = pd.Series(missing, dtype=dtype if dtype != "object" else object, index=frame.index)
        elif dtype == "object":  # plain Python lists, whatever held them (an Arrow list column too)
            frame[col] = pd.Series([_as_list(v) for v in frame[col].tolist()], dtype=object, index=frame.index)
        else:
            frame[col] = frame[col].astype(pd.api.types.pandas_dtype(dtype))
    extra = [c for c in frame.columns if c not in schema]
    return frame[list(schema) + extra].reset_index(drop=True)


def _as_list(value: Any) -> list:
    if value is None or value is pd.NA:
        return []
    if isinstance(value, float) and value != value:  # NaN from a missing cell
        return []
    return list(value)


def _schema(name: str) -> dict[str, str]:
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"Unknown table {name!r}. The tables are: {', '.join(TABLES)}.") from None
