"""Identical claims (syndicated copies) are grouped as one weighted node: same groups as
plain average linkage over every claim, without pairs growing as copies squared."""

from __future__ import annotations

import random

import pytest

from toolkit_claims.rules.grouping import (
    GroupingConfig,
    _candidate_pairs,
    _Features,
    _identical,
    _similarity,
    _tfidf_vectors,
    group_claims,
)

CONFIG = GroupingConfig(embeddings="off")


def _features(terms, entities):
    vectors = _tfidf_vectors(terms)
    return [_Features(lexical=v, entities=e, frame=None, stance=None) for v, e in zip(vectors, entities)]


def _dense_reference(features, threshold):
    """Textbook average linkage over every claim: all pairs, merge the best pair
    (ties: lowest positions) while its average similarity reaches the threshold."""
    n = len(features)
    score = [[_similarity(features[i], features[j], CONFIG, None) for j in range(n)] for i in range(n)]
    clusters = {i: [i] for i in range(n)}
    while len(clusters) > 1:
        best = None
        keys = sorted(clusters)
        for x, a in enumerate(keys):
            for b in keys[x + 1 :]:
                avg = sum(score[i][j] for i in clusters[a] for j in clusters[b]) / (len(clusters[a]) * len(clusters[b]))
                if best is None or avg > best[0]:
                    best = (avg, a, b)
        if best[0] < threshold:
            break
        _, a, b = best
        clusters[a].extend(clusters.pop(b))
    label = [0] * n
    for root, members in clusters.items():
        for m in members:
            label[m] = root
    return label


def _partition(labels):
    groups = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    return sorted(sorted(g) for g in groups.values())


@pytest.mark.parametrize("seed", range(12))
def test_copies_give_the_groups_of_plain_average_linkage(seed):
    rng = random.Random(seed)
    vocabulary = ["~weapon", "~transfer", "price", "law", "vote", "border", "oil", "rocket", "court"]
    people = ["ostlandia", "westmark", "marea"]
    distinct = [
        (frozenset(rng.sample(vocabulary, rng.randint(1, 3))), frozenset(rng.sample(people, rng.randint(0, 2))))
        for _ in range(6)
    ]
    claims = [distinct[rng.randrange(len(distinct))] for _ in range(18)]  # many exact copies
    terms, entities = [c[0] for c in claims], [c[1] for c in claims]
    ids, _ = group_claims(
        [f"c{i}" for i in range(len(claims))], texts=[""] * len(claims), terms=terms, entities=entities, config=CONFIG
    )
    expected = _dense_reference(_features(terms, entities), CONFIG.threshold)
    assert _partition(ids) == _partition(expected)


def test_candidate_pairs_grow_with_distinct_claims_not_copies():
    terms = [frozenset({"~weapon", "~transfer"}), frozenset({"~weapon", "rocket"})] * 150
    entities = [frozenset({"ostlandia"})] * 300
    features = _features(terms, entities)
    representative = _identical(features, CONFIG, None)
    nodes = sorted(set(representative))
    assert nodes == [0, 1]
    weights = [representative.count(r) for r in nodes]
    assert _candidate_pairs(features, CONFIG, None, nodes=nodes, weights=weights) == {(0, 1)}
    # the block limit still counts claims: a key shared by more claims than the limit proposes nothing alone
    tight = GroupingConfig(embeddings="off", block_limit=100)
    assert _candidate_pairs(features, tight, None, nodes=nodes, weights=weights) == set()
    ids, _ = group_claims(
        [f"c{i}" for i in range(300)], texts=[""] * 300, terms=terms, entities=entities, config=CONFIG
    )
    assert ids[0] == ids[2] == ids[298] and ids[1] == ids[299]


def test_copies_too_thin_to_group_stay_apart():
    # only an entity in common: similarity with itself is below the threshold, as before
    terms, entities = [frozenset()] * 3, [frozenset({"westmark"})] * 3
    ids, _ = group_claims(["a", "b", "c"], texts=[""] * 3, terms=terms, entities=entities, config=CONFIG)
    assert len(set(ids)) == 3


def test_embedding_neighbours_without_copies_are_those_of_every_claim():
    import numpy as np

    rng = np.random.default_rng(3)
    embedded = rng.normal(size=(40, 8))
    embedded /= np.linalg.norm(embedded, axis=1, keepdims=True)
    terms = [frozenset({f"w{i % 7}"}) for i in range(40)]
    features = _features(terms, [frozenset()] * 40)
    config = GroupingConfig(embedding_neighbours=3)
    by_nodes = _candidate_pairs(features, config, embedded, nodes=list(range(40)), weights=[1] * 40)
    assert by_nodes == _candidate_pairs(features, config, embedded)
    assert _identical(features, config, embedded) == list(range(40))  # no two embeddings are the same


def _random_features(rng, n):
    from toolkit_claims.rules.grouping import Frame

    words = ["~weapon", "~transfer", "price", "law", "vote", "border", "oil", "rocket", "court", "fare"]
    people = ["ostlandia", "westmark", "marea", "velmora"]
    terms = [frozenset(rng.sample(words, rng.randint(0, 4))) for _ in range(n)]
    vectors = _tfidf_vectors(terms)
    out = []
    for vector in vectors:
        frame = (
            None
            if rng.random() < 0.2
            else Frame(
                predicates=frozenset(rng.sample(words[:4], rng.randint(0, 2))),
                themes=frozenset(rng.sample(words[4:], rng.randint(0, 2))),
                participants=frozenset(rng.sample(people, rng.randint(0, 2))),
            )
        )
        out.append(
            _Features(
                lexical=vector,
                entities=frozenset(rng.sample(people, rng.randint(0, 2))),
                frame=frame,
                stance=rng.choice(["assert", "accuse", "deny", "other", None]),
            )
        )
    return out


@pytest.mark.parametrize("seed", range(4))
def test_similarities_computed_at_once_equal_the_pairwise_function(seed):
    # a large story's pairs are scored by numpy; they must be what _similarity gives each pair
    import numpy as np

    from toolkit_claims.rules.grouping import _pair_similarities

    rng = random.Random(seed)
    features = _random_features(rng, 60)
    first, second = np.triu_indices(60, 1)
    embedded = None
    if seed % 2:
        vectors = np.random.default_rng(seed).normal(size=(60, 5))
        embedded = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    at_once = _pair_similarities(features, CONFIG, first, second, embedded)
    one_by_one = [
        _similarity(
            features[i], features[j], CONFIG, float(embedded[i] @ embedded[j]) if embedded is not None else None
        )
        for i, j in zip(first.tolist(), second.tolist())
    ]
    assert np.allclose(at_once, one_by_one, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_the_large_story_path_gives_the_groups_of_plain_average_linkage(monkeypatch, seed):
    # scored at once, with the merge re-scoring only near neighbours and keeping the longer row,
    # and no pair floor: the groups of the textbook algorithm
    import toolkit_claims.rules.grouping as grouping

    monkeypatch.setattr(grouping, "_VECTORISED_PAIRS", 0)
    rng = random.Random(100 + seed)
    vocabulary = ["~weapon", "~transfer", "price", "law", "vote", "border", "oil", "rocket", "court"]
    people = ["ostlandia", "westmark", "marea"]
    claims = [
        (frozenset(rng.sample(vocabulary, rng.randint(1, 3))), frozenset(rng.sample(people, rng.randint(0, 2))))
        for _ in range(60)
    ]
    terms, entities = [c[0] for c in claims], [c[1] for c in claims]
    exact = GroupingConfig(embeddings="off", pair_floor=0.0)
    ids, _ = group_claims(
        [f"c{i}" for i in range(len(claims))], texts=[""] * len(claims), terms=terms, entities=entities, config=exact
    )
    expected = _dense_reference(_features(terms, entities), exact.threshold)
    assert _partition(ids) == _partition(expected)


@pytest.mark.parametrize("at_once", [False, True], ids=["pairwise", "at-once"])
def test_a_neighbour_of_the_kept_group_alone_is_scored_again_after_a_merge(monkeypatch, at_once):
    # five copies of A, then B (close to A) and C (close to A only). A and B merge first; the
    # average of A+B with C is then 5 x 0.53 / 6 = 0.44, above the threshold: C must still join,
    # though C is no neighbour of B (a merge re-scores the kept group's near neighbours too)
    import toolkit_claims.rules.grouping as grouping

    monkeypatch.setattr(grouping, "_VECTORISED_PAIRS", 0 if at_once else 10**9)
    a = _Features(lexical={"x": 0.6, "y": 0.6, "z": 0.529}, entities=frozenset(), frame=None, stance=None)
    b = _Features(lexical={"x": 0.7071, "y": 0.7071}, entities=frozenset(), frame=None, stance=None)
    c = _Features(lexical={"z": 1.0}, entities=frozenset(), frame=None, stance=None)
    labels = grouping._average_linkage([a] * 5 + [b, c], CONFIG)
    assert labels == [0] * 7
    assert _partition(labels) == _partition(_dense_reference([a] * 5 + [b, c], CONFIG.threshold))


@pytest.mark.parametrize("seed", range(6))
def test_block_memo_gives_the_groups_of_a_fresh_run_when_a_block_changes(seed, tmp_path):
    """Issue #22: each block's clustering is read back from the step memo; a block that gained claims
    (a new article in its story) is clustered again, and every id equals that of a run without the memo."""
    from toolkit.sdk import StepMemo

    rng = random.Random(seed)
    vocabulary = ["~weapon", "~transfer", "price", "law", "vote", "border", "oil", "rocket", "court"]

    def claims(n):
        terms = [frozenset(rng.sample(vocabulary, rng.randint(1, 3))) for _ in range(n)]
        return terms, [frozenset(rng.sample(["ostlandia", "westmark"], rng.randint(0, 1))) for _ in range(n)]

    terms, entities = claims(24)
    blocks = [i % 4 for i in range(24)]
    added_terms, added_entities = claims(3)  # a new article's claims, all in block 2

    def group(memo, extra):
        n = 24 + extra
        return group_claims(
            [f"c{i}" for i in range(n)],
            texts=[""] * n,
            terms=terms + added_terms[:extra],
            entities=entities + added_entities[:extra],
            blocks=blocks + [2] * extra,
            links=[(0, 4)],
            config=CONFIG,
            memo=memo,
        )[0]

    first = StepMemo(tmp_path)
    assert group(first, 0) == group(None, 0) and first.computed == 4
    again = StepMemo(tmp_path)
    assert group(again, 3) == group(None, 3)
    assert (again.reused, again.computed) == (3, 1)  # only the block that gained claims is clustered again
