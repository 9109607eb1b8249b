"""Step memos: what a corpus step computed for one part of its input, kept for the next run.

A corpus step sees every table on every run, although an incremental run adds only a few
articles. Whatever the step works out per article (or per story, per name …) from inputs
that did not change can be read back instead of worked out again: the step derives a key
from the content of those inputs (:meth:`StepMemo.key`) and asks the memo for it.

The memo lives in the output folder's cache, under the run's cache key, which digests the
core's and every plugin's code and data, the model and the options (see
:mod:`toolkit.pipeline`): a changed rule or option starts with an empty memo, and the old
one is deleted with the old cache entries. So a step never has to put its own version into
a key; only the content of what it computes from.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path
from typing import Any

import orjson

from ._io import checked_payload, replace_unsynced, sha256_text, with_checksum
from .cleaning import clean_text

__all__ = ["StepMemo", "CleaningMemo"]

_KEY = re.compile(r"[0-9a-f]{16,64}")


class StepMemo:
    """Bytes a corpus step keeps between runs, each under a key made from the content it came from.

    ``get`` returns ``None`` for a key not stored (or stored damaged: each entry carries the
    SHA-256 of its bytes); ``put`` stores one. After the step has finished, the core deletes
    the entries this run neither read nor wrote (:meth:`sweep`), so the memo holds what the
    latest run used and does not grow with articles long gone from the corpus.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     memo = StepMemo(Path(folder))
    ...     key = StepMemo.key("an article's text")
    ...     memo.get(key) is None, memo.put(key, b"its tokens"), memo.get(key), memo.reused, memo.computed
    (True, None, b'its tokens', 1, 1)
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.reused = 0  # entries read back this run
        self.computed = 0  # entries written this run
        self._used: set[str] = set()

    @staticmethod
    def key(*parts: str | bytes) -> str:
        """A key for the content ``parts`` (SHA-256, hex): equal parts give the equal key.

        >>> StepMemo.key("a", "b") == StepMemo.key("a", "b") != StepMemo.key("ab")
        True
        """
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))  # lengths first: ("a", "bc") is not ("ab", "c")
            digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or ``None`` when there are none (or they are damaged)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = checked_payload(data)
        if payload is None:
            return None  # damaged: the step computes it again and put() replaces it
        self._used.add(key)
        self.reused += 1
        return payload

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, renamed into place (a reader never sees half an entry).

        No fsync: a lost entry is only computed again next run."""
        replace_unsynced(self._path(key), with_checksum(data))
        self._used.add(key)
        self.computed += 1

    def sweep(self) -> int:
        """Delete the entries this run did not use (and temporaries of a killed run); return how many."""
        if not self.folder.is_dir():
            return 0
        dropped = 0
        for path in self.folder.glob("*/*"):
            if path.is_file() and path.name not in self._used:
                with contextlib.suppress(OSError):
                    path.unlink()
                    dropped += not path.name.startswith(".")
        return dropped

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(
                f"A step memo key must be 16 to 64 lower-case hex digits, got {key!r}. "
                "Make keys with StepMemo.key(...) from the content they stand for."
            )
        return self.folder / key[:2] / key


class CleaningMemo:
    """What :func:`~toolkit.cleaning.clean_text` removed from each text, kept between runs in one file.

    Cleaning was four fifths of reading the inputs (1.2 s of 1.5 s for 848 PolNeAR articles), which
    every run pays, a re-run or one that adds a few articles as much as the first. Cleaning removes
    whole lines and records each removal with its offsets, so the removals alone give the cleaned text
    back: the file keeps them by the SHA-256 of the raw text. It lives in the cache key's folder, whose
    key digests the core's code, so a changed cleaning rule starts afresh. :meth:`save` keeps only the
    texts of this run.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = CleaningMemo(Path(folder) / "cleaning.memo")
    ...     cleaned = first.clean("Title\\nBody.\\nLeave a Reply\\n")
    ...     first.save()
    ...     again = CleaningMemo(Path(folder) / "cleaning.memo")
    ...     again.clean("Title\\nBody.\\nLeave a Reply\\n") == cleaned, again.reused
    (True, 1)
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.reused = 0
        self._stored: dict[str, list[list[Any]]] = {}
        self._used: dict[str, list[list[Any]]] = {}
        with contextlib.suppress(OSError, ValueError):  # missing or damaged: every text is cleaned again
            payload = checked_payload(self.path.read_bytes())
            stored = orjson.loads(payload) if payload is not None else None
            if isinstance(stored, dict):
                self._stored = stored

    def clean(self, text: str) -> tuple[str, list[tuple[int, int, str]]]:
        """``clean_text(text)``, from the file when this text was cleaned before."""
        key = sha256_text(text)
        spans = self._stored.get(key)
        if spans is None or not _valid_spans(spans, len(text)):
            cleaned, removed = clean_text(text)
            self._used[key] = [list(span) for span in removed]
            return cleaned, removed
        self.reused += 1
        self._used[key] = spans
        removed = [(int(start), int(end), str(reason)) for start, end, reason in spans]
        if not removed:
            return text, removed  # as clean_text: the same string
        kept, position = [], 0
        for start, end, _ in removed:
            kept.append(text[position:start])
            position = end
        kept.append(text[position:])
        return "".join(kept), removed

    def save(self) -> None:
        """Write the removals of this run's texts, when they are not what the file holds already."""
        if self._used != self._stored:
            replace_unsynced(self.path, with_checksum(orjson.dumps(self._used)))


def _valid_spans(spans: Any, length: int) -> bool:
    """Whether ``spans`` are removals that fit a text of ``length`` characters, in order (else: clean again)."""
    if not isinstance(spans, list):
        return False
    position = 0
    for span in spans:
        if not (isinstance(span, list) and len(span) == 3 and isinstance(span[0], int) and isinstance(span[1], int)):
            return False
        if not isinstance(span[2], str):
            return False
        if not position <= span[0] <= span[1] <= length:
            return False
        position = span[1]
    return True
