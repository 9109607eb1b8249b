"""The coreference metrics of benchmarks/eval_coref.py on hand-made clusterings, scores known from the definitions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from coref_metrics import Counts, b_cubed, ceaf_e, conll_f1, muc, score_all

# Pradhan et al. (2014), figure 1: key {a b c} {d e f g}; response {a b} {c d} {f g h i}
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_muc_counts_links_kept():
    # key {a b c} is cut in 2 parts, {d e f g} in 3 (e is missing): 2 of 5 links kept;
    # response {a b} keeps 1 of 1, {c d} 0 of 1, {f g h i} 1 of 3
    counts = muc(KEY, RESPONSE)
    assert (counts.recall_num, counts.recall_den) == (2, 5)
    assert (counts.precision_num, counts.precision_den) == (2, 5)


def test_b_cubed_averages_per_mention():
    counts = b_cubed(KEY, RESPONSE)
    assert counts.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 4 + 0 + 2 / 4 + 2 / 4) / 7)
    assert counts.precision == pytest.approx((1 + 1 + 1 / 2 + 1 / 2 + 2 / 4 + 2 / 4 + 0 + 0) / 8)


def test_ceaf_e_takes_the_best_one_to_one_alignment():
    # phi4: {abc}~{ab} 0.8, {abc}~{cd} 0.4, {defg}~{cd} 1/3, {defg}~{fghi} 0.5; best total 0.8 + 0.5
    counts = ceaf_e(KEY, RESPONSE)
    assert counts.recall == pytest.approx(1.3 / 2)
    assert counts.precision == pytest.approx(1.3 / 3)


def test_a_perfect_response_scores_one_everywhere():
    counts = score_all(KEY, KEY)
    assert all(c.f1 == pytest.approx(1.0) for c in counts.values())
    assert conll_f1(counts) == pytest.approx(1.0)


def test_merging_everything_keeps_muc_recall_but_not_precision():
    counts = score_all(KEY, [KEY[0] | KEY[1]])
    assert counts["MUC"].recall == 1.0
    assert counts["MUC"].precision == pytest.approx(5 / 6)
    assert counts["B3"].precision == pytest.approx((3 * 3 / 7 + 4 * 4 / 7) / 7)
    assert counts["CEAF-e"].recall == pytest.approx((2 * 4 / 11) / 2)


def test_singletons_add_no_muc_links_but_count_in_b_cubed():
    singletons = [{"x"}, {"y"}]
    counts = score_all(singletons, singletons)
    assert counts["MUC"].recall_den == 0 and counts["MUC"].f1 == 0.0
    assert counts["B3"].f1 == pytest.approx(1.0)
    assert counts["CEAF-e"].f1 == pytest.approx(1.0)


def test_counts_pool_across_topics_before_dividing():
    one = muc([{"a", "b"}], [{"a", "b"}])
    two = muc([{"c", "d", "e"}], [{"c"}, {"d"}, {"e"}])
    pooled = one + two
    assert pooled.recall == pytest.approx(1 / 3)
    assert pooled == Counts(1, 3, 1, 1)


def test_max_assignment_equals_the_best_pairing_found_by_trying_all():
    import itertools
    import random

    import numpy as np
    from coref_metrics import max_assignment

    rng = random.Random(7)
    for _ in range(60):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        weights = np.array([[rng.choice([0.0, rng.random()]) for _ in range(cols)] for _ in range(rows)])
        small, large = sorted((rows, cols))
        best = 0.0
        for chosen in itertools.permutations(range(large), small):
            pairs = zip(range(small), chosen) if rows <= cols else zip(chosen, range(small))
            best = max(best, sum(weights[r, c] for r, c in pairs))
        assert max_assignment(weights) == pytest.approx(best)
