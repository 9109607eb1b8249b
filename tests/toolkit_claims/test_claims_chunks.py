"""The claims step reads quote readings a slice at a time: the claims must not depend on the
slice size, on how the readings table stores its columns, or on which readings are missing."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_claims.rules.grouping import GroupingConfig, lexical_terms
from toolkit_claims.rules.passages import _parse_readings
from toolkit_claims.rules.words import CONCEPTS, CUE_STANCE
from toolkit_claims.step import ClaimOptions, build_claims

from .test_claims_step import CASES, _tables

OPTIONS = ClaimOptions(grouping=GroupingConfig(embeddings="off"))


@pytest.fixture(scope="module")
def nlp():
    from toolkit.nlp import load_model

    return load_model(exclude=("ner",))  # a model or factory that does not load fails the tests, never skips them


@pytest.fixture(scope="module")
def readings(nlp):
    """The CASES' readings as the per-article extract stores them (one row per quote)."""
    tables = _tables(CASES)
    parsed = _parse_readings(tables["quotes"], tables["articles"].set_index("article_id"), nlp=nlp, batch_size=8)
    quotes = tables["quotes"].set_index("quote_id")
    return pd.DataFrame([{"article_id": quotes.at[q, "article_id"], "quote_id": q, **row} for q, row in parsed.items()])


def _arrow_backed(frame: pd.DataFrame) -> pd.DataFrame:
    """The readings as the pipeline's table builder gives them: nested columns Arrow-backed."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.to_pandas(types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_nested(t) else None)


def test_claims_do_not_depend_on_chunks_storage_or_missing_readings(nlp, readings):
    reference = build_claims(_tables(CASES), nlp=nlp, options=OPTIONS)  # every reading parsed here
    assert len(reference) == len(CASES)
    for table in (readings, _arrow_backed(readings), readings.iloc[::2], _arrow_backed(readings.iloc[1::3])):
        for chunk_rows in (1, 3, 4096):
            tables = {**_tables(CASES), "claim_readings": table}
            claims = build_claims(tables, nlp=nlp, options=OPTIONS, chunk_rows=chunk_rows)
            pd.testing.assert_frame_equal(claims, reference)


def test_a_quote_read_twice_keeps_its_last_reading(nlp, readings):
    first = readings.iloc[[0]].assign(stance="call", proposition="an earlier reading")
    tables = {**_tables(CASES), "claim_readings": pd.concat([first, readings], ignore_index=True)}
    claims = build_claims(tables, nlp=nlp, options=OPTIONS, chunk_rows=2)
    expected = build_claims({**_tables(CASES), "claim_readings": readings}, nlp=nlp, options=OPTIONS)
    pd.testing.assert_frame_equal(claims, expected)


def _reference_lexical_terms(tokens):
    """lexical_terms as it was before its per-token cache."""
    terms = set()
    for lemma, pos in tokens:
        lemma = lemma.lower()
        if pos not in ("NOUN", "VERB", "PROPN", "ADJ", "NUM") or len(lemma) < 2:
            continue
        if pos == "VERB" and CUE_STANCE.get(lemma) == "assert" and lemma not in CONCEPTS:
            continue
        if lemma in ("be", "have", "do", "will", "would", "can", "could", "may", "might", "should", "must"):
            continue
        terms.add(CONCEPTS.get(lemma, lemma))
    return frozenset(terms)


_LEMMAS = st.one_of(
    st.sampled_from(sorted(CONCEPTS)[:50] + sorted(CUE_STANCE)[:50] + ["be", "Must", "x"]), st.text(max_size=6)
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_LEMMAS, st.sampled_from(["NOUN", "VERB", "PROPN", "ADJ", "NUM", "DET", "ADP"])), max_size=12)
)
def test_lexical_terms_equal_the_uncached_version(tokens):
    assert lexical_terms(tokens) == _reference_lexical_terms(tokens)
