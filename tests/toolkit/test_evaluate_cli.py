"""`presslens evaluate mentions --gold FILE` (issue #18): a user's own CoNLL-format NER gold, scored."""

from __future__ import annotations

import json

import pytest

from toolkit.cli import main
from toolkit.evaluation import read_conll_documents, score_mentions

GOLD = """-DOCSTART- O

Marta B-PER
Ilves I-PER
visited O
Oslo B-LOC
on O
Monday O
. O

-DOCSTART- O

The O
Kestrel B-ORG
Bank I-ORG
lent O
money O
to O
Norway B-LOC
. O
"""


def test_documents_split_at_docstart_and_offsets_point_at_the_tokens(tmp_path):
    path = tmp_path / "gold.conll"
    path.write_text(GOLD, encoding="utf-8")
    documents = read_conll_documents(path)
    assert len(documents) == 2
    for doc in documents:
        for start, end, _ in doc.mentions:
            assert doc.text[start:end] in {"Marta Ilves", "Oslo", "Kestrel Bank", "Norway"}


def test_iob1_tags_open_a_mention_with_i():
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "iob1.conll"
    path.write_text("Anna I-PER\nBerg I-PER\nand O\nOslo I-LOC\n", encoding="utf-8")
    (doc,) = read_conll_documents(path)
    assert sorted(doc.mentions) == [(0, 9, "PER"), (14, 18, "LOC")]


def test_scores_count_span_and_type():
    gold = [frozenset({(0, 4, "PER"), (10, 14, "LOC")})]
    scores = score_mentions(gold, [{(0, 4, "PER"), (10, 14, "ORG"), (20, 22, "MISC")}])
    assert scores["ALL"]["precision"] == pytest.approx(1 / 3)
    assert scores["ALL"]["recall"] == pytest.approx(1 / 2)
    assert scores["PER"]["f1"] == 1.0 and scores["LOC"]["recall"] == 0.0


def test_evaluate_mentions_prints_per_type_scores(tmp_path, capsys):
    path = tmp_path / "gold.conll"
    path.write_text(GOLD, encoding="utf-8")
    assert main(["evaluate", "mentions", "--gold", str(path), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert set(scores) >= {"PER", "ORG", "LOC", "MISC", "ALL"}
    assert scores["ALL"]["tp"] + scores["ALL"]["fn"] == 4
    assert 0.0 <= scores["ALL"]["f1"] <= 1.0


def test_evaluate_mentions_names_a_missing_gold_file(tmp_path, capsys):
    assert main(["evaluate", "mentions", "--gold", str(tmp_path / "none.conll")]) != 0
    err = capsys.readouterr().err
    assert "No gold file" in err and "CoNLL" in err
