"""Pass 3: relays and source frames.

"according to X", "cited by X" either name the medium of a quote in the same or
the previous sentence (``via``) or, alone, attribute the clause around them to
X. "In his opinion, …", "In the latest poll, …" frame a sentence as someone's
view or a text's finding. A medium that reports someone else's words ("…, the
spokesperson said, the agency wrote") becomes that quote's relay.
"""

from __future__ import annotations

from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from toolkit.sdk import doc_text

from .marks import Stretch
from .memo import memoised, tokens_lowered, verb_like_tokens
from .records import Draft, QuoteOptions
from .spans import SUBJECT_DEPS, close_quotes, kind_for, span_of, trim, word_count
from .speakers import noun_phrase, relay_phrase_at, source_after, speaker_of
from .verbs import is_cue_verb, is_message_verb
from .words import (
    MEDIA_NOUNS,
    OPINION_FRAME_NOUNS,
    RELAY_FIRST_WORDS,
    SOURCE_NOUNS,
    THIRD_PERSON_POSSESSIVES,
)


# ---------------------------------------------------------------------------
# pass 3: relays
def relay_quotes(doc: Doc, drafts: list[Draft], stretches: tuple[Stretch, ...]) -> None:
    text = doc_text(doc)
    for token in tokens_lowered(doc, RELAY_FIRST_WORDS):
        i = token.i
        phrase = relay_phrase_at(doc, i)
        if phrase is None:
            continue
        last = doc[i + len(phrase) - 1]
        source = source_after(last)
        if source is None:
            continue
        via = (source.start_char, source.end_char)
        cue = (token.idx, last.idx + len(last.text))
        sent = token.sent
        direct = [d.content for d in drafts if d.kind == "direct"]
        # a quote cued in the same sentence before the relay (not a cue nested inside a quotation):
        # the relay is its medium
        same = [
            d
            for d in drafts
            if d.cue
            and sent.start_char <= d.cue[0] < cue[0]
            and d.via is None
            and not any(s <= d.cue[0] < e for s, e in direct)
        ]
        if same:
            target = max(same, key=lambda d: d.cue[0])
            target.via = via
            if target.content[0] < cue[0] < target.content[1]:  # "… , according to X" is not part of the message
                target.content = trim(text, target.content[0], cue[0])
                target.parts = [(a, min(b, target.content[1])) for a, b in target.parts if a < target.content[1]]
            continue
        # a fragment right after a quote ("… ” Program X, cited by the state agency.")
        before = [d for d in drafts if d.content[1] <= cue[0] and d.via is None and d.kind == "direct"]
        latest = max(before, key=lambda d: d.content[1]) if before else None
        fragment_start = max(sent.start_char, latest.content[1]) if latest else sent.start_char
        has_clause = any(
            t.dep_ in SUBJECT_DEPS for t in sent if t.idx >= fragment_start and not (cue[0] <= t.idx < via[1])
        )
        if (
            latest is not None
            and not has_clause
            and len(text[latest.content[1] : cue[0]]) < 120
            and text[latest.content[1] : cue[0]].count("\n") == 0
        ):
            latest.via = via
            continue
        if phrase[0] != "according" and phrase[:2] != ("in", "the"):
            continue
        if any(s.inner_start <= token.idx < s.inner_end for s in stretches):
            # “It's according to age groups,” said Lee: words of the quoted speaker, not a source of the writer's
            continue
        # alone: "according to X" attributes the clause around it to X
        outside = [t for t in sent if not (cue[0] <= t.idx < source.end_char)]
        before = [t for t in outside if t.idx < cue[0]]
        after = [t for t in outside if t.idx >= source.end_char]
        side = (
            before
            if word_count(" ".join(t.text for t in before)) >= word_count(" ".join(t.text for t in after))
            else after
        )
        content = span_of(side)
        if content is None:
            continue
        start, end = trim(text, *content)
        start, end = close_quotes(text, start, end, stretches)
        if word_count(text[start:end]) < 2:
            continue
        if any(d.content[0] <= start and end <= d.content[1] and d.cue and d.cue[0] >= end for d in drafts):
            continue
        drafts.append(
            Draft(
                kind=kind_for(doc, start, end, stretches),
                content=(start, end),
                parts=[(start, end)],
                cue=cue,
                speaker=source,
                source="relay",
            )
        )
    # "In his opinion, …": the possessor holds the view
    for token in tokens_lowered(doc, frozenset({"in"})):
        if token.i + 2 >= len(doc):
            continue
        owner, noun = doc[token.i + 1], doc[token.i + 2]
        # third person only: "in our view" inside a quotation is the speaker's own voice
        if owner.lower_ not in THIRD_PERSON_POSSESSIVES or noun.lower_ not in OPINION_FRAME_NOUNS:
            continue
        sent = token.sent
        rest = [t for t in sent if t.i > noun.i and not (t.is_punct and t.i == noun.i + 1)]
        content = span_of(rest)
        if content is None or (token.i != sent.start and doc[token.i - 1].text not in (",", "“")):
            continue
        start, end = trim(text, *content)
        if word_count(text[start:end]) >= 3:
            drafts.append(
                Draft(
                    kind=kind_for(doc, start, end, ()),
                    content=(start, end),
                    parts=[(start, end)],
                    cue=(token.idx, noun.idx + len(noun.text)),
                    speaker=doc[owner.i : owner.i + 1],
                    source="relay",
                )
            )
    _source_frames(doc, drafts, stretches)
    # a medium reporting someone else's words: "… the spokesperson said, the agency wrote"
    cue_tokens = {d.cue_token for d in drafts}  # a set, not a scan of every draft per verb
    for verb in verb_like_tokens(doc):
        if not is_cue_verb(verb, QuoteOptions(beliefs=False)) or verb.i in cue_tokens:
            continue
        medium = speaker_of(verb)
        if medium is None or not is_medium(medium):
            continue
        earlier = [
            d
            for d in drafts
            if d.cue and verb.sent.start_char <= d.cue[0] < verb.idx and d.via is None and d.speaker is not None
        ]
        if earlier:
            max(earlier, key=lambda d: d.cue[0]).via = (medium.start_char, medium.end_char)
    for outer in drafts:
        if outer.speaker is None or not is_medium(outer.speaker):
            continue
        for inner in drafts:
            if inner is outer or inner.via is not None or inner.cue is None:
                continue
            if outer.content[0] <= inner.cue[0] < outer.content[1] and inner.speaker is not None:
                inner.via = (outer.speaker.start_char, outer.speaker.end_char)


def _source_frames(doc: Doc, drafts: list[Draft], stretches: tuple[Stretch, ...]) -> None:
    """ "In the latest poll, the senator leads by five points": a sentence framed by the text or count it comes from.

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
        opens = first.is_sent_start or (i > 0 and doc[i - 1].is_space and doc[i - 1].is_sent_start)
        objects = [c for c in first.children if c.dep_ == "pobj" and c.lemma_.lower() in SOURCE_NOUNS] if opens else []
        if not objects:
            continue
        frame_end = objects[0].right_edge.i + 1
        sent_end = frame_end + 1
        while sent_end < len(doc) and not doc[sent_end].is_sent_start:
            sent_end += 1
        if frame_end >= len(doc) or doc[frame_end].text != ",":
            continue
        rest = [t for t in doc[frame_end + 1 : sent_end] if not t.is_space]
        if any(
            t.dep_ == "ROOT" and (is_cue_verb(t, QuoteOptions()) or is_message_verb(t, QuoteOptions())) for t in rest
        ):
            continue
        content = span_of(rest)
        if content is None:
            continue
        start, end = close_quotes(text, *trim(text, *content), stretches)
        if word_count(text[start:end]) < 3:
            continue
        owners = [c for c in objects[0].children if c.dep_ == "poss"]
        speaker = noun_phrase(owners[0]) if owners else doc[first.i + 1 : frame_end]
        if len(speaker) > 1 and speaker[-1].tag_ == "POS":
            speaker = speaker[:-1]
        drafts.append(
            Draft(
                kind=kind_for(doc, start, end, stretches),
                content=(start, end),
                parts=[(start, end)],
                cue=(first.idx, objects[0].idx + len(objects[0].text)),
                speaker=speaker,
                source="relay",
            )
        )


def as_medium(doc: Doc, via: tuple[int, int] | None) -> tuple[int, int] | None:
    """A relay as a medium (agency, outlet, broadcaster, ministry website), never a nationality or a country.

    "Ostlandian" or "Ostland" alone is no relay; when the medium is named right after the
    adjective ("Ostlandian news agency ONA" cut short) the relay runs on to it.
    """
    if via is None:
        return None
    span = doc.char_span(via[0], via[1], alignment_mode="expand")
    if span is None or not len(span):
        return None
    root = span.root
    if root.ent_type_ not in ("NORP", "GPE") and root.pos_ != "ADJ":
        return via
    for token in doc[span.end : min(span.end + 5, span.sent.end)]:
        if token.is_punct or token.pos_ in ("VERB", "AUX", "ADP"):
            break
        if token.lemma_.lower() in MEDIA_NOUNS or (token.ent_type_ == "ORG" and token.ent_iob_ == "B"):
            end = noun_phrase(token).end if token.ent_type_ != "ORG" else token.i + 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            return (span.start_char, doc[end - 1].idx + len(doc[end - 1].text))
    return None


def is_medium(span: Span) -> bool:
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
