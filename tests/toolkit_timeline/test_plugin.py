"""The plugin record and a whole run through the pipeline (the sample articles when present)."""

from __future__ import annotations

from pathlib import Path

import pytest

import toolkit
import toolkit_timeline
from toolkit.registry import PluginRegistry
from toolkit.schemas import SCHEMAS

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sample-news"


def test_plugin_declares_what_it_provides_and_uses():
    plugin = toolkit_timeline.plugin
    assert plugin.name == "timeline"
    assert plugin.provides == ("timexes", "events")
    assert set(plugin.uses) == {"mentions", "entities", "quotes"}
    assert plugin.component == "presslens_timexes"
    assert "timeline" in plugin.views and "timeline" in plugin.renderers


def test_plugin_resolves_alone_in_a_fresh_registry():
    registry = PluginRegistry(entry_point_group=None)
    registry.register(toolkit_timeline.plugin)
    assert [p.name for p in registry.resolve(["timeline"])] == ["timeline"]


def test_plugin_runs_after_entities_and_quotes_when_they_are_enabled():
    from toolkit.registry import Plugin

    registry = PluginRegistry(entry_point_group=None)
    registry.register(toolkit_timeline.plugin)
    registry.register(Plugin(name="entities", provides=("mentions", "entities")))
    registry.register(Plugin(name="quotes", provides=("quotes",)))
    order = [p.name for p in registry.resolve(["timeline", "quotes", "entities"])]
    assert order.index("timeline") > order.index("entities") and order.index("timeline") > order.index("quotes")


@pytest.mark.slow
def test_analyze_sample_articles_writes_contract_tables(tmp_path):
    if not (SAMPLE / "metadata.csv").exists():
        pytest.skip(f"the sample articles are not at {SAMPLE}")
    from toolkit.registry import registry

    with registry.enabled(toolkit_timeline.plugin):
        corpus = toolkit.analyze(
            SAMPLE, metadata=SAMPLE / "metadata.csv", plugins=["timeline"], out=tmp_path, quiet=True
        )
    for table in ("timexes", "events"):
        assert list(corpus.tables[table].columns[: len(SCHEMAS[table])]) == list(SCHEMAS[table])
        assert (tmp_path / f"{table}.parquet").exists()
    timexes = corpus.timexes
    articles = corpus.articles.set_index("article_id")["text"]
    for row in timexes.itertuples():
        assert articles[row.article_id][row.start : row.end] == row.text
    events = corpus.events
    assert events["event_id"].is_unique
    assert set(events["granularity"]) <= {
        "day",
        "week",
        "weekend",
        "month",
        "season",
        "quarter",
        "half",
        "year",
        "decade",
        "century",
    }
    assert (events["date_start"] <= events["date_end"]).all()
