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

Passes over a whole Doc ask the same cheap question of every token ("is it a
verb?", "is it *according*?"). Creating a spaCy ``Token`` object per token
just to ask costs more than most rules: :func:`tokens_lowered` and
:func:`verb_like_tokens` answer from the Doc's attribute arrays and create
Tokens only for the few that pass.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, TypeVar

from spacy.attrs import IDX, LOWER, POS, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

__all__ = ["per_doc_memo", "memoised", "memoised_per_token", "tokens_between", "tokens_lowered", "verb_like_tokens"]

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


def memoised_per_token(function: Callable[[Token], T]) -> Callable[[Token], T]:
    """``function(token)`` once per token of a Doc while its :func:`per_doc_memo` is active (every call outside).

    For a question about one token that several rules and the learned pass ask of the same tokens.

    >>> import spacy
    >>> calls = []
    >>> @memoised_per_token
    ... def shout(token):
    ...     calls.append(token.i)
    ...     return token.text.upper()
    >>> doc = spacy.blank("en")("no way")
    >>> with per_doc_memo(doc):
    ...     [shout(doc[1]), shout(doc[1]), shout(doc[0])]
    ['WAY', 'WAY', 'NO']
    >>> calls
    [1, 0]
    """
    name = f"per_token:{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(token: Token) -> T:
        memo: dict[str, Any] | None = token.doc.user_data.get(_KEY)
        if memo is None:
            return function(token)
        answers: dict[int, T] = memo.setdefault(name, {})
        i = token.i
        if i not in answers:
            answers[i] = function(token)
        return answers[i]

    return wrapper


def tokens_between(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that begin at a character offset in ``[start, end)``, found by bisection."""
    starts: list[int] = memoised(doc, "token_starts", lambda d: d.to_array(IDX).tolist())
    first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
    return [doc[i] for i in range(first, last)]


# tags of verb forms: a token the tagger calls a verb is a candidate cue even when the
# attribute ruler mapped it to another part of speech
_VERB_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")


def tokens_lowered(doc: Doc, words: frozenset[str]) -> list[Token]:
    """The tokens whose lowercase form is one of ``words``, in order.

    >>> import spacy
    >>> doc = spacy.blank("en")("In May, in fact, IN print.")
    >>> [t.i for t in tokens_lowered(doc, frozenset({"in"}))]
    [0, 3, 6]
    """
    lowered: list[int] = memoised(doc, "lower", lambda d: d.to_array(LOWER).tolist())
    wanted = _hashes(words)
    # set look-ups over a Python list: numpy's isin sorts both arrays and cost ~4 x as much on an article
    return [doc[i] for i, value in enumerate(lowered) if value in wanted]


@lru_cache(maxsize=64)
def _hashes(words: frozenset[str]) -> frozenset[int]:
    """spaCy's hashes of ``words`` (the same in every vocabulary), once per word list."""
    return frozenset(get_string_id(w) for w in words)


def verb_like_tokens(doc: Doc) -> list[Token]:
    """The tokens tagged as verbs or auxiliaries (by part of speech or by fine-grained tag)."""

    def compute(d: Doc) -> list[int]:
        wanted_pos, wanted_tags = _hashes(frozenset({"VERB", "AUX"})), _hashes(frozenset(_VERB_TAGS))
        pos, tags = d.to_array(POS).tolist(), d.to_array(TAG).tolist()
        return [i for i, (p, t) in enumerate(zip(pos, tags)) if p in wanted_pos or t in wanted_tags]

    return [doc[i] for i in memoised(doc, "verb_like", compute)]
