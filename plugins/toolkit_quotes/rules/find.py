"""Finding attributions in a parsed Doc: the passes in order, then one attribution per stretch of text.

The order of the passes matters:

1. quoted stretches (:mod:`.marks`) attached to a reporting verb just after them
   (“…,” he said) or just before them (He added: “…”) are *direct* quotes
   (:mod:`.direct`);
2. every other reporting verb with a message (a that-clause, an inverted clause,
   "accused X of …", "promised to …") gives an *indirect* quote — *partial* or
   *mixed* when its message contains quoted words (:mod:`.reported`, and
   :mod:`.nouns` for nouns and adjectives);
3. relay phrases ("according to X", "cited by X") either name the medium of a
   quote in the same or the previous sentence (``via``) or, alone, attribute
   the clause around them to X (:mod:`.relays`);
4. a paragraph introduced by a reporting clause ending in a colon is that
   speaker's words, and a quoted paragraph right after a quote continues it
   (:mod:`.paragraphs`);
5. speakers are resolved (:mod:`.speakers`).

Boilerplate lines (bios, comment prompts, captions) never yield a quote.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from toolkit.sdk import doc_text

from .direct import direct_quote, resumes_quote
from .marks import MarkProblem, scan_quotes
from .memo import per_doc_memo, verb_like_tokens
from .nouns import noun_messages
from .paragraphs import colon_blocks, continuations, paragraph_openers, speaker_lines
from .records import CoSpeaker, Draft, Quote, QuoteOptions
from .relays import as_medium, is_medium, relay_quotes
from .reported import clause_quote
from .spans import boilerplate_ranges, overlaps_any
from .speakers import (
    EarlierSpeaker,
    EarlierSpeakers,
    RangeIndex,
    conjuncts,
    person_mentions,
    resolve_speaker,
    surname,
)
from .verbs import is_cue_verb, is_message_verb
from .words import RELAYING_VERBS, REPRESENTATIVE_NOUNS, ROLE_NOUNS


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
    blocked = boilerplate_ranges(text)
    stretches = tuple(s for s in stretches if not overlaps_any(s.start, s.end, blocked))
    drafts: list[Draft] = []
    used_cues: set[int] = set()
    used_stretches: set[int] = set()

    # 1. quoted stretches with a cue right after or right before; “A,” he said, “B.” joins B to A
    for index, stretch in enumerate(stretches):
        previous = drafts[-1] if drafts else None
        if previous is not None and resumes_quote(doc, previous, stretch, stretches):
            previous.parts.append((stretch.start, stretch.end))
            previous.content = (previous.content[0], stretch.end)
            used_stretches.add(index)
            continue
        draft = direct_quote(doc, stretch, stretches)
        if draft is not None and (draft.cue_token is None or draft.cue_token not in used_cues):
            drafts.append(draft)
            used_stretches.add(index)
            if draft.cue_token is not None:
                used_cues.add(draft.cue_token)

    # 2. reporting verbs with a message
    for token in verb_like_tokens(doc):
        if token.i in used_cues or not (is_cue_verb(token, options) or is_message_verb(token, options)):
            continue
        draft = clause_quote(doc, token, stretches, options)
        if draft is not None:
            drafts.append(draft)
            used_cues.add(token.i)
    # whether a draft holds the stretch, by bisection over the drafts in order of start with the furthest
    # end reached so far (asking every draft for every stretch was quadratic in the article's quotes)
    held = sorted(d.content for d in drafts)
    held_starts = [start for start, _ in held]
    reach = list(itertools.accumulate((end for _, end in held), max))
    for index, stretch in enumerate(stretches):
        k = bisect.bisect_right(held_starts, stretch.start)
        if k and reach[k - 1] >= stretch.end:
            used_stretches.add(index)

    if options.beliefs:
        noun_messages(doc, drafts, stretches)

    # 3. relays
    relay_quotes(doc, drafts, stretches)
    # 4. colon blocks and continued quotations
    colon_blocks(doc, drafts, blocked)
    paragraph_openers(doc, drafts)
    speaker_lines(doc, drafts, blocked)
    continuations(doc, stretches, used_stretches, drafts, options)

    drafts = [
        d
        for d in drafts
        if not overlaps_any(d.content[0], d.content[1], blocked)
        and not (d.cue and overlaps_any(d.cue[0], d.cue[1], blocked))
    ]
    drafts = _drop_nested(_dedupe(drafts))
    drafts.sort(key=lambda d: (d.content[0], d.content[1]))
    return _resolve_all(doc, drafts), list(problems)


# ---------------------------------------------------------------------------
def _dedupe(drafts: list[Draft]) -> list[Draft]:
    """Same content twice (a direct quote also reached through its verb): keep the first rule's."""
    seen: dict[tuple[int, int], Draft] = {}
    for draft in drafts:
        key = draft.content
        if key not in seen:
            seen[key] = draft
    return list(seen.values())


def _drop_nested(drafts: list[Draft]) -> list[Draft]:
    """One attribution per stretch of text: a cue inside another quote's message is not reported twice.

    Inside quotation marks a speaker's own "we say that …" is part of the quote. In
    reported speech the outer attribution is kept ("the office stated that the
    country considers …") — except when the outer speaker is a medium relaying
    someone (then the inner quote is kept with the medium as ``via``), when it relays
    a statement with a verb after it ("X emphasized that …, the outlet wrote": X's quote
    with the outlet as ``via``), or the same speaker through a more specific verb
    ("defended by saying: …").
    """
    dropped: set[int] = set()
    by_size = sorted(range(len(drafts)), key=lambda i: drafts[i].content[1] - drafts[i].content[0], reverse=True)
    # each outer draft looks only at the cues inside its content, found by bisection (in the drafts' order):
    # comparing every pair made an article with thousands of quotes quadratic
    cued = sorted((d.cue[0], j) for j, d in enumerate(drafts) if d.cue is not None and d.source != "colon-block")
    cue_starts = [start for start, _ in cued]
    for i in by_size:
        outer = drafts[i]
        if i in dropped:
            continue
        lo = bisect.bisect_left(cue_starts, outer.content[0])
        hi = bisect.bisect_left(cue_starts, outer.content[1])
        for j in sorted(j for _, j in cued[lo:hi]):
            inner = drafts[j]
            if j == i or j in dropped or inner.cue is None:
                continue
            same_speaker = (
                outer.speaker is not None
                and inner.speaker is not None
                and outer.speaker.start == inner.speaker.start
                and outer.speaker.end == inner.speaker.end
            )
            if outer.kind == "direct" and outer.source != "clause":
                dropped.add(j)
            elif _relays(outer, inner):
                _take_over(outer, inner)
                dropped.add(j)
            elif outer.speaker is not None and inner.speaker is not None and is_medium(outer.speaker):
                inner.via = inner.via or (outer.speaker.start_char, outer.speaker.end_char)
                dropped.add(i)
                break
            elif same_speaker and (inner.content[1] - inner.content[0]) >= 0.6 * (outer.content[1] - outer.content[0]):
                dropped.add(i)
                break
            else:
                dropped.add(j)
    return [d for k, d in enumerate(drafts) if k not in dropped]


def _relays(outer: Draft, inner: Draft) -> bool:
    """ "However, the spokesperson emphasized that …, the outlet wrote": the outlet passes on the
    spokesperson's own statement, so the spokesperson is the speaker and the outlet the relay.

    Only for a relaying verb after the whole message, whose message is the inner quote's clause, speaker and all.
    """
    if outer.cue is None or outer.cue_token is None or inner.speaker is None or outer.cue[0] < outer.content[1]:
        return False
    doc = inner.speaker.doc
    if doc[outer.cue_token].lemma_.lower() not in RELAYING_VERBS or inner.cue_token is None:
        return False
    if doc[inner.cue_token].head.i != outer.cue_token:
        return False  # only the statement the outlet reports, not a clause further inside it
    return outer.content[0] <= inner.speaker.start_char and inner.speaker.end_char <= outer.content[1]


def _take_over(outer: Draft, inner: Draft) -> None:
    """The relayed statement becomes the quote: the inner speaker and cue, the message from the inner
    verb's clause to the end of the outer message, and the outer speaker as its relay."""
    assert inner.speaker is not None and inner.cue is not None
    doc = inner.speaker.doc
    start = inner.content[0]
    if inner.cue_token is not None:
        verb = doc[inner.cue_token]
        clauses = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
        if clauses:
            start = clauses[0].left_edge.idx
    if outer.content[0] <= start < outer.content[1]:
        outer.content = (start, outer.content[1])
        outer.parts = [(max(a, start), b) for a, b in outer.parts if b > start] or [outer.content]
    # a relaying verb with no subject found ("…, was written") still hands the quote to the inner speaker
    if outer.speaker is not None:
        outer.via = (outer.speaker.start_char, outer.speaker.end_char)
    outer.speaker = inner.speaker
    outer.cue, outer.cue_token = inner.cue, inner.cue_token


def attribute(doc: Doc, drafts: list[Draft], *, settled: Sequence[Quote]) -> list[Quote]:
    """Quotes found outside the rules (the learned model's new cues) given relays and speakers the rules' way.

    ``settled`` are the quotes kept beside them, already resolved: they compete for the relays, are the
    earlier speakers a "he" or "the agency" may stand for, and their contents are not speakers.
    """
    stretches, _ = scan_quotes(doc_text(doc))
    # the settled quotes as drafts, so that a relay goes to the quote the rules would give it; the quotes
    # relay_quotes drafts of its own are the rules' already, and are dropped with the list
    rivals = [as_draft(doc, q) for q in settled]
    relay_quotes(doc, rivals + drafts, stretches)
    return _resolve_all(doc, drafts, settled=settled)


def as_draft(doc: Doc, quote: Quote) -> Draft:
    """A quote as the draft it was, for the passes that work on drafts."""
    speaker = None
    if quote.speaker_start is not None and quote.speaker_end is not None:
        speaker = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
    cue = (quote.cue_start, quote.cue_end) if quote.cue_start is not None and quote.cue_end is not None else None
    via = (quote.via_start, quote.via_end) if quote.via_start is not None and quote.via_end is not None else None
    cue_span = doc.char_span(cue[0], cue[1], alignment_mode="expand") if cue is not None else None
    return Draft(
        kind=quote.kind,
        content=(quote.content_start, quote.content_end),
        parts=list(quote.content_parts),
        cue=cue,
        cue_token=cue_span.root.i if cue_span is not None and len(cue_span) else None,
        speaker=speaker,
        via=via,
        source=quote.source,
    )


def _resolve_all(doc: Doc, drafts: list[Draft], *, settled: Sequence[Quote] = ()) -> list[Quote]:
    quotes: list[Quote] = []
    # built once: each speaker asks them by bisection
    earlier = EarlierSpeakers()
    spans = [d.content for d in drafts] + [(q.content_start, q.content_end) for q in settled]
    kinds = [d.kind for d in drafts] + [q.kind for q in settled]
    contents = RangeIndex([span for span, kind in zip(spans, kinds) if kind in ("direct", "mixed", "partial")])
    messages = RangeIndex(spans)
    people = {(p.start_char, p.end_char) for p in person_mentions(doc)}
    # "Wilkins said …" tagged an organisation after "Kristen Wilkins" was named: the surname of a person
    surnames = {surname(p.text) for p in person_mentions(doc) if p.label_ == "PERSON"}
    resolved: dict[int, tuple] = {}
    co_speakers: dict[int, tuple[CoSpeaker, ...]] = {}
    # the settled quotes speak in their turn: earlier speakers for the drafts after them
    order: list[Draft | Quote] = [*drafts, *settled]
    for draft in sorted(order, key=_cue_start):
        if isinstance(draft, Quote):
            if draft.speaker_start is not None and draft.speaker_end is not None:
                _remember(
                    doc,
                    earlier,
                    doc.char_span(draft.speaker_start, draft.speaker_end, alignment_mode="expand"),
                    draft.speaker_ref_start,
                    draft.speaker_ref_end,
                    draft.speaker_resolution,
                    draft.content_start,
                    people=people,
                    surnames=surnames,
                )
            continue
        speaker = draft.speaker
        if draft.inherited_from is not None and id(draft.inherited_from) in resolved:
            res = resolved[id(draft.inherited_from)]
            ref_start, ref_end, confidence, how = res
            confidence = round(confidence * 0.9, 3)
            co_speakers[id(draft)] = co_speakers.get(id(draft.inherited_from), ())
        else:
            # the contents around the speaker do not count: a speaker inside a quote is quoting someone
            phrases = conjuncts(speaker) if speaker is not None and len(speaker) else []
            resolutions = [
                resolve_speaker(
                    doc,
                    phrase,
                    earlier=earlier,
                    exclude=contents,
                    messages=messages,
                    exclude_around=phrase.start_char if phrase is not None else None,
                )
                for phrase in (phrases if len(phrases) > 1 else [speaker])
            ]
            resolution = resolutions[0]
            ref_start, ref_end = resolution.ref_start, resolution.ref_end
            confidence, how = resolution.confidence, resolution.how
            if len(phrases) > 1:
                # "Ostland and Westmark deny …": every one of them speaks; the first fills the contract columns
                co_speakers[id(draft)] = tuple(
                    CoSpeaker(
                        start=phrase.start_char,
                        end=phrase.end_char,
                        ref_start=r.ref_start,
                        ref_end=r.ref_end,
                        resolution=r.how,
                    )
                    for phrase, r in zip(phrases, resolutions)
                )
        resolved[id(draft)] = (ref_start, ref_end, confidence, how)
        _remember(doc, earlier, speaker, ref_start, ref_end, how, draft.content[0], people=people, surnames=surnames)
        parts = tuple(sorted(set(draft.parts or [draft.content])))
        via = as_medium(doc, draft.via)
        quotes.append(
            Quote(
                kind=draft.kind,
                content_start=draft.content[0],
                content_end=draft.content[1],
                content_parts=parts,
                cue_start=draft.cue[0] if draft.cue else None,
                cue_end=draft.cue[1] if draft.cue else None,
                speaker_start=speaker.start_char if speaker is not None else None,
                speaker_end=speaker.end_char if speaker is not None else None,
                speaker_ref_start=ref_start,
                speaker_ref_end=ref_end,
                speaker_confidence=confidence,
                speaker_resolution=how,
                via_start=via[0] if via else None,
                via_end=via[1] if via else None,
                speakers=co_speakers.get(id(draft), ()),
                source=draft.source,
            )
        )
    quotes.sort(key=lambda q: (q.content_start, q.content_end))
    return quotes


def _cue_start(item: Draft | Quote) -> int:
    if isinstance(item, Quote):
        return item.cue_start if item.cue_start is not None else item.content_start
    return item.cue[0] if item.cue else item.content[0]


def _remember(
    doc: Doc,
    earlier: EarlierSpeakers,
    speaker: Span | None,
    ref_start: int | None,
    ref_end: int | None,
    how: str,
    content_start: int,
    *,
    people: set[tuple[int, int]],
    surnames: set[str],
) -> None:
    """A resolved speaker as an earlier speaker, labelled with what a later "he", "they" or "the agency" stands for."""
    if ref_start is not None and ref_end is not None:
        ref = doc.char_span(ref_start, ref_end, alignment_mode="expand")
        if (ref_start, ref_end) in people or how == "pronoun" or (ref is not None and surname(ref.text) in surnames):
            label = "PERSON"
        elif how == "office":
            label = "ORG"  # an office or its organisation: never the antecedent of "he" or "she"
        else:
            label = ref.root.ent_type_ if ref is not None else ""
        if label not in ("PERSON", "ORG", "GPE", "NORP") and ref is not None and ref.root.tag_ in ("NNS", "NNPS"):
            label = "PLURAL"  # "the report's authors": what a later "they" stands for
        at = speaker.start_char if speaker is not None else content_start
        earlier.add(EarlierSpeaker(at=at, ref_start=ref_start, ref_end=ref_end, label=label))
    elif (
        speaker is not None
        and len(speaker) > 1
        and speaker.root.tag_ in ("NNS", "NNPS")
        and speaker.root.lemma_.lower() in ROLE_NOUNS | REPRESENTATIVE_NOUNS
    ):
        # an unresolved group of people ("the report's authors") is still who a later "they" is
        earlier.add(
            EarlierSpeaker(
                at=speaker.start_char, ref_start=speaker.start_char, ref_end=speaker.end_char, label="PLURAL"
            )
        )
