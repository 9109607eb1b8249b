"""The corpus steps of an incremental run, in CPU seconds, with no NLP: what the memos save.

Takes an output folder that ``presslens analyze`` wrote (BASE, its article cache filled for
every article of BIG) and two inputs, SMALL and BIG (BIG = SMALL plus a few new articles).
Every article's rows come from BASE's cache, read under the key BASE's manifest recorded,
whatever code runs now: so the corpus steps of the code under test run on the same rows,
and two versions of the code can be compared without analysing the articles again.

1. ``first``: SMALL on a copy of BASE without step memos or row store (the steps compute everything);
2. ``incremental``: BIG on the same copy (the memos of step 1 are read back);
3. ``fresh``: BIG on another copy without memos; every table must equal step 2's.

Each step's time is its process CPU time (``time.process_time``), not wall time: on a shared
machine wall times mostly measure the other processes. ``--repeat N`` runs each step of the
incremental run N times on a fresh copy of its memo and keeps the least.

    presslens analyze in202/ --out base/        # once (or analyse SMALL, then BIG)
    python benchmarks/incremental_steps.py base/ in200/ in202/ --repeat 5
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", type=Path, help="an output folder whose cache holds every article of BIG")
    parser.add_argument("small", help="the inputs of the first run")
    parser.add_argument("big", help="the inputs of the incremental run (SMALL plus new articles)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step in the incremental run (least kept)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()

    import pandas as pd

    import toolkit
    import toolkit.pipeline as pipeline

    manifest = json.loads((args.base / "manifest.json").read_text(encoding="utf-8"))
    recorded = manifest["versions"]["code"]
    pipeline.code_fingerprint = lambda chosen: recorded  # BASE's cache entries, read by this code
    cpu: dict[str, float] = {}
    phase = {"name": ""}
    resolve = pipeline.registry.resolve

    def timed(name: str, step: Any) -> Any:
        def run(tables: Any, context: Any) -> Any:
            given = dict(tables)
            memo = context.memo.folder if context.memo is not None and context.memo.folder.is_dir() else None
            kept = Path(tempfile.mkdtemp()) / "memo" if memo is not None else None
            if kept is not None and memo is not None:
                shutil.copytree(memo, kept)  # as the step found it, for the repeats
            started = time.process_time()
            out = step(tables, context)
            best = time.process_time() - started
            for _ in range(args.repeat - 1 if phase["name"] == "incremental" else 0):
                if kept is not None and memo is not None:
                    shutil.rmtree(memo)
                    shutil.copytree(kept, memo)
                started = time.process_time()
                step(dict(given), context)
                best = min(best, time.process_time() - started)
            if kept is not None:
                shutil.rmtree(kept.parent)
            cpu[name] = best
            return out

        return run

    def resolve_timed(*a: Any, **k: Any) -> Any:
        return [
            dataclasses.replace(p, corpus_step=timed(p.name, p.corpus_step)) if p.corpus_step else p
            for p in resolve(*a, **k)
        ]

    pipeline.registry.resolve = resolve_timed  # type: ignore[method-assign]
    work = args.work or Path(tempfile.mkdtemp(prefix="presslens-incremental-steps-"))

    def copy(name: str) -> Path:
        folder = work / name
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(args.base, folder)
        for memo in folder.glob(".cache/*/steps"):
            shutil.rmtree(memo)
        for store in folder.glob(".cache/*/rows.arrows"):
            store.unlink()  # the fresh run reads every article's entry; the first one writes the store anew
        (folder / "manifest.json").unlink()  # no unchanged-run shortcut
        return folder

    def run(inputs: str, out: Path, name: str) -> None:
        phase["name"] = name
        cpu.clear()
        corpus = toolkit.analyze(inputs, out=str(out), quiet=True)
        if corpus.manifest["analysed"]:
            raise SystemExit(
                f"{corpus.manifest['analysed']} articles were not in {args.base}'s cache: analyse BIG there first"
            )
        steps = "  ".join(f"{k} {v:.2f}" for k, v in cpu.items())
        print(f"{name:12s} corpus steps {sum(cpu.values()):6.2f} CPU s   {steps}", flush=True)

    incremental, fresh = copy("incremental"), copy("fresh")
    run(args.small, incremental, "first")
    run(args.big, incremental, "incremental")
    run(args.big, fresh, "fresh")
    names = sorted({p.stem for p in incremental.glob("*.parquet")} | {p.stem for p in fresh.glob("*.parquet")})
    different = []
    for name in names:
        try:
            pd.testing.assert_frame_equal(
                pd.read_parquet(incremental / f"{name}.parquet"), pd.read_parquet(fresh / f"{name}.parquet")
            )
        except (AssertionError, FileNotFoundError):
            different.append(name)
    print("incremental tables:", f"DIFFERENT: {', '.join(different)}" if different else f"equal ({len(names)})")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
