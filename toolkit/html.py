"""HTML building blocks for static renderers: everything escaped, nothing loaded from a network.

Every piece of article text, title, outlet, entity name or quote goes through
:func:`escape` (or a helper that calls it); attribute values are quoted.
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

__all__ = ["escape", "text_or", "table", "highlight", "page", "section", "STYLE", "LABEL_COLOURS"]

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
.pl-root table.pl-table{border-collapse:collapse;width:100%}
.pl-root .pl-table th,.pl-root .pl-table td{border-bottom:1px solid rgba(128,128,128,.35);padding:3px 6px;text-align:left;vertical-align:top}
.pl-root .pl-table th{font-weight:600}
.pl-root .pl-text{white-space:pre-wrap}
.pl-root mark.pl-span{background:transparent;color:inherit;padding:0 1px;border-radius:2px}
.pl-root mark.pl-picked{outline:2px solid currentColor;font-weight:600}
.pl-root .pl-label{font-size:10px;font-weight:700;padding:0 3px;margin-left:2px;border-radius:2px;vertical-align:super;color:#000}
.pl-root .pl-muted{opacity:.7}
.pl-root h3{margin:.6em 0 .3em}
""".strip()  # noqa: E501  (one CSS rule a line, as the browser's inspector shows it)


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
    cells = [[f"<td>{escape(v)}</td>" for v in shown[c].tolist()] for c in columns]
    body = ["<tr>" + "".join(row) + "</tr>" for row in zip(*cells)] if cells else ["<tr></tr>"] * len(shown)
    note = ""
    if len(frame) > max_rows:
        note = f'<p class="pl-muted">showing {max_rows} of {len(frame)} rows</p>'
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="{escape(css_class)}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


class _Span(NamedTuple):
    start: int
    end: int
    label: str
    title: Any  # shown as the tooltip when set, else the label
    picked: bool = False  # the reader's chosen span: outlined, and scrolled to


def highlight(
    text: str, spans: Iterable[Mapping[str, Any]], *, colours: Mapping[str, str] | None = None, show_labels: bool = True
) -> str:
    """``text`` with spans marked; overlapping and nested spans are all shown.

    Each span is a mapping with ``start``, ``end`` (character offsets, end
    exclusive), ``label`` and optionally ``title`` (a tooltip) and ``picked``
    (the reader's chosen span: outlined, not only coloured, and its first piece
    carries ``data-scroll-id="picked"`` so the reader can scroll to it). Overlaps are drawn
    as stacked underlines, one per span, so a quote containing an entity that
    contains a date shows all three; the label is written after each span.

    >>> highlight("Ostrovel met Endrath.", [{"start": 13, "end": 20, "label": "PERSON"}])[:56]
    '<span class="pl-text">Ostrovel met <mark class="pl-span"'
    """
    palette = {**LABEL_COLOURS, **(colours or {})}
    clean = sorted(
        (
            _Span(
                start=max(0, int(s["start"])),
                end=min(len(text), int(s["end"])),
                label=str(s.get("label", "")),
                title=s.get("title"),
                picked=s.get("picked") is True or str(s.get("picked")) == "True",  # numpy's True too
            )
            for s in spans
            if s.get("start") is not None and s.get("end") is not None
        ),
        key=lambda s: (s.start, -s.end),
    )
    clean = [s for s in clean if s.end > s.start]
    bounds = sorted({0, len(text), *(s.start for s in clean), *(s.end for s in clean)})
    parts = []
    anchored = False
    for left, right in zip(bounds, bounds[1:]):
        active = [i for i, s in enumerate(clean) if s.start <= left and s.end >= right]
        piece = escape(text[left:right])
        if active:
            shadows = ",".join(
                f"inset 0 -{2 + 3 * depth}px 0 0 {palette.get(clean[i].label, _DEFAULT_COLOUR)}"
                for depth, i in enumerate(active)
            )
            titles = "; ".join(escape(clean[i].title or clean[i].label) for i in active)
            picked = any(clean[i].picked for i in active)
            attrs = ' class="pl-span pl-picked"' if picked else ' class="pl-span"'
            if picked and not anchored:
                attrs += ' data-scroll-id="picked"'
                anchored = True
            piece = f'<mark{attrs} style="box-shadow:{shadows}" title="{titles}">{piece}</mark>'
        ending = [clean[i] for i in active if clean[i].end == right] if show_labels else []
        for span in ending:
            colour = palette.get(span.label, _DEFAULT_COLOUR)
            piece += f'<span class="pl-label" style="background:{colour}">{escape(span.label)}</span>'
        parts.append(piece)
    return f'<span class="pl-text">{"".join(parts)}</span>'


def page(body: str, *, title: str = "PressLens", extra_head: str = "") -> str:
    """A complete standalone HTML document around ``body`` (no external resources)."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<style>{STYLE}</style>{extra_head}</head><body class="pl-root">{body}</body></html>'
    )


def section(title: str, body: str) -> str:
    return f'<section class="pl-root"><style>{STYLE}</style><h3>{escape(title)}</h3>{body}</section>'
