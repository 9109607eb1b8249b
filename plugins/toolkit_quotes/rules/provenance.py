"""Quote provenance: the same quotation, or nearly the same, found in several articles.

Outlets copy each other: a wire story is syndicated word for word, and another
outlet relays a quote "according to" an agency, often trimmed or with a word
changed. :func:`link_quotes` gives every quote seen in two or more articles one
``provenance_id``; which article came first is read later from the articles'
``published`` dates (the derived table ``quote_provenance``), so a corrected
date never needs a re-run.

Two quotes are the same quotation when their normalised texts (case, quote
marks, punctuation and spacing ignored) have a rapidfuzz ``ratio`` of at least
``similarity``, or when the shorter one is nearly all inside the longer one
(``partial_ratio`` of at least ``containment``: a relay that trims a quote). Both must have ``min_words``
words: short generic quotes ("we will not comment") are said by many people and
link nothing. Only pairs that share a run of ``shingle`` words are compared, so
the work grows with the number of quotes, not with its square.

>>> ids = link_quotes(
...     ["q1", "q2", "q3"],
...     ["a", "b", "c"],
...     ['"The convoy will cross the river at dawn, whatever the weather."',
...      "the convoy will cross the river at dawn whatever the weather",
...      "We will not comment."],
... )
>>> ids[0] == ids[1] is not None, ids[2]
(True, None)
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import orjson

from toolkit.sdk import StepMemo, stable_id

__all__ = ["ProvenanceOptions", "link_quotes", "normalise_quote"]

_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True, kw_only=True)
class ProvenanceOptions:
    """How alike two quotes must be to be linked.

    ``min_words``: words a quote needs to be linked at all; ``similarity``:
    the rapidfuzz score (0-100) two normalised quotes need; ``min_share``: how
    much of the longer quote the shorter must be for a trimmed relay to count
    (a five-word excerpt of a long speech is not the same quotation);
    ``shingle``: words in a run two quotes must share to be compared;
    ``probes``: how many of a quote's rarest shared runs propose partners;
    ``max_postings``: a run of words found in more quotes than this is a stock
    phrase and proposes no pairs.
    """

    min_words: int = 8
    similarity: float = 90.0
    containment: float = 96.0
    min_share: float = 0.6
    shingle: int = 4
    probes: int = 4
    max_postings: int = 500


def normalise_quote(text: object) -> str:
    """The quote's words, lower case, separated by single spaces: what two copies of it share.

    >>> normalise_quote("  “It Was,” he said — ‘a mistake’. ")
    'it was he said a mistake'
    """
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


def link_quotes(
    quote_ids: Sequence[str],
    article_ids: Sequence[str],
    contents: Sequence[object],
    *,
    options: ProvenanceOptions | None = None,
    memo: StepMemo | None = None,
) -> list[str | None]:
    """Per quote, the id of the quotation it shares with another article; ``None`` when it has no copy.

    A group that stays inside one article (a quote repeated in its own article)
    is no provenance and gets ``None``. Ids are stable: a hash of the group's
    smallest quote id. With ``memo`` (the step's), the comparisons of the last run are
    read back (see :class:`_Verdicts`).
    """
    opts = options or ProvenanceOptions()
    texts = [normalise_quote(c) for c in contents]
    # one entry per distinct long enough text: syndicated copies are mostly identical, compared once
    unique: dict[str, int] = {}
    owner: list[int | None] = []
    for text in texts:
        if len(text.split()) < opts.min_words:
            owner.append(None)
            continue
        owner.append(unique.setdefault(text, len(unique)))
    distinct = list(unique)
    parent = list(range(len(distinct)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    verdicts = _Verdicts(memo, distinct, opts)
    for i, j in _candidate_pairs(distinct, opts):
        if find(i) != find(j) and verdicts.same(i, j):
            parent[find(i)] = find(j)
    verdicts.save()

    members: dict[int, list[int]] = {}
    for row, text_index in enumerate(owner):
        if text_index is not None:
            members.setdefault(find(text_index), []).append(row)
    found: list[str | None] = [None] * len(texts)
    for rows in members.values():
        if len({article_ids[r] for r in rows}) < 2:
            continue
        group_id = stable_id(min(str(quote_ids[r]) for r in rows), prefix="qp-", length=12)
        for r in rows:
            found[r] = group_id
    return found


def _candidate_pairs(texts: list[str], opts: ProvenanceOptions) -> Iterator[tuple[int, int]]:
    """Pairs of texts that share a run of ``opts.shingle`` words (an inverted index, never all pairs).

    Each text proposes partners through its ``opts.probes`` rarest shared runs
    only: a copy shares nearly all its runs, the rarest included, while a run
    common to hundreds of quotes ("said in a statement that") would propose
    hundreds of pairs that are no copies. Pairs too unequal in length to pass
    :func:`_same_quotation` are not proposed.
    """
    postings: dict[tuple[str, ...], list[int]] = {}
    runs_of: list[set[tuple[str, ...]]] = []
    for index, text in enumerate(texts):
        words = text.split()
        runs = {tuple(words[k : k + opts.shingle]) for k in range(max(1, len(words) - opts.shingle + 1))}
        runs_of.append(runs)
        for run in runs:
            postings.setdefault(run, []).append(index)
    lengths = [len(text) for text in texts]
    # the runs that can propose a pair, in one set: each text's shared runs are then one C-level set
    # intersection, not a look-up of every run of every text (most runs are in one text only)
    proposing = {run for run, found in postings.items() if 2 <= len(found) <= opts.max_postings}
    for index, runs in enumerate(runs_of):
        shared = sorted(runs.intersection(proposing), key=lambda r: (len(postings[r]), r))
        for run in shared[: opts.probes]:
            for other in postings[run]:
                if other > index and min(lengths[index], lengths[other]) >= opts.min_share * max(
                    lengths[index], lengths[other]
                ):
                    yield index, other


class _Verdicts:
    """:func:`_same_quotation` of pairs of texts, read back from the step memo when the last run compared them.

    Comparing the candidate pairs was half of the quotes step (10 000 pairs for 840 articles), and a
    run that adds a few articles compares nearly all the same pairs again. The verdicts live in one
    memo entry, by the digests of the two texts in the order compared; each run writes the verdicts
    it used, so the entry does not grow with pairs long gone.
    """

    def __init__(self, memo: StepMemo | None, texts: Sequence[str], opts: ProvenanceOptions) -> None:
        self.memo, self.texts, self.opts = memo, texts, opts
        self.key = StepMemo.key("quote provenance verdicts", repr(opts))
        self.known: dict[str, bool] = {}
        self.used: dict[str, bool] = {}
        self.digests: dict[int, str] = {}
        stored = memo.get(self.key) if memo is not None else None
        if stored is not None:
            with contextlib.suppress(ValueError):
                known = orjson.loads(stored)
                if isinstance(known, dict):
                    self.known = known

    def same(self, i: int, j: int) -> bool:
        if self.memo is None:
            return _same_quotation(self.texts[i], self.texts[j], self.opts)
        pair = self._digest(i) + self._digest(j)
        verdict = self.known.get(pair)
        if not isinstance(verdict, bool):
            verdict = _same_quotation(self.texts[i], self.texts[j], self.opts)
        self.used[pair] = verdict
        return verdict

    def save(self) -> None:
        if self.memo is not None:
            self.memo.put(self.key, orjson.dumps(self.used))

    def _digest(self, index: int) -> str:
        digest = self.digests.get(index)
        if digest is None:
            digest = self.digests[index] = StepMemo.key(self.texts[index])[:24]
        return digest


def _same_quotation(left: str, right: str, opts: ProvenanceOptions) -> bool:
    from rapidfuzz import fuzz

    # with score_cutoff rapidfuzz returns 0 for a score below it and stops an alignment as soon as it
    # cannot reach it: the same verdicts (tests/toolkit_quotes pin them to the scores without it), in less time
    if fuzz.ratio(left, right, score_cutoff=opts.similarity) >= opts.similarity:
        return True
    shorter, longer = sorted((left, right), key=len)
    # a relay that trims the quote: most of the longer one, nearly word for word
    return (
        len(shorter) >= opts.min_share * len(longer)
        and fuzz.partial_ratio(shorter, longer, score_cutoff=opts.containment) >= opts.containment
    )
