"""The alias table: YAML and CSV round trips, decisions, errors that say what to do."""

from __future__ import annotations

import pytest

from toolkit_entities.rules.aliases import (
    AliasEntry,
    AliasTable,
    Suggestion,
    load_alias_table,
    save_alias_table,
    suggestion_id,
)


def _table() -> AliasTable:
    return AliasTable(
        entries=(AliasEntry(name="North Korea", label="GPE", aliases=("DPRK", "N. Korea")),),
        never_merge=(("Kim Jong Un", "Kim Jong Il"),),
        suggestions=(
            Suggestion(
                suggestion_id=suggestion_id("A B", "A C"),
                names=("A B", "A C"),
                label="PERSON",
                evidence="similar <b>",
                applied=False,
            ),
        ),
    )


@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_round_trip(tmp_path, suffix):
    path = save_alias_table(_table(), tmp_path / f"aliases{suffix}")
    assert load_alias_table(path) == _table()


def test_decisions_and_splits_are_kept(tmp_path):
    table = _table()
    sid = table.suggestions[0].suggestion_id
    decided = table.decide(sid, "accepted")
    assert decided.merge_groups()[-1][2] == ("A B", "A C")
    # a later run adding the same suggestion again does not undo the decision
    again = decided.with_suggestions([Suggestion(suggestion_id=sid, names=("A B", "A C"))])
    assert again.decided(sid).status == "accepted"
    split = again.split("DPRK", "North Korea")
    assert "DPRK" not in split.entries[0].aliases and split.keeps_apart("North Korea", "DPRK")


def test_bad_files_explain_themselves(tmp_path):
    bad = tmp_path / "aliases.yaml"
    bad.write_text("never_merge:\n  - [only one]\n", "utf-8")
    with pytest.raises(ValueError, match="list of two names"):
        load_alias_table(bad)
    with pytest.raises(ValueError, match="one of pending, accepted, rejected"):
        _table().decide(_table().suggestions[0].suggestion_id, "maybe")
    with pytest.raises(ValueError, match=r"\.yaml, \.yml or \.csv"):
        (tmp_path / "aliases.txt").write_text("x", "utf-8")
        load_alias_table(tmp_path / "aliases.txt")


def test_missing_file_is_an_empty_table(tmp_path):
    table = load_alias_table(tmp_path / "new.yaml")
    assert table.entries == () and table.path == tmp_path / "new.yaml"
