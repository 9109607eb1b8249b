"""Offsets of a message: trimming edges, clipping to a line, taking in quote marks, and the kind of a quote.

Helpers every pass shares; they work on character offsets into the Doc's text
and on the quoted stretches of :mod:`.marks`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from toolkit.sdk import boilerplate_reason

from .marks import Stretch

_EDGE_PUNCT = " \t\n,;:.—–-"
OPENERS = "“„«‘\"'`"
CLOSERS = "”»’\"'"
_CAPTION = re.compile(
    r",\s*(left|right|centre|center|top|bottom|second from (left|right))\s*[,)]|\((left|right|l|r)\)", re.IGNORECASE
)

FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")


@dataclass(frozen=True)
class StretchIndex:
    """Where a tuple of stretches in order of start can be cut by bisection.

    ``starts[k]`` is the k-th stretch's start; ``reach[k]`` the furthest end of the first k + 1.
    """

    starts: list[int]
    reach: list[int]


# one Doc's stretches are asked about once per candidate quote: their index is kept for the last tuple seen
_LAST_INDEX: tuple[tuple[Stretch, ...], StretchIndex | None] | None = None


def stretch_index(stretches: tuple[Stretch, ...]) -> StretchIndex | None:
    """The index of ``stretches``, or None when they are not in order of start (then callers scan them all)."""
    global _LAST_INDEX
    last = _LAST_INDEX
    if last is not None and last[0] is stretches:
        return last[1]
    starts = [s.start for s in stretches]
    index = None
    if all(a <= b for a, b in itertools.pairwise(starts)):
        index = StretchIndex(starts=starts, reach=list(itertools.accumulate((s.end for s in stretches), max)))
    _LAST_INDEX = (stretches, index)
    return index


def next_opening(stretches: tuple[Stretch, ...], position: int, default: int) -> int:
    """Where the first stretch starting at or after ``position`` opens (``default`` if none does)."""
    index = stretch_index(stretches)
    if index is None:
        return min((s.start for s in stretches if s.start >= position), default=default)
    k = bisect.bisect_left(index.starts, position)
    return index.starts[k] if k < len(index.starts) else default


# ---------------------------------------------------------------------------
# helpers: ranges and tokens
def overlaps_any(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in ranges)


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Lines that are not the article's own prose: bios, prompts, captions, related links."""
    ranges, offset = [], 0
    for line in text.splitlines(keepends=True):
        if boilerplate_reason(line) or _CAPTION.search(line):
            ranges.append((offset, offset + len(line)))
        offset += len(line)
    return ranges


def trim(text: str, start: int, end: int, *, keep_closing: bool = True) -> tuple[int, int]:
    """Strip spaces and edge punctuation; a closing quote mark keeps the punctuation inside it."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT + "(":
        end -= 1
    if not keep_closing:
        while end > start and text[end - 1] in CLOSERS + _EDGE_PUNCT:
            end -= 1
    # an unmatched bracket at an edge belongs to the context, not the message
    if end > start and text[end - 1] == ")" and text.count("(", start, end) < text.count(")", start, end):
        end -= 1
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
    return start, end


def span_of(tokens: Iterable[Token]) -> tuple[int, int] | None:
    tokens = list(tokens)
    if not tokens:
        return None
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def quoted_share(doc: Doc, start: int, end: int, stretches: tuple[Stretch, ...]) -> tuple[float, list[Stretch]]:
    index = stretch_index(stretches)
    if index is None:
        inside = [s for s in stretches if start <= s.start and s.end <= end + 1]
    else:  # only the stretches that start in [start, end] can lie inside it
        lo, hi = bisect.bisect_left(index.starts, start), bisect.bisect_left(index.starts, end + 1)
        inside = [s for s in stretches[lo:hi] if s.end <= end + 1]
    quoted = sum(min(s.end, end) - s.start for s in inside)
    return quoted / max(1, end - start), inside


def kind_for(doc: Doc, start: int, end: int, stretches: tuple[Stretch, ...]) -> str:
    """The quote's kind.

    direct: wholly quoted; partial: quoted fragments (no finite verb) in reported speech; mixed: quoted clauses too.
    """
    share, inside = quoted_share(doc, start, end, stretches)
    if not inside:
        return "indirect"
    if share >= 0.9:
        return "direct"
    for stretch in inside:
        span = doc.char_span(stretch.inner_start, stretch.inner_end, alignment_mode="expand")
        if span is not None and any(t.tag_ in FINITE_TAGS for t in span):
            return "mixed"
    return "partial"


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+")


def clause_floor(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts, by punctuation and line breaks.

    Not by the parser's sentences: it may merge two.
    """
    # searched backwards in widening windows, not from the line's start: once per quote, a scan from the
    # start of a long paragraph (or a 1 MB single line) would make an article's cost quadratic. A match
    # starts at a sentence mark and holds only closers and spaces after it, so matches never overlap and
    # the last one in a window that ends at ``position`` is the last one of the whole line.
    width = 256
    while True:
        low = max(0, position - width)
        newline = text.rfind("\n", low, position)
        if newline >= 0:
            low = newline + 1
        floor = low
        for match in _SENTENCE_END.finditer(text, low, position):
            floor = match.end()
        if floor > low or newline >= 0 or low == 0:
            return floor
        width *= 4


def line_part(text: str, span: tuple[int, int], anchor: int) -> tuple[int, int]:
    """Clip a message to the anchor's paragraph: reported speech does not run across paragraphs."""
    start, end = span
    line_start = text.rfind("\n", 0, anchor) + 1
    line_end = text.find("\n", anchor)
    line_end = len(text) if line_end < 0 else line_end
    return max(start, line_start), min(end, line_end)


def close_quotes(text: str, start: int, end: int, stretches: tuple[Stretch, ...]) -> tuple[int, int]:
    """Take in the closing (or opening) mark of a quoted stretch the message stops just short of."""
    index = stretch_index(stretches)
    # the stretches before the first that reaches past ``start`` cannot apply (``start`` only moves back
    # to a stretch that does), nor can any from the first that starts at or after ``end`` (``end`` only
    # grows to the end of a stretch that starts before it)
    first = 0 if index is None else bisect.bisect_right(index.reach, start)
    for k in range(first, len(stretches)):
        stretch = stretches[k]
        if index is not None and stretch.start >= end:
            break
        # a quotation that starts inside the message runs to its closing mark (often past the parser's sentence)
        if start <= stretch.start < end < stretch.end and stretch.paragraphs == 1:
            end = stretch.end
        if (
            start < stretch.end <= end
            and stretch.start < start
            and not text[stretch.start : start].strip(" " + OPENERS)
        ):
            start = stretch.start
    return start, end
