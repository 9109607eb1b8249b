"""Rules for expressions counted from another date: "three days ago" (from the publication date),
"two weeks later", "the day before", "then", "the 75th anniversary" (from the narrative anchor, the
last date the text mentioned).
"""

from __future__ import annotations

import re
from datetime import timedelta

from .dates import Point, add_months
from .normalise import duration_value, finer, number, point_out, unit_of
from .patterns import APPROX, NUM, UNIT
from .records import Context, Out, rule
from .vocabulary import DURATION_CODES, PARTS_OF_DAY, UNIT_GRANULARITY


# "N units ago", "a year and a half ago"
@rule(
    "ago",
    APPROX + r"(?P<num>" + NUM + r")(?:(?P<half>\s+(?i:and\s+a\s+half)))?[\s-]+(?P<unit>" + UNIT + r")"
    r"(?P<half2>\s+(?i:and\s+a\s+half))?\s+(?i:ago)",
    priority=3,
)
def _ago(m: re.Match[str], ctx: Context) -> Out | None:
    unit = unit_of(m.group("unit"))
    n = number(m.group("num"))
    if n is not None and (m.group("half") or m.group("half2")):
        n += 0.5
    if n is None:
        return Out("DATE", "PAST_REF", None, "dct", sets_anchor=False)
    if unit in ("second", "minute", "hour", "millennium"):
        return Out("DURATION", duration_value(n, unit), None, "dct", sets_anchor=False)
    return _shifted(ctx, m, -n, unit, base_kind="dct")


def _shifted(ctx: Context, m: re.Match[str], n: float, unit: str, *, base_kind: str) -> Out:
    """``n`` units from the publication date (``dct``) or the narrative anchor, at a sensible granularity."""
    if base_kind == "narrative":
        base = ctx.base()
        anchor = "narrative" if ctx.anchor is not None else "dct"
    else:
        base = Point(ctx.dct, "day") if ctx.dct else None
        anchor = "dct"
        # a year-on-year comparison in a report about a quarter: "a year ago" is that quarter a year before
        if (
            ctx.anchor is not None
            and unit == "year"
            and ctx.anchor.granularity in ("quarter", "half")
            and ctx.dct is not None
            and abs(ctx.anchor.day.year - ctx.dct.year) <= 1
        ):
            base, anchor = ctx.anchor, "narrative"
    if base is None:
        return Out("DATE", "XXXX", None, "none", sets_anchor=False)
    granularity = UNIT_GRANULARITY.get(unit, "year")
    whole_months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}
    if not float(n).is_integer() and unit in whole_months:
        months = round(n * whole_months[unit])
        moved = Point(add_months(base.day, months), "day")
        return point_out(moved.coarsen("month"), anchor)
    if unit in ("decade", "century"):
        n = n * (10 if unit == "decade" else 100)
        unit = "year"
    comparison = unit in ("year", "decade", "century")  # "a year earlier": a comparison, not a new narrative time
    try:
        if finer(granularity, base.granularity) and base.granularity not in ("day",):
            # "the day before" a month-level date: we only know the month
            point = base if unit in ("day", "week") else base.shift(n, unit)
        elif unit == "year" and base.granularity in ("quarter", "half", "month", "season"):
            point = base.shift(n, "year")  # keep the comparison's own unit
        else:
            point = Point.of(
                base.shift(int(n), unit if unit != "fortnight" else "week").day
                if unit != "fortnight"
                else base.day + timedelta(weeks=2 * int(n)),
                granularity,
            )
    except (OverflowError, ValueError):
        return Out("DATE", "XXXX", None, "none", sets_anchor=False)
    return point_out(point, anchor, sets_anchor=not comparison)


# "two days later", "a year earlier", "the day before", "the next day", "a month after the summit"
@rule(
    "anaphoric",
    r"(?:(?P<the>(?i:the))\s+(?P<unit1>(?i:day|week|month|year|night))\s+(?P<dir1>(?i:before|after|earlier|later|prior))"
    r"|(?P<the2>(?i:the\s+(?:next|following|previous|preceding)))\s+(?P<unit2>(?i:day|morning|evening|night|week|month|year))"
    r"|" + APPROX + r"(?P<num>" + NUM + r")(?:(?P<half>\s+(?i:and\s+a\s+half)))?[\s-]+(?P<unit>" + UNIT + r")"
    r"\s+(?P<dir>(?i:later|earlier|before|after|afterwards?|prior|previously|hence)))(?![-\w])",
    priority=3,
)
def _anaphoric(m: re.Match[str], ctx: Context) -> Out | None:
    if m.group("unit1"):
        n, unit, direction = 1.0, m.group("unit1").lower(), m.group("dir1").lower()
    elif m.group("unit2"):
        unit = m.group("unit2").lower()
        direction = "after" if re.search(r"next|following", m.group("the2").lower()) else "before"
        n = 1.0
        if unit in ("morning", "evening", "night"):
            base = ctx.base()
            if base is None:
                return Out("TIME", "XXXX-XX-XX", None, "none")
            day = base.day + timedelta(days=1 if direction == "after" else -1)
            return point_out(Point(day, "day", PARTS_OF_DAY[unit]), "narrative", type_="TIME")
    else:
        unit, direction = unit_of(m.group("unit")), m.group("dir").lower()
        n = number(m.group("num"))
        if n is not None and m.group("half"):
            n += 0.5
    unit = "day" if unit == "night" else unit
    measure = direction in ("before", "after", "prior") and not m.group("unit1") and not m.group("unit2")
    if measure and (ctx.dated_in_sentence(m.start()) is not None or ctx.anchor is None or n is None):
        # "a month after the summit": the TIMEX3 is the gap (TimeML marks "a month" as a DURATION). With a date
        # already in the sentence, or no earlier date to count from, it dates nothing by itself.
        return Out(
            "DURATION",
            duration_value(n, unit) if unit in DURATION_CODES else "PXD",
            None,
            "text",
            sets_anchor=False,
            end=m.end("unit"),
            start=m.start(),
        )
    if n is None:
        return Out(
            "DATE",
            "PAST_REF" if direction in ("earlier", "before", "prior", "previously") else "FUTURE_REF",
            None,
            "narrative",
            sets_anchor=False,
        )
    if unit in ("second", "minute", "hour", "millennium"):
        return Out("DURATION", duration_value(n, unit), None, "narrative", sets_anchor=False)
    sign = -1 if direction in ("earlier", "before", "prior", "previously") else 1
    out = _shifted(ctx, m, sign * n, unit, base_kind="narrative")
    if measure and out.point is not None:
        # "A month after the summit, …": the value is the gap, the interval the date it lands on, counted
        # from the last date of the narrative (the summit's, when the text dated it)
        return Out(
            "DURATION",
            duration_value(n, unit),
            out.point,
            "narrative",
            start=m.start(),
            end=m.end("unit"),
            value_start=out.point.value(),
            value_end=out.point.value(),
        )
    return out


# "then", "since then", "by then", "back then", "then-president", "that day"
@rule(
    "then",
    r"(?:(?P<pre>(?i:since|until|till|by|back|even|from|before|after)\s+)?(?P<then>(?i:then))(?=[\s,.;:-])"
    r"|(?P<time>(?i:that\s+same\s+day|that\s+day|the\s+same\s+day)))",
)
def _then(m: re.Match[str], ctx: Context) -> Out | None:
    if m.group("then"):
        pre = m.group("pre")
        left, _ = ctx.sentence(m.start())
        sentence_initial = not ctx.text[left : m.start()].strip()
        nxt = ctx.text[m.end() : m.end() + 2]
        adjective = nxt.startswith("-") or re.match(
            r"\s+(?:current|president|prime|minister|chairman|leader|"
            r"chief|head|secretary|destroyed|existing)\b",
            ctx.text[m.end() : m.end() + 20],
        )
        if not (pre or sentence_initial or adjective):
            return None
        if re.match(r",?\s+(?:again|too)\b", ctx.text[m.end() : m.end() + 10]):
            return None
        start = m.start("then")
    else:
        start = m.start("time")
    anchor = ctx.anchor
    if anchor is None:
        return Out("DATE", "PAST_REF", None, "narrative", start=start, sets_anchor=False)
    return Out("DATE", anchor.value(), anchor, "narrative", start=start, sets_anchor=False)


# the 75th anniversary: the day of the sentence's date if it has one
@rule(
    "anniversary",
    r"(?:(?i:the)\s+)?(?P<n>\d+(?:st|nd|rd|th)|(?i:first|second|third|fourth|fifth|tenth|twentieth|"
    r"fiftieth|hundredth))\s+(?i:anniversary)",
)
def _anniversary(m: re.Match[str], ctx: Context) -> Out | None:
    # "on the 75th anniversary" is the day the sentence dates; the founding date is rarely in the text
    same = ctx.dated_in_sentence(m.start())
    if same is not None:
        return Out(
            same.type,
            same.value,
            None,
            "narrative",
            sets_anchor=False,
            value_start=same.value_start,
            value_end=same.value_end,
        )
    return None  # without a date beside it an anniversary cannot be placed
