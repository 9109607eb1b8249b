"""The contested-claims view and the overview follow the shared selection, set it, and escape everything."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from toolkit import views as v
from toolkit.registry import registry
from toolkit_claims import plugin
from toolkit_quotes import plugin as quotes_plugin


def _tiny_corpus(**kwargs):
    # the hand-built corpus of the core view tests (invented text, every table filled)
    path = Path(__file__).resolve().parents[1] / "toolkit" / "test_views.py"
    spec = importlib.util.spec_from_file_location("_presslens_test_views", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.tiny_corpus(**kwargs)


@pytest.fixture()
def corpus():
    return _tiny_corpus()


@pytest.fixture(autouse=True)
def claims_plugin():
    # only the core, this plugin and the quotes plugin it requires (which adds the selection's quote part),
    # so other plugins' views cannot change what these tests see
    registry._discover()
    saved = dict(registry._plugins)
    registry._plugins.clear()
    registry._plugins["claims"] = plugin
    registry._plugins["quotes"] = quotes_plugin
    yield
    registry._plugins.clear()
    registry._plugins.update(saved)


def test_overview_ranks_contested_groups_first(corpus):
    widget = v.view(corpus, "claims_overview")
    summary = widget.rows()
    assert summary["group_id"].tolist() == ["G1", "G2"]  # G1 has an accuser and two deniers
    assert summary.iloc[0]["contested"] == 1 and summary.iloc[0]["n_against"] == 2


@pytest.mark.parametrize(
    "name, change, before, after",
    [
        ("contested_claims", {"entities": ["SY"]}, {"c1", "c2", "c3"}, {"c4"}),
        ("contested_claims", {"claim_group": "G2"}, {"c1", "c2", "c3"}, {"c4"}),
        ("contested_claims", {"date_range": ("2023-06-01", "2023-06-30")}, {"c1", "c2", "c3"}, {"c3"}),
        ("contested_claims", {"articles": ["a1"]}, {"c1", "c2", "c3"}, {"c1", "c2"}),
        ("claims_overview", {"entities": ["SY"]}, {"G1", "G2"}, {"G2"}),
        ("claims_overview", {"articles": ["a2"]}, {"G1", "G2"}, {"G1"}),
    ],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_claims_views_follow_the_selection(corpus, name, change, before, after):
    selection = v.Selection()
    widget = v.view(corpus, name, selection=selection, **({"max_groups": 1} if name == "contested_claims" else {}))
    key = "claim_id" if name == "contested_claims" else "group_id"
    assert set(widget.rows()[key]) == before
    for trait, value in change.items():
        setattr(selection, trait, value)
    assert set(widget.rows()[key]) == after


def test_group_picker_and_chart_click_set_the_selection(corpus):
    board = v.dashboard(corpus)
    assert {"contested_claims", "claims_overview"} <= set(board.panels)
    selection = board.selection
    board.panels["claims_overview"].picker.value = "G2"
    assert selection.claim_group == "G2"
    assert set(board.panels["article_reader"].rows()["article_id"]) == {"a3"}  # the core's reader follows the group
    assert set(board.panels["contested_claims"].rows()["claim_id"]) == {"c4"}
    selection.claim_group = None
    # clicking a point on the Altair chart: set its selection state as Altair's tests do
    chart = board.panels["contested_claims"].chart
    chart._vl_selections = {
        "claim": {
            "value": {"vlPoint": {"or": [{"claim_id": "c3"}]}},
            "store": [{"unit": "layer_0", "fields": [{"field": "claim_id", "type": "E"}], "values": ["c3"]}],
        }
    }
    assert selection.quote == "q3"
    assert board.panels["article_reader"].rows()["article_id"].tolist() == ["a2"]  # the evidence in context


def test_chart_spec_encodes_stance_by_shape_as_well_as_colour(corpus):
    from toolkit_claims.views import _chart, claim_rows

    spec = _chart(claim_rows(corpus), interactive=True).to_dict()
    point_layer = spec["layer"][0] if "layer" in spec else spec  # one unit: claimants are rows, not text labels
    assert point_layer["encoding"]["shape"]["field"] == "stance"
    assert point_layer["encoding"]["color"]["field"] == "stance"
    assert any(p["name"] == "claim" for p in spec.get("params", []) + point_layer.get("params", []))
    # one legend: colour and shape of stance share their domain (two legends titled "stance" showed before)
    assert point_layer["encoding"]["shape"]["scale"]["domain"] == point_layer["encoding"]["color"]["scale"]["domain"]


def test_an_unnamed_claimant_is_counted_not_plotted_as_an_actor(corpus):
    from toolkit_claims.views import UNKNOWN_CLAIMANT, _chart, claim_rows

    rows = claim_rows(corpus)
    rows = rows.assign(claimant=[UNKNOWN_CLAIMANT] + rows["claimant"].tolist()[1:])
    spec = _chart(rows, interactive=False).to_dict()
    [data] = spec["datasets"].values()
    assert UNKNOWN_CLAIMANT not in {row["claimant"] for row in data} and len(data) == len(rows) - 1
    assert "1 claim with no named claimant" in str(spec["title"])


@pytest.mark.parametrize("name", ["contested_claims", "claims_overview"])
def test_claims_renderers_escape_script(name):
    corpus = _tiny_corpus(evil=True)
    for selection in (None, v.Selection(claim_group="G1")):
        html = v.render(corpus, name, selection=selection)
        assert "<script>" not in html
        assert "&lt;script&gt;" in html or "&amp;lt;script" in html


def test_claims_widgets_escape_script():
    corpus = _tiny_corpus(evil=True)
    board = v.dashboard(corpus, views=["contested_claims", "claims_overview"])
    for name, panel in board.panels.items():
        html = "".join(c.value for c in panel.children if isinstance(getattr(c, "value", None), str))
        html += panel.table.html  # the clickable table of the rows
        assert "<script>" not in html, name
        assert "&lt;script&gt;" in html, name


def test_static_dashboard_includes_the_claims_panels(corpus):
    page = v.dashboard(corpus, static=True)
    assert "<h3>Contested claims</h3>" in page and "<h3>Claims overview</h3>" in page


def test_chart_records_are_the_chart_data_rows():
    from toolkit_claims.views import _chart_data, _chart_records, claim_rows

    rows = claim_rows(_tiny_corpus(evil=True))
    assert len(rows) and _chart_records(rows) == _chart_data(rows).to_dict("records")
