"""A reading keeps the whole quote's words (focus_tokens) only when its proposition has no words of
its own (core_words): the corpus step reads them only then, and storing them for every quote made
them the largest column of the readings."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from toolkit_claims.component import reading_row


def _doc() -> Doc:
    nlp = spacy.blank("en")
    return Doc(
        nlp.vocab,
        words=["Officials", "deny", "the", "report", "."],
        heads=[1, 1, 3, 1, 1],
        deps=["nsubj", "ROOT", "det", "dobj", "punct"],
        lemmas=["official", "deny", "the", "report", "."],
        pos=["NOUN", "VERB", "DET", "NOUN", "PUNCT"],
        sent_starts=[True, False, False, False, False],
    )


def test_a_quote_with_words_of_its_own_stores_no_focus_tokens():
    doc = _doc()
    start = doc.text.index("the report")
    row = reading_row(doc, content=(start, start + len("the report")), cue=(10, 14))
    assert row["core_words"] and row["focus_tokens"] == []


def test_a_quote_without_words_of_its_own_keeps_its_sentence_words():
    doc = _doc()
    row = reading_row(doc, content=None, cue=(10, 14))
    assert row["core_words"] == []
    assert row["focus_tokens"] == [[t.lemma_, t.pos_] for t in doc]  # the sentence holding the cue
