"""Which words are cues: reporting verbs (the cue of a quotation), message verbs (reported speech only).

A verb is recognised by its lemma, or by the listed verb its inflected form
plainly comes from when the lemmatiser strays (:func:`verb_lemma`).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Token

from .records import QuoteOptions
from .words import (
    ALL_VERBS,
    BELIEF_MESSAGE_VERBS,
    CLARITY_ADJECTIVES,
    COGNITION_VERBS,
    REGARD_VERBS,
    SPEECH_VERBS,
    TOPIC_VERBS,
)


def verb_lemma(token: Token) -> str:
    """The token's lemma, or the listed verb its inflected form plainly comes from when the
    lemmatiser strayed ("hopes" -> "hop"): a regular -s/-d/-ed/-ing ending on a listed verb.

    >>> import spacy
    >>> doc = spacy.blank("en")("She hopes")
    >>> verb_lemma(doc[1])
    'hope'
    """
    return _lemma_of_verb(token.lemma_, token.lower_, token.pos_)


@lru_cache(maxsize=4096)
def _lemma_of_verb(lemma: str, word: str, pos: str) -> str:
    """:func:`verb_lemma` from the token's strings, kept per distinct word: the same few
    hundred verbs come back in every article, and the endings were tried each time."""
    lemma = lemma.lower() or word
    if lemma in ALL_VERBS or pos not in ("VERB", "AUX", ""):
        return lemma
    for ending, restore in (("es", "e"), ("s", ""), ("ed", "e"), ("ed", ""), ("d", ""), ("ing", "e"), ("ing", "")):
        if word.endswith(ending) and word[: len(word) - len(ending)] + restore in ALL_VERBS:
            return word[: len(word) - len(ending)] + restore
    return lemma


def is_cue_verb(token: Token, options: QuoteOptions) -> bool:
    """Whether the token is a reporting verb that can cue a quotation (with ``beliefs``, a belief verb too)."""
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return False
    lemma = verb_lemma(token)
    # single verbs tested by name below have a rule of their own, not a class: a list would name one word
    if lemma == "put":  # "as the minister put it, …": a cue only in that idiom
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children) and any(
            c.dep_ == "mark" and c.lower_ == "as" for c in token.children
        )
    return lemma in SPEECH_VERBS or (options.beliefs and lemma in COGNITION_VERBS)


def is_message_verb(token: Token, options: QuoteOptions) -> bool:
    """Verbs that attribute only through a particular complement (topic and intention verbs); pass 2 only."""
    if token.pos_ != "VERB":
        return False
    lemma = verb_lemma(token)
    if lemma in TOPIC_VERBS or (options.beliefs and lemma in BELIEF_MESSAGE_VERBS):
        return True
    if lemma == "make":  # "made clear that …"
        return any(c.lower_ in CLARITY_ADJECTIVES for c in token.children)
    return options.beliefs and lemma in REGARD_VERBS


def cue_span(token: Token) -> tuple[int, int]:
    """The verb and its particle ("pointed out", "called on")."""
    tokens = [token] + [c for c in token.children if c.dep_ == "prt"]
    # "called for", "called on": the preposition is part of the cue (these two are the ones the
    # message rule for "call" reads, each its own way: see reported._call_message)
    if token.lemma_.lower() == "call":
        tokens += [c for c in token.children if c.dep_ == "prep" and c.i == token.i + 1 and c.lower_ in ("for", "on")]
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def cue_in(
    doc: Doc, start: int, end: int, *, besides: tuple[int, int] | None = None, participles_of: int | None = None
) -> bool:
    """Whether a speech verb lies in ``[start, end)`` (other than the cue at ``besides``).

    With ``participles_of`` (a cue's token index), a participle hung on that cue does not count:
    “A,” she said, stressing the point. “B.” is one speaker going on.
    """
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return False
    for token in span:
        if besides is not None and besides[0] <= token.idx < besides[1]:
            continue
        if participles_of is not None and token.tag_ == "VBG" and token.head.i == participles_of:
            continue
        if is_cue_verb(token, QuoteOptions(beliefs=False)):
            return True
    return False


def has_cue_child(token: Token) -> bool:
    return any(is_cue_verb(t, QuoteOptions(beliefs=False)) for t in token.subtree)


def hypothetical(verb: Token) -> bool:
    """ "is required to disclose its donors", "refused to confirm": an act nobody performed (yet)."""
    return verb.dep_ == "xcomp" and not is_cue_verb(verb.head, QuoteOptions(beliefs=False))
