"""Coreference metrics: MUC, B³, CEAF-e and their mean (CoNLL F1).

A clustering is a list of clusters, each a set of hashable mentions. The
definitions follow Pradhan et al. (2014), "Scoring coreference partitions of
predicted mentions": key = gold, response = system.

- MUC (Vilain et al. 1995) counts links: recall is
  ``sum(|K| - p(K)) / sum(|K| - 1)`` over key clusters, where ``p(K)`` is the
  number of parts the response cuts ``K`` into (a mention the response lacks is
  a part of its own); precision swaps key and response. Singletons add nothing.
- B³ (Bagga & Baldwin 1998) averages per mention: recall is the mean over key
  mentions of ``|K(m) ∩ R(m)| / |K(m)|``; precision the mean over response
  mentions of ``|K(m) ∩ R(m)| / |R(m)|``.
- CEAF-e (Luo 2005) aligns clusters one to one with ``phi4(K, R) = 2|K ∩ R| /
  (|K| + |R|)`` to maximise the total similarity; recall is that total over the
  number of key clusters, precision over the number of response clusters.

Counts are returned as (numerator, denominator) pairs so several documents or
topics can be pooled before dividing (micro-average), which is how the
reference scorer reports a corpus.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

Cluster = frozenset[Hashable]


@dataclass(frozen=True)
class Counts:
    """Numerators and denominators of recall and precision, poolable with ``+``."""

    recall_num: float = 0.0
    recall_den: float = 0.0
    precision_num: float = 0.0
    precision_den: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.recall_num + other.recall_num,
            self.recall_den + other.recall_den,
            self.precision_num + other.precision_num,
            self.precision_den + other.precision_den,
        )

    @property
    def recall(self) -> float:
        return self.recall_num / self.recall_den if self.recall_den else 0.0

    @property
    def precision(self) -> float:
        return self.precision_num / self.precision_den if self.precision_den else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _clusters(clusters: Iterable[Iterable[Hashable]]) -> list[Cluster]:
    return [frozenset(c) for c in clusters if c]


def _where(clusters: Sequence[Cluster]) -> dict[Hashable, int]:
    return {m: i for i, c in enumerate(clusters) for m in c}


def _muc_side(a: Sequence[Cluster], b: Sequence[Cluster]) -> tuple[float, float]:
    """Links of ``a`` kept by ``b``: (sum |A| - p(A), sum |A| - 1)."""
    where = _where(b)
    num = den = 0
    for cluster in a:
        parts = {where.get(m, ("missing", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def muc(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> Counts:
    k, r = _clusters(key), _clusters(response)
    rn, rd = _muc_side(k, r)
    pn, pd = _muc_side(r, k)
    return Counts(rn, rd, pn, pd)


def _b3_side(a: Sequence[Cluster], b: Sequence[Cluster]) -> tuple[float, float]:
    where = _where(b)
    num = 0.0
    den = 0
    for cluster in a:
        for m in cluster:
            other = b[where[m]] if m in where else frozenset()
            num += len(cluster & other) / len(cluster)
            den += 1
    return num, den


def b_cubed(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> Counts:
    k, r = _clusters(key), _clusters(response)
    rn, rd = _b3_side(k, r)
    pn, pd = _b3_side(r, k)
    return Counts(rn, rd, pn, pd)


def ceaf_e(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> Counts:
    k, r = _clusters(key), _clusters(response)
    if not k or not r:
        return Counts(0.0, len(k), 0.0, len(r))
    where = _where(r)
    similarity = np.zeros((len(k), len(r)))
    for i, cluster in enumerate(k):
        for m in cluster:
            if m in where:
                j = where[m]
                similarity[i, j] = 2 * len(cluster & r[j]) / (len(cluster) + len(r[j]))
    total = max_assignment(similarity)
    return Counts(total, len(k), total, len(r))


def max_assignment(weights: np.ndarray) -> float:
    """The largest total of a one-to-one pairing of rows with columns (the Hungarian method,
    O(n³); written out here so the scorer needs only numpy).

    >>> max_assignment(np.array([[0.8, 0.4, 0.0], [0.0, 1 / 3, 0.5]]))
    1.3
    """
    n = max(weights.shape)
    cost = np.zeros((n, n))
    cost[: weights.shape[0], : weights.shape[1]] = -weights  # padded with zeros: a square problem
    inf = float("inf")
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    match = np.zeros(n + 1, dtype=int)  # match[column] = row (1-based; 0 = none)
    for row in range(1, n + 1):
        match[0] = row
        column = 0
        least = np.full(n + 1, inf)
        used = np.zeros(n + 1, dtype=bool)
        way = np.zeros(n + 1, dtype=int)
        while True:
            used[column] = True
            r = match[column]
            delta, nxt = inf, 0
            for c in range(1, n + 1):
                if not used[c]:
                    reduced = cost[r - 1, c - 1] - u[r] - v[c]
                    if reduced < least[c]:
                        least[c], way[c] = reduced, column
                    if least[c] < delta:
                        delta, nxt = least[c], c
            for c in range(n + 1):
                if used[c]:
                    u[match[c]] += delta
                    v[c] -= delta
                else:
                    least[c] -= delta
            column = nxt
            if match[column] == 0:
                break
        while column:
            previous = way[column]
            match[column] = match[previous]
            column = previous
    return round(
        float(
            sum(
                weights[match[c] - 1, c - 1]
                for c in range(1, n + 1)
                if match[c] - 1 < weights.shape[0] and c - 1 < weights.shape[1]
            )
        ),
        12,
    )


METRICS = {"MUC": muc, "B3": b_cubed, "CEAF-e": ceaf_e}


def score_all(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> dict[str, Counts]:
    """The three metrics' counts for one document or topic."""
    k, r = _clusters(key), _clusters(response)
    return {name: metric(k, r) for name, metric in METRICS.items()}


def conll_f1(counts: dict[str, Counts]) -> float:
    """The CoNLL-2012 figure: the unweighted mean of the MUC, B³ and CEAF-e F1."""
    return sum(counts[name].f1 for name in METRICS) / len(METRICS)
