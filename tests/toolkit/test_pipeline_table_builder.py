"""Rows streamed into the table builder, a chunk of Arrow columns at a time, come out as the
table of all rows conformed at once, whatever the chunk size. Mixed values, missing keys,
nulls and nested lists are generated on purpose."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import pipeline
from toolkit.schemas import SCHEMAS, TABLES, conform

_VALUES = {
    "article_id": st.one_of(st.none(), st.sampled_from(["a", "b", "c<>"])),
    "start": st.one_of(st.none(), st.integers(0, 10_000)),
    "end": st.one_of(st.none(), st.integers(0, 10_000)),
    "text": st.one_of(st.none(), st.text(max_size=8)),
    "entity_ids": st.one_of(st.none(), st.lists(st.sampled_from(["E1", "E2"]), max_size=3)),
    "score": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-5, 5)),
    "flag": st.one_of(st.none(), st.booleans()),
    "words": st.lists(st.lists(st.text(max_size=3), max_size=2), max_size=2),
    "mixed": st.one_of(st.none(), st.integers(0, 3), st.text(max_size=2)),
}
_ROW = st.fixed_dictionaries({}, optional=_VALUES)


def _build(table: str, rows: list[dict], flush_rows: int) -> pd.DataFrame:
    builder = pipeline._TableBuilder(flush_rows=flush_rows)
    for k in range(0, len(rows), 2):  # rows arrive a few at a time, as articles do
        builder.add(table, rows[k : k + 2])
    return builder.tables()[table]


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    """The frame's values as Python objects, every kind of missing value as None."""

    def cell(value: object) -> object:
        if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
            return [cell(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
        return None if pd.api.types.is_scalar(value) and pd.isna(value) else value

    return [[cell(v) for v in frame[c].tolist()] for c in frame.columns]


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_ROW, min_size=1, max_size=12), table=st.sampled_from(["events", "claim_readings"]))
def test_streamed_chunks_give_the_table_of_all_rows_at_once(rows, table):
    whole = _build(table, rows, 1000)
    for flush_rows in (1, 3):  # the chunking leaves no trace
        chunked = _build(table, rows, flush_rows)
        assert list(chunked.columns) == list(whole.columns)
        assert _cells(chunked) == _cells(whole)
    expected = conform(table, rows) if table in TABLES else pd.DataFrame(rows)
    assert list(whole.columns) == list(expected.columns)
    assert _cells(whole) == _cells(expected)
    for column in SCHEMAS.get(table, {}):  # the contract's dtypes
        assert str(whole[column].dtype) == str(expected[column].dtype), column
