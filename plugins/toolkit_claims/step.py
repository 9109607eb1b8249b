"""The corpus step: quotes (direct and reported speech) become claims.

Only the passages around quotes are parsed again (the paragraph holding the
quote and the one before it, for "deny this …" that points back), so the cost
grows with the number of quotes, not with the length of the articles.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

import pandas as pd

from toolkit._columns import itertuples, values
from toolkit.registry import StepContext
from toolkit.schemas import conform, empty_table

from .lexicon import META_CONCEPTS
from .grouping import Frame, GroupingConfig, entity_key, group_claims, lexical_terms
from .extract import READINGS, reading_row

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
    """The plugin's ``corpus_step``: returns the ``claims`` table.

    Quotes were read per article (``claim_readings``, see :mod:`.extract`); the
    model is loaded only if some quote has no reading.
    """
    options = ClaimOptions.from_mapping(context.options)
    return {"claims": build_claims(tables, nlp=lambda: _nlp(options.model), options=options)}


@lru_cache(maxsize=2)
def _nlp(model: str | None) -> Any:
    from toolkit.nlp import load_model

    # the parser and lemmatiser are what claims need; NER comes from the entities plugin
    return load_model(model, exclude=("ner",))


def build_claims(tables: Mapping[str, pd.DataFrame], *, nlp: Any, options: ClaimOptions = ClaimOptions(),
                 chunk_rows: int = 2048) -> pd.DataFrame:
    """Claims from the ``quotes`` table, using ``mentions``, ``entities``, ``events`` and ``timexes`` when present.

    Each quote's reading comes from the ``claim_readings`` table written per
    article; quotes without one (a quotes table made by hand) are parsed here
    with ``nlp`` (a spaCy pipeline, or a callable returning one when needed).
    Readings are turned into Python values ``chunk_rows`` quotes at a time.
    """
    quotes = tables.get("quotes")
    if quotes is None or quotes.empty:
        return empty_table("claims")
    articles = tables["articles"].set_index("article_id")
    mentions = _table(tables, "mentions")
    names = _entity_names(_table(tables, "entities"))
    events = _table(tables, "events")
    timexes = _table(tables, "timexes")

    # per-article slices with only the columns read here, made once: filtering the
    # whole wide tables for every quote was most of this step's time
    mentions_by_article, no_mentions = _mention_spans(mentions), []
    events_by_article = _event_tuples(events)
    timexes_by_article = _timex_tuples(timexes)
    quotes = quotes.sort_values(["article_id", "content_start", "quote_id"], na_position="last")
    quotes = quotes[quotes["article_id"].astype(str).isin(articles.index)]
    readings = _Readings(tables.get(READINGS), quotes, articles, nlp=nlp, batch_size=options.batch_size)
    # plain dicts: a pandas look-up per quote (Series.at on Arrow strings) cost more than the rest of the loop
    texts: dict[str, str] = dict(zip(articles.index.astype(str), articles["text"].astype(object)))
    published: dict[str, Any] = (dict(zip(articles.index.astype(str), articles["published"].astype(object)))
                                 if "published" in articles else {})
    # one list per column, not one dict per claim: 19 keys a row cost more than the values themselves
    columns: dict[str, list[Any]] = {name: [] for name in _CLAIM_COLUMNS}
    grouping_inputs: list[tuple[str, frozenset[str], frozenset[str], Frame]] = []
    # per quote: (article_id, paragraph start, quote start, first row index, anaphoric) for linking "deny it"
    spoken: list[tuple[str, int, int, int, bool]] = []
    # one object per distinct value: claims repeat their article, stance, dates and (in syndicated
    # copies) their whole features, which for a big corpus would otherwise be held once per claim
    same: dict[Any, Any] = {}
    one = same.setdefault
    for quote, reading in readings.pairs(quotes, chunk_rows=chunk_rows):
        if reading is None:
            continue
        article_id = str(quote.article_id)
        article_id = one(article_id, article_id)
        span = _quote_span(quote)
        text_of_article = texts[article_id]
        if _present(reading["sentence_start"]) and _present(reading["sentence_end"]):
            sent_start, sent_end = int(reading["sentence_start"]), int(reading["sentence_end"])
        else:
            sent_start, sent_end = span
        article_mentions = mentions_by_article.get(article_id, no_mentions)
        claimants = _claimants(quote, article_mentions, names, text_of_article)
        about = _about(quote, article_mentions, (sent_start, sent_end), {c for c, _ in claimants})
        core = ((int(reading["core_start"]), int(reading["core_end"]))
                if _present(reading["core_start"]) and _present(reading["core_end"]) else span_of_content(quote, span))
        inside = _about(quote, article_mentions, core, {c for c, _ in claimants}, strict=True)
        participants = frozenset(k for k in (entity_key(names.get(e, "")) for e in inside) if k)
        participants = one(participants, participants)
        # an entity named in the proposition counts twice as much as one only named near it
        entity_features = frozenset({entity_key(names.get(e, e)) for e in about} | {"=" + k for k in participants})
        entity_features = one(entity_features, entity_features)
        predicates, themes = frozenset(reading["predicates"]), frozenset(reading["themes"])
        frame = Frame(predicates=one(predicates, predicates), themes=one(themes, themes), participants=participants)
        frame = one(frame, frame)
        date_start, date_end, date_source = _date((sent_start, sent_end), events_by_article.get(article_id, ()),
                                                  timexes_by_article.get(article_id, ()),
                                                  published.get(article_id))
        text = f"{reading['proposition']}. {reading['focus_text']}"
        # the proposition's own clause, not the whole quote: a long quote's later
        # sentences comment on the claim and would drown what it is about
        words = [tuple(w) for w in reading["core_words"]] or [tuple(w) for w in reading["focus_tokens"]]
        terms = (lexical_terms(words)
                 | lexical_terms([(w, "NOUN") for w in reading["proposition"].split()]))
        terms = one(terms, terms)
        text = one(text, text)
        confidence = _confidence(reading["basis"], claimants, getattr(quote, "confidence", None))
        # ordered by where the content starts: two quotes of one sentence share their speaker's offset
        order = int(quote.content_start) if _present(quote.content_start) else span[0]
        spoken.append((article_id, _paragraph_start(text_of_article, sent_start), order, len(columns["claim_id"]),
                       bool(reading["anaphoric"])))
        quote_id, evidence = str(quote.quote_id), _text(quote.content)
        cue_lemma = reading["cue_lemma"] if _present(reading["cue_lemma"]) else None
        stance, basis = one(reading["stance"], reading["stance"]), one(reading["basis"], reading["basis"])
        cue_lemma, date_start, date_end = one(cue_lemma, cue_lemma), one(date_start, date_start), one(date_end, date_end)
        for claimant_id, claimant_name in claimants:
            key = f"{quote_id}\x00{claimant_id or claimant_name or ''}"
            for name, value in zip(_CLAIM_COLUMNS, (
                    "C" + hashlib.sha1(key.encode()).hexdigest()[:12], article_id, quote_id, claimant_id,
                    stance, reading["proposition"], about, date_start, date_end, None, claimant_name,
                    cue_lemma, bool(reading["negated"]), basis, date_source, confidence, evidence,
                    sent_start, sent_end)):
                columns[name].append(value)
            grouping_inputs.append((text, terms, entity_features, frame))
    del readings, mentions_by_article, events_by_article, timexes_by_article, same
    n_rows = len(columns["claim_id"])
    if not n_rows:
        return empty_table("claims")
    links, antecedents = _links(spoken, texts, n_rows)
    grouping_inputs = _inherit(grouping_inputs, antecedents, columns["quote_id"])
    group_ids, method = group_claims(columns["claim_id"], texts=[g[0] for g in grouping_inputs],
                                     terms=[g[1] for g in grouping_inputs], entities=[g[2] for g in grouping_inputs],
                                     frames=[g[3] for g in grouping_inputs],
                                     links=links, stances=columns["stance"], config=options.grouping)
    del grouping_inputs
    columns["group_id"] = group_ids
    columns["grouping_method"] = [method] * n_rows
    frame = conform("claims", pd.DataFrame(columns))
    return frame.drop_duplicates("claim_id").reset_index(drop=True)


# the claims table's columns as the loop fills them (contract columns first)
_CLAIM_COLUMNS = ("claim_id", "article_id", "quote_id", "claimant_entity_id", "stance", "proposition",
                  "about_entity_ids", "date_start", "date_end", "group_id", "claimant_name", "cue_lemma", "negated",
                  "stance_basis", "date_source", "confidence", "evidence", "sentence_start", "sentence_end")

# the reading fields the loop reads (the table's article_id and quote_id are only for joining)
_READING_FIELDS = ("stance", "proposition", "cue_lemma", "negated", "basis", "anaphoric", "focus_text", "predicates",
                   "themes", "core_start", "core_end", "core_words", "focus_tokens", "sentence_start", "sentence_end")


class _Readings:
    """Each quote's reading: from the per-article ``claim_readings`` table, else parsed here.

    The table's rows are turned into Python values a slice of quotes at a time
    (:meth:`pairs`): its nested columns (the lemmas and tags of every quote's
    words) as Python lists for the whole corpus took more memory than every
    other table together.
    """

    def __init__(self, table: pd.DataFrame | None, quotes: pd.DataFrame, articles: pd.DataFrame, *, nlp: Any,
                 batch_size: int) -> None:
        self.table = table if table is not None and len(table) and "quote_id" in table else None
        # a quote id seen twice keeps its last reading, as a dict built from the rows would
        self.position: dict[str, int] = ({} if self.table is None else
                                         {str(q): i for i, q in enumerate(values(self.table["quote_id"]))})
        self.fields = [] if self.table is None else [f for f in _READING_FIELDS if f in self.table.columns]
        self.parsed: dict[str, Mapping[str, Any]] = {}
        missing = quotes[~quotes["quote_id"].astype(str).isin(self.position)]
        if len(missing):
            self.parsed = _parse_readings(missing, articles, nlp=nlp() if callable(nlp) and not hasattr(nlp, "pipe")
                                          else nlp, batch_size=batch_size)

    def pairs(self, quotes: pd.DataFrame, *, chunk_rows: int) -> Iterator[tuple[Any, Mapping[str, Any] | None]]:
        """``(quote, reading or None)`` for each row of ``quotes``, in order."""
        rows = itertuples(quotes, chunk_rows=chunk_rows)
        while chunk := list(islice(rows, max(1, chunk_rows))):
            yield from zip(chunk, self._chunk([str(q.quote_id) for q in chunk]))

    def _chunk(self, quote_ids: Sequence[str]) -> list[Mapping[str, Any] | None]:
        found = [(k, self.position[q]) for k, q in enumerate(quote_ids) if q in self.position]
        out: list[Mapping[str, Any] | None] = [self.parsed.get(q) for q in quote_ids]
        if not found:
            return out
        rows = self.table.iloc[[i for _, i in found]]
        # a quote's words are read only when its proposition has none (see build_claims):
        # converting both nested columns was most of this step's time
        fields = [f for f in self.fields if f != "focus_tokens"]
        records = [dict(zip(fields, record)) for record in zip(*(values(rows[f]) for f in fields))]
        if "focus_tokens" in self.fields:
            wanted = [n for n, record in enumerate(records) if not len(record.get("core_words", ()))]
            tokens = dict(zip(wanted, values(rows["focus_tokens"].iloc[wanted]))) if wanted else {}
            for n, record in enumerate(records):
                record["focus_tokens"] = tokens.get(n, ())
        for (k, _), record in zip(found, records):
            out[k] = record
        return out


def _parse_readings(quotes: pd.DataFrame, articles: pd.DataFrame, *, nlp: Any,
                    batch_size: int) -> dict[str, dict[str, Any]]:
    """Readings of quotes that have none, from a parse of the passages around them
    (the quote's paragraphs and the one before, for "deny this …" that points back)."""
    windows = _windows(quotes, articles)
    docs = dict(zip(windows, nlp.pipe((articles.at[a, "text"][s:e] for a, s, e in windows), batch_size=batch_size)))
    by_article: dict[str, list[tuple[str, int, int]]] = {}
    for window in windows:
        by_article.setdefault(window[0], []).append(window)
    out: dict[str, dict[str, Any]] = {}
    for quote in quotes.itertuples(index=False):
        span = _quote_span(quote)
        window = next((w for w in by_article.get(str(quote.article_id), ()) if w[1] <= span[0] and span[1] <= w[2]),
                      None)
        if window is None:
            continue
        base = window[1]
        out[str(quote.quote_id)] = reading_row(docs[window], content=_shift(quote.content_start, quote.content_end, base),
                                               cue=_shift(quote.cue_start, quote.cue_end, base), base=base)
    return out


# --- anaphora ---------------------------------------------------------------------
def _links(spoken: Sequence[tuple[str, int, int, int, bool]], texts: Mapping[str, str],
           n_rows: int) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Row pairs that must share a group, and the antecedent row of each claim that points back.

    The claimants of one quote ("X and Y deny ...") state one proposition; a quote
    that points back ("deny this transfer", "the claims are baseless") states the
    proposition of the nearest claim before it in the same article, within its
    paragraph or the one before.
    """
    links: list[tuple[int, int]] = []
    antecedents: dict[int, int] = {}
    firsts = [first for *_, first, _ in spoken]
    for k, (_article, _para, _start, first, _anaphoric) in enumerate(spoken):
        end = firsts[k + 1] if k + 1 < len(spoken) else n_rows
        links += [(first, other) for other in range(first + 1, end)]
    by_article: dict[str, list[tuple[int, int, int, bool]]] = {}
    for article_id, para, start, first, anaphoric in spoken:
        by_article.setdefault(article_id, []).append((start, para, first, anaphoric))
    for article_id, items in by_article.items():
        items.sort()
        text = texts[article_id]
        for position, (start, para, first, anaphoric) in enumerate(items):
            if not anaphoric or position == 0:
                continue
            previous_para = _paragraph_start(text, len(text[:para].rstrip()))
            before = items[position - 1]
            if before[0] < start and before[0] >= previous_para:
                antecedents[first] = before[2]
    links += [(antecedent, first) for first, antecedent in sorted(antecedents.items())]
    return links, antecedents


def _inherit(inputs: list[tuple[str, frozenset[str], frozenset[str], Frame]], antecedents: Mapping[int, int],
             quote_ids: Sequence[str]) -> list[tuple[str, frozenset[str], frozenset[str], Frame]]:
    """A claim that only points back ("rejected the allegations", "the claims have no
    basis") says nothing of its own about the topic: it is compared with other
    claims through what its antecedent says, and so are its co-claimants."""
    out = list(inputs)
    for first in sorted(antecedents):
        frame = inputs[first][3]
        if (frame.predicates | frame.themes) - META_CONCEPTS:
            continue  # "deny this arms transfer" names its topic: keep its own words
        source = antecedents[first]
        while source in antecedents and source != antecedents[source] and not (
                (inputs[source][3].predicates | inputs[source][3].themes) - META_CONCEPTS):
            source = antecedents[source]  # a chain of pointers: "… remarks, insisting the claims …"
        k = first
        while k < len(quote_ids) and quote_ids[k] == quote_ids[first]:
            out[k] = out[source]
            k += 1
    return out


def _paragraph_start(text: str, char: int) -> int:
    """Where the paragraph holding ``char`` starts (a paragraph is a line of text).

    >>> text = "One.\\n\\nTwo. Three."
    >>> _paragraph_start(text, text.index("Three")), _paragraph_start(text, len(text[:6].rstrip()))
    (6, 0)
    """
    return text.rfind("\n", 0, char) + 1


def span_of_content(quote: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    """The quote's content span in the article, or ``fallback`` when it has none."""
    if _present(quote.content_start) and _present(quote.content_end):
        return int(quote.content_start), int(quote.content_end)
    return fallback


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


# --- who and what ---------------------------------------------------------------------
def _claimants(quote: Any, mentions: Sequence[tuple[int, int, str]], names: Mapping[str, str], text: str) -> list[tuple[str | None, str | None]]:
    """One (entity_id, name) per claimant; "Ostland and Westmark deny" gives two.

    Only coordinated names split a speaker ("X and Y", "X, Y"); "an Ostlandian
    Foreign Ministry spokeswoman Anna Berg" is one claimant.
    """
    speaker_ids: list[str] = []
    if _present(quote.speaker_start) and _present(quote.speaker_end) and len(mentions):
        spans = [m for m in mentions if m[0] >= int(quote.speaker_start) and m[1] <= int(quote.speaker_end)]
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


def _about(quote: Any, mentions: Sequence[tuple[int, int, str]], sentence: tuple[int, int], claimants: set[str | None], *,
           strict: bool = False) -> list[str]:
    """Entities named in the sentence and the content (only in ``sentence`` when ``strict``), claimants aside."""
    if not len(mentions):
        return []
    starts = [sentence[0]] + ([int(quote.content_start)] if _present(quote.content_start) and not strict else [])
    ends = [sentence[1]] + ([int(quote.content_end)] if _present(quote.content_end) and not strict else [])
    in_scope = [m for m in mentions if m[0] >= min(starts) and m[1] <= max(ends)]
    if _present(quote.speaker_start) and _present(quote.speaker_end):
        in_scope = [m for m in in_scope if m[1] <= int(quote.speaker_start) or m[0] >= int(quote.speaker_end)]
    ordered = [e for _, _, e in in_scope]
    return [e for e in dict.fromkeys(ordered) if e not in claimants]


def _entity_names(entities: pd.DataFrame) -> dict[str, str]:
    if not len(entities):
        return {}
    return {str(e): str(n) for e, n in zip(entities["entity_id"], entities["name"]) if _present(e) and _present(n)}


# --- when ---------------------------------------------------------------------------
def _date(sentence: tuple[int, int], events: Sequence[tuple[int, int, Any, Any]],
          timexes: Sequence[tuple[int, int, Any]], published: Any) -> tuple[str | None, str | None, str]:
    """The claim's dates: an event in its sentence, else a date in it, else the publication day.

    ``events`` are one article's (start, end, date_start, date_end) sorted by start,
    ``timexes`` its (start, end, value) sorted by start.
    """
    for start, end, date_start, date_end in events:
        if start >= sentence[1]:
            break
        if end > sentence[0] and _present(date_start):
            return str(date_start), _text(date_end) or str(date_start), "event"
    for start, end, value in timexes:
        if start >= sentence[0] and end <= sentence[1]:
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


def _confidence(basis: str, claimants: Sequence[tuple[str | None, str | None]], quote_confidence: Any) -> float:
    score = _BASIS_CONFIDENCE.get(basis, 0.5)
    if not any(c for c, _ in claimants):
        score *= 0.6 if any(n for _, n in claimants) else 0.4
    if _present(quote_confidence):
        try:
            score *= float(quote_confidence)
        except (TypeError, ValueError):
            pass
    return round(score, 3)


def _mention_spans(mentions: pd.DataFrame) -> dict[str, list[tuple[int, int, str]]]:
    """Resolved mentions per article as (start, end, entity_id), sorted by start."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    if not len(mentions):
        return out
    known = mentions[mentions["entity_id"].notna()].sort_values(["article_id", "start"])
    same: dict[str, str] = {}  # one string per entity, not one per mention
    for article_id, start, end, entity_id in zip(*(values(known[c]) for c in ("article_id", "start", "end", "entity_id"))):
        entity_id = str(entity_id)
        out.setdefault(str(article_id), []).append((int(start), int(end), same.setdefault(entity_id, entity_id)))
    return out


def _event_tuples(events: pd.DataFrame) -> dict[str, list[tuple[int, int, Any, Any]]]:
    """One article's events as (start, end, date_start, date_end), in a stable order by start."""
    out: dict[str, list[tuple[int, int, Any, Any]]] = {}
    if not len(events):
        return out
    for row in zip(*(values(events[c]) for c in ("article_id", "start", "end", "date_start", "date_end"))):
        out.setdefault(str(row[0]), []).append((int(row[1]), int(row[2]), row[3], row[4]))
    return {k: sorted(v, key=lambda r: r[0]) for k, v in out.items()}


def _timex_tuples(timexes: pd.DataFrame) -> dict[str, list[tuple[int, int, Any]]]:
    """One article's timexes as (start, end, value), in a stable order by start."""
    out: dict[str, list[tuple[int, int, Any]]] = {}
    if not len(timexes):
        return out
    for article_id, start, end, value in zip(*(values(timexes[c]) for c in ("article_id", "start", "end", "value"))):
        out.setdefault(str(article_id), []).append((int(start), int(end), value))
    return {k: sorted(v, key=lambda r: r[0]) for k, v in out.items()}


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    frame = tables.get(name)
    return frame if frame is not None else empty_table(name)


def _present(value: Any) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and value != value)


def _text(value: Any) -> str:
    return str(value) if _present(value) else ""
