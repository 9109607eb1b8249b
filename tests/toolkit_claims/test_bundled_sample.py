"""Claims on the invented sample corpus shipped in toolkit/data/sample (see its README).

The same story shape as the real articles, with other words and other parties:
one country accuses another of supplying rockets to a third, and the two accused
deny it in separate articles from other outlets. The lexical grouping (no
embeddings) must line the accusation and both denials up in one group.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "toolkit" / "data" / "sample"


@pytest.fixture(scope="module")
def claims():
    from toolkit.registry import registry

    missing = [name for name in ("entities", "quotes", "claims") if name not in registry.names()]
    assert not missing, f"plugin(s) {', '.join(missing)} not loaded (load errors: {registry.load_errors})"
    import toolkit

    plugins = [p for p in ("entities", "quotes", "timeline", "claims") if p in registry.names()]
    corpus = toolkit.analyze(
        sorted(str(p) for p in SAMPLE.glob("*.txt")),
        metadata=str(SAMPLE / "metadata.csv"),
        plugins=plugins,
        quiet=True,
        options={"claims": {"embeddings": "off"}},
    )
    frame = corpus.claims.merge(corpus.quotes[["quote_id", "content"]], on="quote_id", how="left")
    frame["content"] = frame["content"].fillna("")
    frame["claimant_name"] = frame["claimant_name"].fillna("")
    return frame


def _one(frame, description):
    assert len(frame), f"no claim found: {description}"
    return frame.iloc[0]


def test_accusation_and_both_denials_form_one_group(claims):
    accusation = _one(
        claims[
            (claims["stance"] == "accuse")
            & claims["content"].str.contains("supplying Varnesia")
            & (claims["claimant_name"] == "Sundria")
        ],
        "Sundria's accusation (002)",
    )
    group = claims[claims["group_id"] == accusation["group_id"]]
    shown = group[["article_id", "claimant_name", "stance", "proposition"]].to_string()

    by_varnesia = group[group["article_id"].str.startswith("003") & (group["stance"] == "deny")]
    assert len(by_varnesia), f"Varnesia's denial (003) is not in the accusation's group:\n{shown}"
    by_kastovia = group[
        group["article_id"].str.startswith("006")
        & (group["stance"] == "deny")
        & group["content"].str.contains("never supplied")
    ]
    assert len(by_kastovia), f"Kastovia's denial (006) is not in the accusation's group:\n{shown}"
    # "Both governments reject the claim." points back to the sentence before it (012)
    pointer = group[
        group["article_id"].str.startswith("012") & (group["stance"] == "deny") & (group["content"] == "the claim")
    ]
    assert len(pointer), f"'reject the claim' (012) did not follow its antecedent:\n{shown}"


def test_unrelated_claims_stay_out_of_the_accusation_group(claims):
    accusation = _one(
        claims[(claims["stance"] == "accuse") & claims["content"].str.contains("supplying Varnesia")],
        "Sundria's accusation (002)",
    )
    group = claims[claims["group_id"] == accusation["group_id"]]
    # thanks for support and the grain deal are other propositions
    assert not (group["stance"] == "support").any(), group[["claimant_name", "stance", "proposition"]].to_string()
    assert not group["content"].str.contains("grain", case=False).any()
    assert group["group_id"].nunique() == 1 and len(group) < len(claims) / 3
