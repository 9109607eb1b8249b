"""Corpus-level step: mentions resolved to entities across the whole corpus.

1. **Recovery.** A ``SpanRuler`` fed by the corpus's known person names (and
   the alias table) finds their occurrences, in any romanisation, that the
   model split ("Ri Son" + "Gwon") or missed.
2. **Within an article** a surname or partial name links to the full name used
   nearest before it ("Morozova" -> "Anna Morozova", "Son Gwon" -> "Ri Son Gwon").
3. **Across articles** names with the same transliteration key merge
   (Sergei/Sergey, Choe/Choi, Son/Song, Hui/Hee), names that differ only in
   where hyphens and spaces split them merge (Sol-Haval/Solhaval), country
   forms merge with their short name (DPRK, Russian Federation), "Long Name
   (ACRONYM)" pairs merge, and a lone surname joins the one full name in the
   corpus that ends (or begins) with it. Names whose words differ stay apart:
   similarity alone does not decide, it only produces a suggestion.
4. **Labels** are repaired by agreement: one name is one entity whatever label
   each sentence gave it, and the entity takes the label its confident mentions
   carry (a multi-word name, a place after "in"/"at", a person after a title or
   before a speech verb weigh more); every mention of it carries that label
   (the model's own label stays in ``spacy_label``). Principled exceptions: a
   city in a line of sports results is a club and stays apart; a nationality
   adjective of a place in the corpus ("Kastovian" beside "Kastovia") is NORP;
   a name the article metadata gives as an outlet is an ORG. A capital read as
   an organisation in an agent role stays the city, with ``refers_to``.
5. The **alias table** is applied first (its merges and never-merge pairs win)
   and written back afterwards with the new suggestions.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit._columns import itertuples, values

from .aliases import AliasTable, Suggestion, load_alias_table, save_alias_table, suggestion_id
from .mentions import mention_id
from .names import (LOCATIVE_PREPOSITIONS, ROLE_WORDS, SPEECH_VERBS, acronym_of, capital_state, country_canonical,
                    demonym_of, is_acronym, is_title_word, looks_like_demonym, name_boundaries, name_key, name_tokens,
                    title_prefix, token_key)

__all__ = ["resolve", "corpus_step", "recover_known_names", "SUGGESTIONS_TABLE"]

SUGGESTIONS_TABLE = "entity_suggestions"

# Label classes that may share an entity: a place is a place whatever spaCy called it.
_CLASS = {"PERSON": "per", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org", "NORP": "norp"}


def _label_class(label: str) -> str:
    return _CLASS.get(label, label)


def corpus_step(tables: Mapping[str, pd.DataFrame], context: Any) -> dict[str, pd.DataFrame]:
    """The plugin's ``corpus_step``: see :func:`resolve`."""
    options = dict(getattr(context, "options", {}) or {})
    out_dir = getattr(context, "out_dir", None)
    return resolve(tables, alias_table=options.get("alias_table"), metonymy=bool(options.get("metonymy", True)),
                   recover=bool(options.get("recover", True)),
                   write_aliases=bool(options.get("write_aliases", True)), out_dir=out_dir)


def resolve(tables: Mapping[str, pd.DataFrame], *, alias_table: Any = None, metonymy: bool = True,
            recover: bool = True, write_aliases: bool = True, out_dir: Any = None) -> dict[str, pd.DataFrame]:
    """Resolve ``tables["mentions"]`` to entities; returns mentions, entities and suggestions."""
    table = alias_table if isinstance(alias_table, AliasTable) else load_alias_table(alias_table)
    mentions = _prepare(tables.get("mentions"))
    articles = tables.get("articles")
    if recover and articles is not None and len(articles) and len(mentions):
        mentions = recover_known_names(mentions, articles, table)
    # the order of (article_id, start, end) as row numbers: a sorted copy of the whole table
    # (37 MB on 10 000 articles) is made once, for the returned table, after resolution
    order = _sorted_order(mentions)

    outlets: set[tuple[str, ...]] = set()
    if articles is not None and "outlet" in articles.columns:
        outlets = {name_key(str(o)) for o in articles["outlet"].dropna().unique() if str(o).strip()}
    resolver = _Resolver(mentions, order, table, articles=articles, outlets=outlets)
    resolver.run()
    mentions, entities, suggestions = resolver.tables(articles, metonymy=metonymy)

    if write_aliases and (table.path is not None or out_dir is not None):
        from pathlib import Path

        target = table.path if table.path is not None else Path(out_dir) / "aliases.yaml"
        save_alias_table(table.with_suggestions(resolver.suggestions), target)
    return {"mentions": mentions, "entities": entities, SUGGESTIONS_TABLE: suggestions}


def _sorted_order(mentions: pd.DataFrame) -> Any:
    """Row numbers of ``mentions`` in (article_id, start, end) order, ties in table order:
    ``sort_values(["article_id", "start", "end"], kind="stable")`` without copying the table.

    >>> frame = pd.DataFrame({"article_id": ["b", "a", "b", "a"], "start": [5, 9, 1, 9], "end": [7, 12, 3, 10]})
    >>> _sorted_order(frame).tolist()
    [3, 1, 2, 0]
    """
    import numpy as np

    codes, _ = pd.factorize(mentions["article_id"], sort=True)
    codes = np.where(codes < 0, codes.max(initial=-1) + 1, codes)  # a missing id sorts last, as in sort_values
    return np.lexsort((mentions["end"].to_numpy(dtype=np.int64), mentions["start"].to_numpy(dtype=np.int64), codes))


def _shared(items: Iterable[Any], same: dict[Any, Any]) -> list[Any]:
    """``list(items)`` with one object per distinct value (equal ints, floats and strings share one).

    >>> a, b = _shared([1000 + 1, 1000 + 1], {})
    >>> a is b
    True
    """
    return [same.setdefault(x, x) for x in items]


def _objects(items: Sequence[Any]) -> Any:
    """``items`` as a numpy object array: taking from it by codes gives a list of shared objects
    (``codes.tolist()`` first would make an int object per row: 7 MB per column on 10 000 articles).

    >>> _objects(["a", "b"])[[1, 1, 0]].tolist()
    ['b', 'b', 'a']
    """
    import numpy as np

    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _prepare(frame: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["article_id", "start", "end", "text", "label", "entity_id", "mention_id", "spacy_label", "source",
               "refers_to_name"]
    if frame is None or not len(frame):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frame = frame.copy()
    for col in columns:
        if col not in frame.columns:
            frame[col] = None
    frame["start"] = frame["start"].astype(int)
    frame["end"] = frame["end"].astype(int)
    missing = frame["mention_id"].isna()
    if missing.any():
        frame.loc[missing, "mention_id"] = [mention_id(a, s, e) for a, s, e in
                                            frame.loc[missing, ["article_id", "start", "end"]].itertuples(index=False)]
    frame["spacy_label"] = frame["spacy_label"].where(frame["spacy_label"].notna(), frame["label"])
    frame["source"] = frame["source"].fillna("model")
    return frame


# --- 1. recovery of split and missed mentions ----------------------------------------------
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
        self.hyphens = np.array([strings.add("-"), strings.add("‐")], dtype=np.uint64)
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
            results[d] = self._matches(keys[lo:hi].tolist(), is_hyphen[lo:hi].tolist(), firsts,
                                       table[lo:hi, 1].tolist(), table[lo:hi, 2].tolist())
        return results

    def _matches(self, norms: list[int], hyphen: list[bool], firsts: list[int], starts: list[int],
                 lengths: list[int]) -> list[tuple[int, int, str]]:
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
        pairs, counts = _first_seen_counts(mentions["text"].iloc[begin:begin + _COUNT_CHUNK],
                                           mentions["label"].iloc[begin:begin + _COUNT_CHUNK])
        for pair, count in zip(pairs, counts.tolist()):
            counted[pair] = counted.get(pair, 0) + count
    for (text, label), count in counted.items():
        words = name_tokens(str(text))
        if len(words) >= 2 and country_canonical(str(text)) is None:
            votes[tuple(token_key(w) for w in words)][label] += count
    known = {key: "PERSON" for key, v in votes.items() if v.most_common(1)[0][0] == "PERSON"}
    # a title phrase ("Defence Minister") is never worth looking for as a name
    known = {key: label for key, label in known.items() if title_prefix(list(key)) < len(key)}
    for canonical, label, names in table.merge_groups():
        for name in names:
            words = name_tokens(name)
            if words:
                known[tuple(token_key(w) for w in words)] = label or known.get(tuple(token_key(w) for w in words)) or "PERSON"
    return known


# articles tokenised and looked up together: big enough that numpy's per-call cost is spread,
# small enough that their token arrays stay a few MB
_RECOVERY_CHUNK = 128


def recover_known_names(mentions: pd.DataFrame, articles: pd.DataFrame, table: AliasTable) -> pd.DataFrame:
    """Add the occurrences of known names the model split or missed (see module docstring)."""
    import numpy as np

    known = _known_names(mentions, table)
    if not known:
        return mentions
    import spacy

    tokenizer = spacy.blank("en").tokenizer  # the model's own tokenisation rules, without a pipeline
    finder = _KnownNameFinder(known, tokenizer.vocab.strings)

    # each article's mention rows (in table order) through one sorted array of row numbers,
    # not a tuple per mention: those tuples were 40 MB on 10 000 articles
    codes, ids = pd.factorize(mentions["article_id"], use_na_sentinel=False)
    by_article = np.argsort(codes, kind="stable")
    edges = np.searchsorted(codes[by_article], np.arange(len(ids) + 1))
    span_of = {str(a): (int(edges[k]), int(edges[k + 1])) for k, a in enumerate(ids)}
    columns = _RowColumns(index=mentions.index.to_numpy(), start=mentions["start"].to_numpy(dtype=np.int64),
                          end=mentions["end"].to_numpy(dtype=np.int64),
                          spacy_label=_codes_and_values(mentions["spacy_label"]))

    added: list[dict[str, Any]] = []
    drop: set[Any] = set()
    # a chunk of articles' texts at a time: the whole corpus as Python strings is not needed at once
    chunk: list[tuple[str, str]] = []
    for aid, text in itertuples(articles[["article_id", "text"]]):
        chunk.append((str(aid), str(text)))
        if len(chunk) == _RECOVERY_CHUNK:
            _recover_chunk(chunk, tokenizer, finder, columns, span_of, by_article, added, drop)
            chunk = []
    _recover_chunk(chunk, tokenizer, finder, columns, span_of, by_article, added, drop)
    if not added:
        return mentions
    kept = mentions.drop(index=sorted(drop))
    return pd.concat([kept, pd.DataFrame(added)], ignore_index=True)


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


def _recover_chunk(chunk: Sequence[tuple[str, str]], tokenizer: Any, finder: _KnownNameFinder, columns: _RowColumns,
                   span_of: Mapping[str, tuple[int, int]], by_article: Any, added: list[dict[str, Any]],
                   drop: set[Any]) -> None:
    if not chunk:
        return
    # only the token arrays are kept, not the Docs: a chunk of Docs held 30 MB on 10 000 articles
    found = finder.find_many([finder.token_table(tokenizer(text)) for _, text in chunk])
    for (aid, text), matches in zip(chunk, found):
        if not matches:
            continue
        lo, hi = span_of.get(aid, (0, 0))
        rows = by_article[lo:hi]
        index = columns.index[rows].tolist()
        spans = list(zip(index, columns.start[rows].tolist(), columns.end[rows].tolist()))
        codes, labels = columns.spacy_label
        label_of = dict(zip(index, map(labels.__getitem__, codes[rows].tolist())))
        for start, end, name_label in matches:
            overlapping = [(i, s, e) for i, s, e in spans if s < end and start < e]
            if any(s < start or e > end for _, s, e in overlapping):
                continue  # the match sits inside (or across) a longer mention: leave it
            if any(s == start and e == end for _, s, e in overlapping):
                continue  # already there
            drop.update(i for i, _, _ in overlapping)
            spacy_label = label_of[overlapping[0][0]] if overlapping else None
            added.append({"article_id": aid, "start": start, "end": end, "text": text[start:end], "label": name_label,
                          "entity_id": None, "mention_id": mention_id(aid, start, end), "spacy_label": spacy_label,
                          "source": "known-name", "refers_to_name": None})


class _ArticleTexts:
    """``(article id, text)`` of the articles table's rows whose id is wanted, in table order, a
    chunk of rows converted at a time (never the whole corpus as Python strings); a duplicated id
    comes twice, its last row last. A pandas lookup per article (90 µs) cost more than the
    weights it served on 2 000 articles. ``ids``: the wanted ids the table has.
    """

    def __init__(self, articles: pd.DataFrame | None, wanted: frozenset[str]) -> None:
        self.frame = None
        self.ids: frozenset[str] = frozenset()
        self.wanted = wanted
        if articles is not None and len(articles) and wanted:
            # all rows, the unwanted skipped: selecting the wanted ones first copied their texts
            self.frame = articles[["article_id", "text"]]
            self.ids = wanted & frozenset(map(str, values(articles["article_id"])))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if self.frame is not None:
            for aid, text in itertuples(self.frame):
                if str(aid) in self.wanted:
                    yield str(aid), str(text)


# --- 2-4. resolution --------------------------------------------------------------------
@dataclass(slots=True)  # ~150 000 groups on 10 000 articles: no __dict__ each
class _Group:
    """Mentions of one name inside one article (mutable working state)."""

    gid: int
    article_id: str
    key: tuple[str, ...]
    rows: list[int] = field(default_factory=list)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x


class _Resolver:
    def __init__(self, mentions: pd.DataFrame, order: Any, table: AliasTable, *, articles: pd.DataFrame | None,
                 outlets: Iterable[tuple[str, ...]] = ()) -> None:
        import numpy as np

        self.m = mentions  # as given; row ``i`` of the resolver is row ``order[i]`` of the table
        self.order = order
        self.table = table
        # the texts stay in the table: a Python string per article for the whole corpus cost more than the mentions
        self.articles = articles
        self.forced: dict[int, tuple[str | None, str | None]] = {}
        # plain lists in sorted order: pandas' per-cell access is far too slow in these loops. One
        # object per distinct value (a corpus names the same few hundred things over and over),
        # converted per distinct value through factorize codes: a string, key and word list per
        # mention were most of this step's memory on a big corpus
        same: dict[Any, Any] = {}

        def column(name: str, *, astype_str: bool = False) -> list[Any]:
            codes, distinct = pd.factorize(mentions[name], use_na_sentinel=False)
            distinct = pd.Series(distinct, dtype=mentions[name].dtype)
            # the same conversion as row by row (str() of each value, or the column's astype(str))
            converted = values(distinct.astype(str)) if astype_str else list(map(str, values(distinct)))
            return _objects(_shared(converted, same))[codes[order]].tolist()

        def integers(name: str) -> list[int]:
            distinct, codes = np.unique(mentions[name].to_numpy(dtype=np.int64), return_inverse=True)
            return _objects(distinct.tolist())[codes[order]].tolist()

        self.text_of = column("text")
        self.start_of = integers("start")
        self.end_of = integers("end")
        self.article_of = column("article_id")
        # each article's rows are one run of the sorted rows: (article id, first row, end row)
        boundaries = [0] + [i for i in range(1, len(order)) if self.article_of[i] is not self.article_of[i - 1]]
        self.article_rows = [(self.article_of[lo], lo, hi) for lo, hi in zip(boundaries, boundaries[1:] + [len(order)])
                             ] if len(order) else []
        self._names: dict[int, str] = {}
        keys: dict[str, tuple[str, ...]] = {}
        words: dict[str, list[str]] = {}  # shared lists: never changed in place
        # a name's key and words per distinct text, not per row (a list per row each was 2 MB on 10 000 articles)
        for text in set(self.text_of):
            keys[text], words[text] = name_key(text), name_tokens(text)
        self._keys_of, self._words_of = keys, words
        self._demonyms: dict[str, bool] = {}
        self._forms: dict[str, str] = {}  # text -> _form(text)
        self.labels = column("label", astype_str=True)
        sources = column("source")  # read here only: for the weights and the team rows
        # a place name followed by a score in a line of results is a club: strong evidence
        self.weights = _shared((weight + (2.0 if sources[i] == "team" else 0.0)
                                for i, weight in enumerate(self._weights())), same)
        self._team_rows = frozenset(i for i, source in enumerate(sources) if source == "team")
        del sources
        self.outlets = frozenset(outlets)
        self._places: dict[str, list[str]] = {}
        self.groups: list[_Group] = []
        self.group_of = [-1] * len(mentions)
        self.suggestions: list[Suggestion] = []
        self._suggestion_ids: set[str] = set()  # a set: scanning the list for each note was quadratic
        # never-merge pairs; two spellings with one key are told apart by their words
        self._apart = [((name_key(a), _form(a)), (name_key(b), _form(b))) for a, b in table.apart_pairs()]

    def _weights(self) -> list[float]:
        """Each row's :func:`_mention_weight`, an article's text read once for all its rows."""
        weights: list[float | None] = [None] * len(self.order)
        rows_of = {aid: (lo, hi) for aid, lo, hi in self.article_rows}
        texts = self._article_texts(rows_of)
        lacking = [(aid, "") for aid in rows_of if aid not in texts.ids]  # not in the table: no context
        for aid, text in itertools.chain(texts, lacking):
            lo, hi = rows_of[aid]
            for i in range(lo, hi):
                weights[i] = _mention_weight(text, self.start_of[i], self.end_of[i], self.labels[i],
                                              len(self._words_of[self.text_of[i]]))
        return weights

    def _article_texts(self, wanted: Iterable[str]) -> _ArticleTexts:
        """The texts of the ``wanted`` articles, streamed from the articles table (see :class:`_ArticleTexts`)."""
        return _ArticleTexts(self.articles, frozenset(wanted))

    # within each article -------------------------------------------------------------
    def run(self) -> None:
        for aid, lo, hi in self.article_rows:  # rows sorted by (article, start, end)
            self._link_article(aid, range(lo, hi))
        self.uf = _UnionFind(len(self.groups))
        # per entity (union-find root): its keys, its spellings, and each spelling's first surface
        # text from the lowest group, kept up to date by _union so a note needs no scan of every
        # group. A group never merged has none stored: they are worked out from its mentions when
        # first needed (see _entity), as most groups of a big corpus are never merged
        self.members: dict[int, set[tuple[str, ...]]] = {}
        self.forms: dict[int, set[str]] = {}
        self.surfaces: dict[int, dict[str, tuple[int, str]]] = {}
        self._places = self._place_words()
        self._merge_alias_table()
        self._merge_same_key()
        self._merge_joined()
        self._merge_parenthesised()
        self._merge_lone_names()
        self._merge_acronyms()
        self._propose_similar()

    def _new_group(self, aid: str, key: tuple[str, ...]) -> _Group:
        group = _Group(gid=len(self.groups), article_id=aid, key=key, rows=[])
        self.groups.append(group)
        return group

    def _link_article(self, aid: str, order: Sequence[int]) -> None:
        by_key: dict[tuple[str, ...], _Group] = {}
        for i in order:
            key = self._keys_of[self.text_of[i]]
            if not key:
                key = (self.text_of[i].lower(),)
            group = by_key.get(key) or self._new_group(aid, key)
            by_key[key] = group
            group.rows.append(i)
            self.group_of[i] = group.gid
        # partial names: a shorter key that begins or ends a longer person name in the article
        persons = [g for g in by_key.values() if len(g.key) > 1 and not g.key[0].startswith("@")
                   and self._group_label(g) == "PERSON"]
        if not persons:
            return  # no full name to join (the checks below have no side effects: skipping them changes nothing)
        # a part begins or ends its full name: a name whose first and last words begin and end
        # no person's name has no candidate (most names of an article), so the scan is skipped
        person_firsts, person_lasts = {g.key[0] for g in persons}, {g.key[-1] for g in persons}
        for short in [g for g in by_key.values() if not g.key[0].startswith("@")]:
            if short.key[0] not in person_firsts and short.key[-1] not in person_lasts:
                continue
            # a longer name whose mentions all joined a still longer one is no candidate any more;
            # the candidates first, as they are cheapest and most often none
            candidates = [g for g in persons if g.rows and len(g.key) > len(short.key) and _is_part(short.key, g.key)]
            if not candidates:
                continue
            if len(short.key) == 1 and capital_state(short.key[0]):
                continue  # "Washington" alone is the city (or the state), not a surname
            if not self._may_be_name_part([short]):
                continue
            if self._blocked(short.key, candidates[0].key):
                continue
            for i in list(short.rows):
                target = _nearest(candidates, self.start_of[i], self.start_of)
                if target is None or self._blocked(short.key, target.key):
                    continue
                short.rows.remove(i)
                target.rows.append(i)
                self.group_of[i] = target.gid

    def _group_label(self, group: _Group) -> str:
        return self._vote(group.rows)

    def _vote(self, rows: Iterable[int]) -> str:
        # a plain dict: Counter.most_common(1) is the first label with the highest sum, as max() gives
        votes: dict[str, float] = {}
        labels, weights = self.labels, self.weights
        for i in rows:
            label = labels[i]
            votes[label] = votes.get(label, 0) + weights[i]
        return max(votes, key=votes.__getitem__) if votes else ""

    def _blocked(self, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        return any((x == a and y == b) or (x == b and y == a) for (x, _), (y, _) in self._apart)

    # across articles -----------------------------------------------------------------
    def _union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb:
            return True
        self._entity(ra)
        self._entity(rb)
        keys_a, keys_b = self.members[ra], self.members[rb]
        forms_a, forms_b = self.forms[ra], self.forms[rb]
        for (x, fx), (y, fy) in self._apart:
            if x != y and ((x in keys_a and y in keys_b) or (y in keys_a and x in keys_b)):
                return False  # a never-merge pair (or a rejected suggestion) would meet
            if x == y and ((fx in forms_a and fy in forms_b) or (fy in forms_a and fx in forms_b)):
                return False  # two spellings the user keeps apart
        if not force and (forms_a - forms_b) and (forms_b - forms_a) and keys_a & keys_b:
            a_name, b_name = sorted(forms_a)[0], sorted(forms_b - forms_a)[0]
            if a_name != b_name and len(a_name.split()) > 1 and len(b_name.split()) > 1:
                self._note(self._surface(ra, a_name), self._surface(rb, b_name), None,
                           "the same name after generic romanisation rules (vowels, -y/-i endings, ng/n, "
                           "hyphens and spacing)", applied=True)
        self.uf.parent[rb] = ra
        keys_a |= keys_b  # in place: the root's own sets, held nowhere else
        forms_a |= forms_b
        del self.members[rb], self.forms[rb]  # rb is no root any more: nothing reads them again
        surfaces_a = self.surfaces[ra]
        for form, (gid, text) in self.surfaces.pop(rb).items():
            if form not in surfaces_a or gid < surfaces_a[form][0]:
                surfaces_a[form] = (gid, text)
        return True

    def _entity(self, root: int) -> None:
        """Store the keys, spellings and surfaces of ``root`` if it is a group never merged yet."""
        if root in self.members or self.uf.parent[root] != root:
            return  # stored already, or merged into another entity (whose root holds them)
        g = self.groups[root]
        self.members[root] = {g.key}
        self.forms[root] = {self._form(self.text_of[i]) for i in g.rows}
        first = self.surfaces[root] = {}
        for i in g.rows:
            first.setdefault(self._form(self.text_of[i]), (g.gid, self.text_of[i]))

    def _form(self, text: str) -> str:
        """:func:`_form`, once per distinct text."""
        form = self._forms.get(text)
        if form is None:
            form = self._forms[text] = _form(text)
        return form

    def _surface(self, root: int, form: str) -> str:
        """The text of the entity's first mention written ``form`` (in group order)."""
        self._entity(root)
        found = self.surfaces.get(root, {}).get(form)
        return form if found is None else found[1]

    def _live(self) -> list[_Group]:
        return [g for g in self.groups if g.rows]

    def _merge_alias_table(self) -> None:
        by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for g in self._live():
            by_key[g.key].append(g.gid)
        for canonical, label, names in self.table.merge_groups():
            gids = [gid for name in names for gid in by_key.get(name_key(name), [])]
            for gid in gids[1:]:
                self._union(gids[0], gid, force=True)
            if gids and canonical:
                self.forced[gids[0]] = (canonical, label)

    def _merge_same_key(self) -> None:
        """One entity per name: groups with the same key merge whatever label the
        model gave them (the vote settles the label later). Only a city read as
        a club in a line of sports results stays apart from the city."""
        first: dict[tuple[tuple[str, ...], str], int] = {}
        for g in self._live():
            # an article that lists the name with scores talks about the club throughout
            team = bool(self._team_rows) and any(i in self._team_rows for i in g.rows)
            slot = (g.key, "team" if team else "name")
            if slot in first:
                self._union(first[slot], g.gid)
            else:
                first[slot] = g.gid

    def _merge_joined(self) -> None:
        """Names that differ only in where spaces and hyphens split them
        ("Sol-Haval", "Solhaval") merge: the letters must be the same and one
        spelling's word breaks a subset of the other's, so "Kim Jong Un" and
        "Kim Jong Il" (different letters) or "Ab Cde" and "Abc De" (crossing
        breaks) stay apart. Short names are left alone."""
        by_joined: dict[str, list[_Group]] = defaultdict(list)
        for g in self._live():
            if g.key[0].startswith("@") or len("".join(g.key)) < 6 or not all(w.isalpha() for w in g.key):
                continue
            by_joined["".join(g.key)].append(g)
        for groups in by_joined.values():
            keys = sorted({g.key for g in groups}, key=len)
            if len(keys) < 2:
                continue
            for g in groups[1:]:
                a, b = sorted((groups[0].key, g.key), key=len)
                if name_boundaries(a) <= name_boundaries(b) and self._union(groups[0].gid, g.gid) and a != b:
                    self._note(self._surface(self.uf.find(groups[0].gid), _form(self.text_of[groups[0].rows[0]])),
                               self.text_of[g.rows[0]], None,
                               "the same letters once hyphens and spaces are removed", applied=True)

    def _may_be_name_part(self, groups: Sequence[_Group]) -> bool:
        """Whether these mentions could be part of a person's name: a title
        ("Minister"), an office or a nationality adjective ("Sundrian") never is."""
        rows = [i for g in groups for i in g.rows]
        words = {w for text in {self.text_of[i] for i in rows} for w in self._words_of[text]}
        if not words or all(is_title_word(w) or w in ROLE_WORDS for w in words):
            return False
        nationality = sum(self.weights[i] for i in rows if self.labels[i] == "NORP"
                          and self._demonym(self.text_of[i]))
        return nationality * 2 <= sum(self.weights[i] for i in rows)

    def _demonym(self, text: str) -> bool:
        """:func:`looks_like_demonym`, once per distinct text."""
        found = self._demonyms.get(text)
        if found is None:
            found = self._demonyms[text] = looks_like_demonym(text)
        return found

    def _place_words(self) -> dict[str, list[str]]:
        """One-word names the corpus reads as places (for telling a place's
        nationality adjective, "Kastovian", from a name of its own)."""
        votes: dict[str, Counter] = defaultdict(Counter)
        for g in self._live():
            if len(g.key) == 1 and not g.key[0].startswith("@"):
                for i in g.rows:
                    votes[" ".join(self._words_of[self.text_of[i]])][_label_class(self.labels[i])] += self.weights[i]
            elif g.key[0] == "@country":
                votes[g.key[1]]["place"] += 1
        by_prefix: dict[str, list[str]] = defaultdict(list)  # indexed by the first letters: cheap lookups
        for word, v in votes.items():
            if v.most_common(1)[0][0] == "place":
                by_prefix[word[:3]].append(word)
        return dict(by_prefix)

    def _is_demonym(self, groups: Iterable[_Group]) -> bool:
        words = {" ".join(self._words_of[text]) for text in {self.text_of[i] for g in groups for i in g.rows}}
        if not words or any(" " in w or not w for w in words):
            return False
        return all(any(demonym_of(w, p) for p in self._places.get(w[:3], ())) for w in words)

    def _merge_parenthesised(self) -> None:
        """"Long Name (ACR)" or "ACR (Long Name)" in a text: the two are one entity."""
        starts, ends = self.start_of, self.end_of
        # pairs of names at most 3 characters apart, in row order; only their articles' texts are read
        close: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for aid, lo, hi in self.article_rows:  # rows sorted by (article, start, end)
            for a, b in zip(range(lo, hi), range(lo + 1, hi)):
                if starts[b] - ends[a] <= 3:
                    close[aid].append((a, b))
        gaps: dict[tuple[int, int], str] = {}  # the few characters between each close pair, not whole texts
        for aid, text in self._article_texts(close):
            for a, b in close[aid]:
                gaps[a, b] = text[ends[a]:starts[b]]
        for aid, lo, hi in self.article_rows:
            for a, b in close.get(aid, ()):
                if not re.fullmatch(r"\s*\(\s*", gaps.get((a, b), "")):
                    continue
                first, second = self.text_of[a], self.text_of[b]
                pair_ok = (is_acronym(second) and acronym_of(first, second)) or \
                          (is_acronym(first) and acronym_of(second, first))
                if pair_ok and self._union(self.group_of[a], self.group_of[b]):
                    self._note(first, second, self.labels[a], "written as a name and its acronym in parentheses",
                               applied=True)

    def _clusters(self) -> dict[int, list[_Group]]:
        clusters: dict[int, list[_Group]] = defaultdict(list)
        parent, find = self.uf.parent, self.uf.find
        for g in self.groups:
            if g.rows:
                up = parent[g.gid]  # after path compression most groups point at their root already
                clusters[up if parent[up] == up else find(g.gid)].append(g)
        return clusters

    def _cluster_label(self, groups: Sequence[_Group]) -> str:
        if any(g.key in self.outlets for g in groups):
            return "ORG"  # the article metadata names it as a news outlet
        if self._is_demonym(groups):
            return "NORP"  # "Kastovian" beside the place "Kastovia"
        return self._vote(i for g in groups for i in g.rows)

    def _merge_lone_names(self) -> None:
        """A name seen only in part in an article ("Putin") joins the one full
        person name in the corpus that begins or ends with it; with two or more
        candidates ("Kim" with several Kims) it stays alone."""
        clusters = self._clusters()
        full = {root: gs for root, gs in clusters.items()
                if self._cluster_label(gs) == "PERSON" and max(len(g.key) for g in gs) > 1}
        order = {root: k for k, root in enumerate(full)}
        by_end: dict[str, set[int]] = defaultdict(set)
        for r, gs in full.items():
            for g in gs:
                by_end[g.key[0]].add(r)
                by_end[g.key[-1]].add(r)
        for root, groups in list(clusters.items()):
            if root in full or self._cluster_label(groups) not in ("PERSON", "ORG", "NORP", "GPE"):
                continue
            key = max((g.key for g in groups), key=len)
            if key[0].startswith("@") or not self._may_be_name_part(groups):
                continue  # countries, acronyms, titles and nationality words are not partial person names
            # through the index of first and last words: comparing with every full name was quadratic
            near = by_end.get(key[0], set()) | by_end.get(key[-1], set())
            candidates = [r for r in sorted(near, key=order.__getitem__)
                          if any(len(g.key) > len(key) and _is_part(key, g.key) for g in full[r])]
            if len(candidates) != 1:
                continue
            label = self._cluster_label(groups)
            if label != "PERSON" and len(key) > 1:
                continue  # a multi-word organisation is not a partial person name
            target = candidates[0]
            if self._union(target, root):
                short = self.text_of[groups[0].rows[0]]
                long_name = self._display_name(full[target])
                self._note(short, long_name, "PERSON",
                           f"'{short}' is part of only one full name in the corpus ({long_name})", applied=True)

    def _merge_acronyms(self) -> None:
        """An acronym joins the one multi-word name in the corpus whose initials
        it is, when both are read as the same kind of thing ("UN" and "United
        Nations"); with two candidates it only becomes a suggestion."""
        clusters = self._clusters()
        names: dict[int, str] = {}
        index: dict[str, list[int]] = defaultdict(list)
        for other, gs in clusters.items():
            if any(g.key[0].startswith("@") for g in gs) or max(len(g.key) for g in gs) < 2:
                continue
            names[other] = self._display_name(gs)
            index[names[other][:1].upper()].append(other)
        for root, groups in list(clusters.items()):
            acronym = next((g.key[1] for g in groups if g.key[0] == "@acronym"), None)
            if acronym is None or any(g.key[0] == "@country" for g in groups):
                continue
            short = self.text_of[groups[0].rows[0]]
            cls = _label_class(self._cluster_label(groups))
            candidates = []
            for other in index.get(acronym[:1], ()):
                if other == root:
                    continue
                name = names[other]
                if acronym_of(name, acronym):
                    candidates.append((other, name, _label_class(self._cluster_label(clusters[other])) == cls))
            if len(candidates) == 1 and candidates[0][2] and self._union(candidates[0][0], root):
                self._note(short, candidates[0][1], self._cluster_label(groups),
                           f"'{short}' is made of the initials of '{candidates[0][1]}', the only such name", applied=True)
            else:
                for _, name, _ in candidates:
                    self._note(short, name, None, f"'{short}' is made of the initials of '{name}'", applied=False)

    def _propose_similar(self) -> None:
        """Person names that look alike but differ in a word: a suggestion, never a merge."""
        from rapidfuzz import fuzz

        clusters = self._clusters()
        persons = [(root, self._display_name(gs), max((g.key for g in gs), key=len)) for root, gs in clusters.items()
                   if self._cluster_label(gs) == "PERSON"]
        persons = [p for p in persons if len(p[2]) > 1]
        # blocking: only names sharing a word's first three letters are compared (names
        # that share no such prefix are neither 80 % alike nor share two words)
        blocks: dict[str, list[int]] = defaultdict(list)
        for k, (_, _, key) in enumerate(persons):
            for prefix in sorted({w[:3] for w in key}):
                blocks[prefix].append(k)
        pairs = sorted({(a, b) for ks in blocks.values() for x, a in enumerate(ks) for b in ks[x + 1:]})
        for i, j in pairs:
            (ra, name_a, key_a), (rb, name_b, key_b) = persons[i], persons[j]
            score = fuzz.ratio(" ".join(key_a), " ".join(key_b))
            shared = len(set(key_a) & set(key_b))
            if score < 80 and shared < 2:
                continue
            differ = [f"{x} ≠ {y}" for x, y in zip(name_tokens(name_a), name_tokens(name_b))
                      if token_key(x) != token_key(y)]
            evidence = (f"similar names (similarity {score:.0f}/100, {shared} shared words) kept apart because "
                        f"their words differ: {', '.join(differ) or 'different length'}")
            self._note(name_a, name_b, "PERSON", evidence, applied=False)

    def _release(self) -> None:
        """Drop the per-mention lists and groups once the entities are decided (suggestions stay)."""
        for name in ("text_of", "start_of", "end_of", "article_of", "labels", "weights",
                     "group_of", "groups", "members", "forms", "surfaces", "article_rows"):
            setattr(self, name, None)

    def _note(self, a: str, b: str, label: str | None, evidence: str, *, applied: bool) -> None:
        sid = suggestion_id(a, b)
        if a.casefold() == b.casefold() or sid in self._suggestion_ids:
            return
        self._suggestion_ids.add(sid)
        self.suggestions.append(Suggestion(suggestion_id=sid, names=(a, b), label=label, evidence=evidence,
                                           applied=applied))

    def _display_name(self, groups: Sequence[_Group]) -> str:
        forms = Counter()
        first_seen: dict[str, tuple[str, int]] = {}
        for g in groups:
            for i in g.rows:
                text = self.text_of[i]
                forms[text] += 1
                first_seen.setdefault(text, (g.article_id, self.start_of[i]))
        longest = max(len(name_tokens(t)) for t in forms)
        best = [t for t in forms if len(name_tokens(t)) == longest]
        words = {t: {w.casefold() for w in name_tokens(t)} for t in forms}

        def support(candidate: str) -> int:
            # every mention whose words all appear in this spelling backs it: a surname-only
            # a surname-only "Ri" backs "Ri Son Gwon" over a transliteration variant used as often
            return sum(n for form, n in forms.items() if words[form] <= words[candidate])

        return min(best, key=lambda t: (-support(t), -forms[t], first_seen[t]))

    # output ------------------------------------------------------------------------------
    def tables(self, articles: pd.DataFrame | None, *, metonymy: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        published = {}
        if articles is not None and len(articles):
            published = {str(a): (None if pd.isna(p) else str(p)) for a, p in
                         articles[["article_id", "published"]].itertuples(index=False)}
        entity_rows = []
        # per sorted row, lists rather than dicts: a dict entry per mention cost 20 MB on 10 000 articles
        entity_of_row: list[str | None] = [None] * len(self.order)
        label_of_row: list[str | None] = [None] * len(self.order)
        used_ids: set[str] = set()
        clusters = self._clusters()
        for root, groups in sorted(clusters.items(), key=lambda kv: min(min(g.rows) for g in kv[1])):
            rows = sorted(i for g in groups for i in g.rows)
            label = self._cluster_label(groups)
            is_country = any(g.key[0] == "@country" for g in groups)
            name = None
            forced = next((self.forced[g.gid] for g in groups if g.gid in self.forced), None)
            if forced:
                name, label = forced[0], forced[1] or label
            elif is_country:
                name = country_canonical(self.text_of[rows[0]]) or self._display_name(groups)
                label = "GPE"
            if name is None:
                name = self._display_name(groups)
                if label == "PERSON" and all(len(g.key) == 1 for g in groups) and capital_state(name):
                    label = "GPE"  # a capital the model read as a surname ("Kiev")
            entity_id = "E" + hashlib.sha1(f"{label}|{name}".encode()).hexdigest()[:10]
            if entity_id in used_ids:  # two entities kept apart under one name
                entity_id = "E" + hashlib.sha1(f"{label}|{name}|{self.m['mention_id'].iat[int(self.order[rows[0]])]}".encode()).hexdigest()[:10]
            used_ids.add(entity_id)
            forms = Counter(map(self.text_of.__getitem__, rows))
            aliases = sorted(forms, key=lambda t: (-forms[t], t))
            in_articles = set(map(self.article_of.__getitem__, rows))
            # first and last dates over the entity's articles, not over each of its mentions
            dates = sorted(d for d in map(published.get, in_articles) if d)
            entity_rows.append({
                "entity_id": entity_id, "name": name, "label": label, "aliases": aliases,
                "n_mentions": len(rows), "n_articles": len(in_articles),
                "first_published": dates[0] if dates else None, "last_published": dates[-1] if dates else None,
            })
            for i in rows:
                entity_of_row[i] = entity_id
                label_of_row[i] = label
        if any(label is None for label in label_of_row):  # a row in no entity keeps its own label
            own = self.m["label"].take(self.order).tolist()
            label_of_row = [own[i] if label is None else label for i, label in enumerate(label_of_row)]
        entities = pd.DataFrame(entity_rows, columns=["entity_id", "name", "label", "aliases", "n_mentions",
                                                       "n_articles", "first_published", "last_published"])
        # metonymy: the capital stays a mention of itself; refers_to points at the state
        by_key = {}
        for row in entity_rows:
            by_key.setdefault(name_key(row["name"]), row["entity_id"])
        refers_to_name = self.m["refers_to_name"].take(self.order)
        refers_to: dict[str, str | None] = {}  # per distinct name, not per mention
        refers_to_of_row = [None if not (metonymy and isinstance(s, str) and s) else refers_to[s] if s in refers_to
                            else refers_to.setdefault(s, by_key.get(name_key(s))) for s in refers_to_name]
        del refers_to_name
        self._release()
        # the returned table: one sorted copy of the columns passed through, made only now that the
        # resolver's per-mention lists are gone (the copy and those lists together set this step's peak)
        kept = ["article_id", "start", "end", "text", "mention_id", "spacy_label", "source", "refers_to_name"]
        m = self.m[kept].take(self.order).reset_index(drop=True)
        m["label"] = label_of_row
        m["entity_id"] = entity_of_row
        del label_of_row, entity_of_row
        m["refers_to"] = refers_to_of_row
        if not metonymy:
            m["refers_to_name"] = None
        decided = {s.suggestion_id: s for s in self.table.suggestions}
        suggestions = pd.DataFrame(
            [{"suggestion_id": s.suggestion_id, "name_a": s.names[0], "name_b": s.names[1], "label": s.label,
              "evidence": s.evidence, "applied": s.applied,
              "status": decided[s.suggestion_id].status if s.suggestion_id in decided else s.status}
             for s in self.suggestions],
            columns=["suggestion_id", "name_a", "name_b", "label", "evidence", "applied", "status"])
        columns = ["article_id", "start", "end", "text", "label", "entity_id", "mention_id", "spacy_label", "source",
                   "refers_to", "refers_to_name"]
        return m[columns], entities, suggestions


def _mention_weight(text: str, start: int, end: int, label: str, n_words: int) -> float:
    """How much one mention's label counts in its entity's vote (see the module
    docstring): confident readings weigh more than the model's one-word guesses.

    >>> t = "talks in Portmere; Minister Paul Ambery said; Portmere wanted"
    >>> _mention_weight(t, 9, 17, "GPE", 1), _mention_weight(t, 28, 39, "PERSON", 2), _mention_weight(t, 46, 54, "ORG", 1)
    (3.0, 5.0, 1.0)
    """
    weight = 2.0 if n_words > 1 else 1.0
    if label not in ("GPE", "LOC", "FAC", "PERSON"):
        return weight  # the context only counts for places and persons
    # the word before, if whitespace separates it from the name: the last whitespace-free run of
    # the 40 characters before (as a regex "(\S+)\s+$" finds it, at a third of the cost)
    window = text[max(0, start - 40):start]
    stripped = window.rstrip()
    previous = stripped.split()[-1] if stripped and len(stripped) < len(window) else ""
    if label != "PERSON":
        if previous.lower() in LOCATIVE_PREPOSITIONS:
            weight += 2.0
        return weight
    if is_title_word(previous):
        weight += 2.0
    after = _NEXT_WORD.match(text, end, end + 40)
    if after and after.group(1).lower() in SPEECH_VERBS:
        weight += 1.0
    return weight


_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")


def _form(text: str) -> str:
    return " ".join(name_tokens(text))


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` begins or ends ``full`` (a surname, a given name, or
    the given names of an East Asian name without the family name)."""
    n = len(short)
    return n < len(full) and (full[:n] == short or full[-n:] == short)


def _nearest(candidates: Sequence[_Group], start: int, starts: Sequence[int]) -> _Group | None:
    """The candidate mentioned most recently before ``start``, else the first one after it."""
    before = [(max(starts[i] for i in g.rows if starts[i] < start), g) for g in candidates
              if any(starts[i] < start for i in g.rows)]
    if before:
        return max(before, key=lambda x: x[0])[1]
    after = [(min(starts[i] for i in g.rows), g) for g in candidates]
    return min(after, key=lambda x: x[0])[1] if after else None
