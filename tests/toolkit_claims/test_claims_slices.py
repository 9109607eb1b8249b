"""The claims step works a slice of quotes at a time from sort orders and Arrow columns:
each helper must give what the whole-table Python version it replaced gave."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.schemas import conform
from toolkit_claims.rules.claimants import _within
from toolkit_claims.rules.grouping import _tfidf_vectors, word_term
from toolkit_claims.rules.slices import _ByArticle, _quotes_in_order, _word_terms

ARTICLES = ["a1", "a2", "b"]


@st.composite
def _spans(draw: st.DrawFn) -> list[tuple[int, int, str]]:
    starts = draw(st.lists(st.integers(0, 60), max_size=25))
    spans = [(s, s + draw(st.integers(1, 15)), draw(st.sampled_from("xyz"))) for s in starts]
    return sorted(spans, key=lambda m: m[0])  # sorted by start only, as the step sorts them


@settings(max_examples=200, deadline=None)
@given(_spans(), st.integers(0, 80), st.integers(0, 80))
def test_within_is_the_scan_it_replaced(mentions, start, end):
    assert _within(mentions, start, end) == [m for m in mentions if m[0] >= start and m[1] <= end]


_WORDS = st.lists(
    st.lists(
        st.tuples(
            st.sampled_from(["export", "weapon", "the", "say", "Rocket", "x"]),
            st.sampled_from(["NOUN", "VERB", "DET", "PROPN"]),
        ),
        max_size=5,
    ),
    max_size=8,
)


@settings(max_examples=100, deadline=None)
@given(_WORDS, st.booleans(), st.integers(0, 3))
def test_word_terms_are_the_terms_of_each_word(rows, arrow_backed, skip):
    """As Python (lemma, tag) lists or an Arrow list column, whole or taken: each word's term, in order."""
    nested = [[list(w) for w in words] for words in rows]
    column = pd.Series(nested, dtype=object)
    if arrow_backed:
        column = pd.Series(pd.array(nested, dtype=pd.ArrowDtype(pa.list_(pa.list_(pa.string())))))
    column = column.iloc[skip:]  # a slice of the table, as the step takes
    expected = [[word_term(lemma, tag) for lemma, tag in words] for words in rows[skip:]]
    assert _word_terms(column) == expected


@st.composite
def _table(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 30))
    return pd.DataFrame(
        {
            "article_id": pd.array([draw(st.sampled_from(ARTICLES + [None])) for _ in range(n)], dtype="string"),
            "start": pd.array([draw(st.integers(0, 9)) for _ in range(n)], dtype="Int64"),
            "end": pd.array([draw(st.integers(10, 19)) for _ in range(n)], dtype="Int64"),
            "entity_id": pd.array([draw(st.sampled_from(["E1", "E2", None])) for _ in range(n)], dtype="string"),
        }
    )


def _by_article_before(frame: pd.DataFrame) -> dict[str, list[tuple[int, int, str]]]:
    """The whole-table version: every resolved mention as a tuple, per article, sorted (stably) by start."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for article_id, start, end, entity_id in frame.itertuples(index=False):
        if pd.notna(article_id) and pd.notna(entity_id):
            out.setdefault(str(article_id), []).append((int(start), int(end), str(entity_id)))
    return {k: sorted(v, key=lambda r: r[0]) for k, v in out.items()}


@settings(max_examples=100, deadline=None)
@given(_table(), st.sets(st.sampled_from(ARTICLES + ["none"])))
def test_rows_by_article_are_the_tuples_made_for_the_whole_table(frame, wanted):
    table = _ByArticle(frame, ("start", "end", "entity_id"), text=("entity_id",), required=("entity_id",))
    before = _by_article_before(frame)
    assert table.rows(wanted) == {a: before[a] for a in wanted if a in before}


@settings(max_examples=60, deadline=None)
@given(_table(), st.lists(st.sampled_from(["q1", "q2", "q3"]), min_size=30, max_size=30))
def test_quotes_in_order_are_the_sorted_and_filtered_table(frame, quote_ids):
    quotes = conform(
        "quotes",
        frame.rename(columns={"start": "content_start", "end": "content_end"}).assign(
            quote_id=pd.array(quote_ids[: len(frame)], dtype="string")
        ),
    )
    articles = conform("articles", [{"article_id": a, "text": "t"} for a in ARTICLES[:2]]).set_index("article_id")
    before = quotes.sort_values(["article_id", "content_start", "quote_id"], na_position="last")
    before = before[before["article_id"].astype(str).isin(articles.index)]
    ordered = _quotes_in_order(quotes, articles).take(slice(None))
    pd.testing.assert_frame_equal(ordered.reset_index(drop=True), before[ordered.columns].reset_index(drop=True))


def test_claims_sharing_a_term_set_share_one_vector_equal_to_its_own():
    shared, other = frozenset({"~weapon", "x"}), frozenset({"x"})
    vectors = _tfidf_vectors([shared, other, shared, frozenset({"~weapon", "x"})])
    assert vectors[0] is vectors[2]  # one dict per set object, not per claim
    assert vectors[3] == vectors[0] and vectors[3] is not vectors[0]
