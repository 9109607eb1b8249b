"""Web archives: the records of WARC and ARC files, each either a captured HTML page or a reason.

warcio reads the file one record at a time (gzip members or plain), so a crawl of
many gigabytes is never in memory: at most one record's payload, up to the byte
limit the loader gives. What is not a page — request, metadata and warcinfo
records, DNS lookups, images, JSON, redirects, errors, revisits and duplicates —
comes back as a :class:`Passed` with the reason, so that every record of the file
has its line in the load report.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import hashlib
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

__all__ = ["ARCHIVE_SUFFIXES", "Capture", "Passed", "is_archive", "read_archive", "url_article_id"]

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_TYPES = {"text/html", "application/xhtml+xml"}
_NOT_PAGES = {
    "warcinfo": "warcinfo record (describes the crawl, not a page)",
    "request": "request record (what the crawler sent, not a page)",
    "metadata": "metadata record (the crawler's notes, not a page)",
    "conversion": "conversion record (a derived copy, not the capture)",
    "continuation": "continuation record (the rest of a segmented record; segments are not joined)",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# WHATWG: pages that declare Latin-1 or ASCII are decoded as Windows-1252, as every browser does
_BROWSER_CHARSETS = {"latin-1": "windows-1252", "iso8859-1": "windows-1252", "ascii": "windows-1252"}
_RESYNC_CHUNK = 1 << 20


def is_archive(path: Path) -> bool:
    """Whether ``path`` is named like a web archive (crawl.warc.gz, old.arc ...)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


@dataclass(frozen=True, kw_only=True)
class Capture:
    """One captured HTML page: its body bytes and what the record says about it."""

    source: str  # "crawl.warc.gz@1234": the record's offset, as `warcio extract` takes it
    url: str | None
    captured: str | None  # WARC-Date, ISO 8601
    record_id: str | None
    body: bytes
    charset: str | None  # declared by the HTTP header or a <meta> tag, when Python knows it
    notes: tuple[str, ...] = ()

    @property
    def site(self) -> str | None:
        """The host the page came from, without ``www.``: the outlet when the page names none."""
        host = urlsplit(self.url).hostname if self.url else None
        return host.removeprefix("www.") if host else None

    def metadata(self) -> dict[str, Any]:
        kept = {"captured": self.captured, "warc_record_id": self.record_id}
        return {key: value for key, value in kept.items() if value}


@dataclass(frozen=True, kw_only=True)
class Passed:
    """A record that is not loaded, and why."""

    source: str
    status: Literal["skipped", "failed"]
    reason: str


@dataclass(kw_only=True)
class Seen:
    """Payload digests already read, across the archives of one run: one page, one article."""

    digests: dict[str, str] = field(default_factory=dict)  # digest -> source of its first record


def url_article_id(url: str | None, record_id: str | None) -> str:
    """A readable id that is the same on every run: host, the URL's last path part, a hash of the URL.

    >>> url_article_id("https://www.example.org/world/2024/talks-resume.html?ref=rss", None)
    'example.org-talks-resume-2b2dac6f'
    >>> url_article_id(None, "<urn:uuid:1234>")
    'warc-record-cd6b50a135f3'
    """
    if not url:
        return "warc-record-" + hashlib.sha1((record_id or "").encode("utf-8")).hexdigest()[:12]
    parts = urlsplit(url)
    host = (parts.hostname or "page").removeprefix("www.")
    last = next((p for p in reversed(parts.path.split("/")) if p), "")
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\.[a-z0-9]{2,5}$", "", last.lower())).strip("-")[:48]
    digest = hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return "-".join(part for part in (host, slug, digest) if part)


def read_archive(path: Path, *, source: str, max_bytes: int | None, seen: Seen) -> Iterator[Capture | Passed]:
    """Every record of the web archive at ``path``, as a :class:`Capture` or a :class:`Passed`.

    A garbled stretch (a broken gzip member, a record whose header does not parse) is one
    failed line; reading resumes at the next record found after it.
    """
    gzipped = path.name.lower().endswith(".gz")
    done, known = 0, dict(seen.digests)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            for outcome in _read(
                handle, source=source, max_bytes=max_bytes, seen=seen, gzip_members=gzipped, size=size
            ):
                done += 1
                yield outcome
    except _OneGzipStream:
        # gzipped whole (`gzip crawl.warc`) instead of a gzip member per record: read it as one
        # decompressed stream (offsets are then into the decompressed data), past the records already given
        import gzip

        seen.digests = known  # the records read again must not count as their own duplicates
        with gzip.open(path, "rb") as stream:
            outcomes = _read(stream, source=source, max_bytes=max_bytes, seen=seen, gzip_members=False, size=None)
            for number, outcome in enumerate(outcomes):
                if number >= done:
                    yield outcome


class _OneGzipStream(Exception):
    """The file is one gzip stream, not one gzip member per record."""


def _read(
    handle: Any, *, source: str, max_bytes: int | None, seen: Seen, gzip_members: bool, size: int | None
) -> Iterator[Capture | Passed]:
    """The records of ``handle`` (a file, or a decompressed stream); ``size`` is the file's, to notice a cut end."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    start: int | None = 0
    while start is not None:
        handle.seek(start)
        iterator = ArchiveIterator(handle, arc2warc=True)
        records = iter(iterator)
        offset, reported = start, -1
        try:
            while True:
                noise = io.StringIO()
                with contextlib.redirect_stderr(noise):  # warcio prints its warnings; they go in the report
                    record = next(records, None)
                    if record is None:
                        lost = _unread_tail(handle, iterator, size)
                        if lost:  # warcio ends quietly at a gzip member cut short: the record in it is lost
                            yield Passed(
                                source=f"{source}@{iterator.offset}",
                                status="failed",
                                reason=f"the file ends inside a record ({lost} bytes that are no whole record; "
                                "a download cut short?)",
                            )
                        break
                    offset = iterator.offset  # where this record starts (`warcio extract FILE OFFSET`)
                    where = f"{source}@{offset}"
                    classified = _classify(record, max_bytes=max_bytes, seen=seen, where=where)
                outcome: Capture | Passed
                if isinstance(classified, tuple):
                    status, reason = classified
                    outcome = Passed(source=where, status=status, reason=reason)
                    reported = offset if status == "failed" else reported
                else:
                    outcome = classified
                if noise.getvalue().strip():
                    outcome = _noted(outcome, "warcio: " + " ".join(noise.getvalue().split())[:300])
                yield outcome
            start = None
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
            if gzip_members and "non-chunked gzip" in str(exc):
                raise _OneGzipStream from exc
            offset = max(offset, getattr(iterator, "offset", offset))
            resume = _next_record_start(handle, after=offset, gzipped=gzip_members)
            if offset != reported:  # a record already failed for this damage needs no second line
                problem = _problem(exc)
                tail = f"reading resumes at byte {resume}" if resume is not None else "nothing readable after it"
                yield Passed(
                    source=f"{source}@{offset}",
                    status="failed",
                    reason=f"garbled or truncated archive data ({problem}); {tail}",
                )
            start = resume


def _problem(exc: BaseException) -> str:
    """warcio's complaint in a few words: its own quotes the undecodable bytes at length."""
    text = " ".join(str(exc).split())
    if text.startswith("Unknown archive format"):
        return "no WARC or ARC record header where a record should start"
    if isinstance(exc, zlib.error):
        return f"gzip data corrupt: {text[:120]}"
    return text[:200] or type(exc).__name__


def _unread_tail(handle: Any, iterator: Any, size: int | None) -> int:
    """How many bytes after the last whole record are more than blank lines (0: none)."""
    if size is None or iterator.offset >= size:
        return 0
    handle.seek(iterator.offset)
    tail = handle.read(min(size - iterator.offset, 1 << 16))
    return size - iterator.offset if tail.strip(b"\r\n\x00") else 0


def _noted(outcome: Capture | Passed, note: str) -> Capture | Passed:
    from dataclasses import replace

    if isinstance(outcome, Capture):
        return replace(outcome, notes=(*outcome.notes, note))
    return replace(outcome, reason=f"{outcome.reason}; {note}")


_Outcome = tuple[Literal["skipped", "failed"], str]


def _classify(record: Any, *, max_bytes: int | None, seen: Seen, where: str) -> Capture | _Outcome:
    """A page, or ``(status, reason)`` for a record that is not one."""
    kind = record.rec_type
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    if url and any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "failed", "garbled record header (control characters in its WARC-Target-URI)"
    if kind in _NOT_PAGES:
        return "skipped", _NOT_PAGES[kind]
    if kind == "revisit":
        earlier = seen.digests.get(headers.get_header("WARC-Payload-Digest") or "")
        refers = headers.get_header("WARC-Refers-To-Target-URI") or url
        return "skipped", (
            f"revisit record: {url} unchanged since an earlier capture of {refers}"
            + (f" ({earlier})" if earlier else "")
            + "; its content is that capture's"
        )
    if kind not in {"response", "resource"}:
        return "skipped", f"WARC {kind} record, not a captured page"
    http = record.http_headers
    if kind == "response" and (http is None or not (url or "").lower().startswith(("http:", "https:"))):
        return "skipped", f"not an HTTP capture ({(url or 'no URL')[:200]}, {record.content_type or 'no content type'})"
    if http is not None:
        status = http.get_statuscode() or ""
        if status.startswith(("4", "5")):
            return "failed", f"HTTP {http.get_statuscode()} {_reason_phrase(http)} for {url}".rstrip()
        if status.startswith("3"):
            return "skipped", f"redirect (HTTP {status}) from {url} to {http.get_header('Location') or 'nowhere'}"
        if not status.startswith("2"):
            return "failed", f"HTTP status {status or 'missing'} for {url}"
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.content_type or ""
    mime = content_type.split(";")[0].strip().lower()
    if headers.get_header("WARC-Truncated"):
        return "failed", (
            f"the crawler truncated this capture of {url} ({headers.get_header('WARC-Truncated')}): the page is "
            "incomplete"
        )
    stream = record.content_stream()  # chunked transfer and gzip/brotli content encodings undone
    try:
        body = stream.read(max_bytes + 1 if max_bytes is not None else -1)
    except (zlib.error, OSError, EOFError, ValueError) as exc:
        return "failed", f"payload of {url} could not be decoded ({' '.join(str(exc).split())[:200]})"
    if mime not in HTML_TYPES and not (mime in {"", "application/octet-stream", "text/plain"} and _sniff_html(body)):
        return "skipped", f"not an HTML page ({mime or 'no content type'}): {url}"
    if max_bytes is not None and len(body) > max_bytes:
        return "skipped", f"HTML page of {url} over {max_bytes} bytes (the article size limit; --max-chars raises it)"
    if not body.strip():
        return "skipped", f"empty page: {url}"
    if _cut_short(record):
        return "failed", f"record of {url} is cut short (the file ends inside it): the page is incomplete"
    digest = _payload_digest(body)
    if digest in seen.digests:
        return "skipped", f"duplicate: same content as {seen.digests[digest]}"
    seen.digests[digest] = where
    if headers.get_header("WARC-Payload-Digest"):
        seen.digests.setdefault(headers.get_header("WARC-Payload-Digest"), where)
    return Capture(
        source=where,
        url=url,
        captured=headers.get_header("WARC-Date"),
        record_id=headers.get_header("WARC-Record-ID"),
        body=body,
        charset=_charset(content_type, body),
    )


def _payload_digest(body: bytes) -> str:
    # over the decoded body: the same page sent once gzipped and once plain is one page
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _cut_short(record: Any) -> bool:
    """Whether the file ended before the record's declared length: bytes are still owed."""
    raw = record.raw_stream
    rest = raw.read(1 << 16)
    while rest:
        rest = raw.read(1 << 16)
    return getattr(raw, "limit", 0) > 0


def _reason_phrase(http: Any) -> str:
    parts = (http.statusline or "").split(" ", 1)
    return parts[1] if len(parts) > 1 else ""


def _sniff_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _charset(content_type: str, body: bytes) -> str | None:
    """The charset the server or the page declares, as Python's codec name; ``None`` if none or unknown."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    name = match.group(1) if match else None
    if name is None:
        meta = _META_CHARSET.search(body[:4096])
        name = meta.group(1).decode("ascii", "replace") if meta else None
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _BROWSER_CHARSETS.get(codec, codec)


def _next_record_start(handle: Any, *, after: int, gzipped: bool) -> int | None:
    """Where the next record seems to start after a garbled one: a gzip member header, or a
    ``WARC/1.`` version line (ARC records have no marker to find)."""
    marker = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    skip = 0 if gzipped else 1  # past the newline that precedes a version line
    position = after + 1
    handle.seek(position)
    carry = b""
    while True:
        chunk = handle.read(_RESYNC_CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return position - len(carry) + found + skip
        carry = data[-(len(marker) - 1) :]
        position += len(chunk)
