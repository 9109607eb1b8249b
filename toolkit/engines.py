"""Engines: where the per-article work (spaCy pipeline plus each plugin's
``extract``) runs — in this process, in a pool of local worker processes, or
as partitions on a Dask cluster.

Every engine has the same small interface: :meth:`map` takes an iterable of
``(tag, [Article, ...])`` batches and yields ``(tag, [rows, ...])`` in the SAME
order, one result per article: a ``rows`` dict (``{table: [row, ...]}``), or an
:class:`ArticleFailure` saying which plugin raised what (or that the article went
over its time budget), so one bad article costs its own rows and no more. The pipeline
owns caching, tables and corpus-level steps; engines only turn articles into
rows. Engines start lazily (no model load, no pool, no cluster) until the first
non-empty batch, so a run served entirely from the cache never imports spaCy.

Workers rebuild the pipeline from a *payload*: the run configuration and the
chosen :class:`~toolkit.registry.Plugin` records, serialised with cloudpickle
so that plugins registered by hand in a notebook travel by value.

>>> engine = make_engine("local", RunConfig(), [])
>>> [(tag, rows) for tag, rows in engine.map([("a", [])])]
[('a', [])]
"""

from __future__ import annotations

import collections
import concurrent.futures
import concurrent.futures.process
import contextlib
import gc
import hashlib
import importlib.metadata as md
import importlib.util
import itertools
import json
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import _extras, errors
from .records import Article
from .registry import Plugin

__all__ = [
    "ENGINES",
    "RunConfig",
    "ArticleProcessor",
    "LocalEngine",
    "ProcessPoolEngine",
    "DaskEngine",
    "make_engine",
    "model_fingerprint",
    "extract_rows",
    "ArticleFailure",
    "time_budget",
]

ENGINES = ("local", "dask")

Rows = dict[str, list[dict[str, Any]]]
Tag = TypeVar("Tag")

# the default per-article time budget: generous (a long article takes a few seconds), so that
# only an input that makes a rule run away reaches it
DEFAULT_ARTICLE_TIMEOUT = 120.0


@dataclass(frozen=True, kw_only=True)
class ArticleFailure:
    """Why one article has no rows: where the analysis raised, and what.

    ``plugin`` is the plugin's name, or ``"spaCy"`` for a component of the model itself;
    ``step`` says which part of it ("component presslens_quotes", "extract", "ner").

    >>> ArticleFailure(plugin="quotes", step="extract", error="KeyError", message="'x'").reason
    "plugin 'quotes' (extract) raised KeyError: 'x'"
    """

    plugin: str
    step: str
    error: str
    message: str

    @property
    def reason(self) -> str:
        where = f"plugin {self.plugin!r}" if self.plugin != "spaCy" else "spaCy"
        if self.error == "ArticleTimeout":
            return f"{where} ({self.step}) {self.message}"
        return f"{where} ({self.step}) raised {self.error}: {self.message}"

    @classmethod
    def of(cls, exc: BaseException, *, plugin: str, step: str, budget: float | None) -> ArticleFailure:
        from .errors import ARTICLE_TIMED_OUT, printable

        if isinstance(exc, errors.ArticleTimeout):
            message = ARTICLE_TIMED_OUT.format(budget=budget or 0)
        else:
            message = printable(str(exc))
            if len(message) > 300:  # an exception may carry a whole article's text
                message = message[:300] + "…"
        return cls(plugin=plugin, step=step, error=type(exc).__name__, message=message)


Result = Rows | ArticleFailure


@dataclass(frozen=True, kw_only=True)
class RunConfig:
    """Everything that decides an analysis's output (and how it is computed)."""

    model: str | None = None
    clean: bool = True
    plugins: tuple[str, ...] | None = None  # None: every registered plugin
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # per plugin name
    batch_size: int = 64
    workers: int = 1
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT  # seconds per article; None: no limit

    def plugin_options(self, plugin: Plugin) -> dict[str, Any]:
        return {**plugin.options, **self.options.get(plugin.name, {})}


# ---------------------------------------------------------------------------
# the per-article work, identical in every engine
def build_nlp(config: RunConfig, chosen: Sequence[Plugin]) -> Any:
    """The spaCy pipeline for a run: the model plus each chosen plugin's component."""
    from .nlp import BOUNDED_SENTENCES, ensure_components, load_model

    nlp = load_model(config.model)
    for plugin in chosen:
        if plugin.component and plugin.component not in nlp.pipe_names:
            cfg = {**plugin.component_config, **config.options.get(plugin.name, {}).get("component", {})}
            nlp.add_pipe(plugin.component, config=cfg)
    if "parser" in nlp.pipe_names and BOUNDED_SENTENCES not in nlp.pipe_names:
        # right before the parser, after any component that sets boundaries of its own (see bound_sentences)
        ensure_components()
        nlp.add_pipe(BOUNDED_SENTENCES, before="parser")
    return nlp


def extract_rows(doc: Any, article: Article, chosen: Sequence[Plugin], config: RunConfig) -> Rows:
    """Every plugin's rows for one processed article, tagged with its ``article_id``."""
    rows: Rows = {}
    for plugin in chosen:
        _add_plugin_rows(rows, plugin, doc, article, config)
    return rows


def _add_plugin_rows(rows: Rows, plugin: Plugin, doc: Any, article: Article, config: RunConfig) -> None:
    if plugin.extract is None:
        return
    produced = plugin.extract(doc, article, config.plugin_options(plugin))
    for table, items in (produced or {}).items():
        bucket = rows.setdefault(table, [])
        for item in items:
            bucket.append({"article_id": article.article_id, **item})


# The most characters of text spaCy is given at once. What the model's layers allocate for a batch
# grows with its tokens, and it was the peak of a whole run: 64 news articles of PolNeAR (~275 000
# characters) took the process from 220 MB to 1 108 MB while they were in the pipeline, a batch of
# longer ones to 1 590 MB. In slices of this size the same articles peaked at 564 MB, in no more CPU time.
BATCH_CHARS = 100_000


def _slices(articles: Sequence[Article], most: int, chars: int) -> Iterator[Sequence[Article]]:
    """``articles`` in order, in slices of at most ``most`` articles and ``chars`` characters of text
    (an article longer than that is a slice of its own).

    >>> texts = [Article(article_id=str(k), text="x" * n) for k, n in enumerate([40, 50, 30, 200, 10])]
    >>> [[a.article_id for a in piece] for piece in _slices(texts, 64, 100)]
    [['0', '1'], ['2'], ['3'], ['4']]
    >>> [[a.article_id for a in piece] for piece in _slices(texts, 2, 1000)]
    [['0', '1'], ['2', '3'], ['4']]
    """
    start, size = 0, 0
    for k, article in enumerate(articles):
        if k > start and (k - start >= most or size + len(article.text) > chars):
            yield articles[start:k]
            start, size = k, 0
        size += len(article.text)
    if start < len(articles):
        yield articles[start:]


def _batch_budget(article_timeout: float | None, n_articles: int) -> float | None:
    """The time a batch of ``n_articles`` may take in ``nlp.pipe`` before it is analysed again
    one article at a time: one article's budget, plus a tenth of it for each other article.

    spaCy sees a batch's articles together, so one article's time cannot be measured there.
    ``n × article_timeout`` would let one runaway article hold a batch of 64 for two hours
    at the default; one budget for the whole batch would re-analyse every batch of long but
    normal articles. An article takes seconds, so a tenth of the budget each is ample, and a
    runaway one is caught after ~7 budgets (14 min at the default), then alone after one.

    >>> _batch_budget(120, 64), _batch_budget(120, 1), _batch_budget(None, 64)
    (876.0, 120.0, None)
    """
    if not article_timeout:
        return None
    return article_timeout * (1 + (n_articles - 1) / 10)


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`~toolkit.errors.ArticleTimeout` inside the block once it has run ``seconds``.

    Two mechanisms, because Python lets only the main thread receive signals:

    - **main thread** (one process, and each ``--workers`` pool process, whose tasks run in
      its main thread): ``SIGALRM`` through ``setitimer``. The handler raises in the main
      thread at the next bytecode boundary, and a blocking call (``time.sleep``, I/O) is
      interrupted too. A timer or handler already set (by a test runner, say) is put back
      on exit, with the time the block used taken off.
    - **any other thread** (Dask workers run tasks in threads, notebooks may call
      ``analyze`` from one): a watchdog ``threading.Timer`` that sets an asynchronous
      exception on the analysing thread (``PyThreadState_SetAsyncExc``). It is delivered
      when that thread next runs Python bytecode, so a single long call into C finishes
      first; spaCy's and the plugins' loops run bytecode between tokens, which is enough
      for the runaway rules this budget is for. A pending exception is cleared on exit, so
      it can never fire outside the block.

    ``None`` or ``0`` means no limit.

    >>> import time
    >>> try:
    ...     with time_budget(0.05):
    ...         time.sleep(5)
    ... except errors.ArticleTimeout:
    ...     print("stopped")
    stopped
    """
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _watchdog(seconds):
            yield


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def on_alarm(signum: int, frame: Any) -> None:
        raise errors.ArticleTimeout(f"over {seconds:g} s")

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:  # someone else's alarm: re-armed for what is left of it
            left = max(previous_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, previous_interval)


@contextlib.contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    import ctypes

    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(thread_id), ctypes.py_object(errors.ArticleTimeout)
                )

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["fired"]:  # not delivered yet (the block ended first): never deliver it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)


@contextlib.contextmanager
def fewer_collections(*, allocations: int = 20_000) -> Iterator[None]:
    """Let the garbage collector's youngest generation grow to ``allocations`` objects before a
    collection, for the duration of the block (the previous thresholds come back after it).

    Analysing an article allocates tens of thousands of short-lived objects (spans, row dicts),
    almost none in reference cycles. At Python's default of 700 the collector ran ~800 times
    per 300 articles and cost as much as a plugin component; at 20 000 it runs ~25 times.

    >>> before = gc.get_threshold()
    >>> with fewer_collections():
    ...     gc.get_threshold()[0]
    20000
    >>> gc.get_threshold() == before
    True
    """
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], allocations), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


class ArticleProcessor:
    """Holds one spaCy pipeline and turns batches of articles into rows.

    The model loads on the first non-empty batch. A lock keeps one batch at a
    time in the pipeline, since a Dask worker may run several tasks in threads.
    """

    def __init__(self, config: RunConfig, chosen: Sequence[Plugin]) -> None:
        self.config = config
        self.chosen = list(chosen)
        self._nlp: Any = None
        self._lock = threading.Lock()
        self.load_s = 0.0  # seconds spent loading the pipeline (reported by the local engine)
        # where the per-article time goes, for the manifest's timings: the whole of process()
        # (spaCy is that minus the plugins' extract) and the plugins' extract alone
        self.process_s = 0.0
        self.extract_s = 0.0
        # the CPU seconds of the same: beside the wall seconds, they tell work from waiting for a core (two
        # workers and the main process on two cores, or other programs)
        self.process_cpu_s = 0.0
        self._extracting = ""  # the plugin whose extract is running

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            started = time.perf_counter()
            self._nlp = build_nlp(self.config, self.chosen)
            # the model's hundreds of thousands of long-lived objects would otherwise be walked by
            # every full garbage collection while articles stream through: set them aside
            gc.freeze()
            self.load_s += time.perf_counter() - started
        return self._nlp

    def preload(self) -> None:
        """Start loading the pipeline on a background thread, so that it loads while the run reads
        its cache: an incremental run otherwise read 840 entries and built their tables first and
        only then, at the first new article, loaded the model (1.4 s). The first batch waits on the
        lock until the load is done; an error in the load is raised there, by loading again."""

        def load() -> None:
            with self._lock, contextlib.suppress(Exception):
                self.nlp  # noqa: B018 - the property loads the pipeline

        if self._nlp is None:
            threading.Thread(target=load, name="presslens-model-load", daemon=True).start()

    def release(self) -> None:
        """Drop the pipeline (it loads again if more batches come).

        The corpus-level steps run after the last batch; without this they would
        hold the model's few hundred megabytes on top of the whole corpus's
        tables, and the run's peak memory would grow with the corpus.
        """
        with self._lock:
            if self._nlp is not None:
                self._nlp = None
                gc.unfreeze()  # frozen objects are never collected: give the model back to the collector
                gc.collect()

    def process(self, articles: Sequence[Article]) -> list[Result]:
        """One result per article, in order: its rows, or an :class:`ArticleFailure`.

        The batch goes through ``nlp.pipe`` (spaCy's fast path) under a time budget (see
        :func:`_batch_budget`). An exception inside a plugin's ``extract`` costs
        that article alone. An exception or a timeout inside the pipe cannot be pinned on
        one article (components see the batch together), so the batch is analysed again
        one article at a time, component by component, each under its own budget: the
        good articles keep their rows and the culprit's failure names the component.
        """
        if not articles:
            return []
        with self._lock, fewer_collections():
            nlp = self.nlp
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                return self._process(nlp, articles)
            finally:
                self.process_s += time.perf_counter() - started
                self.process_cpu_s += time.process_time() - started_cpu

    def _process(self, nlp: Any, articles: Sequence[Article]) -> list[Result]:
        # the loader decides which texts are too long (max_chars); what it let through, spaCy must take
        longest = max(len(article.text) for article in articles)
        nlp.max_length = max(nlp.max_length, longest + 1)
        budget = self.config.article_timeout
        try:
            with time_budget(_batch_budget(budget, len(articles))):
                # one Doc at a time leaves nlp.pipe; it is dropped as soon as its rows exist. spaCy sees
                # the articles in slices of at most BATCH_CHARS characters (see there)
                processed = itertools.chain.from_iterable(
                    nlp.pipe((self._doc(article) for article in piece), batch_size=len(piece))
                    for piece in _slices(articles, self.config.batch_size, BATCH_CHARS)
                )
                return [self._extract(doc, article) for article, doc in zip(articles, processed, strict=True)]
        except Exception:  # ArticleTimeout included: find which article, one at a time
            return [self._one(article) for article in articles]

    def _doc(self, article: Article) -> Any:
        doc = self.nlp.make_doc(article.text)
        doc._.presslens_article_id = article.article_id
        doc._.presslens_published = article.published
        return doc

    def _owner(self, component: str) -> str:
        """The plugin whose spaCy component this is, or ``"spaCy"`` for the model's own."""
        return next((p.name for p in self.chosen if p.component == component), "spaCy")

    def _extract(self, doc: Any, article: Article) -> Result:
        """Every plugin's rows for ``doc``, or the failure of the first plugin that raised.

        A timeout passes through: under a batch's budget it does not say which article was slow.
        """
        rows: Rows = {}
        started = time.perf_counter()
        try:
            for plugin in self.chosen:
                self._extracting = plugin.name  # for a timeout's message (see _one)
                try:
                    _add_plugin_rows(rows, plugin, doc, article, self.config)
                except errors.ArticleTimeout:
                    raise
                except Exception as exc:
                    return ArticleFailure.of(
                        exc, plugin=plugin.name, step="extract", budget=self.config.article_timeout
                    )
            return rows
        finally:
            self.extract_s += time.perf_counter() - started

    def timings(self) -> dict[str, float]:
        """Seconds so far: loading the pipeline, spaCy (the pipe and its components), the plugins' extract,
        and the CPU seconds of spaCy and extract together (process CPU time: in a worker, its own)."""
        return {
            "model_load_s": self.load_s,
            "spacy_s": self.process_s - self.extract_s,
            "extract_s": self.extract_s,
            "process_cpu_s": self.process_cpu_s,
        }

    def _one(self, article: Article) -> Result:
        budget = self.config.article_timeout
        plugin, step = "spaCy", "tokenizer"
        try:
            with time_budget(budget):
                doc = self._doc(article)
                for name, component in self.nlp.pipeline:
                    plugin = self._owner(name)
                    step = f"component {name}" if plugin != "spaCy" else name
                    doc = component(doc)
                step, self._extracting = "extract", ""
                return self._extract(doc, article)
        except errors.ArticleTimeout as exc:
            if step == "extract":
                plugin = self._extracting
            return ArticleFailure.of(exc, plugin=plugin, step=step, budget=budget)
        except Exception as exc:
            return ArticleFailure.of(exc, plugin=plugin, step=step, budget=budget)


# ---------------------------------------------------------------------------
# the model's identity without loading it (so cached runs stay cheap)
def model_fingerprint(name: str | None) -> dict[str, str]:
    """Name, version and spaCy version of a model package or folder, read from its ``meta.json``.

    Returns the same keys as :func:`toolkit.nlp.model_info` on the loaded model.
    Falls back to loading the model when no ``meta.json`` can be found.

    >>> sorted(model_fingerprint(None))
    ['name', 'spacy_version', 'version']
    """
    from .nlp import DEFAULT_MODELS

    for candidate in (name,) if name else DEFAULT_MODELS:
        meta = _read_meta(candidate)
        if meta is not None:
            return {
                "name": f"{meta.get('lang', '')}_{meta.get('name', '')}",
                "version": str(meta.get("version", "")),
                "spacy_version": str(meta.get("spacy_version", "")),
            }
    from .nlp import load_model, model_info

    return model_info(load_model(name))  # raises the usual "model not found" error when absent


def _read_meta(candidate: str) -> dict[str, Any] | None:
    folders: list[Path] = []
    if os.path.isdir(candidate):
        folders.append(Path(candidate))
    else:
        try:
            spec = importlib.util.find_spec(candidate)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            return None
        root = Path(next(iter(spec.submodule_search_locations)))
        folders.append(root)
        # spaCy packages keep the pipeline in <package>/<package>-<version>/
        with contextlib.suppress(md.PackageNotFoundError):
            folders.append(root / f"{candidate}-{md.version(candidate)}")
    for folder in folders:
        try:
            return json.loads((folder / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            continue
    return None


# ---------------------------------------------------------------------------
# serialising the work for other processes
def make_payload(config: RunConfig, chosen: Sequence[Plugin]) -> bytes:
    """The configuration and plugins as bytes a worker process can rebuild them from.

    cloudpickle sends functions defined in a notebook or script by value, so
    hand-registered plugins work in workers; plugins from installed packages go
    by reference (they must be installed on the workers).
    """
    import cloudpickle

    try:
        return cloudpickle.dumps((config, tuple(chosen)))
    except Exception as exc:  # lambdas closing over sockets, open files, loaded models …
        names = ", ".join(p.name for p in chosen)
        raise errors.PressLensError(
            f"The plugins ({names}) cannot be sent to worker processes: {type(exc).__name__}: {exc}. "
            "Keep plugin functions free of open files and loaded models (load them inside the function), "
            "or run with workers=1."
        ) from exc


_PROCESSORS: dict[str, ArticleProcessor] = {}
_PROCESSORS_LOCK = threading.Lock()


def _processor_for(payload: bytes) -> ArticleProcessor:
    key = hashlib.sha256(payload).hexdigest()
    with _PROCESSORS_LOCK:
        processor = _PROCESSORS.get(key)
        if processor is None:
            import cloudpickle

            config, chosen = cloudpickle.loads(payload)
            processor = ArticleProcessor(config, chosen)
            _PROCESSORS.clear()  # one run's pipeline per worker process at a time
            _PROCESSORS[key] = processor
    return processor


class WorkerSetupError(RuntimeError):
    """A worker could not build the pipeline (e.g. a spaCy factory registered only in the parent)."""


def run_partition(payload: bytes, articles: Sequence[Article]) -> list[Result]:
    """The task every remote engine runs: rows for one partition of articles."""
    processor = _processor_for(payload)
    try:
        processor.nlp  # noqa: B018 - load here so that setup problems are told apart from plugin bugs
    except Exception as exc:
        raise WorkerSetupError(f"{type(exc).__name__}: {exc}") from exc
    return processor.process(articles)


Packed = tuple[bytes, dict[str, float]]


def run_partition_packed(payload: bytes, articles: Sequence[Article]) -> Packed:
    """:func:`run_partition`, its results pickled here and the seconds it spent beside them.

    Pickling in the worker, timed, shows what sending results back costs (the pool and Dask
    then move one bytes object); the seconds (model load, spaCy, extract, pickling) go into
    the manifest's timings, so a run says where its workers' time went.
    """
    processor = _processor_for(payload)
    before = processor.timings()
    results = run_partition(payload, articles)
    packing = time.perf_counter()
    import cloudpickle  # the pool and Dask pickle results anyway: here once, and timed

    packed = cloudpickle.dumps(results)
    spent = {key: value - before.get(key, 0.0) for key, value in processor.timings().items()}
    spent["pack_s"] = time.perf_counter() - packing
    return packed, spent


_POOL_PAYLOAD: bytes | None = None


def _init_pool_worker(payload: bytes) -> None:
    global _POOL_PAYLOAD
    _POOL_PAYLOAD = payload


def _run_pool_task(articles: Sequence[Article]) -> Packed:
    assert _POOL_PAYLOAD is not None, "pool worker was not initialised"
    return run_partition_packed(_POOL_PAYLOAD, articles)


# ---------------------------------------------------------------------------
# engines
class LocalEngine:
    """In this process: one spaCy pipeline, batches in order."""

    name = "local"

    def __init__(self, config: RunConfig, chosen: Sequence[Plugin]) -> None:
        self.processor = ArticleProcessor(config, chosen)

    def map(self, batches: Iterable[tuple[Tag, Sequence[Article]]]) -> Iterator[tuple[Tag, list[Result]]]:
        for tag, articles in batches:
            yield tag, self.processor.process(articles)

    def describe(self) -> dict[str, Any]:
        return {"engine": "local", "workers": 1}

    def preload(self) -> None:
        """Load the model in the background now: some article will need it (see :meth:`ArticleProcessor.preload`)."""
        self.processor.preload()

    @property
    def task_size(self) -> int:
        """Articles per batch handed to :meth:`map` (one process: spaCy's own batch size)."""
        return self.processor.config.batch_size

    def timings(self) -> dict[str, float]:
        """Where this engine's time went (for the manifest's timings)."""
        return self.processor.timings()

    def close(self) -> None:
        self.processor.release()


def _ordered(
    submit: Callable[[Sequence[Article]], Any], batches: Iterable[tuple[Tag, Sequence[Article]]], window: int
) -> Iterator[tuple[Tag, Any, Sequence[Article]]]:
    """Submit batches keeping at most ``window`` in flight; yield their futures in submission order.

    The window bounds memory (articles and rows waiting in queues) while keeping
    every worker busy; yielding in order makes the output independent of which
    worker finishes first.
    """
    pending: collections.deque[tuple[Tag, Any, Sequence[Article]]] = collections.deque()
    for tag, articles in batches:
        if articles:
            future = submit(articles)
        else:
            future = concurrent.futures.Future()
            future.set_result([])
        pending.append((tag, future, articles))
        while len(pending) >= window:
            yield pending.popleft()
    while pending:
        yield pending.popleft()


BROKEN_POOL = (
    "A worker process died before finishing its articles. If this run was started from a script, "
    'put the call under `if __name__ == "__main__":` (worker processes import the script again); '
    "if memory ran out, use fewer workers or a smaller batch_size."
)


class _RemoteEngine:
    """Shared by the pool and Dask engines: ordered windowed submission, and a
    fallback to this process when workers cannot build the pipeline."""

    name = "remote"

    def __init__(self, config: RunConfig, chosen: Sequence[Plugin]) -> None:
        self.config = config
        self.chosen = list(chosen)
        self._payload: bytes | None = None
        self._fallback: ArticleProcessor | None = None
        self.fallback_reason: str | None = None
        # seconds: in the workers summed over tasks (model load, spaCy, extract, pickling), and
        # in this process (start-up until the first results, waiting for results, unpickling)
        self._timings: collections.defaultdict[str, float] = collections.defaultdict(float)

    # subclasses
    def _start(self) -> None: ...
    def _submit(self, articles: Sequence[Article]) -> Any: ...
    def _window(self) -> int:
        return 4

    @property
    def task_size(self) -> int:
        """Articles per task: a quarter of ``batch_size`` (at least 8, at most ``batch_size``).

        Workers finish the run together only if the last tasks are short: with tasks of 64
        articles, one worker sat idle for up to a whole task (~6 s of news) while the other
        finished the last one, a tenth of a 840-article run on two cores. spaCy's CPU pipeline
        is as fast on batches of 16 as of 64, and a task's overhead (pickling its articles and
        rows) is per article, so smaller tasks cost nothing else.
        """
        return min(self.config.batch_size, max(8, self.config.batch_size // 4))

    def close(self) -> None: ...

    def _use_fallback(self, reason: str) -> None:
        if self._fallback is None:
            warnings.warn(
                f"PressLens {self.name} engine: workers cannot run these plugins ({reason}); "
                "analysing in this process instead.",
                RuntimeWarning,
                stacklevel=4,
            )
            self.fallback_reason = reason
            self._fallback = ArticleProcessor(self.config, self.chosen)
            self.close()

    def timings(self) -> dict[str, float]:
        """Where this engine's time went (for the manifest's timings): ``worker_*`` are summed
        over the workers' tasks; ``worker_model_load_s`` is one worker's (they load side by side)."""
        spent = {key: round(value, 3) for key, value in self._timings.items()}
        if self._fallback is not None:
            spent.update(self._fallback.timings())
        return spent

    def _unpack(self, packed: Packed, started_at: float | None) -> list[Result]:
        data, spent = packed
        unpacking = time.perf_counter()
        import cloudpickle

        results: list[Result] = cloudpickle.loads(data)  # our own workers' bytes, never from disk
        self._timings["unpack_s"] += time.perf_counter() - unpacking
        self._timings["results_mb"] += len(data) / 2**20
        for key, value in spent.items():
            if key == "model_load_s":
                self._timings["worker_model_load_s"] = max(self._timings["worker_model_load_s"], value)
            else:
                self._timings[f"worker_{key}"] += value
        if started_at is not None and "first_results_s" not in self._timings:
            # from starting the workers to the first results here: spawning them and importing
            # PressLens is what is left once the model load and the first batch are taken off
            first = time.perf_counter() - started_at
            self._timings["first_results_s"] = first
            work = sum(spent.get(k, 0.0) for k in ("model_load_s", "spacy_s", "extract_s", "pack_s"))
            self._timings["worker_start_s"] = max(0.0, first - work)
        return results

    def map(self, batches: Iterable[tuple[Tag, Sequence[Article]]]) -> Iterator[tuple[Tag, list[Result]]]:
        started = False
        started_at: float | None = None

        def submit(articles: Sequence[Article]) -> Any:
            nonlocal started, started_at
            if self._fallback is None and not started:
                try:
                    self._payload = make_payload(self.config, self.chosen)
                    started_at = time.perf_counter()
                    self._start()
                except errors.PressLensError as exc:
                    self._use_fallback(str(exc))
                started = True
            if self._fallback is not None:
                future: concurrent.futures.Future = concurrent.futures.Future()
                future.set_result(None)  # computed in order when its turn comes
                return future
            return self._submit(articles)

        for tag, future, articles in _ordered(submit, batches, self._window()):
            rows = None
            if self._fallback is None:
                try:
                    waiting = time.perf_counter()
                    packed = future.result()
                    self._timings["wait_s"] += time.perf_counter() - waiting
                    # a tuple from a worker; [] for an empty batch, None when the fallback computes it
                    rows = self._unpack(packed, started_at) if isinstance(packed, tuple) else packed
                except WorkerSetupError as exc:
                    self._use_fallback(str(exc))
                except concurrent.futures.process.BrokenProcessPool as exc:
                    raise errors.PressLensError(BROKEN_POOL) from exc
                except Exception as exc:
                    if type(exc).__name__ != "WorkerSetupError":
                        raise
                    self._use_fallback(str(exc))
            if rows is None:
                rows = self._fallback.process(articles) if self._fallback is not None and articles else []
            yield tag, rows


class ProcessPoolEngine(_RemoteEngine):
    """``workers`` local processes (spawned, so safe from notebooks and threads), each with its own pipeline."""

    name = "process pool"

    def __init__(self, config: RunConfig, chosen: Sequence[Plugin], *, workers: int) -> None:
        super().__init__(config, chosen)
        self.workers = workers
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def _start(self) -> None:
        import multiprocessing

        assert self._payload is not None, "map() makes the payload before it starts the pool"
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_pool_worker,
            initargs=(self._payload,),
        )

    def _submit(self, articles: Sequence[Article]) -> Any:
        assert self._pool is not None
        return self._pool.submit(_run_pool_task, list(articles))

    def _window(self) -> int:
        return 2 * self.workers + 1

    def describe(self) -> dict[str, Any]:
        return {"engine": "local", "workers": self.workers, "fallback": self.fallback_reason}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskEngine(_RemoteEngine):
    """Partitions of articles as tasks on a Dask cluster: the one at ``scheduler``
    (``tcp://host:8786``), or a ``LocalCluster`` of ``workers`` processes started here."""

    name = "dask"

    def __init__(
        self, config: RunConfig, chosen: Sequence[Plugin], *, scheduler: str | None = None, workers: int | None = None
    ) -> None:
        # checked here, before any work: a missing package is the user's to fix, not a reason to fall back
        _extras.require("dask", feature="The Dask engine (engine='dask', --engine dask)")
        super().__init__(config, chosen)
        self.scheduler = scheduler
        self.workers = workers
        self._client: Any = None
        self._cluster: Any = None
        self._nthreads = 1

    def _start(self) -> None:
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="30s")
            except OSError as exc:
                raise errors.PressLensError(
                    f"Could not reach the Dask scheduler at {self.scheduler!r} ({exc}). Check the address "
                    "(tcp://HOST:8786), or leave --scheduler out to start a local cluster."
                ) from exc
        else:
            import dask

            n = self.workers or os.cpu_count() or 1
            # one thread per worker: a spaCy pipeline uses one core, processes give the parallelism.
            # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, so glibc hands freed memory
            # back to the system at every turn: spaCy allocates and frees all the time, and its CPU seconds
            # per article rose 10-20 % (on 840 PolNeAR articles the workers' spaCy took 223 s against the
            # process pool's 183 s). The pool's workers run with glibc's default; so do these.
            with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
                self._cluster = LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
                )
            self._client = Client(self._cluster)
        self._nthreads = max(1, sum(self._client.nthreads().values()))

    def _submit(self, articles: Sequence[Article]) -> Any:
        return self._client.submit(run_partition_packed, self._payload, list(articles), pure=False)

    def _window(self) -> int:
        return 2 * self._nthreads + 1 if self._client is not None else 4

    def describe(self) -> dict[str, Any]:
        return {
            "engine": "dask",
            "scheduler": self.scheduler or "LocalCluster",
            "workers": self._nthreads,
            "fallback": self.fallback_reason,
        }

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_engine(engine: str, config: RunConfig, chosen: Sequence[Plugin], *, scheduler: str | None = None) -> Any:
    """The engine named ``engine`` ("local" or "dask") for this run."""
    if engine == "local":
        if scheduler:
            raise ValueError(
                f"scheduler={scheduler!r} is only used by engine='dask', not engine='local'. "
                "Pass engine='dask' or drop the scheduler."
            )
        if config.workers > 1:
            return ProcessPoolEngine(config, chosen, workers=config.workers)
        return LocalEngine(config, chosen)
    if engine == "dask":
        return DaskEngine(config, chosen, scheduler=scheduler, workers=config.workers if config.workers > 1 else None)
    raise ValueError(f"Unknown engine {engine!r}; expected one of: {', '.join(ENGINES)}.")
