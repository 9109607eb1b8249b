"""Score quote attribution against PolNeAR's brat gold: rules-only, the learned model and textacy side by side.

    python benchmarks/eval_quotes.py [--data ../shared/data/eval/polnear-dev] [--limit N]

The scoring (gold loading, matching, figures) lives in
:mod:`toolkit_quotes.rules.scoring`, shared with ``presslens evaluate quotes``
and ``benchmarks/train_quotes.py``; its docstring defines every measure.

Each article is parsed once; the rules run on the parse, the learned model
refines the rules' quotes (as the component does by default), and textacy's
direct-quotation extractor reads the same Doc.

Dev is kept honest by halves (even and odd positions in sorted order): the
learned model's hyper-parameters, threshold and calibration are picked on the
EVEN half only (``benchmarks/train_quotes.py``), and rule development looked
at the even half's misses only; the ODD half is the held-out figure.

Prints the table for all of dev and for each half, a reliability table of the
learned model's quote confidence on the odd half, and writes ``benchmarks/results/quotes.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "eval" / "polnear-dev"
RESULTS = ROOT / "benchmarks" / "results" / "quotes.json"
SYSTEMS = ("rules-only", "learned", "textacy")


# systems ------------------------------------------------------------------------
def textacy_predictions(doc) -> list[tuple[tuple, tuple]]:
    import textacy.extract

    out = []
    for triple in textacy.extract.direct_quotations(doc):
        content = ((triple.content.start_char, triple.content.end_char),)
        speaker = ()
        if triple.speaker:
            speaker = ((min(t.idx for t in triple.speaker), max(t.idx + len(t.text) for t in triple.speaker)),)
        out.append((content, speaker))
    return out


def reliability(pairs: list[tuple[float, int]], bins: int = 5) -> list[dict[str, float | int]]:
    """Per confidence bin: how many quotes, their mean confidence and the share that matched a gold attribution."""
    rows = []
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = [(p, m) for p, m in pairs if low <= p < high or (k == bins - 1 and p == 1.0)]
        if inside:
            rows.append(
                {
                    "bin": f"{low:.1f}-{high:.1f}",
                    "quotes": len(inside),
                    "predicted": round(sum(p for p, _ in inside) / len(inside), 3),
                    "observed": round(sum(m for _, m in inside) / len(inside), 3),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    if not (args.data / "attributions").is_dir():
        print(
            f"PolNeAR dev set not found at {args.data.resolve()} (expected attributions/ and text/ folders). "
            f"Pass --data PATH to the polnear-dev folder.",
            file=sys.stderr,
        )
        return 2

    import toolkit_quotes.component  # noqa: F401  (registers the factory)
    from toolkit.nlp import load_model
    from toolkit_quotes.rules import find_quotes
    from toolkit_quotes.rules.learned import load_model as load_learned
    from toolkit_quotes.rules.learned import refine
    from toolkit_quotes.rules.scoring import Tally, format_table, load_gold, quote_predictions, score

    documents = load_gold(args.data)[: args.limit]
    nlp = load_model(args.model)
    nlp.add_pipe("presslens_quotes", config={"model": "rules-only"})
    learned = load_learned()
    parts = ("all", "even", "odd")
    tallies = {part: {name: Tally() for name in SYSTEMS} for part in parts}
    seconds = dict.fromkeys(SYSTEMS, 0.0)
    confidences: list[tuple[float, int]] = []  # (confidence, matched) of the learned model's quotes, odd half
    started = time.perf_counter()
    with nlp.select_pipes(disable=["presslens_quotes"]):
        docs = nlp.pipe((text for _, text, _ in documents), batch_size=16)
        for position, ((_, text, gold), doc) in enumerate(zip(documents, docs)):
            half = "even" if position % 2 == 0 else "odd"
            t0 = time.perf_counter()
            rules = find_quotes(doc)[0]
            seconds["rules-only"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            refined = refine(doc, rules, learned)
            seconds["learned"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            failed = False
            try:
                theirs = textacy_predictions(doc)
            except Exception:  # textacy raises on an odd number of quote marks: the article counts as found nothing
                theirs, failed = [], True
            seconds["textacy"] += time.perf_counter() - t0
            predictions = {
                "rules-only": quote_predictions(rules),
                "learned": quote_predictions(refined),
                "textacy": theirs,
            }
            for part in ("all", half):
                for name in SYSTEMS:
                    matches = score(text, gold, predictions[name], tallies[part][name])
                    tallies[part][name].failures += int(failed and name == "textacy")
                    if name == "learned" and part == "odd":
                        confidences += [(q.confidence or 0.0, int(j in matches)) for j, q in enumerate(refined)]
    summaries = {part: {name: tally.summary() for name, tally in tallies[part].items()} for part in parts}
    print(
        f"PolNeAR dev: {len(documents)} articles, {summaries['all']['learned']['gold']} gold attributions "
        f"(first annotator per article), {time.perf_counter() - started:.1f}s (extraction seconds: "
        + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items())
        + ")"
    )
    print(format_table("\n== all of dev ==", summaries["all"]))
    print(format_table("\n== odd half: HELD OUT (never used for tuning or error analysis) ==", summaries["odd"]))
    print(format_table("\n== even half: used to tune the threshold and calibration ==", summaries["even"]))
    table = reliability(confidences)
    print("\nreliability of the learned model's quote confidence, odd half (observed = share matching gold):")
    print(f"{'bin':>8}  {'quotes':>6}  {'predicted':>9}  {'observed':>8}")
    for row in table:
        print(f"{row['bin']:>8}  {row['quotes']:>6}  {row['predicted']:>9.3f}  {row['observed']:>8.3f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "dataset": "polnear-dev",
                "articles": len(documents),
                "gold_file_choice": "first annotator id in sort order",
                "model": nlp.meta.get("name"),
                "systems": summaries["all"],
                "halves": {"even": summaries["even"], "odd": summaries["odd"]},
                "reliability_odd_half": table,
            },
            indent=2,
        ),
        "utf-8",
    )
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
