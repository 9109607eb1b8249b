"""Calendar arithmetic on TIMEX3 points: a date at a granularity.

A :class:`Point` is "the October of 2023" or "ISO week 42 of 2023": a
representative day plus the granularity it stands for. Shifting moves whole
calendar units ("last week" is the previous calendar week, not seven days
back), and :meth:`Point.value` writes the TIMEX3 value.

>>> Point.of(date(2024, 1, 14), "week").shift(-1).value()
'2024-W01'
>>> Point.of(date(2024, 1, 14), "month").shift(-3).value()
'2023-10'
"""

from __future__ import annotations

import calendar as _calendar  # the standard library module
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from toolkit.sdk import timex_range

__all__ = ["Point", "GRANULARITIES", "SEASONS", "add_months", "parse_value", "nth_weekday", "easter"]

# finest first; "weekend" sits next to "week" because it is a part of one
GRANULARITIES = ("day", "weekend", "week", "month", "season", "quarter", "half", "year", "decade", "century")

# TIMEX3 season codes and the month each season is taken to start in
# (northern hemisphere, meteorological seasons).
SEASONS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_SEASON_OF_MONTH = {
    12: "WI",
    1: "WI",
    2: "WI",
    3: "SP",
    4: "SP",
    5: "SP",
    6: "SU",
    7: "SU",
    8: "SU",
    9: "FA",
    10: "FA",
    11: "FA",
}


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's length.

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError(f"year {year} is outside the calendar")
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Point:
    """A calendar unit containing ``day`` (its first day for coarse units)."""

    day: date
    granularity: str = "day"
    part: str | None = None  # time of day: MO, AF, EV, NI, or "HH:MM"

    @classmethod
    def of(cls, day: date, granularity: str) -> Point:
        """The unit of ``granularity`` that contains ``day``, starting at its first day."""
        if granularity == "day":
            return cls(day, "day")
        if granularity in ("week", "weekend"):
            monday = day - timedelta(days=day.weekday())
            return cls(monday + timedelta(days=5) if granularity == "weekend" else monday, granularity)
        if granularity == "month":
            return cls(day.replace(day=1), "month")
        if granularity == "quarter":
            return cls(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), "quarter")
        if granularity == "half":
            return cls(date(day.year, 1 if day.month <= 6 else 7, 1), "half")
        if granularity == "season":
            code = _SEASON_OF_MONTH[day.month]
            year = day.year - 1 if day.month <= 2 else day.year  # Jan and Feb belong to last year's winter
            return cls(date(year, SEASONS[code], 1), "season")
        if granularity == "year":
            return cls(date(day.year, 1, 1), "year")
        if granularity == "decade":
            return cls(date(day.year - day.year % 10, 1, 1), "decade")
        if granularity == "century":
            return cls(date(max(1, day.year - day.year % 100), 1, 1), "century")
        raise ValueError(f"Unknown granularity {granularity!r}; expected one of {', '.join(GRANULARITIES)}.")

    def shift(self, n: int | float, unit: str | None = None) -> Point:
        """Move by ``n`` units (default: the point's own granularity), keeping the granularity."""
        unit = unit or self.granularity
        if unit in ("weekend",):
            unit = "week"
        whole = int(n)
        if unit == "day":
            moved = self.day + timedelta(days=whole)
        elif unit == "week":
            moved = self.day + timedelta(weeks=whole)
        elif unit in ("month", "quarter", "half", "year", "decade", "century", "season"):
            months = {"month": 1, "quarter": 3, "season": 3, "half": 6, "year": 12, "decade": 120, "century": 1200}[
                unit
            ]
            moved = add_months(self.day, round(n * months))
        else:
            raise ValueError(f"Cannot shift by {unit!r}; expected one of {', '.join(GRANULARITIES)}.")
        return Point.of(moved, self.granularity) if self.granularity != "day" else replace(self, day=moved)

    def coarsen(self, granularity: str) -> Point:
        return Point.of(self.day, granularity)

    @property
    def end(self) -> date:
        """The last day of the unit."""
        g, d = self.granularity, self.day
        if g == "day":
            return d
        if g == "week":
            return d + timedelta(days=6)
        if g == "weekend":
            return d + timedelta(days=1)
        months = {"month": 1, "quarter": 3, "season": 3, "half": 6, "year": 12, "decade": 120, "century": 1200}[g]
        try:
            return add_months(d, months) - timedelta(days=1)
        except OverflowError:
            return date(9999, 12, 31)

    def value(self) -> str:
        """The TIMEX3 value."""
        d, g = self.day, self.granularity
        if g == "day":
            text = d.isoformat()
            if self.part:
                text += f"T{self.part}"
            return text
        if g in ("week", "weekend"):
            year, week, _ = d.isocalendar()
            return f"{year:04d}-W{week:02d}" + ("-WE" if g == "weekend" else "")
        if g == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if g == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if g == "half":
            return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
        if g == "season":
            return f"{d.year:04d}-{_SEASON_OF_MONTH[d.month]}"
        if g == "year":
            return f"{d.year:04d}"
        if g == "decade":
            return f"{d.year // 10:03d}"
        return f"{d.year // 100:02d}"


# the granularity a TIMEX3 date value is written at; the days it covers come from toolkit.sdk.timex_range
_GRANULARITY_OF = tuple(
    (re.compile(pattern), granularity)
    for pattern, granularity in (
        (r"\d{4}-\d\d-\d\d(?:T.*)?", "day"),
        (r"\d{4}-W\d\d-WE", "weekend"),
        (r"\d{4}-W\d\d", "week"),
        (r"\d{4}-\d\d", "month"),
        (r"\d{4}-Q[1-4]", "quarter"),
        (r"\d{4}-H[12]", "half"),
        (r"\d{4}-(?:SP|SU|FA|WI)", "season"),
        (r"\d{4}", "year"),
        (r"\d{3}", "decade"),
        (r"\d{2}", "century"),
    )
)


def parse_value(value: str | None) -> tuple[date, date, str] | None:
    """The first day, last day and granularity a TIMEX3 date value stands for (None if not a date).

    The days are :func:`toolkit.sdk.timex_range`'s, the one reading of TIMEX3
    values that the claims and the exercises share; this adds the granularity
    the value is written at.

    >>> parse_value("2023-W42")
    (datetime.date(2023, 10, 16), datetime.date(2023, 10, 22), 'week')
    >>> parse_value("2023-WI")
    (datetime.date(2023, 12, 1), datetime.date(2024, 2, 29), 'season')
    >>> parse_value("PAST_REF") is None
    True
    """
    if not value:
        return None
    for pattern, granularity in _GRANULARITY_OF:
        if pattern.fullmatch(value):
            days = timex_range(value)
            return None if days is None else (days[0], days[1], granularity)
    return None


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of a month; ``n`` = -1 is the last one.

    >>> nth_weekday(2024, 11, 3, 4), nth_weekday(2024, 5, 0, -1)
    (datetime.date(2024, 11, 28), datetime.date(2024, 5, 27))
    """
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = add_months(date(year, month, 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> date:
    """Easter Sunday of a year (Gregorian calendar).

    >>> easter(2024)
    datetime.date(2024, 3, 31)
    """
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
