"""The learned attribution model: parse rules propose candidates, a logistic model accepts them.

The rules (:func:`.find.find_quotes`) find quotations well but reported speech
without quote marks only about half the time. This pass adds what a model
trained on annotated news (PolNeAR's train split; see ``MODEL_CARD.md``) knows:

1. **candidates** — every quote the rules found, and for every other token whose
   lemma was a cue in the training annotations, a few ways to cut its content
   (its clausal complement, everything after it in the sentence, its object, the
   sentence before a trailing "…, he said"); the speaker is the cue's subject or
   agent (:func:`.speakers.speaker_of`);
2. **scoring** — one linear model over sparse string features (cue lemma,
   dependency labels, position, punctuation, tense, speaker type, the cut), its
   weights a JSON file; inference is a sum of weights per candidate, no second
   model pass;
3. **choice** — per cue the best-scoring cut, kept when its calibrated
   probability reaches its threshold (one for the rules' quotes, a stricter one
   for new cues, both tuned on dev's even half); of two kept candidates whose
   contents are mostly the same words, the more probable one stays.

At run time only the cue lemmas whose candidates ever passed the threshold in
training propose new cues (``active_lemmas``): the others could not be kept, and
trying them would cost a fifth of the parse.

The probability, calibrated on PolNeAR dev (Platt scaling), is the quote's
``confidence``. :func:`candidates` is shared with the training script
(``benchmarks/train_quotes.py``), so the features seen in training are the ones
scored here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from spacy.attrs import LEMMA
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from toolkit.sdk import doc_text

from .marks import scan_quotes
from .records import Quote
from .spans import kind_for, line_part, trim
from .speakers import resolve_speaker, speaker_of

__all__ = ["Candidate", "LearnedModel", "candidates", "load_model", "refine", "WEIGHTS"]

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
    # the cue lemmas whose candidates ever passed the threshold in training: only they are tried at run
    # time, which keeps the pass cheap (None: all of ``cue_lemmas``, as in training)
    active_lemmas: frozenset[str] | None = None

    def logit(self, features: Iterable[str]) -> float:
        weights = self.weights
        return self.bias + sum(weights.get(f, 0.0) for f in features)

    def probability(self, features: Iterable[str]) -> float:
        a, b = self.platt
        return _sigmoid(a * self.logit(features) + b)

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
    return LearnedModel(
        weights={str(k): float(v) for k, v in data["weights"].items()},
        bias=float(data["bias"]),
        cue_lemmas={str(k): float(v) for k, v in data["cue_lemmas"].items()},
        threshold=float(data["threshold"]),
        rule_threshold=float(data["rule_threshold"]),
        platt=(float(data["platt"][0]), float(data["platt"][1])),
        speaker_bins=tuple((float(a), float(b)) for a, b in data.get("speaker_bins", ())),
        active_lemmas=frozenset(data["active_lemmas"]) if "active_lemmas" in data else None,
    )


# candidates -------------------------------------------------------------------------------------------
def candidates(
    doc: Doc, rule_quotes: list[Quote], cue_lemmas: dict[str, float], *, active: frozenset[str] | None = None
) -> list[Candidate]:
    """The rules' quotes and the extra cues' cuts (for lemmas in ``active``, all when None), with their features."""
    text = doc_text(doc)
    stretches, _ = scan_quotes(text)
    found: list[Candidate] = []
    rule_cues: set[int] = set()
    group = 0
    for quote in rule_quotes:
        cue = _cue_token(doc, quote)
        if cue is not None:
            rule_cues.update(t.i for t in doc.char_span(quote.cue_start, quote.cue_end, alignment_mode="expand") or ())
        own = _rule_features(doc, quote, cue, cue_lemmas)
        found.append(Candidate(quote=quote, group=group, features=own))
        group += 1
    rule_ranges = [(q.content_start, q.content_end) for q in rule_quotes]
    rule_words = [words_of(text, q.content_start, q.content_end) for q in rule_quotes]
    bounds = _sentence_bounds(doc)
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
        if any(s <= token.idx <= e for s, e in rule_ranges):
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
            overlap = 0.0
            if any(s < end and start < e for s, e in rule_ranges):
                mine = words_of(text, start, end)
                overlap = max(
                    (len(mine & other) / len(mine | other) for other in rule_words if mine & other), default=0.0
                )
            features = base + _cut_features(doc, text, token, cut, span, kind)
            features += (f"rule_overlap={_bucket(overlap, (0.0, 0.25, 0.5, 0.75))}",)
            found.append(Candidate(quote=quote, group=group, features=features))
        group += 1
    return found


def _cue_token(doc: Doc, quote: Quote) -> Token | None:
    if quote.cue_start is None or quote.cue_end is None:
        return None
    span = doc.char_span(quote.cue_start, quote.cue_end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    return sum(value > e for e in edges)


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
    children = sorted({c.dep_ for c in token.children})
    head = token.head
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
        f"speaker={_speaker_kind(speaker)}",
        f"speaker_side={'none' if speaker is None else ('before' if speaker.start < token.i else 'after')}",
        f"where={_bucket(position, (0.2, 0.5, 0.8))}",
        f"lemma_speaker={lemma}|{'none' if speaker is None else 'some'}",
        f"lemma_tag={lemma}|{token.tag_}",
    ]
    features += [f"child={d}" for d in children]
    features += [f"lemma_child={lemma}|{d}" for d in children if d in _CLAUSE_DEPS or d in _OBJECT_DEPS or d == "prep"]
    if any(c.dep_ == "neg" for c in token.children):
        features.append("negated")
    if any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "would", "could", "might", "may") for c in token.children
    ):
        features.append("modal")
    return tuple(features)


def _cut_features(doc: Doc, text: str, token: Token, cut: str, span: tuple[int, int], kind: str) -> tuple[str, ...]:
    start, end = span
    content = text[start:end]
    n_words = len(_WORD.findall(content))
    lemma = token.lemma_.lower()
    first = doc.char_span(start, end, alignment_mode="expand")
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
        features.append(f"cut_root={cut}|{first.root.pos_}|{first.root.dep_}")
        if any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in first):
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


def _noun_holder(noun: Token) -> Span | None:
    """Who holds a message noun: its possessor ("Smith's claim") or the by-phrase ("a claim by Smith")."""
    from .speakers import noun_phrase

    for child in noun.children:
        if child.dep_ == "poss":
            return noun_phrase(child)
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

    Proposals are token indices, not Tokens (a subtree by its edges): this runs for every cue-like token
    of every article, and making Token objects was most of its cost.
    """
    sent_start, sent_end = bounds
    proposals: list[tuple[str, list[int]]] = []
    clauses = [c for c in token.children if c.dep_ in _CLAUSE_DEPS or (token.pos_ == "NOUN" and c.dep_ == "acl")]
    if clauses:
        proposals.append(("comp", [i for c in clauses for i in _subtree(c)]))
    right = [i for c in token.children if c.i > token.i and c.dep_ not in ("punct", "cc", "conj") for i in _subtree(c)]
    if right:
        proposals.append(("right", right))
    objects = [c for c in token.children if c.dep_ in _OBJECT_DEPS or c.dep_ == "prep"]
    if objects:
        proposals.append(("object", list(_subtree(objects[0]))))
    if token.i + 1 < sent_end:
        proposals.append(("rest", list(range(token.i + 1, sent_end))))
    if (speaker is not None and speaker.start > token.i) or (token.i - sent_start) > 3:
        left_end = min(token.i, speaker.start) if speaker is not None and speaker.start < token.i else token.i
        if left_end > sent_start:
            proposals.append(("left", list(range(sent_start, left_end))))
    cuts: list[tuple[str, tuple[int, int]]] = []
    seen: set[tuple[int, int]] = set()
    for cut, indices in proposals:
        indices = [i for i in indices if sent_start <= i < sent_end and i != token.i]
        if speaker is not None:
            indices = [i for i in indices if not (speaker.start <= i < speaker.end)]
        if not indices:
            continue
        # one contiguous stretch: the side of the cue where most of the proposal lies
        before = [i for i in indices if i < token.i]
        after = [i for i in indices if i > token.i]
        side = after if len(after) >= len(before) else before
        if speaker is not None and side is after and speaker.start > token.i:
            side = [i for i in side if i < speaker.start] or side
        first, last = doc[min(side)], doc[max(side)]
        start, end = line_part(text, (first.idx, last.idx + len(last.text)), token.idx)
        start, end = trim(text, start, end)
        if end <= start or (start, end) in seen or not _WORD.search(text[start:end]):
            continue
        seen.add((start, end))
        cuts.append((cut, (start, end)))
    return cuts


def _subtree(token: Token) -> range:
    return range(token.left_edge.i, token.right_edge.i + 1)


# choice ------------------------------------------------------------------------------------------------
def words_of(text: str, start: int, end: int) -> frozenset[tuple[int, int]]:
    return frozenset((m.start(), m.end()) for m in _WORD.finditer(text, start, end))


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
    for candidate, p in sorted(best.values(), key=lambda pair: -pair[1]):
        marked = candidate.features[0] == "rule" and candidate.quote.kind != "indirect"
        # words in quotation marks are evidence the model was not trained to overrule: it only judges
        # reported speech, so a quoted statement is never left without its attribution
        if not marked and p < (threshold if candidate.features[0] == "extra" else rule_threshold):
            continue
        q = candidate.quote
        mine = words_of(text, q.content_start, q.content_end)
        if any(len(mine & other) / max(1, len(mine | other)) >= 0.5 for _, _, other in kept):
            continue
        kept.append((candidate, p, mine))
    return [(c, p) for c, p, _ in kept]


def refine(doc: Doc, rule_quotes: list[Quote], model: LearnedModel | None = None) -> list[Quote]:
    """The learned model's attributions: the rules' quotes it accepts plus the extra cues it finds."""
    model = model or load_model()
    text = doc_text(doc)
    scored = [
        (c, model.probability(c.features))
        for c in candidates(doc, rule_quotes, model.cue_lemmas, active=model.active_lemmas)
    ]
    quotes = []
    for candidate, p in choose(text, scored, model.threshold, model.rule_threshold):
        quote = candidate.quote
        if quote.source == "learned" and quote.speaker_start is not None and quote.speaker_end is not None:
            speaker = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
            resolution = resolve_speaker(doc, speaker, exclude_around=quote.speaker_start)
            quote = replace(
                quote,
                speaker_ref_start=resolution.ref_start,
                speaker_ref_end=resolution.ref_end,
                speaker_confidence=resolution.confidence,
                speaker_resolution=resolution.how,
            )
        # speaker_confidence stays the rules' resolution confidence: the dev bins (speaker_probability) measure
        # whether the speaker *span* is right (PolNeAR's Source is "he" as often as a name), not whether the
        # name it resolves to is, so mapping through them would give an unresolved "he" 0.88
        quote = replace(quote, confidence=round(p, 3))
        quotes.append(quote)
    quotes.sort(key=lambda q: (q.content_start, q.content_end))
    return quotes
