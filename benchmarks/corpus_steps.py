"""Cost of the corpus-level steps against the per-article NLP, at growing corpus sizes.

Builds N articles from the bundled sample (toolkit/data/sample: its texts repeated
with their own ids and shifted dates), runs each plugin's ``extract`` on every
article, then every corpus step on the gathered tables, and prints per plugin the
extract time per article, the corpus-step time and the process's peak RSS during
the steps. Each distinct text is parsed once (spaCy's cost is the same for a
copy), so a run at 2 000 articles takes minutes, not an hour; the spaCy time per
article is measured on those parses and scaled to N for the ratio.

    PYTHONPATH=$PWD:$PWD/plugins python benchmarks/corpus_steps.py --n 100 500 2000

Writes ``benchmarks/results/corpus_steps.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "toolkit" / "data" / "sample"


class PeakRSS:
    """The highest resident memory of this process while the block runs (sampled)."""

    def __init__(self, every: float = 0.05) -> None:
        import psutil

        self.process, self.every, self.peak = psutil.Process(), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRSS:
        self.peak = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def seeds() -> list[tuple[str, str, str | None]]:
    import csv

    dates = {}
    meta = SAMPLE / "metadata.csv"
    if meta.exists():
        with meta.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                dates[Path(row.get("path") or row.get("file") or row.get("article_id") or "").stem] = row.get(
                    "published"
                )
    out = [(p.stem, p.read_text("utf-8"), dates.get(p.stem)) for p in sorted(SAMPLE.glob("*.txt"))]
    if not out:
        raise SystemExit(f"No sample articles in {SAMPLE}: run from a PressLens checkout.")
    return out


def run(
    n: int,
    *,
    nlp: Any,
    chosen: list[Any],
    config: Any,
    parsed: list[tuple[Any, str, str | None]],
    nlp_per_article: float,
) -> dict[str, Any]:
    from toolkit.engines import extract_rows  # noqa: F401  (same per-plugin loop, timed here per plugin)
    from toolkit.pipeline import _TableBuilder
    from toolkit.records import Article
    from toolkit.registry import StepContext
    from toolkit.schemas import TABLES, conform

    builder = _TableBuilder()
    extract_s = {p.name: 0.0 for p in chosen if p.extract}
    for i in range(n):
        doc, stem, published = parsed[i % len(parsed)]
        copy = i // len(parsed)
        date = (
            (dt.date.fromisoformat(published[:10]) + dt.timedelta(days=copy % 900)).isoformat() if published else None
        )
        article = Article(article_id=f"{stem}-{i:06d}", text=doc.text, published=date)
        doc._.presslens_article_id, doc._.presslens_published = article.article_id, date
        builder.add("articles", [article.row()])
        for plugin in chosen:
            if plugin.extract is None:
                continue
            started = time.perf_counter()
            produced = plugin.extract(doc, article, config.plugin_options(plugin))
            extract_s[plugin.name] += time.perf_counter() - started
            for table, items in (produced or {}).items():
                builder.add(table, [{"article_id": article.article_id, **item} for item in items])
    tables = builder.tables()
    steps: dict[str, float] = {}
    with PeakRSS() as memory:
        for plugin in chosen:
            if plugin.corpus_step is None:
                continue
            started = time.perf_counter()
            changed = plugin.corpus_step(tables, StepContext(options=config.plugin_options(plugin))) or {}
            steps[plugin.name] = time.perf_counter() - started
            for name, frame in changed.items():
                tables[name] = conform(name, frame) if name in TABLES else frame
    nlp_total = nlp_per_article * n
    return {
        "articles": n,
        "rows": {name: len(frame) for name, frame in tables.items() if len(frame)},
        "extract_ms_per_article": {k: round(1000 * v / n, 3) for k, v in extract_s.items()},
        "corpus_step_s": {k: round(v, 3) for k, v in steps.items()},
        "corpus_steps_total_s": round(sum(steps.values()), 3),
        "spacy_s_estimated": round(nlp_total, 1),
        "steps_over_spacy": round(sum(steps.values()) / nlp_total, 4),
        "peak_rss_mb_during_steps": round(memory.peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100, 500, 2000], help="corpus sizes (articles)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "corpus_steps.json"))
    args = parser.parse_args()

    from toolkit.engines import RunConfig, build_nlp
    from toolkit.registry import registry

    names = [p for p in ("entities", "quotes", "timeline", "claims") if p in registry.names()]
    chosen = registry.resolve(names)
    config = RunConfig(plugins=tuple(names), options={"claims": {"embeddings": "off"}})
    nlp = build_nlp(config, chosen)
    texts = seeds()

    def make(stem_text: tuple[str, str, str | None]) -> Any:
        doc = nlp.make_doc(stem_text[1])
        doc._.presslens_article_id, doc._.presslens_published = stem_text[0], stem_text[2]
        return doc

    list(nlp.pipe(make(t) for t in texts))  # warm-up
    started = time.perf_counter()
    docs = list(nlp.pipe(make(t) for t in texts))
    nlp_per_article = (time.perf_counter() - started) / len(texts)
    parsed = [(doc, stem, published) for doc, (stem, _, published) in zip(docs, texts)]
    results = []
    print(f"spaCy + components: {1000 * nlp_per_article:.1f} ms per article ({len(texts)} distinct texts)")
    print(f"{'N':>6} {'plugin':<10} {'extract ms/art':>15} {'corpus step s':>14}")
    for n in args.n:
        result = run(n, nlp=nlp, chosen=chosen, config=config, parsed=parsed, nlp_per_article=nlp_per_article)
        results.append(result)
        for name in names:
            print(
                f"{n:>6} {name:<10} {result['extract_ms_per_article'].get(name, 0):>15.2f} "
                f"{result['corpus_step_s'].get(name, 0):>14.2f}"
            )
        print(
            f"{n:>6} {'all steps':<10} {'':>15} {result['corpus_steps_total_s']:>14.2f}   "
            f"= {100 * result['steps_over_spacy']:.1f} % of spaCy's {result['spacy_s_estimated']} s; "
            f"peak RSS {result['peak_rss_mb_during_steps']} MB"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"nlp_ms_per_article": round(1000 * nlp_per_article, 2), "runs": results}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
