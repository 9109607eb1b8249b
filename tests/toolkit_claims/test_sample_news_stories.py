"""Issue #17 on the real articles in ../shared (never copied into the repo), with the stories step on.

Claims are grouped within a story, across stories only on strong evidence; the
checks are properties of the groups (who takes which side, which articles),
not sentences: the arms-transfer group keeps the accusation, the estimate and
the denials; the biological-laboratories accusation and its rejections are one
contested group; no group is contested without a different claimant against;
every proposition is the article's own words at its offsets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sample-news"
NORTH = re.compile(r"north korea|dprk|pyongyang", re.I)
RUSSIA = re.compile(r"russia|moscow|kremlin", re.I)


@pytest.fixture(scope="module")
def corpus():
    if not SAMPLE.is_dir():
        pytest.skip(f"the sample articles are not at {SAMPLE}")
    from toolkit.registry import registry

    missing = [name for name in ("entities", "quotes", "claims", "stories") if name not in registry.names()]
    assert not missing, f"plugin(s) {', '.join(missing)} not loaded (load errors: {registry.load_errors})"
    import toolkit

    plugins = [p for p in ("entities", "quotes", "timeline", "claims", "stories") if p in registry.names()]
    return toolkit.analyze(
        [str(SAMPLE)],
        metadata=str(SAMPLE / "metadata.csv"),
        plugins=plugins,
        quiet=True,
        options={"claims": {"embeddings": "off"}},
    )


@pytest.fixture(scope="module")
def claims(corpus):
    frame = corpus.claims.merge(corpus.quotes[["quote_id", "content"]], on="quote_id", how="left")
    names = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
    frame["who"] = [
        names.get(e, n) if isinstance(e, str) else (n if isinstance(n, str) else "")
        for e, n in zip(frame["claimant_entity_id"], frame["claimant_name"])
    ]
    frame["content"] = frame["content"].fillna("")
    return frame


def test_the_claims_step_ran_after_the_stories_step(corpus):
    assert corpus.articles["story_id"].notna().all()
    assert corpus.claims["group_id"].notna().all()


def test_arms_transfer_group_holds_the_accusation_the_estimate_and_the_denials(claims):
    accusation = claims[
        claims["who"].str.contains("White House")
        & (claims["stance"] == "accuse")
        & claims["content"].str.contains(NORTH)
    ]
    assert len(accusation), "no White House accusation against North Korea"
    group = claims[claims["group_id"].isin(accusation["group_id"])]
    shown = group[["article_id", "who", "stance", "proposition"]].to_string()
    assert group["group_id"].nunique() == 1, f"the accusations are in several groups:\n{shown}"
    estimate = group[group["who"].str.contains("South Korea") & group["stance"].isin(["assert", "accuse"])]
    assert len(estimate), f"South Korea's estimate is not in the group:\n{shown}"
    deniers = set(group.loc[group["stance"] == "deny", "who"])
    assert any(NORTH.search(w) for w in deniers) and any(RUSSIA.search(w) for w in deniers), shown
    # the denials come from several articles: the group answers the accusation across the coverage
    assert group.loc[group["stance"] == "deny", "article_id"].nunique() >= 2, shown


def test_the_biological_accusation_and_its_rejections_are_one_contested_group(corpus, claims):
    from toolkit_claims.step import contested_claims

    biological = claims[claims["proposition"].str.contains("biological", case=False)]
    accusing = biological[biological["stance"].isin(["accuse", "assert"]) & biological["who"].ne("")]
    assert len(accusing), "no biological accusation found"
    assert accusing["group_id"].nunique() == 1, accusing[["who", "stance", "proposition", "group_id"]].to_string()
    group = claims[claims["group_id"] == accusing["group_id"].iloc[0]]
    shown = group[["who", "stance", "proposition"]].to_string()
    against = set(group.loc[group["stance"] == "deny", "who"]) - {""}
    assert len(against) >= 2, f"the rejections are not in the accusation's group:\n{shown}"
    assert against - set(accusing["who"]), shown
    assert accusing["group_id"].iloc[0] in set(contested_claims(corpus)["group_id"])


def test_no_group_is_contested_without_a_different_claimant_against(corpus):
    from toolkit_claims.step import contested_claims
    from toolkit_claims.views import group_summary

    rows = contested_claims(corpus)
    assert len(rows), "the sample has contested claims"
    for group_id, group in rows.groupby("group_id"):
        pro = set(group.loc[group["side"] == "for", "claimant"])
        con = set(group.loc[group["side"] == "against", "claimant"])
        assert pro and con and (pro | con) - {"unknown"} and len(pro | con) >= 2, (group_id, pro, con)
    base = corpus.claims.assign(claimant=corpus.claims["claimant_name"].fillna("unknown"))
    summary = group_summary(base)
    assert (summary.loc[summary["contested"] > 0, "n_against"] > 0).all()


def test_every_proposition_is_the_articles_own_words(corpus):
    texts = dict(zip(corpus.articles["article_id"], corpus.articles["text"]))
    for row in corpus.claims.itertuples():
        text = texts[row.article_id]
        assert row.proposition == text[row.proposition_start : row.proposition_end], row
        assert row.proposition and row.proposition.strip() == row.proposition
