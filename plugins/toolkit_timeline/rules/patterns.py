r"""Pattern building blocks the rules are written with.

The rules are compiled case-sensitively; lower-case vocabulary is wrapped in
``(?i:...)`` so that month and weekday names must be capitalised, which keeps
"may", "march" and "sun" the verb or noun. Names and number words come from
:mod:`.vocabulary` (the ``lexicon/`` files), in the files' order: an
alternation tries its branches in order, so the order is part of what a pattern
matches.

>>> import re
>>> [bool(re.fullmatch(MONTH_NAMES, name)) for name in ("Sept.", "Sep", "Mar", "Mar.", "MAY", "May")]
[True, True, False, True, False, True]
>>> bool(re.fullmatch(NUM, "twenty-one")), bool(re.fullmatch(NUM, "a couple of"))
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .vocabulary import MONTH_ENTRIES, ORDINALS, QUANTITIES, SEASON_CODES, TEENS, TENS, UNITS, WEEKDAY_ENTRIES

__all__ = [
    "alternation",
    "phrases",
    "MONTH_NAMES",
    "WEEKDAY_NAMES",
    "NUM_WORDS",
    "NUM",
    "UNIT",
    "UNIT_CAL",
    "YEAR",
    "DAY",
    "TZ",
    "PART",
    "MOD_PRE",
    "APPROX",
    "TEMPORAL_PREP",
    "UNIT_WORDS",
    "TEEN_WORDS",
    "TEN_WORDS",
    "ORDINAL_WORDS",
    "SEASON_WORDS",
]


def phrases(words: Iterable[str]) -> str:
    """The words as alternatives in the given order, any run of spaces matching any white space."""
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)


def alternation(words: Iterable[str]) -> str:
    """The words as alternatives, longest first (so that "right now" is tried before "now")."""
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


def _names(entries: list[dict[str, object]]) -> str:
    # full names, then abbreviations (with their full stop, optional unless required), then the
    # all-capitals spellings of headlines
    full = [str(entry["name"]) for entry in entries]
    short = [
        re.escape(abbreviation) + (r"\." if entry.get("stop_required") else r"\.?")
        for entry in entries
        for abbreviation in entry.get("abbreviations", ())
    ]  # type: ignore[attr-defined]
    upper = [str(entry["name"]).upper() for entry in entries if entry.get("upper_case", True)]
    return "(?:" + "|".join(full + short + upper) + ")"


MONTH_NAMES = _names(MONTH_ENTRIES)
WEEKDAY_NAMES = _names(WEEKDAY_ENTRIES)
UNIT_WORDS = phrases(UNITS)  # one|two|…|nine
TEEN_WORDS = phrases(TEENS)
TEN_WORDS = phrases(TENS)
ORDINAL_WORDS = phrases(ORDINALS)
SEASON_WORDS = phrases(SEASON_CODES)
NUM_WORDS = (
    "(?:(?:"
    + TEN_WORDS
    + r")(?:[-\s](?:"
    + UNIT_WORDS
    + "))?|"
    + UNIT_WORDS
    + "|"
    + TEEN_WORDS
    + "|hundred|"
    + phrases(phrase for phrase, _ in QUANTITIES)
    + ")"
)
NUM = r"(?:\d+(?:\.\d+)?|(?i:" + NUM_WORDS + r"))"
UNIT = (
    r"(?i:(?:second|minute|hour|day|night|weekend|week|fortnight|month|quarter|year|decade|millenni(?:um|a)"
    r"|centur(?:y|ies))s?)"
)
UNIT_CAL = r"(?i:week|weekend|month|quarter|year|decade|century)"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
TZ = r"(?:\s+(?:[ECMP][SD]T|GMT|UTC|BST|CET|MSK|KST|JST)\b)?"
PART = r"(?i:morning|afternoon|evening|night|overnight)"
MOD_PRE = (
    r"(?i:(?P<mod>(?:the\s+)?(?:very\s+)?(?:early|earlier|late|later|mid|middle\s+of|end\s+of|beginning\s+of|"
    r"start\s+of|rest\s+of)(?:\s+in)?)[\s-]+(?:the\s+)?)"
)
APPROX = (
    r"(?i:(?P<approx>(?:about|around|approximately|roughly|nearly|almost|some|over|more\s+than|less\s+than|"
    r"at\s+least|at\s+most|up\s+to|fewer\s+than|under|just|only|barely|within|the\s+past|the\s+last|the\s+next|"
    r"the\s+first|the\s+final|the\s+coming|the\s+previous|the\s+following|past|last|next|first|previous|"
    r"coming|recent|the\s+latest|the\s+entire|the\s+whole|a\s+full|the\s+full|an\s+additional|another|"
    r"the\s+remaining|the|each\s+of\s+the\s+past|each\s+of\s+the\s+last|all)\s+)+)?"
)
# a preposition or modifier that makes the next word a time ("in May", "until March", "since early 1990")
TEMPORAL_PREP = re.compile(
    r"(?i:\b(?:in|since|until|till|by|of|during|before|after|from|to|through|last|next|this|"
    r"early|late|mid|and|or|between|every|each|until|throughout)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?)?$)"
)
