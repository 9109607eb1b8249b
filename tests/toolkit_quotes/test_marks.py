from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_quotes.rules import scan_quotes

STYLES = [
    ("curly double", "He said “we will win,” and left."),
    ("straight double", 'He said "we will win," and left.'),
    ("curly single", "He said ‘we will win,’ and left."),
    ("straight single", "He said 'we will win,' and left."),
    ("guillemets", "He said «we will win,» and left."),
    ("low-high", "He said „we will win,“ and left."),
    ("doubled apostrophes", "He said ''we will win,'' and left."),
]


@pytest.mark.parametrize(("style", "text"), STYLES, ids=[s for s, _ in STYLES])
def test_every_mark_style_pairs(style, text):
    stretches, problems = scan_quotes(text)
    assert problems == ()
    assert len(stretches) == 1
    inner = text[stretches[0].inner_start : stretches[0].inner_end]
    assert inner == "we will win,"


def test_apostrophes_are_not_quote_marks():
    stretches, problems = scan_quotes("The country’s leaders don’t agree; the states' rights matter.")
    assert stretches == () and problems == ()


def test_multi_paragraph_quote_is_one_stretch():
    text = "“First paragraph of the quote.\n\n“Second paragraph ends it.” Then prose."
    stretches, problems = scan_quotes(text)
    assert problems == ()
    assert [(s.start, s.end, s.paragraphs) for s in stretches] == [(0, text.index("Then") - 1, 2)]


def test_unbalanced_mark_is_reported_not_raised():
    text = "“An opener that never closes.\n\nA plain paragraph. “Balanced,” he said."
    stretches, problems = scan_quotes(text)
    assert [p.offset for p in problems] == [0]
    assert [text[s.start : s.end] for s in stretches] == ["“Balanced,”"]


MARKS = st.sampled_from(list("\"'“”‘’«»„`") + ["''", "``"])
PIECES = st.one_of(MARKS, st.text(alphabet="ab ,.\n", min_size=0, max_size=6))


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_random_marks_never_raise_and_stay_inside(text):
    stretches, problems = scan_quotes(text)
    for s in stretches:
        assert 0 <= s.start <= s.inner_start <= s.inner_end <= s.end <= len(text)
    for p in problems:
        assert 0 <= p.offset < len(text)
