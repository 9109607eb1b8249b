"""Claims that point back ("deny this transfer", "the claims are baseless") and the features grouping reads.

A claim that only points back says nothing of its own about the topic: it is
compared through the claim it points to (its antecedent), nearest before it
in the same or the previous paragraph.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .grouping import Frame, GroupingConfig, group_claims
from .passages import _paragraph_start
from .words import META_CONCEPTS

__all__ = ["_antecedents", "_inherit", "_Grouping"]


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
        return group_claims(
            claim_ids,
            texts=[self.texts[k] for k in takes] if self.texts is not None else (),
            terms=[distinct[k][0] for k in feature_of],
            entities=[distinct[k][1] for k in feature_of],
            frames=[distinct[k][2] for k in feature_of],
            links=links,
            stances=self.stances,
            config=config,
        )
