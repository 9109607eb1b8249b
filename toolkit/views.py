"""View composition: one shared :class:`Selection` that every view observes and may set.

Plugins declare views (``factory(corpus, selection) -> widget``, the widget has
a ``rows()`` method giving the rows it shows) and static renderers
(``render(corpus, selection=None) -> html``); the dashboard composes whatever
the installed plugins declare, with no plugin named here. The core offers a
default view for each contract table (entity table, article reader, timeline,
quote explorer); a plugin that declares a view under the same name replaces it.

Everything is filtered in Python (:meth:`Selection.narrow`) so the browser only
receives what a view shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pandas as pd
import traitlets

from . import html as h
from .registry import registry

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = ["Selection", "view", "render", "dashboard", "views", "renderers", "articles_view", "render_articles",
           "article_reader_view", "render_article_reader", "entity_table_view", "render_entity_table",
           "quote_explorer_view", "render_quote_explorer", "timeline_view", "render_timeline", "chart_widget",
           "interval_to_dates", "svg"]

PARTS = ("entities", "date_range", "articles", "quote", "claim_group")
# Columns through which a row of any table refers to entities (contract names; plugins' tables reuse them).
ENTITY_COLUMNS = ("entity_id", "speaker_entity_id", "claimant_entity_id", "via_entity_id", "about_entity_ids",
                  "entity_ids")


class Selection(traitlets.HasTraits):
    """What the reader has picked; every view narrows to it.

    Empty lists / ``None`` mean "no restriction".

    >>> s = Selection(entities=["E1"])
    >>> s.is_empty
    False
    >>> frame = pd.DataFrame({"article_id": ["a", "b"], "speaker_entity_id": ["E1", "E2"]})
    >>> s.narrow(frame, corpus=None)["article_id"].tolist()
    ['a']
    """

    entities = traitlets.List(traitlets.Unicode())
    date_range = traitlets.Tuple(allow_none=True, default_value=None)  # (start ISO, end ISO), inclusive
    articles = traitlets.List(traitlets.Unicode())
    quote = traitlets.Unicode(allow_none=True, default_value=None)
    claim_group = traitlets.Unicode(allow_none=True, default_value=None)

    @property
    def is_empty(self) -> bool:
        return not (self.entities or self.date_range or self.articles or self.quote or self.claim_group)

    def clear(self) -> None:
        with self.hold_trait_notifications():
            self.entities, self.date_range, self.articles = [], None, []
            self.quote, self.claim_group = None, None

    def state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PARTS}

    def __repr__(self) -> str:
        active = {k: v for k, v in self.state().items() if v}
        return f"Selection({', '.join(f'{k}={v!r}' for k, v in active.items())})"

    # helpers views share ------------------------------------------------------
    def article_ids(self, corpus: Corpus) -> set[str] | None:
        """Articles allowed by the article and date-range parts of the selection (``None``: all)."""
        allowed: set[str] | None = set(self.articles) if self.articles else None
        if self.date_range:
            start, end = _range(self.date_range)
            published = corpus.articles[["article_id", "published"]].dropna()
            keep = published
            if start:
                keep = keep[keep["published"].str[:10] >= start]
            if end:
                keep = keep[keep["published"].str[:10] <= end]
            ids = set(keep["article_id"])
            allowed = ids if allowed is None else allowed & ids
        return allowed

    def narrow(self, frame: pd.DataFrame, corpus: Corpus | None, *, parts: Sequence[str] = PARTS,
               date_columns: tuple[str, str] | None = None) -> pd.DataFrame:
        """``frame``'s rows that the selection allows, judged by the contract columns it has.

        ``parts`` says which parts of the selection apply (a quote explorer does
        not narrow to the one quote it selected). Rows are matched by
        ``article_id``; entities through any of :data:`ENTITY_COLUMNS` (or, for
        a table without them, the articles that mention the entity); the date
        range through ``date_columns`` (default ``date_start``/``date_end`` when
        present, else the article's publication date); the quote by
        ``quote_id`` or its article; the claim group by ``group_id`` or the
        claims' quotes and articles.
        """
        if frame is None or frame.empty or self.is_empty:
            return frame
        keep = pd.Series(True, index=frame.index)
        has_article = "article_id" in frame.columns
        if "articles" in parts and self.articles and has_article:
            keep &= frame["article_id"].isin(set(self.articles))
        if "date_range" in parts and self.date_range:
            keep &= self._date_mask(frame, corpus, date_columns)
        if "entities" in parts and self.entities:
            keep &= self._entity_mask(frame, corpus)
        if "quote" in parts and self.quote:
            if "quote_id" in frame.columns:
                keep &= frame["quote_id"] == self.quote
            elif has_article and corpus is not None:
                article = corpus.quotes.loc[corpus.quotes["quote_id"] == self.quote, "article_id"]
                keep &= frame["article_id"].isin(set(article))
        if "claim_group" in parts and self.claim_group:
            keep &= self._group_mask(frame, corpus)
        return frame[keep.fillna(False).astype(bool)]

    def _date_mask(self, frame: pd.DataFrame, corpus: Corpus | None, date_columns: tuple[str, str] | None) -> pd.Series:
        start, end = _range(self.date_range)
        first, last = date_columns or ("date_start", "date_end")
        if first in frame.columns:
            lo = frame[first].astype("string").str[:10]
            hi = frame[last].astype("string").str[:10] if last in frame.columns else lo
            hi = hi.fillna(lo)
            mask = pd.Series(True, index=frame.index)
            if start:
                mask &= hi >= start
            if end:
                mask &= lo <= end
            return mask.fillna(False)
        if "published" in frame.columns:
            published = frame["published"].astype("string").str[:10]
            mask = pd.Series(True, index=frame.index)
            if start:
                mask &= published >= start
            if end:
                mask &= published <= end
            return mask.fillna(False)
        if "article_id" in frame.columns and corpus is not None:
            return frame["article_id"].isin(Selection(date_range=self.date_range).article_ids(corpus) or set())
        return pd.Series(True, index=frame.index)

    def _entity_mask(self, frame: pd.DataFrame, corpus: Corpus | None) -> pd.Series:
        wanted = set(self.entities)
        columns = [c for c in ENTITY_COLUMNS if c in frame.columns]
        if columns:
            mask = pd.Series(False, index=frame.index)
            for column in columns:
                mask |= frame[column].map(lambda v: bool(wanted & set(_as_ids(v))))
            return mask
        if "article_id" in frame.columns and corpus is not None and len(corpus.mentions):
            mentioned = corpus.mentions.loc[corpus.mentions["entity_id"].isin(wanted), "article_id"]
            return frame["article_id"].isin(set(mentioned))
        return pd.Series(True, index=frame.index)

    def _group_mask(self, frame: pd.DataFrame, corpus: Corpus | None) -> pd.Series:
        if "group_id" in frame.columns:
            return frame["group_id"] == self.claim_group
        if corpus is None:
            return pd.Series(True, index=frame.index)
        claims = corpus.claims[corpus.claims["group_id"] == self.claim_group]
        if "quote_id" in frame.columns:
            return frame["quote_id"].isin(set(claims["quote_id"].dropna()))
        if "entity_id" in frame.columns and "article_id" not in frame.columns:  # the entities table
            ids = set(claims["claimant_entity_id"].dropna()) | {e for v in claims["about_entity_ids"] for e in _as_ids(v)}
            return frame["entity_id"].isin(ids)
        if "article_id" in frame.columns:
            return frame["article_id"].isin(set(claims["article_id"]))
        return pd.Series(True, index=frame.index)


def _range(date_range: Any) -> tuple[str | None, str | None]:
    start, end = (tuple(date_range) + (None, None))[:2]
    return (str(start)[:10] if start else None), (str(end)[:10] if end else None)


def _as_ids(value: Any) -> list[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [str(v) for v in value]
    except TypeError:
        return [str(value)]


# --- the catalog ------------------------------------------------------------------
def _core(kind: str) -> dict[str, Callable[..., Any]]:
    if kind == "views":
        return {"entity_table": entity_table_view, "article_reader": article_reader_view,
                "timeline": timeline_view, "quote_explorer": quote_explorer_view}
    return {"entity_table": render_entity_table, "article_reader": render_article_reader,
            "timeline": render_timeline, "quote_explorer": render_quote_explorer}


def _catalog(kind: str) -> dict[str, Callable[..., Any]]:
    found = _core(kind)
    for plugin in registry.all():  # a plugin's view under a core name replaces the core default
        for name, factory in getattr(plugin, kind).items():
            found[name] = factory
    return found


def views() -> list[str]:
    """Names of every view the core and the installed plugins offer."""
    return sorted(_catalog("views"))


def renderers() -> list[str]:
    """Names of every static renderer the core and the installed plugins offer."""
    return sorted(_catalog("renderers"))


def view(corpus: Corpus, name: str, *, selection: Selection | None = None, **options: Any) -> Any:
    """One view as a widget, observing ``selection`` (a new one if not given)."""
    catalog = _catalog("views")
    if name not in catalog:
        raise KeyError(f"No view named {name!r}. Available views: {', '.join(sorted(catalog))}.")
    return catalog[name](corpus, selection if selection is not None else Selection(), **options)


def render(corpus: Corpus, name: str | None = None, *, selection: Selection | None = None, **options: Any) -> str:
    """Static HTML of one renderer, or of every renderer when ``name`` is None. No kernel, no network."""
    catalog = _catalog("renderers")
    if name is not None and name not in catalog:
        raise KeyError(f"No renderer named {name!r}. Available renderers: {', '.join(sorted(catalog))}.")
    names = [name] if name else _dashboard_order(catalog)
    return "\n".join(catalog[n](corpus, selection, **options) for n in names)


def dashboard(corpus: Corpus, *, selection: Selection | None = None, views: Sequence[str] | None = None,
              static: bool = False, title: str = "PressLens dashboard") -> Any:
    """Every view around one shared selection: pick an entity and all views narrow to it.

    With ``static=True`` the same panels come back as one standalone HTML page
    (for reports and places without a kernel). The widget has ``.selection``
    and ``.panels`` (name -> view) so notebooks and tests can drive it.
    """
    selection = selection if selection is not None else Selection()
    kind = "renderers" if static else "views"
    catalog = _catalog(kind)
    unknown = [n for n in (views or ()) if n not in catalog]
    if unknown:
        raise KeyError(f"No {kind[:-1]} named {', '.join(map(repr, unknown))}. Available: {', '.join(sorted(catalog))}.")
    chosen = list(views) if views else _dashboard_order(catalog)
    if static:
        state = "" if selection.is_empty else f'<p class="pl-muted">Selection: {h.escape(repr(selection))}</p>'
        body = "".join(catalog[n](corpus, selection) for n in chosen)
        return h.page(f"<h2>{h.escape(title)}</h2>{state}{body}", title=title)
    import ipywidgets as widgets

    panels = [catalog[n](corpus, selection) for n in chosen]
    status = widgets.HTML()

    def show_selection(_: Any = None) -> None:
        status.value = f"<b>Selection:</b> {h.escape(repr(selection))}"

    selection.observe(show_selection)
    show_selection()
    clear = widgets.Button(description="Clear selection", icon="times")
    clear.on_click(lambda _: selection.clear())
    # one tab per view: a long page of every panel at once is slow to draw and hard to read;
    # the shared selection keeps the hidden tabs in step
    body = widgets.Tab(children=panels)
    for i, name in enumerate(chosen):
        body.set_title(i, name.replace("_", " "))
    box = widgets.VBox([widgets.HBox([clear, status]), body])
    box.selection = selection
    box.panels = dict(zip(chosen, panels))
    return box


def _dashboard_order(catalog: dict[str, Any]) -> list[str]:
    preferred = ["entity_table", "article_reader", "timeline", "quote_explorer", "contested_claims", "claims_overview"]
    return [n for n in preferred if n in catalog] + sorted(n for n in catalog if n not in preferred)


# --- widget helpers ------------------------------------------------------------------
def _html_view(render_rows: Callable[[], str], rows: Callable[[], pd.DataFrame], selection: Selection,
               controls: Sequence[Any] = ()) -> Any:
    """One HTML widget (plus optional controls) re-rendered when the selection changes."""
    import ipywidgets as widgets

    out = widgets.HTML()

    def refresh(_: Any = None) -> None:
        out.value = render_rows()

    selection.observe(refresh, names=list(PARTS))
    refresh()
    box = widgets.VBox([*controls, out]) if controls else out
    box.rows = rows
    box.html = out
    return box


def chart_widget(chart: Any) -> Any:
    """An ``alt.JupyterChart`` whose JavaScript comes from vl-convert, never from a CDN."""
    import altair as alt

    alt.JupyterChart.enable_offline()
    return alt.JupyterChart(chart)


def svg(chart: Any) -> str:
    """A chart as inline SVG (no kernel, no network); a note when vl-convert is missing."""
    try:
        import vl_convert as vlc
    except ImportError:
        return '<p class="pl-muted">Chart omitted: install vl-convert-python (`pip install vl-convert-python`).</p>'
    return vlc.vegalite_to_svg(chart.to_dict())


def interval_to_dates(value: Any) -> tuple[str, str] | None:
    """An Altair interval selection's value on a temporal field as ISO dates.

    Vega sends epoch milliseconds (or date strings); an empty brush is ``None``.

    >>> interval_to_dates([1696118400000, 1698710400000])
    ('2023-10-01', '2023-10-31')
    """
    if not value or len(value) < 2:
        return None

    def iso(x: Any) -> str:
        if isinstance(x, (int, float)):
            return datetime.fromtimestamp(x / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
        return str(x)[:10]

    first, last = sorted((iso(value[0]), iso(value[-1])))
    return first, last


def _str(value: Any) -> str:
    """A cell as text; missing values (None, NaN, pd.NA) as ''."""
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _articles_lookup(corpus: Corpus) -> pd.DataFrame:
    return corpus.articles[["article_id", "title", "outlet", "published"]]


# --- entity table --------------------------------------------------------------------------
def _entity_rows(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    entities = corpus.entities
    if selection is None or selection.is_empty or entities.empty:
        return entities.assign(selected=False) if "selected" not in entities.columns else entities
    mentions = selection.narrow(corpus.mentions, corpus, parts=("articles", "date_range", "quote"))
    if selection.claim_group:
        entities = selection.narrow(entities, corpus, parts=("claim_group",))
    if mentions is not corpus.mentions:
        counts = mentions.groupby("entity_id").agg(n=("article_id", "size"), a=("article_id", "nunique"))
        entities = entities[entities["entity_id"].isin(counts.index)].copy()
        entities["n_mentions"] = entities["entity_id"].map(counts["n"]).astype("Int64")
        entities["n_articles"] = entities["entity_id"].map(counts["a"]).astype("Int64")
    entities = entities.assign(selected=entities["entity_id"].isin(set(selection.entities)))
    return entities.sort_values(["selected", "n_mentions"], ascending=False)


def render_entity_table(corpus: Corpus, selection: Selection | None = None, **_: Any) -> str:
    rows = _entity_rows(corpus, selection).sort_values("n_mentions", ascending=False)
    rows = rows.assign(selected=rows["selected"].map({True: "selected", False: ""}))
    return h.section("Entities", h.table(rows, columns=["selected", "name", "label", "n_mentions", "n_articles", "aliases"]))


def entity_table_view(corpus: Corpus, selection: Selection, **_: Any) -> Any:
    import ipywidgets as widgets

    options = [(f"{n} ({lab}, {m})", e) for e, n, lab, m in
               corpus.entities.sort_values("n_mentions", ascending=False)[["entity_id", "name", "label", "n_mentions"]]
               .itertuples(index=False, name=None)]
    picker = widgets.SelectMultiple(options=options, rows=8, description="Entities")
    syncing = {"on": False}

    def to_selection(change: Any) -> None:
        if not syncing["on"]:
            selection.entities = [str(v) for v in change["new"]]

    def from_selection(change: Any) -> None:
        syncing["on"] = True
        try:
            picker.value = tuple(v for v in change["new"] if v in {o[1] for o in options})
        finally:
            syncing["on"] = False

    picker.observe(to_selection, names="value")
    selection.observe(from_selection, names="entities")
    box = _html_view(lambda: render_entity_table(corpus, selection), lambda: _entity_rows(corpus, selection),
                     selection, controls=[picker])
    box.picker = picker
    return box


# --- article reader -----------------------------------------------------------------------------
def _article_rows(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    frame = corpus.articles
    if selection is not None:
        frame = selection.narrow(frame, corpus, date_columns=("published", "published"))
    return frame.sort_values("published", na_position="last")


def _reader_spans(corpus: Corpus, article_id: str, quote_id: str | None) -> list[dict[str, Any]]:
    spans: list[dict[str, Any]] = []
    for m in corpus.mentions[corpus.mentions["article_id"] == article_id].itertuples(index=False):
        spans.append({"start": m.start, "end": m.end, "label": m.label, "title": f"{m.label}: {m.entity_id}"})
    for t in corpus.timexes[corpus.timexes["article_id"] == article_id].itertuples(index=False):
        spans.append({"start": t.start, "end": t.end, "label": t.type, "title": f"{t.type}: {t.value}"})
    quotes = corpus.quotes[corpus.quotes["article_id"] == article_id]
    for q in quotes.itertuples(index=False):
        chosen = quote_id is not None and q.quote_id == quote_id
        who = q.speaker_name if isinstance(q.speaker_name, str) else "unknown speaker"
        spans.append({"start": q.content_start, "end": q.content_end,
                      "label": "selected quote" if chosen else "content", "title": f"{q.kind} quote by {who}"})
        spans.append({"start": q.cue_start, "end": q.cue_end, "label": "cue", "title": "cue"})
        spans.append({"start": q.speaker_start, "end": q.speaker_end, "label": "speaker", "title": f"speaker: {who}"})
    return [s for s in spans if not (pd.isna(s["start"]) or pd.isna(s["end"]))]


def _reader_article(corpus: Corpus, selection: Selection | None, rows: pd.DataFrame) -> str | None:
    if selection is not None and selection.quote:
        hit = corpus.quotes.loc[corpus.quotes["quote_id"] == selection.quote, "article_id"]
        if len(hit):
            return str(hit.iloc[0])
    return str(rows["article_id"].iloc[0]) if len(rows) else None


def render_article_reader(corpus: Corpus, selection: Selection | None = None, *, max_articles: int | None = 1, **_: Any) -> str:
    """The article list and the text of the chosen article (or the selected quote's) with every span marked."""
    rows = _article_rows(corpus, selection)
    listing = h.table(rows, columns=["article_id", "published", "published_source", "outlet", "title"])
    chosen = _reader_article(corpus, selection, rows)
    ids = [chosen] if chosen and max_articles == 1 else list(rows["article_id"])[:max_articles]
    parts = []
    for article_id in ids:
        article = corpus.articles[corpus.articles["article_id"] == article_id].iloc[0]
        spans = _reader_spans(corpus, article_id, selection.quote if selection is not None else None)
        head = f"<h4>{h.escape(_str(article['title']) or article_id)} <span class=\"pl-muted\">{h.escape(article['outlet'])} {h.escape(article['published'])}</span></h4>"
        parts.append(head + "<div>" + h.highlight(str(article["text"]), spans,
                                                  colours={"selected quote": "#D55E00"}) + "</div>")
    return h.section("Articles", listing + "".join(parts))


def _reader_rows(corpus: Corpus, selection: Selection) -> pd.DataFrame:
    rows = _article_rows(corpus, selection)
    if selection.quote:  # the reader narrows to the quote's article, shown in context
        rows = selection.narrow(rows, corpus, parts=("quote",))
    return rows


def article_reader_view(corpus: Corpus, selection: Selection, **_: Any) -> Any:
    import ipywidgets as widgets

    picker = widgets.Dropdown(options=[("all articles", "")] + [
        (f"{_str(p) or '----'}  {_str(t) or a}", a) for a, t, p in
        corpus.articles.sort_values("published", na_position="last")[["article_id", "title", "published"]]
        .itertuples(index=False, name=None)], description="Article")

    def to_selection(change: Any) -> None:
        selection.articles = [change["new"]] if change["new"] else []

    picker.observe(to_selection, names="value")
    box = _html_view(lambda: render_article_reader(corpus, selection), lambda: _reader_rows(corpus, selection),
                     selection, controls=[picker])
    box.picker = picker
    return box


# kept for callers of the first core release
articles_view = article_reader_view
render_articles = render_article_reader


# --- timeline ------------------------------------------------------------------------------------------
def _timeline_rows(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    """Dated events when the timeline plugin ran, else articles by publication date."""
    events = corpus.events.dropna(subset=["date_start"]) if len(corpus.events) else corpus.events
    if len(events):
        frame = events.merge(_articles_lookup(corpus), on="article_id", how="left")
        frame = frame.assign(date=frame["date_start"].str[:10], what="event")
    else:
        frame = _articles_lookup(corpus).dropna(subset=["published"])
        frame = frame.assign(date=frame["published"].str[:10], date_start=frame["published"],
                             date_end=frame["published"], what="article published")
    if selection is not None:
        frame = selection.narrow(frame, corpus, parts=("entities", "date_range", "articles", "claim_group"))
    return frame.sort_values("date")


def _timeline_chart(rows: pd.DataFrame, *, brush: bool) -> Any:
    import altair as alt

    data = rows[["date", "what", "article_id", "title", "outlet"]].astype(object).where(rows[["date", "what", "article_id", "title", "outlet"]].notna(), "")
    chart = alt.Chart(data).mark_tick(thickness=3, size=28).encode(
        x=alt.X("date:T", title="date"),
        y=alt.Y("what:N", title=None),
        tooltip=["date:T", "what:N", "article_id:N", "title:N", "outlet:N"],
    ).properties(width=560, height=90)
    if brush:
        chart = chart.add_params(alt.selection_interval(name="brush", encodings=["x"]))
    return chart


def render_timeline(corpus: Corpus, selection: Selection | None = None, **_: Any) -> str:
    rows = _timeline_rows(corpus, selection)
    if rows.empty:
        return h.section("Timeline", '<p class="pl-muted">No dated events or articles in this selection.</p>')
    table = h.table(rows, columns=["date", "what", "article_id", "outlet", "title"], max_rows=200)
    return h.section("Timeline", svg(_timeline_chart(rows, brush=False)) + table)


def timeline_view(corpus: Corpus, selection: Selection, **_: Any) -> Any:
    """Brush the chart to set the selection's date range; it redraws with the other parts of the selection."""
    import ipywidgets as widgets

    base = _timeline_rows(corpus, None)
    chart = chart_widget(_timeline_chart(base if len(base) else base.assign(date=[]), brush=True))

    def on_brush(change: Any) -> None:
        value = change["new"].get("brush", {}).get("value") if change["new"] else None
        dates = interval_to_dates(next(iter(value.values()))) if value else None
        if dates != (tuple(selection.date_range) if selection.date_range else None):
            selection.date_range = dates

    chart.observe(on_brush, names="_vl_selections")
    table = widgets.HTML()

    def redraw(_: Any = None) -> None:
        # a new chart resets its brush; that reset must not clear the reader's date range
        chart.unobserve(on_brush, names="_vl_selections")
        try:
            chart.chart = _timeline_chart(_timeline_rows(corpus, Selection(
                entities=selection.entities, articles=selection.articles, claim_group=selection.claim_group)), brush=True)
        finally:
            chart.observe(on_brush, names="_vl_selections")
        refresh()

    def refresh(_: Any = None) -> None:
        rows = _timeline_rows(corpus, selection)
        table.value = h.table(rows, columns=["date", "what", "article_id", "outlet", "title"], max_rows=200)

    selection.observe(redraw, names=["entities", "articles", "claim_group"])
    selection.observe(refresh, names=["date_range"])
    redraw()
    box = widgets.VBox([chart, table])
    box.chart = chart
    box.rows = lambda: _timeline_rows(corpus, selection)
    return box


# --- quote explorer ------------------------------------------------------------------------------------
def _quote_rows(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    quotes = corpus.quotes.merge(_articles_lookup(corpus), on="article_id", how="left")
    if selection is not None:
        quotes = selection.narrow(quotes, corpus, parts=("entities", "date_range", "articles", "claim_group"),
                                  date_columns=("published", "published"))
    return quotes.sort_values(["published", "article_id", "content_start"], na_position="last")


def render_quote_explorer(corpus: Corpus, selection: Selection | None = None, **_: Any) -> str:
    rows = _quote_rows(corpus, selection)
    if selection is not None and selection.quote:
        rows = rows.assign(selected=(rows["quote_id"] == selection.quote).map({True: "selected", False: ""}))
    else:
        rows = rows.assign(selected="")
    return h.section("Quotes", h.table(rows, columns=["selected", "speaker_name", "kind", "content", "published",
                                                      "outlet", "article_id"]))


def quote_explorer_view(corpus: Corpus, selection: Selection, **_: Any) -> Any:
    import ipywidgets as widgets

    picker = widgets.Select(options=[], rows=8, description="Quote")
    syncing = {"on": False}

    def options() -> list[tuple[str, str]]:
        rows = _quote_rows(corpus, selection)
        return [(f"{s if isinstance(s, str) else '?'}: {str(c)[:80]}", q)
                for q, s, c in rows[["quote_id", "speaker_name", "content"]].itertuples(index=False, name=None)]

    def refresh_options(_: Any = None) -> None:
        syncing["on"] = True
        try:
            picker.options = options()
            picker.value = selection.quote if selection.quote in {o[1] for o in picker.options} else None
        finally:
            syncing["on"] = False

    def to_selection(change: Any) -> None:
        if not syncing["on"]:
            selection.quote = change["new"]

    picker.observe(to_selection, names="value")
    selection.observe(refresh_options, names=list(PARTS))
    refresh_options()
    box = _html_view(lambda: render_quote_explorer(corpus, selection), lambda: _quote_rows(corpus, selection),
                     selection, controls=[picker])
    box.picker = picker
    return box


def iter_ids(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values if v is not None and not (isinstance(v, float) and v != v)]
