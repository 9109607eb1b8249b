"""View composition: one shared :class:`Selection` that every view observes and may set.

Plugins declare views (``factory(corpus, selection) -> widget``) and static
renderers (``render(corpus, selection=None) -> html``); the dashboard composes
whatever the installed plugins declare, with no plugin named here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import traitlets

from . import html as h
from .registry import registry

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = ["Selection", "view", "render", "dashboard", "views", "renderers", "articles_view", "render_articles"]


class Selection(traitlets.HasTraits):
    """What the reader has picked; every view narrows to it.

    Empty lists / ``None`` mean "no restriction".

    >>> s = Selection(entities=["E1"])
    >>> s.is_empty
    False
    """

    entities = traitlets.List(traitlets.Unicode())
    date_range = traitlets.Tuple(allow_none=True, default_value=None)  # (start ISO, end ISO), inclusive
    articles = traitlets.List(traitlets.Unicode())
    quote = traitlets.Unicode(allow_none=True, default_value=None)
    claim_group = traitlets.Unicode(allow_none=True, default_value=None)

    @property
    def is_empty(self) -> bool:
        return not (self.entities or self.date_range or self.articles or self.quote or self.claim_group)

    def clear(self) -> None:
        with self.hold_trait_notifications():
            self.entities, self.date_range, self.articles = [], None, []
            self.quote, self.claim_group = None, None

    def state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ("entities", "date_range", "articles", "quote", "claim_group")}

    def __repr__(self) -> str:
        active = {k: v for k, v in self.state().items() if v}
        return f"Selection({', '.join(f'{k}={v!r}' for k, v in active.items())})"

    # helpers views share ------------------------------------------------------
    def article_ids(self, corpus: Corpus) -> set[str] | None:
        """Articles allowed by the article and date-range parts of the selection (``None``: all)."""
        allowed: set[str] | None = set(self.articles) if self.articles else None
        if self.date_range:
            start, end = (str(x)[:10] if x else None for x in self.date_range)
            published = corpus.articles[["article_id", "published"]].dropna()
            keep = published
            if start:
                keep = keep[keep["published"] >= start]
            if end:
                keep = keep[keep["published"] <= end]
            ids = set(keep["article_id"])
            allowed = ids if allowed is None else allowed & ids
        return allowed


def _catalog(kind: str) -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {"articles": articles_view if kind == "views" else render_articles}
    for plugin in registry.all():
        for name, factory in getattr(plugin, kind).items():
            found[name] = factory
    return found


def views() -> list[str]:
    """Names of every view the installed plugins offer."""
    return sorted(_catalog("views"))


def renderers() -> list[str]:
    """Names of every static renderer the installed plugins offer."""
    return sorted(_catalog("renderers"))


def view(corpus: Corpus, name: str, *, selection: Selection | None = None, **options: Any) -> Any:
    """One view as a widget, observing ``selection`` (a new one if not given)."""
    catalog = _catalog("views")
    if name not in catalog:
        raise KeyError(f"No view named {name!r}. Available views: {', '.join(sorted(catalog))}.")
    return catalog[name](corpus, selection if selection is not None else Selection(), **options)


def render(corpus: Corpus, name: str | None = None, *, selection: Selection | None = None, **options: Any) -> str:
    """Static HTML of one renderer, or of every renderer when ``name`` is None. No kernel, no network."""
    catalog = _catalog("renderers")
    if name is not None and name not in catalog:
        raise KeyError(f"No renderer named {name!r}. Available renderers: {', '.join(sorted(catalog))}.")
    names = [name] if name else list(catalog)
    return "\n".join(catalog[n](corpus, selection, **options) for n in names)


def dashboard(corpus: Corpus, *, selection: Selection | None = None, views: Sequence[str] | None = None,
              static: bool = False) -> Any:
    """Every view around one shared selection: pick an entity and all views narrow to it.

    With ``static=True`` the same panels come back as one HTML string (for
    reports and places without a kernel).
    """
    selection = selection if selection is not None else Selection()
    if static:
        catalog = _catalog("renderers")
        chosen = [n for n in (views or catalog) if n in catalog]
        return h.page("".join(catalog[n](corpus, selection) for n in chosen), title="PressLens dashboard")
    import ipywidgets as widgets

    catalog = _catalog("views")
    chosen = [n for n in (views or _dashboard_order(catalog)) if n in catalog]
    panels = [catalog[n](corpus, selection) for n in chosen]
    status = widgets.HTML()

    def show_selection(_: Any = None) -> None:
        status.value = f"<b>Selection:</b> {h.escape(repr(selection))}"

    selection.observe(show_selection)
    show_selection()
    clear = widgets.Button(description="Clear selection", icon="times")
    clear.on_click(lambda _: selection.clear())
    tabs = widgets.Tab(children=panels)
    for i, name in enumerate(chosen):
        tabs.set_title(i, name.replace("_", " "))
    box = widgets.VBox([widgets.HBox([clear, status]), tabs])
    box.selection = selection  # so notebooks and tests can drive it
    box.panels = dict(zip(chosen, panels))
    return box


def _dashboard_order(catalog: dict[str, Any]) -> list[str]:
    preferred = ["entity_table", "article_reader", "timeline", "quote_explorer", "contested_claims"]
    return [n for n in preferred if n in catalog] + sorted(n for n in catalog if n not in preferred)


# the core's own view: the article list -------------------------------------
def _article_rows(corpus: Corpus, selection: Selection | None) -> pd.DataFrame:
    frame = corpus.articles
    if selection is not None:
        allowed = selection.article_ids(corpus)
        if allowed is not None:
            frame = frame[frame["article_id"].isin(allowed)]
        if selection.entities and len(corpus.mentions):
            with_entity = corpus.mentions[corpus.mentions["entity_id"].isin(selection.entities)]["article_id"]
            frame = frame[frame["article_id"].isin(set(with_entity))]
    return frame.sort_values("published", na_position="last")


def render_articles(corpus: Corpus, selection: Selection | None = None, **_: Any) -> str:
    rows = _article_rows(corpus, selection)
    return h.section("Articles", h.table(rows, columns=["article_id", "published", "published_source", "outlet", "title"]))


def articles_view(corpus: Corpus, selection: Selection, **_: Any) -> Any:
    import ipywidgets as widgets

    out = widgets.HTML()

    def refresh(_: Any = None) -> None:
        out.value = render_articles(corpus, selection)

    selection.observe(refresh)
    refresh()
    out.rows = lambda: _article_rows(corpus, selection)  # visible rows, for tests and notebooks
    return out


def iter_ids(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values if v is not None and not (isinstance(v, float) and v != v)]
