"""Views and static renderers: escaping, selection, rows(), alias-table writes."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.pipeline import Corpus
from toolkit.views import Selection
from toolkit_entities import plugin
from toolkit_entities.rules.aliases import load_alias_table
from toolkit_entities.step import resolve

EVIL = "<script>alert(1)</script>"


@pytest.fixture()
def corpus(tmp_path):
    text_a = f"{EVIL} Kim Jong Un met {EVIL}Putin{EVIL}. Moscow said so."
    text_b = "Kim Jong Il and Kim Jong-un. Putin too."
    articles = pd.DataFrame(
        {
            "article_id": ["a<1>", "b"],
            "path": [None, None],
            "title": [EVIL, "plain"],
            "outlet": [None, None],
            "published": ["2024-01-02", "2024-02-03"],
            "published_source": ["metadata"] * 2,
            "text": [text_a, text_b],
        }
    )
    rows = []
    for aid, text in (("a<1>", text_a), ("b", text_b)):
        for needle, label in (
            ("Kim Jong Un", "PERSON"),
            ("Kim Jong Il", "PERSON"),
            ("Kim Jong-un", "PERSON"),
            (f"{EVIL}Putin", "PERSON"),
            ("Putin", "PERSON"),
            ("Moscow", "GPE"),
        ):
            at = text.find(needle)
            if at >= 0 and not any(r["article_id"] == aid and r["start"] <= at < r["end"] for r in rows):
                rows.append({"article_id": aid, "start": at, "end": at + len(needle), "text": needle, "label": label})
    tables = {"articles": articles, "mentions": pd.DataFrame(rows)}
    tables.update(resolve(tables, recover=False, alias_table=tmp_path / "aliases.yaml"))
    # names in suggestions come from a user-editable file: they must be escaped too
    evil = pd.DataFrame(
        [
            {
                "suggestion_id": "sevil",
                "name_a": EVIL,
                "name_b": f"{EVIL}Putin",
                "label": "PERSON",
                "evidence": EVIL,
                "applied": False,
                "status": "pending",
            }
        ]
    )
    tables["entity_suggestions"] = pd.concat([tables["entity_suggestions"], evil], ignore_index=True)
    return Corpus(
        tables, manifest={"configuration": {"options": {"entities": {"alias_table": str(tmp_path / "aliases.yaml")}}}}
    )


@pytest.mark.parametrize("name", sorted(plugin.renderers))
def test_every_renderer_escapes_text_and_names(corpus, name):
    selection = Selection(entities=list(corpus.entities["entity_id"]))
    for sel in (None, selection):
        html = plugin.renderers[name](corpus, sel)
        assert "<script>" not in html
    assert "&lt;script&gt;" in plugin.renderers[name](corpus, selection)


@pytest.mark.parametrize("name", sorted(plugin.views))
def test_every_view_escapes_and_follows_the_selection(corpus, name):
    selection = Selection()
    widget = plugin.views[name](corpus, selection)
    before = widget.rows()
    assert isinstance(before, pd.DataFrame)
    putin = corpus.entities.loc[corpus.entities["name"].str.contains("Putin"), "entity_id"].iloc[0]
    selection.entities = [putin]
    after = widget.rows()
    if name == "entity_table":  # the table to pick from keeps every entity, within the selection's dates
        assert putin in set(after["entity_id"])
    elif name == "merge_suggestions":
        assert len(after) <= len(before)
    else:
        assert len(after) and set(after["entity_id"]) == {putin}
    for child in _walk(widget):
        value = getattr(child, "value", None)
        if isinstance(value, str):
            assert "<script>" not in value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_entity_table_sets_the_selection(corpus):
    selection = Selection()
    view = plugin.views["entity_table"](corpus, selection)
    first = view.rows()["entity_id"].iloc[0]
    view.table.pick(first)  # what a click on its row does
    assert selection.entities == [first]


def test_entity_table_filters(corpus):
    from toolkit_entities.views import entity_rows

    assert set(entity_rows(corpus, label="GPE")["label"]) == {"GPE"}
    assert list(entity_rows(corpus, query="jong il")["name"]) == ["Kim Jong Il"]
    dated = entity_rows(corpus, Selection(date_range=("2024-02-01", "2024-12-31")))
    assert "Moscow" not in set(dated["name"])


def test_kim_jong_un_and_il_apart_with_a_suggestion(corpus):
    names = set(corpus.entities["name"])
    assert {"Kim Jong Il"} <= names and len([n for n in names if n.startswith("Kim Jong")]) == 2
    assert (corpus.tables["entity_suggestions"]["applied"] == False).any()  # noqa: E712


def test_merge_panel_writes_decisions(corpus):
    selection = Selection()
    panel = plugin.views["merge_suggestions"](corpus, selection)
    sid = panel.choice.options[0][1]
    panel.choice.value = sid
    panel.decide("rejected")
    path = corpus.manifest["configuration"]["options"]["entities"]["alias_table"]
    assert load_alias_table(path).decided(sid).status == "rejected"
    assert panel.rows().set_index("suggestion_id").loc[sid, "status"] == "rejected"


def test_chart_spec_has_dates_and_labels(corpus):
    from toolkit_entities.views import mentions_chart, timeline_rows

    spec = mentions_chart(timeline_rows(corpus)).to_dict()
    assert spec["encoding"]["x"]["field"] == "published"
    assert spec["encoding"]["strokeDash"]["field"] == "label"  # not colour alone
