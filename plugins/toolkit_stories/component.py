"""Per-article work: the content words of the parsed Doc as one compact ``story_terms`` row.

The corpus step compares articles by the words they share. Reading those words
needs the parse (lemmas, parts of speech, spaCy's stop words), which only exists
while the article goes through the pipeline, so it is read here, once, and
cached with the article: the step itself never runs spaCy. The row holds each
distinct lemma once with its count (the :data:`MAX_TERMS` most frequent), not
the tokens, so 10 000 articles cost a few megabytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc

__all__ = ["extract", "content_terms", "TERMS", "MAX_TERMS"]

TERMS = "story_terms"
MAX_TERMS = 200  # past the 200 most frequent words of one article, a word says little about its story
# parts of speech that carry what a story is about; pronouns, numbers and function words do not
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})


def extract(doc: Doc, article: Any, options: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The plugin's ``extract``: one row per article with its content words and their counts."""
    terms = content_terms(doc)
    return {TERMS: [{"terms": [t for t, _ in terms], "counts": [c for _, c in terms]}]}


def content_terms(doc: Doc, *, limit: int = MAX_TERMS) -> list[tuple[str, int]]:
    """The Doc's content lemmas, lower-cased, with their counts, most frequent first (ties: first seen).

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> nlp = spacy.blank("en")
    >>> doc = Doc(nlp.vocab, words=["Dams", "burst", "in", "Velmora", ";", "dam", "fails"],
    ...           lemmas=["dam", "burst", "in", "Velmora", ";", "dam", "fail"],
    ...           pos=["NOUN", "VERB", "ADP", "PROPN", "PUNCT", "NOUN", "VERB"])
    >>> content_terms(doc)
    [('dam', 2), ('burst', 1), ('velmora', 1), ('fail', 1)]
    """
    counts: Counter[str] = Counter()
    for token in doc:
        if token.pos_ not in CONTENT_POS or token.is_stop or not token.is_alpha:
            continue
        lemma = (token.lemma_ or token.text).lower()
        if len(lemma) > 1:
            counts[lemma] += 1
    return counts.most_common(limit)
