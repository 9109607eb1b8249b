"""User decisions in ``OUT/aliases.yaml`` survive a plain re-run into the same ``--out``.

Regression tests for issue #20: a plain re-run (CLI or ``toolkit.analyze``) did not read the
alias table in the output folder and rewrote it, so a rejected suggestion went back to
pending, added entities vanished, and the merge panel's saved decisions were undone.
Each test rejects a suggestion, adds an entity and keeps two names apart, then re-runs
with no alias option, through the CLI, ``toolkit.analyze`` and the merge panel.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import toolkit
import toolkit_entities.component  # noqa: F401
from toolkit import cli
from toolkit.views import Selection
from toolkit_entities import plugin
from toolkit_entities.rules.aliases import load_alias_table

pytestmark = pytest.mark.slow

TEXTS = {
    "a": "Sergei Lavrov met officials in Pyongyang on Monday. Lavrov praised the Kastovian Rail Union.",
    "b": "Sergey Lavrov flew home on Tuesday. The talks in Pyongyang ended early, officials said.",
    "c": "The Kastovian Rail Union went on strike. KRU leaders said the strike would last a week.",
}
NEW_ENTITY = {"name": "North Korea", "label": "GPE", "aliases": ["Pyongyang"]}
APART = ["Sergei Lavrov", "Sergey Lavrov"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"article_id": list(TEXTS), "text": list(TEXTS.values())})


def _holders(entities: pd.DataFrame, name: str) -> list[str]:
    return [row.name for row in entities.itertuples() if name in row.aliases]


def _first_run_merged(entities: pd.DataFrame) -> None:
    """What the first run did on its own, so that the decisions below change something."""
    assert len(set(_holders(entities, "KRU") + _holders(entities, "Kastovian Rail Union"))) == 1
    assert len(set(_holders(entities, APART[0]) + _holders(entities, APART[1]))) == 1
    assert "North Korea" not in set(entities["name"])


def _edit_by_hand(path: Path) -> str:
    """As a person in an editor would: reject the KRU merge, add an entity, keep two names apart."""
    data = yaml.safe_load(path.read_text("utf-8"))
    (kru,) = [s for s in data["suggestions"] if "KRU" in s["names"]]
    kru["status"] = "rejected"
    data["entities"].append(NEW_ENTITY)
    data["never_merge"].append(APART)
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return kru["id"]


def _assert_decisions_kept(entities: pd.DataFrame, path: Path, rejected: str) -> None:
    assert _holders(entities, "KRU") != _holders(entities, "Kastovian Rail Union")  # rejected: apart
    assert _holders(entities, "Pyongyang") == ["North Korea"]  # added: the entity as written
    assert len(set(_holders(entities, APART[0]) + _holders(entities, APART[1]))) == 2  # never merged
    table = load_alias_table(path)  # and the file still says so
    assert table.decided(rejected).status == "rejected"
    assert [(e.name, e.label, list(e.aliases)) for e in table.entries] == [tuple(NEW_ENTITY.values())]
    assert tuple(APART) in table.never_merge


def test_hand_edits_survive_plain_reruns_through_analyze(tmp_path):
    out = tmp_path / "out"
    first = toolkit.analyze(_frame(), plugins=["entities"], out=out, quiet=True)
    _first_run_merged(first.entities)
    rejected = _edit_by_hand(out / "aliases.yaml")

    again = toolkit.analyze(_frame(), plugins=["entities"], out=out, quiet=True)
    assert not again.manifest.get("reused_previous_run")  # the edit changed the run key
    _assert_decisions_kept(again.entities, out / "aliases.yaml", rejected)
    third = toolkit.analyze(_frame(), plugins=["entities"], out=out, quiet=True)  # nothing changed since
    assert third.manifest.get("reused_previous_run")
    _assert_decisions_kept(third.entities, out / "aliases.yaml", rejected)


def test_hand_edits_survive_plain_reruns_through_the_cli(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for article_id, text in TEXTS.items():
        (corpus / f"{article_id}.txt").write_text(text, "utf-8")
    out = tmp_path / "out"
    argv = ["analyze", str(corpus), "--out", str(out), "--plugins", "entities", "--quiet"]
    assert cli.main(argv) == 0
    _first_run_merged(toolkit.open(out).entities)
    rejected = _edit_by_hand(out / "aliases.yaml")
    assert cli.main(argv) == 0
    _assert_decisions_kept(toolkit.open(out).entities, out / "aliases.yaml", rejected)


def test_merge_panel_decisions_survive_a_plain_rerun(tmp_path):
    out = tmp_path / "out"
    corpus = toolkit.analyze(_frame(), plugins=["entities"], out=out, quiet=True)
    _first_run_merged(corpus.entities)
    panel = plugin.views["merge_suggestions"](toolkit.open(out), Selection())
    (kru,) = [sid for label, sid in panel.choice.options if "KRU" in label]
    panel.choice.value = kru
    panel.decide("rejected")
    lavrov = _holders(corpus.entities, "Sergey Lavrov")[0]
    (entity_id,) = corpus.entities.loc[corpus.entities["name"] == lavrov, "entity_id"]
    panel.entity_picker.value = entity_id
    panel.alias_picker.value = next(a for a in APART if a != lavrov)
    panel.split_button.click()

    again = toolkit.analyze(_frame(), plugins=["entities"], out=out, quiet=True)
    entities = again.entities
    assert _holders(entities, "KRU") != _holders(entities, "Kastovian Rail Union")
    assert len(set(_holders(entities, APART[0]) + _holders(entities, APART[1]))) == 2
    assert load_alias_table(out / "aliases.yaml").decided(kru).status == "rejected"
    shown = plugin.views["merge_suggestions"](again, Selection()).rows().set_index("suggestion_id")
    assert shown.loc[kru, "status"] == "rejected"
