"""``acronym_of`` reads a name of any length without recursion (issue #20: recursion replaced by iteration)."""

from __future__ import annotations

import sys

from toolkit_entities.rules.names import acronym_of


def _long_name(words: int) -> tuple[str, str]:
    # "Alpha of Beta of Gamma of …": capitalised words between minor ones, and their initials
    capitals = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    name = " of ".join(capitals[k % len(capitals)] for k in range(words))
    return name, "".join(capitals[k % len(capitals)][0] for k in range(words))


def test_a_name_longer_than_the_recursion_limit_is_matched() -> None:
    # regression: the memoised recursion went one frame per word and raised RecursionError here
    name, initials = _long_name(sys.getrecursionlimit() + 300)
    assert acronym_of(name, initials)
    assert not acronym_of(name, initials[:-1] + ("A" if initials[-1] != "A" else "B"))


def test_minor_words_and_inner_capitals_still_count() -> None:
    name, initials = _long_name(4)
    assert acronym_of(name, initials)
    assert acronym_of(name + " of the", initials)  # trailing minor words may be skipped
    assert not acronym_of(name + " Zeta", initials)  # a trailing word that is not minor must give a letter
    assert acronym_of("Mac Donald McKinsey Group", "MDMKG")  # "McKinsey" gives M and K
    assert not acronym_of("Mac Donald McKinsey Group", "MDKG")
