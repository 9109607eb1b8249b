"""Articles as sparse weighted feature vectors, and each article's nearest neighbours.

Only numpy: a corpus of 10 000 articles is compared block by block through an
inverted index (feature -> articles that have it), so memory holds one block of
scores at a time, never an n x n matrix, and an article is only ever scored
against the articles that share a feature with it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SparseRows", "Links", "tfidf_rows", "join_blocks", "strongest", "neighbours", "row_dot"]


@dataclass(frozen=True)
class SparseRows:
    """One sparse vector per article (CSR layout): row ``i`` is ``indices/data[indptr[i]:indptr[i+1]]``.

    Rows are L2-normalised (an empty row stays empty), so a dot product is a cosine.
    """

    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int64 feature ids, sorted within a row
    data: np.ndarray  # float64 weights
    n_features: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self.indices[self.indptr[i] : self.indptr[i + 1]], self.data[self.indptr[i] : self.indptr[i + 1]]


@dataclass(frozen=True)
class Links:
    """Undirected weighted links between articles (``source < target``, each pair once)."""

    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return len(self.source)


def tfidf_rows(
    bags: Sequence[Iterable[tuple[str, float]]], *, max_df_share: float = 0.5, min_df: int = 2
) -> tuple[SparseRows, list[str]]:
    """TF-IDF vectors (sublinear counts times ``log(n / df)``), L2-normalised, and the vocabulary.

    A feature in fewer than ``min_df`` articles cannot link two articles and is
    dropped; one in more than ``max_df_share`` of them (in a corpus of 20 or more)
    says nothing about which story an article belongs to and is dropped too.

    >>> rows, vocabulary = tfidf_rows([[("dam", 2), ("flood", 1)], [("dam", 1)], [("vote", 1)], [("vote", 3)]])
    >>> vocabulary
    ['dam', 'vote']
    >>> [round(float(w), 3) for w in rows.data]
    [1.0, 1.0, 1.0, 1.0]
    """
    n = len(bags)
    counted = [dict(bag) for bag in bags]
    df: dict[str, int] = {}
    for bag in counted:
        for feature in bag:
            df[feature] = df.get(feature, 0) + 1
    ceiling = max_df_share * n if n >= 20 else n
    vocabulary = sorted(f for f, d in df.items() if min_df <= d <= ceiling)
    ids = {f: i for i, f in enumerate(vocabulary)}
    idf = np.array([math.log(n / df[f]) + 1.0 for f in vocabulary])  # +1: a feature in every article still counts
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for bag in counted:
        row = sorted((ids[f], c) for f, c in bag.items() if f in ids and c > 0)
        weights = np.array([(1.0 + math.log(c)) * idf[i] for i, c in row])
        norm = float(np.sqrt((weights**2).sum())) if len(weights) else 0.0
        indices.extend(i for i, _ in row)
        data.extend((weights / norm).tolist() if norm else [])
        indptr.append(len(indices))
    return SparseRows(
        np.array(indptr, dtype=np.int64),
        np.array(indices, dtype=np.int64),
        np.array(data, dtype=np.float64),
        len(vocabulary),
    ), vocabulary


def join_blocks(first: SparseRows, second: SparseRows, *, second_weight: float) -> SparseRows:
    """Two feature blocks side by side, the second weighted so that a cosine of the joined rows is
    ``(1 - w) * cosine(first) + w * cosine(second)`` for rows that have both; rows are renormalised.

    >>> a, _ = tfidf_rows([[("dam", 1)], [("dam", 1)]], min_df=1)
    >>> b, _ = tfidf_rows([[("E1", 1)], [("E2", 1)]], min_df=1)
    >>> joined = join_blocks(a, b, second_weight=0.25)
    >>> round(row_dot(joined, 0, 1), 2)
    0.75
    """
    one, two = math.sqrt(1.0 - second_weight), math.sqrt(second_weight)
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for i in range(first.n_rows):
        f_idx, f_val = first.row(i)
        s_idx, s_val = second.row(i)
        values = np.concatenate([f_val * one, s_val * two])
        norm = float(np.sqrt((values**2).sum()))
        indices.append(np.concatenate([f_idx, s_idx + first.n_features]))
        data.append(values / norm if norm else values)
        indptr.append(indptr[-1] + len(values))
    return SparseRows(
        np.array(indptr, dtype=np.int64),
        np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
        np.concatenate(data) if data else np.zeros(0),
        first.n_features + second.n_features,
    )


def strongest(rows: SparseRows, *, keep: int) -> SparseRows:
    """Each row reduced to its ``keep`` heaviest features, renormalised.

    An article's lightest features are its commonest words: they add little to
    any cosine but make up most of the work of comparing (their postings are the
    longest), so dropping them makes the neighbour search several times faster.

    >>> rows, _ = tfidf_rows([[("dam", 3), ("flood", 1)], [("dam", 1), ("flood", 3)]], min_df=1)
    >>> [round(float(w), 2) for w in strongest(rows, keep=1).data]
    [1.0, 1.0]
    """
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for i in range(rows.n_rows):
        idx, val = rows.row(i)
        if len(idx) > keep:
            top = np.sort(np.argpartition(-val, keep - 1)[:keep])  # sorted positions keep the indices sorted
            idx, val = idx[top], val[top]
            val = val / float(np.sqrt((val**2).sum()))
        indices.append(idx)
        data.append(val)
        indptr.append(indptr[-1] + len(idx))
    return SparseRows(
        np.array(indptr, dtype=np.int64),
        np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
        np.concatenate(data) if data else np.zeros(0),
        rows.n_features,
    )


def row_dot(rows: SparseRows, i: int, j: int) -> float:
    """The cosine of rows ``i`` and ``j`` (rows are normalised)."""
    a_idx, a_val = rows.row(i)
    b_idx, b_val = rows.row(j)
    _, a_at, b_at = np.intersect1d(a_idx, b_idx, assume_unique=True, return_indices=True)
    return float((a_val[a_at] * b_val[b_at]).sum())


def neighbours(
    rows: SparseRows,
    *,
    k: int,
    floor: float,
    days: np.ndarray | None = None,
    window_days: float = 7.0,
    scale_days: float = 30.0,
    budget: int = 4_000_000,
) -> Links:
    """Each article's ``k`` most similar articles with similarity >= ``floor``, as undirected links.

    Similarity is the cosine of the rows; when both articles have a publication
    day (``days``, NaN when unknown), a gap beyond ``window_days`` divides it by
    ``1 + (gap - window_days) / scale_days`` (articles a month and a week apart
    count half), because one story's coverage is bunched in time while a word
    like "earthquake" recurs every year.

    Rows are scored in blocks through an inverted index; ``budget`` bounds the
    posting entries gathered per block, so memory stays flat as the corpus grows.

    >>> rows, _ = tfidf_rows([[("dam", 1), ("flood", 1)], [("dam", 1), ("flood", 1)], [("vote", 1)], [("vote", 1)]])
    >>> links = neighbours(rows, k=2, floor=0.1)
    >>> list(zip(links.source.tolist(), links.target.tolist()))
    [(0, 1), (2, 3)]
    """
    n = rows.n_rows
    empty = Links(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    if n < 2 or not len(rows.indices):
        return empty
    # the inverted index: entries sorted by feature, and where each feature's postings start
    order = np.argsort(rows.indices, kind="stable")
    post_doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(rows.indptr))[order]
    post_val = rows.data[order]
    post_start = np.searchsorted(rows.indices[order], np.arange(rows.n_features + 1))
    post_len = np.diff(post_start)
    gathered = post_len[rows.indices]  # postings each entry of each row will touch
    # per row, the sum of its entries' postings; by prefix sums, because add.reduceat fails on trailing empty rows
    running = np.concatenate(([0], np.cumsum(gathered, dtype=np.int64)))
    per_row = running[rows.indptr[1:]] - running[rows.indptr[:-1]]
    max_rows = max(1, 2_000_000 // n)  # the dense block of scores: at most 2 M floats
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    start = 0
    while start < n:
        stop, total = start, 0
        while stop < n and stop - start < max_rows and (stop == start or total + per_row[stop] <= budget):
            total += int(per_row[stop])
            stop += 1
        scores = _block_scores(rows, start, stop, post_doc, post_val, post_start, post_len)
        scores[np.arange(stop - start), np.arange(start, stop)] = 0.0  # an article is not its own neighbour
        if days is not None:
            gap = np.abs(days[start:stop, None] - days[None, :])
            damp = 1.0 + np.maximum(0.0, gap - window_days) / scale_days
            scores /= np.where(np.isnan(damp), 1.0, damp)
        top = min(k, n - 1)
        best = np.argpartition(-scores, top - 1, axis=1)[:, :top] if top < n else np.argsort(-scores, axis=1)
        best_scores = np.take_along_axis(scores, best, axis=1)
        keep = best_scores >= floor
        local = np.nonzero(keep)[0]
        sources.append(local + start)
        targets.append(best[keep])
        weights.append(best_scores[keep])
        start = stop
    source = np.concatenate(sources)
    target = np.concatenate(targets)
    weight = np.concatenate(weights)
    low, high = np.minimum(source, target), np.maximum(source, target)
    pairs = low * n + high
    unique, first = np.unique(pairs, return_index=True)  # a pair found from both ends is kept once
    return Links(unique // n, unique % n, weight[first])


def _block_scores(
    rows: SparseRows,
    start: int,
    stop: int,
    post_doc: np.ndarray,
    post_val: np.ndarray,
    post_start: np.ndarray,
    post_len: np.ndarray,
) -> np.ndarray:
    """Dot products of rows ``start:stop`` with every row (a dense block, ``stop - start`` by n)."""
    n = rows.n_rows
    lo, hi = rows.indptr[start], rows.indptr[stop]
    features = rows.indices[lo:hi]
    values = rows.data[lo:hi]
    local_row = np.repeat(np.arange(stop - start, dtype=np.int64), np.diff(rows.indptr[start : stop + 1]))
    lengths = post_len[features]
    total = int(lengths.sum())
    block = np.zeros((stop - start) * n)
    if total:
        # a ragged gather: for entry e, positions post_start[f_e] ... post_start[f_e] + len_e - 1
        offsets = np.repeat(post_start[features] - np.cumsum(lengths) + lengths, lengths)
        positions = np.arange(total, dtype=np.int64) + offsets
        keys = np.repeat(local_row, lengths) * n + post_doc[positions]
        block = np.bincount(keys, weights=np.repeat(values, lengths) * post_val[positions], minlength=block.size)
    return block.reshape(stop - start, n)
