"""The recogniser's driver: all rules' matches, longest first, resolved in reading order.

Overlapping matches are settled longest first (then by rule priority, then by
the rules' order in :mod:`.registry`); the chosen ones are resolved left to
right, so that each can read the narrative anchor the dates before it set.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from .dates import Point, parse_value
from .patterns import TEMPORAL_PREP
from .records import Context, Out, Rule, Timex, parse_dct
from .registry import RULES
from .search import scan, scan_reference

__all__ = ["find_timexes", "find_timexes_reference"]


# the characters re's case-insensitive matching equates with an ASCII letter that lower() does not give
_ASCII_FOLDS = str.maketrans({"\u0130": "I", "\u0131": "i", "\u017f": "s", "\u212a": "K"})


def _default_sentence(text: str) -> Callable[[int], tuple[int, int]]:
    bounds = [0] + [m.end() for m in re.finditer(r"[.!?]['\"”’)]*\s+(?=[A-Z\"“‘(])|\n\s*\n", text)] + [len(text)]

    def sentence(offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(bounds, offset) - 1
        i = max(0, min(i, len(bounds) - 2))
        return bounds[i], bounds[i + 1]

    return sentence


def find_timexes(
    text: str,
    *,
    dct: str | date | None = None,
    tense: Callable[[int, int], str | None] | None = None,
    sentence: Callable[[int], tuple[int, int]] | None = None,
    hints: Sequence[tuple[int, int]] = (),
) -> list[Timex]:
    """Every temporal expression in ``text``, normalised against ``dct``.

    ``tense(start, end)`` gives the tense ("past", "present", "future" or
    None) governing the characters ``start:end`` (the spaCy component passes
    one built from part-of-speech tags); ``sentence(offset)`` the sentence
    bounds around an offset; ``hints`` are spans a statistical tagger thought
    are dates (spaCy's DATE/TIME entities): a bare number such as "1990" is
    only taken as a year inside one, or after a temporal preposition.

    >>> [t.value for t in find_timexes("Talks began on December 30 and January 2.", dct="2024-01-14",
    ...                               tense=lambda s, e: "past")]
    ['2023-12-30', '2024-01-02']
    """
    if not isinstance(text, str):
        raise TypeError(f"find_timexes() expects the article text as str, got {type(text).__name__}.")
    return _find(text, dct=dct, tense=tense, sentence=sentence, hints=hints, scan=scan)


def find_timexes_reference(
    text: str,
    *,
    dct: str | date | None = None,
    tense: Callable[[int, int], str | None] | None = None,
    sentence: Callable[[int], tuple[int, int]] | None = None,
    hints: Sequence[tuple[int, int]] = (),
) -> list[Timex]:
    """:func:`find_timexes` with every rule scanned over the whole text: what the fast search must equal.

    >>> text = "Three days ago, on May 2, talks began."
    >>> find_timexes_reference(text, dct="2024-05-06") == find_timexes(text, dct="2024-05-06")
    True
    """
    return _find(text, dct=dct, tense=tense, sentence=sentence, hints=hints, scan=scan_reference)


def _find(
    text: str,
    *,
    dct: str | date | None,
    tense: Callable[[int, int], str | None] | None,
    sentence: Callable[[int], tuple[int, int]] | None,
    hints: Sequence[tuple[int, int]],
    scan: Callable[[str], list[tuple[int, re.Match[str]]]],
) -> list[Timex]:
    original = text
    # the rules match case-insensitively, and Python's re equates four non-ASCII letters with ASCII ones
    # (dotted İ, dotless ı, long ſ, Kelvin K); their lower() is not that letter (İ even lowers to two
    # characters), so "mornıng" matched and then failed the lookup of its lowered text. Folding them to
    # the ASCII letter they match keeps every offset and lets each lookup see what the pattern saw.
    text = text.translate(_ASCII_FOLDS)
    ctx = Context(
        text=text, dct=parse_dct(dct), tense=tense or (lambda s, e: None), sentence=sentence or _default_sentence(text)
    )
    candidates: list[tuple[int, int, int, int, Rule, re.Match[str]]] = []
    for index, match in scan(text):
        if match.end() > match.start() and match.group(0).strip():
            rule = RULES[index]
            candidates.append((match.start(), match.end(), rule.priority, -index, rule, match))
    # longest match first; on ties the higher priority, then the earlier rule
    candidates.sort(key=lambda c: (-(c[1] - c[0]), -c[2], -c[3], c[0]))
    # the spans taken so far never overlap, so in order of start they are in order of end too: a candidate
    # overlaps one iff the last taken span starting before its end reaches past its start (bisection, not a
    # scan of every taken span per candidate, which was quadratic in a page of dates)
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    chosen = []
    for start, end, _, _, rule, match in candidates:
        k = bisect.bisect_left(taken_starts, end)
        if k and taken_ends[k - 1] > start:
            continue
        chosen.append((start, end, rule, match))
        taken_starts.insert(k, start)
        taken_ends.insert(k, end)
    chosen.sort(key=lambda c: c[0])
    hint_spans = sorted((int(s), int(e)) for s, e in hints)
    reach = list(itertools.accumulate((e for _, e in hint_spans), max))
    held = _Holders(starts=[s for s, _ in hint_spans], reach=reach)
    for start, end, rule, match in chosen:
        if rule.name == "year" and not _year_ok(match, text, held):
            continue
        try:
            produced = rule.resolve(match, ctx)
        except (OverflowError, ValueError):
            produced = None  # a date outside the calendar: not a usable TIMEX3
        if produced is None:
            continue
        for out in [produced] if isinstance(produced, Out) else produced:
            s = out.start if out.start is not None else start
            e = out.end if out.end is not None else end
            s, e = _trim(text, s, e)
            if e <= s:
                continue
            granularity = out.point.granularity if out.point is not None else None
            timex = Timex(
                start=s,
                end=e,
                text=original[s:e],
                type=out.type,
                value=out.value,
                value_start=out.value_start,
                value_end=out.value_end,
                granularity=granularity,
                anchor=out.anchor,
                mod=out.mod,
                rule=rule.name,
            )
            if out.point is not None:
                timex = _with_interval(timex, out)
            ctx.results.append(timex)
            if out.point is not None and out.sets_anchor:
                ctx.anchor = (
                    Point.of(out.point.day, out.point.granularity)
                    if out.point.granularity != "day"
                    else Point(out.point.day, "day")
                )
    return ctx.results


def _with_interval(timex: Timex, out: Out) -> Timex:
    """Fill value_start/value_end as ISO days bounding the expression."""
    first = parse_value(out.value_start or out.value)
    last = parse_value(out.value_end or out.value)
    if first is None or last is None:
        return timex
    return replace(timex, value_start=first[0].isoformat(), value_end=last[1].isoformat())


@dataclass(frozen=True)
class _Holders:
    """Spans in order of start (``starts``) with the furthest end reached by the first k + 1 (``reach``)."""

    starts: list[int]
    reach: list[int]

    def hold(self, start: int, end: int) -> bool:
        """Whether one of the spans holds [start, end) — by bisection, not a scan per year."""
        k = bisect.bisect_right(self.starts, start)
        return k > 0 and self.reach[k - 1] >= end


def _year_ok(match: re.Match[str], text: str, hints: _Holders) -> bool:
    if match.group("fiscal") or match.group("mod") or match.group("year2"):
        return True
    start, end = match.span()
    if hints.hold(start, end):
        return True
    before = text[max(0, start - 25) : start]
    if TEMPORAL_PREP.search(before) or re.search(r"(?:[,(]|\b(?:year|since|in|of|by))\s*$", before, re.I):
        return True
    after = text[end : end + 3]
    return bool(re.match(r"(?:\s*[,.;:)]|\s*$|['’]s)", after)) and not re.search(r"\d\s*$", before)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,;:":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    # a trailing full stop belongs to the sentence unless it closes an abbreviation ("Sept.")
    if end > start and text[end - 1] == "." and not re.search(r"(?:\b[A-Z][a-z]{1,3}|[ap]\.m)\.$", text[start:end]):
        end -= 1
    return start, end
