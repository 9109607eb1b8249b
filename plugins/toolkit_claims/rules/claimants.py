"""Who makes a claim, what it is about, when, and how sure the reading is.

Each function reads one quote against its article's mentions, events and
timexes (tuples sorted by start, see :mod:`.slices`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from toolkit.sdk import timex_range, word_list

from .cells import present, text_of
from .grouping import Frame, entity_key, lexical_terms, term_set

if TYPE_CHECKING:
    from .slices import _Offsets

__all__ = [
    "ArticleContext",
    "QuoteClaim",
    "read_claim",
    "_claimants",
    "_about",
    "_within",
    "_entity_names",
    "_date",
    "_confidence",
    "proposition_span",
]


def _claimants(
    quote: Any, offsets: _Offsets, mentions: Sequence[tuple[int, int, str]], names: Mapping[str, str], text: str
) -> list[tuple[str | None, str | None]]:
    """One (entity_id, name) per claimant; "Ostland and Westmark deny" gives two.

    The quotes table's ``speakers`` list (with ``speaker_entity_ids``) says who they
    are, so the two tables agree; a table without it (made by an older quotes plugin)
    is split here: only coordinated names split a speaker ("X and Y", "X, Y"); "an
    Ostlandian Foreign Ministry spokeswoman Anna Berg" is one claimant.
    """
    listed = _listed(getattr(quote, "speakers", None))
    if listed is not None and len(listed) > 1:
        ids = _listed(getattr(quote, "speaker_entity_ids", None)) or [None] * len(listed)
        pairs = [(text_of(e) or None, text_of(n) or None) for e, n in zip(ids, listed)]
        # one claim per speaker: the same entity named twice is one claimant
        return list({(e or n or ""): (e, names.get(e, n) if e else n) for e, n in pairs}.values())
    if listed is not None:
        return _one_claimant(quote, names)
    speaker_ids: list[str] = []
    if offsets.speaker_start is not None and offsets.speaker_end is not None and len(mentions):
        spans = _within(mentions, offsets.speaker_start, offsets.speaker_end)
        if len(spans) >= 2 and all(
            _COORDINATION.fullmatch(text[a_end:b_start]) for (_, a_end, _), (b_start, _, _) in zip(spans, spans[1:])
        ):
            speaker_ids = list(dict.fromkeys(e for _, _, e in spans))
    if len(speaker_ids) < 2:
        return _one_claimant(quote, names)
    return [(eid, names.get(eid) or eid) for eid in speaker_ids]


def _one_claimant(quote: Any, names: Mapping[str, str]) -> list[tuple[str | None, str | None]]:
    """A single claimant: the quotes plugin's resolution (which also follows pronouns)."""
    single = text_of(quote.speaker_entity_id)
    fallback = text_of(getattr(quote, "speaker_name", None))
    if not single:
        return [(None, fallback or None)]
    return [(single, names.get(single) or fallback or single)]


def _listed(value: Any) -> list[Any] | None:
    """A list cell as a list; None when the column is absent or the cell missing."""
    if value is None or isinstance(value, str):
        return None
    try:
        return list(value)
    except TypeError:  # a missing cell (NaN, pd.NA)
        return None


_COORDINATION = re.compile(r"\s*(?:,\s*)?(?:and|&|as well as|or|,)\s*", re.I)


def _about(
    offsets: _Offsets,
    mentions: Sequence[tuple[int, int, str]],
    sentence: tuple[int, int],
    claimants: set[str | None],
    *,
    strict: bool = False,
) -> list[str]:
    """Entities named in the sentence and the content (only in ``sentence`` when ``strict``), claimants aside."""
    if not len(mentions):
        return []
    start, end = sentence
    if not strict:
        start = start if offsets.content_start is None else min(start, offsets.content_start)
        end = end if offsets.content_end is None else max(end, offsets.content_end)
    in_scope = _within(mentions, start, end)
    if offsets.speaker_start is not None and offsets.speaker_end is not None:
        in_scope = [m for m in in_scope if m[1] <= offsets.speaker_start or m[0] >= offsets.speaker_end]
    ordered = [e for _, _, e in in_scope]
    return [e for e in dict.fromkeys(ordered) if e not in claimants]


def _within(mentions: Sequence[tuple[int, int, str]], start: int, end: int) -> list[tuple[int, int, str]]:
    """The mentions inside ``start``..``end``, in order; ``mentions`` are sorted by start (and end after start).

    Found by bisection: scanning an article's mentions twice per quote was the step's largest cost.

    >>> _within([(0, 3, "a"), (5, 9, "b"), (6, 12, "c"), (20, 24, "d")], 5, 12)
    [(5, 9, 'b'), (6, 12, 'c')]
    """
    begin = bisect_left(mentions, start, key=_START)
    stop = bisect_right(mentions, end, key=_START, lo=begin)
    return [m for m in mentions[begin:stop] if m[1] <= end]


_START = itemgetter(0)


def _entity_names(entities: pd.DataFrame) -> dict[str, str]:
    if not len(entities):
        return {}
    return {str(e): str(n) for e, n in zip(entities["entity_id"], entities["name"]) if present(e) and present(n)}


# --- when ---------------------------------------------------------------------------
def _date(
    sentence: tuple[int, int],
    events: Sequence[tuple[int, int, Any, Any]],
    timexes: Sequence[tuple[int, int, Any]],
    published: Any,
) -> tuple[str | None, str | None, str]:
    """The claim's dates: an event in its sentence, else a date in it, else the publication day.

    ``events`` are one article's (start, end, date_start, date_end) sorted by start,
    ``timexes`` its (start, end, value) sorted by start.
    """
    for start, end, date_start, date_end in events:
        if start >= sentence[1]:
            break
        if end > sentence[0] and present(date_start):
            return str(date_start), text_of(date_end) or str(date_start), "event"
    for start, end, value in timexes:
        if start >= sentence[0] and end <= sentence[1]:
            # the one TIMEX-value reading of the toolkit: a week, season or quarter is its days
            bounds = timex_range(text_of(value))
            if bounds:
                return bounds[0].isoformat(), bounds[1].isoformat(), "timex"
    if present(published):
        return str(published)[:10], str(published)[:10], "published"
    return None, None, "unknown"


_BASIS_CONFIDENCE = {"cue": 0.9, "content": 0.8, "content+negation": 0.75, "cue+negation": 0.7, "default": 0.55}


def _confidence(basis: str, claimants: Sequence[tuple[str | None, str | None]], quote_confidence: Any) -> float:
    score = _BASIS_CONFIDENCE.get(basis, 0.5)
    if not any(c for c, _ in claimants):
        score *= 0.6 if any(n for _, n in claimants) else 0.4
    if present(quote_confidence):
        try:
            score *= float(quote_confidence)
        except (TypeError, ValueError):
            pass
    return round(score, 3)


# --- one quote as claims ---------------------------------------------------------------
@dataclass(frozen=True)
class ArticleContext:
    """What reading a quote needs of its article: its text, its mentions ``(start, end, entity_id)``,
    events ``(start, end, date_start, date_end)`` and timexes ``(start, end, value)`` sorted by
    start, its publication date, and every entity's name."""

    text: str
    mentions: Sequence[tuple[int, int, str]]
    events: Sequence[tuple[int, int, Any, Any]]
    timexes: Sequence[tuple[int, int, Any]]
    published: Any
    names: Mapping[str, str]


class QuoteClaim(NamedTuple):
    """What one quote claims; each of its ``claimants`` (``(entity_id, name)``) makes one claim of it."""

    quote_id: str
    claimants: list[tuple[str | None, str | None]]
    stance: str
    proposition: str  # the article's own words (``text[proposition_start:proposition_end]``)
    proposition_start: int
    proposition_end: int
    proposition_key: str  # the normalised paraphrase grouping compares ("sell arms"), not for reading
    about: list[str]
    date_start: str | None
    date_end: str | None
    date_source: str
    cue_lemma: str | None
    negated: bool
    basis: str
    confidence: float
    evidence: str
    sentence: tuple[int, int]
    terms: frozenset[str]  # the proposition's content words, for lexical grouping
    entities: frozenset[str]  # entity keys near the claim; "=" + key for those inside the proposition
    frame: Frame
    text: str  # what sentence embeddings read ("" when none will)
    order: int  # where the content starts (two quotes of one sentence share their speaker's offset)
    anaphoric: bool


def read_claim(
    quote: Any, offsets: _Offsets, reading: Mapping[str, Any], article: ArticleContext, *, with_text: bool
) -> QuoteClaim:
    """One quote as a claim: its claimants, what it is about, when, and its grouping features.

    ``reading`` is the quote's per-article reading (see :mod:`toolkit_claims.component`)
    with its ``word_terms``.
    """
    span = offsets.span()
    if present(reading["sentence_start"]) and present(reading["sentence_end"]):
        sentence = int(reading["sentence_start"]), int(reading["sentence_end"])
    else:
        sentence = span
    names = article.names
    claimants = _claimants(quote, offsets, article.mentions, names, article.text)
    claimant_ids = {c for c, _ in claimants}
    about = _about(offsets, article.mentions, sentence, claimant_ids)
    if present(reading["core_start"]) and present(reading["core_end"]):
        core = int(reading["core_start"]), int(reading["core_end"])
    elif offsets.content_start is not None and offsets.content_end is not None:
        core = offsets.content_start, offsets.content_end
    else:
        core = span
    inside = _about(offsets, article.mentions, core, claimant_ids, strict=True)
    participants = frozenset(k for k in (entity_key(names.get(e, "")) for e in inside) if k)
    # an entity named in the proposition counts twice as much as one only named near it
    entities = frozenset({entity_key(names.get(e, e)) for e in about} | {"=" + k for k in participants})
    frame = Frame(
        predicates=frozenset(reading["predicates"]), themes=frozenset(reading["themes"]), participants=participants
    )
    date_start, date_end, date_source = _date(sentence, article.events, article.timexes, article.published)
    # the proposition's own clause, not the whole quote: a long quote's later
    # sentences comment on the claim and would drown what it is about
    terms = term_set(reading["word_terms"]) | lexical_terms([(w, "NOUN") for w in reading["proposition"].split()])
    start, end = proposition_span(article.text, core)
    for wider in (span, sentence):  # a clause of punctuation only: the quote's words, else its sentence
        if start < end:
            break
        start, end = proposition_span(article.text, wider)
    return QuoteClaim(
        quote_id=str(quote.quote_id),
        claimants=claimants,
        stance=reading["stance"],
        proposition=article.text[start:end],
        proposition_start=start,
        proposition_end=end,
        proposition_key=str(reading["proposition"] or "").lower(),
        about=about,
        date_start=date_start,
        date_end=date_end,
        date_source=date_source,
        cue_lemma=reading["cue_lemma"] if present(reading["cue_lemma"]) else None,
        negated=bool(reading["negated"]),
        basis=reading["basis"],
        confidence=_confidence(reading["basis"], claimants, getattr(quote, "confidence", None)),
        evidence=text_of(quote.content),
        sentence=sentence,
        terms=terms,
        entities=entities,
        frame=frame,
        text=f"{reading['proposition']}. {reading['focus_text']}" if with_text else "",
        order=offsets.content_start if offsets.content_start is not None else span[0],
        anaphoric=bool(reading["anaphoric"]),
    )


_MAX_PROPOSITION_CHARS = 240  # a proposition is read in a table cell: a clause, not a paragraph
_EDGE = " \t\n\r,;:.\"'“”‘’()-–—"


def proposition_span(text: str, core: tuple[int, int]) -> tuple[int, int]:
    """The proposition as the article words it: ``core`` (its own clause) without the
    quotation marks and punctuation at its edges, cut at a word boundary when longer
    than a table cell can show. Offsets into ``text``, so the view can point at them.

    >>> text = 'He said "Ostland sold rockets to Marea." Then he left.'
    >>> start, end = proposition_span(text, (8, 40))
    >>> text[start:end]
    'Ostland sold rockets to Marea'
    >>> text = "She said that the port was closed."
    >>> text[slice(*proposition_span(text, (9, 34)))]
    'the port was closed'
    >>> text = "They denied it, saying that would never happen."
    >>> text[slice(*proposition_span(text, (23, 46)))]
    'that would never happen'
    """
    start, end = max(0, core[0]), min(len(text), core[1])
    if end - start > _MAX_PROPOSITION_CHARS:
        cut = text.rfind(" ", start, start + _MAX_PROPOSITION_CHARS)
        end = cut if cut > start else start + _MAX_PROPOSITION_CHARS
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    found = _COMPLEMENTISER.match(text, start, end)
    # "said that X": the proposition is X; but in "saying that would never happen" "that" is the subject
    if found and found.group(1).lower() not in _VERB_NEXT:
        start = found.end()
    return start, end


_COMPLEMENTISER = re.compile(r"that\s+(?=(\w+))", re.I)
# a verb right after "that" makes "that" a pronoun: the auxiliaries and the forms of be, have and do
_VERB_NEXT = word_list("auxiliaries", package="toolkit_claims") | {
    "is",
    "are",
    "was",
    "were",
    "am",
    "has",
    "had",
    "does",
    "did",
    "'s",
}
