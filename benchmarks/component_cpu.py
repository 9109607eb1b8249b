"""The plugins' per-article cost, in CPU ms per article: each PressLens spaCy component and each ``extract``,
and a fingerprint of every table column the articles' rows fill.

The articles are parsed by the model's own components once (kept in a DocBin under ``--work``), so the
plugin components are timed alone and two versions of the code can be compared on the same parses: run the
script from each worktree, the fingerprints must be equal (the rows are the same) and the times say what
changed. Times are process CPU time (``time.process_time``), the least of ``--repeat`` runs: on a shared
machine wall times mostly measure the other processes.

    python benchmarks/component_cpu.py ../shared/data/eval/polnear-train/text --n 80 --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("texts", type=Path, help="a folder of article texts (the first N in name order are read)")
    parser.add_argument("--n", type=int, default=80, help="articles")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the components (least kept)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/presslens-component-cpu"), help="parse cache")
    args = parser.parse_args()

    from spacy.tokens import DocBin

    from toolkit.engines import RunConfig, _add_plugin_rows, build_nlp, fewer_collections
    from toolkit.records import Article
    from toolkit.registry import registry

    articles = [Article(article_id=p.stem, text=p.read_text("utf-8")) for p in sorted(args.texts.glob("*"))[: args.n]]
    config = RunConfig()
    chosen = registry.resolve(None)
    nlp = build_nlp(config, chosen)
    owned = {p.component for p in chosen if p.component}
    first = min(nlp.pipe_names.index(name) for name in owned)
    timed = nlp.pipe_names[first:]
    key = hashlib.sha256("\n".join([*nlp.pipe_names[:first], *(a.text for a in articles)]).encode()).hexdigest()
    cache = args.work / f"{key[:16]}.spacy"
    if not cache.exists():
        args.work.mkdir(parents=True, exist_ok=True)
        with nlp.select_pipes(enable=nlp.pipe_names[:first]):
            DocBin(docs=nlp.pipe(a.text for a in articles)).to_disk(cache)
    gc.freeze()
    least: dict[str, float] = defaultdict(lambda: float("inf"))
    rows: list[dict[str, list[dict[str, Any]]]] = []
    for _ in range(args.repeat):
        spent: dict[str, float] = defaultdict(float)
        rows = []
        docs = DocBin().from_disk(cache).get_docs(nlp.vocab)
        with fewer_collections():
            for article, doc in zip(articles, docs, strict=True):
                doc._.presslens_article_id = article.article_id
                doc._.presslens_published = article.published
                for name in timed:
                    started = time.process_time()
                    doc = nlp.get_pipe(name)(doc)
                    spent[name] += time.process_time() - started
                produced: dict[str, list[dict[str, Any]]] = {}
                for plugin in chosen:
                    started = time.process_time()
                    _add_plugin_rows(produced, plugin, doc, article, config)
                    spent[f"extract:{plugin.name}"] += time.process_time() - started
                rows.append(produced)
        for part, seconds in spent.items():
            least[part] = min(least[part], seconds)
    for part, seconds in sorted(least.items(), key=lambda item: -item[1]):
        print(f"{part:28s} {1000 * seconds / len(articles):7.2f} CPU ms/article")
    print(f"{'all':28s} {1000 * sum(least.values()) / len(articles):7.2f} CPU ms/article")
    columns: dict[str, list[Any]] = defaultdict(list)
    for produced in rows:
        for table, items in produced.items():
            for item in items:
                for column, value in item.items():
                    columns[f"{table}.{column}"].append(value)
    prints = {
        name: hashlib.sha256(json.dumps(values, sort_keys=True, default=repr).encode()).hexdigest()[:12]
        for name, values in sorted(columns.items())
    }
    overall = hashlib.sha256(json.dumps(prints, sort_keys=True).encode()).hexdigest()[:16]
    print(f"{len(prints)} columns of {len({n.split('.')[0] for n in prints})} tables, fingerprint {overall}")


if __name__ == "__main__":
    main()
