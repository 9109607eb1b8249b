"""PressLens claims: who asserts, denies, accuses, supports or calls for what,
grouped into the same proposition across articles.

>>> from toolkit_claims import plugin
>>> plugin.name, plugin.requires, plugin.provides
('claims', ('quotes',), ('claims', 'claim_readings'))
"""

from __future__ import annotations

from typing import Any

from toolkit.registry import Plugin

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
)
