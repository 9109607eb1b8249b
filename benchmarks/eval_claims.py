"""Score stories (and, simply, claim groups) against fnc1-train's gold stories, beside a TF-IDF link baseline.

    PYTHONPATH=$PWD:$PWD/plugins python benchmarks/eval_claims.py [--data ../shared/data/eval/fnc1-train]
        [--out /tmp/presslens-eval-claims] [--limit N] [--grid]

Gold: ``gold.jsonl`` gives each article's ``story`` (the FNC-1 body's headline
cluster) and ``stance`` toward it. Two articles are *linked* when they are in
the same gold story; a system links them when it puts them in the same cluster.

Measures, for each system in the same run:

- article-link precision, recall and F1 over pairs of articles;
- the largest predicted cluster against the largest gold story, and the number of clusters.

Systems:

- ``tfidf_baseline``: TF-IDF (raw counts, smoothed idf, lower-cased words, English
  function words out) cosine >= 0.3 between two articles links them; clusters are
  the connected components. Untuned: the usual defaults of a TF-IDF vectoriser.
- ``presslens_stories``: ``articles.story_id`` from the stories plugin.
- ``claim_groups`` (when the claims table is there): two articles are linked when
  they have a claim in the same ``claims.group_id``; clusters are the connected
  components (their largest must not exceed the largest gold story). Scored twice:
  the pairs themselves (no closure: what a reader of one group sees; the figure
  held to precision >= 0.95) and the components. As a diagnostic, the share of
  articles labelled "disagree" that carry a deny claim, and that carry one in a
  group shared with another article of their story (the denial filed with what
  it answers).

Gold stories are split in two halves by a hash of the story id: thresholds are
tuned (``--grid``) on the *tune* half only (a half's score counts every predicted
pair that touches it, so joining a tune story to another story costs precision); the *held-out* half is reported as
a check against over-fitting. The figures of both halves and of all articles are
printed and written to ``benchmarks/results/claims.json``.

The analysis (spaCy, every standard plugin) is cached in ``--out``: a second run
only reads the cache and runs the corpus steps.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "eval" / "fnc1-train"
RESULTS = ROOT / "benchmarks" / "results" / "claims.json"
BASELINE_THRESHOLD = 0.3
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class LinkScore:
    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    gold_pairs: int
    largest_cluster: int
    largest_story: int
    clusters: int
    articles: int

    def row(self) -> dict[str, float | int]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def half_of(story: str) -> str:
    """The half a gold story falls in: fixed by a hash of its id, so every run splits alike."""
    return "tune" if int(hashlib.sha1(story.encode()).hexdigest(), 16) % 2 == 0 else "held_out"


def link_score(predicted: Mapping[str, str], gold: Mapping[str, str], articles: Iterable[str]) -> LinkScore:
    """Pairwise scores of a clustering (article -> cluster) against gold (article -> story) for ``articles``.

    Every predicted pair with at least one article in ``articles`` counts, so a
    half is charged for joining its stories to the other half's (such a pair is
    wrong whatever the other story is); gold pairs are those inside ``articles``.
    The largest cluster is counted whole.
    """
    chosen = {a for a in articles if a in gold}
    cluster = {a: predicted.get(a, f"alone:{a}") for a in gold}
    pairs = lambda counts: sum(c * (c - 1) // 2 for c in counts)
    whole = Counter(cluster.values())
    outside = Counter(c for a, c in cluster.items() if a not in chosen)
    touched = {cluster[a] for a in chosen}
    true = Counter(gold[a] for a in chosen)
    both = Counter((cluster[a], gold[a]) for a in chosen)
    hits, n_gold = pairs(both.values()), pairs(true.values())
    n_pred = pairs(whole[c] for c in touched) - pairs(outside[c] for c in touched)
    p = hits / n_pred if n_pred else 1.0
    r = hits / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return LinkScore(
        p,
        r,
        f,
        n_pred,
        n_gold,
        max((whole[c] for c in touched), default=0),
        max(true.values(), default=0),
        len(touched),
        len(chosen),
    )


def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(i) for i in range(n)]


def tfidf_baseline(
    ids: Sequence[str], texts: Sequence[str], *, threshold: float = BASELINE_THRESHOLD
) -> dict[str, str]:
    """Connected components of TF-IDF cosine >= ``threshold`` (raw term counts, idf ``ln((1+n)/(1+df)) + 1``,
    lower-cased words of two letters or more, function words out; the usual defaults, untuned)."""
    from toolkit_stories.rules.vectors import SparseRows, neighbours

    from toolkit.sdk import word_list

    stop = word_list("stop_words", package="toolkit_stories")
    bags = [Counter(w for w in _TOKEN.findall(t.lower()) if w not in stop) for t in texts]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    vocabulary = {w: i for i, w in enumerate(sorted(df))}
    n = len(bags)
    indptr, indices, data = [0], [], []
    for bag in bags:
        row = sorted((vocabulary[w], c * (math.log((1 + n) / (1 + df[w])) + 1)) for w, c in bag.items())
        norm = math.sqrt(sum(v * v for _, v in row)) or 1.0
        indices.extend(i for i, _ in row)
        data.extend(v / norm for _, v in row)
        indptr.append(len(indices))
    rows = SparseRows(np.array(indptr), np.array(indices, dtype=np.int64), np.array(data), len(vocabulary))
    links = neighbours(rows, k=max(1, n - 1), floor=threshold)  # every pair above the threshold
    roots = components(n, zip(links.source.tolist(), links.target.tolist()))
    return {article_id: f"tfidf:{r}" for article_id, r in zip(ids, roots)}


def claim_group_clusters(claims: pd.DataFrame, ids: Sequence[str]) -> dict[str, str]:
    """Connected components of articles that share a claim group."""
    position = {a: i for i, a in enumerate(ids)}
    pairs: list[tuple[int, int]] = []
    grouped = claims.dropna(subset=["group_id"])
    for _, articles in grouped.groupby("group_id")["article_id"]:
        members = sorted({position[a] for a in articles if a in position})
        pairs.extend((members[0], m) for m in members[1:])
    roots = components(len(ids), pairs)
    return {a: f"claims:{r}" for a, r in zip(ids, roots)}


def claim_pair_score(claims: pd.DataFrame, gold: Mapping[str, str], articles: Sequence[str]) -> dict[str, float | int]:
    """P/R/F1 of the links "these two articles have a claim in the same group" (no transitive closure).

    As in :func:`link_score`, every linked pair with at least one article in ``articles`` counts, so
    a half is charged for a group that joins one of its stories to a story of the other half.
    """
    chosen = {a for a in articles if a in gold}
    linked: set[tuple[str, str]] = set()
    grouped = claims.dropna(subset=["group_id"])
    for _, members in grouped.groupby("group_id")["article_id"]:
        inside = sorted({a for a in members if a in gold})
        linked.update((a, b) for i, a in enumerate(inside) for b in inside[i + 1 :] if a in chosen or b in chosen)
    hits = sum(gold[a] == gold[b] for a, b in linked)
    n_gold = sum(c * (c - 1) // 2 for c in Counter(gold[a] for a in chosen).values())
    p = hits / len(linked) if linked else 1.0
    r = hits / n_gold if n_gold else 1.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "predicted_pairs": len(linked),
        "gold_pairs": n_gold,
    }


def deny_in_story_group(claims: pd.DataFrame, gold: Mapping[str, str]) -> set[str]:
    """Articles with a deny claim whose group also holds a claim of another article of the same gold story:
    the denial is filed with what it answers, not alone."""
    found: set[str] = set()
    grouped = claims.dropna(subset=["group_id"])
    for _, rows in grouped.groupby("group_id"):
        articles = {a for a in rows["article_id"] if a in gold}
        for article in set(rows.loc[rows["stance"] == "deny", "article_id"]) & articles:
            if any(gold[other] == gold[article] for other in articles - {article}):
                found.add(article)
    return found


def analyse(data: Path, out: Path, ids: Sequence[str], *, quiet: bool):
    import toolkit_stories

    import toolkit
    from toolkit.registry import registry

    if "stories" not in registry.names():  # until the distribution is installed with the stories entry point
        registry.register(toolkit_stories.plugin)
    files = [str(data / "texts" / f"{a}.txt") for a in ids]
    plugins = [p for p in ("entities", "quotes", "timeline", "claims", "stories") if p in registry.names()]
    return toolkit.analyze(files, metadata=str(data / "metadata.csv"), out=out, plugins=plugins, quiet=quiet)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path("/tmp/presslens-eval-claims"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (by id)")
    parser.add_argument("--grid", action="store_true", help="also try story thresholds, scored on the tune half only")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    gold_rows = [
        json.loads(line) for line in (args.data / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()
    ]
    gold_rows.sort(key=lambda g: g["article_id"])
    if args.limit:
        gold_rows = gold_rows[: args.limit]
    gold = {g["article_id"]: g["story"] for g in gold_rows}
    stance = {g["article_id"]: g["stance"] for g in gold_rows}
    ids = list(gold)
    halves = {"all": ids, **{h: [a for a in ids if half_of(gold[a]) == h] for h in ("tune", "held_out")}}

    started = time.perf_counter()
    corpus = analyse(args.data, args.out / (f"limit-{args.limit}" if args.limit else "all"), ids, quiet=False)
    analyse_s = time.perf_counter() - started
    articles = corpus.articles.set_index("article_id")
    texts = [articles.at[a, "text"] for a in ids]

    started = time.perf_counter()
    systems = {"tfidf_baseline": tfidf_baseline(ids, texts)}
    baseline_s = time.perf_counter() - started
    systems["presslens_stories"] = {a: s for a, s in articles["story_id"].items() if isinstance(s, str)}
    claims = corpus.claims
    if len(claims):
        systems["claim_groups"] = claim_group_clusters(claims, ids)

    results: dict[str, object] = {
        "data": str(
            args.data.resolve().relative_to(ROOT.parent.resolve())
            if args.data.resolve().is_relative_to(ROOT.parent.resolve())
            else args.data
        ),
        "articles": len(ids),
        "gold_stories": len(set(gold.values())),
        "halves": {h: {"articles": len(a), "stories": len({gold[x] for x in a})} for h, a in halves.items()},
        "seconds": {
            "analyse": round(analyse_s, 1),
            "baseline": round(baseline_s, 1),
            "stories_step": corpus.manifest.get("timings", {}).get("corpus_step_stories_s"),
        },
        "story_links": {},
        "claim_links": {},
        "diagnostics": {},
    }
    print(
        f"{len(ids)} articles, {len(set(gold.values()))} gold stories "
        f"(tune {results['halves']['tune']}, held-out {results['halves']['held_out']})"
    )
    print(f"\n{'system':<20} {'half':<9} {'P':>6} {'R':>6} {'F1':>6} {'largest':>8} {'gold max':>8} {'clusters':>8}")
    for name, predicted in systems.items():
        results["story_links"][name] = {}
        for half, members in halves.items():
            score = link_score(predicted, gold, members)
            results["story_links"][name][half] = score.row()
            print(
                f"{name:<20} {half:<9} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
                f"{score.largest_cluster:8d} {score.largest_story:8d} {score.clusters:8d}"
            )
    if len(claims):
        print("\nclaim groups, pairs of articles sharing a group (no closure; the precision to reach is 0.95):")
        for half, members in halves.items():
            score = claim_pair_score(claims, gold, members)
            results["claim_links"][half] = score
            print(
                f"  {half:<9} P {score['precision']:.3f}  R {score['recall']:.3f}  F1 {score['f1']:.3f}  "
                f"({score['predicted_pairs']} pairs)"
            )
        print("claim groups, connected components of articles sharing a group (the story_links row claim_groups):")
        for half in halves:
            row = results["story_links"]["claim_groups"][half]
            print(
                f"  {half:<9} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  "
                f"largest component {row['largest_cluster']} (largest true story {row['largest_story']})"
            )
        disagree = [a for a in ids if stance[a] == "disagree"]
        answered = deny_in_story_group(claims, gold)
        deny = set(claims.loc[claims["stance"] == "deny", "article_id"])
        results["diagnostics"]["disagree_with_deny_claim"] = {}
        for half, members in halves.items():
            chosen = [a for a in disagree if a in set(members)]
            row = {
                "articles": len(chosen),
                "share_deny_claim": round(sum(a in deny for a in chosen) / len(chosen), 4) if chosen else None,
                "share_deny_in_story_group": round(sum(a in answered for a in chosen) / len(chosen), 4)
                if chosen
                else None,
            }
            results["diagnostics"]["disagree_with_deny_claim"][half] = row
            print(
                f"diagnostic ({half}): {row['articles']} articles labelled 'disagree'; with a deny claim "
                f"{row['share_deny_claim']}, with a deny claim in a group shared with its story "
                f"{row['share_deny_in_story_group']}"
            )
    copies = int(articles["duplicate_of"].notna().sum()) if "duplicate_of" in articles.columns else 0
    results["diagnostics"]["articles_marked_copies"] = copies
    print(f"articles marked as copies: {copies}")

    if args.grid:
        results["grid_tune_half"] = grid(corpus, gold, halves["tune"])
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {args.results}")
    return 0


def grid(corpus, gold: Mapping[str, str], tune: Sequence[str]) -> list[dict[str, float]]:
    """Story F1 on the tune half for a few settings (the analysis is reused; only the step runs again)."""
    from toolkit_stories.step import stories_step

    from toolkit.sdk import StepContext

    rows = []
    print("\ngrid on the tune half:")
    for entity_weight in (0.0, 0.2, 0.3, 0.4, 0.5):
        for threshold in (0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3):
            options = {"threshold": threshold, "entity_weight": entity_weight}
            changed = stories_step(corpus.tables, StepContext(options=options))
            predicted = dict(zip(changed["articles"]["article_id"], changed["articles"]["story_id"]))
            score = link_score(predicted, gold, tune)
            rows.append({**options, **score.row()})
            print(
                f"  entity_weight {entity_weight:.2f} threshold {threshold:.3f}: P {score.precision:.3f} "
                f"R {score.recall:.3f} F1 {score.f1:.3f} largest {score.largest_cluster}"
            )
    return rows


if __name__ == "__main__":
    sys.exit(main())
