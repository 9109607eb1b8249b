"""The passages around quotes, parsed when a quote comes without a stored reading.

Only the quote's paragraphs and the one before it (for "deny this …" that
points back) are parsed, so the cost grows with the quotes, not with the
length of the articles.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .cells import present

__all__ = ["_parse_readings", "_paragraph_start", "_windows"]

_PARAGRAPH = re.compile(r"\n\s*\n|\n")


def _parse_readings(
    quotes: pd.DataFrame, articles: pd.DataFrame, *, nlp: Any, batch_size: int
) -> dict[str, dict[str, Any]]:
    """Readings of quotes that have none, from a parse of the passages around them
    (the quote's paragraphs and the one before, for "deny this …" that points back)."""
    from ..component import reading_row  # spaCy: only when some quote has no stored reading

    windows = _windows(quotes, articles)
    docs = dict(zip(windows, nlp.pipe((articles.at[a, "text"][s:e] for a, s, e in windows), batch_size=batch_size)))
    by_article: dict[str, list[tuple[str, int, int]]] = {}
    for window in windows:
        by_article.setdefault(window[0], []).append(window)
    out: dict[str, dict[str, Any]] = {}
    for quote in quotes.itertuples(index=False):
        span = _quote_span(quote)
        window = next(
            (w for w in by_article.get(str(quote.article_id), ()) if w[1] <= span[0] and span[1] <= w[2]), None
        )
        if window is None:
            continue
        base = window[1]
        out[str(quote.quote_id)] = reading_row(
            docs[window],
            content=_shift(quote.content_start, quote.content_end, base),
            cue=_shift(quote.cue_start, quote.cue_end, base),
            base=base,
        )
    return out


def _paragraph_start(text: str, char: int) -> int:
    """Where the paragraph holding ``char`` starts (a paragraph is a line of text).

    >>> text = "One.\\n\\nTwo. Three."
    >>> _paragraph_start(text, text.index("Three")), _paragraph_start(text, len(text[:6].rstrip()))
    (6, 0)
    """
    return text.rfind("\n", 0, char) + 1


def _quote_span(quote: Any) -> tuple[int, int]:
    points = [
        int(v)
        for v in (
            quote.content_start,
            quote.content_end,
            quote.cue_start,
            quote.cue_end,
            quote.speaker_start,
            quote.speaker_end,
        )
        if present(v)
    ]
    return (min(points), max(points)) if points else (0, 0)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds or [(0, len(text))]


def _windows(quotes: pd.DataFrame, articles: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(article_id, start, end) passages to parse: each quote's paragraphs plus the one before, merged."""
    out: list[tuple[str, int, int]] = []
    for article_id, group in quotes.groupby("article_id", sort=True):
        article_id = str(article_id)
        if article_id not in articles.index:
            continue
        text = articles.at[article_id, "text"]
        paragraphs = _paragraphs(text)
        spans = []
        for quote in group.itertuples(index=False):
            start, end = _quote_span(quote)
            first = next((i for i, (s, e) in enumerate(paragraphs) if s <= start < e or start < s), len(paragraphs) - 1)
            last = next((i for i, (s, e) in enumerate(paragraphs) if end <= e), len(paragraphs) - 1)
            spans.append((paragraphs[max(0, first - 1)][0], paragraphs[max(first, last)][1]))
        for start, end in sorted(spans):
            if out and out[-1][0] == article_id and start <= out[-1][2]:
                out[-1] = (article_id, out[-1][1], max(out[-1][2], end))
            else:
                out.append((article_id, start, end))
    return out


def _shift(start: Any, end: Any, base: int) -> tuple[int, int] | None:
    if not (present(start) and present(end)):
        return None
    return int(start) - base, int(end) - base
