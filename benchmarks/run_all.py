"""Run every benchmark in ``benchmarks/`` one after the other (what ``make benchmarks`` does).

By default each runs in a quick configuration (small corpora, a few evaluation
documents), so the whole set takes minutes: enough to see that every benchmark
still runs and roughly where the numbers are. ``--full`` runs each with its own
defaults, the configuration whose results are committed in
``benchmarks/results/`` (that takes hours: scale.py alone analyses 12 000 articles).

    python benchmarks/run_all.py                 # quick, results in a temporary folder
    python benchmarks/run_all.py --full          # the published figures, into benchmarks/results/
    python benchmarks/run_all.py --only scale,eval_ner --out /tmp/bench

Evaluations whose data (``../shared/data/eval/...``, beside the repository) is
absent are skipped with a note. Each benchmark runs in its own process with this
checkout's ``toolkit`` and ``plugins`` first on the import path; one that fails
is reported and the others still run. The exit status is 1 when any failed.
``table_snapshot.py`` is not a benchmark (it checks a refactor) and is not run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "benchmarks"
EVAL = REPO.parent / "shared" / "data" / "eval"


@dataclass(frozen=True)
class Benchmark:
    """One script, the file it writes, and the arguments of its quick run."""

    script: str
    result: str
    quick: tuple[str, ...]
    out_flag: str = "--out"
    needs: Path | None = None  # data it reads; skipped (with a note) when absent


def benchmarks(work: Path) -> list[Benchmark]:
    """Every benchmark, cheapest first, so a quick run shows breakage early."""
    return [
        Benchmark("eval_timex.py", "timex.json", ("--limit", "10", "--no-dateparser"), needs=EVAL / "tbaq-dev"),
        Benchmark("eval_ner.py", "ner.json", ("--limit", "20"), needs=EVAL / "conll2003-dev"),
        Benchmark("eval_quotes.py", "quotes.json", ("--limit", "10"), needs=EVAL / "polnear-dev"),
        Benchmark("corpus_steps.py", "corpus_steps.json", ("--n", "50")),
        Benchmark("selection_latency.py", "selection.json", ("--rows", "5000", "--repeats", "1")),
        Benchmark("warc_memory.py", "warc_memory.json", ("--pages", "40", "--factor", "5", "--image-kb", "128")),
        # dask starts a local cluster (a minute on its own): measured in the full run only
        Benchmark(
            "scale.py",
            "scale.json",
            ("--n", "100", "--n-large", "0", "--rows", "5000", "--skip", "dask", "--work", str(work / "scale")),
            out_flag="--output",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--full", action="store_true", help="each benchmark's own defaults (hours); results go to benchmarks/results/"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the result files (default: a temporary folder; with --full, benchmarks/results/)",
    )
    parser.add_argument("--only", default="", help="comma-separated script names to run (e.g. scale,eval_ner)")
    args = parser.parse_args(argv)

    out = args.out or (BENCHMARKS / "results" if args.full else Path(tempfile.gettempdir()) / "presslens-benchmarks")
    out.mkdir(parents=True, exist_ok=True)
    chosen = benchmarks(out / "work")
    if args.only:
        wanted = {name.strip().removesuffix(".py") for name in args.only.split(",") if name.strip()}
        known = {b.script.removesuffix(".py") for b in chosen}
        if wanted - known:
            parser.error(
                f"unknown benchmark(s) {', '.join(sorted(wanted - known))}; "
                f"the benchmarks are: {', '.join(sorted(known))}"
            )
        chosen = [b for b in chosen if b.script.removesuffix(".py") in wanted]

    # this checkout's code, whatever is installed (as the scripts' own usage lines say)
    paths = [str(REPO), str(REPO / "plugins"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
    mode = "full" if args.full else "quick"
    print(f"PressLens benchmarks ({mode}): {len(chosen)} to run; results go to {out}", flush=True)

    outcomes: list[tuple[str, str]] = []
    for bench in chosen:
        if bench.needs is not None and not bench.needs.exists():
            outcomes.append((bench.script, f"skipped: {bench.needs} is absent (evaluation data lives in ../shared)"))
            print(f"\n== {bench.script}: skipped, {bench.needs} is absent", flush=True)
            continue
        command = [sys.executable, str(BENCHMARKS / bench.script), bench.out_flag, str(out / bench.result)]
        if not args.full:
            command[2:2] = bench.quick
        print(f"\n== {bench.script}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.run(command, cwd=REPO, env=env, check=False).returncode
        seconds = time.perf_counter() - started
        status = f"ok in {seconds:.0f} s -> {out / bench.result}" if code == 0 else f"FAILED (exit {code})"
        outcomes.append((bench.script, status))

    print("\nSummary")
    for script, status in outcomes:
        print(f"  {script:<22} {status}")
    return 1 if any(status.startswith("FAILED") for _, status in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
