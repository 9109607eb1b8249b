"""The row store (issue #22): an incremental run takes the cached articles' rows from the previous
run's Arrow tables instead of reading every JSON entry, and its tables are the tables of a run
without any cache, whatever was added, changed, removed or reordered, and whatever the store's state."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit
from toolkit._rowstore import ROW_STORE, RowStore
from toolkit.registry import Plugin, registry

TEXTS = {
    "a": "The ferry to Tullow left at noon. Its captain, Mara Quill, waved.",
    "b": "Council members in Brenmoor voted 7 to 2 on Tuesday.",
    "c": "A storm closed the harbour. Nobody was hurt.",
    "d": "The Velmark Gazette printed a correction about the bridge.",
}


def sentence_rows(doc, article, options):
    # an int, a string, a list and a value missing in some rows: what the tables' types are made of
    rows = [
        {
            "start": s.start_char,
            "end": s.end_char,
            "text": s.text,
            "words": [t.text for t in s if t.is_alpha],
            "number": next((int(t.text) for t in s if t.text.isdigit()), None),
        }
        for s in doc.sents
    ]
    return {"sentences": rows}


@pytest.fixture
def sentences():
    registry.register(
        Plugin(name="sentences", version="1", provides=("sentences",), extract=sentence_rows), replace=True
    )


def _frame(ids, texts=TEXTS):
    return pd.DataFrame({"id": list(ids), "text": [texts[i] for i in ids]})


def _run(frame, out):
    if out is not None and (out / "manifest.json").exists():
        (out / "manifest.json").unlink()  # not the unchanged-run shortcut
    return toolkit.analyze(frame, plugins=["sentences"], quiet=True, out=out)


def _store(out):
    (path,) = (out / ".cache").glob(f"*/{ROW_STORE}")
    return path


def _entries(out):
    return sorted(p for p in (out / ".cache").rglob("*.json") if not p.name.startswith("."))


def _assert_same_tables(got, expected):
    assert sorted(got.tables) == sorted(expected.tables)
    for name in expected.tables:
        pd.testing.assert_frame_equal(got.table(name), expected.table(name), obj=name)


def test_an_incremental_run_takes_the_stored_rows_and_equals_a_run_without_cache(tmp_path, sentences):
    out = tmp_path / "out"
    _run(_frame("abc"), out)
    assert sorted(RowStore.read(_store(out)).keys) == sorted(_store_keys_of_entries(out))
    for entry in _entries(out):
        entry.unlink()  # only the store can serve the three articles now
    # "d" added in the middle: rows stay in input order, stored ranges split around it
    incremental = _run(_frame("adbc"), out)
    assert incremental.manifest["analysed"] == 1 and incremental.manifest["from_cache"] == 3
    _assert_same_tables(incremental, _run(_frame("adbc"), None))
    assert len(RowStore.read(_store(out)).keys) == 4  # the store now holds the new article too
    # with "b" left out the store serves nobody: its column "number" is int because of "b" alone, and
    # the others' rows read from it would come back float, not as a run without cache types them
    fewer = _run(_frame("cda"), out)
    assert fewer.manifest["analysed"] == 2  # "c" and "a" have no entry any more: analysed again
    _assert_same_tables(fewer, _run(_frame("cda"), None))
    assert len(RowStore.read(_store(out)).keys) == 3  # and the store is this run's again


def _store_keys_of_entries(out):
    return [p.stem for p in _entries(out)]


def test_a_changed_article_is_analysed_again_not_served_from_the_store(tmp_path, sentences):
    out = tmp_path / "out"
    _run(_frame("ab"), out)
    changed = {**TEXTS, "b": "Council members in Brenmoor voted 9 to 0 on Friday. The mayor resigned."}
    second = _run(_frame("ab", changed), out)
    assert second.manifest["analysed"] == 1
    _assert_same_tables(second, _run(_frame("ab", changed), None))
    assert "The mayor resigned." in set(second.table("sentences")["text"])


@pytest.mark.parametrize("damage", ["flip-a-byte", "truncate", "empty"])
def test_a_damaged_store_is_ignored_and_written_again(tmp_path, sentences, damage):
    out = tmp_path / "out"
    first = _run(_frame("abc"), out)
    path = _store(out)
    data = path.read_bytes()
    if damage == "flip-a-byte":
        data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
    path.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"" if damage == "empty" else data)
    assert RowStore.read(path) is None
    second = _run(_frame("abc"), out)
    assert second.manifest["from_cache"] == 3 and second.manifest["cache"]["damaged"] == 0  # the entries served
    _assert_same_tables(second, first)
    assert RowStore.read(path) is not None  # replaced at the end of the run
