"""The entities views' per-corpus codes give what the pandas groupbys gave, and the live chart swaps only data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.pipeline import Corpus
from toolkit.views import Selection
from toolkit_entities import views as ev

ARTICLES = [f"a{i}" for i in range(5)]
ENTITIES = [f"E{i}" for i in range(6)]


def _corpus(seed: int, n: int) -> Corpus:
    rng = np.random.default_rng(seed)
    articles = pd.DataFrame(
        {
            "article_id": ARTICLES,
            "path": None,
            "title": "T",
            "outlet": "O",
            "published": [None if i == 3 else f"2023-0{1 + i % 3}-0{1 + i}" for i in range(5)],
            "published_source": "metadata",
            "text": "Some text about things. " * 4,
        }
    )
    entity = [ENTITIES[i] if i < len(ENTITIES) else None for i in rng.integers(0, len(ENTITIES) + 1, n)]
    mentions = pd.DataFrame(
        {
            "article_id": [ARTICLES[i] for i in rng.integers(0, 5, n)],
            "start": rng.integers(0, 80, n),
            "end": 90,
            "text": "x",
            "label": [["PERSON", "ORG", "GPE"][i] for i in rng.integers(0, 3, n)],
            "entity_id": entity,
        }
    )
    entities = pd.DataFrame(
        {
            "entity_id": ENTITIES,
            "name": [f"N{i % 4}" for i in range(6)],
            "label": "PERSON",
            "aliases": [[] for _ in ENTITIES],
            "n_mentions": 1,
            "n_articles": 1,
        }
    )
    return Corpus({"articles": articles, "mentions": mentions, "entities": entities})


def _reference_counts(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    """The first implementation: a groupby of the mentions in scope."""
    mentions = corpus.mentions
    if selection is not None and (selection.articles or selection.date_range):
        mentions = selection.narrow(mentions, corpus, parts=("articles", "date_range"))
    mentions = mentions[mentions["entity_id"].notna()]
    published = pd.Series(corpus.articles["published"].values, index=corpus.articles["article_id"].values)
    stats = pd.DataFrame(
        {
            "entity_id": mentions["entity_id"],
            "article_id": mentions["article_id"],
            "date": mentions["article_id"].map(published),
        }
    )
    grouped = stats.groupby("entity_id")
    return pd.DataFrame(
        {
            "n_mentions": grouped.size(),
            "n_articles": grouped["article_id"].nunique(),
            "first_published": grouped["date"].min(),
            "last_published": grouped["date"].max(),
        }
    )


def _reference_timeline(corpus: Corpus, selection: Selection | None, top: int, max_points: int) -> pd.DataFrame:
    columns = ["entity_id", "name", "label", "published", "n_mentions"]
    mentions = corpus.mentions
    if selection is not None and (selection.articles or selection.date_range):
        mentions = selection.narrow(mentions, corpus, parts=("articles", "date_range"))
    mentions = mentions[mentions["entity_id"].notna()]
    chosen = (
        list(selection.entities)
        if selection is not None and selection.entities
        else list(mentions["entity_id"].value_counts().head(top).index)
    )
    mentions = mentions[mentions["entity_id"].isin(chosen)]
    if not len(mentions):
        return pd.DataFrame(columns=columns)
    published = pd.Series(corpus.articles["published"].values, index=corpus.articles["article_id"].values)
    frame = pd.DataFrame({"entity_id": mentions["entity_id"], "published": mentions["article_id"].map(published)})
    frame = (
        frame.dropna(subset=["published"]).groupby(["entity_id", "published"]).size().rename("n_mentions").reset_index()
    )
    if not len(frame):
        return pd.DataFrame(columns=columns)
    frame = _reference_coarsen(frame, max_points)
    ents = corpus.entities.set_index("entity_id")
    frame["name"] = frame["entity_id"].map(ents["name"])
    frame["label"] = frame["entity_id"].map(ents["label"])
    return frame[columns].sort_values(["published", "name"]).reset_index(drop=True)


def _reference_coarsen(counts: pd.DataFrame, max_points: int) -> pd.DataFrame:
    """Per-day counts summed into weeks, months or years (the first unit that fits ``max_points`` rows).

    The chart gets at most ``max_points`` rows whatever the corpus size; ``published``
    is then the first day of the bin.
    """
    if len(counts) <= max_points:
        return counts
    days = pd.Series(pd.unique(counts["published"]))
    when = pd.to_datetime(days.astype(str).str[:10], errors="coerce")
    for unit in ("W-MON", "M", "Y"):
        starts = when.dt.to_period(unit).dt.start_time.dt.strftime("%Y-%m-%d")
        binned = counts.assign(published=counts["published"].map(dict(zip(days, starts))).fillna(counts["published"]))
        binned = binned.groupby(["entity_id", "published"], as_index=False)["n_mentions"].sum()
        if len(binned) <= max_points:
            break
    return binned


def _plain(frame: pd.DataFrame) -> list[list[object]]:
    return [
        [
            None
            if v is None or v is pd.NA or (isinstance(v, float) and v != v)
            else (int(v) if isinstance(v, np.integer) else v)
            for v in row
        ]
        for row in frame.astype(object).itertuples(index=True, name=None)
    ]


selections = st.builds(
    lambda entities, articles, dates: Selection(entities=entities, articles=articles, date_range=dates),
    st.lists(st.sampled_from(ENTITIES + ["E-none"]), max_size=2, unique=True),
    st.lists(st.sampled_from(ARTICLES), max_size=3, unique=True),
    st.one_of(
        st.none(),
        st.tuples(st.sampled_from(["2023-01-01", "2023-02-02"]), st.sampled_from(["2023-02-03", "2023-12-31"])),
    ),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(0, 60), selection=st.one_of(st.none(), selections))
def test_entity_counts_equal_the_groupby(seed, n, selection):
    corpus = _corpus(seed, n)
    got, want = ev._entity_counts(corpus, selection), _reference_counts(corpus, selection)
    assert got.index.tolist() == want.index.tolist()
    assert _plain(got) == _plain(want[got.columns])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 80),
    selection=st.one_of(st.none(), selections),
    top=st.integers(1, 4),
    max_points=st.sampled_from([1, 3, 2000]),
)
def test_mentions_over_time_rows_equal_the_groupby(seed, n, selection, top, max_points):
    corpus = _corpus(seed, n)
    got = ev.timeline_rows(corpus, selection, top=top, max_points=max_points)
    want = _reference_timeline(corpus, selection, top, max_points)
    assert list(got.columns) == list(want.columns)
    assert _plain(got) == _plain(want)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(0, 60), article=st.sampled_from(ARTICLES + ["a-none"]))
def test_mention_spans_equal_the_plain_filter(seed, n, article):
    """The reader's mentions layer (a slice of the mentions sorted once) is the article's mentions in order."""
    corpus = _corpus(seed, n)
    got = ev.mention_spans(corpus, article)
    mentions = corpus.mentions[corpus.mentions["article_id"] == article].sort_values("start", kind="stable")
    assert got[["start", "end", "label"]].values.tolist() == mentions[["start", "end", "label"]].values.tolist()


def test_mentions_chart_swaps_data_and_keeps_its_pick_observed():
    corpus = _corpus(5, 60)
    selection = Selection()
    view = ev.mentions_over_time_view(corpus, selection)
    chart = view.children[0]
    first = {r["entity_id"] for r in chart.spec["datasets"][ev._MENTIONS_DATA]}
    assert first == set(view.rows()["entity_id"])
    selection.entities = ["E2"]
    [values] = chart.spec["datasets"].values()
    assert {r["entity_id"] for r in values} == {"E2"} and len(values) == len(view.rows())
    # a click on a line after the redraw still reaches the selection
    chart._vl_selections = {
        "pick": {
            "value": {"vlPoint": {"or": [{"entity_id": "E4"}]}},
            "store": [{"unit": "", "fields": [{"field": "entity_id", "type": "E"}], "values": ["E4"]}],
        }
    }
    assert selection.entities == ["E4"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 60),
    selection=st.one_of(st.none(), selections),
    sort_by=st.sampled_from(["n_mentions", "n_articles", "name", "first_published", "last_published"]),
)
def test_entity_rows_equal_the_merge_of_counts(seed, n, selection, sort_by):
    corpus = _corpus(seed, n)
    got = ev.entity_rows(corpus, selection, sort_by=sort_by)
    counts = _reference_counts(corpus, selection)
    want = corpus.entities[["entity_id", "name", "label", "aliases"]].merge(
        counts, left_on="entity_id", right_index=True
    )
    want = want.sort_values([sort_by, "name"], ascending=[sort_by in ("name", "first_published"), True], kind="stable")
    assert _plain(got.reset_index(drop=True)) == _plain(want[list(got.columns)].reset_index(drop=True))


def test_mention_spans_mark_the_selected_entities():
    corpus = _corpus(11, 40)
    row = corpus.mentions.dropna(subset=["entity_id"]).iloc[0]
    plain = ev.mention_spans(corpus, row["article_id"], Selection())
    marked = ev.mention_spans(corpus, row["article_id"], Selection(entities=[row["entity_id"]]))
    assert not plain["title"].str.contains("— selected").any() and marked["title"].str.contains("— selected").any()
