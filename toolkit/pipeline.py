"""The pipeline: articles through spaCy in batches, per-article rows from each
plugin, corpus-level steps, tables written as Parquet with a manifest.

Per-article results are cached on disk (JSON, keyed by the article's content,
the configuration and the versions), so a re-run on unchanged input does no
NLP work and adding articles analyses only the new ones.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, errors
from ._io import atomic_write_bytes, atomic_write_json, output_lock, sha256_text, write_parquet
from .loaders import DEFAULT_MAX_CHARS, iter_articles
from .records import Article, LoadReport
from .registry import Plugin, StepContext, registry
from .schemas import TABLES, conform, empty_table

__all__ = ["Corpus", "RunConfig", "analyze", "open_corpus"]

CACHE_DIR = ".cache"
MANIFEST = "manifest.json"
# Present while tables are being written: a folder holding it was left by a run
# that stopped half-way and is not trusted (see Corpus.open).
INCOMPLETE = ".presslens.incomplete"


@dataclass(frozen=True, kw_only=True)
class RunConfig:
    """Everything that decides an analysis's output."""

    model: str | None = None
    clean: bool = True
    plugins: tuple[str, ...] | None = None  # None: every registered plugin
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # per plugin name
    batch_size: int = 64
    workers: int = 1

    def plugin_options(self, plugin: Plugin) -> dict[str, Any]:
        return {**plugin.options, **self.options.get(plugin.name, {})}


class Corpus:
    """The analysed tables of a corpus, as pandas DataFrames.

    >>> corpus = Corpus({})
    >>> corpus.quotes.columns[:3].tolist()
    ['quote_id', 'article_id', 'kind']
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], *, manifest: Mapping[str, Any] | None = None,
                 path: str | os.PathLike[str] | None = None) -> None:
        self.tables: dict[str, pd.DataFrame] = {name: conform(name, tables.get(name)) for name in TABLES}
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

    def save(self, out: str | os.PathLike[str]) -> Path:
        """Write every table as ``out/<table>.parquet`` and the manifest.

        Each file is written atomically; the folder is marked incomplete until
        the manifest, written last, is in place, so a run killed between two
        tables never leaves a folder that mixes two runs and looks finished.
        """
        out = Path(out)
        atomic_write_json(out / INCOMPLETE, {"pid": os.getpid(), "tables": sorted(self.tables)})
        for name, frame in self.tables.items():
            write_parquet(out / f"{name}.parquet", frame)
        atomic_write_json(out / MANIFEST, self.manifest)
        os.unlink(out / INCOMPLETE)
        self.path = out
        return out

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Corpus:
        """Read the tables and manifest written by :func:`analyze` or ``presslens analyze``."""
        path = Path(path)
        if not path.is_dir():
            raise FileNotFoundError(f"{path} is not a folder of PressLens tables. Create one with "
                                    f"`presslens analyze INPUT --out {path}`.")
        if (path / INCOMPLETE).exists():
            raise errors.IncompleteOutputError(errors.INCOMPLETE_OUTPUT.format(
                path=path, why="a run stopped while writing its tables"))
        tables = {p.stem: pd.read_parquet(p) for p in sorted(path.glob("*.parquet"))}
        if not tables:
            raise FileNotFoundError(f"{path} holds no .parquet tables. Create them with "
                                    f"`presslens analyze INPUT --out {path}`.")
        manifest_path = path / MANIFEST
        manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
        for name, n_rows in manifest.get("tables", {}).items():  # the manifest says what a finished run wrote
            if name not in tables or len(tables[name]) != n_rows:
                found = "missing" if name not in tables else f"{len(tables[name])} rows"
                raise errors.IncompleteOutputError(errors.INCOMPLETE_OUTPUT.format(
                    path=path, why=f"table {name!r} is {found}, the manifest says {n_rows} rows"))
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


def open_corpus(path: str | os.PathLike[str]) -> Corpus:
    """Open an analysed corpus folder (``toolkit.open``)."""
    return Corpus.open(path)


# ---------------------------------------------------------------------------
class _Engine:
    """Runs the per-article work: spaCy pipeline plus each plugin's ``extract``."""

    def __init__(self, config: RunConfig, chosen: Sequence[Plugin]) -> None:
        self.config = config
        self.chosen = list(chosen)
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            from .nlp import load_model

            nlp = load_model(self.config.model)
            for plugin in self.chosen:
                if plugin.component and plugin.component not in nlp.pipe_names:
                    cfg = {**plugin.component_config, **self.config.options.get(plugin.name, {}).get("component", {})}
                    nlp.add_pipe(plugin.component, config=cfg)
            self._nlp = nlp
        return self._nlp

    def model_fingerprint(self) -> dict[str, str]:
        from .nlp import model_info

        return model_info(self.nlp)

    def run(self, articles: Sequence[Article]) -> Iterator[tuple[Article, dict[str, list[dict[str, Any]]]]]:
        nlp = self.nlp
        # the loader already refused texts over its max_chars; what it let through, spaCy must take
        longest = max((len(article.text) for article in articles), default=0)
        nlp.max_length = max(nlp.max_length, longest + 1)

        def docs() -> Iterator[Any]:
            for article in articles:
                doc = nlp.make_doc(article.text)
                doc._.presslens_article_id = article.article_id
                doc._.presslens_published = article.published
                yield doc

        n_process = max(1, int(self.config.workers))
        processed = nlp.pipe(docs(), batch_size=self.config.batch_size, n_process=n_process)
        for article, doc in zip(articles, processed, strict=True):
            yield article, extract_rows(doc, article, self.chosen, self.config)


def extract_rows(doc: Any, article: Article, chosen: Sequence[Plugin], config: RunConfig) -> dict[str, list[dict[str, Any]]]:
    """Every plugin's rows for one processed article, tagged with its ``article_id``."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for plugin in chosen:
        if plugin.extract is None:
            continue
        produced = plugin.extract(doc, article, config.plugin_options(plugin))
        for table, items in (produced or {}).items():
            bucket = rows.setdefault(table, [])
            for item in items:
                bucket.append({"article_id": article.article_id, **item})
    return rows


def _cache_key(article: Article, fingerprint: str) -> str:
    return sha256_text("\x00".join([fingerprint, article.article_id, article.published or "", article.text]))


def analyze(inputs: Iterable[Any] | Any, *, out: str | os.PathLike[str] | None = None,
            metadata: str | os.PathLike[str] | None = None, model: str | None = None, clean: bool = True,
            plugins: Sequence[str] | None = None, options: Mapping[str, Mapping[str, Any]] | None = None,
            workers: int = 1, batch_size: int = 64, quiet: bool = False, strict: bool = False,
            columns: Mapping[str, str] | None = None, cache: bool = True,
            max_chars: int | None = DEFAULT_MAX_CHARS) -> Corpus:
    """Analyse articles and return a :class:`Corpus`; with ``out``, also write the tables there.

    ``inputs`` are paths, folders, globs, JSONL/CSV/Parquet files, DataFrames or
    :class:`Article` records. ``plugins`` picks plugins by name (default: all
    installed); ``options`` passes options per plugin name. Articles longer than
    ``max_chars`` characters are skipped with a reason (``None``: no limit).
    """
    config = RunConfig(model=model, clean=clean, plugins=tuple(plugins) if plugins is not None else None,
                       options={k: dict(v) for k, v in (options or {}).items()}, batch_size=batch_size, workers=workers)
    if out is None:
        return _analyze(inputs, config=config, out=None, metadata=metadata, quiet=quiet, strict=strict,
                        columns=columns, cache=False, max_chars=max_chars)
    out = Path(out)
    with output_lock(out):
        return _analyze(inputs, config=config, out=out, metadata=metadata, quiet=quiet, strict=strict,
                        columns=columns, cache=cache, max_chars=max_chars)


def _analyze(inputs: Any, *, config: RunConfig, out: Path | None, metadata: Any, quiet: bool, strict: bool,
             columns: Mapping[str, str] | None, cache: bool, max_chars: int | None = DEFAULT_MAX_CHARS) -> Corpus:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    chosen = registry.resolve(list(config.plugins) if config.plugins is not None else None)
    unknown = sorted(set(config.options) - set(registry.names()))
    if unknown:  # a typo in --option would otherwise be ignored without a word
        raise KeyError(errors.UNKNOWN_OPTION_PLUGIN.format(name=unknown[0], names=", ".join(registry.names())))

    report = LoadReport()
    input_list = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    articles = list(iter_articles(input_list, report=report, metadata=metadata, clean=config.clean, columns=columns,
                                  max_chars=max_chars))
    timings["load_s"] = time.perf_counter() - started
    if not articles:
        raise errors.NothingLoadedError(errors.NOTHING_LOADED.format(inputs=_describe(input_list), report=report.summary()))
    if strict and report.n_problems:  # skipped or failed inputs, and warnings (bad dates, renamed ids)
        raise errors.NothingLoadedError(errors.STRICT_FAILED.format(n=report.n_problems, report=report.summary()))

    engine = _Engine(config, chosen)
    fingerprint_parts = {
        "presslens": __version__,
        "model": config.model or "default",
        "clean": config.clean,
        "plugins": {p.name: [p.version, config.plugin_options(p)] for p in chosen},
    }
    needs_nlp = any(p.extract or p.component for p in chosen)
    per_article: dict[str, dict[str, list[dict[str, Any]]]] = {}
    todo: list[Article] = []
    cache_dir = out / CACHE_DIR if (out is not None and cache) else None
    fingerprint = ""
    if needs_nlp:
        model_started = time.perf_counter()
        fingerprint_parts["model_info"] = engine.model_fingerprint()
        timings["model_load_s"] = time.perf_counter() - model_started
        fingerprint = json.dumps(fingerprint_parts, sort_keys=True, default=str)
        for article in articles:
            cached = _read_cache(cache_dir, _cache_key(article, fingerprint)) if cache_dir else None
            if cached is None:
                todo.append(article)
            else:
                per_article[article.article_id] = cached

    nlp_started = time.perf_counter()
    if todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="analysing", unit="article", disable=quiet, smoothing=0.1)
        for article, rows in engine.run(todo):
            # rows take the same JSON round trip as cached ones, so that a fresh run, a
            # re-run from cache and a run resumed after a kill give equal tables
            encoded = _encode_rows(rows)
            per_article[article.article_id] = json.loads(encoded)
            if cache_dir is not None:
                _write_cache(cache_dir, _cache_key(article, fingerprint), encoded)
            bar.update(1)
        bar.close()
    timings["nlp_s"] = time.perf_counter() - nlp_started

    tables = _assemble(articles, per_article)
    step_started = time.perf_counter()
    for plugin in chosen:
        if plugin.corpus_step is None:
            continue
        context = StepContext(options=config.plugin_options(plugin), out_dir=out, quiet=quiet)
        changed = plugin.corpus_step(tables, context) or {}
        for name, frame in changed.items():
            tables[name] = conform(name, frame) if name in TABLES else frame
    timings["corpus_steps_s"] = time.perf_counter() - step_started
    timings["total_s"] = time.perf_counter() - started

    manifest = {
        "presslens_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "inputs": [{"article_id": a.article_id, "path": a.path, "sha256": sha256_text(a.raw_text or a.text)}
                   for a in articles],
        "configuration": {"model": config.model, "clean": config.clean, "plugins": [p.name for p in chosen],
                          "options": config.options, "batch_size": config.batch_size, "workers": config.workers},
        "versions": _versions(chosen, fingerprint_parts.get("model_info")),
        "model": fingerprint_parts.get("model_info"),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "analysed": len(todo),
        "from_cache": len(articles) - len(todo) if needs_nlp else 0,
        "load_report": report.to_dict(),
        "tables": {name: len(frame) for name, frame in tables.items()},
    }
    corpus = Corpus(tables, manifest=manifest)
    if out is not None:
        corpus.save(out)
    return corpus


def _assemble(articles: Sequence[Article], per_article: Mapping[str, Mapping[str, list[dict[str, Any]]]]) -> dict[str, pd.DataFrame]:
    collected: dict[str, list[dict[str, Any]]] = {}
    for article in articles:  # input order, so output does not depend on what came from cache
        for table, rows in per_article.get(article.article_id, {}).items():
            collected.setdefault(table, []).extend(rows)
    tables = {"articles": conform("articles", [a.row() for a in articles])}
    for name in TABLES:
        if name != "articles":
            tables[name] = conform(name, collected.pop(name, None)) if name in collected else empty_table(name)
    for name, rows in collected.items():  # third-party tables
        tables[name] = pd.DataFrame(rows)
    return tables


def _read_cache(cache_dir: Path, key: str) -> dict[str, list[dict[str, Any]]] | None:
    path = cache_dir / key[:2] / f"{key}.json"
    try:
        rows = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None  # missing or unreadable: analyse again
    valid = isinstance(rows, dict) and all(
        isinstance(items, list) and all(isinstance(item, dict) for item in items) for items in rows.values())
    return rows if valid else None  # damaged or foreign: analyse again rather than trust it


def _encode_rows(rows: Mapping[str, Any]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def _write_cache(cache_dir: Path, key: str, encoded: str) -> None:
    atomic_write_bytes(cache_dir / key[:2] / f"{key}.json", encoded.encode("utf-8"))


def _versions(chosen: Sequence[Plugin], model: Mapping[str, str] | None) -> dict[str, Any]:
    import importlib.metadata as md

    versions: dict[str, Any] = {"presslens": __version__, "python": platform.python_version()}
    for package in ("spacy", "pandas", "pyarrow"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = None
    versions["plugins"] = {p.name: p.version for p in chosen}
    if model:
        versions["model"] = model
    return versions


def _describe(inputs: Sequence[Any]) -> str:
    names = [type(i).__name__ if isinstance(i, pd.DataFrame) else os.fspath(i) if isinstance(i, (str, os.PathLike)) else repr(i)
             for i in inputs]
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
