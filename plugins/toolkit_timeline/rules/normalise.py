"""Normalisation: numbers, units and TIMEX3 values, and dates anchored to the publication date.

What the rules share to turn the words of a match into a value: a number
written in words (:func:`number`), a duration value (:func:`duration_value`),
the year of a month named without one (:func:`infer_year`, from the
publication date and the tense), the date of a bare weekday
(:func:`weekday_date`).

>>> number("twenty-one"), number("several"), duration_value(1.5, "year")
(21, None, 'P1Y6M')
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from .dates import Point
from .records import Context, Out
from .vocabulary import DURATION_CODES, MONTHS, NUMBERS, VAGUE, WEEKDAYS

# helpers used by rules


def number(text: str | None) -> float | None:
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


def unit_of(text: str) -> str:
    word = text.lower().rstrip("s")
    if word.startswith("centur"):
        return "century"
    if word.startswith("millenni"):
        return "millennium"
    return word


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def duration_value(n: float | None, unit: str) -> str:
    """P3D, PT2H, PXY …; a fraction becomes the next smaller unit (P1Y6M).

    >>> duration_value(1.5, "year"), duration_value(None, "week"), duration_value(2, "decade")
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


def month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def weekday_of(name: str) -> int:
    return WEEKDAYS[name.lower().rstrip(".")]


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, day: int | None, ctx: Context, start: int, *, relation: str | None = None) -> int | None:
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


def weekday_date(weekday: int, ctx: Context, start: int, *, relation: str | None = None) -> date | None:
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


def relation_of(word: str | None) -> str | None:
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


def mod_of(word: str | None) -> str | None:
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


def point_out(point: Point, anchor: str, *, type_: str = "DATE", mod: str | None = None, **kw: Any) -> Out:
    return Out(type_, point.value(), point, anchor, mod=mod, **kw)


def unknown_date(month: int | None = None, day: int | None = None) -> str:
    return f"XXXX-{month:02d}-{day:02d}" if day else (f"XXXX-{month:02d}" if month else "XXXX")


def resolve_month_day(ctx: Context, start: int, month: int, day: int, year: str | None) -> Out | None:
    if year:
        stated = safe_date(int(year), month, day)
        return point_out(Point(stated, "day"), "text") if stated else None
    inferred = infer_year(month, day, ctx, start)
    if inferred is None:
        return Out("DATE", unknown_date(month, day), None, "none")
    stated = safe_date(inferred, month, day)
    return point_out(Point(stated, "day"), "dct") if stated else None


def finer(a: str, b: str) -> bool:
    order = ("day", "weekend", "week", "month", "season", "quarter", "half", "year", "decade", "century")
    return order.index(a) < order.index(b)
