"""The records of the recogniser: the :class:`Timex` it returns, and what rules are made of.

A rule is a regular expression with a resolve function (:func:`rule` registers
one); the resolve function reads the :class:`Context` (the text, the
publication date, the tense around the match, the narrative anchor) and
returns what the match means as one or more :class:`Out`.

>>> parse_dct("2024-01-23T10:00:00")
datetime.date(2024, 1, 23)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .dates import Point

__all__ = ["TYPES", "Timex", "parse_dct", "bounded", "Context", "Out", "Rule", "REGISTERED", "rule"]

TYPES = ("DATE", "TIME", "DURATION", "SET")

# ---------------------------------------------------------------------------
# records


@dataclass(frozen=True, kw_only=True)
class Timex:
    """One temporal expression: where it is, and what it means (TIMEX3).

    ``value_start``/``value_end`` bound an interval ("from September 12 to
    17"); ``granularity`` is the unit the value stands for (day, week, month,
    …); ``anchor`` says what it was resolved against: ``"text"`` (fully
    stated), ``"dct"`` (the publication date), ``"narrative"`` (the last date
    mentioned before it) or ``"none"`` (unknown parts left as X).
    """

    start: int
    end: int
    text: str
    type: str
    value: str
    value_start: str | None = None
    value_end: str | None = None
    granularity: str | None = None
    anchor: str = "text"
    mod: str | None = None
    rule: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "value": self.value,
            "value_start": self.value_start,
            "value_end": self.value_end,
            "granularity": self.granularity,
            "anchor": self.anchor,
            "mod": self.mod,
            "rule": self.rule,
        }


def parse_dct(published: str | date | None) -> date | None:
    """The publication date as a ``date`` (ISO string, date, datetime or None).

    >>> parse_dct("2024-01-23T10:00:00")
    datetime.date(2024, 1, 23)
    >>> parse_dct("not a date") is None
    True
    """
    if published is None:
        return None
    if isinstance(published, date):
        return published if type(published) is date else published.date()  # datetime is a date subclass
    match = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", str(published))
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def bounded(pattern: str) -> str:
    """Bound a pattern at word edges (letters or digits on neither side).

    The pattern goes inside a group: a top-level ``|`` in it would otherwise leave the first
    alternative without the closing bound and the last without the opening one ("nightclub",
    "humid morning" and "afternoon" once matched "night", "mid morning" and "noon").

    >>> [bool(re.search(bounded("noon|night"), text)) for text in ("at noon", "afternoon", "nightclub")]
    [True, False, False]
    """
    return r"(?<![\w\-])(?:" + pattern + r")(?![\w])"


# ---------------------------------------------------------------------------
# resolution context


@dataclass(kw_only=True)
class Context:
    text: str
    dct: date | None
    tense: Callable[[int, int], str | None]
    sentence: Callable[[int], tuple[int, int]]
    anchor: Point | None = None
    results: list[Timex] = field(default_factory=list)

    def base(self) -> Point | None:
        """The narrative anchor, else the publication date."""
        if self.anchor is not None:
            return self.anchor
        return Point(self.dct, "day") if self.dct else None

    def dated_in_sentence(self, start: int) -> Timex | None:
        """The last resolved date in the same sentence before ``start``."""
        left, _ = self.sentence(start)
        for timex in reversed(self.results):
            if timex.end <= start and timex.start >= left and timex.type in ("DATE", "TIME") and timex.granularity:
                return timex
        return None


@dataclass(frozen=True)
class Out:
    """What a rule resolved a match (or a part of it) to."""

    type: str
    value: str
    point: Point | None = None  # for DATE/TIME with a calendar position: becomes the narrative anchor
    anchor: str = "text"
    start: int | None = None  # offsets when a rule yields a part of its match (lists, ranges)
    end: int | None = None
    value_start: str | None = None
    value_end: str | None = None
    mod: str | None = None
    sets_anchor: bool = True


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], Context], Sequence[Out] | Out | None]
    priority: int = 0  # breaks ties between equally long matches (higher wins)


# every rule, as its module registers it; .registry puts them in the order that breaks ties
REGISTERED: list[Rule] = []


def rule(name: str, pattern: str, *, priority: int = 0, bound: bool = True) -> Callable:
    """Register the decorated resolve function as the rule ``name`` (``bound``: at word edges, see :func:`bounded`)."""

    def register(func: Callable) -> Callable:
        REGISTERED.append(Rule(name, re.compile(bounded(pattern) if bound else pattern), func, priority))
        return func

    return register
