"""Rules for durations and sets: "three days", "the first nine months", "for years", "weekly",
"every other Friday", "for a while".
"""

from __future__ import annotations

import re

from .normalise import duration_value, month_of, number, unit_of, weekday_of
from .patterns import APPROX, MONTH_NAMES, NUM, SEASON_WORDS, UNIT, WEEKDAY_NAMES, YEAR
from .records import Context, Out, rule
from .vocabulary import DURATION_CODES, MONTHS, PARTS_OF_DAY, SEASON_CODES, WEEKDAYS

# ---------------------------------------------------------------------------
# rules: durations and sets


@rule(
    "duration",
    APPROX + r"(?P<num>" + NUM + r"|\d+\s+1/2|\d+½)(?:(?P<half>\s+(?i:and\s+a\s+half)))?"
    r"(?:\s+(?i:more|additional|straight|consecutive|full))?[\s-]+(?P<unit>" + UNIT + r")"
    r"(?P<half2>\s+(?i:and\s+a\s+half))?(?P<old>[\s-]+(?i:old|long))?(?:\s+(?i:or\s+so))?(?![-\w])",
)
def _duration_rule(m: re.Match[str], ctx: Context) -> Out | None:
    unit = unit_of(m.group("unit"))
    num_text = m.group("num")
    n = number(num_text)
    approx = (m.group("approx") or "").lower().split()
    after = ctx.text[m.end() : m.end() + 20]
    if num_text.lower() in ("a", "an") and not approx:
        # "$5 a year", "twice a week": a set, handled by the set rule; "a year" alone is a duration
        before = ctx.text[max(0, m.start() - 25) : m.start()]
        if re.search(r"(?:\d|%|\b(?:times|twice|once|thrice|cents?|dollars?|percent|hours?|miles))\s*$", before, re.I):
            unit_code = duration_value(1, unit)
            return Out("SET", unit_code, None, "text", sets_anchor=False)
    unit_text = m.group("unit")
    if unit_text[0].isupper() and not unit_text.isupper():
        return None
    if re.fullmatch(YEAR, num_text):
        return None  # "the 1988 quarter" is a date, not 1988 quarters
    if (
        unit == "second"
        and num_text.lower() in ("a", "an")
        and not re.search(
            r"\b(?:for|in|within|about|than|split)\s+$", ctx.text[max(0, m.start() - 12) : m.start()], re.I
        )
    ):
        return None
    if unit == "quarter" and (
        re.match(r"\s+of\b", after) or re.search(r"-\s*$", ctx.text[m.start("num") : m.start("unit")])
    ):
        return None
    if m.group("old") and m.group("old").strip(" -").lower() == "old":
        return None  # an age ("the 6-year-old boy") is not a TIMEX3 in TimeML practice
    if re.match(r"\s*(?:-|–)?\s*(?:old|long)\b", after) and not m.group("old"):
        return None
    if n is None and num_text.lower().strip() in ("some", "many") and not approx:
        return None
    if (
        approx
        and approx[-1] in ("the", "all")
        and len(approx) == 1
        and n is not None
        and num_text.lower() in ("a", "an")
    ):
        return None
    if n is not None and (m.group("half") or m.group("half2")):
        n += 0.5
    value = duration_value(n, unit)
    if unit == "night":
        value = duration_value(n, "day")
    return Out("DURATION", value, None, "text", sets_anchor=False)


# "the first nine months", "the nine months": a stretch of a (fiscal) year
@rule(
    "months_of_year",
    r"(?i:the\s+(?:first\s+|latest\s+|past\s+|last\s+|year-earlier\s+|year-ago\s+)?)(?P<num>"
    + NUM
    + r")\s+(?P<unit>(?i:months|weeks|quarters))",
    priority=1,
)
def _months_of_year(m: re.Match[str], ctx: Context) -> Out | None:
    n = number(m.group("num"))
    return Out("DURATION", duration_value(n, unit_of(m.group("unit"))), None, "text", sets_anchor=False)


@rule(
    "bare_units",
    r"(?P<pre>(?i:for|over|in|within|take|takes|took|taken|last|lasted|lasting)\s+)(?P<unit>(?i:years|months|weeks|decades|centuries|hours|minutes|days))(?!\s+(?:of|ago|later|earlier|before|after)\b)",
)
def _bare_units(m: re.Match[str], ctx: Context) -> Out:
    return Out(
        "DURATION",
        duration_value(None, unit_of(m.group("unit"))),
        None,
        "text",
        start=m.start("unit"),
        sets_anchor=False,
    )


@rule(
    "set",
    r"(?P<word>(?i:daily|weekly|monthly|quarterly|annually|yearly|hourly|nightly|biweekly|bimonthly|"
    r"semiannually|semi-annually))|(?P<every>(?i:every|each|per))\s+(?:(?P<other>(?i:other))\s+)?"
    r"(?:(?P<n>"
    + NUM
    + r")\s+)?(?P<unit>"
    + UNIT
    + r"|"
    + WEEKDAY_NAMES
    + r"|"
    + MONTH_NAMES
    + r"|(?i:"
    + SEASON_WORDS
    + r"|morning|evening|night|afternoon))",
)
def _set(m: re.Match[str], ctx: Context) -> Out | None:
    if m.group("word"):
        word = m.group("word").lower().replace("-", "")
        value = {
            "daily": "P1D",
            "weekly": "P1W",
            "monthly": "P1M",
            "quarterly": "P3M",
            "annually": "P1Y",
            "yearly": "P1Y",
            "hourly": "PT1H",
            "nightly": "P1D",
            "biweekly": "P2W",
            "bimonthly": "P2M",
            "semiannually": "P6M",
        }[word]
        after = ctx.text[m.end() : m.end() + 15]
        if re.match(
            r"\s+(?:cash\s+|common\s+|stock\s+)?(?:dividends?|results|report|reports|earnings|loss|losses|profits?|"
            r"payments?|statements?|filings?|revenue|sales)\b",
            after,
        ):
            return None  # "a quarterly dividend", "annual results": a kind of payment or report, not a time
        return Out("SET", value, None, "text", sets_anchor=False)
    name = m.group("unit")
    lower = name.lower().rstrip(".")
    if lower in WEEKDAYS:
        return Out("SET", f"XXXX-WXX-{weekday_of(name) + 1}", None, "text", sets_anchor=False)
    if lower in MONTHS and name[0].isupper():
        return Out("SET", f"XXXX-{month_of(name):02d}", None, "text", sets_anchor=False)
    if lower in SEASON_CODES:
        return Out("SET", f"XXXX-{SEASON_CODES[lower]}", None, "text", sets_anchor=False)
    if lower in ("morning", "evening", "night", "afternoon"):
        return Out("SET", f"XXXX-XX-XXT{PARTS_OF_DAY[lower]}", None, "text", sets_anchor=False)
    unit = unit_of(name)
    if unit not in DURATION_CODES:
        return None
    n = number(m.group("n")) if m.group("n") else 1
    if m.group("other"):
        n = 2
    return Out("SET", duration_value(n, unit), None, "text", sets_anchor=False)


# "for a while", "for some time", "decades-long"
@rule(
    "vague_duration",
    r"(?i:(?:for|in)\s+(?P<what>a\s+while|some\s+time|a\s+long\s+time|a\s+short\s+time|a\s+time))"
    r"|(?P<long>(?i:(?:days|weeks|months|years|decades|centuries|day|week|month|year|decade)-long))",
)
def _vague_duration(m: re.Match[str], ctx: Context) -> Out | None:
    if m.group("long"):
        unit = unit_of(m.group("long").lower().removesuffix("-long"))
        plural = m.group("long").lower().split("-")[0].endswith("s")
        return Out("DURATION", duration_value(None if plural else 1, unit), None, "text", sets_anchor=False)
    return Out("DURATION", "PXX", None, "text", start=m.start("what"), sets_anchor=False)
