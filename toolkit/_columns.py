"""Table columns as plain Python values, fast.

Corpus steps walk their tables row by row in Python. Iterating an Arrow-backed
pandas column (``Series.tolist``, ``zip`` over columns, ``itertuples``) turns
each cell into a Python value one call at a time, which cost more than the
steps' own work on a big corpus; Arrow's ``to_pylist`` does the same in C.
These helpers give exactly the values pandas would (missing cells as the
column's own missing value: ``pd.NA``, or ``nan`` for the ``str`` dtype).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["values", "itertuples"]


def values(column: pd.Series) -> list[Any]:
    """``column.tolist()``, converted by Arrow when the column is Arrow-backed or nullable.

    >>> values(pd.Series(["a", None], dtype="string")), values(pd.Series([1, None], dtype="Int64"))
    (['a', <NA>], [1, <NA>])
    >>> values(pd.Series([1.5, 2.0]))
    [1.5, 2.0]
    """
    array = column.array
    if isinstance(column.dtype, np.dtype) or not hasattr(array, "__arrow_array__"):
        return column.tolist()  # numpy-backed: already converted in C
    import pyarrow as pa

    try:
        converted = pa.array(array)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return column.tolist()
    out = converted.to_pylist()
    if converted.null_count:
        missing = column.dtype.na_value
        out = [missing if value is None else value for value in out]
    return out


def itertuples(frame: pd.DataFrame, *, chunk_rows: int = 4096) -> Iterator[Any]:
    """``frame.itertuples(index=False)`` (same field names, same values), converted a
    slice of ``chunk_rows`` rows at a time so a big table is never all Python objects.

    >>> frame = pd.DataFrame({"a": pd.Series(["x", None], dtype="string"), "b": [1, 2]})
    >>> [(row.a, row.b) for row in itertuples(frame)]
    [('x', 1), (<NA>, 2)]
    """
    # field names known only at run time: mypy cannot type this namedtuple
    fields = namedtuple("Pandas", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
    if not len(frame.columns):
        yield from (fields() for _ in range(len(frame)))
        return
    for begin in range(0, len(frame), max(1, chunk_rows)):
        chunk = frame.iloc[begin : begin + chunk_rows]
        yield from map(fields._make, zip(*(values(chunk.iloc[:, k]) for k in range(chunk.shape[1]))))
