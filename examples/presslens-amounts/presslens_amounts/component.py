"""Per-article work: the amounts in a Doc, as a spaCy component and as table rows.

An amount is a number (``3,000``, ``1.5``, ``twelve``), an optional scale
(``billion``, ``$5bn``) and what it measures: a currency (``$``, ``euros``),
``percent``, a measure (``km``, ``tonnes``) or, for a count, the thing counted
(``3,000 containers``). A number with none of these is not an amount (it is
often a year, a day or a rank), so it is left out.

The component reads only tokens, so it works in ``spacy.blank("en")``; when the
pipeline has a tagger, a count must be followed by a noun and its unit is the
noun's lemma (``container``), otherwise the lower-case word (``containers``).

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("presslens_amounts")
>>> doc = nlp("Exports fell 12 per cent to $1.5 billion, and 3,000 containers wait.")
>>> for amount in doc._.presslens_amounts:
...     print(amount.text, amount.value, amount.unit, amount.kind, sep=" | ")
12 per cent | 12.0 | percent | percent
$1.5 billion | 1500000000.0 | USD | money
3,000 containers | 3000.0 | containers | count
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from toolkit.sdk import doc_text, lexicon, stable_id, word_list

__all__ = ["Amount", "AmountsComponent", "extract", "find_amounts", "make_amounts"]

PACKAGE = "presslens_amounts"
EXTENSION = "presslens_amounts"  # doc._.presslens_amounts: the amounts as a tuple of Amount
# digits with thousands separators and decimals, and an optional scale glued on ("5bn", "1.2m")
DIGITS = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([a-z]{0,2})", re.IGNORECASE)
YEARS = range(1000, 2101)  # a bare four-digit integer in this range counting something is a year ("2024 talks")


@dataclass(frozen=True)
class Amount:
    """One amount: its characters in the Doc's text (end exclusive), its value and its unit."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: str  # money / percent / measure / count


@dataclass(frozen=True)
class _Words:
    """The lexicon, read once: word -> value or unit."""

    numbers: Mapping[str, float]
    scales: Mapping[str, float]
    suffixes: Mapping[str, float]
    symbols: Mapping[str, str]
    currencies: Mapping[str, str]
    percent: frozenset[str]
    percent_pairs: frozenset[tuple[str, str]]
    measures: Mapping[str, str]
    not_counted: frozenset[str]


_WORDS: _Words | None = None


def _words() -> _Words:
    global _WORDS
    if _WORDS is None:
        numbers, units = lexicon("number_words", package=PACKAGE), lexicon("units", package=PACKAGE)
        _WORDS = _Words(
            numbers={k: float(v) for k, v in numbers["numbers"].items()},
            scales={k: float(v) for k, v in numbers["scales"].items()},
            suffixes={k: float(v) for k, v in numbers["suffixes"].items()},
            symbols=dict(units["currency_symbols"]),
            currencies=dict(units["currencies"]),
            percent=frozenset(units["percent"]),
            percent_pairs=frozenset((first, second) for first, second in units["percent_pairs"]),
            measures=dict(units["measures"]),
            not_counted=word_list("not_counted", package=PACKAGE),
        )
    return _WORDS


def _number(token: Token, words: _Words) -> tuple[float, bool] | None:
    """The value a token spells and whether it was written in digits (None: not a number)."""
    match = DIGITS.fullmatch(token.text)
    if match:
        whole, decimals, suffix = match.groups()
        scale = 1.0
        if suffix:
            if suffix.lower() not in words.suffixes:
                return None  # "3rd", "10am": not an amount
            scale = words.suffixes[suffix.lower()]
        return float(whole.replace(",", "") + (decimals or "")) * scale, True
    value = words.numbers.get(token.lower_)
    return (value, False) if value is not None else None


def _counted(token: Token, words: _Words, *, tagged: bool) -> str | None:
    """The thing a number counts, if ``token`` names one (None otherwise)."""
    if not token.is_alpha or not token.is_lower or token.is_stop or len(token.text) < 3:
        return None
    if token.lower_ in words.not_counted or token.lower_ in words.numbers or token.lower_ in words.scales:
        return None
    if tagged:
        return token.lemma_.lower() if token.pos_ == "NOUN" else None
    return token.lower_


def find_amounts(doc: Doc) -> list[Amount]:
    """Every amount in ``doc``, in text order (see the module docstring for what counts)."""
    words = _words()
    text = doc_text(doc)
    tagged = doc.has_annotation("TAG")
    found: list[Amount] = []
    i, n = 0, len(doc)
    while i < n:
        first = i
        currency = words.symbols.get(doc[i].text) if i + 1 < n else None
        if currency is not None:
            i += 1
        number = _number(doc[i], words)
        if number is None:
            i = first + 1
            continue
        value, in_digits = number
        i += 1
        # "twenty-five": spaCy splits at the hyphen
        if (
            not in_digits
            and i + 1 < n
            and doc[i].text == "-"
            and (unit_word := doc[i + 1].lower_) in words.numbers
            and words.numbers[unit_word] < 10
        ):
            value += words.numbers[unit_word]
            i += 2
        scaled = False
        while i < n:  # "1.5 billion", "two hundred thousand", and "£300m" (spaCy splits the "m" off)
            glued = not doc[i - 1].whitespace_ and doc[i].lower_ in words.suffixes
            if doc[i].lower_ not in words.scales and not glued:
                break
            value *= words.scales[doc[i].lower_] if doc[i].lower_ in words.scales else words.suffixes[doc[i].lower_]
            scaled = True
            i += 1
        unit, kind = None, None
        if currency is not None:
            unit, kind = currency, "money"
        elif i < n and doc[i].lower_ in words.currencies:
            unit, kind = words.currencies[doc[i].lower_], "money"
            i += 1
        elif i < n and doc[i].lower_ in words.percent:
            unit, kind = "percent", "percent"
            i += 1
        elif i + 1 < n and (doc[i].lower_, doc[i + 1].lower_) in words.percent_pairs:
            unit, kind = "percent", "percent"
            i += 2
        elif i < n and doc[i].lower_ in words.measures:
            unit, kind = words.measures[doc[i].lower_], "measure"
            i += 1
        elif i < n and (counted := _counted(doc[i], words, tagged=tagged)) is not None:
            bare = not scaled and value.is_integer()
            lone_word = bare and not in_digits and value < 2  # "one official said"
            year = bare and in_digits and int(value) in YEARS and "," not in doc[i - 1].text  # "in 2024 talks"
            if lone_word or year:
                i = first + 1  # not counts
                continue
            unit, kind = counted, "count"
            i += 1
        if unit is None or kind is None:
            i = first + 1 if i == first + 1 else i
            continue
        start, end = doc[first].idx, doc[i - 1].idx + len(doc[i - 1].text)
        found.append(Amount(start=start, end=end, text=text[start:end], value=value, unit=unit, kind=kind))
    return found


class AmountsComponent:
    """The spaCy component: sets ``doc._.presslens_amounts`` (a tuple of :class:`Amount`)."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(EXTENSION, tuple(find_amounts(doc)))
        return doc


def _ensure_extension() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


_ensure_extension()


@Language.factory(EXTENSION, assigns=[f"doc._.{EXTENSION}"], requires=[], default_config={})
def make_amounts(nlp: Language, name: str) -> AmountsComponent:
    """Create the amounts component (``nlp.add_pipe("presslens_amounts")``)."""
    _ensure_extension()
    return AmountsComponent()


def extract(doc: Doc, article: Any, options: Mapping[str, Any]) -> dict[str, Sequence[dict[str, Any]]]:
    """The ``amounts`` rows of one article (the pipeline adds ``article_id``).

    Reads what the component assigned; a pipeline without the component gets the
    same rows computed here. Offsets index ``articles.text``, which is ``doc.text``.
    """
    amounts = doc._.get(EXTENSION)
    if amounts is None:
        amounts = find_amounts(doc)
    rows = [
        {
            "amount_id": stable_id(article.article_id, a.start, a.end, prefix="amt-"),
            "start": a.start,
            "end": a.end,
            "text": a.text,
            "value": a.value,
            "unit": a.unit,
            "kind": a.kind,
        }
        for a in amounts
    ]
    return {"amounts": rows}
