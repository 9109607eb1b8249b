"""Resolution's working state: mentions as plain per-row lists, groups within each article, and
the union of groups into entities, which the merge rules (:mod:`.merging`) call.

Memory matters here: on a big corpus the per-mention lists are most of this step's memory, so
each holds one object per distinct value, and they are released once the entities are decided.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from toolkit.sdk import values

from .aliases import AliasTable, Suggestion, suggestion_id
from .context import mention_weight
from .groups import _ArticleTexts, _form, _Group, _is_part, _nearest, _UnionFind
from .merging import _Merges
from .names import capital_state, name_key, name_tokens
from .output import _Output

__all__ = ["Resolver"]


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


class Resolver(_Merges, _Output):
    """Mentions resolved to entities: the working state, the links within an article and the
    union of groups (the merges across articles are in :mod:`.merging`, the tables in :mod:`.output`).
    """

    def __init__(
        self,
        mentions: pd.DataFrame,
        order: Any,
        table: AliasTable,
        *,
        articles: pd.DataFrame | None,
        outlets: Iterable[tuple[str, ...]] = (),
    ) -> None:
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
        self.article_rows = (
            [(self.article_of[lo], lo, hi) for lo, hi in zip(boundaries, boundaries[1:] + [len(order)])]
            if len(order)
            else []
        )
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
        self.weights = _shared(
            (weight + (2.0 if sources[i] == "team" else 0.0) for i, weight in enumerate(self._weights())), same
        )
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
                weights[i] = mention_weight(
                    text, self.start_of[i], self.end_of[i], self.labels[i], len(self._words_of[self.text_of[i]])
                )
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
        self._merge_nationality_openers()
        self._merge_name_parts()
        self._merge_lone_names()
        self._merge_acronyms()
        self._merge_bodies()
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
        persons = [
            g
            for g in by_key.values()
            if len(g.key) > 1 and not g.key[0].startswith("@") and self._group_label(g) == "PERSON"
        ]
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
                self._note(
                    self._surface(ra, a_name),
                    self._surface(rb, b_name),
                    None,
                    "the same name after generic romanisation rules (vowels, -y/-i endings, ng/n, hyphens and spacing)",
                    applied=True,
                )
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

    def _release(self) -> None:
        """Drop the per-mention lists and groups once the entities are decided (suggestions stay)."""
        for name in (
            "text_of",
            "start_of",
            "end_of",
            "article_of",
            "labels",
            "weights",
            "group_of",
            "groups",
            "members",
            "forms",
            "surfaces",
            "article_rows",
        ):
            setattr(self, name, None)

    def _note(self, a: str, b: str, label: str | None, evidence: str, *, applied: bool) -> None:
        sid = suggestion_id(a, b)
        if a.casefold() == b.casefold() or sid in self._suggestion_ids:
            return
        self._suggestion_ids.add(sid)
        self.suggestions.append(
            Suggestion(suggestion_id=sid, names=(a, b), label=label, evidence=evidence, applied=applied)
        )

    def _display_name(self, groups: Sequence[_Group]) -> str:
        forms: dict[str, int] = {}  # in order of first mention, as a Counter's keys are
        first_seen: dict[str, tuple[str, int]] = {}
        text_of, start_of = self.text_of, self.start_of
        for g in groups:
            for i in g.rows:
                text = text_of[i]
                if text in forms:
                    forms[text] += 1
                else:
                    forms[text] = 1
                    first_seen[text] = (g.article_id, start_of[i])
        # each spelling's words from the per-text cache (name_tokens three times per spelling per call was
        # most of this method, called for every entity and again by the merges)
        words_of = self._words_of
        longest = max(len(words_of[t]) for t in forms)
        best = [t for t in forms if len(words_of[t]) == longest]
        if len(best) == 1:
            return best[0]  # the only candidate: min() below would pick it whatever the support
        words = {t: {w.casefold() for w in words_of[t]} for t in forms}

        def support(candidate: str) -> int:
            # every mention whose words all appear in this spelling backs it: a surname-only "Ri"
            # backs "Ri Son Gwon" over a transliteration variant used as often
            return sum(n for form, n in forms.items() if words[form] <= words[candidate])

        return min(best, key=lambda t: (-support(t), -forms[t], first_seen[t]))
