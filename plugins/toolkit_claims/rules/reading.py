"""Reading one quote as a claim: stance, proposition, negation.

Works on a parsed spaCy ``Doc`` of the passage around the quote; offsets are
character offsets into that ``Doc`` (the caller shifts article offsets).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from toolkit.sdk import word_list

from .words import (
    ANAPHORIC_DETERMINERS,
    ANAPHORIC_HEADS,
    ANAPHORIC_NOUNS,
    CONCEPTS,
    CONTENT_STANCE,
    CUE_STANCE,
    EVENT_CONCEPTS,
    NEGATIVE_WORDS,
)

__all__ = ["Reading", "frame_words", "read_quote", "proposition_of"]

_DROP_DETERMINERS = word_list("drop_determiners", package="toolkit_claims")
_MAX_WORDS = 14
# the space before a possessive "'s" that joining words by spaces put there (compiled once: 2 % of the reading time
# went to re's pattern cache)
_SPACE_BEFORE_POSSESSIVE = re.compile(r"\s+(?=['’]s\b)")


@dataclass(frozen=True, kw_only=True)
class Reading:
    """What a quote claims, read from its cue and content."""

    stance: str
    proposition: str
    cue_lemma: str | None
    negated: bool
    basis: str  # which rule decided the stance: cue / cue+negation / content / content+negation / default
    anaphoric: bool  # the content points back to an earlier sentence ("deny this transfer")
    focus_text: str  # the words the claim is about, for grouping
    predicates: frozenset[str] = frozenset()  # what happens in the content, as concepts ("~transfer")
    themes: frozenset[str] = frozenset()  # what it happens to ("~weapon", "container")
    core_span: tuple[int, int] | None = None  # the proposition's own words in the doc (for its participants)
    core_words: tuple[tuple[str, str], ...] = ()  # (lemma, pos) of those words, for lexical similarity


def read_quote(doc: Doc, *, content: tuple[int, int] | None, cue: tuple[int, int] | None) -> Reading:
    """Read the stance and proposition of a quote in ``doc``.

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> nlp = spacy.blank("en")
    >>> doc = Doc(nlp.vocab, words=["They", "deny", "it"], heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"],
    ...           lemmas=["they", "deny", "it"], pos=["PRON", "VERB", "PRON"])
    >>> read_quote(doc, content=(10, 12), cue=(5, 9)).stance
    'deny'
    """
    cue_token = _cue_head(doc, cue)
    content_tokens = _tokens_in(doc, content) if content else []
    content_ids = {t.i for t in content_tokens}  # built once: the predicate and the frame scope both test it
    predicate = _content_predicate(content_tokens, content_ids)
    cue_lemma = _cue_lemma(cue_token) if cue_token is not None else None
    cue_negated = cue_token is not None and _is_negated(cue_token)
    content_negated = predicate is not None and predicate is not cue_token and _is_negated(predicate)

    stance, basis = _stance(cue_token, cue_lemma, cue_negated, predicate, content_negated)
    subject, core = _accused_clause(cue_token) if cue_token is not None else (None, None)
    if core is None:
        core = predicate
    proposition = proposition_of(core, subject=subject) if core is not None else ""
    if not proposition and content_tokens:
        proposition = _plain(content_tokens)
    anaphoric = _is_anaphoric(content_tokens, predicate)
    focus = _plain(content_tokens) if content_tokens else proposition
    if subject is not None:
        focus = f"{_phrase(subject)} {focus}"
    scope = _frame_scope(content_tokens, content_ids, core, subject)
    predicates, themes = frame_words(scope)
    # scope is in document order (sorted, or the content's own order), so its ends bound it
    core_span = (scope[0].idx, scope[-1].idx + len(scope[-1])) if scope else None
    return Reading(
        stance=stance,
        proposition=proposition,
        cue_lemma=cue_lemma,
        negated=cue_negated or content_negated,
        basis=basis,
        anaphoric=anaphoric,
        focus_text=focus,
        predicates=predicates,
        themes=themes,
        core_span=core_span,
        core_words=tuple((t.lemma_, t.pos_) for t in scope),
    )


# --- stance -----------------------------------------------------------------
def _stance(
    cue: Token | None, cue_lemma: str | None, cue_negated: bool, predicate: Token | None, content_negated: bool
) -> tuple[str, str]:
    cue_stance = CUE_STANCE.get(cue_lemma or "")
    if cue_lemma == "call" and cue is not None and any(c.lower_ in ("on", "for", "upon") for c in cue.children):
        cue_stance = "call"  # "called on X to", "called for Y"; plain "called" is naming
    if cue_stance in ("deny", "accuse", "support", "call"):
        if cue_negated:  # "did not deny", "stopped short of accusing": no stance taken
            return "other", "cue+negation"
        return cue_stance, "cue"
    if cue_negated:  # "did not say", "would not confirm"
        return "other", "cue+negation"
    if predicate is not None and predicate is not cue:
        lemma = predicate.lemma_.lower()
        content_stance = CONTENT_STANCE.get(lemma) or _adjective_stance(predicate)
        if lemma == "call" and not any(c.lower_ in ("on", "for", "upon") for c in predicate.children):
            content_stance = None
        if content_stance == "deny" and content_negated:
            return "assert", "content+negation"  # "we do not deny it"
        if content_stance:
            return ("other", "content+negation") if content_negated else (content_stance, "content")
        if content_negated:
            return "deny", "content+negation"
    if cue_stance == "assert":
        return "assert", "cue"
    return "assert", "default"


def _adjective_stance(predicate: Token) -> str | None:
    # "Russia is grateful to X for its support": the stance sits on the complement
    for child in predicate.children:
        if child.dep_ in ("acomp", "attr") and child.lemma_.lower() in CONTENT_STANCE:
            return CONTENT_STANCE[child.lemma_.lower()]
    return None


def _is_negated(token: Token) -> bool:
    for child in token.children:
        dep = child.dep_  # each Token.dep_/lower_ is a string look-up: read once per word
        if dep == "neg" or (dep == "advmod" and child.lower_ in NEGATIVE_WORDS):
            return True
        if dep in ("dobj", "nsubj", "nsubjpass", "attr") and (
            child.lower_ in NEGATIVE_WORDS or any(g.dep_ == "det" and g.lower_ == "no" for g in child.children)
        ):
            return True
    # "we have never exported": negation on an auxiliary chain is attached to the verb above
    return False


# --- tokens -----------------------------------------------------------------
def _tokens_in(doc: Doc, span: tuple[int, int]) -> list[Token]:
    start, end = span
    # "contract" keeps the tokens lying wholly inside, without walking the whole doc per quote
    # the text's length from the last token: Doc.text joins every token on each access
    length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    inside = doc.char_span(max(0, start), min(length, end), alignment_mode="contract")
    return [t for t in inside if not t.is_space] if inside is not None else []


def _cue_head(doc: Doc, cue: tuple[int, int] | None) -> Token | None:
    if cue is None:
        return None
    tokens = _tokens_in(doc, cue) or [t for t in doc if t.idx < cue[1] and t.idx + len(t) > cue[0]]
    if not tokens:
        return None
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
    inside = {t.i for t in tokens}
    roots = [t for t in (verbs or tokens) if (head := t.head.i) not in inside or head == t.i]
    return (roots or verbs or tokens)[0]


def _cue_lemma(cue: Token) -> str:
    lemma = cue.lemma_.lower()
    if lemma in ("accord", "according") or (cue.pos_ == "ADP" and lemma == "to"):  # "according to X"
        return "say"
    return lemma


def _content_predicate(tokens: list[Token], inside: set[int]) -> Token | None:
    """The main predicate of the content (``inside``: its token indices): the first verb whose head lies outside."""
    if not tokens:
        return None
    roots = [t for t in tokens if (head := t.head.i) not in inside or head == t.i]
    for t in roots:
        if t.pos_ in ("VERB", "AUX"):
            return t
    return roots[0] if roots else tokens[0]


def _accused_clause(cue: Token) -> tuple[Token | None, Token | None]:
    """For "accused X of doing Y" / "thanked X for Y": (X, the Y word)."""
    target = next((c for c in cue.children if c.dep_ in ("dobj",)), None)
    if target is None:
        return None, None
    for prep in cue.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "over"):
            for child in prep.children:
                if child.dep_ in ("pcomp", "pobj"):
                    return target, child
    return None, None


def _is_anaphoric(tokens: list[Token], predicate: Token | None) -> bool:
    """Does the content point back to something said before?

    Either it is short and names what it answers ("this arms transfer", "the
    allegations", "it"), or its subject is a definite noun for something said
    ("the claims have no basis", "these reports are false"): a claim about a claim.
    """
    if not tokens:
        return False
    content_words = [t for t in tokens if not t.is_punct]
    if len(content_words) <= 5:
        heads = {t.lemma_.lower() for t in content_words if t.dep_ in ("dobj", "ROOT", "pobj", "nsubj")}
        if any(t.lower_ in ANAPHORIC_DETERMINERS for t in content_words) or heads & ANAPHORIC_HEADS:
            return True
    if predicate is not None:
        for child in predicate.children:
            if (
                child.dep_ in ("nsubj", "nsubjpass")
                and child.lemma_.lower() in ANAPHORIC_NOUNS
                and any(d.dep_ == "det" and d.lower_ in ("the", *ANAPHORIC_DETERMINERS) for d in child.children)
            ):
                return True
    return False


def _frame_scope(content: list[Token], inside: set[int], core: Token | None, subject: Token | None) -> list[Token]:
    """The words of the proposition itself: the core predicate's clause (with the
    accused party of "accused X of ..."), not the rest of a long quote, whose
    later sentences are usually comment ("The story is invented")."""
    if core is None:
        return content
    if content:  # ``inside``: the content's token indices
        words = {i: t for t in core.subtree if (i := t.i) in inside}
    else:
        words = {t.i: t for t in core.subtree}
    if subject is not None:
        words.update({t.i: t for t in subject.subtree})
    return [words[i] for i in sorted(words)] or content


def frame_words(tokens: list[Token]) -> tuple[frozenset[str], frozenset[str]]:
    """(predicates, themes) of a proposition: event words and the things they act on,
    lemmatised and mapped onto concept clusters, so "delivered munitions" and
    "arms transfer" share both parts.

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> nlp = spacy.blank("en")
    >>> doc = Doc(nlp.vocab, words=["this", "arms", "transfer"], heads=[2, 2, 2], deps=["det", "compound", "ROOT"],
    ...           lemmas=["this", "arm", "transfer"], pos=["DET", "NOUN", "NOUN"])
    >>> frame_words(list(doc))
    (frozenset({'~transfer'}), frozenset({'~weapon'}))
    """
    predicates: set[str] = set()
    themes: set[str] = set()
    for t in tokens:
        pos = t.pos_
        # the part of speech first: it rules out most words before their lemma is looked up
        if (pos != "VERB" and pos != "NOUN") or t.is_punct or t.is_stop:
            continue
        lemma = t.lemma_.lower()
        if len(lemma) < 2:
            continue
        concept = CONCEPTS.get(lemma, lemma)
        if concept in EVENT_CONCEPTS or (pos == "VERB" and CUE_STANCE.get(lemma) != "assert"):
            predicates.add(concept)
        elif pos == "NOUN":
            themes.add(concept)
    return frozenset(predicates), frozenset(themes)


# --- proposition ---------------------------------------------------------------
def proposition_of(predicate: Token, *, subject: Token | None = None) -> str:
    """A short plain-words paraphrase: subject (unless a pronoun), lemmatised predicate, object.

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> nlp = spacy.blank("en")
    >>> doc = Doc(nlp.vocab, words=["we", "do", "not", "sell", "any", "arms"], heads=[3, 3, 3, 3, 5, 3],
    ...           deps=["nsubj", "aux", "neg", "ROOT", "det", "dobj"],
    ...           lemmas=["we", "do", "not", "sell", "any", "arm"], pos=["PRON", "AUX", "PART", "VERB", "DET", "NOUN"])
    >>> proposition_of(doc[3])
    'sell arms'
    """
    # the clauses of "A said that B said that …" nest as deep as the text goes (hundreds of levels in a
    # hostile article): the nested clauses are read with an explicit stack, not by recursion, and no
    # deeper than _MAX_WORDS levels, since each level gives at least its verb and the paraphrase keeps
    # only _MAX_WORDS words
    stack = [_PropositionFrame(predicate, subject)]
    finished: str | None = None
    while stack:
        frame = stack[-1]
        if finished is not None:  # the clause this frame descended into is done
            frame.words += finished.split()
            finished = None
            frame.full = len(frame.words) >= _MAX_WORDS
        nested = None if frame.full else frame.advance(descend=len(stack) < _MAX_WORDS)
        if nested is not None:
            stack.append(_PropositionFrame(nested, None))
            continue
        stack.pop()
        text = " ".join(frame.words[:_MAX_WORDS])
        finished = _SPACE_BEFORE_POSSESSIVE.sub("", text).strip(" ,.;:")
    return finished or ""


class _PropositionFrame:
    """One clause of :func:`proposition_of` being read: its words so far and the children left to read."""

    def __init__(self, predicate: Token, subject: Token | None) -> None:
        self.predicate = predicate
        self.words: list[str] = []
        self.full = False
        if subject is None:
            subject = next((c for c in predicate.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.pos_ != "PRON":
            self.words += _phrase(subject, max_words=5).split()
        self.children: Iterator[Token] = iter(())
        if predicate.pos_ in ("VERB", "AUX"):
            lemma = predicate.lemma_
            self.words.append(lemma.lower() if lemma != "-PRON-" else predicate.lower_)
            self.words += [c.lower_ for c in predicate.children if c.dep_ == "prt"]
            self.children = iter(predicate.children)
        else:  # a noun phrase as the whole content ("this arms transfer")
            self.words += _phrase(predicate, max_words=10).split()

    def advance(self, *, descend: bool) -> Token | None:
        """Read children up to the next clausal complement to descend into (returned), or to the end (None)."""
        predicate = self.predicate
        for child in self.children:
            dep = child.dep_
            if dep in ("dobj", "attr", "acomp", "xcomp", "oprd", "dative"):
                self.words += _phrase(child, max_words=8).split()
            elif dep == "prep" and child.i > predicate.i:
                self.words += _phrase(child, max_words=5).split()
            elif dep == "ccomp" and child.i > predicate.i and descend:
                return child
            if len(self.words) >= _MAX_WORDS:
                self.full = True
                return None
        return None


def _phrase(token: Token, *, max_words: int = 8) -> str:
    """The token's subtree without determiners, negation, clauses hanging off it or punctuation."""
    subtree = list(token.subtree)  # walked once: spaCy builds it by recursion over children
    skip: set[int] = set()
    for t in subtree:
        if t.i > token.i and t.dep_ in ("relcl", "appos", "advcl", "acl", "parataxis"):
            skip.update(x.i for x in t.subtree)
    words: list[Token] = []
    for t in subtree:
        if t.i in skip or t.is_punct or t.is_space:
            continue
        dep, lower = t.dep_, t.lower_
        if dep == "neg" or lower in NEGATIVE_WORDS or (dep in ("det", "poss", "predet") and lower in _DROP_DETERMINERS):
            continue
        words.append(t)
        if len(words) >= max_words:
            break
    return _join(words)


def _join(words: list[Token]) -> str:
    # a phrase cut short must not end on "of", "and", "the", "that"
    while words and (
        words[-1].pos_ in ("ADP", "CCONJ", "SCONJ", "DET", "PART", "PRON", "AUX")
        or words[-1].lower_ in ("that", "which", "who")
    ):
        words = words[:-1]
    out = ""
    for t in words:
        text = t.text
        glue = text.startswith(("'", "’")) or text == "n't" or t.dep_ == "case"
        out += text if glue or not out else " " + text
    return out


def _plain(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens if not t.is_punct and not t.is_space)


def sentence_of(doc: Doc, char: int) -> Span | None:
    for sent in doc.sents:
        if sent.start_char <= char < sent.end_char:
            return sent
    return None
