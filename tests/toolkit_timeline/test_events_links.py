"""Events are linked to mentions and quotes by binary searches over the items sorted by
(article, start): the links must be exactly those a plain scan of every pair finds, in the
items' order, each id once. Zero-length items and items sharing a start are generated on purpose."""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from toolkit_timeline.step import _contained

_SPAN = st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 30), st.integers(0, 12))


def _frame(spans, ids=None):
    rows = [{"article_id": a, "start": s, "end": s + n} for a, s, n in spans]
    frame = pd.DataFrame(rows, columns=["article_id", "start", "end"]).astype({"start": "Int64", "end": "Int64"})
    if ids is not None:
        frame["entity_id"] = pd.Series(ids[: len(frame)], dtype="string")
    return frame


@settings(max_examples=80, deadline=None)
@given(
    events=st.lists(_SPAN, max_size=12),
    items=st.lists(_SPAN, max_size=25),
    ids=st.lists(st.one_of(st.none(), st.sampled_from(["E1", "E2", "E3"])), min_size=25, max_size=25),
    within=st.booleans(),
)
# a zero-length item at the event's very end is inside it; one at its start does not overlap it
@example(
    events=[("a", 4, 6)],
    items=[("a", 10, 0), ("a", 4, 0), ("a", 3, 1)],
    ids=["E1", "E2", "E3"] + [None] * 22,
    within=True,
)
@example(
    events=[("a", 4, 6)],
    items=[("a", 10, 0), ("a", 4, 0), ("a", 3, 1)],
    ids=["E1", "E2", "E3"] + [None] * 22,
    within=False,
)
def test_links_are_those_a_scan_of_every_pair_finds(events, items, ids, within):
    events, items = _frame(events), _frame(items, ids)
    whole = _contained(events, items, "start", "end", "entity_id", within=within)
    assert len(whole) == len(events)
    for k, (start, end) in enumerate(zip(events["start"], events["end"])):  # and they are the right ones
        article = events["article_id"].iloc[k]
        expected = []
        for a, s, e, i in zip(items["article_id"], items["start"], items["end"], items["entity_id"]):
            inside = (s >= start and e <= end) if within else (s < end and e > start)
            if a == article and pd.notna(i) and inside and i not in expected:
                expected.append(i)
        assert whole[k] == expected
