"""Rules for named days and eras: holidays ("Christmas", "Thanksgiving"), "Election Day", years as
spoken in broadcast transcripts ("nineteen ninety-six"), centuries and decades in words ("the 20th
century", "the nineties").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .dates import Point, easter, nth_weekday
from .normalise import infer_year, mod_of, point_out, unknown_date
from .patterns import MOD_PRE, TEEN_WORDS, TEMPORAL_PREP, TEN_WORDS, UNIT_WORDS, YEAR
from .records import Context, Out, rule
from .vocabulary import HOLIDAYS, TEENS, TENS, UNITS


@rule(
    "holiday",
    r"(?P<name>(?i:christmas\s+eve|christmas\s+day|new\s+year['’]s\s+eve|new\s+year['’]s\s+day|"
    r"valentine['’]s\s+day|the\s+fourth\s+of\s+july|july\s+fourth|boxing\s+day|veterans\s+day)|Christmas|Halloween|"
    r"Independence\s+Day|May\s+Day|Thanksgiving(?:\s+Day)?|Labor\s+Day|Memorial\s+Day|Easter(?:\s+Sunday)?)"
    r"(?:,?\s+(?P<year>" + YEAR + r"))?",
)
def _holiday(m: re.Match[str], ctx: Context) -> Out | None:
    name = re.sub(r"\s+", " ", m.group("name").lower()).replace("’", "'")
    if name == "independence day" and ctx.text[m.end() : m.end() + 4].lower().startswith(" of"):
        return None
    year = int(m.group("year")) if m.group("year") else None

    def day_in(y: int) -> date | None:
        if name in HOLIDAYS:
            month, day = HOLIDAYS[name]
            return date(y, month, day)
        if name.startswith("thanksgiving"):
            return nth_weekday(y, 11, 3, 4)
        if name == "labor day":
            return nth_weekday(y, 9, 0, 1)
        if name == "memorial day":
            return nth_weekday(y, 5, 0, -1)
        if name.startswith("easter"):
            return easter(y)
        return None

    if year is None:
        if ctx.dct is None:
            probe = day_in(2001)
            return Out("DATE", unknown_date(probe.month, probe.day) if probe else "XXXX", None, "none")
        probe = day_in(ctx.dct.year)
        if probe is None:
            return None
        year = infer_year(probe.month, probe.day, ctx, m.start())
    stated = day_in(year)
    if stated is None:
        return None
    return point_out(Point(stated, "day"), "text" if m.group("year") else "dct")


# years as spoken in broadcast transcripts: "nineteen ninety-six", "two thousand"
@rule(
    "spoken_year",
    r"(?i:(?P<century>nineteen|eighteen)\s+(?:(?P<teen>"
    + TEEN_WORDS
    + r")|(?P<tens>"
    + TEN_WORDS
    + r")(?:[-\s](?P<unit>"
    + UNIT_WORDS
    + r"))?|hundred)"
    r"|(?:the\s+year\s+)?(?P<two>two\s+thousand)(?:\s+(?:and\s+)?(?P<unit2>" + UNIT_WORDS + r"))?)",
)
def _spoken_year(m: re.Match[str], ctx: Context) -> Out | None:
    if m.group("two"):
        if not m.group(0).lower().startswith("the year") and not TEMPORAL_PREP.search(
            ctx.text[max(0, m.start() - 20) : m.start()]
        ):
            return None
        year = 2000 + UNITS.get((m.group("unit2") or "").lower(), 0)
    else:
        year = {"nineteen": 1900, "eighteen": 1800}[m.group("century").lower()]
        if m.group("teen"):
            year += TEENS[m.group("teen").lower()]
        elif m.group("tens"):
            year += TENS[m.group("tens").lower()] + UNITS.get((m.group("unit") or "").lower(), 0)
    return point_out(Point(date(year, 1, 1), "year"), "text")


# "the 20th century", "the nineties"
@rule(
    "century",
    r"(?:(?i:the)\s+)?(?:" + MOD_PRE + r")?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]+(?i:century)"
    r"|(?:(?i:the)\s+)(?:"
    + MOD_PRE.replace("?P<mod>", "?P<mod2>")
    + r")?(?P<tens>(?i:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))",
)
def _century(m: re.Match[str], ctx: Context) -> Out | None:
    if m.group("n"):
        n = int(m.group("n"))
        if not 1 <= n <= 30:
            return None
        return point_out(Point(date((n - 1) * 100 or 1, 1, 1), "century"), "text", mod=mod_of(m.group("mod")))
    tens = {
        "twenties": 20,
        "thirties": 30,
        "forties": 40,
        "fifties": 50,
        "sixties": 60,
        "seventies": 70,
        "eighties": 80,
        "nineties": 90,
    }[m.group("tens").lower()]
    century = 1900 if ctx.dct is None or 1900 + tens <= ctx.dct.year else 1800
    return point_out(Point(date(century + tens, 1, 1), "decade"), "text")


# "Election Day" (US: the Tuesday after the first Monday of November)
@rule("election_day", r"Election\s+Day")
def _election_day(m: re.Match[str], ctx: Context) -> Out | None:
    if ctx.dct is None:
        return Out("DATE", "XXXX-11-XX", None, "none")
    year = ctx.dct.year
    day = nth_weekday(year, 11, 0, 1) + timedelta(days=1)
    if day < ctx.dct and ctx.tense(m.start(), m.end()) != "past":
        day = nth_weekday(year + 1, 11, 0, 1) + timedelta(days=1)
    return point_out(Point(day, "day"), "dct")
