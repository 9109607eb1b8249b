"""Groups of articles from weighted links: average-link clustering and copy groups.

Single-link clustering (connected components of "similar enough" links) chains
stories: one article about a flood that mentions an election joins the flood
to the election, and on a corpus of many stories nearly everything ends in one
component. Average link joins two groups only when their articles are similar
*on average*, counting every pair without a link as similarity 0, so a
single bridge between two large groups is never enough.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np

from .vectors import Links

__all__ = ["average_link", "copy_groups"]


def average_link(
    n: int, links: Links, *, thresholds: Sequence[float], must_join: Links | None = None
) -> list[np.ndarray]:
    """For each of ``thresholds``, a cluster label per article (0 .. clusters - 1, in order of first article).

    Groups are joined, best first, while the mean similarity over all pairs of
    their articles (links not given count 0) is at least the threshold.
    ``must_join`` links (copies of one article) are joined before anything else.
    Average linkage never joins at a higher mean than the join before, so the
    clustering at a higher threshold is the same run stopped earlier: one run
    gives every cut, and each cut subdivides the clusters of any lower one.

    >>> links = Links(np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([0.9, 0.3, 0.9]))
    >>> [labels.tolist() for labels in average_link(4, links, thresholds=(0.2, 0.05, 0.95))]
    [[0, 0, 1, 1], [0, 0, 0, 0], [0, 1, 2, 3]]
    """
    parent = np.arange(n)
    size = dict.fromkeys(range(n), 1)
    between: dict[int, dict[int, float]] = {i: {} for i in range(n)}  # summed similarity between two groups
    for a, b, w in zip(links.source.tolist(), links.target.tolist(), links.weight.tolist()):
        if a != b:
            between[a][b] = between[a].get(b, 0.0) + w
            between[b][a] = between[b].get(a, 0.0) + w

    def join(a: int, b: int) -> int:
        """Join group ``b`` into ``a`` (the larger keeps its key); returns the key kept."""
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size.pop(b)
        out = between.pop(b)
        out.pop(a, None)
        between[a].pop(b, None)
        for c, w in out.items():
            between[c].pop(b, None)
            between[a][c] = between[a].get(c, 0.0) + w
            between[c][a] = between[a][c]
        return a

    for a, b in zip(*(must_join.source.tolist(), must_join.target.tolist()) if must_join is not None else ((), ())):
        ra, rb = _root(parent, a), _root(parent, b)
        if ra != rb:
            join(ra, rb)

    def cut() -> np.ndarray:
        roots = np.array([_root(parent, i) for i in range(n)], dtype=np.int64)
        _, first, labels = np.unique(roots, return_index=True, return_inverse=True)
        rank = np.argsort(np.argsort(first))  # number clusters in order of their first article
        return rank[labels.reshape(-1)]

    pending = sorted(set(thresholds), reverse=True)  # the highest is reached first
    cuts: dict[float, np.ndarray] = {}
    heap = [(-w / (size[a] * size[b]), a, b) for a in between for b, w in between[a].items() if a < b]
    heapq.heapify(heap)
    while heap and pending:
        negative, a, b = heapq.heappop(heap)
        if a not in size or b not in size:
            continue  # one side was joined into another group since
        mean = between[a].get(b, 0.0) / (size[a] * size[b])
        if abs(mean + negative) > 1e-12:
            continue  # stale: the groups changed since this entry was pushed (a fresh one is in the heap)
        while pending and mean < pending[0]:
            cuts[pending.pop(0)] = cut()
        if not pending:
            break
        kept = join(a, b)
        for c, w in between[kept].items():
            heapq.heappush(heap, (-w / (size[kept] * size[c]), min(kept, c), max(kept, c)))
    if pending:
        last = cut()
        cuts.update(dict.fromkeys(pending, last))
    return [cuts[t] for t in thresholds]


def copy_groups(n: int, links: Links) -> np.ndarray:
    """For each article, the first article (lowest index) of its group of copies; itself when it has none.

    ``links`` are the copy links (very high similarity); copies of copies are one group.

    >>> copy_groups(4, Links(np.array([1, 2]), np.array([3, 3]), np.array([0.95, 0.97]))).tolist()
    [0, 1, 1, 1]
    """
    parent = np.arange(n)
    for a, b in zip(links.source.tolist(), links.target.tolist()):
        ra, rb = _root(parent, a), _root(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([_root(parent, i) for i in range(n)], dtype=np.int64)


def _root(parent: np.ndarray, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving keeps later look-ups short
        i = int(parent[i])
    return int(i)
