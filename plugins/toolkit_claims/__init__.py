"""PressLens claims: who asserts, denies, accuses, supports or calls for what,
grouped into the same proposition across articles.

>>> from toolkit_claims import plugin
>>> plugin.name, plugin.requires, plugin.provides
('claims', ('quotes',), ('claims',))
"""

from __future__ import annotations

from toolkit.registry import Plugin

from .step import claims_step
from .views import contested_claims_view, claims_overview_view, render_claims_overview, render_contested_claims

__all__ = ["plugin"]

__version__ = "0.1.0"

plugin = Plugin(
    name="claims",
    version=__version__,
    description="Claims from quotes: claimant, stance (assert/deny/accuse/support/call/other), proposition, "
                "entities, dates, and groups of the same proposition across articles.",
    requires=("quotes",),
    uses=("mentions", "entities", "events", "timexes"),
    provides=("claims",),
    corpus_step=claims_step,
    views={"contested_claims": contested_claims_view, "claims_overview": claims_overview_view},
    renderers={"contested_claims": render_contested_claims, "claims_overview": render_claims_overview},
    options={"embeddings": "auto", "threshold": 0.34},
)
