"""The quotes views' per-corpus codes give what a plain pandas join and groupby give, on random corpora."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.pipeline import Corpus
from toolkit.views import Selection
from toolkit_quotes import views as qv

ARTICLES = [f"a{i}" for i in range(4)]
ENTITIES = [f"E{i}" for i in range(5)]


def _corpus(seed: int, n_quotes: int, n_mentions: int) -> Corpus:
    rng = np.random.default_rng(seed)
    articles = pd.DataFrame(
        {
            "article_id": ARTICLES,
            "path": None,
            "title": "T",
            "outlet": "O",
            "published": ["2023-01-02", "2023-02-03", None, "2023-01-02"],
            "published_source": "metadata",
            "text": "x" * 200,
        }
    )

    def pick(values: list, size: int) -> list:
        return [values[i] for i in rng.integers(0, len(values), size)]

    starts = rng.integers(0, 150, n_mentions)
    mentions = pd.DataFrame(
        {
            "article_id": pick(ARTICLES, n_mentions),
            "start": starts,
            "end": starts + 5,
            "text": "x",
            "label": "PERSON",
            "entity_id": pick(ENTITIES + [None], n_mentions),
        }
    )
    entities = pd.DataFrame(
        {
            "entity_id": ENTITIES,
            "name": [f"N{i % 3}" for i in range(5)],
            "label": "PERSON",
            "aliases": [[] for _ in ENTITIES],
            "n_mentions": 1,
            "n_articles": 1,
        }
    )
    content = rng.integers(0, 120, n_quotes)
    speaker = pick(ENTITIES + [None], n_quotes)
    quotes = pd.DataFrame(
        {
            "quote_id": [f"q{i}" for i in range(n_quotes)],
            "article_id": pick(ARTICLES, n_quotes),
            "kind": pick(["direct", "indirect", "partial", None], n_quotes),
            "content_start": content,
            "content_end": content + rng.integers(5, 60, n_quotes),
            "content": "c",
            "cue_start": 0,
            "cue_end": 3,
            "speaker_start": 0,
            "speaker_end": 3,
            "speaker_entity_id": speaker,
            "speaker_name": [None if s is None else f"S-{s}" for s in speaker],
            "speaker_text": pick(["he", "she", None], n_quotes),
            "via_entity_id": pick(ENTITIES + [None] * 4, n_quotes),
        }
    )
    return Corpus({"articles": articles, "mentions": mentions, "entities": entities, "quotes": quotes})


def _allowed(corpus: Corpus, selection: Selection | None, entities: list[str]) -> pd.DataFrame:
    """Quotes with speaker and publication date, in the selection's articles and dates, about ``entities``."""
    quotes = corpus.quotes.merge(corpus.articles[["article_id", "published"]], on="article_id", how="left")
    quotes["speaker"] = quotes["speaker_name"].where(quotes["speaker_name"].notna(), quotes["speaker_text"])
    if selection is not None and selection.articles:
        quotes = quotes[quotes["article_id"].isin(selection.articles)]
    if selection is not None and selection.date_range:
        start, end = selection.date_range
        quotes = quotes[quotes["published"].notna() & (quotes["published"] >= start) & (quotes["published"] <= end)]
    if entities:
        mentioned = set(_pairs(corpus).loc[lambda p: p["entity_id"].isin(entities), "quote_id"])
        quotes = quotes[
            quotes["speaker_entity_id"].isin(entities)
            | quotes["via_entity_id"].isin(entities)
            | quotes["quote_id"].isin(mentioned)
        ]
    return quotes


def _pairs(corpus: Corpus) -> pd.DataFrame:
    pairs = corpus.quotes[["quote_id", "article_id", "content_start", "content_end"]].merge(
        corpus.mentions.dropna(subset=["entity_id"]), on="article_id"
    )
    inside = (pairs["start"] >= pairs["content_start"]) & (pairs["end"] <= pairs["content_end"])
    return pairs.loc[inside, ["quote_id", "entity_id"]].drop_duplicates()


def _reference_who(corpus: Corpus, selection: Selection | None) -> list[tuple]:
    quotes = _allowed(corpus, selection, list(selection.entities) if selection is not None else [])
    pairs = quotes.merge(_pairs(corpus), on="quote_id")
    pairs = pairs[pairs["speaker"].notna() & (pairs["entity_id"] != pairs["speaker_entity_id"].fillna("-"))]
    names = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
    pairs = pairs.assign(entity=pairs["entity_id"].map(lambda e: names.get(e, e)))
    counts = pairs.groupby(["speaker", "entity"]).size().reset_index(name="quotes")
    counts = counts.sort_values(["quotes", "speaker", "entity"], ascending=[False, True, True])
    return list(counts.itertuples(index=False, name=None))


def _reference_speakers(corpus: Corpus, selection: Selection) -> list[tuple]:
    quotes = _allowed(corpus, selection, list(selection.entities))
    about = set(_pairs(corpus).loc[lambda p: p["entity_id"].isin(selection.entities), "quote_id"])
    quotes = quotes[quotes["quote_id"].isin(about)].assign(speaker=lambda q: q["speaker"].fillna("(unknown speaker)"))
    out = []
    for speaker, group in sorted(quotes.groupby("speaker"), key=lambda g: (-len(g[1]), g[0])):
        dates = group["published"].dropna()
        out.append(
            (
                speaker,
                len(group),
                ", ".join(sorted(set(group["kind"].dropna()))),
                dates.min() if len(dates) else None,
                dates.max() if len(dates) else None,
                group["article_id"].nunique(),
            )
        )
    return out


selections = st.builds(
    lambda entities, articles, dates: Selection(entities=entities, articles=articles, date_range=dates),
    st.lists(st.sampled_from(ENTITIES + ["E-none"]), max_size=2, unique=True),
    st.lists(st.sampled_from(ARTICLES), max_size=3, unique=True),
    st.one_of(st.none(), st.just(("2023-01-01", "2023-01-31")), st.just(("2023-01-01", "2023-12-31"))),
)


def _plain(rows) -> list[tuple]:
    return [
        tuple(
            None
            if v is None or v is pd.NA or (isinstance(v, float) and v != v)
            else (int(v) if isinstance(v, np.integer) else v)
            for v in row
        )
        for row in rows
    ]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_quotes=st.integers(0, 30),
    n_mentions=st.integers(0, 60),
    selection=st.one_of(st.none(), selections),
)
def test_who_said_what_equals_the_join_and_groupby(seed, n_quotes, n_mentions, selection):
    corpus = _corpus(seed, n_quotes, n_mentions)
    got = qv.who_said_what_rows(corpus, selection)
    assert _plain(got.itertuples(index=False, name=None)) == _plain(_reference_who(corpus, selection))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_quotes=st.integers(0, 30), n_mentions=st.integers(0, 60), selection=selections)
def test_speakers_of_entity_equals_the_groupby(seed, n_quotes, n_mentions, selection):
    corpus = _corpus(seed, n_quotes, n_mentions)
    got = qv.speakers_of_entity_rows(corpus, selection)
    assert list(got.columns) == ["speaker", "quotes", "kinds", "first", "last", "articles"]
    want = _reference_speakers(corpus, selection) if selection.entities else []
    assert _plain(got.itertuples(index=False, name=None)) == _plain(want)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_quotes=st.integers(0, 30), n_mentions=st.integers(0, 60), top=st.integers(1, 4))
def test_top_cells_equal_the_groupby_nlargest(seed, n_quotes, n_mentions, top):
    rows = qv.who_said_what_rows(_corpus(seed, n_quotes, n_mentions))
    speakers = rows.groupby("speaker", sort=False)["quotes"].sum().nlargest(top).index
    entities = rows.groupby("entity", sort=False)["quotes"].sum().nlargest(top).index
    want = rows[rows["speaker"].isin(speakers) & rows["entity"].isin(entities)].reset_index(drop=True)
    assert _plain(qv.top_cells(rows, top=top).itertuples(index=False, name=None)) == _plain(
        want.itertuples(index=False, name=None)
    )
