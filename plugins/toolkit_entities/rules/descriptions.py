"""Pronoun and description mentions joined to the name they stand for, only where the evidence is strong.

"He", "she", "the minister", "the company" refer to someone the text has just named. A reader
resolves them from the few sentences before; so does this rule, and only when that window leaves
no choice: exactly one person (for "he", "she", "the minister") or one organisation or place (for
"the company", "the country") was named since the start of the previous sentence. Anything less
certain is left unlinked: a wrong link puts words in the wrong mouth, a missing one only loses a
mention. The rows carry ``form`` ("pronoun" or "nominal") so that name views can leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from toolkit.sdk import lexicon

from .names import is_title_word, name_tokens

__all__ = ["Description", "descriptions", "PERSON_PRONOUNS"]

# third person singular: the only pronouns that point at one named person
PERSON_PRONOUNS = frozenset({"he", "she", "him", "his", "her", "hers"})
_DESCRIPTION_NOUNS: dict[str, str] = {
    k: v for k, v in lexicon("description_nouns", package="toolkit_entities").items() if not k.startswith("_")
}


@dataclass(frozen=True)
class Description:
    """A pronoun or description at ``start:end`` (characters) standing for the name ``antecedent``."""

    start: int
    end: int
    form: str  # "pronoun" or "nominal"
    antecedent: Span


def descriptions(doc: Doc, names: list[Span]) -> list[Description]:
    """The pronouns and descriptions of ``doc`` that stand for exactly one of ``names`` (see the module)."""
    found: list[Description] = []
    for token in doc:
        if token.lower_ in PERSON_PRONOUNS and token.pos_ in ("PRON", ""):
            wanted, form, start = "PERSON", "pronoun", token.i
        elif (
            token.i > 0
            and doc[token.i - 1].lower_ == "the"
            and token.is_lower
            and (token.lower_ in _DESCRIPTION_NOUNS or is_title_word(token.text))
            and not _names_follow(doc, token.i + 1)
        ):
            wanted = _DESCRIPTION_NOUNS.get(token.lower_, "PERSON")
            form, start = "nominal", token.i - 1
        else:
            continue
        antecedent = _only_candidate(doc, names, start, wanted)
        if antecedent is not None:
            found.append(Description(doc[start].idx, token.idx + len(token), form, antecedent))
    return found


def _names_follow(doc: Doc, i: int) -> bool:
    """Whether a name comes right after ("the minister Anna Berg"): then the noun is the name's title."""
    return i < len(doc) and (doc[i].pos_ == "PROPN" or doc[i].is_title)


def _only_candidate(doc: Doc, names: list[Span], position: int, label: str) -> Span | None:
    """The nearest name of ``label`` before ``position`` since the previous sentence began, if the
    names of that label there are all one name (by their words); otherwise None."""
    if doc.has_annotation("SENT_START"):
        sentence = doc[position].sent
        window_start = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    else:
        window_start = 0  # no sentences: the whole text before it is the window
    candidates = [s for s in names if s.label_ == label and window_start <= s.start and s.end <= position]
    if not candidates:
        return None
    keys = {_key(s) for s in candidates}
    return candidates[-1] if len(keys) == 1 else None


def _key(span: Span) -> str:
    """The word a name is known by: a person's surname, an organisation's or place's whole name."""
    words = name_tokens(span.text)
    if not words:
        return span.text.lower()
    return words[-1] if span.label_ == "PERSON" else " ".join(words)
