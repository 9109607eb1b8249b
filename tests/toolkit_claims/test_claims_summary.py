"""The claim-group summary from integer codes equals the plain pandas groupby it replaced, on random claims."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit_claims.views import AGAINST, FOR, STANCE_ORDER, _ClaimCodes, group_summary


def _reference(claims: pd.DataFrame) -> pd.DataFrame:
    """The first implementation: one pandas groupby per column."""
    frame = claims[["group_id", "claimant", "stance", "proposition", "article_id", "date_start"]]
    groups = frame.groupby("group_id", sort=False)
    # a side is taken by a named claimant; contested needs a claimant against other than the one for
    named = frame[frame["claimant"].ne("unknown").fillna(True).astype(bool)]
    pro = named[named["stance"].isin(FOR)].groupby("group_id")["claimant"].nunique()
    con = named[named["stance"].isin(AGAINST)].groupby("group_id")["claimant"].nunique()
    voices = named[named["stance"].isin(FOR + AGAINST)].groupby("group_id")["claimant"].nunique()
    out = pd.DataFrame({"n_claims": groups.size()})
    out["n_for"] = pro.reindex(out.index, fill_value=0).astype(int)
    out["n_against"] = con.reindex(out.index, fill_value=0).astype(int)
    two = voices.reindex(out.index, fill_value=0).astype(int) >= 2
    out["contested"] = out[["n_for", "n_against"]].min(axis=1).where(two, 0)
    out["n_claimants"] = groups["claimant"].nunique()
    out["n_articles"] = groups["article_id"].nunique()
    counts = frame.groupby(["group_id", "stance"]).size()
    text: dict[object, list[str]] = {}
    for stance in STANCE_ORDER:
        if stance in counts.index.get_level_values(1):
            for group_id, n in counts.xs(stance, level=1).items():
                text.setdefault(group_id, []).append(f"{stance} {n}")
    out["stances"] = [", ".join(text.get(g, [])) for g in out.index]
    props = frame.dropna(subset=["proposition"]).groupby(["group_id", "proposition"]).size().reset_index(name="n")
    props = props.sort_values(["group_id", "n", "proposition"], ascending=[True, False, True]).drop_duplicates(
        "group_id"
    )
    out["proposition"] = out.index.map(dict(zip(props["group_id"], props["proposition"]))).fillna("")
    dates = frame["date_start"].where(frame["date_start"].notna(), None).astype("string")
    by_date = dates.groupby(frame["group_id"], sort=False)
    out["first"] = by_date.min().reindex(out.index).astype(object).where(lambda x: x.notna(), None)
    out["last"] = by_date.max().reindex(out.index).astype(object).where(lambda x: x.notna(), None)
    out = out.reset_index()[
        [
            "group_id",
            "contested",
            "n_claims",
            "n_claimants",
            "n_articles",
            "n_for",
            "n_against",
            "stances",
            "proposition",
            "first",
            "last",
        ]
    ]
    return out.sort_values(["contested", "n_claimants", "n_claims", "group_id"], ascending=[False, False, False, True])


def _plain(frame: pd.DataFrame) -> list[list[object]]:
    return [
        [
            None
            if v is None or v is pd.NA or (isinstance(v, float) and v != v)
            else (int(v) if isinstance(v, np.integer) else v)
            for v in row
        ]
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]


def _claims(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = lambda values, p=None: [values[i] for i in rng.choice(len(values), n, p=p)]
    return pd.DataFrame(
        {
            "group_id": pick(["g1", "g2", "g3", "g10", None], [0.3, 0.3, 0.2, 0.15, 0.05]),
            "claimant": pick(["A", "B", "C", "D", "unknown", None]),
            "stance": pick(["assert", "deny", "accuse", "support", "call", "other", "hedge", None]),
            "proposition": pick(["x", "y", "z", None]),
            "article_id": pick(["a1", "a2", "a3"]),
            "date_start": pick(["2023-01-05", "2023-02-01", "2022-12-31", None]),
        }
    ).astype("string")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), n=st.integers(1, 60))
def test_group_summary_equals_the_pandas_groupby(seed, n):
    claims = _claims(seed, n)
    got, want = group_summary(claims), _reference(claims)
    assert list(got.columns) == list(want.columns)
    assert _plain(got) == _plain(want)
    assert got.index.tolist() == want.index.tolist()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), n=st.integers(1, 60), data=st.data())
def test_summary_of_a_mask_equals_the_summary_of_those_rows(seed, n, data):
    claims = _claims(seed, n)
    keep = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    got = _ClaimCodes.of(claims).summary(keep)
    want = _reference(claims[keep]) if keep.any() else group_summary(claims.head(0))
    assert _plain(got) == _plain(want)
