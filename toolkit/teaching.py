"""Self-checks for the teaching exercises: compare a learner's answer with the toolkit's and say what differs.

The toolkit is not the answer key: where the two disagree, the feedback says
so in both directions ("the toolkit also lists …", "you listed … which the
toolkit does not"), because finding where the toolkit is wrong is part of the
lesson.

>>> score = score_spans([(0, 10)], [(2, 10), (20, 30)])
>>> (score.precision, score.recall)
(1.0, 0.5)
>>> timex_range("2024-W03")
(datetime.date(2024, 1, 15), datetime.date(2024, 1, 21))
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import html as h
from .registry import derived_table
from .sdk import itertuples, timex_range

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = [
    "Comparison",
    "Feedback",
    "SpanScore",
    "score_spans",
    "match_names",
    "timex_range",
    "check_quoted",
    "check_claim",
    "check_dates",
    "quoted_and_mentioned",
    "toolkit_spans",
    "view_or_note",
]

# Which groups are contested, and which side each claim takes, is the claims plugin's answer (the "side"
# column of its contested_claims table: "for", "against" or none), not the exercises'.
# Derived tables the standard plugins declare (``Plugin.derived``); the exercises read them, not plugin tables.
SPEAKERS = "quote_speakers"  # one row per quote: article_id, the speaker (entity_id, name), start, end (its content)
CONTESTED = "contested_claims"  # the claims of the groups the claims plugin finds contested


# ---------------------------------------------------------------------------
# feedback records
@dataclass(frozen=True, kw_only=True)
class Comparison:
    """One question's answer against the toolkit's.

    ``matched`` pairs (your answer, the toolkit's); ``missing`` is what only the
    toolkit has; ``extra`` what only you have; ``different`` holds
    (item, your value, the toolkit's value) where both answered but disagree.
    """

    question: str
    matched: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    different: tuple[tuple[str, str, str], ...] = ()
    close: tuple[tuple[str, str, str], ...] = ()  # overlapping but not equal (dates)
    # why an item of ``extra`` is not the toolkit's (not a person, not in these articles …), where known
    reasons: tuple[tuple[str, str], ...] = ()
    total: int | None = None  # how many the toolkit has (default: matched + missing)

    @property
    def agrees(self) -> bool:
        return not (self.missing or self.extra or self.different or self.close)

    def lines(self) -> list[str]:
        total = self.total if self.total is not None else len(self.matched) + len(self.missing)
        out = [f"{self.question}: you agree with the toolkit on {len(self.matched)} of {total}."]
        out += [f"  - the toolkit also lists {item}" for item in self.missing]
        reasons = dict(self.reasons)
        for item in self.extra:
            if item in reasons:
                out.append(f"  ✗ {item}: {reasons[item]}")
            else:
                out.append(f"  + you listed {item}, which the toolkit does not: did it miss it, or did you?")
        for item, yours, theirs in self.different:
            out.append(f"  ≠ {item}: you said {yours}, the toolkit says {theirs}")
        for item, yours, theirs in self.close:
            out.append(f"  ≈ {item}: you said {yours}, the toolkit says {theirs} (they overlap)")
        return out


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """What a self-check cell shows: one comparison per question, plus notes."""

    title: str
    comparisons: tuple[Comparison, ...] = ()
    notes: tuple[str, ...] = ()
    checkable: bool = True  # False: the toolkit has no answer (a plugin is not installed)
    pending: bool = False  # True: nothing answered yet, so nothing is compared (and nothing given away)

    @property
    def agrees(self) -> bool:
        return self.checkable and not self.pending and all(c.agrees for c in self.comparisons)

    @property
    def message(self) -> str:
        if not self.checkable:
            head = "The toolkit cannot check this answer."
        elif self.pending:
            head = "Your answer and the toolkit's: nothing to compare yet."
        elif self.agrees:
            head = "Your answer and the toolkit's agree."
        else:
            head = "Your answer and the toolkit's differ — look at each difference in the article."
        lines = [f"{self.title}: {head}"]
        for comparison in self.comparisons:
            lines += comparison.lines()
        lines += list(self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        verdict = (
            "agree"
            if self.agrees
            else "cannot check"
            if not self.checkable
            else "waiting for your answer"
            if self.pending
            else "differ"
        )
        return h.section(f"{self.title} — {verdict}", f"<pre>{h.escape(self.message)}</pre>")


# ---------------------------------------------------------------------------
# names
def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def match_names(
    answers: Iterable[str], truth: Mapping[str, Sequence[str]], *, threshold: float = 85.0
) -> tuple[dict[str, str], list[str], list[str]]:
    """Pair each answered name with a canonical name (by alias, surname or spelling), one to one.

    ``truth`` maps canonical names to their aliases. Returns (answer -> canonical,
    unmatched answers, canonical names nobody answered).

    >>> match_names(["lavrova", "Smith"], {"Anna Lavrova": ["Lavrova"], "Bo Chen": []})
    ({'lavrova': 'Anna Lavrova'}, ['Smith'], ['Bo Chen'])
    """
    from rapidfuzz import fuzz

    forms = {canon: {_norm(canon), *(_norm(a) for a in aliases if a)} for canon, aliases in truth.items()}
    candidates: list[tuple[float, int, str, str]] = []
    answer_list = [a for a in dict.fromkeys(str(a).strip() for a in answers) if a]
    for order, answer in enumerate(answer_list):
        key = _norm(answer)
        for canon, names in forms.items():
            if key in names:
                score = 100.0
            elif any(key == n.split()[-1] for n in names if n):  # a surname alone
                score = 95.0
            else:
                score = max((fuzz.token_sort_ratio(key, n) for n in names if n), default=0.0)
            if score >= threshold:
                candidates.append((score, -order, answer, canon))
    paired: dict[str, str] = {}
    for _score, _order, answer, canon in sorted(candidates, reverse=True):
        if answer not in paired and canon not in paired.values():
            paired[answer] = canon
    unmatched = [a for a in answer_list if a not in paired]
    unanswered = [c for c in truth if c not in paired.values()]
    return {a: paired[a] for a in answer_list if a in paired}, unmatched, unanswered


def _compare_names(
    question: str, answers: Iterable[str], truth: Mapping[str, Sequence[str]], describe: Mapping[str, str] | None = None
) -> Comparison:
    paired, extra, missing = match_names(answers, truth)
    describe = describe or {}
    return Comparison(
        question=question,
        matched=tuple(paired.items()),
        missing=tuple(f"{name}{describe.get(name, '')}" for name in missing),
        extra=tuple(extra),
    )


def _aliases(corpus: Corpus) -> dict[str, tuple[str, list[str]]]:
    """entity_id -> (canonical name, aliases)."""
    out = {}
    for row in corpus.entities.itertuples(index=False):
        aliases = (
            row.aliases
            if isinstance(row.aliases, (list, tuple))
            else list(row.aliases)
            if row.aliases is not None and not isinstance(row.aliases, float)
            else []
        )
        out[row.entity_id] = (row.name, [str(a) for a in aliases])
    return out


# ---------------------------------------------------------------------------
# exercise 1: who is quoted, and who is only talked about
def _speakers(corpus: Corpus) -> pd.DataFrame:
    """Who is quoted where (the quotes plugin's derived table); empty, with its columns, without that plugin."""
    found = derived_table(corpus, SPEAKERS)
    if found is None:
        return pd.DataFrame(columns=["article_id", "entity_id", "name", "start", "end"])
    return found


def quoted_and_mentioned(
    corpus: Corpus, *, labels: Sequence[str] = ("PERSON",), articles: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per entity with the given labels: how often mentioned, how often quoted.

    With ``articles``, only those articles count. Only speakers resolved to an
    entity with one of ``labels`` count: a quote attributed to a country, a
    ministry or a nationality ("Sundria said", "the ministry denied") is not a
    person's, and a speaker the toolkit could not name is nobody to answer with.
    """
    entities = corpus.entities[corpus.entities["label"].isin(labels)]
    quotes = _speakers(corpus)
    mentioned: dict[Any, int] | None = None
    if articles is not None:
        quotes = quotes[quotes["article_id"].isin(articles)]
        mentions = corpus.mentions[corpus.mentions["article_id"].isin(articles)]
        mentioned = mentions["entity_id"].dropna().value_counts().to_dict()
        speaking = set(quotes["entity_id"].dropna())
        entities = entities[entities["entity_id"].isin(set(mentioned) | speaking)]
    counts = quotes["entity_id"].dropna().value_counts()
    rows = [
        {
            "entity_id": e.entity_id,
            "name": e.name,
            "n_mentions": int(mentioned.get(e.entity_id, 0)) if mentioned is not None else e.n_mentions,
            "n_quotes": int(counts.get(e.entity_id, 0)),
        }
        for e in entities.itertuples(index=False)
    ]
    frame = pd.DataFrame(rows, columns=["entity_id", "name", "n_mentions", "n_quotes"])
    return frame.sort_values(["n_quotes", "n_mentions", "name"], ascending=[False, False, True], ignore_index=True)


def check_quoted(
    corpus: Corpus,
    *,
    quoted: Iterable[str],
    only_mentioned: Iterable[str],
    labels: Sequence[str] = ("PERSON",),
    articles: Sequence[str] | None = None,
) -> Feedback:
    """Exercise 1: compare the people you found quoted / only talked about with the toolkit's lists.

    ``articles`` limits the question to those articles (default: the whole corpus).
    Each name only you listed is explained: in the other list, not a person (the
    toolkit reads it as a place, an organisation …), not in these articles, or in
    them but missed by the toolkit (or wrongly listed by you). Before anything is
    answered, nothing is compared, so running every cell gives no answer away.
    """
    title = "Who is quoted, and who is only talked about"
    speakers = _speakers(corpus)
    if speakers.empty and corpus.entities.empty:
        return Feedback(
            title=title,
            checkable=False,
            notes=(
                "This analysis has no quotes and no entities: install (or enable) the plugins that provide the "
                "quotes and entities tables, then run the analysis cell again.",
            ),
        )
    quoted, only_mentioned = [str(a) for a in quoted], [str(a) for a in only_mentioned]
    if not any(a.strip() for a in [*quoted, *only_mentioned]):
        return Feedback(
            title=title,
            pending=True,
            notes=("Write the names you found in the two lists above, then run this cell again.",),
        )
    table = quoted_and_mentioned(corpus, labels=labels, articles=articles)
    aliases = _aliases(corpus)

    def truth(frame: pd.DataFrame) -> dict[str, list[str]]:
        return {r.name: aliases.get(r.entity_id, (r.name, []))[1] for r in itertuples(frame)}

    quoted_rows, mentioned_rows = table[table["n_quotes"] > 0], table[table["n_quotes"] == 0]
    notes = []
    if speakers.empty:
        notes.append(
            "The toolkit found no quotes here (is the quotes plugin installed?): every person counts as "
            "only talked about."
        )
    describe = {r.name: f" (quoted {r.n_quotes}×)" for r in itertuples(quoted_rows)}
    describe |= {r.name: f" (mentioned {r.n_mentions}×, never quoted)" for r in itertuples(mentioned_rows)}
    explain = _Explainer(corpus, labels=labels, articles=articles)
    quoted_truth, mentioned_truth = truth(quoted_rows), truth(mentioned_rows)
    q_matched, q_extra, q_missing = match_names(quoted, quoted_truth)
    m_matched, m_extra, m_missing = match_names(only_mentioned, mentioned_truth)
    # a person the toolkit has in the other list: the same person, a different verdict (said once, not also missed)
    q_swapped, q_extra, _ = match_names(q_extra, {c: mentioned_truth[c] for c in m_missing})
    m_swapped, m_extra, _ = match_names(m_extra, {c: quoted_truth[c] for c in q_missing})
    q_missing = [c for c in q_missing if c not in set(m_swapped.values())]
    m_missing = [c for c in m_missing if c not in set(q_swapped.values())]

    def compare(
        question: str,
        other: str,
        matched: dict[str, str],
        extra: list[str],
        missing: list[str],
        swapped: dict[str, str],
    ) -> Comparison:
        return Comparison(
            question=question,
            matched=tuple(matched.items()),
            missing=tuple(f"{name}{describe.get(name, '')}: missed by you, or by the toolkit?" for name in missing),
            extra=tuple(extra),
            different=tuple((a, question.lower(), f"{other.lower()}{describe.get(n, '')}") for a, n in swapped.items()),
            reasons=tuple((answer, explain(answer)) for answer in extra),
            total=len(lists[question]),
        )

    lists = {"Quoted": quoted_truth, "Only talked about": mentioned_truth}

    return Feedback(
        title=title,
        notes=tuple(notes),
        comparisons=(
            compare("Quoted", "Only talked about", q_matched, q_extra, q_missing, q_swapped),
            compare("Only talked about", "Quoted", m_matched, m_extra, m_missing, m_swapped),
        ),
    )


class _Explainer:
    """Why a name a learner listed is not among the toolkit's people in these articles."""

    # what the toolkit's labels mean, in the exercise's words (the README's glossary says more)
    LABELS: Mapping[str, str] = {
        "GPE": "a country, city or state",
        "NORP": "a nationality, religious or political group",
        "ORG": "an organisation",
        "LOC": "a place",
        "FAC": "a building or structure",
        "PRODUCT": "a product",
        "EVENT": "an event",
        "WORK_OF_ART": "a title",
        "LAW": "a law",
        "LANGUAGE": "a language",
    }

    def __init__(self, corpus: Corpus, *, labels: Sequence[str], articles: Sequence[str] | None) -> None:
        entities = corpus.entities[~corpus.entities["label"].isin(labels)]
        if articles is not None:
            present = set(corpus.mentions.loc[corpus.mentions["article_id"].isin(articles), "entity_id"].dropna())
            entities = entities[entities["entity_id"].isin(present)]
        aliases = _aliases(corpus)
        self.others = {str(e.name): aliases.get(e.entity_id, (e.name, []))[1] for e in itertuples(entities)}
        self.other_labels = {str(e.name): str(e.label) for e in itertuples(entities)}
        texts = corpus.articles[["article_id", "text"]].dropna()
        inside = texts["article_id"].isin(articles) if articles is not None else pd.Series(True, index=texts.index)
        self.here = " ".join(f" {_norm(t)} " for t in texts.loc[inside, "text"])
        self.elsewhere = " ".join(f" {_norm(t)} " for t in texts.loc[~inside, "text"])

    def __call__(self, answer: str) -> str:
        paired, _, _ = match_names([answer], self.others)
        if answer in paired:
            label = self.other_labels[paired[answer]]
            what = self.LABELS.get(label, f"a {label}")
            return f"not a person — the toolkit reads {paired[answer]!r} as {what} ({label})"
        key = f" {_norm(answer)} "
        if key.strip() and key in self.here:
            return (
                "in these articles, but not among the people the toolkit found: missed by the toolkit, or not a person?"
            )
        if key.strip() and key in self.elsewhere:
            return "not in these articles (it is in other articles of the corpus)"
        return "not in these articles — check the spelling"


# ---------------------------------------------------------------------------
# exercise 2: follow a claim and its denial
def claim_groups(corpus: Corpus) -> pd.DataFrame | None:
    """The contested claims (the claims plugin's ``contested_claims``) with claimant names and publication dates.

    ``None`` when no installed plugin declares that table.
    """
    claims = derived_table(corpus, CONTESTED)
    if claims is None:
        return None
    claims = claims.drop(columns=[c for c in ("published", "claimant") if c in claims.columns])
    claims = claims.merge(corpus.articles[["article_id", "published"]], on="article_id", how="left")
    names = {k: v[0] for k, v in _aliases(corpus).items()}
    claims["claimant"] = claims["claimant_entity_id"].map(names)
    claims["contested"] = True
    return claims.sort_values(["group_id", "published"], ignore_index=True)


def check_claim(
    corpus: Corpus,
    *,
    asserted_by: Iterable[str],
    denied_by: Iterable[str],
    group_id: str | None = None,
    first_denied: str | None = None,
) -> Feedback:
    """Exercise 2: who asserted a contested claim and who denied it (and when it was first denied in print).

    The contested groups are the claims plugin's (its derived table
    ``contested_claims``). Without ``group_id`` the group that best fits your
    names is used.
    """
    title = "Follow a claim and its denial"
    try:
        claims = claim_groups(corpus)
    except Exception as exc:  # a broken plugin: the exercise says so instead of failing the notebook
        return Feedback(
            title=title,
            checkable=False,
            notes=(
                f"The claims plugin could not list the contested claims ({type(exc).__name__}: {exc}). Compare your "
                "answer with a classmate's, or with the quotes table.",
            ),
        )
    if claims is None:
        return Feedback(
            title=title,
            checkable=False,
            notes=(
                "The toolkit cannot list contested claims: the claims plugin (which declares the contested_claims "
                "table) is not installed. Install or enable it, or compare your answer with a classmate's.",
            ),
        )
    if claims.empty:
        return Feedback(
            title=title,
            checkable=False,
            notes=(
                "The toolkit found no contested claims here (no group has one side asserting and another denying). "
                "Compare your answer with a classmate's, or with the quotes table.",
            ),
        )
    aliases = _aliases(corpus)
    asserted_by, denied_by = list(asserted_by), list(denied_by)

    def sides(group: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        def named(rows: pd.DataFrame) -> dict[str, list[str]]:
            return {aliases[e][0]: aliases[e][1] for e in rows["claimant_entity_id"].dropna().unique() if e in aliases}

        side = group["side"] if "side" in group.columns else pd.Series(None, index=group.index, dtype=object)
        return named(group[side == "for"]), named(group[side == "against"])

    # a group's key is a value of the group_id column: the checker cannot know its type
    groups: list[tuple[Any, pd.DataFrame]] = list(claims.groupby("group_id", sort=False))
    if group_id is None:

        def fit(item: tuple[Any, pd.DataFrame]) -> int:
            pro, con = sides(item[1])
            return len(match_names(asserted_by, pro)[0]) + len(match_names(denied_by, con)[0])

        group_id, group = max(groups, key=fit)
    else:
        found = dict(groups)
        if group_id not in found:
            raise KeyError(
                f"No contested claim group {group_id!r}. Contested groups: "
                f"{', '.join(map(str, claims['group_id'].unique())) or 'none'}."
            )
        group = found[group_id]
    pro, con = sides(group)
    proposition = group["proposition"].dropna().iloc[0] if group["proposition"].notna().any() else "?"
    comparisons = [_compare_names("Asserted by", asserted_by, pro), _compare_names("Denied by", denied_by, con)]
    if first_denied is not None:
        denials = (
            group.loc[group["side"] == "against", "published"].dropna()
            if "side" in group
            else group["published"].iloc[:0]
        )
        theirs = str(denials.min()) if len(denials) else "no dated denial"
        same = str(first_denied)[:10] == theirs
        comparisons.append(
            Comparison(
                question="First denied in print",
                matched=((str(first_denied), theirs),) if same else (),
                different=() if same else (("the date", str(first_denied), theirs),),
            )
        )
    return Feedback(title=title, comparisons=tuple(comparisons), notes=(f"Claim group {group_id}: “{proposition}”.",))


# ---------------------------------------------------------------------------
# exercise 3: date detective (dates are read with the one TIMEX-value-to-range function, toolkit.sdk.timex_range)


def check_dates(
    corpus: Corpus, article_id: str, answers: Mapping[str | int, str], *, types: Sequence[str] = ("DATE",)
) -> Feedback:
    """Exercise 3: the calendar dates you gave to an article's date expressions, against the toolkit's.

    ``answers`` maps a date expression (its text, or its start offset when the
    same text occurs twice) to an ISO date, month (``2024-01``) or range
    (``2024-01-08/2024-01-14``). Overlapping answers count as close.
    """
    title = f"Date detective ({article_id})"
    timexes = corpus.timexes[(corpus.timexes["article_id"] == article_id) & corpus.timexes["type"].isin(types)]
    if corpus.timexes.empty:
        return Feedback(
            title=title,
            checkable=False,
            notes=("The toolkit found no date expressions: the timeline plugin is not installed or found none.",),
        )
    by_text: dict[str, list[Any]] = {}
    for row in timexes.itertuples(index=False):
        by_text.setdefault(_norm(row.text), []).append(row)
    matched, different, close, extra = [], [], [], []
    answered: set[int] = set()
    for key, value in answers.items():
        if isinstance(key, int):
            rows = [r for r in timexes.itertuples(index=False) if int(r.start) == key]
        else:
            rows = [r for r in by_text.get(_norm(key), []) if int(r.start) not in answered]
        if not rows:
            extra.append(f"{key!r} (the toolkit found no such date expression)")
            continue
        row = rows[0]
        answered.add(int(row.start))
        label = f"{row.text!r} at {row.start}"
        yours, theirs = timex_range(value), timex_range(row.value)
        if yours is None:
            different.append(
                (label, f"{value} (not a date I can read: use YYYY-MM-DD, YYYY-MM or A/B)", str(row.value))
            )
        elif theirs is None:
            different.append((label, str(value), f"{row.value} (the toolkit could not place it on the calendar)"))
        elif yours == theirs:
            matched.append((str(value), str(row.value)))
        elif yours[0] <= theirs[1] and theirs[0] <= yours[1]:
            close.append((label, str(value), str(row.value)))
        else:
            different.append((label, str(value), str(row.value)))
    missing = tuple(
        f"{r.text!r} at {r.start} = {r.value}" for r in timexes.itertuples(index=False) if int(r.start) not in answered
    )
    published = corpus.articles.loc[corpus.articles["article_id"] == article_id, "published"]
    note = (
        f"The article was published on {published.iloc[0]}."
        if len(published) and published.notna().iloc[0]
        else "The article has no publication date: relative dates cannot be anchored."
    )
    return Feedback(
        title=title,
        notes=(note,),
        comparisons=(
            Comparison(
                question="Dates",
                matched=tuple(matched),
                missing=missing,
                extra=tuple(extra),
                different=tuple(different),
                close=tuple(close),
            ),
        ),
    )


# ---------------------------------------------------------------------------
# annotation: spans against spans
@dataclass(frozen=True, kw_only=True)
class SpanScore:
    """Precision and recall of your spans against the toolkit's (and so the toolkit's against yours)."""

    matched: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    only_yours: tuple[tuple[int, int], ...]
    only_toolkit: tuple[tuple[int, int], ...]
    n_yours: int
    n_toolkit: int
    notes: tuple[str, ...] = field(default=())

    @property
    def precision(self) -> float:
        """Share of your spans that the toolkit also found (= the toolkit's recall against you)."""
        return len(self.matched) / self.n_yours if self.n_yours else 0.0

    @property
    def recall(self) -> float:
        """Share of the toolkit's spans that you also found (= the toolkit's precision against you)."""
        return len(self.matched) / self.n_toolkit if self.n_toolkit else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> str:
        return (
            f"You marked {self.n_yours}, the toolkit {self.n_toolkit}; {len(self.matched)} agree. "
            f"Your precision {self.precision:.0%}, recall {self.recall:.0%} (against the toolkit). "
            f"Read the other way, the toolkit's precision against you is {self.recall:.0%} and its recall "
            f"{self.precision:.0%}."
        )


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_spans(
    yours: Iterable[Sequence[int] | Mapping[str, int]],
    toolkit: Iterable[Sequence[int] | Mapping[str, int]],
    *,
    min_overlap: float = 0.5,
) -> SpanScore:
    """Pair spans one to one when they overlap by at least ``min_overlap`` of the shorter one.

    ``min_overlap=1.0`` with equal lengths asks for exact boundaries. Spans are
    ``(start, end)`` pairs or mappings with ``start``/``end``.

    >>> s = score_spans([(0, 5), (10, 20)], [(0, 5), (30, 40)], min_overlap=1.0)
    >>> s.matched, s.only_yours, s.only_toolkit
    ((((0, 5), (0, 5)),), ((10, 20),), ((30, 40),))
    """

    def spans(items: Iterable[Any]) -> list[tuple[int, int]]:
        out = []
        for item in items:
            start, end = (item["start"], item["end"]) if isinstance(item, Mapping) else item
            if end > start:
                out.append((int(start), int(end)))
        return sorted(set(out))

    mine, theirs = spans(yours), spans(toolkit)
    pairs = []
    for a in mine:
        for b in theirs:
            shared = _overlap(a, b)
            shorter = min(a[1] - a[0], b[1] - b[0])
            if shared and shared >= min_overlap * shorter:
                pairs.append((shared / max(a[1] - a[0], b[1] - b[0]), a, b))
    matched, used_a, used_b = [], set(), set()
    for _ratio, a, b in sorted(pairs, reverse=True):
        if a not in used_a and b not in used_b:
            matched.append((a, b))
            used_a.add(a)
            used_b.add(b)
    return SpanScore(
        matched=tuple(sorted(matched)),
        only_yours=tuple(a for a in mine if a not in used_a),
        only_toolkit=tuple(b for b in theirs if b not in used_b),
        n_yours=len(mine),
        n_toolkit=len(theirs),
    )


def toolkit_spans(corpus: Corpus, article_id: str, kind: str) -> list[tuple[int, int]]:
    """The toolkit's spans of one kind in one article: ``quotes`` (quote content) or ``dates`` (timexes)."""
    if kind == "quotes":
        speakers = _speakers(corpus)
        rows = speakers[speakers["article_id"] == article_id]
        return [(int(s), int(e)) for s, e in zip(rows["start"], rows["end"]) if pd.notna(s) and pd.notna(e)]
    if kind == "dates":
        rows = corpus.timexes[corpus.timexes["article_id"] == article_id]
        return [(int(s), int(e)) for s, e in zip(rows["start"], rows["end"])]
    raise ValueError(f"kind must be 'quotes' or 'dates', got {kind!r}.")


def view_or_note(corpus: Corpus, name: str, *, selection: Any = None, **options: Any) -> Any:
    """``toolkit.view(corpus, name)``, or a note saying which plugin to install when no plugin offers it.

    Notebooks call this so that they run (and teach) with whatever plugins are installed.
    """
    from .views import view, views

    if name in views():
        return view(corpus, name, selection=selection, **options)
    import ipywidgets as widgets

    return widgets.HTML(
        f'<p class="pl-note"><b>No view named {h.escape(name)!s}</b>: the plugin that offers it is '
        f"not installed. Installed views: {h.escape(', '.join(views()))}.</p>"
    )
