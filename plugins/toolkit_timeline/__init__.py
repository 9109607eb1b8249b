"""PressLens timeline plugin: every date in the coverage on one calendar.

Provides the ``timexes`` table (temporal expressions normalised to TIMEX3
against each article's publication date) and the ``events`` table (each
sentence with a resolved date, linked to the entities mentioned and the quotes
in it when those plugins ran), the spaCy component ``presslens_timexes``, the
``timeline`` view and its static renderer.

Importing this package is cheap: spaCy, Altair and ipywidgets load when used.
The recogniser works without spaCy too: ``from toolkit_timeline.rules import
find_timexes``.

>>> plugin.name, plugin.provides
('timeline', ('timexes', 'events'))
"""

from toolkit.sdk import HighlightLayer, Plugin, ReportSection, lazy

__all__ = ["plugin"]

plugin = Plugin(
    name="timeline",
    version="0.1.0",
    description="Temporal expressions (TIMEX3) resolved against the publication date, and dated events.",
    uses=("mentions", "entities", "quotes"),
    provides=("timexes", "events"),
    component="presslens_timexes",
    extract=lazy("toolkit_timeline.component:extract"),
    corpus_step=lazy("toolkit_timeline.step:corpus_step"),
    views={"timeline": lazy("toolkit_timeline.views:timeline_view")},
    renderers={"timeline": lazy("toolkit_timeline.views:render_timeline")},
    entity_columns=("entity_ids",),
    dashboard={"timeline": 30},
    places={"timeline": "when"},
    titles={"timeline": "Timeline of dated events"},
    highlights=(
        HighlightLayer(
            name="dates",
            spans=lazy("toolkit_timeline.views:timex_spans"),
            order=20,
            colours={"DATE": "#0072B2", "TIME": "#0072B2", "DURATION": "#0072B2", "SET": "#0072B2"},
        ),
    ),
    report_sections=(
        ReportSection(
            key="timeline",
            title="Timeline",
            renderers=("timeline",),
            table="events",
            columns=("date_start", "date_end", "granularity", "article_id"),
            order=10,
            summary=lazy("toolkit_timeline.views:summary_timeline"),
            summary_order=30,
        ),
    ),
)
