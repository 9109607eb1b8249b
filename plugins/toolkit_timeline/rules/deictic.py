"""Rules for expressions relative to the publication date: "yesterday", "on Thursday", "last week",
"the third quarter", "this summer".

The tense of the governing verb decides the direction when the words do not
("said on Thursday" is the Thursday before, "meets on Thursday" the next one).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .dates import SEASONS, Point
from .normalise import (
    duration_value,
    finer,
    mod_of,
    month_of,
    point_out,
    relation_of,
    resolve_month_day,
    weekday_date,
    weekday_of,
)
from .patterns import DAY, MOD_PRE, MONTH_NAMES, ORDINAL_WORDS, PART, SEASON_WORDS, UNIT_CAL, WEEKDAY_NAMES, YEAR
from .records import Context, Out, rule
from .vocabulary import ORDINALS, PARTS_OF_DAY, SEASON_CODES

# ---------------------------------------------------------------------------
# rules: relative to the publication date


@rule(
    "today",
    r"(?i:(?P<word>today|tonight|yesterday|tomorrow|the\s+day\s+before\s+yesterday|"
    r"the\s+day\s+after\s+tomorrow|last\s+night|this\s+(?:morning|afternoon|evening)|overnight))"
    r"(?:(?P<part>\s+(?i:morning|afternoon|evening|night)))?",
)
def _today(m: re.Match[str], ctx: Context) -> Out | None:
    word = re.sub(r"\s+", " ", m.group("word").lower())
    left, _ = ctx.sentence(m.start())
    if (
        m.group("word")[0].isupper()
        and ctx.text[left : m.start()].strip()
        and re.search(r"[A-Z][\w.-]*\s+$", ctx.text[max(left, m.start() - 30) : m.start()])
    ):
        return None  # "Russia Today", "USA Today": a name, not a day
    offset = {
        "yesterday": -1,
        "tomorrow": 1,
        "last night": -1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }.get(word, 0)
    part = None
    if word in ("tonight", "last night", "overnight"):
        part = "NI"
    elif word.startswith("this "):
        part = PARTS_OF_DAY[word.split(" ")[1]]
    if m.group("part"):
        part = PARTS_OF_DAY[m.group("part").strip().lower()]
    if ctx.dct is None:
        return Out("TIME" if part else "DATE", "XXXX-XX-XX" + (f"T{part}" if part else ""), None, "none")
    day = ctx.dct + timedelta(days=offset)
    return point_out(Point(day, "day", part), "dct", type_="TIME" if part else "DATE")


# "Thursday", "last Friday", "Friday morning", "this Sunday"
@rule(
    "weekday",
    r"(?:(?P<rel>(?i:last|next|this|coming|past|previous))\s+)?(?P<wd>" + WEEKDAY_NAMES + r")"
    r"(?:\s+(?P<part>" + PART + r"))?(?!\s*,?\s*(?:" + MONTH_NAMES + r"|\d))",
)
def _weekday(m: re.Match[str], ctx: Context) -> Out | None:
    weekday = weekday_of(m.group("wd"))
    part = PARTS_OF_DAY[m.group("part").lower()] if m.group("part") else None
    type_ = "TIME" if part else "DATE"
    # plural ("on Fridays") is a set; so is "every Friday" (handled by the set rule)
    day = weekday_date(weekday, ctx, m.start(), relation=relation_of(m.group("rel")))
    if day is None:
        return Out(type_, f"XXXX-WXX-{weekday + 1}" + (f"T{part}" if part else ""), None, "none")
    return point_out(Point(day, "day", part), "dct", type_=type_)


# "last week", "this year", "next month", "earlier this week", "early next year", "the end of the year"
@rule(
    "calendar_unit",
    r"(?:" + MOD_PRE + r")?(?P<rel>(?i:this|last|next|past|previous|coming|current|the\s+current|the\s+past|"
    r"the\s+coming|the\s+next|the\s+previous|the\s+following|the\s+same|that|the\s+latest|the\s+most\s+recent|"
    r"the\s+recent|the\s+just-ended|the\s+just\s+ended|the\s+prior|the))\s+(?:(?P<fiscal>(?i:fiscal|calendar))\s+)?"
    r"(?P<unit>" + UNIT_CAL + r")(?![-\w])",
)
def _calendar_unit(m: re.Match[str], ctx: Context) -> Out | None:
    rel = re.sub(r"\s+", " ", m.group("rel").lower())
    unit = m.group("unit").lower()
    granularity = {
        "week": "week",
        "weekend": "weekend",
        "month": "month",
        "quarter": "quarter",
        "year": "year",
        "decade": "decade",
        "century": "century",
    }[unit]
    mod = mod_of(m.group("mod"))
    after = ctx.text[m.end() : m.end() + 40]
    if re.match(r"\s*(?:-|–)?\s*(?:old|long)\b", after):
        return None
    if m.group("unit")[0].isupper() and not m.group("unit").isupper():
        return None  # "This Week", "The Year in Review": a title
    ended = re.match(
        r"\s+(?:ended|ending|that\s+ended|which\s+ended)\s+(?P<month>" + MONTH_NAMES + r")\s+(?P<day>" + DAY + r")",
        after + ctx.text[m.end() + 40 : m.end() + 60],
    )
    if rel in ("the", "the latest", "the just-ended", "the same", "that") and ended:
        # "the quarter ended Sept. 30" is the quarter of that day; "the year ended …" a twelve-month period
        if granularity == "year" or m.group("fiscal"):
            return Out(
                "DURATION", "P1Y" if granularity == "year" else duration_value(1, unit), None, "text", sets_anchor=False
            )
        end = resolve_month_day(
            ctx, m.end(), month_of(ended.group("month")), int(re.sub(r"\D", "", ended.group("day"))), None
        )
        if end is not None and end.point is not None:
            return point_out(end.point.coarsen(granularity), end.anchor)
    if (
        rel == "the"
        and re.match(r"\s+(?:of|in|to|for|ended|ending|before|after|earlier|ago|through)\b", after, re.I)
        and not re.match(r"\s+(?:to date)", after)
    ):
        # "the year of …", "the year ended Sept. 30": not a date by itself (or a longer rule's business)
        if not re.match(r"\s+(?:earlier|ago)\b", after, re.I):
            return None
    narrative = rel in ("the following", "the same", "that", "the previous", "the prior") or (
        rel == "the" and granularity in ("quarter",) and ctx.anchor is not None and ctx.anchor.granularity == "quarter"
    )
    if narrative:
        base = ctx.anchor if ctx.anchor is not None else (Point(ctx.dct, "day") if ctx.dct else None)
        if base is None:
            return Out("DATE", "XXXX", None, "none", mod=mod)
        shift = {"the following": 1, "the previous": -1, "the prior": -1}.get(rel, 0)
        if finer(base.granularity, granularity) or base.granularity == granularity:
            point = Point.of(base.day, granularity).shift(shift)
        else:
            point = base
        return point_out(point, "narrative", mod=mod)
    if ctx.dct is None:
        return Out("DATE", "XXXX" if granularity not in ("decade", "century") else "XXX", None, "none", mod=mod)
    now = Point.of(ctx.dct, granularity)
    tense = ctx.tense(m.start(), m.end())
    if (
        granularity == "weekend"
        and ctx.dct.weekday() < 5
        and (rel in ("last", "past", "previous", "the past") or (rel in ("the", "this") and tense != "future"))
    ):
        # on a weekday "the weekend" that is talked about in the past is the one just gone
        return point_out(now.shift(-1), "dct", mod=mod)
    if rel in ("last", "past", "previous", "the past", "the previous"):
        if granularity in ("decade", "century") or (rel == "the past" and granularity not in ("year",)):
            return Out("DURATION", duration_value(1, unit), None, "dct", sets_anchor=False)
        point = now.shift(-1)
    elif rel in ("next", "coming", "the coming", "the next"):
        if rel == "the next" and granularity in ("decade", "century"):
            return Out("DURATION", duration_value(1, unit), None, "dct", sets_anchor=False)
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
    return point_out(point, "dct", mod=mod)


# "the third quarter", "third-quarter", "the fourth quarter of 1989", "the first half", "the fiscal first quarter"
@rule(
    "quarter",
    r"(?:(?P<this>(?i:this\s+year['’]s|last\s+year['’]s|next\s+year['’]s))\s+)?(?:(?i:the)\s+)?"
    r"(?:(?P<ago>(?i:year-ago|year-earlier|year\s+earlier|year\s+ago|prior-year|previous-year))\s+|(?P<year_pre>"
    + YEAR
    + r")\s+)?"
    r"(?:(?i:fiscal|calendar)[\s-]+)?"
    r"(?P<ord>(?i:" + ORDINAL_WORDS + r"))[\s-]+(?:(?i:fiscal|calendar)\s+)?"
    r"(?P<unit>(?i:quarter|half|period))(?:\s+(?i:of)\s+(?:(?i:fiscal)\s+)?(?P<year>" + YEAR + r"))?(?![-\w])",
)
def _quarter(m: re.Match[str], ctx: Context) -> Out | None:
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
        return Out("DATE", f"XXXX-{'Q' if granularity == 'quarter' else 'H'}{n}", None, "none")
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
            if (
                ctx.anchor is not None
                and ctx.anchor.granularity in ("year",)
                and ctx.anchor.day.year != year
                and ctx.sentence(m.start())[0] <= _last_anchor_start(ctx)
            ):
                year = ctx.anchor.day.year  # "in 1988 … the third quarter": the year just named
                anchor = "narrative"
    point = Point(date(year, (n - 1) * months + 1, 1), granularity)
    return point_out(point, anchor, sets_anchor=not m.group("ago"))


def _last_anchor_start(ctx: Context) -> int:
    for timex in reversed(ctx.results):
        if timex.granularity:
            return timex.start
    return -1


# the words that make an unmarked season or unit future; whole words only ("William", "planet" are not "will", "plan")
_FUTURE_WORDS = re.compile(
    r"(?i)\b(?:expect(?:s|ed|ing|ations?)?|forecast(?:s|ed|ing)?|project(?:s|ed|ing|ions?)?|will|would"
    r"|plan(?:s|ned|ning)?|estimat(?:e|es|ed|ing))\b"
)


def _future_words(ctx: Context, m: re.Match[str]) -> bool:
    left, right = ctx.sentence(m.start())
    return bool(_FUTURE_WORDS.search(ctx.text[left:right]))


# seasons: "this summer", "last fall", "since the summer", "the winter of 2022"
@rule(
    "season",
    r"(?:" + MOD_PRE + r")?(?:(?P<rel>(?i:this|last|next|past|coming|the|this\s+past|later\s+this|earlier\s+this))\s+)?"
    r"(?P<season>(?i:"
    + SEASON_WORDS
    + r"))(?:\s+(?i:of)\s+(?P<year>"
    + YEAR
    + r")|\s+(?P<year_b>"
    + YEAR
    + r"))?(?![-\w])",
)
def _season(m: re.Match[str], ctx: Context) -> Out | None:
    word = m.group("season").lower()
    code = SEASON_CODES[word]
    rel = (m.group("rel") or "").lower()
    year_text = m.group("year") or m.group("year_b")
    mod = mod_of(m.group("mod"))
    if not year_text and not rel and not mod:
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        if not re.search(r"\b(?:in|since|during|until|by|over|through)\s+$", before):
            return None
    if word == "fall" and not year_text and re.match(r"\s+of\b", ctx.text[m.end() : m.end() + 5]):
        return None  # "the fall of the Berlin Wall"
    if word == "fall" and not year_text and not rel and not mod:
        return None
    month = SEASONS[code]
    if year_text:
        return point_out(Point(date(int(year_text), month, 1), "season"), "text", mod=mod)
    if ctx.dct is None:
        return Out("DATE", f"XXXX-{code}", None, "none", mod=mod)
    current = Point.of(ctx.dct, "season")
    candidate = Point(date(ctx.dct.year, month, 1), "season")
    if code == "WI" and ctx.dct.month <= 2:
        candidate = Point(date(ctx.dct.year - 1, 12, 1), "season")
    relation = relation_of(rel.split()[-1]) if rel else None
    before_text = ctx.text[max(0, m.start() - 8) : m.start()].lower()
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
    return point_out(candidate, "dct", mod=mod)
