"""Messages carried by nouns and adjectives: "the claim that …", "her decision to …", "critical of the plan",
"a staunch opponent of the stadium" (attribution in the broad sense; only with ``beliefs``)."""

from __future__ import annotations

from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from toolkit.sdk import doc_text

from .marks import Stretch
from .records import Draft
from .repairs import cut_tail
from .spans import close_quotes, kind_for, line_part, span_of, trim, word_count
from .speakers import clip_line, named_modifier, noun_phrase, speaker_of
from .words import (
    ATTITUDE_ADJECTIVES,
    FIRST_SECOND_PERSON,
    HOLDER_NOUNS,
    MESSAGE_NOUNS,
    SPEECH_VERBS,
    THIRD_PERSON_POSSESSIVES,
    TOPIC_NOUNS,
    VOICING_VERBS,
)

_NOUN_PASS_IDS = frozenset(
    get_string_id(word)
    for word in MESSAGE_NOUNS | ATTITUDE_ADJECTIVES | frozenset().union(*TOPIC_NOUNS.values()) | HOLDER_NOUNS
)


def noun_messages(doc: Doc, drafts: list[Draft], stretches: tuple[Stretch, ...]) -> None:
    """ "the claim that …", "her decision to …": a message noun with a that-clause or to-infinitive complement.

    The holder is the noun's possessor ("Smith's claim") or the subject of the verb it is the
    object of ("Smith made the claim", "the agency issued a warning"); otherwise nobody is named.
    """
    text = doc_text(doc)
    cues = {d.cue_token for d in drafts if d.cue_token is not None}
    # one pass over the token arrays instead of a Token object per word: only listed words go further
    words = doc.to_array([LEMMA, LOWER])
    candidates = [
        i for i, (lemma, lower) in enumerate(words.tolist()) if lemma in _NOUN_PASS_IDS or lower in _NOUN_PASS_IDS
    ]
    for noun in (doc[i] for i in candidates):
        if noun.pos_ == "ADJ" and noun.dep_ == "acomp" and noun.lemma_.lower() in ATTITUDE_ADJECTIVES:
            draft = _attitude(doc, noun, stretches)
            if draft is not None:
                drafts.append(draft)
            continue
        if noun.pos_ == "NOUN" and noun.dep_ == "attr" and noun.lemma_.lower() in HOLDER_NOUNS:
            draft = _holder(doc, noun, stretches)
            if draft is not None:
                drafts.append(draft)
            continue
        if noun.pos_ != "NOUN" or noun.i in cues:
            continue
        lemma = noun.lemma_.lower()
        tokens = noun_message(noun)
        if not tokens:
            continue
        tokens = cut_tail(tokens)
        span = span_of(tokens)
        if span is None:
            continue
        start, end = close_quotes(text, *trim(text, *line_part(text, span, noun.idx)), stretches)
        if word_count(text[start:end]) < (3 if lemma in MESSAGE_NOUNS else 1):
            continue
        owners = [c for c in noun.children if c.dep_ == "poss"]
        speaker: Span | None = None
        if owners:
            speaker = noun_phrase(owners[0])
            if len(speaker) > 1 and speaker[-1].tag_ == "POS":  # "Smith's": the name without the clitic
                speaker = speaker[:-1]
            if owners[0].lower_ in THIRD_PERSON_POSSESSIVES:
                # "Smith laid out her proposals", "Smith is doubling down on his attacks": the one whose
                # clause it is holds the message; "her" is only that subject named again
                speaker = _clause_subject(noun) or speaker
        elif named_modifier(noun) is not None:
            speaker = named_modifier(noun)
        elif noun.dep_ == "dobj" and noun.head.lemma_.lower() in VOICING_VERBS:
            speaker = speaker_of(noun.head)
        elif (
            noun.dep_ == "ROOT"
            and noun.tag_ == "NNS"
            and lemma in SPEECH_VERBS
            and noun.i > noun.left_edge.i
            and all(t.dep_ == "compound" and t.head.i == noun.i for t in doc[noun.left_edge.i : noun.i])
        ):
            # "Smith charges that …" with no verb in the sentence: the tagger took the verb for a plural noun
            # and its subject for a modifier of it
            speaker = doc[noun.left_edge.i : noun.i]
        if speaker is None and text.rfind("\n", 0, noun.idx) + 1 == noun.left_edge.idx:
            continue  # "Refusal to export arms" opening a line: a subheading, not a message
        if speaker is None and len(tokens) <= 3 and not any(t.pos_ in ("VERB", "AUX") for t in tokens):
            continue  # "an attack on the island", "demand for coal": a short topic nobody is named as holding
        if speaker is None:
            # "Smith has responded with attacks on …", "they extracted an agreement to …": the one acting
            # with the message holds it (found after the filter above, which keys on a named holder)
            speaker = _clause_subject(noun)
        drafts.append(
            Draft(
                kind=kind_for(doc, start, end, stretches),
                content=(start, end),
                parts=[(start, end)],
                cue=(noun.idx, noun.idx + len(noun.text)),
                cue_token=noun.i,
                speaker=speaker,
                source="noun",
            )
        )


# a verb's preposition whose object is the subject's own message: "responded with attacks", "doubled down on
# his claims", "returned to his argument"
_WITH_MESSAGE_PREPOSITIONS = frozenset({"with", "on", "to"})


def _clause_subject(noun: Token) -> Span | None:
    """The subject of the verb whose object a noun is, directly or through a preposition ("on his attacks")."""
    current = noun
    for _ in range(3):
        if current.dep_ not in ("dobj", "pobj", "prep") or current.head == current:
            return None
        if current.dep_ == "prep" and current.lower_ not in _WITH_MESSAGE_PREPOSITIONS:
            return None  # "took offense at claims that …": the claims are someone else's
        current = current.head
        if current.pos_ == "VERB":
            subject = speaker_of(current)
            if subject is None or subject.root.lower_ in FIRST_SECOND_PERSON or subject.start > noun.i:
                return None
            return subject
    return None


def noun_message(noun: Token) -> list[Token]:
    """The message a noun of saying or attitude carries: "the claim that …", "concern about …"."""
    lemma = noun.lemma_.lower()
    doc = noun.doc
    if lemma in MESSAGE_NOUNS and not (noun.i > 0 and doc[noun.i - 1].lower_ == "in"):  # "in order to"
        # the parser may call a complement clause a relative one ("a report that X had …"); its "that"
        # is then still a conjunction (mark), where a true relative's "that" is a subject or object
        clause = next(
            (
                c
                for c in noun.children
                if c.i > noun.i
                and c.pos_ in ("VERB", "AUX")
                and (
                    (
                        c.dep_ in ("acl", "ccomp")
                        and any(g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to") for g in c.children)
                    )
                    or (c.dep_ == "relcl" and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children))
                )
            ),
            None,
        )
        if clause is not None:
            return list(clause.subtree)
    prep = next(
        (
            c
            for c in noun.children
            if c.i == noun.i + 1
            and c.dep_ == "prep"
            and noun.lower_ in TOPIC_NOUNS.get(c.lower_, ())
            and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ),
        None,
    )
    return list(prep.subtree)[1:] if prep is not None else []


def _holder(doc: Doc, noun: Token, stretches: tuple[Stretch, ...]) -> Draft | None:
    """ "The mayor is a staunch opponent of the stadium": the subject holds a stance toward the noun's object."""
    prep = next(
        (
            c
            for c in noun.children
            if c.dep_ == "prep"
            and c.lower_ == "of"
            and c.i > noun.i
            and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ),
        None,
    )
    # "be" is the copula, a grammatical test rather than a word list
    subjects = [c for c in noun.head.children if c.dep_ == "nsubj"] if noun.head.lemma_ == "be" else []
    if prep is None or not subjects:
        return None
    return _subject_stance(doc, noun, list(prep.subtree)[1:], clip_line(noun_phrase(subjects[0]), noun), stretches)


def _attitude(doc: Doc, adjective: Token, stretches: tuple[Stretch, ...]) -> Draft | None:
    """ "The union is critical of the plan", "she was confident that …": the subject's attitude and its object."""
    tokens: list[Token] = []
    for child in adjective.children:
        if child.i < adjective.i:
            continue
        if child.dep_ in ("ccomp", "xcomp"):
            tokens = list(child.subtree)
        elif (
            child.dep_ == "prep"
            and child.i == adjective.i + 1
            and any(g.dep_ in ("pobj", "pcomp") for g in child.children)
        ):
            tokens = list(child.subtree)[1:]
        if tokens:
            break
    # the copula's own subject: in "called on reporters to be interested in …" the caller is not interested
    subjects = (
        [c for c in adjective.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if adjective.head.i != adjective.i
        else []
    )
    speaker = clip_line(noun_phrase(subjects[0]), adjective) if subjects else None
    return _subject_stance(doc, adjective, tokens, speaker, stretches)


def _subject_stance(
    doc: Doc, cue: Token, tokens: list[Token], speaker: Span | None, stretches: tuple[Stretch, ...]
) -> Draft | None:
    """The draft for ``speaker``'s stance, named by ``cue`` (an attitude noun or adjective), toward ``tokens``;
    none for a first- or second-person holder or when nothing is left of the object."""
    text = doc_text(doc)
    span = span_of(cut_tail(tokens))
    if span is None or speaker is None or speaker.root.lower_ in FIRST_SECOND_PERSON:
        return None
    start, end = close_quotes(text, *trim(text, *line_part(text, span, cue.idx)), stretches)
    if end <= start or not word_count(text[start:end]):
        return None
    return Draft(
        kind=kind_for(doc, start, end, stretches),
        content=(start, end),
        parts=[(start, end)],
        cue=(cue.idx, cue.idx + len(cue.text)),
        cue_token=cue.i,
        speaker=speaker,
        source="attitude",
    )
