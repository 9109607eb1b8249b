"""The learned attribution model: parse rules propose candidates, a logistic model accepts them.

The rules (:func:`.find.find_quotes`) find quotations well but reported speech
without quote marks only about half the time. This pass adds what a model
trained on annotated news (PolNeAR's train split; see ``MODEL_CARD.md``) knows:

1. **candidates** — every quote the rules found, and for every other token whose
   lemma was a cue in the training annotations, a few ways to cut its content
   (its clausal complement, everything after it in the sentence, its object, the
   sentence before a trailing "…, he said"); the speaker is the cue's subject or
   agent (:func:`.speakers.speaker_of`);
2. **scoring** — a linear model over sparse string features (cue lemma,
   dependency labels, position, punctuation, tense, speaker type, the cut), its
   weights a JSON file; inference is a sum of weights per candidate. A model may
   also hold gradient-boosted trees (:class:`Forest`) that read the linear logit
   beside numbers saying what the candidate is (:data:`DESCRIPTORS`: lengths,
   distances, the kind of speaker) and how it stands against its rivals
   (:func:`context`: the other cuts of its cue, the other cues of its sentence,
   a confident cue inside its content), and then decide. They ranked candidates
   better on dev but chose no better attributions, and cost a third more, so the
   shipped model has none (``MODEL_CARD.md``, round 3);
3. **choice** — per cue the best-scoring cut, kept when its calibrated
   probability reaches its threshold (one for the rules' quotes, a stricter one
   for new cues, both tuned on dev's even half); of two kept candidates whose
   contents are mostly the same words, the more probable one stays.

At run time only the cue lemmas whose candidates passed the threshold at least
three times in training propose new cues (``active_lemmas``): the others are
(nearly) never kept, and trying them would cost a fifth of the parse.

The probability, calibrated on PolNeAR dev (Platt scaling), is the quote's
``confidence``. :func:`candidates` and :func:`context` are shared with the
training script (``benchmarks/train_quotes.py``), so the features seen in
training are the ones scored here.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, repeat
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import ENT_TYPE, LEMMA, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from toolkit.sdk import doc_text

from .find import as_draft, attribute
from .marks import Stretch, scan_quotes
from .records import Quote
from .spans import kind_for, line_part, trim
from .speakers import speaker_of

__all__ = ["Candidate", "COLUMNS", "Forest", "LearnedModel", "candidates", "context", "load_model", "refine", "WEIGHTS"]

WEIGHTS = Path(__file__).with_name("learned_weights.json")

# the ways an extra cue's content can be cut (the model picks one per cue)
_CUTS = ("comp", "right", "object", "left", "rest")
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis"})
_OBJECT_DEPS = frozenset({"dobj", "attr", "oprd", "acomp", "pobj", "dative"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """One proposed attribution, the cue it competes for (``group``) and the features the model scores."""

    quote: Quote
    group: int
    features: tuple[str, ...]
    # what the trees read of the candidate on its own (``DESCRIPTORS``, in that order) and its sentence's number
    numbers: tuple[float, ...] = ()
    sentence: int = 0
    # the pipeline's token vectors at the cue, over the content and over the speaker (``dense_vector``);
    # None when the parse has none
    vector: np.ndarray | None = None


@dataclass(frozen=True, kw_only=True)
class Forest:
    """Gradient-boosted trees over :data:`COLUMNS`, flattened into node arrays and walked with numpy.

    Trained with scikit-learn (``HistGradientBoostingClassifier``) and exported node by node, so the plugin
    needs numpy only. All trees walk together, one level per step: a leaf points to itself, so after
    ``depth`` steps every walk has reached its leaf. A value goes left when it is at most the node's
    threshold, as in scikit-learn.
    """

    columns: tuple[str, ...]  # the names of the columns it reads (:data:`COLUMNS` for the shipped model)
    feature: np.ndarray  # column read at each node (0 at a leaf)
    threshold: np.ndarray
    left: np.ndarray  # child node indices; a leaf's are its own
    right: np.ndarray
    value: np.ndarray  # a leaf's contribution to the score (0 at inner nodes)
    roots: np.ndarray  # each tree's first node
    depth: int
    baseline: float

    def raw(self, columns: np.ndarray) -> np.ndarray:
        """The trees' summed score (a logit) for each row of ``columns``."""
        if not len(columns):
            return np.zeros(0)
        rows = np.arange(len(columns))[:, None]
        node = np.broadcast_to(self.roots, (len(columns), len(self.roots)))
        for _ in range(self.depth):
            go_left = columns[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        return self.baseline + self.value[node].sum(axis=1)

    @classmethod
    def from_sklearn(cls, fitted: Any, columns: tuple[str, ...]) -> Forest:
        """The trees of a fitted binary ``HistGradientBoostingClassifier`` (read from its predictors' node
        records; training only: the plugin loads :meth:`from_json`)."""
        feature, threshold, left, right, value, roots = [], [], [], [], [], []
        depth = 0
        for (tree,) in fitted._predictors:
            offset = len(feature)
            roots.append(offset)
            for k, node in enumerate(tree.nodes):
                leaf = bool(node["is_leaf"])
                feature.append(0 if leaf else int(node["feature_idx"]))
                threshold.append(0.0 if leaf else float(node["num_threshold"]))
                left.append(offset + k if leaf else offset + int(node["left"]))
                right.append(offset + k if leaf else offset + int(node["right"]))
                value.append(float(node["value"]) if leaf else 0.0)
                depth = max(depth, int(node["depth"]))
        return cls(
            columns=tuple(columns),
            feature=np.asarray(feature, dtype=np.intp),
            threshold=np.asarray(threshold, dtype=np.float64),
            left=np.asarray(left, dtype=np.intp),
            right=np.asarray(right, dtype=np.intp),
            value=np.asarray(value, dtype=np.float64),
            roots=np.asarray(roots, dtype=np.intp),
            depth=depth,
            baseline=float(np.ravel(fitted._baseline_prediction)[0]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "baseline": self.baseline,
            "depth": self.depth,
            "roots": self.roots.tolist(),
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": [round(v, 7) for v in self.value.tolist()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Forest:
        return cls(
            columns=tuple(data["columns"]),
            feature=np.asarray(data["feature"], dtype=np.intp),
            threshold=np.asarray(data["threshold"], dtype=np.float64),
            left=np.asarray(data["left"], dtype=np.intp),
            right=np.asarray(data["right"], dtype=np.intp),
            value=np.asarray(data["value"], dtype=np.float64),
            roots=np.asarray(data["roots"], dtype=np.intp),
            depth=int(data["depth"]),
            baseline=float(data["baseline"]),
        )


@dataclass(frozen=True, kw_only=True)
class LearnedModel:
    """The weights and what training learned besides them (cue lemmas, threshold, calibration)."""

    weights: dict[str, float]
    bias: float
    cue_lemmas: dict[str, float]  # lemma -> share of its occurrences that were cues in training
    threshold: float  # on the calibrated probability, for a cue the rules did not use
    rule_threshold: float  # on the calibrated probability, for a rule's quote or another cut of its cue
    platt: tuple[float, float]  # calibrated p = sigmoid(a * raw_logit + b)
    speaker_bins: tuple[tuple[float, float], ...] = ()  # (raw speaker confidence up to, observed accuracy)
    # the cue lemmas whose candidates passed the threshold often enough in training: only they are tried at
    # run time, which keeps the pass cheap (None: all of ``cue_lemmas``, as in training)
    active_lemmas: frozenset[str] | None = None
    # weights of the token-vector part (``dense_vector``), empty for a model of string features only
    dense: np.ndarray | None = None
    # trees over the linear logit and the candidates around it (:func:`context`); None: the linear model decides
    forest: Forest | None = None
    # a new cue's cut whose linear logit is below this is not worth the trees' time: it gets probability 0
    # (trained the same way: the trees never saw such cuts)
    floor: float = -math.inf

    def logit(self, features: Iterable[str], vector: np.ndarray | None = None) -> float:
        # map over dict.get, not a generator: the same sum in the same order, without a Python frame per feature
        value = self.bias + sum(map(self.weights.get, features, repeat(0.0)))
        if vector is not None and self.dense is not None and vector.shape == self.dense.shape:
            value += float(vector @ self.dense)
        return value

    def probability(self, features: Iterable[str], vector: np.ndarray | None = None) -> float:
        """One candidate's calibrated probability from the linear part alone (no trees: they need its rivals)."""
        a, b = self.platt
        return _sigmoid(a * self.logit(features, vector) + b)

    def probabilities(self, found: list[Candidate]) -> np.ndarray:
        """The calibrated probability of each of an article's candidates: the trees' when the model has
        them (they weigh each candidate against the others), else the linear model's."""
        logits = np.asarray([self.logit(c.features, c.vector) for c in found], dtype=np.float64)
        a, b = self.platt
        if self.forest is None:
            return 1.0 / (1.0 + np.exp(-np.clip(a * logits + b, -40.0, 40.0)))
        probabilities = np.zeros(len(found))
        scored = worth_scoring(found, logits, self.floor)
        raw = self.forest.raw(context(found, logits)[scored])
        probabilities[scored] = 1.0 / (1.0 + np.exp(-np.clip(a * raw + b, -40.0, 40.0)))
        return probabilities

    def speaker_probability(self, raw: float) -> float:
        """The observed share of right speaker spans among dev quotes with this raw resolution confidence.

        Reported, not applied to ``speaker_confidence`` (see :func:`refine`)."""
        for upto, observed in self.speaker_bins:
            if raw <= upto:
                return observed
        return raw


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, x))))


@lru_cache(maxsize=2)
def load_model(path: Path = WEIGHTS) -> LearnedModel:
    """Read the weights file shipped with the plugin (no network); raises with the retrain command if absent."""
    if not path.is_file():
        raise FileNotFoundError(
            f"The learned quotes model {path} is missing. Expected the weights file shipped with the plugin; "
            "run `python benchmarks/train_quotes.py` to rebuild it, or use the option model='rules-only'."
        )
    data = json.loads(path.read_text("utf-8"))
    forest = Forest.from_json(data["forest"]) if data.get("forest") else None
    if forest is not None and forest.columns != COLUMNS:
        raise ValueError(
            f"The learned quotes model {path} has trees reading other columns than this code describes "
            f"(expected {len(COLUMNS)} named columns, found {len(forest.columns)} or other names). "
            "Retrain it with `python benchmarks/train_quotes.py`, or use the option model='rules-only'."
        )
    return LearnedModel(
        weights={str(k): float(v) for k, v in data["weights"].items()},
        bias=float(data["bias"]),
        cue_lemmas={str(k): float(v) for k, v in data["cue_lemmas"].items()},
        threshold=float(data["threshold"]),
        rule_threshold=float(data["rule_threshold"]),
        platt=(float(data["platt"][0]), float(data["platt"][1])),
        speaker_bins=tuple((float(a), float(b)) for a, b in data.get("speaker_bins", ())),
        active_lemmas=frozenset(data["active_lemmas"]) if "active_lemmas" in data else None,
        dense=np.asarray(data["dense"], dtype=np.float32) if data.get("dense") else None,
        forest=forest,
        floor=float(data.get("floor", -math.inf)),
    )


# candidates -------------------------------------------------------------------------------------------
def candidates(
    doc: Doc,
    rule_quotes: list[Quote],
    cue_lemmas: dict[str, float],
    *,
    active: frozenset[str] | None = None,
    vectors: bool = True,
    numbers: bool = True,
) -> list[Candidate]:
    """The rules' quotes and the extra cues' cuts (for lemmas in ``active``, all when None), with their
    features, when ``numbers`` their :data:`DESCRIPTORS` (for the trees) and, when ``vectors`` and the parse
    has token vectors, their :func:`dense_vector`."""
    text = doc_text(doc)
    stretches, _ = scan_quotes(text)
    found: list[Candidate] = []
    rule_cues: set[int] = set()
    bounds = _sentence_bounds(doc)
    tokens = _Tokens(doc)
    tensor = _tensor(doc) if vectors else None
    sentences = _Sentences(doc, bounds, stretches, rule_quotes) if numbers else None
    group = 0
    for quote in rule_quotes:
        cue = _cue_token(doc, quote)
        if cue is not None:
            rule_cues.update(t.i for t in doc.char_span(quote.cue_start, quote.cue_end, alignment_mode="expand") or ())
        own = _rule_features(doc, quote, cue, cue_lemmas)
        if cue is not None:
            own += _rule_context(doc, text, quote, cue, cue_lemmas, bounds, tokens)
        described: tuple[float, ...] = ()
        sentence = 0
        if sentences is not None:
            speaker_span = None
            if quote.speaker_start is not None and quote.speaker_end is not None:
                speaker_span = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
            content_span = doc.char_span(quote.content_start, quote.content_end, alignment_mode="expand")
            described = _describe(
                text,
                quote,
                cue,
                content_span,
                speaker_span,
                cut="rule",
                rate=cue_lemmas.get(cue.lemma_.lower(), 0.0) if cue is not None else 0.0,
                overlap=1.0,
                inside_rule=False,
                shape=_shape(content_span, tokens) if content_span is not None and len(content_span) else None,
                negated="r:negated" in own,
                modal="r:modal" in own,
                speaker_kind=_speaker_kind(speaker_span),
                sentences=sentences,
                tokens=tokens,
            )
            anchor = (
                cue
                if cue is not None
                else (content_span[0] if content_span is not None and len(content_span) else None)
            )
            sentence = sentences.number[anchor.i] if anchor is not None else 0
        vector = None
        if tensor is not None and cue is not None:
            vector = dense_vector(
                doc, tensor, cue.i, (quote.content_start, quote.content_end), _speaker_tokens(doc, quote)
            )
        found.append(
            Candidate(quote=quote, group=group, features=own, vector=vector, numbers=described, sentence=sentence)
        )
        group += 1
    rules = _RuleSpans(text, rule_quotes)
    # only tokens whose lemma is a cue lemma, found on the lemma ids: most tokens never become Token objects
    wanted = {get_string_id(lemma) for lemma in (cue_lemmas if active is None else active)}
    lemma_ids = doc.to_array([LEMMA])
    for i in [i for i, lemma_id in enumerate(lemma_ids.tolist()) if lemma_id in wanted]:
        token = doc[i]
        if token.i in rule_cues or token.is_punct or token.is_space:
            continue
        lemma = token.lemma_.lower()
        rate = cue_lemmas.get(lemma)
        if (
            rate is None
            or token.pos_ not in ("VERB", "NOUN", "ADJ", "AUX")
            or (active is not None and lemma not in active)
        ):
            continue
        sent = bounds[token.i]
        speaker = speaker_of(token) if token.pos_ in ("VERB", "AUX") else _noun_holder(token)
        base = _cue_features(token, lemma, rate, speaker, sent)
        inside_rule = rules.covers(token.idx)
        if inside_rule:
            base += ("cue_inside_rule_quote",)
        for cut, span in _cuts(doc, text, token, speaker, sent):
            start, end = span
            kind = kind_for(doc, start, end, stretches)
            quote = Quote(
                kind=kind,
                content_start=start,
                content_end=end,
                content_parts=((start, end),),
                cue_start=token.idx,
                cue_end=token.idx + len(token.text),
                speaker_start=speaker.start_char if speaker is not None else None,
                speaker_end=speaker.end_char if speaker is not None else None,
                source="learned",
            )
            # how much of a rule's quote this cut repeats: a repeat adds nothing the rules did not find
            overlap = rules.overlap(start, end)
            content = doc.char_span(start, end, alignment_mode="expand")
            features = base + _cut_features(text, token, cut, span, kind, content, tokens)
            shape = _shape(content, tokens) if content is not None and len(content) else None
            features += _content_features(doc, text, token, lemma, span, content, tokens, prefix="c", shape=shape)
            features += (f"rule_overlap={_bucket(overlap, (0.0, 0.25, 0.5, 0.75))}",)
            described = ()
            if sentences is not None:
                described = _describe(
                    text,
                    quote,
                    token,
                    content,
                    speaker,
                    cut=cut,
                    rate=rate,
                    overlap=overlap,
                    inside_rule=inside_rule,
                    shape=shape,
                    negated="negated" in base,
                    modal="modal" in base,
                    speaker_kind=_speaker_kind(speaker),
                    sentences=sentences,
                    tokens=tokens,
                )
            vector = None
            if tensor is not None:
                vector = dense_vector(
                    doc, tensor, token.i, span, (speaker.start, speaker.end) if speaker is not None else None
                )
            found.append(
                Candidate(
                    quote=quote,
                    group=group,
                    features=features,
                    vector=vector,
                    numbers=described,
                    sentence=sentences.number[token.i] if sentences is not None else 0,
                )
            )
        group += 1
    return found


# what the trees read of each candidate on its own (:func:`_describe`, in this order), then of the candidates
# around it once the linear model has scored them all (:func:`context`)
DESCRIPTORS = (
    "rule",
    "marked",
    "direct",
    "mixed",
    "cut_comp",
    "cut_right",
    "cut_object",
    "cut_left",
    "cut_rest",
    "words",
    "rate",
    "cue_verb",
    "cue_noun",
    "speaker_none",
    "speaker_pronoun",
    "speaker_person",
    "speaker_organisation",
    "speaker_before",
    "speaker_gap",
    "content_after",
    "content_gap",
    "sentence_share",
    "cue_where",
    "rule_overlap",
    "cue_in_rule_quote",
    "sentence_stretches",
    "sentence_rule_cues",
    "sentence_number",
    "ends_sentence",
    "shape_that",
    "shape_to",
    "shape_finite",
    "shape_np",
    "negated",
    "modal",
)
CONTEXT = (
    "logit",
    "group_size",
    "group_rank",
    "below_group_best",
    "above_group_next",
    "sentence_best_other",
    "sentence_groups_over",
    "nested_best",
    "enclosing_best",
)
COLUMNS = DESCRIPTORS + CONTEXT


class _Sentences:
    """Each token's sentence number, and per sentence how many quoted stretches and rule cues it holds."""

    def __init__(self, doc: Doc, bounds: list[tuple[int, int]], stretches: Iterable[Stretch], quotes: list[Quote]):
        self.number = [0] * len(doc)
        starts: list[int] = []  # each sentence's first character
        last = None
        for i, bound in enumerate(bounds):
            if bound != last:
                starts.append(doc[bound[0]].idx)
                last = bound
            self.number[i] = len(starts) - 1
        self.bounds = bounds
        self.stretches = [0] * len(starts)
        for stretch in stretches:
            self.stretches[max(0, bisect_right(starts, stretch.start) - 1)] += 1
        self.rule_cues = [0] * len(starts)
        for quote in quotes:
            if quote.cue_start is not None:
                self.rule_cues[max(0, bisect_right(starts, quote.cue_start) - 1)] += 1


def _describe(
    text: str,
    quote: Quote,
    cue: Token | None,
    content: Span | None,
    speaker: Span | None,
    *,
    cut: str,
    rate: float,
    overlap: float,
    inside_rule: bool,
    shape: str | None,
    negated: bool,
    modal: bool,
    speaker_kind: str,
    sentences: _Sentences,
    tokens: _Tokens,
) -> tuple[float, ...]:
    """The candidate's :data:`DESCRIPTORS`: numbers the trees split on, where string features only say yes or no."""
    values = dict.fromkeys(DESCRIPTORS, 0.0)
    values["rule"] = float(cut == "rule")
    values["marked"] = float(cut == "rule" and quote.kind != "indirect")
    values["direct"] = float(quote.kind == "direct")
    values["mixed"] = float(quote.kind in ("mixed", "partial"))
    if cut != "rule":
        values[f"cut_{cut}"] = 1.0
    values["words"] = float(len(_WORD.findall(text[quote.content_start : quote.content_end])))
    values["rate"] = rate
    values["rule_overlap"] = overlap
    values["ends_sentence"] = float(text[quote.content_start : quote.content_end].rstrip()[-1:] in '.!?"”')
    if f"shape_{shape}" in values:
        values[f"shape_{shape}"] = 1.0
    values["negated"] = float(negated)
    values["modal"] = float(modal)
    if cue is None:
        return tuple(values[name] for name in DESCRIPTORS)
    start, end = sentences.bounds[cue.i]
    number = sentences.number[cue.i]
    values["cue_verb"] = float(cue.pos_ in ("VERB", "AUX"))
    values["cue_noun"] = float(cue.pos_ == "NOUN")
    kind = speaker_kind
    values["speaker_none"] = float(kind == "none")
    values["speaker_pronoun"] = float(kind.startswith("pron:"))
    values["speaker_person"] = float(kind == "ent:PERSON")
    values["speaker_organisation"] = float(kind in ("ent:ORG", "ent:NORP", "ent:GPE"))
    if speaker is not None:
        values["speaker_before"] = float(speaker.start < cue.i)
        values["speaker_gap"] = float(min(abs(speaker.start - cue.i), abs(speaker.end - 1 - cue.i)))
    if content is not None and len(content):
        values["content_after"] = float(content.start > cue.i)
        values["content_gap"] = float(content.start - cue.i - 1 if content.start > cue.i else cue.i - content.end)
        values["sentence_share"] = len(content) / max(1, end - start)
    values["cue_where"] = (cue.i - start) / max(1, end - start)
    values["cue_in_rule_quote"] = float(inside_rule)
    values["sentence_stretches"] = float(sentences.stretches[number])
    values["sentence_rule_cues"] = float(sentences.rule_cues[number])
    values["sentence_number"] = float(number)
    return tuple(values[name] for name in DESCRIPTORS)


def worth_scoring(found: list[Candidate], logits: np.ndarray, floor: float) -> np.ndarray:
    """Which candidates the trees score: every rule quote, and the new cues' cuts at or above ``floor``."""
    rule = np.asarray([c.features[:1] != ("extra",) for c in found], dtype=bool)
    return rule | (logits >= floor)


def context(found: list[Candidate], logits: np.ndarray) -> np.ndarray:
    """The trees' input: each candidate's :data:`DESCRIPTORS`, then its linear logit set against its rivals.

    The linear model scores each cut alone; whether a cut wins depends on the others: the other cuts of its
    cue (rank, margin), the other cues of its sentence, a confident cue inside its content (a nested
    attribution, or a content that swallowed the next statement) and a confident content around its cue.
    """
    n = len(found)
    columns = np.zeros((n, len(COLUMNS)), dtype=np.float64)
    if not n:
        return columns
    columns[:, : len(DESCRIPTORS)] = np.asarray([c.numbers for c in found], dtype=np.float64)
    groups = np.asarray([c.group for c in found])
    ngroups = int(groups.max()) + 1
    best = np.full(ngroups, -np.inf)
    np.maximum.at(best, groups, logits)
    size = np.bincount(groups, minlength=ngroups)
    order = np.lexsort((-logits, groups))  # by group, best first
    rank = np.empty(n, dtype=np.int64)
    first = np.searchsorted(groups[order], np.arange(ngroups))
    rank[order] = np.arange(n) - first[groups[order]]
    # the best rival in the group: the runner-up for the best, the best for the others
    runner = np.full(ngroups, -np.inf)
    second = order[rank[order] == 1]
    runner[groups[second]] = logits[second]
    rival = np.where(rank == 0, runner[groups], best[groups])
    k = len(DESCRIPTORS)
    columns[:, k] = logits
    columns[:, k + 1] = size[groups]
    columns[:, k + 2] = rank
    columns[:, k + 3] = best[groups] - logits
    columns[:, k + 4] = np.where(np.isfinite(rival), logits - rival, 10.0)
    # per group: its sentence, cue and best content, to set each candidate against the other groups
    leaders = order[rank[order] == 0]
    lead_sentence = np.asarray([found[i].sentence for i in leaders])
    lead_cue = np.asarray([found[i].quote.cue_start if found[i].quote.cue_start is not None else -1 for i in leaders])
    lead_start = np.asarray([found[i].quote.content_start for i in leaders])
    lead_end = np.asarray([found[i].quote.content_end for i in leaders])
    lead_logit = logits[leaders]
    lead_group = groups[leaders]
    # candidates against every group's leader, a block of rows at a time (an article of thousands of quotes
    # would otherwise make matrices of millions)
    sentence = np.asarray([c.sentence for c in found])
    start = np.asarray([c.quote.content_start for c in found])
    end = np.asarray([c.quote.content_end for c in found])
    cue = np.asarray([c.quote.cue_start if c.quote.cue_start is not None else -1 for c in found])
    for block in range(0, n, 256):
        rows = slice(block, block + 256)
        others = lead_group[None, :] != groups[rows, None]
        same = others & (lead_sentence[None, :] == sentence[rows, None])
        inside = others & (lead_cue[None, :] >= start[rows, None]) & (lead_cue[None, :] < end[rows, None])
        around = others & (lead_start[None, :] <= cue[rows, None]) & (lead_end[None, :] > cue[rows, None])
        columns[rows, k + 5] = np.where(same, lead_logit, -10.0).max(axis=1, initial=-10.0)
        columns[rows, k + 6] = (same & (lead_logit > 0)).sum(axis=1)
        columns[rows, k + 7] = np.where(inside, lead_logit, -10.0).max(axis=1, initial=-10.0)
        columns[rows, k + 8] = np.where(around, lead_logit, -10.0).max(axis=1, initial=-10.0)
    return columns


class _RuleSpans:
    """The rules' quote contents, indexed so that each cue asks about the few near it, not all of them.

    Every cue of a long article used to be compared with every rule quote (quadratic on an article of
    thousands of short quotes, issue #20); sorted starts with a running maximum of ends answer "does any
    content cover this point / overlap this span" by bisection, and only the contents that can overlap are
    compared word by word.
    """

    def __init__(self, text: str, quotes: list[Quote]) -> None:
        spans = sorted((q.content_start, q.content_end) for q in quotes)
        self._text = text
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]
        self._reach: list[int] = []  # the furthest end of the contents up to each one
        for end in self._ends:
            self._reach.append(max(end, self._reach[-1]) if self._reach else end)
        self._longest = max((e - s for s, e in spans), default=0)
        self._words: dict[int, frozenset[tuple[int, int]]] = {}

    def covers(self, point: int) -> bool:
        """Whether some content spans ``point`` (its ends included)."""
        i = bisect_right(self._starts, point)
        return i > 0 and self._reach[i - 1] >= point

    def overlap(self, start: int, end: int) -> float:
        """The largest share of words (Jaccard) the span has in common with one rule content, 0 when none."""
        i = bisect_left(self._starts, end)  # contents starting before ``end``
        if i == 0 or self._reach[i - 1] <= start:
            return 0.0
        mine = words_of(self._text, start, end)
        best = 0.0
        # a content overlapping the span starts at most ``longest`` characters before it
        for j in range(i - 1, bisect_left(self._starts, start - self._longest) - 1, -1):
            if self._ends[j] <= start:
                continue
            other = self._words.get(j)
            if other is None:
                other = self._words[j] = words_of(self._text, self._starts[j], self._ends[j])
            if mine & other:
                best = max(best, len(mine & other) / len(mine | other))
        return best


_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


class _Tokens:
    """Each token's tag and entity type as plain lists, and a running count of finite verbs.

    The features ask of every cut of every cue whether it holds a finite verb and which entities; asking
    the Tokens made a Token object per word per cut, most of the model's cost.
    """

    def __init__(self, doc: Doc) -> None:
        strings = doc.vocab.strings
        tag_ids, ent_ids = doc.to_array([TAG, ENT_TYPE]).T.tolist() if len(doc) else ([], [])
        # each distinct tag and type decoded once: the string store decodes on every look-up (0 is "")
        names = {i: strings[i] for i in {*tag_ids, *ent_ids}}
        self.tags = [names[i] for i in tag_ids]
        self.ents = [names[i] for i in ent_ids]
        self.finite = list(accumulate((tag in _FINITE_TAGS for tag in self.tags), initial=0))

    def has_finite(self, span: Span) -> bool:
        return self.finite[span.end] > self.finite[span.start]

    def has_to(self, span: Span) -> bool:
        return "TO" in self.tags[span.start : min(span.end, span.start + 3)]

    def entity_types(self, span: Span) -> list[str]:
        found = set(self.ents[span.start : span.end])  # a set of the slice, then without "": no frame per token
        found.discard("")
        return sorted(found)


DENSE_WIDTH = 96  # en_core_web_sm's tok2vec width: the vectors the dense weights were trained on


def _tensor(doc: Doc) -> np.ndarray | None:
    """The pipeline's token vectors, if the parse kept them and they are the width the model knows."""
    tensor = doc.tensor
    if not isinstance(tensor, np.ndarray) or tensor.ndim != 2 or tensor.shape != (len(doc), DENSE_WIDTH):
        return None
    return tensor


def _speaker_tokens(doc: Doc, quote: Quote) -> tuple[int, int] | None:
    if quote.speaker_start is None or quote.speaker_end is None:
        return None
    span = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def dense_vector(
    doc: Doc, tensor: np.ndarray, cue: int, content: tuple[int, int], speaker: tuple[int, int] | None
) -> np.ndarray:
    """The cue's token vector, the mean over the content's tokens and over the speaker's (zeros: none).

    The tok2vec the parser already ran reads each word in its context: what string features cannot say
    ("warned residents" against "warned that"), the vectors around the cue and content partly do.
    """
    span = doc.char_span(content[0], content[1], alignment_mode="expand")
    zeros = np.zeros(DENSE_WIDTH, dtype=np.float32)
    content_mean = tensor[span.start : span.end].mean(axis=0) if span is not None and len(span) else zeros
    speaker_mean = tensor[speaker[0] : speaker[1]].mean(axis=0) if speaker is not None else zeros
    return np.concatenate([tensor[cue], content_mean, speaker_mean]).astype(np.float32)


def _cue_token(doc: Doc, quote: Quote) -> Token | None:
    if quote.cue_start is None or quote.cue_end is None:
        return None
    span = doc.char_span(quote.cue_start, quote.cue_end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    """How many of the (ascending) ``edges`` ``value`` is above, by bisection: asked of every cut, several times.

    >>> _bucket(0.5, (0.0, 0.25, 0.5, 0.75)), _bucket(-1.0, (0.0, 0.5)), _bucket(9, (1, 2, 4))
    (2, 0, 3)
    """
    return bisect_left(edges, value)


def _speaker_kind(speaker: Span | None) -> str:
    if speaker is None:
        return "none"
    root = speaker.root
    if root.pos_ == "PRON":
        return "pron:" + root.lower_
    if root.ent_type_:
        return "ent:" + root.ent_type_
    return "pos:" + root.pos_


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of each token's sentence: ``Token.sent`` walks the parse on every call."""
    bounds: list[tuple[int, int]] = [(0, len(doc))] * len(doc)
    for sent in doc.sents:
        for i in range(sent.start, sent.end):
            bounds[i] = (sent.start, sent.end)
    return bounds


def _cue_features(
    token: Token, lemma: str, rate: float, speaker: Span | None, sent: tuple[int, int]
) -> tuple[str, ...]:
    kids = list(token.children)  # each walk of Token.children makes its Tokens anew: once for the three questions
    deps = [c.dep_ for c in kids]  # and each dep_ is a string look-up: once per child
    children = sorted(set(deps))
    head = token.head
    speaker_kind = _speaker_kind(speaker)  # once: each asks for the speaker's root, a walk of its tokens
    position = (token.i - sent[0]) / max(1, sent[1] - sent[0])
    features = [
        "extra",
        f"lemma={lemma}",
        f"rate={_bucket(rate, (0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8))}",
        f"pos={token.pos_}",
        f"tag={token.tag_}",
        f"dep={token.dep_}",
        f"head_dep={head.dep_}",
        f"head_pos={head.pos_}",
        f"speaker={speaker_kind}",
        f"lemma_speaker_kind={lemma}|{speaker_kind}",
        f"speaker_head={speaker.root.lemma_.lower() if speaker is not None and speaker.root.pos_ == 'NOUN' else '-'}",
        f"speaker_side={'none' if speaker is None else ('before' if speaker.start < token.i else 'after')}",
        f"where={_bucket(position, (0.2, 0.5, 0.8))}",
        f"lemma_speaker={lemma}|{'none' if speaker is None else 'some'}",
        f"lemma_tag={lemma}|{token.tag_}",
    ]
    features += [f"child={d}" for d in children]
    features += [f"lemma_child={lemma}|{d}" for d in children if d in _CLAUSE_DEPS or d in _OBJECT_DEPS or d == "prep"]
    if "neg" in deps:
        features.append("negated")
    if any(
        d in ("aux", "auxpass") and c.lower_ in ("will", "would", "could", "might", "may") for c, d in zip(kids, deps)
    ):
        features.append("modal")
    return tuple(features)


def _cut_features(
    text: str, token: Token, cut: str, span: tuple[int, int], kind: str, first: Span | None, tokens: _Tokens
) -> tuple[str, ...]:
    start, end = span
    content = text[start:end]
    n_words = len(_WORD.findall(content))
    lemma = token.lemma_.lower()
    features = [
        f"cut={cut}",
        f"cut_lemma={cut}|{lemma}",
        f"cut_pos={cut}|{token.pos_}",
        f"cut_dep={cut}|{token.dep_}",
        f"cut_kind={cut}|{kind}",
        f"cut_len={cut}|{_bucket(n_words, (1, 2, 4, 8, 16, 32))}",
        f"kind={kind}",
    ]
    if first is not None and len(first):
        features.append(f"cut_first={cut}|{first[0].lower_ if first[0].is_stop else first[0].pos_}")
        root = first.root  # Span.root walks the span's tokens: once
        features.append(f"cut_root={cut}|{root.pos_}|{root.dep_}")
        if tokens.has_finite(first):
            features.append(f"cut_finite={cut}")
    if content.rstrip()[-1:] in '.!?"”':
        features.append(f"cut_ends_sentence={cut}")
    return tuple(features)


def _rule_features(doc: Doc, quote: Quote, cue: Token | None, cue_lemmas: dict[str, float]) -> tuple[str, ...]:
    text = doc_text(doc)
    content = text[quote.content_start : quote.content_end]
    n_words = len(_WORD.findall(content))
    speaker = None
    if quote.speaker_start is not None and quote.speaker_end is not None:
        speaker = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
    features = [
        "rule",
        f"rule={quote.source}",
        f"rule_kind={quote.source}|{quote.kind}",
        f"kind={quote.kind}",
        f"rule_len={_bucket(n_words, (1, 2, 4, 8, 16, 32))}",
        f"rule_speaker={_speaker_kind(speaker)}",
        f"rule_resolution={quote.speaker_resolution}",
        f"rule_via={quote.via_start is not None}",
    ]
    if cue is not None:
        lemma = cue.lemma_.lower()
        rate = cue_lemmas.get(lemma, 0.0)
        features += [
            f"rule_lemma={lemma}",
            f"rule_rate={_bucket(rate, (0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8))}",
            f"rule_cue_pos={cue.pos_}",
            f"rule_cue_tag={cue.tag_}",
            f"rule_source_lemma={quote.source}|{lemma}",
        ]
        if any(c.dep_ == "neg" for c in cue.children):
            features.append("rule_negated")
    else:
        features.append("rule_no_cue")
    return tuple(features)


def _rule_context(
    doc: Doc,
    text: str,
    quote: Quote,
    cue: Token,
    cue_lemmas: dict[str, float],
    bounds: list[tuple[int, int]],
    tokens: _Tokens,
) -> tuple[str, ...]:
    """A rule quote's cue and content described the way an extra cue's are (own names: other weights).

    The rules' reported speech is where most false attributions come from ("upheld the actions",
    "discuss his well-being"): what separates them is the cue word with the shape of its content.
    """
    lemma = cue.lemma_.lower()
    speaker = None
    if quote.speaker_start is not None and quote.speaker_end is not None:
        speaker = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
    cue_part = _cue_features(cue, lemma, cue_lemmas.get(lemma, 0.0), speaker, bounds[cue.i])[1:]
    span = (quote.content_start, quote.content_end)
    words = doc.char_span(*span, alignment_mode="expand")
    content = _content_features(doc, text, cue, lemma, span, words, tokens, prefix="rc")
    return tuple(f"r:{f}" for f in cue_part) + tuple(f"{quote.kind}|{f}" for f in content)


def _content_features(
    doc: Doc,
    text: str,
    cue: Token,
    lemma: str,
    span: tuple[int, int],
    content: Span | None,
    tokens: _Tokens,
    *,
    prefix: str,
    shape: str | None = None,
) -> tuple[str, ...]:
    """What the content is (a clause, a noun phrase, an infinitive) and its words, joined with the cue lemma.

    Whether annotated news calls something reported speech turns on the cue word together with what it
    governs: "warned that …" is, "warned residents" is not.
    """
    start, end = span
    if content is None or not len(content):
        return (f"{prefix}_empty",)
    root = content.root.lemma_.lower()  # each Token attribute is a look-up: read once, used twice
    first = content[0]
    shape = shape or _shape(content, tokens)
    length = _bucket(len(_WORD.findall(text[start:end])), (2, 5, 10, 20))  # the words' count, bucketed
    before = start < cue.idx
    features = [
        f"{prefix}_shape={shape}",
        f"{prefix}_lemma_shape={lemma}|{shape}",
        f"{prefix}_shape_side={shape}|{'before' if before else 'after'}",
        f"{prefix}_root={root}",
        f"{prefix}_lemma_root={lemma}|{root}",
        f"{prefix}_first={first.lower_ if first.is_stop else first.pos_}",
        f"{prefix}_lemma_len={lemma}|{length}",
        f"{prefix}_shape_len={shape}|{length}",
        f"{prefix}_ents={'+'.join(tokens.entity_types(content)[:2]) or 'none'}",
    ]
    if cue.i + 1 < len(doc):
        following = doc[cue.i + 1]
        features.append(f"{prefix}_next={lemma}|{following.lower_ if following.is_stop else following.pos_}")
    return tuple(features)


def _shape(content: Span, tokens: _Tokens) -> str:
    """What the content is: a "that" (or wh-) clause, an infinitive, a finite clause, a noun phrase or other."""
    first = content[0]
    if first.lower_ in ("that", "whether", "if", "how", "why", "what"):
        return "that"
    if first.lower_ == "to" or tokens.has_to(content):
        return "to"
    if tokens.has_finite(content):
        return "finite"
    return "np" if content.root.pos_ in ("NOUN", "PROPN", "PRON") else "other"


def _noun_holder(noun: Token) -> Span | None:
    """Who holds a message noun: its possessor ("Smith's claim"), the subject of a verb read as a noun
    ("the mayor plans to …"), or the by-phrase ("a claim by Smith")."""
    from .speakers import named_modifier, noun_phrase

    for child in noun.children:
        if child.dep_ == "poss":
            return noun_phrase(child)
    # a verb read as a noun ("the candidate plans to …", "Smith's Claim That …"): the parser gave it a subject
    # (+3 speakers on 160 PolNeAR train articles, none lost)
    subjects = [c for c in noun.children if c.dep_ == "nsubj" and c.i < noun.i]
    if subjects and not any(c.lemma_ == "be" and c.i < noun.i for c in noun.children):  # "X is the issue": a noun
        return noun_phrase(subjects[-1])
    named = named_modifier(noun)
    if named is not None:
        return named
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return noun_phrase(objects[0])
    if noun.dep_ in ("dobj", "attr") and noun.head.pos_ in ("VERB", "AUX"):
        return speaker_of(noun.head)
    return None


def _cuts(
    doc: Doc, text: str, token: Token, speaker: Span | None, bounds: tuple[int, int]
) -> list[tuple[str, tuple[int, int]]]:
    """The ways to cut the cue's content, each trimmed to the cue's paragraph and clear of cue and speaker.

    A proposal is a few runs of token indices (a subtree by its edges, the rest of the sentence), filtered
    and counted as bit masks over the cue's sentence, not as lists of indices nor as Tokens: this runs for
    every cue-like token of every article (the lists were a sixth of the learned pass).
    """
    sent_start, sent_end = bounds
    proposals: list[tuple[str, list[tuple[int, int]]]] = []
    children = list(token.children)  # walked three times below: its Tokens made once
    noun = token.pos_ == "NOUN"
    clauses = [c for c in children if c.dep_ in _CLAUSE_DEPS or (noun and c.dep_ == "acl")]
    if clauses:
        proposals.append(("comp", [_subtree(c) for c in clauses]))
    right = [_subtree(c) for c in children if c.i > token.i and c.dep_ not in ("punct", "cc", "conj")]
    if right:
        proposals.append(("right", right))
    objects = [c for c in children if c.dep_ in _OBJECT_DEPS or c.dep_ == "prep"]
    if objects:
        proposals.append(("object", [_subtree(objects[0])]))
    if token.i + 1 < sent_end:
        proposals.append(("rest", [(token.i + 1, sent_end)]))
    if (speaker is not None and speaker.start > token.i) or (token.i - sent_start) > 3:
        left_end = min(token.i, speaker.start) if speaker is not None and speaker.start < token.i else token.i
        if left_end > sent_start:
            proposals.append(("left", [(sent_start, left_end)]))
    # bit k stands for the token sent_start + k: the sentence's tokens but the cue and the speaker's
    cue = token.i - sent_start
    kept = ((1 << (sent_end - sent_start)) - 1) & ~(1 << cue)
    if speaker is not None:
        kept &= ~_bits(speaker.start - sent_start, speaker.end - sent_start)
    before_cue, after_cue = kept & ((1 << cue) - 1), kept & ~((2 << cue) - 1)
    cuts: list[tuple[str, tuple[int, int]]] = []
    seen: set[tuple[int, int]] = set()
    for cut, runs in proposals:
        # a token in two runs counts twice, as it did when a proposal was a list of indices
        masks = [_bits(s - sent_start, e - sent_start) for s, e in runs]
        n_before = sum((m & before_cue).bit_count() for m in masks)
        n_after = sum((m & after_cue).bit_count() for m in masks)
        if not n_before and not n_after:
            continue
        # one contiguous stretch: the side of the cue where most of the proposal lies
        union = 0
        for m in masks:
            union |= m
        side = union & (after_cue if n_after >= n_before else before_cue)
        if speaker is not None and n_after >= n_before and speaker.start > token.i:
            side = (side & _bits(0, speaker.start - sent_start)) or side
        first = doc[sent_start + (side & -side).bit_length() - 1]
        last = doc[sent_start + side.bit_length() - 1]
        start, end = line_part(text, (first.idx, last.idx + len(last.text)), token.idx)
        start, end = trim(text, start, end)
        if end <= start or (start, end) in seen or not _WORD.search(text[start:end]):
            continue
        seen.add((start, end))
        cuts.append((cut, (start, end)))
    return cuts


def _bits(start: int, end: int) -> int:
    """The bits ``start`` to ``end`` (exclusive) set, none where the range falls below 0.

    >>> bin(_bits(1, 4)), _bits(-2, 1), _bits(3, 3)
    ('0b1110', 1, 0)
    """
    start = max(start, 0)
    return ((1 << end) - (1 << start)) if end > start else 0


def _subtree(token: Token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i + 1


# choice ------------------------------------------------------------------------------------------------
def words_of(text: str, start: int, end: int) -> frozenset[tuple[int, int]]:
    # the matches' spans through map, not a generator: asked of nearly every cut, a frame per word showed
    return frozenset(map(_SPAN, _WORD.finditer(text, start, end)))


_SPAN = re.Match.span


def choose(
    text: str, scored: list[tuple[Candidate, float]], threshold: float, rule_threshold: float
) -> list[tuple[Candidate, float]]:
    """Per cue the most probable cut over its threshold; of two kept that share most words, the more probable.

    A rule's quote (or another cut of its cue) has a threshold of its own: the rules are precise, so the
    evidence a rule found a quote counts for more than the model's features say on their own.
    """
    best: dict[int, tuple[Candidate, float]] = {}
    for candidate, p in scored:
        if candidate.group not in best or p > best[candidate.group][1]:
            best[candidate.group] = (candidate, p)
    kept: list[tuple[Candidate, float, frozenset[tuple[int, int]]]] = []
    # the kept cuts holding each word: a cut is compared only with those it shares a word with
    holders: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for candidate, p in sorted(best.values(), key=lambda pair: -pair[1]):
        marked = candidate.features[0] == "rule" and candidate.quote.kind != "indirect"
        # words in quotation marks are evidence the model was not trained to overrule: it only judges
        # reported speech, so a quoted statement is never left without its attribution
        if not marked and p < (threshold if candidate.features[0] == "extra" else rule_threshold):
            continue
        q = candidate.quote
        mine = words_of(text, q.content_start, q.content_end)
        sharing = {k for word in mine for k in holders.get(word, ())}
        if any(len(mine & kept[k][2]) / max(1, len(mine | kept[k][2])) >= 0.5 for k in sharing):
            continue
        for word in mine:
            holders[word].append(len(kept))
        kept.append((candidate, p, mine))
    return [(c, p) for c, p, _ in kept]


def refine(doc: Doc, rule_quotes: list[Quote], model: LearnedModel | None = None) -> list[Quote]:
    """The learned model's attributions: the rules' quotes it accepts plus the extra cues it finds."""
    model = model or load_model()
    text = doc_text(doc)
    found = candidates(
        doc,
        rule_quotes,
        model.cue_lemmas,
        active=model.active_lemmas,
        vectors=model.dense is not None,
        numbers=model.forest is not None,
    )
    scored = list(zip(found, model.probabilities(found).tolist()))
    kept = choose(text, scored, model.threshold, model.rule_threshold)
    # speaker_confidence stays the rules' resolution confidence: the dev bins (speaker_probability) measure
    # whether the speaker *span* is right (PolNeAR's Source is "he" as often as a name), not whether the
    # name it resolves to is, so mapping through them would give an unresolved "he" 0.88
    quotes = [replace(c.quote, confidence=round(p, 3)) for c, p in kept if c.quote.source != "learned"]
    new = {c.quote.cue_start: round(p, 3) for c, p in kept if c.quote.source == "learned"}
    if new:
        # the model's new cues get speakers, co-speakers and relays the rules' way, beside the rules' quotes
        drafts = [as_draft(doc, c.quote) for c, _ in kept if c.quote.source == "learned"]
        quotes += [replace(q, confidence=new[q.cue_start]) for q in attribute(doc, drafts, settled=quotes)]
    quotes.sort(key=lambda q: (q.content_start, q.content_end))
    return quotes
