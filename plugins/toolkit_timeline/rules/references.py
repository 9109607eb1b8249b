"""Rules for references without a date: "now", "recently", "in the coming months" (TIMEX3
``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF``, or a duration of unknown length).
"""

from __future__ import annotations

import re

from .normalise import duration_value, unit_of
from .patterns import alternation
from .records import Context, Out, rule
from .vocabulary import REFERENCES

# ---------------------------------------------------------------------------
# rules: reference words


@rule(
    "ref",
    r"(?P<word>(?i:" + alternation(k for k in REFERENCES if k not in ("in the past", "the coming")) + r"))"
    r"(?:\s+(?P<unit>(?i:years|months|weeks|days|decades|quarters|times)))?",
)
def _ref(m: re.Match[str], ctx: Context) -> Out | None:
    word = re.sub(r"\s+", " ", m.group("word").lower())
    before = ctx.text[max(0, m.start() - 20) : m.start()].lower()
    after = ctx.text[m.end() : m.end() + 25]
    unit = (m.group("unit") or "").lower()
    if word in ("recent", "current") and not unit:
        # adjectives: a TIMEX3 only before a plain noun ("current account" is a banking term)
        if re.match(
            r"\s+(?:(?:account|accounts|affairs|events|event|generation|generations|tense|"
            r"and|or|of|to)\b|,|\.)",
            after,
        ) or re.match(r"[-,.;:]", after):
            return None
    if word == "the present" and not re.search(r"\b(?:at|for|until)\s+$", before):
        return None
    if word == "one day" and not re.search(
        r"\b(?:will|would|could|might|may|hope|hopes|hoped)\b", ctx.text[ctx.sentence(m.start())[0] : m.start()].lower()
    ):
        return None
    if word == "soon" and (re.search(r"\bas\s+$", before) or re.match(r"\s+(?:after|before|as|afterwards?)\b", after)):
        return None  # "as soon as", "soon after the attack": a relation, not a time
    if unit == "times" and word not in ("recent", "current"):
        return None  # "at present times" is no TIMEX3; "in recent times" is
    return Out("DATE", REFERENCES[word], None, "dct", sets_anchor=False)


@rule(
    "future_units",
    r"(?P<pre>(?i:the\s+coming|coming|future|the\s+next\s+few|recent|the\s+past\s+few|the\s+last\s+few|"
    r"past|the\s+past\s+several|the\s+last\s+several|the\s+next\s+several))\s+(?P<unit>(?i:days|weeks|months|years|"
    r"decades|quarters))(?:\s+(?i:and)\s+(?P<unit2>(?i:days|weeks|months|years)))?",
    priority=1,
)
def _future_units(m: re.Match[str], ctx: Context) -> Out:
    pre = re.sub(r"\s+", " ", m.group("pre").lower())
    unit = unit_of(m.group("unit"))
    if pre in ("the next few", "the past few", "the last few", "the next several"):
        return Out("DURATION", duration_value(None, unit), None, "dct", sets_anchor=False)
    if pre in ("the coming", "coming", "recent") and unit != "year":
        # "in recent weeks", "in the coming months": a stretch of unstated length up to or from now
        return Out("DURATION", duration_value(None, unit), None, "dct", sets_anchor=False)
    if pre in ("the coming", "coming", "future"):
        return Out("DATE", "FUTURE_REF", None, "dct", sets_anchor=False)
    return Out("DATE", "PAST_REF", None, "dct", sets_anchor=False)
