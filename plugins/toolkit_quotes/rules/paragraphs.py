"""Pass 4: attributions across lines and paragraphs.

A reporting clause ending in a colon introduces the next paragraph; a transcript
or headline line ("SMITH: We will win.") is the named speaker's; a closing
"…, X said" speaks for the uncued sentences before it in its paragraph; and a
whole quoted sentence with no cue right after a quote continues it.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from toolkit.sdk import doc_text

from .marks import Stretch
from .records import Draft, QuoteOptions
from .relays import is_medium
from .spans import CLOSERS, FINITE_TAGS, OPENERS, overlaps_any, trim, word_count
from .verbs import cue_in, is_cue_verb
from .words import LINE_LABELS, SPEECH_VERBS


# ---------------------------------------------------------------------------
# pass 4: colon blocks and continued quotations
def colon_blocks(doc: Doc, drafts: list[Draft], blocked: list[tuple[int, int]]) -> None:
    """A reporting clause ending in a colon at the end of a paragraph introduces the next paragraph."""
    text = doc_text(doc)
    for draft in list(drafts):
        if draft.cue is None or draft.source not in ("clause",):
            continue
        line_end = text.find("\n", draft.cue[1])
        if line_end < 0 or not text[:line_end].rstrip().endswith(":"):
            continue
        if text[draft.content[1] : line_end].strip(" :"):
            continue
        start = line_end
        while start < len(text) and text[start].isspace():
            start += 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if start >= end or text[start] in OPENERS or overlaps_any(start, end, blocked):
            continue
        content = trim(text, start, end)
        if word_count(text[content[0] : content[1]]) < 4:
            continue
        drafts.append(
            Draft(
                kind="direct",
                content=content,
                parts=[content],
                cue=draft.cue,
                cue_token=None,
                speaker=draft.speaker,
                source="colon-block",
                via=draft.via,
            )
        )


_SPEAKER_LINE = re.compile(
    r"(?m)^[ \t]*[\"“'‘]?(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})[ \t]*:[ \t]+(?=\S)"
)


def speaker_lines(doc: Doc, drafts: list[Draft], blocked: list[tuple[int, int]]) -> None:
    """Transcripts and headlines: "SMITH: We will win." / "Jane Doe: Taxes must rise" — a name, a colon, the words."""
    text = doc_text(doc)
    for match in _SPEAKER_LINE.finditer(text):
        name_start, name_end = match.span("name")
        if overlaps_any(name_start, match.end(), blocked):
            continue
        if {w.lower().strip(".'’") for w in match.group("name").split()} & LINE_LABELS:
            continue
        name = doc.char_span(name_start, name_end, alignment_mode="contract")
        if name is None or not len(name) or not all(t.pos_ in ("PROPN", "NOUN") or t.is_upper for t in name):
            continue
        labels = {t.ent_type_ for t in name} - {""}
        # a bare surname ("Smith: …") is a speaker when the article names that person or body elsewhere
        labels |= {
            e.label_
            for e in doc.ents
            if e.label_ in ("PERSON", "ORG")
            and e.start_char != name_start
            and name[-1].text.lower() in {t.lower_ for t in e}
        }
        shouting = all(t.is_upper and t.is_alpha and len(t) > 1 for t in name)
        if not (labels & {"PERSON", "ORG", "NORP"} or shouting) or (
            labels == {"GPE"} and len(name) == 1 and not shouting
        ):
            continue  # a dateline or a section label, not a speaker
        if text[match.end() : match.end() + 1] in "-–—" or is_medium(name):
            continue  # "AGENCY: – Headline": an outlet labelling its story, not a speaker
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        start, end = trim(text, match.end(), line_end)
        if text[match.start() : name_start].strip():  # a quoted transcript: the marks frame the whole exchange
            end = trim(text, start, end, keep_closing=False)[1]
        if word_count(text[start:end]) < 3 or text[start] in OPENERS:
            continue  # a quotation after the colon is the headline-quote rule's
        if any(
            d.content[0] < end
            and start < d.content[1]
            and d.cue
            and not (start <= d.cue[0] < end)
            and not d.content[0] < name_start
            for d in drafts
        ):
            continue  # already someone's words (a quotation framing the whole transcript does not count)
        colon = match.end() - len(match.group()) + match.group().index(":")
        # the parser may take the name before the colon as the subject of a verb after it ("SMITH: Do you think …")
        drafts[:] = [
            d
            for d in drafts
            if not (
                d.speaker is not None
                and d.speaker.start_char == name_start
                and d.cue is not None
                and start <= d.cue[0] < end
            )
        ]
        drafts.append(
            Draft(
                kind="indirect",
                content=(start, end),
                parts=[(start, end)],
                cue=(colon, colon + 1),
                speaker=name,
                source="speaker-line",
            )
        )


# a quoted stretch this long that ends a sentence is speech even when no cue names the speaker
_ORPHAN_MIN_WORDS = 8


def _ends_sentence(text: str, stretch: Stretch) -> bool:
    tail = text[stretch.inner_start : stretch.inner_end].rstrip().rstrip(CLOSERS)
    after = text[stretch.end : stretch.end + 2].lstrip(" ")
    return tail.endswith((".", "!", "?", "…")) or after[:1] in (".", "!", "?", "\n", "")


def continuations(
    doc: Doc, stretches: tuple[Stretch, ...], used: set[int], drafts: list[Draft], options: QuoteOptions
) -> None:
    """A whole quoted sentence with no cue, right after a direct quote, continues that speaker's words."""
    text = doc_text(doc)
    for index, stretch in enumerate(stretches):
        if index in used or any(d.content[0] <= stretch.start < d.content[1] for d in drafts):
            continue
        inner = text[stretch.inner_start : stretch.inner_end]
        if word_count(inner) < max(options.min_direct_words, 4):
            continue
        span = doc.char_span(stretch.start, stretch.end, alignment_mode="expand")
        if span is None or not any(t.tag_ in FINITE_TAGS for t in span) or _quoted_heading(text, stretch):
            continue
        sent_start = span[0].sent.start_char
        own_sentence = not text[sent_start : stretch.start].strip()
        earlier = [
            d
            for d in drafts
            if d.content[1] <= stretch.start
            and d.kind in ("direct", "mixed", "partial")
            and (d.kind != "partial" or d.source == "quote-after")
        ]
        prev = max(earlier, key=lambda d: d.content[1]) if earlier else None
        gap = text[prev.content[1] : stretch.start] if prev is not None else ""
        if (
            not own_sentence
            or prev is None
            or len(gap) > 200
            or gap.count("\n") > 2
            or cue_in(doc, prev.content[1], stretch.start, besides=prev.cue, participles_of=prev.cue_token)
        ):
            # a long quoted sentence nobody is named for is still someone's words: kept, speaker unknown
            if (
                word_count(inner) >= _ORPHAN_MIN_WORDS
                and _ends_sentence(text, stretch)
                and stretch.paragraphs == 1
                and (own_sentence or text[: stretch.start].rstrip()[-1:] in (":", ","))
            ):
                content = (stretch.start, stretch.end)
                drafts.append(Draft(kind="direct", content=content, parts=[content], source="unattributed"))
            continue
        if "\n" not in gap and prev.source in ("quote-after", "dash"):
            # “A,” she said. “B.” — one statement in two pieces, interrupted by its cue sentence
            prev.parts = (prev.parts or [prev.content]) + [(stretch.start, stretch.end)]
            prev.content = (prev.content[0], stretch.end)
            continue
        content = (stretch.start, stretch.end)
        drafts.append(
            Draft(
                kind="direct",
                content=content,
                parts=[content],
                cue=None,
                speaker=prev.speaker,
                source="continuation",
                via=prev.via,
                inherited_from=prev,
            )
        )


def paragraph_openers(doc: Doc, drafts: list[Draft]) -> None:
    """ "The firm plants trees. The trees absorb carbon. An acre absorbs a ton, Smith said.": a closing
    "…, X said" after the last sentence of a paragraph speaks for the sentences before it too, when
    they carry no attribution, quotation or reporting verb of their own."""
    text = doc_text(doc)
    for draft in drafts:
        if draft.source != "clause" or draft.cue_token is None or draft.cue is None or draft.cue[0] < draft.content[1]:
            continue
        verb = doc[draft.cue_token]
        sent = verb.sent
        # only the closing attribution ("…, Smith said.", "…, she said on Monday.")
        if (
            not text[draft.content[1] : draft.cue[0]].lstrip().startswith(",")
            or word_count(text[draft.cue[1] : sent.end_char]) > 3
            or verb.lemma_.lower() not in SPEECH_VERBS
        ):
            continue
        line_start = text.rfind("\n", 0, sent.start_char) + 1
        if draft.content[0] > trim(text, sent.start_char, sent.end_char)[0] or line_start >= sent.start_char:
            continue
        before = doc.char_span(line_start, sent.start_char, alignment_mode="contract")
        if before is None or not len(before) or any(ch in text[line_start : sent.start_char] for ch in '"“”«»'):
            continue
        if any(is_cue_verb(t, QuoteOptions(beliefs=False)) for t in before) or any(
            d is not draft and d.content[0] < sent.start_char and d.content[1] > line_start for d in drafts
        ):
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
        draft.content = (trim(text, start, draft.content[1])[0], draft.content[1])
        draft.parts = [draft.content]


def _quoted_heading(text: str, stretch: Stretch) -> bool:
    """A quoted line in title case (a line of its own: ‘All Is Well.’): a section heading quoting the text below.

    >>> from toolkit_quotes.rules.marks import scan_quotes
    >>> _quoted_heading("x\\n“All Is Well.”\\ny", scan_quotes("x\\n“All Is Well.”\\ny")[0][0])
    True
    """
    line_start = text.rfind("\n", 0, stretch.start) + 1
    line_end = text.find("\n", stretch.end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start : stretch.start].strip() or text[stretch.end : line_end].strip(" .!?"):
        return False
    words = re.findall(r"[A-Za-z][\w’']*", text[stretch.inner_start : stretch.inner_end])
    long_words = [w for w in words if len(w) > 3]
    return len(words) <= 12 and bool(long_words) and all(w[0].isupper() for w in long_words)
