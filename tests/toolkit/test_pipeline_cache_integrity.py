"""The cache is never trusted blindly, and the output folder is never read as input (issue #20).

Each cache entry carries a SHA-256 of its payload: a damaged entry (a changed digit, a cut-off
file, a list replaced by a string) is analysed again and counted in the manifest, and the tables
are the same as from an intact cache. Before this, one changed digit gave quote offsets that no
longer matched the quote text, and an entry of the wrong type crashed every later run.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

import toolkit
from toolkit._rowstore import ROW_STORE
from toolkit.cli import main
from toolkit.registry import Plugin, registry

TEXTS = [
    "Ministers from Canada met in Paris on Monday. The talks resumed.",
    "The United Nations sent 12 observers to Lima. They arrived late.",
]


def span_rows(doc, article, options):
    return {"sentences": [{"start": s.start_char, "end": s.end_char, "text": s.text} for s in doc.sents]}


@pytest.fixture
def spans():
    registry.register(Plugin(name="spans", version="1", provides=("sentences",), extract=span_rows), replace=True)


def flip_a_digit(data: bytes) -> bytes:
    head, payload = data.split(b"\n", 1)
    at = next(k for k, byte in enumerate(payload) if chr(byte).isdigit() and chr(byte) != "9")
    return head + b"\n" + payload[:at] + bytes([payload[at] + 1]) + payload[at + 1 :]


def truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def list_as_string_with_a_valid_checksum(data: bytes) -> bytes:
    """A foreign entry whose checksum is right but whose shape is not: the shape check must catch it."""
    rows = json.loads(data.split(b"\n", 1)[1])
    rows = dict.fromkeys(rows, "not a list of rows")
    payload = json.dumps(rows).encode()
    return hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


@pytest.mark.parametrize(
    "damage",
    [flip_a_digit, truncate, list_as_string_with_a_valid_checksum],
    ids=["changed-digit", "truncated", "list-replaced-by-string"],
)
def test_a_damaged_cache_entry_is_recomputed_and_reported_never_trusted(tmp_path, spans, damage):
    frame = pd.DataFrame({"id": ["a", "b"], "text": TEXTS})
    out = tmp_path / "out"
    first = toolkit.analyze(frame, plugins=["spans"], quiet=True, out=out)
    entries = sorted((out / ".cache").rglob("*.json"))
    assert len(entries) == 2
    entries[0].write_bytes(damage(entries[0].read_bytes()))
    (out / "manifest.json").unlink()  # not the unchanged-run shortcut: read the cache entry by entry
    _drop_row_store(out)

    second = toolkit.analyze(frame, plugins=["spans"], quiet=True, out=out)
    assert second.manifest["cache"]["damaged"] == 1
    assert second.manifest["from_cache"] == 1 and second.manifest["analysed"] == 1
    pd.testing.assert_frame_equal(second.table("sentences"), first.table("sentences"))
    # the recomputed entry replaced the damaged one: the next run trusts it again
    (out / "manifest.json").unlink()
    _drop_row_store(out)
    third = toolkit.analyze(frame, plugins=["spans"], quiet=True, out=out)
    assert third.manifest["cache"]["damaged"] == 0 and third.manifest["from_cache"] == 2


def test_the_cli_says_how_many_damaged_entries_it_recomputed(tmp_path, spans, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for k, text in enumerate(TEXTS):
        (folder / f"story{k}.txt").write_text(text)
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "--out", str(out), "--plugins", "spans", "--quiet"]) == 0
    for entry in (out / ".cache").rglob("*.json"):
        entry.write_bytes(truncate(entry.read_bytes()))
    (out / "manifest.json").unlink()
    _drop_row_store(out)
    capsys.readouterr()
    assert main(["analyze", str(folder), "--out", str(out), "--plugins", "spans", "--quiet"]) == 0
    assert "recomputed 2 damaged cache entries" in capsys.readouterr().err


def _drop_row_store(out):
    """Without the row store every cached article is read from its entry (with it, no entry is read)."""
    stores = list((out / ".cache").glob(f"*/{ROW_STORE}"))
    assert len(stores) == 1
    stores[0].unlink()


def test_the_output_folder_inside_the_input_folder_is_never_read_back(tmp_path, spans):
    """Regression: `analyze corpus --out corpus/analysis` read its own tables, manifest and alias
    file as articles on the next run (3 → 33 → 137 articles)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(3):
        (corpus / f"story{k}.txt").write_text(f"Story {k}. Ministers met in Paris on Monday.")
    out = corpus / "analysis"
    counts = []
    for _ in range(3):
        result = toolkit.analyze(corpus, plugins=["spans"], quiet=True, out=out)
        (out / "aliases.yaml").write_text("entities: []\n")  # a decision file beside the tables
        counts.append(len(result.articles))
    assert counts == [3, 3, 3]
    skipped = [e for e in result.load_report["entries"] if e["status"] == "skipped"]
    assert [e["source"] for e in skipped] == [str(out)]
    assert "output folder" in skipped[0]["reason"]


def test_another_presslens_output_folder_and_a_file_inside_out_are_skipped_with_a_reason(tmp_path, spans):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text("Ministers met in Paris on Monday.")
    old = corpus / "old-run"
    toolkit.analyze(corpus, plugins=["spans"], quiet=True, out=old)  # --out elsewhere inside the corpus
    out = tmp_path / "out"
    result = toolkit.analyze([corpus, old / "manifest.json"], plugins=["spans"], quiet=True, out=old)
    assert len(result.articles) == 1
    reasons = {e["source"]: e["reason"] for e in result.load_report["entries"] if e["status"] == "skipped"}
    assert "output folder" in reasons[str(old)] and "output folder" in reasons[str(old / "manifest.json")]
    # a folder PressLens wrote is known by its manifest even when it is not this run's --out
    result = toolkit.analyze(corpus, plugins=["spans"], quiet=True, out=out)
    assert len(result.articles) == 1
    assert "PressLens output folder" in next(
        e["reason"] for e in result.load_report["entries"] if e["status"] == "skipped"
    )


def test_a_symlink_to_the_output_folder_is_the_output_folder(tmp_path, spans):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text("Ministers met in Paris on Monday.")
    out = tmp_path / "out"
    (corpus / "link-to-out").symlink_to(out, target_is_directory=True)
    toolkit.analyze(corpus, plugins=["spans"], quiet=True, out=out)
    result = toolkit.analyze(corpus, plugins=["spans"], quiet=True, out=out)
    assert len(result.articles) == 1
