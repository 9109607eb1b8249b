"""The plugin registry: plugins found through the ``presslens.plugins`` entry
point group, or registered by hand with :func:`register`.

The core never imports a plugin by name. A plugin is a :class:`Plugin` record
that says what it needs (``requires``: tables or ``table.column`` names), what
it adds (``provides``), and offers any of: a spaCy component (by factory name),
a per-article ``extract`` function turning the processed ``Doc`` into table
rows, a corpus-level ``corpus_step``, views (widgets) and static renderers.

What the core composes from every plugin without naming any — the selection
parts it adds (:class:`SelectionPart`), the columns of its tables that hold
entity ids, where its views go on the dashboard, its highlight layers in the
article reader (:class:`HighlightLayer`), its report sections
(:class:`ReportSection`) and its derived tables — the plugin declares in its
record, as plain data or ``lazy("module:function")`` targets.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pandas as pd

from . import errors
from ._memo import StepMemo

__all__ = [
    "Plugin",
    "StepContext",
    "SelectionPart",
    "HighlightLayer",
    "ReportSection",
    "PluginRegistry",
    "registry",
    "register",
    "plugins",
    "derived_table",
    "lazy",
    "PLACES",
]

ENTRY_POINT_GROUP = "presslens.plugins"

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True, kw_only=True)
class StepContext:
    """What a corpus-level step is given besides the tables."""

    options: Mapping[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None
    quiet: bool = True
    # what the step computed last run for parts of its input, by content key (see toolkit._memo);
    # None without an output folder's cache: the step computes everything
    memo: StepMemo | None = None


@dataclass(frozen=True, kw_only=True)
class SelectionPart:
    """A part a plugin adds to the shared selection: one id of its ``table`` (``None``: no restriction).

    A table with ``column`` keeps the rows whose ``column`` is the selected id.
    Any other table keeps the rows that share a ``links`` column value with the
    selected rows of ``table`` (an id both tables hold), else the rows of their
    articles; with ``via_entities`` the entities table keeps the entities those
    rows name (through the plugin's ``entity_columns``).

    >>> SelectionPart(name="pick", table="picks", column="pick_id").links
    ()
    """

    name: str
    table: str
    column: str
    links: tuple[str, ...] = ()
    via_entities: bool = False
    description: str = ""
    # how the dashboard names a picked value on its chip: ``title`` ("Quote"), and
    # ``label(corpus, value) -> str`` (e.g. the speaker and first words); the id when not given
    title: str = ""
    label: Callable[..., str] | None = None


@dataclass(frozen=True, kw_only=True)
class HighlightLayer:
    """Spans a plugin marks in the article reader's text.

    ``spans(corpus, article_id, selection) -> DataFrame`` with columns ``start``,
    ``end`` (character offsets into the article's text, end exclusive),
    ``label`` (written after the span) and ``title`` (its tooltip); the reader
    adds ``layer`` (this layer's ``name``) when the rows lack it. ``colours``
    maps labels to colours; ``order`` places the layer among the others.
    """

    name: str
    spans: Callable[..., Any]
    colours: Mapping[str, str] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class ReportSection:
    """One section of the report: the first of ``renderers`` the installed plugins offer draws it.

    ``table`` is the table (or derived table) the section shows; when no
    renderer is installed the report draws it as a plain table of ``columns``,
    and when it is empty the report says so. Sections are ordered by ``order``.

    ``summary(corpus) -> html`` is the section's piece of the report's first
    screen (a few lines or a small chart that tell the story: who matters, what
    is contested, when); pieces are placed by ``summary_order`` and an empty
    string leaves the piece out. Like every renderer it returns escaped HTML
    with no script.
    """

    key: str
    title: str
    renderers: tuple[str, ...] = ()
    table: str = ""
    columns: tuple[str, ...] = ()
    order: int = 100
    summary: Callable[..., str] | None = None
    summary_order: int = 100


@dataclass(frozen=True, kw_only=True)
class Plugin:
    """What a plugin declares.

    ``extract(doc, article, options) -> {table: [row dict, ...]}`` runs once per
    article after the spaCy pipeline (it only reads the ``Doc``; ``article_id`` is
    added to each row); ``corpus_step(tables, context) -> {table: DataFrame}`` runs
    once over all tables and returns the tables it changed. ``validate(options,
    out_dir) -> None`` runs when a run starts, before any input is read: it checks
    the plugin's options and the files they (or ``out_dir``) hold, raising
    ``ValueError`` with what was expected, so a broken file fails in a second
    rather than after the analysis. Views are
    ``factory(corpus, selection, **options) -> widget`` (the widget has a
    ``rows()`` method giving the rows it shows); renderers are
    ``render(corpus, selection=None, **options) -> html``.

    What the core composes: ``selection_parts`` it adds to the shared
    selection; ``entity_columns``, the columns of its tables holding entity ids
    (or lists of them), through which the entities part narrows them;
    ``dashboard``, view name -> position on the dashboard (lower first; views
    not placed come after, by name); ``places``, view name -> the dashboard
    place it goes in (one of :data:`PLACES`; views not placed go in "more");
    ``titles``, view name -> its full label on the dashboard; ``highlights``, its layers in the article
    reader; ``report_sections``; and ``derived``, table name ->
    ``table(corpus) -> DataFrame`` for tables computed from the others when
    asked (e.g. the claims of contested groups), so the one definition lives
    with the plugin.
    """

    name: str
    version: str = "0"
    description: str = ""
    requires: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()  # optional inputs: ordered after their provider when present
    provides: tuple[str, ...] = ()
    component: str | None = None
    component_config: Mapping[str, Any] = field(default_factory=dict)
    extract: Callable[..., Mapping[str, list[dict[str, Any]]]] | None = None
    corpus_step: Callable[..., Mapping[str, pd.DataFrame]] | None = None
    validate: Callable[[Mapping[str, Any], Path | None], None] | None = None
    views: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    renderers: Mapping[str, Callable[..., str]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)  # defaults, overridable per run
    selection_parts: tuple[SelectionPart, ...] = ()
    entity_columns: tuple[str, ...] = ()
    dashboard: Mapping[str, int] = field(default_factory=dict)
    places: Mapping[str, str] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)
    highlights: tuple[HighlightLayer, ...] = ()
    report_sections: tuple[ReportSection, ...] = ()
    derived: Mapping[str, Callable[..., pd.DataFrame]] = field(default_factory=dict)
    # ``evaluate(gold_dir, *, model=None) -> text``: scores the plugin on a user's own gold annotations
    # (``presslens evaluate NAME --gold DIR``) and returns the figures as printable text
    evaluate: Callable[..., str] | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "requires": list(self.requires),
            "provides": list(self.provides),
            "component": self.component,
            "views": sorted(self.views),
            "renderers": sorted(self.renderers),
            "selection_parts": [p.name for p in self.selection_parts],
            "highlights": [layer.name for layer in self.highlights],
            "report_sections": [s.key for s in self.report_sections],
            "derived": sorted(self.derived),
        }


# the dashboard's places, in reading order: people and organisations, what was said when, the articles, the rest
PLACES = ("who", "when", "read", "more")
CORE_PROVIDES = ("articles",)
CORE_PARTS = ("entities", "date_range", "articles")  # the selection parts the core itself knows
CORE_ENTITY_COLUMNS = ("entity_id",)


class PluginRegistry:
    """Plugins by name, discovered lazily from entry points.

    >>> reg = PluginRegistry(entry_point_group=None)
    >>> reg.register(Plugin(name="demo", provides=("demo",)))
    >>> reg.names()
    ['demo']
    """

    def __init__(self, *, entry_point_group: str | None = ENTRY_POINT_GROUP) -> None:
        self._group = entry_point_group
        self._plugins: dict[str, Plugin] = {}
        self._discovered = entry_point_group is None
        self.load_errors: dict[str, str] = {}

    # discovery ---------------------------------------------------------------
    def _discover(self) -> None:
        if self._discovered or self._group is None:  # no entry-point group: only plugins registered by hand
            return
        self._discovered = True
        for ep in entry_points(group=self._group):
            if ep.name in self._plugins:  # registered by hand: the user's choice wins
                continue
            try:
                obj = ep.load()
                plugin = obj() if callable(obj) and not isinstance(obj, Plugin) else obj
                if not isinstance(plugin, Plugin):
                    raise TypeError(f"entry point {ep.value!r} gave {type(plugin).__name__}, not a Plugin")
            except Exception as exc:  # a broken third-party plugin must not break the others
                self.load_errors[ep.name] = f"{type(exc).__name__}: {exc}"
                continue
            self._plugins[plugin.name] = plugin

    # public API --------------------------------------------------------------
    def register(self, plugin: Plugin, *, replace: bool = False) -> None:
        """Add a plugin (in a notebook, a test, or from an entry point)."""
        if not isinstance(plugin, Plugin):
            raise TypeError(f"register() takes a toolkit.Plugin, got {type(plugin).__name__}.")
        self._discover()
        if plugin.name in self._plugins and not replace:
            raise ValueError(errors.PLUGIN_EXISTS.format(name=plugin.name))
        self._plugins[plugin.name] = plugin

    def unregister(self, name: str) -> None:
        self._discover()
        self._plugins.pop(name, None)

    def names(self) -> list[str]:
        self._discover()
        return sorted(self._plugins)

    def get(self, name: str) -> Plugin:
        self._discover()
        try:
            return self._plugins[name]
        except KeyError:
            raise KeyError(errors.UNKNOWN_PLUGIN.format(name=name, names=", ".join(self.names()) or "none")) from None

    def all(self) -> list[Plugin]:
        self._discover()
        return list(self._plugins.values())

    def table(self) -> pd.DataFrame:
        """One row per plugin with what it requires and provides."""
        rows = [p.summary() for p in self.all()]
        return pd.DataFrame(
            rows,
            columns=[
                "name",
                "version",
                "description",
                "requires",
                "provides",
                "component",
                "views",
                "renderers",
                "selection_parts",
                "highlights",
                "report_sections",
                "derived",
            ],
        )

    # what the core composes ----------------------------------------------------------
    def selection_parts(self) -> tuple[SelectionPart, ...]:
        """Every plugin's selection parts, by plugin name; a part declared twice is an error naming both."""
        found: dict[str, tuple[str, SelectionPart]] = {}
        for plugin in sorted(self.all(), key=lambda p: p.name):
            for part in plugin.selection_parts:
                if part.name in found or part.name in CORE_PARTS:
                    owner = found[part.name][0] if part.name in found else "the core"
                    raise ValueError(
                        f"Plugin {plugin.name!r} declares the selection part {part.name!r}, which "
                        f"{owner} already declares. Rename the part in one of them."
                    )
                found[part.name] = (plugin.name, part)
        return tuple(part for _, part in found.values())

    def entity_columns(self) -> tuple[str, ...]:
        """The columns through which a table refers to entities: ``entity_id`` and every plugin's own."""
        columns = dict.fromkeys(CORE_ENTITY_COLUMNS)
        for plugin in sorted(self.all(), key=lambda p: p.name):
            columns.update(dict.fromkeys(plugin.entity_columns))
        return tuple(columns)

    def dashboard_order(self, names: Iterable[str], *, core: Mapping[str, int] | None = None) -> list[str]:
        """``names`` in the order the plugins (and the core, ``core``) place them; the others after, by name."""
        placed = dict(core or {})
        for plugin in self.all():
            placed.update(plugin.dashboard)
        return sorted(names, key=lambda n: (n not in placed, placed.get(n, 0), n))

    def places(self, *, core: Mapping[str, str] | None = None) -> dict[str, str]:
        """View name -> the dashboard place the plugins (and the core, ``core``) put it in.

        A place outside :data:`PLACES` is an error naming the plugin and the valid places.
        """
        found = dict(core or {})
        for plugin in sorted(self.all(), key=lambda p: p.name):
            for name, place in plugin.places.items():
                if place not in PLACES:
                    raise ValueError(
                        f"Plugin {plugin.name!r} puts view {name!r} in the dashboard place {place!r}, "
                        f"which does not exist. Places: {', '.join(PLACES)}."
                    )
                found[name] = place
        return found

    def view_titles(self) -> dict[str, str]:
        """View name -> the full label the plugins give it on the dashboard."""
        return {name: title for p in sorted(self.all(), key=lambda p: p.name) for name, title in p.titles.items()}

    def highlights(self) -> list[HighlightLayer]:
        return sorted(
            (layer for p in self.all() for layer in p.highlights), key=lambda layer: (layer.order, layer.name)
        )

    def report_sections(self) -> list[ReportSection]:
        return sorted((s for p in self.all() for s in p.report_sections), key=lambda s: (s.order, s.key))

    def derived(self) -> dict[str, Callable[..., pd.DataFrame]]:
        """Derived table name -> the function that computes it from a corpus."""
        return {name: table for p in sorted(self.all(), key=lambda p: p.name) for name, table in p.derived.items()}

    def resolve(self, names: list[str] | None = None) -> list[Plugin]:
        """The plugins to run, ordered so that each comes after what it needs.

        Raises a clear error when a requirement is provided by no chosen plugin,
        naming the plugin that would provide it.
        """
        self._discover()
        chosen = [self.get(n) for n in (names if names is not None else self.names())]
        provided = {item: p.name for p in chosen for item in p.provides}
        for item in CORE_PROVIDES:
            provided[item] = "core"
        for plugin in chosen:
            for need in plugin.requires:
                if _provider(need, provided) is None:
                    candidates = [p.name for p in self.all() if _provider(need, dict.fromkeys(p.provides, p.name))]
                    hint = (
                        f"Enable plugin {' or '.join(repr(c) for c in candidates)}, which provides it."
                        if candidates
                        else "No installed plugin provides it; install one that does."
                    )
                    raise errors.MissingRequirementError(
                        errors.MISSING_REQUIREMENT.format(plugin=plugin.name, need=need, hint=hint)
                    )
        return _toposort(chosen, provided)

    @contextlib.contextmanager
    def enabled(self, *plugins: Plugin) -> Iterator[PluginRegistry]:
        """Register plugins for the duration of a ``with`` block."""
        for plugin in plugins:
            self.register(plugin, replace=True)
        try:
            yield self
        finally:
            for plugin in plugins:
                self.unregister(plugin.name)

    def __repr__(self) -> str:
        return f"PluginRegistry(group={self._group!r}, plugins={self.names()})"


def _provider(need: str, provided: Mapping[str, str]) -> str | None:
    """Who provides ``need`` ("table" or "table.column"); a table provides its columns."""
    if need in provided:
        return provided[need]
    table = need.split(".", 1)[0]
    return provided.get(table)


def _toposort(chosen: list[Plugin], provided: Mapping[str, str]) -> list[Plugin]:
    by_name = {p.name: p for p in chosen}
    order: list[Plugin] = []
    state: dict[str, int] = {}

    def visit(plugin: Plugin, trail: tuple[str, ...]) -> None:
        if state.get(plugin.name) == 2:
            return
        if state.get(plugin.name) == 1:
            raise errors.PluginCycleError(errors.PLUGIN_CYCLE.format(cycle=" -> ".join(trail + (plugin.name,))))
        state[plugin.name] = 1
        for need in (*plugin.requires, *plugin.uses):
            dep = _provider(need, provided)
            if dep and dep != plugin.name and dep in by_name:
                visit(by_name[dep], trail + (plugin.name,))
        state[plugin.name] = 2
        order.append(plugin)

    for plugin in sorted(chosen, key=lambda p: p.name):
        visit(plugin, ())
    return order


registry = PluginRegistry()


def register(plugin: Plugin, *, replace: bool = False) -> None:
    """Register a plugin with the global registry (works in a notebook and in tests)."""
    registry.register(plugin, replace=replace)


def plugins() -> pd.DataFrame:
    """The installed plugins, one row each, with what they require and provide."""
    return registry.table()


def derived_table(corpus: Any, name: str) -> pd.DataFrame | None:
    """The derived table ``name`` of ``corpus``, computed by the plugin that declares it (``None``: none does).

    Computed once per corpus and kept until one of its tables is replaced.

    >>> from toolkit.pipeline import Corpus
    >>> demo = Plugin(name="demo", derived={"long_titles": lambda c: c.articles[c.articles["title"].str.len() > 3]})
    >>> corpus = Corpus({"articles": pd.DataFrame({"article_id": ["a", "b"], "title": ["Hi", "Hello"]})})
    >>> with registry.enabled(demo):
    ...     derived_table(corpus, "long_titles")["article_id"].tolist()
    ['b']
    >>> derived_table(corpus, "long_titles") is None
    True
    """
    build = registry.derived().get(name)
    if build is None:
        return None
    from .views import cached

    return cached(corpus, ("derived", name, build), lambda: build(corpus), sources=tuple(corpus.tables.values()))


def lazy(target: str) -> Callable[..., Any]:
    """A function that imports ``"package.module:attribute"`` on first call and calls it.

    Plugins declare extract functions, corpus steps, views and renderers with it, so that
    registering a plugin imports neither spaCy nor Altair.

    >>> join = lazy("posixpath:join")
    >>> join.__name__, join("a", "b")
    ('join', 'a/b')
    """
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"lazy() takes 'package.module:attribute', got {target!r}.")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module_name), attribute)(*args, **kwargs)

    call.__name__ = call.__qualname__ = attribute
    call.__doc__ = f"{target}, imported on first use."
    call.__presslens_target__ = target  # type: ignore[attr-defined]  # the cache key hashes the target's package
    return call
