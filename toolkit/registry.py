"""The plugin registry: plugins found through the ``presslens.plugins`` entry
point group, or registered by hand with :func:`register`.

The core never imports a plugin by name. A plugin is a :class:`Plugin` record
that says what it needs (``requires``: tables or ``table.column`` names), what
it adds (``provides``), and offers any of: a spaCy component (by factory name),
a per-article ``extract`` function turning the processed ``Doc`` into table
rows, a corpus-level ``corpus_step``, views (widgets) and static renderers.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pandas as pd

from . import errors

__all__ = ["Plugin", "StepContext", "PluginRegistry", "registry", "register", "plugins", "lazy"]

ENTRY_POINT_GROUP = "presslens.plugins"

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True, kw_only=True)
class StepContext:
    """What a corpus-level step is given besides the tables."""

    options: Mapping[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None
    quiet: bool = True


@dataclass(frozen=True, kw_only=True)
class Plugin:
    """What a plugin declares.

    ``extract(doc, article, options) -> {table: [row dict, ...]}`` runs once per
    article after the spaCy pipeline (it only reads the ``Doc``; ``article_id`` is
    added to each row); ``corpus_step(tables, context) -> {table: DataFrame}`` runs
    once over all tables and returns the tables it changed. Views are
    ``factory(corpus, selection, **options) -> widget`` (the widget has a
    ``rows()`` method giving the rows it shows); renderers are
    ``render(corpus, selection=None, **options) -> html``.
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
    views: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    renderers: Mapping[str, Callable[..., str]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)  # defaults, overridable per run

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
        }


CORE_PROVIDES = ("articles",)


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
        if self._discovered:
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
        return pd.DataFrame(rows, columns=["name", "version", "description", "requires", "provides",
                                           "component", "views", "renderers"])

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
                    candidates = [p.name for p in self.all() if _provider(need, {i: p.name for i in p.provides})]
                    hint = (f"Enable plugin {' or '.join(repr(c) for c in candidates)}, which provides it."
                            if candidates else "No installed plugin provides it; install one that does.")
                    raise errors.MissingRequirementError(
                        errors.MISSING_REQUIREMENT.format(plugin=plugin.name, need=need, hint=hint))
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
