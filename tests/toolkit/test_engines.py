"""Engines: worker processes and Dask give the same tables as one process, in input order;
cached runs load no model; importing the toolkit stays cheap."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit import engines
from toolkit.cli import main
from toolkit.registry import Plugin, registry

REPO = Path(__file__).resolve().parents[2]


def entity_rows(doc, article, options):
    """A plugin that depends on the model's output, so equal tables mean equal NLP work."""
    return {
        "mentions": [
            {
                "start": ent.start_char,
                "end": ent.end_char,
                "text": ent.text,
                "label": ent.label_,
                "entity_id": f"{article.article_id}:{ent.start_char}",
            }
            for ent in doc.ents
        ],
        "sentences": [{"start": sent.start_char, "end": sent.end_char} for sent in doc.sents],
    }


def count_step(tables, context):
    """A corpus-level step: it must see every article's rows, whichever engine made them."""
    mentions = tables["mentions"]
    entities = (
        mentions.groupby("text", sort=True)
        .agg(n_mentions=("article_id", "size"), n_articles=("article_id", "nunique"))
        .reset_index()
    )
    entities = entities.rename(columns={"text": "name"})
    entities["entity_id"] = "e:" + entities["name"]
    entities["label"] = None
    entities["aliases"] = [[name] for name in entities["name"]]
    return {"entities": entities}


@pytest.fixture
def ents_plugin():
    registry.register(
        Plugin(
            name="ents",
            version="1",
            provides=("mentions", "entities", "sentences"),
            extract=entity_rows,
            corpus_step=count_step,
        ),
        replace=True,
    )


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cities = ["Paris", "Nairobi", "Lima", "Osaka", "Quebec", "Tunis", "Perth"]
    for i in range(n):
        city = cities[i % len(cities)]
        (folder / f"story{i:02d}.txt").write_text(
            f"Talks in {city} resume\n\nMinisters from Canada and Kenya met in {city} on Monday, "
            f"the foreign ministry said. The United Nations sent {i + 2} observers.\n"
        )
    return folder


def tables_of(corpus):
    return {name: frame.reset_index(drop=True) for name, frame in corpus.tables.items()}


def assert_same_tables(left, right):
    assert set(left.tables) == set(right.tables)
    for name in left.tables:
        pd.testing.assert_frame_equal(
            left.table(name).reset_index(drop=True), right.table(name).reset_index(drop=True), obj=name
        )


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("engines") / "in", n=9)


@pytest.fixture(scope="module")
def local_tables(corpus_dir):
    """The reference: one process, no workers."""
    registry.register(
        Plugin(
            name="ents",
            version="1",
            provides=("mentions", "entities", "sentences"),
            extract=entity_rows,
            corpus_step=count_step,
        ),
        replace=True,
    )
    try:
        return toolkit.analyze(corpus_dir, plugins=["ents"], batch_size=2, quiet=True)
    finally:
        registry.unregister("ents")


@pytest.mark.slow
def test_two_worker_processes_give_the_local_tables_in_input_order(corpus_dir, local_tables, ents_plugin):
    pooled = toolkit.analyze(corpus_dir, plugins=["ents"], batch_size=2, workers=2, quiet=True)
    assert pooled.manifest["engine"] == {"engine": "local", "workers": 2, "fallback": None}
    assert len(local_tables.mentions) > 9 * 3  # the check below compares real NLP output
    assert_same_tables(local_tables, pooled)
    assert pooled.articles["article_id"].tolist() == [f"story{i:02d}" for i in range(9)]
    # the workers' time is in the manifest, split as scale.py's breakdown reads it
    timings = pooled.manifest["timings"]
    # extract time is rounded to milliseconds and can be 0.0 on nine short stories: present, never negative
    assert timings["worker_model_load_s"] > 0 and timings["worker_spacy_s"] > 0 and timings["worker_extract_s"] >= 0
    assert timings["worker_process_cpu_s"] > 0
    assert timings["results_mb"] > 0 and 0 < timings["first_results_s"] <= timings["analyse_s"]


def test_remote_engines_take_smaller_tasks_so_the_workers_finish_together():
    """Issue 22: with tasks of a whole batch (64 articles) one worker sat idle while the other
    finished the last task; the pool and Dask take a quarter batch, never more than a batch."""
    pool = engines.make_engine("local", engines.RunConfig(batch_size=64, workers=2), [])
    assert pool.task_size == 16
    assert engines.make_engine("dask", engines.RunConfig(batch_size=4, workers=2), []).task_size == 4
    assert engines.make_engine("local", engines.RunConfig(batch_size=64), []).task_size == 64


@pytest.mark.slow
def test_dask_local_cluster_with_two_workers_gives_the_local_tables(corpus_dir, local_tables, ents_plugin, tmp_path):
    out = tmp_path / "dask-out"
    assert (
        main(
            [
                "analyze",
                str(corpus_dir),
                "--out",
                str(out),
                "--plugins",
                "ents",
                "--engine",
                "dask",
                "--workers",
                "2",
                "--batch-size",
                "2",
                "--quiet",
            ]
        )
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"]["engine"] == "dask" and manifest["engine"]["workers"] == 2
    assert manifest["engine"]["fallback"] is None
    assert_same_tables(local_tables, toolkit.open(out))


@pytest.mark.slow
def test_dask_local_cluster_workers_run_with_glibcs_default_memory_trimming():
    """Issue 22: Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536, and spaCy's CPU seconds per article
    rose 10-20 % in such workers; the LocalCluster PressLens starts leaves the variable as it is here."""
    import os

    engine = engines.make_engine("dask", engines.RunConfig(workers=1), [])
    engine._start()
    try:
        seen = engine._client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    finally:
        engine.close()
    assert seen and set(seen.values()) == {os.environ.get("MALLOC_TRIM_THRESHOLD_")}


@pytest.mark.slow
def test_a_spacy_factory_registered_only_here_falls_back_to_this_process(corpus_dir, local_tables, tmp_path):
    from spacy.language import Language

    name = "presslens_test_only_here"
    if name not in Language.factories:  # registered at run time: a spawned worker never sees it
        Language.factory(name, func=lambda nlp, name: lambda doc: doc)
    registry.register(
        Plugin(
            name="ents",
            version="1",
            provides=("mentions", "entities", "sentences"),
            component=name,
            extract=entity_rows,
            corpus_step=count_step,
        ),
        replace=True,
    )
    with pytest.warns(RuntimeWarning, match="analysing in this process instead"):
        corpus = toolkit.analyze(corpus_dir, plugins=["ents"], batch_size=2, workers=2, quiet=True)
    assert corpus.manifest["engine"]["fallback"]
    assert_same_tables(local_tables, corpus)


def test_cached_rerun_loads_no_model_and_new_articles_alone_are_analysed(tmp_path, ents_plugin, monkeypatch):
    inputs = write_corpus(tmp_path / "in", n=5)
    first = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["ents"], batch_size=2, quiet=True)

    def no_model(*args, **kwargs):
        raise AssertionError("a cached run must not load the spaCy model")

    monkeypatch.setattr(engines, "build_nlp", no_model)
    again = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["ents"], batch_size=2, quiet=True)
    assert again.manifest["reused_previous_run"] is True
    assert_same_tables(first, again)
    (tmp_path / "out" / "manifest.json").unlink()  # without the previous run, the per-article cache serves
    again = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["ents"], batch_size=2, quiet=True)
    assert again.manifest["from_cache"] == 5 and again.manifest["analysed"] == 0
    assert_same_tables(first, again)
    monkeypatch.undo()
    (inputs / "story99.txt").write_text("A new story\n\nDelegates from Chile arrived in Oslo on Friday.\n")
    grown = toolkit.analyze(inputs, out=tmp_path / "out", plugins=["ents"], batch_size=2, quiet=True)
    assert grown.manifest["analysed"] == 1 and grown.manifest["from_cache"] == 5
    assert set(grown.mentions.loc[grown.mentions["article_id"] == "story99", "text"]) >= {"Chile", "Oslo"}
    assert grown.articles["article_id"].tolist()[-1] == "story99"


def test_tables_are_built_in_chunks_with_the_contract_dtypes(tmp_path, monkeypatch):
    calls = []

    def extract(doc, article, options):
        calls.append(article.article_id)
        return {
            "timexes": [{"start": 0, "end": 1, "text": article.text[0], "type": "DATE", "value": None}],
            "extra": [{"n": len(calls)}],
        }

    registry.register(Plugin(name="tiny", provides=("timexes", "extra"), extract=extract), replace=True)
    from toolkit.pipeline import _TableBuilder

    built = _TableBuilder.__init__  # the builder as it is, with chunks of two rows
    monkeypatch.setattr(_TableBuilder, "__init__", lambda self, flush_rows=2: built(self, flush_rows=2))
    corpus = toolkit.analyze(
        write_corpus(tmp_path / "in", n=5), out=tmp_path / "out", plugins=["tiny"], batch_size=2, quiet=True
    )
    assert corpus.timexes["article_id"].tolist() == [f"story{i:02d}" for i in range(5)]
    assert str(corpus.timexes["start"].dtype) == "Int64"
    assert corpus.table("extra")["n"].tolist() == [1, 2, 3, 4, 5]
    reopened = toolkit.open(tmp_path / "out")
    pd.testing.assert_frame_equal(reopened.timexes, corpus.timexes)


def test_written_parquet_keeps_lists_when_the_first_row_group_has_none(tmp_path):
    from toolkit.pipeline import _write_table

    frame = toolkit.empty_table("events")
    frame = pd.concat(
        [frame, pd.DataFrame({"event_id": ["a", "b", "c"], "entity_ids": [None, None, ["x", "y"]]})], ignore_index=True
    )
    _write_table(tmp_path / "events.parquet", frame, chunk_rows=2)
    back = pd.read_parquet(tmp_path / "events.parquet")
    assert back["entity_ids"].iloc[0] is None and list(back["entity_ids"].iloc[2]) == ["x", "y"]


def test_unknown_engine_and_misplaced_scheduler_say_what_to_do(tmp_path, ents_plugin):
    inputs = write_corpus(tmp_path / "in", n=1)
    with pytest.raises(ValueError, match="expected one of: local, dask"):
        toolkit.analyze(inputs, plugins=["ents"], engine="spark", quiet=True)
    with pytest.raises(ValueError, match="only used by engine='dask'"):
        toolkit.analyze(inputs, plugins=["ents"], scheduler="tcp://127.0.0.1:8786", quiet=True)


def test_model_fingerprint_matches_the_loaded_model():
    from toolkit.nlp import load_model, model_info

    assert engines.model_fingerprint(None) == model_info(load_model())


def test_importing_the_toolkit_and_its_engines_loads_no_spacy_altair_dask_or_plugin():
    code = (
        "import sys, toolkit, toolkit.pipeline, toolkit.engines, toolkit.cli\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "{'spacy', 'thinc', 'torch', 'altair', 'dask', 'distributed', 'toolkit_entities', 'toolkit_quotes', "
        "'toolkit_timeline', 'toolkit_claims'}]\n"
        "print(sorted({m.split('.')[0] for m in heavy}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"
