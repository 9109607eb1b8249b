"""The example third-party plugin (``examples/presslens-amounts``) works as one: installed, found, shown.

``make setup`` installs it (``pip install -e examples/presslens-amounts``), as a
user installs a plugin; nothing in PressLens names it. These tests fail, not
skip, when it is missing: CI must see it discovered and in the dashboard.
"""

from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit import views as V
from toolkit.registry import registry

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "presslens-amounts"
INSTALL = f"pip install -e {EXAMPLE.relative_to(REPO)} (make setup does it)"
# the standard plugins are the packages under plugins/ (toolkit_<name>), whatever their number
STANDARD = tuple(sorted(path.name.removeprefix("toolkit_") for path in (REPO / "plugins").glob("toolkit_*")))


def test_found_through_its_entry_points():
    plugins = {ep.name: ep.value for ep in md.entry_points(group="presslens.plugins")}
    assert plugins.get("amounts") == "presslens_amounts:plugin", f"the example is not installed: {INSTALL}"
    factories = {ep.name: ep.value for ep in md.entry_points(group="spacy_factories")}
    assert factories.get("presslens_amounts") == "presslens_amounts.component:make_amounts"
    assert "amounts" in registry.names(), f"registry load errors: {registry.load_errors}"
    assert "amounts" not in registry.load_errors


def test_installed_from_this_checkout():
    import presslens_amounts

    assert Path(presslens_amounts.__file__).resolve().is_relative_to(EXAMPLE.resolve()), (
        f"presslens_amounts comes from {presslens_amounts.__file__}, not {EXAMPLE}: {INSTALL}"
    )


def test_its_spec_imports_neither_spacy_nor_its_code():
    """Registering the plugin costs nothing: its __init__ only declares lazy targets."""
    code = (
        "import sys, presslens_amounts; "
        "print(sorted(m for m in ('spacy', 'altair', 'presslens_amounts.component', 'presslens_amounts.views') "
        "if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert found.stdout.strip() == "[]", found.stdout + found.stderr


def test_it_adds_its_own_table_only():
    plugin = registry.get("amounts")
    assert plugin.provides == ("amounts",)
    standard = {table for name in STANDARD for table in registry.get(name).provides}
    assert not set(plugin.provides) & (standard | {"articles"})


CASES = [
    ("Exports fell 12 per cent to $1.5 billion.", [("12 per cent", 12.0, "percent"), ("$1.5 billion", 1.5e9, "USD")]),
    ("The port handled 3,000 containers.", [("3,000 containers", 3000.0, "containers")]),
    ("Twenty-five people walked 40 km.", [("Twenty-five people", 25.0, "people"), ("40 km", 40.0, "km")]),
    ("It costs £300m, or 5bn euros.", [("£300m", 3e8, "GBP"), ("5bn euros", 5e9, "EUR")]),
    ("In 2024 talks, one official spoke at 10am.", []),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[text for text, _ in CASES])
def test_its_component_works_in_a_plain_spacy_pipeline(text, expected):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("presslens_amounts")  # found through the spacy_factories entry point
    doc = nlp(text)
    found = [(a.text, a.value, a.unit) for a in doc._.presslens_amounts]
    assert found == expected
    assert all(doc.text[a.start : a.end] == a.text for a in doc._.presslens_amounts)


def test_its_view_and_renderer_are_in_the_dashboard_catalogue():
    assert "amounts" in V.views()
    assert "amounts" in V.renderers()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The bundled sample analysed with the standard plugins only, and with the example too."""
    sample = toolkit.sample_corpus()
    standard = toolkit.analyze(
        sample.folder,
        metadata=sample.metadata,
        plugins=list(STANDARD),
        quiet=True,
        out=tmp_path_factory.mktemp("standard"),
    )
    everything = toolkit.analyze(
        sample.folder, metadata=sample.metadata, quiet=True, out=tmp_path_factory.mktemp("all")
    )
    return standard, everything


@pytest.mark.slow
def test_on_the_bundled_sample_it_finds_amounts_at_their_characters(runs):
    _, corpus = runs
    amounts = corpus.table("amounts")
    assert len(amounts) > 0
    assert set(amounts["kind"]) <= {"money", "percent", "measure", "count"}
    texts = corpus.articles.set_index("article_id")["text"]
    assert all(texts[row.article_id][row.start : row.end] == row.text for row in amounts.itertuples())
    assert (amounts["n_articles"] >= 1).all()


@pytest.mark.slow
def test_the_standard_tables_do_not_change(runs):
    standard, everything = runs
    for name in standard.tables:
        assert name in everything.tables, name
        pd.testing.assert_frame_equal(standard.table(name), everything.table(name), obj=name)


@pytest.mark.slow
def test_its_view_renders_and_follows_the_selection(runs):
    _, corpus = runs
    board = toolkit.dashboard(corpus)
    assert "amounts" in board.panels
    panel = board.panels["amounts"]
    everything = panel.rows()
    assert len(everything) == len(corpus.table("amounts"))
    busiest = everything["article_id"].value_counts().index[0]
    board.selection.articles = [busiest]
    assert set(panel.rows()["article_id"]) == {busiest}
    board.selection.clear()
    static = V.render(corpus, "amounts")
    assert "Numbers and amounts" in static and "<script" not in static.lower()
