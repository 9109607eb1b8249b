"""The recogniser and normaliser without spaCy: table-driven cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_timeline.rules import Timex, find_timexes, parse_dct


def _past(start: int, end: int) -> str:
    return "past"


def _future(start: int, end: int) -> str:
    return "future"


def _values(text: str, dct: str | None, tense=None) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in find_timexes(text, dct=dct, tense=tense)]


CASES = [
    # (text, dct, tense, expected (text, type, value) subset)
    (
        "They met on December 30 and January 2.",
        "2024-01-14",
        _past,
        [("December 30", "DATE", "2023-12-30"), ("January 2", "DATE", "2024-01-02")],
    ),
    ("Lavrov visited last October.", "2024-01-14", _past, [("last October", "DATE", "2023-10")]),
    ("He said on Thursday.", "2023-10-19", _past, [("Thursday", "DATE", "2023-10-19")]),
    ("The visit begins on Monday.", "2024-01-14", None, [("Monday", "DATE", "2024-01-15")]),
    ("The talks will resume on Monday.", "2024-01-17", _future, [("Monday", "DATE", "2024-01-22")]),
    ("It happened last week.", "2024-01-14", _past, [("last week", "DATE", "2024-W01")]),
    ("Earlier this week, they denied it.", "2023-10-19", _past, [("Earlier this week", "DATE", "2023-W42")]),
    (
        "A year and a half ago the pipeline was hit.",
        "2024-01-23",
        _past,
        [("A year and a half ago", "DATE", "2022-07")],
    ),
    ("Three days ago it rained.", "2024-03-02", _past, [("Three days ago", "DATE", "2024-02-28")]),
    ("Containers moved since the summer.", "2024-01-14", _past, [("the summer", "DATE", "2023-SU")]),
    ("It was popular in the 1990s.", "2024-01-14", _past, [("the 1990s", "DATE", "199")]),
    ("Profit rose in the third quarter.", "1989-10-26", _past, [("the third quarter", "DATE", "1989-Q3")]),
    ("The offer expires at 5 p.m. tomorrow.", "2024-01-14", None, [("tomorrow", "DATE", "2024-01-15")]),
    ("They talked for three days.", None, None, [("three days", "DURATION", "P3D")]),
    ("The report is published weekly.", None, None, [("weekly", "SET", "P1W")]),
    ("Shops open every Sunday.", None, None, [("every Sunday", "SET", "XXXX-WXX-7")]),
    ("Inflation is high now.", "2024-01-14", None, [("now", "DATE", "PRESENT_REF")]),
    ("In 2022, the country agreed.", "2024-01-14", _past, [("2022", "DATE", "2022")]),
    ("It closed on March 3, 2021.", "2024-01-14", _past, [("March 3, 2021", "DATE", "2021-03-03")]),
    ("The deal was signed on 18 October 2023.", None, None, [("18 October 2023", "DATE", "2023-10-18")]),
    ("He arrived on October 18.", None, _past, [("October 18", "DATE", "XXXX-10-18")]),
    ("He arrived on Friday.", None, _past, [("Friday", "DATE", "XXXX-WXX-5")]),
    ("The ceasefire starts on December 28 and lasts.", "2023-12-20", _future, [("December 28", "DATE", "2023-12-28")]),
]


@pytest.mark.parametrize("text,dct,tense,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_normalisation(text, dct, tense, expected):
    found = _values(text, dct, tense)
    for item in expected:
        assert item in found, f"{item} not in {found}"


def test_range_across_a_new_year_marks_both_ends_and_the_first_carries_the_interval():
    first, last = find_timexes("Talks ran from December 28 to January 3.", dct="2024-01-14", tense=_past)
    assert (first.text, last.text) == ("December 28", "January 3")
    assert (first.value_start, first.value_end) == ("2023-12-28", "2024-01-03")
    assert last.value == "2024-01-03"


def test_day_range_within_a_month():
    [timex] = find_timexes("The visit lasted from September 12 to 17.", dct="2023-10-19", tense=_past)
    assert timex.text == "September 12 to 17"
    assert (timex.value_start, timex.value_end) == ("2023-09-12", "2023-09-17")


def test_event_anchored_expressions_use_the_last_date_of_the_narrative():
    text = "On January 17, the spokesman spoke. The day before, the leaders met. Two days later, they left."
    found = {t.text: t for t in find_timexes(text, dct="2024-01-23", tense=_past)}
    assert found["The day before"].value == "2024-01-16"
    assert found["The day before"].anchor == "narrative"
    assert found["Two days later"].value == "2024-01-18"


def test_gap_after_a_noun_phrase_is_a_duration_that_lands_on_a_date():
    text = "The summit took place on March 3. A month after the summit, troops moved."
    [gap] = [t for t in find_timexes(text, dct="2024-06-01", tense=_past) if t.type == "DURATION"]
    assert (gap.text, gap.value) == ("A month", "P1M")
    assert gap.value_start == "2024-04-01"  # the month it lands on


def test_then_takes_the_date_of_the_narrative():
    text = "The leaders held talks on September 13. Then the president spoke."
    found = {t.text: t.value for t in find_timexes(text, dct="2023-10-19", tense=_past)}
    assert found["Then"] == "2023-09-13"


def test_weekday_in_past_tense_goes_back_and_future_goes_forward():
    past = find_timexes("They met on Friday.", dct="2024-01-17", tense=_past)[0]
    future = find_timexes("They meet on Friday.", dct="2024-01-17", tense=_future)[0]
    assert (past.value, future.value) == ("2024-01-12", "2024-01-19")


def test_without_a_publication_date_the_unknown_parts_stay_unknown():
    timexes = find_timexes("It ended yesterday, last October.", dct=None, tense=_past)
    assert [t.anchor for t in timexes] == ["none", "none"]
    assert [t.value for t in timexes] == ["XXXX-XX-XX", "XXXX-10"]


@pytest.mark.parametrize(
    "text",
    [
        "The 6-year-old boy",
        "He may come",
        "Jan Kavan said",
        "prices fall sharply",
        "the current account",
        "a quarter of the shares",
        "on CBS's 60 Minutes",
    ],
)
def test_not_temporal(text):
    assert find_timexes(text, dct="2024-01-14") == []


def test_parse_dct_accepts_datetimes_and_rejects_junk():
    from datetime import datetime

    assert str(parse_dct(datetime(2024, 1, 2, 13))) == "2024-01-02"
    assert parse_dct("January") is None


def test_type_error_names_what_was_expected():
    with pytest.raises(TypeError, match="as str"):
        find_timexes(b"bytes")  # type: ignore[arg-type]


_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:-'/\n")
    + [
        "January ",
        "Friday ",
        "last ",
        "next ",
        "week ",
        "ago ",
        "later ",
        "the ",
        "day ",
        "before ",
        "1990",
        " 2023",
        "-",
        " and ",
        " to ",
        "12",
        "31",
        "a.m.",
        "then ",
        "summer ",
        "quarter ",
        "year ",
        "Sept. ",
        "since ",
        "every ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(_ALPHABET, max_size=40).map("".join),
    dct=st.sampled_from([None, "2024-01-14", "0001-01-01", "9999-12-31", "2000-02-29"]),
)
def test_random_text_never_raises_and_spans_lie_inside(text, dct):
    for timex in find_timexes(text, dct=dct):
        assert isinstance(timex, Timex)
        assert 0 <= timex.start < timex.end <= len(text)
        assert text[timex.start : timex.end] == timex.text
        assert timex.type in ("DATE", "TIME", "DURATION", "SET")
        assert timex.value


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_unicode_never_raises(text):
    for timex in find_timexes(text, dct="2024-01-14"):
        assert text[timex.start : timex.end] == timex.text
