"""The timeline: every dated event of the coverage on one calendar.

- :func:`timeline_chart` builds the Altair spec (a testable ``to_dict()``):
  events as points (days) and bars (weeks, months, ranges) on a date axis, one
  row per entity or outlet (the row label names it, so colour is never the
  only cue), a tooltip with the sentence and the article, and a second panel
  "reported on vs happened on" (publication date against event date) that
  follows the brush. Large corpora are aggregated in Python into day, week,
  month or year bins so the browser gets at most ``max_points`` rows — never
  Altair's 5 000-row error.
- :func:`timeline_view` wraps it in ``alt.JupyterChart``: brushing sets the
  shared ``selection.date_range``, clicking an event sets the date range and
  the event's article; the event list below follows the selection.
- :func:`render_timeline` is the static version: the same chart as inline SVG
  (vl-convert, no network) and the events as an escaped table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from toolkit import Corpus
    from toolkit.sdk import Selection

__all__ = [
    "timeline_data",
    "timeline_chart",
    "timeline_view",
    "render_timeline",
    "filter_events",
    "date_range_from_brush",
    "timex_spans",
]

COLOR_BY = ("entity", "outlet")
_NO_GROUP = "(no entity)"
_BINS = ("day", "week", "month", "year")
_MAX_GROUPS = 12  # rows on the chart; the rest are folded into "other"


# ---------------------------------------------------------------------------
# data


def filter_events(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    """The events the selection allows: its entities, articles, date range (overlap) and the plugins' parts.

    Everything is kept when the selection is empty.
    """
    events = corpus.events
    keep = _event_mask(corpus, selection)
    return events if keep is None else events[keep]


def _event_mask(corpus: Corpus, selection: Selection | None) -> np.ndarray | None:
    """The row mask of :func:`filter_events` (``None``: every event)."""
    if selection is None or not len(corpus.events):
        return None
    if selection.is_empty:
        return None
    # the shared indexes: entities through entity_ids, articles, date overlap on date_start/date_end, and
    # every part another plugin adds (a claim group narrows the timeline to its claims' events or articles)
    return selection.mask(corpus.events, corpus)


def _chart_selection(selection: Selection | None, ignore_date_range: bool) -> Selection | None:
    if selection is not None and ignore_date_range and selection.date_range:
        # the chart always shows the whole time axis so the brush can be moved; only the list narrows
        from toolkit.sdk import Selection as _Selection

        return _Selection(**{p: getattr(selection, p) for p in selection.parts if p != "date_range"})
    return selection


_DATA_COLUMNS = [
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


def timeline_data(
    corpus: Corpus, selection: Selection | None = None, *, color: str = "entity", ignore_date_range: bool = True
) -> pd.DataFrame:
    """One row per event with what the chart shows: dates, group, article title, outlet, publication date."""
    _check_color(color)
    selection = _chart_selection(selection, ignore_date_range)
    keep = _event_mask(corpus, selection)
    index = _event_index(corpus)
    rows = np.arange(index.n) if keep is None else np.flatnonzero(keep)
    if not len(rows):
        return pd.DataFrame(columns=_DATA_COLUMNS)
    return _event_frame(corpus, index, rows, _group_codes(index, rows, color))


def _check_color(color: str) -> None:
    if color not in COLOR_BY:
        raise ValueError(f"color={color!r} is not supported; choose one of {', '.join(COLOR_BY)}.")


def _event_frame(corpus: Corpus, index: _EventIndex, rows: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """The :func:`timeline_data` frame of the event positions ``rows`` with their group codes."""
    from toolkit.sdk import columns_frame

    columns = {
        c: index.column(corpus, c)[rows]
        for c in ("event_id", "article_id", "date_start", "date_end", "granularity", "sentence", "timex_text")
    }
    articles = index.article_rows[rows]
    for c in ("title", "outlet", "published"):
        columns[c] = np.append(index.article_column(corpus, c), None)[articles]  # -1 (no article) reads None
    columns["group"] = index.labels[groups]
    columns["title"] = np.where(columns["title"] == None, columns["article_id"], columns["title"])  # noqa: E711
    return columns_frame({c: columns[c] for c in _DATA_COLUMNS})


def _objects(values: pd.Series | None, n: int) -> np.ndarray:
    """A column as Python objects, gaps as None (a missing column: all None)."""
    if values is None:
        return np.full(n, None, dtype=object)
    return values.astype(object).where(values.notna(), None).to_numpy(dtype=object)


@dataclass(frozen=True)
class _EventIndex:
    """Per corpus, built once: what the chart needs of each event, as arrays.

    A selection change then costs a mask, a count per entity and a few
    ``np.unique`` calls over codes, instead of Python per event.
    """

    n: int
    order: np.ndarray  # event positions in the list's order (date_start, article_id, start)
    pair_rows: np.ndarray  # (event, entity) pairs in event order: the event position ...
    pair_entities: np.ndarray  # ... and the entity code; codes follow the ids' text order (the tie-break)
    entity_labels: np.ndarray  # entity code -> label code of its name
    outlet_labels: np.ndarray  # event position -> label code of its outlet
    labels: np.ndarray  # label code -> text; codes follow the text order (the chart's row order)
    no_group: int  # label code of an event without entities
    other: int  # label code of the groups folded together
    article_rows: np.ndarray  # event position -> row in corpus.articles (-1: none)
    article_values: dict[str, pd.Series]  # title, outlet, published of corpus.articles
    start_days: np.ndarray  # event position -> code into ``start_dates`` (-1: none)
    start_dates: pd.DatetimeIndex  # the distinct date_start values, parsed once
    published_days: np.ndarray  # event position -> code into ``published_dates`` (-1: none)
    published_dates: pd.DatetimeIndex  # the distinct publication dates, parsed once
    end_days: np.ndarray  # event position -> code into ``end_dates`` (-1: none)
    end_dates: pd.DatetimeIndex  # the distinct date_end values, parsed once
    bins: dict[tuple[str, str], _Bins] = field(default_factory=dict, compare=False)  # made on first use
    iso: dict[str, np.ndarray] = field(default_factory=dict, compare=False)  # made on first use
    whole: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False)  # the unrestricted chart, kept
    objects: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, compare=False)  # columns as objects

    def column(self, corpus: Corpus, name: str) -> np.ndarray:
        """An events column as Python objects (made once: taking rows from it is then one NumPy take)."""
        if ("events", name) not in self.objects:
            events = corpus.events
            self.objects[("events", name)] = _objects(events[name] if name in events.columns else None, len(events))
        return self.objects[("events", name)]

    def article_column(self, corpus: Corpus, name: str) -> np.ndarray:
        """A corpus.articles column as Python objects, by article row."""
        if ("articles", name) not in self.objects:
            self.objects[("articles", name)] = _objects(self.article_values.get(name), len(corpus.articles))
        return self.objects[("articles", name)]


def _event_index(corpus: Corpus) -> _EventIndex:
    from toolkit.sdk import cached

    return cached(
        corpus,
        "timeline:events",
        lambda: _build_event_index(corpus),
        sources=(corpus.events, corpus.articles, corpus.entities),
    )


def _build_event_index(corpus: Corpus) -> _EventIndex:
    events, articles, entities = corpus.events, corpus.articles, corpus.entities
    rows: list[int] = []
    ids: list[str] = []
    for i, value in enumerate(events["entity_ids"].tolist() if "entity_ids" in events.columns else []):
        for ident in value if value is not None and not isinstance(value, (str, float)) else ():
            rows.append(i)
            ids.append(str(ident))
    codes, uniques = pd.factorize(pd.Series(ids, dtype=object), sort=True)
    names = dict(zip(entities["entity_id"].astype(str), entities["name"].astype(str))) if len(entities) else {}
    entity_names = [names.get(e, e) for e in uniques]
    article_ids = pd.Index(articles["article_id"].astype(object)) if len(articles) else pd.Index([], dtype=object)
    article_rows = article_ids.get_indexer(events["article_id"].astype(object)) if len(events) else np.zeros(0, int)
    article_values = {
        c: articles[c].reset_index(drop=True) for c in ("title", "outlet", "published") if c in articles.columns
    }
    outlets = article_values.get("outlet")
    outlet_text = (
        pd.Series(outlets.take(np.maximum(article_rows, 0)).to_numpy(), dtype=object).where(article_rows >= 0)
        if outlets is not None
        else pd.Series([None] * len(events), dtype=object)
    )
    outlet_text = outlet_text.fillna("(unknown outlet)").astype(str).tolist()
    labels, label_codes = np.unique(
        np.asarray([*entity_names, *outlet_text, _NO_GROUP, "other"], dtype=object), return_inverse=True
    )
    n_names = len(entity_names)
    # dates: each distinct text parsed once (the format is inferred from the first, as pandas does for a column)
    starts = events["date_start"].astype(object) if len(events) else pd.Series([], dtype=object)
    published = (
        article_values["published"].take(np.maximum(article_rows, 0)).astype(object).where(article_rows >= 0)
        if "published" in article_values and len(events)
        else pd.Series([None] * len(events), dtype=object)
    )
    start_days, start_dates = _parse_days(starts)
    published_days, published_dates = _parse_days(published)
    end_days, end_dates = _parse_days(events["date_end"].astype(object) if len(events) else pd.Series([], dtype=object))
    keys = [c for c in ("date_start", "article_id", "start") if c in events.columns]
    # a sort on several columns is stable, so this order, restricted to any subset, sorts the subset
    order = (
        events.reset_index(drop=True).sort_values(keys, kind="stable").index.to_numpy()
        if keys
        else np.arange(len(events))
    )
    return _EventIndex(
        n=len(events),
        order=order,
        pair_rows=np.asarray(rows, dtype=np.int64),
        pair_entities=codes.astype(np.int64),
        entity_labels=label_codes[:n_names],
        outlet_labels=label_codes[n_names : n_names + len(outlet_text)],
        labels=labels,
        no_group=int(label_codes[-2]),
        other=int(label_codes[-1]),
        article_rows=article_rows,
        article_values=article_values,
        start_days=start_days,
        start_dates=start_dates,
        published_days=published_days,
        published_dates=published_dates,
        end_days=end_days,
        end_dates=end_dates,
    )


def _parse_days(values: pd.Series) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """A code per value into the distinct values parsed as dates (-1: missing)."""
    codes, distinct = pd.factorize(values.reset_index(drop=True))
    return codes, pd.DatetimeIndex(pd.to_datetime(pd.Series(distinct, dtype=object), errors="coerce"))


@dataclass(frozen=True)
class _Bins:
    """The calendar bins of one date column in one unit: each distinct date's bin, and the bins' dates as text."""

    rank: np.ndarray  # distinct-date code -> bin number (the last slot, read by code -1: no date)
    bins: pd.PeriodIndex  # sorted
    start_text: np.ndarray  # bin -> first day, ISO
    end_text: np.ndarray  # bin -> last day, ISO
    start_iso: np.ndarray  # bin -> its first moment, as the chart's data has it ("2024-01-01T00:00:00")
    stop_iso: np.ndarray  # bin -> the moment after its last day

    @classmethod
    def of(cls, dates: pd.DatetimeIndex, period: str) -> _Bins:
        periods = dates.to_period(period)
        bins = pd.PeriodIndex(pd.unique(periods.dropna()), freq=period).sort_values()
        rank = bins.get_indexer(periods)
        rank = np.where(rank >= 0, rank, len(bins))  # no date sorts last, as groupby(dropna=False) puts it
        return cls(
            rank=np.append(rank, len(bins)),
            bins=bins,
            start_text=np.asarray(bins.start_time.strftime("%Y-%m-%d"), dtype=object),
            end_text=np.asarray(bins.end_time.strftime("%Y-%m-%d"), dtype=object),
            start_iso=_iso(bins.start_time),
            stop_iso=_iso(bins.end_time.normalize() + pd.Timedelta(days=1)),
        )


def _iso(moments: pd.DatetimeIndex) -> np.ndarray:
    """Moments as the chart's data holds them: Altair's full ISO text (local time in Vega); '' when missing."""
    return np.asarray(["" if m is pd.NaT else m.isoformat() for m in moments], dtype=object)


def _bins(index: _EventIndex, column: str, period: str) -> _Bins:
    """The bins of ``column`` ("start" or "published") in ``period``, made once per index."""
    key = (column, period)
    if key not in index.bins:
        index.bins[key] = _Bins.of(index.start_dates if column == "start" else index.published_dates, period)
    return index.bins[key]


def _group_codes(index: _EventIndex, rows: np.ndarray, color: str) -> np.ndarray:
    """The label code of each event in ``rows``: its outlet, or its main entity's name; the rest as "other".

    An event's main entity is the one with the most events among ``rows``
    (ties: the larger id), so the rows of the chart follow the selection.
    """
    if color == "outlet":
        groups = index.outlet_labels[rows]
    else:
        chosen = np.zeros(index.n, dtype=bool)
        chosen[rows] = True
        use = chosen[index.pair_rows]
        pair_rows, pair_entities = index.pair_rows[use], index.pair_entities[use]
        n_entities = len(index.entity_labels)
        counts = np.bincount(pair_entities, minlength=n_entities)
        score = counts[pair_entities] * max(n_entities, 1) + pair_entities
        best = np.full(index.n, -1, dtype=np.int64)
        if len(pair_rows):
            starts = np.flatnonzero(np.r_[True, pair_rows[1:] != pair_rows[:-1]])
            best[pair_rows[starts]] = np.maximum.reduceat(score, starts) % max(n_entities, 1)
        best = best[rows]
        groups = np.where(
            best >= 0, index.entity_labels[np.maximum(best, 0)] if n_entities else index.no_group, index.no_group
        )
    # the most frequent groups keep their own row (ties: the first seen, as value_counts orders them)
    top = pd.Series(groups).value_counts().index[:_MAX_GROUPS].to_numpy()
    return np.where(np.isin(groups, top), groups, index.other)


_PERIODS = {"day": "D", "week": "W-MON", "month": "M", "year": "Y"}
_DENSE_CELLS = 1_000_000  # up to this many possible chart cells (beyond 8 per event) are counted densely


def _binned(
    index: _EventIndex, rows: np.ndarray, groups: np.ndarray, max_points: int
) -> tuple[pd.DataFrame | None, str | None]:
    """Events counted per (date bin, publication bin, group) in the finest unit that fits ``max_points`` rows.

    ``None`` when the events fit as they are.
    """
    from toolkit.sdk import columns_frame

    if len(rows) <= max_points:
        return None, None
    n_labels = len(index.labels)
    for unit in _BINS:
        starts, pubs = _bins(index, "start", _PERIODS[unit]), _bins(index, "published", _PERIODS[unit])
        start, published = starts.rank[index.start_days[rows]], pubs.rank[index.published_days[rows]]
        # one int per (bin, publication bin, group), counted; in key order, which is groupby's order
        width = len(pubs.bins) + 1
        keys = (start * width + published) * n_labels + groups
        space = (len(starts.bins) + 1) * width * n_labels
        if space <= 8 * len(rows) + _DENSE_CELLS:  # few possible cells: count them all, no sort
            counts = np.bincount(keys, minlength=space)
            cells = np.flatnonzero(counts)
            counts = counts[cells]
        else:
            cells, counts = np.unique(keys, return_counts=True)
        if len(cells) <= max_points or unit == "year":
            keys, group = np.divmod(cells, n_labels)
            start, published = np.divmod(keys, width)
            dated = start < len(starts.bins)
            start, published, group, counts = start[dated], published[dated], group[dated], counts[dated]
            has_pub = published < len(pubs.bins)
            out = columns_frame(
                {
                    "event_id": None,
                    "article_id": None,
                    "date_start": starts.start_text[start],
                    "date_end": starts.end_text[start],
                    "granularity": unit,
                    "sentence": [f"{n} events in this {unit}" for n in counts.tolist()],
                    "timex_text": None,
                    "group": index.labels[group],
                    "title": None,
                    "outlet": None,
                    "published": np.where(has_pub, np.append(pubs.start_text, None)[published], None),
                    "count": counts.astype(np.int64),
                    "start": starts.start_iso[start],
                    "stop": starts.stop_iso[start],
                    "published_on": np.append(pubs.start_iso, "")[published],
                },
                index=pd.RangeIndex(len(counts)),
            )
            return out.head(max_points), unit
    raise AssertionError("unreachable: the year bin always returns")


def _chart_frame(
    corpus: Corpus, selection: Selection | None, *, color: str, max_points: int
) -> tuple[pd.DataFrame, str | None]:
    """The rows the chart draws (events, or counts per bin when there are more than ``max_points``) and the bin unit."""
    _check_color(color)
    index = _event_index(corpus)
    keep = _event_mask(corpus, _chart_selection(selection, True))
    if keep is None:  # every event: the same chart whenever the selection is cleared, so made once
        key = ("frame", color, max_points)
        if key not in index.whole:
            index.whole[key] = _chart_rows(corpus, index, np.arange(index.n), color=color, max_points=max_points)
        return index.whole[key]
    return _chart_rows(corpus, index, np.flatnonzero(keep), color=color, max_points=max_points)


def _chart_rows(
    corpus: Corpus, index: _EventIndex, rows: np.ndarray, *, color: str, max_points: int
) -> tuple[pd.DataFrame, str | None]:
    """:func:`_chart_frame` of the event positions ``rows``."""
    if not len(rows):
        data: pd.DataFrame = pd.DataFrame(columns=_DATA_COLUMNS)
        binned = None
    else:
        groups = _group_codes(index, rows, color)
        data, binned = _binned(index, rows, groups, max_points)
        if data is None:
            data = _event_frame(corpus, index, rows, groups)
    if binned is None:
        # the dates each distinct text parses to, written once per corpus (not parsed per change)
        dates = _dates_iso(index)
        data = data.assign(
            count=1,
            start=dates["start"][index.start_days[rows]] if len(rows) else [],
            # a bar covers its whole last day
            stop=dates["stop"][index.end_days[rows]] if len(rows) else [],
            published_on=dates["published"][index.published_days[rows]] if len(rows) else [],
        )
    data = data.assign(span=data["granularity"].where(data["date_start"] != data["date_end"], "day"))
    return data[data["start"].astype(bool)].reset_index(drop=True), binned


def _dates_iso(index: _EventIndex) -> dict[str, np.ndarray]:
    """Per distinct date (and code -1, the last slot: none), the chart's text for start, stop and publication."""
    if not index.iso:
        index.iso.update(
            start=np.append(_iso(index.start_dates), ""),
            stop=np.append(_iso(index.end_dates + pd.Timedelta(days=1)), ""),
            published=np.append(_iso(index.published_dates), ""),
        )
    return index.iso


# ---------------------------------------------------------------------------
# chart


def timeline_chart(
    corpus: Corpus,
    selection: Selection | None = None,
    *,
    color: str = "entity",
    max_points: int = 5000,
    width: int = 640,
    interactive: bool = True,
) -> Any:
    """The Altair chart (a ``VConcatChart``) of the corpus's events.

    With ``interactive`` it carries two parameters that ``JupyterChart`` sends
    back to Python: ``brush`` (an x interval) and ``pick`` (a clicked event).
    """
    data, binned = _chart_frame(corpus, selection, color=color, max_points=max_points)
    return _chart(
        data,
        binned=binned,
        color=color,
        width=width,
        interactive=interactive,
        pick=interactive and not binned,
    )


def _chart(
    data: Any,
    *,
    binned: str | None,
    color: str,
    width: int,
    interactive: bool,
    pick: bool,
    x_title: str | None = None,
) -> Any:
    import altair as alt

    tooltip = [
        alt.Tooltip("sentence:N", title="sentence" if not binned else "events"),
        alt.Tooltip("title:N", title="article"),
        alt.Tooltip("outlet:N", title="outlet"),
        alt.Tooltip("date_start:N", title="from"),
        alt.Tooltip("date_end:N", title="to"),
        alt.Tooltip("published:N", title="reported on"),
        alt.Tooltip("group:N", title=color),
    ]
    from toolkit.sdk import date_axis

    # rows in the groups' text order and 22 px each, both from the data (Vega-Lite's default order and a
    # height step), so the spec does not change with the selection and the live chart updates only its rows
    y = alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=220))
    # one legend for both panels, of colour and shape together (the "reported" panel's, which has no
    # rows to name its groups); the timeline's shape adds none of its own: with the bars' colour-only
    # marks in its layer it would not merge, and two legends titled alike would show
    colour = alt.Color("group:N", title=color, scale=alt.Scale(scheme="tableau10"))
    shape = alt.Shape("group:N", title=color)  # shape as well as colour: never colour alone
    unlisted_shape = alt.Shape("group:N", title=color, legend=None)
    base = alt.Chart(data)
    x_title = x_title if x_title is not None else "happened on" + (f" ({binned} bins)" if binned else "")
    x = alt.X("start:T", title=x_title, axis=date_axis())
    points = (
        base.transform_filter(alt.datum.span == "day")
        .mark_point(filled=True, opacity=0.8)
        .encode(
            x=x,
            y=y,
            color=colour,
            size=alt.Size("count:Q", legend=None, scale=alt.Scale(range=[40, 400])) if binned else alt.value(60),
            shape=unlisted_shape,
            tooltip=tooltip,
        )
        .properties(name=_POINTS_VIEW)
    )
    bars = (
        base.transform_filter(alt.datum.span != "day")
        .mark_bar(height=8, opacity=0.55)
        .encode(x=x, x2="stop:T", y=y, color=colour, tooltip=tooltip)
        .properties(name=_BARS_VIEW)
    )
    timeline = alt.layer(bars, points).properties(width=width, height=alt.Step(22), title="When things happened")
    brush = alt.selection_interval(name="brush", encodings=["x"])
    reported = (
        base.mark_point(filled=True, opacity=0.7)
        .encode(
            x=alt.X("start:T", title="happened on", axis=date_axis()),
            y=alt.Y("published_on:T", title="reported on", axis=date_axis()),
            color=colour,
            shape=shape,
            size=alt.Size("count:Q", legend=None) if binned else alt.value(50),
            tooltip=tooltip,
        )
        .properties(width=width, height=200, title="Reported on vs happened on")
    )
    if interactive:
        reported = reported.transform_filter(brush)
    chart = alt.vconcat(timeline, reported).resolve_scale(color="shared", shape="shared")
    if interactive:
        chart.params = _params(brush, pick=pick)
    return chart


# Each selection has one home, a single layer of the timeline: a parameter that Altair lifts to the top
# with both layers as its views compiles to Vega with its signals defined twice ("Duplicate signal name:
# pick_tuple", the live timeline's JavaScript error). The brush lives on the bars (an x interval spans the
# whole layer), the click on the points. Altair names a layer inside a concatenation "<name>_<position>".
_BARS_VIEW, _POINTS_VIEW, _TIMELINE_POSITION = "timeline_bars", "timeline_points", 0


def _params(brush: Any, *, pick: bool) -> list[Any]:
    import altair as alt

    def home(param: Any, view: str) -> Any:
        return alt.TopLevelSelectionParameter(
            name=param.name, select=param.param.select, views=[f"{view}_{_TIMELINE_POSITION}"]
        )

    params = [home(brush, _BARS_VIEW)]
    if pick:
        picked = alt.selection_point(name="pick", fields=["event_id"], on="click", empty=False)
        params.append(home(picked, _POINTS_VIEW))
    return params


# The live view swaps the data of one spec rather than building and validating an Altair chart per
# selection change (that costs more than all the filtering). A template is the spec of a chart whose
# data and axis title (it names the bin unit) are placeholders, filled in per change.
_DATASET = "presslens_events"
_X_TITLE = "\x00x-title"
_TEMPLATES: dict[tuple[Any, ...], dict[str, Any]] = {}
_CHART_COLUMNS = [*_DATA_COLUMNS, "count", "start", "stop", "published_on", "span"]


def _template(*, binned: bool, color: str, width: int) -> dict[str, Any]:
    from toolkit.sdk import spec_template

    key = (binned, color, width)
    if key not in _TEMPLATES:
        # the pick parameter is in every template, so the chart's selections stay the same ones
        # whether the events are binned or not (a click on a bin picks no event and is ignored)
        chart = _chart(
            pd.DataFrame(columns=_CHART_COLUMNS),
            binned="bins" if binned else None,
            color=color,
            width=width,
            interactive=True,
            pick=True,
            x_title=_X_TITLE,
        )
        _TEMPLATES[key] = spec_template(chart, _DATASET)  # validated once, here
    return _TEMPLATES[key]


def _fill(node: Any, values: dict[Any, Any]) -> Any:
    """``node`` with every placeholder replaced (a list holding only a placeholder counts as one).

    Walked with a stack of (node, the container its copy goes in, its key there), not by recursion,
    so a nesting of any depth is filled.
    """
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(node, root, 0)]
    while stack:
        item, parent, key = stack.pop()
        if isinstance(item, dict):
            copy: Any = dict.fromkeys(item)  # the keys in their order; the values are filled in below
            stack.extend((value, copy, k) for k, value in item.items())
        elif isinstance(item, list):
            if len(item) == 1 and isinstance(item[0], str) and item[0] in values:
                copy = values[item[0]]
            else:
                copy = [None] * len(item)
                stack.extend((value, copy, i) for i, value in enumerate(item))
        elif isinstance(item, (str, int)) and not isinstance(item, bool) and item in values:
            copy = values[item]
        else:
            copy = item
        parent[key] = copy
    return root[0]


def _live_spec(
    corpus: Corpus, selection: Selection | None, *, color: str, max_points: int, width: int
) -> dict[str, Any]:
    """The spec :func:`timeline_chart` gives for the view, built from a template.

    The pick parameter is always there.
    """
    from toolkit.sdk import chart_records

    index = _event_index(corpus)
    whole = ("spec", color, max_points, width)
    unrestricted = _event_mask(corpus, _chart_selection(selection, True)) is None
    if unrestricted and whole in index.whole:
        return index.whole[whole]
    data, binned = _chart_frame(corpus, selection, color=color, max_points=max_points)
    spec = _fill(
        _template(binned=binned is not None, color=color, width=width),
        {_X_TITLE: "happened on" + (f" ({binned} bins)" if binned else "")},
    )
    spec["datasets"] = {_DATASET: chart_records(data[[c for c in data.columns if c in _DRAWN]])}
    if unrestricted:
        index.whole[whole] = spec  # never changed in place: a change makes a new spec
    return spec


# the fields the chart encodes, shows in a tooltip or picks by: the live view sends only these
_DRAWN = {
    "event_id",
    "date_start",
    "date_end",
    "sentence",
    "group",
    "title",
    "outlet",
    "published",
    "count",
    "start",
    "stop",
    "published_on",
    "span",
}


# ---------------------------------------------------------------------------
# widget


def _to_iso(value: Any) -> str | None:
    """A brush end as an ISO date: Vega sends epoch milliseconds; accept dates and strings too."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not math.isnan(value):
        return datetime.fromtimestamp(value / 1000, tz=UTC).date().isoformat()
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 10:
        return value[:10]
    if isinstance(value, Mapping) and "year" in value:  # a Vega datetime object
        return date(int(value["year"]), int(value.get("month", 1)), int(value.get("date", 1))).isoformat()
    return None


def date_range_from_brush(value: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """The (start, end) ISO dates of an interval selection's value, None when it is empty.

    >>> date_range_from_brush({"start": [1697414400000, 1697760000000]})
    ('2023-10-16', '2023-10-20')
    >>> date_range_from_brush({}) is None
    True
    """
    if not value:
        return None
    ends = value.get("start") or next(iter(value.values()), None)
    if not ends or len(ends) < 2:
        return None
    first, last = _to_iso(min(ends, key=_sort_key)), _to_iso(max(ends, key=_sort_key))
    if first is None or last is None:
        return None
    return (first, last)


def _sort_key(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return value
    iso = _to_iso(value)
    return pd.Timestamp(iso).value / 1e6 if iso else 0


def timeline_view(
    corpus: Corpus,
    selection: Selection,
    *,
    color: str = "entity",
    max_points: int = 5000,
    max_rows: int = 200,
    offline: bool = True,
    **_: Any,
) -> Any:
    """The live timeline: a JupyterChart whose brush and clicks set ``selection``, and the events it allows.

    The returned widget has ``rows()`` (the events the selection allows),
    ``chart`` (the ``alt.JupyterChart``; its ``spec`` is what it draws) and
    ``color`` (a toggle: entity / outlet).
    """
    import ipywidgets as widgets

    from toolkit import html as h
    from toolkit.sdk import LiveHTML, chart_widget, columns_frame, prepare, redraws

    width = 640
    # the indexes a change reads, built with the view rather than at the reader's first pick
    prepare(corpus.events, corpus, parts=("entities", "articles", "date_range"))
    index = _event_index(corpus)
    for period in _PERIODS.values():
        _bins(index, "start", period), _bins(index, "published", period)
    _dates_iso(index)
    for binned in (False, True):  # both specs validated now: a few events or many, a change only fills one
        _template(binned=binned, color=color, width=width)
    _event_frame(corpus, index, np.arange(min(1, index.n)), np.zeros(min(1, index.n), dtype=np.int64))
    # the chart is made once, from the template with both parameters, and a change swaps its spec
    # (see _live_spec): its selections (brush, pick) then stay the ones observed below
    jchart = chart_widget(
        _chart(
            pd.DataFrame(columns=_CHART_COLUMNS),
            binned=None,
            color=color,
            width=width,
            interactive=True,
            pick=True,
        ),
        offline=offline,
    )
    toggle = widgets.ToggleButtons(options=list(COLOR_BY), value=color, description="Rows by")
    listing = LiveHTML()
    state: dict[str, Any] = {"color": color, "updating": False}

    def rows() -> pd.DataFrame:
        return state["rows"]

    def refresh_list(_: Any = None) -> None:
        events = corpus.events
        keep = _event_mask(corpus, selection)
        state["rows"] = events if keep is None else events[keep]
        index = _event_index(corpus)
        shown = index.order if keep is None else index.order[keep[index.order]]  # the list's order, kept by any subset
        table = columns_frame(
            {
                c: index.column(corpus, c)[shown[:max_rows]]
                for c in ("date_start", "date_end", "granularity", "article_id", "timex_text", "sentence")
                if c in events.columns
            }
        )
        note = "" if len(shown) <= max_rows else f" (first {max_rows} of {len(shown)})"
        listing.value = h.section(f"Events{note}", h.table(table))

    def rebuild(_: Any = None) -> None:
        spec = _live_spec(corpus, selection, color=state["color"], max_points=max_points, width=width)
        if selection.date_range and redraws(jchart, spec):
            state["redrawn"] = True  # see on_brush
        state["updating"] = True
        try:
            jchart.spec = spec
        finally:
            state["updating"] = False
        refresh_list()

    def on_brush(change: Any) -> None:
        if state["updating"]:
            return
        dates = date_range_from_brush(getattr(change["new"], "value", None))
        if dates is None and state.pop("redrawn", False):
            # the front end redraws a new spec with an empty brush and reports it: that is not the reader
            # clearing the date range, which stays (the list still narrows to it)
            return
        state.pop("redrawn", None)
        selection.date_range = dates

    def on_pick(change: Any) -> None:
        if state["updating"]:
            return
        picked = [p.get("event_id") for p in (getattr(change["new"], "value", None) or []) if p.get("event_id")]
        if not picked:
            return
        chosen = corpus.events[corpus.events["event_id"].isin(picked)]
        if len(chosen):
            with selection.hold_trait_notifications():
                selection.date_range = (str(chosen["date_start"].min()), str(chosen["date_end"].max()))
                selection.articles = sorted(set(chosen["article_id"].astype(str)))
            box.picked_events = list(picked)

    def on_toggle(change: Any) -> None:
        state["color"] = change["new"]
        rebuild()  # the first time per colour it also validates that colour's template

    selections = jchart.selections
    if selections.has_trait("brush"):
        selections.observe(on_brush, ["brush"])
    if selections.has_trait("pick"):
        selections.observe(on_pick, ["pick"])
    toggle.observe(on_toggle, "value")
    # one redraw per selection change: the chart when a part other than the date range moved (the chart
    # keeps its whole time axis for the brush), else only the list; the plugins' parts narrow both
    chart_parts = tuple(p for p in selection.parts if p != "date_range")
    seen = {"chart": selection.key(chart_parts), "list": selection.key()}

    def on_change(_: Any = None) -> None:
        chart_key, list_key = selection.key(chart_parts), selection.key()
        if chart_key != seen["chart"]:
            seen["chart"], seen["list"] = chart_key, list_key
            rebuild()
        elif list_key != seen["list"]:
            seen["list"] = list_key
            refresh_list()

    selection.on_change(on_change)
    rebuild()

    box = widgets.VBox([toggle, jchart, listing])
    box.rows = rows
    box.chart = jchart
    box.color = toggle
    box.picked_events = []
    return box


# ---------------------------------------------------------------------------
# static


def render_timeline(
    corpus: Corpus,
    selection: Selection | None = None,
    *,
    color: str = "entity",
    max_points: int = 5000,
    max_rows: int = 500,
    width: int = 640,
    **_: Any,
) -> str:
    """The timeline as static HTML: the chart as inline SVG (vl-convert, no network) and the events as a table."""
    from toolkit import html as h

    events = filter_events(corpus, selection)
    if not len(corpus.events):
        return h.section("Timeline", '<p class="pl-muted">No dated events.</p>')
    chart = timeline_chart(corpus, selection, color=color, max_points=max_points, width=width, interactive=False)
    svg = _svg(chart)
    shown = events.sort_values(["date_start", "article_id", "start"])
    table = h.table(
        shown[
            [
                c
                for c in ("date_start", "date_end", "granularity", "article_id", "timex_text", "sentence")
                if c in shown.columns
            ]
        ],
        max_rows=max_rows,
    )
    return h.section("Timeline", f'<div class="pl-chart">{svg}</div>{table}')


def _svg(chart: Any) -> str:
    import vl_convert as vlc

    spec = chart.to_dict()
    import altair as alt

    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    try:
        return vlc.vegalite_to_svg(spec, vl_version=version)
    except ValueError:  # an older vl-convert that does not know this Vega-Lite version
        return vlc.vegalite_to_svg(spec)


# ---------------------------------------------------------------------------
# the article reader's layer


def timex_spans(corpus: Corpus, article_id: str, selection: Selection | None = None) -> pd.DataFrame:
    """The reader's dates layer: each temporal expression of one article, labelled by type, its value as tooltip.

    >>> from toolkit import Corpus
    >>> timexes = pd.DataFrame({"article_id": ["a"], "start": [3], "end": [8], "text": ["March"], "type": ["DATE"],
    ...     "value": ["2023-03"]})
    >>> timex_spans(Corpus({"timexes": timexes}), "a").values.tolist()
    [[3, 8, 'DATE', 'DATE: 2023-03']]
    """
    from toolkit.sdk import cached

    def build() -> tuple[pd.DataFrame, np.ndarray]:  # sorted by article once per corpus: a slice per article
        timexes = corpus.timexes.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
        return timexes, timexes["article_id"].astype(str).to_numpy(dtype=object)

    timexes, ids = cached(corpus, "timeline:timexes-by-article", build, sources=(corpus.timexes,))
    rows = timexes.iloc[np.searchsorted(ids, str(article_id), "left") : np.searchsorted(ids, str(article_id), "right")]
    return pd.DataFrame(
        {
            "start": rows["start"].tolist(),
            "end": rows["end"].tolist(),
            "label": rows["type"].astype(object).tolist(),
            "title": [f"{t}: {v}" for t, v in zip(rows["type"].tolist(), rows["value"].tolist())],
        },
        columns=["start", "end", "label", "title"],
    )


# ---------------------------------------------------------------------------
# the report's first screen


def summary_timeline(corpus: Corpus, *, width: int = 380, height: int = 90, **_: Any) -> str:
    """The report's small timeline: dated events per month, as inline SVG (the full chart is in its section).

    Axis labels are few and horizontal (Vega drops any that would overlap), so the strip reads at a glance.
    """
    from toolkit import html as h

    events = corpus.events
    dates = pd.to_datetime(events["date_start"], errors="coerce").dropna() if len(events) else pd.Series([])
    if not len(dates):
        return ""
    import altair as alt

    months = dates.dt.to_period("M").dt.to_timestamp()
    counts = months.value_counts().sort_index()
    data = pd.DataFrame({"month": counts.index.strftime("%Y-%m-01"), "events": counts.to_numpy()})
    span_years = dates.max().year - dates.min().year
    chart = (
        alt.Chart(data)
        .mark_bar(color="#0072B2", width={"band": 1} if span_years < 1 else 3)
        .encode(
            x=alt.X(
                "month:T",
                title=None,
                axis=alt.Axis(
                    format="%Y" if span_years >= 3 else "%b %Y", labelAngle=0, labelOverlap=True, tickCount=5
                ),
            ),
            y=alt.Y("events:Q", title="events", axis=alt.Axis(tickCount=2)),
            tooltip=[alt.Tooltip("month:T", format="%B %Y"), "events:Q"],
        )
        .properties(width=width, height=height)
    )
    first, last = dates.min().date().isoformat(), dates.max().date().isoformat()
    return (
        "<h3>When things happened</h3>"
        f'<div class="pl-chart">{_svg(chart)}</div>'
        f'<p class="pl-muted">{len(dates)} dated events per month, <span class="pl-date">{h.escape(first)}</span> '
        f'to <span class="pl-date">{h.escape(last)}</span>.</p>'
    )
