"""Speakers: the phrase naming who speaks, and the named mention it stands for.

:func:`speaker_of` finds the phrase (the subject, a passive's agent, the
governing verb's subject). :func:`resolve_speaker` resolves it: a named speaker
("Foreign Minister Anna Morozova", "The Prime Minister's office") is its own
reference. A pronoun ("he", "she") goes to the nearest earlier person it can
agree with, preferring the speaker of the quote just before. A description ("the
minister", "the Russian Foreign Minister") goes to the latest earlier named
person introduced with the same title. Anything else stays unresolved: its text
is kept, its reference is empty and its confidence is 0 — a wrong guess dressed
up as certain is worse than no answer.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from toolkit.sdk import doc_text

from .memo import memoised
from .records import QuoteOptions
from .verbs import is_cue_verb
from .words import (
    FEMININE_TITLES,
    INDEFINITE_DETERMINERS,
    MASCULINE_TITLES,
    ORGANISATION_HEADS,
    PERSON_PRONOUNS,
    ROLE_NOUNS,
    SPEECH_VERBS,
)

_NAMED_LABELS = ("PERSON", "ORG", "GPE", "NORP", "FAC")
_PRONOUN_WINDOW_SENTS = 4
_DESCRIPTION_WINDOW_CHARS = 6000


@dataclass(frozen=True, kw_only=True)
class Resolution:
    """Where a speaker span points: ``ref_start``/``ref_end`` of the named mention, or ``None``."""

    ref_start: int | None
    ref_end: int | None
    confidence: float
    how: str  # named / pronoun / description / unresolved / none


@dataclass(frozen=True, kw_only=True)
class EarlierSpeaker:
    """A speaker already resolved earlier in the article (pronouns prefer them)."""

    at: int  # where the quote's speaker or cue stands
    ref_start: int
    ref_end: int
    label: str


class RangeIndex:
    """Character ranges, asked which of them hold a span by bisection: a quote-heavy article asks this for
    every speaker, and a scan of every range per question made 10 000 one-word quotes quadratic.

    >>> index = RangeIndex([(0, 10), (20, 30), (22, 25)])
    >>> list(index.holding(23, 24)), index.holds(11, 12), index.holds(21, 24, unless_around=21)
    ([(22, 25), (20, 30)], False, False)
    """

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        self.ranges = sorted(ranges)
        self.starts = [start for start, _ in self.ranges]
        # the furthest end among the ranges up to each one: the walk back stops once nothing reaches the span
        self.reach = list(itertools.accumulate((end for _, end in self.ranges), max))

    def holding(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The ranges with ``range_start <= start`` and ``end <= range_end``, latest start first."""
        k = bisect.bisect_right(self.starts, start) - 1
        while k >= 0 and self.reach[k] >= end:
            if end <= self.ranges[k][1]:
                yield self.ranges[k]
            k -= 1

    def holds(self, start: int, end: int, *, unless_around: int | None = None) -> bool:
        """Whether a range holds the span (ranges holding the offset ``unless_around`` do not count)."""
        return any(unless_around is None or not (s <= unless_around < e) for s, e in self.holding(start, end))


class EarlierSpeakers:
    """The resolved speakers so far, kept in order of position so that the latest before a point is found
    by bisection (a scan of all of them for every pronoun was quadratic in the number of quotes)."""

    def __init__(self, speakers: Sequence[EarlierSpeaker] = ()) -> None:
        self._keys: list[tuple[int, int]] = []
        self._speakers: list[EarlierSpeaker] = []
        for speaker in speakers:
            self.add(speaker)

    def add(self, speaker: EarlierSpeaker) -> None:
        # among speakers at the same offset the first added counts as the latest (as max() picks the first)
        key = (speaker.at, -len(self._keys))
        index = bisect.bisect_left(self._keys, key)
        self._keys.insert(index, key)
        self._speakers.insert(index, speaker)

    def latest(self, *, before: int, since: int) -> EarlierSpeaker | None:
        """The speaker with the greatest ``at`` in ``[since, before)`` whose reference ends by ``before``."""
        k = bisect.bisect_left(self._keys, (before, -len(self._keys) - 1)) - 1
        while k >= 0 and self._keys[k][0] >= since:
            if self._speakers[k].ref_end <= before:
                return self._speakers[k]
            k -= 1
        return None


UNRESOLVED = Resolution(ref_start=None, ref_end=None, confidence=0.0, how="unresolved")
NO_SPEAKER = Resolution(ref_start=None, ref_end=None, confidence=0.0, how="none")


def resolve_speaker(
    doc: Doc,
    speaker: Span | None,
    *,
    earlier: Sequence[EarlierSpeaker] | EarlierSpeakers = (),
    exclude: Sequence[tuple[int, int]] | RangeIndex = (),
    messages: Sequence[tuple[int, int]] | RangeIndex = (),
    exclude_around: int | None = None,
) -> Resolution:
    """Resolve one speaker span.

    ``exclude`` holds quoted contents (a name inside quotation marks is never an
    antecedent), less those around the offset ``exclude_around``; ``messages`` holds
    every quote's content (a name there does not end the previous speaker's turn).
    A caller resolving many speakers passes them as :class:`RangeIndex` and
    :class:`EarlierSpeakers`, built once.
    """
    if speaker is None or not len(speaker):
        return NO_SPEAKER
    named = _named_part(speaker)
    if named is not None:
        confidence = 0.95 if named.label_ == "PERSON" else 0.9
        return Resolution(ref_start=named.start_char, ref_end=named.end_char, confidence=confidence, how="named")
    root = speaker.root
    if len(speaker) == 1 and root.lower_ in PERSON_PRONOUNS:
        return _resolve_pronoun(
            doc,
            speaker,
            earlier if isinstance(earlier, EarlierSpeakers) else EarlierSpeakers(earlier),
            exclude if isinstance(exclude, RangeIndex) else RangeIndex(exclude),
            messages if isinstance(messages, RangeIndex) else RangeIndex(messages),
            exclude_around,
        )
    if root.pos_ in ("NOUN", "PROPN") and (root.lemma_.lower() in ROLE_NOUNS or root.lower_ in ROLE_NOUNS):
        if any(t.lower_ in INDEFINITE_DETERMINERS for t in speaker if t.i < root.i):
            return UNRESOLVED  # an indefinite description introduces someone new
        return _resolve_description(doc, speaker)
    return UNRESOLVED


def _named_part(span: Span) -> Span | None:
    """The name inside a speaker span: the longest named entity, people first."""
    root = span.root
    # a person anywhere in the phrase names the speaker ("the office of Minister X");
    # other names only when they are the phrase's head ("The White House", not "The Russian minister")
    mentions = person_mentions(span.doc)
    first = bisect.bisect_left(_person_starts(span.doc), span.start)  # they are in order of start
    people = []
    for k in range(first, len(mentions)):
        if mentions[k].start >= span.end:
            break
        if mentions[k].end <= span.end:
            people.append(mentions[k])
    if people:
        return max(people, key=len)
    if root.lower_ in ROLE_NOUNS or root.lemma_.lower() in ROLE_NOUNS:
        return None  # "The Russian Foreign Minister": a description, resolved elsewhere
    ents = [
        e
        for e in memoised(span.doc, "ents", lambda d: d.ents)
        if e.start >= span.start and e.end <= span.end and e.label_ in _NAMED_LABELS and e.start <= root.i < e.end
    ]
    if ents:
        return max(ents, key=len)
    if root.pos_ == "PROPN":
        # a proper noun the tagger did not label: the run of proper nouns around the root
        start = end = root.i
        while start - 1 >= span.start and span.doc[start - 1].pos_ == "PROPN":
            start -= 1
        while end + 1 < span.end and span.doc[end + 1].pos_ == "PROPN":
            end += 1
        return span.doc[start : end + 1]
    return None


def person_mentions(doc: Doc) -> list[Span]:
    """Spans that name a person (computed once per :func:`~toolkit_quotes.rules.memo.per_doc_memo` scope)."""
    return memoised(doc, "person_mentions", _person_mentions)


def _person_starts(doc: Doc) -> list[int]:
    """The token start of each of :func:`person_mentions` (in order): a rule finds its window by bisection."""
    return memoised(doc, "person_starts", lambda d: [e.start for e in person_mentions(d)])


def _person_start_chars(doc: Doc) -> list[int]:
    """The character start of each of :func:`person_mentions` (in order)."""
    return memoised(doc, "person_start_chars", lambda d: [e.start_char for e in person_mentions(d)])


def _person_mentions(doc: Doc) -> list[Span]:
    """Spans that name a person, tolerant of a small tagger's slips.

    PERSON entities; a person's name glued to an organisation ("… Foreign Ministry
    Jane Doe" tagged as one ORG); and a short proper-noun ORG with no organisation
    word, when it is the subject of a verb (a surname the tagger took for an ORG).
    """
    found: list[Span] = []
    for ent in memoised(doc, "ents", lambda d: d.ents):  # Doc.ents walks every token on each access
        if ent.label_ == "PERSON":
            found.append(ent)
        elif ent.label_ == "ORG":
            words = [t.lower_ for t in ent]
            heads = [i for i, w in enumerate(words) if w in ORGANISATION_HEADS]
            if heads and heads[-1] < len(ent) - 1:
                tail = ent[heads[-1] + 1 :]
                if 1 <= len(tail) <= 3 and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in tail):
                    found.append(tail)
            elif (
                not heads
                and len(ent) <= 3
                and all(t.pos_ == "PROPN" for t in ent)
                and not ent.text.isupper()
                and ent.root.dep_ in ("nsubj", "nsubjpass", "pobj")
            ):
                found.append(ent)
    return sorted(found, key=lambda e: e.start)


def _gender_of(doc: Doc, ent: Span) -> str | None:
    """Gender only where the text states it (an honorific or gendered title right before the name)."""
    for token in doc[max(0, ent.start - 3) : ent.start]:
        word = token.lower_
        if word in MASCULINE_TITLES:
            return "Masc"
        if word in FEMININE_TITLES:
            return "Fem"
    return None


def _resolve_pronoun(
    doc: Doc,
    speaker: Span,
    earlier: EarlierSpeakers,
    exclude: RangeIndex,
    messages: RangeIndex,
    exclude_around: int | None,
) -> Resolution:
    token = speaker.root
    gender = PERSON_PRONOUNS[token.lower_]
    morph_gender = token.morph.get("Gender")
    if morph_gender:
        gender = morph_gender[0]
    # the sentences and the people are found by bisection: a scan of the whole document per pronoun
    # made an article of many quotes quadratic
    sents = memoised(doc, "sents", lambda d: list(d.sents))
    sent_starts = memoised(
        doc, "sent_starts", lambda d: [s.start for s in memoised(d, "sents", lambda e: list(e.sents))]
    )
    sent_index = max(0, bisect.bisect_right(sent_starts, token.i) - 1) if sents else 0
    if sents and not (sents[sent_index].start <= token.i < sents[sent_index].end):
        sent_index = 0
    window_start = sents[max(0, sent_index - _PRONOUN_WINDOW_SENTS)].start_char
    mentions = person_mentions(doc)
    mention_starts = memoised(doc, "person_mention_starts", lambda d: [e.start_char for e in person_mentions(d)])
    first, last = (
        bisect.bisect_left(mention_starts, window_start),
        bisect.bisect_left(mention_starts, speaker.start_char),
    )
    # a name used as a modifier ("the Smith program") is not a person being talked about
    people = [e for e in mentions[first:last] if e.end_char <= speaker.start_char and e.root.dep_ != "compound"]
    direct_free = [e for e in people if not exclude.holds(e.start_char, e.end_char, unless_around=exclude_around)]
    compatible = [e for e in direct_free if _gender_of(doc, e) in (None, gender)]
    # names inside any earlier message were talked about, not speaking: they do not interrupt a speaker's turn
    outside_messages = [
        e for e in people if not messages.holds(e.start_char, e.end_char) and _gender_of(doc, e) in (None, gender)
    ]
    # The speaker of the latest earlier quote, when no other person has been named since.
    last_speaker = earlier.latest(before=speaker.start_char, since=window_start)
    if last_speaker is not None:
        last_text = doc_text(doc)[last_speaker.ref_start : last_speaker.ref_end]
        since = [e for e in outside_messages if e.start_char > last_speaker.at and not _same_person(e.text, last_text)]
        if last_speaker.label in ("PERSON", "") and not since:
            gendered = _gender_at(doc, last_speaker.ref_start, last_speaker.ref_end)
            if gendered in (None, gender):
                return Resolution(
                    ref_start=last_speaker.ref_start, ref_end=last_speaker.ref_end, confidence=0.85, how="pronoun"
                )
    if not compatible:
        return UNRESOLVED
    nearest = compatible[-1]
    recent_sents = {sents[k].start for k in range(max(0, sent_index - 1), sent_index + 1)}
    near = [e for e in compatible if e.sent.start in recent_sents] or [nearest]
    distinct = {_surname(e.text) for e in near}
    # among several people nearby, the latest subject is the likeliest antecedent of a subject pronoun
    subjects = [e for e in near if e.root.dep_ in ("nsubj", "nsubjpass")]
    if len(distinct) > 1 and subjects:
        nearest = subjects[-1]
    confidence = 0.75 if len(distinct) == 1 else 0.55
    return Resolution(ref_start=nearest.start_char, ref_end=nearest.end_char, confidence=confidence, how="pronoun")


def _gender_at(doc: Doc, start: int, end: int) -> str | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return _gender_of(doc, span) if span is not None else None


def _surname(name: str) -> str:
    parts = name.replace("’s", "").replace("'s", "").split()
    return parts[-1].lower() if parts else ""


def _same_person(a: str, b: str) -> bool:
    return _surname(a) == _surname(b)


def _title_context(doc: Doc, ent: Span) -> set[str]:
    """Lower-case lemmas of the title words around a name: before it in its phrase, and an apposition after."""
    words: set[str] = set()
    i = ent.start - 1
    steps = 0
    while i >= ent.sent.start and steps < 14:
        token = doc[i]
        if (
            token.pos_ in ("VERB", "AUX", "CCONJ")
            or token.text in (",", ";", ":", "(", ")", ".", "“", "”", '"')
            or (
                token.ent_type_ == "PERSON"
                and token.ent_iob_ != ""
                and i < ent.start - 1
                and token.ent_type_
                and not any(e.start <= i < e.end for e in [ent])
            )
        ):
            break
        words.add(token.lemma_.lower())
        words.add(token.lower_)
        i -= 1
        steps += 1
    if ent.end < len(doc) and doc[ent.end].text == ",":
        j = ent.end + 1
        while j < ent.sent.end and j < ent.end + 12 and doc[j].text not in (",", ";", ".", ")"):
            if doc[j].pos_ == "VERB":
                break
            words.add(doc[j].lemma_.lower())
            words.add(doc[j].lower_)
            j += 1
    return words


def _resolve_description(doc: Doc, speaker: Span) -> Resolution:
    head = speaker.root.lemma_.lower()
    modifiers = {
        t.lemma_.lower()
        for t in speaker
        if t.i < speaker.root.i and t.dep_ in ("amod", "compound") and t.pos_ in ("ADJ", "PROPN", "NOUN")
    }
    window_start = max(0, speaker.start_char - _DESCRIPTION_WINDOW_CHARS)
    candidates = []
    # only the mentions that start in the window (by bisection: they are in order of start)
    starts = _person_start_chars(doc)
    window = slice(bisect.bisect_left(starts, window_start), bisect.bisect_left(starts, speaker.start_char))
    for ent in person_mentions(doc)[window]:
        if ent.end_char > speaker.start_char or ent.start_char < window_start:
            continue
        context = _title_context(doc, ent)
        if head in context and modifiers <= context:
            candidates.append(ent)
    if not candidates:
        return UNRESOLVED
    chosen = candidates[-1]
    # The description is introduced with a full title once, then shortened ("Morozova"):
    # prefer the full mention, so the reference carries the whole name.
    distinct = {_surname(c.text) for c in candidates}
    confidence = 0.8 if len(distinct) == 1 else 0.6
    return Resolution(ref_start=chosen.start_char, ref_end=chosen.end_char, confidence=confidence, how="description")


def speaker_of(token: Token) -> Span | None:
    """The phrase naming who speaks: the subject, the agent of a passive, or the governing verb's subject."""
    doc = token.doc
    seen = 0
    current = token
    while current is not None and seen < 6:
        seen += 1
        subjects = [c for c in current.children if c.dep_ in ("nsubj", "csubj")]
        if subjects:
            # "…, says X": with two subjects the one after the verb is the speaker
            after = [c for c in subjects if c.i > current.i]
            subject = after[0] if after and len(subjects) > 1 else subjects[0]
            phrase = noun_phrase(subject)
            if phrase.start < current.i < phrase.end and subject.i < current.i:
                # "A majority of voters expect X, the first …": the parser hung a later apposition on the
                # subject across the verb; the speaker's phrase ends before the verb
                phrase = doc[phrase.start : current.i]
            return clip_line(phrase, current)
        passive = [c for c in current.children if c.dep_ == "nsubjpass"]
        agents = [g for c in current.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if agents:
            return clip_line(noun_phrase(agents[0]), current)
        if passive:
            return None  # "it is believed that …": nobody named
        if (
            current.dep_ == "conj"
            and current.head.dep_ == "ccomp"
            and current.lemma_.lower() in SPEECH_VERBS
            and is_cue_verb(current.head.head, QuoteOptions(beliefs=False))
        ):
            # "X said A were B and promised C": the parser hung "promised" inside the reported clause
            current = current.head.head
            continue
        if current.dep_ in ("conj", "xcomp", "advcl", "pcomp", "acl") and current.head is not current:
            current = current.head
            if current.pos_ == "ADP":  # "by saying": the preposition hangs on the verb
                current = current.head
            continue
        break
    # a headline inversion the parser read as an object: "…, says Foreign Minister X"
    followers = [
        c
        for c in token.children
        if c.i > token.i
        and c.dep_ in ("dobj", "attr", "npadvmod", "dative")
        and c.pos_ == "PROPN"
        and c.ent_type_ in ("PERSON", "ORG", "")
    ]
    if followers and token.i > 0 and doc[token.i - 1].text in (",", "’", "”", "'", '"'):
        return clip_line(noun_phrase(followers[0]), token)
    return None


def clip_line(span: Span, anchor: Token) -> Span | None:
    """The part of a phrase on the anchor's line: a parse never joins a headline to the next paragraph."""
    doc = span.doc
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, anchor.idx) + 1
    line_end = text.find("\n", anchor.idx)
    line_end = len(text) if line_end < 0 else line_end
    tokens = [t for t in span if line_start <= t.idx < line_end and not t.is_space]
    if not tokens:
        return None
    return doc[tokens[0].i : tokens[-1].i + 1]


def noun_phrase(token: Token) -> Span:
    """A noun phrase without trailing punctuation or a relative clause set off by commas."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    # cut at a comma that opens a relative clause or apposition after the head, only if very long
    while right > token.i and doc[right].is_punct:
        if doc[right].text == ")" and any(t.text == "(" for t in doc[left:right]):
            break  # "Chaffetz (R-Utah)": a closed bracket belongs to the phrase
        right -= 1
    while left < token.i and doc[left].is_punct:
        left += 1
    return doc[left : right + 1]
