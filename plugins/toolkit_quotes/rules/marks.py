"""Quote marks: pair them up into quoted stretches, report what cannot be paired.

Every style found in English-language news is read: curly “ ” and ‘ ’,
straight " and ', doubled '' and ``, guillemets « » (and the reversed » «),
low-high „ “ and ‚ ‘, and ” used as both opener and closer. A mark that opens
nothing or closes nothing is reported as a :class:`MarkProblem` and skipped —
never raised — so one stray mark costs at most its own stretch.

A quotation that runs over several paragraphs follows the print convention:
each paragraph opens with a mark, only the last one closes. Such paragraphs
are joined into one stretch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Stretch", "MarkProblem", "scan_quotes", "DOUBLE_MARKS", "SINGLE_MARKS"]

DOUBLE_MARKS = '"“”„«»'
SINGLE_MARKS = "'‘’‚"

# A mark token: doubled apostrophes/backticks first so that '' is not read as two single marks.
_MARK = re.compile(r"''|``|[\"“”„«»'‘’‚]")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True, kw_only=True)
class Stretch:
    """A quoted stretch: ``start`` is the opening mark, ``end`` is just after the closing mark.

    ``inner_start``/``inner_end`` exclude the marks. ``paragraphs`` counts the
    paragraphs the stretch runs over.

    >>> stretches, problems = scan_quotes('He said “yes.”')
    >>> stretches[0].start, stretches[0].end, problems
    (8, 14, ())
    """

    start: int
    end: int
    inner_start: int
    inner_end: int
    family: str  # "double" or "single"
    paragraphs: int = 1


@dataclass(frozen=True, kw_only=True)
class MarkProblem:
    """A mark that could not be paired; the stretch it would open or close is skipped."""

    offset: int
    mark: str
    reason: str


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    text: str
    family: str
    can_open: bool
    can_close: bool


# the rules, their attribution of the learned pass's cues and the learned pass each scan the article's marks: the
# answer (frozen records in tuples) is kept for the last few texts. The rules read the text through doc_text, one
# string object per article whose hash Python keeps, so a repeat look-up costs no pass over the text
@lru_cache(maxsize=4)
def scan_quotes(text: str) -> tuple[tuple[Stretch, ...], tuple[MarkProblem, ...]]:
    """Pair quote marks in ``text`` into stretches; never raises.

    >>> stretches, problems = scan_quotes('«Oui», dit-il. "Unclosed')
    >>> [(s.start, s.end) for s in stretches], [p.reason for p in problems]
    ([(0, 5)], ['opening mark never closed'])
    """
    stretches: list[Stretch] = []
    problems: list[MarkProblem] = []
    carried: _Mark | None = None  # an opener left open at the end of the previous paragraph
    carried_paragraphs = 1
    for para_start, para_end in _paragraphs(text):
        marks = [m for m in (_classify(text, match) for match in _MARK.finditer(text, para_start, para_end)) if m]
        if carried is not None:
            # A continued quotation: this paragraph must open with a double mark.
            first = marks[0] if marks else None
            lead = text[para_start : first.start].strip() if first else "x"
            if first is not None and first.family == "double" and first.can_open and not lead:
                marks = marks[1:]
                opened: _Mark | None = carried
                carried_paragraphs += 1
            else:
                problems.append(
                    MarkProblem(offset=carried.start, mark=carried.text, reason="opening mark never closed")
                )
                opened = None
        else:
            opened = None
        found, left_open, issues = _pair(text, marks, opened, carried_paragraphs)
        stretches.extend(found)
        problems.extend(issues)
        if left_open is not None:
            if left_open is not carried:
                carried_paragraphs = 1
            carried = left_open
        else:
            carried, carried_paragraphs = None, 1
    if carried is not None:
        problems.append(MarkProblem(offset=carried.start, mark=carried.text, reason="opening mark never closed"))
    stretches.sort(key=lambda s: (s.start, -s.end))
    problems.sort(key=lambda p: p.offset)
    return tuple(stretches), tuple(problems)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _classify(text: str, match: re.Match[str]) -> _Mark | None:
    """Decide from the neighbours whether a mark can open, close, or is an apostrophe."""
    mark, start, end = match.group(), match.start(), match.end()
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    space_before = before.isspace() or before in "([{—–-/" or before in DOUBLE_MARKS + SINGLE_MARKS
    space_after = after.isspace() or after in ".,;:!?)]}—–-…" or after in DOUBLE_MARKS + SINGLE_MARKS
    if mark in ("''", "``", *DOUBLE_MARKS):
        family = "double"
        if mark in "“„«``":
            # “ also closes „…“ (German style) when it follows a word
            return _Mark(start, end, mark, family, True, mark == "“" and not space_before and space_after)
        if mark == "»":
            return _Mark(start, end, mark, family, False, True)
        if mark == "”":
            return _Mark(start, end, mark, family, space_before and not space_after, True)
        # straight " and '': direction from the spacing
        if space_before and not space_after:
            return _Mark(start, end, mark, family, True, False)
        if space_after and not space_before:
            return _Mark(start, end, mark, family, False, True)
        return _Mark(start, end, mark, family, True, True)
    family = "single"
    if before.isalnum() and after.isalnum():
        return None  # apostrophe inside a word: don't, Russia’s
    if mark in "‘‚":
        return _Mark(start, end, mark, family, True, mark == "‘" and not space_before and space_after)
    if space_before and not space_after:
        return _Mark(start, end, mark, family, True, False)
    if not space_before and space_after:
        return _Mark(start, end, mark, family, False, True)  # may also be a plural possessive (states')
    return None


def _pair(
    text: str, marks: list[_Mark], opened: _Mark | None, paragraphs: int
) -> tuple[list[Stretch], _Mark | None, list[MarkProblem]]:
    """Pair marks within one paragraph; double marks first, single marks inside or outside them."""
    stretches: list[Stretch] = []
    problems: list[MarkProblem] = []
    stack: list[_Mark] = [opened] if opened is not None else []
    carried_paragraphs = {id(opened): paragraphs} if opened is not None else {}
    singles: list[_Mark] = []
    for mark in marks:
        if mark.family == "single":
            singles.append(mark)
            continue
        if stack and mark.can_close:
            top = stack.pop()
            stretches.append(
                Stretch(
                    start=top.start,
                    end=mark.end,
                    inner_start=top.end,
                    inner_end=mark.start,
                    family="double",
                    paragraphs=carried_paragraphs.get(id(top), 1),
                )
            )
        elif mark.can_open:
            if stack:  # a second opener before a close: the first one was stray
                stray = stack.pop()
                problems.append(MarkProblem(offset=stray.start, mark=stray.text, reason="opening mark never closed"))
            stack.append(mark)
        else:
            problems.append(MarkProblem(offset=mark.start, mark=mark.text, reason="closing mark with no opener"))
    left_open = stack.pop() if stack else None
    stretches.extend(_pair_singles(singles))
    return stretches, left_open, problems


def _pair_singles(marks: list[_Mark]) -> list[Stretch]:
    """Single marks pair only when an opener meets a closer; leftovers are apostrophes, not problems."""
    found, opener = [], None
    for mark in marks:
        if opener is None:
            if mark.can_open:
                opener = mark
        elif mark.can_close:
            found.append(
                Stretch(start=opener.start, end=mark.end, inner_start=opener.end, inner_end=mark.start, family="single")
            )
            opener = None
        elif mark.can_open:
            opener = mark
    return found
