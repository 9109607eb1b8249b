"""Crash safety: a run killed at any point, then run again, gives the tables of an
uninterrupted run; a half-written folder is never trusted; two runs on one folder
do not corrupt it.

The runs are real ``presslens analyze`` processes (tests/support/presslens_driver.py adds a
``probe`` plugin whose rows come from the parsed Doc, and can slow it down or make
it die while writing tables).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import toolkit

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "support")
)  # helpers (not tests/ itself: its toolkit_* folders would shadow the plugins)
from corpus_factory import write_corpus

from toolkit import errors
from toolkit._io import LOCK_NAME, output_lock
from toolkit.pipeline import INCOMPLETE

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
DRIVER = TESTS / "support" / "presslens_driver.py"
N_ARTICLES = 30
KILL_AFTER = 10
# small batches: a pipeline that writes the cache per batch still has some articles done when killed
BATCH = "5"
VOLATILE = {"created", "timings", "analysed", "from_cache"}  # what may differ between equal runs


def _env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "PYTHONHASHSEED": "random", **extra}


def _args(corpus: Path, out: Path) -> list[str]:
    return [
        "analyze",
        str(corpus),
        "--metadata",
        str(corpus / "metadata.csv"),
        "--out",
        str(out),
        "--plugins",
        "probe",
        "--quiet",
        "--batch-size",
        BATCH,
    ]


def _command(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, str(DRIVER), *_args(corpus, out)]


def _run(corpus: Path, out: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(_command(corpus, out), env=_env(**env), capture_output=True, text=True, timeout=900)


def _run_here(corpus: Path, out: Path) -> None:
    """The same command in this process (cheaper than a subprocess where no kill is involved)."""
    from presslens_driver import install_probe

    from toolkit.cli import main

    install_probe()
    assert main(_args(corpus, out)) == 0


def _cache_entries(out: Path) -> list[Path]:
    return sorted((out / ".cache").glob("*/*/*.json")) if (out / ".cache").is_dir() else []


def _wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the run ended before {what}: {process.stderr.read()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def assert_same_output(expected: Path, actual: Path) -> None:
    """Every table equal, and the manifest equal apart from timings and cache counts."""
    names = sorted(p.name for p in expected.glob("*.parquet"))
    assert names == sorted(p.name for p in actual.glob("*.parquet"))
    assert "articles.parquet" in names and "probe_stats.parquet" in names
    for name in names:
        pd.testing.assert_frame_equal(pd.read_parquet(expected / name), pd.read_parquet(actual / name), obj=name)
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (expected, actual)]
    for manifest in manifests:
        for key in VOLATILE:
            manifest.pop(key, None)
        (manifest.get("cache") or {}).pop("damaged", None)  # cache counts too
    assert manifests[0] == manifests[1]
    assert not (actual / INCOMPLETE).exists()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "in", n=N_ARTICLES, seed=3)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    """An uninterrupted run."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = _run(corpus, out)
    assert result.returncode == 0, result.stderr
    corpus_ = toolkit.open(out)
    assert len(corpus_.articles) == N_ARTICLES and len(corpus_.mentions) > N_ARTICLES
    return out


def test_kill_9_mid_analysis_then_rerun_gives_the_uninterrupted_tables(corpus, reference, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        _command(corpus, out),
        env=_env(PRESSLENS_PROBE_BLOCK_AFTER=str(KILL_AFTER)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: len(_cache_entries(out)) >= int(BATCH), process, "the first articles were analysed")
        time.sleep(1.0)  # the run is blocked at article KILL_AFTER + 1; let what came before reach the cache
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    done = len(_cache_entries(out))
    assert int(BATCH) <= done <= KILL_AFTER, "killed in the middle of the analysis"
    assert (out / LOCK_NAME).exists(), "the killed run's lock file is left behind (its flock is gone)"
    assert not (out / "manifest.json").exists()
    (out / ".cache" / ".orphan.json.abc123.tmp").write_text("{half")  # as a kill inside a write leaves

    rerun = _run(corpus, out)
    assert rerun.returncode == 0, rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["from_cache"], manifest["analysed"]) == (done, N_ARTICLES - done)
    assert_same_output(reference, out)
    assert not list(out.rglob("*.tmp")), "temporary files of the killed run are swept"


def test_death_while_writing_tables_leaves_a_folder_that_is_refused_then_repaired(corpus, reference, tmp_path):
    out = tmp_path / "out"
    dying = _run(corpus, out, PRESSLENS_DIE_AFTER_TABLES="3")
    assert dying.returncode == 9, dying.stderr
    assert (out / INCOMPLETE).exists() and len(list(out.glob("*.parquet"))) == 3
    with pytest.raises(errors.IncompleteOutputError, match="stopped while writing"):
        toolkit.open(out)
    _run_here(corpus, out)
    assert_same_output(reference, out)
    toolkit.open(out)


def test_a_stale_earlier_output_is_not_mistaken_for_a_finished_one(reference, tmp_path):
    """Tables from an earlier run plus a manifest that no longer matches them are refused."""
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    articles = pd.read_parquet(out / "articles.parquet")
    articles.head(3).to_parquet(out / "articles.parquet", index=False)  # as if an older, smaller run wrote it
    with pytest.raises(errors.IncompleteOutputError, match="table 'articles' is 3 rows"):
        toolkit.open(out)


def test_damaged_cache_entries_are_analysed_again_not_trusted(corpus, reference, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    entries = _cache_entries(out)
    assert len(entries) == N_ARTICLES
    for table in out.glob("*.parquet"):  # tables lost too, so the rerun has to go through the cache
        table.unlink()
    truncated = entries[3].read_text()[:40]
    for entry, damage in zip(entries[3:6], [truncated, json.dumps({"mentions": "oops"}), ""]):
        entry.write_text(damage)
    # the row store (every article's rows in one file) cut short too: it would serve all of them otherwise
    (store,) = out.glob(".cache/*/rows.arrows")
    store.write_bytes(store.read_bytes()[:-100])
    _run_here(corpus, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["analysed"], manifest["from_cache"]) == (3, N_ARTICLES - 3)
    assert manifest["cache"]["damaged"] == 3  # reported, not only recomputed (issue #20)
    assert_same_output(reference, out)


def test_two_runs_on_one_folder_the_second_gets_a_clear_message(corpus, reference, tmp_path):
    out, gate = tmp_path / "out", tmp_path / "gate"
    first = subprocess.Popen(
        _command(corpus, out),
        env=_env(PRESSLENS_PROBE_GATE=str(gate)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def holds_lock() -> bool:
            with contextlib.suppress(OSError, ValueError):
                return json.loads((out / LOCK_NAME).read_text())["pid"] == first.pid
            return False

        _wait_for(holds_lock, first, "the first run took the lock")
        second = _run(corpus, out)
        assert first.poll() is None, "the first run is held at its gate while the second one runs"
        gate.write_text("go")
        _, first_err = first.communicate(timeout=900)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 1
    assert "Another PressLens run is writing to" in second.stderr and f"process {first.pid}" in second.stderr
    assert "choose another --out" in second.stderr
    assert first.returncode == 0, first_err
    assert_same_output(reference, out)


def test_the_lock_is_released_when_its_holder_is_killed_and_not_held_by_forked_children(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            "from pathlib import Path\n"
            "from toolkit._io import output_lock\n"
            "with output_lock(Path(sys.argv[1])):\n"
            "    child = os.fork()\n"  # a worker forked while the lock is held outlives its parent
            "    if child == 0:\n"
            "        time.sleep(60); os._exit(0)\n"
            "    print('locked', child, flush=True); time.sleep(60)\n",
            str(out),
        ],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    child = None
    try:
        word, child = holder.stdout.readline().split()
        assert word == "locked"
        with pytest.raises(errors.OutputLockedError, match=f"process {holder.pid}"), output_lock(out):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        with output_lock(out):  # taken over although the forked child still runs
            assert json.loads((out / LOCK_NAME).read_text())["pid"] == os.getpid()
        assert not (out / LOCK_NAME).exists()
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.stdout.close()
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(child), signal.SIGKILL)
