"""HTML building blocks for static renderers: everything escaped, nothing loaded from a network.

Every piece of article text, title, outlet, entity name or quote goes through
:func:`escape` (or a helper that calls it); attribute values are quoted.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

__all__ = ["escape", "text_or", "table", "highlight", "page", "section", "STYLE", "STYLE_TAG", "LABEL_COLOURS"]

# Colour-blind-safe palette (Okabe–Ito) for the model's entity labels and TIMEX3 types; labels are also
# written out, never colour alone. A plugin's own labels come with its highlight layer (``colours``).
LABEL_COLOURS: dict[str, str] = {
    "PERSON": "#E69F00",
    "ORG": "#56B4E9",
    "GPE": "#009E73",
    "LOC": "#009E73",
    "NORP": "#F0E442",
    "DATE": "#0072B2",
    "TIME": "#0072B2",
    "DURATION": "#0072B2",
    "SET": "#0072B2",
}
_DEFAULT_COLOUR = "#BBBBBB"

STYLE = """
.pl-root{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:14px;line-height:1.5;color:inherit}
.pl-root .pl-scroll{overflow-x:auto;max-width:100%}
.pl-root table.pl-table{border-collapse:collapse;width:100%}
.pl-root .pl-table th,.pl-root .pl-table td{border-bottom:1px solid rgba(128,128,128,.35);padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
.pl-root .pl-table th{font-weight:600}
.pl-root .pl-table td.pl-date,.pl-root .pl-date{white-space:nowrap;overflow-wrap:normal}
.pl-root .pl-text{white-space:pre-wrap;overflow-wrap:anywhere}
.pl-root mark.pl-span{background:transparent;color:inherit;padding:0 1px;border-radius:2px}
.pl-root mark.pl-picked{outline:2px solid currentColor;font-weight:600}
.pl-root mark.pl-fill{background:color-mix(in srgb,var(--pl-c) 28%,transparent)}
.pl-root mark.pl-underline{text-decoration:underline solid var(--pl-c);
 text-decoration-thickness:3px;text-underline-offset:4px}
.pl-root mark.pl-box{outline:2px dotted var(--pl-c);outline-offset:-1px}
.pl-root mark.pl-dashed{border-bottom:2px dashed var(--pl-c)}
.pl-root .pl-label{font-size:10px;font-weight:700;padding:0 3px;margin-left:2px;border-radius:2px;vertical-align:super;color:#000}
.pl-root .pl-muted{opacity:.7}
.pl-root h3{margin:.6em 0 .3em}
""".strip()  # noqa: E501  (one CSS rule a line, as the browser's inspector shows it)
# what every section carries, so a renderer's piece reads alike on its own; a page or a live view that
# gives STYLE once takes it out of the pieces (see toolkit.report and toolkit.sdk.LiveHTML)
STYLE_TAG = f"<style>{STYLE}</style>"


def escape(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute; ``None``/NaN become empty.

    >>> escape('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    if type(value) is str:  # the common case first: tables escape thousands of cells per change
        return _html.escape(value, quote=True)
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return _html.escape(str(value), quote=True)


def text_or(value: Any, default: str = "") -> str:
    """``value`` as text, or ``default`` when it is missing (None, NaN, ``pd.NA``, empty).

    Table cells may hold ``pd.NA``, whose truth value raises, so ``value or default`` is not safe.

    >>> text_or(pd.NA, "date unknown"), text_or("2024-01-05")
    ('date unknown', '2024-01-05')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return default
    text = str(value)
    return text if text else default


def table(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    max_rows: int = 500,
    caption: str | None = None,
    css_class: str = "pl-table",
) -> str:
    """A DataFrame as an escaped HTML table (the first ``max_rows`` rows, with a note if cut)."""
    columns = list(columns) if columns is not None else list(frame.columns)
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    shown = frame.head(max_rows)
    # whole columns as Python lists (one conversion each), then the cells escaped row by row
    opens = [_cell_open(c) for c in columns]
    cells = [[f"{o}{escape(v)}</td>" for v in shown[c].tolist()] for o, c in zip(opens, columns)]
    body = ["<tr>" + "".join(row) + "</tr>" for row in zip(*cells)] if cells else ["<tr></tr>"] * len(shown)
    note = ""
    if len(frame) > max_rows:
        note = f'<p class="pl-muted">showing {max_rows} of {len(frame)} rows</p>'
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    # the table scrolls inside its own box: a wide table never makes the whole page scroll sideways
    return (
        f'<div class="pl-scroll"><table class="{escape(css_class)}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{note}"
    )


# columns holding dates: their cells never wrap ("2022-10-/12" read as two lines is no date)
_DATE_COLUMN = re.compile(r"(^|_)(date|published|created|first|last|day|when)(_|$)|^date|date$", re.I)


def _cell_open(column: Any) -> str:
    return '<td class="pl-date">' if _DATE_COLUMN.search(str(column)) else "<td>"


# How a layer's spans look besides their colour, so that nothing relies on colour alone: a tinted
# background, a solid underline, a dotted box, a dashed underline (the legend shows each with its name).
MARK_STYLES = ("fill", "underline", "box", "dashed")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}|[A-Za-z]{3,20}")


def _colour(value: Any) -> str:
    """A CSS colour a plugin declared, or the default grey when it is not a plain one (no CSS from data)."""
    text = str(value)
    return text if _COLOUR.fullmatch(text) else _DEFAULT_COLOUR


class _Span(NamedTuple):
    start: int
    end: int
    label: str
    title: Any  # shown as the tooltip when set, else the label
    layer: str
    picked: bool = False  # the reader's chosen span: outlined, and scrolled to


def highlight(
    text: str,
    spans: Iterable[Mapping[str, Any]],
    *,
    colours: Mapping[str, str] | None = None,
    show_labels: bool = True,
    styles: Mapping[str, str] | None = None,
) -> str:
    """``text`` with spans marked as nested ``<mark>`` elements; overlapping spans are all shown.

    Each span is a mapping with ``start``, ``end`` (character offsets, end
    exclusive), ``label``, optionally ``title`` (a tooltip), ``layer`` and
    ``picked`` (the reader's chosen span: outlined, not only coloured, its first
    mark carrying ``data-scroll-id="picked"`` for the reader to scroll to). A span
    inside another is a mark inside its mark (a quote containing an entity that
    contains a date: three nested marks); two spans that cross are split where
    they cross, the second reopened after the first closes, so the HTML stays
    well formed. The label is written after each span. ``styles`` maps a
    ``layer`` to one of :data:`MARK_STYLES` (default ``fill``).

    >>> highlight("Ostrovel met Endrath.", [{"start": 13, "end": 20, "label": "PERSON"}])[:64]
    '<span class="pl-text">Ostrovel met <mark class="pl-span pl-fill"'
    >>> marks = [{"start": 0, "end": 12, "label": "Q"}, {"start": 4, "end": 12, "label": "E"},
    ...          {"start": 8, "end": 12, "label": "D"}]
    >>> import re; re.sub(r"<mark[^>]*>", "<m>", highlight("abc def ghi!", marks, show_labels=False))
    '<span class="pl-text"><m>abc <m>def <m>ghi!</mark></mark></mark></span>'
    """
    palette = {**LABEL_COLOURS, **(colours or {})}
    chosen = dict(styles or {})
    clean = [
        _Span(
            start=max(0, int(s["start"])),
            end=min(len(text), int(s["end"])),
            label=str(s.get("label", "")),
            title=s.get("title"),
            layer=str(s.get("layer", "")),
            picked=s.get("picked") is True or str(s.get("picked")) == "True",  # numpy's True too
        )
        for s in spans
        if s.get("start") is not None and s.get("end") is not None
    ]
    # outer spans open first (longest first at one start); at a tie the caller's order holds
    order = sorted((i for i, s in enumerate(clean) if s.end > s.start), key=lambda i: (clean[i].start, -clean[i].end))

    anchored: list[bool] = []  # whether the picked span's scroll anchor is written (once)

    def opening(i: int) -> str:
        span = clean[i]
        style = chosen.get(span.layer, "fill")
        style = style if style in MARK_STYLES else "fill"
        colour = _colour(palette.get(span.label, _DEFAULT_COLOUR))
        title = escape(span.title or span.label)
        picked = ""
        if span.picked:
            picked = " pl-picked" + ("" if anchored else '" data-scroll-id="picked')
            anchored.append(True)
        return f'<mark class="pl-span pl-{style}{picked}" style="--pl-c:{colour}" title="{title}">'

    def label(i: int) -> str:
        if not show_labels:
            return ""
        span = clean[i]
        colour = _colour(palette.get(span.label, _DEFAULT_COLOUR))
        return f'<span class="pl-label" style="background:{colour}">{escape(span.label)}</span>'

    starting: dict[int, list[int]] = {}
    for i in order:
        starting.setdefault(clean[i].start, []).append(i)
    bounds = sorted({*(clean[i].start for i in order), *(clean[i].end for i in order)})
    parts: list[str] = []
    stack: list[int] = []  # open spans, outermost first
    position = 0
    for bound in bounds:
        parts.append(escape(text[position:bound]))
        position = bound
        ending = [depth for depth, i in enumerate(stack) if clean[i].end == bound]
        if ending:
            # close from the outermost span that ends here inwards; spans inside it that go on are reopened
            closed = stack[ending[0] :]
            del stack[ending[0] :]
            for i in reversed(closed):
                parts.append("</mark>")
                if clean[i].end == bound:
                    parts.append(label(i))
            for i in closed:
                if clean[i].end != bound:
                    parts.append(opening(i))
                    stack.append(i)
        for i in starting.get(bound, ()):
            parts.append(opening(i))
            stack.append(i)
    parts.append(escape(text[position:]))
    return f'<span class="pl-text">{"".join(parts)}</span>'


def page(body: str, *, title: str = "PressLens", extra_head: str = "") -> str:
    """A complete standalone HTML document around ``body`` (no external resources)."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<style>{STYLE}</style>{extra_head}</head><body class="pl-root">{body}</body></html>'
    )


def section(title: str, body: str) -> str:
    return f'<section class="pl-root">{STYLE_TAG}<h3>{escape(title)}</h3>{body}</section>'
