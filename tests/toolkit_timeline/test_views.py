"""The timeline view and renderer on a hand-built corpus: selection round trips, scale, escaping."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from toolkit.pipeline import Corpus
from toolkit.views import Selection
from toolkit_timeline.views import date_range_from_brush, render_timeline, timeline_chart, timeline_view

EVIL = "<script>alert('x')</script>"


def _corpus(n_events: int = 4) -> Corpus:
    articles = pd.DataFrame(
        [
            {
                "article_id": "a1",
                "path": None,
                "title": f"Title {EVIL}",
                "outlet": f"Outlet {EVIL}",
                "published": "2023-10-19",
                "published_source": "metadata",
                "text": f"Talks {EVIL} began.",
            },
            {
                "article_id": "a2",
                "path": None,
                "title": "Second",
                "outlet": "Wire",
                "published": "2024-01-14",
                "published_source": "metadata",
                "text": "Second text.",
            },
        ]
    )
    entities = pd.DataFrame(
        [
            {
                "entity_id": "E1",
                "name": f"Name {EVIL}",
                "label": "PERSON",
                "aliases": [],
                "n_mentions": 1,
                "n_articles": 1,
            },
            {"entity_id": "E2", "name": "Moscow", "label": "GPE", "aliases": [], "n_mentions": 1, "n_articles": 1},
        ]
    )
    days = pd.date_range("2023-09-12", periods=n_events, freq="D")
    events = pd.DataFrame(
        {
            "event_id": [f"ev{i}" for i in range(n_events)],
            "article_id": ["a1" if i % 2 == 0 else "a2" for i in range(n_events)],
            "start": 0,
            "end": 10,
            "date_start": [d.date().isoformat() for d in days],
            "date_end": [(d + pd.Timedelta(days=5 if i == 1 else 0)).date().isoformat() for i, d in enumerate(days)],
            "granularity": "day",
            "timex_start": 0,
            "timex_end": 4,
            "entity_ids": [["E1"] if i % 2 == 0 else ["E2"] for i in range(n_events)],
            "sentence": [f"Sentence {i} {EVIL}" for i in range(n_events)],
            "timex_text": "Friday",
        }
    )
    return Corpus({"articles": articles, "entities": entities, "events": events})


def _ms(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000


def test_chart_spec_has_brush_pick_rows_and_reported_panel():
    spec = timeline_chart(_corpus(), Selection()).to_dict()
    text = str(spec)
    assert "'brush'" in text and "'pick'" in text
    assert "Reported on vs happened on" in text and "reported on" in text
    assert "group" in text  # one row per entity


def test_large_corpus_is_aggregated_under_the_row_limit():
    corpus = _corpus(100_000)
    chart = timeline_chart(corpus, Selection(), max_points=5000)
    spec = chart.to_dict()  # the default data transformer raises above 5 000 rows: it must not
    [dataset] = spec["datasets"].values()
    assert 0 < len(dataset) <= 5000
    assert sum(row["count"] for row in dataset) == 100_000


def test_brush_sets_the_shared_date_range_and_clearing_it_resets():
    selection = Selection()
    view = timeline_view(_corpus(), selection)
    chart = view.chart
    # what the front end sends when the reader brushes the x axis (as Altair's own JupyterChart tests do)
    chart._vl_selections = {"brush": {"value": {"start": [_ms("2023-09-13"), _ms("2023-09-14")]}, "store": []}}
    assert selection.date_range == ("2023-09-13", "2023-09-14")
    assert set(view.rows()["event_id"]) == {"ev1", "ev2"}  # ev1 runs from 09-13 to 09-18; ev0 is 09-12
    chart._vl_selections = {"brush": {"value": {}, "store": []}}
    assert selection.date_range is None
    assert len(view.rows()) == 4


def test_click_on_an_event_selects_its_dates_and_article():
    selection = Selection()
    view = timeline_view(_corpus(), selection)
    view.chart._vl_selections = {"pick": {"value": {"vlPoint": {"or": [{"event_id": "ev1"}]}}, "store": []}}
    assert selection.date_range == ("2023-09-13", "2023-09-18")
    assert selection.articles == ["a2"]
    assert view.picked_events == ["ev1"]


def test_rows_follow_the_entity_selection_and_the_chart_is_rebuilt():
    selection = Selection()
    view = timeline_view(_corpus(), selection)
    selection.entities = ["E2"]
    assert view.rows()["event_id"].tolist() == ["ev1", "ev3"]
    [dataset] = view.chart.spec["datasets"].values()  # the spec is what the front end draws
    assert {row["event_id"] for row in dataset} == {"ev1", "ev3"}


def test_colour_by_outlet_toggle():
    view = timeline_view(_corpus(), Selection())
    view.color.value = "outlet"
    [dataset] = view.chart.spec["datasets"].values()
    assert {row["group"] for row in dataset} == {f"Outlet {EVIL}", "Wire"}


def test_unknown_colour_is_a_clear_error():
    with pytest.raises(ValueError, match="choose one of entity, outlet"):
        timeline_chart(_corpus(), Selection(), color="mood")


def test_static_render_is_svg_with_everything_escaped():
    html = render_timeline(_corpus(), Selection())
    assert "<svg" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_static_render_follows_the_selection():
    html = render_timeline(_corpus(), Selection(entities=["E2"]))
    assert "Sentence 1" in html and "Sentence 0" not in html


def test_brush_value_conversion():
    assert date_range_from_brush({"start": ["2023-10-20T00:00:00", "2023-10-01"]}) == ("2023-10-01", "2023-10-20")
    assert date_range_from_brush(None) is None


def test_brushing_still_reaches_the_selection_after_a_redraw_and_the_redraw_keeps_the_range():
    # regression: replacing the chart replaced chart.selections, so brushing stopped working after the
    # first entity change; and a chart embedded again reports an empty brush, which must not clear the range
    selection = Selection()
    view = timeline_view(_corpus(), selection)
    chart = view.chart
    chart._vl_selections = {"brush": {"value": {"start": [_ms("2023-09-13"), _ms("2023-09-14")]}, "store": []}}
    chart.updates_rows = False  # as a chart without the row updates: every change embeds it again
    selection.entities = ["E2"]  # the chart is redrawn
    chart._vl_selections = {"brush": {"value": {}, "store": []}}  # what the front end sends after redrawing
    assert selection.date_range == ("2023-09-13", "2023-09-14")
    assert view.rows()["event_id"].tolist() == ["ev1"]
    chart._vl_selections = {"brush": {"value": {"start": [_ms("2023-09-12"), _ms("2023-09-15")]}, "store": []}}
    assert selection.date_range == ("2023-09-12", "2023-09-15")
    chart._vl_selections = {"brush": {"value": {}, "store": []}}  # the reader clears the brush
    assert selection.date_range is None


def test_an_entity_change_updates_the_timeline_rows_in_place_and_the_brush_stays_the_readers():
    selection = Selection()
    view = timeline_view(_corpus(), selection)
    chart = view.chart
    chart._vl_selections = {"brush": {"value": {"start": [_ms("2023-09-13"), _ms("2023-09-14")]}, "store": []}}
    before = chart.spec
    selection.entities = ["E2"]
    # only the rows changed: the front end updates them in the drawn chart, whose brush stays
    assert chart.spec["datasets"] != before["datasets"]
    assert {**chart.spec, "datasets": None} == {**before, "datasets": None}
    assert selection.date_range == ("2023-09-13", "2023-09-14")
    chart._vl_selections = {"brush": {"value": {}, "store": []}}  # so an empty brush is the reader clearing it
    assert selection.date_range is None
