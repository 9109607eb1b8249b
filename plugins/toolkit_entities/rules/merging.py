"""The merge rules across articles: which groups of mentions are one entity.

Each rule is a method of the resolver (mixed into :class:`.resolver.Resolver`) and joins groups
through its ``_union``, which refuses what the alias table keeps apart; a rule that only
finds two names alike records a suggestion (``_note``), never a merge.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from toolkit.sdk import word_list

from .groups import _form, _Group, _is_part, _label_class
from .names import (
    BODY_HEADS,
    ROLE_WORDS,
    BodyName,
    acronym_of,
    body_name,
    capital_state,
    country_canonical,
    demonym_of,
    has_abbreviation,
    is_acronym,
    is_title_word,
    looks_like_demonym,
    name_boundaries,
    name_key,
    name_tokens,
    nationality_country,
    singular,
    strip_accents,
    token_key,
    written_as_name,
)

__all__ = ["_Merges"]

# Legal-form words that end a company's name ("Corp.", "Ltd"): lexicon/company_suffixes.txt.
COMPANY_SUFFIXES = word_list("company_suffixes", package="toolkit_entities")


class _CoMentions:
    """Which entities each article names, to choose between candidates by the company they keep."""

    def __init__(self, clusters: dict[int, list[_Group]]) -> None:
        self.roots_of_article: dict[str, set[int]] = defaultdict(set)
        self.articles_of_root: dict[int, set[str]] = defaultdict(set)
        for root, groups in clusters.items():
            for g in groups:
                self.roots_of_article[g.article_id].add(root)
                self.articles_of_root[root].add(g.article_id)

    def around(self, root: int) -> set[int]:
        return {r for a in self.articles_of_root.get(root, ()) for r in self.roots_of_article[a]}

    def best(self, root: int, candidates: Sequence[int]) -> list[int]:
        """The candidate whose articles name the most entities that ``root``'s articles name too,
        when it leads the next by at least two; else none."""
        mine = self.around(root) - {root}
        scores = sorted(((len((self.around(c) - {c}) & mine), c) for c in candidates), reverse=True)
        if scores and scores[0][0] >= 2 and (len(scores) == 1 or scores[0][0] >= scores[1][0] + 2):
            return [scores[0][1]]
        return []


def _contains_name(full: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """Whether the name ``short`` is ``full`` with words left out: in the middle (same first and last
    word), or at one end (a run of words that begins or ends ``full``).

    >>> _contains_name(("dirk", "a", "kempthorne"), ("dirk", "kempthorne"))
    True
    >>> _contains_name(("comedian", "ellen", "marsh"), ("ellen", "marsh"))
    True
    >>> _contains_name(("ana", "berg"), ("tom", "berg")), _contains_name(("ana", "lu", "berg"), ("lu", "ana"))
    (False, False)
    """
    if len(short) < 2 or len(short) >= len(full):
        return False
    if full[: len(short)] == short or full[-len(short) :] == short:
        return True
    if full[0] != short[0] or full[-1] != short[-1]:
        return False
    rest = iter(full[1:-1])
    return all(word in rest for word in short[1:-1])  # the middle words in order


def _heads(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether the name ``short`` is the head of the longer ``full``: its last words, or the words
    before its "of".

    >>> _heads(("academy",), ("academy", "of", "arts")), _heads(("saints",), ("new", "orleans", "saints"))
    (True, True)
    >>> _heads(("academy",), ("academy", "award"))
    False
    """
    n = len(short)
    return n < len(full) and (full[-n:] == short or (full[:n] == short and full[n] == "of"))


def _spelling_slip(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str] | None:
    """The one word two names' keys differ in, when it differs by one letter (added, dropped or
    changed) and has four letters at least; else None.

    >>> _spelling_slip(("dana", "rait"), ("dana", "raite"))
    ('rait', 'raite')
    >>> _spelling_slip(("kim", "jong", "un"), ("kim", "jong", "il"))
    >>> _spelling_slip(("ana", "berg"), ("tom", "berk"))
    """
    from rapidfuzz.distance import Levenshtein

    if len(a) != len(b):
        return None
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    if len(differ) != 1 or min(map(len, differ[0])) < 4 or Levenshtein.distance(*differ[0]) != 1:
        return None
    return differ[0]


class _Merges:
    """The merge rules; run in this order by :meth:`.resolver.Resolver.run`."""

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
        # a club stays apart only from the place it is named after: a person in a line of results
        # ("Ana Berg 2 Tom Orel 1") is the person read elsewhere
        places: set[tuple[str, ...]] = set()
        if self._team_rows:
            rows_of_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
            for g in self._live():
                rows_of_key[g.key].extend(i for i in g.rows if i not in self._team_rows)
            places = {key for key, rows in rows_of_key.items() if _label_class(self._vote(rows)) == "place"}
        for g in self._live():
            if self._countryless_body(g) is not None:
                continue  # "the Foreign Ministry" of one article may be another country's: see _merge_bodies
            if self._lone_person(g):
                continue  # "Bush" of one article may be another Bush: see _merge_lone_names
            # an article that lists the name with scores talks about the club throughout
            team = g.key in places and any(i in self._team_rows for i in g.rows)
            key = g.key
            while len(key) > 1 and key[-1] in COMPANY_SUFFIXES and _label_class(self._vote(g.rows)) == "org":
                key = key[:-1]  # "Vesta Holdings Corp." is "Vesta Holdings", "Vesta.com Inc." is "Vesta"
            if len(key) >= 3 and not key[0].startswith("@"):
                # a long name written with a word in the singular or the plural is one name
                # ("Central Election Commission", "Central Elections Commission")
                key = tuple(map(singular, key))
            slot = (key, "team" if team else "name")
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
                    self._note(
                        self._surface(self.uf.find(groups[0].gid), _form(self.text_of[groups[0].rows[0]])),
                        self.text_of[g.rows[0]],
                        None,
                        "the same letters once hyphens and spaces are removed",
                        applied=True,
                    )

    def _may_be_name_part(self, groups: Sequence[_Group]) -> bool:
        """Whether these mentions could be part of a person's name: a title
        ("Minister"), an office or a nationality adjective ("Sundrian") never is."""
        rows = [i for g in groups for i in g.rows]
        words = {w for text in {self.text_of[i] for i in rows} for w in self._words_of[text]}
        if not words or all(is_title_word(w) or w in ROLE_WORDS for w in words):
            return False
        nationality = sum(self.weights[i] for i in rows if self.labels[i] == "NORP" and self._demonym(self.text_of[i]))
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
        """ "Long Name (ACR)" or "ACR (Long Name)" in a text: the two are one entity."""
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
                gaps[a, b] = text[ends[a] : starts[b]]
        for aid, _, _ in self.article_rows:
            for a, b in close.get(aid, ()):
                if not re.fullmatch(r"\s*\(\s*", gaps.get((a, b), "")):
                    continue
                first, second = self.text_of[a], self.text_of[b]
                pair_ok = (is_acronym(second) and acronym_of(first, second)) or (
                    is_acronym(first) and acronym_of(second, first)
                )
                if pair_ok and self._union(self.group_of[a], self.group_of[b]):
                    self._note(
                        first, second, self.labels[a], "written as a name and its acronym in parentheses", applied=True
                    )

    def _merge_nationality_openers(self) -> None:
        """A person's full name the model ran a nationality adjective into ("Velmish Ana Berg", often
        read as an organisation) joins that person, when the corpus names exactly one person so
        without the adjective."""
        persons: dict[tuple[str, ...], list[int]] = defaultdict(list)
        openers = []
        for g in self._live():
            if g.key[0].startswith("@") or len(g.key) < 2:
                continue
            if len(g.key) >= 3 and nationality_country(self._words_of[self.text_of[g.rows[0]]][0]):
                openers.append(g)
            elif self._vote(g.rows) == "PERSON":
                persons[g.key].append(g.gid)
        for g in openers:
            roots = {self.uf.find(gid) for gid in persons.get(g.key[1:], ())}
            if len(roots) == 1 and self._union(roots.pop(), g.gid):
                self._note(
                    self.text_of[self.groups[persons[g.key[1:]][0]].rows[0]],
                    self.text_of[g.rows[0]],
                    "PERSON",
                    "the same person's name after a nationality adjective",
                    applied=True,
                )

    def _merge_name_parts(self) -> None:
        """A person's name written with fewer words joins the one fuller name in the corpus that
        contains it: middle names, initials or a nickname left out ("Dirk Kempthorne", "Dirk A.
        Kempthorne"; "Vincent Gigante", "Vincent 'The Chin' Gigante"), or words before or after it
        ("Ellen Marsh" in "Comedian Ellen Marsh", "Ana Berg" in "Ana Berg Jr"). The shorter name must
        keep the fuller one's first or last word; among several fuller names, the one named in
        articles about the same things, as for a lone surname; else it stays apart."""
        clusters = self._clusters()
        persons = {
            root: {g.key for g in gs if len(g.key) > 1 and not g.key[0].startswith("@")}
            for root, gs in clusters.items()
            if self._cluster_label(gs) == "PERSON"
        }
        persons = {root: keys for root, keys in persons.items() if keys}
        by_first: dict[str, set[int]] = defaultdict(set)
        by_last: dict[str, set[int]] = defaultdict(set)
        for root, keys in persons.items():
            for key in keys:
                by_first[key[0]].add(root)
                by_last[key[-1]].add(root)
        context = _CoMentions(clusters)
        # longest names first: "Ana Maria Berg" joins "Ana Maria Lu Berg" before "Ana Berg" looks, so
        # that it sees one fuller name there, not two
        for root in sorted(persons, key=lambda r: (-max(len(k) for k in persons[r]), r)):
            key = max(persons[root], key=len)
            candidates = sorted(
                {
                    self.uf.find(other)
                    for other in by_first.get(key[0], set()) | by_last.get(key[-1], set())
                    if any(_contains_name(full, key) for full in persons[other])
                }
                - {self.uf.find(root)}
            )
            if len(candidates) > 1:
                candidates = context.best(root, candidates)
            if len(candidates) != 1:
                continue
            if self._union(candidates[0], root):
                short = self.text_of[clusters[root][0].rows[0]]
                long_name = self._display_name(clusters.get(candidates[0], []) or clusters[root])
                self._note(
                    short,
                    long_name,
                    "PERSON",
                    f"'{short}' is '{long_name}' with fewer words, the only such fuller name in the corpus "
                    "or the one named in articles about the same things",
                    applied=True,
                )

    def _lone_person(self, g: _Group) -> bool:
        """A one-word person name ("Bush"): which full name it is, is decided article by article."""
        return len(g.key) == 1 and not g.key[0].startswith("@") and self._vote(g.rows) == "PERSON"

    def _merge_lone_names(self) -> None:
        """A name seen only in part in an article ("Putin") joins the full name in the corpus that
        begins or ends with it: the only one, else the one whose articles share the most other names
        with its own (a corpus often has several Bushes; the story around tells them apart). A lone
        organisation word ("Saints") joins an organisation's full name ("New Orleans Saints") the
        same way, and a multi-word one ("Red Sox") a full name that is it after a place the corpus
        names ("Boston Red Sox") or before a second body word ("Velm Police" + "Department"). A word
        read as a place or a nationality joins a person only in articles about the same things. With
        no clear choice it stays alone."""
        clusters = self._clusters()
        place_keys = {g.key for g in self._live() if _label_class(self._vote(g.rows)) == "place"}
        full = {
            root: gs
            for root, gs in clusters.items()
            if self._cluster_label(gs) in ("PERSON", "ORG")
            # a full name, though its acronym may have joined it already ("Velm Micro Devices (VMD)")
            and max((len(g.key) for g in gs if not g.key[0].startswith("@")), default=0) > 1
            and not any(g.key[0] == "@country" for g in gs)
        }
        full_label = {root: self._cluster_label(gs) for root, gs in full.items()}
        order = {root: k for k, root in enumerate(full)}
        by_end: dict[str, set[int]] = defaultdict(set)
        for r, gs in full.items():
            for g in gs:
                if not g.key[0].startswith("@"):
                    by_end[g.key[0]].add(r)
                    by_end[g.key[-1]].add(r)
        context = _CoMentions(clusters)
        for root, groups in list(clusters.items()):
            label = self._cluster_label(groups)
            if label not in ("PERSON", "ORG", "NORP", "GPE") or (root in full and label != "ORG"):
                continue  # a full person name is no part of another; an organisation's may be ("Red Sox")
            key = max((g.key for g in groups), key=len)
            if key[0].startswith("@") or not self._may_be_name_part(groups):
                continue  # countries, acronyms, titles and nationality words are not partial person names
            if label not in ("PERSON", "ORG") and len(key) > 1:
                continue
            # an organisation word joins organisations only ("Saints"), a person word persons only,
            # unless the model read a surname as an organisation ("Morozova"): then persons too
            wanted = ("PERSON", "ORG") if label == "ORG" else ("PERSON",)
            if label == "ORG" and len(key) == 1 and key[0] in BODY_HEADS:
                continue  # "the Police", "the Ministry": a kind of body, not a name
            # through the index of first and last words: comparing with every full name was quadratic
            near = by_end.get(key[0], set()) | by_end.get(key[-1], set())
            if label == "ORG" and len(key) > 1:
                # a multi-word organisation is no partial person name: only its place may be left out, or
                # a second body word after its own ("Velm Police" of the "Velm Police Department")
                candidates = [
                    r
                    for r in sorted(near, key=order.__getitem__)
                    if full_label[r] == "ORG"
                    and r != root
                    and any(
                        (g.key[-len(key) :] == key and g.key[: -len(key)] in place_keys)
                        or (g.key[:-1] == key and key[-1] in BODY_HEADS and g.key[-1] in BODY_HEADS)
                        for g in full[r]
                    )
                ]
            else:
                candidates = [
                    r
                    for r in sorted(near, key=order.__getitem__)
                    if full_label[r] in wanted and any(len(g.key) > len(key) and _is_part(key, g.key) for g in full[r])
                ]
            if label == "ORG" and any(full_label[r] == "ORG" for r in candidates):
                candidates = [r for r in candidates if full_label[r] == "ORG"]
            if label == "ORG" and len(candidates) > 1:
                # "the Guild" is the "Guild of Harbour Pilots", not the "Guild Medals": of several
                # full names, the one the word heads (ends it, or comes before its "of")
                headed = [r for r in candidates if any(_heads(key, g.key) for g in full[r])]
                candidates = headed if len(headed) == 1 else candidates
            # a word the corpus reads as a place ("Brenlo", the town) is a person's surname ("Ilse
            # Brenlo") only where the story says so: its articles must name the person's company too
            if len(candidates) > 1 or (label in ("GPE", "NORP") and candidates):
                candidates = context.best(root, candidates)
            if len(candidates) != 1:
                continue
            target = candidates[0]
            if self._union(target, root):
                short = self.text_of[groups[0].rows[0]]
                long_name = self._display_name(full[target])
                self._note(
                    short,
                    long_name,
                    full_label[target],
                    f"'{short}' is part of only one full name in the corpus ({long_name}), "
                    "or of the one named in articles about the same things",
                    applied=True,
                )

        # one-word person names no article settled: with the rest of their spelling, as any name; and
        # where every settled one went to the same full name, there too. Where none settled and no
        # person's full name in the corpus holds the word, the model's "person" is the same name the
        # corpus reads as a place or an organisation elsewhere ("Velmar" a person in one article, a
        # town or a company in three): one name, one entity, as _merge_same_key has it for any other
        settled: dict[tuple[str, ...], set[int]] = defaultdict(set)
        open_groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
        after = self._clusters()
        one_word: list[_Group] = []  # the other one-word names, in order: what an open person may join
        for g in self._live():
            if self._lone_person(g):
                root = self.uf.find(g.gid)
                if len(after[root]) == 1:
                    open_groups[g.key].append(g.gid)
                else:
                    settled[g.key].add(root)
            elif len(g.key) == 1 and not g.key[0].startswith("@"):
                one_word.append(g)
        # the first cluster not read as a person for each open key; a cluster's label is asked once
        # (asked of every one-word name, it was half of the entities step on 840 articles)
        read_otherwise: dict[tuple[str, ...], int] = {}
        labels: dict[int, str] = {}
        for g in one_word:
            if g.key not in open_groups or g.key in read_otherwise:
                continue
            root = self.uf.find(g.gid)
            if root not in labels:
                labels[root] = self._cluster_label(after[root])
            if labels[root] != "PERSON":
                read_otherwise[g.key] = root
        person_words = {w for root, gs in full.items() if full_label[root] == "PERSON" for g in gs for w in g.key}
        for key, gids in open_groups.items():
            targets = {self.uf.find(r) for r in settled.get(key, ())}
            first = next(iter(targets)) if len(targets) == 1 else gids[0]
            if not targets and key in read_otherwise and key[0] not in person_words:
                first = read_otherwise[key]
            for gid in gids:
                self._union(first, gid)

    def _merge_acronyms(self) -> None:
        """An acronym joins the one multi-word name in the corpus whose initials
        it is, when both are read as the same kind of thing ("UN" and "United
        Nations", "TVH" and "[The] Velm Herald") and are named in one article or in articles
        about the same things; otherwise it only becomes a suggestion."""
        clusters = self._clusters()
        names: dict[int, str] = {}
        index: dict[str, list[int]] = defaultdict(list)
        for other, gs in clusters.items():
            if any(g.key[0].startswith("@") for g in gs) or max(len(g.key) for g in gs) < 2:
                continue
            names[other] = self._display_name(gs)
            index[names[other][:1].upper()].append(other)
        # the capitals a name could spell: acronym_of matches each letter of an acronym with a word's initial or a
        # capital inside a word, so a name lacking one of the acronym's letters is skipped without the full test
        # (68 000 tests were a fifth of this step on 840 articles)
        spells = {other: frozenset(strip_accents(name).upper()) for other, name in names.items()}
        context = _CoMentions(clusters)
        for root, groups in list(clusters.items()):
            acronym = next((g.key[1] for g in groups if g.key[0] == "@acronym"), None)
            if acronym is None or any(g.key[0] == "@country" for g in groups):
                continue
            short = self.text_of[groups[0].rows[0]]
            cls = _label_class(self._cluster_label(groups))
            letters = frozenset(c for c in acronym.upper() if "A" <= c <= "Z")
            candidates = []
            # names by their first letter; after a "T", also those the "The" of the initials stands before
            after_the = index.get(acronym[1:2], []) if acronym[:1] == "T" and acronym[1:2] != "T" else []
            # a name spelling "THR" without its "The" needs no "T" of its own
            needed = letters - {"T"} if acronym[:1] == "T" else letters
            for other in [*index.get(acronym[:1], ()), *after_the]:
                if other == root or not needed <= spells[other]:
                    continue
                name = names[other]
                if not written_as_name(name):
                    continue  # "pension fund" is no name to spell "PF"
                # a name whose "The" the mentions leave out may keep it in its initials ("THR")
                if acronym_of(name, acronym) or (acronym[:1] == "T" and acronym_of(f"The {name}", acronym)):
                    candidates.append((other, name, _label_class(self._cluster_label(clusters[other])) == cls))
            if len(candidates) > 1:
                # several names with these initials: the ones spelt out in full ("Velmar Nations", not
                # "V.K. Navy" for "VN"), then the one named in articles about the same things
                candidates = [c for c in candidates if not has_abbreviation(c[1])] or candidates
            if len(candidates) > 1:
                chosen = context.best(root, [c[0] for c in candidates if c[2]])
                candidates = [c for c in candidates if c[0] in chosen] or candidates
            # named in one article, or in articles about the same things: a "KRT" of one story is no
            # "Kestrel River Trust" of another
            together = len(candidates) == 1 and bool(
                context.articles_of_root[root] & context.articles_of_root[candidates[0][0]]
                or context.best(root, [candidates[0][0]])
            )
            if together and candidates[0][2] and self._union(candidates[0][0], root):
                self._note(
                    short,
                    candidates[0][1],
                    self._cluster_label(groups),
                    f"'{short}' is made of the initials of '{candidates[0][1]}', the only such name",
                    applied=True,
                )
            else:
                for _, name, _ in candidates:
                    self._note(short, name, None, f"'{short}' is made of the initials of '{name}'", applied=False)

    def _body(self, g: _Group) -> BodyName | None:
        """The government body a group names (see :func:`.names.body_name`), for organisations only."""
        if g.key[0].startswith("@") or _label_class(self._vote(g.rows)) != "org":
            return None
        return body_name(self.text_of[g.rows[0]])

    def _countryless_body(self, g: _Group) -> BodyName | None:
        body = self._body(g)
        return body if body is not None and body.country is None else None

    def _article_countries(self) -> dict[str, Counter]:
        """Per article, the countries its names point at: the country, its capital, its adjective."""
        found: dict[str, Counter] = defaultdict(Counter)
        for g in self._live():
            if g.key[0] == "@country":
                country = country_canonical(self.text_of[g.rows[0]])
            else:
                text = self.text_of[g.rows[0]]
                country = capital_state(text) or nationality_country(text)
                if country is None and (body := self._body(g)) is not None:
                    country = body.country
            if country:
                found[g.article_id][country] += len(g.rows)
        return found

    def _merge_bodies(self) -> None:
        """A government body is one entity however it is written ("Russian Ministry of Foreign
        Affairs", "Russia's Foreign Ministry"), apart from its country and from the same body of
        another country. Named without its country ("the Foreign Ministry"), it joins the body of
        the country its article makes clear: the one whose full name the article uses, else the one
        country among the article's countries that has that body in the corpus. Otherwise it stays
        with the same words elsewhere, as any name does."""
        full: dict[BodyName, int] = {}
        by_kind: dict[tuple[str, frozenset[str]], set[str]] = defaultdict(set)
        short: list[tuple[_Group, BodyName]] = []
        for g in self._live():
            body = self._body(g)
            if body is None:
                continue
            if body.country is None:
                short.append((g, body))
                continue
            by_kind[body.kind].add(body.country)
            if body in full:
                if (
                    self._union(full[body], g.gid)
                    and self.text_of[g.rows[0]] != self.text_of[self.groups[full[body]].rows[0]]
                ):
                    self._note(
                        self.text_of[self.groups[full[body]].rows[0]],
                        self.text_of[g.rows[0]],
                        "ORG",
                        "the same government body of the same country, written two ways",
                        applied=True,
                    )
            else:
                full[body] = g.gid
        if not short:
            return
        countries = self._article_countries()
        # the body of no clear country, by its words in any order and number ("Election Commission",
        # "Commission of Elections"): one entity, as one name is
        unresolved: dict[tuple[str, frozenset[str]], int] = {}
        for g, body in short:
            in_article = countries.get(g.article_id, Counter())
            candidates = [c for c in sorted(by_kind.get(body.kind, ())) if c in in_article]
            if len(candidates) > 1:
                # the body of the country the article names most, if it clearly leads
                ranked = sorted(candidates, key=lambda c: -in_article[c])
                if in_article[ranked[0]] >= 2 * in_article[ranked[1]]:
                    candidates = ranked[:1]
            if len(candidates) == 1:
                target = full[BodyName((candidates[0], *body.kind))]
                if self._union(target, g.gid):
                    self._note(
                        self.text_of[self.groups[target].rows[0]],
                        self.text_of[g.rows[0]],
                        "ORG",
                        f"the body named without its country, in an article about {candidates[0]}",
                        applied=True,
                    )
                continue
            if body.kind in unresolved:
                self._union(unresolved[body.kind], g.gid)
            else:
                unresolved[body.kind] = g.gid

    def _propose_similar(self) -> None:
        """Person names that look alike but differ in a word: a suggestion, and a merge only for a
        spelling slip in the story itself. "Dana Rait" and "Dana Raite" (one word one letter apart,
        the other words the same) in articles that never use both full names and that name at least two
        other entities in common are one person misspelt: news spells an unfamiliar name two ways from one
        outlet to the next. Two such names in one article, or in unrelated stories, stay apart."""
        from rapidfuzz import fuzz

        clusters = self._clusters()
        context = _CoMentions(clusters)
        articles_of_key: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for g in self._live():
            articles_of_key[g.key].add(g.article_id)
        persons = [
            (root, self._display_name(gs), max((g.key for g in gs), key=len))
            for root, gs in clusters.items()
            if self._cluster_label(gs) == "PERSON"
        ]
        persons = [p for p in persons if len(p[2]) > 1]
        full_keys = {root: {g.key for g in clusters[root] if len(g.key) > 1} for root, _, _ in persons}
        # blocking: only names sharing a word's first three letters are compared (names
        # that share no such prefix are neither 80 % alike nor share two words)
        blocks: dict[str, list[int]] = defaultdict(list)
        for k, (_, _, key) in enumerate(persons):
            for prefix in sorted({w[:3] for w in key}):
                blocks[prefix].append(k)
        pairs = sorted({(a, b) for ks in blocks.values() for x, a in enumerate(ks) for b in ks[x + 1 :]})
        for i, j in pairs:
            (root_a, name_a, key_a), (root_b, name_b, key_b) = persons[i], persons[j]
            slip = next(
                (
                    found
                    for a in full_keys[root_a]
                    for b in full_keys[root_b]
                    if (found := _spelling_slip(a, b)) and not articles_of_key[a] & articles_of_key[b]
                ),
                None,
            )
            if slip and context.best(root_a, [root_b]) and self._union(root_a, root_b):
                self._note(
                    name_a,
                    name_b,
                    "PERSON",
                    f"the same name spelt with one letter changed ({slip[0]} / {slip[1]}) in articles "
                    "about the same things, never both in one article",
                    applied=True,
                )
                continue
            score = fuzz.ratio(" ".join(key_a), " ".join(key_b))
            shared = len(set(key_a) & set(key_b))
            if score < 80 and shared < 2:
                continue
            differ = [
                f"{x} ≠ {y}" for x, y in zip(name_tokens(name_a), name_tokens(name_b)) if token_key(x) != token_key(y)
            ]
            evidence = (
                f"similar names (similarity {score:.0f}/100, {shared} shared words) kept apart because "
                f"their words differ: {', '.join(differ) or 'different length'}"
            )
            self._note(name_a, name_b, "PERSON", evidence, applied=False)
