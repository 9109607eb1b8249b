"""One clickable table per view: rows picked by mouse or keyboard, a CSV download, scroll-to.

ipywidgets' ``HTML`` cannot send a click back to the kernel, and a widget per
row freezes the front end (STYLE.md), so every list view draws its rows as one
escaped HTML table inside this small ``anywidget`` (inline JavaScript, no CDN):

- each row is ``<tr tabindex="0" data-row-id="…">``; pressing it (the mouse
  button going down), Enter or Space sends ``{"type": "pick", "row_id": …}`` and the kernel calls the view's
  ``on_pick`` callbacks (:meth:`RowTable.pick` does the same from Python);
  arrow keys move between rows;
- the "Download CSV" button asks the kernel for the rows the view shows
  (:meth:`RowTable.csv`, built only when asked) and saves them from a Blob,
  which works offline;
- ``scroll_to`` names an element (``data-row-id`` or ``data-scroll-id``) the
  front end scrolls into view after drawing, e.g. the selected quote in the reader.

A browser test clicks a row with ``.pl-view-<name> tr[data-row-id="<id>"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import traitlets

from . import html as h
from ._extras import missing_extra

try:
    import anywidget
except ImportError as exc:  # the base install has no widgets: say which extra brings them
    raise missing_extra("lab", feature="The clickable table of the live views", module="anywidget") from exc

__all__ = ["RowTable", "LiveHTML", "row_table_html", "csv_text"]

_ESM = r"""
function render({ model, el }) {
  el.classList.add("pl-root", "pl-row-table");
  const body = document.createElement("div");
  const tools = document.createElement("div");
  tools.className = "pl-table-tools";
  const download = document.createElement("button");
  download.type = "button";
  download.className = "pl-csv";
  download.textContent = "Download CSV";
  download.title = "Download the rows this view shows as a CSV file";
  tools.appendChild(download);
  el.append(tools, body);
  const rowOf = (node) => {
    const row = node && node.closest ? node.closest("tr[data-row-id]") : null;
    return row && body.contains(row) ? row : null;
  };
  // the drawn html split around its one table body: a new html whose head and tail are the same
  // changes only rows, and rows drawn already are kept (a narrowed table keeps most of them): the
  // page lays out only the rows that changed, and the focused row is not taken out and put back
  // (JupyterLab's focus handlers take 20-100 ms for each)
  let drawn = null;
  const split = (html) => {
    const open = html.indexOf("<tbody>"), close = html.indexOf("</tbody>");
    if (open < 0 || close < open || html.indexOf("<tbody>", open + 1) >= 0) return null;
    const inner = html.slice(open + 7, close);
    return { head: html.slice(0, open), tail: html.slice(close), rows: inner ? inner.split("</tr>").slice(0, -1) : [] };
  };
  const patchRows = (next) => {
    const tbody = body.querySelector("tbody");
    if (!tbody || tbody.children.length !== drawn.rows.length) return false;
    const kept = new Map();
    [...tbody.children].forEach((row, i) => {
      if (!kept.has(drawn.rows[i])) kept.set(drawn.rows[i], []);
      kept.get(drawn.rows[i]).push(row);
    });
    const wanted = next.rows.map((text) => (kept.get(text) || []).shift() || null);
    const parser = document.createElement("template");
    const missing = next.rows.filter((_, i) => !wanted[i]).map((row) => row + "</tr>");
    parser.innerHTML = "<table><tbody>" + missing.join("") + "</tbody></table>";
    const made = [...parser.content.querySelector("tbody").children];
    for (const rows of kept.values()) rows.forEach((row) => row.remove());
    let at = tbody.firstElementChild;
    for (const row of wanted.map((r) => r || made.shift())) {
      if (row === at) at = at.nextElementSibling;
      else tbody.insertBefore(row, at);
    }
    return true;
  };
  const draw = () => {
    const focused = rowOf(document.activeElement);
    const keep = focused ? focused.getAttribute("data-row-id") : null;
    const html = model.get("html");
    const next = split(html);
    const same = drawn && next && drawn.head === next.head && drawn.tail === next.tail;
    if (!(same && patchRows(next))) body.innerHTML = html;
    drawn = next;
    download.hidden = !model.get("downloadable");
    if (keep !== null && !body.contains(document.activeElement)) {
      const again = [...body.querySelectorAll("tr[data-row-id]")].find((r) => r.getAttribute("data-row-id") === keep);
      if (again) again.focus({ preventScroll: true });
    }
    const target = model.get("scroll_to");
    if (target) {
      const found = [...body.querySelectorAll("[data-row-id],[data-scroll-id]")].find(
        (n) => n.getAttribute("data-scroll-id") === target || n.getAttribute("data-row-id") === target
      );
      if (found) found.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  };
  const pick = (row) => model.send({ type: "pick", row_id: row.getAttribute("data-row-id") });
  // picked when the button goes down, not at the click: JupyterLab's own handling of the press (the
  // cell made active, the focus moved: 100-200 ms on a busy page) then runs while the kernel redraws
  body.addEventListener("pointerdown", (event) => {
    if (!event.isPrimary || event.button !== 0 || event.target.closest("a,button,input,select,textarea")) return;
    const row = rowOf(event.target);
    if (row) pick(row);
  });
  body.addEventListener("keydown", (event) => {
    const row = rowOf(event.target);
    if (!row) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      pick(row);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
      if (next && next.matches("tr[data-row-id]")) {
        event.preventDefault();
        next.focus();
      }
    }
  });
  download.addEventListener("click", () => model.send({ type: "csv" }));
  const onMessage = (message) => {
    if (!message || message.type !== "csv") return;
    const url = URL.createObjectURL(new Blob([message.text], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = message.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  model.on("msg:custom", onMessage);
  model.on("change:html", draw);
  model.on("change:scroll_to", draw);
  model.on("change:downloadable", draw);
  draw();
  return () => {
    model.off("msg:custom", onMessage);
    model.off("change:html", draw);
    model.off("change:scroll_to", draw);
    model.off("change:downloadable", draw);
  };
}
export default { render };
"""

# JupyterLab's theme variables (light and dark), with fallbacks for other front ends;
# a selected row has a marker and an outline, never only a colour; a table off the screen is laid out
# and painted when it scrolls into view (content-visibility), not on every change of the selection
_CSS = """
.pl-row-table{color:var(--jp-ui-font-color1,inherit);max-height:var(--pl-table-height,28em);overflow:auto;
  content-visibility:auto;contain-intrinsic-size:auto 320px}
.pl-row-table .pl-table-tools{display:flex;justify-content:flex-end;margin:2px 0}
.pl-row-table .pl-csv{font:inherit;font-size:12px;cursor:pointer;color:var(--jp-ui-font-color1,inherit);
  background:var(--jp-layout-color2,transparent);border:1px solid var(--jp-border-color1,#888);
  border-radius:3px;padding:1px 8px}
.pl-row-table table{border-collapse:collapse;width:100%}
.pl-row-table th,.pl-row-table td{border-bottom:1px solid var(--jp-border-color2,rgba(128,128,128,.35));
  padding:3px 6px;text-align:left;vertical-align:top}
.pl-row-table th{position:sticky;top:0;background:var(--jp-layout-color1,Canvas);font-weight:600}
.pl-row-table tr[data-row-id]{cursor:pointer}
.pl-row-table tr[data-row-id]:hover{background:var(--jp-layout-color2,rgba(128,128,128,.12))}
.pl-row-table tr[data-row-id]:focus-visible{outline:2px dashed var(--jp-brand-color1,#1976d2);outline-offset:-2px}
.pl-row-table tr[aria-selected="true"]{outline:2px solid var(--jp-brand-color1,#1976d2);outline-offset:-2px;
  background:var(--jp-layout-color3,rgba(128,128,128,.2));font-weight:600}
.pl-row-table td.pl-marker{width:1.2em;text-align:center}
.pl-row-table .pl-muted{opacity:.7}
.pl-reader.pl-row-table{max-height:none}
.pl-row-table .pl-reader-list{max-height:12em;overflow:auto}
.pl-row-table .pl-reader-text{max-height:30em;overflow:auto;
  border-top:1px solid var(--jp-border-color2,rgba(128,128,128,.35))}
.pl-row-table mark.pl-span{background:transparent;color:inherit;padding:0 1px}
.pl-row-table mark.pl-picked{outline:2px solid var(--jp-brand-color1,#1976d2);font-weight:600}
.pl-row-table .pl-text{white-space:pre-wrap}
.pl-row-table .pl-label{font-size:10px;font-weight:700;padding:0 3px;margin-left:2px;border-radius:2px;
  vertical-align:super;color:#000}
"""


class RowTable(anywidget.AnyWidget):
    """One view's rows as one table whose rows are picked by click, Enter or Space.

    ``rows`` gives the rows the view shows (for the CSV download, made only when
    asked); ``on_pick(callback)`` registers ``callback(row_id)`` for a pick.

    >>> table = RowTable(html=row_table_html(pd.DataFrame({"id": ["r1"], "name": ["A"]}), id_column="id"))
    >>> picked = []
    >>> table.on_pick(picked.append)
    >>> table.pick("r1"); picked
    ['r1']
    """

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _css = traitlets.Unicode(_CSS).tag(sync=True)
    html = traitlets.Unicode("").tag(sync=True)
    scroll_to = traitlets.Unicode("").tag(sync=True)
    downloadable = traitlets.Bool(True).tag(sync=True)
    filename = traitlets.Unicode("rows.csv").tag(sync=True)

    def __init__(self, *, rows: Callable[[], pd.DataFrame] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows = rows
        self._pickers: list[Callable[[str], None]] = []
        if rows is None:
            self.downloadable = False
        self.on_msg(self._message)

    def on_pick(self, callback: Callable[[str], None]) -> None:
        self._pickers.append(callback)

    def pick(self, row_id: str) -> None:
        """What a click on the row ``row_id`` (or Enter on it) does."""
        for callback in list(self._pickers):
            callback(str(row_id))

    def csv(self) -> str:
        """The rows the view shows as CSV text (lists joined with "; ")."""
        return csv_text(self._rows() if self._rows is not None else pd.DataFrame())

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "pick" and content.get("row_id") is not None:
            self.pick(str(content["row_id"]))
        elif content.get("type") == "csv":
            self.send({"type": "csv", "text": self.csv(), "filename": self.filename})


_LIVE_HTML_ESM = """
function render({ model, el }) {
  const draw = () => { el.innerHTML = model.get("value"); };
  model.on("change:value", draw);
  draw();
  return () => model.off("change:value", draw);
}
export default { render };
"""


class LiveHTML(anywidget.AnyWidget):
    """An HTML widget for the part of a view redrawn on every change, with the shared style given once.

    Renderers' sections each carry :data:`toolkit.html.STYLE` in a ``<style>`` element. Redrawn in an
    ``ipywidgets.HTML``, every change took one style sheet out of the page and put one in, and the
    browser worked out the style of every element of every view again (1 000-2 000 in a notebook of
    views). Here the style comes once, with the widget's CSS, and ``value`` is kept without it.

    >>> from toolkit import html as h
    >>> out = LiveHTML(value=h.section("Events", "<p>none</p>"))
    >>> "<style>" in out.value, out.value
    (False, '<section class="pl-root"><h3>Events</h3><p>none</p></section>')
    """

    _esm = traitlets.Unicode(_LIVE_HTML_ESM).tag(sync=True)
    _css = traitlets.Unicode(h.STYLE).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)

    @traitlets.validate("value")
    def _without_style(self, proposal: Any) -> str:
        return str(proposal["value"]).replace(h.STYLE_TAG, "")


def _cell(value: Any) -> str:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "; ".join(h.text_or(v) for v in value)
    return h.text_or(value)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text a spreadsheet reads: list cells joined with "; ", gaps empty.

    >>> csv_text(pd.DataFrame({"name": ["A"], "aliases": [["A", "Ay"]]}))
    'name,aliases\\nA,A; Ay\\n'
    """
    flat = frame.copy()
    for column in flat.columns:
        if flat[column].dtype == object:
            flat[column] = [_cell(v) for v in flat[column].tolist()]
    return flat.to_csv(index=False, lineterminator="\n")


def row_table_html(
    frame: pd.DataFrame,
    *,
    id_column: str,
    columns: Sequence[str] | None = None,
    headers: Sequence[str] | None = None,
    selected: Sequence[str] = (),
    max_rows: int = 200,
    total: int | None = None,
    caption: str = "",
) -> str:
    """``frame``'s first ``max_rows`` rows as an escaped table of focusable, pickable rows.

    Each row carries ``data-row-id`` (its ``id_column`` value); the rows in
    ``selected`` are marked with ``aria-selected="true"`` and a ▶ marker, not
    only a colour. ``total`` is how many rows the view has when ``frame`` is
    already cut to a page (for the "showing N of M" note).

    >>> html = row_table_html(pd.DataFrame({"id": ["r1", "r2"], "name": ["<A>", "B"]}), id_column="id", selected=["r2"])
    >>> 'data-row-id="r1"' in html, "&lt;A&gt;" in html, html.count('aria-selected="true"')
    (True, True, 1)
    >>> '<td class="pl-date">2024-01-05</td>' in row_table_html(
    ...     pd.DataFrame({"id": ["s1"], "date_start": ["2024-01-05"]}), id_column="id")
    True
    """
    columns = list(columns) if columns is not None else [c for c in frame.columns if c != id_column]
    headers = list(headers) if headers is not None else [c.replace("_", " ") for c in columns]
    chosen = set(selected)
    # the first rows of the columns drawn, not frame.head(): that copies every column of the table
    n_shown = min(len(frame), max_rows)
    ids = [h.text_or(v) for v in frame[id_column].iloc[:n_shown].tolist()] if n_shown else []
    cells = [[h.escape(_cell(v)) for v in frame[c].iloc[:n_shown].tolist()] for c in columns]
    # date columns never wrap ("2023-/09-14" read as two lines is no date), as in the static tables
    opens = [h._cell_open(c) for c in columns]
    body = []
    for i, row_id in enumerate(ids):
        picked = row_id in chosen
        marker = "▶" if picked else ""
        tds = "".join(f"{opens[j]}{column[i]}</td>" for j, column in enumerate(cells))
        body.append(
            f'<tr tabindex="0" data-row-id="{h.escape(row_id)}" aria-selected="{"true" if picked else "false"}">'
            f'<td class="pl-marker" aria-hidden="true">{marker}</td>{tds}</tr>'
        )
    head = '<th class="pl-marker"><span class="pl-muted" title="selected">▶</span></th>' + "".join(
        f"<th>{h.escape(label)}</th>" for label in headers
    )
    cap = f"<caption>{h.escape(caption)}</caption>" if caption else ""
    note = ""
    total = len(frame) if total is None else total
    if total > n_shown:
        note = f'<p class="pl-muted">showing {n_shown} of {total} rows; filter to see the others</p>'
    if not total:
        note = '<p class="pl-muted">No rows match the selection.</p>'
    return (
        f'<table class="pl-table pl-rows" role="grid">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )
