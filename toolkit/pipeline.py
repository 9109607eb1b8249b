"""The pipeline: articles stream from the loaders in batches through an engine
(spaCy plus each plugin's ``extract``, see :mod:`toolkit.engines`), rows are
gathered as typed table chunks, corpus-level steps run on the gathered tables,
and the tables are written as Parquet in row groups, with a manifest. No Doc
outlives its batch, so memory grows only with the tables themselves.

Per-article results are cached on disk (JSON, keyed by the article's content,
the configuration, the model, and a digest of the core's and each plugin's code and
data, see :mod:`toolkit._fingerprint`), so a re-run on unchanged input does no NLP
work, adding articles analyses only the new ones, and a changed rule is never served
from an old entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import queue
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import orjson
import pandas as pd

from . import __version__, errors
from ._exports import ColumnLayout
from ._fingerprint import code_fingerprint
from ._io import (
    atomic_path,
    atomic_write_json,
    checked_payload,
    output_lock,
    replace_unsynced,
    sha256_text,
    with_checksum,
)
from ._memo import CleaningMemo, StepMemo
from ._memory import release_free_memory
from ._rowstore import ENTRY_COLUMN, ROW_STORE, RowStore, RowStoreWriter, StoredRows
from .cleaning import clean_text
from .engines import (
    DEFAULT_ARTICLE_TIMEOUT,
    ENGINES,
    ArticleFailure,
    RunConfig,
    fewer_collections,
    make_engine,
    model_fingerprint,
)
from .loaders import DEFAULT_MAX_CHARS, ColumnsSpec, iter_articles, resolve_layout
from .records import Article, LoadEntry, LoadReport
from .registry import Plugin, StepContext, registry
from .schemas import SCHEMAS, TABLES, conform, empty_table

if TYPE_CHECKING:
    from .export import ExportResult

__all__ = ["Corpus", "RunConfig", "analyze", "open_corpus"]

# one sub-folder per cache key (see _analyze): entries written under another key are
# recognised by their folder alone, and dropped
CACHE_DIR = ".cache"
# in a cache key's folder, beside the article entries' two-letter folders: one folder per step's memo
STEP_MEMO_DIR = "steps"
# beside them: what cleaning removed from each input text (not an article entry: no .json suffix)
CLEANING_MEMO = "cleaning.memo"
MANIFEST = "manifest.json"
# Present while tables are being written: a folder holding it was left by a run
# that stopped half-way and is not trusted (see Corpus.open).
INCOMPLETE = ".presslens.incomplete"


class Corpus:
    """The analysed tables of a corpus, as pandas DataFrames.

    >>> corpus = Corpus({})
    >>> corpus.quotes.columns[:3].tolist()
    ['quote_id', 'article_id', 'kind']
    """

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        manifest: Mapping[str, Any] | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.tables: dict[str, pd.DataFrame] = {name: _conformed(name, tables.get(name)) for name in TABLES}
        for name, frame in tables.items():  # tables added by third-party plugins
            if name not in self.tables:
                self.tables[name] = frame
        self.manifest: dict[str, Any] = dict(manifest or {})
        self.path = Path(path) if path is not None else None

    # tables ---------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"No table {name!r} in this corpus. Tables: {', '.join(self.tables)}.") from None

    __getitem__ = table

    articles = property(lambda self: self.tables["articles"])
    mentions = property(lambda self: self.tables["mentions"])
    entities = property(lambda self: self.tables["entities"])
    quotes = property(lambda self: self.tables["quotes"])
    timexes = property(lambda self: self.tables["timexes"])
    events = property(lambda self: self.tables["events"])
    claims = property(lambda self: self.tables["claims"])

    @property
    def load_report(self) -> dict[str, Any]:
        return self.manifest.get("load_report", {})

    def export(
        self,
        table: str,
        target: str | os.PathLike[str] | IO[str] | None = None,
        *,
        format: str | None = None,
        with_context: bool = False,
        neutralise: bool = True,
    ) -> ExportResult:
        """Write one table for a spreadsheet or for code (csv, jsonl, parquet, xlsx); see :mod:`toolkit.export`.

        ``corpus.export("claims", "claims.xlsx", with_context=True)``. Returns an
        :class:`~toolkit.export.ExportResult`. (A method, not ``toolkit.export``: that
        name is the module's, and importing it would replace a function of that name.)
        """
        from .export import export

        return export(self, table, target, format=format, with_context=with_context, neutralise=neutralise)

    def save(self, out: str | os.PathLike[str]) -> Path:
        """Write every table as ``out/<table>.parquet`` and the manifest.

        Each file is written atomically; the folder is marked incomplete until
        the manifest, written last, is in place, so a run killed between two
        tables never leaves a folder that mixes two runs and looks finished.
        """
        out = Path(out)
        atomic_write_json(out / INCOMPLETE, {"pid": os.getpid(), "tables": sorted(self.tables)})
        for name, frame in self.tables.items():
            _write_table(out / f"{name}.parquet", frame)
            # each table's Arrow copies and write buffers, freed, would otherwise stay resident
            # and add up: ~80 MB over the nine tables of 10 000 articles, the run's peak
            release_free_memory()
        atomic_write_json(out / MANIFEST, self.manifest)
        os.unlink(out / INCOMPLETE)
        self.path = out
        return out

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Corpus:
        """Read the tables and manifest written by :func:`analyze` or ``presslens analyze``."""
        path = Path(path)
        if not path.is_dir():
            raise FileNotFoundError(
                f"{path} is not a folder of PressLens tables. Create one with `presslens analyze INPUT --out {path}`."
            )
        if (path / INCOMPLETE).exists():
            raise errors.IncompleteOutputError(
                errors.INCOMPLETE_OUTPUT.format(path=path, why="a run stopped while writing its tables")
            )
        tables = {p.stem: pd.read_parquet(p) for p in sorted(path.glob("*.parquet"))}
        if not tables:
            raise FileNotFoundError(
                f"{path} holds no .parquet tables. Create them with `presslens analyze INPUT --out {path}`."
            )
        manifest_path = path / MANIFEST
        manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
        for name, n_rows in manifest.get("tables", {}).items():  # the manifest says what a finished run wrote
            if name not in tables or len(tables[name]) != n_rows:
                found = "missing" if name not in tables else f"{len(tables[name])} rows"
                raise errors.IncompleteOutputError(
                    errors.INCOMPLETE_OUTPUT.format(
                        path=path, why=f"table {name!r} is {found}, the manifest says {n_rows} rows"
                    )
                )
        return cls(tables, manifest=manifest, path=path)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables.items())
        where = f" at {str(self.path)!r}" if self.path else ""
        return f"<Corpus{where}: {sizes}>"

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(f"<tr><td>{escape(name)}</td><td>{len(frame)}</td></tr>" for name, frame in self.tables.items())
        where = f" <code>{escape(str(self.path))}</code>" if self.path else ""
        return f"<div><b>PressLens corpus</b>{where}<table><tr><th>table</th><th>rows</th></tr>{rows}</table></div>"


def _conformed(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """``conform`` without the copy when the frame already has the contract's columns and dtypes."""
    if isinstance(frame, pd.DataFrame):
        schema = SCHEMAS[name]
        head = list(frame.columns[: len(schema)])
        if head == list(schema) and all(
            str(frame[col].dtype) == str(pd.Series([], dtype=dtype).dtype) for col, dtype in schema.items()
        ):
            return frame
    return conform(name, frame)


def _write_table(path: Path, frame: pd.DataFrame, *, chunk_rows: int = 50_000) -> None:
    """Write ``frame`` as Parquet in row groups of ``chunk_rows``, converting one slice at a
    time (a whole-table Arrow copy would double the peak memory of a big table), to a
    temporary file renamed into place so readers never see half a table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with atomic_path(path) as tmp:
        # the schema from the whole frame, so a slice whose list column is all null still fits
        schema = _portable_schema(pa.Schema.from_pandas(frame, preserve_index=False))
        with pq.ParquetWriter(tmp, schema) as writer:
            if len(frame) == 0:
                writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
            for begin in range(0, len(frame), chunk_rows):
                piece = frame.iloc[begin : begin + chunk_rows]
                table = pa.Table.from_pandas(piece, schema=schema, preserve_index=False)
                writer.write_table(table.replace_schema_metadata(schema.metadata))


def _portable_schema(schema: Any) -> Any:
    """``schema`` with Arrow-backed nested columns recorded as plain object columns.

    pandas cannot read back the dtype name of a nested ``pd.ArrowDtype``
    ("list<item: string>[pyarrow]") from a Parquet file's pandas metadata, so
    such columns are described as ``object`` (lists) instead.
    """
    raw = (schema.metadata or {}).get(b"pandas")
    if raw is None:
        return schema
    meta = json.loads(raw)
    changed = False
    for column in meta.get("columns", []):
        numpy_type = str(column.get("numpy_type") or "")
        if numpy_type.endswith("[pyarrow]") and "<" in numpy_type:
            column["numpy_type"], changed = "object", True
    if not changed:
        return schema
    return schema.with_metadata({**schema.metadata, b"pandas": json.dumps(meta).encode("utf-8")})


def open_corpus(path: str | os.PathLike[str]) -> Corpus:
    """Open an analysed corpus folder (``toolkit.open``)."""
    return Corpus.open(path)


# ---------------------------------------------------------------------------
def _cache_key(article: Article, fingerprint: str) -> str:
    return sha256_text("\x00".join([fingerprint, article.article_id, article.published or "", article.text]))


def analyze(
    inputs: Iterable[Any] | Any,
    *,
    out: str | os.PathLike[str] | None = None,
    metadata: str | os.PathLike[str] | None = None,
    model: str | None = None,
    clean: bool = True,
    plugins: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    workers: int = 1,
    batch_size: int = 64,
    quiet: bool = False,
    strict: bool = False,
    columns: ColumnsSpec = None,
    cache: bool = True,
    engine: str = "local",
    scheduler: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
) -> Corpus:
    """Analyse articles and return a :class:`Corpus`; with ``out``, also write the tables there.

    ``inputs`` are paths, folders, globs, JSONL/JSON/CSV/Parquet files, web archives
    (WARC/ARC), DataFrames or :class:`Article` records. ``columns`` says where tables keep
    each field: a preset (``"mediacloud"``, ``"factiva"`` ...), a mapping file or a mapping.
    ``plugins`` picks plugins by name (default: all installed); ``options`` passes options
    per plugin name.

    ``workers=N`` runs the per-article work in N local processes;
    ``engine="dask"`` runs it as partitions on the Dask cluster at ``scheduler``
    (a ``LocalCluster`` of ``workers`` processes when no address is given). The
    tables are the same whichever engine computes them, in input order.

    An article whose analysis raises (in spaCy, a plugin's component or its ``extract``)
    or runs over ``article_timeout`` seconds is marked ``failed`` in the load report with
    the plugin, the exception and its message, and the run goes on; ``strict=True``
    stops the run instead. ``article_timeout=None`` sets no time limit.
    """
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}; expected one of: {', '.join(ENGINES)}.")
    layout = resolve_layout(columns)  # a bad mapping file fails now, before the output folder is touched
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, got {workers}.")
    if article_timeout is not None and not article_timeout > 0:
        raise ValueError(
            f"article_timeout must be a number of seconds above 0, or None (no limit); got {article_timeout!r}."
        )
    config = RunConfig(
        model=model,
        clean=clean,
        plugins=tuple(plugins) if plugins is not None else None,
        options={k: dict(v) for k, v in (options or {}).items()},
        batch_size=batch_size,
        workers=workers,
        article_timeout=article_timeout,
    )

    def run(out: Path | None, *, cache: bool) -> Corpus:
        return _analyze(
            inputs,
            config=config,
            out=out,
            cache=cache,
            metadata=metadata,
            quiet=quiet,
            strict=strict,
            columns=layout,
            engine=engine,
            scheduler=scheduler,
            max_chars=max_chars,
        )

    # the rows, tables and corpus steps allocate millions of short-lived objects as well
    with fewer_collections(), _arrow_memory_from_system():
        if out is None:
            return run(None, cache=False)
        folder = Path(out)
        _check_output(folder)
        with output_lock(folder):
            return run(folder, cache=cache)


class _TableBuilder:
    """Rows arrive article by article; every ``flush_rows`` rows of a table become one
    Arrow chunk, and :meth:`tables` turns each table's chunks into one DataFrame.

    Holding Arrow chunks rather than DataFrames of Python objects is what keeps
    memory flat while a big corpus streams through: the row dicts and their
    strings die as soon as their chunk is built, so the allocator reuses that
    memory for the next rows instead of keeping partly used pages of long-lived
    small objects. Nested columns (lists, records) of tables outside the contract
    stay Arrow-backed (``pd.ArrowDtype``) in the result; the contract's own list
    columns come back as Python lists.

    >>> builder = _TableBuilder(flush_rows=2)
    >>> for i in range(3):
    ...     builder.add("timexes", [{"article_id": "a", "start": i, "end": i + 4, "text": "2024"}])
    >>> builder.tables()["timexes"]["start"].tolist()
    [0, 1, 2]
    """

    def __init__(self, *, flush_rows: int = 5_000) -> None:
        self.flush_rows = flush_rows
        self._pending: dict[str, list[dict[str, Any]]] = {}
        self._chunks: dict[str, list[Any]] = {}
        # for the row store: each article's cache key, and per table (article number, rows) in order
        self._keys: list[str | None] = []
        self._entries: dict[str, list[tuple[int, int]]] = {}
        # per table, the stored rows being gathered: (stored table, start, end), one slice per run of articles
        self._stored: dict[str, tuple[Any, int, int]] = {}

    def article(self, key: str | None) -> None:
        """The rows added from now on are the article's whose cache key is ``key`` (``None``: keep none)."""
        self._keys.append(key)

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        self._close_stored(table)
        bucket = self._pending.setdefault(table, [])
        bucket.extend(rows)
        self._entries.setdefault(table, []).append((len(self._keys) - 1, len(rows)))
        if len(bucket) >= self.flush_rows:
            self._flush(table)

    def add_stored(self, stored: StoredRows) -> None:
        """An article's rows from the row store: slices of the stored tables, consecutive articles' joined."""
        for table, (source, start, end) in stored.ranges.items():
            self._flush(table)
            self._entries.setdefault(table, []).append((len(self._keys) - 1, end - start))
            open_run = self._stored.get(table)
            if open_run is not None and open_run[0] is source and open_run[2] == start:
                self._stored[table] = (source, open_run[1], end)
            else:
                self._close_stored(table)
                self._stored[table] = (source, start, end)

    def _flush(self, table: str) -> None:
        rows = self._pending.pop(table, [])
        if rows:
            self._chunks.setdefault(table, []).append(_rows_to_arrow(table, rows))

    def _close_stored(self, table: str) -> None:
        run = self._stored.pop(table, None)
        if run is not None:
            source, start, end = run
            self._chunks.setdefault(table, []).append(source.slice(start, end - start))

    def tables(self, store: Path | None = None) -> dict[str, pd.DataFrame]:
        """The tables; with ``store``, every table but ``articles`` is also written there (see
        :mod:`toolkit._rowstore`), unless some article has no cache key or a table is no Arrow table."""
        for table in [*self._pending, *self._stored]:
            self._flush(table)
            self._close_stored(table)
        writer = RowStoreWriter(store) if store is not None else None
        try:
            if writer is not None and None in self._keys:
                writer.abort()  # an article without a cache key: its rows cannot be found again
                writer = None
            tables: dict[str, pd.DataFrame] = {}
            for name in [*TABLES, *(n for n in self._chunks if n not in TABLES)]:
                chunks = self._chunks.pop(name, [])
                combined = _combined(chunks)
                if combined is not None:
                    chunks = [combined]
                    if writer is not None and name != "articles":
                        writer.add(name, _with_entries(combined, self._entries.get(name, [])))
                elif chunks and writer is not None:
                    writer.abort()  # a table Arrow cannot hold: no store (the JSON entries serve)
                    writer = None
                del combined
                # third-party tables keep the columns their plugin gave them
                tables[name] = _concat(name, chunks) if name in TABLES else _from_chunks(chunks)
            if writer is not None:
                writer.finish(cast("list[str]", self._keys))
                writer = None
        finally:
            if writer is not None:
                writer.abort()
        return tables


def _combined(chunks: list[Any]) -> Any:
    """The Arrow tables ``chunks`` as one (their types unified), or ``None`` when some chunk is no
    Arrow table or Arrow cannot unify their columns."""
    import pyarrow as pa

    if not chunks or not all(isinstance(c, pa.Table) for c in chunks):
        return None
    try:
        return pa.concat_tables(chunks, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _with_entries(table: Any, entries: list[tuple[int, int]]) -> Any:
    """``table`` with its rows' article numbers (``entries``: runs of (article number, rows)) as a column."""
    import numpy as np
    import pyarrow as pa

    numbers = np.repeat(
        np.fromiter((n for n, _ in entries), dtype=np.int64, count=len(entries)),
        np.fromiter((k for _, k in entries), dtype=np.int64, count=len(entries)),
    )
    return table.append_column(ENTRY_COLUMN, pa.array(numbers))


def _rows_to_arrow(table: str, rows: list[dict[str, Any]]) -> Any:
    """``rows`` as an Arrow table, its columns in the order they first appear.

    Arrow types each column straight from the Python values, without a DataFrame of
    Python objects in between (for the mentions rows of 2 000 articles 0.07 s instead of
    0.13 s, and no pandas temporaries). The contract's dtypes are applied once, to the
    whole table (see :meth:`_TableBuilder.tables`). A column Arrow cannot type alone
    (mixed values) sends the chunk through pandas, as before.

    >>> _rows_to_arrow("timexes", [{"start": 1}, {"start": None, "text": "May"}]).to_pydict()
    {'start': [1, None], 'text': [None, 'May']}
    """
    import pyarrow as pa

    if not any(rows):  # rows without fields: an Arrow table without columns has no rows either
        return conform(table, rows) if table in TABLES else pd.DataFrame(rows)
    try:
        # Arrow reads the dicts as one struct array, in C++: the fields in the order they first appear,
        # a missing one null, as one pa.array per column built in Python gave, in half the time (the
        # rows of 840 cached articles were a second of an incremental run)
        return pa.Table.from_batches([pa.RecordBatch.from_struct_array(pa.array(rows))])
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return _to_arrow(conform(table, rows) if table in TABLES else pd.DataFrame(rows))


def _to_arrow(frame: pd.DataFrame) -> Any:
    """``frame`` as an Arrow table, or unchanged when Arrow cannot type a column (mixed values)."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def _from_chunks(chunks: list[Any]) -> pd.DataFrame:
    import pyarrow as pa

    def nested_as_arrow(arrow_type: Any) -> Any:
        return pd.ArrowDtype(arrow_type) if pa.types.is_nested(arrow_type) else None

    table = _combined(chunks)  # None: chunks whose columns Arrow cannot unify go through pandas
    if table is not None:
        chunks.clear()
        return table.to_pandas(types_mapper=nested_as_arrow)
    frames = [c.to_pandas(types_mapper=nested_as_arrow) if isinstance(c, pa.Table) else c for c in chunks]
    chunks.clear()
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _concat(name: str, chunks: list[Any]) -> pd.DataFrame:
    if not chunks:
        return empty_table(name)
    return conform(name, _from_chunks(chunks))


def _drain(items: list[Article]) -> Iterator[Article]:
    """The items of ``items`` in order, each let go by the list as it is handed on, so
    what was analysed is freed while the rest of the corpus streams through.

    >>> items = ["a", "b"]
    >>> handed = _drain(items)
    >>> next(handed), items
    ('a', [None, 'b'])
    """
    # the caller's list holds None where an item was handed on: it is not used as a list of articles after
    slots = cast("list[Article | None]", items)
    for k in range(len(items)):
        item, slots[k] = items[k], None
        yield item


@contextlib.contextmanager
def _arrow_memory_from_system() -> Iterator[None]:
    """Have Arrow allocate from the system allocator for the duration of the block.

    Arrow's default pool (mimalloc) keeps pages it has used: after the table chunks
    and the corpus steps' temporary columns were freed, a cached 10 000-article run
    still held ~100 MB more than with the system allocator, whose freed pages
    :func:`_release_free_memory` hands back. Buffers remember their pool, so the
    tables stay valid after the previous default comes back.

    >>> import pyarrow as pa
    >>> before = pa.default_memory_pool().backend_name
    >>> with _arrow_memory_from_system():
    ...     pa.default_memory_pool().backend_name
    'system'
    >>> pa.default_memory_pool().backend_name == before
    True
    """
    import pyarrow as pa

    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _analyze(
    inputs: Any,
    *,
    config: RunConfig,
    out: Path | None,
    metadata: Any,
    quiet: bool,
    strict: bool,
    columns: ColumnLayout | None,
    cache: bool,
    engine: str,
    scheduler: str | None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> Corpus:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    chosen = registry.resolve(list(config.plugins) if config.plugins is not None else None)
    unknown = sorted(set(config.options) - set(registry.names()))
    if unknown:  # a typo in --option would otherwise be ignored without a word
        raise KeyError(errors.UNKNOWN_OPTION_PLUGIN.format(name=unknown[0], names=", ".join(registry.names())))
    for plugin in chosen:  # a broken file a plugin reads (an alias table) fails now, not after the NLP
        if plugin.validate is not None:
            try:
                plugin.validate(config.plugin_options(plugin), out)
            except ValueError as exc:
                raise errors.InputError(str(exc)) from exc

    # What decides a cached row: the configuration, the code and data of the core and of each
    # plugin (digests of their files; hand-set versions were never bumped when a rule changed,
    # so they stay in the manifest only), and the model's name and version.
    code_started = time.perf_counter()
    code = code_fingerprint(chosen)
    timings["code_fingerprint_s"] = time.perf_counter() - code_started
    fingerprint_parts: dict[str, Any] = {
        "model": config.model or "default",
        "clean": config.clean,
        "plugins": {p.name: config.plugin_options(p) for p in chosen},
        "code": code,
    }
    needs_nlp = any(p.extract or p.component for p in chosen)
    if needs_nlp:
        # read from the model's meta.json, not by loading it: a cached run never loads spaCy
        fingerprint_parts["model_info"] = model_fingerprint(config.model)
    fingerprint = json.dumps(fingerprint_parts, sort_keys=True, default=str)
    cache_key = sha256_text(fingerprint)[:16]
    cache_dir = out / CACHE_DIR / cache_key if (out is not None and cache and needs_nlp) else None

    report = LoadReport()
    input_list = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    # what cleaning removed from each text last run: every run reads all its inputs (see CleaningMemo)
    cleaning = CleaningMemo(cache_dir / CLEANING_MEMO) if cache_dir is not None and config.clean else None
    stream = iter_articles(
        input_list,
        report=report,
        metadata=metadata,
        clean=config.clean,
        columns=columns,
        max_chars=max_chars,
        output=out,
        cleaner=cleaning.clean if cleaning is not None else clean_text,
    )
    builder = _TableBuilder()
    manifest_inputs: list[dict[str, Any]] = []
    counts = {"analysed": 0, "from_cache": 0, "failed": 0, "cache_damaged": 0}
    runner = make_engine(engine, config, chosen, scheduler=scheduler)

    # the articles themselves are small next to their analysis; holding them lets an unchanged
    # re-run be recognised before any cache entry is read. Each is let go once the engine has
    # had it (see _drain); what the run key needs of them is kept as a running hash
    articles = list(stream)
    if cleaning is not None:
        cleaning.save()
    key_start = _run_key_start(articles, report, fingerprint, config, chosen) if (out is not None and cache) else None
    run_key = _run_key(key_start, config, out) if (key_start is not None and out is not None) else None
    timings["load_inputs_s"] = time.perf_counter() - started
    if run_key is not None and out is not None and not strict:  # (a run key is only taken with an output folder)
        previous = _unchanged_run(out, run_key)
        if previous is not None:
            previous.manifest["reused_previous_run"] = True
            # what this run did, not what the run that wrote the tables did: every article's rows
            # came from the previous run's tables ("0 from cache" on an unchanged re-run was this)
            previous.manifest.update(analysed=0, from_cache=len(articles))
            if previous.manifest.get("cache"):  # nor did this run drop what that run dropped
                previous.manifest["cache"] = {**previous.manifest["cache"], "dropped_stale": 0}
            previous.manifest["timings_this_run"] = {"total_s": round(time.perf_counter() - started, 3)}
            return previous

    # each article's cache key, hashed once from its text, by article object (the list lets the articles go
    # as they stream: see _drain)
    keys = {id(article): _cache_key(article, fingerprint) for article in articles}
    preload = getattr(runner, "preload", None)
    new_articles = cache_dir is None or not all(_cache_path(cache_dir, key).is_file() for key in keys.values())
    if preload is not None and needs_nlp and new_articles:
        preload()  # some article is new: the model loads while the cached ones are read (local engine)

    # the previous run's rows as Arrow tables: a cached article's rows come from there when they can
    store_started = time.perf_counter()
    store = RowStore.read(cache_dir / ROW_STORE) if cache_dir is not None else None
    if store is not None and not set(store.keys) <= set(keys.values()):
        # a stored article left out or changed: the stored tables' column types are those of all their
        # articles (an int column typed float by one article) and may be wider than the rest's alone, so
        # the entries serve this run; adding articles, the case the store is for, keeps every one
        store = None
    store_read_s = time.perf_counter() - store_started
    from_store = [0]

    def batches() -> Iterator[tuple[tuple[list[Article], dict[str, Any]], list[Article]]]:
        # articles go to the engine one batch at a time; cache hits never reach the engine
        # the engine's task size: remote engines take smaller tasks so the workers finish together
        for batch in _batched(_drain(articles), max(1, getattr(runner, "task_size", config.batch_size))):
            cached: dict[str, Any] = {}
            todo: list[Article] = []
            for article in batch:
                manifest_inputs.append(
                    {
                        "article_id": article.article_id,
                        "path": article.path,
                        "sha256": sha256_text(article.raw_text or article.text),
                    }
                )
                read_started = time.perf_counter()
                key = keys[id(article)]
                stored = store.rows_of(key) if store is not None else None
                hit: Any
                if stored is not None:
                    hit, damaged = stored, False
                    from_store[0] += 1
                else:
                    hit, damaged = _read_cache_entry(cache_dir, key) if cache_dir else (None, False)
                counts["cache_damaged"] += damaged
                timings["cache_read_s"] += time.perf_counter() - read_started
                if hit is not None:
                    cached[article.article_id] = hit
                elif needs_nlp:
                    todo.append(article)
            yield (batch, cached), todo

    # where an incremental run's time goes: reading the cache, writing it, and (in the
    # engine) loading the model are fixed costs; the rest of analyse_s is the new articles
    timings.update(cache_read_s=store_read_s, cache_write_s=0.0, table_build_s=0.0)
    from tqdm.auto import tqdm

    dropped_stale = _drop_stale_cache(cache_dir) if cache_dir is not None else 0
    # the inputs are loaded before the first batch (see above), so the bar knows its total and an ETA
    bar = tqdm(total=len(articles), desc="analysing", unit="article", disable=quiet, smoothing=0.1)
    writer = _CacheWriter(cache_dir) if cache_dir is not None else None
    finished = False
    try:
        for (batch, cached), results in runner.map(batches()):
            fresh = iter(results)
            for article in batch:  # input order, so output does not depend on what came from cache
                rows = cached.get(article.article_id)
                if rows is None and needs_nlp:
                    result = next(fresh)
                    if isinstance(result, ArticleFailure):
                        # never cached: a fixed plugin, or a machine less busy, gets the article next run
                        counts["failed"] += 1
                        if strict:
                            raise errors.ArticleFailedError(
                                errors.STRICT_ARTICLE_FAILED.format(article=article.article_id, reason=result.reason)
                            )
                        _mark_failed(report, article, result.reason)
                        continue
                    rows = result
                    counts["analysed"] += 1
                    if writer is not None:
                        write_started = time.perf_counter()
                        writer.put(keys[id(article)], rows)
                        timings["cache_write_s"] += time.perf_counter() - write_started
                elif rows is not None:
                    counts["from_cache"] += 1
                build_started = time.perf_counter()
                builder.article(keys[id(article)] if rows is not None else None)
                builder.add("articles", [article.row()])
                if isinstance(rows, StoredRows):
                    builder.add_stored(rows)
                else:
                    for table, items in (rows or {}).items():
                        builder.add(table, items)
                timings["table_build_s"] += time.perf_counter() - build_started
            bar.update(len(batch))
        finished = True
    finally:
        bar.close()
        runner.close()
        if writer is not None:
            write_started = time.perf_counter()
            writer.close(raise_errors=finished)  # an error already on its way is the one to see
            timings["cache_write_s"] += time.perf_counter() - write_started
    timings["analyse_s"] = time.perf_counter() - started
    timings.update(getattr(runner, "timings", dict)())  # the local engine reports its model loading

    if not manifest_inputs:
        raise errors.NothingLoadedError(
            errors.NOTHING_LOADED.format(inputs=_describe(input_list), report=report.summary())
        )
    if strict and report.n_problems:  # skipped or failed inputs, and warnings (bad dates, renamed ids)
        raise errors.NothingLoadedError(errors.STRICT_FAILED.format(n=report.n_problems, report=report.summary()))

    build_started = time.perf_counter()
    # the row store is written again when this run's rows are not all the stored ones
    unchanged_store = store is not None and from_store[0] == len(manifest_inputs) == len(store.keys)
    tables = builder.tables(cache_dir / ROW_STORE if cache_dir is not None and not unchanged_store else None)
    del builder
    store = None  # its tables are in this run's tables now, or no longer needed
    timings["table_build_s"] += time.perf_counter() - build_started
    release_free_memory()
    step_started = time.perf_counter()
    step_memos: dict[str, dict[str, int]] = {}
    for plugin in chosen:
        if plugin.corpus_step is None:
            continue
        # a step's memo sits beside the article cache, under the same key: new code or options start afresh
        memo = StepMemo(cache_dir / STEP_MEMO_DIR / plugin.name) if cache_dir is not None else None
        context = StepContext(options=config.plugin_options(plugin), out_dir=out, quiet=quiet, memo=memo)
        plugin_started = time.perf_counter()
        try:
            changed = plugin.corpus_step(tables, context) or {}
        except (errors.PressLensError, OSError):
            raise  # already says what happened (a bad alias table, a full disk)
        except Exception as exc:
            raise errors.CorpusStepError(
                errors.CORPUS_STEP_FAILED.format(
                    plugin=plugin.name,
                    error=type(exc).__name__,
                    message=errors.printable(exc),
                    cache=cache_dir if cache_dir is not None else "no cache (no --out)",
                )
            ) from exc
        timings[f"corpus_step_{plugin.name}_s"] = time.perf_counter() - plugin_started  # where a re-run's time goes
        if memo is not None:
            memo.sweep()  # what this run did not use: articles gone from the corpus, stories that changed
            if memo.reused or memo.computed:
                step_memos[plugin.name] = {"reused": memo.reused, "computed": memo.computed}
        for name, frame in changed.items():
            tables[name] = conform(name, frame) if name in TABLES else frame
        del changed
        release_free_memory()  # what the step freed, before the next step allocates its own
    timings["corpus_steps_s"] = time.perf_counter() - step_started
    if counts["failed"]:
        run_key = None  # failed articles are tried again next run, not served from this one
    if run_key is not None and out is not None and not _option_files(config):
        # a plugin may leave a file beside the tables that it never reads back (entities writes
        # aliases.yaml for a person to edit): it was not there when the key was taken, so without
        # this the first re-run of every new output folder would miss and redo the corpus steps.
        # Files named in the options are read as well as written: those keep the key taken first.
        run_key = _run_key(key_start, config, out)
    timings["total_s"] = time.perf_counter() - started

    manifest = {
        "presslens_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "inputs": manifest_inputs,
        "configuration": {
            "model": config.model,
            "clean": config.clean,
            "plugins": [p.name for p in chosen],
            "options": config.options,
            "batch_size": config.batch_size,
            "workers": config.workers,
            "engine": engine,
            "article_timeout": config.article_timeout,
            # how table columns were read (--columns): a rerun needs the same mapping
            **({"columns": {"name": columns.name, "fields": columns.fields}} if columns is not None else {}),
        },
        "engine": runner.describe(),
        "versions": _versions(chosen, fingerprint_parts.get("model_info"), code),
        "model": fingerprint_parts.get("model_info"),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "analysed": counts["analysed"],
        "from_cache": counts["from_cache"],
        "failed_articles": counts["failed"],
        "cache": (
            {
                "key": cache_key,
                "dropped_stale": dropped_stale,
                "damaged": counts["cache_damaged"],
                "step_memos": step_memos,
            }
            if cache_dir is not None
            else None
        ),
        "load_report": report.to_dict(),
        "tables": {name: len(frame) for name, frame in tables.items()},
        "run_key": run_key,
    }
    corpus = Corpus(tables, manifest=manifest)
    if out is not None:
        corpus.save(out)
    return corpus


def _run_key_start(
    articles: Sequence[Article], report: LoadReport, fingerprint: str, config: RunConfig, chosen: Sequence[Plugin]
) -> Any:
    """The run key's hash over every article's content and metadata, the configuration and the
    versions; :func:`_run_key` adds the decision files. A hash object, not the articles: it
    outlives them (the key is taken again after the corpus steps)."""
    head = [
        fingerprint,
        json.dumps(config.options, sort_keys=True, default=str),
        ",".join(p.name for p in chosen),
        json.dumps(report.to_dict(), sort_keys=True, default=str),
    ]
    # the bytes of sha256_text("\x00".join(parts)) as it was, one part at a time: no copy of the corpus
    digest = hashlib.sha256("\x00".join(head).encode("utf-8", "surrogatepass"))
    for article in articles:
        digest.update(
            ("\x00" + json.dumps(article.row(), sort_keys=True, default=str)).encode("utf-8", "surrogatepass")
        )
    return digest


def _run_key(start: Any, config: RunConfig, out: Path) -> str:
    """What decides a run's tables: every article's content and metadata, the configuration, the
    versions (all hashed in ``start``, see :func:`_run_key_start`), and the decision files a person
    may edit between runs (an alias table named in the options, or the files plugins keep beside
    the tables, such as ``aliases.yaml``)."""
    digest = start.copy()
    decision_files = _option_files(config)
    if out.is_dir():
        decision_files += [
            p
            for p in sorted(out.iterdir())
            if p.is_file() and not p.name.startswith(".") and p.suffix != ".parquet" and p.name != MANIFEST
        ]
    for path in decision_files:
        part = f"{path.name}:{hashlib.sha256(path.read_bytes()).hexdigest()}"  # bytes: a UTF-16 edit counts too
        digest.update(("\x00" + part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _option_files(config: RunConfig) -> list[Path]:
    """The existing files the plugin options name (an alias table): decisions read by the run."""
    return [
        Path(v)
        for opts in config.options.values()
        for v in opts.values()
        if isinstance(v, (str, os.PathLike)) and str(v) and Path(v).is_file()  # a Path counts as a str does
    ]


def _unchanged_run(out: Path, run_key: str) -> Corpus | None:
    """The previous run's tables when nothing that decides them has changed, else ``None``."""
    try:
        manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("run_key") != run_key:
        return None
    if not all((out / f"{name}.parquet").is_file() for name in manifest.get("tables", TABLES)):
        return None
    try:
        return Corpus.open(out)
    except (OSError, ValueError, errors.IncompleteOutputError):
        return None  # damaged or half-written tables: analyse again


def _drop_stale_cache(cache_dir: Path) -> int:
    """Delete the cache entries written under another key than ``cache_dir``'s; return how many.

    They can never be read again (their key folder names code, configuration or a model that
    is no longer the run's), and kept they would only grow the folder. Entries of the layout
    before key folders (``.cache/<xx>/<key>.json``) go the same way. Only called while holding
    the output lock, so no other run is writing them.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _write_cache(Path(folder) / "old-key", "ab12", {"quotes": []})
    ...     _write_cache(Path(folder) / "new-key", "cd34", {"quotes": []})
    ...     _drop_stale_cache(Path(folder) / "new-key"), sorted(p.name for p in Path(folder).iterdir())
    (1, ['new-key'])
    """
    root = cache_dir.parent
    if not root.is_dir():
        return 0
    dropped = 0
    for folder in root.iterdir():
        if folder.name == cache_dir.name or not folder.is_dir():
            continue  # the run's own entries; loose files are a killed run's temporaries, swept by the lock
        dropped += sum(1 for path in folder.rglob("*.json") if not path.name.startswith("."))
        shutil.rmtree(folder, ignore_errors=True)
    return dropped


def _read_cache(cache_dir: Path, key: str) -> dict[str, list[dict[str, Any]]] | None:
    """One article's cached rows, or ``None`` when missing or damaged (see :func:`_read_cache_entry`)."""
    return _read_cache_entry(cache_dir, key)[0]


def _read_cache_entry(cache_dir: Path, key: str) -> tuple[dict[str, list[dict[str, Any]]] | None, bool]:
    r"""``(rows, damaged)``: the entry's rows when it is intact, else ``None``; ``damaged`` is true
    when an entry exists but fails its checksum or its shape, so the run recomputes and counts it.

    An entry is ``<sha256 of payload, hex>\n<payload JSON>`` (see :func:`_encode_cache`). Without
    the checksum, one changed digit gave quote offsets that no longer matched the quote text, and
    nothing could tell the entry was wrong.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _write_cache(Path(folder), "ab12", {"quotes": [{"start": 17}]})
    ...     path = Path(folder) / "ab" / "ab12.json"
    ...     _ = path.write_bytes(path.read_bytes().replace(b"17", b"18"))
    ...     _read_cache_entry(Path(folder), "ab12")
    (None, True)
    """
    path = _cache_path(cache_dir, key)
    try:
        data = path.read_bytes()
    except OSError:
        return None, False  # missing (or unreadable): analyse again
    payload = checked_payload(data)
    if payload is None:
        return None, True
    try:
        rows = orjson.loads(payload)
    except ValueError:  # orjson's decode error is a ValueError
        return None, True
    valid = isinstance(rows, dict) and all(
        isinstance(items, list) and all(isinstance(item, dict) for item in items) for items in rows.values()
    )
    return (rows, False) if valid else (None, True)  # damaged or foreign: analyse again rather than trust it


def _mark_failed(report: LoadReport, article: Article, reason: str) -> None:
    """Turn the article's ``loaded`` entry in ``report`` into ``failed`` with ``reason``, so the
    report still accounts for every input exactly once."""
    from dataclasses import replace

    for k in range(len(report.entries) - 1, -1, -1):  # recent entries first: the article was loaded lately
        entry = report.entries[k]
        if entry.article_id == article.article_id and entry.status == "loaded":
            report.entries[k] = replace(entry, status="failed", reason=errors.printable(reason))
            return
    report.add(
        LoadEntry(
            source=errors.printable(article.path or article.article_id),
            status="failed",
            reason=errors.printable(reason),
            article_id=article.article_id,
        )
    )


def _check_output(out: Path) -> None:
    """Fail before any work when ``out`` cannot hold the tables: a file in the way, or no permission."""
    where = errors.printable(out)
    if out.exists() and not out.is_dir():
        raise errors.OutputError(errors.OUT_IS_FILE.format(out=where))
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and existing.is_dir() and not os.access(existing, os.W_OK | os.X_OK):
        raise errors.OutputError(
            errors.OUT_NOT_WRITABLE.format(out=where, why=f"{errors.printable(existing)} is not writable")
        )
    if existing is not None and not existing.is_dir():
        raise errors.OutputError(errors.OUT_IS_FILE.format(out=errors.printable(existing)))


def _write_cache(cache_dir: Path, key: str, rows: Mapping[str, Any]) -> None:
    """Write one article's rows: compact JSON, keys in the order the plugin gave them (column
    order must survive the cache), renamed into place. No fsync: an entry lost in a crash is
    only a cache miss (unreadable entries are analysed again), and one fsync per article
    would cost more than the analysis of a short one."""
    _write_cache_bytes(cache_dir, key, _encode_cache(rows))


def _encode_cache(rows: Mapping[str, Any]) -> bytes:
    """orjson writes the same bytes as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
    about eight times faster (and reads them back about twice as fast): with the standard
    library, encoding the cache was a tenth of what PressLens adds to spaCy's own time.
    The one difference: a NaN float is written as null, which reads back as a missing value.
    The payload follows its SHA-256 (hex) and a newline, checked when read."""
    payload = orjson.dumps(rows, default=str, option=orjson.OPT_SERIALIZE_NUMPY)  # numpy scalars as numbers
    return with_checksum(payload)


def _write_cache_bytes(cache_dir: Path, key: str, data: bytes) -> None:
    replace_unsynced(_cache_path(cache_dir, key), data)


def _cache_path(cache_dir: Path, key: str) -> Path:
    """Where one article's entry lives: two-letter folders keep each folder small."""
    return cache_dir / key[:2] / f"{key}.json"


class _CacheWriter:
    """Writes cache entries on a background thread while the next articles are analysed.

    Creating, writing and renaming a file per article is system-call time (0.3 s per
    2 000 articles here), during which the thread does not hold the GIL: on a second core
    it overlaps with spaCy instead of adding to it. The rows are encoded on the calling
    thread, so a later change to them cannot reach the file. At most ``backlog`` entries
    wait, so a slow disk holds back the run rather than filling memory. The first error
    is raised by the next :meth:`put` or by :meth:`close`.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     writer = _CacheWriter(Path(folder))
    ...     writer.put("ab12", {"quotes": [{"start": 1}]})
    ...     writer.close()
    ...     _read_cache(Path(folder), "ab12")
    {'quotes': [{'start': 1}]}
    """

    def __init__(self, cache_dir: Path, *, backlog: int = 256) -> None:
        self.cache_dir = cache_dir
        self._queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=backlog)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="presslens-cache-writer", daemon=True)
        self._thread.start()

    def put(self, key: str, rows: Mapping[str, Any]) -> None:
        self._raise()
        self._queue.put((key, _encode_cache(rows)))

    def close(self, *, raise_errors: bool = True) -> None:
        """Wait until every entry is written."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if raise_errors:
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:  # after a failure the rest is drained unwritten
                try:
                    _write_cache_bytes(self.cache_dir, *item)
                except BaseException as error:  # handed to the analysing thread
                    self._error = error


def _versions(chosen: Sequence[Plugin], model: Mapping[str, str] | None, code: Mapping[str, Any]) -> dict[str, Any]:
    import importlib.metadata as md

    versions: dict[str, Any] = {"presslens": __version__, "python": platform.python_version()}
    for package in ("spacy", "pandas", "pyarrow"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = None
    versions["plugins"] = {p.name: p.version for p in chosen}  # information only: the key uses ``code``
    versions["code"] = dict(code)
    if model:
        versions["model"] = model
    return versions


def _describe(inputs: Sequence[Any]) -> str:
    names = [
        type(i).__name__
        if isinstance(i, pd.DataFrame)
        else os.fspath(i)
        if isinstance(i, (str, os.PathLike))
        else repr(i)
        for i in inputs
    ]
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
