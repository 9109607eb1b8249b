"""Rules for the periods of company reports: "the year-ago quarter", "year-end", "the latest
period", "the full year".
"""

from __future__ import annotations

import re
from datetime import date

from .dates import Point
from .normalise import point_out
from .patterns import YEAR
from .records import Context, Out, rule


# financial year-on-year: "year-earlier", "the year-ago quarter", "a year earlier" handled by "anaphoric"
@rule(
    "year_ago_adj",
    r"(?:(?i:the)\s+)?(?P<adj>(?i:year-earlier|year-ago|year\s+earlier|year\s+ago|prior-year|"
    r"previous-year|year-before))(?:\s+(?P<noun>(?i:quarter|period|month|level|levels|results|figure|figures)))?(?![-\w])",
)
def _year_ago_adj(m: re.Match[str], ctx: Context) -> Out | None:
    noun = (m.group("noun") or "").lower()
    start, end = m.start(), m.end()
    if noun not in ("quarter", "period", "month", ""):
        start, end = m.start("adj"), m.end("adj")
    base = ctx.anchor if ctx.anchor is not None else (Point.of(ctx.dct, "year") if ctx.dct else None)
    if ctx.dct is not None and base is not None and base.day.year < ctx.dct.year:
        # the comparison is with the period being reported, not with an older year mentioned on the way
        base = Point.of(ctx.dct, "quarter").shift(-1) if base.granularity == "quarter" else Point.of(ctx.dct, "year")
    if base is None:
        return Out("DATE", "XXXX", None, "none", start=start, end=end, sets_anchor=False)
    if noun == "quarter" and base.granularity not in ("quarter",):
        base = base.coarsen("quarter") if base.granularity in ("day", "week", "month") else base
    try:
        point = base.shift(-1, "year")
    except OverflowError:
        return None
    if point.granularity in ("day", "week", "weekend"):
        point = point.coarsen("year")
    return Out("DATE", point.value(), point, "narrative", start=start, end=end, sets_anchor=False)


# "year-end", "by year's end", "the end of the year" (the year the narrative is in)
@rule("year_end", r"(?P<word>(?i:year[-\s]end|year['’]s\s+end|fiscal\s+year[-\s]end))")
def _year_end(m: re.Match[str], ctx: Context) -> Out | None:
    near = ctx.anchor is not None and (ctx.dct is None or abs(ctx.anchor.day.year - ctx.dct.year) <= 1)
    base = ctx.anchor if near else (Point(ctx.dct, "day") if ctx.dct else ctx.anchor)
    if base is None:
        return Out("DATE", "XXXX", None, "none", mod="END")
    return point_out(base.coarsen("year"), "dct", mod="END", sets_anchor=False)


# company reports: "the latest period", "the year-earlier period", "the full year"
@rule(
    "report_period",
    r"(?i:(?P<det>the|this|that)\s+(?P<which>latest|year-earlier|year-ago|comparable|same|full|entire|whole|(?-i:"
    + YEAR
    + r"))"
    r"\s+(?P<noun>period|quarter|year|fiscal\s+year))",
)
def _report_period(m: re.Match[str], ctx: Context) -> Out | None:
    which, noun = m.group("which").lower(), m.group("noun").lower()
    if which.isdigit():
        # "the 1988 period": the period the report is about, in that year
        base = ctx.anchor if ctx.anchor is not None and ctx.anchor.granularity in ("quarter", "half") else None
        if base is None or noun not in ("period", "quarter"):
            return point_out(Point(date(int(which), 1, 1), "year"), "text", sets_anchor=False)
        return point_out(Point.of(date(int(which), base.day.month, 1), base.granularity), "text", sets_anchor=False)
    if noun != "period":
        if which in ("full", "entire", "whole"):
            base = (
                ctx.anchor
                if ctx.anchor is not None and (ctx.dct is None or abs(ctx.anchor.day.year - ctx.dct.year) <= 1)
                else (Point(ctx.dct, "day") if ctx.dct else ctx.anchor)
            )
            if base is None:
                return Out("DATE", "XXXX", None, "none")
            return point_out(
                base.coarsen("year") if base.granularity not in ("decade", "century") else base,
                "narrative",
                sets_anchor=False,
            )
        return None
    base = (
        ctx.anchor
        if ctx.anchor is not None and ctx.anchor.granularity in ("quarter", "half", "month", "year")
        else (Point.of(ctx.dct, "quarter").shift(-1) if ctx.dct else None)
    )
    if base is None:
        return Out("DATE", "XXXX", None, "none")
    if which in ("year-earlier", "year-ago", "comparable"):
        base = base.shift(-1, "year")
    return point_out(base, "narrative", sets_anchor=False)
