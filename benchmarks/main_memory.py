"""Where the main process's memory goes in ``analyze --workers N``, phase by phase, without spaCy.

The workers of this run return each article's rows from the cache of an earlier run on the
same inputs (``--from``: its output folder), so the main process does exactly what it does in
a real run (receives and unpickles results, builds the tables, writes its own cache, runs the
corpus steps, writes the tables) in minutes instead of the half hour spaCy takes on 10 000
articles. Its RSS is sampled every 20 ms and the peak kept per phase: the stream, table
building, each corpus step, saving.

    python benchmarks/main_memory.py INPUTS --from OUT-OF-AN-EARLIER-RUN --out /tmp/mm [--workers 2]

The earlier run's manifest gives the code digests its cache was keyed with; the rows come
from that cache (never from this checkout's plugins), so a change to the core's table
handling is measured on the same rows. Prints the phases and writes ``main_memory.json``
beside ``--out``'s parent (``--json`` to choose).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import toolkit.engines as engines
import toolkit.pipeline as pipeline
from toolkit._io import sha256_text

# set in every process (the spawned workers import this module again): the earlier run's cache
_SOURCE = os.environ.get("PRESSLENS_MAIN_MEMORY_FROM")


def _earlier_run(source: Path) -> tuple[Path, str]:
    """The earlier run's cache folder, and the fingerprint its entries were keyed with."""
    manifest = json.loads((source / "manifest.json").read_text("utf-8"))
    config = engines.RunConfig(options=manifest["configuration"].get("options") or {})
    chosen = pipeline.registry.resolve(manifest["configuration"]["plugins"])
    parts = {
        "model": config.model or "default",
        "clean": manifest["configuration"]["clean"],
        "plugins": {p.name: config.plugin_options(p) for p in chosen},
        "code": manifest["versions"]["code"],
        "model_info": manifest["model"],
    }
    fingerprint = json.dumps(parts, sort_keys=True, default=str)
    key = manifest["cache"]["key"]
    if sha256_text(fingerprint)[:16] != key:
        raise SystemExit(f"{source}: its cache key {key} does not follow from its manifest (other plugin options?).")
    return source / pipeline.CACHE_DIR / key, fingerprint


if _SOURCE is not None:
    _CACHE, _FINGERPRINT = _earlier_run(Path(_SOURCE))
    # this run keys its own cache as the earlier one did, so nothing in it is read from there
    pipeline.code_fingerprint = lambda chosen: json.loads(_FINGERPRINT)["code"]

    def _cached_rows(self: Any, articles: Any) -> list[Any]:
        found = []
        for article in articles:
            rows = pipeline._read_cache(_CACHE, pipeline._cache_key(article, _FINGERPRINT))
            if rows is None:
                raise SystemExit(f"{article.article_id}: not in the earlier run's cache {_CACHE}")
            found.append(rows)
        return found

    engines.ArticleProcessor.process = _cached_rows  # type: ignore[method-assign]


class Phases:
    """This process's RSS every ``every`` seconds, the peak kept under the phase running then."""

    def __init__(self, every: float = 0.02) -> None:
        import psutil

        self.process = psutil.Process()
        self.phase = "stream"
        self.peaks: dict[str, float] = {}
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            mb = self.process.memory_info().rss / 2**20
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), mb)
            self._stop.wait(self.every)

    def during(self, name: str, function: Any) -> Any:
        def measured(*args: Any, **kwargs: Any) -> Any:
            self.phase = name
            try:
                return function(*args, **kwargs)
            finally:
                self.phase = f"after {name}"

        return measured

    def __enter__(self) -> Phases:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--from", dest="source", required=True, help="output folder of an earlier run on INPUTS")
    parser.add_argument("--out", required=True, help="scratch output folder (emptied first)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", help="where to write the figures (default: beside --out)")
    args = parser.parse_args()
    if _SOURCE is None:  # the workers need it too: run again with it set
        os.environ["PRESSLENS_MAIN_MEMORY_FROM"] = str(Path(args.source).resolve())
        os.execv(sys.executable, [sys.executable, *sys.argv])
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    import toolkit

    with Phases() as phases:
        pipeline._TableBuilder.tables = phases.during("tables", pipeline._TableBuilder.tables)  # type: ignore[method-assign]
        pipeline.Corpus.save = phases.during("save", pipeline.Corpus.save)  # type: ignore[method-assign]
        resolve = pipeline.registry.resolve
        make_payload = engines.make_payload
        # the steps measured in this process; the workers get the plugins as they are
        pipeline.registry.resolve = lambda names=None: [  # type: ignore[method-assign]
            dataclasses.replace(p, corpus_step=phases.during(f"step {p.name}", p.corpus_step)) if p.corpus_step else p
            for p in resolve(names)
        ]
        engines.make_payload = lambda config, chosen: make_payload(config, resolve([p.name for p in chosen]))
        started = time.perf_counter()
        corpus = toolkit.analyze(args.inputs, out=out, workers=args.workers, quiet=True)
        seconds = time.perf_counter() - started
        phases.phase = "returned"
        time.sleep(0.1)
    to_mb = 1 / 1024  # ru_maxrss is in KiB on Linux
    result = {
        "articles": len(corpus.articles),
        "workers": args.workers,
        "seconds": round(seconds, 1),
        "peak_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * to_mb, 1),
        "peak_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * to_mb, 1),
        "phases_mb": {name: round(mb, 1) for name, mb in phases.peaks.items()},
        "tables": corpus.manifest["tables"],
    }
    for name, mb in result["phases_mb"].items():
        print(f"{name:24s}{mb:8.0f} MB")
    print(f"peak of the main process {result['peak_main_mb']:.0f} MB ({result['articles']} articles, {seconds:.0f} s)")
    target = Path(args.json) if args.json else out.parent / "main_memory.json"
    target.write_text(json.dumps(result, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
