"""PressLens entities: one entity per real person, organisation and country across a corpus.

The plugin fills the ``mentions`` and ``entities`` tables (DESIGN.md):

- per article, the ``presslens_entities`` spaCy component repairs the model's
  name mentions and :func:`toolkit_entities.component.extract` turns them into
  rows, and keeps the tokens a known name can match in one ``name_tokens`` row
  (so the corpus step never tokenises the article again);
- once per corpus, :func:`toolkit_entities.step.corpus_step` resolves the
  mentions to entities (partial names, transliteration variants, country forms,
  acronyms, label agreement, the alias table, metonymy);
- views and static renderers show them (:mod:`toolkit_entities.views`).

Options (``toolkit.analyze(..., options={"entities": {...}})``): ``alias_table``
(path to a YAML or CSV alias table, read before resolution and written back
with new suggestions; default ``OUT/aliases.yaml``, read back on every re-run
and checked before any NLP by the ``validate`` hook), ``metonymy`` (record ``refers_to`` for capitals standing
for their state; default True), ``recover`` (find split and missed mentions of
known names; default True), ``write_aliases`` (default True), ``descriptions`` (add pronoun and
description mentions — "he", "the minister", "the company" — joined to the one name they can stand
for, with ``form`` "pronoun" or "nominal"; name views leave them out; default False).

>>> plugin.name, plugin.provides
('entities', ('mentions', 'entities', 'name_tokens'))
"""

from toolkit.sdk import HighlightLayer, Plugin, ReportSection, lazy

__all__ = ["plugin"]

plugin = Plugin(
    name="entities",
    version="0.1.0",
    description="Name mentions resolved to one entity per person, organisation and country, with views.",
    requires=("articles",),
    provides=("mentions", "entities", "name_tokens"),
    component="presslens_entities",
    extract=lazy("toolkit_entities.component:extract"),
    corpus_step=lazy("toolkit_entities.step:corpus_step"),
    validate=lazy("toolkit_entities.step:validate"),
    views={
        "entity_table": lazy("toolkit_entities.views:entity_table_view"),
        "kwic": lazy("toolkit_entities.views:kwic_view"),
        "mentions_over_time": lazy("toolkit_entities.views:mentions_over_time_view"),
        "merge_suggestions": lazy("toolkit_entities.views:merge_suggestions_view"),
    },
    renderers={
        "entity_table": lazy("toolkit_entities.views:render_entity_table"),
        "kwic": lazy("toolkit_entities.views:render_kwic"),
        "mentions_over_time": lazy("toolkit_entities.views:render_mentions_over_time"),
        "merge_suggestions": lazy("toolkit_entities.views:render_merge_suggestions"),
    },
    options={"alias_table": None, "metonymy": True, "recover": True, "write_aliases": True, "descriptions": False},
    dashboard={"entity_table": 10},
    places={"entity_table": "who", "kwic": "more", "mentions_over_time": "more", "merge_suggestions": "more"},
    titles={
        "entity_table": "Entities",
        "kwic": "Keyword in context",
        "mentions_over_time": "Mentions over time",
        "merge_suggestions": "Merge suggestions",
    },
    highlights=(
        HighlightLayer(
            name="mentions",
            spans=lazy("toolkit_entities.views:mention_spans"),
            order=10,
            colours={"PERSON": "#E69F00", "ORG": "#56B4E9", "GPE": "#009E73", "LOC": "#009E73", "NORP": "#F0E442"},
        ),
    ),
    report_sections=(
        ReportSection(
            key="entities",
            title="Entities",
            renderers=("entity_table",),
            table="entities",
            columns=("name", "label", "aliases", "n_mentions", "n_articles"),
            order=20,
            summary=lazy("toolkit_entities.views:summary_key_entities"),
            summary_order=20,
        ),
    ),
)
