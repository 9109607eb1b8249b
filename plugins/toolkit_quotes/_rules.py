"""Finding attributions in a parsed Doc: quoted speech, reported speech and relays.

The order of the passes matters and each says why:

1. quoted stretches (``_marks``) attached to a reporting verb just after them
   (“…,” he said) or just before them (He added: “…”) are *direct* quotes;
2. every other reporting verb with a message (a that-clause, an inverted clause,
   "accused X of …", "promised to …") gives an *indirect* quote — *partial* or
   *mixed* when its message contains quoted words;
3. relay phrases ("according to X", "cited by X") either name the medium of a
   quote in the same or the previous sentence (``via``) or, alone, attribute
   the clause around them to X;
4. a paragraph introduced by a reporting clause ending in a colon is that
   speaker's words, and a quoted paragraph right after a quote continues it;
5. speakers are resolved (``_speakers``).

Boilerplate lines (bios, comment prompts, captions) never yield a quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from toolkit.cleaning import boilerplate_reason
from toolkit.nlp import doc_text

from ._lexicon import (ATTITUDE_ADJECTIVES, COGNITION_VERBS, DIRECTIVE_VERBS, INFINITIVE_VERBS, INTENTION_VERBS, MEDIA_NOUNS,
                       MESSAGE_NOUNS, OBJECT_COMPLEMENT_VERBS, PREPOSITIONAL_STANCE_VERBS, SOURCE_NOUNS, TOPIC_NOUNS, VOICING_VERBS, OBJECT_MESSAGE_VERBS, RELAY_PHRASES, SPEECH_VERBS, STANCE_VERBS,
                       TOPIC_VERBS)
from ._marks import MarkProblem, Stretch, scan_quotes
from ._memo import memoised, per_doc_memo, tokens_between, tokens_lowered, verb_like_tokens
from ._speakers import EarlierSpeaker, person_mentions, resolve_speaker

__all__ = ["Quote", "QuoteOptions", "find_quotes", "KINDS"]

KINDS = ("direct", "partial", "indirect", "mixed")
_EDGE_PUNCT = " \t\n,;:.—–-"
_OPENERS = "“„«‘\"'`"
_CLOSERS = "”»’\"'"
_CAPTION = re.compile(r",\s*(left|right|centre|center|top|bottom|second from (left|right))\s*[,)]|\((left|right|l|r)\)",
                      re.IGNORECASE)
# “…” ― Jane Doe: a dash, then a name closing the line
_DASH_SPEAKER = re.compile(r"[ \t]*(?P<dash>[―—–]|--)[ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,4})[ \t.]*(?=\n|$)")
_SUBORDINATORS = {"when", "while", "as", "because", "after", "before", "if", "since", "although", "though",
                  "until", "unless", "whereas", "who", "which", "that", "where"}
_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_PRONOUN_CONTENT = {"it", "this", "that", "so", "these", "those", "which", "what"}


@dataclass(frozen=True, kw_only=True)
class QuoteOptions:
    """What counts as an attribution.

    ``beliefs``: also report belief and finding verbs governing a clause ("polls
    show that …", "he believes …") — PolNeAR-style attribution; off gives speech only.
    ``min_direct_words``: a quoted stretch shorter than this with no cue is a
    scare quote, not speech.
    """

    beliefs: bool = True
    min_direct_words: int = 3


@dataclass(frozen=True, kw_only=True)
class Quote:
    """One attribution: who (speaker), how (cue), what (content), through whom (via).

    Offsets are character offsets into ``doc.text``, end exclusive; ``None`` when absent.
    ``content_parts`` lists the content's pieces when a speaker and cue interrupt it
    (“A,” he said. “B.”); ``speaker_ref_*`` is the named mention the speaker resolves to.
    """

    kind: str
    content_start: int
    content_end: int
    content_parts: tuple[tuple[int, int], ...] = ()
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_ref_start: int | None = None
    speaker_ref_end: int | None = None
    speaker_confidence: float = 0.0
    speaker_resolution: str = "none"
    via_start: int | None = None
    via_end: int | None = None
    # which rule found it: quote-after, quote-before, dash, colon-headline, clause, noun, attitude, relay,
    # colon-block, speaker-line, continuation, unattributed
    source: str = ""

    def row(self, text: str) -> dict[str, object]:
        """The quote as a row of the ``quotes`` table (without ids and the corpus-level joins)."""
        def piece(start: int | None, end: int | None) -> str | None:
            return text[start:end] if start is not None and end is not None else None

        return {
            "kind": self.kind,
            "content_start": self.content_start,
            "content_end": self.content_end,
            "content": text[self.content_start:self.content_end],
            "cue_start": self.cue_start,
            "cue_end": self.cue_end,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "speaker_text": piece(self.speaker_start, self.speaker_end),
            "speaker_ref_start": self.speaker_ref_start,
            "speaker_ref_end": self.speaker_ref_end,
            "speaker_ref_text": piece(self.speaker_ref_start, self.speaker_ref_end),
            "speaker_confidence": round(float(self.speaker_confidence), 3),
            "speaker_resolution": self.speaker_resolution,
            "cue": piece(self.cue_start, self.cue_end),
            "via_start": self.via_start,
            "via_end": self.via_end,
            "via_text": piece(self.via_start, self.via_end),
            "content_parts": [list(p) for p in self.content_parts],
            "rule": self.source,
        }


@dataclass(kw_only=True)
class _Draft:
    """A quote being built; frozen into :class:`Quote` once speakers are resolved."""

    kind: str
    content: tuple[int, int]
    parts: list[tuple[int, int]] = field(default_factory=list)
    cue: tuple[int, int] | None = None
    cue_token: int | None = None
    speaker: Span | None = None
    via: tuple[int, int] | None = None
    source: str = ""
    inherited_from: _Draft | None = None


# ---------------------------------------------------------------------------
def find_quotes(doc: Doc, *, options: QuoteOptions | None = None) -> tuple[list[Quote], list[MarkProblem]]:
    """All attributions in a parsed ``doc``, in text order, and the quote marks that could not be paired.

    Needs a parser (dependency labels) and sentence boundaries; never raises on odd text.
    """
    options = options or QuoteOptions()
    text = doc_text(doc)
    if not len(doc):
        return [], []
    with per_doc_memo(doc):
        return _find_quotes(doc, text, options)


def _find_quotes(doc: Doc, text: str, options: QuoteOptions) -> tuple[list[Quote], list[MarkProblem]]:
    stretches, problems = scan_quotes(text)
    blocked = _boilerplate_ranges(text)
    stretches = tuple(s for s in stretches if not _overlaps_any(s.start, s.end, blocked))
    drafts: list[_Draft] = []
    used_cues: set[int] = set()
    used_stretches: set[int] = set()

    # 1. quoted stretches with a cue right after or right before; “A,” he said, “B.” joins B to A
    for index, stretch in enumerate(stretches):
        previous = drafts[-1] if drafts else None
        if previous is not None and _continues(doc, previous, stretch, stretches):
            previous.parts.append((stretch.start, stretch.end))
            previous.content = (previous.content[0], stretch.end)
            used_stretches.add(index)
            continue
        draft = _direct_quote(doc, stretch, stretches)
        if draft is not None and (draft.cue_token is None or draft.cue_token not in used_cues):
            drafts.append(draft)
            used_stretches.add(index)
            if draft.cue_token is not None:
                used_cues.add(draft.cue_token)

    # 2. reporting verbs with a message
    for token in verb_like_tokens(doc):
        if token.i in used_cues or not (_is_cue_verb(token, options) or _is_message_verb(token, options)):
            continue
        draft = _clause_quote(doc, token, stretches, options)
        if draft is not None:
            drafts.append(draft)
            used_cues.add(token.i)
    for index, stretch in enumerate(stretches):
        if any(d.content[0] <= stretch.start and stretch.end <= d.content[1] for d in drafts):
            used_stretches.add(index)

    if options.beliefs:
        _noun_messages(doc, drafts, stretches)

    # 3. relays
    _relay_phrases(doc, drafts, stretches)
    # 4. colon blocks and continued quotations
    _colon_blocks(doc, drafts, blocked)
    _paragraph_openers(doc, drafts)
    _speaker_lines(doc, drafts, blocked)
    _continuations(doc, stretches, used_stretches, drafts, options)

    drafts = [d for d in drafts if not _overlaps_any(d.content[0], d.content[1], blocked)
              and not (d.cue and _overlaps_any(d.cue[0], d.cue[1], blocked))]
    drafts = _drop_nested(_dedupe(drafts))
    drafts.sort(key=lambda d: (d.content[0], d.content[1]))
    return _resolve_all(doc, drafts), list(problems)


# ---------------------------------------------------------------------------
# helpers: ranges and tokens
def _overlaps_any(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in ranges)


def _boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Lines that are not the article's own prose: bios, prompts, captions, related links."""
    ranges, offset = [], 0
    for line in text.splitlines(keepends=True):
        if boilerplate_reason(line) or _CAPTION.search(line):
            ranges.append((offset, offset + len(line)))
        offset += len(line)
    return ranges


def _trim(text: str, start: int, end: int, *, keep_closing: bool = True) -> tuple[int, int]:
    """Strip spaces and edge punctuation; a closing quote mark keeps the punctuation inside it."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT + "(":
        end -= 1
    if not keep_closing:
        while end > start and text[end - 1] in _CLOSERS + _EDGE_PUNCT:
            end -= 1
    # an unmatched bracket at an edge belongs to the context, not the message
    if end > start and text[end - 1] == ")" and text.count("(", start, end) < text.count(")", start, end):
        end -= 1
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
    return start, end


def _span_of(tokens: Iterable[Token]) -> tuple[int, int] | None:
    tokens = list(tokens)
    if not tokens:
        return None
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


_PREPOSITIONAL_VERBS = frozenset().union(*PREPOSITIONAL_STANCE_VERBS.values())
# unions asked of every verb, made once rather than per call
_BELIEF_MESSAGE_VERBS = INTENTION_VERBS | STANCE_VERBS | DIRECTIVE_VERBS | _PREPOSITIONAL_VERBS
_MESSAGE_VERBS = TOPIC_VERBS | INTENTION_VERBS | STANCE_VERBS | DIRECTIVE_VERBS
_OBJECT_TAKING_VERBS = TOPIC_VERBS | STANCE_VERBS | OBJECT_MESSAGE_VERBS
_ALL_VERBS = SPEECH_VERBS | COGNITION_VERBS | INFINITIVE_VERBS | INTENTION_VERBS | TOPIC_VERBS | STANCE_VERBS \
    | DIRECTIVE_VERBS | OBJECT_MESSAGE_VERBS | _PREPOSITIONAL_VERBS


def _verb_lemma(token: Token) -> str:
    """The token's lemma, or the listed verb its inflected form plainly comes from when the
    lemmatiser strayed ("hopes" -> "hop"): a regular -s/-d/-ed/-ing ending on a listed verb.

    >>> import spacy
    >>> doc = spacy.blank("en")("She hopes")
    >>> _verb_lemma(doc[1])
    'hope'
    """
    return _lemma_of_verb(token.lemma_, token.lower_, token.pos_)


@lru_cache(maxsize=4096)
def _lemma_of_verb(lemma: str, word: str, pos: str) -> str:
    """:func:`_verb_lemma` from the token's strings, kept per distinct word: the same few
    hundred verbs come back in every article, and the endings were tried each time."""
    lemma = lemma.lower() or word
    if lemma in _ALL_VERBS or pos not in ("VERB", "AUX", ""):
        return lemma
    for ending, restore in (("es", "e"), ("s", ""), ("ed", "e"), ("ed", ""), ("d", ""), ("ing", "e"), ("ing", "")):
        if word.endswith(ending) and word[: len(word) - len(ending)] + restore in _ALL_VERBS:
            return word[: len(word) - len(ending)] + restore
    return lemma


def _is_cue_verb(token: Token, options: QuoteOptions) -> bool:
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return False
    lemma = _verb_lemma(token)
    if lemma == "put":  # "as the minister put it, …": a cue only in that idiom
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children) \
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children)
    return lemma in SPEECH_VERBS or (options.beliefs and lemma in COGNITION_VERBS)


def _is_message_verb(token: Token, options: QuoteOptions) -> bool:
    """Verbs that attribute only through a particular complement (topic and intention verbs); pass 2 only."""
    if token.pos_ != "VERB":
        return False
    lemma = _verb_lemma(token)
    if lemma in TOPIC_VERBS or (options.beliefs and lemma in _BELIEF_MESSAGE_VERBS):
        return True
    if lemma == "make":  # "made clear that …"
        return any(c.lower_ in ("clear", "plain") for c in token.children)
    return options.beliefs and lemma in _REGARD_VERBS


def _cue_span(token: Token) -> tuple[int, int]:
    """The verb and its particle ("pointed out", "called on")."""
    tokens = [token] + [c for c in token.children if c.dep_ == "prt"]
    if token.lemma_.lower() == "call":  # "called for", "called on": the preposition is part of the cue
        tokens += [c for c in token.children if c.dep_ == "prep" and c.i == token.i + 1 and c.lower_ in ("for", "on")]
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def _subject(token: Token) -> Span | None:
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
            phrase = _phrase(subject)
            if phrase.start < current.i < phrase.end and subject.i < current.i:
                # "A majority of voters expect X, the first …": the parser hung a later apposition on the
                # subject across the verb; the speaker's phrase ends before the verb
                phrase = doc[phrase.start:current.i]
            return _clip_line(phrase, current)
        passive = [c for c in current.children if c.dep_ == "nsubjpass"]
        agents = [g for c in current.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if agents:
            return _clip_line(_phrase(agents[0]), current)
        if passive:
            return None  # "it is believed that …": nobody named
        if current.dep_ == "conj" and current.head.dep_ == "ccomp" and current.lemma_.lower() in SPEECH_VERBS \
                and _is_cue_verb(current.head.head, QuoteOptions(beliefs=False)):
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
    followers = [c for c in token.children if c.i > token.i and c.dep_ in ("dobj", "attr", "npadvmod", "dative")
                 and c.pos_ == "PROPN" and c.ent_type_ in ("PERSON", "ORG", "")]
    if followers and token.i > 0 and doc[token.i - 1].text in (",", "’", "”", "'", '"'):
        return _clip_line(_phrase(followers[0]), token)
    return None


def _clip_line(span: Span, anchor: Token) -> Span | None:
    """The part of a phrase on the anchor's line: a parse never joins a headline to the next paragraph."""
    doc = span.doc
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, anchor.idx) + 1
    line_end = text.find("\n", anchor.idx)
    line_end = len(text) if line_end < 0 else line_end
    tokens = [t for t in span if line_start <= t.idx < line_end and not t.is_space]
    if not tokens:
        return None
    return doc[tokens[0].i:tokens[-1].i + 1]


def _phrase(token: Token) -> Span:
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
    return doc[left:right + 1]


def _quoted_share(doc: Doc, start: int, end: int, stretches: tuple[Stretch, ...]) -> tuple[float, list[Stretch]]:
    inside = [s for s in stretches if start <= s.start and s.end <= end + 1]
    quoted = sum(min(s.end, end) - s.start for s in inside)
    return quoted / max(1, end - start), inside


def _kind_for(doc: Doc, start: int, end: int, stretches: tuple[Stretch, ...]) -> str:
    """direct: wholly quoted; partial: quoted fragments (no finite verb) in reported speech; mixed: quoted clauses too."""
    share, inside = _quoted_share(doc, start, end, stretches)
    if not inside:
        return "indirect"
    if share >= 0.9:
        return "direct"
    for stretch in inside:
        span = doc.char_span(stretch.inner_start, stretch.inner_end, alignment_mode="expand")
        if span is not None and any(t.tag_ in _FINITE_TAGS for t in span):
            return "mixed"
    return "partial"


# ---------------------------------------------------------------------------
# pass 1: direct quotes
def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _direct_quote(doc: Doc, stretch: Stretch, stretches: tuple[Stretch, ...]) -> _Draft | None:
    text = doc_text(doc)
    inner = text[stretch.inner_start:stretch.inner_end]
    if _word_count(inner) < 1:
        return None
    after = _cue_after(doc, stretch, stretches)
    draft = _quote_after(doc, stretch, stretches, after) if after is not None else None
    if draft is not None:
        return draft
    dash = _DASH_SPEAKER.match(text, stretch.end)
    if dash is not None and text[stretch.inner_end - 1:stretch.inner_end] in ".!?…" + ",":
        speaker = doc.char_span(dash.start("name"), dash.end("name"), alignment_mode="expand")
        if speaker is not None:
            content = (stretch.start, stretch.end)
            return _Draft(kind="direct", content=content, parts=[content], cue=(dash.start("dash"), dash.end("dash")),
                          speaker=speaker, source="dash")
    headline = _colon_speaker(doc, stretch)
    if headline is not None:
        speaker, colon = headline
        content = (stretch.start, stretch.end)
        return _Draft(kind="direct", content=content, parts=[content], cue=(colon, colon + 1), speaker=speaker,
                      source="colon-headline")
    before = _cue_before(doc, stretch)
    if before is not None and not _embedded_in_message(doc, before, stretch):
        verb = before
        speaker = _subject(verb)
        content = (stretch.start, stretch.end)
        # "said the answer was simple: “…”": the reported clause before the colon is part of the message
        clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i and c.idx < stretch.start
                       and text[:stretch.start].rstrip().endswith(":")), None)
        if clause is not None and "\n" not in text[clause.left_edge.idx:stretch.start]:
            content = (clause.left_edge.idx, stretch.end)
            return _Draft(kind=_kind_for(doc, *content, stretches), content=content, parts=[content],
                          cue=_cue_span(verb), cue_token=verb.i, speaker=speaker, source="quote-before")
        return _Draft(kind="direct", content=content, parts=[content], cue=_cue_span(verb), cue_token=verb.i,
                      speaker=speaker, source="quote-before")
    return _person_colon(doc, stretch)


def _person_colon(doc: Doc, stretch: Stretch) -> _Draft | None:
    """"Smith was blunt about the vote: “…”": a clause about a person, closed by a colon, introduces
    their words (only with a person as subject: "The plan has three parts: “…”" introduces none)."""
    text = doc_text(doc)
    colon = len(text[:stretch.start].rstrip()) - 1
    if colon < 0 or text[colon] != ":" or "\n" in text[colon:stretch.start]:
        return None
    tokens = tokens_between(doc, colon, colon + 1)
    if not tokens or tokens[0].i == 0:
        return None
    # the clause before the colon: climb from its last word while the head stays before the colon
    root = doc[tokens[0].i - 1]
    while root.head.i != root.i and root.head.i < tokens[0].i:
        root = root.head
    subjects = [c for c in root.children if c.dep_ == "nsubj" and c.i < root.i]
    if not subjects:
        return None
    speaker = _phrase(subjects[0])
    # "Smith's response was short: “…”": the possessor of the answer speaks
    owners = [c for c in subjects[0].children if c.dep_ == "poss"] \
        if subjects[0].lemma_.lower() in _ANSWER_NOUNS else []
    if owners:
        speaker = _phrase(owners[0])
        speaker = speaker[:-1] if len(speaker) > 1 and speaker[-1].tag_ == "POS" else speaker
        if speaker.root.pos_ in ("PROPN", "PRON"):
            content = (stretch.start, stretch.end)
            return _Draft(kind="direct", content=content, parts=[content], cue=(colon, colon + 1), speaker=speaker,
                          source="colon-headline")
    people = {(p.start, p.end) for p in person_mentions(doc)}
    if not (speaker.root.lower_ in ("he", "she") or any(s <= speaker.root.i < e for s, e in people)):
        return None
    content = (stretch.start, stretch.end)
    return _Draft(kind="direct", content=content, parts=[content], cue=(colon, colon + 1), speaker=speaker,
                  source="colon-headline")


def _embedded_in_message(doc: Doc, verb: Token, stretch: Stretch) -> bool:
    """Whether the verb's reported clause runs on past the quotation ("said “budget reforms” would pay for it"):
    then the quoted words are part of reported speech, which the clause pass finds whole."""
    text = doc_text(doc)
    for child in verb.children:
        if child.dep_ not in ("ccomp", "dobj") or child.i < verb.i:
            continue
        end = child.right_edge.idx + len(child.right_edge.text)
        if end > stretch.end and _word_count(text[stretch.end:end]) >= 2 and "\n" not in text[stretch.end:end]:
            return True
    return False


def _quote_after(doc: Doc, stretch: Stretch, stretches: tuple[Stretch, ...], verb: Token) -> _Draft | None:
    """“…,” he said — or "Relations reached a “new level,” he said", where the message starts before the marks."""
    text = doc_text(doc)
    sent = doc.char_span(stretch.start, stretch.end, alignment_mode="expand")
    sent_start = sent[0].sent.start_char if sent is not None else stretch.start
    sent_start = max(sent_start, _clause_floor(text, stretch.start))
    # the clause the verb reports may start before the quote ("… reached a “new level,” he said")
    for child in verb.children:
        if child.dep_ in ("ccomp", "parataxis") and child.left_edge.idx < stretch.start:
            sent_start = min(sent_start, max(_clause_floor(text, stretch.start), child.left_edge.idx))
    lead = text[sent_start:stretch.start]
    if lead.rstrip().endswith((":", "--", "—", "–")):
        # "… on women in the workplace: “…,” the union wrote."; "The senator -- “…,” as an aide put it --"
        sent_start, lead = stretch.start, ""
    if _cue_in(doc, sent_start, stretch.start):
        return None  # a quoted fragment inside someone's reported speech: the clause pass takes it
    speaker = _subject(verb)
    if speaker is not None and speaker.start_char < stretch.end and speaker.end_char > stretch.start:
        speaker = None  # the parser took a word inside the quote as the subject
    start = stretch.start
    if _word_count(lead) >= 2:
        start = _trim(text, sent_start, stretch.start)[0]
        if lead.lstrip()[:1].isupper() and not any(t.tag_ in _FINITE_TAGS for t in tokens_between(doc, start, stretch.end)):
            # "In his book, “Make Your Kid Rich,” Smith suggested …": a title inside an opening phrase, no statement
            return None
    content = _trim(text, start, stretch.end)
    kind = _kind_for(doc, content[0], content[1], stretches)
    return _Draft(kind=kind, content=content, parts=[content], cue=_cue_span(verb), cue_token=verb.i,
                  speaker=speaker, source="quote-after")


_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+")


def _clause_floor(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts, by punctuation and line breaks (the parser may merge sentences)."""
    line_start = text.rfind("\n", 0, position) + 1
    floor = line_start
    for match in _SENTENCE_END.finditer(text, line_start, position):
        floor = match.end()
    return floor


def _colon_speaker(doc: Doc, stretch: Stretch) -> tuple[Span, int] | None:
    """Headline style "Senator Doe: ‘We will win’": a short verbless name phrase, a colon, the quote."""
    text = doc_text(doc)
    colon = len(text[:stretch.start].rstrip()) - 1
    if colon < 0 or text[colon] != ":":
        return None
    floor = _clause_floor(text, colon)
    span = doc.char_span(*_trim(text, floor, colon), alignment_mode="contract")
    if span is None or not len(span) or len(span) > 10:
        return None
    if any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" for t in span):
        return None
    # "Her answer: “…”", "The senator's reply: “…”": a noun of speech names its speaker as possessor
    owners = [c for c in span.root.children if c.dep_ == "poss"] if span.root.lemma_.lower() in _ANSWER_NOUNS else []
    if owners:
        owner = _phrase(owners[0])
        return (owner[:-1] if len(owner) > 1 and owner[-1].tag_ == "POS" else owner), colon
    if not any(t.pos_ == "PROPN" for t in span):
        return None
    return span, colon


# nouns of a turn in a conversation: "His reply: “…”"
_ANSWER_NOUNS = frozenset("answer reply response retort message verdict advice warning explanation reaction "
                          "comment view take plea promise".split())


def _cue_in(doc: Doc, start: int, end: int, *, besides: tuple[int, int] | None = None,
            participles_of: int | None = None) -> bool:
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
        if _is_cue_verb(token, QuoteOptions(beliefs=False)):
            return True
    return False


def _cue_after(doc: Doc, stretch: Stretch, stretches: tuple[Stretch, ...]) -> Token | None:
    """A speech verb within a few words after the closing mark, in the same sentence (“…,” said X)."""
    text = doc_text(doc)
    # a nested quotation may close first: “… he said, ‘we agree,’” Mitchell recalled
    inner_tail = text[stretch.inner_start:stretch.inner_end].rstrip().rstrip(_CLOSERS)
    outer = text[stretch.end:stretch.end + 3].lstrip(" ")
    # the quote must end a clause: punctuation just inside or just outside the closing mark, or a dash
    if not (inner_tail.endswith((",", ".", "!", "?", "…", "—", "-")) or outer.startswith((",", "—", "–", "-"))):
        return None
    # “… .” ends a sentence: only a lower-case cue continues it (“… .” he said), not a new sentence
    sentence_closed = inner_tail.endswith((".", "!", "?"))
    next_open = min((s.start for s in stretches if s.start >= stretch.end), default=len(text))
    limit = min(next_open, len(text))
    tokens = tokens_between(doc, stretch.end, limit)[:40]
    if sentence_closed and tokens and tokens[0].text[:1].isupper() and tokens[0].pos_ != "PROPN":
        return None
    for token in tokens:
        if token.text in (".", "!", "?", "\n") or "\n" in token.text:
            break
        if token.lower_ == "as" and token.dep_ == "mark" and _is_cue_verb(token.head, QuoteOptions(beliefs=False)) \
                and token.head.i > token.i:
            return token.head  # “…,” as one aide put it / as the report noted
        if token.pos_ == "SCONJ" or token.lower_ in _SUBORDINATORS:
            break  # “…,” when Clinton blasted him: the verb belongs to another clause
        if token.tag_ == "VBG" and token.head.i < token.i and any(c.dep_ == "ccomp" for c in token.children):
            continue  # “…,” adding that …: the participle reports a message of its own; the quote's cue is elsewhere
        if _is_cue_verb(token, QuoteOptions(beliefs=False)):
            return token
    return None


def _cue_before(doc: Doc, stretch: Stretch) -> Token | None:
    """A speech verb before the opening mark, introduced by a colon or comma (He added: “…”)."""
    text = doc_text(doc)
    lead = text[:stretch.start].rstrip()
    if not lead:
        return None
    window_start = max(0, len(lead) - 240)
    prefix = lead[window_start:]
    ends_colon = prefix.endswith((":", ",", "—"))
    opener = doc.char_span(stretch.start, stretch.end, alignment_mode="expand")
    if opener is None:
        return None
    sent = opener[0].sent
    candidates = [t for t in sent if t.idx < stretch.start and not t.is_space]
    if not candidates and ends_colon and prefix.endswith(":"):
        # “ opens a new sentence (or paragraph) after a colon: the cue is in the previous sentence
        i = sent.start - 1
        while i >= 0 and doc[i].is_space:
            i -= 1
        candidates = [t for t in doc[i].sent if not t.is_space] if i >= 0 else []
    if not candidates:
        return None
    last = candidates[-1]
    if not ends_colon and not (_is_cue_verb(last, QuoteOptions(beliefs=False))):
        return None
    for token in reversed(candidates):
        if _is_cue_verb(token, QuoteOptions(beliefs=False)):
            return token
        if token.text in (".", "!", "?") or token.pos_ == "VERB" and token.dep_ == "ROOT" and \
                token.lemma_.lower() not in SPEECH_VERBS and not _has_cue_child(token):
            break
    return None


def _has_cue_child(token: Token) -> bool:
    return any(_is_cue_verb(t, QuoteOptions(beliefs=False)) for t in token.subtree)


def _continues(doc: Doc, previous: _Draft, stretch: Stretch, stretches: tuple[Stretch, ...]) -> bool:
    """Whether ``stretch`` resumes the quote just before it, interrupted only by its own cue clause."""
    if previous.source not in ("quote-after", "dash") or previous.kind != "direct" or previous.cue is None:
        return False
    text = doc_text(doc)
    gap_start, gap_end = previous.content[1], stretch.start
    gap = text[gap_start:gap_end]
    if not (previous.cue[0] >= gap_start and previous.cue[1] <= gap_end) or "\n" in gap or len(gap) > 200:
        return False
    if not gap.rstrip().endswith((",", ".", ":", "—", "–", ";")):
        return False
    # no second reporting verb in the gap: that would be a new quote
    span = doc.char_span(gap_start, gap_end, alignment_mode="contract")
    if span is not None and sum(_is_cue_verb(t, QuoteOptions(beliefs=False)) for t in span) > 1:
        return False
    # the resumed part ends its sentence (not “B” to drive up the price …) and carries no cue of its own
    tail = text[stretch.end:stretch.end + 200].split("\n", 1)[0]
    ends_sentence = text[stretch.inner_start:stretch.inner_end].rstrip()[-1:] in ".!?…" or not tail.strip() \
        or tail.lstrip()[:1] in ".!?"
    return ends_sentence and _cue_after(doc, stretch, stretches) is None


# ---------------------------------------------------------------------------
# pass 2: reporting verbs with a message
def _clause_quote(doc: Doc, verb: Token, stretches: tuple[Stretch, ...], options: QuoteOptions) -> _Draft | None:
    text = doc_text(doc)
    lemma = _verb_lemma(verb)
    speech = lemma in SPEECH_VERBS
    message: list[Token] = []
    if lemma == "compare" and verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children) \
            and not _quoted_share(doc, verb.left_edge.idx, verb.right_edge.idx + len(verb.right_edge), stretches)[1]:
        return None  # "earned $98,000, compared with $93,000": a comparison by the writer, not a likening
    if not speech and any(c.dep_ == "prt" and not (lemma in ("speak", "talk") and c.lower_ == "out")
                          for c in verb.children):
        return None  # "show up", "find out": not belief
    if lemma == "make":
        message = _made_clear(verb)
        if not message:
            return None  # "made this clear", "made a profit": no message of its own
    # a that-clause after the verb is its message even when the parser also hangs a fronted clause on it
    # ("Should the firm fail, critics worry that …")
    children = sorted(verb.children, key=lambda c: not (c.i > verb.i and c.dep_ == "ccomp" and any(
        g.dep_ == "mark" and g.lower_ == "that" for g in c.children)))
    for child in () if message else children:
        if child.dep_ == "ccomp" or (child.dep_ == "parataxis" and child.i < verb.i):
            if not speech and not any(g.dep_ in _SUBJECT_DEPS or g.dep_ == "expl" for g in child.children):
                continue
            if child.i < verb.i and not any(t.tag_ in _FINITE_TAGS for t in child.subtree) \
                    and any(t.text in _OPENERS or t.tag_ in ("``", "''") for t in child.subtree):
                continue  # "In his book, “…,” X suggested …": an opening phrase with no statement in it
            message = list(child.subtree)
            if child.i < verb.i:
                message = _whole_fronted_message(verb, message)
            # "cited remarks Trump had made about …": the parser takes a contact relative clause for the
            # verb's clause; an object noun right before it is the head the clause describes
            objects = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NOUN" and verb.i < c.i
                       and c.right_edge.i + 1 == child.left_edge.i]
            if objects and lemma in _OBJECT_TAKING_VERBS and lemma not in _ADDRESSEE_VERBS:
                message = list(objects[0].subtree) + message
            # the parser sometimes splits one clause into two ccomps ("said X has A and Y was B"): rejoin them
            for other in verb.children:
                if other.dep_ == "ccomp" and other.i > child.i and (other.i > verb.i) == (child.i > verb.i) \
                        and other.left_edge.i <= child.right_edge.i + 2:
                    message += list(other.subtree)
            break
    if not message and lemma in _ADDRESSEE_VERBS:
        message = _told_that(verb)
    if not message and speech:
        parenthetical = _parenthetical_quote(doc, verb, stretches)
        if parenthetical is not None:
            return parenthetical
    if not message and lemma in _HOLDING_VERBS and any(c.dep_ == "dobj" and _noun_message(c) for c in verb.children):
        return None  # "expressed concern about the plan": the noun pass gives the plan, held by the subject
    if not message and (speech or lemma in _MESSAGE_VERBS):
        message = _object_message(verb, lemma)
    if not message and lemma in _PREPOSITIONAL_VERBS:
        message = _prepositional_message(verb, lemma)
    if not message and lemma == "show":
        message = _shown(verb)
    if not message and lemma in _REGARD_VERBS:
        message = _regarded(verb)
    if not message and (speech or lemma in STANCE_VERBS):
        message = _passive_message(verb)
    if not message:
        return None
    message = _cut_tail(sorted(message, key=lambda t: t.i))
    # the message never swallows the speaker or the cue
    speaker = _subject(verb)
    span = _span_of(message)
    if span is None:
        return None
    start, end = _line_part(text, span, verb.idx)
    start, end = _close_quotes(text, *_trim(text, start, end), stretches)
    if verb.idx >= start and verb.idx < end:
        return None
    if speaker is not None and speaker.start_char < end and speaker.end_char > start:
        if speaker.start_char > start:
            end = min(end, speaker.start_char)
        else:
            start = max(start, speaker.end_char)
        start, end = _trim(text, start, end)
    if end <= start:
        return None
    if _word_count(text[start:end]) < 2 and not text[start:end].isupper():
        # one word is a message only as a named target of a stance: "endorsed Smith", "attacked Acme"
        named = [t for t in message if t.pos_ == "PROPN" and start <= t.idx < end]
        if not (lemma in STANCE_VERBS and named and named[0].dep_ == "dobj"):
            return None
    words = text[start:end].split()
    if len(words) == 1 and words[0].lower().strip(".,") in _PRONOUN_CONTENT:
        return None  # "he said so", "this was stated by …": no message worth a row
    kind = _kind_for(doc, start, end, stretches)
    if not speech and kind == "indirect" and speaker is None:
        return None  # "it is thought that …" with nobody thinking it
    if lemma in INTENTION_VERBS | _HEDGE_VERBS and speaker is not None and speaker.root.lower_ in ("i", "we", "you"):
        return None  # "I want to ask you …", "I think …": the speaker's own turn of phrase, not a reported view
    return _Draft(kind=kind, content=(start, end), parts=[(start, end)], cue=_cue_span(verb), cue_token=verb.i,
                  speaker=speaker, source="clause")


def _told_that(verb: Token) -> list[Token]:
    """"told a meeting of leaders that few people understood …": the parser may take the that-clause for a
    relative clause on the addressee; its "that" is then a conjunction (mark) and it has a subject of its own."""
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i):
        for token in obj.subtree:
            if token.dep_ == "relcl" and any(g.dep_ == "mark" and g.lower_ == "that" and g.i < token.i
                                             for g in token.children) \
                    and any(g.dep_ in _SUBJECT_DEPS and g.lower_ != "that" for g in token.children):
                return [t for t in token.subtree if t.i > verb.i]
    return []


def _whole_fronted_message(verb: Token, message: list[Token]) -> list[Token]:
    """"A told B that C, but D, the source added": a trailing cue reports the whole sentence before it,
    though the parser hangs only the last coordinated clause (D) on it."""
    doc = verb.doc
    first = message[0].i
    if first < 2 or doc[first - 1].dep_ != "cc" or doc[first - 2].text != ",":
        return message
    start = verb.sent.start
    if doc[start].i >= first or any(t.text in (";", ":")
                                    for t in doc[start:first]):
        return message  # a cue before it speaks for the first part
    return list(doc[start:first]) + message


# verbs of opinion that in the first or second person hedge the speaker's own words ("I think …", "I guess …")
_HEDGE_VERBS = frozenset("think believe guess suppose reckon feel imagine".split())


def _cut_tail(message: list[Token]) -> list[Token]:
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
        if token.text == ";":
            cut = True
        elif following is not None and token.text in _GLOSS_OPENERS and _writer_gloss(token, following, last, doc):
            cut = True
        elif token.dep_ == "conj" and token.pos_ == "VERB" and token.lemma_.lower() in SPEECH_VERBS | TOPIC_VERBS \
                and token.lemma_.lower() not in INFINITIVE_VERBS \
                and not any(c.dep_ in _SUBJECT_DEPS for c in token.children) \
                and any(c.dep_ in ("ccomp", "xcomp") or c.dep_ == "prep" and c.lower_ in ("of", "for")
                        or c.dep_ == "prep" and c.lower_ in _TOPIC_PREPS and token.lemma_.lower() in SPEECH_VERBS
                        for c in token.children):
            cut = True
        elif token.text in _GLOSS_OPENERS and k + 1 < len(message):
            following = message[k + 1]
            if following.tag_ == "VBG" or (following.pos_ == "ADV" and k + 2 < len(message)
                                             and message[k + 2].tag_ == "VBG"):
                participle = following if following.tag_ == "VBG" else message[k + 2]
                cut = participle.dep_ in ("advcl", "xcomp", "conj", "acl") and participle.right_edge.i >= last - 1
        if cut:
            kept = message[:k]
            while kept and (kept[-1].is_punct or kept[-1].dep_ == "cc"):
                kept.pop()
            return kept
    return message


# nouns by which a writer names a remark just reported: "… — a jab at his rival", "… — a metaphor for …"
_REMARK_NOUNS = frozenset("metaphor reference remark comment move step jab dig swipe nod allusion sentiment phrase "
                          "line echo rebuke retort".split())
_GLOSS_OPENERS = frozenset({",", "—", "–", "--", "-", "―"})

_GLOSS_SUBORDINATORS = frozenset({"although", "though", "while", "whereas", "when", "after", "before"})


def _writer_gloss(punct: Token, following: Token, last: int, doc: Doc) -> bool:
    """Whether ``punct`` opens an addition by the writer that runs to the message's end (see :func:`_cut_tail`)."""
    if following.is_punct or following.text in _OPENERS:
        return False
    if punct.text != ",":
        # after a dash the words are as often the speaker's own elaboration as the writer's; the writer names
        # the remark itself ("— a charge that …", "— a nod to …")
        noun = next((t for t in doc[following.i:min(last + 1, following.i + 4)] if t.pos_ == "NOUN"), None)
        return following.lower_ in ("a", "an") and noun is not None and noun.right_edge.i >= last - 1 \
            and noun.lemma_.lower() in MESSAGE_NOUNS | _REMARK_NOUNS
    if following.lower_ in ("which", "who", "whom", "whose") and following.head.dep_ == "relcl" \
            or following.dep_ == "relcl":
        clause = following.head if following.head.dep_ == "relcl" else following
        return clause.right_edge.i >= last - 1
    if following.lower_ in _GLOSS_SUBORDINATORS or following.lower_ == "aside" and following.nbor(1).lower_ == "from":
        return following.head.right_edge.i >= last - 1 or following.lower_ == "aside"
    appositions = [t for t in doc[following.i:last + 1] if t.dep_ == "appos" and t.left_edge.i == following.i]
    return bool(appositions) and appositions[0].right_edge.i >= last - 1


def _parenthetical_quote(doc: Doc, verb: Token, stretches: tuple[Stretch, ...]) -> _Draft | None:
    """"The museum, she said, will open in May": the parser hangs the cue clause on the message's verb.

    The message is the governing clause without the cue clause, in up to two parts around it.
    """
    text = doc_text(doc)
    head = verb.head
    if verb.dep_ != "parataxis" or head.i == verb.i or head.pos_ not in ("VERB", "AUX"):
        return None
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects or any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in verb.children):
        return None  # a clause of its own ("…; he said the vote was rigged"), not an aside
    speaker = _subject(verb)
    aside = {t.i for t in verb.subtree}
    if speaker is not None and speaker.end <= verb.i:
        # the parser may hang part of the speaker's phrase on the message ("The bridge, the engineer X said, …"):
        # the aside starts after the comma that opens it
        first = speaker.start
        while first > head.left_edge.i and doc[first - 1].text not in (",", "—", "--", "(") \
                and doc[first - 1].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "PUNCT") and first > speaker.start - 4:
            first -= 1
        if doc[first - 1].text in (",", "—", "--", "("):
            speaker = doc[first:speaker.end]
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
        span = _span_of(run)
        if span is None:
            continue
        start, end = _trim(text, *_line_part(text, span, verb.idx))
        if end > start and _word_count(text[start:end]):
            parts.append((start, end))
    if not parts or sum(_word_count(text[s:e]) for s, e in parts) < 3:
        return None
    start, end = _close_quotes(text, parts[0][0], parts[-1][1], stretches)
    parts[0], parts[-1] = (start, parts[0][1]), (parts[-1][0], end)
    kind = _kind_for(doc, start, end, stretches)
    return _Draft(kind=kind, content=(start, end), parts=parts, cue=_cue_span(verb), cue_token=verb.i,
                  speaker=speaker, source="clause")


def _line_part(text: str, span: tuple[int, int], anchor: int) -> tuple[int, int]:
    """Clip a message to the anchor's paragraph: reported speech does not run across paragraphs."""
    start, end = span
    line_start = text.rfind("\n", 0, anchor) + 1
    line_end = text.find("\n", anchor)
    line_end = len(text) if line_end < 0 else line_end
    return max(start, line_start), min(end, line_end)


def _close_quotes(text: str, start: int, end: int, stretches: tuple[Stretch, ...]) -> tuple[int, int]:
    """Take in the closing (or opening) mark of a quoted stretch the message stops just short of."""
    for stretch in stretches:
        # a quotation that starts inside the message runs to its closing mark (often past the parser's sentence)
        if start <= stretch.start < end < stretch.end and stretch.paragraphs == 1:
            end = stretch.end
        if start < stretch.end <= end and stretch.start < start and not text[stretch.start:start].strip(" " + _OPENERS):
            start = stretch.start
    return start, end


def _object_message(verb: Token, lemma: str) -> list[Token]:
    """The message of verbs that take an object and a complement: "accused X of …", "promised to …"."""
    children = list(verb.children)
    if lemma not in INFINITIVE_VERBS and _hypothetical(verb):
        return []  # "wants to thank X for Y", "is required to disclose Z"
    if lemma == "call":
        return _call_message(verb)
    if lemma in OBJECT_COMPLEMENT_VERBS:
        objects = [c for c in children if c.dep_ in ("dobj", "dative")]
        preps = [c for c in children if c.dep_ == "prep" and c.i > verb.i and c.lower_ in ("of", "for", "on", "over")
                 and any(g.dep_ in ("pcomp", "pobj") for g in c.children)]
        if preps:
            tokens = [t for p in preps for t in p.subtree]
            tokens += [t for o in objects for t in o.subtree]
            return tokens
        xcomps = [c for c in children if c.dep_ == "xcomp"]
        if xcomps:
            return [t for c in xcomps for t in c.subtree] + [t for o in objects for t in o.subtree]
    if lemma in INFINITIVE_VERBS:
        xcomps = [c for c in children if c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)]
        if xcomps:
            return _right_extent(verb, xcomps[0], infinitive=True)
    # "called the move “reckless”", "wished Russia victory over the “hegemony …”": a quoted complement
    right = [c for c in children if c.i > verb.i and c.dep_ in ("dobj", "dative", "oprd", "prep", "xcomp", "attr", "ccomp")]
    tokens = [t for c in right for t in c.subtree]
    if tokens and any(t.text in _OPENERS for t in tokens):
        return tokens
    if lemma in ("express", "voice") :
        objects = [c for c in children if c.dep_ == "dobj" and any(g.dep_ in ("acl", "ccomp", "relcl") for g in c.children)]
        if objects:
            return list(objects[0].subtree)
    if lemma in ("speak", "talk"):
        # "spoke of the past", "talked about jobs", "spoke out against the war"
        preps = [c for c in children if c.dep_ == "prep" and c.lower_ in ("of", "about", "on", "against")
                 and any(g.dep_ in ("pobj", "pcomp") for g in c.children)]
        return _right_extent(verb, preps[0])[1:] if preps else []
    if lemma in DIRECTIVE_VERBS:
        # "urged voters to …": the addressee and what they are to do
        objects = [c for c in children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
        xcomps = [c for c in children if c.dep_ in ("xcomp", "ccomp") and c.i > verb.i
                  and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)]
        if objects and xcomps:
            return _right_extent(verb, objects[0], infinitive=True)
    if lemma in OBJECT_MESSAGE_VERBS:
        objects = [c for c in children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") and
                   len(list(c.subtree)) >= 2]
        if objects:
            return _right_extent(verb, objects[0])
    if lemma in _OBJECT_OR_GERUND_VERBS:
        # "admitted using the loophole", "proposed cutting the rate": a gerund clause as the object
        # (not "tweeted using his account": there the gerund says how)
        gerunds = [c for c in children if c.dep_ in ("xcomp", "ccomp", "dobj") and c.tag_ == "VBG" and c.i > verb.i
                   and not any(g.dep_ in _SUBJECT_DEPS for g in c.children)]
        if gerunds and not any(c.dep_ == "dobj" and c.i < gerunds[0].i for c in children):
            return _right_extent(verb, gerunds[0])
    if lemma in STANCE_VERBS:
        objects = [c for c in children if c.dep_ == "dobj" and c.i > verb.i and c.pos_ in ("NOUN", "PROPN")]
        if objects and lemma in _PHYSICAL_SENSES and objects[0].ent_type_ not in ("PERSON", "ORG", "NORP") \
                and not any(c.dep_ == "prep" and c.lower_ in ("as", "for", "over") for c in children):
            return []  # "hackers attacked the website", "backed the car": an act, not a stance
        if objects:
            return _right_extent(verb, objects[0])
    passive_participle = verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in children)
    # the addressee of a question may stand between: "asked the senator about the vote"
    # ("was asked about the vote": the one asked is the subject, the asker unnamed)
    blocking = ("ccomp", "xcomp") if lemma in _QUESTION_VERBS else ("dobj", "ccomp", "xcomp")
    if lemma in _QUESTION_VERBS and any(c.dep_ in ("auxpass", "nsubjpass") for c in children):
        return []
    if lemma in SPEECH_VERBS and not passive_participle and not any(c.dep_ in blocking for c in children):
        # "complained about the noise", "warned against haste", "joked about his age": the topic spoken of
        # (not "Asked about the noise, she …": there the subject answers a question put to her)
        topic_preps = _TOPIC_PREPS | {"to"} if lemma in _ANSWERING_VERBS else _TOPIC_PREPS
        preps = [c for c in children if c.dep_ == "prep" and c.i > verb.i and c.lower_ in topic_preps
                 and any(g.dep_ in ("pobj", "pcomp") for g in c.children)]
        if preps:
            return _right_extent(verb, preps[0])[1:]
    return []


def _prepositional_message(verb: Token, lemma: str) -> list[Token]:
    """"voted against the bill", "sided with the union": the object of a preposition listed for the verb."""
    if _hypothetical(verb):
        return []
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.i > verb.i
                 and lemma in PREPOSITIONAL_STANCE_VERBS.get(c.lower_, ())
                 and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
    return _right_extent(verb, prep)[1:] if prep is not None else []


# verbs whose subject holds the message noun they take: "voiced concern about …", "raised doubts about …"
_HOLDING_VERBS = frozenset("express voice raise share air".split())

# speech verbs whose object can be the person addressed: "told reporters he …", "warned voters it …"
_ADDRESSEE_VERBS = frozenset("tell ask warn remind assure inform promise show teach convince notify advise urge "
                             "thank praise blame criticize criticise accuse question".split())

# speech verbs whose object is the person questioned, not the message
_QUESTION_VERBS = frozenset({"ask", "question", "press"})

# speech verbs besides OBJECT_MESSAGE_VERBS that take a gerund as what is said: "suggested raising …"
_GERUND_OBJECT_VERBS = frozenset("suggest advocate regret recall".split())
_OBJECT_OR_GERUND_VERBS = OBJECT_MESSAGE_VERBS | _GERUND_OBJECT_VERBS

# stance verbs that as often name a physical act; a stance only toward a named party or with "as/for/over"
_PHYSICAL_SENSES = frozenset({"attack", "defend"})

# speech verbs whose "to" names what they answer or point at: "responded to the charge", "pointed to the data"
_ANSWERING_VERBS = frozenset("respond reply react point object".split())

# prepositions after a speech verb that introduce what the speech was about
_TOPIC_PREPS = frozenset({"about", "against", "of", "on", "over"})


# verbs of seeing one thing as another: "saw the remark as a dig", "regards the tower as an eyesore"
_REGARD_VERBS = frozenset("see view regard perceive deem".split())


def _regarded(verb: Token) -> list[Token]:
    """"Veterans saw the remark as a dig at the army": the object and what it is taken for."""
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i]
    as_phrase = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > verb.i]
    if not objects or not as_phrase or not any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        return []
    return _right_extent(verb, objects[0])


def _made_clear(verb: Token) -> list[Token]:
    """"She made (it) clear that she would not run": the that-clause is her message."""
    clear = next((c for c in verb.children if c.lower_ in ("clear", "plain") and c.i > verb.i), None)
    if clear is None:
        return []
    def says_something(c: Token) -> bool:  # a clause with "that" or a subject of its own
        return c.dep_ in ("advcl", "ccomp") and c.i > clear.i and \
            any(g.dep_ == "mark" and g.lower_ == "that" or g.dep_ in _SUBJECT_DEPS for g in c.children)

    clause = next((c for c in clear.children if says_something(c)), None)
    if clause is None:
        clause = next((c for c in verb.children if says_something(c)), None)
    return list(clause.subtree) if clause is not None else []


def _shown(verb: Token) -> list[Token]:
    """"Polls show Smith with a narrow lead", "the survey showed her ahead": what a poll or study shows.

    Only with a source of evidence as subject: "she showed him the garden" shows nothing said.
    """
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects or subjects[0].lemma_.lower() not in SOURCE_NOUNS | _EVIDENCE_NOUNS:
        return []
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i]
    return _right_extent(verb, objects[0]) if objects else []


# what can show a finding besides the texts in SOURCE_NOUNS
_EVIDENCE_NOUNS = frozenset("data number figure average result record document chart map count tally "
                            "estimate model forecast research test".split())


def _passive_message(verb: Token) -> list[Token]:
    """"The plan was endorsed by the union": with a named agent, the passive subject is what was said or backed."""
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i and c.pos_ in ("NOUN", "PROPN")]
    agents = [c for c in verb.children if c.dep_ == "agent" and any(g.dep_ == "pobj" for g in c.children)]
    if not subjects or not agents:
        return []
    return [t for t in subjects[0].subtree if not t.is_punct or t.i != subjects[0].right_edge.i]


# prepositions that carry part of a message hung on the verb ("cited X as Y", "called for X from Y")
_MESSAGE_PREPS = frozenset({"as", "to", "for", "of", "with", "against", "about", "from", "over", "into"})


def _hypothetical(verb: Token) -> bool:
    """"is required to disclose its donors", "refused to confirm": an act nobody performed (yet)."""
    return verb.dep_ == "xcomp" and not _is_cue_verb(verb.head, QuoteOptions(beliefs=False))


def _right_extent(verb: Token, first: Token, *, infinitive: bool = False) -> list[Token]:
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
            if infinitive and child.tag_ == "VB" and not any(g.dep_ in _SUBJECT_DEPS for g in child.children):
                tokens += list(child.subtree)
                continue
            # "emphasized fairness, and a need to …": the parser hangs a second object on the verb
            if child.pos_ in ("NOUN", "PROPN") and not any(g.dep_ in _SUBJECT_DEPS for g in child.children):
                tokens += list(child.subtree)
                continue
            # "has mentioned refinancing loans and forcing …": a gerund coordinated with a finite verb
            # is a second object, not a second act (that would share the verb's tense: "… and forced …")
            if child.tag_ == "VBG" and verb.tag_ != "VBG" and not any(g.dep_ in _SUBJECT_DEPS for g in child.children):
                tokens += list(child.subtree)
                continue
            break
        if child.dep_ in ("parataxis", "mark") or child.dep_ in ("advcl", "npadvmod") and \
                child.left_edge.i > 0 and verb.doc[child.left_edge.i - 1].text in (",", ";", "—", "--"):
            break
        if child.dep_ in ("advcl", "npadvmod", "advmod") or child.dep_ == "prep" and child.lower_ not in _MESSAGE_PREPS \
                and _circumstance(child):
            continue  # "… in a statement on Thursday", "… during a campaign stop": circumstances of saying
        tokens += list(child.subtree)
    tokens += _stranded_conjunct(verb, max(t.i for t in tokens))
    return sorted(set(tokens), key=lambda t: t.i)


def _stranded_conjunct(verb: Token, last: int) -> list[Token]:
    """"… promising to meet and in some cases exceed the goals", "… by emphasizing X, and a need to …":
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
            if any(g.dep_ in _SUBJECT_DEPS for g in conjunct.children):
                return []
            return list(conjunct.subtree)
    return []


def _circumstance(prep: Token) -> bool:
    """Whether a preposition hung on a message verb tells when, where or in what the saying happened."""
    objects = [g for g in prep.children if g.dep_ == "pobj"]
    if not objects or prep.lower_ in _TIME_PREPS:
        return True
    head = objects[0]
    return head.ent_type_ in ("DATE", "TIME", "GPE", "LOC", "FAC", "EVENT") \
        or head.lemma_.lower() in SOURCE_NOUNS | MEDIA_NOUNS | _SAYING_OCCASIONS


# prepositions that only ever say when: "… during the debate", "… amid the protests"
_TIME_PREPS = frozenset("during amid throughout since until".split())

# what a statement is made at or during: "told reporters at a rally", "said in an interview"
_SAYING_OCCASIONS = frozenset("rally event conference briefing hearing meeting debate appearance visit trip stop "
                              "show program programme broadcast session forum summit campaign".split())


def _call_message(verb: Token) -> list[Token]:
    """"called for a recount", "called on X to resign", "called the plan a disaster"; never "a man called Bob"."""
    if verb.dep_ in ("acl", "amod") or verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return []
    children = list(verb.children)
    for prep in (c for c in children if c.dep_ == "prep" and c.i > verb.i):
        objects = [g for g in prep.children if g.dep_ == "pobj"]
        if prep.lower_ == "for" and (objects or any(g.dep_ == "pcomp" for g in prep.children)):
            return _right_extent(verb, prep)[1:]  # "called for a recount", "called for cutting taxes"
        if prep.lower_ == "on" and objects:
            # the infinitive may hang on the verb or on the object: "called on X to resign"
            rest = [t for c in children if c.dep_ in ("xcomp", "ccomp") and c.i > prep.i for t in c.subtree]
            tokens = list(prep.subtree)[1:] + rest
            return tokens if any(t.lower_ == "to" for t in tokens) else []
    objects = [c for c in children if c.dep_ == "dobj" and c.i > verb.i]
    complements = [c for c in children if c.dep_ in ("oprd", "xcomp", "ccomp") and c.i > verb.i]
    if objects and complements:
        return _right_extent(verb, objects[0])
    # "called the move a disaster" is sometimes parsed as one clause under the verb
    clauses = [c for c in children if c.dep_ == "ccomp" and c.i > verb.i]
    if clauses and any(g.dep_ == "nsubj" for g in clauses[0].children):
        return list(clauses[0].subtree)
    return []


# nouns for someone by the stance they hold: "X is a staunch opponent of Y"
_HOLDER_NOUNS = frozenset("opponent supporter critic defender advocate proponent champion backer foe fan "
                          "skeptic sceptic admirer detractor".split())


_NOUN_PASS_IDS = frozenset(get_string_id(word) for word in
                           MESSAGE_NOUNS | ATTITUDE_ADJECTIVES | frozenset().union(*TOPIC_NOUNS.values()) | _HOLDER_NOUNS)


def _noun_messages(doc: Doc, drafts: list[_Draft], stretches: tuple[Stretch, ...]) -> None:
    """"the claim that …", "her decision to …": a message noun with a that-clause or to-infinitive complement.

    The holder is the noun's possessor ("Smith's claim") or the subject of the verb it is the
    object of ("Smith made the claim", "the agency issued a warning"); otherwise nobody is named.
    """
    text = doc_text(doc)
    cues = {d.cue_token for d in drafts if d.cue_token is not None}
    # one pass over the token arrays instead of a Token object per word: only listed words go further
    words = doc.to_array([LEMMA, LOWER])
    candidates = [i for i, (lemma, lower) in enumerate(words.tolist()) if lemma in _NOUN_PASS_IDS or lower in _NOUN_PASS_IDS]
    for noun in (doc[i] for i in candidates):
        if noun.pos_ == "ADJ" and noun.dep_ == "acomp" and noun.lemma_.lower() in ATTITUDE_ADJECTIVES:
            draft = _attitude(doc, noun, stretches)
            if draft is not None:
                drafts.append(draft)
            continue
        if noun.pos_ == "NOUN" and noun.dep_ == "attr" and noun.lemma_.lower() in _HOLDER_NOUNS:
            draft = _holder(doc, noun, stretches)
            if draft is not None:
                drafts.append(draft)
            continue
        if noun.pos_ != "NOUN" or noun.i in cues:
            continue
        lemma = noun.lemma_.lower()
        tokens = _noun_message(noun)
        if not tokens:
            continue
        tokens = _cut_tail(tokens)
        span = _span_of(tokens)
        if span is None:
            continue
        start, end = _close_quotes(text, *_trim(text, *_line_part(text, span, noun.idx)), stretches)
        if _word_count(text[start:end]) < (3 if lemma in MESSAGE_NOUNS else 1):
            continue
        owners = [c for c in noun.children if c.dep_ == "poss"]
        speaker: Span | None = None
        if owners:
            speaker = _phrase(owners[0])
            if len(speaker) > 1 and speaker[-1].tag_ == "POS":  # "Smith's": the name without the clitic
                speaker = speaker[:-1]
        elif noun.dep_ == "dobj" and noun.head.lemma_.lower() in VOICING_VERBS:
            speaker = _subject(noun.head)
        elif noun.dep_ == "ROOT" and noun.tag_ == "NNS" and lemma in SPEECH_VERBS and noun.i > noun.left_edge.i \
                and all(t.dep_ == "compound" and t.head.i == noun.i for t in doc[noun.left_edge.i:noun.i]):
            # "Smith charges that …" with no verb in the sentence: the tagger took the verb for a plural noun
            # and its subject for a modifier of it
            speaker = doc[noun.left_edge.i:noun.i]
        if speaker is None and text.rfind("\n", 0, noun.idx) + 1 == noun.left_edge.idx:
            continue  # "Refusal to export arms" opening a line: a subheading, not a message
        if speaker is None and len(tokens) <= 3 and not any(t.pos_ in ("VERB", "AUX") for t in tokens):
            continue  # "an attack on the island", "demand for coal": a short topic nobody is named as holding
        drafts.append(_Draft(kind=_kind_for(doc, start, end, stretches), content=(start, end), parts=[(start, end)],
                             cue=(noun.idx, noun.idx + len(noun.text)), cue_token=noun.i, speaker=speaker,
                             source="noun"))


def _noun_message(noun: Token) -> list[Token]:
    """The message a noun of saying or attitude carries: "the claim that …", "concern about …"."""
    lemma = noun.lemma_.lower()
    doc = noun.doc
    if lemma in MESSAGE_NOUNS and not (noun.i > 0 and doc[noun.i - 1].lower_ == "in"):  # "in order to"
        # the parser may call a complement clause a relative one ("a report that X had …"); its "that"
        # is then still a conjunction (mark), where a true relative's "that" is a subject or object
        clause = next((c for c in noun.children if c.i > noun.i and c.pos_ in ("VERB", "AUX") and (
                       c.dep_ in ("acl", "ccomp") and any(g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to")
                                                          for g in c.children)
                       or c.dep_ == "relcl" and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children))), None)
        if clause is not None:
            return list(clause.subtree)
    prep = next((c for c in noun.children if c.i == noun.i + 1 and c.dep_ == "prep"
                 and noun.lower_ in TOPIC_NOUNS.get(c.lower_, ()) and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
    return list(prep.subtree)[1:] if prep is not None else []


def _holder(doc: Doc, noun: Token, stretches: tuple[Stretch, ...]) -> _Draft | None:
    """"The mayor is a staunch opponent of the stadium": the subject holds a stance toward the noun's object."""
    prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" and c.i > noun.i
                 and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
    subjects = [c for c in noun.head.children if c.dep_ == "nsubj"] if noun.head.lemma_ == "be" else []
    if prep is None or not subjects:
        return None
    return _subject_stance(doc, noun, list(prep.subtree)[1:], _clip_line(_phrase(subjects[0]), noun), stretches)


def _attitude(doc: Doc, adjective: Token, stretches: tuple[Stretch, ...]) -> _Draft | None:
    """"The union is critical of the plan", "she was confident that …": the subject's attitude and its object."""
    tokens: list[Token] = []
    for child in adjective.children:
        if child.i < adjective.i:
            continue
        if child.dep_ in ("ccomp", "xcomp"):
            tokens = list(child.subtree)
        elif child.dep_ == "prep" and child.i == adjective.i + 1 and any(g.dep_ in ("pobj", "pcomp") for g in child.children):
            tokens = list(child.subtree)[1:]
        if tokens:
            break
    # the copula's own subject: in "called on reporters to be interested in …" the caller is not interested
    subjects = [c for c in adjective.head.children if c.dep_ in ("nsubj", "nsubjpass")] \
        if adjective.head.i != adjective.i else []
    speaker = _clip_line(_phrase(subjects[0]), adjective) if subjects else None
    return _subject_stance(doc, adjective, tokens, speaker, stretches)


def _subject_stance(doc: Doc, cue: Token, tokens: list[Token], speaker: Span | None,
                    stretches: tuple[Stretch, ...]) -> _Draft | None:
    """The draft for ``speaker``'s stance, named by ``cue`` (an attitude noun or adjective), toward ``tokens``;
    none for a first- or second-person holder or when nothing is left of the object."""
    text = doc_text(doc)
    span = _span_of(_cut_tail(tokens))
    if span is None or speaker is None or speaker.root.lower_ in ("i", "we", "you"):
        return None
    start, end = _close_quotes(text, *_trim(text, *_line_part(text, span, cue.idx)), stretches)
    if end <= start or not _word_count(text[start:end]):
        return None
    return _Draft(kind=_kind_for(doc, start, end, stretches), content=(start, end), parts=[(start, end)],
                  cue=(cue.idx, cue.idx + len(cue.text)), cue_token=cue.i, speaker=speaker, source="attitude")


# ---------------------------------------------------------------------------
# pass 3: relays
def _relay_phrases(doc: Doc, drafts: list[_Draft], stretches: tuple[Stretch, ...]) -> None:
    text = doc_text(doc)
    for token in tokens_lowered(doc, _RELAY_FIRST_WORDS):
        i = token.i
        phrase = _relay_at(doc, i)
        if phrase is None:
            continue
        last = doc[i + len(phrase) - 1]
        objects = [c for c in last.children if c.dep_ == "pobj"] or \
                  [t for t in doc[last.i + 1:min(len(doc), last.i + 3)] if t.pos_ in ("PROPN", "NOUN")][:1]
        if not objects:
            continue
        source = _phrase(objects[0])
        via = (source.start_char, source.end_char)
        cue = (token.idx, last.idx + len(last.text))
        sent = token.sent
        direct = [d.content for d in drafts if d.kind == "direct"]
        # a quote cued in the same sentence before the relay (not a cue nested inside a quotation):
        # the relay is its medium
        same = [d for d in drafts if d.cue and sent.start_char <= d.cue[0] < cue[0] and d.via is None
                and not any(s <= d.cue[0] < e for s, e in direct)]
        if same:
            target = max(same, key=lambda d: d.cue[0])
            target.via = via
            if target.content[0] < cue[0] < target.content[1]:  # "… , according to X" is not part of the message
                target.content = _trim(text, target.content[0], cue[0])
                target.parts = [(a, min(b, target.content[1])) for a, b in target.parts if a < target.content[1]]
            continue
        # a fragment right after a quote ("… ” Program X, cited by the state agency.")
        before = [d for d in drafts if d.content[1] <= cue[0] and d.via is None and d.kind == "direct"]
        latest = max(before, key=lambda d: d.content[1]) if before else None
        fragment_start = max(sent.start_char, latest.content[1]) if latest else sent.start_char
        has_clause = any(t.dep_ in _SUBJECT_DEPS for t in sent
                         if t.idx >= fragment_start and not (cue[0] <= t.idx < via[1]))
        if latest is not None and not has_clause and len(text[latest.content[1]:cue[0]]) < 120 \
                and text[latest.content[1]:cue[0]].count("\n") == 0:
            latest.via = via
            continue
        if phrase[0] != "according" and phrase[:2] != ("in", "the"):
            continue
        # alone: "according to X" attributes the clause around it to X
        outside = [t for t in sent if not (cue[0] <= t.idx < source.end_char)]
        before = [t for t in outside if t.idx < cue[0]]
        after = [t for t in outside if t.idx >= source.end_char]
        side = before if _word_count(" ".join(t.text for t in before)) >= _word_count(" ".join(t.text for t in after)) else after
        content = _span_of(side)
        if content is None:
            continue
        start, end = _trim(text, *content)
        start, end = _close_quotes(text, start, end, stretches)
        if _word_count(text[start:end]) < 2:
            continue
        if any(d.content[0] <= start and end <= d.content[1] and d.cue and d.cue[0] >= end for d in drafts):
            continue
        drafts.append(_Draft(kind=_kind_for(doc, start, end, stretches), content=(start, end), parts=[(start, end)],
                             cue=cue, speaker=source, source="relay"))
    # "In his opinion, …": the possessor holds the view
    for token in tokens_lowered(doc, frozenset({"in"})):
        if token.i + 2 >= len(doc):
            continue
        owner, noun = doc[token.i + 1], doc[token.i + 2]
        # third person only: "in our view" inside a quotation is the speaker's own voice
        if owner.lower_ not in ("his", "her", "their") or noun.lower_ not in ("opinion", "view", "words",
                                                                               "estimation", "assessment"):
            continue
        sent = token.sent
        rest = [t for t in sent if t.i > noun.i and not (t.is_punct and t.i == noun.i + 1)]
        content = _span_of(rest)
        if content is None or token.i != sent.start and doc[token.i - 1].text not in (",", "“"):
            continue
        start, end = _trim(text, *content)
        if _word_count(text[start:end]) >= 3:
            drafts.append(_Draft(kind=_kind_for(doc, start, end, ()), content=(start, end), parts=[(start, end)],
                                 cue=(token.idx, noun.idx + len(noun.text)), speaker=doc[owner.i:owner.i + 1],
                                 source="relay"))
    _source_frames(doc, drafts, stretches)
    # a medium reporting someone else's words: "… the spokesperson said, the agency wrote"
    for verb in verb_like_tokens(doc):
        if not _is_cue_verb(verb, QuoteOptions(beliefs=False)) or any(d.cue_token == verb.i for d in drafts):
            continue
        medium = _subject(verb)
        if medium is None or not _is_medium(medium):
            continue
        earlier = [d for d in drafts if d.cue and verb.sent.start_char <= d.cue[0] < verb.idx and d.via is None
                   and d.speaker is not None]
        if earlier:
            max(earlier, key=lambda d: d.cue[0]).via = (medium.start_char, medium.end_char)
    for outer in drafts:
        if outer.speaker is None or not _is_medium(outer.speaker):
            continue
        for inner in drafts:
            if inner is outer or inner.via is not None or inner.cue is None:
                continue
            if outer.content[0] <= inner.cue[0] < outer.content[1] and inner.speaker is not None:
                inner.via = (outer.speaker.start_char, outer.speaker.end_char)


def _source_frames(doc: Doc, drafts: list[_Draft], stretches: tuple[Stretch, ...]) -> None:
    """"In the latest poll, the senator leads by five points": a sentence framed by the text or count it comes from.

    The frame's owner ("In his memoir, …") or else the frame itself ("the latest poll") is the
    source. A sentence whose own verb reports speech ("In a statement, the ministry said …") is
    left to that verb.
    """
    text = doc_text(doc)
    in_id = get_string_id("in")
    for i, lower in enumerate(doc.to_array([LOWER]).tolist()):
        if lower != in_id:
            continue
        first = doc[i]
        opens = first.is_sent_start or i > 0 and doc[i - 1].is_space and doc[i - 1].is_sent_start
        objects = [c for c in first.children if c.dep_ == "pobj" and c.lemma_.lower() in SOURCE_NOUNS] if opens else []
        if not objects:
            continue
        frame_end = objects[0].right_edge.i + 1
        sent_end = frame_end + 1
        while sent_end < len(doc) and not doc[sent_end].is_sent_start:
            sent_end += 1
        if frame_end >= len(doc) or doc[frame_end].text != ",":
            continue
        rest = [t for t in doc[frame_end + 1:sent_end] if not t.is_space]
        if any(t.dep_ == "ROOT" and (_is_cue_verb(t, QuoteOptions()) or _is_message_verb(t, QuoteOptions()))
               for t in rest):
            continue
        content = _span_of(rest)
        if content is None:
            continue
        start, end = _close_quotes(text, *_trim(text, *content), stretches)
        if _word_count(text[start:end]) < 3:
            continue
        owners = [c for c in objects[0].children if c.dep_ == "poss"]
        speaker = _phrase(owners[0]) if owners else doc[first.i + 1:frame_end]
        if len(speaker) > 1 and speaker[-1].tag_ == "POS":
            speaker = speaker[:-1]
        drafts.append(_Draft(kind=_kind_for(doc, start, end, stretches), content=(start, end), parts=[(start, end)],
                             cue=(first.idx, objects[0].idx + len(objects[0].text)), speaker=speaker, source="relay"))


_RELAY_FIRST_WORDS = frozenset(phrase[0] for phrase in RELAY_PHRASES)


def _relay_at(doc: Doc, i: int) -> tuple[str, ...] | None:
    for phrase in RELAY_PHRASES:
        if i + len(phrase) <= len(doc) and all(doc[i + k].lower_ == w for k, w in enumerate(phrase)):
            return phrase
    return None


def _is_medium(span: Span) -> bool:
    root = span.root
    if root.lemma_.lower() in MEDIA_NOUNS:
        return True
    # an acronym introduced as a medium earlier in the article ("KCNA news agency", "the agency TASS")
    if root.pos_ == "PROPN" and root.text.isupper() and len(root.text) >= 2:
        return any(i != root.i for i in memoised(span.doc, "media_neighbours", _media_neighbours).get(root.text, ()))
    return False


def _media_neighbours(doc: Doc) -> dict[str, set[int]]:
    """Every token within a few words of a media noun (``i - 3 <= noun < i + 3``), by its text."""
    strings = doc.vocab.strings
    media = {lemma for lemma in set(doc.to_array([LEMMA]).tolist()) if strings[lemma].lower() in MEDIA_NOUNS}
    found: dict[str, set[int]] = {}
    for k in (k for k, lemma in enumerate(doc.to_array([LEMMA]).tolist()) if lemma in media):
        for i in range(max(0, k - 2), min(len(doc), k + 4)):
            found.setdefault(doc[i].text, set()).add(i)
    return found



# ---------------------------------------------------------------------------
# pass 4: colon blocks and continued quotations
def _colon_blocks(doc: Doc, drafts: list[_Draft], blocked: list[tuple[int, int]]) -> None:
    """A reporting clause ending in a colon at the end of a paragraph introduces the next paragraph."""
    text = doc_text(doc)
    for draft in list(drafts):
        if draft.cue is None or draft.source not in ("clause",):
            continue
        line_end = text.find("\n", draft.cue[1])
        if line_end < 0 or not text[:line_end].rstrip().endswith(":"):
            continue
        if text[draft.content[1]:line_end].strip(" :") :
            continue
        start = line_end
        while start < len(text) and text[start].isspace():
            start += 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if start >= end or text[start] in _OPENERS or _overlaps_any(start, end, blocked):
            continue
        content = _trim(text, start, end)
        if _word_count(text[content[0]:content[1]]) < 4:
            continue
        drafts.append(_Draft(kind="direct", content=content, parts=[content], cue=draft.cue, cue_token=None,
                             speaker=draft.speaker, source="colon-block", via=draft.via))


_SPEAKER_LINE = re.compile(r"(?m)^[ \t]*[\"“'‘]?(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})[ \t]*:[ \t]+(?=\S)")
# words that label a line rather than name who speaks ("UPDATE: …", "Photo: …")
_LINE_LABELS = frozenset("""
update updated note editor editors photo photos image video watch read related source sources credit caption
breaking exclusive opinion analysis correction clarification disclosure warning live listen see also more
q a question answer explainer factbox factcheck timeline profile interview review comment editorial obituary
preview recap briefing podcast poll quiz
""".split())


def _speaker_lines(doc: Doc, drafts: list[_Draft], blocked: list[tuple[int, int]]) -> None:
    """Transcripts and headlines: "SMITH: We will win." / "Jane Doe: Taxes must rise" — a name, a colon, the words."""
    text = doc_text(doc)
    for match in _SPEAKER_LINE.finditer(text):
        name_start, name_end = match.span("name")
        if _overlaps_any(name_start, match.end(), blocked):
            continue
        if {w.lower().strip(".'’") for w in match.group("name").split()} & _LINE_LABELS:
            continue
        name = doc.char_span(name_start, name_end, alignment_mode="contract")
        if name is None or not len(name) or not all(t.pos_ in ("PROPN", "NOUN") or t.is_upper for t in name):
            continue
        labels = {t.ent_type_ for t in name} - {""}
        # a bare surname ("Smith: …") is a speaker when the article names that person or body elsewhere
        labels |= {e.label_ for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.start_char != name_start
                   and name[-1].text.lower() in {t.lower_ for t in e}}
        shouting = all(t.is_upper and t.is_alpha and len(t) > 1 for t in name)
        if not (labels & {"PERSON", "ORG", "NORP"} or shouting) or labels == {"GPE"} and len(name) == 1 and not shouting:
            continue  # a dateline or a section label, not a speaker
        if text[match.end():match.end() + 1] in "-–—" or _is_medium(name):
            continue  # "AGENCY: – Headline": an outlet labelling its story, not a speaker
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        start, end = _trim(text, match.end(), line_end)
        if text[match.start():name_start].strip():  # a quoted transcript: the marks frame the whole exchange
            end = _trim(text, start, end, keep_closing=False)[1]
        if _word_count(text[start:end]) < 3 or text[start] in _OPENERS:
            continue  # a quotation after the colon is the headline-quote rule's
        if any(d.content[0] < end and start < d.content[1] and d.cue and not (start <= d.cue[0] < end)
               and not d.content[0] < name_start for d in drafts):
            continue  # already someone's words (a quotation framing the whole transcript does not count)
        colon = match.end() - len(match.group()) + match.group().index(":")
        # the parser may take the name before the colon as the subject of a verb after it ("SMITH: Do you think …")
        drafts[:] = [d for d in drafts if not (d.speaker is not None and d.speaker.start_char == name_start
                                               and d.cue is not None and start <= d.cue[0] < end)]
        drafts.append(_Draft(kind="indirect", content=(start, end), parts=[(start, end)], cue=(colon, colon + 1),
                             speaker=name, source="speaker-line"))


# a quoted stretch this long that ends a sentence is speech even when no cue names the speaker
_ORPHAN_MIN_WORDS = 8


def _ends_sentence(text: str, stretch: Stretch) -> bool:
    tail = text[stretch.inner_start:stretch.inner_end].rstrip().rstrip(_CLOSERS)
    after = text[stretch.end:stretch.end + 2].lstrip(" ")
    return tail.endswith((".", "!", "?", "…")) or after[:1] in (".", "!", "?", "\n", "") 


def _continuations(doc: Doc, stretches: tuple[Stretch, ...], used: set[int], drafts: list[_Draft],
                   options: QuoteOptions) -> None:
    """A whole quoted sentence with no cue, right after a direct quote, continues that speaker's words."""
    text = doc_text(doc)
    for index, stretch in enumerate(stretches):
        if index in used or any(d.content[0] <= stretch.start < d.content[1] for d in drafts):
            continue
        inner = text[stretch.inner_start:stretch.inner_end]
        if _word_count(inner) < max(options.min_direct_words, 4):
            continue
        span = doc.char_span(stretch.start, stretch.end, alignment_mode="expand")
        if span is None or not any(t.tag_ in _FINITE_TAGS for t in span) or _quoted_heading(text, stretch):
            continue
        sent_start = span[0].sent.start_char
        own_sentence = not text[sent_start:stretch.start].strip()
        earlier = [d for d in drafts if d.content[1] <= stretch.start and d.kind in ("direct", "mixed", "partial")
                   and (d.kind != "partial" or d.source == "quote-after")]
        prev = max(earlier, key=lambda d: d.content[1]) if earlier else None
        gap = text[prev.content[1]:stretch.start] if prev is not None else ""
        if not own_sentence or prev is None or len(gap) > 200 or gap.count("\n") > 2 \
                or _cue_in(doc, prev.content[1], stretch.start, besides=prev.cue, participles_of=prev.cue_token):
            # a long quoted sentence nobody is named for is still someone's words: kept, speaker unknown
            if _word_count(inner) >= _ORPHAN_MIN_WORDS and _ends_sentence(text, stretch) and stretch.paragraphs == 1 \
                    and (own_sentence or text[:stretch.start].rstrip()[-1:] in (":", ",")):
                content = (stretch.start, stretch.end)
                drafts.append(_Draft(kind="direct", content=content, parts=[content], source="unattributed"))
            continue
        if "\n" not in gap and prev.source in ("quote-after", "dash"):
            # “A,” she said. “B.” — one statement in two pieces, interrupted by its cue sentence
            prev.parts = (prev.parts or [prev.content]) + [(stretch.start, stretch.end)]
            prev.content = (prev.content[0], stretch.end)
            continue
        content = (stretch.start, stretch.end)
        drafts.append(_Draft(kind="direct", content=content, parts=[content], cue=None, speaker=prev.speaker,
                             source="continuation", via=prev.via, inherited_from=prev))


def _paragraph_openers(doc: Doc, drafts: list[_Draft]) -> None:
    """"The firm plants trees. The trees absorb carbon. An acre absorbs a ton, Smith said.": a closing
    "…, X said" after the last sentence of a paragraph speaks for the sentences before it too, when
    they carry no attribution, quotation or reporting verb of their own."""
    text = doc_text(doc)
    for draft in drafts:
        if draft.source != "clause" or draft.cue_token is None or draft.cue is None or draft.cue[0] < draft.content[1]:
            continue
        verb = doc[draft.cue_token]
        sent = verb.sent
        # only the closing attribution ("…, Smith said.", "…, she said on Monday.")
        if not text[draft.content[1]:draft.cue[0]].lstrip().startswith(",") \
                or _word_count(text[draft.cue[1]:sent.end_char]) > 3 or verb.lemma_.lower() not in SPEECH_VERBS:
            continue
        line_start = text.rfind("\n", 0, sent.start_char) + 1
        if draft.content[0] > _trim(text, sent.start_char, sent.end_char)[0] or line_start >= sent.start_char:
            continue
        before = doc.char_span(line_start, sent.start_char, alignment_mode="contract")
        if before is None or not len(before) or any(ch in text[line_start:sent.start_char] for ch in '"“”«»'):
            continue
        if any(_is_cue_verb(t, QuoteOptions(beliefs=False)) for t in before) \
                or any(d is not draft and d.content[0] < sent.start_char and d.content[1] > line_start for d in drafts):
            continue
        # a sentence naming the speaker introduces them ("One believer is Jo Hale, a founder of …"): the
        # words start after it
        names = {w for w in re.findall(r"[A-Z][\w’'-]{2,}", draft.speaker.text)} if draft.speaker is not None else set()
        start = line_start
        for earlier in before.sents:
            if names & set(re.findall(r"[A-Z][\w’'-]{2,}", earlier.text)):
                start = earlier.end_char
        if start >= sent.start_char:
            continue
        draft.content = (_trim(text, start, draft.content[1])[0], draft.content[1])
        draft.parts = [draft.content]


def _quoted_heading(text: str, stretch: Stretch) -> bool:
    """A quoted line in title case (a line of its own: ‘All Is Well.’): a section heading quoting the text below.

    >>> _quoted_heading("x\\n“All Is Well.”\\ny", scan_quotes("x\\n“All Is Well.”\\ny")[0][0])
    True
    """
    line_start = text.rfind("\n", 0, stretch.start) + 1
    line_end = text.find("\n", stretch.end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:stretch.start].strip() or text[stretch.end:line_end].strip(" .!?"):
        return False
    words = re.findall(r"[A-Za-z][\w’']*", text[stretch.inner_start:stretch.inner_end])
    long_words = [w for w in words if len(w) > 3]
    return len(words) <= 12 and bool(long_words) and all(w[0].isupper() for w in long_words)


# ---------------------------------------------------------------------------
def _dedupe(drafts: list[_Draft]) -> list[_Draft]:
    """Same content twice (a direct quote also reached through its verb): keep the first rule's."""
    seen: dict[tuple[int, int], _Draft] = {}
    for draft in drafts:
        key = draft.content
        if key not in seen:
            seen[key] = draft
    return list(seen.values())


def _drop_nested(drafts: list[_Draft]) -> list[_Draft]:
    """One attribution per stretch of text: a cue inside another quote's message is not reported twice.

    Inside quotation marks a speaker's own "we say that …" is part of the quote. In
    reported speech the outer attribution is kept ("the office stated that the
    country considers …") — except when the outer speaker is a medium relaying
    someone (then the inner quote is kept with the medium as ``via``) or the same
    speaker through a more specific verb ("defended by saying: …").
    """
    dropped: set[int] = set()
    by_size = sorted(range(len(drafts)), key=lambda i: drafts[i].content[1] - drafts[i].content[0], reverse=True)
    for i in by_size:
        outer = drafts[i]
        if i in dropped:
            continue
        for j, inner in enumerate(drafts):
            if j == i or j in dropped or inner.cue is None or inner.source == "colon-block":
                continue
            if not (outer.content[0] <= inner.cue[0] < outer.content[1]):
                continue
            same_speaker = (outer.speaker is not None and inner.speaker is not None
                            and outer.speaker.start == inner.speaker.start and outer.speaker.end == inner.speaker.end)
            if outer.kind == "direct" and outer.source != "clause":
                dropped.add(j)
            elif outer.speaker is not None and _is_medium(outer.speaker) and inner.speaker is not None:
                inner.via = inner.via or (outer.speaker.start_char, outer.speaker.end_char)
                dropped.add(i)
                break
            elif same_speaker and (inner.content[1] - inner.content[0]) >= 0.6 * (outer.content[1] - outer.content[0]):
                dropped.add(i)
                break
            else:
                dropped.add(j)
    return [d for k, d in enumerate(drafts) if k not in dropped]


def _resolve_all(doc: Doc, drafts: list[_Draft]) -> list[Quote]:
    quotes: list[Quote] = []
    earlier: list[EarlierSpeaker] = []
    contents = [d.content for d in drafts if d.kind in ("direct", "mixed", "partial")]
    messages = [d.content for d in drafts]
    people = {(p.start_char, p.end_char) for p in person_mentions(doc)}
    resolved: dict[int, tuple] = {}
    for draft in sorted(drafts, key=lambda d: (d.cue[0] if d.cue else d.content[0])):
        speaker = draft.speaker
        if draft.inherited_from is not None and id(draft.inherited_from) in resolved:
            res = resolved[id(draft.inherited_from)]
            ref_start, ref_end, confidence, how = res
            confidence = round(confidence * 0.9, 3)
        else:
            exclude = [c for c in contents if not (speaker is not None and c[0] <= speaker.start_char < c[1])]
            resolution = resolve_speaker(doc, speaker, earlier=earlier, exclude=exclude, messages=messages)
            ref_start, ref_end = resolution.ref_start, resolution.ref_end
            confidence, how = resolution.confidence, resolution.how
        resolved[id(draft)] = (ref_start, ref_end, confidence, how)
        if ref_start is not None and ref_end is not None:
            ref = doc.char_span(ref_start, ref_end, alignment_mode="expand")
            if (ref_start, ref_end) in people or how in ("pronoun", "description"):
                label = "PERSON"
            else:
                label = ref.root.ent_type_ if ref is not None else ""
            at = speaker.start_char if speaker is not None else draft.content[0]
            earlier.append(EarlierSpeaker(at=at, ref_start=ref_start, ref_end=ref_end, label=label))
        parts = tuple(sorted(set(draft.parts or [draft.content])))
        quotes.append(Quote(
            kind=draft.kind, content_start=draft.content[0], content_end=draft.content[1], content_parts=parts,
            cue_start=draft.cue[0] if draft.cue else None, cue_end=draft.cue[1] if draft.cue else None,
            speaker_start=speaker.start_char if speaker is not None else None,
            speaker_end=speaker.end_char if speaker is not None else None,
            speaker_ref_start=ref_start, speaker_ref_end=ref_end, speaker_confidence=confidence,
            speaker_resolution=how, via_start=draft.via[0] if draft.via else None,
            via_end=draft.via[1] if draft.via else None, source=draft.source))
    quotes.sort(key=lambda q: (q.content_start, q.content_end))
    return quotes


def with_offsets(quote: Quote, shift: int) -> Quote:
    """The same quote with every offset moved by ``shift`` (for texts analysed in pieces)."""
    def move(value: int | None) -> int | None:
        return value + shift if value is not None else None

    return replace(quote, content_start=quote.content_start + shift, content_end=quote.content_end + shift,
                   content_parts=tuple((s + shift, e + shift) for s, e in quote.content_parts),
                   cue_start=move(quote.cue_start), cue_end=move(quote.cue_end),
                   speaker_start=move(quote.speaker_start), speaker_end=move(quote.speaker_end),
                   speaker_ref_start=move(quote.speaker_ref_start), speaker_ref_end=move(quote.speaker_ref_end),
                   via_start=move(quote.via_start), via_end=move(quote.via_end))
