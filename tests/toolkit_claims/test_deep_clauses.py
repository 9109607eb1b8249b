"""A deep chain of "said that" clauses is read without recursion (issue #20: RecursionError in the claims reading)."""

from __future__ import annotations

import sys

import spacy
from spacy.tokens import Doc

from toolkit_claims.rules.reading import proposition_of


def _chain(depth: int) -> Doc:
    # "Ann said that Ann said that … Ann said that it rained": each "said" is the ccomp of the one before
    words, heads, deps, lemmas, pos = [], [], [], [], []
    for level in range(depth):
        base = 3 * level
        words += ["Ann", "said", "that"]
        heads += [base + 1, base - 2 if level else base + 1, base + 4]  # "that" marks the next clause
        deps += ["nsubj", "ccomp" if level else "ROOT", "mark"]
        lemmas += ["Ann", "say", "that"]
        pos += ["PROPN", "VERB", "SCONJ"]
    end = 3 * depth
    words += ["it", "rained"]
    heads += [end + 1, end - 2]
    deps += ["nsubj", "ccomp"]
    lemmas += ["it", "rain"]
    pos += ["PRON", "VERB"]
    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, lemmas=lemmas, pos=pos)


def test_a_chain_deeper_than_the_recursion_limit_is_read() -> None:
    doc = _chain(sys.getrecursionlimit() + 200)
    text = proposition_of(doc[1])
    assert text.split()[:4] == ["Ann", "say", "Ann", "say"]
    assert len(text.split()) <= 14


def test_a_short_chain_reads_down_to_the_last_clause() -> None:
    assert proposition_of(_chain(2)[1]) == "Ann say Ann say rain"
