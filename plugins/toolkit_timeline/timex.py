"""Recognise temporal expressions in text and normalise them to TIMEX3.

A rule-based recogniser in the spirit of HeidelTime: each rule is a regular
expression over the text with a normalisation function. Matches are chosen
longest-first, then resolved in reading order against

- the document creation time (``dct``, the article's publication date) for
  deictic expressions ("yesterday", "last October", "on Thursday"), with the
  tense of the nearest verb deciding direction (HeidelTime's approach: a
  weekday in a past-tense sentence is the one before);
- the *narrative anchor*, the last date the text mentioned, for anaphoric
  expressions ("the day before", "two weeks later", "a year earlier", "then").

Without a publication date the known parts are kept and the rest written as X
(``XXXX-10-18``).

>>> [(t.text, t.value) for t in find_timexes("He arrived on October 18. The day before, they met.", dct="2023-10-19")]
[('October 18', '2023-10-18'), ('The day before', '2023-10-17')]
>>> [(t.text, t.type, t.value) for t in find_timexes("Talks lasted three days.", dct=None)]
[('three days', 'DURATION', 'P3D')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .dates import Point, add_months

__all__ = ["Timex", "find_timexes", "TYPES", "parse_dct"]

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
        return {"start": self.start, "end": self.end, "text": self.text, "type": self.type, "value": self.value,
                "value_start": self.value_start, "value_end": self.value_end, "granularity": self.granularity,
                "anchor": self.anchor, "mod": self.mod, "rule": self.rule}


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


# ---------------------------------------------------------------------------
# vocabulary

MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
          "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
          "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}
WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3,
            "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
           "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
           "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "couple": 2,
           "a couple of": 2, "a dozen": 12, "dozen": 12, "half a": 0.5, "half an": 0.5}
VAGUE = ("few", "a few", "several", "some", "many", "a number of", "numerous", "dozens of", "hundreds of",
         "the next few", "a couple")
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "final": 4, "last": 4}
SEASON_CODES = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
                "tonight": "NI", "mid-afternoon": "AF", "midafternoon": "AF", "mid afternoon": "AF"}
UNIT_GRANULARITY = {"day": "day", "night": "day", "week": "week", "weekend": "weekend", "fortnight": "week",
                    "month": "month", "quarter": "quarter", "year": "year", "decade": "year", "century": "year",
                    "season": "season", "half": "half"}
DURATION_CODES = {"second": ("T", "S", 1), "minute": ("T", "M", 1), "hour": ("T", "H", 1), "day": ("", "D", 1),
                  "night": ("", "D", 1), "week": ("", "W", 1), "weekend": ("", "D", 2), "fortnight": ("", "W", 2),
                  "month": ("", "M", 1), "quarter": ("", "Q", 1), "year": ("", "Y", 1), "decade": ("", "Y", 10),
                  "century": ("", "Y", 100), "millennium": ("", "Y", 1000)}
# fixed-date holidays (month, day) and a few movable ones computed below
HOLIDAYS = {"christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
            "new year's eve": (12, 31), "new year's day": (1, 1), "halloween": (10, 31),
            "valentine's day": (2, 14), "independence day": (7, 4), "the fourth of july": (7, 4),
            "july fourth": (7, 4), "boxing day": (12, 26), "may day": (5, 1), "veterans day": (11, 11)}

# ---------------------------------------------------------------------------
# pattern building blocks (the rules are compiled case-sensitively; lowercase
# vocabulary is wrapped in (?i:...) so that month and weekday names must be
# capitalised, which keeps "may", "march", "sun" the verb/noun out)


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


_MONTH_NAMES = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
                r"|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
                r"|JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)")
_WEEKDAY_NAMES = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
                  r"|Mon\.|Tues?\.|Wed\.|Thu(?:rs?)?\.|Fri\.|Sat\.|Sun\.|MONDAY|TUESDAY|WEDNESDAY|THURSDAY"
                  r"|FRIDAY|SATURDAY|SUNDAY)")
_NUM_WORDS = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six"
              r"|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
              r"|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|a\s+couple\s+of|couple\s+of|a\s+dozen|dozen"
              r"|half\s+an?|an?|a\s+few|few|several|some|many|a\s+number\s+of|numerous|dozens\s+of|hundreds\s+of)")
_NUM = r"(?:\d+(?:\.\d+)?|(?i:" + _NUM_WORDS + r"))"
_UNIT = (r"(?i:(?:second|minute|hour|day|night|weekend|week|fortnight|month|quarter|year|decade|millenni(?:um|a)"
         r"|centur(?:y|ies))s?)")
_UNIT_CAL = r"(?i:week|weekend|month|quarter|year|decade|century)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_TZ = r"(?:\s+(?:[ECMP][SD]T|GMT|UTC|BST|CET|MSK|KST|JST)\b)?"
_PART = r"(?i:morning|afternoon|evening|night|overnight)"
_MOD_PRE = (r"(?i:(?P<mod>(?:the\s+)?(?:very\s+)?(?:early|earlier|late|later|mid|middle\s+of|end\s+of|beginning\s+of|"
            r"start\s+of|rest\s+of)(?:\s+in)?)[\s-]+(?:the\s+)?)")
_APPROX = (r"(?i:(?P<approx>(?:about|around|approximately|roughly|nearly|almost|some|over|more\s+than|less\s+than|"
           r"at\s+least|at\s+most|up\s+to|fewer\s+than|under|just|only|barely|within|the\s+past|the\s+last|the\s+next|"
           r"the\s+first|the\s+final|the\s+coming|the\s+previous|the\s+following|past|last|next|first|previous|"
           r"coming|recent|the\s+latest|the\s+entire|the\s+whole|a\s+full|the\s+full|an\s+additional|another|"
           r"the\s+remaining|the|each\s+of\s+the\s+past|each\s+of\s+the\s+last|all)\s+)+)?")


def _b(pattern: str) -> str:
    """Bound a pattern at word edges (letters or digits on neither side)."""
    return r"(?<![\w\-])" + pattern + r"(?![\w])"


# ---------------------------------------------------------------------------
# resolution context


@dataclass(kw_only=True)
class _Context:
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
class _Out:
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
class _Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], _Context], Sequence[_Out] | _Out | None]
    priority: int = 0  # breaks ties between equally long matches (higher wins)


_RULES: list[_Rule] = []


def _rule(name: str, pattern: str, *, priority: int = 0, bound: bool = True) -> Callable:
    def register(func: Callable) -> Callable:
        _RULES.append(_Rule(name, re.compile(_b(pattern) if bound else pattern), func, priority))
        return func

    return register


# ---------------------------------------------------------------------------
# helpers used by rules


def _num(text: str | None) -> float | None:
    """A number written in digits or words; None when vague ("several")."""
    if text is None:
        return None
    words = re.sub(r"\s+", " ", text.strip().lower().replace("-", " "))
    fraction = re.fullmatch(r"(\d+)\s*(?:1/2|½)", words)
    if fraction:
        return int(fraction.group(1)) + 0.5
    if re.fullmatch(r"\d+(\.\d+)?", words):
        return float(words)
    if words in VAGUE:
        return None
    if words in NUMBERS:
        return NUMBERS[words]
    parts = words.split(" ")
    if all(p in NUMBERS for p in parts):
        return sum(NUMBERS[p] for p in parts)
    return None


def _unit(text: str) -> str:
    word = text.lower().rstrip("s")
    if word.startswith("centur"):
        return "century"
    if word.startswith("millenni"):
        return "millennium"
    return word


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def _duration(n: float | None, unit: str) -> str:
    """P3D, PT2H, PXY …; a fraction becomes the next smaller unit (P1Y6M).

    >>> _duration(1.5, "year"), _duration(None, "week"), _duration(2, "decade")
    ('P1Y6M', 'PXW', 'P20Y')
    """
    prefix, code, factor = DURATION_CODES[unit]
    if n is None:
        return f"P{prefix}X{code}"
    total = n * factor
    if not float(total).is_integer():
        finer = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("H", 24), "H": ("M", 60), "M_T": ("S", 60)}
        small, mult = finer.get(code + ("_T" if prefix == "T" and code == "M" else ""), (None, 0))
        if small:
            whole, rest = int(total), _fmt((total - int(total)) * mult)
            if code == "D":  # days and hours: P1DT12H
                return f"P{whole}DT{rest}H" if whole else f"PT{rest}H"
            return f"P{prefix}{whole}{code}{rest}{small}" if whole else f"P{prefix}{rest}{small}"
    return f"P{prefix}{_fmt(total)}{code}"


def _month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _weekday_of(name: str) -> int:
    return WEEKDAYS[name.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int | None, ctx: _Context, start: int, *, relation: str | None = None) -> int | None:
    """The year of a month (and day) written without one, from the publication date and tense.

    ``relation`` forces the direction: "before" (last October), "after"
    (next October), "same" (this October). Otherwise past tense picks the
    latest such date not after the publication date, future tense the next
    one not before it, and anything else the nearest.
    """
    if ctx.dct is None:
        return None
    dct = ctx.dct
    key = (month, day or 0)
    now = (dct.month, dct.day if day else 0)
    if relation == "same":
        return dct.year
    if relation == "before":
        # "last October": the latest October before this month
        return dct.year if key < now or (day is None and month < dct.month) else dct.year - 1
    if relation == "after":
        return dct.year if key > now or (day is None and month > dct.month) else dct.year + 1
    tense = ctx.tense(start, start + 1)
    months_ahead = (month - dct.month) + ((day or 15) - dct.day) / 31 if day else month - dct.month
    if months_ahead > 6:
        months_ahead -= 12
        year = dct.year - 1
    elif months_ahead < -6:
        months_ahead += 12
        year = dct.year + 1
    else:
        year = dct.year
    # the nearest such date, unless the tense points the other way by more than a few months
    # (a past-tense "in June" in a January article is last June; "extended to Nov. 20" is ahead)
    if tense == "past" and months_ahead > 2:
        return year - 1
    if tense == "future" and months_ahead < -2:
        return year + 1
    return year


def _weekday_date(weekday: int, ctx: _Context, start: int, *, relation: str | None = None) -> date | None:
    """The date of a weekday named without a date, around the publication date.

    Past tense: the latest such day up to the publication date (a Thursday
    article's "said on Thursday" is that day); future: the next one from it;
    otherwise the nearer of the two. ``relation`` "before"/"after"/"same" is set by "last"/"next"/"this".
    """
    if ctx.dct is None:
        return None
    dct = ctx.dct
    back = (dct.weekday() - weekday) % 7
    ahead = (weekday - dct.weekday()) % 7
    if relation == "before":
        return dct - timedelta(days=back or 7)
    if relation == "after":
        return dct + timedelta(days=ahead or 7)
    if relation == "same":
        return dct - timedelta(days=dct.weekday()) + timedelta(days=weekday)
    tense = ctx.tense(start, start + 1)
    if tense == "future":
        return dct + timedelta(days=ahead)
    if tense == "past":
        return dct - timedelta(days=back)
    # present tense or none: the nearer one ("begins on Monday" in a Sunday paper), the past one on a tie
    return dct + timedelta(days=ahead) if ahead < back else dct - timedelta(days=back)


def _relation(word: str | None) -> str | None:
    if not word:
        return None
    word = word.lower()
    if word in ("last", "past", "previous", "preceding"):
        return "before"
    if word in ("next", "coming", "upcoming", "following"):
        return "after"
    if word in ("this", "current", "present"):
        return "same"
    return None


def _mod(word: str | None) -> str | None:
    if not word:
        return None
    word = re.sub(r"\s+", " ", word.lower()).removeprefix("the ").removesuffix(" in").removeprefix("very ")
    if word in ("early", "beginning of", "start of", "earlier"):
        return "START"
    if word in ("late", "end of", "later", "rest of"):
        return "END"
    if word in ("mid", "middle of"):
        return "MID"
    return None


def _point_out(point: Point, anchor: str, *, type_: str = "DATE", mod: str | None = None, **kw: Any) -> _Out:
    return _Out(type_, point.value(), point, anchor, mod=mod, **kw)


def _unknown_date(month: int | None = None, day: int | None = None) -> str:
    return f"XXXX-{month:02d}-{day:02d}" if day else (f"XXXX-{month:02d}" if month else "XXXX")


# ---------------------------------------------------------------------------
# rules: absolute and partial dates

_MD = (r"(?:(?P<wd>" + _WEEKDAY_NAMES + r"),?\s+|(?P<rel>(?i:last|next|this|this\s+coming|this\s+past))\s+)?"
       r"(?:(?P<month>" + _MONTH_NAMES + r")\s+(?P<day>" + _DAY + r")|(?P<day_b>" + _DAY + r")\s+(?:of\s+)?(?P<month_b>"
       + _MONTH_NAMES + r"))"
       r"(?:(?:,\s*|\s+)(?P<year>" + _YEAR + r"))?(?!\d|:\d)")


def _resolve_md(ctx: _Context, start: int, month: int, day: int, year: str | None) -> _Out | None:
    if year:
        stated = _safe_date(int(year), month, day)
        return _point_out(Point(stated, "day"), "text") if stated else None
    inferred = _infer_year(month, day, ctx, start)
    if inferred is None:
        return _Out("DATE", _unknown_date(month, day), None, "none")
    stated = _safe_date(inferred, month, day)
    return _point_out(Point(stated, "day"), "dct") if stated else None


@_rule("month_day", _MD)
def _month_day(m: re.Match[str], ctx: _Context) -> _Out | None:
    month = _month_of(m.group("month") or m.group("month_b"))
    day = int(re.sub(r"\D", "", m.group("day") or m.group("day_b")))
    if m.group("wd") and not m.group("year") and ctx.dct is not None:
        # "Monday, Oct. 26": the year in which that day is a Monday, nearest the publication date
        weekday = _weekday_of(m.group("wd"))
        for year in sorted((ctx.dct.year, ctx.dct.year - 1, ctx.dct.year + 1),
                           key=lambda y: abs(((_safe_date(y, month, day) or date.min) - ctx.dct).days)):
            stated = _safe_date(year, month, day)
            if stated is not None and stated.weekday() == weekday:
                return _point_out(Point(stated, "day"), "dct")
    if m.group("rel") and not m.group("year") and ctx.dct is not None:
        year = _infer_year(month, day, ctx, m.start(), relation=_relation(m.group("rel").split()[-1]))
        stated = _safe_date(year, month, day) if year else None
        if stated is not None:
            return _point_out(Point(stated, "day"), "dct")
    return _resolve_md(ctx, m.start(), month, day, m.group("year"))


# "from September 12 to 17", "Sept. 12-17, 2023", "between March 3 and 5": one interval
@_rule("day_range",
       r"(?:(?i:from|between)\s+)?(?P<month>" + _MONTH_NAMES + r")\s+(?P<day>" + _DAY + r")"
       r"\s*(?:-|–|—|(?i:to|through|till|until|and))\s*(?:(?P<month2>" + _MONTH_NAMES + r")\s+)?(?P<day2>" + _DAY
       + r")(?:(?:,\s*|\s+)(?P<year>" + _YEAR + r"))?(?!\d|:\d)", priority=2)
def _day_range(m: re.Match[str], ctx: _Context) -> Sequence[_Out] | None:
    second_start = m.start("month2") if m.group("month2") else m.start("day2")
    joiner = ctx.text[m.end("day"):second_start].strip().lower()
    starts_between = m.group(0).lower().startswith("between")
    month = _month_of(m.group("month"))
    month2 = _month_of(m.group("month2")) if m.group("month2") else month
    day = int(re.sub(r"\D", "", m.group("day")))
    day2 = int(re.sub(r"\D", "", m.group("day2")))
    first = _resolve_md(ctx, m.start(), month, day, m.group("year"))
    if joiner.endswith("and") and not starts_between:
        # a list ("December 30 and January 2"): each item its own date, each year inferred on its own
        second = _resolve_md(ctx, m.start("day2"), month2, day2, m.group("year"))
        first_end = m.end("day")
        items = []
        if first:
            items.append(_Out(first.type, first.value, first.point, first.anchor, start=m.start("month"), end=first_end))
        if second:
            s2 = m.start("month2") if m.group("month2") else m.start("day2")
            items.append(_Out(second.type, second.value, second.point, second.anchor, start=s2, end=m.end()))
        return items
    if first is None or first.point is None:
        if first is None:
            return None
        return [_Out("DATE", first.value, None, "none", value_start=first.value,
                     value_end=_unknown_date(month2, day2))]
    end_day = _safe_date(first.point.day.year, month2, day2)
    if end_day is None:
        return None
    if end_day < first.point.day:  # "December 28 to January 3": the range crosses a new year
        end_day = _safe_date(end_day.year + 1, month2, day2)
        if end_day is None:
            return None
    end_point = Point(end_day, "day")
    if m.group("month2"):
        # "from Aug. 26 to Oct. 20": two dates, as TimeML annotates them; the first carries the interval
        return [_Out("DATE", first.value, first.point, first.anchor, start=m.start("month"), end=m.end("day"),
                     value_start=first.value, value_end=end_point.value()),
                _Out("DATE", end_point.value(), end_point, first.anchor, start=m.start("month2"), end=m.end())]
    # the span starts at the month (prepositions are not part of a TIMEX3)
    return [_Out("DATE", first.value, first.point, first.anchor, start=m.start("month"), end=m.end(),
                 value_start=first.value, value_end=end_point.value())]


# "November 2022", "October of 2023"
@_rule("month_year", r"(?:" + _MOD_PRE + r")?(?P<month>" + _MONTH_NAMES + r"),?\s+(?:(?i:of)\s+)?(?P<year>" + _YEAR + r")(?![\d:])")
def _month_year(m: re.Match[str], ctx: _Context) -> _Out:
    point = Point(date(int(m.group("year")), _month_of(m.group("month")), 1), "month")
    return _point_out(point, "text", mod=_mod(m.group("mod")))


_TEMPORAL_PREP = re.compile(r"(?i:\b(?:in|since|until|till|by|of|during|before|after|from|to|through|last|next|this|"
                            r"early|late|mid|and|or|between|every|each|until|throughout)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?)?$)")


# "October", "last October", "early December"
@_rule("month", r"(?:" + _MOD_PRE + r")?(?:(?P<rel>(?i:last|next|this|coming|past|previous))\s+)?(?P<month>" + _MONTH_NAMES + r")"
       r"(?:\s+(?:(?i:of)\s+)?(?P<rel_year>(?i:this|last|next))\s+(?i:year))?(?!\s*\d)")
def _month(m: re.Match[str], ctx: _Context) -> _Out | None:
    name = m.group("month")
    if len(name) <= 4 and not name.endswith(".") and name not in ("May", "June", "July"):
        return None  # "Jan", "Sept" without a day or a full stop: more often a name than a month
    if name in ("May", "March", "MARCH") and not m.group("rel") and not m.group("mod"):
        # modal "May …", verb "March …": only a month after a temporal preposition
        if not _TEMPORAL_PREP.search(ctx.text[max(0, m.start() - 30):m.start()]):
            return None
    month = _month_of(name)
    year = _infer_year(month, None, ctx, m.start(), relation=_relation(m.group("rel")))
    if m.group("rel_year") and ctx.dct is not None:  # "February this year", "May of last year"
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[m.group("rel_year").lower()]
    mod = _mod(m.group("mod"))
    if year is None:
        return _Out("DATE", _unknown_date(month), None, "none", mod=mod)
    return _point_out(Point(date(year, month, 1), "month"), "dct", mod=mod)


_NUMERIC_DATES = (
    (r"(?P<y>" + _YEAR + r")-(?P<m>[01]\d)-(?P<d>[0-3]\d)", "ymd"),
    (r"(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{4}|\d\d)", "mdy"),
    (r"(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{4})", "dmy"),
)
for _pattern, _name in _NUMERIC_DATES:
    @_rule(f"numeric_{_name}", _pattern + r"(?![\d/.-]\d)")
    def _numeric(m: re.Match[str], ctx: _Context) -> _Out | None:
        year = int(m.group("y"))
        if year < 100:
            year += 1900 if year >= 50 else 2000
        stated = _safe_date(year, int(m.group("m")), int(m.group("d")))
        return _point_out(Point(stated, "day"), "text") if stated else None


# "1990", "fiscal 1989", "early 2023", "the year 2000"
@_rule("year", r"(?:" + _MOD_PRE + r")?(?:(?P<fiscal>(?i:fiscal|calendar|the\s+year|model\s+year|FY))\s*)?"
       r"(?P<year>" + _YEAR + r")(?:(?P<span>-|–|/)(?P<year2>\d\d(?:\d\d)?))?(?!\s*(?:%|percent|per\s+cent))(?![\d,.]\d)")
def _year(m: re.Match[str], ctx: _Context) -> _Out | Sequence[_Out] | None:
    before = ctx.text[max(0, m.start() - 2):m.start()]
    if re.search(r"[$£€¥#]\s?$", before):  # an amount, not a year
        return None
    after = ctx.text[m.end():m.end() + 12].lower()
    if re.match(r"\s*(?:people|shares|tons|tonnes|troops|cars|units|km|miles|metres|meters|feet|dollars|yuan|rubles)\b", after):
        return None
    mod = _mod(m.group("mod"))
    point = Point(date(int(m.group("year")), 1, 1), "year")
    if m.group("year2"):
        tail = m.group("year2")
        year2 = int(tail) if len(tail) == 4 else int(m.group("year")[:2] + tail)
        if year2 > int(m.group("year")) and year2 - int(m.group("year")) < 50:
            end = Point(date(year2, 1, 1), "year")
            return _point_out(point, "text", mod=mod, value_start=point.value(), value_end=end.value())
    return _point_out(point, "text", mod=mod)


# "the 1990s", "the mid-1980s", "the '80s"
@_rule("decade", r"(?:(?i:the)\s+)?(?:" + _MOD_PRE + r")?(?P<decade>(?:1[5-9]|20)\d0|'\d0)'?s")
def _decade(m: re.Match[str], ctx: _Context) -> _Out:
    text = m.group("decade")
    if text.startswith("'"):
        year = 1900 + int(text[1:])
        if ctx.dct and year + 100 <= ctx.dct.year + 5:
            year += 100
    else:
        year = int(text)
    return _point_out(Point(date(year, 1, 1), "decade"), "text", mod=_mod(m.group("mod")))


# ---------------------------------------------------------------------------
# rules: relative to the publication date


@_rule("today", r"(?i:(?P<word>today|tonight|yesterday|tomorrow|the\s+day\s+before\s+yesterday|"
       r"the\s+day\s+after\s+tomorrow|last\s+night|this\s+(?:morning|afternoon|evening)|overnight))"
       r"(?:(?P<part>\s+(?i:morning|afternoon|evening|night)))?")
def _today(m: re.Match[str], ctx: _Context) -> _Out | None:
    word = re.sub(r"\s+", " ", m.group("word").lower())
    left, _ = ctx.sentence(m.start())
    if m.group("word")[0].isupper() and ctx.text[left:m.start()].strip() and re.search(
            r"[A-Z][\w.-]*\s+$", ctx.text[max(left, m.start() - 30):m.start()]):
        return None  # "Russia Today", "USA Today": a name, not a day
    offset = {"yesterday": -1, "tomorrow": 1, "last night": -1, "the day before yesterday": -2,
              "the day after tomorrow": 2}.get(word, 0)
    part = None
    if word in ("tonight", "last night", "overnight"):
        part = "NI"
    elif word.startswith("this "):
        part = PARTS_OF_DAY[word.split(" ")[1]]
    if m.group("part"):
        part = PARTS_OF_DAY[m.group("part").strip().lower()]
    if ctx.dct is None:
        return _Out("TIME" if part else "DATE", "XXXX-XX-XX" + (f"T{part}" if part else ""), None, "none")
    day = ctx.dct + timedelta(days=offset)
    return _point_out(Point(day, "day", part), "dct", type_="TIME" if part else "DATE")


# "Thursday", "last Friday", "Friday morning", "this Sunday"
@_rule("weekday", r"(?:(?P<rel>(?i:last|next|this|coming|past|previous))\s+)?(?P<wd>" + _WEEKDAY_NAMES + r")"
       r"(?:\s+(?P<part>" + _PART + r"))?(?!\s*,?\s*(?:" + _MONTH_NAMES + r"|\d))")
def _weekday(m: re.Match[str], ctx: _Context) -> _Out | None:
    weekday = _weekday_of(m.group("wd"))
    part = PARTS_OF_DAY[m.group("part").lower()] if m.group("part") else None
    type_ = "TIME" if part else "DATE"
    # plural ("on Fridays") is a set; so is "every Friday" (handled by the set rule)
    day = _weekday_date(weekday, ctx, m.start(), relation=_relation(m.group("rel")))
    if day is None:
        return _Out(type_, f"XXXX-WXX-{weekday + 1}" + (f"T{part}" if part else ""), None, "none")
    return _point_out(Point(day, "day", part), "dct", type_=type_)


# "last week", "this year", "next month", "earlier this week", "early next year", "the end of the year"
@_rule("calendar_unit",
       r"(?:" + _MOD_PRE + r")?(?P<rel>(?i:this|last|next|past|previous|coming|current|the\s+current|the\s+past|"
       r"the\s+coming|the\s+next|the\s+previous|the\s+following|the\s+same|that|the\s+latest|the\s+most\s+recent|"
       r"the\s+recent|the\s+just-ended|the\s+just\s+ended|the\s+prior|the))\s+(?:(?P<fiscal>(?i:fiscal|calendar))\s+)?"
       r"(?P<unit>" + _UNIT_CAL + r")(?![-\w])")
def _calendar_unit(m: re.Match[str], ctx: _Context) -> _Out | None:
    rel = re.sub(r"\s+", " ", m.group("rel").lower())
    unit = m.group("unit").lower()
    granularity = {"week": "week", "weekend": "weekend", "month": "month", "quarter": "quarter", "year": "year",
                   "decade": "decade", "century": "century"}[unit]
    mod = _mod(m.group("mod"))
    after = ctx.text[m.end():m.end() + 40]
    if re.match(r"\s*(?:-|–)?\s*(?:old|long)\b", after):
        return None
    if m.group("unit")[0].isupper() and not m.group("unit").isupper():
        return None  # "This Week", "The Year in Review": a title
    ended = re.match(r"\s+(?:ended|ending|that\s+ended|which\s+ended)\s+(?P<month>" + _MONTH_NAMES + r")\s+(?P<day>" + _DAY + r")",
                     after + ctx.text[m.end() + 40:m.end() + 60])
    if rel in ("the", "the latest", "the just-ended", "the same", "that") and ended:
        # "the quarter ended Sept. 30" is the quarter of that day; "the year ended …" a twelve-month period
        if granularity == "year" or m.group("fiscal"):
            return _Out("DURATION", "P1Y" if granularity == "year" else _duration(1, unit), None, "text",
                        sets_anchor=False)
        end = _resolve_md(ctx, m.end(), _month_of(ended.group("month")), int(re.sub(r"\D", "", ended.group("day"))), None)
        if end is not None and end.point is not None:
            return _point_out(end.point.coarsen(granularity), end.anchor)
    if rel == "the" and re.match(r"\s+(?:of|in|to|for|ended|ending|before|after|earlier|ago|through)\b", after, re.I) and not re.match(r"\s+(?:to date)", after):
        # "the year of …", "the year ended Sept. 30": not a date by itself (or a longer rule's business)
        if not re.match(r"\s+(?:earlier|ago)\b", after, re.I):
            return None
    narrative = rel in ("the following", "the same", "that", "the previous", "the prior") or (
        rel == "the" and granularity in ("quarter",) and ctx.anchor is not None and ctx.anchor.granularity == "quarter")
    if narrative:
        base = ctx.anchor if ctx.anchor is not None else (Point(ctx.dct, "day") if ctx.dct else None)
        if base is None:
            return _Out("DATE", "XXXX", None, "none", mod=mod)
        shift = {"the following": 1, "the previous": -1, "the prior": -1}.get(rel, 0)
        if _finer(base.granularity, granularity) or base.granularity == granularity:
            point = Point.of(base.day, granularity).shift(shift)
        else:
            point = base
        return _point_out(point, "narrative", mod=mod)
    if ctx.dct is None:
        return _Out("DATE", "XXXX" if granularity not in ("decade", "century") else "XXX", None, "none", mod=mod)
    now = Point.of(ctx.dct, granularity)
    tense = ctx.tense(m.start(), m.end())
    if granularity == "weekend" and ctx.dct.weekday() < 5 and (rel in ("last", "past", "previous", "the past") or (
            rel in ("the", "this") and tense != "future")):
        # on a weekday "the weekend" that is talked about in the past is the one just gone
        return _point_out(now.shift(-1), "dct", mod=mod)
    if rel in ("last", "past", "previous", "the past", "the previous"):
        if granularity in ("decade", "century") or rel == "the past" and granularity not in ("year",):
            return _Out("DURATION", _duration(1, unit), None, "dct", sets_anchor=False)
        point = now.shift(-1)
    elif rel in ("next", "coming", "the coming", "the next"):
        if rel == "the next" and granularity in ("decade", "century"):
            return _Out("DURATION", _duration(1, unit), None, "dct", sets_anchor=False)
        point = now.shift(1)
    elif rel in ("the latest", "the most recent", "the recent", "the just-ended", "the just ended"):
        point = now.shift(-1) if granularity in ("quarter", "month", "week") else now
    elif rel == "the":
        if granularity == "quarter":
            # a company's "the quarter" in reporting is the last completed one
            point = now.shift(-1) if tense in ("past", "present", None) else now
        elif granularity in ("decade", "century"):
            return None
        else:
            point = now
    else:  # this, current
        point = now
    return _point_out(point, "dct", mod=mod)


def _finer(a: str, b: str) -> bool:
    order = ("day", "weekend", "week", "month", "season", "quarter", "half", "year", "decade", "century")
    return order.index(a) < order.index(b)


# "the third quarter", "third-quarter", "the fourth quarter of 1989", "the first half", "the fiscal first quarter"
@_rule("quarter",
       r"(?:(?P<this>(?i:this\s+year['’]s|last\s+year['’]s|next\s+year['’]s))\s+)?(?:(?i:the)\s+)?"
       r"(?:(?P<ago>(?i:year-ago|year-earlier|year\s+earlier|year\s+ago|prior-year|previous-year))\s+|(?P<year_pre>" + _YEAR + r")\s+)?"
       r"(?:(?i:fiscal|calendar)[\s-]+)?"
       r"(?P<ord>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))[\s-]+(?:(?i:fiscal|calendar)\s+)?"
       r"(?P<unit>(?i:quarter|half|period))(?:\s+(?i:of)\s+(?:(?i:fiscal)\s+)?(?P<year>" + _YEAR + r"))?(?![-\w])")
def _quarter(m: re.Match[str], ctx: _Context) -> _Out | None:
    unit = m.group("unit").lower()
    if unit == "period":
        return None
    n = ORDINALS[m.group("ord").lower()]
    if unit == "half":
        if n > 2 and m.group("ord").lower() not in ("last", "final"):
            return None
        n = min(n, 2)
    granularity = "quarter" if unit == "quarter" else "half"
    months = 3 if granularity == "quarter" else 6
    if m.group("year") or m.group("year_pre"):
        year = int(m.group("year") or m.group("year_pre"))
        anchor = "text"
    elif m.group("ago") and ctx.dct is not None:
        year = (ctx.anchor.day.year if ctx.anchor is not None else ctx.dct.year) - 1
        anchor = "narrative"
    elif ctx.dct is None:
        return _Out("DATE", f"XXXX-{'Q' if granularity == 'quarter' else 'H'}{n}", None, "none")
    else:
        year = ctx.dct.year
        anchor = "dct"
        this = (m.group("this") or "").lower()
        if this.startswith("last"):
            year -= 1
        elif this.startswith("next"):
            year += 1
        elif not this:
            current = (ctx.dct.month - 1) // months + 1
            tense = ctx.tense(m.start(), m.end())
            if n > current and tense == "past" and not _future_words(ctx, m):
                year -= 1
            if ctx.anchor is not None and ctx.anchor.granularity in ("year",) and ctx.anchor.day.year != year \
                    and ctx.sentence(m.start())[0] <= _last_anchor_start(ctx):
                year = ctx.anchor.day.year  # "in 1988 … the third quarter": the year just named
                anchor = "narrative"
    point = Point(date(year, (n - 1) * months + 1, 1), granularity)
    return _point_out(point, anchor, sets_anchor=not m.group("ago"))


def _last_anchor_start(ctx: _Context) -> int:
    for timex in reversed(ctx.results):
        if timex.granularity:
            return timex.start
    return -1


def _future_words(ctx: _Context, m: re.Match[str]) -> bool:
    left, right = ctx.sentence(m.start())
    return bool(re.search(r"(?i)\b(?:expect|forecast|project|will|would|plan|estimate)", ctx.text[left:right]))


# seasons: "this summer", "last fall", "since the summer", "the winter of 2022"
@_rule("season",
       r"(?:" + _MOD_PRE + r")?(?:(?P<rel>(?i:this|last|next|past|coming|the|this\s+past|later\s+this|earlier\s+this))\s+)?"
       r"(?P<season>(?i:spring|summer|fall|autumn|winter))(?:\s+(?i:of)\s+(?P<year>" + _YEAR + r")|\s+(?P<year_b>" + _YEAR + r"))?(?![-\w])")
def _season(m: re.Match[str], ctx: _Context) -> _Out | None:
    word = m.group("season").lower()
    code = SEASON_CODES[word]
    rel = (m.group("rel") or "").lower()
    year_text = m.group("year") or m.group("year_b")
    mod = _mod(m.group("mod"))
    if not year_text and not rel and not mod:
        before = ctx.text[max(0, m.start() - 12):m.start()].lower()
        if not re.search(r"\b(?:in|since|during|until|by|over|through)\s+$", before):
            return None
    if word == "fall" and not year_text and re.match(r"\s+of\b", ctx.text[m.end():m.end() + 5]):
        return None  # "the fall of the Berlin Wall"
    if word == "fall" and not year_text and not rel and not mod:
        return None
    month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    if year_text:
        return _point_out(Point(date(int(year_text), month, 1), "season"), "text", mod=mod)
    if ctx.dct is None:
        return _Out("DATE", f"XXXX-{code}", None, "none", mod=mod)
    current = Point.of(ctx.dct, "season")
    candidate = Point(date(ctx.dct.year, month, 1), "season")
    if code == "WI" and ctx.dct.month <= 2:
        candidate = Point(date(ctx.dct.year - 1, 12, 1), "season")
    relation = _relation(rel.split()[-1]) if rel else None
    before_text = ctx.text[max(0, m.start() - 8):m.start()].lower()
    tense = ctx.tense(m.start(), m.end())
    if relation == "before":
        if candidate.day >= current.day:  # "last spring": the latest spring before the current season
            candidate = candidate.shift(-4, "season")
    elif relation == "after":
        if candidate.day <= current.day:
            candidate = candidate.shift(4, "season")
    elif tense == "past" or "since" in before_text:
        if candidate.day > current.day:
            candidate = candidate.shift(-4, "season")
    elif tense == "future":
        if candidate.day < current.day:
            candidate = candidate.shift(4, "season")
    return _point_out(candidate, "dct", mod=mod)


# "N units ago", "a year and a half ago"
@_rule("ago", _APPROX + r"(?P<num>" + _NUM + r")(?:(?P<half>\s+(?i:and\s+a\s+half)))?[\s-]+(?P<unit>" + _UNIT + r")"
       r"(?P<half2>\s+(?i:and\s+a\s+half))?\s+(?i:ago)", priority=3)
def _ago(m: re.Match[str], ctx: _Context) -> _Out | None:
    unit = _unit(m.group("unit"))
    n = _num(m.group("num"))
    if n is not None and (m.group("half") or m.group("half2")):
        n += 0.5
    if n is None:
        return _Out("DATE", "PAST_REF", None, "dct", sets_anchor=False)
    if unit in ("second", "minute", "hour", "millennium"):
        return _Out("DURATION", _duration(n, unit), None, "dct", sets_anchor=False)
    return _shifted(ctx, m, -n, unit, base_kind="dct")


def _shifted(ctx: _Context, m: re.Match[str], n: float, unit: str, *, base_kind: str) -> _Out:
    """``n`` units from the publication date (``dct``) or the narrative anchor, at a sensible granularity."""
    if base_kind == "narrative":
        base = ctx.base()
        anchor = "narrative" if ctx.anchor is not None else "dct"
    else:
        base = Point(ctx.dct, "day") if ctx.dct else None
        anchor = "dct"
        # a year-on-year comparison in a report about a quarter: "a year ago" is that quarter a year before
        if ctx.anchor is not None and unit == "year" and ctx.anchor.granularity in ("quarter", "half") \
                and ctx.dct is not None and abs(ctx.anchor.day.year - ctx.dct.year) <= 1:
            base, anchor = ctx.anchor, "narrative"
    if base is None:
        return _Out("DATE", "XXXX", None, "none", sets_anchor=False)
    granularity = UNIT_GRANULARITY.get(unit, "year")
    whole_months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}
    if not float(n).is_integer() and unit in whole_months:
        months = round(n * whole_months[unit])
        moved = Point(add_months(base.day, months), "day")
        return _point_out(moved.coarsen("month"), anchor)
    if unit in ("decade", "century"):
        n = n * (10 if unit == "decade" else 100)
        unit = "year"
    comparison = unit in ("year", "decade", "century")  # "a year earlier": a comparison, not a new narrative time
    try:
        if _finer(granularity, base.granularity) and base.granularity not in ("day",):
            # "the day before" a month-level date: we only know the month
            point = base if unit in ("day", "week") else base.shift(n, unit)
        elif unit == "year" and base.granularity in ("quarter", "half", "month", "season"):
            point = base.shift(n, "year")  # keep the comparison's own unit
        else:
            point = Point.of(base.shift(int(n), unit if unit != "fortnight" else "week").day
                             if unit != "fortnight" else base.day + timedelta(weeks=2 * int(n)), granularity)
    except (OverflowError, ValueError):
        return _Out("DATE", "XXXX", None, "none", sets_anchor=False)
    return _point_out(point, anchor, sets_anchor=not comparison)


# "two days later", "a year earlier", "the day before", "the next day", "a month after the summit"
@_rule("anaphoric",
       r"(?:(?P<the>(?i:the))\s+(?P<unit1>(?i:day|week|month|year|night))\s+(?P<dir1>(?i:before|after|earlier|later|prior))"
       r"|(?P<the2>(?i:the\s+(?:next|following|previous|preceding)))\s+(?P<unit2>(?i:day|morning|evening|night|week|month|year))"
       r"|" + _APPROX + r"(?P<num>" + _NUM + r")(?:(?P<half>\s+(?i:and\s+a\s+half)))?[\s-]+(?P<unit>" + _UNIT + r")"
       r"\s+(?P<dir>(?i:later|earlier|before|after|afterwards?|prior|previously|hence)))(?![-\w])", priority=3)
def _anaphoric(m: re.Match[str], ctx: _Context) -> _Out | None:
    if m.group("unit1"):
        n, unit, direction = 1.0, m.group("unit1").lower(), m.group("dir1").lower()
    elif m.group("unit2"):
        unit = m.group("unit2").lower()
        direction = "after" if re.search(r"next|following", m.group("the2").lower()) else "before"
        n = 1.0
        if unit in ("morning", "evening", "night"):
            base = ctx.base()
            if base is None:
                return _Out("TIME", "XXXX-XX-XX", None, "none")
            day = base.day + timedelta(days=1 if direction == "after" else -1)
            return _point_out(Point(day, "day", PARTS_OF_DAY[unit]), "narrative", type_="TIME")
    else:
        unit, direction = _unit(m.group("unit")), m.group("dir").lower()
        n = _num(m.group("num"))
        if n is not None and m.group("half"):
            n += 0.5
    unit = "day" if unit == "night" else unit
    measure = direction in ("before", "after", "prior") and not m.group("unit1") and not m.group("unit2")
    if measure and (ctx.dated_in_sentence(m.start()) is not None or ctx.anchor is None or n is None):
        # "a month after the summit": the TIMEX3 is the gap (TimeML marks "a month" as a DURATION). With a date
        # already in the sentence, or no earlier date to count from, it dates nothing by itself.
        return _Out("DURATION", _duration(n, unit) if unit in DURATION_CODES else "PXD", None, "text",
                    sets_anchor=False, end=m.end("unit"), start=m.start())
    if n is None:
        return _Out("DATE", "PAST_REF" if direction in ("earlier", "before", "prior", "previously") else "FUTURE_REF",
                    None, "narrative", sets_anchor=False)
    if unit in ("second", "minute", "hour", "millennium"):
        return _Out("DURATION", _duration(n, unit), None, "narrative", sets_anchor=False)
    sign = -1 if direction in ("earlier", "before", "prior", "previously") else 1
    out = _shifted(ctx, m, sign * n, unit, base_kind="narrative")
    if measure and out.point is not None:
        # "A month after the summit, …": the value is the gap, the interval the date it lands on, counted
        # from the last date of the narrative (the summit's, when the text dated it)
        return _Out("DURATION", _duration(n, unit), out.point, "narrative", start=m.start(), end=m.end("unit"),
                    value_start=out.point.value(), value_end=out.point.value())
    return out


# "then", "since then", "by then", "back then", "then-president", "that day"
@_rule("then", r"(?:(?P<pre>(?i:since|until|till|by|back|even|from|before|after)\s+)?(?P<then>(?i:then))(?=[\s,.;:-])"
       r"|(?P<time>(?i:that\s+same\s+day|that\s+day|the\s+same\s+day)))")
def _then(m: re.Match[str], ctx: _Context) -> _Out | None:
    if m.group("then"):
        pre = m.group("pre")
        left, _ = ctx.sentence(m.start())
        sentence_initial = not ctx.text[left:m.start()].strip()
        nxt = ctx.text[m.end():m.end() + 2]
        adjective = nxt.startswith("-") or re.match(r"\s+(?:current|president|prime|minister|chairman|leader|"
                                                     r"chief|head|secretary|destroyed|existing)\b", ctx.text[m.end():m.end() + 20])
        if not (pre or sentence_initial or adjective):
            return None
        if re.match(r",?\s+(?:again|too)\b", ctx.text[m.end():m.end() + 10]):
            return None
        start = m.start("then")
    else:
        start = m.start("time")
    anchor = ctx.anchor
    if anchor is None:
        return _Out("DATE", "PAST_REF", None, "narrative", start=start, sets_anchor=False)
    return _Out("DATE", anchor.value(), anchor, "narrative", start=start, sets_anchor=False)


# the 75th anniversary: the day of the sentence's date if it has one
@_rule("anniversary", r"(?:(?i:the)\s+)?(?P<n>\d+(?:st|nd|rd|th)|(?i:first|second|third|fourth|fifth|tenth|twentieth|"
       r"fiftieth|hundredth))\s+(?i:anniversary)")
def _anniversary(m: re.Match[str], ctx: _Context) -> _Out | None:
    # "on the 75th anniversary" is the day the sentence dates; the founding date is rarely in the text
    same = ctx.dated_in_sentence(m.start())
    if same is not None:
        return _Out(same.type, same.value, None, "narrative", sets_anchor=False, value_start=same.value_start,
                    value_end=same.value_end)
    return None  # without a date beside it an anniversary cannot be placed


# ---------------------------------------------------------------------------
# rules: reference words

_REFS = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "just now": "PRESENT_REF", "currently": "PRESENT_REF",
    "current": "PRESENT_REF", "nowadays": "PRESENT_REF", "presently": "PRESENT_REF", "at present": "PRESENT_REF",
    "these days": "PRESENT_REF", "the present": "PRESENT_REF", "at the moment": "PRESENT_REF",
    "at this time": "PRESENT_REF",
    # "previously", "formerly" and a bare "earlier" mostly modify a verb ("previously announced") and are
    # not marked as TIMEX3 in TimeML practice
    "recently": "PAST_REF", "recent": "PAST_REF", "lately": "PAST_REF",
    "the past": "PAST_REF", "more recently": "PAST_REF", "in the past": "PAST_REF",
    "soon": "FUTURE_REF", "in the future": "FUTURE_REF", "the future": "FUTURE_REF", "the near future": "FUTURE_REF",
    "the near term": "FUTURE_REF", "the short term": "FUTURE_REF", "the long term": "FUTURE_REF",
    # the adjective "future" ("future plans") and a bare "later" are not TIMEX3s in TimeML practice
    "a later date": "FUTURE_REF", "one day": "FUTURE_REF", "some day": "FUTURE_REF", "someday": "FUTURE_REF",
    "as soon as possible": "FUTURE_REF", "the coming": "FUTURE_REF",
}


@_rule("ref", r"(?P<word>(?i:" + _alt(k for k in _REFS if k not in ("in the past", "the coming")) + r"))"
       r"(?:\s+(?P<unit>(?i:years|months|weeks|days|decades|quarters|times)))?")
def _ref(m: re.Match[str], ctx: _Context) -> _Out | None:
    word = re.sub(r"\s+", " ", m.group("word").lower())
    before = ctx.text[max(0, m.start() - 20):m.start()].lower()
    after = ctx.text[m.end():m.end() + 25]
    unit = (m.group("unit") or "").lower()
    if word in ("recent", "current", "future") and not unit:
        # adjectives: a TIMEX3 only before a plain noun ("current account" is a banking term)
        if re.match(r"\s+(?:account|accounts|affairs|events|event|generation|generations|tense|"
                    r"and|or|of|to|,|\.)", after) or re.match(r"[-,.;:]", after):
            if word != "future" or not re.search(r"\b(?:the|in|near)\s+$", before):
                return None
    if word == "earlier" and not re.search(r"(?:^|[.,;]\s*|\b(?:said|told|announced|reported))\s*$", before) \
            and not re.match(r"\s*[,.;]", after):
        return None  # "earlier" comparing, not locating ("earlier versions")
    if word == "later" and not re.match(r"\s*[,.;]", after):
        return None
    if word in ("the moment", "the present") and not re.search(r"\b(?:at|for|until)\s+$", before):
        return None
    if word == "one day" and not re.search(r"\b(?:will|would|could|might|may|hope|hopes|hoped)\b",
                                           ctx.text[ctx.sentence(m.start())[0]:m.start()].lower()):
        return None
    if word == "soon" and (re.search(r"\bas\s+$", before) or re.match(r"\s+(?:after|before|as|afterwards?)\b", after)):
        return None  # "as soon as", "soon after the attack": a relation, not a time
    if unit == "times":
        if word not in ("recent", "current"):
            return None
        return _Out("DATE", _REFS[word], None, "dct", sets_anchor=False)
    if unit and word in ("recent", "the past", "past"):
        return _Out("DATE", "PAST_REF", None, "dct", sets_anchor=False)
    if unit:
        return _Out("DATE", _REFS[word], None, "dct", sets_anchor=False)
    return _Out("DATE", _REFS[word], None, "dct", sets_anchor=False)


@_rule("future_units", r"(?P<pre>(?i:the\s+coming|coming|future|the\s+next\s+few|recent|the\s+past\s+few|the\s+last\s+few|"
       r"past|the\s+past\s+several|the\s+last\s+several|the\s+next\s+several))\s+(?P<unit>(?i:days|weeks|months|years|"
       r"decades|quarters))(?:\s+(?i:and)\s+(?P<unit2>(?i:days|weeks|months|years)))?", priority=1)
def _future_units(m: re.Match[str], ctx: _Context) -> _Out:
    pre = re.sub(r"\s+", " ", m.group("pre").lower())
    unit = _unit(m.group("unit"))
    if pre in ("the next few", "the past few", "the last few", "the next several"):
        return _Out("DURATION", _duration(None, unit), None, "dct", sets_anchor=False)
    if pre in ("the coming", "coming", "recent") and unit != "year":
        # "in recent weeks", "in the coming months": a stretch of unstated length up to or from now
        return _Out("DURATION", _duration(None, unit), None, "dct", sets_anchor=False)
    if pre in ("the coming", "coming", "future"):
        return _Out("DATE", "FUTURE_REF", None, "dct", sets_anchor=False)
    return _Out("DATE", "PAST_REF", None, "dct", sets_anchor=False)


# ---------------------------------------------------------------------------
# rules: durations and sets


@_rule("duration",
       _APPROX + r"(?P<num>" + _NUM + r"|\d+\s+1/2|\d+½)(?:(?P<half>\s+(?i:and\s+a\s+half)))?(?:\s+(?i:more|additional|straight|consecutive|full))?[\s-]+(?P<unit>" + _UNIT + r")"
       r"(?P<half2>\s+(?i:and\s+a\s+half))?(?P<old>[\s-]+(?i:old|long))?(?:\s+(?i:or\s+so))?(?![-\w])")
def _duration_rule(m: re.Match[str], ctx: _Context) -> _Out | None:
    unit = _unit(m.group("unit"))
    num_text = m.group("num")
    n = _num(num_text)
    approx = (m.group("approx") or "").lower().split()
    after = ctx.text[m.end():m.end() + 20]
    if num_text.lower() in ("a", "an") and not approx:
        # "$5 a year", "twice a week": a set, handled by the set rule; "a year" alone is a duration
        before = ctx.text[max(0, m.start() - 25):m.start()]
        if re.search(r"(?:\d|%|times|twice|once|thrice|cents?|dollars?|percent|hours?|miles)\s*$", before, re.I):
            unit_code = _duration(1, unit)
            return _Out("SET", unit_code, None, "text", sets_anchor=False)
    unit_text = m.group("unit")
    if unit_text[0].isupper() and not unit_text.isupper():
        return None
    if re.fullmatch(_YEAR, num_text):
        return None  # "the 1988 quarter" is a date, not 1988 quarters
    if unit == "second" and num_text.lower() in ("a", "an") and not re.search(
            r"\b(?:for|in|within|about|than|split)\s+$", ctx.text[max(0, m.start() - 12):m.start()], re.I):
        return None
    if unit == "quarter" and (re.match(r"\s+of\b", after) or re.search(r"-\s*$", ctx.text[m.start("num"):m.start("unit")])):
        return None
    if m.group("old") and m.group("old").strip(" -").lower() == "old":
        return None  # an age ("the 6-year-old boy") is not a TIMEX3 in TimeML practice
    if re.match(r"\s*(?:-|–)?\s*(?:old|long)\b", after) and not m.group("old"):
        return None
    if n is None and num_text.lower().strip() in ("some", "many") and not approx:
        return None
    if approx and approx[-1] in ("the", "all") and len(approx) == 1 and n is not None and num_text.lower() in ("a", "an"):
        return None
    if n is not None and (m.group("half") or m.group("half2")):
        n += 0.5
    value = _duration(n, unit)
    if unit == "night":
        value = _duration(n, "day")
    return _Out("DURATION", value, None, "text", sets_anchor=False)


# "the first nine months", "the nine months": a stretch of a (fiscal) year
@_rule("months_of_year", r"(?i:the\s+(?:first\s+|latest\s+|past\s+|last\s+|year-earlier\s+|year-ago\s+)?)(?P<num>" + _NUM + r")\s+(?P<unit>(?i:months|weeks|quarters))", priority=1)
def _months_of_year(m: re.Match[str], ctx: _Context) -> _Out | None:
    n = _num(m.group("num"))
    return _Out("DURATION", _duration(n, _unit(m.group("unit"))), None, "text", sets_anchor=False)


@_rule("bare_units", r"(?P<pre>(?i:for|over|in|within|take|takes|took|taken|last|lasted|lasting)\s+)(?P<unit>(?i:years|months|weeks|decades|centuries|hours|minutes|days))(?!\s+(?:of|ago|later|earlier|before|after)\b)")
def _bare_units(m: re.Match[str], ctx: _Context) -> _Out:
    return _Out("DURATION", _duration(None, _unit(m.group("unit"))), None, "text", start=m.start("unit"),
                sets_anchor=False)


@_rule("set", r"(?P<word>(?i:daily|weekly|monthly|quarterly|annually|yearly|hourly|nightly|biweekly|bimonthly|"
       r"semiannually|semi-annually))|(?P<every>(?i:every|each|per))\s+(?:(?P<other>(?i:other))\s+)?"
       r"(?:(?P<n>" + _NUM + r")\s+)?(?P<unit>" + _UNIT + r"|" + _WEEKDAY_NAMES + r"|" + _MONTH_NAMES + r"|(?i:spring|summer|fall|autumn|winter|morning|evening|night|afternoon))")
def _set(m: re.Match[str], ctx: _Context) -> _Out | None:
    if m.group("word"):
        word = m.group("word").lower().replace("-", "")
        value = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M", "annually": "P1Y",
                 "yearly": "P1Y", "hourly": "PT1H", "nightly": "P1D", "biweekly": "P2W", "bimonthly": "P2M",
                 "semiannually": "P6M"}[word]
        after = ctx.text[m.end():m.end() + 15]
        if re.match(r"\s+(?:cash\s+|common\s+|stock\s+)?(?:dividends?|results|report|reports|earnings|loss|losses|profits?|"
                    r"payments?|statements?|filings?|revenue|sales)\b", after):
            return None  # "a quarterly dividend", "annual results": a kind of payment or report, not a time
        return _Out("SET", value, None, "text", sets_anchor=False)
    name = m.group("unit")
    lower = name.lower().rstrip(".")
    if lower in WEEKDAYS:
        return _Out("SET", f"XXXX-WXX-{_weekday_of(name) + 1}", None, "text", sets_anchor=False)
    if lower in MONTHS and name[0].isupper():
        return _Out("SET", f"XXXX-{_month_of(name):02d}", None, "text", sets_anchor=False)
    if lower in SEASON_CODES:
        return _Out("SET", f"XXXX-{SEASON_CODES[lower]}", None, "text", sets_anchor=False)
    if lower in ("morning", "evening", "night", "afternoon"):
        return _Out("SET", f"XXXX-XX-XXT{PARTS_OF_DAY[lower]}", None, "text", sets_anchor=False)
    unit = _unit(name)
    if unit not in DURATION_CODES:
        return None
    n = _num(m.group("n")) if m.group("n") else 1
    if m.group("other"):
        n = 2
    return _Out("SET", _duration(n, unit), None, "text", sets_anchor=False)


# ---------------------------------------------------------------------------
# rules: clock times and holidays

@_rule("clock", r"(?:(?i:(?:at|around|about|approximately|shortly\s+(?:before|after)|just\s+(?:before|after))\s+))?"
       r"(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s*(?P<ampm>(?i:a\.m\.|p\.m\.|a\.m|p\.m|am|pm)(?![a-z]))" + _TZ +
       r"(?:(?:,\s*|\s+)(?:(?i:on\s+))?(?P<wd>" + _WEEKDAY_NAMES + r")|(?:,\s*|\s+)(?:(?i:on\s+))?(?P<cmonth>"
       + _MONTH_NAMES + r")\s+(?P<cday>" + _DAY + r")(?!\d))?"
       r"|(?P<word>(?i:noon|midnight|midday))(?:\s+(?P<wd2>" + _WEEKDAY_NAMES + r"|(?i:today|yesterday|tomorrow)))?"
       r"|(?P<h24>[01]?\d|2[0-3]):(?P<min24>[0-5]\d)(?:\s*(?P<tz24>(?i:GMT|UTC|local\s+time|hours|hrs)))", bound=True)
def _clock(m: re.Match[str], ctx: _Context) -> _Out | None:
    if m.group("word"):
        word = m.group("word").lower()
        hour, minute = (12, 0) if word in ("noon", "midday") else (24, 0)
        day_word = m.group("wd2")
    elif m.group("h24") is not None:
        hour, minute = int(m.group("h24")), int(m.group("min24"))
        day_word = None
    else:
        hour = int(m.group("h"))
        minute = int(m.group("min") or 0)
        if hour > 12 or hour == 0:
            return None
        ampm = m.group("ampm").lower()
        if ampm.startswith("p") and hour != 12:
            hour += 12
        if ampm.startswith("a") and hour == 12:
            hour = 0
        day_word = m.group("wd")
        if m.group("cmonth"):
            dated = _resolve_md(ctx, m.start(), _month_of(m.group("cmonth")), int(re.sub(r"\D", "", m.group("cday"))), None)
            if dated is not None and dated.point is not None:
                clock = f"{hour:02d}:{minute:02d}"
                return _Out("TIME", f"{dated.point.day.isoformat()}T{clock}", Point(dated.point.day, "day", clock),
                            dated.anchor)
    start = m.start()
    lead = re.match(r"(?i:(?:at|around|about|approximately|shortly\s+(?:before|after)|just\s+(?:before|after))\s+)", m.group(0))
    if lead and lead.group(0).lower().startswith("at"):
        start = m.start() + len(lead.group(0))
    clock = f"{hour:02d}:{minute:02d}"
    day: date | None
    if day_word:
        lower = day_word.lower()
        if lower in ("today", "yesterday", "tomorrow"):
            day = ctx.dct + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[lower]) if ctx.dct else None
        else:
            day = _weekday_date(_weekday_of(day_word), ctx, m.start())
    else:
        # a bare time is on the day the narrative is at, else on the publication day
        base = ctx.anchor if ctx.anchor is not None and ctx.anchor.granularity == "day" else (
            Point(ctx.dct, "day") if ctx.dct else None)
        day = base.day if base else None
    if day is None:
        return _Out("TIME", f"XXXX-XX-XXT{clock}", None, "none", start=start, sets_anchor=False)
    return _Out("TIME", f"{day.isoformat()}T{clock}", Point(day, "day", clock), "dct", start=start,
                sets_anchor=bool(day_word))


@_rule("holiday", r"(?P<name>(?i:christmas\s+eve|christmas\s+day|new\s+year['’]s\s+eve|new\s+year['’]s\s+day|"
       r"valentine['’]s\s+day|the\s+fourth\s+of\s+july|july\s+fourth|boxing\s+day|veterans\s+day)|Christmas|Halloween|"
       r"Independence\s+Day|May\s+Day|Thanksgiving(?:\s+Day)?|Labor\s+Day|Memorial\s+Day|Easter(?:\s+Sunday)?)"
       r"(?:,?\s+(?P<year>" + _YEAR + r"))?")
def _holiday(m: re.Match[str], ctx: _Context) -> _Out | None:
    name = re.sub(r"\s+", " ", m.group("name").lower()).replace("’", "'")
    if name == "independence day" and ctx.text[m.end():m.end() + 4].lower().startswith(" of"):
        return None
    year = int(m.group("year")) if m.group("year") else None

    def day_in(y: int) -> date | None:
        if name in HOLIDAYS:
            month, day = HOLIDAYS[name]
            return date(y, month, day)
        if name.startswith("thanksgiving"):
            return _nth_weekday(y, 11, 3, 4)
        if name == "labor day":
            return _nth_weekday(y, 9, 0, 1)
        if name == "memorial day":
            return _nth_weekday(y, 5, 0, -1)
        if name.startswith("easter"):
            return _easter(y)
        return None

    if year is None:
        if ctx.dct is None:
            probe = day_in(2001)
            return _Out("DATE", _unknown_date(probe.month, probe.day) if probe else "XXXX", None, "none")
        probe = day_in(ctx.dct.year)
        if probe is None:
            return None
        year = _infer_year(probe.month, probe.day, ctx, m.start())
    stated = day_in(year)
    if stated is None:
        return None
    return _point_out(Point(stated, "day"), "text" if m.group("year") else "dct")


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = add_months(date(year, month, 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher)
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


# financial year-on-year: "year-earlier", "the year-ago quarter", "a year earlier" handled by "anaphoric"
@_rule("year_ago_adj", r"(?:(?i:the)\s+)?(?P<adj>(?i:year-earlier|year-ago|year\s+earlier|year\s+ago|prior-year|"
       r"previous-year|year-before))(?:\s+(?P<noun>(?i:quarter|period|month|level|levels|results|figure|figures)))?(?![-\w])")
def _year_ago_adj(m: re.Match[str], ctx: _Context) -> _Out | None:
    noun = (m.group("noun") or "").lower()
    start, end = m.start(), m.end()
    if noun not in ("quarter", "period", "month", ""):
        start, end = m.start("adj"), m.end("adj")
    base = ctx.anchor if ctx.anchor is not None else (Point.of(ctx.dct, "year") if ctx.dct else None)
    if ctx.dct is not None and base is not None and base.day.year < ctx.dct.year:
        # the comparison is with the period being reported, not with an older year mentioned on the way
        base = Point.of(ctx.dct, "quarter").shift(-1) if base.granularity == "quarter" else Point.of(ctx.dct, "year")
    if base is None:
        return _Out("DATE", "XXXX", None, "none", start=start, end=end, sets_anchor=False)
    if noun == "quarter" and base.granularity not in ("quarter",):
        base = base.coarsen("quarter") if base.granularity in ("day", "week", "month") else base
    try:
        point = base.shift(-1, "year")
    except OverflowError:
        return None
    if point.granularity in ("day", "week", "weekend"):
        point = point.coarsen("year")
    return _Out("DATE", point.value(), point, "narrative", start=start, end=end, sets_anchor=False)



# "year-end", "by year's end", "the end of the year" (the year the narrative is in)
@_rule("year_end", r"(?P<word>(?i:year[-\s]end|year['’]s\s+end|fiscal\s+year[-\s]end))")
def _year_end(m: re.Match[str], ctx: _Context) -> _Out | None:
    near = ctx.anchor is not None and (ctx.dct is None or abs(ctx.anchor.day.year - ctx.dct.year) <= 1)
    base = ctx.anchor if near else (Point(ctx.dct, "day") if ctx.dct else ctx.anchor)
    if base is None:
        return _Out("DATE", "XXXX", None, "none", mod="END")
    return _point_out(base.coarsen("year"), "dct", mod="END", sets_anchor=False)


_SPOKEN_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_SPOKEN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                 "seventeen": 17, "eighteen": 18, "nineteen": 19}
_SPOKEN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                "ninety": 90}


# years as spoken in broadcast transcripts: "nineteen ninety-six", "two thousand"
@_rule("spoken_year", r"(?i:(?P<century>nineteen|eighteen)\s+(?:(?P<teen>ten|eleven|twelve|thirteen|fourteen|fifteen|"
       r"sixteen|seventeen|eighteen|nineteen)|(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
       r"(?:[-\s](?P<unit>one|two|three|four|five|six|seven|eight|nine))?|hundred)"
       r"|(?:the\s+year\s+)?(?P<two>two\s+thousand)(?:\s+(?:and\s+)?(?P<unit2>one|two|three|four|five|six|seven|eight|nine))?)")
def _spoken_year(m: re.Match[str], ctx: _Context) -> _Out | None:
    if m.group("two"):
        if not m.group(0).lower().startswith("the year") and not _TEMPORAL_PREP.search(ctx.text[max(0, m.start() - 20):m.start()]):
            return None
        year = 2000 + _SPOKEN_UNITS.get((m.group("unit2") or "").lower(), 0)
    else:
        year = {"nineteen": 1900, "eighteen": 1800}[m.group("century").lower()]
        if m.group("teen"):
            year += _SPOKEN_TEENS[m.group("teen").lower()]
        elif m.group("tens"):
            year += _SPOKEN_TENS[m.group("tens").lower()] + _SPOKEN_UNITS.get((m.group("unit") or "").lower(), 0)
    return _point_out(Point(date(year, 1, 1), "year"), "text")


# "the 20th century", "the nineties"
@_rule("century", r"(?:(?i:the)\s+)?(?:" + _MOD_PRE + r")?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]+(?i:century)"
       r"|(?:(?i:the)\s+)(?:" + _MOD_PRE.replace("?P<mod>", "?P<mod2>") + r")?(?P<tens>(?i:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))")
def _century(m: re.Match[str], ctx: _Context) -> _Out | None:
    if m.group("n"):
        n = int(m.group("n"))
        if not 1 <= n <= 30:
            return None
        return _point_out(Point(date((n - 1) * 100 or 1, 1, 1), "century"), "text", mod=_mod(m.group("mod")))
    tens = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
            "eighties": 80, "nineties": 90}[m.group("tens").lower()]
    century = 1900 if ctx.dct is None or 1900 + tens <= ctx.dct.year else 1800
    return _point_out(Point(date(century + tens, 1, 1), "decade"), "text")


# company reports: "the latest period", "the year-earlier period", "the full year"
@_rule("report_period", r"(?i:(?P<det>the|this|that)\s+(?P<which>latest|year-earlier|year-ago|comparable|same|full|entire|whole|(?-i:" + _YEAR + r"))"
       r"\s+(?P<noun>period|quarter|year|fiscal\s+year))")
def _report_period(m: re.Match[str], ctx: _Context) -> _Out | None:
    which, noun = m.group("which").lower(), m.group("noun").lower()
    if which.isdigit():
        # "the 1988 period": the period the report is about, in that year
        base = ctx.anchor if ctx.anchor is not None and ctx.anchor.granularity in ("quarter", "half") else None
        if base is None or noun not in ("period", "quarter"):
            return _point_out(Point(date(int(which), 1, 1), "year"), "text", sets_anchor=False)
        return _point_out(Point.of(date(int(which), base.day.month, 1), base.granularity), "text", sets_anchor=False)
    if noun != "period":
        if which in ("full", "entire", "whole"):
            base = ctx.anchor if ctx.anchor is not None and (ctx.dct is None or abs(ctx.anchor.day.year - ctx.dct.year) <= 1) \
                else (Point(ctx.dct, "day") if ctx.dct else ctx.anchor)
            if base is None:
                return _Out("DATE", "XXXX", None, "none")
            return _point_out(base.coarsen("year") if base.granularity not in ("decade", "century") else base,
                              "narrative", sets_anchor=False)
        return None
    base = ctx.anchor if ctx.anchor is not None and ctx.anchor.granularity in ("quarter", "half", "month", "year") \
        else (Point.of(ctx.dct, "quarter").shift(-1) if ctx.dct else None)
    if base is None:
        return _Out("DATE", "XXXX", None, "none")
    if which in ("year-earlier", "year-ago", "comparable"):
        base = base.shift(-1, "year")
    return _point_out(base, "narrative", sets_anchor=False)


# "Election Day" (US: the Tuesday after the first Monday of November)
@_rule("election_day", r"Election\s+Day")
def _election_day(m: re.Match[str], ctx: _Context) -> _Out | None:
    if ctx.dct is None:
        return _Out("DATE", "XXXX-11-XX", None, "none")
    year = ctx.dct.year
    day = _nth_weekday(year, 11, 0, 1) + timedelta(days=1)
    if day < ctx.dct and ctx.tense(m.start(), m.end()) != "past":
        day = _nth_weekday(year + 1, 11, 0, 1) + timedelta(days=1)
    return _point_out(Point(day, "day"), "dct")


# "in the morning", "later in the day": a part of the day the narrative is at
@_rule("part_of_day", r"(?i:(?:(?:early|late)\s+)?(?:in|during)\s+the\s+(?P<part>morning|afternoon|evening|night))"
       r"|(?P<mid>(?i:mid[-\s]?(?:morning|afternoon)))(?:\s+(?P<rel>(?i:yesterday|today|tomorrow)))?")
def _part_of_day(m: re.Match[str], ctx: _Context) -> _Out | None:
    base = ctx.anchor if ctx.anchor is not None and ctx.anchor.granularity == "day" else (
        Point(ctx.dct, "day") if ctx.dct else None)
    if m.group("mid"):
        part = "MO" if "morning" in m.group("mid").lower() else "AF"
        if ctx.dct is None:
            return _Out("TIME", f"XXXX-XX-XXT{part}", None, "none")
        offset = {"yesterday": -1, "tomorrow": 1}.get((m.group("rel") or "").lower(), 0)
        day = ctx.dct + timedelta(days=offset) if m.group("rel") or base is None else base.day
        return _Out("TIME", f"{day.isoformat()}T{part}", Point(day, "day", part), "dct", sets_anchor=False)
    start = m.start() + m.group(0).lower().index("the")
    part = PARTS_OF_DAY[m.group("part").lower()]
    if base is None:
        return _Out("TIME", f"XXXX-XX-XXT{part}", None, "none", start=start)
    return _Out("TIME", f"{base.day.isoformat()}T{part}", Point(base.day, "day", part), "narrative", start=start,
                sets_anchor=False)


# "for a while", "for some time", "decades-long"
@_rule("vague_duration", r"(?i:(?:for|in)\s+(?P<what>a\s+while|some\s+time|a\s+long\s+time|a\s+short\s+time|a\s+time))"
       r"|(?P<long>(?i:(?:days|weeks|months|years|decades|centuries|day|week|month|year|decade)-long))")
def _vague_duration(m: re.Match[str], ctx: _Context) -> _Out | None:
    if m.group("long"):
        unit = _unit(m.group("long").lower().removesuffix("-long"))
        plural = m.group("long").lower().split("-")[0].endswith("s")
        return _Out("DURATION", _duration(None if plural else 1, unit), None, "text", sets_anchor=False)
    return _Out("DURATION", "PXX", None, "text", start=m.start("what"), sets_anchor=False)

# ---------------------------------------------------------------------------
# finding the rules' matches fast
#
# ``pattern.finditer(text)`` tries a rule at every character, and the rules start with optional,
# case-insensitive prefixes, so the regex engine cannot skip ahead: 34 rules cost ~85 % of the time.
# Every rule is bounded by ``_b`` (no word character or hyphen before, no word character after), so
# each word of the text (a maximal run of word characters) lies wholly inside a match or wholly
# outside it. From each rule's parse tree we derive (a) the pieces its words are made of
# ("day", "s", a digit …): a word that is no concatenation of them cannot be inside a match, and
# (b) pieces one of which every match must contain (its trigger: "ago", a unit name, a month name,
# a digit). A match then contains a trigger word and starts at most as far back as the run of
# acceptable words before it, so trying the pattern (with ``pattern.match`` on the whole text, so
# look-arounds see what they always saw) at the word starts of those runs, left to right and
# skipping what a match already covered, finds exactly what ``finditer`` finds.
# ``_find_timexes_reference`` keeps the plain full scan; the tests compare the two.

_DIGIT = r"\d"  # stands for "any decimal digit" among pieces
_WORD = re.compile(r"\w+")
# characters that case-insensitive matching equates with ASCII letters ("K" Kelvin sign = k, long s = s,
# dotless/dotted i): lower() would not, so a text with one of them takes the full scan
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
_MAX_CHARS_IN_CLASS = 256


@dataclass(frozen=True)
class _Vocabulary:
    r"""How to find where a rule can match without trying it everywhere.

    A rule is a list of alternatives. Those bounded at both ends (``_b`` around them) are found
    through words: ``pieces`` are the lowercase pieces (``_DIGIT``: any decimal digit) their words are
    made of, ``required`` pieces one of which each of their matches contains. The others (a top-level
    ``|`` in a rule leaves its alternatives bounded at one end at most) are found by the strings they
    start with: ``word_leads`` at the start of a word (bounded on the left), ``leads`` anywhere.
    ``full_scan``: none of this works; try the rule everywhere.

    >>> v = _vocabulary(_b(r"(?P<n>\d+|(?i:a|two))\s+(?i:day|week)s?\s+(?i:ago)"))
    >>> sorted(v.pieces), sorted(v.required), v.full_scan
    (['\\d', 'a', 'ago', 'day', 's', 'two', 'week'], ['ago'], False)
    >>> v = _vocabulary(_b(r"(?i:at\s+)?\d+\s*(?i:am|pm)|(?i:noon)"))
    >>> v.required, sorted(v.word_leads), sorted(v.leads)
    (None, ['\\d', 'at'], ['noon'])
    """

    pieces: frozenset[str]
    required: frozenset[str] | None
    word_leads: frozenset[str]
    leads: frozenset[str]
    full_scan: bool


_FULL_SCAN = _Vocabulary(frozenset(), None, frozenset(), frozenset(), True)


def _class_chars(op: Any, av: Any, constants: Any) -> tuple[set[str], bool, bool, bool]:
    """(word characters, can be a digit, can be a non-word character, can be anything) of one character atom."""
    word_re, digit_re = re.compile(r"\w"), re.compile(r"\d")
    chars: set[str] = set()
    digit = other = False

    def add(ch: str) -> None:
        nonlocal digit, other
        if digit_re.match(ch):
            digit = True
        elif word_re.match(ch):
            chars.add(ch.lower())
        else:
            other = True

    if op is constants.LITERAL:
        add(chr(av))
        return chars, digit, other, False
    if op is not constants.IN:
        return chars, digit, other, True  # ANY, NOT_LITERAL, …
    for item_op, item_av in av:
        if item_op is constants.LITERAL:
            add(chr(item_av))
        elif item_op is constants.RANGE:
            low, high = item_av
            if high - low > _MAX_CHARS_IN_CLASS:
                return chars, digit, other, True
            for code in range(low, high + 1):
                add(chr(code))
        elif item_op is constants.CATEGORY and item_av in (constants.CATEGORY_DIGIT, constants.CATEGORY_UNI_DIGIT):
            digit = True
        elif item_op is constants.CATEGORY and item_av in (constants.CATEGORY_SPACE, constants.CATEGORY_UNI_SPACE,
                                                           constants.CATEGORY_NOT_WORD,
                                                           constants.CATEGORY_UNI_NOT_WORD):
            other = True
        else:  # NEGATE, \w, \S, \D …
            return chars, digit, other, True
    return chars, digit, other, False


# function words that make poor triggers (they are in most sentences)
_COMMON_WORDS = frozenset("the a an and or of in on at by to for from with as this that these those last next "
                          "new more one two some all each just now then over under about first past".split())


def _trigger_cost(pieces: frozenset[str]) -> int:
    # a trigger should be rare in text: digits, one- or two-letter pieces ("a", "am") and function words are not
    return sum(100 if p == _DIGIT else 50 if len(p) == 1 else 30 if p in _COMMON_WORDS else 10 if len(p) == 2
               else 1 for p in pieces)


def _vocabulary(pattern: str) -> _Vocabulary:
    """What a rule's matches are made of, from its parse tree (see :class:`_Vocabulary`)."""
    from re import _constants as constants  # the parse tree is private API: any surprise means "scan in full"
    from re import _parser as parser

    atoms = (constants.LITERAL, constants.IN, constants.NOT_LITERAL, constants.ANY)
    zero_width = (constants.ASSERT, constants.ASSERT_NOT, constants.AT)
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT)
    pieces: set[str] = set()
    unbounded = False

    def spellings(run: list[set[str]]) -> set[str] | None:
        words = {""}
        for chars in run:
            words = {w + c for w in words for c in chars}
            if len(words) > _MAX_CHARS_IN_CLASS:
                return None
        return words

    def sequence(items: Any) -> frozenset[str] | None:
        """Collect the pieces of a sequence of nodes; return its best required set."""
        nonlocal unbounded
        options: list[frozenset[str]] = []
        run: list[set[str]] = []  # consecutive single-word-character atoms: their spellings are pieces

        def flush() -> None:
            if not run:
                return
            words = spellings(run)
            if words is None:  # too many spellings: keep the letters as pieces
                pieces.update(c for chars in run for c in chars)
            else:
                options.append(frozenset(words))
                pieces.update(words)
            run.clear()

        for op, av in items:
            if op in atoms:
                chars, digit, other, anything = _class_chars(op, av, constants)
                if anything:
                    unbounded = True
                    flush()
                elif chars and not digit and not other:
                    run.append(chars)
                else:
                    flush()
                    pieces.update(chars)
                    if digit:
                        pieces.add(_DIGIT)
                        if not chars and not other:
                            options.append(frozenset({_DIGIT}))
                continue
            flush()
            found = node(op, av)
            if found is not None:
                options.append(found)
        flush()
        return min(options, key=_trigger_cost) if options else None

    def node(op: Any, av: Any) -> frozenset[str] | None:
        nonlocal unbounded
        if op in zero_width:
            return None
        if op is constants.SUBPATTERN:
            return sequence(av[-1])
        if op is constants.ATOMIC_GROUP:
            return sequence(av)
        if op is constants.BRANCH:
            alternatives = [sequence(alternative) for alternative in av[1]]
            if any(a is None for a in alternatives):
                return None
            return frozenset().union(*alternatives)
        if op in repeats:
            low, _, inner = av
            found = sequence(inner)
            return found if low >= 1 else None
        unbounded = True  # group references, conditionals …: not worth modelling
        return None

    def first(items: Any) -> tuple[set[str] | None, bool]:
        """(strings a match of ``items`` starts with, whether it can consume nothing); None: unknown."""
        out: set[str] = set()
        index = 0
        while index < len(items):
            op, av = items[index]
            if op in zero_width:
                index += 1
                continue
            if op in atoms:
                run = []
                while index < len(items) and items[index][0] in atoms:
                    chars, digit, other, anything = _class_chars(*items[index], constants)
                    if not chars or digit or other or anything:
                        break
                    run.append(chars)
                    index += 1
                words = spellings(run) if run else None
                if words:
                    return out | words, False
                chars, digit, other, anything = _class_chars(op, av, constants)
                if anything or other:
                    return None, False
                return out | chars | ({_DIGIT} if digit else set()), False
            if op is constants.SUBPATTERN or op is constants.ATOMIC_GROUP:
                found, empty = first(av[-1] if op is constants.SUBPATTERN else av)
            elif op is constants.BRANCH:
                found, empty = set(), False
                for alternative in av[1]:
                    sub, sub_empty = first(alternative)
                    if sub is None:
                        return None, False
                    found |= sub
                    empty = empty or sub_empty
            elif op in repeats:
                found, empty = first(av[2])
                empty = empty or av[0] == 0
            else:
                return None, False
            if found is None:
                return None, False
            out |= found
            if not empty:
                return out, False
            index += 1
        return out, True

    def bounded(items: Any, direction: int) -> bool:
        # _b's look-behind (no word character or hyphen before) / look-ahead (no word character after)
        if not len(items):
            return False
        op, av = items[0] if direction < 0 else items[-1]
        if op is not constants.ASSERT_NOT or av[0] != direction or len(av[1]) != 1 or av[1][0][0] is not constants.IN:
            return False
        return any(item == (constants.CATEGORY, constants.CATEGORY_WORD) for item in av[1][0][1])

    try:
        tree = parser.parse(pattern)
        alternatives = tree[0][1][1] if len(tree) == 1 and tree[0][0] is constants.BRANCH else [tree]
        required: set[str] = set()
        word_leads: set[str] = set()
        leads: set[str] = set()
        worded = False
        for alternative in alternatives:
            left = bounded(alternative, -1)
            if left and bounded(alternative, 1):
                found = sequence(alternative)
                if found is None or unbounded:
                    return _FULL_SCAN
                required |= found
                worded = True
            else:
                starting, empty = first(alternative)
                if starting is None or empty or not starting:
                    return _FULL_SCAN
                (word_leads if left else leads).update(starting)
    except Exception:  # a parse-tree shape this code does not know
        return _FULL_SCAN
    return _Vocabulary(frozenset(pieces), frozenset(required) if worded else None, frozenset(word_leads),
                       frozenset(leads), False)


@dataclass(frozen=True)
class _Gates:
    """The vocabularies of all rules, indexed by piece as bit masks (bit i: rule i)."""

    piece_masks: dict[str, int]
    trigger_masks: dict[str, int]
    digit_mask: int
    digit_trigger_mask: int
    word_lead_masks: dict[str, int]
    lead_masks: dict[str, int]
    digit_word_lead_mask: int
    digit_lead_mask: int
    full_scan: tuple[bool, ...]  # rules tried everywhere
    lengths: tuple[int, ...]  # the lengths pieces, triggers and leads come in
    words: dict[str, tuple[int, int, tuple[tuple[int, int], ...]]]  # memo of _word_masks


_GATES: list[_Gates] = []


def _gates() -> _Gates:
    if _GATES and len(_GATES[0].full_scan) == len(_RULES):
        return _GATES[0]
    piece_masks: dict[str, int] = {}
    trigger_masks: dict[str, int] = {}
    word_lead_masks: dict[str, int] = {}
    lead_masks: dict[str, int] = {}
    digits = {"pieces": 0, "required": 0, "word_leads": 0, "leads": 0}
    full_scan = []
    for index, rule in enumerate(_RULES):
        bit = 1 << index
        vocabulary = _vocabulary(rule.pattern.pattern)
        full_scan.append(vocabulary.full_scan)
        for kind, masks in (("pieces", piece_masks), ("required", trigger_masks), ("word_leads", word_lead_masks),
                            ("leads", lead_masks)):
            for piece in getattr(vocabulary, kind) or ():
                if piece == _DIGIT:
                    digits[kind] |= bit
                else:
                    masks[piece] = masks.get(piece, 0) | bit
    lengths = tuple(sorted({len(p) for masks in (piece_masks, trigger_masks, word_lead_masks, lead_masks)
                            for p in masks}))
    _GATES[:] = [_Gates(piece_masks, trigger_masks, digits["pieces"], digits["required"], word_lead_masks, lead_masks,
                        digits["word_leads"], digits["leads"], tuple(full_scan), lengths, {})]
    return _GATES[0]


def _word_masks(word: str, gates: _Gates) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """What ``word`` means to the rules, as bit masks of rules.

    (rules it can be inside a match of, rules among those it triggers, ((offset, rules an
    unbounded alternative of which can start there), …)), found by splitting it into pieces.
    """
    low = word.lower()
    n = len(low)
    reach = [0] * (n + 1)
    reach[0] = -1  # every rule can start a word
    triggered = 0
    starts: dict[int, int] = {}
    piece_masks, trigger_masks = gates.piece_masks, gates.trigger_masks
    word_lead_masks, lead_masks = gates.word_lead_masks, gates.lead_masks
    for i in range(n):
        if low[i].isdecimal():  # == re's \d
            reach[i + 1] |= reach[i] & gates.digit_mask
            triggered |= gates.digit_trigger_mask
            starts[i] = starts.get(i, 0) | gates.digit_lead_mask | (gates.digit_word_lead_mask if i == 0 else 0)
        for length in gates.lengths:
            j = i + length
            if j > n:
                break
            part = low[i:j]
            mask = piece_masks.get(part)
            if mask is not None and reach[i]:
                reach[j] |= reach[i] & mask
            mask = trigger_masks.get(part)
            if mask is not None:
                triggered |= mask
            mask = lead_masks.get(part, 0) | (word_lead_masks.get(part, 0) if i == 0 else 0)
            if mask:
                starts[i] = starts.get(i, 0) | mask
    inside = reach[n] & ((1 << len(gates.full_scan)) - 1)
    return inside, triggered & inside, tuple(sorted((i, mask) for i, mask in starts.items() if mask))


def _scan(text: str) -> list[tuple[int, re.Match[str]]]:
    """Every rule's ``finditer`` matches, as (rule index, match), rule by rule, found by trying words near triggers."""
    if _FOLDS_TO_ASCII.search(text):
        return _scan_reference(text)
    gates = _gates()
    memo = gates.words
    if len(memo) > 500_000:  # a bound on the memo for very long runs
        memo.clear()
    starts: list[int] = []
    ends: list[int] = []
    inside: list[int] = []
    hits: dict[int, list[int]] = {}
    lead_hits: dict[int, list[int]] = {}
    for k, word_match in enumerate(_WORD.finditer(text)):
        word = word_match.group()
        masks = memo.get(word)
        if masks is None:
            masks = memo[word] = _word_masks(word, gates)
        start = word_match.start()
        starts.append(start)
        ends.append(word_match.end())
        inside.append(masks[0])
        triggered = masks[1]
        while triggered:
            low_bit = triggered & -triggered
            hits.setdefault(low_bit.bit_length() - 1, []).append(k)
            triggered ^= low_bit
        for offset, leading in masks[2]:
            while leading:
                low_bit = leading & -leading
                lead_hits.setdefault(low_bit.bit_length() - 1, []).append(start + offset)
                leading ^= low_bit
    found: list[tuple[int, re.Match[str]]] = []
    for index, rule in enumerate(_RULES):
        if gates.full_scan[index]:
            found.extend((index, m) for m in rule.pattern.finditer(text))
            continue
        rule_hits = hits.get(index, ())
        rule_leads = lead_hits.get(index)
        if not rule_hits and not rule_leads:
            continue
        bit = 1 << index
        candidates: list[int] = []
        done = -1  # words up to this index are already among the candidates
        for k in rule_hits:
            j = k - 1
            while j > done and inside[j] & bit:
                j -= 1
            # a match containing word k starts at one of the words j+1..k, or in a gap between them
            for i in range(max(j, done) + 1, k + 1):
                gap_start = ends[i - 1] + 1 if i else 0
                for p in range(gap_start, starts[i] + 1):
                    if p == 0 or text[p - 1] != "-":
                        candidates.append(p)
            done = k
        if rule_leads:
            candidates = sorted(set(candidates).union(rule_leads))
        pos = 0
        match = rule.pattern.match
        for p in candidates:  # ascending: windows are visited left to right
            if p < pos:
                continue
            m = match(text, p)
            if m is not None:
                found.append((index, m))
                pos = m.end()
    return found


def _scan_reference(text: str) -> list[tuple[int, re.Match[str]]]:
    """The plain full scan: every rule's pattern over the whole text."""
    return [(index, m) for index, rule in enumerate(_RULES) for m in rule.pattern.finditer(text)]


# ---------------------------------------------------------------------------
# the driver


def _default_sentence(text: str) -> Callable[[int], tuple[int, int]]:
    bounds = [0] + [m.end() for m in re.finditer(r"[.!?]['\"”’)]*\s+(?=[A-Z\"“‘(])|\n\s*\n", text)] + [len(text)]

    def sentence(offset: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(bounds, offset) - 1
        i = max(0, min(i, len(bounds) - 2))
        return bounds[i], bounds[i + 1]

    return sentence


def find_timexes(text: str, *, dct: str | date | None = None,
                 tense: Callable[[int, int], str | None] | None = None,
                 sentence: Callable[[int], tuple[int, int]] | None = None,
                 hints: Sequence[tuple[int, int]] = ()) -> list[Timex]:
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
    return _find(text, dct=dct, tense=tense, sentence=sentence, hints=hints, scan=_scan)


def _find_timexes_reference(text: str, *, dct: str | date | None = None,
                            tense: Callable[[int, int], str | None] | None = None,
                            sentence: Callable[[int], tuple[int, int]] | None = None,
                            hints: Sequence[tuple[int, int]] = ()) -> list[Timex]:
    """:func:`find_timexes` with every rule scanned over the whole text: what the fast search must equal.

    >>> text = "Three days ago, on May 2, talks began."
    >>> _find_timexes_reference(text, dct="2024-05-06") == find_timexes(text, dct="2024-05-06")
    True
    """
    return _find(text, dct=dct, tense=tense, sentence=sentence, hints=hints, scan=_scan_reference)


def _find(text: str, *, dct: str | date | None, tense: Callable[[int, int], str | None] | None,
          sentence: Callable[[int], tuple[int, int]] | None, hints: Sequence[tuple[int, int]],
          scan: Callable[[str], list[tuple[int, re.Match[str]]]]) -> list[Timex]:
    ctx = _Context(text=text, dct=parse_dct(dct), tense=tense or (lambda s, e: None),
                   sentence=sentence or _default_sentence(text))
    candidates: list[tuple[int, int, int, int, _Rule, re.Match[str]]] = []
    for index, match in scan(text):
        if match.end() > match.start() and match.group(0).strip():
            rule = _RULES[index]
            candidates.append((match.start(), match.end(), rule.priority, -index, rule, match))
    # longest match first; on ties the higher priority, then the earlier rule
    candidates.sort(key=lambda c: (-(c[1] - c[0]), -c[2], -c[3], c[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    for start, end, _, _, rule, match in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        chosen.append((start, end, rule, match))
        taken.append((start, end))
    chosen.sort(key=lambda c: c[0])
    hint_spans = [(int(s), int(e)) for s, e in hints]
    for start, end, rule, match in chosen:
        if rule.name == "year" and not _year_ok(match, text, hint_spans):
            continue
        try:
            produced = rule.resolve(match, ctx)
        except (OverflowError, ValueError):
            produced = None  # a date outside the calendar: not a usable TIMEX3
        if produced is None:
            continue
        for out in ([produced] if isinstance(produced, _Out) else produced):
            s = out.start if out.start is not None else start
            e = out.end if out.end is not None else end
            s, e = _trim(text, s, e)
            if e <= s:
                continue
            granularity = out.point.granularity if out.point is not None else None
            timex = Timex(start=s, end=e, text=text[s:e], type=out.type, value=out.value,
                          value_start=out.value_start, value_end=out.value_end, granularity=granularity, anchor=out.anchor, mod=out.mod, rule=rule.name)
            if out.point is not None:
                timex = _with_interval(timex, out)
            ctx.results.append(timex)
            if out.point is not None and out.sets_anchor:
                ctx.anchor = Point.of(out.point.day, out.point.granularity) if out.point.granularity != "day" else Point(out.point.day, "day")
    return ctx.results


def _with_interval(timex: Timex, out: _Out) -> Timex:
    """Fill value_start/value_end as ISO days bounding the expression."""
    from dataclasses import replace

    from .dates import parse_value

    first = parse_value(out.value_start or out.value)
    last = parse_value(out.value_end or out.value)
    if first is None or last is None:
        return timex
    return replace(timex, value_start=first[0].isoformat(), value_end=last[1].isoformat())


def _year_ok(match: re.Match[str], text: str, hints: Sequence[tuple[int, int]]) -> bool:
    if match.group("fiscal") or match.group("mod") or match.group("year2"):
        return True
    start, end = match.span()
    if any(s <= start and end <= e for s, e in hints):
        return True
    before = text[max(0, start - 25):start]
    if _TEMPORAL_PREP.search(before) or re.search(r"(?:[,(]|\b(?:year|since|in|of|by))\s*$", before, re.I):
        return True
    after = text[end:end + 3]
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
