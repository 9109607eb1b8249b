"""Atomic file writes and the output-directory lock."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from . import errors

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_json",
    "replace_unsynced",
    "with_checksum",
    "checked_payload",
    "write_parquet",
    "output_lock",
    "sha256_text",
    "remove_temp_files",
    "TEMP_SUFFIX",
    "LOCK_NAME",
]

TEMP_SUFFIX = ".tmp"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[str]:
    """A temporary path beside ``path`` to write to; on success it is flushed to disk and renamed
    over ``path`` (then the folder is flushed), on failure removed.

    Readers never see half a file, and a power cut leaves the old file or the new one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        _fsync_file(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


def atomic_write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as indented JSON with sorted keys, atomically.

    orjson, not the json module: with ``indent`` the json module encodes in Python, a
    string per token, and for the manifest of 10 000 articles (4.6 MB) that took 28 MB,
    the run's peak memory.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     atomic_write_json(Path(folder) / "m.json", {"b": [1], "a": Path("x"), 2: "é"})
    ...     print((Path(folder) / "m.json").read_text("utf-8"))
    {
      "2": "é",
      "a": "x",
      "b": [
        1
      ]
    }
    """
    import orjson

    options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
    atomic_write_bytes(path, orjson.dumps(obj, default=str, option=options))


CHECKSUM_LEN = 64  # a SHA-256 in hex


def with_checksum(payload: bytes) -> bytes:
    r"""``payload`` after its SHA-256 (hex) and a newline: the form of every cache and step-memo entry.

    >>> checked_payload(with_checksum(b"rows")), checked_payload(with_checksum(b"rows").replace(b"rows", b"rowz"))
    (b'rows', None)
    """
    return hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload


def checked_payload(data: bytes) -> bytes | None:
    """The payload of an entry written by :func:`with_checksum`, or ``None`` when it fails its checksum."""
    head, newline, payload = data[:CHECKSUM_LEN], data[CHECKSUM_LEN : CHECKSUM_LEN + 1], data[CHECKSUM_LEN + 1 :]
    if newline != b"\n" or hashlib.sha256(payload).hexdigest().encode("ascii") != head:
        return None
    return payload


def replace_unsynced(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary renamed into place, with no fsync.

    For entries whose loss in a crash costs only their recomputation (cache and memo entries):
    a reader never sees half a file, and one fsync per entry would cost more than the analysis
    of a short article. The temporary's name starts with a dot and is unique per process and
    thread, so writers never collide and a sweep can tell it from an entry.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a table atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def _fsync_file(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); folders cannot be opened for this on Windows."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        _fsync_file(path)


def remove_temp_files(folder: Path) -> int:
    """Delete temporary files a killed run left in ``folder`` and its subfolders; return how many.

    Only called while holding the output lock, when no other run can be writing.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(dirpath, name))
                    removed += 1
    return removed


# ---------------------------------------------------------------------------
# the output lock
#
# An advisory lock (flock) on ``out/.presslens.lock`` that the kernel releases
# when the holder dies, even by kill -9, so a killed run never blocks the next
# one. The file also names the holder (pid, host, start time) for the message a
# second run gets. Where flock does not exist (Windows), the pid in the file is
# the lock, and a pid that no longer runs marks it stale.
LOCK_NAME = ".presslens.lock"
_HELD_FDS: set[int] = set()


def _close_held_locks_in_child() -> None:
    # A forked worker (spaCy n_process, multiprocessing) inherits the lock's file
    # descriptor; were it kept, leftover workers of a killed run would hold the lock.
    for fd in list(_HELD_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_locks_in_child)


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold ``out/.presslens.lock`` for the duration of a run; a second run gets a clear error.

    A lock left by a process that no longer exists (killed) is taken over, and
    the temporary files that process left are removed.
    """
    out.mkdir(parents=True, exist_ok=True)
    lock = out / LOCK_NAME
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None  # type: ignore[assignment]  # no flock here: fall back to a pid file below
    if fcntl is None:  # pragma: no cover - Windows
        with _pid_lock(out, lock):
            yield
        return
    fd = _acquire_flock(out, lock, fcntl)
    _HELD_FDS.add(fd)
    try:
        yield
    finally:
        _HELD_FDS.discard(fd)
        with contextlib.suppress(OSError):
            os.unlink(lock)  # still holding it: nobody can have taken it in between
        os.close(fd)


def _acquire_flock(out: Path, lock: Path, fcntl: Any) -> int:
    for _ in range(10):
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder_text(_read_lock(fd))
            os.close(fd)
            raise errors.OutputLockedError(errors.OUTPUT_LOCKED.format(out=out, lock=lock, pid=holder)) from None
        try:
            if os.fstat(fd).st_ino != os.stat(lock).st_ino:
                raise FileNotFoundError  # the holder removed the file as we opened it: try the new one
        except FileNotFoundError:
            os.close(fd)
            continue
        previous = _read_lock(fd)
        if previous.get("legacy") and _alive(previous.get("pid")):
            # a lock written without flock (older PressLens, or by hand) by a process that still runs
            os.close(fd)
            raise errors.OutputLockedError(errors.OUTPUT_LOCKED.format(out=out, lock=lock, pid=previous["pid"]))
        if previous:  # its holder died without removing it: sweep what it left half-written
            remove_temp_files(out)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_lock_record()).encode("utf-8"), 0)
        return fd
    raise errors.OutputLockedError(errors.OUTPUT_LOCKED.format(out=out, lock=lock, pid="unknown"))


@contextlib.contextmanager
def _pid_lock(out: Path, lock: Path) -> Iterator[None]:  # pragma: no cover - Windows
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid = _read_pid(lock)
            if pid is not None and _alive(pid):
                raise errors.OutputLockedError(errors.OUTPUT_LOCKED.format(out=out, lock=lock, pid=pid)) from None
            with contextlib.suppress(OSError):
                os.unlink(lock)  # stale: its process is gone
            remove_temp_files(out)
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        break
    else:
        raise errors.OutputLockedError(errors.OUTPUT_LOCKED.format(out=out, lock=lock, pid="unknown"))
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


def _lock_record() -> dict[str, Any]:
    import socket
    import time

    return {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _read_lock(fd: int) -> dict[str, Any]:
    """What the lock file says: our JSON record, or a bare pid (``legacy``), or nothing."""
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
    except OSError:
        return {}
    if not raw:
        return {}
    with contextlib.suppress(ValueError):
        record = json.loads(raw)
        if isinstance(record, dict):
            return record
        if isinstance(record, int):
            return {"pid": record, "legacy": True}
    return {"pid": None, "legacy": True}


def _holder_text(record: dict[str, Any]) -> str:
    if not record.get("pid"):
        return "unknown"
    text = str(record["pid"])
    if record.get("host"):
        text += f" on {record['host']}"
    if record.get("started"):
        text += f", started {record['started']}"
    return text


def _read_pid(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip() or "0") or None
    except (OSError, ValueError):
        return None


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
