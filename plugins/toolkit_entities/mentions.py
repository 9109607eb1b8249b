"""Per-article step: the ``mentions`` rows of one processed ``Doc``."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from toolkit.nlp import doc_text

from .names import clean_surface

__all__ = ["extract", "mention_id"]


def mention_id(article_id: str, start: int, end: int) -> str:
    """A deterministic id from the article and the offsets.

    >>> mention_id("a1", 0, 5) == mention_id("a1", 0, 5)
    True
    """
    return "m" + hashlib.sha1(f"{article_id}\x00{start}\x00{end}".encode()).hexdigest()[:12]


def extract(doc: Any, article: Any, options: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One row per name mention: offsets into the article text, the label, the
    model's own label, how the mention was found and the state a capital stands for.

    Runs the ``presslens_entities`` repairs itself when the pipeline did not
    include the component (e.g. a Doc from someone else's pipeline).
    """
    from .component import SPAN_KEY, EntitiesComponent, span_value

    if SPAN_KEY not in doc.spans:
        EntitiesComponent(set_ents=False, metonymy=bool(options.get("metonymy", True)))(doc)
    rows = []
    text = doc_text(doc)  # Doc.text joins every token on each access: read it once per article
    metonymy = options.get("metonymy", True)
    for span in doc.spans[SPAN_KEY]:
        # character-level trim: the tokeniser may glue punctuation to a name ("Jong-un,…")
        left, right = clean_surface(text[span.start_char:span.end_char])
        start, end = span.start_char + left, span.end_char - right
        if end <= start:
            continue
        label = span.label_
        rows.append({
            "mention_id": mention_id(article.article_id, start, end),
            "start": start,
            "end": end,
            "text": text[start:end],
            "label": label,
            "entity_id": None,
            "spacy_label": span_value(span, "presslens_spacy_label") or label,
            "source": span_value(span, "presslens_source") or "model",
            "refers_to_name": span_value(span, "presslens_refers_to") if metonymy else None,
        })
    return {"mentions": rows}
