"""View composition: one shared :class:`Selection` that every view observes and may set.

Plugins declare views (``factory(corpus, selection) -> widget``, the widget has
a ``rows()`` method giving the rows it shows) and static renderers
(``render(corpus, selection=None) -> html``); the dashboard composes whatever
the installed plugins declare, with no plugin named here: the selection's
parts, the columns that hold entity ids, the order of the views and the
highlight layers all come from the plugins' registry entries. The core's one
view is the article reader (the core knows articles), which draws every
plugin's highlight layers over the text.

Everything is filtered in Python (:meth:`Selection.narrow`) so the browser only
receives what a view shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import traitlets

from . import _extras
from . import html as h
from .registry import CORE_PARTS, PLACES, HighlightLayer, SelectionPart, registry

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = [
    "Selection",
    "parts",
    "entity_columns",
    "view",
    "render",
    "dashboard",
    "PLACE_TITLES",
    "view_title",
    "view_places",
    "Chip",
    "selection_chips",
    "remove_chip",
    "views",
    "renderers",
    "articles_view",
    "render_articles",
    "article_reader_view",
    "render_article_reader",
    "reader_rows",
    "highlight_rows",
    "chart_widget",
    "redraws",
    "interval_to_dates",
    "svg",
    "cached",
    "page_note",
    "PAGE_ROWS",
    "DistinctPairs",
    "chart_records",
    "spec_template",
    "spec_with_data",
    "columns_frame",
    "prepare",
]

LIVE_MODULES = ("ipywidgets", "anywidget")  # what the live views draw with: the "lab" extra
PAGE_ROWS = 200  # rows a list view draws at once; rows() still returns every row the selection allows

PARTS = CORE_PARTS  # the core's own parts; :func:`parts` adds the installed plugins'


def parts() -> tuple[str, ...]:
    """Every part of the selection: the core's (entities, date range, articles) and the installed plugins'."""
    return CORE_PARTS + tuple(p.name for p in registry.selection_parts())


def entity_columns() -> tuple[str, ...]:
    """Columns through which a row of any table refers to entities (``entity_id`` and the plugins' declared ones)."""
    return registry.entity_columns()


_CLASSES: dict[tuple[SelectionPart, ...], type] = {}


def _selection_class(declared: tuple[SelectionPart, ...]) -> type:
    """A :class:`Selection` subclass with one trait per plugin part, made once per set of parts.

    Traits must live on a class for traitlets' observers; one class per set
    of installed parts keeps creating a selection as cheap as before.
    """
    found = _CLASSES.get(declared)
    if found is None:
        traits = {
            part.name: traitlets.Unicode(allow_none=True, default_value=None, help=part.description)
            for part in declared
        }
        found = _CLASSES[declared] = type(
            "Selection",
            (Selection,),
            {**traits, "_plugin_parts": declared, "__module__": __name__, "__doc__": Selection.__doc__},
        )
    return found


class Selection(traitlets.HasTraits):
    """What the reader has picked; every view narrows to it.

    Empty lists / ``None`` mean "no restriction". The core's parts are
    ``entities``, ``date_range`` and ``articles``; each installed plugin may
    add parts (:class:`toolkit.sdk.SelectionPart`), which are traits like the
    core's, holding one id or ``None``.

    >>> s = Selection(entities=["E1"])
    >>> s.is_empty
    False
    >>> frame = pd.DataFrame({"article_id": ["a", "b"], "entity_id": ["E1", "E2"]})
    >>> s.narrow(frame, corpus=None)["article_id"].tolist()
    ['a']
    """

    entities = traitlets.List(traitlets.Unicode())
    date_range = traitlets.Tuple(allow_none=True, default_value=None)  # (start ISO, end ISO), inclusive
    articles = traitlets.List(traitlets.Unicode())
    # True while the views redraw after a change: the dashboard shows "updating…" (after 200 ms, in CSS)
    busy = traitlets.Bool(False)
    _plugin_parts: tuple[SelectionPart, ...] = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Selection:
        if cls is Selection:  # the installed plugins' parts, read from the registry when a selection is made
            cls = _selection_class(registry.selection_parts())
        return super().__new__(cls, *args, **kwargs)

    @property
    def parts(self) -> tuple[str, ...]:
        """The names of this selection's parts, the core's first."""
        return CORE_PARTS + tuple(p.name for p in self._plugin_parts)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.parts)

    def __init__(self, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - set(self.parts))
        if unknown:
            raise TypeError(
                f"Selection has no part {', '.join(map(repr, unknown))}. Its parts: "
                f"{', '.join(self.parts)}. A plugin adds its own parts: enable the plugin that "
                f"declares it (toolkit.plugins() lists them)."
            )
        self._listeners: list[Callable[[Any], None]] = []
        self._shown: weakref.WeakSet[Any] = weakref.WeakSet()  # the views drawn for this selection (see shows)
        self._batch = 0
        self._dirty = False
        super().__init__(**kwargs)
        self.observe(self._changed, names=list(self.parts))

    def on_change(self, callback: Callable[[Any], None], *, parts: Sequence[str] | None = None) -> None:
        """Call ``callback`` once per change of the selection, however many parts that change sets.

        Views refresh here rather than observing each trait, so ``clear()`` (every
        part at once) redraws every view once, not once per part. With ``parts``,
        only changes that move one of those parts call it: a view whose rows do
        not depend on a part keeps what it drew when only that part changes.

        >>> s, calls, dated = Selection(), [], []
        >>> s.on_change(calls.append)
        >>> s.on_change(dated.append, parts=("date_range",))
        >>> s.entities = ["E1"]; s.clear()
        >>> len(calls), len(dated)
        (2, 0)
        """
        if parts is not None:
            parts = [p for p in parts if p in self.parts]  # a part no installed plugin adds never changes
            seen = {"key": self.key(parts)}
            inner = callback

            def callback(change: Any) -> None:
                key = self.key(parts)
                if key != seen["key"]:
                    seen["key"] = key
                    inner(change)

        self._listeners.append(callback)

    def shows(self, view: Any) -> None:
        """Send what ``view`` (a widget and those inside it) redraws for a change together with the other views.

        Each listener sets its widgets' values as it goes, and ipywidgets sends one message per value at
        once: the page then lays out and paints the notebook once per message that arrives (ten or more
        per change, 50 ms or more each in a notebook of views). Held until every listener has run, they
        arrive together and are drawn in one or two frames. :func:`view` and the dashboard call this;
        the held widgets are found when a change comes, so a view may replace its children meanwhile.
        Anything but an ipywidgets widget is left alone: it has nothing to hold.
        """
        if hasattr(view, "hold_sync"):
            self._shown.add(view)

    @contextlib.contextmanager
    def _sent_together(self) -> Iterator[None]:
        with contextlib.ExitStack() as held:
            for view in list(self._shown):
                for widget in _widget_tree(view):
                    if hasattr(widget, "hold_sync"):
                        held.enter_context(widget.hold_sync())
            yield

    def _changed(self, change: Any) -> None:
        if self._batch:
            self._dirty = True
            return
        self._notify(change)

    def _notify(self, change: Any) -> None:
        self.busy = True  # set before the work and cleared after, so a slow redraw shows as busy
        try:
            with self._sent_together():
                for callback in list(self._listeners):
                    callback(change)
        finally:
            self.busy = False

    @contextlib.contextmanager
    def hold_trait_notifications(self) -> Iterator[None]:
        """Like traitlets' hold, and the :meth:`on_change` listeners run once when it ends."""
        self._batch += 1
        try:
            with super().hold_trait_notifications():
                yield
        finally:
            self._batch -= 1
        if not self._batch and self._dirty:
            self._dirty = False
            self._notify({"name": "selection", "owner": self, "type": "change"})

    def clear(self) -> None:
        with self.hold_trait_notifications():
            # traitlets' stubs type Tuple as never None, whatever allow_none says (date_range allows it)
            self.entities, self.date_range, self.articles = [], None, []  # type: ignore[assignment]
            for part in self._plugin_parts:
                setattr(self, part.name, None)

    def key(self, parts: Sequence[str] | None = None) -> tuple[Any, ...]:
        """A hashable snapshot of the given parts (default: all; for caching what a view derived from them).

        A part no installed plugin adds reads as ``None``.
        """
        names = self.parts if parts is None else parts
        return tuple((tuple(v) if isinstance(v, (list, tuple)) else v) for v in (getattr(self, p, None) for p in names))

    def state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.parts}

    def __repr__(self) -> str:
        active = {k: v for k, v in self.state().items() if v}
        return f"Selection({', '.join(f'{k}={v!r}' for k, v in active.items())})"

    # helpers views share ------------------------------------------------------
    def article_mask(self, corpus: Corpus) -> np.ndarray | None:
        """Which rows of ``corpus.articles`` the article and date-range parts allow (``None``: all).

        >>> from toolkit.pipeline import Corpus
        >>> corpus = Corpus({"articles": pd.DataFrame({"article_id": ["a", "b"], "published": ["2024-01-02", None]})})
        >>> Selection(date_range=("2024-01-01", "2024-01-31")).article_mask(corpus).tolist()
        [True, False]
        """
        return _corpus_index(corpus).article_mask(self.articles, self.date_range)

    def article_ids(self, corpus: Corpus) -> set[str] | None:
        """Articles allowed by the article and date-range parts of the selection (``None``: all)."""
        mask = _corpus_index(corpus).article_mask(self.articles, self.date_range)
        if mask is None:
            return None
        return set(_corpus_index(corpus).article_ids[mask])

    def narrow(
        self,
        frame: pd.DataFrame,
        corpus: Corpus | None,
        *,
        parts: Sequence[str] | None = None,
        date_columns: tuple[str, str] | None = None,
    ) -> pd.DataFrame:
        """``frame``'s rows that the selection allows, judged by the columns it has.

        ``parts`` says which parts of the selection apply (default: all; a
        quote list does not narrow to the one quote it selected). Rows are
        matched by ``article_id``; entities through any of :func:`entity_columns`
        (or, for a table without them, the articles that mention the entity);
        the date range through ``date_columns`` (default ``date_start``/``date_end``
        when present, else the article's publication date); a plugin's part as
        its :class:`~toolkit.sdk.SelectionPart` says.
        """
        if frame is None or frame.empty or self.is_empty:
            return frame
        mask = self.mask(frame, corpus, parts=parts, date_columns=date_columns)
        return frame if mask is None else frame[mask]

    def mask(
        self,
        frame: pd.DataFrame,
        corpus: Corpus | None,
        *,
        parts: Sequence[str] | None = None,
        date_columns: tuple[str, str] | None = None,
    ) -> np.ndarray | None:
        """The boolean row mask of :meth:`narrow` (``None``: every row), from indexes built once per frame.

        Each part's mask is kept with the table for the part's latest value, so
        the views of a dashboard, narrowing the same table after one change,
        compute it once. The arrays are read-only: combine them with ``&``, never ``&=``.
        """
        index = _frame_index(frame, corpus)
        keep: np.ndarray | None = None
        for part in self.parts:
            value = getattr(self, part)
            if (parts is not None and part not in parts) or not value:
                continue
            more = index.part_mask(
                corpus,
                part,
                self.key((part,))[0],
                date_columns,
                functools.partial(self._part_mask, corpus, index, part, date_columns),
            )
            if more is not None:
                keep = more if keep is None else keep & more
        return keep

    def _part_mask(
        self, corpus: Corpus | None, index: _FrameIndex, part: str, date_columns: tuple[str, str] | None
    ) -> np.ndarray | None:
        if part == "articles":
            return index.in_articles(corpus, self.articles) if index.has("article_id") else None
        if part == "date_range":
            return index.in_dates(corpus, self.date_range, date_columns)
        if part == "entities":
            return index.with_entities(corpus, self.entities)
        declared = next(p for p in self._plugin_parts if p.name == part)
        return _plugin_part_mask(declared, getattr(self, part), corpus, index)


def _widget_tree(widget: Any) -> Iterator[Any]:
    """``widget`` and every widget inside it (through containers' ``children``)."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _widget_tree(child)


def _plugin_part_mask(part: SelectionPart, value: str, corpus: Corpus | None, index: _FrameIndex) -> np.ndarray | None:
    """A plugin part's mask: its column when the table has it, else through the part table's selected rows."""
    if index.has(part.column):
        return index.equal(part.column, value)
    if corpus is None or part.table not in corpus.tables:
        return None
    table = corpus.tables[part.table]
    chosen = table[table[part.column] == value] if part.column in table.columns else table.head(0)
    for link in part.links:
        if index.has(link) and link in chosen.columns:
            return index.isin(link, chosen[link].dropna())
    if part.via_entities and index.has("entity_id") and not index.has("article_id"):  # the entities table
        ids = {
            e
            for column in entity_columns()
            if column in chosen.columns
            for value in chosen[column].tolist()
            for e in _as_ids(value)
        }
        return index.isin("entity_id", ids)
    if index.has("article_id") and "article_id" in chosen.columns:
        return index.in_articles(corpus, list(chosen["article_id"]))
    return None


# --- indexes built once per table, so a selection change costs array look-ups ---------------------------
# keyed by id() with a finaliser, because DataFrames are not hashable (a WeakKeyDictionary needs that)
_CACHE: dict[int, dict[Any, Any]] = {}


def _store(owner: Any) -> dict[Any, Any]:
    found = _CACHE.get(id(owner))
    if found is None:
        found = _CACHE[id(owner)] = {}
        weakref.finalize(owner, _CACHE.pop, id(owner), None)
    return found


def cached(owner: Any, key: Any, build: Callable[[], Any], *, sources: Sequence[Any] = (), state: Any = None) -> Any:
    """``build()`` once per ``owner`` (a corpus or a DataFrame) and ``key``, kept while ``owner`` lives.

    ``sources`` are the objects the result derives from (e.g. the corpus's tables):
    when one of them is replaced, the result is built again. ``state`` (compared
    by equality) is for results of a selection: only the latest state is kept.

    >>> frame = pd.DataFrame({"a": [1]})
    >>> cached(frame, "n", lambda: 41) + cached(frame, "n", lambda: 0)
    82
    """
    store = _store(owner)
    hit = store.get(key)
    if (
        hit is not None
        and len(hit[0]) == len(sources)
        and all(a is b for a, b in zip(hit[0], sources))
        and hit[2] == state
    ):
        return hit[1]
    value = build()
    store[key] = (tuple(sources), value, state)
    return value


def _dates10(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """ISO dates cut to the day as a fixed-width string array ('' when missing) and a has-a-date mask."""
    text = values.astype("string").str[:10]
    present = text.notna().to_numpy()
    return text.fillna("").to_numpy(dtype="U10"), present


@dataclass(frozen=True)
class _CorpusIndex:
    """Per corpus: article ids and publication days, and which articles mention each entity."""

    article_ids: np.ndarray
    positions: pd.Index
    published: np.ndarray
    has_published: np.ndarray
    owner: Any  # a weak reference: the index lives in a cache keyed by the corpus and must not keep it alive

    @property
    def corpus(self) -> Any:
        return self.owner()

    def codes(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Article positions of ``values`` (-1 when not a corpus article)."""
        return self.positions.get_indexer(pd.Index(values))

    def article_mask(self, articles: Sequence[str], date_range: Any) -> np.ndarray | None:
        """Which articles the article and date parts allow (``None``: all)."""
        mask: np.ndarray | None = None
        if articles:
            mask = self.choose(articles)
        if date_range:
            start, end = _range(date_range)
            dated = self.has_published.copy()
            if start:
                dated &= self.published >= start
            if end:
                dated &= self.published <= end
            mask = dated if mask is None else mask & dated
        return mask

    def choose(self, articles: Iterable[str]) -> np.ndarray:
        mask = np.zeros(len(self.article_ids), dtype=bool)
        found = self.positions.get_indexer(pd.Index(list(articles)))
        mask[found[found >= 0]] = True
        return mask

    def mentioning(self, entities: Sequence[str]) -> np.ndarray:
        """Which articles mention any of ``entities``."""
        mentions = self.corpus.mentions

        def build() -> tuple[np.ndarray, pd.Index, np.ndarray]:
            codes, ids = pd.factorize(mentions["entity_id"].astype(object))
            return codes, pd.Index(ids, dtype=object), self.codes(mentions["article_id"])

        entity_codes, ids, article_codes = cached(self.corpus, "mention-articles", build, sources=(mentions,))
        mask = np.zeros(len(self.article_ids), dtype=bool)
        codes = article_codes[_lookup(ids, entities)[entity_codes]]
        mask[codes[codes >= 0]] = True
        return mask


def _corpus_index(corpus: Corpus) -> _CorpusIndex:
    articles = corpus.articles

    def build() -> _CorpusIndex:
        ids = articles["article_id"].astype(str).to_numpy(dtype=object)
        published, present = (
            _dates10(articles["published"])
            if "published" in articles.columns
            else (np.full(len(ids), "", dtype="U10"), np.zeros(len(ids), dtype=bool))
        )
        return _CorpusIndex(
            article_ids=ids,
            positions=pd.Index(ids),
            published=published,
            has_published=present,
            owner=weakref.ref(corpus),
        )

    return cached(corpus, "index", build, sources=(articles,))


class _FrameIndex:
    """Per table: its columns as arrays and codes, built on first use and kept while the table lives."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = weakref.ref(frame)
        self.columns = set(frame.columns)
        self.n = len(frame)
        self._parts: dict[Any, Any] = {}

    def has(self, column: str) -> bool:
        return column in self.columns

    def part_mask(
        self, corpus: Corpus | None, part: str, value: Any, date_columns: Any, build: Callable[[], np.ndarray | None]
    ) -> np.ndarray | None:
        """One part's mask for ``value``, kept until the part's value, the corpus or one of its tables changes."""
        key = ("mask", part, date_columns)
        hit = self._parts.get(key)
        if hit is not None and hit[0] == value and _same_corpus(hit[1], corpus):
            return hit[2]
        mask = build()
        if mask is not None:
            mask.flags.writeable = False  # shared by every view that narrows this table
        self._parts[key] = (value, _corpus_state(corpus), mask)
        return mask

    def _part(self, key: Any, build: Callable[[pd.DataFrame], Any]) -> Any:
        if key not in self._parts:
            frame = self.frame()
            if frame is None:  # the index lives in a cache keyed by its frame, so this is a bug, not a user error
                raise RuntimeError(
                    "A table index outlived the table it indexes; rebuild the index from the table (this is a bug)."
                )
            self._parts[key] = build(frame)
        return self._parts[key]

    def _article_codes(self, corpus: Corpus) -> np.ndarray:
        index = _corpus_index(corpus)
        return self._part(("articles", id(index)), lambda f: index.codes(f["article_id"]))

    def _by_article(self, corpus: Corpus, allowed: np.ndarray) -> np.ndarray:
        codes = self._article_codes(corpus)
        return np.where(codes >= 0, allowed[np.maximum(codes, 0)], False)

    def in_articles(self, corpus: Corpus | None, articles: Sequence[str]) -> np.ndarray:
        if corpus is None:
            return self.isin("article_id", articles)
        return self._by_article(corpus, _corpus_index(corpus).choose(articles))

    def isin(self, column: str, values: Iterable[Any]) -> np.ndarray:
        uniques, codes = self._part(("codes", column), lambda f: _factorize(f[column]))
        wanted = np.zeros(len(uniques) + 1, dtype=bool)
        found = uniques.get_indexer(pd.Index(list(values), dtype=object))
        wanted[found[found >= 0]] = True
        return wanted[codes]  # code -1 (missing) reads the last, always False, slot

    def equal(self, column: str, value: Any) -> np.ndarray:
        return self.isin(column, [value])

    def in_dates(
        self, corpus: Corpus | None, date_range: Any, date_columns: tuple[str, str] | None
    ) -> np.ndarray | None:
        start, end = _range(date_range)
        first, last = date_columns or ("date_start", "date_end")
        if first in self.columns:

            def build(f: pd.DataFrame) -> tuple[np.ndarray, ...]:
                lo, has_lo = _dates10(f[first])
                hi, has_hi = _dates10(f[last]) if last in f.columns else (lo, has_lo)
                hi = np.where(has_hi, hi, lo)
                return lo, has_lo, hi, has_hi | has_lo

            lo, has_lo, hi, has_hi = self._part(("dates", first, last), build)
            mask = np.ones(self.n, dtype=bool)
            if start:
                mask &= has_hi & (hi >= start)
            if end:
                mask &= has_lo & (lo <= end)
            return mask
        if "published" in self.columns:
            published, present = self._part(("dates", "published"), lambda f: _dates10(f["published"]))
            mask = np.ones(self.n, dtype=bool)
            if start:
                mask &= present & (published >= start)
            if end:
                mask &= present & (published <= end)
            return mask
        if "article_id" in self.columns and corpus is not None:
            allowed = _corpus_index(corpus).article_mask([], date_range)
            return None if allowed is None else self._by_article(corpus, allowed)
        return None

    def with_entities(self, corpus: Corpus | None, entities: Sequence[str]) -> np.ndarray | None:
        columns = [c for c in entity_columns() if c in self.columns]
        if columns:
            mask = np.zeros(self.n, dtype=bool)
            for column in columns:
                rows, codes, ids = self._part(("exploded", column), functools.partial(_explode_column, column=column))
                mask[rows[_lookup(ids, entities)[codes]]] = True
            return mask
        if "article_id" in self.columns and corpus is not None and len(corpus.mentions):
            return self._by_article(corpus, _corpus_index(corpus).mentioning(entities))
        return None


def _corpus_state(corpus: Corpus | None) -> tuple[Any, ...]:
    """Weak references to the corpus and its tables (a mask is only valid for the tables it was made from)."""
    if corpus is None:
        return ()
    return (weakref.ref(corpus), *(weakref.ref(t) for t in corpus.tables.values()))


def _same_corpus(state: tuple[Any, ...], corpus: Corpus | None) -> bool:
    if corpus is None:
        return state == ()
    tables = list(corpus.tables.values())
    return len(state) == len(tables) + 1 and state[0]() is corpus and all(r() is t for r, t in zip(state[1:], tables))


def prepare(
    frame: pd.DataFrame,
    corpus: Corpus | None,
    *,
    parts: Sequence[str] | None = None,
    date_columns: tuple[str, str] | None = None,
) -> None:
    """Build now the indexes :meth:`Selection.mask` needs for ``frame`` and ``parts`` (default: all).

    They are otherwise built on first use, so the reader's first pick of an
    entity (or a date range) would pay for them; a view calls this while it is
    built instead.

    >>> frame = pd.DataFrame({"article_id": ["a"], "entity_id": ["E1"]})
    >>> prepare(frame, None, parts=("entities",))
    >>> sorted(k[1] for k in _frame_index(frame, None)._parts)
    ['entity_id']
    """
    if frame is None or frame.empty:
        return
    wanted = set(CORE_PARTS if parts is None else parts)
    index = _frame_index(frame, corpus)
    if "articles" in wanted and index.has("article_id"):
        index.in_articles(corpus, [])
    if "date_range" in wanted:
        index.in_dates(corpus, ("0001-01-01", "9999-12-31"), date_columns)
    if "entities" in wanted:
        index.with_entities(corpus, [])
    for part in registry.selection_parts():
        if (parts is None or part.name in wanted) and index.has(part.column):
            index.equal(part.column, None)


def _factorize(values: pd.Series) -> tuple[pd.Index, np.ndarray]:
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return pd.Index(uniques, dtype=object), codes


def _lookup(ids: pd.Index, wanted: Iterable[Any]) -> np.ndarray:
    """A table from code (of ``ids``; -1 reads the last slot) to "is one of ``wanted``".

    ``table[codes]`` is then a mask over any array of codes: one pass, no hashing per row.
    """
    table = np.zeros(len(ids) + 1, dtype=bool)
    found = ids.get_indexer(pd.Index(list(wanted), dtype=object))
    table[found[found >= 0]] = True
    return table


def _explode_column(frame: pd.DataFrame, *, column: str) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    return _explode(frame[column])


def _explode(values: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(row position, id code) for every id in a column of ids or lists of ids, and the distinct ids."""
    rows: list[int] = []
    ids: list[str] = []
    for i, value in enumerate(values.tolist()):
        if isinstance(value, str):
            rows.append(i)
            ids.append(value)
        else:
            for e in _as_ids(value):
                rows.append(i)
                ids.append(e)
    codes, uniques = pd.factorize(pd.Series(ids, dtype=object))
    return np.asarray(rows, dtype=np.int64), codes, pd.Index(uniques, dtype=object)


def _frame_index(frame: pd.DataFrame, corpus: Corpus | None) -> _FrameIndex:
    return cached(frame, "frame-index", lambda: _FrameIndex(frame), sources=(frame.index, frame.columns))


def _range(date_range: Any) -> tuple[str | None, str | None]:
    start, end = (tuple(date_range) + (None, None))[:2]
    return (str(start)[:10] if start else None), (str(end)[:10] if end else None)


def _as_ids(value: Any) -> list[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [str(v) for v in value]
    except TypeError:
        return [str(value)]


# --- the catalog ------------------------------------------------------------------
# The core's one view: it knows articles, and draws the highlight layers the plugins declare.
_CORE_PLACES = {"article_reader": 20}


def _core(kind: str) -> dict[str, Callable[..., Any]]:
    return {"article_reader": article_reader_view if kind == "views" else render_article_reader}


def _catalog(kind: str) -> dict[str, Callable[..., Any]]:
    found = _core(kind)
    for plugin in registry.all():  # a plugin's view under the core's name replaces it
        for name, factory in getattr(plugin, kind).items():
            found[name] = factory
    return found


def views() -> list[str]:
    """Names of every view the core and the installed plugins offer."""
    return sorted(_catalog("views"))


def renderers() -> list[str]:
    """Names of every static renderer the core and the installed plugins offer."""
    return sorted(_catalog("renderers"))


def view(corpus: Corpus, name: str, *, selection: Selection | None = None, **options: Any) -> Any:
    """One view as a widget, observing ``selection`` (a new one if not given)."""
    _extras.require("lab", feature="A live view (toolkit.view)", modules=LIVE_MODULES)
    catalog = _catalog("views")
    if name not in catalog:
        raise KeyError(f"No view named {name!r}. Available views: {', '.join(sorted(catalog))}.")
    selection = selection if selection is not None else Selection()
    shown = catalog[name](corpus, selection, **options)
    selection.shows(shown)
    return shown


def render(corpus: Corpus, name: str | None = None, *, selection: Selection | None = None, **options: Any) -> str:
    """Static HTML of one renderer, or of every renderer when ``name`` is None. No kernel, no network."""
    catalog = _catalog("renderers")
    if name is not None and name not in catalog:
        raise KeyError(f"No renderer named {name!r}. Available renderers: {', '.join(sorted(catalog))}.")
    names = [name] if name else _dashboard_order(catalog)
    return "\n".join(catalog[n](corpus, selection, **options) for n in names)


# --- the dashboard: a few labelled places around one selection ------------------------
PLACE_TITLES = {
    "who": "Who — people, organisations and places",
    "when": "When, and who said what",
    "read": "Read the articles",
    "more": "More views",
}
_CORE_PLACE = {"article_reader": "read"}
_CORE_TITLES = {"article_reader": "Article reader"}


def view_title(name: str) -> str:
    """A view's full label on the dashboard: the plugin's declared title, else its name in words.

    >>> view_title("article_reader"), view_title("some_new_view")
    ('Article reader', 'Some new view')
    """
    titles = {**_CORE_TITLES, **registry.view_titles()}
    return titles.get(name) or name.replace("_", " ").capitalize()


def view_places(names: Iterable[str]) -> dict[str, list[str]]:
    """``names`` (in the order given) by the dashboard place the plugins put them in; unplaced views go in "more"."""
    placed = registry.places(core=_CORE_PLACE)
    found: dict[str, list[str]] = {place: [] for place in PLACES}
    for name in names:
        found[placed.get(name, "more")].append(name)
    return found


@dataclass(frozen=True)
class Chip:
    """One removable piece of the selection as the reader reads it: ``kind`` ("Entity") and ``text`` (a name).

    ``value`` is the one id the chip removes from a list part (``None``: the whole part).
    """

    part: str
    kind: str
    text: str
    value: str | None = None


def _entity_names(corpus: Corpus) -> dict[str, str]:
    entities = corpus.tables.get("entities")
    if entities is None or not {"entity_id", "name"} <= set(entities.columns):
        return {}
    return cached(
        corpus,
        "entity-names",
        lambda: dict(zip(entities["entity_id"].astype(str), entities["name"].map(_str))),
        sources=(entities,),
    )


def _article_titles(corpus: Corpus) -> dict[str, str]:
    articles = corpus.articles
    titles = articles["title"] if "title" in articles.columns else pd.Series([None] * len(articles))
    return cached(
        corpus,
        "article-titles",
        lambda: dict(zip(articles["article_id"].astype(str), map(_str, titles.tolist()))),
        sources=(articles,),
    )


_MAX_ARTICLE_CHIPS = 3  # more chosen articles (a story, a brushed bar) read as one chip "N articles"


def selection_chips(corpus: Corpus, selection: Selection) -> list[Chip]:
    """The selection as named chips: entity names, the date range, article titles, each plugin part's label."""
    chips: list[Chip] = []
    names = _entity_names(corpus)
    chips += [Chip("entities", "Entity", names.get(e) or e, e) for e in selection.entities]
    if selection.date_range:
        start, end = _range(selection.date_range)
        chips.append(Chip("date_range", "Dates", f"{start or 'any'} to {end or 'any'}"))
    if len(selection.articles) > _MAX_ARTICLE_CHIPS:
        chips.append(Chip("articles", "Articles", f"{len(selection.articles)} articles"))
    else:
        titles = _article_titles(corpus)
        chips += [Chip("articles", "Article", titles.get(a) or a, a) for a in selection.articles]
    for part in selection._plugin_parts:
        value = getattr(selection, part.name)
        if not value:
            continue
        text = str(value)
        if part.label is not None:
            with contextlib.suppress(Exception):  # a plugin's label that fails must not hide the chip: the id shows
                text = _str(part.label(corpus, value)) or text
        chips.append(Chip(part.name, part.title or part.name.replace("_", " ").capitalize(), text, str(value)))
    return chips


def remove_chip(selection: Selection, chip: Chip) -> None:
    """Take ``chip``'s piece out of the selection (what its × does)."""
    current = getattr(selection, chip.part)
    if isinstance(current, list):
        setattr(selection, chip.part, [v for v in current if v != chip.value] if chip.value is not None else [])
    elif chip.part == "date_range":
        setattr(selection, "date_range", None)  # noqa: B010  # the trait holds None; its type says tuple
    else:
        setattr(selection, chip.part, None)


_DASHBOARD_CSS = """
.pl-dashboard{color:var(--jp-ui-font-color1,inherit);font-family:var(--jp-ui-font-family,system-ui,sans-serif)}
.pl-dashboard .pl-place{border:1px solid var(--jp-border-color2,rgba(128,128,128,.35));border-radius:4px;
  padding:4px 8px;  background:var(--jp-layout-color1,transparent);box-sizing:border-box}
.pl-dashboard .pl-place-title{margin:2px 0 6px;font-size:var(--jp-content-font-size2,1.1em);white-space:normal}
.pl-dashboard .pl-view-title{margin:8px 0 2px;font-size:var(--jp-content-font-size1,1em);white-space:normal}
.pl-dashboard .pl-chip{border-radius:1em;border:1px solid var(--jp-border-color1,#888);
  background:var(--jp-layout-color2,transparent);color:var(--jp-ui-font-color1,inherit);
  height:auto;white-space:normal;text-align:left}
.pl-dashboard .pl-chip-none{opacity:.7}
.pl-dashboard .pl-busy{opacity:0}
.pl-dashboard .pl-busy.pl-busy-on{animation:pl-appear 0s linear .2s forwards}
.pl-dashboard .pl-building{opacity:.75;font-style:italic}
@keyframes pl-appear{to{opacity:1}}
"""


@functools.cache
def _dashboard_class() -> type:
    """The live dashboard's widget class, made on first use so importing the core imports no ipywidgets."""
    import ipywidgets as widgets

    class Dashboard(widgets.VBox):
        """The places, the selection's chips and a busy line; views are built in place, first things first.

        ``.selection`` is the shared selection; ``.panels`` (name -> view) builds
        any view not built yet; ``.wait()`` builds them all; ``.ready`` says whether
        they are; ``.places`` (place -> box), ``.chips`` (the chip buttons) and
        ``.status`` (the busy line) are there for notebooks and tests to drive.
        """

        def __init__(self, corpus: Corpus, selection: Selection, catalog: Mapping[str, Any], order: list[str]):
            super().__init__()
            self.add_class("pl-dashboard")
            self.add_class("pl-root")
            self.corpus, self.selection = corpus, selection
            self._catalog, self._order = catalog, order
            self._built: dict[str, Any] = {}
            self.errors: dict[str, str] = {}
            self.status = widgets.HTML(layout=widgets.Layout(width="auto"))
            self.status.add_class("pl-busy")
            self.chip_box = widgets.HBox(
                layout=widgets.Layout(flex_flow="row wrap", align_items="center", flex="1 1 auto")
            )
            self.chips: list[Any] = []
            clear = widgets.Button(
                description="Clear all",
                icon="times",
                tooltip="Clear the whole selection",
                layout=widgets.Layout(width="auto"),
            )
            clear.add_class("pl-clear-all")
            clear.on_click(lambda _: selection.clear())
            self.clear_all = clear
            style = widgets.HTML(f"<style>{_DASHBOARD_CSS}</style>", layout=widgets.Layout(height="0px"))
            header = widgets.HBox(
                [widgets.HTML("<b>Selection:</b>"), self.chip_box, clear, self.status],
                layout=widgets.Layout(flex_flow="row wrap", align_items="center", width="100%"),
            )
            header.add_class("pl-selection-bar")
            self._holders: dict[str, Any] = {}
            groups = view_places(order)
            self.places: dict[str, Any] = {}
            main = []
            grow = {"who": "1 1 300px", "when": "2 1 440px", "read": "1.5 1 360px"}
            for place in ("who", "when", "read"):
                if not groups[place]:
                    continue
                holders = [self._holder(n, heading=True) for n in groups[place]]
                box = widgets.VBox(
                    [widgets.HTML(f'<h3 class="pl-place-title">{h.escape(PLACE_TITLES[place])}</h3>'), *holders],
                    layout=widgets.Layout(flex=grow[place], min_width="280px", margin="2px"),
                )
                box.add_class("pl-place")
                box.add_class(f"pl-place-{place}")
                self.places[place] = box
                main.append(box)
            row = widgets.HBox(
                main, layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start", width="100%")
            )
            children = [style, header, row]
            # the views of "more" sit in closed panels: each follows its own copy of the selection,
            # brought up to date when its panel opens (or its rows are asked for), so a change
            # redraws only the views the reader can see; what they pick goes to the shared selection
            self._hidden = {n: _HiddenSelection(selection) for n in groups["more"]}
            if groups["more"]:
                more = widgets.Accordion(
                    children=[self._holder(n, heading=False) for n in groups["more"]],
                    titles=tuple(view_title(n) for n in groups["more"]),
                )
                self.more, self._more_names = more, list(groups["more"])
                more.observe(lambda _: self._show_open(), names="selected_index")
                selection.on_change(lambda _: self._show_open())
                box = widgets.VBox(
                    [widgets.HTML(f'<h3 class="pl-place-title">{h.escape(PLACE_TITLES["more"])}</h3>'), more],
                    layout=widgets.Layout(width="100%", margin="2px"),
                )
                box.add_class("pl-place")
                box.add_class("pl-place-more")
                self.places["more"] = box
                children.append(box)
            self.children = children
            # primary places first, then "more": what the reader looks at first is built first; the
            # core's reader (plain HTML, quick) before the charts of "when", which load Altair on first use
            self._queue = [n for place in ("who", "read", "when", "more") for n in groups[place]]
            selection.on_change(self._show_selection)
            selection.observe(self._show_busy, names=["busy"])
            self._show_selection()
            self._progress()

        def _holder(self, name: str, *, heading: bool) -> Any:
            title = view_title(name)
            waiting = widgets.HTML(f'<p class="pl-building">building “{h.escape(title)}”…</p>')
            parts = [widgets.HTML(f'<h4 class="pl-view-title">{h.escape(title)}</h4>')] if heading else []
            holder = widgets.VBox([*parts, waiting], layout=widgets.Layout(width="100%"))
            holder.add_class("pl-view")
            holder.add_class(f"pl-view-{name}")
            holder._pl_heading = parts
            self._holders[name] = holder
            return holder

        # building ----------------------------------------------------------------
        @property
        def ready(self) -> bool:
            return not self._queue

        @property
        def panels(self) -> dict[str, Any]:
            self.wait()
            return {name: self._built[name] for name in self._order}

        def build_next(self) -> bool:
            """Build the next view not built yet; ``False`` when none is left."""
            if not self._queue:
                return False
            name = self._queue.pop(0)
            hidden = self._hidden.get(name)
            try:
                panel = self._catalog[name](self.corpus, hidden.copy if hidden else self.selection)
            except Exception as exc:  # one view that fails costs its place, not the dashboard
                self.errors[name] = f"{type(exc).__name__}: {exc}"
                panel = widgets.HTML(
                    f'<p class="pl-muted">The view “{h.escape(view_title(name))}” failed: '
                    f"{h.escape(self.errors[name])}</p>"
                )
                panel.rows = pd.DataFrame
            (hidden.copy if hidden else self.selection).shows(panel)
            if hidden is not None:
                hidden.follow(panel)
            holder = self._holders[name]
            holder.children = [*holder._pl_heading, panel]
            self._built[name] = panel
            self._progress()
            return True

        def _show_open(self) -> None:
            """Bring the view of the open "more" panel up to date with the shared selection."""
            index = self.more.selected_index
            if index is not None:
                self._hidden[self._more_names[index]].catch_up()

        def wait(self) -> None:
            """Build every view not built yet, now."""
            while self.build_next():
                pass

        def _progress(self) -> None:
            if self._queue:
                self._busy(f"building views ({len(self._built)} of {len(self._order)} ready)…")
            else:
                self._busy("")

        def _busy(self, text: str) -> None:
            self.status.value = f'<span role="status">⏳ {h.escape(text)}</span>' if text else ""
            if text:
                self.status.add_class("pl-busy-on")
            else:
                self.status.remove_class("pl-busy-on")

        def _show_busy(self, change: Any) -> None:
            if change["new"]:
                self._busy("updating…")
            else:
                self._progress()

        def _show_selection(self, _: Any = None) -> None:
            chips = []
            for chip in selection_chips(self.corpus, self.selection):
                button = widgets.Button(
                    description=f"{chip.kind}: {chip.text}  ×",
                    tooltip=f"Remove {chip.kind.lower()} “{chip.text}” from the selection",
                    layout=widgets.Layout(width="auto", max_width="100%"),
                )
                button.add_class("pl-chip")
                button.add_class(f"pl-chip-{chip.part}")
                button.chip = chip
                button.on_click(lambda _, c=chip: remove_chip(self.selection, c))
                chips.append(button)
            self.chips = chips
            if not chips:
                none = widgets.HTML('<span class="pl-chip-none">nothing selected: click a row or a mark</span>')
                self.chip_box.children = [none]
            else:
                self.chip_box.children = chips

    return Dashboard


class _HiddenSelection:
    """A copy of the shared selection for a view in a closed panel, brought up to date when it is shown.

    The view observes ``copy``; :meth:`catch_up` sets the shared parts that
    changed since (one redraw, however many changed); a part the view sets
    itself goes to the shared selection at once. The view's ``rows()`` catches
    up first, so it always answers for the shared selection.
    """

    def __init__(self, shared: Selection) -> None:
        self.shared = shared
        self.copy = Selection(**shared.state())
        self.seen = self.copy.key()  # the shared state the copy last took
        self.copy.on_change(self._picked)

    def catch_up(self) -> None:
        if self.shared.key() == self.seen:
            return
        self.seen = self.shared.key()
        with self.copy.hold_trait_notifications():
            for part, value in self.shared.state().items():
                setattr(self.copy, part, value)

    def _picked(self, _: Any = None) -> None:
        """Parts the view set in its copy (they differ from what the copy last took) go to the shared selection."""
        mine = dict(zip(self.copy.parts, self.copy.key()))
        taken = dict(zip(self.copy.parts, self.seen))
        changed = {part: getattr(self.copy, part) for part in self.copy.parts if mine[part] != taken[part]}
        if changed:
            self.seen = tuple(mine[p] if p in changed else v for p, v in zip(self.copy.parts, self.seen))
            with self.shared.hold_trait_notifications():
                for part, value in changed.items():
                    setattr(self.shared, part, value)
            self.catch_up()

    def follow(self, panel: Any) -> None:
        """Make ``panel.rows()`` catch up before answering."""
        rows = getattr(panel, "rows", None)
        if callable(rows):

            def current() -> Any:
                self.catch_up()
                return rows()

            panel.rows = current


def _build_progressively(board: Any) -> bool:
    """Fill ``board``'s views one per turn of the running event loop (a kernel's); ``False`` when none runs.

    The frame is on the screen as soon as the cell returns; each view then
    replaces its "building …" line, and the kernel stays free between views.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False

    def step() -> None:
        if board.build_next():
            loop.call_soon(step)

    loop.call_soon(step)
    return True


def dashboard(
    corpus: Corpus,
    *,
    selection: Selection | None = None,
    views: Sequence[str] | None = None,
    static: bool = False,
    progressive: bool | None = None,
    title: str = "PressLens dashboard",
) -> Any:
    """Every view around one shared selection, in a few labelled places: pick an entity and all views narrow.

    The places are "who" (entities), "when" (timeline, quotes, claims), "read"
    (the article reader) and "more" (the other views), as the plugins declare
    (``Plugin.places``; views are ordered by ``Plugin.dashboard``). The
    selection shows as named chips, each with an × that removes it. With
    ``progressive`` (default: when an event loop runs, as in a kernel) the
    dashboard returns at once and builds its views in place, first things
    first; otherwise every view is built before it returns. With
    ``static=True`` the same places come back as one standalone HTML page (for
    reports and places without a kernel). The widget has ``.selection`` and
    ``.panels`` (name -> view) so notebooks and tests can drive it.
    """
    selection = selection if selection is not None else Selection()
    kind = "renderers" if static else "views"
    catalog = _catalog(kind)
    unknown = [n for n in (views or ()) if n not in catalog]
    if unknown:
        raise KeyError(
            f"No {kind[:-1]} named {', '.join(map(repr, unknown))}. Available: {', '.join(sorted(catalog))}."
        )
    chosen = list(views) if views else _dashboard_order(catalog)
    if static:
        chips = selection_chips(corpus, selection)
        state = (
            '<p class="pl-muted">Selection: '
            + " · ".join(f"{h.escape(c.kind)}: {h.escape(c.text)}" for c in chips)
            + "</p>"
            if chips
            else ""
        )
        places = []
        for place, names in view_places(chosen).items():
            if names:
                body = "".join(
                    f'<div class="pl-view pl-view-{h.escape(n)}">{catalog[n](corpus, selection)}</div>' for n in names
                )
                heading = f"<h2>{h.escape(PLACE_TITLES[place])}</h2>"
                places.append(f'<section class="pl-place pl-place-{place}">{heading}{body}</section>')
        return h.page(f"<h1>{h.escape(title)}</h1>{state}{''.join(places)}", title=title)
    _extras.require(
        "lab", feature="The live dashboard (static=True gives an HTML page without it)", modules=LIVE_MODULES
    )
    board = _dashboard_class()(corpus, selection, catalog, chosen)
    if not (progressive is not False and _build_progressively(board)):
        board.wait()
    return board


def _dashboard_order(catalog: Mapping[str, Any]) -> list[str]:
    return registry.dashboard_order(catalog, core=_CORE_PLACES)


# --- widget helpers ------------------------------------------------------------------
# JupyterChart's front end embeds the chart again (Vega-Lite compiled, Vega parsed, every mark drawn
# anew) whenever its spec changes, even when only the rows did; that was most of a selection's repaint.
# The views' charts run altair's own front end with one change: a new spec that differs from the drawn
# one only in its datasets' rows goes to Vega as a changeset of those rows (the way JupyterChart's
# VegaFusion mode updates data), so marks, scales and the chart's selections update in place.
_RESPEC_FROM, _RESPEC_TO = (
    "model.on('change:spec', reembed);",
    """model.on('change:spec', async () => {
        const spec = model.get("spec");
        if (drawn != null && sameButRows(drawn.spec, spec)) {
            const before = drawn.spec;
            drawn.spec = spec;
            for (const [name, rows] of Object.entries(spec.datasets)) {
                if (JSON.stringify(rows) !== JSON.stringify(before.datasets[name])) {
                    setDataValue(drawn.view, name, [], structuredClone(rows));  // Vega writes into its rows
                }
            }
            await drawn.view.runAsync();
            return;
        }
        await reembed();
    });""",
)
# A notebook of many views (or a long dashboard) redraws them all after a change: the browser lays
# out and paints only those on the screen, the others when they scroll into view (as JupyterLab does
# for whole cells in its default windowing mode); the size a chart last had holds its place meanwhile.
_OFF_SCREEN = 'el.style.contentVisibility = "auto";\n    el.style.containIntrinsicSize = "auto 320px";'
_PATCHES = (
    ("let finalize;", "let finalize;\n    let drawn = null;  // the embedded view and its spec\n" + _OFF_SCREEN),
    ("finalize();\n        }", "finalize();\n        }\n        drawn = null;"),
    ("finalize = api.finalize;", 'finalize = api.finalize;\ndrawn = {view: api.view, spec: model.get("spec")};'),
    (_RESPEC_FROM, _RESPEC_TO),
)
_SAME_BUT_ROWS = """
function sameButRows(before, spec) {
    if (!before || !spec || !before.datasets || !spec.datasets) return false;
    const shape = (s) => JSON.stringify({...s, datasets: Object.keys(s.datasets).sort()});
    return shape(before) === shape(spec);
}
"""


@functools.cache
def _live_chart_class(offline: bool) -> type:
    """``alt.JupyterChart`` with the front end described above (bundled offline by vl-convert when ``offline``).

    Should a later Altair change the lines patched here, the views fall back to
    the plain ``JupyterChart``: slower repaints, the same charts.
    """
    import altair as alt
    from altair.jupyter.jupyter_chart import load_js_src

    source = load_js_src()
    if not all(source.count(old) == 1 for old, _ in _PATCHES):
        if offline:
            alt.JupyterChart.enable_offline()
        return cast("type", alt.JupyterChart)
    for old, replacement in _PATCHES:
        source = source.replace(old, replacement)
    source += _SAME_BUT_ROWS
    if offline:  # as JupyterChart.enable_offline does: the imports go, vl-convert bundles what they named
        from altair.utils._importers import import_vl_convert, vl_version_for_vl_convert

        lines = source.split("\n")
        while lines and (not lines[0].strip() or lines[0].startswith(("import", "//"))):
            lines.pop(0)
        source = import_vl_convert().javascript_bundle("\n".join(lines), vl_version=vl_version_for_vl_convert())
    return type("LiveChart", (alt.JupyterChart,), {"_esm": source, "__module__": __name__, "updates_rows": True})


def chart_widget(chart: Any, *, offline: bool = True) -> Any:
    """An ``alt.JupyterChart`` whose JavaScript comes from vl-convert, never from a CDN, drawn as SVG.

    SVG rather than canvas: each mark is an element with an ARIA label (screen readers read the
    chart, and the browser test clicks a mark by what it shows), and text stays sharp at any zoom.
    Setting its ``spec`` to one that differs only in the datasets' rows updates the drawn chart in
    place (see ``_live_chart_class``); any other change embeds it again.
    """
    return _live_chart_class(offline)(chart, embed_options={"renderer": "svg"})


def redraws(chart: Any, spec: Mapping[str, Any] | None) -> bool:
    """Whether setting ``chart.spec = spec`` embeds ``chart`` (from :func:`chart_widget`) again.

    Not when only the datasets' rows change: the drawn chart is updated and its
    selections (a brush, a picked mark) stay as they are; an embedded-again chart
    starts with them empty, and reports that.

    >>> chart = type("Chart", (), {"updates_rows": True, "spec": {"mark": "point", "datasets": {"d": [1]}}})()
    >>> redraws(chart, {"mark": "point", "datasets": {"d": [2]}}), redraws(chart, {"mark": "bar", "datasets": {}})
    (False, True)
    """
    before = getattr(chart, "spec", None)
    if not getattr(chart, "updates_rows", False) or not before or not spec:
        return True
    if "datasets" not in before or "datasets" not in spec:
        return True
    return {**before, "datasets": sorted(before["datasets"])} != {**spec, "datasets": sorted(spec["datasets"])}


def spec_template(chart: Any, name: str) -> dict[str, Any]:
    """``chart.to_dict()`` (validated once) with its data replaced by the named dataset ``name``.

    A view keeps the template and, per selection change, sends
    :func:`spec_with_data` to its ``JupyterChart.spec``: building and validating
    an Altair chart costs more than the filtering, and the chart's selections
    (``JupyterChart.selections``) stay the ones the view observes. The chart
    must have its data at the top level (one ``alt.Chart(frame)`` or a
    composition of charts of one frame).

    >>> import altair as alt
    >>> spec = spec_template(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"), "points")
    >>> spec["data"], "datasets" in spec
    ({'name': 'points'}, False)
    """
    spec = chart.to_dict()
    spec.pop("datasets", None)
    spec["data"] = {"name": name}
    return spec


def spec_with_data(template: dict[str, Any], name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """The template with ``frame``'s rows as its dataset (the template itself is not changed).

    >>> spec_with_data({"data": {"name": "d"}}, "d", pd.DataFrame({"n": [1, 2]}))["datasets"]
    {'d': [{'n': 1}, {'n': 2}]}
    """
    return {**template, "datasets": {name: chart_records(frame)}}


def chart_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame`` as the JSON rows Altair sends: dates as full ISO strings ('' when missing), other gaps as null.

    >>> chart_records(pd.DataFrame({"day": pd.to_datetime(["2024-01-05", None]), "n": [1, 2], "who": ["A", None]}))
    [{'day': '2024-01-05T00:00:00', 'n': 1, 'who': 'A'}, {'day': '', 'n': 2, 'who': None}]
    """
    columns: list[list[Any]] = []
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            text = values.dt.strftime("%Y-%m-%dT%H:%M:%S")
            columns.append(text.astype(object).where(text.notna(), "").tolist())
        elif values.dtype.kind in "iub":  # numpy ints and bools: no gaps
            columns.append(values.tolist())
        else:
            column = values.tolist()
            if values.hasnans:  # NaN, None and pd.NA all become null
                column = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in column]
            columns.append(column)
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row)) for row in zip(*columns)]


def columns_frame(columns: dict[str, Any], index: Any = None) -> pd.DataFrame:
    """A DataFrame of ready-made columns; NumPy arrays of Python objects (texts) stay objects.

    pandas would convert each text column to Arrow strings, which costs more
    than a view's filtering; the values are the same either way.

    >>> frame = columns_frame({"name": np.array(["A", None], dtype=object), "n": np.array([1, 2])}, index=[5, 6])
    >>> frame.dtypes.tolist(), frame["name"].tolist()
    ([dtype('O'), dtype('int64')], ['A', None])
    """
    index = pd.RangeIndex(len(next(iter(columns.values())))) if index is None and columns else index
    return pd.DataFrame(
        {
            name: pd.Series(values, index=index, dtype=object, copy=False)
            if isinstance(values, np.ndarray) and values.dtype == object
            else values
            for name, values in columns.items()
        },
        index=index,
    )


@dataclass(frozen=True)
class DistinctPairs:
    """The distinct (group, value) pairs of a table, e.g. (entity, article) of the mentions.

    Counting the distinct values of each group over any subset of rows is then
    "count the pairs the subset uses": one ``bincount``, no sort or groupby per
    selection change. Codes are non-negative ints; -1 marks a missing group or value.

    >>> pairs = DistinctPairs.of(np.array([0, 0, 1, 1, -1]), np.array([5, 5, 6, 7, 5]))
    >>> pairs.distinct(np.arange(5), n_groups=2).tolist(), pairs.distinct(np.array([0, 1, 2]), n_groups=2).tolist()
    ([1, 2], [1, 1])
    >>> pairs.extreme(None, 3, lowest=True).tolist(), pairs.extreme(np.array([3]), 3, lowest=False).tolist()
    ([5, 6, -1], [-1, 7, -1])
    """

    row_pair: np.ndarray  # row -> its pair (-1: group or value missing)
    group: np.ndarray  # pair -> group code; pairs are sorted by group, then value
    value: np.ndarray  # pair -> value code

    @classmethod
    def of(cls, group: np.ndarray, value: np.ndarray) -> DistinctPairs:
        group, value = np.asarray(group, dtype=np.int64), np.asarray(value, dtype=np.int64)
        width = int(value.max()) + 1 if len(value) and value.max() >= 0 else 1
        known = (group >= 0) & (value >= 0)
        cells, inverse = np.unique(group[known] * width + value[known], return_inverse=True)
        row_pair = np.full(len(group), -1, dtype=np.int64)
        row_pair[known] = inverse.ravel()
        return cls(row_pair=row_pair, group=cells // width, value=cells % width)

    def used(self, rows: np.ndarray | None = None) -> np.ndarray:
        """How many of ``rows`` (positions; ``None``: all) use each pair."""
        pairs = self.row_pair if rows is None else self.row_pair[rows]
        return np.bincount(pairs[pairs >= 0], minlength=len(self.group))

    def distinct(self, rows: np.ndarray | None, n_groups: int) -> np.ndarray:
        """Per group, how many different values ``rows`` have."""
        return np.bincount(self.group[self.used(rows) > 0], minlength=n_groups)

    def extreme(self, rows: np.ndarray | None, n_groups: int, *, lowest: bool) -> np.ndarray:
        """Per group, the lowest (or highest) value code ``rows`` have; -1 when none."""
        used = np.flatnonzero(self.used(rows))
        best = np.full(n_groups, -1, dtype=np.int64)
        if len(used):
            group = self.group[used]
            # pairs are sorted by group, then value:
            # a group's first used pair has its lowest value, its last the highest
            edge = np.r_[True, group[1:] != group[:-1]] if lowest else np.r_[group[1:] != group[:-1], True]
            best[group[edge]] = self.value[used][edge]
        return best


def svg(chart: Any) -> str:
    """A chart as inline SVG (no kernel, no network); a note when vl-convert is missing."""
    try:
        import vl_convert as vlc
    except ImportError:
        return '<p class="pl-muted">Chart omitted: install vl-convert-python (`pip install vl-convert-python`).</p>'
    return vlc.vegalite_to_svg(chart.to_dict())


# Vega's default time labels name the year only on January ticks, so an axis from October to
# March never says which year it starts in; every label here carries its year ("2024", "Mar 2024",
# "5 Mar 2024"), and labels that would print over each other are dropped rather than overprinted.
DATE_LABELS = "timeFormat(datum.value, date(datum.value) != 1 ? '%-d %b %Y' : month(datum.value) == 0 ? '%Y' : '%b %Y')"


def date_axis(*, title: str | None = None, **options: Any) -> Any:
    """An Altair axis for a date field that every chart shares: each label with its year, none overprinted.

    >>> date_axis(title="published").to_dict()["labelOverlap"]
    'greedy'
    """
    import altair as alt

    settings: dict[str, Any] = {
        "labelExpr": DATE_LABELS,
        "labelOverlap": "greedy",
        "labelSeparation": 8,
        "labelAngle": 0,
        "tickCount": 6,
        "labelFlush": True,
        **options,
    }
    return alt.Axis(title=title, **settings)


def interval_to_dates(value: Any) -> tuple[str, str] | None:
    """An Altair interval selection's value on a temporal field as ISO dates.

    Vega sends epoch milliseconds (or date strings); an empty brush is ``None``.

    >>> interval_to_dates([1696118400000, 1698710400000])
    ('2023-10-01', '2023-10-31')
    """
    if not value or len(value) < 2:
        return None

    def iso(x: Any) -> str:
        if isinstance(x, (int, float)):
            return datetime.fromtimestamp(x / 1000, tz=UTC).strftime("%Y-%m-%d")
        return str(x)[:10]

    first, last = sorted((iso(value[0]), iso(value[-1])))
    return first, last


def page_note(shown: int, total: int, start: int = 0) -> str:
    """The "showing N of M" line under a paged list (empty when everything is shown).

    >>> page_note(200, 1000, 200)
    '<p class="pl-muted">showing rows 201–400 of 1000</p>'
    """
    if total <= shown and start == 0:
        return ""
    return f'<p class="pl-muted">showing rows {start + 1}–{start + shown} of {total}</p>'


def _str(value: Any) -> str:
    """A cell as text; missing values (None, NaN, pd.NA) as ''."""
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


# --- article reader: the core's articles with every plugin's highlight layers ---------------------
_SPAN_COLUMNS = ["start", "end", "layer", "label", "title", "picked"]


def highlight_rows(
    corpus: Corpus,
    article_id: str,
    selection: Selection | None = None,
    *,
    layers: Sequence[HighlightLayer] | None = None,
) -> pd.DataFrame:
    """Every installed highlight layer's spans in one article: ``start, end, layer, label, title``.

    A layer that fails is left out (its error is in ``.attrs["errors"]``, which
    the reader shows), so one broken plugin does not cost the reader the text.
    """
    errors: list[str] = []
    # gathered as lists, one DataFrame at the end: a few pandas steps per layer cost more than the reader's
    # whole redraw otherwise
    columns: dict[str, list[Any]] = {c: [] for c in _SPAN_COLUMNS}
    for layer in registry.highlights() if layers is None else layers:
        try:
            found = layer.spans(corpus, article_id, selection)
        except Exception as exc:  # one plugin's layer must not hide the article
            errors.append(f"The {layer.name!r} layer failed ({type(exc).__name__}: {exc}) and is not shown.")
            continue
        frame = pd.DataFrame(found) if not isinstance(found, pd.DataFrame) else found
        if frame.empty:
            continue
        # a layer names its spans' layer, label and title by its own name unless it says otherwise; "picked"
        # is the span the selection picked (e.g. the selected quote), which the reader scrolls to
        missing = {"layer": layer.name, "label": layer.name, "title": layer.name, "picked": False}
        for column, values in columns.items():
            values.extend(frame[column].tolist() if column in frame.columns else [missing[column]] * len(frame))
    spans = pd.DataFrame(columns, columns=_SPAN_COLUMNS)
    spans = spans[spans["start"].notna() & spans["end"].notna()].reset_index(drop=True)
    spans.attrs["errors"] = errors
    return spans


def reader_rows(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    """The articles the selection allows (every part: a plugin's part narrows to its rows' articles), by date."""
    frame = corpus.articles
    if selection is not None:
        frame = selection.narrow(frame, corpus, date_columns=("published", "published"))
    return frame.sort_values("published", na_position="last")


def _article(corpus: Corpus, article_id: str) -> dict[str, Any] | None:
    """One article's row as a dict (``None``: no such article), found through the corpus's index.

    Not ``articles.set_index(...).loc[...]``: that copies the whole table, texts included, per redraw.
    """
    position = int(_corpus_index(corpus).positions.get_indexer(pd.Index([article_id], dtype=object))[0])
    if position < 0:
        return None
    articles = corpus.articles
    return {column: articles[column].iloc[position] for column in articles.columns}


def _article_html(
    corpus: Corpus, article: Mapping[str, Any], selection: Selection | None, layers: Sequence[HighlightLayer]
) -> str:
    article_id = str(article["article_id"])
    spans = highlight_rows(corpus, article_id, selection, layers=layers)
    colours = {label: colour for layer in layers for label, colour in layer.colours.items()}
    head = (
        f'<h4>{h.escape(_str(article.get("title")) or article_id)} <span class="pl-muted">'
        f"{h.escape(article.get('outlet'))} {h.escape(article.get('published'))}</span></h4>"
    )
    # the span table's columns are named by strings; pandas' stubs allow any hashable
    marks = cast("list[dict[str, Any]]", spans.to_dict("records"))
    head += "".join(f'<p class="pl-muted">{h.escape(e)}</p>' for e in spans.attrs.get("errors", []))
    return head + "<div>" + h.highlight(str(article["text"]), marks, colours=colours) + "</div>"


def render_article_reader(
    corpus: Corpus,
    selection: Selection | None = None,
    *,
    article_id: str | None = None,
    max_articles: int = 1,
    **_: Any,
) -> str:
    """The article list and the text of the chosen article (the first the selection allows), every layer marked."""
    rows = reader_rows(corpus, selection)
    listing = h.table(
        rows,
        columns=[c for c in ("article_id", "published", "published_source", "outlet", "title") if c in rows.columns],
        max_rows=PAGE_ROWS,
    )
    ids = [article_id] if article_id else [str(a) for a in rows["article_id"].head(max_articles)]
    layers = registry.highlights()
    found = [a for a in map(functools.partial(_article, corpus), ids) if a is not None]
    parts = [_article_html(corpus, article, selection, layers) for article in found]
    if not parts:
        parts.append('<p class="pl-muted">No article matches the selection.</p>')
    return h.section("Articles", listing + "".join(parts))


def article_reader_view(corpus: Corpus, selection: Selection, **_: Any) -> Any:
    """The articles the selection allows and the text of the first, every plugin's layers marked.

    Clicking an article's row (or Enter on it) selects that article (again: lets
    go); a span a layer marks as picked (the selected quote) is outlined and
    scrolled into view.
    """
    import ipywidgets as widgets

    from ._table_widget import RowTable, row_table_html

    prepare(corpus.articles, corpus)
    state: dict[str, Any] = {}
    table = RowTable(rows=lambda: state["rows"], filename="articles.csv")
    table.add_class("pl-reader")

    def refresh(_: Any = None) -> None:
        rows = state["rows"] = reader_rows(corpus, selection)
        columns = [c for c in ("published", "outlet", "title", "article_id") if c in rows.columns]
        chosen = [str(a) for a in rows["article_id"].head(1)]
        listing = row_table_html(rows, id_column="article_id", columns=columns, selected=chosen, max_rows=PAGE_ROWS)
        article = _article(corpus, chosen[0]) if chosen else None
        text = (
            _article_html(corpus, article, selection, registry.highlights())
            if article is not None
            else '<p class="pl-muted">No article matches the selection.</p>'
        )
        table.html = f'<div class="pl-reader-list">{listing}</div><article class="pl-reader-text">{text}</article>'
        table.scroll_to = "picked" if 'data-scroll-id="picked"' in text else ""

    def pick(article_id: str) -> None:
        selection.articles = [] if list(selection.articles) == [article_id] else [article_id]

    table.on_pick(pick)
    selection.on_change(refresh)
    refresh()
    box = widgets.VBox([table])
    box.rows = lambda: state["rows"]
    box.table = box.html = table
    return box


# kept for callers of the first core release
articles_view = article_reader_view
render_articles = render_article_reader
