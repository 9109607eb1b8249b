import json

import pandas as pd
import pytest

import toolkit
from toolkit import errors
from toolkit.cli import main
from toolkit.registry import Plugin, registry


@pytest.fixture
def counting_plugin():
    """A plugin whose extract counts its calls, so a test can see whether NLP work was done."""
    calls = []

    def extract(doc, article, options):
        calls.append(article.article_id)
        first = doc[0]
        return {
            "mentions": [
                {
                    "start": first.idx,
                    "end": first.idx + len(first),
                    "text": first.text,
                    "label": options.get("label", "TEST"),
                }
            ]
        }

    registry.register(Plugin(name="counter", version="1", provides=("mentions",), extract=extract), replace=True)
    return calls


def write_corpus(folder, n=4):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"story{i}.txt").write_text(f"Headline number {i}\n\nDelegates met on day {i}. Talks went on.\n")
    return folder


def test_cached_rerun_does_no_nlp_work_and_gives_the_same_tables(tmp_path, counting_plugin):
    inputs = write_corpus(tmp_path / "in")
    first = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter"], quiet=True)
    assert len(counting_plugin) == 4 and first.manifest["analysed"] == 4
    second = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter"], quiet=True)
    assert len(counting_plugin) == 4, "a re-run on unchanged input must not call the plugin again"
    assert second.manifest["reused_previous_run"] is True
    pd.testing.assert_frame_equal(first.mentions, second.mentions)
    (tmp_path / "out" / "manifest.json").unlink()  # without the previous run, every article comes from the cache
    third = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter"], quiet=True)
    assert len(counting_plugin) == 4 and third.manifest["from_cache"] == 4
    pd.testing.assert_frame_equal(first.mentions, third.mentions)
    (inputs / "story2.txt").write_text("Changed headline\n\nSomething else happened.\n")
    (inputs / "story9.txt").write_text("New headline\n\nA new story arrived.\n")
    fourth = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter"], quiet=True)
    assert sorted(counting_plugin[4:]) == ["story2", "story9"]
    assert fourth.manifest["analysed"] == 2 and len(fourth.articles) == 5
    # the fixed costs of an incremental run are reported apart from the per-article work
    timings = fourth.manifest["timings"]
    assert {"load_inputs_s", "cache_read_s", "cache_write_s", "model_load_s", "corpus_steps_s"} <= set(timings)
    assert 0 < timings["model_load_s"] < timings["analyse_s"] and timings["cache_read_s"] < timings["analyse_s"]
    # spaCy and the plugins' extract are timed apart (this extract reads one token: far cheaper)
    assert timings["spacy_s"] > timings["extract_s"] >= 0 and timings["table_build_s"] >= 0
    # and their CPU seconds beside the wall seconds (work apart from waiting for a core)
    assert timings["process_cpu_s"] > 0
    assert third.manifest["timings"].get("model_load_s", 0) == 0  # everything came from the cache: no model


def test_an_edited_decision_file_beside_the_tables_forces_the_corpus_steps_again(tmp_path, counting_plugin):
    steps = []
    registry.register(
        Plugin(
            name="stepper",
            provides=("notes",),
            uses=("mentions",),
            corpus_step=lambda tables, context: steps.append(1) or {},
        ),
        replace=True,
    )
    inputs = write_corpus(tmp_path / "in", n=2)
    for _ in range(2):
        toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter", "stepper"], quiet=True)
    assert len(steps) == 1
    (tmp_path / "out" / "aliases.yaml").write_text("entities: []\n")
    toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter", "stepper"], quiet=True)
    assert len(steps) == 2 and len(counting_plugin) == 2


def test_a_file_a_corpus_step_leaves_beside_the_tables_does_not_spoil_the_next_rerun(tmp_path, counting_plugin):
    steps = []

    def step(tables, context):
        steps.append(1)
        (context.out_dir / "aliases.yaml").write_text("suggestions: []\n")  # written, never read back
        return {}

    registry.register(Plugin(name="writer", provides=("notes",), uses=("mentions",), corpus_step=step), replace=True)
    inputs = write_corpus(tmp_path / "in", n=2)
    toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter", "writer"], quiet=True)
    again = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter", "writer"], quiet=True)
    assert again.manifest.get("reused_previous_run") is True and len(steps) == 1
    (tmp_path / "out" / "aliases.yaml").write_text("entities: []\n")  # a person's edit still counts
    toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter", "writer"], quiet=True)
    assert len(steps) == 2


def test_changed_options_invalidate_the_cache(tmp_path, counting_plugin):
    inputs = write_corpus(tmp_path / "in", n=2)
    toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter"], quiet=True)
    corpus = toolkit.analyze(
        inputs, out=tmp_path / "out", plugins=["counter"], quiet=True, options={"counter": {"label": "OTHER"}}
    )
    assert len(counting_plugin) == 4
    assert set(corpus.mentions["label"]) == {"OTHER"}


def test_written_tables_reopen_with_contract_columns(tmp_path, counting_plugin):
    inputs = write_corpus(tmp_path / "in", n=2)
    toolkit.analyze(inputs, out=tmp_path / "out", plugins=["counter"], quiet=True)
    corpus = toolkit.open(tmp_path / "out")
    for name, schema in toolkit.SCHEMAS.items():
        assert list(corpus.table(name).columns[: len(schema)]) == list(schema)
        assert (tmp_path / "out" / f"{name}.parquet").exists()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["load_report"]["loaded"] == 2
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"])
    assert manifest["versions"]["plugins"] == {"counter": "1"}
    assert not (tmp_path / "out" / ".presslens.lock").exists()


def test_nothing_loaded_is_an_error_and_strict_fails_on_problems(tmp_path, counting_plugin):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("   \n")
    with pytest.raises(errors.NothingLoadedError, match="only whitespace"):
        toolkit.analyze(empty, plugins=["counter"], quiet=True)
    write_corpus(empty, n=1)
    with pytest.raises(errors.NothingLoadedError, match="--strict"):
        toolkit.analyze(empty, plugins=["counter"], quiet=True, strict=True)


def test_a_second_run_on_a_locked_output_gets_a_clear_error(tmp_path, counting_plugin):
    import os

    out = tmp_path / "out"
    out.mkdir()
    (out / ".presslens.lock").write_text(str(os.getpid()))  # this process is alive: the lock holds
    with pytest.raises(errors.OutputLockedError, match="Another PressLens run"):
        toolkit.analyze(write_corpus(tmp_path / "in", n=1), out=out, plugins=["counter"], quiet=True)
    (out / ".presslens.lock").write_text("999999999")  # a dead process: stale lock is taken over
    toolkit.analyze(tmp_path / "in", out=out, plugins=["counter"], quiet=True)


def test_cli_analyze_and_export(tmp_path, counting_plugin, capsys):
    inputs = write_corpus(tmp_path / "in", n=3)
    assert main(["analyze", str(inputs), "--out", str(tmp_path / "out"), "--plugins", "counter", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "loaded 3, skipped 0, failed 0" in err and "manifest.json" in err
    assert main(["export", str(tmp_path / "out"), "--table", "articles", "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["article_id"] for line in lines] == ["story0", "story1", "story2"]
    assert main(["export", str(tmp_path / "out"), "--table", "nope"]) == 1
    assert "Tables:" in capsys.readouterr().err


def test_cli_reports_a_missing_requirement(tmp_path, capsys):
    registry.register(Plugin(name="needy", requires=("imaginary_table",)), replace=True)
    assert (
        main(
            [
                "analyze",
                str(write_corpus(tmp_path / "in", n=1)),
                "--out",
                str(tmp_path / "o"),
                "--plugins",
                "needy",
                "--quiet",
            ]
        )
        == 1
    )
    assert "requires 'imaginary_table'" in capsys.readouterr().err


def test_sample_news_analyze_writes_all_tables(sample_news, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(
            ["analyze", str(sample_news), "--metadata", str(sample_news / "metadata.csv"), "--out", str(out), "--quiet"]
        )
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["load_report"]["loaded"] == 5
    for name, schema in toolkit.SCHEMAS.items():
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert list(frame.columns[: len(schema)]) == list(schema), name
    raw_out = tmp_path / "raw"
    assert (
        main(
            [
                "analyze",
                str(sample_news),
                "--metadata",
                str(sample_news / "metadata.csv"),
                "--out",
                str(raw_out),
                "--no-clean",
                "--quiet",
            ]
        )
        == 0
    )
    articles = pd.read_parquet(raw_out / "articles.parquet")
    for row in articles.itertuples():
        assert row.text == (sample_news / f"{row.article_id}.txt").read_text(encoding="utf-8")


def test_cache_keeps_rows_exactly_numpy_scalars_included(tmp_path):
    """What goes into the cache comes back unchanged: column order, text outside ASCII, nested
    lists, and numpy scalars as numbers (not their string forms)."""
    import numpy as np

    from toolkit.pipeline import _read_cache, _write_cache

    rows = {
        "claims": [
            {
                "b": 1,
                "a": "Zürich “quoted” ✓",
                "ids": ["x", "y"],
                "score": np.float64(0.25),
                "n": np.int64(7),
                "none": None,
            }
        ]
    }
    _write_cache(tmp_path, "abcdef", rows)
    back = _read_cache(tmp_path, "abcdef")
    assert back == {
        "claims": [{"b": 1, "a": "Zürich “quoted” ✓", "ids": ["x", "y"], "score": 0.25, "n": 7, "none": None}]
    }
    assert list(back["claims"][0]) == ["b", "a", "ids", "score", "n", "none"]
    assert isinstance(back["claims"][0]["n"], int)
    (tmp_path / "ab" / "abcdef.json").write_bytes(b"{not json")
    assert _read_cache(tmp_path, "abcdef") is None  # damaged: analysed again, never an error


def test_cache_writer_writes_every_entry_and_reports_a_failed_write(tmp_path):
    """Entries written on the background thread are all there after close(); a write that
    fails (here a file stands where a shard folder must go) is raised, not swallowed."""
    from toolkit.pipeline import _CacheWriter, _read_cache

    writer = _CacheWriter(tmp_path / "cache", backlog=2)  # a small backlog: put() must wait, not drop
    keys = [f"{k:02x}{'e' * 6}" for k in range(40)]
    for n, key in enumerate(keys):
        writer.put(key, {"timexes": [{"start": n}]})
    writer.close()
    assert [_read_cache(tmp_path / "cache", key) for key in keys] == [{"timexes": [{"start": n}]} for n in range(40)]

    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "ff").write_text("not a folder")
    writer = _CacheWriter(tmp_path / "blocked")
    writer.put("ff000000", {"quotes": []})
    with pytest.raises(OSError):
        writer.close()
