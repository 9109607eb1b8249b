"""The corpus step: quotes (direct and reported speech) become claims.

Only the passages around quotes are parsed again (the paragraph holding the
quote and the one before it, for "deny this …" that points back), so the cost
grows with the number of quotes, not with the length of the articles.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from toolkit.registry import StepContext
from toolkit.schemas import conform, empty_table

from .grouping import GroupingConfig, group_claims, lexical_terms
from .reading import Reading, read_quote

__all__ = ["claims_step", "build_claims", "ClaimOptions"]

_PARAGRAPH = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True, kw_only=True)
class ClaimOptions:
    model: str | None = None
    batch_size: int = 32
    grouping: GroupingConfig = GroupingConfig()

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> ClaimOptions:
        grouping = {k: options[k] for k in ("threshold", "embeddings", "weight_embedding", "weight_lexical",
                                             "weight_entities") if k in options}
        return cls(model=options.get("model"), batch_size=int(options.get("batch_size", 32)),
                   grouping=GroupingConfig(**grouping))


def claims_step(tables: Mapping[str, pd.DataFrame], context: StepContext) -> dict[str, pd.DataFrame]:
    """The plugin's ``corpus_step``: returns the ``claims`` table."""
    options = ClaimOptions.from_mapping(context.options)
    return {"claims": build_claims(tables, nlp=_nlp(options.model), options=options)}


@lru_cache(maxsize=2)
def _nlp(model: str | None) -> Any:
    from toolkit.nlp import load_model

    # the parser and lemmatiser are what claims need; NER comes from the entities plugin
    return load_model(model, exclude=("ner",))


def build_claims(tables: Mapping[str, pd.DataFrame], *, nlp: Any, options: ClaimOptions = ClaimOptions()) -> pd.DataFrame:
    """Claims from the ``quotes`` table, using ``mentions``, ``entities``, ``events`` and ``timexes`` when present."""
    quotes = tables.get("quotes")
    if quotes is None or quotes.empty:
        return empty_table("claims")
    articles = tables["articles"].set_index("article_id")
    mentions = _table(tables, "mentions")
    names = _entity_names(_table(tables, "entities"))
    events = _table(tables, "events")
    timexes = _table(tables, "timexes")

    quotes = quotes.sort_values(["article_id", "content_start", "quote_id"], na_position="last")
    windows = _windows(quotes, articles)
    docs = dict(zip(windows, nlp.pipe((articles.at[a, "text"][s:e] for a, s, e in windows),
                                      batch_size=options.batch_size)))
    rows: list[dict[str, Any]] = []
    grouping_inputs: list[tuple[str, frozenset[str], frozenset[str]]] = []
    for quote in quotes.itertuples(index=False):
        article_id = str(quote.article_id)
        if article_id not in articles.index:
            continue
        span = _quote_span(quote)
        window = next((w for w in windows if w[0] == article_id and w[1] <= span[0] and span[1] <= w[2]), None)
        if window is None:
            continue
        doc, base = docs[window], window[1]
        reading = read_quote(doc, content=_shift(quote.content_start, quote.content_end, base),
                             cue=_shift(quote.cue_start, quote.cue_end, base))
        sentence = _sentence(doc, quote, base)
        sent_start, sent_end = (sentence.start_char + base, sentence.end_char + base) if sentence is not None else span
        article_mentions = mentions[mentions["article_id"] == article_id] if len(mentions) else mentions
        claimants = _claimants(quote, article_mentions, names, articles.at[article_id, "text"])
        about = _about(quote, article_mentions, (sent_start, sent_end), {c for c, _ in claimants})
        date_start, date_end, date_source = _date(article_id, (sent_start, sent_end), events, timexes,
                                                  articles.at[article_id, "published"])
        focus_tokens = _focus_tokens(doc, quote, base, sentence, reading)
        text = f"{reading.proposition}. {reading.focus_text}"
        if reading.anaphoric and sentence is not None:
            previous = _previous_sentence(doc, sentence)
            if previous is not None:
                text += f" ({previous.text.strip()})"
        terms = lexical_terms(focus_tokens) | lexical_terms([(w, "NOUN") for w in reading.proposition.split()])
        confidence = _confidence(reading, claimants, getattr(quote, "confidence", None))
        for claimant_id, claimant_name in claimants:
            key = f"{quote.quote_id}\x00{claimant_id or claimant_name or ''}"
            rows.append({
                "claim_id": "C" + hashlib.sha1(key.encode()).hexdigest()[:12],
                "article_id": article_id,
                "quote_id": str(quote.quote_id),
                "claimant_entity_id": claimant_id,
                "stance": reading.stance,
                "proposition": reading.proposition,
                "about_entity_ids": about,
                "date_start": date_start,
                "date_end": date_end,
                "group_id": None,
                "claimant_name": claimant_name,
                "cue_lemma": reading.cue_lemma,
                "negated": reading.negated,
                "stance_basis": reading.basis,
                "date_source": date_source,
                "confidence": confidence,
                "evidence": _text(quote.content),
                "sentence_start": sent_start,
                "sentence_end": sent_end,
            })
            grouping_inputs.append((text, terms, frozenset(about)))
    if not rows:
        return empty_table("claims")
    group_ids, method = group_claims([r["claim_id"] for r in rows], texts=[g[0] for g in grouping_inputs],
                                     terms=[g[1] for g in grouping_inputs], entities=[g[2] for g in grouping_inputs],
                                     config=options.grouping)
    for row, group_id in zip(rows, group_ids):
        row["group_id"] = group_id
        row["grouping_method"] = method
    frame = conform("claims", rows)
    return frame.drop_duplicates("claim_id").reset_index(drop=True)


# --- passages -------------------------------------------------------------------
def _quote_span(quote: Any) -> tuple[int, int]:
    points = [int(v) for v in (quote.content_start, quote.content_end, quote.cue_start, quote.cue_end,
                               quote.speaker_start, quote.speaker_end) if _present(v)]
    return (min(points), max(points)) if points else (0, 0)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds or [(0, len(text))]


def _windows(quotes: pd.DataFrame, articles: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(article_id, start, end) passages to parse: each quote's paragraphs plus the one before, merged."""
    out: list[tuple[str, int, int]] = []
    for article_id, group in quotes.groupby("article_id", sort=True):
        article_id = str(article_id)
        if article_id not in articles.index:
            continue
        text = articles.at[article_id, "text"]
        paragraphs = _paragraphs(text)
        spans = []
        for quote in group.itertuples(index=False):
            start, end = _quote_span(quote)
            first = next((i for i, (s, e) in enumerate(paragraphs) if s <= start < e or start < s), len(paragraphs) - 1)
            last = next((i for i, (s, e) in enumerate(paragraphs) if end <= e), len(paragraphs) - 1)
            spans.append((paragraphs[max(0, first - 1)][0], paragraphs[max(first, last)][1]))
        for start, end in sorted(spans):
            if out and out[-1][0] == article_id and start <= out[-1][2]:
                out[-1] = (article_id, out[-1][1], max(out[-1][2], end))
            else:
                out.append((article_id, start, end))
    return out


def _shift(start: Any, end: Any, base: int) -> tuple[int, int] | None:
    if not (_present(start) and _present(end)):
        return None
    return int(start) - base, int(end) - base


def _sentence(doc: Any, quote: Any, base: int) -> Any:
    anchor = quote.cue_start if _present(quote.cue_start) else quote.content_start
    if not _present(anchor):
        return None
    char = int(anchor) - base
    return next((s for s in doc.sents if s.start_char <= char < s.end_char), None)


def _previous_sentence(doc: Any, sentence: Any) -> Any:
    previous = None
    for sent in doc.sents:
        if sent.start >= sentence.start:
            return previous
        if sent.text.strip():
            previous = sent
    return previous


def _focus_tokens(doc: Any, quote: Any, base: int, sentence: Any, reading: Reading) -> list[tuple[str, str]]:
    span = _shift(quote.content_start, quote.content_end, base)
    tokens = [t for t in doc if span and span[0] <= t.idx < span[1]] if span else list(sentence or [])
    if reading.anaphoric and sentence is not None:
        previous = _previous_sentence(doc, sentence)
        if previous is not None:
            tokens += list(previous)
    return [(t.lemma_, t.pos_) for t in tokens]


# --- who and what ---------------------------------------------------------------------
def _claimants(quote: Any, mentions: pd.DataFrame, names: Mapping[str, str], text: str) -> list[tuple[str | None, str | None]]:
    """One (entity_id, name) per claimant; "Pyongyang and Moscow deny" gives two.

    Only coordinated names split a speaker ("X and Y", "X, Y"); "a Russian
    Foreign Ministry spokeswoman Maria Zakharova" is one claimant.
    """
    speaker_ids: list[str] = []
    if _present(quote.speaker_start) and _present(quote.speaker_end) and len(mentions):
        inside = mentions[(mentions["start"] >= int(quote.speaker_start)) & (mentions["end"] <= int(quote.speaker_end))
                          & mentions["entity_id"].notna()].sort_values("start")
        spans = list(zip(inside["start"].astype(int), inside["end"].astype(int), inside["entity_id"].astype(str)))
        if len(spans) >= 2 and all(_COORDINATION.fullmatch(text[a_end:b_start])
                                   for (_, a_end, _), (b_start, _, _) in zip(spans, spans[1:])):
            speaker_ids = list(dict.fromkeys(e for _, _, e in spans))
    if len(speaker_ids) < 2:
        # a single claimant: the quotes plugin's resolution (which also follows pronouns) wins
        single = _text(quote.speaker_entity_id)
        speaker_ids = [single] if single else []
    if not speaker_ids:
        return [(None, _text(getattr(quote, "speaker_name", None)) or None)]
    fallback = _text(getattr(quote, "speaker_name", None))
    return [(eid, names.get(eid) or (fallback if len(speaker_ids) == 1 else None) or eid) for eid in speaker_ids]


_COORDINATION = re.compile(r"\s*(?:,\s*)?(?:and|&|as well as|or|,)\s*", re.I)


def _about(quote: Any, mentions: pd.DataFrame, sentence: tuple[int, int], claimants: set[str | None]) -> list[str]:
    if not len(mentions):
        return []
    starts = [sentence[0]] + ([int(quote.content_start)] if _present(quote.content_start) else [])
    ends = [sentence[1]] + ([int(quote.content_end)] if _present(quote.content_end) else [])
    in_scope = mentions[(mentions["start"] >= min(starts)) & (mentions["end"] <= max(ends)) & mentions["entity_id"].notna()]
    if _present(quote.speaker_start) and _present(quote.speaker_end):
        in_scope = in_scope[(in_scope["end"] <= int(quote.speaker_start)) | (in_scope["start"] >= int(quote.speaker_end))]
    ordered = in_scope.sort_values("start")["entity_id"].astype(str)
    return [e for e in dict.fromkeys(ordered) if e not in claimants]


def _entity_names(entities: pd.DataFrame) -> dict[str, str]:
    if not len(entities):
        return {}
    return {str(e): str(n) for e, n in zip(entities["entity_id"], entities["name"]) if _present(e) and _present(n)}


# --- when ---------------------------------------------------------------------------
def _date(article_id: str, sentence: tuple[int, int], events: pd.DataFrame, timexes: pd.DataFrame,
          published: Any) -> tuple[str | None, str | None, str]:
    if len(events):
        hit = events[(events["article_id"] == article_id) & (events["start"] < sentence[1])
                     & (events["end"] > sentence[0]) & events["date_start"].notna()]
        if len(hit):
            first = hit.sort_values("start").iloc[0]
            return str(first["date_start"]), _text(first["date_end"]) or str(first["date_start"]), "event"
    if len(timexes):
        hit = timexes[(timexes["article_id"] == article_id) & (timexes["start"] >= sentence[0])
                      & (timexes["end"] <= sentence[1])].sort_values("start")
        for value in hit["value"]:
            bounds = timex_range(_text(value))
            if bounds:
                return bounds[0], bounds[1], "timex"
    if _present(published):
        return str(published)[:10], str(published)[:10], "published"
    return None, None, "unknown"


def timex_range(value: str) -> tuple[str, str] | None:
    """First and last day of a fully specified TIMEX3 date value.

    >>> timex_range("2023-02"), timex_range("2024-01-23"), timex_range("XXXX-10")
    (('2023-02-01', '2023-02-28'), ('2024-01-23', '2024-01-23'), None)
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value or "")
    if not match:
        return None
    year, month, day = match.groups()
    if day:
        return value, value
    if month:
        last = calendar.monthrange(int(year), int(month))[1]
        return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    return f"{year}-01-01", f"{year}-12-31"


# --- small helpers -------------------------------------------------------------------
_BASIS_CONFIDENCE = {"cue": 0.9, "content": 0.8, "content+negation": 0.75, "cue+negation": 0.7, "default": 0.55}


def _confidence(reading: Reading, claimants: Sequence[tuple[str | None, str | None]], quote_confidence: Any) -> float:
    score = _BASIS_CONFIDENCE.get(reading.basis, 0.5)
    if not any(c for c, _ in claimants):
        score *= 0.6 if any(n for _, n in claimants) else 0.4
    if _present(quote_confidence):
        try:
            score *= float(quote_confidence)
        except (TypeError, ValueError):
            pass
    return round(score, 3)


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    frame = tables.get(name)
    return frame if frame is not None else empty_table(name)


def _present(value: Any) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and value != value)


def _text(value: Any) -> str:
    return str(value) if _present(value) else ""
