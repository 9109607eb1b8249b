"""Growth benchmark: how the cost of one article grows with its length on hostile inputs (issue #20).

For each adversarial input (unclosed quote marks, thousands of stray marks, 10 000 one-word quotes,
one long line without a newline, a deep chain of "said that" clauses, long runs of dates and
numbers) the article is doubled from 10 KB to 160 KB; each size is analysed alone by the full
``toolkit.analyze`` (every plugin, no cache, no time budget) and the benchmark prints the CPU
seconds per size (wall-clock seconds below them) and the growth factor per doubling of the CPU
time. A linear cost doubles (x2.0); the target is at most x2.5 per doubling on every input and no
article of 200 KB or less over 30 s. ``--mb`` also times a 1 MB single line.

The spaCy model is loaded once for the whole run (``toolkit.nlp.load_model`` is memoised here), so the
figures are the per-article cost and not the model's load time. An input whose article takes longer
than ``--give-up`` CPU seconds is not doubled further (the old quote rules took hours at 160 KB).

    python benchmarks/adversarial.py [--inputs unclosed,marks] [--max-kb 160] [--mb] [--give-up 120]
                                     [--out benchmarks/results/adversarial.json]

The texts are invented here; nothing is read from ../shared.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "plugins")]

TARGET_GROWTH = 2.5
TARGET_SECONDS = 30.0


def _fill(unit: Callable[[int], str], size: int) -> str:
    """Repeat ``unit(i)`` (i = 0, 1, …) until the text is ``size`` characters long."""
    parts: list[str] = []
    length = i = 0
    while length < size:
        part = unit(i)
        parts.append(part)
        length += len(part)
        i += 1
    return "".join(parts)[:size]


_NAMES = ("Marta Keel", "the minister", "Jon Abara", "a spokesman", "the mayor", "Ines Dorr")


def unclosed(size: int) -> str:
    # one paragraph of sentences that each open a quote mark and never close it
    return _fill(lambda i: f"{_NAMES[i % 6].capitalize()} said “we will look at the budget plan {i} again. ", size)


def marks(size: int) -> str:
    # thousands of stray marks of every style, some paired, most not, in paragraphs of ten sentences
    styles = ('"', "“", "”", "'", "‘", "’", "«", "»", "„", "''", "``")

    def unit(i: int) -> str:
        a, b = styles[i % len(styles)], styles[(i * 7 + 3) % len(styles)]
        tail = "\n\n" if i % 10 == 9 else " "
        return f"{_NAMES[i % 6].capitalize()} called it {a}odd{b} and {b}fine, {a}he said.{tail}"

    return _fill(unit, size)


def one_word(size: int) -> str:
    # 10 000 one-word quotes at about 160 KB: “No,” she said.
    words = ("No", "Yes", "Never", "Maybe", "Later", "Agreed")
    return _fill(lambda i: f"“{words[i % 6]},” {_NAMES[i % 6]} said. ", size)


def single_line(size: int) -> str:
    # ordinary reporting without a single newline
    return _fill(
        lambda i: (
            f"The council met on Tuesday and {_NAMES[i % 6]} said that the plan would cost {i} million "
            f"dollars over three years, according to a report published last week. "
        ),
        size,
    )


def clause_chain(size: int) -> str:
    # one sentence: "A said that B said that C said that … the bridge was closed."
    body = _fill(lambda i: f"{_NAMES[i % 6]} said that ", size - 30)
    return body + "the bridge was closed."


def dates(size: int) -> str:
    # long runs of dates and numbers, one sentence per thousand characters
    months = ("January", "March", "May", "July", "September", "November")

    def unit(i: int) -> str:
        end = ". " if i % 20 == 19 else ", "
        return f"{months[i % 6]} {i % 28 + 1}, {1990 + i % 30} at {i % 12 + 1} p.m., {i * 37 % 1000} and {i}{end}"

    return _fill(unit, size)


INPUTS: dict[str, Callable[[int], str]] = {
    "unclosed": unclosed,
    "marks": marks,
    "one_word": one_word,
    "single_line": single_line,
    "clause_chain": clause_chain,
    "dates": dates,
}


def _analyze_seconds(text: str, name: str) -> tuple[float, float]:
    """CPU and wall-clock seconds of one article's analysis.

    The growth factors are taken from the CPU time of this process (every thread of it): on a shared
    machine the wall clock also counts the time other processes held the cores, which changes from
    one size to the next and can hide or fake a doubling.
    """
    import toolkit
    from toolkit.records import Article

    started, cpu_started = time.perf_counter(), time.process_time()
    toolkit.analyze([Article(article_id=name, text=text)], quiet=True, cache=False, article_timeout=None)
    return time.process_time() - cpu_started, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", default=",".join(INPUTS), help="comma-separated: " + ", ".join(INPUTS))
    parser.add_argument("--min-kb", type=int, default=10)
    parser.add_argument("--max-kb", type=int, default=160)
    parser.add_argument("--mb", action="store_true", help="also time a 1 MB single line")
    parser.add_argument("--give-up", type=float, default=120.0, help="stop doubling an input past this many seconds")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.inputs.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(INPUTS))
    if unknown:
        parser.error(f"unknown input(s) {unknown}; expected some of {sorted(INPUTS)}")

    import toolkit.nlp

    # the model loads once: every analyze() call below reuses the same pipeline object
    toolkit.nlp.load_model = functools.lru_cache(maxsize=None)(toolkit.nlp.load_model)  # type: ignore[method-assign]
    _analyze_seconds("Warm-up: the council met on Tuesday.", "warm-up")

    sizes = []
    kb = args.min_kb
    while kb <= args.max_kb:
        sizes.append(kb)
        kb *= 2
    results: dict[str, dict[str, object]] = {}
    failed = False
    print("CPU seconds of one article's analysis (the wall-clock seconds below each row, in brackets)")
    print(f"{'input':<14}" + "".join(f"{str(kb) + ' KB':>10}" for kb in sizes) + "   growth per doubling (CPU)")
    for name in chosen:
        seconds: list[float] = []
        wall: list[float] = []
        for kb in sizes:
            text = INPUTS[name](kb * 1000)
            cpu, elapsed = _analyze_seconds(text, f"{name}-{kb}")
            seconds.append(cpu)
            wall.append(elapsed)
            if cpu > args.give_up:
                break
        growth = [later / max(earlier, 1e-9) for earlier, later in itertools.pairwise(seconds)]
        over = [g for g in growth if g > TARGET_GROWTH] or [s for s in seconds if s > TARGET_SECONDS]
        failed = failed or bool(over) or len(seconds) < len(sizes)
        cells = "".join(f"{s:>10.2f}" for s in seconds) + " " * 10 * (len(sizes) - len(seconds))
        print(f"{name:<14}{cells}   " + " ".join(f"x{g:.2f}" for g in growth) + ("   OVER TARGET" if over else ""))
        print(f"{'':<14}" + "".join(f"{'(' + format(s, '.1f') + ')':>10}" for s in wall), flush=True)
        results[name] = {"kb": sizes[: len(seconds)], "cpu_seconds": seconds, "wall_seconds": wall, "growth": growth}
    if args.mb:
        cpu_mb, wall_mb = _analyze_seconds(single_line(1_000_000), "single-line-1mb")
        print(f"1 MB single line: {cpu_mb:.1f} s CPU ({wall_mb:.1f} s wall clock)")
        results["single_line_1mb"] = {"cpu_seconds": cpu_mb, "wall_seconds": wall_mb}
    print(f"target: growth <= x{TARGET_GROWTH} per doubling, <= {TARGET_SECONDS:.0f} s per article up to 200 KB")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
