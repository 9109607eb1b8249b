"""The corpus step's tables read a slice of quotes at a time.

Memory, not meaning: the quotes in article order as row positions, one
table's rows per article made Python values for a slice of articles only, each
quote's stored reading taken from the ``claim_readings`` table a slice at a
time, and the slices' claims joined into one table. At 10 000 articles the
whole-corpus versions of these had taken the step to +248 MB.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from toolkit.sdk import itertuples, values

from .grouping import word_term
from .passages import _parse_readings

__all__ = ["_QuotesInOrder", "_quotes_in_order", "_concat", "_ByArticle", "_Readings", "_word_terms", "_Offsets"]

_QUOTE_COLUMNS = (
    "quote_id",
    "article_id",
    "content_start",
    "content_end",
    "content",
    "cue_start",
    "cue_end",
    "speaker_start",
    "speaker_end",
    "speaker_entity_id",
    "speaker_name",
    "speakers",
    "speaker_entity_ids",
    "confidence",
)

# the reading fields the loop reads (the table's article_id and quote_id are only for joining)
_READING_FIELDS = (
    "stance",
    "proposition",
    "cue_lemma",
    "negated",
    "basis",
    "anaphoric",
    "focus_text",
    "predicates",
    "themes",
    "core_start",
    "core_end",
    "core_words",
    "focus_tokens",
    "sentence_start",
    "sentence_end",
)


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

    def __init__(
        self, frame: pd.DataFrame, columns: Sequence[str], *, text: Sequence[str] = (), required: Sequence[str] = ()
    ) -> None:
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
        return {a: made[s - begin : e - begin] for a, (s, e) in bounds.items()}

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

    def __init__(
        self, table: pd.DataFrame | None, quotes: _QuotesInOrder, articles: pd.DataFrame, *, nlp: Any, batch_size: int
    ) -> None:
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
            self.parsed = _parse_readings(
                missing,
                articles,
                nlp=nlp() if callable(nlp) and not hasattr(nlp, "pipe") else nlp,
                batch_size=batch_size,
            )

    def chunks(
        self, quotes: _QuotesInOrder, *, chunk_rows: int
    ) -> Iterator[list[tuple[Any, _Offsets, Mapping[str, Any] | None]]]:
        """``[(quote, its offsets, reading or None), ...]`` for each slice of ``chunk_rows`` rows of ``quotes``.

        The slices come in order.
        """
        size = max(1, chunk_rows)
        for begin in range(0, len(quotes), size):
            part = quotes.take(slice(begin, begin + size))
            chunk = list(itertuples(part, chunk_rows=size))
            offsets = map(_Offsets._make, zip(*(_ints(part[c]) for c in _Offsets._fields)))
            yield list(zip(chunk, offsets, self._chunk(chunk, self.rows[begin : begin + size])))

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
