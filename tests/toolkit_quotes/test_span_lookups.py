"""The quote rules' lookups by bisection give what a scan of everything gives (issue #20: bounded cost).

Each fast lookup is checked against the plain scan it replaced, on random texts and stretches.
"""

from __future__ import annotations

import random
import re

import pytest

from toolkit_quotes.rules.marks import Stretch
from toolkit_quotes.rules.spans import clause_floor, close_quotes, next_opening, quoted_share

_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+")


def _floor_by_scan(text: str, position: int) -> int:
    line_start = text.rfind("\n", 0, position) + 1
    floor = line_start
    for match in _SENTENCE_END.finditer(text, line_start, position):
        floor = match.end()
    return floor


def _close_by_scan(text: str, start: int, end: int, stretches: tuple[Stretch, ...]) -> tuple[int, int]:
    for stretch in stretches:
        if start <= stretch.start < end < stretch.end and stretch.paragraphs == 1:
            end = stretch.end
        if start < stretch.end <= end and stretch.start < start and not text[stretch.start : start].strip(" “„«‘\"'`"):
            start = stretch.start
    return start, end


def _stretches(rng: random.Random, size: int) -> tuple[Stretch, ...]:
    found = []
    for _ in range(rng.randint(0, 30)):
        start = rng.randrange(size - 2)
        end = rng.randint(start + 2, min(size, start + rng.choice((4, 20, 200))))
        found.append(
            Stretch(
                start=start,
                end=end,
                inner_start=start + 1,
                inner_end=end - 1,
                family="double",
                paragraphs=rng.choice((1, 1, 2)),
            )
        )
    found.sort(key=lambda s: (s.start, -s.end))  # as scan_quotes gives them
    return tuple(found)


@pytest.mark.parametrize("seed", range(40))
def test_lookups_agree_with_a_scan_of_every_stretch(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("ab  .!?”'\"“\n") for _ in range(rng.choice((50, 400, 3000))))
    stretches = _stretches(rng, len(text))
    for _ in range(50):
        start = rng.randrange(len(text))
        end = rng.randint(start, len(text))
        assert close_quotes(text, start, end, stretches) == _close_by_scan(text, start, end, stretches)
        inside = [s for s in stretches if start <= s.start and s.end <= end + 1]
        assert quoted_share(None, start, end, stretches)[1] == inside  # type: ignore[arg-type]
        following = min((s.start for s in stretches if s.start >= start), default=-1)
        assert next_opening(stretches, start, -1) == following
    for position in range(0, len(text), max(1, len(text) // 300)):
        assert clause_floor(text, position) == _floor_by_scan(text, position)


def test_a_sentence_start_far_back_in_a_long_line_is_found() -> None:
    # the backward search widens its window until it finds a sentence end or the line's start
    text = "First one. " + "word " * 5000 + "here"
    assert clause_floor(text, len(text) - 2) == len("First one. ")
    assert clause_floor("no end " * 2000, 13000) == 0
