"""The corpus step: quotes (direct and reported speech) become claims.

Only the passages around quotes are parsed again (the paragraph holding the
quote and the one before it, for "deny this …" that points back), so the cost
grows with the number of quotes, not with the length of the articles.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from toolkit._columns import itertuples, values
from toolkit._memory import release_free_memory
from toolkit.registry import StepContext
from toolkit.schemas import conform, empty_table

from .lexicon import META_CONCEPTS
from .grouping import (Frame, GroupingConfig, entity_key, group_claims, lexical_terms, load_encoder, term_set,
                       word_term)
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

    Quotes are taken ``chunk_rows`` at a time, in article order: their readings,
    their articles' mentions, events and timexes become Python values for that
    slice only, and the slice's claims become a table at once. What outlives a
    slice is what grouping needs, one small int per claim (which distinct
    features it has) and its stance: at 10 000 articles, per-claim Python rows
    and whole-corpus per-article tuples had taken this step to +248 MB.
    """
    quotes = tables.get("quotes")
    if quotes is None or quotes.empty:
        return empty_table("claims")
    articles = tables["articles"].set_index("article_id")
    names = _entity_names(_table(tables, "entities"))
    quotes = _quotes_in_order(quotes, articles)
    readings = _Readings(tables.get(READINGS), quotes, articles, nlp=nlp, batch_size=options.batch_size)
    mentions = _ByArticle(_table(tables, "mentions"), ("start", "end", "entity_id"), text=("entity_id",),
                          required=("entity_id",))
    events = _ByArticle(_table(tables, "events"), ("start", "end", "date_start", "date_end"))
    timexes = _ByArticle(_table(tables, "timexes"), ("start", "end", "value"))
    # the article texts stay in their table, made strings a slice at a time: as Python strings
    # they were 20 MB at 10 000 articles (a duplicated id gives its last row, as a dict would)
    article_rows = {str(a): i for i, a in enumerate(values(pd.Series(articles.index)))}
    published: dict[str, Any] = (dict(zip(articles.index.astype(str), articles["published"].astype(object)))
                                 if "published" in articles else {})
    release_free_memory()  # sorting the quotes' keys left ~25 MB of freed Python strings resident
    # texts are only compared when sentence embeddings are (see group_claims)
    embedded = options.grouping.embeddings != "off" and load_encoder() is not None
    state = _Grouping(texts=[] if embedded else None)
    frames: list[pd.DataFrame] = []
    article_quotes: list[tuple[int, int, int, bool]] = []  # the current article's quotes, see _antecedents
    current: str | None = None
    current_text = ""
    last_quote_id: str | None = None
    # one object per distinct value: claims repeat their article, stance, dates and (in syndicated
    # copies) their whole features, which for a big corpus would otherwise be held once per claim
    same: dict[Any, Any] = {}
    one = same.setdefault
    for chunk in readings.chunks(quotes, chunk_rows=chunk_rows):
        chunk_articles = {str(quote.article_id) for quote, _, _ in chunk}
        known = [a for a in chunk_articles if a in article_rows]
        texts = dict(zip(known, values(articles["text"].iloc[[article_rows[a] for a in known]])))
        mentions_by_article, events_by_article, timexes_by_article = (
            table.rows(chunk_articles) for table in (mentions, events, timexes))
        # one tuple per claim, made columns once per slice (19 appends a claim were a tenth of the time)
        rows: list[tuple[Any, ...]] = []
        for quote, offsets, reading in chunk:
            if reading is None:
                continue
            article_id = str(quote.article_id)
            article_id = one(article_id, article_id)
            if article_id != current:
                if current is not None:
                    _antecedents(article_quotes, current_text, state.antecedents)
                article_quotes, current, current_text = [], article_id, texts[article_id]
            span = offsets.span()
            text_of_article = current_text
            if _present(reading["sentence_start"]) and _present(reading["sentence_end"]):
                sent_start, sent_end = int(reading["sentence_start"]), int(reading["sentence_end"])
            else:
                sent_start, sent_end = span
            article_mentions = mentions_by_article.get(article_id, ())
            claimants = _claimants(quote, offsets, article_mentions, names, text_of_article)
            claimant_ids = {c for c, _ in claimants}
            about = _about(offsets, article_mentions, (sent_start, sent_end), claimant_ids)
            if _present(reading["core_start"]) and _present(reading["core_end"]):
                core = int(reading["core_start"]), int(reading["core_end"])
            elif offsets.content_start is not None and offsets.content_end is not None:
                core = offsets.content_start, offsets.content_end
            else:
                core = span
            inside = _about(offsets, article_mentions, core, claimant_ids, strict=True)
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
            # the proposition's own clause, not the whole quote: a long quote's later
            # sentences comment on the claim and would drown what it is about
            terms = (term_set(reading["word_terms"])
                     | lexical_terms([(w, "NOUN") for w in reading["proposition"].split()]))
            terms = one(terms, terms)
            confidence = _confidence(reading["basis"], claimants, getattr(quote, "confidence", None))
            # ordered by where the content starts: two quotes of one sentence share their speaker's offset
            order = offsets.content_start if offsets.content_start is not None else span[0]
            first = state.n_rows
            article_quotes.append((order, _paragraph_start(text_of_article, sent_start), first,
                                   bool(reading["anaphoric"])))
            quote_id, evidence = str(quote.quote_id), _text(quote.content)
            if quote_id != last_quote_id:
                state.quote_runs += 1
                last_quote_id = quote_id
            cue_lemma = reading["cue_lemma"] if _present(reading["cue_lemma"]) else None
            stance, basis = one(reading["stance"], reading["stance"]), one(reading["basis"], reading["basis"])
            cue_lemma, date_start, date_end = one(cue_lemma, cue_lemma), one(date_start, date_start), one(date_end, date_end)
            text = f"{reading['proposition']}. {reading['focus_text']}" if state.texts is not None else ""
            for claimant_id, claimant_name in claimants:
                key = f"{quote_id}\x00{claimant_id or claimant_name or ''}"
                rows.append(("C" + hashlib.sha1(key.encode()).hexdigest()[:12], article_id, quote_id, claimant_id,
                             stance, reading["proposition"], about, date_start, date_end, None, claimant_name,
                             cue_lemma, bool(reading["negated"]), basis, date_source, confidence, evidence,
                             sent_start, sent_end))
                state.add(terms, entity_features, frame, stance, one(text, text))
            # the claimants of one quote ("X and Y deny ...") state one proposition
            state.links += [(first, other) for other in range(first + 1, state.n_rows)]
        if rows:
            frames.append(conform("claims", pd.DataFrame(dict(zip(_CLAIM_COLUMNS, map(list, zip(*rows)))))))
        del rows, chunk, texts, mentions_by_article, events_by_article, timexes_by_article
        release_free_memory()
    if current is not None:
        _antecedents(article_quotes, current_text, state.antecedents)
    del readings, mentions, events, timexes, same
    if not state.n_rows:
        return empty_table("claims")
    claims = _concat(frames)
    del frames
    group_ids, method = state.group(values(claims["claim_id"]), config=options.grouping)
    claims["group_id"] = pd.array(group_ids, dtype=claims["group_id"].dtype)
    claims["grouping_method"] = [method] * len(claims)
    duplicated = claims["claim_id"].duplicated().to_numpy()
    # a quote id seen twice gives its claims twice: the first is kept
    return claims[~duplicated].reset_index(drop=True) if duplicated.any() else claims


# the claims table's columns as the loop fills them (contract columns first)
_CLAIM_COLUMNS = ("claim_id", "article_id", "quote_id", "claimant_entity_id", "stance", "proposition",
                  "about_entity_ids", "date_start", "date_end", "group_id", "claimant_name", "cue_lemma", "negated",
                  "stance_basis", "date_source", "confidence", "evidence", "sentence_start", "sentence_end")

# the quote columns the step reads (a quotes table from the pipeline has 25)
_QUOTE_COLUMNS = ("quote_id", "article_id", "content_start", "content_end", "content", "cue_start", "cue_end",
                  "speaker_start", "speaker_end", "speaker_entity_id", "speaker_name", "confidence")

# the reading fields the loop reads (the table's article_id and quote_id are only for joining)
_READING_FIELDS = ("stance", "proposition", "cue_lemma", "negated", "basis", "anaphoric", "focus_text", "predicates",
                   "themes", "core_start", "core_end", "core_words", "focus_tokens", "sentence_start", "sentence_end")


@dataclass(frozen=True)
class _QuotesInOrder:
    """The quotes of known articles by article and position, as positions into the
    table (only the columns read here): sorting and filtering the 25-column table
    copied all of it twice (+32 MB at 10 000 articles); rows are taken a slice at a time.
    """

    frame: pd.DataFrame
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.order)

    def take(self, positions: slice | np.ndarray) -> pd.DataFrame:
        """The quotes at ``positions`` of the order (a slice or a boolean mask)."""
        return self.frame.iloc[self.order[positions]]


def _quotes_in_order(quotes: pd.DataFrame, articles: pd.DataFrame) -> _QuotesInOrder:
    frame = quotes[[c for c in _QUOTE_COLUMNS if c in quotes.columns]].reset_index(drop=True)
    keys = frame[["article_id", "content_start", "quote_id"]]
    order = keys.sort_values(["article_id", "content_start", "quote_id"], na_position="last").index.to_numpy()
    known = keys["article_id"].astype(str).isin(articles.index).to_numpy()
    return _QuotesInOrder(frame, order[known[order]])


@dataclass(kw_only=True)
class _Grouping:
    """What grouping needs of the claims, gathered while they are made: per claim an
    index into its distinct features (syndicated copies share theirs) and its stance.

    Mutable on purpose: it is filled by one loop and read once.
    """

    texts: list[str] | None  # what sentence embeddings read; None when no encoder will
    features: dict[tuple[frozenset[str], frozenset[str], Frame], int] = field(default_factory=dict)
    feature_of: array = field(default_factory=lambda: array("i"))
    stances: list[str] = field(default_factory=list)
    quote_run: array = field(default_factory=lambda: array("i"))  # rows sharing a quote id share a run, see _inherit
    quote_runs: int = 0
    links: list[tuple[int, int]] = field(default_factory=list)
    antecedents: dict[int, int] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.feature_of)

    def add(self, terms: frozenset[str], entities: frozenset[str], frame: Frame, stance: str, text: str) -> None:
        self.feature_of.append(self.features.setdefault((terms, entities, frame), len(self.features)))
        self.stances.append(stance)
        self.quote_run.append(self.quote_runs)
        if self.texts is not None:
            self.texts.append(text)

    def group(self, claim_ids: Sequence[str], *, config: GroupingConfig) -> tuple[list[str], str]:
        """Group ids (see :func:`group_claims`), after pointing-back claims took their antecedents' features."""
        distinct = list(self.features)
        takes = _inherit(self.feature_of, self.antecedents, self.quote_run, [f[2] for f in distinct])
        feature_of = [self.feature_of[k] for k in takes]
        links = self.links + [(antecedent, first) for first, antecedent in sorted(self.antecedents.items())]
        return group_claims(claim_ids, texts=[self.texts[k] for k in takes] if self.texts is not None else (),
                            terms=[distinct[k][0] for k in feature_of], entities=[distinct[k][1] for k in feature_of],
                            frames=[distinct[k][2] for k in feature_of], links=links, stances=self.stances,
                            config=config)


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The slices' claims as one table, with the dtypes one table made at once would have.

    A slice whose claims all lack a value (no claimant name, no cue) gets an
    object column of ``None`` where the others have strings: it takes theirs.

    >>> a = pd.DataFrame({"name": ["x", None]}); b = pd.DataFrame({"name": [None]})
    >>> _concat([a, b])["name"].dtype == pd.DataFrame({"name": ["x", None, None]})["name"].dtype
    True
    """
    dtypes: dict[str, Any] = {}
    for frame in frames:
        for name, dtype in frame.dtypes.items():
            if isinstance(dtype, pd.StringDtype):
                dtypes.setdefault(name, dtype)
    frames = [frame.astype({n: d for n, d in dtypes.items() if frame[n].dtype != d}) for frame in frames]
    return pd.concat(frames, ignore_index=True)


class _ByArticle:
    """One table's rows as tuples of ``columns`` per article, sorted by start, made
    for a slice of articles at a time (the table stays as it is stored): for the
    whole corpus, mentions, events and timexes as tuples were ~45 MB at 10 000 articles,
    and a sorted copy of their columns ~30 MB: only the order is kept.

    Rows missing any of ``required`` are left out. ``start`` and ``end`` become
    ints, the ``text`` columns strings (one object per distinct value), the others
    stay as the table gives them.
    """

    def __init__(self, frame: pd.DataFrame, columns: Sequence[str], *, text: Sequence[str] = (),
                 required: Sequence[str] = ()) -> None:
        self.columns, self.text = tuple(columns), frozenset(text)
        self.strings: dict[str, str] = {}
        self.bounds: dict[str, tuple[int, int]] = {}
        self.frame = frame[["article_id", *self.columns]].reset_index(drop=True)
        keep = self.frame["article_id"].notna()
        for column in required:
            keep &= self.frame[column].notna()
        # stable (pandas sorts several keys with a stable lexsort): rows with one start keep the table's order
        keys = self.frame.loc[keep.to_numpy(), ["article_id", "start"]].sort_values(["article_id", "start"])
        self.order = keys.index.to_numpy()
        if not len(self.order):
            return
        codes, uniques = pd.factorize(keys["article_id"])
        del keys
        breaks = np.flatnonzero(np.diff(codes)) + 1
        for article_id, start, end in zip(values(pd.Series(uniques)), np.r_[0, breaks], np.r_[breaks, len(codes)]):
            self.bounds[str(article_id)] = (int(start), int(end))

    def rows(self, article_ids: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
        """``{article_id: [row tuple, ...]}`` for those of ``article_ids`` that have rows."""
        bounds = {a: self.bounds[a] for a in article_ids if a in self.bounds}
        if not bounds:
            return {}
        begin, end = min(s for s, _ in bounds.values()), max(e for _, e in bounds.values())
        part = self.frame.iloc[self.order[begin:end]]
        made = list(zip(*(self._column(part[c]) for c in self.columns)))
        return {a: made[s - begin:e - begin] for a, (s, e) in bounds.items()}

    def _column(self, column: pd.Series) -> list[Any]:
        if column.name in ("start", "end"):
            return column.to_numpy(dtype=np.int64).tolist()  # as int() of each value, NA an error as there
        if column.name in self.text:
            codes, distinct = pd.factorize(column, use_na_sentinel=False)
            one = self.strings.setdefault
            return np.array([one(v, v) for v in map(str, values(pd.Series(distinct)))], dtype=object)[codes].tolist()
        return values(column)


class _Readings:
    """Each quote's reading: from the per-article ``claim_readings`` table, else parsed here.

    The table's rows are turned into Python values a slice of quotes at a time
    (:meth:`chunks`): its nested columns (the lemmas and tags of every quote's
    words) as Python lists for the whole corpus took more memory than every
    other table together.
    """

    def __init__(self, table: pd.DataFrame | None, quotes: _QuotesInOrder, articles: pd.DataFrame, *, nlp: Any,
                 batch_size: int) -> None:
        self.table = table if table is not None and len(table) and "quote_id" in table else None
        self.fields = [] if self.table is None else [f for f in _READING_FIELDS if f in self.table.columns]
        # each quote's row in the table, -1 for none; a quote id seen twice keeps its last
        # reading, as a dict built from the rows would (matched by Arrow, not a dict of 70 000 strings)
        self.rows = np.full(len(quotes), -1, dtype=np.int64)
        if self.table is not None:
            ids = self.table["quote_id"].astype(str)
            last = ~ids.duplicated(keep="last").to_numpy()
            found = pd.Index(ids[last]).get_indexer(quotes.frame["quote_id"].iloc[quotes.order].astype(str))
            self.rows = np.where(found >= 0, np.flatnonzero(last)[found], -1)
        self.parsed: dict[str, Mapping[str, Any]] = {}
        missing = quotes.take(self.rows < 0)
        if len(missing):
            self.parsed = _parse_readings(missing, articles, nlp=nlp() if callable(nlp) and not hasattr(nlp, "pipe")
                                          else nlp, batch_size=batch_size)

    def chunks(self, quotes: _QuotesInOrder, *,
               chunk_rows: int) -> Iterator[list[tuple[Any, _Offsets, Mapping[str, Any] | None]]]:
        """``[(quote, its offsets, reading or None), ...]`` for each slice of ``chunk_rows`` rows of ``quotes``, in order."""
        size = max(1, chunk_rows)
        for begin in range(0, len(quotes), size):
            part = quotes.take(slice(begin, begin + size))
            chunk = list(itertuples(part, chunk_rows=size))
            offsets = map(_Offsets._make, zip(*(_ints(part[c]) for c in _Offsets._fields)))
            yield list(zip(chunk, offsets, self._chunk(chunk, self.rows[begin:begin + size])))

    def _chunk(self, quotes: Sequence[Any], rows: np.ndarray) -> list[Mapping[str, Any] | None]:
        """The readings of ``quotes`` (``rows``: their rows in the table), each with its
        ``word_terms``: the term of each word of its proposition (see ``build_claims``)."""
        out: list[Mapping[str, Any] | None] = []
        for quote in quotes:
            reading = self.parsed.get(str(quote.quote_id))
            if reading is not None:
                words = [tuple(w) for w in reading["core_words"]] or [tuple(w) for w in reading["focus_tokens"]]
                reading = {**reading, "word_terms": [word_term(lemma, pos) for lemma, pos in words]}
            out.append(reading)
        found = np.flatnonzero(rows >= 0)
        if not len(found):
            return out
        fields = [f for f in self.fields if f not in ("core_words", "focus_tokens")]
        # only the columns read for every quote: taking the other words of all of them was a third of this
        part = self.table[fields + (["core_words"] if "core_words" in self.fields else [])].iloc[rows[found]]
        records = [dict(zip(fields, record)) for record in zip(*(values(part[f]) for f in fields))]
        # the words as terms straight from Arrow: as Python lists of [lemma, tag] lists they were
        # a third of this step's time; a quote's other words are read only when its proposition has none
        core = _word_terms(part["core_words"]) if "core_words" in self.fields else [[] for _ in records]
        wanted = [n for n, terms in enumerate(core) if not terms]
        if wanted and "focus_tokens" in self.fields:
            for n, terms in zip(wanted, _word_terms(self.table["focus_tokens"].iloc[rows[found][wanted]])):
                core[n] = terms
        for k, record, terms in zip(found, records, core):
            record["word_terms"] = terms
            out[k] = record
        return out


def _word_terms(column: pd.Series) -> list[list[str | None]]:
    """Each row's words (``[[lemma, tag], ...]``) as their terms (see ``word_term``), in order.

    The nested lists never become Python objects: each distinct (lemma, tag) pair
    is mapped once and the rows are slices of one list.

    >>> _word_terms(pd.Series([[["export", "VERB"], ["the", "DET"]], [], [["weapon", "NOUN"]]]))
    [['~transfer', None], [], ['~weapon']]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.array
    data = pa.array(array) if hasattr(array, "__arrow_array__") else pa.array(list(array))
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks()
    if not len(data):
        return []
    if pa.types.is_null(data.type) or not len(data.flatten()):
        return [[] for _ in range(len(data))]
    words = data.flatten()
    lemmas = pc.list_element(words, 0).dictionary_encode()
    tags = pc.list_element(words, 1).dictionary_encode()
    n_tags = max(1, len(tags.dictionary))
    pairs = lemmas.indices.to_numpy().astype(np.int64) * n_tags + tags.indices.to_numpy()
    distinct, inverse = np.unique(pairs, return_inverse=True)
    lemma_of, tag_of = lemmas.dictionary.to_pylist(), tags.dictionary.to_pylist()
    terms = [word_term(lemma_of[p // n_tags], tag_of[p % n_tags]) for p in distinct.tolist()]
    per_word = [terms[k] for k in inverse.tolist()]
    offsets = data.offsets.to_numpy()
    offsets = (offsets - offsets[0]).tolist()
    return [per_word[begin:end] for begin, end in zip(offsets, offsets[1:])]


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
def _antecedents(quotes: list[tuple[int, int, int, bool]], text: str, antecedents: dict[int, int]) -> None:
    """Add to ``antecedents`` the antecedent row of each claim of one article that points back.

    ``quotes`` are the article's (start, paragraph start, first row, anaphoric). A
    quote that points back ("deny this transfer", "the claims are baseless") states
    the proposition of the nearest claim before it in the same article, within its
    paragraph or the one before.

    >>> found = {}
    >>> _antecedents([(21, 16, 4, True), (0, 0, 3, False)], "One said this.\\n\\nThey deny that.", found)
    >>> found
    {4: 3}
    """
    quotes.sort()
    for position, (start, para, first, anaphoric) in enumerate(quotes):
        if not anaphoric or position == 0:
            continue
        previous_para = _paragraph_start(text, len(text[:para].rstrip()))
        before = quotes[position - 1]
        if before[0] < start and before[0] >= previous_para:
            antecedents[first] = before[2]


def _inherit(feature_of: Sequence[int], antecedents: Mapping[int, int], quote_run: Sequence[int],
             frames: Sequence[Frame]) -> list[int]:
    """For each claim, the claim whose features it is compared with: its own, or, for a
    claim that only points back ("rejected the allegations", "the claims have no
    basis") and so says nothing of its own about the topic, its antecedent's; its
    co-claimants (the rows of its quote) follow it.

    ``feature_of`` gives each claim's index into ``frames``.

    >>> idle, topic = Frame(themes=frozenset({"remark"})), Frame(themes=frozenset({"~weapon"}))
    >>> _inherit([0, 1, 1, 0], {1: 0, 3: 2}, [0, 1, 1, 2], [topic, idle])
    [0, 0, 0, 3]
    """
    takes = list(range(len(feature_of)))
    for first in sorted(antecedents):
        frame = frames[feature_of[first]]
        if (frame.predicates | frame.themes) - META_CONCEPTS:
            continue  # "deny this arms transfer" names its topic: keep its own words
        source = antecedents[first]
        while source in antecedents and source != antecedents[source] and not (
                (frames[feature_of[source]].predicates | frames[feature_of[source]].themes) - META_CONCEPTS):
            source = antecedents[source]  # a chain of pointers: "… remarks, insisting the claims …"
        k = first
        while k < len(quote_run) and quote_run[k] == quote_run[first]:
            takes[k] = takes[source]
            k += 1
    return takes


def _paragraph_start(text: str, char: int) -> int:
    """Where the paragraph holding ``char`` starts (a paragraph is a line of text).

    >>> text = "One.\\n\\nTwo. Three."
    >>> _paragraph_start(text, text.index("Three")), _paragraph_start(text, len(text[:6].rstrip()))
    (6, 0)
    """
    return text.rfind("\n", 0, char) + 1


class _Offsets(NamedTuple):
    """A quote's offsets as ints, ``None`` where missing: made for a slice of quotes at
    once rather than tested and converted value by value (400 000 tests for 2 000 articles)."""

    content_start: int | None
    content_end: int | None
    cue_start: int | None
    cue_end: int | None
    speaker_start: int | None
    speaker_end: int | None

    def span(self) -> tuple[int, int]:
        """From the first to the last offset (as ``_quote_span``).

        >>> _Offsets(10, 20, 3, 8, None, None).span(), _Offsets(None, None, None, None, None, None).span()
        ((3, 20), (0, 0))
        """
        points = [v for v in self if v is not None]
        return (min(points), max(points)) if points else (0, 0)


def _ints(column: pd.Series) -> list[int | None]:
    """``int(value)`` of each value, ``None`` for a missing one.

    >>> _ints(pd.Series([3, None], dtype="Int64")), _ints(pd.Series([2.0, float("nan")]))
    ([3, None], [2, None])
    """
    out = column.to_numpy(dtype=np.int64, na_value=0).tolist()
    for k in np.flatnonzero(column.isna().to_numpy()).tolist():
        out[k] = None
    return out


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
def _claimants(quote: Any, offsets: _Offsets, mentions: Sequence[tuple[int, int, str]], names: Mapping[str, str],
               text: str) -> list[tuple[str | None, str | None]]:
    """One (entity_id, name) per claimant; "Ostland and Westmark deny" gives two.

    Only coordinated names split a speaker ("X and Y", "X, Y"); "an Ostlandian
    Foreign Ministry spokeswoman Anna Berg" is one claimant.
    """
    speaker_ids: list[str] = []
    if offsets.speaker_start is not None and offsets.speaker_end is not None and len(mentions):
        spans = _within(mentions, offsets.speaker_start, offsets.speaker_end)
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


def _about(offsets: _Offsets, mentions: Sequence[tuple[int, int, str]], sentence: tuple[int, int],
           claimants: set[str | None], *, strict: bool = False) -> list[str]:
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


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    frame = tables.get(name)
    return frame if frame is not None else empty_table(name)


def _present(value: Any) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and value != value)


def _text(value: Any) -> str:
    return str(value) if _present(value) else ""
