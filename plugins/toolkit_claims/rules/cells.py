"""Table cells as plain values: whether a cell holds a value, and its text."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["present", "text_of"]


def present(value: Any) -> bool:
    """Whether a table cell holds a value (not ``None``, ``pd.NA`` or NaN).

    >>> present(0), present(None), present(float("nan")), present(pd.NA)
    (True, False, False, False)
    """
    return value is not None and value is not pd.NA and not (isinstance(value, float) and value != value)


def text_of(value: Any) -> str:
    """The cell as a string, ``""`` when it holds none."""
    return str(value) if present(value) else ""
