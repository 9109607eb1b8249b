"""The working records of resolution: mentions of one name in one article (a group), groups
joined into entities (union-find), and the small comparisons of names they need."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pandas as pd

from toolkit.sdk import itertuples, values

from .names import name_tokens

__all__ = ["_Group", "_UnionFind", "_ArticleTexts", "_label_class", "_form", "_is_part", "_nearest"]

# Label classes that may share an entity: a place is a place whatever spaCy called it.
_CLASS = {"PERSON": "per", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org", "NORP": "norp"}


def _label_class(label: str) -> str:
    return _CLASS.get(label, label)


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


def _form(text: str) -> str:
    return " ".join(name_tokens(text))


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` begins or ends ``full`` (a surname, a given name, or
    the given names of an East Asian name without the family name)."""
    n = len(short)
    return n < len(full) and (full[:n] == short or full[-n:] == short)


def _nearest(candidates: Sequence[_Group], start: int, starts: Sequence[int]) -> _Group | None:
    """The candidate mentioned most recently before ``start``, else the first one after it."""
    before = [
        (max(starts[i] for i in g.rows if starts[i] < start), g)
        for g in candidates
        if any(starts[i] < start for i in g.rows)
    ]
    if before:
        return max(before, key=lambda x: x[0])[1]
    after = [(min(starts[i] for i in g.rows), g) for g in candidates]
    return min(after, key=lambda x: x[0])[1] if after else None
