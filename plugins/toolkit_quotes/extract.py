"""Per-article extraction: the Doc's attributions as rows of the ``quotes`` table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc

from toolkit.nlp import doc_text

from ._rules import Quote, QuoteOptions, find_quotes
from .component import ensure_extensions, quote_id

__all__ = ["extract", "quote_rows"]


def quote_rows(doc: Doc, article_id: str, quotes: tuple[Quote, ...] | list[Quote]) -> list[dict[str, Any]]:
    """Rows with the contract columns plus the extra ones (speaker text, references, confidence, via …).

    ``speaker_name`` is the text the speaker resolves to; the corpus step replaces it
    with the entity's canonical name when the entities plugin ran.
    """
    rows = []
    text = doc_text(doc)  # Doc.text joins every token on each access: read it once, not once per quote
    for quote in quotes:
        row = quote.row(text)
        row["quote_id"] = quote_id(article_id, quote)
        row["speaker_entity_id"] = None
        row["speaker_name"] = row["speaker_ref_text"]
        row["via_entity_id"] = None
        rows.append(row)
    return rows


def extract(doc: Doc, article: Any, options: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The plugin's ``extract``: reads ``doc._.presslens_quotes`` (or finds them if the component did not run)."""
    ensure_extensions()
    quotes = doc._.presslens_quotes
    if quotes is None:
        known = {k: options[k] for k in ("beliefs", "min_direct_words") if k in options}
        quotes, _ = find_quotes(doc, options=QuoteOptions(**known))
    article_id = getattr(article, "article_id", None) or doc._.presslens_article_id or ""
    return {"quotes": quote_rows(doc, article_id, quotes)}
