"""PressLens claims: who asserts, denies, accuses, supports or calls for what,
grouped into the same proposition across articles.

- per article, :func:`toolkit_claims.component.extract` reads each quote the
  quotes component found (``doc._.presslens_quote_records``) as a claim and
  stores the reading (``claim_readings``, cached with the article);
- once per corpus, :func:`toolkit_claims.step.claims_step` makes the ``claims``
  table: one claim per claimant, with entities, dates, the proposition in the
  article's own words (with its offsets) and groups of the same proposition
  across the articles of a story thread (``articles.thread_id``: the articles
  of a story close to each other, when the stories step ran; else
  ``articles.story_id``; across threads only on strong evidence);
  :func:`toolkit_claims.step.contested_claims` lists the contested groups
  (:func:`toolkit_claims.step.contest_score`: a claimant for, a different one against);
- views and static renderers show them (:mod:`toolkit_claims.views`).

Options (``toolkit.analyze(..., options={"claims": {...}})``): ``embeddings``
("auto", "on" or "off": sentence embeddings for grouping when installed) and
``threshold`` (the similarity two claims need to share a group).

>>> plugin.name, plugin.requires, plugin.provides
('claims', ('quotes',), ('claims', 'claim_readings'))
"""

from toolkit.sdk import Plugin, ReportSection, SelectionPart, lazy

__all__ = ["plugin"]

plugin = Plugin(
    name="claims",
    # 0.2: quotes are read per article (cached); 0.3: focus_tokens only where core_words are empty
    version="0.3.0",
    description="Claims from quotes: claimant, stance (assert/deny/accuse/support/call/other), proposition, "
    "entities, dates, and groups of the same proposition across articles.",
    requires=("quotes",),
    # articles.thread_id / story_id: claims are grouped within a story's thread, so this step runs after the
    # stories step when present
    uses=("mentions", "entities", "events", "timexes", "articles.story_id", "articles.thread_id"),
    # "claim_readings" is per-article and cached; requiring "quotes" orders this extract after the quotes component
    provides=("claims", "claim_readings"),
    extract=lazy("toolkit_claims.component:extract"),
    corpus_step=lazy("toolkit_claims.step:claims_step"),
    views={
        "contested_claims": lazy("toolkit_claims.views:contested_claims_view"),
        "claims_overview": lazy("toolkit_claims.views:claims_overview_view"),
    },
    renderers={
        "contested_claims": lazy("toolkit_claims.views:render_contested_claims"),
        "claims_overview": lazy("toolkit_claims.views:render_claims_overview"),
    },
    options={"embeddings": "auto", "threshold": 0.38},
    selection_parts=(
        SelectionPart(
            name="claim_group",
            table="claims",
            column="group_id",
            links=("quote_id",),
            via_entities=True,
            description="one group of claims: its claims, their quotes, entities, articles",
            title="Claim",
            label=lazy("toolkit_claims.views:claim_group_label"),
        ),
    ),
    entity_columns=("claimant_entity_id", "about_entity_ids"),
    dashboard={"contested_claims": 50, "claims_overview": 55},
    places={"contested_claims": "when", "claims_overview": "more"},
    titles={"contested_claims": "Contested claims", "claims_overview": "All claim groups"},
    report_sections=(
        ReportSection(
            key="claims",
            title="Contested claims",
            renderers=("contested_claims",),
            table="contested_claims",
            columns=("group_id", "proposition", "claimant_entity_id", "stance", "date_start", "article_id"),
            order=40,
            summary=lazy("toolkit_claims.views:summary_contested"),
            summary_order=10,
        ),
    ),
    derived={"contested_claims": lazy("toolkit_claims.step:contested_claims")},
)
