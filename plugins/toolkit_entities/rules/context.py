"""What the words around a mention say about its label: a place after "in", a person before "said".

The label vote (in the component, per document, and in the corpus step, per
entity) counts confident readings more than the model's one-word guesses:
a multi-word name, a place after a locative preposition, a person after a
title or before a reporting verb.

>>> is_reporting_verb("said"), is_reporting_verb("denies"), is_reporting_verb("Said"), is_reporting_verb("bread")
(True, True, True, False)
"""

from __future__ import annotations

import re

from toolkit.sdk import lexicon, word_list

from .names import is_title_word

__all__ = ["LOCATIVE_PREPOSITIONS", "REPORTING_VERB_FORMS", "is_reporting_verb", "mention_weight"]

_PACKAGE = "toolkit_entities"

# Prepositions after which a name is a place ("in Portmere", "near Kellin").
LOCATIVE_PREPOSITIONS = word_list("locative_prepositions", package=_PACKAGE)
# Nouns after which (or ending which) a name is a place ("Velm region", "Marl People's Republic").
PLACE_NOUNS = word_list("place_nouns", package=_PACKAGE)


def _inflections(lemma: str) -> set[str]:
    """The lemma and its third-person and past forms by the regular English rules (a few made-up
    spellings among them, such as "sayed", match no text and do no harm)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + lemma[-1] + "ed"}
    if lemma.endswith("y") and lemma[-2:-1] not in ("a", "e", "o", "u"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    return forms


# The shared reporting-verb list (lemmas, toolkit/lexicon/speech_verbs.txt) as the words text
# shows: a mention is followed by "said" or "denies", never by a lemma. Made once here, so a
# look-up is one set membership test per mention (no lemmatiser: the corpus step has only text).
REPORTING_VERB_FORMS: frozenset[str] = frozenset(
    form for lemma in word_list("speech_verbs") for form in _inflections(lemma)
) | frozenset(form for forms in lexicon("irregular_verb_forms", package=_PACKAGE).values() for form in forms)


def is_reporting_verb(word: str) -> bool:
    """Whether ``word`` is a form of a reporting verb ("said", "tells", "denied")."""
    return word.lower() in REPORTING_VERB_FORMS


def mention_weight(text: str, start: int, end: int, label: str, n_words: int) -> float:
    """How much one mention's label counts in its entity's vote: confident
    readings weigh more than the model's one-word guesses.

    >>> t = "talks in Portmere; Minister Paul Ambery said; Portmere wanted"
    >>> mention_weight(t, 9, 17, "GPE", 1), mention_weight(t, 28, 39, "PERSON", 2), mention_weight(t, 46, 54, "ORG", 1)
    (3.0, 5.0, 1.0)
    """
    weight = 2.0 if n_words > 1 else 1.0
    if label not in ("GPE", "LOC", "FAC", "PERSON"):
        return weight  # the context only counts for places and persons
    # the word before, if whitespace separates it from the name: the last whitespace-free run of
    # the 40 characters before (as a regex "(\S+)\s+$" finds it, at a third of the cost)
    window = text[max(0, start - 40) : start]
    stripped = window.rstrip()
    previous = stripped.split()[-1] if stripped and len(stripped) < len(window) else ""
    if label != "PERSON":
        if previous.lower() in LOCATIVE_PREPOSITIONS:
            weight += 2.0
        if label == "GPE":
            after = _NEXT_WORD.match(text, end, end + 40)
            last = text[max(start, end - 20) : end].split()[-1:] if end > start else []
            if (after and after.group(1).lower() in PLACE_NOUNS) or (last and last[0].lower() in PLACE_NOUNS):
                weight += 3.0  # "Velm region": the text says it is a place
        return weight
    if is_title_word(previous):
        weight += 2.0
    after = _NEXT_WORD.match(text, end, end + 40)
    if after and after.group(1).lower() in REPORTING_VERB_FORMS:
        weight += 1.0
    return weight


_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
