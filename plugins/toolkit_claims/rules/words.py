"""The claims plugin's word classes, read once from its ``lexicon/`` data files.

Generic English: reporting-cue classes, stance-bearing predicates, negation,
words that point back, and concept clusters for the lexical grouping fallback.
Nothing here names a person, place or event.

>>> CUE_STANCE["deny"], CUE_STANCE["thank"], "eat" in CUE_STANCE
('deny', 'support', False)
"""

from __future__ import annotations

from types import MappingProxyType

from toolkit.sdk import lexicon, word_list

__all__ = [
    "CUE_STANCE",
    "CONTENT_STANCE",
    "CONCEPTS",
    "EVENT_CONCEPTS",
    "NEGATIVE_WORDS",
    "ANAPHORIC_HEADS",
    "ANAPHORIC_DETERMINERS",
    "ANAPHORIC_NOUNS",
    "META_CONCEPTS",
]

_PACKAGE = "toolkit_claims"


def _by_word(name: str) -> MappingProxyType[str, str]:
    # {class: [word, ...]} -> {word: class}; a word listed under two classes takes the later one
    return MappingProxyType({word: cls for cls, words in lexicon(name, package=_PACKAGE).items() for word in words})


# Reporting cues whose meaning fixes the stance towards the reported content.
CUE_STANCE = _by_word("cue_stances")
# Predicates inside the reported content that carry a stance of their own
# ("we highly appreciate your support" is support whatever the cue was).
CONTENT_STANCE = _by_word("content_stances")
# Surface lemmas news text uses interchangeably for one idea ("~weapon", "~transfer"): they let the
# lexical fallback see that "exported weapons" and "arms transfer" speak of the same thing.
CONCEPTS = _by_word("concepts")
NEGATIVE_WORDS = word_list("negative_words", package=_PACKAGE)
ANAPHORIC_HEADS = word_list("anaphoric_heads", package=_PACKAGE)
ANAPHORIC_DETERMINERS = word_list("anaphoric_determiners", package=_PACKAGE)
ANAPHORIC_NOUNS = word_list("anaphoric_nouns", package=_PACKAGE)
META_CONCEPTS = ANAPHORIC_NOUNS | word_list("meta_words", package=_PACKAGE)
EVENT_CONCEPTS = word_list("event_concepts", package=_PACKAGE)
