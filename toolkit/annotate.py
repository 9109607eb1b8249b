"""An annotation widget: mark quotes or dates in one article, then compare with the toolkit.

One data-backed widget (anywidget, its JavaScript inline, nothing loaded from a
network): the article text is drawn as text nodes (never as HTML), the learner
selects characters with the mouse and presses *Mark*, clicks a mark to remove
it, and presses *Compare* to see the toolkit's spans and the scores both ways.
The same works from Python: ``widget.add(start, end)`` and ``widget.score()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import traitlets

from . import html as h
from ._extras import missing_extra
from .teaching import SpanScore, score_spans, toolkit_spans

try:
    import anywidget
except ImportError as exc:  # the base install has no widgets: say which extra brings them
    raise missing_extra("lab", feature="The annotation widget", module="anywidget") from exc

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = ["SpanAnnotator", "annotate"]

_ESM = r"""
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "pl-annotator";
  const bar = document.createElement("div");
  bar.className = "pl-ann-bar";
  const mk = (label, title) => { const b = document.createElement("button"); b.textContent = label;
    b.title = title; b.className = "pl-ann-button"; bar.appendChild(b); return b; };
  const markBtn = mk("Mark selection", "mark the selected characters as one span");
  const undoBtn = mk("Undo", "remove the last span you marked");
  const clearBtn = mk("Clear", "remove all your spans");
  const compareBtn = mk("Compare with the toolkit", "show the toolkit's spans and the scores");
  const text = document.createElement("div");
  text.className = "pl-ann-text";
  const report = document.createElement("div");
  report.className = "pl-ann-report";
  root.append(bar, text, report);
  el.appendChild(root);

  function offsetOf(node, offset) {
    // characters before (node, offset) inside the text box, counting text nodes only
    let total = 0;
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const current = walker.currentNode;
      if (current === node) return total + offset;
      total += current.textContent.length;
    }
    if (node.nodeType === Node.ELEMENT_NODE && text.contains(node)) {
      let count = 0;
      const inner = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
      const stop = node.childNodes[offset] || null;
      while (inner.nextNode()) {
        if (stop && (stop === inner.currentNode || stop.contains(inner.currentNode))) break;
        count += inner.currentNode.textContent.length;
      }
      return count;
    }
    return null;
  }

  function draw() {
    const source = model.get("text");
    const mine = model.get("spans");
    const theirs = model.get("show_reference") ? model.get("reference") : [];
    const bounds = new Set([0, source.length]);
    for (const s of [...mine, ...theirs]) { bounds.add(s.start); bounds.add(s.end); }
    const cuts = [...bounds].filter((b) => b >= 0 && b <= source.length).sort((a, b) => a - b);
    text.replaceChildren();
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [a, b] = [cuts[i], cuts[i + 1]];
      const piece = document.createTextNode(source.slice(a, b));
      const inMine = mine.findIndex((s) => s.start <= a && s.end >= b);
      const inTheirs = theirs.some((s) => s.start <= a && s.end >= b);
      if (inMine < 0 && !inTheirs) { text.appendChild(piece); continue; }
      const span = document.createElement("mark");
      span.className = "pl-ann-span" + (inMine >= 0 ? " pl-ann-mine" : "") + (inTheirs ? " pl-ann-theirs" : "");
      span.title = [inMine >= 0 ? "yours (click to remove)" : "", inTheirs ? "toolkit" : ""].filter(Boolean).join(" + ");
      if (inMine >= 0) span.dataset.index = String(inMine);
      span.appendChild(piece);
      text.appendChild(span);
    }
    report.innerHTML = model.get("report_html");  // built and escaped in Python
    compareBtn.textContent = model.get("show_reference") ? "Hide the toolkit" : "Compare with the toolkit";
  }

  markBtn.addEventListener("click", () => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return;
    model.set("spans", [...model.get("spans"), { start, end }]);
    model.save_changes();
    sel.removeAllRanges();
  });
  undoBtn.addEventListener("click", () => { model.set("spans", model.get("spans").slice(0, -1)); model.save_changes(); });
  clearBtn.addEventListener("click", () => { model.set("spans", []); model.save_changes(); });
  compareBtn.addEventListener("click", () => { model.set("show_reference", !model.get("show_reference")); model.save_changes(); });
  text.addEventListener("click", (event) => {
    const target = event.target.closest("mark.pl-ann-mine");
    if (!target || !window.getSelection().isCollapsed) return;
    const index = Number(target.dataset.index);
    model.set("spans", model.get("spans").filter((_, i) => i !== index));
    model.save_changes();
  });
  for (const name of ["text", "spans", "reference", "show_reference", "report_html"]) model.on(`change:${name}`, draw);
  draw();
}
export default { render };
"""

_CSS = """
.pl-annotator{font-family:system-ui,sans-serif;font-size:14px;line-height:1.7}
.pl-ann-bar{display:flex;gap:6px;margin-bottom:6px;flex-wrap:wrap}
.pl-ann-text{white-space:pre-wrap;max-height:420px;overflow:auto;padding:6px;border:1px solid rgba(128,128,128,.4)}
.pl-ann-span{background:transparent;color:inherit}
.pl-ann-mine{box-shadow:inset 0 -3px 0 0 #E69F00;cursor:pointer}
.pl-ann-theirs{text-decoration:underline dotted #0072B2 2px;text-underline-offset:4px}
.pl-ann-mine.pl-ann-theirs{box-shadow:inset 0 -3px 0 0 #E69F00}
.pl-ann-report{margin-top:6px}
"""


class SpanAnnotator(anywidget.AnyWidget):
    """Mark spans of one article's text and compare them with the toolkit's (see :func:`annotate`)."""

    _esm = _ESM
    _css = _CSS
    text = traitlets.Unicode("").tag(sync=True)
    spans = traitlets.List(traitlets.Dict()).tag(sync=True)  # yours: [{"start", "end"}]
    reference = traitlets.List(traitlets.Dict()).tag(sync=True)  # the toolkit's
    show_reference = traitlets.Bool(False).tag(sync=True)
    report_html = traitlets.Unicode("").tag(sync=True)
    kind = traitlets.Unicode("quotes")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.observe(self._update_report, names=["spans", "reference", "show_reference"])
        self._update_report()

    def add(self, start: int, end: int) -> None:
        """Mark ``text[start:end]`` (as the *Mark selection* button does)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"A span needs 0 <= start < end <= {len(self.text)}; got ({start}, {end}).")
        self.spans = [*self.spans, {"start": int(start), "end": int(end)}]

    def clear(self) -> None:
        self.spans = []

    def rows(self) -> pd.DataFrame:
        """Your spans with their text, in reading order."""
        frame = pd.DataFrame(
            [{"start": s["start"], "end": s["end"], "text": self.text[s["start"] : s["end"]]} for s in self.spans],
            columns=["start", "end", "text"],
        )
        return frame.sort_values("start", ignore_index=True)

    def score(self, *, min_overlap: float = 0.5) -> SpanScore:
        return score_spans(self.spans, self.reference, min_overlap=min_overlap)

    def _update_report(self, _: Any = None) -> None:
        if not self.show_reference:
            self.report_html = (
                f"<p>{len(self.spans)} span(s) marked. Press <b>Compare with the toolkit</b> when you are done.</p>"
            )
            return
        score = self.score()

        def listing(title: str, spans: tuple[tuple[int, int], ...]) -> str:
            if not spans:
                return ""
            items = "".join(f"<li>{s}–{e}: “{h.escape(self.text[s:e])}”</li>" for s, e in spans)
            return f"<p><b>{h.escape(title)}</b></p><ul>{items}</ul>"

        noun = "quotes" if self.kind == "quotes" else "dates"
        self.report_html = (
            f"<p>{h.escape(score.summary())}</p>"
            + listing(f"Only you marked these {noun} (did the toolkit miss them?)", score.only_yours)
            + listing(f"Only the toolkit marked these {noun} (did you miss them, or is it wrong?)", score.only_toolkit)
            + '<p class="pl-muted">Your spans: solid underline. The toolkit\'s: dotted underline.</p>'
        )


def annotate(corpus: Corpus, article_id: str | None = None, *, kind: str = "quotes") -> SpanAnnotator:
    """An annotation widget for one article (default: the one where the toolkit found the most spans).

    ``kind`` is ``"quotes"`` (mark what is quoted or reported) or ``"dates"``
    (mark date and time expressions).
    """
    articles = corpus.articles
    if article_id is None:
        table = corpus.quotes if kind == "quotes" else corpus.timexes
        counts = table["article_id"].value_counts()
        article_id = str(counts.index[0]) if len(counts) else str(articles["article_id"].iloc[0])
    match = articles[articles["article_id"] == article_id]
    if match.empty:
        raise KeyError(
            f"No article {article_id!r}. Articles: {', '.join(articles['article_id'].head(10))}"
            f"{' …' if len(articles) > 10 else ''}."
        )
    reference = [{"start": s, "end": e} for s, e in toolkit_spans(corpus, article_id, kind)]
    widget = SpanAnnotator(text=str(match["text"].iloc[0]), reference=reference, kind=kind)
    widget.article_id = article_id
    return widget
