"""The words the rules know, read once at import from the plugin's ``lexicon/`` data files.

Each list is defined once, in a data file a reader can review without reading
code (``lexicon/months.json``, ``numbers.json`` …); the patterns in
:mod:`.patterns` are built from these tables, so a month name or a number
word added to a file is both matched and normalised.

>>> MONTHS["sept"], WEEKDAYS["thurs"], NUMBERS["twelve"], SEASON_CODES["autumn"]
(9, 3, 12, 'FA')
>>> "several" in VAGUE, NUMBERS["a couple of"]
(True, 2)
"""

from __future__ import annotations

from toolkit.sdk import lexicon, word_list

__all__ = [
    "MONTH_ENTRIES",
    "WEEKDAY_ENTRIES",
    "MONTHS",
    "WEEKDAYS",
    "UNITS",
    "TEENS",
    "TENS",
    "QUANTITIES",
    "NUMBERS",
    "VAGUE",
    "ORDINALS",
    "SEASON_CODES",
    "PARTS_OF_DAY",
    "HOLIDAYS",
    "REFERENCES",
    "UNIT_GRANULARITY",
    "DURATION_CODES",
    "FUNCTION_WORDS",
]

_PACKAGE = "toolkit_timeline"


def _names(entries: list[dict[str, object]], *, first: int) -> dict[str, int]:
    """Lower-case name and abbreviations -> number (months from 1, weekdays from 0)."""
    out: dict[str, int] = {}
    for number, entry in enumerate(entries, first):
        out[str(entry["name"]).lower()] = number
        for abbreviation in entry.get("abbreviations", ()):  # type: ignore[attr-defined]
            out[abbreviation.lower()] = number
    return out


MONTH_ENTRIES: list[dict[str, object]] = lexicon("months", package=_PACKAGE)["months"]
WEEKDAY_ENTRIES: list[dict[str, object]] = lexicon("weekdays", package=_PACKAGE)["weekdays"]
MONTHS = _names(MONTH_ENTRIES, first=1)
WEEKDAYS = _names(WEEKDAY_ENTRIES, first=0)

_numbers = lexicon("numbers", package=_PACKAGE)
UNITS: dict[str, int] = _numbers["units"]
TEENS: dict[str, int] = _numbers["teens"]
TENS: dict[str, int] = _numbers["tens"]
# phrases that count a unit ("a couple of", "several"), in the order the patterns try them
QUANTITIES: tuple[tuple[str, float | None], ...] = tuple((phrase, value) for phrase, value in _numbers["quantities"])
NUMBERS: dict[str, float] = {
    **UNITS,
    **TEENS,
    **TENS,
    **_numbers["hundred"],
    **{phrase: value for phrase, value in QUANTITIES if value is not None},
}
VAGUE = frozenset(phrase for phrase, value in QUANTITIES if value is None)  # "several days": no number
ORDINALS: dict[str, int] = _numbers["ordinals"]  # of quarters and halves ("the final quarter" is the fourth)

SEASON_CODES: dict[str, str] = lexicon("seasons", package=_PACKAGE)["seasons"]
PARTS_OF_DAY: dict[str, str] = lexicon("parts_of_day", package=_PACKAGE)["parts_of_day"]
HOLIDAYS: dict[str, tuple[int, int]] = {
    name: (month, day) for name, (month, day) in lexicon("holidays", package=_PACKAGE)["holidays"].items()
}
REFERENCES: dict[str, str] = lexicon("references", package=_PACKAGE)["references"]
FUNCTION_WORDS = word_list("function_words", package=_PACKAGE)

# TIMEX3 codes of the units (not words of a language, so they stay beside the code that writes values):
# the granularity a shift by the unit lands on, and the duration code (time part, letter, multiple)
UNIT_GRANULARITY = {
    "day": "day",
    "night": "day",
    "week": "week",
    "weekend": "weekend",
    "fortnight": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "decade": "year",
    "century": "year",
    "season": "season",
    "half": "half",
}
DURATION_CODES = {
    "second": ("T", "S", 1),
    "minute": ("T", "M", 1),
    "hour": ("T", "H", 1),
    "day": ("", "D", 1),
    "night": ("", "D", 1),
    "week": ("", "W", 1),
    "weekend": ("", "D", 2),
    "fortnight": ("", "W", 2),
    "month": ("", "M", 1),
    "quarter": ("", "Q", 1),
    "year": ("", "Y", 1),
    "decade": ("", "Y", 10),
    "century": ("", "Y", 100),
    "millennium": ("", "Y", 1000),
}
