"""One bad article costs one line in the load report, never the run (issue #20): an exception in
a plugin's ``extract`` or inside spaCy's pipe, or an article over its time budget, marks that
article ``failed`` with the plugin, the exception and its message; every other article keeps
all its rows, in every engine. ``strict=True`` stops instead."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest
from spacy.language import Language

import toolkit
from toolkit import errors
from toolkit.engines import ArticleFailure, time_budget
from toolkit.registry import Plugin, registry

GOOD = [
    "Ministers from Canada met in Paris on Monday. The talks resumed.",
    "The United Nations sent two observers to Lima. They arrived late.",
    "Officials in Osaka said the port would reopen. Ships waited offshore.",
]
# invented texts that trip the test plugins below
POISON = "The mornıng briefing was cancelled. Nobody came."
SLOW = "This dispatch takes forever to read. Really."


def sentence_rows(doc, article, options):
    """Rows that depend on the parse, so a good article's rows can be compared across runs."""
    if "mornıng" in article.text:
        raise KeyError("mornıng")  # what find_timexes raised on a dotless ı (issue #20)
    if "forever" in article.text:
        for _ in range(400):  # short sleeps: the watchdog of a non-main thread interrupts between them
            time.sleep(0.05)
    return {"sentences": [{"start": s.start_char, "end": s.end_char, "text": s.text} for s in doc.sents]}


@Language.component("presslens_test_exploding_component")
def exploding_component(doc):
    if "mornıng" in doc.text:
        raise ValueError("component cannot handle this article")
    return doc


def frame(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"a{k}" for k in range(len(texts))], "text": list(texts)})


@pytest.fixture
def bomb():
    registry.register(Plugin(name="bomb", version="1", provides=("sentences",), extract=sentence_rows), replace=True)


@pytest.fixture
def exploding():
    registry.register(
        Plugin(
            name="exploding",
            version="1",
            provides=("sentences",),
            component="presslens_test_exploding_component",
            extract=lambda doc, article, options: {"sentences": [{"start": 0, "end": len(doc.text)}]},
        ),
        replace=True,
    )


@pytest.fixture(scope="module")
def good_rows():
    """The reference: the good articles alone."""
    registry.register(Plugin(name="bomb", version="1", provides=("sentences",), extract=sentence_rows), replace=True)
    try:
        corpus = toolkit.analyze(frame(*GOOD), plugins=["bomb"], quiet=True)
    finally:
        registry.unregister("bomb")
    return corpus.table("sentences").reset_index(drop=True)


def entry(corpus, article_id):
    return next(e for e in corpus.load_report["entries"] if e["article_id"] == article_id)


def assert_good_articles_complete(corpus, good_rows):
    """Every good article's rows, exactly as when analysed without the bad one."""
    sentences = corpus.table("sentences")
    kept = sentences[sentences["article_id"].isin(good_rows["article_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, good_rows)


def test_an_extract_that_raises_fails_its_article_and_the_run_goes_on(bomb, good_rows):
    corpus = toolkit.analyze(frame(GOOD[0], GOOD[1], GOOD[2], POISON), plugins=["bomb"], quiet=True, batch_size=4)
    failed = entry(corpus, "a3")
    assert failed["status"] == "failed"
    assert "'bomb'" in failed["reason"] and "KeyError" in failed["reason"] and "mornıng" in failed["reason"]
    assert corpus.load_report["failed"] == 1 and corpus.load_report["loaded"] == 3
    assert "a3" not in set(corpus.articles["article_id"])  # a failed article has no half rows anywhere
    assert "a3" not in set(corpus.table("sentences")["article_id"])
    assert_good_articles_complete(corpus, good_rows)


def test_an_exception_inside_spacys_pipe_reruns_the_batch_one_article_at_a_time(exploding):
    corpus = toolkit.analyze(frame(GOOD[0], POISON, GOOD[1]), plugins=["exploding"], quiet=True, batch_size=8)
    failed = entry(corpus, "a1")
    assert failed["status"] == "failed"
    assert "'exploding'" in failed["reason"]
    assert "component presslens_test_exploding_component" in failed["reason"]
    assert "ValueError" in failed["reason"]
    # the two good articles of the same batch keep their rows
    assert sorted(corpus.table("sentences")["article_id"]) == ["a0", "a2"]


def test_strict_stops_at_the_failing_article_and_names_it(bomb):
    with pytest.raises(errors.ArticleFailedError, match=r"'a1'.*'bomb'.*KeyError"):
        toolkit.analyze(frame(GOOD[0], POISON), plugins=["bomb"], quiet=True, strict=True)


def test_an_article_over_its_time_budget_is_failed_with_the_reason(bomb, good_rows):
    started = time.monotonic()
    corpus = toolkit.analyze(
        frame(GOOD[0], GOOD[1], GOOD[2], SLOW), plugins=["bomb"], quiet=True, article_timeout=0.5, batch_size=4
    )
    elapsed = time.monotonic() - started
    failed = entry(corpus, "a3")
    assert failed["status"] == "failed"
    assert "time budget of 0.5 s" in failed["reason"] and "'bomb'" in failed["reason"]
    assert elapsed < 15  # the slow article alone would take 20 s
    assert_good_articles_complete(corpus, good_rows)


def test_failed_articles_are_not_cached_so_a_fixed_plugin_gets_them_next_run(bomb, tmp_path):
    out = tmp_path / "out"
    first = toolkit.analyze(frame(GOOD[0], POISON), plugins=["bomb"], quiet=True, out=out)
    assert first.manifest["failed_articles"] == 1 and first.manifest["run_key"] is None
    second = toolkit.analyze(frame(GOOD[0], POISON), plugins=["bomb"], quiet=True, out=out)
    assert second.manifest["from_cache"] == 1  # the good one
    assert second.manifest["failed_articles"] == 1  # the bad one was tried again, not reused


def test_a_corpus_step_that_raises_is_a_run_error_naming_the_plugin():
    def broken_step(tables, context):
        raise ZeroDivisionError("division by zero")

    registry.register(Plugin(name="broken", version="1", provides=("entities",), corpus_step=broken_step))
    with pytest.raises(errors.CorpusStepError, match=r"Plugin 'broken'.*ZeroDivisionError: division by zero"):
        toolkit.analyze(frame(GOOD[0]), plugins=["broken"], quiet=True)


def test_the_time_budget_interrupts_a_worker_thread_too():
    """Dask workers run tasks in threads, where no signal arrives: the watchdog raises there."""
    outcome: list[str] = []

    def work() -> None:
        try:
            with time_budget(0.2):
                for _ in range(200):
                    time.sleep(0.05)
            outcome.append("finished")
        except errors.ArticleTimeout:
            outcome.append("stopped")

    thread = threading.Thread(target=work)
    started = time.monotonic()
    thread.start()
    thread.join(timeout=20)
    assert outcome == ["stopped"] and time.monotonic() - started < 5


def test_a_block_within_its_budget_is_untouched_and_a_previous_alarm_comes_back():
    import signal

    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *args: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_budget(5):
            pass
        time.sleep(0.6)
        assert fired == [1]  # the outer alarm still fired, after the block
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_failure_reason_names_plugin_exception_and_message_and_is_escaped():
    failure = ArticleFailure.of(ValueError("bad \x1b[2J name"), plugin="quotes", step="extract", budget=None)
    assert failure.reason == "plugin 'quotes' (extract) raised ValueError: bad \\x1b[2J name"


@pytest.mark.slow
@pytest.mark.parametrize("engine, workers", [("local", 2), ("dask", 2)], ids=["process-pool", "dask-localcluster"])
def test_isolation_and_time_budget_hold_in_worker_processes_and_dask(engine, workers, bomb, good_rows):
    corpus = toolkit.analyze(
        frame(GOOD[0], POISON, GOOD[1], SLOW, GOOD[2]),
        plugins=["bomb"],
        quiet=True,
        engine=engine,
        workers=workers,
        batch_size=2,
        article_timeout=0.5,
    )
    assert corpus.manifest["engine"].get("fallback") is None  # really ran in the workers
    assert entry(corpus, "a1")["status"] == "failed" and "KeyError" in entry(corpus, "a1")["reason"]
    assert entry(corpus, "a3")["status"] == "failed" and "time budget" in entry(corpus, "a3")["reason"]
    sentences = corpus.table("sentences")
    assert set(sentences["article_id"]) == {"a0", "a2", "a4"}
    renamed = good_rows.replace({"article_id": {"a1": "a2", "a2": "a4"}})
    assert_good_articles_complete(corpus, renamed)
