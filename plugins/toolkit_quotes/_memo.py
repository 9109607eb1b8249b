"""Per-Doc memos for the rules: values that are costly to rebuild from a Doc
(its entities, the people among them, token offsets) are computed once per
:func:`find_quotes` call instead of once per quote.

spaCy rebuilds ``doc.ents`` (and our person spans from them) by walking every
token, so a rule that asks once per candidate quote is quadratic in the
article's length. The memo lives in ``doc.user_data`` under a PressLens key
only while :func:`per_doc_memo` is active: outside it nothing is cached, so a
Doc edited later never sees stale values.

>>> import spacy
>>> doc = spacy.blank("en")("He said it twice.")
>>> with per_doc_memo(doc):
...     [t.text for t in tokens_between(doc, 3, 10)]
['said', 'it']
>>> any(key == _KEY for key in doc.user_data)
False
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

__all__ = ["per_doc_memo", "memoised", "tokens_between"]

_KEY = ("presslens_quotes", "memo")
T = TypeVar("T")


@contextlib.contextmanager
def per_doc_memo(doc: Doc) -> Iterator[None]:
    """Cache :func:`memoised` values on ``doc`` for the duration of the block (re-entrant)."""
    if _KEY in doc.user_data:
        yield
        return
    doc.user_data[_KEY] = {}
    try:
        yield
    finally:
        doc.user_data.pop(_KEY, None)


def memoised(doc: Doc, name: str, compute: Callable[[Doc], T]) -> T:
    """``compute(doc)``, once per :func:`per_doc_memo` block (every time outside one)."""
    memo: dict[str, Any] | None = doc.user_data.get(_KEY)
    if memo is None:
        return compute(doc)
    if name not in memo:
        memo[name] = compute(doc)
    return memo[name]


def tokens_between(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that begin at a character offset in ``[start, end)``, found by bisection."""
    starts: list[int] = memoised(doc, "token_starts", lambda d: d.to_array(IDX).tolist())
    first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
    return [doc[i] for i in range(first, last)]
