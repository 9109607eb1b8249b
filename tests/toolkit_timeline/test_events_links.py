"""Events are linked to mentions and quotes a block of articles at a time: the links must not
depend on the block size (one block is the single join of the whole tables)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_timeline.events import _contained

_SPAN = st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 30), st.integers(0, 12))


def _frame(spans, ids=None):
    rows = [{"article_id": a, "start": s, "end": s + n} for a, s, n in spans]
    frame = pd.DataFrame(rows, columns=["article_id", "start", "end"]).astype({"start": "Int64", "end": "Int64"})
    if ids is not None:
        frame["entity_id"] = pd.Series(ids[: len(frame)], dtype="string")
    return frame


@settings(max_examples=80, deadline=None)
@given(events=st.lists(_SPAN, max_size=12), items=st.lists(_SPAN, max_size=25),
       ids=st.lists(st.one_of(st.none(), st.sampled_from(["E1", "E2", "E3"])), min_size=25, max_size=25),
       within=st.booleans())
def test_links_do_not_depend_on_the_block_size(events, items, ids, within):
    events, items = _frame(events), _frame(items, ids)
    whole = _contained(events, items, "start", "end", "entity_id", within=within, block_rows=10**9)
    for block_rows in (1, 3, 17):
        assert _contained(events, items, "start", "end", "entity_id", within=within, block_rows=block_rows) == whole
    for k, (start, end) in enumerate(zip(events["start"], events["end"])):  # and they are the right ones
        article = events["article_id"].iloc[k]
        expected = []
        for a, s, e, i in zip(items["article_id"], items["start"], items["end"], items["entity_id"]):
            inside = (s >= start and e <= end) if within else (s < end and e > start)
            if a == article and pd.notna(i) and inside and i not in expected:
                expected.append(i)
        assert whole[k] == expected
