"""The document-level name scan finds exactly what spaCy's PhraseMatcher on ORTH finds."""

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from toolkit_entities.component import _occurrences

NLP = spacy.blank("en")
WORDS = st.sampled_from(["Tam", "Orel", "Vask", "-", "of", "TAM", "tam"])


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(WORDS, max_size=30),
    forms=st.dictionaries(
        st.lists(WORDS, min_size=1, max_size=3).map(tuple), st.sampled_from(["PERSON", "ORG", "GPE"]), max_size=5
    ),
)
def test_occurrences_equal_the_phrase_matcher(words, forms):
    doc = Doc(NLP.vocab, words=words)
    matcher = PhraseMatcher(NLP.vocab, attr="ORTH")
    for form, label in forms.items():
        matcher.add(label, [Doc(NLP.vocab, words=list(form))])
    expected = sorted((start, end, NLP.vocab.strings[match_id]) for match_id, start, end in matcher(doc))
    assert _occurrences(doc, forms) == expected
