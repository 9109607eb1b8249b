"""The row store: every cached article's rows of the last run, as Arrow tables in one file.

An incremental run used to read each cached article's JSON entry and build its tables again
from the row dicts: for 840 PolNeAR articles 2.3 s of reading and 1.3 s of building, paid by a
run that adds eight articles. The run's tables are Arrow chunks before they become DataFrames,
so the core writes them to one file in the cache key's folder, each row tagged with the cache
key of its article; the next run takes the rows of the articles it finds there as slices of
those tables and reads JSON entries only for the others.

The file lives under the run's cache key (code, model, options: see :mod:`toolkit.pipeline`),
and each article's rows are found by that article's own cache key (its id, date and text), so
it never serves rows another article, another configuration or older code made. A file that
fails its checksum or cannot be read is ignored (the JSON entries serve), and it is replaced
at the end of the run.

Layout: each table as an Arrow IPC stream with an ``__entry`` column (the number of its
article in the header's ``keys``), then the header (JSON: ``keys`` and each table's name and
byte length), its length (8 bytes, little-endian) and the SHA-256 (hex) of all that came before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from ._io import TEMP_SUFFIX

__all__ = ["ROW_STORE", "ENTRY_COLUMN", "RowStore", "RowStoreWriter", "StoredRows"]

ROW_STORE = "rows.arrows"
ENTRY_COLUMN = "__entry"
_DIGEST = 64


class StoredRows(NamedTuple):
    """One article's rows in a :class:`RowStore`: per table, the stored table and the row range."""

    ranges: dict[str, tuple[Any, int, int]]


class RowStore:
    """The rows a previous run stored, by article cache key (see the module docstring)."""

    def __init__(self, keys: list[str], tables: dict[str, Any]) -> None:
        import numpy as np

        self.keys = keys
        self._entry_of = {key: k for k, key in enumerate(keys)}
        self._tables: dict[str, Any] = {}
        self._ranges: dict[str, dict[int, tuple[int, int]]] = {}
        for name, table in tables.items():
            entries = table.column(ENTRY_COLUMN).to_numpy()
            self._tables[name] = table.drop_columns([ENTRY_COLUMN])
            # an article's rows are contiguous: where the entry number changes, a new article starts
            edges = np.flatnonzero(np.diff(entries)) + 1
            starts = np.concatenate(([0], edges)).tolist() if len(entries) else []
            ends = np.concatenate((edges, [len(entries)])).tolist() if len(entries) else []
            self._ranges[name] = {int(entries[s]): (s, e) for s, e in zip(starts, ends)}

    @classmethod
    def read(cls, path: Path) -> RowStore | None:
        """The store in ``path``, or ``None`` when it is missing, damaged or unreadable."""
        import pyarrow as pa

        try:
            data = path.read_bytes()
        except OSError:
            return None
        body, digest = data[:-_DIGEST], data[-_DIGEST:]
        if len(data) < _DIGEST + 8 or hashlib.sha256(body).hexdigest().encode("ascii") != digest:
            return None
        try:
            size = int.from_bytes(body[-8:], "little")
            header = orjson.loads(body[-8 - size : -8])
            buffer, position, tables = pa.py_buffer(body), 0, {}
            for name, length in header["tables"]:
                tables[str(name)] = pa.ipc.open_stream(buffer.slice(position, length)).read_all()
                position += length
            return cls([str(key) for key in header["keys"]], tables)
        except (ValueError, KeyError, TypeError, pa.ArrowException):
            return None  # a store this code cannot read: the JSON entries serve

    def rows_of(self, key: str) -> StoredRows | None:
        """The rows stored for the article with cache key ``key`` (``None`` when it has none here)."""
        entry = self._entry_of.get(key)
        if entry is None:
            return None
        ranges = {}
        for name, table in self._tables.items():
            span = self._ranges[name].get(entry)
            if span is not None:
                ranges[name] = (table, span[0], span[1])
        return StoredRows(ranges)


class RowStoreWriter:
    """Writes a row store table by table (:meth:`add`), so that each table's Arrow data can be let go
    once it is written: holding every table until the end kept the whole run's rows twice, as Arrow
    and as DataFrames. :meth:`finish` writes the header and renames the file into place (no fsync:
    a lost store costs only the JSON entries' reading); :meth:`abort` removes the temporary."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}")
        self._handle: Any = self._tmp.open("wb")
        self._digest = hashlib.sha256()
        self._lengths: list[list[Any]] = []

    def add(self, name: str, table: Any) -> None:
        """Write table ``name`` (an Arrow table with an :data:`ENTRY_COLUMN`)."""
        import pyarrow as pa

        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        stream = sink.getvalue()
        self._write(stream)
        self._lengths.append([name, stream.size])

    def finish(self, keys: list[str]) -> None:
        """Write the header (``keys``: the cache key of each article number) and put the file in place."""
        try:
            header = orjson.dumps({"keys": keys, "tables": self._lengths})
            self._write(header)
            self._write(len(header).to_bytes(8, "little"))
            self._handle.write(self._digest.hexdigest().encode("ascii"))
            self._handle.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Remove the temporary (and the previous store: this run's rows are not all in it)."""
        self._handle.close()
        for path in (self._tmp, self.path):
            with contextlib.suppress(OSError):
                path.unlink()

    def _write(self, data: Any) -> None:
        self._digest.update(data)
        self._handle.write(data)
