"""Pass 1: quoted stretches attached to a cue — direct quotes.

A reporting verb just after the closing mark (“…,” he said), a dash and a name
(“…” ― Jane Doe), a headline's name and colon (Senator Doe: ‘…’), a reporting
verb or a clause about a person before the opening mark (He added: “…”). “A,”
he said, “B.” is one quote in two parts (:func:`resumes_quote`).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from toolkit.sdk import doc_text

from .marks import Stretch
from .memo import tokens_between
from .records import Draft, QuoteOptions
from .spans import CLOSERS, FINITE_TAGS, clause_floor, kind_for, next_opening, trim, word_count
from .speakers import naming_run, naming_words, noun_phrase, person_mentions, speaker_of
from .verbs import cue_in, cue_span, has_cue_child, is_cue_verb
from .words import ANSWER_NOUNS, PERSON_SUBJECT_PRONOUNS, SPEECH_VERBS, SUBORDINATORS

# “…” ― Jane Doe: a dash, then a name closing the line
_DASH_SPEAKER = re.compile(
    r"[ \t]*(?P<dash>[―—–]|--)[ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,4})[ \t.]*(?=\n|$)"
)

# ---------------------------------------------------------------------------
# pass 1: direct quotes


def direct_quote(doc: Doc, stretch: Stretch, stretches: tuple[Stretch, ...]) -> Draft | None:
    text = doc_text(doc)
    inner = text[stretch.inner_start : stretch.inner_end]
    if word_count(inner) < 1:
        return None
    after = _cue_after(doc, stretch, stretches)
    draft = _quote_after(doc, stretch, stretches, after) if after is not None else None
    if draft is not None:
        return draft
    dash = _DASH_SPEAKER.match(text, stretch.end)
    if dash is not None and text[stretch.inner_end - 1 : stretch.inner_end] in ".!?…" + ",":
        speaker = doc.char_span(dash.start("name"), dash.end("name"), alignment_mode="expand")
        if speaker is not None:
            content = (stretch.start, stretch.end)
            return Draft(
                kind="direct",
                content=content,
                parts=[content],
                cue=(dash.start("dash"), dash.end("dash")),
                speaker=speaker,
                source="dash",
            )
    headline = _colon_speaker(doc, stretch)
    if headline is not None:
        speaker, colon = headline
        return _after_colon(stretch, colon, speaker)
    before = _cue_before(doc, stretch)
    if before is not None and not _embedded_in_message(doc, before, stretch):
        verb = before
        speaker = speaker_of(verb)
        content = (stretch.start, stretch.end)
        # "said the answer was simple: “…”": the reported clause before the colon is part of the message
        clause = next(
            (
                c
                for c in verb.children
                if c.dep_ == "ccomp"
                and c.i > verb.i
                and c.idx < stretch.start
                and text[: stretch.start].rstrip().endswith(":")
            ),
            None,
        )
        if clause is not None and "\n" not in text[clause.left_edge.idx : stretch.start]:
            content = (clause.left_edge.idx, stretch.end)
            return Draft(
                kind=kind_for(doc, *content, stretches),
                content=content,
                parts=[content],
                cue=cue_span(verb),
                cue_token=verb.i,
                speaker=speaker,
                source="quote-before",
            )
        return Draft(
            kind="direct",
            content=content,
            parts=[content],
            cue=cue_span(verb),
            cue_token=verb.i,
            speaker=speaker,
            source="quote-before",
        )
    return _person_colon(doc, stretch)


def _person_colon(doc: Doc, stretch: Stretch) -> Draft | None:
    """ "Smith was blunt about the vote: “…”": a clause about a person or a named organisation, closed by a
    colon, introduces their words (only with such a subject: "The plan has three parts: “…”" introduces none),
    on its line or in the paragraph it ends ("Ann Lee echoed:" / “…”)."""
    text = doc_text(doc)
    colon = len(text[: stretch.start].rstrip()) - 1
    # the quotation may open the next paragraph ("Ann Lee echoed:" on a line of its own), not one further
    if colon < 0 or text[colon] != ":" or text.count("\n", colon, stretch.start) > 2:
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
    speaker = noun_phrase(subjects[0])
    # "Smith's response was short: “…”": the possessor of the answer speaks
    owners = [c for c in subjects[0].children if c.dep_ == "poss"] if subjects[0].lemma_.lower() in ANSWER_NOUNS else []
    if owners:
        speaker = noun_phrase(owners[0])
        speaker = speaker[:-1] if len(speaker) > 1 and speaker[-1].tag_ == "POS" else speaker
        if speaker.root.pos_ in ("PROPN", "PRON"):
            return _after_colon(stretch, colon, speaker)
    people = {(p.start, p.end) for p in person_mentions(doc)}
    # a named organisation speaks the same way ("the Daily Herald was blunt: “…”"; on 250 PolNeAR train
    # articles +2 right speakers, none lost; other names and kinds of body added none)
    if not (
        speaker.root.lower_ in PERSON_SUBJECT_PRONOUNS
        or any(s <= speaker.root.i < e for s, e in people)
        or speaker.root.ent_type_ == "ORG"
    ):
        return None
    return _after_colon(stretch, colon, speaker)


def _after_colon(stretch: Stretch, colon: int, speaker: Span) -> Draft:
    """The whole quoted stretch as the words of ``speaker``, introduced by the colon at ``colon``."""
    content = (stretch.start, stretch.end)
    return Draft(
        kind="direct",
        content=content,
        parts=[content],
        cue=(colon, colon + 1),
        speaker=speaker,
        source="colon-headline",
    )


def _embedded_in_message(doc: Doc, verb: Token, stretch: Stretch) -> bool:
    """Whether the verb's reported clause runs on past the quotation ("said “budget reforms” would pay for it"):
    then the quoted words are part of reported speech, which the clause pass finds whole."""
    text = doc_text(doc)
    for child in verb.children:
        if child.dep_ not in ("ccomp", "dobj") or child.i < verb.i:
            continue
        end = child.right_edge.idx + len(child.right_edge.text)
        if end > stretch.end and word_count(text[stretch.end : end]) >= 2 and "\n" not in text[stretch.end : end]:
            return True
    return False


def _quote_after(doc: Doc, stretch: Stretch, stretches: tuple[Stretch, ...], verb: Token) -> Draft | None:
    """“…,” he said — or "Relations reached a “new level,” he said", where the message starts before the marks."""
    text = doc_text(doc)
    sent = doc.char_span(stretch.start, stretch.end, alignment_mode="expand")
    sent_start = sent[0].sent.start_char if sent is not None else stretch.start
    sent_start = max(sent_start, clause_floor(text, stretch.start))
    # the clause the verb reports may start before the quote ("… reached a “new level,” he said")
    for child in verb.children:
        if child.dep_ in ("ccomp", "parataxis") and child.left_edge.idx < stretch.start:
            sent_start = min(sent_start, max(clause_floor(text, stretch.start), child.left_edge.idx))
    lead = text[sent_start : stretch.start]
    if lead.rstrip().endswith((":", "--", "—", "–")):
        # "… on women in the workplace: “…,” the union wrote."; "The senator -- “…,” as an aide put it --"
        sent_start, lead = stretch.start, ""
    if cue_in(doc, sent_start, stretch.start):
        return None  # a quoted fragment inside someone's reported speech: the clause pass takes it
    speaker = speaker_of(verb)
    if speaker is not None and speaker.start_char < stretch.end and speaker.end_char > stretch.start:
        speaker = None  # the parser took a word inside the quote as the subject
    if speaker is None:
        speaker = _name_beside(doc, stretch, verb)
    start = stretch.start
    if word_count(lead) >= 2:
        start = trim(text, sent_start, stretch.start)[0]
        if lead.lstrip()[:1].isupper() and not any(
            t.tag_ in FINITE_TAGS for t in tokens_between(doc, start, stretch.end)
        ):
            # "In his book, “Make Your Kid Rich,” Smith suggested …": a title inside an opening phrase, no statement
            return None
    content = trim(text, start, stretch.end)
    kind = kind_for(doc, content[0], content[1], stretches)
    return Draft(
        kind=kind,
        content=content,
        parts=[content],
        cue=cue_span(verb),
        cue_token=verb.i,
        speaker=speaker,
        source="quote-after",
    )


def _name_beside(doc: Doc, stretch: Stretch, verb: Token) -> Span | None:
    """ "“…,” Marlow notes", "“…,” said Dunstan, explaining …": a name right before or right after the
    verb that follows the quote, when the parser did not make it the subject (it reads a lone name there
    as a compound or an adverb as often as not: 50 such quotes of PolNeAR's train split had no speaker).

    Only a run of naming words (determiners, adjectives, nouns, names) that touches the verb and ends on
    a noun or a name counts; before the verb the run must fill the gap from the closing mark on.
    """
    between = [t for t in tokens_between(doc, stretch.end, verb.idx) if not (t.is_punct or t.is_space)]
    if between:
        return naming_run(between)
    if verb.i + 1 >= verb.sent.end:
        return None
    return naming_run(naming_words(doc[verb.i + 1], step=1, stop=verb.sent.end))


def _colon_speaker(doc: Doc, stretch: Stretch) -> tuple[Span, int] | None:
    """Headline style "Senator Doe: ‘We will win’": a short verbless name phrase, a colon, the quote."""
    text = doc_text(doc)
    colon = len(text[: stretch.start].rstrip()) - 1
    if colon < 0 or text[colon] != ":":
        return None
    floor = clause_floor(text, colon)
    span = doc.char_span(*trim(text, floor, colon), alignment_mode="contract")
    if span is None or not len(span) or len(span) > 10:
        return None
    if any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" for t in span):
        return None
    # "Her answer: “…”", "The senator's reply: “…”": a noun of speech names its speaker as possessor
    owners = [c for c in span.root.children if c.dep_ == "poss"] if span.root.lemma_.lower() in ANSWER_NOUNS else []
    if owners:
        owner = noun_phrase(owners[0])
        return (owner[:-1] if len(owner) > 1 and owner[-1].tag_ == "POS" else owner), colon
    if not any(t.pos_ == "PROPN" for t in span) and not _name_the_article_gives(span):
        return None
    return span, colon


def _name_the_article_gives(span: Span) -> bool:
    """ "Marlow: ‘…’" at the top of an article: the tagger reads a lone capitalised name opening a headline
    as a common noun; it is a name when every word is capitalised and its last word ends a person or an
    organisation the article names elsewhere ("Ann Marlow has some advice …")."""
    if len(span) > 4 or not all(t.text[:1].isupper() for t in span if not t.is_punct):
        return False
    last = span[-1].text
    return any(
        ent.label_ in ("PERSON", "ORG") and ent[-1].text == last and not (span.start <= ent.start < span.end)
        for ent in span.doc.ents
    )


def _cue_after(doc: Doc, stretch: Stretch, stretches: tuple[Stretch, ...]) -> Token | None:
    """A speech verb within a few words after the closing mark, in the same sentence (“…,” said X)."""
    text = doc_text(doc)
    # a nested quotation may close first: “… he said, ‘we agree,’” Mitchell recalled
    inner_tail = text[stretch.inner_start : stretch.inner_end].rstrip().rstrip(CLOSERS)
    outer = text[stretch.end : stretch.end + 3].lstrip(" ")
    # the quote must end a clause: punctuation just inside or just outside the closing mark, or a dash
    if not (inner_tail.endswith((",", ".", "!", "?", "…", "—", "-")) or outer.startswith((",", "—", "–", "-"))):
        return None
    # “… .” ends a sentence: only a lower-case cue continues it (“… .” he said), not a new sentence
    sentence_closed = inner_tail.endswith((".", "!", "?"))
    next_open = next_opening(stretches, stretch.end, len(text))
    limit = min(next_open, len(text))
    tokens = tokens_between(doc, stretch.end, limit)[:40]
    if (
        sentence_closed
        and tokens
        and tokens[0].text[:1].isupper()
        and tokens[0].pos_ != "PROPN"
        and not _untagged_name_speaking(tokens[0])
    ):
        return None
    # “…!” beamed a guest, “…,” Marlow barked: after a quotation closed by a comma, "!" or "?", a verb whose
    # subject stands right beside it and that reports nothing else is the quotation's cue, whatever its lemma
    closed_as_speech = inner_tail.endswith((",", "!", "?")) or outer.startswith(",")
    for token in tokens:
        if token.text in (".", "!", "?", "\n") or "\n" in token.text:
            break
        if (
            token.lower_ == "as"
            and token.dep_ == "mark"
            and is_cue_verb(token.head, QuoteOptions(beliefs=False))
            and token.head.i > token.i
        ):
            return token.head  # “…,” as one aide put it / as the report noted
        if token.pos_ == "SCONJ" or token.lower_ in SUBORDINATORS:
            break  # “…,” when Clinton blasted him: the verb belongs to another clause
        if token.tag_ == "VBG" and token.head.i < token.i and any(c.dep_ == "ccomp" for c in token.children):
            continue  # “…,” adding that …: the participle reports a message of its own; the quote's cue is elsewhere
        if is_cue_verb(token, QuoteOptions(beliefs=False)):
            return token
        if closed_as_speech and _quoting_verb(token, tokens):
            return token
    return None


def _untagged_name_speaking(first: Token) -> bool:
    """ "“…?” Marlow asked reporters": a capitalised word after a closed quotation that the tagger read as a
    common noun but that is the subject of a reporting verb right after it, which reports no clause of its own
    (a new sentence, "Critics said the plan …", reports one)."""
    verb = first.head
    return (
        first.dep_ == "nsubj"
        and first.tag_ in ("NN", "NNS")
        and 0 < verb.i - first.i <= 2
        and is_cue_verb(verb, QuoteOptions(beliefs=False))
        and not _reports_more(verb)
    )


# what a verb reports or describes besides a quotation: a clause, an infinitive, a predicate
_REPORTED_DEPS = frozenset({"ccomp", "xcomp", "attr", "acomp", "oprd"})


def _reports_more(verb: Token) -> bool:
    """Whether ``verb`` reports or describes something after it besides a quotation (see _REPORTED_DEPS)."""
    return any(c.dep_ in _REPORTED_DEPS and c.i > verb.i for c in verb.children)


def _quoting_verb(verb: Token, after: list[Token]) -> bool:
    """A finite verb right after a quotation whose subject fills the gap from the closing mark to it
    (“…,” Marlow barked) or follows it straight after the mark (“…!” beamed a guest), that heads its clause
    and reports no clause or predicate of its own: the quotation is what it says, whatever its lemma."""
    if verb.pos_ != "VERB" or verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.dep_ not in ("ROOT", "parataxis", "ccomp"):
        return False
    if _reports_more(verb):
        return False
    words = [t for t in after if not (t.is_punct or t.is_space)]
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not words or not subjects:
        return False
    subject = subjects[0]
    if words[0].i == verb.i:  # inverted: “…!” beamed Donald
        return subject.i > verb.i and subject.left_edge.i == verb.i + 1
    before = [t for t in words if t.i < verb.i]
    return bool(before) and before[0].i == subject.left_edge.i and subject.right_edge.i == verb.i - 1


def _cue_before(doc: Doc, stretch: Stretch) -> Token | None:
    """A speech verb before the opening mark, introduced by a colon or comma (He added: “…”)."""
    text = doc_text(doc)
    lead = text[: stretch.start].rstrip()
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
    if not ends_colon and not (is_cue_verb(last, QuoteOptions(beliefs=False))):
        return None
    for token in reversed(candidates):
        if is_cue_verb(token, QuoteOptions(beliefs=False)):
            return token
        if token.text in (".", "!", "?") or (
            token.pos_ == "VERB"
            and token.dep_ == "ROOT"
            and token.lemma_.lower() not in SPEECH_VERBS
            and not has_cue_child(token)
        ):
            break
    return None


def resumes_quote(doc: Doc, previous: Draft, stretch: Stretch, stretches: tuple[Stretch, ...]) -> bool:
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
    if span is not None and sum(is_cue_verb(t, QuoteOptions(beliefs=False)) for t in span) > 1:
        return False
    # the resumed part ends its sentence (not “B” to drive up the price …) and carries no cue of its own
    tail = text[stretch.end : stretch.end + 200].split("\n", 1)[0]
    ends_sentence = (
        text[stretch.inner_start : stretch.inner_end].rstrip()[-1:] in ".!?…"
        or not tail.strip()
        or tail.lstrip()[:1] in ".!?"
    )
    return ends_sentence and _cue_after(doc, stretch, stretches) is None
