"""The learned pass's fast paths give what the plain versions they replaced give (issue #22: per-article cost).

Each is checked against the plain version, kept here, on random hand-built parses (any tree, projective or
not, line breaks, speakers anywhere), so the model sees the same features it was trained on.
"""

from __future__ import annotations

import random
import re

import pytest
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from toolkit.sdk import doc_text
from toolkit_quotes.rules.spans import line_part, trim

_WORD = re.compile(r"\w+")
_DEPS = ["ccomp", "xcomp", "parataxis", "acl", "dobj", "attr", "prep", "pobj", "punct", "cc", "conj", "nsubj", "det"]
_WORDS = ["said", "the", "minister", "that", "rockets", "fell", ",", ".", "(", ")", "\n", "n't", "don", "late"]


def _plain_cuts(
    doc: Doc, text: str, token: Token, speaker: Span | None, bounds: tuple[int, int]
) -> list[tuple[str, tuple[int, int]]]:
    """learned._cuts as it was: each proposal a list of token indices, filtered by list comprehensions."""

    def subtree(t: Token) -> range:
        return range(t.left_edge.i, t.right_edge.i + 1)

    sent_start, sent_end = bounds
    proposals: list[tuple[str, list[int]]] = []
    children = list(token.children)
    noun = token.pos_ == "NOUN"
    clauses = [c for c in children if c.dep_ in ("ccomp", "xcomp", "parataxis") or (noun and c.dep_ == "acl")]
    if clauses:
        proposals.append(("comp", [i for c in clauses for i in subtree(c)]))
    right = [i for c in children if c.i > token.i and c.dep_ not in ("punct", "cc", "conj") for i in subtree(c)]
    if right:
        proposals.append(("right", right))
    objects = [c for c in children if c.dep_ in ("dobj", "attr", "oprd", "acomp", "pobj", "dative", "prep")]
    if objects:
        proposals.append(("object", list(subtree(objects[0]))))
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


def _random_parse(rng: random.Random) -> Doc:
    """A Doc of random words under a random tree (each word attached to one attached before it, in random
    order: crossing arcs included), so subtrees of two children may overlap as index ranges."""
    n = rng.randint(2, 40)
    words = [rng.choice(_WORDS) for _ in range(n)]
    order = list(range(n))
    rng.shuffle(order)
    heads = [0] * n
    heads[order[0]] = order[0]
    for k, i in enumerate(order[1:], start=1):
        heads[i] = order[rng.randrange(k)]
    deps = ["ROOT" if heads[i] == i else rng.choice(_DEPS) for i in range(n)]
    pos = [rng.choice(["VERB", "NOUN", "PROPN", "PUNCT"]) for _ in range(n)]
    spaces = [rng.random() < 0.8 for _ in range(n)]
    return Doc(Vocab(), words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)


@pytest.mark.parametrize("seed", range(300))
def test_cuts_agree_with_the_plain_lists_of_indices(seed: int) -> None:
    from toolkit_quotes.rules.learned import _cuts

    rng = random.Random(seed)
    doc = _random_parse(rng)
    text = doc_text(doc)
    n = len(doc)
    for _ in range(10):
        token = doc[rng.randrange(n)]
        # the sentence as the pass gives it, or any stretch around the cue (a speaker may lie outside it)
        low = rng.randint(0, token.i)
        bounds = (low, rng.randint(token.i + 1, n))
        speaker = None
        if rng.random() < 0.7:
            start = rng.randrange(n)
            speaker = doc[start : rng.randint(start + 1, min(n, start + 4))]
        assert _cuts(doc, text, token, speaker, bounds) == _plain_cuts(doc, text, token, speaker, bounds)


@pytest.mark.parametrize("seed", range(50))
def test_words_of_gives_each_word_match_in_the_window(seed: int) -> None:
    from toolkit_quotes.rules.learned import words_of

    rng = random.Random(seed)
    text = "".join(rng.choice(["ab", "c", " ", "n't", ",", "\n", "é"]) for _ in range(200))
    for _ in range(20):
        start = rng.randrange(len(text))
        end = rng.randint(start, len(text))
        plain = frozenset((m.start(), m.end()) for m in _WORD.finditer(text, start, end))
        assert words_of(text, start, end) == plain


@pytest.mark.parametrize("seed", range(50))
def test_entity_types_are_the_sorted_types_of_the_span_tokens(seed: int) -> None:
    from toolkit_quotes.rules.learned import _Tokens

    rng = random.Random(seed)
    n = rng.randint(1, 30)
    ents = [rng.choice(["", "", "PERSON", "ORG", "GPE"]) for _ in range(n)]
    doc = Doc(Vocab(), words=["w"] * n, ents=[f"B-{e}" if e else "O" for e in ents])
    tokens = _Tokens(doc)
    for _ in range(10):
        start = rng.randrange(n)
        span = doc[start : rng.randint(start, n)]
        assert tokens.entity_types(span) == sorted({t.ent_type_ for t in span if t.ent_type_})


@pytest.mark.parametrize("seed", range(20))
def test_token_lists_hold_each_tokens_tag_type_and_the_finite_verbs_before_it(seed: int) -> None:
    from toolkit_quotes.rules.learned import _Tokens

    rng = random.Random(seed)
    n = rng.randint(1, 30)
    tags = [rng.choice(["VBD", "VBZ", "NN", "MD", "DT", ""]) for _ in range(n)]
    ents = [rng.choice(["", "PERSON", "ORG"]) for _ in range(n)]
    doc = Doc(Vocab(), words=["w"] * n, tags=tags, ents=[f"B-{e}" if e else "O" for e in ents])
    tokens = _Tokens(doc)
    assert tokens.tags == [t.tag_ for t in doc] and tokens.ents == [t.ent_type_ for t in doc]
    assert tokens.finite == [sum(t.tag_ in {"VBD", "VBZ", "VBP", "MD"} for t in doc[:k]) for k in range(n + 1)]
