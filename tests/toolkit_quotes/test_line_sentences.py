"""Line-break sentence starts: the offset-based component marks exactly the tokens that follow a
token whose text or trailing whitespace holds a line break (and are not whitespace themselves)."""

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_quotes.component import make_line_sentences

NLP = spacy.blank("en")
PIECES = st.sampled_from(["word", "Word", ".", " ", "  ", "\n", "\n\n", " \n ", "\t", "“", "x\ny"])


def reference(doc):
    return [t.i for t in doc[1:] if not t.is_space and ("\n" in doc[t.i - 1].text or "\n" in doc[t.i - 1].whitespace_)]


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_line_starts_match_the_token_by_token_rule(text):
    expected = reference(NLP.make_doc(text))
    doc = make_line_sentences(NLP.make_doc(text))
    marked = [t.i for t in doc[1:] if t.is_sent_start]
    assert marked == expected
