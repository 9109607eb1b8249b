"""Contested claims: per group, claimants by stance over time; and a corpus
overview ranking groups by how contested they are.

Both narrow to the shared selection (entities, dates, articles, claim group)
and set it: picking a group sets ``claim_group``; clicking a claim on the chart
sets ``quote`` so the article reader shows its evidence in context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from toolkit import html as h
from toolkit.sdk import (
    PAGE_ROWS,
    DistinctPairs,
    Selection,
    cached,
    chart_widget,
    columns_frame,
    prepare,
    svg,
)

from .step import AGAINST, FOR, UNKNOWN_CLAIMANT, contest_score

__all__ = [
    "contested_claims_view",
    "claims_overview_view",
    "render_contested_claims",
    "render_claims_overview",
    "claim_rows",
    "group_summary",
]

# which side of a proposition each stance takes (FOR, AGAINST): defined once, with "contested", in
# toolkit_claims.step.contested_claims
STANCE_ORDER = ["accuse", "assert", "support", "call", "other", "deny"]
_OVERVIEW_COLUMNS = ["contested", "proposition", "stances", "n_claimants", "n_articles", "first", "last", "group_id"]
_ALL = ("entities", "date_range", "articles", "claim_group")
_COLUMNS = ["date_start", "claimant", "stance", "proposition", "evidence", "outlet", "title", "article_id"]


def claim_rows(
    corpus: Any,
    selection: Selection | None = None,
    *,
    parts: tuple[str, ...] = ("entities", "date_range", "articles", "claim_group"),
) -> pd.DataFrame:
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
            return claims.assign(
                claimant=pd.Series(dtype="string"),
                title=pd.Series(dtype="string"),
                outlet=pd.Series(dtype="string"),
                evidence=pd.Series(dtype="string"),
            )
        frame = claims.merge(
            corpus.articles[["article_id", "title", "outlet", "published"]], on="article_id", how="left"
        )
        names = dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))
        fallback = frame["claimant_name"] if "claimant_name" in frame.columns else pd.Series(pd.NA, index=frame.index)
        frame["claimant"] = [
            names.get(e) if isinstance(e, str) and e in names else (f if isinstance(f, str) else UNKNOWN_CLAIMANT)
            for e, f in zip(frame["claimant_entity_id"], fallback)
        ]
        if "evidence" not in frame.columns:
            frame["evidence"] = frame["quote_id"].map(dict(zip(corpus.quotes["quote_id"], corpus.quotes["content"])))
        return frame.sort_values(["date_start", "article_id", "claim_id"], na_position="last")

    return cached(
        corpus, "claims-view-base", build, sources=(corpus.claims, corpus.articles, corpus.entities, corpus.quotes)
    )


def _summary(corpus: Any, selection: Selection, parts: tuple[str, ...]) -> pd.DataFrame:
    """:func:`group_summary` of the claims the selection's ``parts`` allow, kept for the latest selection.

    The key holds only the parts that restrict, so the overview (every part)
    and the group picker (all but the claim group) share one result while no
    group is chosen.
    """
    base = _claim_base(corpus)

    def build() -> pd.DataFrame:
        keep = selection.mask(base, corpus, parts=parts) if not base.empty else None
        return _claim_codes(base).summary(keep)

    active = tuple((p, v) for p, v in zip(parts, selection.key(parts)) if v)
    if not active:  # no restriction: the summary of every claim, kept for as long as the claims
        return cached(base, "claims-summary-all", lambda: _claim_codes(base).summary(None), sources=(base.index,))
    return cached(corpus, "claims-summary", build, sources=(base,), state=active)


def _claim_codes(base: pd.DataFrame) -> _ClaimCodes:
    return cached(base, "claims-codes", lambda: _ClaimCodes.of(base), sources=(base.index, base.columns))


_SUMMARY_COLUMNS = [
    "group_id",
    "contested",
    "n_claims",
    "n_claimants",
    "n_articles",
    "n_for",
    "n_against",
    "stances",
    "proposition",
    "first",
    "last",
]


def group_summary(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per group: how many claimants take each side, and a contestedness score.

    The score is the number of distinct claimants on the smaller side (for vs.
    against, see :func:`toolkit_claims.step.contested_claims`), so a group is
    contested only when both sides have voices.

    >>> frame = pd.DataFrame({"group_id": ["g", "g", "g"], "claimant": ["A", "B", "C"],
    ...     "stance": ["accuse", "deny", "deny"], "proposition": ["x", "x", "y"], "article_id": ["1", "2", "2"],
    ...     "date_start": ["2023-01-01", "2023-02-01", None]})
    >>> group_summary(frame)[["contested", "n_for", "n_against", "stances", "first"]].values.tolist()
    [[1, 1, 2, 'accuse 1, deny 2', '2023-01-01']]
    """
    return _ClaimCodes.of(claims).summary(None)


@dataclass(frozen=True)
class _ClaimCodes:
    """The columns :func:`group_summary` reads, as integer codes (-1: missing), built once per claims table.

    A summary of any subset of the rows then costs a few ``bincount`` calls
    instead of a pandas groupby per column: 100 000 claims in 10 000 groups
    take milliseconds. Codes of groups, propositions and dates follow their
    text order, which gives the sort's tie-break and the earliest and latest
    date for free.
    """

    group: np.ndarray
    group_ids: np.ndarray
    stance: np.ndarray
    stances: np.ndarray
    claimants: DistinctPairs
    claimant: np.ndarray  # each claim's claimant code
    unknown: int  # the code of UNKNOWN_CLAIMANT (-2 when no claim has it)
    articles: DistinctPairs
    propositions: DistinctPairs
    proposition_text: np.ndarray
    dates: DistinctPairs
    date_text: np.ndarray

    @classmethod
    def of(cls, claims: pd.DataFrame) -> _ClaimCodes:
        def codes(column: str, *, sort: bool) -> tuple[np.ndarray, np.ndarray]:
            if column not in claims.columns:
                return np.full(len(claims), -1, dtype=np.int64), np.zeros(0, dtype=object)
            found, uniques = pd.factorize(claims[column].astype(object), sort=sort, use_na_sentinel=True)
            return found.astype(np.int64), np.asarray(uniques, dtype=object)

        group, group_ids = codes("group_id", sort=True)
        stance, stances = codes("stance", sort=False)
        proposition, proposition_text = codes("proposition", sort=True)
        date, date_text = codes("date_start", sort=True)  # ISO dates compare as text, as the groupby did
        claimant, claimant_names = codes("claimant", sort=False)
        unknown = np.flatnonzero(claimant_names == UNKNOWN_CLAIMANT)
        return cls(
            group=group,
            group_ids=group_ids,
            stance=stance,
            stances=stances,
            claimants=DistinctPairs.of(group, claimant),
            claimant=claimant,
            unknown=int(unknown[0]) if len(unknown) else -2,
            articles=DistinctPairs.of(group, codes("article_id", sort=False)[0]),
            propositions=DistinctPairs.of(group, proposition),
            proposition_text=proposition_text,
            dates=DistinctPairs.of(group, date),
            date_text=np.asarray([str(d) for d in date_text], dtype=object),
        )

    @cached_property
    def group_index(self) -> pd.Index:
        """The group ids as an index (its hash table is built once)."""
        return pd.Index(self.group_ids, dtype=object)

    def summary(self, keep: np.ndarray | None) -> pd.DataFrame:
        """:func:`group_summary` of the rows ``keep`` allows (``None``: every row)."""
        rows = np.flatnonzero(self.group >= 0 if keep is None else keep & (self.group >= 0))
        if not len(rows):
            return pd.DataFrame(columns=_SUMMARY_COLUMNS)
        n_groups = len(self.group_ids)
        group = self.group[rows]
        sizes = np.bincount(group, minlength=n_groups)
        present = np.flatnonzero(sizes)  # in text order of the group ids
        # the index group_summary always had: the order in which the groups first appear
        first_row = np.full(n_groups, len(rows), dtype=np.int64)
        np.minimum.at(first_row, group, np.arange(len(rows)))
        stance = self.stance[rows]
        # a claim takes a side only when its claimant is named (see toolkit_claims.step.contest_score)
        named = rows[self.claimant[rows] != self.unknown]
        named_stance = self.stance[named]
        sides = [named[np.isin(named_stance, np.flatnonzero(np.isin(self.stances, list(s))))] for s in (FOR, AGAINST)]
        n_for, n_against = (self.claimants.distinct(side, n_groups)[present] for side in sides)
        n_voices = self.claimants.distinct(np.concatenate(sides), n_groups)[present]
        n_claims = sizes[present]
        contested = contest_score(n_for, n_against, n_voices)
        n_claimants = self.claimants.distinct(rows, n_groups)[present]
        out = columns_frame(
            {
                "group_id": self.group_ids[present],
                "contested": contested,
                "n_claims": n_claims,
                "n_claimants": n_claimants,
                "n_articles": self.articles.distinct(rows, n_groups)[present],
                "n_for": n_for,
                "n_against": n_against,
                "stances": self._stance_text(group, stance, present),
                "proposition": self._main_proposition(rows, present),
                "first": self._date(rows, present, first=True),
                "last": self._date(rows, present, first=False),
            },
            index=np.argsort(np.argsort(first_row[present], kind="stable"), kind="stable"),
        )
        # most contested first; the group id (unique, and ``present`` is in its order) settles every tie
        return out.iloc[np.lexsort((np.arange(len(present)), -n_claims, -n_claimants, -contested))]

    def _stance_text(self, group: np.ndarray, stance: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Per group, "accuse 2, deny 1": the count of each stance, in the fixed stance order."""
        width = max(len(self.stances), 1)
        known = stance >= 0
        counts = np.bincount(group[known] * width + stance[known], minlength=len(self.group_ids) * width)
        counts = counts.reshape(len(self.group_ids), width)[present]
        order = [
            (name, int(np.flatnonzero(self.stances == name)[0]))
            for name in STANCE_ORDER
            if (self.stances == name).any()
        ]
        if not order:
            return np.full(len(present), "", dtype=object)
        counts = counts[:, [code for _, code in order]]
        # few groups differ in their counts: write each distinct row of counts once (rows numbered by
        # mixed radix when that fits in an int64, which np.unique sorts far faster than rows)
        radix = counts.max(axis=0).astype(np.int64) + 1 if len(counts) else np.ones(len(order), dtype=np.int64)
        if float(np.prod(radix.astype(float))) < 2**62:
            weights = np.cumprod(np.r_[1, radix[:-1]])
            keys, inverse = np.unique(counts @ weights, return_inverse=True)
            kinds = (keys[:, None] // weights) % radix
        else:
            kinds, inverse = np.unique(counts, axis=0, return_inverse=True)
        text = np.asarray(
            [", ".join(f"{name} {n}" for (name, _), n in zip(order, row) if n) for row in kinds.tolist()], dtype=object
        )
        return text[inverse.ravel()]

    def _main_proposition(self, rows: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Per group, its most frequent proposition (ties: the first in text order); "" when none."""
        pairs = self.propositions
        counts = pairs.used(rows)
        used = np.flatnonzero(counts)
        out = np.full(len(present), "", dtype=object)
        if not len(used):
            return out
        width = max(len(self.proposition_text), 1)
        score = counts[used] * width + (width - 1 - pairs.value[used])  # more uses, then earlier text
        group = pairs.group[used]  # sorted: each group's used pairs are one run
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        best = np.full(len(self.group_ids), -1, dtype=np.int64)
        best[group[starts]] = np.maximum.reduceat(score, starts)
        best = best[present]
        found = best >= 0
        out[found] = self.proposition_text[width - 1 - best[found] % width]
        return out

    def _date(self, rows: np.ndarray, present: np.ndarray, *, first: bool) -> np.ndarray:
        best = self.dates.extreme(rows, len(self.group_ids), lowest=first)[present]
        out = np.full(len(present), None, dtype=object)
        out[best >= 0] = self.date_text[best[best >= 0]]
        return out


def _shown_groups(rows: pd.DataFrame, selection: Selection | None, *, max_groups: int) -> list[str]:
    if selection is not None and selection.claim_group:
        return [selection.claim_group]
    return list(group_summary(rows)["group_id"].head(max_groups))


# One look per stance in every chart: colour (Okabe-Ito, safe for colour-blind readers) and shape, given
# for both channels with one domain, so Vega-Lite draws a single "stance" legend and a stance keeps its
# colour and shape whatever subset of stances a chart happens to show.
STANCE_COLOURS = {
    "accuse": "#D55E00",
    "assert": "#E69F00",
    "support": "#009E73",
    "call": "#56B4E9",
    "other": "#999999",
    "deny": "#0072B2",
}
STANCE_SHAPES = {
    "accuse": "triangle-up",
    "assert": "circle",
    "support": "square",
    "call": "diamond",
    "other": "cross",
    "deny": "triangle-down",
}


def stance_encodings() -> dict[str, Any]:
    """The ``color`` and ``shape`` channels of a chart that shows stance (one legend, titled "stance")."""
    import altair as alt

    return {
        "color": alt.Color(
            "stance:N",
            title="stance",
            scale=alt.Scale(domain=STANCE_ORDER, range=[STANCE_COLOURS[s] for s in STANCE_ORDER]),
        ),
        "shape": alt.Shape(
            "stance:N",
            title="stance",
            scale=alt.Scale(domain=STANCE_ORDER, range=[STANCE_SHAPES[s] for s in STANCE_ORDER]),
        ),
    }


def _attributed(rows: pd.DataFrame) -> pd.DataFrame:
    """The claims with a known claimant: a claim nobody is named for is counted, never drawn as an actor."""
    return rows[rows["claimant"].astype(object).ne(UNKNOWN_CLAIMANT).to_numpy(dtype=bool)]


def _unattributed_note(rows: pd.DataFrame) -> str:
    n = int(len(rows) - len(_attributed(rows)))
    return f"{n} claim{'s' if n != 1 else ''} with no named claimant not shown" if n else ""


def _chart(rows: pd.DataFrame, *, interactive: bool) -> Any:
    """Claims of a group: one row per claimant, the date across, the stance as colour and shape."""
    import altair as alt

    from toolkit.sdk import date_axis

    note = _unattributed_note(rows)
    base = alt.Chart(_chart_data(_attributed(rows))).encode(
        x=alt.X("date_start:T", title="date", axis=date_axis()),
        y=alt.Y("claimant:N", title=None, sort="ascending", axis=alt.Axis(labelLimit=200)),
        tooltip=["claimant:N", "stance:N", "date_start:T", "proposition:N", "evidence:N", "outlet:N", "title:N"],
    )
    # shape as well as colour, and the stance in the tooltip: stance is never shown by colour alone
    points = base.mark_point(size=140, filled=True, opacity=0.9).encode(**stance_encodings())
    if interactive:
        points = points.add_params(alt.selection_point(name="claim", fields=["claim_id"], on="click"))
    return points.properties(
        width=560, height=alt.Step(26), title=alt.TitleParams("Who claims what, when", subtitle=note or "")
    )


_CHART_COLUMNS = [
    "claim_id",
    "quote_id",
    "date_start",
    "claimant",
    "stance",
    "proposition",
    "evidence",
    "outlet",
    "title",
    "article_id",
    "group_id",
]


def _chart_data(rows: pd.DataFrame) -> pd.DataFrame:
    data = rows[_CHART_COLUMNS].astype(object).where(rows[_CHART_COLUMNS].notna(), "")
    data["evidence"] = data["evidence"].astype(str).str.slice(0, 200)
    return data


def _chart_records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """``_chart_data(rows).to_dict("records")`` from plain lists (the view's few rows: pandas costs more here)."""

    def text(value: Any) -> Any:
        return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value

    columns = {c: [text(v) for v in rows[c].tolist()] for c in _CHART_COLUMNS}
    columns["evidence"] = [str(v)[:200] for v in columns["evidence"]]
    return [dict(zip(_CHART_COLUMNS, values)) for values in zip(*columns.values())]


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
        parts.append(
            f'<h4>{h.escape(info["proposition"])} <span class="pl-muted">group {h.escape(group_id)}: '
            f"{h.escape(info['n_for'])} for, {h.escape(info['n_against'])} against</span></h4>"
        )
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
    if not selection.claim_group or len(summary) <= _PICKER_GROUPS:
        return top
    chosen = summary[(summary["group_id"] == selection.claim_group) & ~summary["group_id"].isin(top["group_id"])]
    return pd.concat([top, chosen])


def _has_group(summary: pd.DataFrame, group_id: str | None) -> bool:
    return bool(group_id) and bool((summary["group_id"] == group_id).any())


def contested_claims_view(corpus: Any, selection: Selection, *, max_groups: int = 3, **_: Any) -> Any:
    """Pick a group (or let the selection do it); click a claim to show its evidence in the article reader."""
    import ipywidgets as widgets

    prepare(_claim_base(corpus), corpus, parts=_ALL)  # the indexes a change reads, built with the view

    from toolkit.sdk import RowTable, row_table_html

    picker = widgets.Dropdown(description="Group")
    chart = chart_widget(_chart(claim_rows(corpus, None).head(0), interactive=True))
    table = RowTable(rows=lambda: state["rows"], filename="contested_claims.csv")
    syncing = {"on": False}

    spec = chart.spec  # built once; a change swaps only the data, since rebuilding the Altair chart is the slow part
    spec["data"] = {"name": "claims"}
    spec["datasets"] = {"claims": []}

    state: dict[str, pd.DataFrame] = {}

    def visible() -> pd.DataFrame:
        base = _claim_base(corpus)
        if base.empty:
            return base.copy()
        if selection.claim_group:
            shown = [selection.claim_group]
        else:
            shown = list(_summary(corpus, selection, _ALL)["group_id"].head(max_groups))
        codes = _claim_codes(base)
        table = np.zeros(len(codes.group_ids) + 1, dtype=bool)  # by group code; -1 reads the last slot
        found = codes.group_index.get_indexer(pd.Index(shown, dtype=object))
        table[found[found >= 0]] = True
        keep = table[codes.group]
        more = selection.mask(base, corpus, parts=_ALL)
        return base[keep if more is None else keep & more]

    def refresh(_: Any = None) -> None:
        rows = state["rows"] = visible()
        summary = _summary(corpus, selection, ("entities", "date_range", "articles"))
        syncing["on"] = True
        try:
            picker.options = [("most contested", "")] + [
                (f"{str(p)[:60]} ({c} contested, {n} claims)", g)
                for g, p, c, n in _offered(summary, selection)[
                    ["group_id", "proposition", "contested", "n_claims"]
                ].itertuples(index=False, name=None)
            ]
            picker.value = selection.claim_group if _has_group(summary, selection.claim_group) else ""
        finally:
            syncing["on"] = False
        # the spec's data and its subtitle (the count of claims with no named claimant) follow the rows
        title = {**spec.get("title", {}), "subtitle": _unattributed_note(rows)}
        chart.spec = {**spec, "title": title, "datasets": {"claims": _chart_records(_attributed(rows))}}
        quote = getattr(selection, "quote", None)
        picked = rows.loc[rows["quote_id"] == quote, "claim_id"].tolist() if quote and "quote_id" in rows else []
        table.html = row_table_html(rows, id_column="claim_id", columns=_COLUMNS, selected=picked, max_rows=PAGE_ROWS)

    def to_group(change: Any) -> None:
        if not syncing["on"]:
            selection.claim_group = change["new"] or None

    def on_click(change: Any) -> None:
        state = (change["new"] or {}).get("claim", {})
        points = (
            ((state.get("value") or {}).get("vlPoint") or {}).get("or", [])
            if isinstance(state.get("value"), dict)
            else []
        )
        ids = [p.get("claim_id") for p in points if isinstance(p, dict)]
        if ids:
            show_evidence(str(ids[0]))

    def show_evidence(claim_id: str) -> None:
        quote = corpus.claims.loc[corpus.claims["claim_id"] == claim_id, "quote_id"]
        if len(quote) and "quote" in selection.parts:  # the quotes plugin adds that part
            selection.quote = str(quote.iloc[0])
        else:  # no quotes plugin: the claim's group stands for it
            group = corpus.claims.loc[corpus.claims["claim_id"] == claim_id, "group_id"]
            selection.claim_group = str(group.iloc[0]) if len(group) else None

    table.on_pick(show_evidence)
    if "quote" in selection.parts:  # the claim whose quote is picked is marked
        selection.on_change(refresh, parts=("quote",))
    picker.observe(to_group, names="value")
    chart.observe(on_click, names="_vl_selections")
    selection.on_change(refresh, parts=_ALL)  # the selected quote does not move claims
    refresh()
    box = widgets.VBox([picker, chart, table])
    box.rows = lambda: state["rows"]
    box.chart = chart
    box.picker = picker
    box.table = table
    return box


def claims_overview_view(corpus: Any, selection: Selection, **_: Any) -> Any:
    """Groups ranked by contestedness; choosing one sets the selection's claim group."""
    import ipywidgets as widgets

    prepare(_claim_base(corpus), corpus, parts=_ALL)  # the indexes a change reads, built with the view

    from toolkit.sdk import RowTable, row_table_html

    out = RowTable(rows=lambda: _summary(corpus, selection, _ALL), filename="claim_groups.csv")
    picker = widgets.Dropdown(description="Show group")
    syncing = {"on": False}

    def rows() -> pd.DataFrame:
        return _summary(corpus, selection, _ALL)

    def refresh(_: Any = None) -> None:
        summary = rows()
        syncing["on"] = True
        try:
            picker.options = [("(none)", "")] + [
                (f"{str(p)[:60]} — {g}", g)
                for g, p in _offered(summary, selection)[["group_id", "proposition"]].itertuples(index=False, name=None)
            ]
            picker.value = selection.claim_group if _has_group(summary, selection.claim_group) else ""
        finally:
            syncing["on"] = False
        chosen = [selection.claim_group] if selection.claim_group else []
        out.html = row_table_html(
            summary, id_column="group_id", columns=_OVERVIEW_COLUMNS, selected=chosen, max_rows=PAGE_ROWS
        )

    def to_group(change: Any) -> None:
        if not syncing["on"]:
            selection.claim_group = change["new"] or None

    def pick(group_id: str) -> None:
        selection.claim_group = None if selection.claim_group == group_id else group_id

    picker.observe(to_group, names="value")
    out.on_pick(pick)
    selection.on_change(refresh, parts=_ALL)  # the selected quote does not move claims
    refresh()
    box = widgets.VBox([picker, out])
    box.rows = rows
    box.picker = picker
    box.table = out
    return box


def claim_group_label(corpus: Any, group_id: str) -> str:
    """How the dashboard names a picked claim group: its proposition (the most common wording).

    >>> from toolkit import Corpus
    >>> claims = pd.DataFrame({"group_id": ["G1", "G1"], "proposition": ["the deal is signed"] * 2})
    >>> claim_group_label(Corpus({"claims": claims}), "G1")
    'the deal is signed'
    """
    claims = corpus.claims
    wordings = claims.loc[claims["group_id"] == group_id, "proposition"].dropna().astype(str)
    return str(wordings.mode().iloc[0]) if len(wordings) else str(group_id)


# --- the report's first screen -----------------------------------------------------------------
# a stance as a verb in "who asserts, who denies" (the stances of the claims table)
_STANCE_VERBS = {
    "assert": "asserts",
    "deny": "denies",
    "accuse": "accuses",
    "support": "supports",
    "call": "calls for",
    "other": "says",
}
_UNKNOWN = "unknown"  # contested_claims' claimant when neither an entity nor a name in the text is known


def _voices(rows: pd.DataFrame) -> str:
    """Named claimants with their stances, then how many unnamed ones: an unknown source is not an actor."""
    named = rows[rows["claimant"] != _UNKNOWN]
    stances: dict[str, list[str]] = {}
    for claimant, stance in zip(named["claimant"].tolist(), named["stance"].tolist()):
        verb = _STANCE_VERBS.get(str(stance), str(stance))
        if verb not in stances.setdefault(claimant, []):
            stances[claimant].append(verb)
    parts = [f"<b>{h.escape(who)}</b> ({h.escape(', '.join(verbs))})" for who, verbs in stances.items()]
    unnamed = int((rows["claimant"] == _UNKNOWN).sum())
    if unnamed:
        parts.append(f"{unnamed} unnamed source{'s' if unnamed != 1 else ''}")
    return ", ".join(parts) or "—"


def summary_contested(corpus: Any, *, top: int = 3, **_: Any) -> str:
    """The report's "most contested claims": per group, its proposition, who is for it and who denies it."""
    from .step import contested_claims

    rows = contested_claims(corpus)
    if rows.empty:
        return (
            '<h3>Contested claims</h3><p class="pl-muted">No claim in these articles is both asserted and denied.</p>'
        )
    summary = group_summary(rows).head(top)
    items = []
    for group_id, proposition in zip(summary["group_id"].tolist(), summary["proposition"].tolist()):
        group = rows[rows["group_id"] == group_id]
        dates = group["published"].dropna().astype(str)
        when = f"{dates.min()} – {dates.max()}" if len(dates) else "undated"
        items.append(
            f'<li><p class="pl-claim">“{h.escape(proposition)}” '
            f'<span class="pl-muted pl-date">{h.escape(when)}</span></p>'
            f'<p><span class="pl-side">For:</span> {_voices(group[group["side"] == "for"])}</p>'
            f'<p><span class="pl-side">Against:</span> {_voices(group[group["side"] == "against"])}</p></li>'
        )
    more = group_summary(rows)
    note = (
        f'<p class="pl-muted">{len(more)} contested group{"s" if len(more) != 1 else ""} in all; '
        "the section below shows each with its evidence.</p>"
    )
    return f'<h3>Most contested claims</h3><ol class="pl-contested">{"".join(items)}</ol>{note}'
