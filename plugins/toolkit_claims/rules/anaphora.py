"""Claims that point back ("deny this transfer", "the claims are baseless") and the features grouping reads.

A claim that only points back says nothing of its own about the topic: it is
compared through the claim it points to (its antecedent), nearest before it
in the same or the previous paragraph.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from toolkit.sdk import StepMemo

from .grouping import Frame, GroupingConfig, generic_claims, group_claims
from .passages import _paragraph_start
from .words import META_CONCEPTS

__all__ = ["ArticleQuote", "_antecedents", "_inherit", "_Grouping"]


class ArticleQuote(NamedTuple):
    """What finding antecedents needs of one quote of an article (see :func:`_antecedents`)."""

    start: int  # where its content starts
    paragraph: int  # where its paragraph starts
    first: int  # its first claim's row
    anaphoric: bool  # it points back ("deny this transfer")
    stance: str
    named: bool  # its claimant is named


_ANSWER_PARAGRAPHS = 3  # how far back (in paragraphs) a denial looks for the accusation it answers


def _antecedents(quotes: list[ArticleQuote], text: str, antecedents: dict[int, int]) -> None:
    """Add to ``antecedents`` the antecedent row of each claim of one article that points back.

    A quote that points back ("deny this transfer", "the claims are baseless")
    states the proposition of the nearest claim before it, within its paragraph
    or the one before. A *denial* that points back ("rejected the allegations")
    and has no claim before it in its own paragraph answers an accusation made
    earlier: it takes the nearest accusation within the
    :data:`_ANSWER_PARAGRAPHS` paragraphs before, else the nearest claim for
    something by a named claimant there, and only then the nearest claim — a
    sentence between the accusation and its rejection ("In July the country
    also recognised …") is not what was rejected.

    >>> q = lambda start, para, first, anaphoric, stance="assert", named=True: ArticleQuote(
    ...     start, para, first, anaphoric, stance, named)
    >>> found = {}
    >>> _antecedents([q(21, 16, 4, True), q(0, 0, 3, False)], "One said this.\\n\\nThey deny that.", found)
    >>> found
    {4: 3}
    >>> text = "X accused Y of theft.\\n\\nIn July Y was seen.\\n\\nZ rejected the allegations."
    >>> found = {}
    >>> _antecedents([q(2, 0, 0, False, "accuse"), q(25, 23, 1, False, "assert", False),
    ...               q(45, 43, 2, True, "deny")], text, found)
    >>> found
    {2: 0}
    """
    quotes.sort()
    for position, quote in enumerate(quotes):
        if not quote.anaphoric or position == 0:
            continue
        previous_para = _paragraph_start(text, len(text[: quote.paragraph].rstrip()))
        before = quotes[position - 1]
        if quote.stance == "deny" and not (before.start < quote.start and before.paragraph == quote.paragraph):
            window = quote.paragraph
            for _ in range(_ANSWER_PARAGRAPHS):
                window = _paragraph_start(text, len(text[:window].rstrip())) if window else 0
            earlier = [b for b in quotes[:position] if b.start < quote.start and b.paragraph >= window]
            answered = next((b for b in reversed(earlier) if b.stance == "accuse"), None) or next(
                (b for b in reversed(earlier) if b.named and b.stance in ("assert", "support", "call")), None
            )
            if answered is not None:
                antecedents[quote.first] = answered.first
                continue
        if before.start < quote.start and before.start >= previous_para:
            antecedents[quote.first] = before.first


def _inherit(
    feature_of: Sequence[int], antecedents: Mapping[int, int], quote_run: Sequence[int], frames: Sequence[Frame]
) -> list[int]:
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
        while (
            source in antecedents
            and source != antecedents[source]
            and not ((frames[feature_of[source]].predicates | frames[feature_of[source]].themes) - META_CONCEPTS)
        ):
            source = antecedents[source]  # a chain of pointers: "… remarks, insisting the claims …"
        k = first
        while k < len(quote_run) and quote_run[k] == quote_run[first]:
            takes[k] = takes[source]
            k += 1
    return takes


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
    blocks: array = field(default_factory=lambda: array("i"))  # each claim's story (see group_claims)
    anchors: list[tuple[str, ...]] = field(default_factory=list)  # strong evidence across stories

    @property
    def n_rows(self) -> int:
        return len(self.feature_of)

    def add(
        self,
        terms: frozenset[str],
        entities: frozenset[str],
        frame: Frame,
        stance: str,
        text: str,
        *,
        block: int = 0,
        anchors: tuple[str, ...] = (),
    ) -> None:
        self.feature_of.append(self.features.setdefault((terms, entities, frame), len(self.features)))
        self.stances.append(stance)
        self.blocks.append(block)
        self.anchors.append(anchors)
        self.quote_run.append(self.quote_runs)
        if self.texts is not None:
            self.texts.append(text)

    def group(
        self, claim_ids: Sequence[str], *, config: GroupingConfig, memo: StepMemo | None = None
    ) -> tuple[list[str], str]:
        """Group ids (see :func:`group_claims`, which keeps each block's clustering in ``memo``), after
        pointing-back claims took their antecedents' features."""
        distinct = list(self.features)
        takes = _inherit(self.feature_of, self.antecedents, self.quote_run, [f[2] for f in distinct])
        feature_of = [self.feature_of[k] for k in takes]
        links = self.links + [(antecedent, first) for first, antecedent in sorted(self.antecedents.items())]
        frames = [distinct[k][2] for k in feature_of]
        # a claim that took its antecedent's words is judged by them: "deny this" is as specific as what it denies
        generic = generic_claims(frames, self.blocks, ignore=META_CONCEPTS)
        # a claim pointing back that does not deny ("the agency noted that Russia discovered this") restates
        # its antecedent: it joins that claim's group through its link, not by its own words; a denial keeps
        # its words, which are what an answer across articles is found by
        followers = [False] * self.n_rows
        pointing = [False] * self.n_rows  # denials that point back: they join what they answer (see group_claims)
        for first in self.antecedents:
            k = first
            while k < self.n_rows and self.quote_run[k] == self.quote_run[first]:
                followers[k] = self.stances[k] != "deny"
                pointing[k] = self.stances[k] == "deny"
                k += 1
        return group_claims(
            claim_ids,
            texts=[self.texts[k] for k in takes] if self.texts is not None else (),
            terms=[distinct[k][0] for k in feature_of],
            entities=[distinct[k][1] for k in feature_of],
            frames=frames,
            links=links,
            stances=self.stances,
            blocks=self.blocks,
            generic=generic,
            followers=followers,
            pointing=pointing,
            anchors=self.anchors,
            config=config,
            memo=memo,
        )
