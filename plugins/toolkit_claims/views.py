"""Contested claims: per group, claimants by stance over time; and a corpus
overview ranking groups by how contested they are.

Both narrow to the shared selection (entities, dates, articles, claim group)
and set it: picking a group sets ``claim_group``; clicking a claim on the chart
sets ``quote`` so the article reader shows its evidence in context.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit import html as h
from toolkit.views import PAGE_ROWS, PARTS, Selection, cached, chart_widget, page_note, svg

__all__ = ["contested_claims_view", "claims_overview_view", "render_contested_claims", "render_claims_overview",
           "claim_rows", "group_summary"]

# which side of a proposition each stance takes; support and call are positions too but not on it
FOR, AGAINST = ("assert", "accuse"), ("deny",)
STANCE_ORDER = ["accuse", "assert", "support", "call", "other", "deny"]
_OVERVIEW_COLUMNS = ["contested", "proposition", "stances", "n_claimants", "n_articles", "first", "last", "group_id"]
_ALL = ("entities", "date_range", "articles", "claim_group")
_COLUMNS = ["date_start", "claimant", "stance", "proposition", "evidence", "outlet", "title", "article_id"]


def claim_rows(corpus: Any, selection: Selection | None = None, *, parts: tuple[str, ...] = ("entities", "date_range", "articles", "claim_group")) -> pd.DataFrame:
    """Claims with their claimant's name, evidence quote, article title and outlet, narrowed by the selection."""
    base = _claim_base(corpus)
    if selection is None or base.empty:
        return base.copy()
    mask = selection.mask(base, corpus, parts=parts)  # indexes of ``base`` are built once, it lives with the corpus
    return base.copy() if mask is None else base[mask]


def _claim_base(corpus: Any) -> pd.DataFrame:
    """Every claim with its names and sources, sorted as shown; built once per corpus (it is the slow part)."""
    def build() -> pd.DataFrame:
        claims = corpus.claims
        if claims.empty:
            return claims.assign(claimant=pd.Series(dtype="string"), title=pd.Series(dtype="string"),
                                 outlet=pd.Series(dtype="string"), evidence=pd.Series(dtype="string"))
        frame = claims.merge(corpus.articles[["article_id", "title", "outlet", "published"]], on="article_id", how="left")
        names = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
        fallback = frame["claimant_name"] if "claimant_name" in frame.columns else pd.Series(pd.NA, index=frame.index)
        frame["claimant"] = [names.get(e) if isinstance(e, str) and e in names else (f if isinstance(f, str) else "unknown")
                             for e, f in zip(frame["claimant_entity_id"], fallback)]
        if "evidence" not in frame.columns:
            frame["evidence"] = frame["quote_id"].map(dict(zip(corpus.quotes["quote_id"], corpus.quotes["content"])))
        return frame.sort_values(["date_start", "article_id", "claim_id"], na_position="last")

    return cached(corpus, "claims-view-base", build,
                  sources=(corpus.claims, corpus.articles, corpus.entities, corpus.quotes))


def _summary(corpus: Any, selection: Selection, parts: tuple[str, ...]) -> pd.DataFrame:
    """:func:`group_summary` of the claims the selection's ``parts`` allow, kept for the latest selection."""
    return cached(corpus, ("claims-summary", parts), lambda: group_summary(claim_rows(corpus, selection, parts=parts)),
                  sources=(_claim_base(corpus),), state=selection.key(parts))


def group_summary(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per group: how many claimants take each side, and a contestedness score.

    The score is the number of distinct claimants on the smaller side (for vs.
    against), so a group is contested only when both sides have voices.

    >>> frame = pd.DataFrame({"group_id": ["g", "g", "g"], "claimant": ["A", "B", "C"],
    ...     "stance": ["accuse", "deny", "deny"], "proposition": ["x", "x", "y"], "article_id": ["1", "2", "2"],
    ...     "date_start": ["2023-01-01", "2023-02-01", None]})
    >>> group_summary(frame)[["contested", "n_for", "n_against"]].values.tolist()
    [[1, 1, 2]]
    """
    if claims.empty:
        return pd.DataFrame(columns=["group_id", "contested", "n_claims", "n_claimants", "n_articles", "n_for",
                                     "n_against", "stances", "proposition", "first", "last"])
    # vectorised per group (one pass of groupby each), so 10 000 groups cost milliseconds, not a Python loop
    frame = claims[["group_id", "claimant", "stance", "proposition", "article_id", "date_start"]]
    groups = frame.groupby("group_id", sort=False)
    pro = frame[frame["stance"].isin(FOR)].groupby("group_id")["claimant"].nunique()
    con = frame[frame["stance"].isin(AGAINST)].groupby("group_id")["claimant"].nunique()
    out = pd.DataFrame({"n_claims": groups.size()})
    out["n_for"] = pro.reindex(out.index, fill_value=0).astype(int)
    out["n_against"] = con.reindex(out.index, fill_value=0).astype(int)
    out["contested"] = out[["n_for", "n_against"]].min(axis=1)
    out["n_claimants"] = groups["claimant"].nunique()
    out["n_articles"] = groups["article_id"].nunique()
    counts = frame.groupby(["group_id", "stance"]).size()
    text: dict[Any, list[str]] = {}
    for stance in STANCE_ORDER:  # in the fixed stance order, as "accuse 2, deny 1"
        if stance in counts.index.get_level_values(1):
            for group_id, n in counts.xs(stance, level=1).items():
                text.setdefault(group_id, []).append(f"{stance} {n}")
    out["stances"] = [", ".join(text.get(g, [])) for g in out.index]
    props = frame.dropna(subset=["proposition"]).groupby(["group_id", "proposition"]).size().reset_index(name="n")
    props = props.sort_values(["group_id", "n", "proposition"], ascending=[True, False, True]).drop_duplicates("group_id")
    out["proposition"] = out.index.map(dict(zip(props["group_id"], props["proposition"]))).fillna("")
    dates = frame["date_start"].where(frame["date_start"].notna(), None).astype("string")
    by_date = dates.groupby(frame["group_id"], sort=False)
    out["first"] = by_date.min().reindex(out.index).astype(object).where(lambda x: x.notna(), None)
    out["last"] = by_date.max().reindex(out.index).astype(object).where(lambda x: x.notna(), None)
    out = out.reset_index()[["group_id", "contested", "n_claims", "n_claimants", "n_articles", "n_for", "n_against",
                             "stances", "proposition", "first", "last"]]
    return out.sort_values(["contested", "n_claimants", "n_claims", "group_id"], ascending=[False, False, False, True])


def _shown_groups(rows: pd.DataFrame, selection: Selection | None, *, max_groups: int) -> list[str]:
    if selection is not None and selection.claim_group:
        return [selection.claim_group]
    return list(group_summary(rows)["group_id"].head(max_groups))


def _chart(rows: pd.DataFrame, *, interactive: bool) -> Any:
    import altair as alt

    base = alt.Chart(_chart_data(rows)).encode(
        x=alt.X("date_start:T", title="date"),
        y=alt.Y("stance:N", sort=STANCE_ORDER, title="stance"),
        tooltip=["claimant:N", "stance:N", "date_start:T", "proposition:N", "evidence:N", "outlet:N", "title:N"],
    )
    # shape and a text label as well as colour: stance is never shown by colour alone
    points = base.mark_point(size=120, filled=True).encode(
        color=alt.Color("stance:N", sort=STANCE_ORDER, scale=alt.Scale(
            domain=STANCE_ORDER, range=["#D55E00", "#E69F00", "#009E73", "#56B4E9", "#999999", "#0072B2"])),
        shape=alt.Shape("stance:N", sort=STANCE_ORDER))
    labels = base.mark_text(align="left", dx=8, fontSize=11).encode(text="claimant:N")
    if interactive:
        points = points.add_params(alt.selection_point(name="claim", fields=["claim_id"], on="click"))
    return alt.layer(points, labels).properties(width=560, height=200)


def _chart_data(rows: pd.DataFrame) -> pd.DataFrame:
    columns = ["claim_id", "quote_id", "date_start", "claimant", "stance", "proposition", "evidence", "outlet", "title",
               "article_id", "group_id"]
    data = rows[columns].astype(object).where(rows[columns].notna(), "")
    data["evidence"] = data["evidence"].astype(str).str.slice(0, 200)
    return data


def render_contested_claims(corpus: Any, selection: Selection | None = None, *, max_groups: int = 3, **_: Any) -> str:
    """Static contested-claims panel: per group a stance-by-time chart (SVG) and its evidence table."""
    rows = claim_rows(corpus, selection)
    if rows.empty:
        return h.section("Contested claims", '<p class="pl-muted">No claims in this selection.</p>')
    summary = group_summary(rows).set_index("group_id")
    parts = []
    for group_id in _shown_groups(rows, selection, max_groups=max_groups):
        group = rows[rows["group_id"] == group_id]
        if group.empty:
            continue
        info = summary.loc[group_id]
        parts.append(f"<h4>{h.escape(info['proposition'])} <span class=\"pl-muted\">group {h.escape(group_id)}: "
                     f"{h.escape(info['n_for'])} for, {h.escape(info['n_against'])} against</span></h4>")
        parts.append(svg(_chart(group, interactive=False)))
        parts.append(h.table(group, columns=_COLUMNS))
    return h.section("Contested claims", "".join(parts))


def render_claims_overview(corpus: Any, selection: Selection | None = None, **_: Any) -> str:
    """Static overview: claim groups ranked by how contested they are."""
    summary = group_summary(claim_rows(corpus, selection))
    return h.section("Claims overview", h.table(summary, columns=_OVERVIEW_COLUMNS))


_PICKER_GROUPS = 500  # groups offered in a picker: the most contested, and the selected one


def _offered(summary: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    top = summary.head(_PICKER_GROUPS)
    chosen = summary[(summary["group_id"] == selection.claim_group) & ~summary["group_id"].isin(top["group_id"])]
    return pd.concat([top, chosen])


def contested_claims_view(corpus: Any, selection: Selection, *, max_groups: int = 3, **_: Any) -> Any:
    """Pick a group (or let the selection do it); click a claim to show its evidence in the article reader."""
    import ipywidgets as widgets

    picker = widgets.Dropdown(description="Group")
    chart = chart_widget(_chart(claim_rows(corpus, None).head(0), interactive=True))
    table = widgets.HTML()
    syncing = {"on": False}

    spec = chart.spec  # built once; a change swaps only the data, since rebuilding the Altair chart is the slow part
    spec["data"] = {"name": "claims"}
    spec["datasets"] = {"claims": []}

    def visible() -> pd.DataFrame:
        rows = claim_rows(corpus, selection)
        if selection.claim_group:
            shown = [selection.claim_group]
        else:
            shown = list(_summary(corpus, selection, _ALL)["group_id"].head(max_groups))
        return rows[rows["group_id"].isin(shown)]

    def refresh(_: Any = None) -> None:
        rows = visible()
        summary = _summary(corpus, selection, ("entities", "date_range", "articles"))
        syncing["on"] = True
        try:
            picker.options = [("most contested", "")] + [
                (f"{str(p)[:60]} ({c} contested, {n} claims)", g)
                for g, p, c, n in _offered(summary, selection)[["group_id", "proposition", "contested", "n_claims"]]
                .itertuples(index=False, name=None)]
            picker.value = selection.claim_group if selection.claim_group in summary["group_id"].tolist() else ""
        finally:
            syncing["on"] = False
        chart.spec = {**spec, "datasets": {"claims": _chart_data(rows).to_dict("records")}}
        table.value = h.table(rows, columns=_COLUMNS) if len(rows) else '<p class="pl-muted">No claims in this selection.</p>'

    def to_group(change: Any) -> None:
        if not syncing["on"]:
            selection.claim_group = change["new"] or None

    def on_click(change: Any) -> None:
        state = (change["new"] or {}).get("claim", {})
        points = ((state.get("value") or {}).get("vlPoint") or {}).get("or", []) if isinstance(state.get("value"), dict) else []
        ids = [p.get("claim_id") for p in points if isinstance(p, dict)]
        if ids:
            quote = corpus.claims.loc[corpus.claims["claim_id"] == ids[0], "quote_id"]
            if len(quote):
                selection.quote = str(quote.iloc[0])

    picker.observe(to_group, names="value")
    chart.observe(on_click, names="_vl_selections")
    selection.on_change(refresh)
    refresh()
    box = widgets.VBox([picker, chart, table])
    box.rows = visible
    box.chart = chart
    box.picker = picker
    return box


def claims_overview_view(corpus: Any, selection: Selection, **_: Any) -> Any:
    """Groups ranked by contestedness; choosing one sets the selection's claim group."""
    import ipywidgets as widgets

    out = widgets.HTML()
    picker = widgets.Dropdown(description="Show group")
    syncing = {"on": False}

    def rows() -> pd.DataFrame:
        return _summary(corpus, selection, _ALL)

    def refresh(_: Any = None) -> None:
        summary = rows()
        syncing["on"] = True
        try:
            picker.options = [("(none)", "")] + [(f"{str(p)[:60]} — {g}", g) for g, p in
                                                  _offered(summary, selection)[["group_id", "proposition"]].itertuples(index=False, name=None)]
            picker.value = selection.claim_group if selection.claim_group in summary["group_id"].tolist() else ""
        finally:
            syncing["on"] = False
        page = summary.head(PAGE_ROWS)  # one page drawn; rows() keeps every group
        out.value = h.section("Claims overview", h.table(page, columns=_OVERVIEW_COLUMNS)) + page_note(len(page), len(summary))

    def to_group(change: Any) -> None:
        if not syncing["on"]:
            selection.claim_group = change["new"] or None

    picker.observe(to_group, names="value")
    selection.on_change(refresh)
    refresh()
    box = widgets.VBox([picker, out])
    box.rows = rows
    box.picker = picker
    return box
