"""Every rule, in the order that breaks ties between equally long matches of equal priority.

Each rule module registers its rules on import; the order below (not the
order of the imports) decides which of two rules matching the same span wins,
so moving a rule between modules cannot change a result.

>>> [rule.name for rule in RULES][:3]
['month_day', 'day_range', 'month_year']
"""

from __future__ import annotations

from . import absolute, anaphora, clock, deictic, durations, named, references, reports  # noqa: F401  (register)
from .records import REGISTERED, Rule

__all__ = ["RULES", "ORDER"]

ORDER = (
    # dates stated in the text
    "month_day",
    "day_range",
    "month_year",
    "month",
    "numeric_ymd",
    "numeric_mdy",
    "numeric_dmy",
    "year",
    "decade",
    # relative to the publication date
    "today",
    "weekday",
    "calendar_unit",
    "quarter",
    "season",
    # counted from another date
    "ago",
    "anaphoric",
    "then",
    "anniversary",
    # references without a date
    "ref",
    "future_units",
    # durations and sets
    "duration",
    "months_of_year",
    "bare_units",
    "set",
    # times of day, named days, report periods
    "clock",
    "holiday",
    "year_ago_adj",
    "year_end",
    "spoken_year",
    "century",
    "report_period",
    "election_day",
    "part_of_day",
    "vague_duration",
)


def _ordered(registered: list[Rule]) -> tuple[Rule, ...]:
    names = [rule.name for rule in registered]
    if sorted(names) != sorted(ORDER):
        raise RuntimeError(
            f"The timex rules registered ({sorted(set(names) ^ set(ORDER))} differ) do not match "
            "registry.ORDER; add a new rule's name to ORDER where it should break ties."
        )
    position = {name: index for index, name in enumerate(ORDER)}
    return tuple(sorted(registered, key=lambda rule: position[rule.name]))


RULES = _ordered(REGISTERED)
