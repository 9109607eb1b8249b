"""PressLens timeline plugin: every date in the coverage on one calendar.

Provides the ``timexes`` table (temporal expressions normalised to TIMEX3
against each article's publication date) and the ``events`` table (each
sentence with a resolved date, linked to the entities mentioned and the quotes
in it when those plugins ran), the spaCy component ``presslens_timexes``, the
``timeline`` view and its static renderer.

Importing this package is cheap: spaCy, Altair and ipywidgets load when used.

>>> plugin.name, plugin.provides
('timeline', ('timexes', 'events'))
"""

from __future__ import annotations

from typing import Any

from toolkit.registry import Plugin
from toolkit.sdk import HighlightLayer, ReportSection, lazy

__all__ = ["plugin", "find_timexes"]

__version__ = "0.1.0"


def _extract(doc: Any, article: Any, options: Any) -> Any:
    from .events import extract

    return extract(doc, article, options)


def _corpus_step(tables: Any, context: Any) -> Any:
    from .events import corpus_step

    return corpus_step(tables, context)


def _timeline_view(corpus: Any, selection: Any, **options: Any) -> Any:
    from .views import timeline_view

    return timeline_view(corpus, selection, **options)


def _render_timeline(corpus: Any, selection: Any = None, **options: Any) -> str:
    from .views import render_timeline

    return render_timeline(corpus, selection, **options)


def find_timexes(text: str, **kwargs: Any) -> Any:
    """Temporal expressions in ``text`` without spaCy (see :func:`toolkit_timeline.timex.find_timexes`)."""
    from .timex import find_timexes as _find

    return _find(text, **kwargs)


plugin = Plugin(
    name="timeline",
    version=__version__,
    description="Temporal expressions (TIMEX3) resolved against the publication date, and dated events.",
    uses=("mentions", "entities", "quotes"),
    provides=("timexes", "events"),
    component="presslens_timexes",
    extract=_extract,
    corpus_step=_corpus_step,
    views={"timeline": _timeline_view},
    renderers={"timeline": _render_timeline},
    entity_columns=("entity_ids",),
    dashboard={"timeline": 30},
    highlights=(HighlightLayer(name="dates", spans=lazy("toolkit_timeline.views:timex_spans"), order=20,
                               colours={"DATE": "#0072B2", "TIME": "#0072B2", "DURATION": "#0072B2",
                                        "SET": "#0072B2"}),),
    report_sections=(ReportSection(key="timeline", title="Timeline", renderers=("timeline",), table="events",
                                   columns=("date_start", "date_end", "granularity", "article_id"), order=10),),
)
