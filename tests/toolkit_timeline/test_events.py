"""Events from timexes, and the corpus step that links them to entities and quotes (hand-built tables)."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.registry import StepContext
from toolkit_timeline.component import event_rows
from toolkit_timeline.step import corpus_step, link_events

TEXT = "Talks began on December 30 and January 2. Nothing dated here. Then it ended."


def _timex(start, end, value_start, value_end, granularity="day", type_="DATE", value=None):
    return {
        "start": start,
        "end": end,
        "text": TEXT[start:end],
        "type": type_,
        "value": value or value_start,
        "value_start": value_start,
        "value_end": value_end,
        "granularity": granularity,
        "anchor": "dct",
    }


SENTENCES = [(0, 41), (42, 61), (62, 76)]
TIMEXES = [
    _timex(15, 26, "2023-12-30", "2023-12-30"),
    _timex(31, 40, "2024-01-02", "2024-01-02"),
    _timex(62, 66, "2024-01-02", "2024-01-02"),
]


def test_each_distinct_date_of_a_sentence_is_an_event_and_undated_sentences_are_not():
    rows = event_rows("a1", TEXT, SENTENCES, TIMEXES)
    assert [(r["start"], r["date_start"]) for r in rows] == [(0, "2023-12-30"), (0, "2024-01-02"), (62, "2024-01-02")]
    assert rows[0]["sentence"] == TEXT[0:41]


def test_event_ids_are_deterministic_and_distinct():
    first = [r["event_id"] for r in event_rows("a1", TEXT, SENTENCES, TIMEXES)]
    again = [r["event_id"] for r in event_rows("a1", TEXT, SENTENCES, TIMEXES)]
    other = [r["event_id"] for r in event_rows("a2", TEXT, SENTENCES, TIMEXES)]
    assert first == again and len(set(first)) == 3 and not set(first) & set(other)


def test_refs_durations_without_dates_and_sets_are_not_events():
    timexes = [
        _timex(0, 5, None, None, type_="DATE", value="PAST_REF"),
        _timex(6, 10, None, None, type_="DURATION", value="P3D"),
        _timex(11, 14, "2024-01-01", "2024-01-01", type_="SET", value="P1D"),
    ]
    assert event_rows("a1", TEXT, SENTENCES, timexes) == []


def test_a_repeated_date_in_one_sentence_counts_once():
    timexes = [_timex(15, 26, "2023-12-30", "2023-12-30"), _timex(27, 30, "2023-12-30", "2023-12-30")]
    assert len(event_rows("a1", TEXT, SENTENCES, timexes)) == 1


@pytest.fixture
def tables():
    events = pd.DataFrame(event_rows("a1", TEXT, SENTENCES, TIMEXES)).assign(article_id="a1")
    mentions = pd.DataFrame(
        [
            {"article_id": "a1", "start": 0, "end": 5, "text": "Talks", "label": "EVENT", "entity_id": "E1"},
            {"article_id": "a1", "start": 62, "end": 66, "text": "Then", "label": "X", "entity_id": "E2"},
            {"article_id": "a1", "start": 40, "end": 45, "text": "xx", "label": "X", "entity_id": "E3"},  # crosses
            {"article_id": "a2", "start": 0, "end": 5, "text": "Other", "label": "ORG", "entity_id": "E4"},
            {"article_id": "a1", "start": 6, "end": 11, "text": "began", "label": "X", "entity_id": None},
        ]
    )
    quotes = pd.DataFrame([{"quote_id": "Q1", "article_id": "a1", "content_start": 30, "content_end": 50}])
    return {"events": events, "mentions": mentions, "quotes": quotes}


def test_corpus_step_links_entities_inside_the_sentence_and_overlapping_quotes(tables):
    changed = corpus_step(tables, StepContext())
    events = changed["events"]
    assert events["entity_ids"].tolist() == [["E1"], ["E1"], ["E2"]]
    assert events["quote_ids"].tolist() == [["Q1"], ["Q1"], []]


def test_corpus_step_without_mentions_leaves_entity_ids_empty(tables):
    changed = corpus_step({"events": tables["events"]}, StepContext())
    assert changed["events"]["entity_ids"].tolist() == [[], [], []]


def test_corpus_step_with_no_events_changes_nothing():
    assert corpus_step({"events": pd.DataFrame()}, StepContext()) == {}


def test_link_events_keeps_event_order_and_columns(tables):
    linked = link_events(tables["events"], tables["mentions"])
    assert linked["event_id"].tolist() == tables["events"]["event_id"].tolist()
    assert set(tables["events"].columns) <= set(linked.columns)
