"""Rules for times of day: "5 p.m. Monday", "noon", "14:30 GMT", "in the morning"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .dates import Point
from .normalise import month_of, resolve_month_day, weekday_date, weekday_of
from .patterns import DAY, MONTH_NAMES, TZ, WEEKDAY_NAMES
from .records import Context, Out, rule
from .vocabulary import PARTS_OF_DAY

# ---------------------------------------------------------------------------
# rules: clock times and holidays


@rule(
    "clock",
    r"(?:(?i:(?:at|around|about|approximately|shortly\s+(?:before|after)|just\s+(?:before|after))\s+))?"
    r"(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s*(?P<ampm>(?i:a\.m\.|p\.m\.|a\.m|p\.m|am|pm)(?![a-z]))"
    + TZ
    + r"(?:(?:,\s*|\s+)(?:(?i:on\s+))?(?P<wd>"
    + WEEKDAY_NAMES
    + r")|(?:,\s*|\s+)(?:(?i:on\s+))?(?P<cmonth>"
    + MONTH_NAMES
    + r")\s+(?P<cday>"
    + DAY
    + r")(?!\d))?"
    r"|(?P<word>(?i:noon|midnight|midday))(?:\s+(?P<wd2>" + WEEKDAY_NAMES + r"|(?i:today|yesterday|tomorrow)))?"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<min24>[0-5]\d)(?:\s*(?P<tz24>(?i:GMT|UTC|local\s+time|hours|hrs)))",
    bound=True,
)
def _clock(m: re.Match[str], ctx: Context) -> Out | None:
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
            dated = resolve_month_day(
                ctx, m.start(), month_of(m.group("cmonth")), int(re.sub(r"\D", "", m.group("cday"))), None
            )
            if dated is not None and dated.point is not None:
                clock = f"{hour:02d}:{minute:02d}"
                return Out(
                    "TIME", f"{dated.point.day.isoformat()}T{clock}", Point(dated.point.day, "day", clock), dated.anchor
                )
    start = m.start()
    lead = re.match(
        r"(?i:(?:at|around|about|approximately|shortly\s+(?:before|after)|just\s+(?:before|after))\s+)", m.group(0)
    )
    if lead and lead.group(0).lower().startswith("at"):
        start = m.start() + len(lead.group(0))
    clock = f"{hour:02d}:{minute:02d}"
    day: date | None
    if day_word:
        lower = day_word.lower()
        if lower in ("today", "yesterday", "tomorrow"):
            day = ctx.dct + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[lower]) if ctx.dct else None
        else:
            day = weekday_date(weekday_of(day_word), ctx, m.start())
    else:
        # a bare time is on the day the narrative is at, else on the publication day
        base = (
            ctx.anchor
            if ctx.anchor is not None and ctx.anchor.granularity == "day"
            else (Point(ctx.dct, "day") if ctx.dct else None)
        )
        day = base.day if base else None
    if day is None:
        return Out("TIME", f"XXXX-XX-XXT{clock}", None, "none", start=start, sets_anchor=False)
    return Out(
        "TIME", f"{day.isoformat()}T{clock}", Point(day, "day", clock), "dct", start=start, sets_anchor=bool(day_word)
    )


# "in the morning", "later in the day": a part of the day the narrative is at
@rule(
    "part_of_day",
    r"(?i:(?:(?:early|late)\s+)?(?:in|during)\s+the\s+(?P<part>morning|afternoon|evening|night))"
    r"|(?P<mid>(?i:mid[-\s]?(?:morning|afternoon)))(?:\s+(?P<rel>(?i:yesterday|today|tomorrow)))?",
)
def _part_of_day(m: re.Match[str], ctx: Context) -> Out | None:
    base = (
        ctx.anchor
        if ctx.anchor is not None and ctx.anchor.granularity == "day"
        else (Point(ctx.dct, "day") if ctx.dct else None)
    )
    if m.group("mid"):
        part = "MO" if "morning" in m.group("mid").lower() else "AF"
        if ctx.dct is None:
            return Out("TIME", f"XXXX-XX-XXT{part}", None, "none")
        offset = {"yesterday": -1, "tomorrow": 1}.get((m.group("rel") or "").lower(), 0)
        day = ctx.dct + timedelta(days=offset) if m.group("rel") or base is None else base.day
        return Out("TIME", f"{day.isoformat()}T{part}", Point(day, "day", part), "dct", sets_anchor=False)
    start = m.start() + m.group(0).lower().index("the")
    part = PARTS_OF_DAY[m.group("part").lower()]
    if base is None:
        return Out("TIME", f"XXXX-XX-XXT{part}", None, "none", start=start)
    return Out(
        "TIME",
        f"{base.day.isoformat()}T{part}",
        Point(base.day, "day", part),
        "narrative",
        start=start,
        sets_anchor=False,
    )
