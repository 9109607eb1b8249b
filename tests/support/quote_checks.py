"""Helpers for tests of the quotes rules: the rows a pipeline finds in a text, and the one row matching a filter."""

from __future__ import annotations

from typing import Any


def rows_of(nlp: Any, text: str) -> list[dict[str, Any]]:
    """The quote rows the pipeline ``nlp`` (with ``presslens_quotes``) finds in ``text``."""
    return [q.row(text) for q in nlp(text)._.presslens_quotes]


def only(rows: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    """The single row whose fields equal ``where``; fails the test (showing every row) otherwise."""
    found = [r for r in rows if all(r.get(k) == v for k, v in where.items())]
    assert len(found) == 1, f"expected one quote with {where}, found {len(found)} in {rows}"
    return found[0]
