"""The claims plugin's skeleton: a light registration, one definition of "contested", ids and dates kept."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from toolkit_claims.rules.claimants import _date
from toolkit_claims.step import AGAINST, FOR, claim_id, contested_claims
from toolkit_claims.views import group_summary


def test_listing_the_plugins_imports_neither_spacy_nor_altair():
    # regression: claims' __init__ imported its step and views, so toolkit.plugins() imported spaCy (1.1 s)
    code = "import sys, toolkit; toolkit.plugins(); print(sorted(m for m in ('spacy', 'altair') if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]", found.stderr


def test_claim_ids_keep_their_recipe():
    # people keep claim ids in exported tables: the sha1 recipe of the first release
    import hashlib

    assert claim_id("q-1", "E1") == "C" + hashlib.sha1(b"q-1\x00E1").hexdigest()[:12]


def _claims(stances, groups, claimants):
    n = len(stances)
    return pd.DataFrame(
        {
            "claim_id": [f"c{k}" for k in range(n)],
            "article_id": ["a"] * n,
            "stance": stances,
            "group_id": groups,
            "claimant_entity_id": [None] * n,
            "claimant_name": claimants,
        }
    )


@pytest.mark.parametrize(
    ("stances", "contested"),
    [
        (["assert", "deny"], True),
        (["accuse", "deny"], True),
        (["support", "deny"], True),
        (["call", "deny"], True),
        (["assert", "accuse"], False),
        (["deny", "deny"], False),
        (["other", "deny"], False),
    ],
    ids=["assert", "accuse", "support", "call", "no-denial", "only-denial", "other-takes-no-side"],
)
def test_a_group_is_contested_when_one_side_is_for_and_one_denies(stances, contested):
    corpus = type("Corpus", (), {"claims": _claims(stances, ["g", "g"], ["A", "B"])})()
    assert (not contested_claims(corpus).empty) is contested
    assert (int(group_summary(corpus.claims.assign(claimant=["A", "B"]))["contested"].iloc[0]) > 0) is contested


def test_the_views_count_sides_with_the_steps_definition():
    assert FOR == ("assert", "accuse", "support", "call") and AGAINST == ("deny",)
    import toolkit_claims.views as views

    assert (views.FOR, views.AGAINST) == (FOR, AGAINST)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-23", ("2024-01-23", "2024-01-23")),
        ("2023-02", ("2023-02-01", "2023-02-28")),
        ("2024-W02", ("2024-01-08", "2024-01-14")),
        ("2022-SU", ("2022-06-01", "2022-08-31")),
        ("2023-Q4", ("2023-10-01", "2023-12-31")),
    ],
    ids=["day", "month", "week", "season", "quarter"],
)
def test_a_claims_dates_are_the_days_its_timex_covers(value, expected):
    # regression: claims had its own TIMEX reading, which ignored weeks, seasons and quarters
    assert _date((0, 50), (), [(10, 20, value)], None) == (*expected, "timex")
