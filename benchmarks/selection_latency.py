"""Selection latency of every installed view at scale, measured in the kernel.

Builds the synthetic corpus of ``benchmarks/scale.py`` (N quotes, events and
claims, 2 N mentions, N / 50 entities with Zipf popularity, N / 20 articles),
then for each view on its own (a fresh :class:`toolkit.Selection`) measures
the time to build it and the time of each selection change — entities, date
range, articles, quote, clear — until its ``rows()`` answer is ready; and the
same for the whole dashboard (every view around one selection). A view that
exceeds ``--timeout`` seconds in one step is stopped and marked as such.
Prints a table and writes ``benchmarks/results/selection.json``.

    python benchmarks/selection_latency.py --rows 100000

The table's last column is the slowest change of the first round, which
also pays for indexes built on first use (kept in the JSON as ``first_round_ms``).
Timings are wall-clock (the target); on a shared machine other processes show
up in them, so the JSON also keeps the median CPU time per change (``selection_cpu_ms``).
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
TARGET_MS = 150.0
sys.path.insert(0, str(REPO / "benchmarks"))


class TooSlow(Exception):
    """A step ran past the time limit."""


class Failed(Exception):
    """A step raised an error."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise TooSlow


def timed(step: Callable[[], Any], limit: float) -> float | None:
    """Seconds ``step`` took, or None when it ran past ``limit`` seconds (it is interrupted)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        step()
    except TooSlow:
        return None
    except Exception as exc:  # a view that fails at this size is reported, and the others still measured
        raise Failed(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}") from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


CPU: list[float] = []  # the CPU seconds of each timed step, beside its wall time (a busy machine inflates the latter)


def changes(corpus: Any) -> list[tuple[str, Callable[[Any], None]]]:
    """The selection changes, applied one after the other (each keeps what the previous set, as a reader does)."""
    entity = corpus.entities.sort_values("n_mentions", ascending=False)["entity_id"].iloc[0]
    quote_id = corpus.quotes["quote_id"].iloc[len(corpus.quotes) // 2]
    articles = list(corpus.articles["article_id"].iloc[:3])
    return [
        ("entities", lambda s: setattr(s, "entities", [entity])),
        ("date_range", lambda s: setattr(s, "date_range", ("2021-01-01", "2021-06-30"))),
        ("articles", lambda s: setattr(s, "articles", articles)),
        ("quote", lambda s: setattr(s, "quote", quote_id)),
        ("clear", lambda s: s.clear()),
    ]


def measure(build: Callable[[Any], Any], corpus: Any, *, repeats: int, limit: float) -> dict[str, Any]:
    """Build time and the median time per selection change of one widget (a view or the dashboard)."""
    import toolkit

    selection = toolkit.Selection()
    holder: dict[str, Any] = {}

    def make() -> None:
        holder["widget"] = build(selection)

    built = timed(make, limit)
    result: dict[str, Any] = {"build_s": None if built is None else round(built, 3)}
    if built is None:
        return {**result, "timed_out": "build"}
    widget = holder["widget"]
    panels = dict(getattr(widget, "panels", {})) or {"view": widget}

    def rows() -> None:
        for panel in panels.values():
            if hasattr(panel, "rows"):
                len(panel.rows())

    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(repeats):
        for name, change in changes(corpus):
            took = timed(lambda change=change: (change(selection), rows()), limit)
            if took is None:
                return {**result, "timed_out": name, "selection_ms": {k: _median(v) for k, v in timings.items()}}
            timings.setdefault(name, []).append(took)
            cpu.setdefault(name, []).append(CPU[-1])
    per_change = {k: _median(v) for k, v in timings.items()}
    result["selection_cpu_ms"] = {k: _median(v) for k, v in cpu.items()}
    # the first round as well: it pays for indexes a view builds on first use, which the median hides
    first = {k: round(1000 * v[0], 1) for k, v in timings.items()}
    return {**result, "selection_ms": per_change, "max_ms": max(per_change.values()), "first_round_ms": first}


def _median(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="quotes, events and claims in the corpus")
    parser.add_argument("--repeats", type=int, default=5, help="times each change is measured (median kept)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one step may take before it is stopped")
    parser.add_argument("--views", default="", help="comma-separated views to measure (default: every installed view)")
    parser.add_argument("--no-dashboard", action="store_true", help="skip the whole-dashboard measurement")
    parser.add_argument("--out", type=Path, default=RESULTS / "selection.json")
    args = parser.parse_args()

    from scale import synthetic_corpus

    import toolkit
    from toolkit import views as views_module

    started = time.perf_counter()
    corpus = synthetic_corpus(args.rows)
    print(
        f"synthetic corpus: {args.rows} quotes/events/claims, {len(corpus.mentions)} mentions, "
        f"{len(corpus.entities)} entities, {len(corpus.articles)} articles "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    names = [n for n in args.views.split(",") if n] or views_module.views()
    results: dict[str, Any] = {}
    for name in names:
        try:
            results[name] = measure(
                lambda s, n=name: toolkit.view(corpus, n, selection=s), corpus, repeats=args.repeats, limit=args.timeout
            )
        except Failed as exc:
            results[name] = {"build_s": None, "error": str(exc)}
        print(f"  {name}: {results[name]}", flush=True)
    if not args.no_dashboard:
        try:
            results["(dashboard)"] = measure(
                lambda s: toolkit.dashboard(corpus, selection=s), corpus, repeats=args.repeats, limit=args.timeout
            )
        except Failed as exc:
            results["(dashboard)"] = {"build_s": None, "error": str(exc)}
        print(f"  (dashboard): {results['(dashboard)']}", flush=True)
    report = {"rows": args.rows, "timeout_s": args.timeout, "target_ms": TARGET_MS, "views": results}
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")


def print_table(report: dict[str, Any]) -> None:
    steps = ["entities", "date_range", "articles", "quote", "clear"]
    print(
        f"\nselection latency at {report['rows']} rows (ms, median; target ≤ {report['target_ms']:.0f} ms per change)"
    )
    print(f"{'view':<20}{'build s':>9}" + "".join(f"{s:>12}" for s in steps) + f"{'max':>10}{'1st round':>12}")
    for name, r in report["views"].items():
        ms = r.get("selection_ms", {})
        cells = "".join(
            f"{ms[s]:>12.1f}"
            if s in ms
            else f"{('>' + str(int(report['timeout_s'])) + ' s') if r.get('timed_out') == s else '-':>12}"
            for s in steps
        )
        build = (
            f"{r['build_s']:.2f}"
            if r.get("build_s") is not None
            else ("error" if r.get("error") else f">{report['timeout_s']:.0f}")
        )
        top = f"{r['max_ms']:.1f}" if "max_ms" in r else "n/a"
        first = max(r.get("first_round_ms", {}).values(), default=None)
        print(f"{name:<20}{build:>9}{cells}{top:>10}" + (f"{first:>12.1f}" if first is not None else ""))


if __name__ == "__main__":
    main()
