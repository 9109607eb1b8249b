"""Typed records: an article as loaded, and the load report that accounts for every input."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

__all__ = ["Article", "LoadEntry", "LoadReport", "repair_unicode"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_unicode(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced by U+FFFD, and how many were replaced.

    A lone surrogate (a ``\\ud800`` escape in JSON, half of a pair cut by a
    scraper) is a valid Python string that no UTF-8 writer accepts: Parquet,
    JSON manifests and terminals all raise on it. One replacement character per
    surrogate keeps every other character at its offset.

    >>> repair_unicode("caf\\ud800 noir") == ("caf\\ufffd noir", 1)
    True
    >>> repair_unicode("plain")
    ('plain', 0)
    """
    if _SURROGATE.search(text) is None:  # the common case: no copy
        return text, 0
    return _SURROGATE.subn("\ufffd", text)


# "capture": the date a web archive captured the page (WARC-Date), used when the page states none
PublishedSource = Literal["metadata", "html", "text", "capture", "unknown"]


@dataclass(frozen=True, kw_only=True)
class Article:
    """One article, its text exactly as analysed (offsets point into ``text``).

    ``raw_text`` is the decoded input before cleaning; ``removed`` lists the
    boilerplate lines cleaning took out, each as ``(start, end, reason)`` in
    ``raw_text`` offsets. ``metadata`` holds what the input said beyond the named
    fields (a news export's other columns, a web archive record's capture date
    and record id); it reaches the ``articles`` table as one JSON column,
    ``metadata``, only when some article has any. ``author`` is who the removed byline
    names (``None`` when cleaning found none): recorded, and kept out of the text so that it
    is never an entity of the story.
    """

    article_id: str
    text: str
    path: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    published_source: PublishedSource = "unknown"
    raw_text: str | None = None
    encoding: str | None = None
    removed: tuple[tuple[int, int, str], ...] = ()
    author: str | None = None
    # compare=False: a dict cannot be hashed, and two records of one article are the same without it
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    def row(self) -> dict[str, Any]:
        """The article's row in the ``articles`` table."""
        row = {
            "article_id": self.article_id,
            "path": self.path,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "published_source": self.published_source,
            "text": self.text,
            "url": self.url,
            "encoding": self.encoding,
            "n_removed_lines": len(self.removed),
            "author": self.author,
        }
        if self.metadata:  # no column at all for inputs that carry none: their tables stay as they were
            # a lone surrogate (valid in JSON input) would make the Parquet write fail: mended like the text fields
            text = json.dumps(self.metadata, sort_keys=True, ensure_ascii=False, default=str)
            row["metadata"] = repair_unicode(text)[0]
        return row


@dataclass(frozen=True, kw_only=True)
class LoadEntry:
    """What happened to one input: loaded, skipped or failed, and why."""

    source: str
    status: Literal["loaded", "skipped", "failed"]
    reason: str = ""
    article_id: str | None = None
    encoding: str | None = None
    removed_lines: int = 0


@dataclass(kw_only=True)
class LoadReport:
    """Every input accounted for: ``loaded + skipped + failed == inputs``."""

    entries: list[LoadEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, entry: LoadEntry) -> None:
        # a report must always be writable (manifest, terminal): no lone surrogate gets in, whatever the input,
        # and a file name may hold terminal escape sequences: every message shows the escaped form
        from .errors import printable

        source, reason = printable(repair_unicode(entry.source)[0]), printable(repair_unicode(entry.reason)[0])
        article_id = repair_unicode(entry.article_id)[0] if entry.article_id is not None else None
        if (source, reason, article_id) != (entry.source, entry.reason, entry.article_id):
            entry = replace(entry, source=source, reason=reason, article_id=article_id)
        self.entries.append(entry)

    def _count(self, status: str) -> int:
        return sum(1 for entry in self.entries if entry.status == status)

    @property
    def inputs(self) -> int:
        return len(self.entries)

    @property
    def loaded(self) -> int:
        return self._count("loaded")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def problems(self) -> list[LoadEntry]:
        return [entry for entry in self.entries if entry.status != "loaded"]

    @property
    def n_problems(self) -> int:
        """Inputs skipped or failed plus warnings (bad dates, renamed ids, unmatched metadata):
        what ``--strict`` refuses.

        >>> report = LoadReport(warnings=["metadata row 3: published 'soon' is not a valid date; ignored"])
        >>> report.add(LoadEntry(source="a.txt", status="loaded", article_id="a"))
        >>> report.n_problems
        1
        """
        return len(self.problems) + len(self.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "loaded": self.loaded,
            "skipped": self.skipped,
            "failed": self.failed,
            "entries": [asdict(entry) for entry in self.entries],
            "warnings": [repair_unicode(warning)[0] for warning in self.warnings],
        }

    def summary(self) -> str:
        lines = [f"inputs {self.inputs}: loaded {self.loaded}, skipped {self.skipped}, failed {self.failed}"]
        lines += [f"  {e.status}: {e.source} — {e.reason}" for e in self.problems]
        lines += [f"  warning: {w}" for w in self.warnings]
        return repair_unicode("\n".join(lines))[0]

    def __repr__(self) -> str:
        return f"LoadReport(loaded={self.loaded}, skipped={self.skipped}, failed={self.failed})"
