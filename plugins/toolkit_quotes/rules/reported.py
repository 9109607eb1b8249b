"""Pass 2: reporting verbs with a message — indirect quotes (partial or mixed when the message holds quoted words).

The message is a that-clause, an inverted or parenthetical clause ("The museum,
she said, will open in May"), an object with its complement ("accused X of …"),
a to-infinitive ("promised to …"), a topic ("spoke of reform"), a stance's
object ("endorsed the senator") or the subject of a passive with a named agent.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from toolkit.sdk import doc_text

from .marks import Stretch
from .nouns import noun_message
from .records import Draft, QuoteOptions
from .repairs import cut_tail, right_extent, told_that, whole_fronted_message
from .spans import (
    FINITE_TAGS,
    OPENERS,
    SUBJECT_DEPS,
    close_quotes,
    kind_for,
    line_part,
    quoted_share,
    span_of,
    trim,
    word_count,
)
from .speakers import speaker_of
from .verbs import cue_span, hypothetical, verb_lemma
from .words import (
    ADDRESSEE_VERBS,
    ANSWERING_VERBS,
    CLARITY_ADJECTIVES,
    COMPLEMENT_PREPOSITIONS,
    DIRECTIVE_VERBS,
    EVIDENCE_NOUNS,
    EXPRESSING_VERBS,
    FIRST_SECOND_PERSON,
    HEDGE_VERBS,
    HOLDING_VERBS,
    INFINITIVE_VERBS,
    INTENTION_VERBS,
    MESSAGE_VERBS,
    OBJECT_COMPLEMENT_VERBS,
    OBJECT_MESSAGE_VERBS,
    OBJECT_OR_GERUND_VERBS,
    OBJECT_TAKING_VERBS,
    PHYSICAL_SENSE_VERBS,
    PREPOSITIONAL_STANCE_VERBS,
    PREPOSITIONAL_VERBS,
    PROMPT_NOUNS,
    PROMPTED_VERBS,
    PRONOUN_CONTENT,
    QUESTION_VERBS,
    REGARD_VERBS,
    RELAYING_VERBS,
    SOURCE_NOUNS,
    SPEECH_VERBS,
    STANCE_PREPOSITIONS,
    STANCE_VERBS,
    TALK_PREPOSITIONS,
    TALK_VERBS,
    TOPIC_PREPOSITIONS,
)


# ---------------------------------------------------------------------------
# pass 2: reporting verbs with a message
def clause_quote(doc: Doc, verb: Token, stretches: tuple[Stretch, ...], options: QuoteOptions) -> Draft | None:
    text = doc_text(doc)
    lemma = verb_lemma(verb)
    speech = lemma in SPEECH_VERBS
    message: list[Token] = []
    # "compare", "make", "show" and "call" are tested by name: each has a construction of its own
    # (a rule, below or in its own function), not a class of verbs a list would name
    if (
        lemma == "compare"
        and verb.tag_ == "VBN"
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
        and not quoted_share(doc, verb.left_edge.idx, verb.right_edge.idx + len(verb.right_edge), stretches)[1]
    ):
        return None  # "earned $98,000, compared with $93,000": a comparison by the writer, not a likening
    if not speech and any(
        c.dep_ == "prt"
        and not (lemma in TALK_VERBS and c.lower_ == "out")
        and not any(g.dep_ == "pobj" for g in c.children)  # "called on X to …": a preposition taken for a particle
        for c in verb.children
    ):
        return None  # "show up", "find out": not belief
    if lemma == "make":
        message = _made_clear(verb)
        if not message:
            return None  # "made this clear", "made a profit": no message of its own
    # a that-clause after the verb is its message even when the parser also hangs a fronted clause on it
    # ("Should the firm fail, critics worry that …")
    children = sorted(
        verb.children,
        key=lambda c: (
            not (
                c.i > verb.i and c.dep_ == "ccomp" and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
            )
        ),
    )
    for child in () if message else children:
        if child.dep_ == "ccomp" or (child.dep_ == "parataxis" and child.i < verb.i):
            if not speech and not any(g.dep_ in SUBJECT_DEPS or g.dep_ == "expl" for g in child.children):
                continue
            if (
                child.i < verb.i
                and not any(t.tag_ in FINITE_TAGS for t in child.subtree)
                and any(t.text in OPENERS or t.tag_ in ("``", "''") for t in child.subtree)
            ):
                continue  # "In his book, “…,” X suggested …": an opening phrase with no statement in it
            message = list(child.subtree)
            if child.i < verb.i:
                message = whole_fronted_message(verb, message)
            # "cited remarks Trump had made about …": the parser takes a contact relative clause for the
            # verb's clause; an object noun right before it is the head the clause describes
            objects = [
                c
                for c in verb.children
                if c.dep_ == "dobj" and c.pos_ == "NOUN" and verb.i < c.i and c.right_edge.i + 1 == child.left_edge.i
            ]
            if objects and lemma in OBJECT_TAKING_VERBS and lemma not in ADDRESSEE_VERBS:
                message = list(objects[0].subtree) + message
            # the parser sometimes splits one clause into two ccomps ("said X has A and Y was B"): rejoin them
            for other in verb.children:
                if (
                    other.dep_ == "ccomp"
                    and other.i > child.i
                    and (other.i > verb.i) == (child.i > verb.i)
                    and other.left_edge.i <= child.right_edge.i + 2
                ):
                    message += list(other.subtree)
            break
    if not message and lemma in ADDRESSEE_VERBS:
        message = told_that(verb)
    if not message and speech:
        parenthetical = _parenthetical_quote(doc, verb, stretches)
        if parenthetical is not None:
            return parenthetical
    if not message and lemma in HOLDING_VERBS and any(c.dep_ == "dobj" and noun_message(c) for c in verb.children):
        return None  # "expressed concern about the plan": the noun pass gives the plan, held by the subject
    if not message and (speech or lemma in MESSAGE_VERBS):
        message = _object_message(verb, lemma)
    if not message and lemma in PREPOSITIONAL_VERBS:
        message = _prepositional_message(verb, lemma)
    if not message and lemma == "show":
        message = _shown(verb)
    if not message and lemma in REGARD_VERBS:
        message = _regarded(verb)
    if not message and (speech or lemma in STANCE_VERBS):
        message = _passive_message(verb)
    if not message:
        return None
    message = cut_tail(sorted(message, key=lambda t: t.i))
    if _no_message(verb, lemma, message):
        return None
    # the message never swallows the speaker or the cue
    speaker = speaker_of(verb)
    span = span_of(message)
    if span is None:
        return None
    start, end = line_part(text, span, verb.idx)
    start, end = close_quotes(text, *trim(text, start, end), stretches)
    if verb.idx >= start and verb.idx < end:
        return None
    if speaker is not None and speaker.start_char < end and speaker.end_char > start:
        if speaker.start_char > start:
            end = min(end, speaker.start_char)
        else:
            start = max(start, speaker.end_char)
        start, end = trim(text, start, end)
    if end <= start:
        return None
    if word_count(text[start:end]) < 2 and not text[start:end].isupper():
        # one word is a message only as a named target of a stance: "endorsed Smith", "attacked Acme"
        named = [t for t in message if t.pos_ == "PROPN" and start <= t.idx < end]
        if not (lemma in STANCE_VERBS and named and named[0].dep_ == "dobj"):
            return None
    words = text[start:end].split()
    if len(words) == 1 and words[0].lower().strip(".,") in PRONOUN_CONTENT:
        return None  # "he said so", "this was stated by …": no message worth a row
    kind = kind_for(doc, start, end, stretches)
    if not speech and kind == "indirect" and speaker is None:
        return None  # "it is thought that …" with nobody thinking it
    if lemma in INTENTION_VERBS | HEDGE_VERBS and speaker is not None and speaker.root.lower_ in FIRST_SECOND_PERSON:
        return None  # "I want to ask you …", "I think …": the speaker's own turn of phrase, not a reported view
    return Draft(
        kind=kind,
        content=(start, end),
        parts=[(start, end)],
        cue=cue_span(verb),
        cue_token=verb.i,
        speaker=speaker,
        source="clause",
    )


def _parenthetical_quote(doc: Doc, verb: Token, stretches: tuple[Stretch, ...]) -> Draft | None:
    """ "The museum, she said, will open in May": the parser hangs the cue clause on the message's verb.

    The message is the governing clause without the cue clause, in up to two parts around it.
    """
    text = doc_text(doc)
    head = verb.head
    if verb.dep_ != "parataxis" or head.i == verb.i or head.pos_ not in ("VERB", "AUX"):
        return None
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects or any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in verb.children):
        return None  # a clause of its own ("…; he said the vote was rigged"), not an aside
    speaker = speaker_of(verb)
    aside = {t.i for t in verb.subtree}
    if speaker is not None and speaker.end <= verb.i:
        # the parser may hang part of the speaker's phrase on the message ("The bridge, the engineer X said, …"):
        # the aside starts after the comma that opens it
        first = speaker.start
        while (
            first > head.left_edge.i
            and doc[first - 1].text not in (",", "—", "--", "(")
            and doc[first - 1].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "PUNCT")
            and first > speaker.start - 4
        ):
            first -= 1
        if doc[first - 1].text in (",", "—", "--", "("):
            speaker = doc[first : speaker.end]
        aside.update(range(speaker.start, verb.i))
    tokens = [t for t in head.subtree if t.i not in aside and not t.is_space]
    runs: list[list[Token]] = []
    for token in tokens:
        if runs and token.i == runs[-1][-1].i + 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    parts = []
    for run in runs:
        span = span_of(run)
        if span is None:
            continue
        start, end = trim(text, *line_part(text, span, verb.idx))
        if end > start and word_count(text[start:end]):
            parts.append((start, end))
    if not parts or sum(word_count(text[s:e]) for s, e in parts) < 3:
        return None
    start, end = close_quotes(text, parts[0][0], parts[-1][1], stretches)
    parts[0], parts[-1] = (start, parts[0][1]), (parts[-1][0], end)
    kind = kind_for(doc, start, end, stretches)
    return Draft(
        kind=kind,
        content=(start, end),
        parts=parts,
        cue=cue_span(verb),
        cue_token=verb.i,
        speaker=speaker,
        source="clause",
    )


def _no_message(verb: Token, lemma: str, message: list[Token]) -> bool:
    """A nominal "message" that says nothing was said: what was asked ("answered the question of
    the journalists"), or what a negated verb did not report ("hasn't reported about the meeting")."""
    inside = {t.i for t in message}
    heads = [t for t in message if t.head.i not in inside]
    if (
        lemma in PROMPTED_VERBS
        and heads
        and heads[0].dep_ == "dobj"
        and heads[0].pos_ == "NOUN"
        and heads[0].lower_ in PROMPT_NOUNS
    ):
        return True  # "the question whether …" is still what was asked ("did not respond to requests" is a stance)
    if any(t.pos_ in ("VERB", "AUX") for t in message):
        return False  # a clause says something
    # an outlet's report only: "did not rule out new taxes", "did not respond to requests" still take a stance
    return (
        lemma in RELAYING_VERBS
        and any(c.dep_ == "neg" for c in verb.children)
        and not any(t.text in OPENERS for t in message)
    )


def _object_message(verb: Token, lemma: str) -> list[Token]:
    """The message of verbs that take an object and a complement: "accused X of …", "promised to …"."""
    children = list(verb.children)
    if lemma not in INFINITIVE_VERBS and hypothetical(verb):
        return []  # "wants to thank X for Y", "is required to disclose Z"
    if lemma == "call":
        return _call_message(verb)
    if lemma in OBJECT_COMPLEMENT_VERBS:
        objects = [c for c in children if c.dep_ in ("dobj", "dative")]
        preps = [
            c
            for c in children
            if c.dep_ == "prep"
            and c.i > verb.i
            and c.lower_ in COMPLEMENT_PREPOSITIONS
            and any(g.dep_ in ("pcomp", "pobj") for g in c.children)
        ]
        if preps:
            tokens = [t for p in preps for t in p.subtree]
            tokens += [t for o in objects for t in o.subtree]
            return tokens
        xcomps = [c for c in children if c.dep_ == "xcomp"]
        if xcomps:
            return [t for c in xcomps for t in c.subtree] + [t for o in objects for t in o.subtree]
    if lemma in INFINITIVE_VERBS:
        xcomps = [
            c for c in children if c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        ]
        if xcomps:
            return right_extent(verb, xcomps[0], infinitive=True)
    # "called the move “reckless”", "wished Russia victory over the “hegemony …”": a quoted complement
    right = [
        c for c in children if c.i > verb.i and c.dep_ in ("dobj", "dative", "oprd", "prep", "xcomp", "attr", "ccomp")
    ]
    tokens = [t for c in right for t in c.subtree]
    if tokens and any(t.text in OPENERS for t in tokens):
        return tokens
    if lemma in EXPRESSING_VERBS:
        objects = [
            c for c in children if c.dep_ == "dobj" and any(g.dep_ in ("acl", "ccomp", "relcl") for g in c.children)
        ]
        if objects:
            return list(objects[0].subtree)
    if lemma in TALK_VERBS:
        # "spoke of the past", "talked about jobs", "spoke out against the war"
        preps = [
            c
            for c in children
            if c.dep_ == "prep"
            and c.lower_ in TALK_PREPOSITIONS
            and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ]
        return right_extent(verb, preps[0])[1:] if preps else []
    if lemma in DIRECTIVE_VERBS:
        # "urged voters to …": the addressee and what they are to do
        objects = [c for c in children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
        xcomps = [
            c
            for c in children
            if c.dep_ in ("xcomp", "ccomp")
            and c.i > verb.i
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        ]
        if objects and xcomps:
            return right_extent(verb, objects[0], infinitive=True)
    if lemma in OBJECT_MESSAGE_VERBS:
        objects = [
            c for c in children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") and len(list(c.subtree)) >= 2
        ]
        if objects:
            return right_extent(verb, objects[0])
    if lemma in OBJECT_OR_GERUND_VERBS:
        # "admitted using the loophole", "proposed cutting the rate": a gerund clause as the object
        # (not "tweeted using his account": there the gerund says how)
        gerunds = [
            c
            for c in children
            if c.dep_ in ("xcomp", "ccomp", "dobj")
            and c.tag_ == "VBG"
            and c.i > verb.i
            and not any(g.dep_ in SUBJECT_DEPS for g in c.children)
        ]
        if gerunds and not any(c.dep_ == "dobj" and c.i < gerunds[0].i for c in children):
            return right_extent(verb, gerunds[0])
    if lemma in STANCE_VERBS:
        objects = [c for c in children if c.dep_ == "dobj" and c.i > verb.i and c.pos_ in ("NOUN", "PROPN")]
        if (
            objects
            and lemma in PHYSICAL_SENSE_VERBS
            and objects[0].ent_type_ not in ("PERSON", "ORG", "NORP")
            and not any(c.dep_ == "prep" and c.lower_ in STANCE_PREPOSITIONS for c in children)
        ):
            return []  # "hackers attacked the website", "backed the car": an act, not a stance
        if objects:
            return right_extent(verb, objects[0])
    passive_participle = verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in children)
    # the addressee of a question may stand between: "asked the senator about the vote"
    # ("was asked about the vote": the one asked is the subject, the asker unnamed)
    blocking = ("ccomp", "xcomp") if lemma in QUESTION_VERBS else ("dobj", "ccomp", "xcomp")
    if lemma in QUESTION_VERBS and any(c.dep_ in ("auxpass", "nsubjpass") for c in children):
        return []
    if lemma in SPEECH_VERBS and not passive_participle and not any(c.dep_ in blocking for c in children):
        # "complained about the noise", "warned against haste", "joked about his age": the topic spoken of
        # (not "Asked about the noise, she …": there the subject answers a question put to her)
        topic_preps = TOPIC_PREPOSITIONS | {"to"} if lemma in ANSWERING_VERBS else TOPIC_PREPOSITIONS
        preps = [
            c
            for c in children
            if c.dep_ == "prep"
            and c.i > verb.i
            and c.lower_ in topic_preps
            and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ]
        if preps:
            return right_extent(verb, preps[0])[1:]
    return []


def _prepositional_message(verb: Token, lemma: str) -> list[Token]:
    """ "voted against the bill", "sided with the union": the object of a preposition listed for the verb."""
    if hypothetical(verb):
        return []
    prep = next(
        (
            c
            for c in verb.children
            if c.dep_ == "prep"
            and c.i > verb.i
            and lemma in PREPOSITIONAL_STANCE_VERBS.get(c.lower_, ())
            and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ),
        None,
    )
    return right_extent(verb, prep)[1:] if prep is not None else []


def _regarded(verb: Token) -> list[Token]:
    """ "Veterans saw the remark as a dig at the army": the object and what it is taken for."""
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i]
    as_phrase = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > verb.i]
    if not objects or not as_phrase or not any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return []
    return right_extent(verb, objects[0])


def _made_clear(verb: Token) -> list[Token]:
    """ "She made (it) clear that she would not run": the that-clause is her message."""
    clear = next((c for c in verb.children if c.lower_ in CLARITY_ADJECTIVES and c.i > verb.i), None)
    if clear is None:
        return []

    def says_something(c: Token) -> bool:  # a clause with "that" or a subject of its own
        return (
            c.dep_ in ("advcl", "ccomp")
            and c.i > clear.i
            and any((g.dep_ == "mark" and g.lower_ == "that") or g.dep_ in SUBJECT_DEPS for g in c.children)
        )

    clause = next((c for c in clear.children if says_something(c)), None)
    if clause is None:
        clause = next((c for c in verb.children if says_something(c)), None)
    return list(clause.subtree) if clause is not None else []


def _shown(verb: Token) -> list[Token]:
    """ "Polls show Smith with a narrow lead", "the survey showed her ahead": what a poll or study shows.

    Only with a source of evidence as subject: "she showed him the garden" shows nothing said.
    """
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects or subjects[0].lemma_.lower() not in SOURCE_NOUNS | EVIDENCE_NOUNS:
        return []
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i]
    return right_extent(verb, objects[0]) if objects else []


def _passive_message(verb: Token) -> list[Token]:
    """ "The plan was endorsed by the union": with a named agent, the passive subject is what was said or backed."""
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i and c.pos_ in ("NOUN", "PROPN")]
    agents = [c for c in verb.children if c.dep_ == "agent" and any(g.dep_ == "pobj" for g in c.children)]
    if not subjects or not agents:
        return []
    return [t for t in subjects[0].subtree if not t.is_punct or t.i != subjects[0].right_edge.i]


def _call_message(verb: Token) -> list[Token]:
    """ "called for a recount", "called on X to resign", "called the plan a disaster"; never "a man called Bob"."""
    if verb.dep_ in ("acl", "amod") or (
        verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    ):
        return []
    children = list(verb.children)
    # "on" is sometimes parsed as a particle with an object of its own: a preposition all the same
    for prep in (c for c in children if c.dep_ in ("prep", "prt") and c.i > verb.i):
        objects = [g for g in prep.children if g.dep_ == "pobj"]
        if prep.lower_ == "for" and (objects or any(g.dep_ == "pcomp" for g in prep.children)):
            return right_extent(verb, prep)[1:]  # "called for a recount", "called for cutting taxes"
        if prep.lower_ == "on" and objects:
            # the infinitive may hang on the verb or on the object: "called on X to resign"
            rest = [t for c in children if c.dep_ in ("xcomp", "ccomp") and c.i > prep.i for t in c.subtree]
            tokens = list(prep.subtree)[1:] + rest
            return tokens if any(t.lower_ == "to" for t in tokens) else []
    objects = [c for c in children if c.dep_ == "dobj" and c.i > verb.i]
    complements = [c for c in children if c.dep_ in ("oprd", "xcomp", "ccomp") and c.i > verb.i]
    if objects and complements:
        return right_extent(verb, objects[0])
    # "called the move a disaster" is sometimes parsed as one clause under the verb
    clauses = [c for c in children if c.dep_ == "ccomp" and c.i > verb.i]
    if clauses and any(g.dep_ == "nsubj" for g in clauses[0].children):
        return list(clauses[0].subtree)
    return []
