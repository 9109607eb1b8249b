"""The ``amounts`` view (a widget that follows the shared selection) and its static renderer.

Both draw the same rows: the amounts of the articles the selection allows
(picked articles, the date range, the articles that mention the picked
entities), as ONE escaped HTML table of at most ``PAGE_ROWS`` rows, never a
widget per row. Every value from the articles goes through ``toolkit.html``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.sdk import PAGE_ROWS, Selection, cached, html, page_note, prepare

from .step import COLUMNS

if TYPE_CHECKING:
    from toolkit import Corpus

__all__ = ["amount_rows", "amounts_view", "render_amounts"]

SHOWN = ("article_id", "text", "value", "unit", "kind", "n_articles")
TITLE = "Numbers and amounts"


def _table(corpus: Corpus) -> pd.DataFrame:
    """The corpus's amounts in reading order (sorted once per table, not per selection change)."""
    table = corpus.tables.get("amounts")
    if table is None:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in COLUMNS.items()})
    return cached(
        table,
        "amounts-sorted",
        lambda: table.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True),
    )


def amount_rows(corpus: Corpus, selection: Selection | None = None) -> pd.DataFrame:
    """The amounts the selection allows (all of them without a selection)."""
    table = _table(corpus)
    return table if selection is None else selection.narrow(table, corpus)


def _figure(value: float) -> str:
    """A value as a reader writes it: 1,500,000,000 or 12.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _html(rows: pd.DataFrame) -> str:
    shown = rows.head(PAGE_ROWS).assign(value=lambda frame: frame["value"].map(_figure))
    columns = [c for c in SHOWN if c in shown.columns]
    body = html.table(shown, columns=columns, max_rows=PAGE_ROWS) if len(rows) else "<p>No amounts here.</p>"
    return html.section(TITLE, body + page_note(len(shown), len(rows)))


def render_amounts(corpus: Corpus, selection: Selection | None = None, **_: Any) -> str:
    """The amounts as static HTML (reports, exported dashboards)."""
    return _html(amount_rows(corpus, selection))


def amounts_view(corpus: Corpus, selection: Selection, **_: Any) -> Any:
    """One HTML widget, redrawn when the selection changes; ``rows()`` gives the rows it shows."""
    from toolkit.sdk import LiveHTML  # the live views' extra, only when a view is drawn

    prepare(_table(corpus), corpus)  # the selection's indexes now, not on the reader's first click
    out = LiveHTML()

    def refresh(_: Any = None) -> None:
        out.value = render_amounts(corpus, selection)  # update a value: prints from callbacks are lost

    selection.on_change(refresh)
    refresh()
    out.rows = lambda: amount_rows(corpus, selection)
    return out
