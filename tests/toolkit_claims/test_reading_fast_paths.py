"""The claims reading's speed-ups keep what they replaced (issue 8): checked on random quote windows."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

reading = importlib.import_module("toolkit_claims.rules.reading")

# invented sentences: a relative clause, an accusation, a negation, a possessive, a call
TEXT = (
    "The ministry, which had long stayed silent, said on Monday that its agents never sold rifles to the rebels. "
    "Critics accused the port authority of hiding the cargo's origin.\n\n"
    '"We do not deny that the shipment left the harbour," a spokesman told reporters. '
    "The council called on both sides to stop the fighting."
)


@pytest.fixture(scope="module")
def doc():
    from toolkit.nlp import load_model

    return load_model(exclude=("ner",))(TEXT)  # a model or factory that does not load fails the tests, never skips them


windows = st.tuples(st.integers(0, len(TEXT)), st.integers(0, len(TEXT))).map(sorted)


@settings(max_examples=150, deadline=None)
@given(content=windows, cue=st.one_of(st.none(), windows))
def test_core_span_is_the_frame_scopes_first_and_last_word(doc, content, cue):
    # read_quote takes the core span from the scope's ends: that holds only if the scope is in document order
    content_tokens = reading._tokens_in(doc, tuple(content))
    ids = {t.i for t in content_tokens}
    predicate = reading._content_predicate(content_tokens, ids)
    cue_token = reading._cue_head(doc, tuple(cue) if cue else None)
    subject, core = reading._accused_clause(cue_token) if cue_token is not None else (None, None)
    scope = reading._frame_scope(content_tokens, ids, core if core is not None else predicate, subject)
    assert [t.i for t in scope] == sorted(t.i for t in scope)
    result = reading.read_quote(doc, content=tuple(content), cue=tuple(cue) if cue else None)
    expected = (min(t.idx for t in scope), max(t.idx + len(t) for t in scope)) if scope else None
    assert result.core_span == expected
    assert result.core_words == tuple((t.lemma_, t.pos_) for t in scope)


@settings(max_examples=150, deadline=None)
@given(content=windows)
def test_frame_words_match_the_rule_read_word_by_word(doc, content):
    # frame_words tests the part of speech before the lemma: the same words must pass
    tokens = reading._tokens_in(doc, tuple(content))
    kept = [
        t
        for t in tokens
        if not (t.is_punct or t.is_stop or len(t.lemma_.lower()) < 2 or t.pos_ not in ("VERB", "NOUN"))
    ]
    expected_predicates, expected_themes = set(), set()
    for t in kept:
        lemma = t.lemma_.lower()
        concept = reading.CONCEPTS.get(lemma, lemma)
        if concept in reading.EVENT_CONCEPTS or (t.pos_ == "VERB" and reading.CUE_STANCE.get(lemma) != "assert"):
            expected_predicates.add(concept)
        elif t.pos_ == "NOUN":
            expected_themes.add(concept)
    assert reading.frame_words(tokens) == (expected_predicates, expected_themes)
