"""Over-long sentences are cut before the parser (issue #20: bounded cost on a deep chain of clauses)."""

from __future__ import annotations

import spacy

from toolkit.engines import RunConfig, build_nlp
from toolkit.nlp import BOUNDED_SENTENCES, MAX_SENTENCE_TOKENS, bound_sentences


def _starts(doc: spacy.tokens.Doc) -> list[int]:
    return [t.i for t in doc if t.is_sent_start]


def test_a_run_without_a_sentence_end_is_cut_every_limit_tokens() -> None:
    doc = bound_sentences(spacy.blank("en")(" ".join(["word"] * 10)), limit=4)
    assert _starts(doc) == [0, 4, 8]


def test_sentence_ends_and_line_breaks_restart_the_count() -> None:
    nlp = spacy.blank("en")
    ended = bound_sentences(nlp("one two three. four five six; seven eight nine! ten"), limit=4)
    assert _starts(ended) == [0]  # no run of four tokens without an end
    broken = bound_sentences(nlp("one two three\nfour five six\n\nseven eight nine"), limit=4)
    assert _starts(broken) == [0]
    preset = nlp("one two three four five six")
    preset[2].is_sent_start = True  # set by an earlier component (the quotes plugin's line breaks)
    assert _starts(bound_sentences(preset, limit=3)) == [0, 2, 5]


def test_the_text_and_offsets_are_unchanged() -> None:
    text = "Ann said that " * 50 + "it rained."
    doc = spacy.blank("en")(text)
    before = [(t.idx, t.text, t.whitespace_) for t in doc]
    bound_sentences(doc, limit=7)
    assert [(t.idx, t.text, t.whitespace_) for t in doc] == before and doc.text == text


def test_the_parser_keeps_the_cuts_and_ordinary_sentences_are_left_alone() -> None:
    nlp = build_nlp(RunConfig(), [])
    names = nlp.pipe_names
    assert names.index(BOUNDED_SENTENCES) == names.index("parser") - 1
    chain = nlp("Ann said that Bo said that " * 200 + "the bridge was closed.")
    assert max(len(sentence) for sentence in chain.sents) <= MAX_SENTENCE_TOKENS
    ordinary = " ".join(f"The council met on day {k} and the mayor said the plan would cost more." for k in range(40))
    with nlp.select_pipes(disable=[BOUNDED_SENTENCES]):
        unbounded = [s.text for s in nlp(ordinary).sents]
    assert [s.text for s in nlp(ordinary).sents] == unbounded
