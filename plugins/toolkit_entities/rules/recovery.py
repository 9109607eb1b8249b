"""Recovery: the occurrences of known names that the model split ("Ri Son" + "Gwon") or missed.

Known names are the multi-word person names the corpus confirms, the one-word
names of people, organisations and places the corpus tags more than once, and
every name of the alias table; they are looked for in every article, in any
romanisation (by their transliteration keys), with spaCy's tokeniser only. A
one-word name is taken inside a sentence, where a capital letter says it is a
name ("told TMZ"); where any word is capitalised (opening a sentence, in a
title-case headline) only if its article never writes the word in lower case
("Velmar said", not "People say" beside "people").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import pandas as pd

from toolkit.sdk import StepMemo, itertuples, values, word_list

from .aliases import AliasTable
from .ids import mention_id
from .names import (
    ROLE_WORDS,
    country_canonical,
    is_title_word,
    name_tokens,
    reads_as_headline_verb,
    title_case_line,
    title_prefix,
    token_key,
)

_MONTHS_DAYS = word_list("months_days", package="toolkit_entities")
_MINOR_WORDS = word_list("minor_words", package="toolkit_entities")
# one-word names worth looking for: the model's label for them, seen at least this often in the corpus
_ONE_WORD_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_ONE_WORD_MIN_COUNT = 2

__all__ = ["recover_known_names", "name_token_row", "NAME_TOKENS", "_KnownNameFinder", "_first_seen_counts"]

# the per-article table of the tokens recovery can match (see name_token_row)
NAME_TOKENS = "name_tokens"
# the tokens a known name may have between two of its words ("Jong-un")
HYPHENS = ("-", "‐")


def name_token_row(doc: Any) -> dict[str, Any]:
    """The tokens of ``doc`` a known name can match, as one row: the finder's token table without the rest.

    Recovery used to tokenise every article again in the corpus step (5.8 of the 7 CPU seconds it took
    on 848 PolNeAR articles, after the stream, in the main process); the parsed Doc has those tokens
    already, so the article's extract keeps them, in the workers and cached with the article. A token
    counts when it is a hyphen, a capitalised word, or a word after a hyphen: every other token has no
    name key (see :meth:`_KnownNameFinder._key_pair`) and becomes a placeholder with none
    (:meth:`_TokenTables.from_row`), so the matches are those of the whole token table.

    >>> import spacy
    >>> name_token_row(spacy.blank("en")("talks with Kim Jong-un ended"))
    {'n_tokens': 7, 'positions': [2, 3, 4, 5], 'starts': [11, 15, 19, 20], 'words': ['Kim', 'Jong', '-', 'un']}
    """
    import numpy as np

    table = _KnownNameFinder.token_table(doc)
    distinct, codes = np.unique(table[:, 0], return_inverse=True)
    codes = codes.reshape(-1)
    words = [doc.vocab.strings[orth] for orth in distinct.tolist()]
    hyphen = np.array([w in HYPHENS for w in words], dtype=bool)[codes]
    alpha = np.array([w[:1].isalpha() for w in words], dtype=bool)[codes]
    upper = np.array([w[:1].isupper() for w in words], dtype=bool)[codes]
    after_hyphen = np.zeros(len(codes), dtype=bool)
    after_hyphen[1:] = hyphen[:-1]
    kept = np.flatnonzero(hyphen | (alpha & (upper | after_hyphen)))
    return {
        "n_tokens": len(codes),
        "positions": kept.tolist(),
        "starts": table[kept, 1].tolist(),
        "words": [words[c] for c in codes[kept].tolist()],
    }


class _KnownNameFinder:
    """Finds the word sequences of known names in tokenised articles.

    A token's *name key* is the transliteration-folded key of a capitalised word
    (or of the syllable after a hyphen, "Jong-un"); other tokens have none. A
    known name matches where its keys follow one another, with an optional
    hyphen between two words; overlapping matches keep the longest, then the
    first (spaCy's ``filter_spans`` rule). Keys are worked out once per distinct
    word of the corpus and compared as integer arrays: a Python loop over every
    token of every article, or spaCy's Matcher on a per-token attribute, cost
    more than the rest of this step. A key that is no word of a known name can
    never match, so it is stored as "none" (0) and only the known words get an
    id: the tokens of a chunk of articles are looked up at once in a sorted
    array of the words seen so far (per article, looking up each distinct word
    in a dict took 4 s of the 6 s this recovery cost on 10 000 articles).
    """

    def __init__(self, known: Mapping[tuple[str, ...], str], strings: Any) -> None:
        import numpy as np

        self.strings = strings
        self._part_id: dict[str, int] = {}  # a word of a known name -> its id (1, 2, ...)
        self.by_first: dict[int, list[tuple[tuple[int, ...], str]]] = defaultdict(list)
        for key, label in sorted(known.items()):
            ids = tuple(self._part_id.setdefault(part, len(self._part_id) + 1) for part in key)
            self.by_first[ids[0]].append((ids, label))
        self.firsts = np.array(sorted(self.by_first), dtype=np.int64)
        self.hyphens = np.array([strings.add(h) for h in HYPHENS], dtype=np.uint64)
        # ORTH values seen so far (sorted) and their (key as a capitalised word, key after a hyphen)
        self._seen = np.zeros(0, dtype=np.uint64)
        self._pairs = np.zeros((0, 2), dtype=np.int64)

    @staticmethod
    def token_table(doc: Any) -> Any:
        """The ``(ORTH, IDX, LENGTH)`` array of ``doc``'s tokens: all :meth:`find_many` needs of it."""
        from spacy.attrs import IDX, LENGTH, ORTH

        return doc.to_array([ORTH, IDX, LENGTH]).reshape(-1, 3)

    def find(self, doc: Any) -> list[tuple[int, int, str]]:
        """``(start_char, end_char, label)`` of each known name in ``doc``, in text order."""
        return self.find_many([self.token_table(doc)])[0]

    def find_many(self, tables: Sequence[Any]) -> list[list[tuple[int, int, str]]]:
        """:meth:`find` for each document's :meth:`token_table`, their tokens looked up together."""
        import numpy as np

        bounds = np.zeros(len(tables) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in tables], out=bounds[1:])
        results: list[list[tuple[int, int, str]]] = [[] for _ in tables]
        if not bounds[-1]:
            return results
        table = np.concatenate(tables)
        del tables
        orths = table[:, 0]
        pairs = self._key_pairs(orths)
        is_hyphen = np.isin(orths, self.hyphens)
        follows_hyphen = np.zeros(len(orths), dtype=bool)
        follows_hyphen[1:] = is_hyphen[:-1]
        firsts_of_docs = bounds[:-1][bounds[:-1] < len(orths)]  # an empty last document has no first token
        follows_hyphen[firsts_of_docs] = False  # a document's first token follows no hyphen of the one before
        keys = np.where(follows_hyphen, pairs[:, 1], pairs[:, 0])
        candidates = np.flatnonzero(np.isin(keys, self.firsts))
        if not len(candidates):
            return results
        owner = np.searchsorted(bounds, candidates, side="right") - 1
        for d in np.unique(owner).tolist():
            lo, hi = int(bounds[d]), int(bounds[d + 1])
            firsts = (candidates[owner == d] - lo).tolist()
            results[d] = self._matches(
                keys[lo:hi].tolist(),
                is_hyphen[lo:hi].tolist(),
                firsts,
                table[lo:hi, 1].tolist(),
                table[lo:hi, 2].tolist(),
            )
        return results

    def _matches(
        self, norms: list[int], hyphen: list[bool], firsts: list[int], starts: list[int], lengths: list[int]
    ) -> list[tuple[int, int, str]]:
        n = len(norms)
        found: set[tuple[int, int, str]] = set()
        for i in firsts:
            for parts, label in self.by_first[norms[i]]:
                j = i + 1
                for part in parts[1:]:
                    if j + 1 < n and hyphen[j] and norms[j + 1] == part:
                        j += 2
                    elif j < n and norms[j] == part:
                        j += 1
                    else:
                        break
                else:
                    found.add((i, j, label))
        # the longest match wins, then the first; a match touching a kept one is dropped
        kept, seen = [], set()
        for i, j, label in sorted(sorted(found), key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
            if i not in seen and j - 1 not in seen:
                kept.append((i, j, label))
                seen.update(range(i, j))
        return [(starts[i], starts[j - 1] + lengths[j - 1], label) for i, j, label in sorted(kept)]

    def _key_pairs(self, orths: Any) -> Any:
        """The ``(capitalised-word key, after-hyphen key)`` of each ORTH, ids of known words or 0."""
        import numpy as np

        distinct = np.unique(orths)
        if len(self._seen):
            at = np.minimum(np.searchsorted(self._seen, distinct), len(self._seen) - 1)
            new = distinct[self._seen[at] != distinct]
        else:
            new = distinct
        if len(new):
            fresh = np.array([self._key_pair(orth) for orth in new.tolist()], dtype=np.int64).reshape(-1, 2)
            seen = np.concatenate([self._seen, new])
            order = np.argsort(seen, kind="stable")
            self._seen, self._pairs = seen[order], np.concatenate([self._pairs, fresh])[order]
        return self._pairs[np.searchsorted(self._seen, orths)]

    def _key_pair(self, orth: int) -> tuple[int, int]:
        text = self.strings[orth]
        key = self._part_id.get(token_key(text.lower()), 0) if text[:1].isalpha() else 0
        return (key if text[:1].isupper() else 0, key)


def _first_seen_counts(*columns: pd.Series) -> tuple[list[tuple[Any, ...]], Any]:
    """The distinct value combinations of ``columns`` in order of first appearance, and how often each occurs.

    Per distinct combination, not per row: a corpus repeats the same few thousand
    names (10 000 articles: 256 000 mentions, far fewer distinct texts).

    >>> _first_seen_counts(pd.Series(["b", "a", "b"]), pd.Series([1, 2, 1]))
    ([('b', 1), ('a', 2)], array([2, 1]))
    """
    import numpy as np

    combined = np.zeros(len(columns[0]), dtype=np.int64)
    factorized = [pd.factorize(column, use_na_sentinel=False) for column in columns]
    for codes, distinct in factorized:
        combined = combined * len(distinct) + codes
    codes, firsts = pd.factorize(combined)
    # the first row of each combination gives its values
    first_row = np.full(len(firsts), len(combined), dtype=np.int64)
    np.minimum.at(first_row, codes, np.arange(len(combined)))
    rows = list(zip(*(distinct.take(column_codes[first_row]) for column_codes, distinct in factorized)))
    return rows, np.bincount(codes, minlength=len(firsts))


_COUNT_CHUNK = 65536


def _known_names(mentions: pd.DataFrame, table: AliasTable) -> dict[tuple[str, ...], str]:
    """Name keys worth looking for, with their label: multi-word person names
    the corpus confirms (the model's PERSON reading outweighs the others), and
    every name in the alias table."""
    votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    # per distinct (text, label) in order of first appearance, so each vote's labels are
    # met in the same order as row by row (ties keep the first); per row took 1 s on 10 000 articles
    counted: dict[tuple[Any, Any], int] = {}  # in order of first appearance, chunk after chunk
    for begin in range(0, len(mentions), _COUNT_CHUNK):  # a chunk at a time: the codes stay small
        pairs, counts = _first_seen_counts(
            mentions["text"].iloc[begin : begin + _COUNT_CHUNK], mentions["label"].iloc[begin : begin + _COUNT_CHUNK]
        )
        for pair, count in zip(pairs, counts.tolist()):
            counted[pair] = counted.get(pair, 0) + count
    one_word: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for (text, label), count in counted.items():
        words = name_tokens(str(text))
        if len(words) >= 2 and country_canonical(str(text)) is None:
            votes[tuple(token_key(w) for w in words)][label] += count
        elif len(words) == 1 and _may_be_one_word_name(str(text), words[0]):
            one_word[(token_key(words[0]),)][label] += count
    known = {key: "PERSON" for key, v in votes.items() if v.most_common(1)[0][0] == "PERSON"}
    for key, v in one_word.items():
        label, n = v.most_common(1)[0]
        # the model must agree with itself: a word it reads as a person here and a club there is left alone
        if label in _ONE_WORD_LABELS and sum(v.values()) >= _ONE_WORD_MIN_COUNT and n * 3 >= 2 * sum(v.values()):
            known.setdefault(key, label)
    # a title phrase ("Defence Minister") is never worth looking for as a name
    known = {key: label for key, label in known.items() if title_prefix(list(key)) < len(key)}
    for _, label, names in table.merge_groups():
        for name in names:
            words = name_tokens(name)
            if words:
                known[tuple(token_key(w) for w in words)] = (
                    label or known.get(tuple(token_key(w) for w in words)) or "PERSON"
                )
    return known


def _may_be_one_word_name(text: str, word: str) -> bool:
    """Whether a one-word mention may be looked for elsewhere: a capitalised word of three letters or
    more (or an acronym) that is no title, office word, month or day, and no country (the entities
    component finds those)."""
    return (
        text[:1].isupper()
        and len(word) >= (2 if text.isupper() else 3)
        and word.isalpha()
        and not is_title_word(word)
        and word not in ROLE_WORDS
        and word not in _MONTHS_DAYS
        and country_canonical(text) is None
    )


def _names_a_thing_here(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word at ``start:end`` reads as a name of its own there. Where any word
    is capitalised (the first word of a sentence, a line or a quotation; a title-case headline) only
    if the article never writes it in lower case ("Velmar said on Monday", not "People say" beside
    "people"); elsewhere if it is not a word of a longer name ("Dow Jones", "Queen of South", "Add
    Men's") nor after a figure ("10:30 PM", "117th Street")."""
    word = text[start:end]
    if title_case_line(text, start, end, figures=False):
        return _unless_a_common_word(text, start, word)
    before = text[max(0, start - 40) : start].rstrip(" \t")
    if not before or before[-1] in "\n.!?:;\"'“”‘’([—–-*•|":
        if not _unless_a_common_word(text, start, word):
            return False
    else:
        words_before = before.split()
        previous = words_before[-1]
        # a capitalised word or a figure right before it, with no punctuation between, makes it part of a
        # longer name; "late Thursday, Velmo reported" does not
        if previous[-1:].isalnum() and (
            previous[:1].isupper()
            or previous[:1].isdigit()
            or (previous in _MINOR_WORDS and len(words_before) > 1 and words_before[-2][:1].isupper())
        ):
            return False
    after = text[end : end + 40].lstrip(" \t")
    following = after.split(None, 1)[0] if after.strip() else ""
    return not (
        (following[:1].isupper() and after[:1].isalnum())
        or following[:2] in ("'s", "’s")
        or (following in _MINOR_WORDS and after[len(following) :].lstrip()[:1].isupper())
    )


def _unless_a_common_word(text: str, start: int, word: str) -> bool:
    """Whether a capitalised ``word`` where any word is capitalised may be a name: the article never
    writes it in lower case, and its line is no headline in capitals (whose every word, "ROWING - ...",
    is in capitals whatever it is)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return (
        word[:1].isupper()
        and any(c.islower() for c in line)
        and re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text) is None
    )


# articles tokenised and looked up together: big enough that numpy's per-call cost is spread,
# small enough that their token arrays stay a few MB
_RECOVERY_CHUNK = 128


def recover_known_names(
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    table: AliasTable,
    *,
    memo: StepMemo | None = None,
    token_rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add the occurrences of known names the model split or missed (see module docstring).

    An article's tokens come from its row in ``token_rows``, the ``name_tokens`` table
    (:func:`name_token_row`, written by the extract from the parsed Doc), when it has one; else it
    is tokenised here. With a ``memo`` (the
    step's, see :class:`toolkit.sdk.StepMemo`), those tokens are read back from the previous run
    instead of tokenised again: an incremental run changes only a few articles."""
    import numpy as np

    # each article's mention rows (in table order) through one sorted array of row numbers,
    # not a tuple per mention: those tuples were 40 MB on 10 000 articles
    codes, ids = pd.factorize(mentions["article_id"], use_na_sentinel=False)
    by_article = np.argsort(codes, kind="stable")
    edges = np.searchsorted(codes[by_article], np.arange(len(ids) + 1))
    span_of = {str(a): (int(edges[k]), int(edges[k + 1])) for k, a in enumerate(ids)}

    # a name the model ran into a title-case headline ("Ana Berg Checks Into Rehab") is no known name
    in_headline = _in_headlines(mentions, articles, span_of, by_article)
    known = _known_names(mentions[~in_headline] if in_headline.any() else mentions, table)
    if not known:
        return mentions
    # the alias table's names are the user's: found wherever they occur, one word or more
    listed = frozenset(
        token_key(w) for _, _, names in table.merge_groups() for name in names for w in name_tokens(name)
    )
    tokens = _TokenTables(memo)
    finder = _KnownNameFinder(known, tokens.strings)
    columns = _RowColumns(
        index=mentions.index.to_numpy(),
        start=mentions["start"].to_numpy(dtype=np.int64),
        end=mentions["end"].to_numpy(dtype=np.int64),
        spacy_label=_codes_and_values(mentions["spacy_label"]),
    )

    rows = _NameTokenRows(token_rows)
    added: list[dict[str, Any]] = []
    drop: set[Any] = set()
    # a chunk of articles' texts at a time: the whole corpus as Python strings is not needed at once
    chunk: list[tuple[str, str]] = []
    for aid, text in itertuples(articles[["article_id", "text"]]):
        chunk.append((str(aid), str(text)))
        if len(chunk) == _RECOVERY_CHUNK:
            _recover_chunk(chunk, tokens, finder, columns, span_of, by_article, added, drop, listed, rows)
            chunk = []
    _recover_chunk(chunk, tokens, finder, columns, span_of, by_article, added, drop, listed, rows)
    if not added:
        return mentions
    kept = mentions.drop(index=sorted(drop))
    return pd.concat([kept, pd.DataFrame(added)], ignore_index=True)


def _in_headlines(
    mentions: pd.DataFrame, articles: pd.DataFrame, span_of: Mapping[str, tuple[int, int]], by_article: Any
) -> Any:
    """Which rows are multi-word mentions in a title-case headline (the only rows whose context the
    known names need: one-word names count only where found inside a sentence, see below)."""
    import numpy as np

    flags = np.zeros(len(mentions), dtype=bool)
    multi = mentions["text"].astype(str).str.contains(" ", regex=False).to_numpy()
    if not multi.any():
        return flags
    wanted = {aid for aid, (lo, hi) in span_of.items() if multi[by_article[lo:hi]].any()}
    starts, ends = mentions["start"].to_numpy(dtype=np.int64), mentions["end"].to_numpy(dtype=np.int64)
    for aid, text in itertuples(articles[["article_id", "text"]]):
        if str(aid) not in wanted:
            continue
        lo, hi = span_of[str(aid)]
        text = str(text)
        for row in by_article[lo:hi][multi[by_article[lo:hi]]].tolist():
            flags[row] = title_case_line(text, int(starts[row]), int(ends[row]), figures=False)
    return flags


class _TokenTables:
    """Each article's :meth:`_KnownNameFinder.token_table` (ORTH, IDX, LENGTH), tokenised by
    spaCy's English tokeniser (the model's own rules, without a pipeline), or read back from
    the step's memo.

    A memo entry is the article's distinct words (JSON) and, per token, the number of its word,
    its offset and its length: ORTH is a hash of the word, so the words added to :attr:`strings`
    give the same ORTH values back. With a memo the tokeniser is only built when an article is
    missing from it (spaCy's blank pipeline takes a while to build).
    """

    def __init__(self, memo: StepMemo | None) -> None:
        self.memo = memo
        self._tokenizer: Any = None
        if memo is None:
            self.strings = self._tokenise_with().vocab.strings
        else:
            from spacy.strings import StringStore

            self.strings = StringStore()

    def table(self, text: str) -> Any:
        if self.memo is None:
            return _KnownNameFinder.token_table(self._tokenise_with()(text))
        key = StepMemo.key(text)
        entry = self.memo.get(key)
        if entry is not None:
            return self._decode(entry)
        import numpy as np

        doc = self._tokenise_with()(text)
        table = _KnownNameFinder.token_table(doc)
        distinct, codes = np.unique(table[:, 0], return_inverse=True)
        words = [doc.vocab.strings[orth] for orth in distinct.tolist()]
        for word in words:  # the finder reads each word back from its ORTH
            self.strings.add(word)
        encoded = orjson.dumps(words)
        columns = np.stack([codes.reshape(-1), table[:, 1], table[:, 2]]).astype("<u4")
        self.memo.put(key, len(encoded).to_bytes(4, "little") + encoded + columns.tobytes())
        return table

    def from_row(self, row: Mapping[str, Any]) -> Any:
        """The token table of an article's :func:`name_token_row`: its tokens where they were, and a
        placeholder (the empty string: no name key, no hyphen) for every other token."""
        import numpy as np

        table = np.zeros((int(row["n_tokens"]), 3), dtype=np.uint64)
        positions = np.asarray(row["positions"], dtype=np.int64)
        words = [str(word) for word in row["words"]]
        table[positions, 0] = np.array([self.strings.add(word) for word in words], dtype=np.uint64)
        table[positions, 1] = np.asarray(row["starts"], dtype=np.uint64)
        table[positions, 2] = np.array([len(word) for word in words], dtype=np.uint64)
        return table

    def _decode(self, entry: bytes) -> Any:
        import numpy as np

        size = int.from_bytes(entry[:4], "little")
        words = orjson.loads(entry[4 : 4 + size])
        columns = np.frombuffer(entry[4 + size :], dtype="<u4").reshape(3, -1).astype(np.uint64)
        orths = np.array([self.strings.add(word) for word in words], dtype=np.uint64)
        return np.stack([orths[columns[0]], columns[1], columns[2]], axis=1)

    def _tokenise_with(self) -> Any:
        if self._tokenizer is None:
            import spacy

            self._tokenizer = spacy.blank("en").tokenizer
        return self._tokenizer


class _NameTokenRows:
    """The ``name_tokens`` table's rows by article, made Python values a chunk of articles at a time
    (all of them at once would be millions of small objects on a big corpus). An article with two
    rows (an id given twice) or none is tokenised instead."""

    _COLUMNS = ("n_tokens", "positions", "starts", "words")

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.frame = frame if frame is not None and set(self._COLUMNS) <= set(frame.columns) else None
        self.row_of: dict[str, int] = {}
        if self.frame is not None:
            counts = Counter(str(a) for a in values(self.frame["article_id"]))
            self.row_of = {str(a): k for k, a in enumerate(values(self.frame["article_id"])) if counts[str(a)] == 1}

    def of(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found = [a for a in article_ids if a in self.row_of]
        if self.frame is None or not found:
            return {}
        part = self.frame.iloc[[self.row_of[a] for a in found]]
        columns = [values(part[c]) for c in self._COLUMNS]
        return {a: dict(zip(self._COLUMNS, cells)) for a, *cells in zip(found, *columns)}


def _codes_and_values(column: pd.Series) -> tuple[Any, list[Any]]:
    """``column`` as integer codes and the list of its distinct values (one object per value).

    >>> _codes_and_values(pd.Series(["x", "y", "x"]))
    (array([0, 1, 0]), ['x', 'y'])
    """
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    return codes, list(distinct)


@dataclass(frozen=True)
class _RowColumns:
    """The mention columns recovery reads, as arrays (``spacy_label`` as factorize codes and values)."""

    index: Any
    start: Any
    end: Any
    spacy_label: tuple[Any, Any]


def _recover_chunk(
    chunk: Sequence[tuple[str, str]],
    tokens: _TokenTables,
    finder: _KnownNameFinder,
    columns: _RowColumns,
    span_of: Mapping[str, tuple[int, int]],
    by_article: Any,
    added: list[dict[str, Any]],
    drop: set[Any],
    listed: frozenset[str] = frozenset(),
    rows: _NameTokenRows | None = None,
) -> None:
    if not chunk:
        return
    given = rows.of([aid for aid, _ in chunk]) if rows is not None else {}
    # only the token arrays are kept, not the Docs: a chunk of Docs held 30 MB on 10 000 articles
    found = finder.find_many(
        [tokens.from_row(given[aid]) if aid in given else tokens.table(text) for aid, text in chunk]
    )
    for (aid, text), matches in zip(chunk, found):
        if not matches:
            continue
        lo, hi = span_of.get(aid, (0, 0))
        rows = by_article[lo:hi]
        index = columns.index[rows].tolist()
        spans = list(zip(index, columns.start[rows].tolist(), columns.end[rows].tolist()))
        codes, labels = columns.spacy_label
        label_of = dict(zip(index, map(labels.__getitem__, codes[rows].tolist())))
        # the mentions a match can overlap, by bisection over them in order of start (a scan of every
        # mention per match was quadratic in a long article)
        order = sorted(range(len(spans)), key=lambda k: spans[k][1])
        span_starts = [spans[k][1] for k in order]
        longest = max((e - s for _, s, e in spans), default=0)
        for start, end, name_label in matches:
            window = order[bisect.bisect_right(span_starts, start - longest) : bisect.bisect_left(span_starts, end)]
            # in the mentions' own order, as before: the first overlapping one gives the label
            overlapping = [(i, s, e) for i, s, e in map(spans.__getitem__, sorted(window)) if s < end and start < e]
            if any(s == start and e == end for _, s, e in overlapping):
                continue  # already there
            word = text[start:end]
            if (
                not any(c in " -‐" for c in word)
                and token_key(word.lower()) not in listed
                and not _names_a_thing_here(text, start, end)
            ):
                continue  # a one-word name where any word is capitalised
            if overlapping and title_case_line(text, start, end, figures=False):
                # in a title-case headline the model runs names into the words after them: a known
                # name that begins the model's longer mention is the name ("Ana Berg" of "Ana Berg
                # Checks Into Rehab"); a known name is never stretched over the headline's words. A
                # known full name no mention covers is the name the model split or cut short there
                # ("Hire Ana" + "Berg", "Berg" alone)
                split = any(c in " -‐" for c in word) and not any(s <= start and end <= e for _, s, e in overlapping)
                if not split and not (
                    len(overlapping) == 1
                    and overlapping[0][1] == start
                    and overlapping[0][2] > end
                    and reads_as_headline_verb(next(iter(text[end : overlapping[0][2]].split()), ""))
                ):
                    continue
            elif any(s < start or e > end for _, s, e in overlapping):
                continue  # the match sits inside (or across) a longer mention: leave it
            drop.update(i for i, _, _ in overlapping)
            spacy_label = label_of[overlapping[0][0]] if overlapping else None
            added.append(
                {
                    "article_id": aid,
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                    "label": name_label,
                    "entity_id": None,
                    "mention_id": mention_id(aid, start, end),
                    "spacy_label": spacy_label,
                    "source": "known-name",
                    "refers_to_name": None,
                }
            )
