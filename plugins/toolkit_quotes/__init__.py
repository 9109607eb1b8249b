"""PressLens quotes plugin: who said what — direct, partial, mixed and reported speech.

Fills the ``quotes`` table (one row per attribution: content, cue, speaker,
relay; ``provenance_id`` links the same quotation in several articles) and,
through the spaCy component ``presslens_quotes``, ``doc.spans["presslens_quotes"]``.
With the entities plugin in the same run the corpus step links speakers and
relays to entities; without it the plugin works alone and names speakers by
the text they resolve to.

Options (``toolkit.analyze(..., options={"quotes": {...}})``): ``model`` —
``"learned"`` (default: the rules, then a model trained on annotated news that
accepts their quotes and finds reported speech they miss, with a calibrated
``confidence`` per quote) or ``"rules-only"``.

>>> plugin.name, plugin.provides, plugin.component
('quotes', ('quotes',), 'presslens_quotes')
"""

from __future__ import annotations

from toolkit.sdk import HighlightLayer, Plugin, ReportSection, SelectionPart, lazy

__all__ = ["plugin"]

# every callable is a lazy target, imported on first call: registering the plugin imports no spaCy
plugin = Plugin(
    name="quotes",
    version="0.1.0",
    description="Direct, partial, mixed and reported speech with cues, resolved speakers and relays.",
    uses=("mentions", "entities"),
    provides=("quotes",),
    component="presslens_quotes",
    extract=lazy("toolkit_quotes.component:extract"),
    corpus_step=lazy("toolkit_quotes.step:corpus_step"),
    views={
        "quote_explorer": lazy("toolkit_quotes.views:quote_explorer"),
        "who_said_what": lazy("toolkit_quotes.views:who_said_what"),
        "speakers_of_entity": lazy("toolkit_quotes.views:speakers_of_entity"),
        "quote_provenance": lazy("toolkit_quotes.views:quote_provenance_view"),
    },
    renderers={
        "quote_explorer": lazy("toolkit_quotes.views:render_quote_explorer"),
        "who_said_what": lazy("toolkit_quotes.views:render_who_said_what"),
        "speakers_of_entity": lazy("toolkit_quotes.views:render_speakers_of_entity"),
        "quote_provenance": lazy("toolkit_quotes.views:render_quote_provenance"),
    },
    selection_parts=(
        SelectionPart(
            name="quote",
            table="quotes",
            column="quote_id",
            description="one quote: its rows, else its article's",
            title="Quote",
            label=lazy("toolkit_quotes.views:quote_label"),
        ),
        SelectionPart(
            name="provenance",
            table="quotes",
            column="provenance_id",
            description="one quotation seen in several articles: its copies, else their articles",
            title="Quotation",
            label=lazy("toolkit_quotes.views:provenance_label"),
        ),
    ),
    entity_columns=("speaker_entity_id", "via_entity_id"),
    dashboard={"quote_explorer": 40},
    places={
        "quote_explorer": "when",
        "quote_provenance": "more",
        "who_said_what": "more",
        "speakers_of_entity": "more",
    },
    titles={
        "quote_explorer": "Quotes",
        "who_said_what": "Who said what: speakers and the entities they talk about",
        "speakers_of_entity": "Who quotes the selected entity",
        "quote_provenance": "Quote provenance: who said it first, who repeated it",
    },
    highlights=(
        HighlightLayer(
            name="quotes",
            spans=lazy("toolkit_quotes.views:quote_spans"),
            order=30,
            colours={"content": "#999999", "cue": "#CC79A7", "speaker": "#D55E00", "selected quote": "#D55E00"},
        ),
    ),
    report_sections=(
        ReportSection(
            key="quotes",
            title="Quotes",
            renderers=("quote_explorer",),
            table="quotes",
            columns=("speaker_name", "kind", "content", "article_id"),
            order=30,
        ),
        ReportSection(
            key="quote_provenance",
            title="Quote provenance",
            renderers=("quote_provenance",),
            table="quote_provenance",
            columns=("provenance_id", "rank", "published", "outlet", "speaker_name", "via", "content"),
            order=35,
        ),
    ),
    derived={
        "quote_speakers": lazy("toolkit_quotes.views:quote_speakers"),
        "quote_provenance": lazy("toolkit_quotes.views:quote_provenance"),
    },
    options={"provenance_min_words": 8, "provenance_similarity": 90.0, "model": "learned"},
    evaluate=lazy("toolkit_quotes.rules.scoring:evaluate"),
)
