"""Rules for dates stated in the text, in full or in part: "October 18, 2023", "Sept. 12-17",
"November 2022", "last October", "10/18/2023", "fiscal 1989", "the 1990s".

A part left out (the year of "October 18") is inferred from the publication date and the tense.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from .dates import Point
from .normalise import (
    infer_year,
    mod_of,
    month_of,
    point_out,
    relation_of,
    resolve_month_day,
    safe_date,
    unknown_date,
    weekday_of,
)
from .patterns import DAY, MOD_PRE, MONTH_NAMES, TEMPORAL_PREP, WEEKDAY_NAMES, YEAR
from .records import Context, Out, rule

# rules: absolute and partial dates

_MD = (
    r"(?:(?P<wd>" + WEEKDAY_NAMES + r"),?\s+|(?P<rel>(?i:last|next|this|this\s+coming|this\s+past))\s+)?"
    r"(?:(?P<month>"
    + MONTH_NAMES
    + r")\s+(?P<day>"
    + DAY
    + r")|(?P<day_b>"
    + DAY
    + r")\s+(?:of\s+)?(?P<month_b>"
    + MONTH_NAMES
    + r"))"
    r"(?:(?:,\s*|\s+)(?P<year>" + YEAR + r"))?(?!\d|:\d)"
)


@rule("month_day", _MD)
def _month_day(m: re.Match[str], ctx: Context) -> Out | None:
    month = month_of(m.group("month") or m.group("month_b"))
    day = int(re.sub(r"\D", "", m.group("day") or m.group("day_b")))
    if m.group("wd") and not m.group("year") and ctx.dct is not None:
        # "Monday, Oct. 26": the year in which that day is a Monday, nearest the publication date
        weekday = weekday_of(m.group("wd"))
        for year in sorted(
            (ctx.dct.year, ctx.dct.year - 1, ctx.dct.year + 1),
            key=lambda y: abs(((safe_date(y, month, day) or date.min) - ctx.dct).days),
        ):
            stated = safe_date(year, month, day)
            if stated is not None and stated.weekday() == weekday:
                return point_out(Point(stated, "day"), "dct")
    if m.group("rel") and not m.group("year") and ctx.dct is not None:
        year = infer_year(month, day, ctx, m.start(), relation=relation_of(m.group("rel").split()[-1]))
        stated = safe_date(year, month, day) if year else None
        if stated is not None:
            return point_out(Point(stated, "day"), "dct")
    return resolve_month_day(ctx, m.start(), month, day, m.group("year"))


# "from September 12 to 17", "Sept. 12-17, 2023", "between March 3 and 5": one interval
@rule(
    "day_range",
    r"(?:(?i:from|between)\s+)?(?P<month>" + MONTH_NAMES + r")\s+(?P<day>" + DAY + r")"
    r"\s*(?:-|–|—|(?i:to|through|till|until|and))\s*(?:(?P<month2>"
    + MONTH_NAMES
    + r")\s+)?(?P<day2>"
    + DAY
    + r")(?:(?:,\s*|\s+)(?P<year>"
    + YEAR
    + r"))?(?!\d|:\d)",
    priority=2,
)
def _day_range(m: re.Match[str], ctx: Context) -> Sequence[Out] | None:
    second_start = m.start("month2") if m.group("month2") else m.start("day2")
    joiner = ctx.text[m.end("day") : second_start].strip().lower()
    starts_between = m.group(0).lower().startswith("between")
    month = month_of(m.group("month"))
    month2 = month_of(m.group("month2")) if m.group("month2") else month
    day = int(re.sub(r"\D", "", m.group("day")))
    day2 = int(re.sub(r"\D", "", m.group("day2")))
    first = resolve_month_day(ctx, m.start(), month, day, m.group("year"))
    if joiner.endswith("and") and not starts_between:
        # a list ("December 30 and January 2"): each item its own date, each year inferred on its own
        second = resolve_month_day(ctx, m.start("day2"), month2, day2, m.group("year"))
        first_end = m.end("day")
        items = []
        if first:
            items.append(Out(first.type, first.value, first.point, first.anchor, start=m.start("month"), end=first_end))
        if second:
            s2 = m.start("month2") if m.group("month2") else m.start("day2")
            items.append(Out(second.type, second.value, second.point, second.anchor, start=s2, end=m.end()))
        return items
    if first is None or first.point is None:
        if first is None:
            return None
        return [Out("DATE", first.value, None, "none", value_start=first.value, value_end=unknown_date(month2, day2))]
    end_day = safe_date(first.point.day.year, month2, day2)
    if end_day is None:
        return None
    if end_day < first.point.day:  # "December 28 to January 3": the range crosses a new year
        end_day = safe_date(end_day.year + 1, month2, day2)
        if end_day is None:
            return None
    end_point = Point(end_day, "day")
    if m.group("month2"):
        # "from Aug. 26 to Oct. 20": two dates, as TimeML annotates them; the first carries the interval
        return [
            Out(
                "DATE",
                first.value,
                first.point,
                first.anchor,
                start=m.start("month"),
                end=m.end("day"),
                value_start=first.value,
                value_end=end_point.value(),
            ),
            Out("DATE", end_point.value(), end_point, first.anchor, start=m.start("month2"), end=m.end()),
        ]
    # the span starts at the month (prepositions are not part of a TIMEX3)
    return [
        Out(
            "DATE",
            first.value,
            first.point,
            first.anchor,
            start=m.start("month"),
            end=m.end(),
            value_start=first.value,
            value_end=end_point.value(),
        )
    ]


# "November 2022", "October of 2023"
@rule(
    "month_year",
    r"(?:" + MOD_PRE + r")?(?P<month>" + MONTH_NAMES + r"),?\s+(?:(?i:of)\s+)?(?P<year>" + YEAR + r")(?![\d:])",
)
def _month_year(m: re.Match[str], ctx: Context) -> Out:
    point = Point(date(int(m.group("year")), month_of(m.group("month")), 1), "month")
    return point_out(point, "text", mod=mod_of(m.group("mod")))


# "October", "last October", "early December"
@rule(
    "month",
    r"(?:" + MOD_PRE + r")?(?:(?P<rel>(?i:last|next|this|coming|past|previous))\s+)?(?P<month>" + MONTH_NAMES + r")"
    r"(?:\s+(?:(?i:of)\s+)?(?P<rel_year>(?i:this|last|next))\s+(?i:year))?(?!\s*\d)",
)
def _month(m: re.Match[str], ctx: Context) -> Out | None:
    name = m.group("month")
    if len(name) <= 4 and not name.endswith(".") and name not in ("May", "June", "July"):
        return None  # "Jan", "Sept" without a day or a full stop: more often a name than a month
    if name in ("May", "March", "MARCH") and not m.group("rel") and not m.group("mod"):
        # modal "May …", verb "March …": only a month after a temporal preposition
        if not TEMPORAL_PREP.search(ctx.text[max(0, m.start() - 30) : m.start()]):
            return None
    month = month_of(name)
    year = infer_year(month, None, ctx, m.start(), relation=relation_of(m.group("rel")))
    if m.group("rel_year") and ctx.dct is not None:  # "February this year", "May of last year"
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[m.group("rel_year").lower()]
    mod = mod_of(m.group("mod"))
    if year is None:
        return Out("DATE", unknown_date(month), None, "none", mod=mod)
    return point_out(Point(date(year, month, 1), "month"), "dct", mod=mod)


_NUMERIC_DATES = (
    (r"(?P<y>" + YEAR + r")-(?P<m>[01]\d)-(?P<d>[0-3]\d)", "ymd"),
    (r"(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{4}|\d\d)", "mdy"),
    (r"(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{4})", "dmy"),
)
for _pattern, _name in _NUMERIC_DATES:

    @rule(f"numeric_{_name}", _pattern + r"(?![\d/.-]\d)")
    def _numeric(m: re.Match[str], ctx: Context) -> Out | None:
        year = int(m.group("y"))
        if year < 100:
            year += 1900 if year >= 50 else 2000
        stated = safe_date(year, int(m.group("m")), int(m.group("d")))
        return point_out(Point(stated, "day"), "text") if stated else None


# "1990", "fiscal 1989", "early 2023", "the year 2000"
@rule(
    "year",
    r"(?:" + MOD_PRE + r")?(?:(?P<fiscal>(?i:fiscal|calendar|the\s+year|model\s+year|FY))\s*)?"
    r"(?P<year>" + YEAR + r")(?:(?P<span>-|–|/)(?P<year2>\d\d(?:\d\d)?))?(?!\s*(?:%|percent|per\s+cent))(?![\d,.]\d)",
)
def _year(m: re.Match[str], ctx: Context) -> Out | Sequence[Out] | None:
    before = ctx.text[max(0, m.start() - 2) : m.start()]
    if re.search(r"[$£€¥#]\s?$", before):  # an amount, not a year
        return None
    after = ctx.text[m.end() : m.end() + 12].lower()
    if re.match(
        r"\s*(?:people|shares|tons|tonnes|troops|cars|units|km|miles|metres|meters|feet|dollars|yuan|rubles)\b", after
    ):
        return None
    mod = mod_of(m.group("mod"))
    point = Point(date(int(m.group("year")), 1, 1), "year")
    if m.group("year2"):
        tail = m.group("year2")
        year2 = int(tail) if len(tail) == 4 else int(m.group("year")[:2] + tail)
        if year2 > int(m.group("year")) and year2 - int(m.group("year")) < 50:
            end = Point(date(year2, 1, 1), "year")
            return point_out(point, "text", mod=mod, value_start=point.value(), value_end=end.value())
    return point_out(point, "text", mod=mod)


# "the 1990s", "the mid-1980s", "the '80s"
@rule("decade", r"(?:(?i:the)\s+)?(?:" + MOD_PRE + r")?(?P<decade>(?:1[5-9]|20)\d0|'\d0)'?s")
def _decade(m: re.Match[str], ctx: Context) -> Out:
    text = m.group("decade")
    if text.startswith("'"):
        year = 1900 + int(text[1:])
        if ctx.dct and year + 100 <= ctx.dct.year + 5:
            year += 100
    else:
        year = int(text)
    return point_out(Point(date(year, 1, 1), "decade"), "text", mod=mod_of(m.group("mod")))
