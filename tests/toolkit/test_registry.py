import subprocess
import sys
import textwrap

import pytest

from toolkit import errors
from toolkit.registry import Plugin, PluginRegistry


def fresh(*plugins):
    reg = PluginRegistry(entry_point_group=None)
    for plugin in plugins:
        reg.register(plugin)
    return reg


def test_resolve_orders_plugins_after_what_they_need():
    reg = fresh(
        Plugin(name="claims", requires=("quotes",), provides=("claims",)),
        Plugin(name="quotes", uses=("mentions",), provides=("quotes",)),
        Plugin(name="ents", provides=("mentions", "entities")),
    )
    assert [p.name for p in reg.resolve()] == ["ents", "quotes", "claims"]


def test_missing_requirement_names_the_plugin_that_provides_it():
    reg = fresh(
        Plugin(name="claims", requires=("quotes.speaker_entity_id",), provides=("claims",)),
        Plugin(name="quotes", provides=("quotes",)),
    )
    with pytest.raises(errors.MissingRequirementError, match="Enable plugin 'quotes'"):
        reg.resolve(["claims"])
    with pytest.raises(errors.MissingRequirementError, match="No installed plugin provides it"):
        fresh(Plugin(name="lonely", requires=("nothing",))).resolve()


def test_cycles_are_reported():
    reg = fresh(
        Plugin(name="a", requires=("b_out",), provides=("a_out",)),
        Plugin(name="b", requires=("a_out",), provides=("b_out",)),
    )
    with pytest.raises(errors.PluginCycleError, match="a -> b -> a"):
        reg.resolve()


def test_unknown_plugin_lists_available_names():
    with pytest.raises(KeyError, match="Available plugins: known"):
        fresh(Plugin(name="known")).get("unknown")


def test_register_twice_needs_replace_and_enabled_is_temporary():
    reg = fresh(Plugin(name="x"))
    with pytest.raises(ValueError, match="replace=True"):
        reg.register(Plugin(name="x"))
    reg.register(Plugin(name="x", version="2"), replace=True)
    assert reg.get("x").version == "2"
    with reg.enabled(Plugin(name="temp")):
        assert "temp" in reg.names()
    assert "temp" not in reg.names()


@pytest.fixture
def throwaway_dist(tmp_path, monkeypatch):
    """A plugin installed the way a third party would: a distribution with an entry point."""
    (tmp_path / "throwaway_plugin.py").write_text(
        textwrap.dedent("""
        from toolkit.registry import Plugin

        def extract(doc, article, options):
            return {"word_counts": [{"n_tokens": len(doc), "n_sentences": len(list(doc.sents))}]}

        plugin = Plugin(name="wordcount", version="0.1", provides=("word_counts",), extract=extract,
                        description="counts tokens per article")
    """)
    )
    dist = tmp_path / "throwaway-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: throwaway\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[presslens.plugins]\nwordcount = throwaway_plugin:plugin\nbroken = throwaway_plugin:does_not_exist\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_entry_point_plugin_is_discovered_and_run(throwaway_dist, tmp_path, monkeypatch):
    import toolkit.pipeline

    reg = PluginRegistry()
    assert "wordcount" in reg.names()
    assert "broken" in reg.load_errors  # a broken plugin is reported, the others still load
    monkeypatch.setattr(toolkit.pipeline, "registry", reg)
    corpus = toolkit.pipeline.analyze(
        [toolkit.Article(article_id="a", text="One sentence here. And another one.")],
        plugins=["wordcount"],
        quiet=True,
        out=tmp_path / "out",
    )
    counts = corpus.table("word_counts")
    assert counts.loc[0, "article_id"] == "a" and counts.loc[0, "n_sentences"] == 2
    assert (tmp_path / "out" / "word_counts.parquet").exists()


def test_importing_toolkit_loads_no_spacy_altair_or_plugins():
    code = (
        "import sys, toolkit; toolkit.__all__; "
        "print(sorted(m for m in ('spacy','altair','ipywidgets','toolkit_entities','toolkit_quotes')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
