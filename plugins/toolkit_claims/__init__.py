"""PressLens claims: who asserts, denies, accuses, supports or calls for what,
grouped into the same proposition across articles.

>>> from toolkit_claims import plugin
>>> plugin.name, plugin.requires, plugin.provides
('claims', ('quotes',), ('claims', 'claim_readings'))
"""

from __future__ import annotations

from typing import Any

from toolkit.registry import Plugin
from toolkit.sdk import ReportSection, SelectionPart, lazy

from .step import claims_step
from .views import contested_claims_view, claims_overview_view, render_claims_overview, render_contested_claims

__all__ = ["plugin"]

__version__ = "0.3.0"  # 0.2: quotes are read per article (cached); 0.3: focus_tokens only where core_words are empty


def extract(doc: Any, article: Any, options: Any) -> dict[str, list[dict[str, Any]]]:
    """Per-article readings of the quotes (``claim_readings``), from the Doc already parsed."""
    from .extract import extract as _extract

    return _extract(doc, article, options)

plugin = Plugin(
    name="claims",
    version=__version__,
    description="Claims from quotes: claimant, stance (assert/deny/accuse/support/call/other), proposition, "
                "entities, dates, and groups of the same proposition across articles.",
    requires=("quotes",),
    uses=("mentions", "entities", "events", "timexes"),
    # "claim_readings" is per-article and cached; requiring "quotes" orders this extract after the quotes component
    provides=("claims", "claim_readings"),
    extract=extract,
    corpus_step=claims_step,
    views={"contested_claims": contested_claims_view, "claims_overview": claims_overview_view},
    renderers={"contested_claims": render_contested_claims, "claims_overview": render_claims_overview},
    options={"embeddings": "auto", "threshold": 0.34},
    selection_parts=(SelectionPart(name="claim_group", table="claims", column="group_id", links=("quote_id",),
                                   via_entities=True,
                                   description="one group of claims: its claims, their quotes, entities, articles"),),
    entity_columns=("claimant_entity_id", "about_entity_ids"),
    dashboard={"contested_claims": 50, "claims_overview": 55},
    report_sections=(ReportSection(key="claims", title="Contested claims", renderers=("contested_claims",),
                                   table="contested_claims",
                                   columns=("group_id", "proposition", "claimant_entity_id", "stance", "date_start",
                                            "article_id"), order=40),),
    derived={"contested_claims": lazy("toolkit_claims.step:contested_claims")},
)
