"""Where a message starts and stops when the parse runs on or falls short.

A small parser hangs a message's own parts on the verb ("cited remarks … as
examples"), takes a that-clause for a relative clause on the addressee, hangs
only the last of two coordinated clauses on a trailing cue, or runs a message on
into the writer's own additions (", which …", ", arguing that …"). These
functions repair the message's extent; the passes decide what is a message.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .spans import OPENERS, SUBJECT_DEPS
from .words import (
    GLOSS_SUBORDINATORS,
    INFINITIVE_VERBS,
    MEDIA_NOUNS,
    MESSAGE_NOUNS,
    MESSAGE_PREPOSITIONS,
    RELATIVE_PRONOUNS,
    REMARK_NOUNS,
    SAYING_OCCASIONS,
    SOURCE_NOUNS,
    SPEECH_VERBS,
    TIME_PREPOSITIONS,
    TOPIC_PREPOSITIONS,
    TOPIC_VERBS,
)


def told_that(verb: Token) -> list[Token]:
    """ "told a meeting of leaders that few people understood …": the parser may take the that-clause for a
    relative clause on the addressee; its "that" is then a conjunction (mark) and it has a subject of its own."""
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i):
        for token in obj.subtree:
            if (
                token.dep_ == "relcl"
                and any(g.dep_ == "mark" and g.lower_ == "that" and g.i < token.i for g in token.children)
                and any(g.dep_ in SUBJECT_DEPS and g.lower_ != "that" for g in token.children)
            ):
                return [t for t in token.subtree if t.i > verb.i]
    return []


def whole_fronted_message(verb: Token, message: list[Token]) -> list[Token]:
    """ "A told B that C, but D, the source added": a trailing cue reports the whole sentence before it,
    though the parser hangs only the last coordinated clause (D) on it."""
    doc = verb.doc
    first = message[0].i
    if first < 2 or doc[first - 1].dep_ != "cc" or doc[first - 2].text != ",":
        return message
    start = verb.sent.start
    if doc[start].i >= first or any(t.text in (";", ":") for t in doc[start:first]):
        return message  # a cue before it speaks for the first part
    return list(doc[start:first]) + message


def cut_tail(message: list[Token]) -> list[Token]:
    """Where a message stops though the parse runs on: the writer's additions after it.

    - "… and warned that …": a coordinated reporting verb starts a message of its own (a pledge
      "… and promised to …" stays part of the statement it completes);
    - "…; they also …": a semicolon starts another statement;
    - "…, arguing that …", "…, contradicting …": a participle clause describing the act of saying;
    - "… the plan, which …", "… the senator, a former …": the writer's own gloss on the last
      noun phrase (a comma-led relative clause or apposition) reaching to the end;
    - "…, although he …", "…, when …": a concession or circumstance the writer adds.
    """
    if not message:
        return message
    last = message[-1].i
    doc = message[0].doc
    for k, token in enumerate(message[1:], start=1):
        cut = False
        following = message[k + 1] if k + 1 < len(message) else None
        if (
            token.text == ";"
            or (following is not None and token.text in _GLOSS_OPENERS and _writer_gloss(token, following, last, doc))
            or (
                token.dep_ == "conj"
                and token.pos_ == "VERB"
                and token.lemma_.lower() in SPEECH_VERBS | TOPIC_VERBS
                and token.lemma_.lower() not in INFINITIVE_VERBS
                and not any(c.dep_ in SUBJECT_DEPS for c in token.children)
                and any(
                    c.dep_ in ("ccomp", "xcomp")
                    or (c.dep_ == "prep" and c.lower_ in ("of", "for"))
                    or (c.dep_ == "prep" and c.lower_ in TOPIC_PREPOSITIONS and token.lemma_.lower() in SPEECH_VERBS)
                    for c in token.children
                )
            )
        ):
            cut = True
        elif token.text in _GLOSS_OPENERS and k + 1 < len(message):
            following = message[k + 1]
            if following.tag_ == "VBG" or (
                following.pos_ == "ADV" and k + 2 < len(message) and message[k + 2].tag_ == "VBG"
            ):
                participle = following if following.tag_ == "VBG" else message[k + 2]
                cut = participle.dep_ in ("advcl", "xcomp", "conj", "acl") and participle.right_edge.i >= last - 1
        if cut:
            kept = message[:k]
            while kept and (kept[-1].is_punct or kept[-1].dep_ == "cc"):
                kept.pop()
            return kept
    return message


_GLOSS_OPENERS = frozenset({",", "—", "–", "--", "-", "―"})


def _writer_gloss(punct: Token, following: Token, last: int, doc: Doc) -> bool:
    """Whether ``punct`` opens an addition by the writer that runs to the message's end (see :func:`cut_tail`)."""
    if following.is_punct or following.text in OPENERS:
        return False
    if punct.text != ",":
        # after a dash the words are as often the speaker's own elaboration as the writer's; the writer names
        # the remark itself ("— a charge that …", "— a nod to …")
        noun = next((t for t in doc[following.i : min(last + 1, following.i + 4)] if t.pos_ == "NOUN"), None)
        return (
            following.lower_ in ("a", "an")
            and noun is not None
            and noun.right_edge.i >= last - 1
            and noun.lemma_.lower() in MESSAGE_NOUNS | REMARK_NOUNS
        )
    if (following.lower_ in RELATIVE_PRONOUNS and following.head.dep_ == "relcl") or following.dep_ == "relcl":
        clause = following.head if following.head.dep_ == "relcl" else following
        return clause.right_edge.i >= last - 1
    if following.lower_ in GLOSS_SUBORDINATORS or (following.lower_ == "aside" and following.nbor(1).lower_ == "from"):
        return following.head.right_edge.i >= last - 1 or following.lower_ == "aside"
    appositions = [t for t in doc[following.i : last + 1] if t.dep_ == "appos" and t.left_edge.i == following.i]
    return bool(appositions) and appositions[0].right_edge.i >= last - 1


def right_extent(verb: Token, first: Token, *, infinitive: bool = False) -> list[Token]:
    """A message from ``first`` (a complement of ``verb``) to the end of the verb's clause.

    The parser often hangs a message's own modifiers on the verb ("cited remarks … as
    examples", "called for X to resign"), so the verb's later complements are taken
    too — up to a coordinated verb with a message of its own ("… and warned that …")
    or a comma-led participle (", saying …"), which start something else.
    """
    tokens = list(first.subtree)
    for child in verb.children:
        if child.i <= first.i or child.dep_ == "punct":
            continue
        if child.dep_ == "cc":
            continue
        if child.dep_ == "conj":
            # "wants to cut X, raise Y and end Z": bare infinitives share the "to"
            if infinitive and child.tag_ == "VB" and not any(g.dep_ in SUBJECT_DEPS for g in child.children):
                tokens += list(child.subtree)
                continue
            # "emphasized fairness, and a need to …": the parser hangs a second object on the verb
            if child.pos_ in ("NOUN", "PROPN") and not any(g.dep_ in SUBJECT_DEPS for g in child.children):
                tokens += list(child.subtree)
                continue
            # "has mentioned refinancing loans and forcing …": a gerund coordinated with a finite verb
            # is a second object, not a second act (that would share the verb's tense: "… and forced …")
            if child.tag_ == "VBG" and verb.tag_ != "VBG" and not any(g.dep_ in SUBJECT_DEPS for g in child.children):
                tokens += list(child.subtree)
                continue
            break
        if child.dep_ in ("parataxis", "mark") or (
            child.dep_ in ("advcl", "npadvmod")
            and child.left_edge.i > 0
            and verb.doc[child.left_edge.i - 1].text in (",", ";", "—", "--")
        ):
            break
        if child.dep_ in ("advcl", "npadvmod", "advmod") or (
            child.dep_ == "prep" and child.lower_ not in MESSAGE_PREPOSITIONS and _circumstance(child)
        ):
            continue  # "… in a statement on Thursday", "… during a campaign stop": circumstances of saying
        tokens += list(child.subtree)
    tokens += _stranded_conjunct(verb, max(t.i for t in tokens))
    return sorted(set(tokens), key=lambda t: t.i)


def _stranded_conjunct(verb: Token, last: int) -> list[Token]:
    """ "… promising to meet and in some cases exceed the goals", "… by emphasizing X, and a need to …":
    a subjectless conjunct right after a message whose cue is a participle is the message's own second
    half, though the parser hangs it on the clause the participle modifies."""
    doc = verb.doc
    if verb.dep_ not in ("advcl", "pcomp", "xcomp") or verb.tag_ != "VBG":
        return []
    i = last + 1
    while i < len(doc) and (doc[i].dep_ == "cc" or doc[i].text == ","):
        i += 1
    if i == last + 1 or i >= len(doc) or not any(doc[k].dep_ == "cc" for k in range(last + 1, i)):
        return []
    for ancestor in verb.ancestors:
        conjunct = next((c for c in ancestor.children if c.dep_ == "conj" and c.left_edge.i == i), None)
        if conjunct is not None:
            if any(g.dep_ in SUBJECT_DEPS for g in conjunct.children):
                return []
            return list(conjunct.subtree)
    return []


def _circumstance(prep: Token) -> bool:
    """Whether a preposition hung on a message verb tells when, where or in what the saying happened."""
    objects = [g for g in prep.children if g.dep_ == "pobj"]
    if not objects or prep.lower_ in TIME_PREPOSITIONS:
        return True
    head = objects[0]
    return (
        head.ent_type_ in ("DATE", "TIME", "GPE", "LOC", "FAC", "EVENT")
        or head.lemma_.lower() in SOURCE_NOUNS | MEDIA_NOUNS | SAYING_OCCASIONS
    )
