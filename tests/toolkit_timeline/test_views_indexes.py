"""The timeline's per-corpus indexes give what the plain pandas code gave: same rows, groups, bins and spec.

The reference functions below are the timeline's first implementation (a
Python loop per event, a pandas groupby per change); the indexed code must
agree with them on random corpora and selections.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.pipeline import Corpus
from toolkit.views import Selection
from toolkit_timeline import views as tv

ENTITIES = [f"E{i}" for i in range(7)]
ARTICLES = [f"a{i}" for i in range(6)]


def _corpus(seed: int, n_events: int) -> Corpus:
    rng = np.random.default_rng(seed)
    articles = pd.DataFrame(
        {
            "article_id": ARTICLES,
            "path": None,
            "title": [f"T{i}" if i % 3 else None for i in range(len(ARTICLES))],
            "outlet": [["Wire", "Daily", None][i % 3] for i in range(len(ARTICLES))],
            "published": [None if i == 4 else f"2023-0{1 + i}-1{i}" for i in range(len(ARTICLES))],
            "published_source": "metadata",
            "text": "Text.",
        }
    )
    # entity names repeat on purpose: two ids with one name are one row of the chart
    entities = pd.DataFrame(
        {
            "entity_id": ENTITIES,
            "name": [f"N{i % 5}" for i in range(len(ENTITIES))],
            "label": "PERSON",
            "aliases": [[] for _ in ENTITIES],
            "n_mentions": 1,
            "n_articles": 1,
        }
    )
    start = pd.Timestamp("2022-12-01") + pd.to_timedelta(rng.integers(0, 200, n_events), unit="D")
    length = rng.choice([0, 0, 0, 3, 40], n_events)
    dated = rng.random(n_events) > 0.1
    events = pd.DataFrame(
        {
            "event_id": [f"ev{i}" for i in range(n_events)],
            "article_id": [ARTICLES[i] for i in rng.integers(0, len(ARTICLES), n_events)],
            "start": rng.integers(0, 50, n_events),
            "end": 60,
            "date_start": [s.date().isoformat() if d else None for s, d in zip(start, dated)],
            "date_end": [
                (s + pd.Timedelta(days=int(n))).date().isoformat() if d else None
                for s, n, d in zip(start, length, dated)
            ],
            "granularity": "day",
            "timex_start": 0,
            "timex_end": 4,
            "entity_ids": [
                [ENTITIES[j] for j in rng.choice(len(ENTITIES), rng.integers(0, 4), replace=True)]
                for _ in range(n_events)
            ],
            "sentence": [f"S{i}" for i in range(n_events)],
            "timex_text": "then",
        }
    )
    return Corpus({"articles": articles, "entities": entities, "events": events})


# --- the first implementation, for reference ---------------------------------------------------
def _reference_data(corpus: Corpus, selection: Selection | None, color: str) -> pd.DataFrame:
    if selection is not None and selection.date_range:
        selection = Selection(entities=list(selection.entities), articles=list(selection.articles))
    events = tv.filter_events(corpus, selection)
    columns = [
        "event_id",
        "article_id",
        "date_start",
        "date_end",
        "granularity",
        "sentence",
        "timex_text",
        "group",
        "title",
        "outlet",
        "published",
    ]
    if not len(events):
        return pd.DataFrame(columns=columns)
    frame = events.copy()
    articles = corpus.articles.set_index("article_id")
    for col in ("title", "outlet", "published"):
        frame[col] = frame["article_id"].map(articles[col])
    frame["group"] = _reference_groups(frame, corpus, color)
    frame["title"] = frame["title"].fillna(frame["article_id"])
    return frame[columns].reset_index(drop=True)


def _reference_groups(frame: pd.DataFrame, corpus: Corpus, color: str) -> pd.Series:
    if color == "outlet":
        groups = frame["outlet"].fillna("(unknown outlet)").astype(str)
    else:
        names = dict(zip(corpus.entities["entity_id"].astype(str), corpus.entities["name"].astype(str)))
        counts: dict[str, int] = {}
        for ids in frame["entity_ids"]:
            for ident in ids or ():
                counts[ident] = counts.get(ident, 0) + 1

        def main_entity(ids: Sequence[str] | None) -> str:
            if not ids:
                return "(no entity)"
            best = max(ids, key=lambda i: (counts.get(i, 0), str(i)))
            return names.get(str(best), str(best))

        groups = frame["entity_ids"].map(main_entity)
    top = groups.value_counts().index[:12]
    return groups.where(groups.isin(top), "other")


def _reference_aggregate(data: pd.DataFrame, max_points: int) -> tuple[pd.DataFrame, str | None]:
    if len(data) <= max_points:
        return data, None
    start = pd.to_datetime(data["date_start"], errors="coerce")
    published = pd.to_datetime(data["published"], errors="coerce")
    for unit in ("day", "week", "month", "year"):
        period = {"day": "D", "week": "W-MON", "month": "M", "year": "Y"}[unit]
        frame = pd.DataFrame(
            {"bin": start.dt.to_period(period), "pub": published.dt.to_period(period), "group": data["group"]}
        )
        grouped = frame.groupby(["bin", "pub", "group"], dropna=False, observed=True).size().reset_index(name="count")
        if len(grouped) <= max_points or unit == "year":
            grouped = grouped.dropna(subset=["bin"])
            out = pd.DataFrame(
                {
                    "event_id": None,
                    "article_id": None,
                    "date_start": grouped["bin"].map(lambda p: p.start_time.date().isoformat()),
                    "date_end": grouped["bin"].map(lambda p: p.end_time.date().isoformat()),
                    "granularity": unit,
                    "sentence": grouped["count"].map(lambda n, unit=unit: f"{n} events in this {unit}"),
                    "timex_text": None,
                    "group": grouped["group"],
                    "title": None,
                    "outlet": None,
                    "published": grouped["pub"].map(lambda p: p.start_time.date().isoformat() if pd.notna(p) else None),
                    "count": grouped["count"],
                }
            )
            return out.head(max_points), unit
    raise AssertionError


def _plain(frame: pd.DataFrame) -> list[list[object]]:
    """Rows as plain Python values (missing as None), so dtypes of equal content compare equal."""
    return [
        [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in row]
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]


selections = st.builds(
    lambda entities, articles, dates: Selection(entities=entities, articles=articles, date_range=dates),
    st.lists(st.sampled_from(ENTITIES + ["E-none"]), max_size=2, unique=True),
    st.lists(st.sampled_from(ARTICLES), max_size=3, unique=True),
    st.one_of(
        st.none(),
        st.tuples(st.sampled_from(["2023-01-01", "2023-02-15"]), st.sampled_from(["2023-03-01", "2023-06-30"])),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(0, 80), selection=selections, color=st.sampled_from(tv.COLOR_BY))
def test_timeline_data_equals_the_plain_pandas_version(seed, n, selection, color):
    corpus = _corpus(seed, n)
    got = tv.timeline_data(corpus, selection, color=color)
    want = _reference_data(corpus, selection, color)
    assert list(got.columns) == list(want.columns)
    assert _plain(got) == _plain(want)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 300),
    selection=selections,
    color=st.sampled_from(tv.COLOR_BY),
    max_points=st.sampled_from([3, 10, 40, 1000]),
    dense=st.booleans(),
)
def test_binned_chart_rows_equal_the_plain_pandas_version(seed, n, selection, color, max_points, dense):
    corpus = _corpus(seed, n)
    with patch.object(tv, "_DENSE_CELLS", 1_000_000 if dense else -(10**9)):  # counted densely, or sorted
        got, unit = tv._chart_frame(corpus, selection, color=color, max_points=max_points)
    want, want_unit = _reference_aggregate(_reference_data(corpus, selection, color), max_points)
    assert unit == want_unit
    columns = list(want.columns)
    want = want.assign(start=pd.to_datetime(want["date_start"], errors="coerce")).dropna(subset=["start"])
    assert _plain(got[columns]) == _plain(want[columns])
    assert len(got) <= max_points
    # the chart's moments, as Altair writes parsed dates (full ISO text, '' when missing)
    iso = lambda s: ["" if v is pd.NaT else v.isoformat() for v in s]
    assert got["start"].tolist() == iso(want["start"])
    assert got["stop"].tolist() == iso(pd.to_datetime(want["date_end"], errors="coerce") + pd.Timedelta(days=1))
    assert got["published_on"].tolist() == iso(pd.to_datetime(want["published"], errors="coerce"))


@pytest.mark.parametrize(
    "n, selection",
    [
        (40, Selection()),
        (40, Selection(entities=["E1"])),
        (3000, Selection()),
        (3000, Selection(articles=["a1", "a2"])),
    ],
    ids=["events", "events-entity", "binned", "binned-articles"],
)
def test_live_spec_is_the_altair_spec_with_its_data_swapped(n, selection):
    corpus = _corpus(3, n)
    spec = tv._live_spec(corpus, selection, color="entity", max_points=500, width=640)
    data, binned = tv._chart_frame(corpus, selection, color="entity", max_points=500)
    want = tv._chart(data, binned=binned, color="entity", width=640, interactive=True, pick=True).to_dict()
    [values] = want.pop("datasets").values()
    got_values = spec.pop("datasets")[tv._DATASET]
    # the live data holds every field the spec reads, and nothing else
    text = json.dumps(want)
    # (an axis's labelExpr reads the axis's own datum.value, not a field of the data)
    fields = set(re.findall(r'"field": "([^"]+)"', text)) | (set(re.findall(r"datum\.(\w+)", text)) - {"value"})
    fields |= {f for found in re.findall(r'"fields": \[([^\]]*)\]', text) for f in re.findall(r'"([^"]+)"', found)}
    assert got_values and fields <= set(got_values[0]) <= fields | {"count"}  # count: read when binned
    # (a gap is null in JSON; Altair leaves NaN in object columns, which JSON cannot hold)
    assert got_values == [
        {k: None if isinstance(v, float) and v != v else v for k, v in row.items() if k in fields | {"count"}}
        for row in values
    ]
    assert spec.pop("data") == {"name": tv._DATASET}
    want.pop("data")
    assert _named(spec) == _named(want)


def _named(spec: dict) -> str:
    """The spec as text with Altair's generated view names made equal (they differ from chart to chart)."""
    return re.sub(r"view_[0-9a-f]+_\d+|view_\d+", "view", json.dumps(spec, sort_keys=True))
