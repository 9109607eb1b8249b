"""The stories view and renderer: on hand-made tables (escaping, selection) and on the bundled sample."""

from __future__ import annotations

import pytest
import toolkit_stories
from toolkit_stories.views import (
    render_stories,
    render_story_report,
    stories_chart,
    stories_view,
    story_chart_data,
    story_rows,
)

import toolkit
from toolkit.sdk import Selection, conform


@pytest.fixture()
def corpus():
    articles = conform(
        "articles",
        [
            {
                "article_id": "a1",
                "title": "<b>Dam</b> bursts",
                "outlet": "Orin Wire",
                "published": "2031-04-02",
                "text": "x",
                "story_id": "story-1",
            },
            {
                "article_id": "a2",
                "title": "Dam copy",
                "outlet": "Kessock Post",
                "published": "2031-04-03",
                "text": "x",
                "story_id": "story-1",
                "duplicate_of": "a1",
            },
            {
                "article_id": "a3",
                "title": "Tarsk votes",
                "outlet": "Tarsk Daily",
                "published": "2031-05-01",
                "text": "y",
                "story_id": "story-2",
            },
        ],
    )
    stories = conform(
        "stories",
        [
            {
                "story_id": "story-1",
                "label": "<script>alert(1)</script> dam",
                "article_ids": ["a1", "a2"],
                "date_start": "2031-04-02",
                "date_end": "2031-04-03",
                "entity_ids": ["E1"],
                "duplicates": ["a2"],
            },
            {
                "story_id": "story-2",
                "label": "Tarsk votes",
                "article_ids": ["a3"],
                "date_start": "2031-05-01",
                "date_end": "2031-05-01",
                "entity_ids": ["E2"],
                "duplicates": [],
            },
        ],
    )
    entities = conform(
        "entities",
        [
            {"entity_id": "E1", "name": "Velmora & Co", "label": "ORG"},
            {"entity_id": "E2", "name": "Imre Salvik", "label": "PERSON"},
        ],
    )
    mentions = conform(
        "mentions",
        [
            {"article_id": "a1", "start": 0, "end": 1, "text": "x", "label": "ORG", "entity_id": "E1"},
            {"article_id": "a3", "start": 0, "end": 1, "text": "y", "label": "PERSON", "entity_id": "E2"},
        ],
    )
    return toolkit.Corpus({"articles": articles, "stories": stories, "entities": entities, "mentions": mentions})


def test_renderer_escapes_labels_names_and_titles(corpus):
    page = render_stories(corpus, Selection(articles=["a1", "a2"]))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Velmora &amp; Co" in page
    assert "&lt;b&gt;Dam&lt;/b&gt; bursts" in page  # the picked story's articles are listed, escaped


def test_rows_follow_the_selected_entities_and_dates(corpus):
    assert story_rows(corpus, Selection(entities=["E2"]))["story_id"].tolist() == ["story-2"]
    assert story_rows(corpus, Selection(date_range=("2031-04-01", "2031-04-30")))["story_id"].tolist() == ["story-1"]
    assert len(story_rows(corpus, None)) == 2


def test_picking_a_story_selects_its_articles_and_clearing_lets_go(corpus):
    selection = Selection()
    view = stories_view(corpus, selection)
    view.picker.value = "story-1"
    assert selection.articles == ["a1", "a2"]
    assert "Kessock Post" in view.html.value
    selection.clear()
    assert view.picker.value == ""
    assert len(view.rows()) == 2


def test_chart_data_has_a_dot_per_dated_article_and_marks_copies(corpus):
    data = story_chart_data(corpus, story_rows(corpus))
    assert sorted(data["published"]) == ["2031-04-02", "2031-04-03", "2031-05-01"]
    assert data.set_index("title").loc["Dam copy", "copy"] == "copy"
    # the biggest story gets the first row of the chart
    assert data.sort_values("rank")["story_id"].iloc[0] == "story-1"
    spec = stories_chart(data).to_dict()
    assert len(next(iter(spec["datasets"].values()))) == 3


def test_chart_leaves_out_undated_articles(corpus):
    undated = corpus.articles.assign(published=[None, "2031-04-03", "2031-05-01"])
    data = story_chart_data(toolkit.Corpus({**corpus.tables, "articles": undated}), story_rows(corpus))
    assert "<b>Dam</b> bursts" not in set(data["title"]) and len(data) == 2


def test_report_section_lists_every_story_with_its_articles_and_copies(corpus):
    page = render_story_report(corpus)
    assert page == render_stories(corpus, static=True)  # the report calls the renderer with static=True
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; dam" in page
    assert "Tarsk Daily" in page and "Kessock Post" in page  # both stories' articles, with no pick
    # the copy names the outlet and date of the article it copies
    assert "copy of" in page and "Orin Wire, 2031-04-02" in page and "1 copy of another outlet" in page
    assert "<svg" in page or "vl-convert" in page


def test_view_draws_the_chart_and_keeps_it_when_the_selection_moves(corpus):
    selection = Selection()
    view = stories_view(corpus, selection)
    assert len(view.chart.children) == 1
    chart = view.chart.children[0]
    selection.entities = ["E2"]
    assert view.chart.children == (chart,)  # the same widget, its rows swapped
    rows = next(iter(chart.spec["datasets"].values()))
    assert {r["story_id"] for r in rows} == {"story-2"}


def test_a_click_on_a_dot_of_the_chart_picks_its_story(corpus):
    from altair.jupyter.jupyter_chart import PointSelection

    selection = Selection()
    view = stories_view(corpus, selection)
    chart = view.chart.children[0]
    # what the front end does on a click (Python may not set a selection; Altair's own setter may)
    chart.selections._set_value("pick", PointSelection(name="pick", value=[{"story_id": "story-2"}], store=[]))
    assert selection.articles == ["a3"] and view.picker.value == "story-2"


def test_a_corpus_without_stories_says_so():
    empty = toolkit.Corpus({"articles": conform("articles", [{"article_id": "a", "text": "x"}])})
    assert "has not run" in render_stories(empty)


@pytest.mark.slow
def test_view_and_renderer_on_the_bundled_sample(tmp_path):
    from toolkit.registry import registry

    if "stories" not in registry.names():
        registry.register(toolkit_stories.plugin)  # the conftest fixture unregisters it afterwards
    sample = toolkit.sample_corpus()
    corpus = sample.analyze(out=tmp_path / "out", quiet=True)
    stories = corpus["stories"]
    assert len(stories) >= 1
    assert sorted(a for ids in stories["article_ids"] for a in ids) == sorted(corpus.articles["article_id"])
    assert corpus.articles["story_id"].notna().all()
    selection = Selection()
    view = stories_view(corpus, selection)
    assert len(view.rows()) == len(stories)
    biggest = stories.iloc[0]
    view.picker.value = biggest["story_id"]
    assert sorted(selection.articles) == sorted(biggest["article_ids"])
    page = toolkit.render(corpus, "stories")
    assert "<section" in page and "Stories" in page
    reopened = toolkit.open(tmp_path / "out")
    assert reopened["stories"]["story_id"].tolist() == stories["story_id"].tolist()
