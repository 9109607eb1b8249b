"""Word boundaries and Unicode case in the timex rules (issue #20).

Each regression row names the bug it pins; the property tests check that no timex starts or ends
inside a word and that no text makes the finder raise or leave the text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_timeline.rules.driver import find_timexes, find_timexes_reference

DCT = "2024-05-06"

# (bug, sentence, text a timex must NOT have, timex text that must still be found or None)
BOUNDARY_BUGS = [
    (
        "part_of_day lost its closing bound: 'nightclub' gave TIME 'the night'",
        "They met in the nightclub.",
        "the night",
        None,
    ),
    (
        "part_of_day lost its opening bound: 'humid morning' gave 'mid morning'",
        "It was a humid morning.",
        "mid morning",
        None,
    ),
    ("vague_duration lost its closing bound: 'timely' gave a DURATION", "Reply in a timely manner.", "a time", None),
    ("clock lost its opening bound: 'afternoon' gave noon (12:00)", "Good afternoon, everyone.", "noon", None),
    ("set lost its closing bound: 'Dailymotion' gave a SET", "The clip is on Dailymotion now.", "Daily", None),
    ("century lost its opening bound inside a longer word", "Thextwenties club.", "twenties", None),
    ("the ref adjective test read 'order' as 'or'", "The current order stands.", None, "current"),
    ("the ref adjective test read 'total' as 'to'", "The recent total rose.", None, "recent"),
]


@pytest.mark.parametrize(
    ("bug", "sentence", "absent", "present"), BOUNDARY_BUGS, ids=[b[0][:40] for b in BOUNDARY_BUGS]
)
def test_boundary_regressions(bug: str, sentence: str, absent: str | None, present: str | None) -> None:
    texts = [t.text for t in find_timexes(sentence, dct=DCT)]
    if absent is not None:
        assert absent not in texts, bug
    if present is not None:
        assert present in texts, bug


def test_greeting_is_no_time_but_a_part_of_day_still_is() -> None:
    # the bug: "Good afternoon" became a TIME of 12:00 on the publication day
    assert not [t for t in find_timexes("Good afternoon, and welcome.", dct=DCT) if t.type == "TIME"]
    assert [t.value for t in find_timexes("They met in the afternoon.", dct=DCT)] == [f"{DCT}TAF"]


def test_set_after_a_count_needs_a_whole_word() -> None:
    # the bug: "sometimes a year" ended in "times", so "a year" became a SET
    assert [t.type for t in find_timexes("He sometimes a year waits.", dct=DCT)] == ["DURATION"]
    assert [t.type for t in find_timexes("It costs 5 dollars a year.", dct=DCT)] == ["SET"]


def test_future_words_are_whole_words() -> None:
    # the bug: "William" and "planet" read as "will" and "plan", so a past-tense later quarter stayed in this year
    past = find_timexes("William saw the planet in the fourth quarter.", dct=DCT, tense=lambda s, e: "past")
    future = find_timexes("We will see it in the fourth quarter.", dct=DCT, tense=lambda s, e: "past")
    assert [t.value for t in past] == ["2023-Q4"]
    assert [t.value for t in future] == ["2024-Q4"]


TIME_WORDS = [
    "night",
    "morning",
    "afternoon",
    "noon",
    "midday",
    "daily",
    "weekly",
    "a time",
    "a while",
    "mid morning",
    "in the night",
    "every week",
    "May 5",
    "2024",
    "the 1990s",
    "20th century",
    "the twenties",
    "days-long",
    "last week",
    "two days ago",
    "now",
    "current",
    "recent",
    "today",
    "5 p.m.",
    "14:30 GMT",
    "a year",
    "three months",
    "Monday",
    "summer",
    "the coming months",
    "once",
    "times",
]
glue = st.sampled_from(["", "", " ", "  ", ", ", ". ", "-", "x", "ab", "9", "é", "\n"])
pieces = st.one_of(st.sampled_from(TIME_WORDS), st.text(alphabet="abcdeilmnorstuyADMNT0123456789", max_size=4), glue)


def _continues_word(a: str, b: str) -> bool:
    return a.isalnum() and b.isalnum()


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=14).map("".join))
def test_no_timex_starts_or_ends_inside_a_word(text: str) -> None:
    for timex in find_timexes(text, dct=DCT):
        assert text[timex.start : timex.end] == timex.text
        if timex.start > 0:
            assert not _continues_word(text[timex.start - 1], text[timex.start]), (text, timex)
        if timex.end < len(text):
            assert not _continues_word(text[timex.end - 1], text[timex.end]), (text, timex)


# --- Unicode case ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "in the mornıng",
        "two dayſ ago",
        "every mornİng",
        "three ſeconds",
        "the ſixties",
        "in the ſummer",
        "noon Yeſterday",
        "nıneteen nınety",
        "İn the morning",
    ],
)
def test_letters_that_fold_to_ascii_do_not_raise(text: str) -> None:
    # the bug: KeyError on dotless ı, dotted İ and long ſ (str.lower() did not give the letter re matched)
    found = find_timexes(text, dct=DCT)
    assert found, text
    for timex in found:
        assert text[timex.start : timex.end] == timex.text
    assert found == find_timexes_reference(text, dct=DCT)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(), st.lists(st.one_of(st.sampled_from(TIME_WORDS), st.text(max_size=3)), max_size=8).map(" ".join)
    )
)
def test_any_unicode_text_never_raises_and_stays_inside(text: str) -> None:
    for timex in find_timexes(text, dct=DCT):
        assert 0 <= timex.start < timex.end <= len(text)
        assert text[timex.start : timex.end] == timex.text
