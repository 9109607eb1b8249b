"""Loaders: files, folders, globs, JSONL/CSV/Parquet tables, HTML pages and
DataFrames become :class:`~toolkit.records.Article`\\ s, and every input gets a
line in the :class:`~toolkit.records.LoadReport`.

A bad input costs one line in the report, never the run.
"""

from __future__ import annotations

import codecs
import datetime as dt
import glob as globmod
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import errors
from .cleaning import clean_text
from .records import Article, LoadEntry, LoadReport

__all__ = ["load", "iter_articles", "decode_bytes", "read_metadata", "TEXT_SUFFIXES", "DEFAULT_COLUMNS"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".tsv", ".parquet"}

# Column names tried, in order, for each field of an article in a table.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("article_id", "id", "doc_id"),
    "text": ("text", "body", "content", "article"),
    "title": ("title", "headline"),
    "published": ("published", "date", "published_at", "publication_date"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher"),
    "url": ("url", "link"),
}

_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"GIF8", b"\xff\xd8\xff", b"BZh", b"MZ")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MAX_TITLE = 200
_DOC_FILE = re.compile(r"^(readme|license|licence|changelog|copying)(\.[a-z]+)?$", re.IGNORECASE)


# ---------------------------------------------------------------------------
# decoding
def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)``.

    Raises ``ValueError`` with the reason for binary or undecodable data.

    >>> decode_bytes("Министр иностранных дел заявил, что переговоры продолжатся.".encode("cp1251"))[1]
    'windows-1251'
    """
    for magic in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ValueError("binary file (file signature of a non-text format)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding.replace("-sig", "") + " (BOM)"
    if _looks_utf16(data):
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _control_ratio(text) < 0.05:
                return text, encoding
    if _byte_control_ratio(data) > 0.1:
        raise ValueError("binary file (mostly control bytes)")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ValueError("undecodable: no text encoding fits these bytes") from None
        text, encoding = str(best), _canonical_encoding(best.encoding)
    if _control_ratio(text) > 0.1:
        raise ValueError("binary file (mostly control characters)")
    return text, encoding


def _canonical_encoding(name: str) -> str:
    aliases = {"cp1251": "windows-1251", "cp1252": "windows-1252", "cp1250": "windows-1250",
               "latin_1": "latin-1", "iso8859_1": "latin-1", "utf_8": "utf-8", "koi8_r": "koi8-r"}
    return aliases.get(name.lower(), name.lower().replace("_", "-"))


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: ASCII-heavy text leaves NULs at every other byte."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > 0.3 * (len(sample) / 2) and min(even, odd) < 0.05 * (len(sample) / 2)


def _byte_control_ratio(data: bytes) -> float:
    sample = data[:20000]
    bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bad / len(sample) if sample else 0.0


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0x7F <= ord(ch) < 0xA0)
    return bad / len(sample)


# ---------------------------------------------------------------------------
# text helpers
def guess_title(text: str) -> str | None:
    """A headline-like first line: short, not ending like a sentence, followed by more text.

    >>> guess_title("Talks resume in Vladivostok\\n\\nThe ministers met on Monday.")
    'Talks resume in Vladivostok'
    >>> guess_title("The ministers met on Monday. They talked.") is None
    True
    """
    lines = [line.strip() for line in text.splitlines()]
    nonempty = [i for i, line in enumerate(lines) if line]
    if len(nonempty) < 2:
        return None
    first = lines[nonempty[0]]
    if len(first) > _MAX_TITLE or len(first.split()) < 2:
        return None
    if first.endswith((".", ",", ";")) and not first.endswith(("...", "…")):
        return None
    return first


_DATELINE = re.compile(
    r"^\W*(?:published|posted|updated|date)?\s*:?\s*"
    r"(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})\W*$",
    re.IGNORECASE,
)


def date_from_text(text: str) -> str | None:
    """A publication date stated on its own line near the top ("Published: 12 March 2024")."""
    for line in text.splitlines()[:6]:
        match = _DATELINE.match(line.strip())
        if match:
            parsed = parse_date(match.group("date"))
            if parsed:
                return parsed
    return None


def parse_date(value: Any) -> str | None:
    """An ISO date string from a metadata value, or ``None`` if it is not a real date.

    >>> parse_date("2024-02-30") is None
    True
    >>> parse_date("19 October 2023")
    '2023-10-19'
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
        return None  # ISO-shaped but impossible (2024-02-30): do not let a lenient parser guess
    import dateparser

    parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True})
    return parsed.date().isoformat() if parsed else None


# ---------------------------------------------------------------------------
# metadata
def read_metadata(path: str | os.PathLike[str], report: LoadReport) -> dict[str, dict[str, Any]]:
    """Read a metadata CSV keyed by ``article_id`` or ``path``; problems go to the report's warnings."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:  # pandas' ParserError is a ValueError
        raise errors.InputError(f"Metadata CSV {path} cannot be read: {exc}. Check that fields containing "
                                "commas are quoted and that the file is UTF-8.") from exc
    key = "article_id" if "article_id" in frame.columns else "path" if "path" in frame.columns else None
    if key is None:
        raise errors.InputError(
            f"Metadata CSV {path}: no 'article_id' or 'path' column to join on; found: "
            f"{', '.join(frame.columns) or 'no columns'}.")
    metadata: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(frame.to_dict("records"), start=2):
        ident = str(row.get(key, "")).strip()
        if not ident:
            report.warnings.append(f"metadata {path} line {number}: empty {key}; row ignored")
            continue
        record = {field: (row.get(field) or None) for field in ("published", "outlet", "title", "url")}
        if record["published"] is not None:
            parsed = parse_date(record["published"])
            if parsed is None:
                report.warnings.append(
                    f"metadata {path} line {number}: published {record['published']!r} is not a valid date; ignored")
            record["published"] = parsed
        metadata[ident if key == "article_id" else os.path.normpath(ident)] = record
    return metadata


# ---------------------------------------------------------------------------
# loading
class _Loader:
    def __init__(self, *, clean: bool, columns: Mapping[str, str] | None, report: LoadReport,
                 metadata: dict[str, dict[str, Any]], exclude: set[str]) -> None:
        self.clean = clean
        self.columns = dict(columns or {})
        self.report = report
        self.metadata = metadata
        self.exclude = exclude
        self.used_ids: set[str] = set()
        self.matched_metadata: set[str] = set()

    # inputs -----------------------------------------------------------------
    def run(self, inputs: Iterable[Any]) -> Iterator[Article]:
        for item in inputs:
            if isinstance(item, pd.DataFrame):
                yield from self._from_frame(item, source="DataFrame")
            elif isinstance(item, Article):
                yield self._finish(item, source=item.path or item.article_id)
            else:
                yield from self._from_path_like(item)

    def _from_path_like(self, item: Any) -> Iterator[Article]:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            yield from self._from_dir(path)
        elif path.exists() or path.is_symlink():
            yield from self._from_file(path)
        elif any(ch in text for ch in "*?["):
            matches = sorted(globmod.glob(text, recursive=True))
            if not matches:
                self.report.add(LoadEntry(source=text, status="skipped", reason="glob matched no files"))
            for match in matches:
                yield from self._from_path_like(match)
        else:
            self.report.add(LoadEntry(source=text, status="failed", reason="no such file or directory"))

    def _from_dir(self, root: Path) -> Iterator[Article]:
        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=self._walk_error):
            try:
                stat = os.stat(dirpath)
            except OSError as exc:
                self.report.add(LoadEntry(source=dirpath, status="failed", reason=f"unreadable directory: {exc.strerror}"))
                dirnames[:] = []
                continue
            if (stat.st_dev, stat.st_ino) in seen_dirs:  # a symlink loop
                self.report.add(LoadEntry(source=dirpath, status="skipped", reason="directory already visited (symlink loop)"))
                dirnames[:] = []
                continue
            seen_dirs.add((stat.st_dev, stat.st_ino))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                if _DOC_FILE.match(name):  # a corpus folder's own README or licence is not an article
                    self.report.add(LoadEntry(source=str(Path(dirpath) / name), status="skipped",
                                              reason="documentation file (README/LICENSE), not an article"))
                    continue
                yield from self._from_file(Path(dirpath) / name)

    def _walk_error(self, exc: OSError) -> None:
        self.report.add(LoadEntry(source=str(exc.filename), status="failed", reason=f"unreadable: {exc.strerror}"))

    def _from_file(self, path: Path) -> Iterator[Article]:
        source = str(path)
        if os.path.abspath(source) in self.exclude:
            self.report.add(LoadEntry(source=source, status="skipped", reason="metadata file (passed with --metadata)"))
            return
        suffix = path.suffix.lower()
        try:
            if suffix in TABLE_SUFFIXES:
                yield from self._from_table_file(path)
                return
            data = path.read_bytes()
        except errors.InputError as exc:
            self.report.add(LoadEntry(source=source, status="failed", reason=str(exc)))
            return
        except (OSError, ValueError) as exc:
            reason = f"unreadable: {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else f"unreadable: {exc}"
            self.report.add(LoadEntry(source=source, status="failed", reason=reason))
            return
        if not data.strip():
            self.report.add(LoadEntry(source=source, status="skipped", reason="empty file" if not data else "only whitespace"))
            return
        try:
            text, encoding = decode_bytes(data)
        except ValueError as exc:
            self.report.add(LoadEntry(source=source, status="skipped" if "binary" in str(exc) else "failed", reason=str(exc)))
            return
        if not text.strip():
            self.report.add(LoadEntry(source=source, status="skipped", reason="only whitespace"))
            return
        if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_html(text)):
            article = self._from_html(text, path, encoding)
            if article is not None:
                yield article
            return
        yield self._finish(Article(article_id=path.stem, text=text, path=source, title=guess_title(text),
                                   published=date_from_text(text), encoding=encoding,
                                   published_source="text"), source=source)

    def _from_html(self, html: str, path: Path, encoding: str) -> Article | None:
        import trafilatura

        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, favor_recall=True)
        text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
        if not text:
            self.report.add(LoadEntry(source=str(path), status="skipped", reason="HTML page without main text"))
            return None
        published = parse_date(getattr(doc, "date", None))
        return self._finish(
            Article(article_id=path.stem, text=text + "\n", path=str(path), title=getattr(doc, "title", None),
                    outlet=getattr(doc, "sitename", None), url=getattr(doc, "url", None), published=published,
                    published_source="html", raw_text=text + "\n", encoding=encoding),
            source=str(path), cleaned_by="trafilatura")

    def _from_table_file(self, path: Path) -> Iterator[Article]:
        suffix = path.suffix.lower()
        if suffix in {".jsonl", ".ndjson"}:
            rows, bad = [], []
            with path.open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    try:
                        rows.append(json.loads(raw.decode("utf-8-sig") if number == 1 else raw.decode("utf-8")))
                    except (ValueError, UnicodeDecodeError) as exc:
                        bad.append(f"line {number}: {type(exc).__name__}")
            for problem in bad:
                self.report.add(LoadEntry(source=f"{path}:{problem.split(':')[0].split()[-1]}", status="failed",
                                          reason=f"malformed JSON ({problem})"))
            frame = pd.DataFrame([r for r in rows if isinstance(r, dict)])
            for extra in (r for r in rows if not isinstance(r, dict)):
                self.report.add(LoadEntry(source=str(path), status="failed", reason=f"JSON line is not an object: {type(extra).__name__}"))
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep="\t" if suffix == ".tsv" else ",",
                                encoding_errors="replace")
            if not self._column(frame, "text") and self._looks_like_metadata(frame):
                self.report.add(LoadEntry(source=str(path), status="skipped",
                                          reason="looks like a metadata CSV (no text column); pass it with --metadata"))
                return
        if frame.empty:
            self.report.add(LoadEntry(source=str(path), status="skipped", reason="table without rows"))
            return
        yield from self._from_frame(frame, source=str(path), stem=path.stem)

    def _looks_like_metadata(self, frame: pd.DataFrame) -> bool:
        return bool({"article_id", "path"} & set(frame.columns)) and bool({"published", "outlet", "title", "url"} & set(frame.columns))

    def _column(self, frame: pd.DataFrame, field: str) -> str | None:
        if field in self.columns:
            return self.columns[field] if self.columns[field] in frame.columns else None
        return next((c for c in DEFAULT_COLUMNS[field] if c in frame.columns), None)

    def _from_frame(self, frame: pd.DataFrame, *, source: str, stem: str = "row") -> Iterator[Article]:
        text_col = self._column(frame, "text")
        if text_col is None:
            expected = self.columns.get("text") or " / ".join(DEFAULT_COLUMNS["text"])
            raise errors.InputError(errors.NO_TEXT_COLUMN.format(
                source=source, expected=expected, found=", ".join(map(str, frame.columns)) or "no columns"))
        cols = {field: self._column(frame, field) for field in DEFAULT_COLUMNS}
        for number, row in enumerate(frame.to_dict("records")):
            row_source = f"{source}#{number}"
            text = row.get(text_col)
            if not isinstance(text, str) or not text.strip():
                self.report.add(LoadEntry(source=row_source, status="skipped", reason=f"empty or missing {text_col!r}"))
                continue
            ident = _clean_value(row.get(cols["id"])) if cols["id"] else None
            published_raw = row.get(cols["published"]) if cols["published"] else None
            published = parse_date(published_raw)
            if published_raw not in (None, "") and published is None and not (isinstance(published_raw, float)):
                self.report.warnings.append(f"{row_source}: published {published_raw!r} is not a valid date; ignored")
            article = Article(
                article_id=str(ident) if ident is not None else f"{stem}-{number}",
                text=text, path=source,
                title=_clean_value(row.get(cols["title"])) if cols["title"] else None,
                outlet=_clean_value(row.get(cols["outlet"])) if cols["outlet"] else None,
                url=_clean_value(row.get(cols["url"])) if cols["url"] else None,
                published=published, published_source="metadata" if published else "unknown", encoding=None)
            if article.title is None:
                article = _replace(article, title=guess_title(text))
            yield self._finish(article, source=row_source)

    # shared finishing: cleaning, metadata join, unique ids ---------------------
    def _finish(self, article: Article, *, source: str, cleaned_by: str | None = None) -> Article:
        raw = article.text
        removed: list[tuple[int, int, str]] = []
        text = raw
        if self.clean and cleaned_by is None:
            text, removed = clean_text(raw)
        meta = self.metadata.get(article.article_id)
        meta_key = article.article_id
        if meta is None and article.path:
            meta_key = os.path.normpath(article.path)
            meta = self.metadata.get(meta_key) or self.metadata.get(os.path.basename(article.path))
            if meta is not None and meta_key not in self.metadata:
                meta_key = os.path.basename(article.path)
        changes: dict[str, Any] = {"text": text, "raw_text": raw, "removed": tuple(removed)}
        if meta is not None:
            self.matched_metadata.add(meta_key)
            for field in ("outlet", "title", "url"):
                if meta.get(field):
                    changes[field] = meta[field]
            if meta.get("published"):
                changes["published"], changes["published_source"] = meta["published"], "metadata"
        published = changes.get("published", article.published)
        if published is None:
            changes["published_source"] = "unknown"
        article_id = article.article_id
        if article_id in self.used_ids:
            n = 2
            while f"{article_id}-{n}" in self.used_ids:
                n += 1
            self.report.warnings.append(f"{source}: duplicate article_id {article_id!r}; renamed to '{article_id}-{n}'")
            article_id = f"{article_id}-{n}"
        self.used_ids.add(article_id)
        changes["article_id"] = article_id
        article = _replace(article, **changes)
        self.report.add(LoadEntry(source=source, status="loaded", article_id=article_id, encoding=article.encoding,
                                  removed_lines=len(removed),
                                  reason=("removed " + ", ".join(sorted({r for _, _, r in removed}))) if removed else ""))
        return article


def _replace(article: Article, **changes: Any) -> Article:
    from dataclasses import replace

    return replace(article, **changes)


def _clean_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _looks_html(text: str) -> bool:
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def iter_articles(inputs: Iterable[Any] | Any, *, report: LoadReport, metadata: str | os.PathLike[str] | None = None,
                  clean: bool = True, columns: Mapping[str, str] | None = None) -> Iterator[Article]:
    """Stream articles from ``inputs``, recording every input in ``report``."""
    if isinstance(inputs, (str, os.PathLike, pd.DataFrame, Article)):
        inputs = [inputs]
    meta = read_metadata(metadata, report) if metadata is not None else {}
    exclude = {os.path.abspath(os.fspath(metadata))} if metadata is not None else set()
    loader = _Loader(clean=clean, columns=columns, report=report, metadata=meta, exclude=exclude)
    yield from loader.run(inputs)
    for key in sorted(set(meta) - loader.matched_metadata):
        report.warnings.append(f"metadata names {key!r}, which matches no loaded article")


def load(inputs: Iterable[Any] | Any, *, metadata: str | os.PathLike[str] | None = None, clean: bool = True,
         columns: Mapping[str, str] | None = None) -> tuple[list[Article], LoadReport]:
    """Load articles from paths, folders, globs, tables or DataFrames.

    Returns the articles and a :class:`LoadReport` that accounts for every input.

    >>> import pandas as pd
    >>> articles, report = load(pd.DataFrame({"id": ["a"], "body": ["Talks resumed."]}))
    >>> articles[0].article_id, report.loaded
    ('a', 1)
    """
    report = LoadReport()
    articles = list(iter_articles(inputs, report=report, metadata=metadata, clean=clean, columns=columns))
    return articles, report
