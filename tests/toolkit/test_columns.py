"""toolkit._columns gives exactly the values pandas gives, whatever a column's storage."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit._columns import itertuples, values

_TEXT = st.one_of(st.none(), st.text(max_size=5))
_INT = st.one_of(st.none(), st.integers(-(2**40), 2**40))
_WORDS = st.one_of(st.none(), st.lists(st.lists(st.text(max_size=3), max_size=2), max_size=3))


def _same(a, b) -> bool:
    return len(a) == len(b) and all(x is y or (x != x and y != y) or x == y for x, y in zip(a, b))


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(_TEXT, max_size=12), ints=st.lists(_INT, max_size=12), words=st.lists(_WORDS, max_size=12))
def test_values_equal_tolist_for_every_storage(texts, ints, words):
    columns = [pd.Series(texts, dtype=dtype) for dtype in ("string", "str", "object", "string[python]")]
    columns += [
        pd.Series(ints, dtype="Int64"),
        pd.Series([0 if i is None else i for i in ints], dtype="int64"),
        pd.Series([None if i is None else float(i) for i in ints], dtype="float64"),
        pd.Series(words, dtype=pd.ArrowDtype(pa.list_(pa.list_(pa.string())))),
        pd.Series(words, dtype=object),
    ]
    for column in columns:
        assert _same(values(column), column.tolist()), column.dtype


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(_TEXT, _INT, _WORDS), max_size=15), chunk=st.integers(1, 6))
def test_itertuples_equal_pandas_itertuples(rows, chunk):
    frame = pd.DataFrame(
        {
            "article_id": pd.Series([r[0] for r in rows], dtype="string"),
            "start": pd.Series([r[1] for r in rows], dtype="Int64"),
            "words": pd.Series([r[2] for r in rows], dtype=pd.ArrowDtype(pa.list_(pa.list_(pa.string())))),
            "class": pd.Series([r[0] for r in rows], dtype="str"),  # a keyword: renamed as itertuples does
        }
    ).iloc[::-1]  # a frame that does not start at index 0
    ours, theirs = list(itertuples(frame, chunk_rows=chunk)), list(frame.itertuples(index=False))
    assert [r._fields for r in ours] == [r._fields for r in theirs]
    assert all(_same(a, b) for a, b in zip(ours, theirs)) and len(ours) == len(theirs)


def test_itertuples_of_a_frame_without_columns():
    assert len(list(itertuples(pd.DataFrame(index=range(3))))) == 3
