"""The entities component's fast paths agree with what they replace."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span

from toolkit_entities.component import _letter_counts, _set_span_value, ensure_extensions, span_value

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
