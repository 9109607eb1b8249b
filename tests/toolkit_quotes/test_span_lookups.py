"""The quote rules' lookups by bisection give what a scan of everything gives (issue #20: bounded cost).

Each fast lookup is checked against the plain scan it replaced, on random texts and stretches.
"""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from toolkit_quotes.rules.marks import Stretch
from toolkit_quotes.rules.spans import clause_floor, close_quotes, next_opening, quoted_share
from toolkit_quotes.step import link_spans

_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+")


def _floor_by_scan(text: str, position: int) -> int:
    line_start = text.rfind("\n", 0, position) + 1
    floor = line_start
    for match in _SENTENCE_END.finditer(text, line_start, position):
        floor = match.end()
    return floor


def _close_by_scan(text: str, start: int, end: int, stretches: tuple[Stretch, ...]) -> tuple[int, int]:
    for stretch in stretches:
        if start <= stretch.start < end < stretch.end and stretch.paragraphs == 1:
            end = stretch.end
        if start < stretch.end <= end and stretch.start < start and not text[stretch.start : start].strip(" “„«‘\"'`"):
            start = stretch.start
    return start, end


def _stretches(rng: random.Random, size: int) -> tuple[Stretch, ...]:
    found = []
    for _ in range(rng.randint(0, 30)):
        start = rng.randrange(size - 2)
        end = rng.randint(start + 2, min(size, start + rng.choice((4, 20, 200))))
        found.append(
            Stretch(
                start=start,
                end=end,
                inner_start=start + 1,
                inner_end=end - 1,
                family="double",
                paragraphs=rng.choice((1, 1, 2)),
            )
        )
    found.sort(key=lambda s: (s.start, -s.end))  # as scan_quotes gives them
    return tuple(found)


@pytest.mark.parametrize("seed", range(40))
def test_lookups_agree_with_a_scan_of_every_stretch(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("ab  .!?”'\"“\n") for _ in range(rng.choice((50, 400, 3000))))
    stretches = _stretches(rng, len(text))
    for _ in range(50):
        start = rng.randrange(len(text))
        end = rng.randint(start, len(text))
        assert close_quotes(text, start, end, stretches) == _close_by_scan(text, start, end, stretches)
        inside = [s for s in stretches if start <= s.start and s.end <= end + 1]
        assert quoted_share(None, start, end, stretches)[1] == inside  # type: ignore[arg-type]
        following = min((s.start for s in stretches if s.start >= start), default=-1)
        assert next_opening(stretches, start, -1) == following
    for position in range(0, len(text), max(1, len(text) // 300)):
        assert clause_floor(text, position) == _floor_by_scan(text, position)


def test_a_sentence_start_far_back_in_a_long_line_is_found() -> None:
    # the backward search widens its window until it finds a sentence end or the line's start
    text = "First one. " + "word " * 5000 + "here"
    assert clause_floor(text, len(text) - 2) == len("First one. ")
    assert clause_floor("no end " * 2000, 13000) == 0


@pytest.mark.parametrize("seed", range(25))
def test_rule_span_index_answers_as_a_scan_of_every_rule_quote(seed: int) -> None:
    """The learned model's index of the rules' quotes (issue #20: it compared every cue with every quote)."""
    from toolkit_quotes.rules.learned import _RuleSpans, words_of
    from toolkit_quotes.rules.records import Quote

    rng = random.Random(seed)
    words = ["said", "the", "minister", "rockets", "were", "fired", "at", "dawn", "and", "dusk"]
    text = " ".join(rng.choice(words) for _ in range(300))
    size = len(text)
    quotes = []
    for _ in range(rng.randint(0, 25)):
        start = rng.randrange(size - 2)
        end = rng.randint(start + 1, min(size, start + rng.choice((5, 40, 400))))
        quotes.append(Quote(kind="indirect", content_start=start, content_end=end, content_parts=((start, end),)))
    index = _RuleSpans(text, quotes)
    for _ in range(60):
        point = rng.randrange(size)
        assert index.covers(point) == any(q.content_start <= point <= q.content_end for q in quotes)
        start = rng.randrange(size - 1)
        end = rng.randint(start + 1, min(size, start + 120))
        mine = words_of(text, start, end)
        by_scan = max(
            (
                len(mine & other) / len(mine | other)
                for other in (words_of(text, q.content_start, q.content_end) for q in quotes)
                if mine & other
            ),
            default=0.0,
        )
        assert index.overlap(start, end) == pytest.approx(by_scan)


# --- the corpus step's span linking (issue #22: arrays instead of a loop over every quote) ------------------
def _link_by_scan(spans: pd.DataFrame, mentions: pd.DataFrame) -> list[str | None]:
    """The entity of the mention of the same article overlapping each span most, the first in table order on a tie."""
    found: list[str | None] = []
    for aid, start, end in zip(spans["article_id"], spans["start"], spans["end"]):
        best, best_overlap = None, 0
        if not (pd.isna(aid) or pd.isna(start) or pd.isna(end)):
            for m_aid, m_start, m_end, entity in zip(
                mentions["article_id"], mentions["start"], mentions["end"], mentions["entity_id"]
            ):
                if m_aid != aid or pd.isna(entity) or pd.isna(m_start) or pd.isna(m_end):
                    continue
                overlap = min(int(m_end), int(end)) - max(int(m_start), int(start))
                if overlap > best_overlap:
                    best, best_overlap = str(entity), overlap
        found.append(best)
    return found


def _random_link_tables(rng: random.Random) -> tuple[pd.DataFrame, pd.DataFrame]:
    articles = [f"a{k}" for k in range(rng.randint(1, 4))]
    mentions = []
    for _ in range(rng.randint(1, 40)):
        start = rng.randrange(200)
        mentions.append(
            {
                "article_id": rng.choice(articles),
                "start": start,
                "end": start + rng.choice((1, 3, 8, 40)),
                "entity_id": rng.choice(["E1", "E2", "E3", None]),
            }
        )
    spans = []
    for _ in range(rng.randint(1, 30)):
        start = rng.randrange(-5, 220)
        spans.append(
            {
                "article_id": rng.choice([*articles, "elsewhere", None]),
                "start": rng.choice([start, None]) if rng.random() < 0.1 else start,
                "end": start + rng.choice((0, 1, 4, 12, 60)),
            }
        )
    return pd.DataFrame(spans), pd.DataFrame(mentions)


@pytest.mark.parametrize("seed", range(60))
def test_link_spans_gives_what_a_scan_of_every_mention_gives(seed):
    spans, mentions = _random_link_tables(random.Random(seed))
    assert link_spans(spans, mentions).tolist() == _link_by_scan(spans, mentions)


def test_speaker_of_within_a_memo_is_what_it_says_outside(nlp):
    # speaker_of is answered once per token inside the component's memo scope (issue #22): the cached
    # answers must be the plain ones, for every verb, asked twice
    from toolkit_quotes.rules.memo import per_doc_memo, verb_like_tokens
    from toolkit_quotes.rules.speakers import speaker_of

    doc = nlp(
        "The harbour master said the ferry would sail late. According to the council, repairs were approved, "
        "and a spokeswoman for the port, Ilse Varn, told reporters she expected delays. Nobody was asked."
    )
    plain = [(v.i, speaker_of(v)) for v in verb_like_tokens(doc)]
    assert any(span is not None for _, span in plain)
    with per_doc_memo(doc):
        for _ in range(2):
            cached = [(v.i, speaker_of(v)) for v in verb_like_tokens(doc)]
            assert [(i, None if s is None else (s.start, s.end)) for i, s in cached] == [
                (i, None if s is None else (s.start, s.end)) for i, s in plain
            ]
