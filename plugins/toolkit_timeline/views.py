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
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from toolkit.pipeline import Corpus
    from toolkit.views import Selection

__all__ = ["timeline_data", "timeline_chart", "timeline_view", "render_timeline", "filter_events",
           "date_range_from_brush"]

COLOR_BY = ("entity", "outlet")
_NO_GROUP = "(no entity)"
_BINS = ("day", "week", "month", "year")
_MAX_GROUPS = 12  # rows on the chart; the rest are folded into "other"


# ---------------------------------------------------------------------------
# data


def filter_events(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    """The events the selection allows: its entities, articles and date range (overlap).

    Everything is kept when the selection is empty.
    """
    events = corpus.events
    if selection is None or not len(events):
        return events
    if not (selection.entities or selection.articles or selection.date_range):
        return events
    # the shared indexes: entities through entity_ids, articles, and date overlap on date_start/date_end
    return selection.narrow(events, corpus, parts=("entities", "articles", "date_range"))


def timeline_data(corpus: Corpus, selection: Selection | None = None, *, color: str = "entity",
                  ignore_date_range: bool = True) -> pd.DataFrame:
    """One row per event with what the chart shows: dates, group, article title, outlet, publication date."""
    if color not in COLOR_BY:
        raise ValueError(f"color={color!r} is not supported; choose one of {', '.join(COLOR_BY)}.")
    if selection is not None and ignore_date_range and selection.date_range:
        # the chart always shows the whole time axis so the brush can be moved; only the list narrows
        from toolkit.views import Selection as _Selection

        selection = _Selection(entities=list(selection.entities), articles=list(selection.articles))
    events = filter_events(corpus, selection)
    columns = ["event_id", "article_id", "date_start", "date_end", "granularity", "sentence", "timex_text",
               "group", "title", "outlet", "published"]
    if not len(events):
        return pd.DataFrame(columns=columns)
    frame = events.copy()
    articles = corpus.articles.set_index("article_id") if len(corpus.articles) else pd.DataFrame()
    for col in ("title", "outlet", "published"):
        frame[col] = frame["article_id"].map(articles[col]) if col in articles.columns else None
    if "sentence" not in frame.columns:
        frame["sentence"] = None
    if "timex_text" not in frame.columns:
        frame["timex_text"] = None
    frame["group"] = _groups(frame, corpus, color)
    frame["title"] = frame["title"].fillna(frame["article_id"])
    return frame[columns].reset_index(drop=True)


def _groups(frame: pd.DataFrame, corpus: Corpus, color: str) -> pd.Series:
    if color == "outlet":
        groups = frame["outlet"].fillna("(unknown outlet)").astype(str)
    else:
        names: dict[str, str] = {}
        if len(corpus.entities):
            names = dict(zip(corpus.entities["entity_id"].astype(str), corpus.entities["name"].astype(str)))
        counts: dict[str, int] = {}
        for ids in frame["entity_ids"]:
            for ident in ids or ():
                counts[ident] = counts.get(ident, 0) + 1

        def main_entity(ids: Sequence[str] | None) -> str:
            if not ids:
                return _NO_GROUP
            best = max(ids, key=lambda i: (counts.get(i, 0), str(i)))  # the corpus's most eventful entity here
            return names.get(str(best), str(best))

        groups = frame["entity_ids"].map(main_entity)
    top = groups.value_counts().index[:_MAX_GROUPS]
    return groups.where(groups.isin(top), "other")


def _aggregate(data: pd.DataFrame, max_points: int) -> tuple[pd.DataFrame, str | None]:
    """Bin events by the finest calendar unit that keeps the rows under ``max_points``."""
    if len(data) <= max_points:
        return data, None
    start = pd.to_datetime(data["date_start"], errors="coerce")
    published = pd.to_datetime(data["published"], errors="coerce")
    for unit in _BINS:
        period = {"day": "D", "week": "W-MON", "month": "M", "year": "Y"}[unit]
        keys = start.dt.to_period(period)
        pub_keys = published.dt.to_period({"day": "D", "week": "W-MON", "month": "M", "year": "Y"}[unit])
        frame = pd.DataFrame({"bin": keys, "pub": pub_keys, "group": data["group"]})
        grouped = frame.groupby(["bin", "pub", "group"], dropna=False, observed=True).size().reset_index(name="count")
        if len(grouped) <= max_points or unit == "year":
            grouped = grouped.dropna(subset=["bin"])
            out = pd.DataFrame({
                "event_id": None,
                "article_id": None,
                "date_start": grouped["bin"].map(lambda p: p.start_time.date().isoformat()),
                "date_end": grouped["bin"].map(lambda p: p.end_time.date().isoformat()),
                "granularity": unit,
                "sentence": grouped["count"].map(lambda n: f"{n} events in this {unit}"),
                "timex_text": None,
                "group": grouped["group"],
                "title": None,
                "outlet": None,
                "published": grouped["pub"].map(lambda p: p.start_time.date().isoformat() if pd.notna(p) else None),
                "count": grouped["count"],
            })
            return out.head(max_points), unit
    return data.head(max_points), None  # unreachable: the year bin always returns


# ---------------------------------------------------------------------------
# chart


def timeline_chart(corpus: Corpus, selection: Selection | None = None, *, color: str = "entity",
                   max_points: int = 5000, width: int = 640, interactive: bool = True) -> Any:
    """The Altair chart (a ``VConcatChart``) of the corpus's events.

    With ``interactive`` it carries two parameters that ``JupyterChart`` sends
    back to Python: ``brush`` (an x interval) and ``pick`` (a clicked event).
    """
    import altair as alt

    data = timeline_data(corpus, selection, color=color)
    data, binned = _aggregate(data, max_points)
    if "count" not in data.columns:
        data = data.assign(count=1)
    data = data.assign(
        start=pd.to_datetime(data["date_start"], errors="coerce"),
        # a bar covers its whole last day
        stop=pd.to_datetime(data["date_end"], errors="coerce") + pd.Timedelta(days=1),
        published_on=pd.to_datetime(data["published"], errors="coerce"),
        span=data["granularity"].where(data["date_start"] != data["date_end"], "day"),
    )
    data = data.dropna(subset=["start"])
    groups = sorted(data["group"].dropna().unique().tolist())
    height = max(60, 22 * max(1, len(groups)))
    tooltip = [alt.Tooltip("sentence:N", title="sentence" if not binned else "events"),
               alt.Tooltip("title:N", title="article"), alt.Tooltip("outlet:N", title="outlet"),
               alt.Tooltip("date_start:N", title="from"), alt.Tooltip("date_end:N", title="to"),
               alt.Tooltip("published:N", title="reported on"), alt.Tooltip("group:N", title=color)]
    y = alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=220))
    colour = alt.Color("group:N", title=color, sort=groups, scale=alt.Scale(scheme="tableau10"))
    base = alt.Chart(data)
    brush = alt.selection_interval(name="brush", encodings=["x"])
    pick = alt.selection_point(name="pick", fields=["event_id"], on="click", empty=False)
    x_title = "happened on" + (f" ({binned} bins)" if binned else "")
    points = base.transform_filter(alt.datum.span == "day").mark_point(filled=True, opacity=0.8).encode(
        x=alt.X("start:T", title=x_title),
        y=y,
        color=colour,
        size=alt.Size("count:Q", legend=None, scale=alt.Scale(range=[40, 400])) if binned else alt.value(60),
        shape=alt.Shape("group:N", legend=None),  # shape as well as colour: never colour alone
        tooltip=tooltip,
    )
    bars = base.transform_filter(alt.datum.span != "day").mark_bar(height=8, opacity=0.55).encode(
        x=alt.X("start:T", title=x_title), x2="stop:T", y=y, color=colour, tooltip=tooltip,
    )
    timeline = alt.layer(bars, points).properties(width=width, height=height, title="When things happened")
    reported = base.mark_circle(opacity=0.7).encode(
        x=alt.X("start:T", title="happened on"),
        y=alt.Y("published_on:T", title="reported on"),
        color=colour,
        size=alt.Size("count:Q", legend=None) if binned else alt.value(50),
        tooltip=tooltip,
    ).properties(width=width, height=200, title="Reported on vs happened on")
    if interactive:
        timeline = timeline.add_params(brush)
        if not binned:
            timeline = alt.layer(bars, points.add_params(pick)).add_params(brush).properties(
                width=width, height=height, title="When things happened")
        reported = reported.transform_filter(brush)
    return alt.vconcat(timeline, reported).resolve_scale(color="shared")


# ---------------------------------------------------------------------------
# widget


def _to_iso(value: Any) -> str | None:
    """A brush end as an ISO date: Vega sends epoch milliseconds; accept dates and strings too."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not math.isnan(value):
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc).date().isoformat()
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


_OFFLINE_DONE = False


def _enable_offline() -> None:
    """Serve JupyterChart's JavaScript from vl-convert (no CDN), once per process."""
    global _OFFLINE_DONE
    if _OFFLINE_DONE:
        return
    import altair as alt

    alt.JupyterChart.enable_offline()
    _OFFLINE_DONE = True


def timeline_view(corpus: Corpus, selection: Selection, *, color: str = "entity", max_points: int = 5000,
                  max_rows: int = 200, offline: bool = True, **_: Any) -> Any:
    """The live timeline: a JupyterChart whose brush and clicks set ``selection``, and the events it allows.

    The returned widget has ``rows()`` (the events the selection allows),
    ``chart`` (the ``alt.JupyterChart``) and ``color`` (a toggle: entity / outlet).
    """
    import altair as alt
    import ipywidgets as widgets
    from toolkit import html as h

    if offline:
        _enable_offline()
    jchart = alt.JupyterChart(timeline_chart(corpus, selection, color=color, max_points=max_points))
    toggle = widgets.ToggleButtons(options=list(COLOR_BY), value=color, description="Rows by")
    listing = widgets.HTML()
    state: dict[str, Any] = {"color": color, "updating": False}

    def rows() -> pd.DataFrame:
        return state["rows"]

    def refresh_list(_: Any = None) -> None:
        found = filter_events(corpus, selection)
        state["rows"] = found
        shown = found.sort_values(["date_start", "article_id", "start"]) if len(found) else found
        table = shown.head(max_rows)[[c for c in ("date_start", "date_end", "granularity", "article_id",
                                                  "timex_text", "sentence") if c in shown.columns]]
        note = "" if len(shown) <= max_rows else f" (first {max_rows} of {len(shown)})"
        listing.value = h.section(f"Events{note}", h.table(table))

    def rebuild(_: Any = None) -> None:
        state["updating"] = True
        try:
            jchart.chart = timeline_chart(corpus, selection, color=state["color"], max_points=max_points)
        finally:
            state["updating"] = False
        refresh_list()

    def on_brush(change: Any) -> None:
        if state["updating"]:
            return
        value = getattr(change["new"], "value", None)
        selection.date_range = date_range_from_brush(value)

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
        rebuild()

    selections = jchart.selections
    if selections.has_trait("brush"):
        selections.observe(on_brush, ["brush"])
    if selections.has_trait("pick"):
        selections.observe(on_pick, ["pick"])
    toggle.observe(on_toggle, "value")
    # one redraw per selection change: the chart when its entities or articles moved, else only the list
    seen = {"chart": selection.key(("entities", "articles")), "list": selection.key(("entities", "articles", "date_range"))}

    def on_change(_: Any = None) -> None:
        chart_key, list_key = selection.key(("entities", "articles")), selection.key(("entities", "articles", "date_range"))
        if chart_key != seen["chart"]:
            seen["chart"], seen["list"] = chart_key, list_key
            rebuild()
        elif list_key != seen["list"]:
            seen["list"] = list_key
            refresh_list()

    selection.on_change(on_change)
    refresh_list()

    box = widgets.VBox([toggle, jchart, listing])
    box.rows = rows
    box.chart = jchart
    box.color = toggle
    box.picked_events = []
    return box


# ---------------------------------------------------------------------------
# static


def render_timeline(corpus: Corpus, selection: Selection | None = None, *, color: str = "entity",
                    max_points: int = 5000, max_rows: int = 500, width: int = 640, **_: Any) -> str:
    """The timeline as static HTML: the chart as inline SVG (vl-convert, no network) and the events as a table."""
    from toolkit import html as h

    events = filter_events(corpus, selection)
    if not len(corpus.events):
        return h.section("Timeline", '<p class="pl-muted">No dated events.</p>')
    chart = timeline_chart(corpus, selection, color=color, max_points=max_points, width=width, interactive=False)
    svg = _svg(chart)
    shown = events.sort_values(["date_start", "article_id", "start"])
    table = h.table(shown[[c for c in ("date_start", "date_end", "granularity", "article_id", "timex_text",
                                       "sentence") if c in shown.columns]], max_rows=max_rows)
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
