"""The entities component's fast paths agree with what they replace."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span

from toolkit_entities.component import _letter_counts, _lines, _set_span_value, ensure_extensions, span_value

NLP = spacy.blank("en")


def test_span_values_are_what_span_underscore_reads_and_writes():
    # span_value reads doc.user_data with spaCy's key layout: if spaCy changes it, this fails
    ensure_extensions()
    doc = NLP("Anna Morozova spoke in Moscow")
    written = Span(doc, 0, 2, label="PERSON")
    _set_span_value(written, "presslens_source", "extended")
    assert written._.presslens_source == "extended"
    # another Span object over the same characters sees the same value, as with ``span._``
    assert Span(doc, 0, 2, label="ORG")._.presslens_source == "extended"
    read = Span(doc, 4, 5, label="GPE")
    assert span_value(read, "presslens_refers_to") is None  # unset: the extension's default
    read._.presslens_refers_to = "Russia"
    assert span_value(read, "presslens_refers_to") == "Russia"


def _letter_counts_by_character(text: str) -> tuple[int, int]:
    letters = list(filter(str.isalpha, text))
    return len(letters), sum(map(str.isupper, letters))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x7F), st.characters()), max_size=80))
def test_letter_counts_equal_counting_each_character(text):
    assert _letter_counts(text) == _letter_counts_by_character(text)


def test_letter_counts_on_mixed_scripts():
    text = "ΑΘΗΝΑ said ² Ⓐ ǅ Ünal 東京"
    assert _letter_counts(text) == _letter_counts_by_character(text)


def _lines_by_token(doc) -> list[tuple[int, int]]:
    # the plain walk over the Tokens that _lines replaced (issue #22)
    lines, start = [], 0
    for token in doc:
        if token.is_space or "\n" in token.text:
            if token.i > start:
                lines.append((start, token.i))
            start = token.i + 1
        elif "\n" in token.whitespace_:
            lines.append((start, token.i + 1))
            start = token.i + 1
    if start < len(doc):
        lines.append((start, len(doc)))
    return lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Velm", "beat", "2-1", ".", ",", " ", "  ", "\n", "\n\n", " \n ", "\t", "\r\n"])))
def test_lines_equal_walking_the_tokens(pieces):
    doc = NLP("".join(pieces))
    assert _lines(doc) == _lines_by_token(doc)


def test_lines_of_a_standings_table():
    doc = NLP("Table\n\nVelm 12 8\nTorsk 11 7 \n")
    assert [doc[start:end].text for start, end in _lines(doc)] == ["Table", "Velm 12 8", "Torsk 11 7"]
