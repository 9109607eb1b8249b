"""Loaders: files, folders, globs, JSONL/JSON/CSV/Parquet tables, HTML pages, web
archives (WARC/ARC, one article per HTML record) and DataFrames become
:class:`~toolkit.records.Article`\\ s, and every input (every record of an archive)
gets a line in the :class:`~toolkit.records.LoadReport`.

A bad input costs one line in the report, never the run.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import errno
import glob as globmod
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import errors
from ._exports import ColumnLayout, column_layout
from ._warc import Capture, Passed, Seen, is_archive, read_archive, url_article_id
from .cleaning import BYLINE, byline_author, clean_text
from .records import Article, LoadEntry, LoadReport, PublishedSource, repair_unicode

__all__ = [
    "load",
    "iter_articles",
    "decode_bytes",
    "read_metadata",
    "TEXT_SUFFIXES",
    "DEFAULT_COLUMNS",
    "DEFAULT_MAX_CHARS",
]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet"}
# JSON exports wrap their list of articles: NewsAPI in "articles", Event Registry in "articles.results"
_JSON_LIST_KEYS = ("articles", "results", "stories", "data", "items", "documents", "docs", "hits")

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
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# where tables keep each field: a preset name, a mapping file, a mapping, or a layout made from one
ColumnsSpec = str | os.PathLike[str] | Mapping[str, str | list[str]] | ColumnLayout | None
_MAX_TITLE = 200
# spaCy's own default ``nlp.max_length``: beyond it a parser needs about 1 GB per
# 100,000 words. Longer "articles" are usually concatenated dumps; they are
# skipped with a reason unless the limit is raised (``max_chars=None``: no limit).
DEFAULT_MAX_CHARS = 1_000_000
_DOC_FILE = re.compile(r"^(readme|license|licence|changelog|copying)(\.[a-z]+)?$", re.IGNORECASE)


# ---------------------------------------------------------------------------
# decoding
# Single-byte encodings tried, in order of preference, when a file is not UTF-8.
# Short texts defeat statistical detectors (six Cyrillic letters look like Big5
# to charset_normalizer), so these are scored first by how word-like their
# non-ASCII letters come out; a detector's guess competes on the same score.
LEGACY_ENCODINGS = ("windows-1252", "windows-1251", "koi8-r", "iso8859-7")
_SCORE_SAMPLE = 65536
_PUNCTUATION_OK = set(
    "\u00a0\u00ab\u00bb\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u00b7\u00b0"
    "\u00a7\u00a9\u00ae\u20ac\u00a3\u00a5\u2116\u00bd\u00bc\u00be\u00b2\u00b3\u00b1\u00d7\u2122"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)``.

    Raises ``ValueError`` with the reason for binary or undecodable data.

    >>> decode_bytes("Министр иностранных дел заявил, что переговоры продолжатся.".encode("cp1251"))[1]
    'windows-1251'
    >>> decode_bytes("Café crème, été".encode("latin-1"))
    ('Café crème, été', 'windows-1252')
    >>> decode_bytes("Привет, мир".encode("utf-16-le"))[1]
    'utf-16-le'
    """
    for magic in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ValueError("binary file (file signature of a non-text format)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (BOM)"
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"undecodable: starts with a {encoding} byte-order mark but is not {encoding} "
                    f"({exc.reason} at byte {exc.start})"
                ) from None
    wide = _utf16_guess(data)
    if wide is not None:
        return wide
    if _byte_control_ratio(data) > 0.1:
        raise ValueError("binary file (mostly control bytes)")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(data)
    if _control_ratio(text) > 0.1:
        raise ValueError("binary file (mostly control characters)")
    return text, encoding


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """The most plausible non-UTF-8 decoding of ``data``."""
    sample = data[:_SCORE_SAMPLE]
    candidates: list[tuple[float, int, str]] = []
    for rank, encoding in enumerate(LEGACY_ENCODINGS):
        try:
            candidates.append((_plausibility(sample.decode(encoding)), -rank, encoding))
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is not None:
        encoding = _canonical_encoding(best.encoding)
        if encoding not in LEGACY_ENCODINGS:
            with contextlib.suppress(UnicodeDecodeError, LookupError):
                # a multi-byte guess may cut a character at the sample's end: score its text without the tail
                text = sample.decode(encoding, errors="ignore" if len(sample) < len(data) else "strict")
                candidates.append((_plausibility(text), -len(LEGACY_ENCODINGS), encoding))
    if not candidates:
        raise ValueError("undecodable: neither UTF-8 nor any single-byte encoding fits these bytes")
    _, _, encoding = max(candidates)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        # the sample fitted but a later byte does not: keep the text, mark the damage
        text = data.decode(encoding, errors="replace")
        return text, f"{encoding} (bytes not valid in it replaced with U+FFFD, first at byte {exc.start})"


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that read like real text: letters in single-script
    words with ordinary casing (lower, Title or UPPER), or common punctuation.

    Mis-decoded text betrays itself by words that mix scripts ("Ãâ€"), flip case
    mid-word ("пРИВЕТ" from KOI8-R read as Windows-1251) or are made almost only
    of accented Latin letters (Cyrillic bytes read as Windows-1252).
    """
    total = sum(1 for ch in text if ord(ch) > 127)
    if total == 0:
        return 1.0
    good = sum(1 for ch in text if ch in _PUNCTUATION_OK)
    for match in _WORD.finditer(text):
        word = match.group()
        wide = sum(1 for ch in word if ord(ch) > 127)
        if wide == 0:
            continue
        scripts = {_script(ch) for ch in word}
        if len(scripts) != 1:
            continue
        if (
            not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower()))
            and "CJK" not in scripts
        ):
            continue
        if scripts == {"LATIN"} and wide >= 3 and wide > 0.6 * len(word):
            continue  # Western words carry a few accents, not a word of them
        good += wide
    return good / total


def _script(ch: str) -> str:
    if ord(ch) < 128:
        return "LATIN"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "UNKNOWN"
    first = name.split()[0]
    if first in {"CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH", "HANGUL", "IDEOGRAPHIC"}:
        return "CJK"  # Japanese and Chinese words mix these freely
    return first


def _canonical_encoding(name: str) -> str:
    aliases = {
        "cp1251": "windows-1251",
        "cp1252": "windows-1252",
        "cp1250": "windows-1250",
        "latin_1": "latin-1",
        "iso8859_1": "latin-1",
        "utf_8": "utf-8",
        "koi8_r": "koi8-r",
        "iso8859_7": "iso8859-7",
    }
    return aliases.get(name.lower(), name.lower().replace("_", "-"))


def _utf16_guess(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte-order mark: one byte of each pair repeats (NUL for
    Latin text, 0x04 for Cyrillic), so one parity of bytes has little variety."""
    sample = data[:4000]
    if len(sample) < 8:
        return None
    halves = {"utf-16-le": sample[1::2], "utf-16-be": sample[0::2]}
    for encoding, high in halves.items():
        top = max(set(high), key=high.count)
        if high.count(top) < 0.6 * len(high) or top >= 0x20:
            continue
        try:
            text = data[: len(data) - len(data) % 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) < 0.05 and _plausibility(text[:_SCORE_SAMPLE]) > 0.8:
            return text, encoding
    return None


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
    # only the head matters; splitting a 50 MB text into lines to look at two of them would not
    lines = [line.strip() for line in text[: 4 * _MAX_TITLE + 2000].splitlines()]
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
    for line in text[:2000].splitlines()[:6]:
        match = _DATELINE.match(line.strip())
        if match:
            parsed = parse_date(match.group("date"))
            if parsed:
                return parsed
    return None


_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T?\d{2}(?:\d{2}(?:\d{2})?)?Z?)?")


def parse_date(value: Any) -> str | None:
    """An ISO date string from a metadata value, or ``None`` if it is not a real date.

    >>> parse_date("2024-02-30") is None
    True
    >>> parse_date("19 October 2023")
    '2023-10-19'
    >>> parse_date("20240315T123000Z")
    '2024-03-15'
    >>> parse_date("yesterday") is None  # relative dates would make runs depend on the day
    True
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    text = str(value).strip()
    if not text:
        return None
    compact = _COMPACT_DATE.fullmatch(text)
    if compact:  # GDELT's 20240315T123000Z and 20240315123000: no separators for a parser to go by
        try:
            return dt.date(*map(int, compact.groups())).isoformat()
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
        return None  # ISO-shaped but impossible (2024-02-30): do not let a lenient parser guess
    import dateparser

    # absolute dates only: "yesterday" or "2 days ago" would depend on the day of the run
    parsed = dateparser.parse(
        text[:100], languages=["en"], settings={"STRICT_PARSING": True, "PARSERS": ["custom-formats", "absolute-time"]}
    )
    return parsed.date().isoformat() if parsed else None


# ---------------------------------------------------------------------------
# metadata
def read_metadata(path: str | os.PathLike[str], report: LoadReport) -> dict[str, dict[str, Any]]:
    """Read a metadata CSV keyed by ``article_id`` or ``path``.

    Bad rows go to the report's warnings; a metadata file that cannot be read at
    all is one failed entry in the report (the articles still load, without it).
    """
    source = os.fspath(path)
    try:
        frame = _read_metadata_frame(Path(source))
    except (OSError, ValueError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).strip().splitlines()[0]
        report.add(
            LoadEntry(
                source=source,
                status="failed",
                reason=(
                    f"metadata CSV unreadable ({reason}); articles loaded without it. Check that fields containing "
                    "commas are quoted"
                ),
            )
        )
        return {}
    key = "article_id" if "article_id" in frame.columns else "path" if "path" in frame.columns else None
    if key is None:
        report.add(
            LoadEntry(
                source=source,
                status="failed",
                reason=(
                    f"metadata CSV has no 'article_id' or 'path' column to join on; found: "
                    f"{', '.join(map(str, frame.columns)) or 'no columns'}. "
                    "Rename the key column; articles loaded without it"
                ),
            )
        )
        return {}
    metadata: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(frame.to_dict("records"), start=2):
        ident = str(row.get(key, "")).strip()
        if not ident:
            report.warnings.append(f"metadata {source} row {number}: empty {key}; row ignored")
            continue
        record = {
            field: (str(row.get(field)).strip() or None) if row.get(field) else None
            for field in ("published", "outlet", "title", "url")
        }
        if record["published"] is not None:
            parsed = parse_date(record["published"])
            if parsed is None:
                report.warnings.append(
                    f"metadata {source} row {number}: published {record['published']!r} is not a valid date; ignored"
                )
            record["published"] = parsed
        ident = ident if key == "article_id" else os.path.normpath(ident)
        if ident in metadata:
            report.warnings.append(f"metadata {source} row {number}: {key} {ident!r} appears again; this row wins")
        metadata[ident] = record
    return metadata


def _read_metadata_frame(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise ValueError("empty file")
    text, _ = decode_bytes(data)
    return pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, sep="\t" if path.suffix.lower() == ".tsv" else ","
    )


# ---------------------------------------------------------------------------
# loading
class _Loader:
    def __init__(
        self,
        *,
        clean: bool,
        layout: ColumnLayout | None,
        report: LoadReport,
        metadata: dict[str, dict[str, Any]],
        exclude: Mapping[str, str],  # absolute path -> why it is not an article
        max_chars: int | None,
        output: str | None = None,
        cleaner: Callable[[str], tuple[str, list[tuple[int, int, str]]]] = clean_text,
    ) -> None:
        self.clean = clean
        self.cleaner = cleaner
        self.layout = layout
        self.report = report
        self.metadata = metadata
        self.exclude = exclude
        self.output = output  # absolute path of the run's output folder: never read as input
        self.max_chars = max_chars
        self.used_ids: set[str] = set()
        self.matched_metadata: dict[str, list[str]] = {}  # metadata key -> the inputs its row was applied to
        self.seen_files: dict[tuple[int, int], str] = {}  # (device, inode) -> first path: one file, one article
        self.pages_seen = Seen()  # web archive payloads already read: a page captured twice is one article

    # inputs -----------------------------------------------------------------
    def run(self, inputs: Iterable[Any]) -> Iterator[Article]:
        for item in inputs:
            if isinstance(item, pd.DataFrame):
                try:
                    yield from self._from_frame(item, source="DataFrame")
                except errors.InputError as exc:
                    self.report.add(LoadEntry(source="DataFrame", status="failed", reason=str(exc)))
            elif isinstance(item, Article):
                yield from self._finished(item, source=item.path or item.article_id)
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

    def _output_reason(self, path: str) -> str | None:
        """Why ``path`` is not read (an output folder, or inside one), or ``None``.

        Without this, ``analyze corpus --out corpus/analysis`` read its own Parquet tables,
        manifest and alias file as articles on the next run (3 → 33 → 137 articles).
        Another PressLens output folder is known by its manifest beside Parquet tables.
        """
        absolute = os.path.realpath(path)  # a symlink to the output folder is the output folder
        if self.output is not None and (absolute == self.output or absolute.startswith(self.output + os.sep)):
            return "the output folder of this run (--out): never read as input"
        if os.path.isdir(absolute) and _is_output_folder(absolute):
            return "a PressLens output folder (manifest.json beside .parquet tables): not read as input"
        return None

    def _from_dir(self, root: Path) -> Iterator[Article]:
        seen_dirs: set[tuple[int, int]] = set()
        if (why := self._output_reason(str(root))) is not None:
            self.report.add(LoadEntry(source=str(root), status="skipped", reason=why))
            return
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=self._walk_error):
            try:
                stat = os.stat(dirpath)
            except OSError as exc:
                self.report.add(
                    LoadEntry(source=dirpath, status="failed", reason=f"unreadable directory: {exc.strerror}")
                )
                dirnames[:] = []
                continue
            if (stat.st_dev, stat.st_ino) in seen_dirs:  # a symlink loop
                self.report.add(
                    LoadEntry(source=dirpath, status="skipped", reason="directory already visited (symlink loop)")
                )
                dirnames[:] = []
                continue
            seen_dirs.add((stat.st_dev, stat.st_ino))
            # hidden entries (.git, .DS_Store, editor backups) are not articles, but each gets its line so that
            # nothing in the folder goes unaccounted; a hidden folder is one line, its contents are not read
            for name in sorted(d for d in dirnames if d.startswith(".")):
                self.report.add(
                    LoadEntry(
                        source=_printable_path(os.path.join(dirpath, name)),
                        status="skipped",
                        reason="hidden folder (its name starts with a dot; not read)",
                    )
                )
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in list(dirnames):
                if (why := self._output_reason(os.path.join(dirpath, name))) is not None:
                    self.report.add(LoadEntry(source=os.path.join(dirpath, name), status="skipped", reason=why))
                    dirnames.remove(name)
            for name in sorted(filenames):
                if name.startswith("."):
                    self.report.add(
                        LoadEntry(
                            source=_printable_path(os.path.join(dirpath, name)),
                            status="skipped",
                            reason="hidden file (its name starts with a dot)",
                        )
                    )
                    continue
                if _DOC_FILE.match(name):  # a corpus folder's own README or licence is not an article
                    self.report.add(
                        LoadEntry(
                            source=_printable_path(os.path.join(dirpath, name)),
                            status="skipped",
                            reason="documentation file (README/LICENSE), not an article",
                        )
                    )
                    continue
                yield from self._from_file(Path(dirpath) / name)

    def _walk_error(self, exc: OSError) -> None:
        self.report.add(LoadEntry(source=str(exc.filename), status="failed", reason=f"unreadable: {exc.strerror}"))

    def _from_file(self, path: Path) -> Iterator[Article]:
        source = _printable_path(str(path))
        # undecodable bytes in a file name: reading uses the real name, everything shown or stored the escaped one
        repairs = (
            ("file name is not valid UTF-8 (its undecodable bytes are shown as \\xNN)",) if source != str(path) else ()
        )
        if os.path.abspath(path) in self.exclude:
            self.report.add(LoadEntry(source=source, status="skipped", reason=self.exclude[os.path.abspath(path)]))
            return
        if self.output is not None and os.path.realpath(source).startswith(self.output + os.sep):
            self.report.add(
                LoadEntry(source=source, status="skipped", reason="in the output folder of this run (--out)")
            )
            return
        try:
            info = os.stat(path)  # follows links: what would actually be read
        except OSError as exc:
            self.report.add(LoadEntry(source=source, status="failed", reason=_os_reason(path, exc)))
            return
        if stat.S_ISDIR(info.st_mode):  # a folder named like a file (reached as a file only through a race)
            yield from self._from_dir(path)
            return
        if not stat.S_ISREG(info.st_mode):
            # a named pipe or device named *.txt: reading it could block forever or never end
            self.report.add(
                LoadEntry(source=source, status="skipped", reason=f"not a regular file ({_file_kind(info.st_mode)})")
            )
            return
        identity = (info.st_dev, info.st_ino)
        if identity in self.seen_files:
            self.report.add(
                LoadEntry(
                    source=source,
                    status="skipped",
                    reason=f"same file as {self.seen_files[identity]} (reached again through a link)",
                )
            )
            return
        self.seen_files[identity] = source
        if is_archive(path):  # many pages in one file: each record is checked against the size limit
            yield from self._from_archive(path, source=source, repairs=repairs)
            return
        suffix = path.suffix.lower()
        limit = self._byte_limit(suffix)
        if limit is not None and info.st_size > limit:
            self.report.add(
                LoadEntry(
                    source=source,
                    status="skipped",
                    reason=errors.TOO_LARGE_FILE.format(size=info.st_size, max_chars=self.max_chars),
                )
            )
            return
        try:
            if suffix in TABLE_SUFFIXES:
                yield from self._from_table_file(path)
                return
            data = path.read_bytes()
        except errors.InputError as exc:
            self.report.add(LoadEntry(source=source, status="failed", reason=str(exc)))
            return
        except (OSError, ValueError, UnicodeError) as exc:
            reason = _os_reason(path, exc) if isinstance(exc, OSError) else f"unreadable: {_first_line(exc)}"
            self.report.add(LoadEntry(source=source, status="failed", reason=reason))
            return
        if not data or data.isspace():  # isspace, not strip: no copy of a big file
            self.report.add(
                LoadEntry(source=source, status="skipped", reason="empty file" if not data else "only whitespace")
            )
            return
        try:
            text, encoding = decode_bytes(data)
        except ValueError as exc:
            self.report.add(
                LoadEntry(source=source, status="skipped" if "binary" in str(exc) else "failed", reason=str(exc))
            )
            return
        del data  # a large file's bytes need not stay in memory beside its text
        if not text or text.isspace():
            self.report.add(LoadEntry(source=source, status="skipped", reason="only whitespace"))
            return
        if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_html(text)):
            yield from self._from_html(
                text, source=source, article_id=_printable_path(path.stem), encoding=encoding, repairs=repairs
            )
            return
        yield from self._finished(
            Article(
                article_id=_printable_path(path.stem),
                text=text,
                path=source,
                title=guess_title(text),
                published=date_from_text(text),
                encoding=encoding,
                published_source="text",
            ),
            source=source,
            repairs=repairs,
        )

    def _byte_limit(self, suffix: str) -> int | None:
        """File size beyond which the text cannot fit ``max_chars`` (UTF-8 needs at most 4 bytes a character)."""
        if self.max_chars is None or suffix in TABLE_SUFFIXES:
            return None  # tables hold many articles; each row is checked on its own
        # an HTML page is mostly markup: allow more bytes per character of main text
        return (20 if suffix in HTML_SUFFIXES else 4) * self.max_chars + 4

    def _from_html(
        self,
        html: str,
        *,
        source: str,
        article_id: str,
        encoding: str,
        repairs: tuple[str, ...] = (),
        capture: Capture | None = None,
    ) -> Iterator[Article]:
        """The article of an HTML page, its main text found by trafilatura.

        A page from a web archive (``capture``) takes its URL from the record, and the
        site and date from it when the page states none; the capture date is kept in
        the article's metadata either way, because it is not the publication date.
        """
        import trafilatura

        url = capture.url if capture is not None else None
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, favor_recall=True)
        text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
        if not text:
            where = f" ({url})" if url else ""
            self.report.add(LoadEntry(source=source, status="skipped", reason=f"HTML page without main text{where}"))
            return
        published = parse_date(getattr(doc, "date", None))
        published_source: PublishedSource = "html"
        outlet = getattr(doc, "sitename", None)
        metadata: dict[str, Any] = {}
        if capture is not None:
            metadata = capture.metadata()
            outlet = outlet or capture.site
            if published is None and capture.captured:
                published, published_source = parse_date(capture.captured), "capture"
        yield from self._finished(
            Article(
                article_id=article_id,
                text=text + "\n",
                path=source,
                title=getattr(doc, "title", None),
                outlet=outlet,
                url=url or getattr(doc, "url", None),
                published=published,
                published_source=published_source,
                raw_text=text + "\n",
                encoding=encoding,
                metadata=metadata,
            ),
            source=source,
            cleaned_by="trafilatura",
            repairs=repairs,
        )

    def _from_archive(self, path: Path, *, source: str, repairs: tuple[str, ...]) -> Iterator[Article]:
        """The pages of a WARC or ARC file, one record at a time; every record gets its report line."""
        reported = len(self.report.entries)
        try:
            for item in read_archive(path, source=source, max_bytes=self._byte_limit(".html"), seen=self.pages_seen):
                if isinstance(item, Passed):
                    self.report.add(LoadEntry(source=item.source, status=item.status, reason=item.reason))
                    continue
                try:
                    html, encoding = _decode_page(item)
                except ValueError as exc:
                    self.report.add(LoadEntry(source=item.source, status="failed", reason=f"{exc} ({item.url})"))
                    continue
                yield from self._from_html(
                    html,
                    source=item.source,
                    article_id=url_article_id(item.url, item.record_id),
                    encoding=encoding,
                    repairs=repairs + item.notes,
                    capture=item,
                )
        except OSError as exc:
            self.report.add(LoadEntry(source=source, status="failed", reason=_os_reason(path, exc)))
            return
        if len(self.report.entries) == reported:
            self.report.add(LoadEntry(source=source, status="skipped", reason="web archive without records"))

    def _from_table_file(self, path: Path) -> Iterator[Article]:
        suffix = path.suffix.lower()
        source = _printable_path(str(path))
        labels: list[str] | None = None
        reported = len(self.report.entries)
        if suffix in {".jsonl", ".ndjson"}:
            rows, labels = [], []
            with path.open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    where = f"{source}:{number}"
                    try:
                        row = json.loads(raw.decode("utf-8-sig") if number == 1 else raw.decode("utf-8"))
                    except (ValueError, UnicodeDecodeError) as exc:
                        self.report.add(
                            LoadEntry(
                                source=where,
                                status="failed",
                                reason=f"malformed JSON (line {number}: {_json_problem(exc)})",
                            )
                        )
                        continue
                    if not isinstance(row, dict):
                        self.report.add(
                            LoadEntry(
                                source=where,
                                status="failed",
                                reason=(
                                    f"line {number}: a JSON {type(row).__name__}, expected an object with a text field"
                                ),
                            )
                        )
                        continue
                    rows.append(_flat(row))
                    labels.append(where)
            # object columns: a string column would go through Arrow, which refuses a lone surrogate
            # ("\ud800" is valid JSON) for the whole file; _finished repairs it in its one article instead
            frame = pd.DataFrame(rows, dtype=object)
        elif suffix == ".json":
            found = _json_articles(path)
            if isinstance(found, str):
                self.report.add(LoadEntry(source=source, status="skipped", reason=found))
                return
            rows, where_list = found
            labels = [f"{source}:{where_list}[{number}]" for number in range(len(rows))]
            frame = pd.DataFrame([_flat(row) for row in rows], dtype=object)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            text, _ = decode_bytes(path.read_bytes())
            frame, labels = self._csv_frame(text, source=source, delimiter="\t" if suffix == ".tsv" else ",")
            if not self._column(frame, "text") and self._looks_like_metadata(frame):
                self.report.add(
                    LoadEntry(
                        source=source,
                        status="skipped",
                        reason="looks like a metadata CSV (no text column); pass it with --metadata",
                    )
                )
                return
        if frame.empty:
            if len(self.report.entries) == reported:  # rows that were all bad have their own lines already
                self.report.add(LoadEntry(source=source, status="skipped", reason="table without rows"))
            return
        yield from self._from_frame(frame, source=source, stem=_printable_path(path.stem), labels=labels)

    def _csv_frame(self, text: str, *, source: str, delimiter: str) -> tuple[pd.DataFrame, list[str]]:
        """The rows of a CSV file that parse cleanly, labelled ``source:line``; each malformed row is a failed line.

        A quote left open swallows the rows after it into one field: a lenient
        parser (pandas, ``csv`` by default) returns them as one row whose text
        runs on into its neighbours, or as one row too many fields long. Records
        are therefore read with ``strict=True``, where the ``csv`` module stops at
        a quote that does not close where a field ends, and a record that fails,
        or runs over several lines into the wrong number of fields, costs its
        first line only: reading resumes on the next line, so the rows it
        swallowed load on their own. A stray quote inside a one-line record
        (``a,"He said "no" twice",b``) merges nothing, so that record is read
        leniently as before.
        """
        # newline="": split on line ends only, as csv expects (str.splitlines would also split at \f or U+2028)
        lines = list(io.StringIO(text, newline=""))
        feed = _LineFeed(lines)
        reader = csv.reader(feed, delimiter=delimiter, strict=True)
        header: list[str] | None = None
        rows: list[list[str]] = []
        labels: list[str] = []
        while True:
            start = feed.position
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                lenient = _one_line_record(lines[start], delimiter=delimiter, width=len(header or []))
                feed.position = start + 1  # whatever the record swallowed is read again
                reader = csv.reader(feed, delimiter=delimiter, strict=True)
                if lenient is None:
                    self._malformed_csv_row(
                        source,
                        start + 1,
                        f"a quote mark opens a field that does not close where a field ends (csv: {exc})",
                    )
                    continue
                record = lenient
            if not record:
                continue  # a blank line
            if header is None:
                header = _unique_columns(record)
                continue
            if len(record) != len(header):
                spanned = feed.position - start
                hint = (
                    f"the record ran over {spanned} lines, so a quote mark is probably left open"
                    if spanned > 1
                    else "a field containing the delimiter must be quoted"
                )
                self._malformed_csv_row(
                    source, start + 1, f"{len(record)} fields where the header has {len(header)}; {hint}"
                )
                if spanned > 1:
                    feed.position = start + 1
                    reader = csv.reader(feed, delimiter=delimiter, strict=True)
                continue
            rows.append(record)
            labels.append(f"{source}:{start + 1}")
        return pd.DataFrame(rows, columns=header or [], dtype=object), labels

    def _malformed_csv_row(self, source: str, line: int, problem: str) -> None:
        self.report.add(
            LoadEntry(
                source=f"{source}:{line}",
                status="failed",
                reason=f"malformed CSV row (line {line}: {problem}); the other rows load. Fix the row and re-run",
            )
        )

    def _looks_like_metadata(self, frame: pd.DataFrame) -> bool:
        columns = set(frame.columns)
        return bool({"article_id", "path"} & columns) and bool({"published", "outlet", "title", "url"} & columns)

    def _column(self, frame: pd.DataFrame, field: str, *, source: str = "") -> str | None:
        """The column holding ``field``: the layout's first candidate present (exact name, else
        the same name in other case: exports differ in capitals), else the default names.

        A field the user's own mapping names must be found: a typo there would otherwise load
        every article without its title or date, silently.
        """
        if self.layout is not None and field in self.layout.fields:
            candidates = self.layout.fields[field]
            by_case = {str(c).casefold(): c for c in reversed(list(frame.columns))}
            found = next((c for c in candidates if c in frame.columns), None) or next(
                (by_case[c.casefold()] for c in candidates if c.casefold() in by_case), None
            )
            if found is not None:
                return str(found)
            if field in self.layout.required:
                raise errors.InputError(
                    errors.MAPPED_COLUMN_MISSING.format(
                        source=source,
                        layout=f" {self.layout.name!r}" if self.layout.name else "",
                        columns=" / ".join(map(repr, candidates)),
                        field=field,
                        found=", ".join(map(str, frame.columns)) or "no columns",
                    )
                )
        return next((c for c in DEFAULT_COLUMNS[field] if c in frame.columns), None)

    def _from_frame(
        self, frame: pd.DataFrame, *, source: str, stem: str = "row", labels: list[str] | None = None
    ) -> Iterator[Article]:
        text_col = self._column(frame, "text", source=source)
        if text_col is None:
            layout_text = self.layout.fields.get("text") if self.layout is not None else None
            expected = " / ".join(layout_text or DEFAULT_COLUMNS["text"])
            raise errors.InputError(
                errors.NO_TEXT_COLUMN.format(
                    source=source, expected=expected, found=", ".join(map(str, frame.columns)) or "no columns"
                )
            )
        cols = {field: self._column(frame, field, source=source) for field in DEFAULT_COLUMNS}
        # the columns no field took are kept, per article, as its metadata (a news export's section,
        # byline, language ...): nothing the input said is dropped
        extra = [c for c in frame.columns if c not in set(cols.values())]
        for number, row in enumerate(frame.to_dict("records")):
            row_source = labels[number] if labels is not None else f"{source}#{number}"
            text = row.get(text_col)
            if not isinstance(text, str) or not text.strip():
                found = (
                    "empty"
                    if isinstance(text, str) or _clean_value(text) is None
                    else f"a {type(text).__name__}, not text"
                )
                self.report.add(LoadEntry(source=row_source, status="skipped", reason=f"{text_col!r} is {found}"))
                continue
            ident = _id_value(row.get(cols["id"])) if cols["id"] else None
            published_raw = row.get(cols["published"]) if cols["published"] else None
            published = parse_date(published_raw)
            if _clean_value(published_raw) is not None and published is None:
                self.report.warnings.append(f"{row_source}: published {published_raw!r} is not a valid date; ignored")
            article = Article(
                article_id=ident if ident is not None else f"{stem}-{number}",
                text=text,
                path=source,
                title=_clean_value(row.get(cols["title"])) if cols["title"] else None,
                outlet=_clean_value(row.get(cols["outlet"])) if cols["outlet"] else None,
                url=_clean_value(row.get(cols["url"])) if cols["url"] else None,
                published=published,
                published_source="metadata" if published else "unknown",
                encoding=None,
                metadata=_row_metadata(row, extra),
            )
            if article.title is None:
                article = _replace(article, title=guess_title(text))
            yield from self._finished(article, source=row_source)

    # shared finishing: size limit, cleaning, metadata join, unique ids ------------
    def _metadata_key(self, article: Article) -> str | None:
        """The metadata row for ``article``: its id, else the most specific path that names it.

        A ``path`` key may be the path as given, absolute, or relative to any folder above the
        file ("2023/a.txt", or just "a.txt"): the longest one present wins, so that a row keyed
        by relative path overrides a row keyed by bare file name. A key that still matches
        several files (a bare "a.txt" with an a.txt in two subfolders) is applied to each and
        named in a warning at the end, with the files (see :func:`iter_articles`).
        """
        if article.article_id in self.metadata:
            return article.article_id
        if not article.path or not self.metadata:
            return None
        path = os.path.normpath(article.path)
        parts = Path(path).parts
        candidates = [path, os.path.abspath(path)] + [os.path.join(*parts[i:]) for i in range(1, len(parts))]
        return next((key for key in candidates if key in self.metadata), None)

    def _finished(
        self, article: Article, *, source: str, cleaned_by: str | None = None, repairs: tuple[str, ...] = ()
    ) -> Iterator[Article]:
        """The finished article (zero or one): too-large texts get a report line instead.

        ``repairs`` says what was already mended on the way in (an undecodable file name); lone
        surrogates in any field are mended here, in the one article that has them.
        """
        article, mended = _repair_fields(article)
        repairs += mended
        if self.max_chars is not None and len(article.text) > self.max_chars:
            self.report.add(
                LoadEntry(
                    source=source,
                    status="skipped",
                    reason=errors.TOO_LARGE_TEXT.format(n=len(article.text), max_chars=self.max_chars),
                )
            )
            return
        yield self._finish(article, source=source, cleaned_by=cleaned_by, repairs=repairs)

    def _finish(
        self, article: Article, *, source: str, cleaned_by: str | None = None, repairs: tuple[str, ...] = ()
    ) -> Article:
        raw = article.text
        removed: list[tuple[int, int, str]] = []
        text = raw
        if self.clean and cleaned_by is None:
            text, removed = self.cleaner(raw)
        meta_key = self._metadata_key(article)
        meta = self.metadata.get(meta_key) if meta_key is not None else None
        changes: dict[str, Any] = {"text": text, "raw_text": raw, "removed": tuple(removed)}
        authors = _authors(raw, removed)
        if authors:
            changes["author"] = authors
        if meta_key is not None and meta is not None:
            self.matched_metadata.setdefault(meta_key, []).append(source)
            for field in ("outlet", "title", "url"):
                if meta.get(field):
                    changes[field] = meta[field]
            if meta.get("published"):
                changes["published"], changes["published_source"] = meta["published"], "metadata"
        published = changes.get("published", article.published)
        if published is None:
            changes["published_source"] = "unknown"
        notes = list(repairs)
        self.report.warnings.extend(f"{source}: {repair}" for repair in repairs)
        article_id = article.article_id
        if article_id in self.used_ids:
            n = 2
            while f"{article_id}-{n}" in self.used_ids:
                n += 1
            notes.append(f"duplicate article_id {article_id!r}; renamed to '{article_id}-{n}'")
            self.report.warnings.append(f"{source}: {notes[-1]}")
            article_id = f"{article_id}-{n}"
        self.used_ids.add(article_id)
        changes["article_id"] = article_id
        article = _replace(article, **changes)
        if removed:
            notes.append("removed " + ", ".join(sorted({r for _, _, r in removed})))
        if authors:
            notes.append(f"author {authors!r} (from the byline)")
        nuls = text.count("\x00")
        if nuls:  # kept, so that offsets and --no-clean text stay exact; said, so nobody is surprised
            notes.append(f"contains {nuls} NUL character{'s' if nuls > 1 else ''} (kept)")
        self.report.add(
            LoadEntry(
                source=source,
                status="loaded",
                article_id=article_id,
                encoding=article.encoding,
                removed_lines=len(removed),
                reason="; ".join(notes),
            )
        )
        return article


def _authors(raw: str, removed: list[tuple[int, int, str]]) -> str | None:
    """The author(s) the removed byline lines name, in order, once each ("Ana Ruiz; Li Wei")."""
    names: list[str] = []
    for start, end, reason in removed:
        if reason == BYLINE:
            name = byline_author(raw[start:end], alone=True)
            if name and name not in names:
                names.append(name)
    return "; ".join(names) or None


class _LineFeed:
    """The lines of a text fed one at a time to ``csv.reader``; ``position`` moves back to read lines again."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.position = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def _one_line_record(line: str, *, delimiter: str, width: int) -> list[str] | None:
    """A record read leniently from one physical line, or ``None`` if it still looks broken."""
    record = next(csv.reader([line], delimiter=delimiter), [])
    if len(record) != width or any("\n" in field or "\r" in field for field in record):
        return None  # a quote still open at the line's end: the record would run on into the next line
    return record


def _unique_columns(names: list[str]) -> list[str]:
    """Header names made unique the way pandas does it ("date", "date.1"), so that no column hides another."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        if name in seen:
            seen[name] += 1
            unique.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            unique.append(name)
    return unique


def _printable_path(text: str) -> str:
    r"""A file path that any UTF-8 writer accepts: the bytes of a name that are not valid UTF-8 (which
    Python keeps as surrogate escapes) become ``\xNN`` escapes, so that two such names stay distinct.

    >>> _printable_path("caf\udce9.txt")
    'caf\\xe9.txt'
    """
    if repair_unicode(text)[1] == 0:
        return text
    try:
        return os.fsencode(text).decode("utf-8", errors="backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte: not from the file system
        return repair_unicode(text)[0]


_TEXT_FIELDS = ("article_id", "text", "raw_text", "path", "title", "outlet", "url")


def _repair_fields(article: Article) -> tuple[Article, tuple[str, ...]]:
    """``article`` with lone surrogates replaced by U+FFFD in every text field, and a note per field mended."""
    changes: dict[str, str] = {}
    notes = []
    for name in _TEXT_FIELDS:
        value = getattr(article, name)
        if isinstance(value, str):
            repaired, n = repair_unicode(value)
            if n:
                changes[name] = repaired
                notes.append(f"{n} lone surrogate{'s' if n > 1 else ''} in {name} replaced by U+FFFD")
    return (_replace(article, **changes), tuple(notes)) if changes else (article, ())


def _replace(article: Article, **changes: Any) -> Article:
    from dataclasses import replace

    return replace(article, **changes)


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON object with nested objects spread into dotted keys ({"source": {"title": "X"}} →
    {"source.title": "X"}), so that a column mapping can name them; lists stay as they are.

    >>> _flat({"title": "T", "source": {"uri": "a.org", "meta": {"lang": "en"}}})
    {'title': 'T', 'source.uri': 'a.org', 'source.meta.lang': 'en'}
    """
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flat(value, prefix=f"{name}."))
        else:
            flat[name] = value
    return flat


def _json_articles(path: Path) -> tuple[list[dict[str, Any]], str] | str:
    """The article objects of a JSON document and where they were (``"articles.results"``),
    or why there are none.

    A JSON export is one document, read whole: a list of objects, or an object that
    keeps the list under a key such as ``articles`` (NewsAPI) or ``articles.results``
    (Event Registry).
    """
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.InputError(f"malformed JSON ({_json_problem(exc)})") from None
    trail: list[str] = []
    for _ in range(3):  # Event Registry nests two deep; deeper is not a known export
        if isinstance(document, list):
            objects = [item for item in document if isinstance(item, dict)]
            if objects and len(objects) == len(document):
                return objects, ".".join(trail) or "$"
            break
        if not isinstance(document, dict):
            break
        key = next((k for k in _JSON_LIST_KEYS if isinstance(document.get(k), (list, dict))), None)
        if key is None:
            if "text" in document or "body" in document:  # one article alone
                return [document], ".".join(trail) or "$"
            break
        trail.append(key)
        document = document[key]
    return (
        "JSON without a list of article objects (expected a list of objects, or one under "
        f"{' / '.join(repr(k) for k in _JSON_LIST_KEYS)})"
    )


def _row_metadata(row: Mapping[Any, Any], columns: list[Any]) -> dict[str, Any]:
    """The cells of ``columns`` that hold something, as JSON-ready values (text, numbers, lists)."""
    kept: dict[str, Any] = {}
    for column in columns:
        value = row.get(column)
        if isinstance(value, (list, dict)):
            if value:
                kept[str(column)] = value
            continue
        if value is not None and hasattr(value, "tolist"):  # numpy scalars and arrays (Parquet list cells)
            value = value.tolist()
            if isinstance(value, list):
                if value:
                    kept[str(column)] = value
                continue
        if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
            continue
        if isinstance(value, (bool, int, float)):
            kept[str(column)] = value
        elif (cleaned := _clean_value(value)) is not None:
            kept[str(column)] = cleaned
    return kept


def _clean_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _id_value(value: Any) -> str | None:
    """An article id from a table cell: 7.0 (a number column with gaps) reads as '7'."""
    if isinstance(value, float) and value == value and value.is_integer():
        value = int(value)
    cleaned = _clean_value(value)
    return str(cleaned) if cleaned is not None else None


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 at byte {exc.start}"
    return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _os_reason(path: Path, exc: OSError) -> str:
    """Why a file could not be read, in words: broken links and link loops named as such."""
    if path.is_symlink():
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link points back to itself)"
        if exc.errno == errno.ENOENT:
            return f"broken symbolic link (its target {os.readlink(path)!r} does not exist)"
    if isinstance(exc, IsADirectoryError):
        return "a folder, not a file"
    return f"unreadable: {exc.strerror or _first_line(exc)}"


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "a special file"


def _is_output_folder(folder: str) -> bool:
    """A folder ``presslens analyze`` wrote: its manifest names a PressLens version, beside Parquet tables."""
    manifest = os.path.join(folder, "manifest.json")
    if not os.path.isfile(manifest) or not any(name.endswith(".parquet") for name in os.listdir(folder)):
        return False
    try:
        with open(manifest, "rb") as handle:
            return b'"presslens_version"' in handle.read(4096)
    except OSError:
        return False


def _decode_page(capture: Capture) -> tuple[str, str]:
    """A captured page's text and encoding: the charset its server or page declares, when the
    bytes fit it, else what :func:`decode_bytes` finds."""
    if capture.charset is not None:
        try:
            return capture.body.decode(capture.charset), f"{capture.charset} (declared)"
        except UnicodeDecodeError:
            pass  # a wrong declaration is common: judge by the bytes, as for files
    return decode_bytes(capture.body)


def _looks_html(text: str) -> bool:
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


METADATA_FILE = "metadata.csv"


def _folder_metadata(inputs: Iterable[Any]) -> list[Path]:
    """``metadata.csv`` files at the top of the input folders, in input order (not in sub-folders: one
    metadata file per corpus folder, where its ``path`` column is relative to the folder)."""
    return [
        Path(item) / METADATA_FILE
        for item in inputs
        if isinstance(item, (str, os.PathLike)) and Path(item).is_dir() and (Path(item) / METADATA_FILE).is_file()
    ]


def resolve_layout(columns: ColumnsSpec) -> ColumnLayout | None:
    """The :class:`ColumnLayout` that ``columns`` names (``None``: the default column names).

    >>> resolve_layout("newsapi").fields["published"]
    ('publishedAt',)
    """
    return columns if isinstance(columns, ColumnLayout) or columns is None else column_layout(columns)


def iter_articles(
    inputs: Iterable[Any] | Any,
    *,
    report: LoadReport,
    metadata: str | os.PathLike[str] | None = None,
    clean: bool = True,
    columns: ColumnsSpec = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    output: str | os.PathLike[str] | None = None,
    cleaner: Callable[[str], tuple[str, list[tuple[int, int, str]]]] = clean_text,
) -> Iterator[Article]:
    """Stream articles from ``inputs``, recording every input in ``report``.

    ``columns`` says where tables keep each field: a preset name (``"factiva"``, see
    :data:`toolkit._exports.PRESETS`), a mapping file (.yaml/.yml/.json), or a mapping
    such as ``{"text": "body"}``. A bad mapping raises ``ValueError`` before anything loads.

    Articles longer than ``max_chars`` characters are skipped with a reason
    (``None``: no limit). Nothing inside the folder ``output`` (the run's ``--out``),
    nor any other folder PressLens wrote, is read: each is skipped with a reason.

    With ``clean``, each text goes through ``cleaner`` (:func:`~toolkit.cleaning.clean_text`, or
    something that gives what it gives: the pipeline passes a :class:`toolkit._memo.CleaningMemo`'s).
    """
    if isinstance(inputs, (str, os.PathLike, pd.DataFrame, Article)):
        inputs = [inputs]
    if max_chars is not None and (not isinstance(max_chars, int) or max_chars < 1):
        raise ValueError(f"max_chars must be a positive whole number of characters or None, got {max_chars!r}.")
    layout = resolve_layout(columns)
    meta = read_metadata(metadata, report) if metadata is not None else {}
    exclude: dict[str, str] = {}
    if metadata is not None:
        exclude[os.path.abspath(os.fspath(metadata))] = "metadata file (passed with --metadata)"
    # a corpus folder often carries its own metadata.csv: used when no other is given, reported either way
    for folder_metadata in _folder_metadata(inputs) if isinstance(inputs, (list, tuple)) else []:
        where = os.path.abspath(folder_metadata)
        if where in exclude:
            continue
        if metadata is None:
            meta.update(read_metadata(folder_metadata, report))
            exclude[where] = (
                f"metadata file {METADATA_FILE} found in the input folder: used as the articles' metadata "
                "(pass --metadata FILE to use another)"
            )
        else:
            exclude[where] = f"metadata file {METADATA_FILE} in the input folder: not used, --metadata names another"
    loader = _Loader(
        clean=clean,
        layout=layout,
        report=report,
        metadata=meta,
        exclude=exclude,
        max_chars=max_chars,
        output=os.path.realpath(os.fspath(output)) if output is not None else None,
        cleaner=cleaner,
    )
    yield from loader.run(inputs)
    for key in sorted(set(meta) - set(loader.matched_metadata)):
        report.warnings.append(f"metadata names {key!r}, which matches no loaded article")
    for key, sources in sorted(loader.matched_metadata.items()):
        if len(sources) > 1:  # streaming: known only at the end, so the row was applied to each
            report.warnings.append(
                f"metadata row {key!r} matches {len(sources)} inputs ({', '.join(sources)}) and was applied to each; "
                "key the rows by path relative to the input folder (a 'path' column, e.g. "
                f"{os.path.join(*Path(sources[0]).parts[-2:])!r}) to give each file its own row"
            )


def load(
    inputs: Iterable[Any] | Any,
    *,
    metadata: str | os.PathLike[str] | None = None,
    clean: bool = True,
    columns: ColumnsSpec = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> tuple[list[Article], LoadReport]:
    """Load articles from paths, folders, globs, tables or DataFrames.

    Returns the articles and a :class:`LoadReport` that accounts for every input.
    ``columns`` maps table columns onto article fields (see :func:`iter_articles`).

    >>> import pandas as pd
    >>> articles, report = load(pd.DataFrame({"id": ["a"], "body": ["Talks resumed."]}))
    >>> articles[0].article_id, report.loaded
    ('a', 1)
    """
    report = LoadReport()
    articles = list(
        iter_articles(inputs, report=report, metadata=metadata, clean=clean, columns=columns, max_chars=max_chars)
    )
    return articles, report
