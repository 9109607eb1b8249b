"""Done-when of the claims issue, on the real articles in ../shared (never copied into the repo).

Needs the entities and quotes plugins (and uses timeline when installed); skips
with the reason when they or the articles are absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sample-news"

NORTH = re.compile(r"north korea|dprk|pyongyang", re.I)
RUSSIA = re.compile(r"russia|moscow|kremlin", re.I)


# "auto" is what a machine without the optional embeddings package runs (as CI does);
# "off" forces the lexical path even where the package is installed
@pytest.fixture(scope="module", params=["auto", "off"], ids=["default", "embeddings-off"])
def claims(request):
    if not SAMPLE.is_dir():
        pytest.skip(f"the sample articles are not at {SAMPLE}")
    from toolkit.registry import registry

    missing = [name for name in ("entities", "quotes") if name not in registry.names()]
    assert not missing, f"plugin(s) {', '.join(missing)} not loaded (load errors: {registry.load_errors})"
    import toolkit

    plugins = [p for p in ("entities", "quotes", "timeline", "claims") if p in registry.names()]
    corpus = toolkit.analyze(
        [str(SAMPLE)],
        metadata=str(SAMPLE / "metadata.csv"),
        plugins=plugins,
        quiet=True,
        options={"claims": {"embeddings": request.param}},
    )
    frame = corpus.claims.merge(corpus.quotes[["quote_id", "content"]], on="quote_id", how="left")
    names = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
    frame["who"] = [
        names.get(e, n) if isinstance(e, str) else (n if isinstance(n, str) else "")
        for e, n in zip(frame["claimant_entity_id"], frame["claimant_name"])
    ]
    frame["content"] = frame["content"].fillna("")
    return frame


def _one(frame, description):
    assert len(frame), f"no claim found: {description}"
    return frame.iloc[0]


def test_arms_transfer_group_holds_accusations_and_denials(claims):
    white_house = _one(
        claims[
            claims["who"].str.contains("White House")
            & (claims["stance"] == "accuse")
            & claims["content"].str.contains("containers")
        ],
        "White House accusation",
    )
    group = claims[claims["group_id"] == white_house["group_id"]]
    shown = group[["who", "stance", "proposition"]].to_string()

    south = group[group["who"].str.contains("South Korea") & group["stance"].isin(["accuse", "assert"])]
    assert len(south), f"South Korea's container estimate is not in the group:\n{shown}"

    north_denial = group[
        group["who"].str.contains(NORTH)
        & (group["stance"] == "deny")
        & group["content"].str.contains("export", case=False)
    ]
    assert len(north_denial), f"North Korea's denial is not in the group:\n{shown}"

    both = group[group["content"].str.contains("arms transfer") & (group["stance"] == "deny")]
    assert len(both), f"'Pyongyang and Moscow deny this arms transfer' is not in the group:\n{shown}"
    assert any(NORTH.search(w) for w in both["who"]) and any(RUSSIA.search(w) for w in both["who"]), (
        f"both deniers should be claimants: {both['who'].tolist()}"
    )


def test_lavrov_denies_violating_international_law(claims):
    row = _one(claims[claims["content"].str.contains("do not violate any norms")], "Lavrov's statement")
    assert row["stance"] == "deny"
    assert "Lavrov" in row["who"]
