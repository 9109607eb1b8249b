"""Selection.mask: the shared, cached per-part masks equal a plain row-by-row filter, change after change.

The quote and claim-group parts are the ones the quotes and claims plugins
declare; the core applies them generically, and the written-out filter below
is what their declarations (column, links, via_entities) mean.

The masks are kept with each table for the latest value of each part, so one
selection change is filtered once for every view of a dashboard; these tests
drive one table through random sequences of selections and compare each answer
with the filter written the obvious way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.pipeline import Corpus
from toolkit.views import Selection, entity_columns, parts

ARTICLES = ["a1", "a2", "a3", "a4"]
ENTITIES = ["E1", "E2", "E3"]
DAYS = ["2023-01-05", "2023-02-10", "2023-03-15T10:00", None]


def _corpus(seed: int) -> Corpus:
    rng = np.random.default_rng(seed)
    n = 12

    def pick(values: list, size: int = n) -> list:
        return [values[i] for i in rng.integers(0, len(values), size)]

    articles = pd.DataFrame(
        {"article_id": ARTICLES, "title": "T", "outlet": "O", "text": "x", "published": pick(DAYS, len(ARTICLES))}
    )
    mentions = pd.DataFrame(
        {
            "article_id": pick(ARTICLES),
            "start": 0,
            "end": 1,
            "text": "x",
            "label": "PERSON",
            "entity_id": pick(ENTITIES + [None]),
        }
    )
    quotes = pd.DataFrame(
        {
            "quote_id": [f"q{i}" for i in range(n)],
            "article_id": pick(ARTICLES),
            "kind": "direct",
            "speaker_entity_id": pick(ENTITIES + [None]),
            "via_entity_id": pick(ENTITIES + [None] * 3),
        }
    )
    events = pd.DataFrame(
        {
            "event_id": [f"v{i}" for i in range(n)],
            "article_id": pick(ARTICLES),
            "start": 0,
            "end": 1,
            "date_start": pick(DAYS),
            "date_end": pick(DAYS),
            "entity_ids": [pick(ENTITIES, int(k)) for k in rng.integers(0, 3, n)],
        }
    )
    claims = pd.DataFrame(
        {
            "claim_id": [f"c{i}" for i in range(n)],
            "article_id": pick(ARTICLES),
            "quote_id": pick([f"q{i}" for i in range(n)]),
            "claimant_entity_id": pick(ENTITIES),
            "about_entity_ids": [pick(ENTITIES, int(k)) for k in rng.integers(0, 2, n)],
            "date_start": pick(DAYS),
            "date_end": pick(DAYS),
            "group_id": pick(["g1", "g2"]),
        }
    )
    return Corpus({"articles": articles, "mentions": mentions, "quotes": quotes, "events": events, "claims": claims})


def _ids(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _day(value: object) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)[:10]


def _naive(frame: pd.DataFrame, corpus: Corpus, selection: Selection, parts: tuple[str, ...]) -> list[bool]:
    """The documented semantics of Selection.narrow, row by row."""
    published = dict(zip(corpus.articles["article_id"], corpus.articles["published"]))
    keep = []
    for row in frame.astype(object).to_dict("records"):
        ok = True
        if "articles" in parts and selection.articles and "article_id" in row:
            ok &= row["article_id"] in selection.articles
        if "date_range" in parts and selection.date_range:
            start, end = selection.date_range
            if "date_start" in row:
                lo = _day(row["date_start"])
                hi = _day(row["date_end"]) or lo
            else:
                lo = hi = _day(published.get(row["article_id"]))
            ok &= (hi is not None and hi >= start) and (lo is not None and lo <= end)
        if "entities" in parts and selection.entities:
            columns = [c for c in entity_columns() if c in row]
            if columns:
                ok &= any(e in selection.entities for c in columns for e in _ids(row[c]))
            else:  # a table without entity columns: the articles that mention the entity
                mentioned = set(
                    corpus.mentions.loc[corpus.mentions["entity_id"].isin(selection.entities), "article_id"]
                )
                ok &= row["article_id"] in mentioned
        if "quote" in parts and selection.quote:
            if "quote_id" in row:
                ok &= row["quote_id"] == selection.quote
            else:
                ok &= row["article_id"] in set(
                    corpus.quotes.loc[corpus.quotes["quote_id"] == selection.quote, "article_id"]
                )
        if "claim_group" in parts and selection.claim_group:
            if "group_id" in row:
                ok &= row["group_id"] == selection.claim_group
            elif "quote_id" in row:
                ok &= row["quote_id"] in set(
                    corpus.claims.loc[corpus.claims["group_id"] == selection.claim_group, "quote_id"]
                )
            else:
                ok &= row["article_id"] in set(
                    corpus.claims.loc[corpus.claims["group_id"] == selection.claim_group, "article_id"]
                )
        keep.append(bool(ok))
    return keep


states = st.fixed_dictionaries(
    {
        "entities": st.lists(st.sampled_from(ENTITIES + ["E-none"]), max_size=2, unique=True),
        "articles": st.lists(st.sampled_from(ARTICLES), max_size=2, unique=True),
        "date_range": st.one_of(
            st.none(),
            st.tuples(st.sampled_from(["2023-01-01", "2023-02-10"]), st.sampled_from(["2023-02-10", "2023-12-31"])),
        ),
        "quote": st.one_of(st.none(), st.sampled_from(["q1", "q5", "q-none"])),
        "claim_group": st.one_of(st.none(), st.sampled_from(["g1", "g2"])),
    }
)
part_sets = st.sampled_from(
    [
        parts(),
        ("entities", "articles", "date_range"),
        ("articles", "date_range"),
        ("entities",),
        ("quote", "claim_group"),
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 1000),
    table=st.sampled_from(["mentions", "quotes", "events", "claims", "articles"]),
    steps=st.lists(st.tuples(states, part_sets), min_size=1, max_size=6),
)
def test_cached_masks_equal_the_row_by_row_filter_after_every_change(seed, table, steps):
    corpus = _corpus(seed)
    frame = corpus.tables[table]
    selection = Selection()  # one selection changed step after step, as a reader does
    for state, chosen in steps:
        with selection.hold_trait_notifications():
            for name, value in state.items():
                setattr(selection, name, value)
        mask = selection.mask(frame, corpus, parts=chosen)
        got = [True] * len(frame) if mask is None else mask.tolist()
        assert got == _naive(frame, corpus, selection, chosen), (state, chosen)
        # a second Selection with the same state (as views make for their own scopes) gets the same answer
        again = Selection(**state).mask(frame, corpus, parts=chosen)
        assert ([True] * len(frame) if again is None else again.tolist()) == got


def test_shared_masks_are_read_only_and_follow_a_replaced_table():
    corpus = _corpus(1)
    selection = Selection(entities=["E1"])
    mask = selection.mask(corpus.quotes, corpus, parts=("entities",))
    with pytest.raises(ValueError):
        mask &= False  # a view that changed it in place would change every other view's rows
    corpus.tables["mentions"] = corpus.mentions.assign(entity_id="E1")
    assert Selection(entities=["E1"]).mask(corpus.articles, corpus, parts=("entities",)).any()
    corpus.tables["mentions"] = corpus.mentions.assign(entity_id="E2")  # nobody mentions E1 any more
    assert not Selection(entities=["E1"]).mask(corpus.articles, corpus, parts=("entities",)).any()
