"""A broken alias table fails before any NLP, with an error naming the file, the entry and the field.

Regression tests for issue #20: a broken table gave a raw traceback after all the NLP had run,
``names: "Ab"`` was read as the names "A" and "b", and a billion-laughs table took ~5 GB.
The read-back of ``OUT/aliases.yaml`` at the corpus step is pinned here too (no model needed);
the whole runs through the CLI, ``toolkit.analyze`` and the merge panel are in
``test_entities_aliases_persist.py``.
"""

from __future__ import annotations

import re
import tracemalloc

import pandas as pd
import pytest

import toolkit
from toolkit import cli, errors
from toolkit.registry import StepContext
from toolkit_entities.rules.aliases import (
    MAX_ALIAS_NODES,
    AliasEntry,
    AliasTable,
    AliasTableError,
    load_alias_table,
    save_alias_table,
)
from toolkit_entities.step import corpus_step, validate

# (file content, the phrases the error must hold: entry, field, what was expected, what was found)
MALFORMED = {
    "bad yaml": ("entities: [\n  - name: X\n", ("not valid YAML", "Fix the file or delete it")),
    "string for names": (
        "suggestions:\n  - names: Ab\n    status: rejected\n",
        ("suggestions[0]", "field 'names'", "a list of two names", "the string 'Ab'"),
    ),
    "list for label": (
        "entities:\n  - name: Varga Holdings\n    label: [ORG]\n",
        ("entities[0] ('Varga Holdings')", "field 'label'", "one of PERSON", "a list ['ORG']"),
    ),
    "unknown label": (
        "entities:\n  - name: Ilse Varga\n    label: PERSN\n",
        ("entities[0] ('Ilse Varga')", "field 'label'", "one of PERSON", "the string 'PERSN'"),
    ),
    "string for aliases": (
        "entities:\n  - name: Ilse Varga\n    aliases: Varga\n",
        ("entities[0] ('Ilse Varga')", "field 'aliases'", "a list of names", "the string 'Varga'"),
    ),
    "number for a name": (
        "entities:\n  - name: Ilse Varga\n    aliases: [Varga, 1984]\n",
        ("field 'aliases'", "every item a non-empty string", "the number 1984", "Put it in quotes"),
    ),
    "never-merge triple": (
        "never_merge:\n  - [Ilse Varga, Ilse Vargo, Ilsa Varga]\n",
        ("never_merge[0]", "a list of two names", "a list"),
    ),
    "misspelt section": ("never-merge:\n  - [A, B]\n", ("unknown section 'never-merge'", "never_merge")),
    "list at the top": ("- name: X\n", ("expected a mapping with the keys entities", "a list")),
    "unknown status": (
        "suggestions:\n  - names: [A B, A C]\n    status: maybe\n",
        ("suggestions[0] ('A B / A C')", "field 'status'", "pending, accepted, rejected", "'maybe'"),
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_tables_name_the_file_entry_and_field(tmp_path, case):
    content, phrases = MALFORMED[case]
    path = tmp_path / "aliases.yaml"
    path.write_text(content, "utf-8")
    with pytest.raises(AliasTableError) as caught:
        load_alias_table(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for phrase in phrases:
        assert phrase in message, (phrase, message)


def test_names_string_is_not_read_as_letters(tmp_path):
    """The bug: ``names: "Ab"`` used to become the names "A" and "b"."""
    path = tmp_path / "aliases.yaml"
    path.write_text('suggestions:\n  - names: "Ab"\n', "utf-8")
    with pytest.raises(AliasTableError, match="a list of two names"):
        load_alias_table(path)


def test_csv_errors_name_the_line(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("kind,name,label,aliases,other\nentity,Ilse Varga,PERSON,Varga,\nentity,X,PERSN,,\n", "utf-8")
    with pytest.raises(AliasTableError, match=r"line 3 \('X'\), field 'label'"):
        load_alias_table(path)


def test_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "aliases.yaml").mkdir()
    with pytest.raises(AliasTableError, match="is a folder; the alias table is a file"):
        load_alias_table(tmp_path / "aliases.yaml")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_byte_order_marks_are_honoured(tmp_path, encoding):
    path = tmp_path / "aliases.yaml"
    path.write_text("entities:\n  - name: Łukasz Ferenc\n    aliases: [Ferenc]\n", encoding)
    assert load_alias_table(path).entries == (AliasEntry(name="Łukasz Ferenc", aliases=("Ferenc",)),)


def test_utf16_without_a_mark_is_reported(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_bytes("entities:\n  - name: Łukasz\n".encode("utf-16-le"))
    with pytest.raises(AliasTableError, match=r"UTF-16 without a byte-order mark\..*Save the alias table as UTF-8"):
        load_alias_table(path)


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nentities: *a{levels}\n"


def test_billion_laughs_fails_fast_in_flat_memory(tmp_path):
    """The bug: a billion-laughs table took ~5 GB before failing."""
    path = tmp_path / "aliases.yaml"
    path.write_text(_laughs(9), "utf-8")  # 10**9 leaves
    tracemalloc.start()
    try:
        with pytest.raises(AliasTableError, match=f"stand for more than {MAX_ALIAS_NODES} entries"):
            load_alias_table(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, f"peak {peak} bytes while refusing a billion-laughs table"


def test_a_few_aliases_are_still_read(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("entities:\n  - &e {name: Ilse Varga, aliases: [Varga]}\nnever_merge:\n  - [Ilse Varga, Ilsa]\n")
    assert load_alias_table(path).entries[0].aliases == ("Varga",)


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("entities: &e [*e]\n", "utf-8")
    with pytest.raises(AliasTableError, match="refers to the entry it is inside"):
        load_alias_table(path)


# --- before any NLP ---------------------------------------------------------------------------
@pytest.fixture()
def spy(monkeypatch):
    """Counts the articles the run reads and the ones the entities plugin extracts from."""
    import toolkit.pipeline
    import toolkit_entities.component

    seen = {"read": 0, "extracted": 0}
    read, extract = toolkit.pipeline.iter_articles, toolkit_entities.component.extract

    def counting_read(*args, **kwargs):
        for article in read(*args, **kwargs):
            seen["read"] += 1
            yield article

    def counting_extract(*args, **kwargs):
        seen["extracted"] += 1
        return extract(*args, **kwargs)

    monkeypatch.setattr(toolkit.pipeline, "iter_articles", counting_read)
    monkeypatch.setattr(toolkit_entities.component, "extract", counting_extract)
    return seen


FRAME = pd.DataFrame({"article_id": ["a"], "text": ["Ilse Varga met Tomas Brenn in Ostrava."]})


@pytest.mark.parametrize("case", ["string for names", "list for label", "bad yaml"])
def test_analyze_stops_before_nlp_on_a_broken_table_in_out(tmp_path, spy, case):
    out = tmp_path / "out"
    out.mkdir()
    (out / "aliases.yaml").write_text(MALFORMED[case][0], "utf-8")
    with pytest.raises(errors.InputError, match=re.escape(str(out / "aliases.yaml"))):
        toolkit.analyze(FRAME, plugins=["entities"], out=out, quiet=True)
    assert spy == {"read": 0, "extracted": 0}


def test_analyze_stops_before_nlp_on_a_folder_as_alias_table(tmp_path, spy):
    (tmp_path / "mine.yaml").mkdir()
    with pytest.raises(errors.InputError, match="is a folder"):
        toolkit.analyze(
            FRAME, plugins=["entities"], quiet=True, options={"entities": {"alias_table": str(tmp_path / "mine.yaml")}}
        )
    assert spy == {"read": 0, "extracted": 0}


def test_cli_prints_one_line_and_no_traceback(tmp_path, spy, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text("Ilse Varga met Tomas Brenn in Ostrava on Monday.", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "aliases.yaml").write_bytes(MALFORMED["list for label"][0].encode("utf-16-le"))  # no mark
    code = cli.main(["analyze", str(corpus), "--out", str(out), "--plugins", "entities", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"error: {out / 'aliases.yaml'}: not readable as UTF-8" in err
    assert spy == {"read": 0, "extracted": 0}


def test_validate_accepts_a_missing_table_and_a_table_object(tmp_path):
    validate({"alias_table": None}, tmp_path / "new-out")  # the run creates it
    validate({"alias_table": AliasTable()}, None)


# --- the corpus step reads OUT/aliases.yaml back ----------------------------------------------
def _mentions(rows):
    return pd.DataFrame(
        [{"article_id": a, "start": s, "end": s + len(t), "text": t, "label": label} for a, s, t, label in rows]
    )


def test_corpus_step_reads_back_the_table_in_out(tmp_path):
    """The bug: with no alias_table option the step never read OUT/aliases.yaml and overwrote it."""
    tables = {
        "mentions": _mentions(
            [
                ("a", 0, "Choe Son Hui", "PERSON"),
                ("b", 0, "Choi Song Hee", "PERSON"),
                ("c", 0, "Ilse Varga", "PERSON"),
                ("c", 20, "Varga Holdings", "ORG"),
            ]
        )
    }
    context = StepContext(options={"alias_table": None}, out_dir=tmp_path)
    first = corpus_step(tables, context)
    assert len(first["entities"]) == 3
    table = load_alias_table(tmp_path / "aliases.yaml")
    sid = table.suggestions[0].suggestion_id
    table = table.decide(sid, "rejected").with_entry(
        AliasEntry(name="Varga group", label="ORG", aliases=("Ilse Varga", "Varga Holdings"))
    )
    save_alias_table(table, tmp_path / "aliases.yaml")
    for _ in range(2):  # and again: the run's own write-back keeps the decisions
        again = corpus_step(tables, context)
        names = set(again["entities"]["name"])
        assert {"Choe Son Hui", "Choi Song Hee", "Varga group"} <= names and len(names) == 3
        kept = load_alias_table(tmp_path / "aliases.yaml")
        assert kept.decided(sid).status == "rejected" and kept.entries == table.entries


def test_libyaml_reads_a_table_without_aliases_as_the_bounded_loader_does(tmp_path):
    """Issue 22: the table a run wrote is read back by libyaml (0.2 s instead of 1.4 s for 7 000 entries);
    the data must be what the bounded Python loader gives, quoted oddities and all."""
    from toolkit_entities.rules.aliases import _NOT_PARSED, _loader_class, _parse_yaml_without_aliases

    text = (
        "entities:\n"
        "- name: Velm Harbour Authority\n  label: ORG\n  aliases: [VHA, 'yes', '2024-01-02', \"null\"]\n"
        '- name: "Ostra: the Port"\n  label: GPE\n  aliases: []\n'
        "never_merge:\n- [Kell, Kells]\n"
        "suggestions:\n- {a: Ana Ruiz, b: A. Ruiz, status: open, score: 0.5}\n"
    )
    bounded = _loader_class()(text)
    try:
        expected = bounded.get_single_data()
    finally:
        bounded.dispose()
    assert _parse_yaml_without_aliases(text) == expected
    assert _parse_yaml_without_aliases("a: &x [1]\nb: *x\n") is _NOT_PARSED  # aliases: the bounded loader reads it
    path = tmp_path / "aliases.yaml"
    path.write_text("entities: [\n", encoding="utf-8")
    with pytest.raises(AliasTableError, match="not valid YAML"):  # libyaml refuses it: the bounded loader says why
        load_alias_table(path)
