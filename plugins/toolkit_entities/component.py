"""The per-article work: the ``presslens_entities`` spaCy component and the ``mentions`` rows of one ``Doc``.

It reads the statistical NER's ``doc.ents`` and repairs what one-sentence-at-a-
time tagging gets wrong inside a document:

- determiners, possessives and edge punctuation are trimmed ("the Russian
  Federation" -> "Russian Federation", "Kim Jong-un’s" -> "Kim Jong-un");
- a person name cut short is extended over the capitalised name words that
  follow it ("Ri Son" + "Gwon");
- titles, offices and nationality adjectives are not part of a person's name
  ("Foreign Minister Anna Morozova" -> "Anna Morozova"), and a "person" that is
  only a title ("Defence Minister") is dropped;
- a lone capitalised word labelling a headline ("Analysis: ...") that the text
  never repeats is not a name;
- a surname alone takes the label of the full name used in the same document,
  and the same name gets one label throughout the document (majority vote,
  full names weigh more);
- occurrences of a name the document has already tagged, but which the model
  missed elsewhere, are added (found by the document's names, spelled token by token);
- a capital standing for its state as the subject of a statement ("Moscow
  denounced ...") is recorded with ``Span._.presslens_refers_to`` (the state's
  short name), the mention itself stays the city's.

The mentions go to ``doc.spans["presslens_entities"]``; with ``set_ents`` the
document's ``doc.ents`` are replaced by them (plus the numeric entities that
do not overlap), so downstream components see the repaired names.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> component = nlp.add_pipe("presslens_entities")
>>> doc = nlp.make_doc("the Russian Federation said so")
>>> doc.ents = [doc.char_span(0, 22, label="GPE")]
>>> [(s.text, s.label_) for s in component(doc).spans["presslens_entities"]]
[('Russian Federation', 'GPE')]
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from spacy.attrs import IDX, IS_ALPHA, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from toolkit.sdk import doc_text, lexicon, word_list

from .rules.context import LOCATIVE_PREPOSITIONS, REPORTING_VERB_FORMS
from .rules.descriptions import descriptions
from .rules.ids import mention_id
from .rules.names import (
    BODY_HEADS,
    NAME_LABELS,
    ROLE_WORDS,
    acronym_of,
    capital_state,
    clean_surface,
    is_acronym,
    is_country,
    is_title_word,
    looks_like_demonym,
    name_tokens,
    nationality_country,
    reads_as_headline_verb,
    title_case_line,
    title_prefix,
)
from .rules.recovery import NAME_TOKENS, name_token_row

__all__ = ["make_entities", "EntitiesComponent", "extract", "SPAN_KEY", "NAME_LABELS", "ensure_extensions"]

SPAN_KEY = "presslens_entities"


_MONTHS_DAYS = word_list("months_days", package="toolkit_entities")
# Verbs whose subject is an agent that speaks or acts, and nouns for what it states or does: a
# capital as their subject ("Moscow denounced") or owner ("Seoul's remarks") stands for its government.
_AGENT_VERBS = word_list("agent_verbs", package="toolkit_entities")
_STATEMENT_NOUNS = word_list("statement_nouns", package="toolkit_entities")
_STATEMENT_NOUN_FORMS = _STATEMENT_NOUNS | {w.rstrip("s") for w in _STATEMENT_NOUNS}  # and their singulars
# Nouns that make a name a place ("Velm region", "Marl People's Republic") and nouns that make it a
# work or a publication ("the programme Vel Nocturno"): cues from the words around a name, never names.
_PLACE_NOUNS = word_list("place_nouns", package="toolkit_entities")
_WORK_NOUNS: dict[str, str] = {
    k: v for k, v in lexicon("work_nouns", package="toolkit_entities").items() if not k.startswith("_")
}
# after a name, these read as adjectives or verbs more often than as the work's noun ("Ana daily ...")
_WORK_NOUNS_BEFORE_ONLY = frozenset({"daily", "weekly", "broadcast", "show"})


def ensure_extensions() -> None:
    """Register the ``Span._`` extensions this component writes (idempotent)."""
    for name in ("presslens_refers_to", "presslens_source", "presslens_spacy_label"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


# spaCy keeps a span's plain ``._`` values (a default, no getter) in ``doc.user_data``
# under ("._.", name, start_char, end_char) (spacy/tokens/underscore.py); every
# ``span._`` first builds an accessor object, so a read costs 2.7 µs and a write
# 2 µs, against 0.2 µs for the dict. The component reads and writes its three
# values several times per mention. tests/toolkit_entities/test_span_values.py
# pins the layout.
def span_value(span: Span, name: str) -> object:
    """``span._.<name>`` for one of this component's extensions (None when unset)."""
    return span.doc.user_data.get(("._.", name, span.start_char, span.end_char))


def _set_span_value(span: Span, name: str, value: object) -> None:
    span.doc.user_data[("._.", name, span.start_char, span.end_char)] = value


@Language.factory(
    "presslens_entities",
    default_config={
        "labels": list(NAME_LABELS),
        "set_ents": True,
        "metonymy": True,
        "extend_names": True,
        "propagate": True,
        "teams": True,
    },
    assigns=["doc.ents", "doc.spans"],
    requires=["doc.ents"],
)
def make_entities(
    nlp: Language,
    name: str,
    labels: list[str],
    set_ents: bool,
    metonymy: bool,
    extend_names: bool,
    propagate: bool,
    teams: bool,
) -> EntitiesComponent:
    """Build the component (``nlp.add_pipe("presslens_entities")``)."""
    return EntitiesComponent(
        name=name,
        labels=tuple(labels),
        set_ents=set_ents,
        metonymy=metonymy,
        extend_names=extend_names,
        propagate=propagate,
        teams=teams,
    )


class EntitiesComponent:
    """Repairs and records the name mentions of one ``Doc`` (see the module docstring)."""

    def __init__(
        self,
        *,
        name: str = "presslens_entities",
        labels: Sequence[str] = NAME_LABELS,
        set_ents: bool = True,
        metonymy: bool = True,
        extend_names: bool = True,
        propagate: bool = True,
        teams: bool = True,
    ) -> None:
        ensure_extensions()
        unknown = sorted(set(labels) - set(NAME_LABELS))
        if unknown:
            raise ValueError(
                f"presslens_entities: labels {unknown} are not name labels. Choose among: {', '.join(NAME_LABELS)}."
            )
        self.name = name
        self.labels = tuple(labels)
        self.set_ents = set_ents
        self.metonymy = metonymy
        self.extend_names = extend_names
        self.propagate = propagate
        self.teams = teams

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)  # Doc.ents walks every token on each access: read it once
        spans = _outlets_read_as_dates(doc, ents)
        spans = [s for s in (_trim(s) for s in spans if s.label_ in self.labels) if s is not None]
        for span in spans:
            _set_span_value(span, "presslens_source", span_value(span, "presslens_source") or "model")
        if self.extend_names:
            spans = _extend_person_names(doc, spans)
            spans = _split_trailing_person(doc, spans)
            spans = _join_nicknames(doc, spans)
        spans = _strip_person_titles(doc, spans)
        spans = _strip_common_noun_openers(doc, spans)
        spans = _strip_trailing_titles(doc, spans)
        spans = _cut_headline_persons(doc, spans)
        spans = _drop_headline_labels(doc, spans)
        spans = _drop_office_title_words(doc, spans)
        spans = _labels_from_cues(spans)
        spans = _datelines_are_places(doc, spans)
        if self.teams:
            spans = _places_with_scores_are_teams(doc, spans)
            spans = _names_in_standings_are_teams(doc, spans)
        spans = _outlets_from_cues(doc, spans)
        spans = _outlet_names(doc, spans)
        if self.propagate:
            spans = _split_coordinated(doc, spans)
            spans = _relabel_by_agreement(spans)
            spans = _recover_repeats(doc, spans)
            spans = _recover_acronyms(doc, spans)
            spans = _recover_countries(doc, spans)
        spans = filter_spans(spans)  # sorted by start already
        text = doc_text(doc)
        for span in spans:
            if span_value(span, "presslens_spacy_label") is None:
                _set_span_value(span, "presslens_spacy_label", span.label_)
            _set_span_value(span, "presslens_refers_to", _metonym_state(span, text) if self.metonymy else None)
        doc.spans[SPAN_KEY] = spans
        if self.set_ents:
            taken = {i for s in spans for i in range(s.start, s.end)}
            others = [
                e for e in ents if e.label_ not in NAME_LABELS and not any(i in taken for i in range(e.start, e.end))
            ]
            # what ``doc.ents = ...`` does, without first rebuilding every Span from its (label, start, end)
            doc.set_ents(sorted([*spans, *others], key=lambda s: s.start), default="outside")
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


def extract(doc: Any, article: Any, options: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One row per name mention: offsets into the article text, the label, the
    model's own label, how the mention was found and the state a capital stands for.

    Runs the ``presslens_entities`` repairs itself when the pipeline did not
    include the component (e.g. a Doc from someone else's pipeline).
    """
    if SPAN_KEY not in doc.spans:
        EntitiesComponent(set_ents=False, metonymy=bool(options.get("metonymy", True)))(doc)
    rows = []
    text = doc_text(doc)  # Doc.text joins every token on each access: read it once per article
    metonymy = options.get("metonymy", True)
    row_of_span: dict[tuple[int, int], dict[str, Any]] = {}
    for span in doc.spans[SPAN_KEY]:
        # character-level trim: the tokeniser may glue punctuation to a name ("Jong-un,…")
        left, right = clean_surface(text[span.start_char : span.end_char])
        start, end = span.start_char + left, span.end_char - right
        if end <= start:
            continue
        label = span.label_
        rows.append(
            {
                "mention_id": mention_id(article.article_id, start, end),
                "start": start,
                "end": end,
                "text": text[start:end],
                "label": label,
                "entity_id": None,
                "spacy_label": span_value(span, "presslens_spacy_label") or label,
                "source": span_value(span, "presslens_source") or "model",
                "refers_to_name": span_value(span, "presslens_refers_to") if metonymy else None,
                "form": "name",
                "antecedent_id": None,
            }
        )
        row_of_span[(span.start_char, span.end_char)] = rows[-1]
    if options.get("descriptions", False):
        for found in descriptions(doc, list(doc.spans[SPAN_KEY])):
            antecedent = row_of_span.get((found.antecedent.start_char, found.antecedent.end_char))
            if antecedent is None:
                continue
            rows.append(
                {
                    "mention_id": mention_id(article.article_id, found.start, found.end),
                    "start": found.start,
                    "end": found.end,
                    "text": text[found.start : found.end],
                    "label": antecedent["label"],
                    "entity_id": None,
                    "spacy_label": None,
                    "source": "coreference",
                    "refers_to_name": None,
                    "form": found.form,
                    "antecedent_id": antecedent["mention_id"],
                }
            )
    # the tokens recovery matches known names against, from this parse: not tokenised again in the corpus step
    return {"mentions": rows, NAME_TOKENS: [name_token_row(doc)]}


# --- the repairs, each a small function over spans -----------------------------------
def _new_span(doc: Doc, start: int, end: int, label: str, *, source: str, spacy_label: str | None) -> Span:
    span = Span(doc, start, end, label=label)
    _set_span_value(span, "presslens_source", source)
    _set_span_value(span, "presslens_spacy_label", spacy_label)
    return span


_NUMBERED_NAMES = frozenset({"PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "FAC"})  # "Boeing 747", "Euro 2000"


def _cut_numbers_and_lines(span: Span) -> Span | None:
    """A name never spans a line break, and scores, ranks and dates at its edges
    are not part of it ("Lithuania 2-1", "288 Jose Coceres", "CITY 1996-08-30")."""
    start, end = span.start, span.end
    doc = span.doc
    for i in range(start, end - 1):
        if "\n" in doc[i].whitespace_ or doc[i + 1].is_space or "\n" in doc[i + 1].text:
            end = i + 1  # keep the first line: the model's reading started there
            break
        following = doc[i + 1]
        if following.text in ("(", ")") or (
            following.text in ("-", "–", "—") and doc[i].whitespace_ and following.whitespace_
        ):
            # a bracket or a spaced dash separates two names ("Ana Berg ( Marland", "Marland - Ana Berg")
            end = i + 1
            break
    # a sentence-opening adverb or determiner glued to a name ("Later Ri said")
    while (
        end - start > 1
        and doc[start].is_sent_start
        and doc[start].pos_ in ("ADV", "ADP", "SCONJ", "CCONJ", "DET", "PRON")
    ):
        start += 1
    if span.label_ not in _NUMBERED_NAMES:
        while end > start and (_is_number(doc[end - 1]) or _is_score(doc[end - 1].text)):
            end -= 1
        while start < end and (_is_number(doc[start]) or _is_score(doc[start].text)):
            start += 1
    if (start, end) == (span.start, span.end):
        return span
    if start >= end or not any(t.is_alpha for t in doc[start:end]):
        return None
    return _new_span(
        doc,
        start,
        end,
        span.label_,
        source=span_value(span, "presslens_source") or "model",
        spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
    )


_SCORE = re.compile(r"\d+(?:[-:./]\d+)*(?:st|nd|rd|th)?")


def _is_number(token: Token) -> bool:
    """A number, but not a capitalised ordinal word, which is part of many names ("First Corvan",
    "Second City"; spaCy's ``like_num`` counts "First")."""
    return token.like_num and not (token.is_title and token.is_alpha and token.lower_.endswith(_ORDINAL_ENDINGS))


_ORDINAL_ENDINGS = ("st", "nd", "rd", "th")


def _is_score(text: str) -> bool:
    return _SCORE.fullmatch(text) is not None


def _cut_lower_tail(span: Span) -> Span:
    """An organisation or a person never ends in lower-case words: the model runs a name on into
    the noun or the word after it ("Velm Press news agency", "Velm Police and", "Ana Berg in").
    Kept whole when what is left would be a nationality alone ("Sundrian defence ministry")."""
    if span.label_ not in ("ORG", "PERSON") or not span[-1].is_lower:
        return span
    end = span.end
    while end > span.start and span.doc[end - 1].is_lower:
        end -= 1
    last = span.doc[end - 1] if end > span.start else None
    if (
        last is None
        or not (last.is_title or last.is_upper)
        or looks_like_demonym(last.text)
        or nationality_country(last.text)
    ):
        return span
    return _new_span(
        span.doc,
        span.start,
        end,
        span.label_,
        source=str(span_value(span, "presslens_source") or "model"),
        spacy_label=str(span_value(span, "presslens_spacy_label") or span.label_),
    )


def _trim(span: Span) -> Span | None:
    """The span without determiners, possessives, edge punctuation and lower-case words at its end."""
    span = _cut_numbers_and_lines(span)
    if span is None:
        return None
    span = _cut_lower_tail(span)
    text = doc_text(span.doc)  # Span.text joins its tokens on each access; a slice does not
    left, right = clean_surface(text[span.start_char : span.end_char])
    if not left and not right:
        return span
    start_char, end_char = span.start_char + left, span.end_char - right
    if end_char <= start_char:
        return None
    trimmed = span.doc.char_span(start_char, end_char, label=span.label_, alignment_mode="contract")
    if trimmed is None or trimmed.end_char - trimmed.start_char < end_char - start_char:
        # the tokeniser glued punctuation to the name ("Jong-un,…"): keep the whole
        # token here; the mention rows trim to the characters of the name
        trimmed = span.doc.char_span(start_char, end_char, label=span.label_, alignment_mode="expand")
    if trimmed is None or not text[trimmed.start_char : trimmed.end_char].strip():
        return None
    _set_span_value(trimmed, "presslens_source", span_value(span, "presslens_source"))
    _set_span_value(trimmed, "presslens_spacy_label", span_value(span, "presslens_spacy_label") or span.label_)
    return trimmed


def _is_name_word(token) -> bool:
    return (
        token.is_alpha
        and token.is_title
        and token.pos_ in ("PROPN", "")
        and token.lower_ not in _MONTHS_DAYS
        and not token.is_sent_start
        and not is_title_word(token.text)
    )


def _extend_person_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """Join a PERSON span with the capitalised name words directly after it
    ("Ri Son" + "Gwon"), swallowing a one-word span the model tagged there."""
    by_start = {s.start: s for s in spans}
    dropped: set[int] = set()
    out: list[Span] = []
    for span in spans:
        if id(span) in dropped:
            continue
        if span.label_ != "PERSON" or len(span) > 3:
            out.append(span)
            continue
        end = span.end
        while end < len(doc) and end - span.start < 4 and doc[end - 1].whitespace_ and _is_name_word(doc[end]):
            follower = by_start.get(end)
            if follower is not None and (len(follower) > 1 or follower.label_ not in ("NORP", "PERSON", "ORG")):
                break
            if follower is not None:
                dropped.add(id(follower))
            end += 1
        if end > span.end and "\n" not in doc[span.start : end].text:
            span = _new_span(doc, span.start, end, "PERSON", source="extended", spacy_label=span.label_)
        out.append(span)
    return [s for s in out if id(s) not in dropped]


_OPEN_QUOTES = frozenset({"'", '"', "“", "‘"})
_CLOSE_QUOTES = frozenset({"'", '"', "”", "’"})


def _join_nicknames(doc: Doc, spans: list[Span]) -> list[Span]:
    """A quoted nickname between a given name and a surname is part of the name ("Vincent 'The Chin'
    Gigante", "Vincent \u201cChin\u201d Gigante"): the model tags the two halves apart, or one of them only.
    The given name is one or two capitalised words, the nickname up to three words in quotes, the
    surname one capitalised word; the model must read the given name or the surname as a person."""
    person_at = {i: s for s in spans if s.label_ == "PERSON" for i in range(s.start, s.end)}
    text = doc_text(doc)
    # where a nickname may open: inside or right after a span ("Vincent '"), or before a person's surname
    openings = set()
    for span in spans:
        openings.add(next((i for i in range(span.start + 1, span.end) if doc[i].text in _OPEN_QUOTES), span.end))
        if span.label_ == "PERSON" and span.start >= 3 and doc[span.start - 1].text in _CLOSE_QUOTES:
            openings.update(i for i in range(span.start - 5, span.start - 2) if i >= 0 and doc[i].text in _OPEN_QUOTES)
    joined: list[Span] = []
    for opening in sorted(openings):
        if not 0 < opening < len(doc) - 3 or doc[opening].text not in _OPEN_QUOTES or doc[opening].whitespace_:
            continue
        first = opening
        while first > 0 and opening - first < 2 and doc[first - 1].is_alpha and doc[first - 1].is_title:
            first -= 1
        close = next((i for i in range(opening + 2, min(opening + 5, len(doc))) if doc[i].text in _CLOSE_QUOTES), None)
        if first == opening or close is None or close + 1 >= len(doc):
            continue
        nickname, surname = doc[opening + 1 : close], doc[close + 1]
        if not (
            all(t.is_alpha and (t.is_title or t.lower_ == "the") for t in nickname)
            and nickname[-1].is_title
            and surname.is_alpha
            and surname.is_title
            and (close + 1 in person_at or first in person_at)
        ):
            continue
        if reads_as_headline_verb(surname.text) and title_case_line(text, doc[first].idx, surname.idx + len(surname)):
            continue  # a quoted title between a name and the headline's verb ("Ana Berg 'Night Music' Negotiations")
        follower = person_at.get(close + 1)
        if follower is not None and len(follower) > 1:
            continue  # a full name of its own follows ("Ana Berg 'Velm' Tom Orel"): two people
        joined.append(_new_span(doc, first, close + 2, "PERSON", source="extended", spacy_label="PERSON"))
    if not joined:
        return spans
    joined = filter_spans(joined)
    covered = {i for s in joined for i in range(s.start, s.end)}
    kept = [s for s in spans if not any(i in covered for i in range(s.start, s.end))]
    return sorted([*kept, *joined], key=lambda s: s.start)


def _split_trailing_person(doc: Doc, spans: list[Span]) -> list[Span]:
    """Split "<organisation> <Given> <Surname>" when the surname is a person
    elsewhere in the document ("the Foreign Ministry's head, Ministry X Y"): a full name
    ending with the words split off, and not this same name read as a person ("Velm
    Rehab Center" tagged a person elsewhere) nor a one-word "person" ("Herons")."""
    full_names = [tuple(t.text for t in s) for s in spans if s.label_ == "PERSON" and len(s) > 1 and s[-1].is_title]
    surnames = {words[-1] for words in full_names}
    out: list[Span] = []
    for span in spans:
        last = span[-1]
        if span.label_ in ("ORG", "GPE", "NORP", "FAC") and len(span) > 2 and last.text in surnames:
            first = span.end - 1
            if span.end - 2 > span.start and doc[span.end - 2].is_title and doc[span.end - 2].pos_ == "PROPN":
                first = span.end - 2  # one given name before the surname
            head = span.doc[span.start : first]
            words = tuple(t.text for t in span)
            person = words[first - span.start :]
            # a full name running into the organisation's words is the organisation read as a person
            named = any(
                n[-len(person) :] == person and not (len(n) > len(person) and words[-len(n) :] == n) for n in full_names
            )
            if head and head[-1].is_title and named:
                out.append(_new_span(doc, span.start, first, span.label_, source="split", spacy_label=span.label_))
                out.append(_new_span(doc, first, span.end, "PERSON", source="split", spacy_label=span.label_))
                continue
        out.append(span)
    return out


_COORDINATORS = frozenset({"and", "or", ","})


def _split_coordinated(doc: Doc, spans: list[Span]) -> list[Span]:
    """Split "<name> and <name>" ("Velmar and Tessin", "Ana Berg, Tom Orel") read as one name
    when the document names each part on its own elsewhere, as the whole or the end of a
    name; each part takes that name's label. One name with "and" inside ("Roads and Rivers
    Board", "Office of Management and Budget") has a part the document never uses alone,
    or a lower-case word, and stays whole."""
    if not any(t.text in _COORDINATORS for s in spans for t in s[1:-1]):
        return spans
    cut_at = [[t.i for t in s[1:-1] if t.text in _COORDINATORS] for s in spans]
    # every run of words that ends a name named on its own, with that name's label ("Ana Berg", "Berg")
    ends: dict[tuple[str, ...], str] = {}
    for span, cuts in zip(spans, cut_at):
        if not cuts:
            words = tuple(t.text for t in span)
            for k in range(len(words)):
                if k == 0 or words[k:] not in ends:
                    ends[words[k:]] = span.label_
    out: list[Span] = []
    for span, cuts in zip(spans, cut_at):
        bounds = [span.start, *(b for c in cuts for b in (c, c + 1)), span.end]
        parts = list(zip(bounds[::2], bounds[1::2]))
        labels = [ends.get(tuple(t.text for t in doc[a:b]), "") for a, b in parts]
        if not cuts or not all(
            label and all(t.is_title or t.is_upper for t in doc[a:b]) for (a, b), label in zip(parts, labels)
        ):
            out.append(span)
            continue
        out.extend(
            _new_span(doc, a, b, label, source="split", spacy_label=span.label_) for (a, b), label in zip(parts, labels)
        )
    return out


def _strip_person_titles(doc: Doc, spans: list[Span]) -> list[Span]:
    """A person mention without its leading title phrase ("Sundrian Defence
    Minister Paul Ambery" -> "Paul Ambery"); a mention that is only a title or
    an office ("Defence Minister", "Minister") names no person and is dropped."""
    text = doc_text(doc)
    nationality = {text[s.start_char : s.end_char] for s in spans if s.label_ == "NORP"}
    out = []
    for span in spans:
        if span.label_ != "PERSON":
            out.append(span)
            continue
        words = [t for t in span]
        flags = [t.text in nationality or (t.pos_ == "ADJ" and looks_like_demonym(t.text)) for t in words]
        cut = title_prefix([t.text for t in words], demonym=flags)
        if cut == 0:
            out.append(span)
        elif cut < len(words) and any(t.is_alpha for t in words[cut:]):
            out.append(
                _new_span(
                    doc,
                    span.start + cut,
                    span.end,
                    "PERSON",
                    source=span_value(span, "presslens_source") or "model",
                    spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
                )
            )
    return out


def _strip_common_noun_openers(doc: Doc, spans: list[Span]) -> list[Span]:
    """A sentence that opens with an occupation before a full name ("Comedian Ana Berg will host")
    gives the model a three-word person: the first word goes when the text also writes it in lower
    case ("the comedian"), so it is a common noun, and a full name of two words or more remains."""
    text = doc_text(doc)
    out = []
    for span in spans:
        first = span[0] if span.label_ == "PERSON" and len(span) >= 3 else None
        if (
            first is not None
            and first.is_sent_start
            and first.is_alpha
            and first.is_title
            and all(t.is_alpha and t.text[:1].isupper() for t in span[1:])
            and re.search(rf"(?<![\w-]){re.escape(first.lower_)}(?![\w-])", text) is not None
        ):
            span = _new_span(
                doc,
                span.start + 1,
                span.end,
                "PERSON",
                source=span_value(span, "presslens_source") or "model",
                spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
            )
        out.append(span)
    return out


def _strip_trailing_titles(doc: Doc, spans: list[Span]) -> list[Span]:
    """An organisation run into the title of the person named after it ("Velm Homicide Capt. Ana
    Berg" read as "Velm Homicide Capt"): the title goes, the organisation stays."""
    out = []
    for span in spans:
        if (
            span.label_ in ("ORG", "GPE", "FAC")
            and len(span) >= 2
            and span.end + 1 < len(doc)
            and is_title_word(span[-1].text)
            and not any(is_title_word(t.text) for t in span[:-1])
            and (doc[span.end].is_title or (doc[span.end].text == "." and doc[span.end + 1].is_title))
        ):
            span = _new_span(
                doc,
                span.start,
                span.end - 1,
                span.label_,
                source=span_value(span, "presslens_source") or "model",
                spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
            )
        out.append(span)
    return out


def _drop_headline_labels(doc: Doc, spans: list[Span]) -> list[Span]:
    """A single capitalised word opening a line and followed by a colon
    ("Analysis: ...", "Explainer: ...") is a rubric, unless the text uses the
    word again elsewhere (then it is a speaker, "Ostrovel: ...")."""
    out = []
    text = doc_text(doc)
    for span in spans:
        if (
            len(span) == 1
            and span.label_ in ("PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART")
            and span.end < len(doc)
            and doc[span.end].text == ":"
            and span[0].is_title
            and not text[text.rfind("\n", 0, span.start_char) + 1 : span.start_char].strip()
            and len(re.findall(rf"\b{re.escape(span.text)}\b", text)) == 1
        ):
            continue
        out.append(span)
    return out


def _places_with_scores_are_teams(doc: Doc, spans: list[Span]) -> list[Span]:
    """In a line of sports results or standings ("<City> 2 <City> 1"), a city or
    region followed by a score is a club, i.e. an organisation. Countries stay
    places (national teams are read as their country)."""
    out = []
    for span in spans:
        if (
            span.label_ in ("GPE", "LOC", "ORG")
            and span.end < len(doc)
            and _is_score(doc[span.end].text)
            and not is_country(span.text)
            and _numeric_line(doc, span.end)
        ):
            # an ORG there is a club too: the source records the evidence for the corpus step
            span = _new_span(
                doc,
                span.start,
                span.end,
                "ORG",
                source="team",
                spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
            )
        out.append(span)
    return out


# Words that put two sides of a match around them ("Velm beat Torsk", "Velm v Torsk", "drew with Torsk").
_MATCH_WORDS_BETWEEN = frozenset({"beat", "beats", "defeated", "v", "vs", "vs.", "versus"})
_MATCH_WORDS_BEFORE = frozenset({("drew", "with"), ("draw", "with"), ("lost", "to"), ("losing", "to")})


def _names_in_standings_are_teams(doc: Doc, spans: list[Span]) -> list[Span]:
    """Clubs named by their city or by a short name, read from how sport writes them:

    - a line of names and figures only, starting with a name: a standings row ("Velm 12 8 3 .640 -")
      or a results line ("Velm 2 Torsk 1"): each run of capitalised words is a team, unless it is a
      country (national teams are read as their country), has an initial ("W. Tolle 111") or is the
      model's multi-word person ("Ana Berg 68 70"): players come with a first name or an initial;
    - a city or region on either side of "beat", "v" or after "drew with" / "lost to"."""
    out = list(spans)
    text = doc_text(doc)
    for start, end in _lines(doc):
        if _ISO_DATE.search(text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]):
            continue  # a dateline: its words are places
        # tokens made one at a time: a line of prose ends the walk at its first lowercase word
        tokens = (t for t in doc[start:end] if t.text not in ("-", "(", ")", ",", ":"))
        runs: list[list[int]] = []
        figures, previous_figure = 0, True
        first = None
        for token in tokens:
            if first is None:
                first = token.i
            if _FIGURE.fullmatch(token.text):
                figures += 1
                previous_figure = True
            elif token.is_alpha and token.text[:1].isupper():
                if previous_figure:
                    runs.append([])
                runs[-1].append(token.i)
                previous_figure = False
            else:
                runs = []
                break
        if figures < 2 or not runs or first != runs[0][0]:
            continue
        model = {(s.start, s.end): s for s in out}
        for run in runs:
            first, last = run[0], run[-1] + 1
            if doc[first].lower_ in _MONTHS_DAYS:
                continue  # a fixture list's date ("June 5-9")
            kept = model.get((first, last))
            if is_country(doc[first:last].text) or any(doc[i].text.endswith(".") for i in run):
                continue
            if kept is not None and ((kept.label_ == "PERSON" and last - first > 1) or kept.label_ == "ORG"):
                continue
            out = [s for s in out if not (s.start < last and first < s.end)]
            out.append(
                _new_span(
                    doc,
                    first,
                    last,
                    "ORG",
                    source="team",
                    spacy_label=(span_value(kept, "presslens_spacy_label") or kept.label_) if kept else None,
                )
            )
    out.sort(key=lambda s: s.start)
    for n, span in enumerate(out):
        if span.label_ not in ("GPE", "LOC") or is_country(span.text):
            continue
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        before2 = (doc[span.start - 2].lower_, before) if span.start > 1 else ("", "")
        after = doc[span.end].lower_ if span.end < len(doc) else ""
        if before in _MATCH_WORDS_BETWEEN or after in _MATCH_WORDS_BETWEEN or before2 in _MATCH_WORDS_BEFORE:
            out[n] = _new_span(
                doc,
                span.start,
                span.end,
                "ORG",
                source="team",
                spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
            )
    return out


def _lines(doc: Doc) -> list[tuple[int, int]]:
    """``(start, end)`` token ranges of the document's lines: the tokens between whitespace tokens.

    The whitespace tokens and the tokens holding a line break are read from the arrays and the breaks'
    offsets (a token's own whitespace is one space at most, so a break is always inside a token):
    walking the Tokens made an object per word of the article.

    >>> import spacy
    >>> _lines(spacy.blank("en")("A title\\n\\nFirst line.\\nSecond"))
    [(0, 2), (3, 6), (7, 8)]
    """
    text = doc_text(doc)
    starts, spaces = _token_starts(doc), doc.to_array(IS_SPACE).tolist()
    ends = {i for i, space in enumerate(spaces) if space}
    ends.update(bisect_right(starts, m.start()) - 1 for m in _NEWLINE.finditer(text))
    lines, start = [], 0
    for i in sorted(ends):
        if i > start:
            lines.append((start, i))
        start = i + 1
    if start < len(doc):
        lines.append((start, len(doc)))
    return lines


def _token_starts(doc: Doc) -> list[int]:
    """Each token's character offset (``Token.idx``), read from the Doc's array, not from Token objects."""
    return doc.to_array(IDX).tolist()


_NEWLINE = re.compile("\n")


_ISO_DATE = re.compile(r"\s(\d{4}-\d{2}-\d{2})\s*$")
# a score, a rank or a ratio in a table: "2", "2-1", "4:23", ".640", "1/2"
_FIGURE = re.compile(r"[-+]?(?:\d+(?:[-:./]\d+)*|\.\d+)(?:st|nd|rd|th)?")


def _datelines_are_places(doc: Doc, spans: list[Span]) -> list[Span]:
    """A dateline — a short line of capitalised place words and then a date ("VELM 2024-03-01",
    "TORSK , Marland 2024-03-01") — names where the story was filed: its words are places,
    whatever the model read in them (it often misses a city written in capitals)."""
    added: list[Span] = []
    replaced: set[int] = set()
    text = doc_text(doc)
    for start, end in _lines(doc):
        line = text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]
        date = _ISO_DATE.search(line)
        if date is None or end - start > 12:
            continue
        date_start = doc[start].idx + date.start(1)
        end = next((t.i for t in doc[start:end] if t.idx >= date_start), end)
        groups: list[list[int]] = [[]]
        for token in doc[start:end]:
            if token.text == ",":
                groups.append([])
            elif token.is_alpha and token.text[:1].isupper():
                groups[-1].append(token.i)
            else:
                groups = []
                break
        for group in groups:
            if not group:
                continue
            label = "GPE"
            for span in spans:
                if span.start < group[-1] + 1 and group[0] < span.end:
                    replaced.add(id(span))
            added.append(_new_span(doc, group[0], group[-1] + 1, label, source="dateline", spacy_label=None))
    if not added:
        return spans
    return sorted([s for s in spans if id(s) not in replaced] + added, key=lambda s: s.start)


def _numeric_line(doc: Doc, i: int) -> bool:
    text = doc_text(doc)
    start = text.rfind("\n", 0, doc[i].idx) + 1
    end = text.find("\n", doc[i].idx)
    line = text[start : end if end >= 0 else len(text)]
    words = line.split()
    numbers = sum(1 for w in words if _is_score(w))
    lower = sum(1 for w in words if w[:1].islower())
    return numbers >= 2 and lower <= 2


def cue_label(span: Span) -> str | None:
    """The label the words around ``span`` give it, or None: a body's head noun at its end ("Velm
    Police", "Marl Interior Ministry") makes it an organisation; a place noun after it or at its end
    ("Velm region", "the Velm and Torsk regions", "Marl People's Republic") makes it a place; a
    work noun before or after it ("the programme Vel Nocturno", "Vel Nocturno show") a work or
    a publication. Cues, not names: they hold for names never seen before."""
    doc = span.doc
    last = doc[span.end - 1]
    if span.end - span.start > 1 and last.lower_ in BODY_HEADS and last.text[:1].isupper():
        return "ORG"  # "Velm Police", "Ostrak Foreign Ministry": a body of a place, not the place or a person
    if last.lower_ in _PLACE_NOUNS and span.end - span.start > 1:
        return "GPE"
    # walk right over a list of names ("X, Y and Z regions") to the noun that ends it
    comma = conjunction = False
    for token in doc[span.end : min(len(doc), span.end + 10)]:
        if token.lower_ in _PLACE_NOUNS:
            if not comma or conjunction:
                return "GPE"
            break
        if token.text == ",":
            comma = True
        elif token.lower_ in ("and", "or", "&"):
            conjunction = True
        elif not (token.is_title or token.is_upper or token.lower_ in ("'s", "’s", "-")):
            break
        if "\n" in token.whitespace_:
            break
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if before is not None and before.lower_ in _WORK_NOUNS and before.pos_ == "NOUN":
        return _WORK_NOUNS[before.lower_]
    if (
        after is not None
        and after.lower_ in _WORK_NOUNS
        and after.lower_ not in _WORK_NOUNS_BEFORE_ONLY
        and after.pos_ == "NOUN"
    ):
        return _WORK_NOUNS[after.lower_]
    return None


def _labels_from_cues(spans: list[Span]) -> list[Span]:
    """A person by the model's guess that the words around it call a place or a work takes that label:
    places, regions, "People's Republic" names and titles of programmes or newspapers are never persons."""
    out = []
    for span in spans:
        cue = cue_label(span) if span.label_ in ("PERSON", "ORG", "NORP", "PRODUCT", "GPE") else None
        if cue is None and span.label_ == "PERSON" and _after_locative(span):
            cue = "GPE"  # "a store in Velmar": people are seldom in or near a person
        # a cue overrules a person, a place called a body ("Velm Police") and anything called a place
        if cue is not None and cue != span.label_ and (span.label_ == "PERSON" or cue in ("GPE", "ORG")):
            span = _new_span(
                span.doc,
                span.start,
                span.end,
                cue,
                source=span_value(span, "presslens_source") or "model",
                spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
            )
        out.append(span)
    return out


def _after_locative(span: Span) -> bool:
    """Whether ``span`` follows a locative preposition ("in", "near") and is no possessive ("in
    Berg's view") nor part of a longer run of capitalised words the model left out."""
    doc = span.doc
    if span.start == 0 or doc[span.start - 1].lower_ not in LOCATIVE_PREPOSITIONS:
        return False
    after = doc[span.end] if span.end < len(doc) else None
    return after is None or not (after.lower_ in ("'s", "’s", "'") or after.text[:1].isupper())


def _cut_headline_persons(doc: Doc, spans: list[Span]) -> list[Span]:
    """In a title-case headline the model runs a name into the words after it ("Ana Berg Checks Into
    Rehab", "Velmar Launches Patch"): when the whole span is found nowhere else in the text, it is cut to
    its longest beginning that the text uses elsewhere ("Ana Berg") where the next word reads as the
    headline's verb (-s, -ed, -ly); failing that, a person's name is cut
    after its last word the text uses elsewhere ("Berg"). The words cut off are the headline's verb and
    object, which the story writes in lower case or not at all."""
    text = doc_text(doc)
    out = []
    for span in spans:
        if (
            len(span) >= 2
            and span.label_ in ("PERSON", "ORG", "GPE", "NORP", "PRODUCT", "WORK_OF_ART")
            and title_case_line(text, span.start_char, span.end_char)
            and not is_country(text[span.start_char : span.end_char])
        ):
            whole = text[span.start_char : span.end_char]
            elsewhere = text[: span.start_char] + "\n" + text[span.end_char :]
            if whole not in elsewhere:
                # a line of results is no headline: "Rose Cheruiyot (Kenya) 15:05" keeps its surname
                end = (
                    _used_beginning(doc, span, elsewhere)
                    if title_case_line(text, span.start_char, span.end_char, figures=False)
                    else None
                )
                if end is None and span.label_ == "PERSON" and len(span) >= 3:
                    # the last word is the run-on's, except after a quoted nickname: a surname the story
                    # uses again is kept there ("Vincent 'The Chin' Gigante")
                    nickname = any(t.text in _OPEN_QUOTES for t in span)
                    end = next(
                        (
                            e
                            for e in range(span.end if nickname else span.end - 1, span.start, -1)
                            if doc[e - 1].text[:1].isupper() and _used_elsewhere(doc[e - 1].text, elsewhere)
                        ),
                        None,
                    )
                if end is not None and end < span.end:
                    span = _new_span(
                        doc,
                        span.start,
                        end,
                        span.label_,
                        source=span_value(span, "presslens_source") or "model",
                        spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
                    )
        out.append(span)
    return out


def _used_elsewhere(words: str, elsewhere: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", elsewhere) is not None


def _used_beginning(doc: Doc, span: Span, elsewhere: str) -> int | None:
    """The end of the longest beginning of ``span`` (shorter than it, ending in a capitalised word)
    that ``elsewhere`` uses as a name of its own, not run into a further capitalised word ("United"
    of "United Nations" is no name of its own); None if there is none."""
    text = doc_text(doc)
    for end in range(span.end - 1, span.start, -1):
        last = doc[end - 1]
        if not (last.is_alpha and last.text[:1].isupper()):
            continue
        beginning = re.escape(text[span.start_char : last.idx + len(last)])
        if re.search(rf"(?<!\w){beginning}(?!\w)(?![ \t]+[A-Z])", elsewhere):
            # the first word cut off is the headline's verb ("Checks", "Launches", "Reportedly"), not a
            # word of the name ("Foundation", "Atoll") nor a name the text uses again ("Samokhalova")
            cut = doc[end].text
            return end if reads_as_headline_verb(cut) and not _used_elsewhere(cut, elsewhere) else None
    return None


def _drop_office_title_words(doc: Doc, spans: list[Span]) -> list[Span]:
    """A capitalised common word inside an office title ("Chairman of State Affairs", "Secretary of
    State") is part of the title, not a name of its own: a span right after "<title> of" whose words
    are title-qualifying words, or that the next title-qualifying word continues, is dropped."""
    out = []
    for span in spans:
        if span.label_ != "PERSON" and span.start >= 2 and doc[span.start - 1].lower_ in ("of", "for"):
            title = doc[span.start - 2]
            after = doc[span.end] if span.end < len(doc) else None
            words = [t.lower_ for t in span if not t.is_punct]
            if (
                is_title_word(title.text)
                and not is_country(span.text)
                and (
                    all(w in ROLE_WORDS for w in words)
                    or (after is not None and after.is_title and after.lower_ in ROLE_WORDS)
                )
            ):
                continue
        out.append(span)
    return out


def _name_weight(span: Span, words: tuple[str, ...]) -> float:
    """How much one mention's label counts in the document's vote: a multi-word
    name, a place after a locative preposition ("in X") and a person after a
    title ("Minister X") or before a speech verb ("X said") are confident
    readings; a one-word name elsewhere is the model's guess."""
    doc = span.doc
    weight = 2.0 if len(words) > 1 else 1.0
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if before is not None and span.label_ in ("GPE", "LOC", "FAC") and before.lower_ in LOCATIVE_PREPOSITIONS:
        weight += 2.0
    if span.label_ == "PERSON":
        if before is not None and is_title_word(before.text):
            weight += 2.0
        if after is not None and after.lower_ in REPORTING_VERB_FORMS:
            weight += 1.0
    elif span.label_ in ("GPE", "ORG", "WORK_OF_ART") and cue_label(span) == span.label_:
        weight += 3.0  # "Velm region", "the programme Vel Nocturno": the words say what it is
    if span_value(span, "presslens_source") in ("team", "dateline"):
        weight += 3.0  # a standings row, a match report or a dateline says what it is
    return weight


def _relabel_by_agreement(spans: list[Span]) -> list[Span]:
    """One label per name inside the document; a surname alone takes its full name's label."""
    votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    counts: Counter = Counter()
    person_words: Counter = Counter()
    org_heads: Counter = Counter()
    text = doc_text(spans[0].doc) if spans else ""
    texts = [text[span.start_char : span.end_char] for span in spans]  # Span.text joins tokens on each access
    span_words = [name_tokens(span_text) for span_text in texts]
    for span, words in zip(spans, span_words):
        votes[words][span.label_] += _name_weight(span, words)
        counts[words] += 1
        if span.label_ == "PERSON" and len(words) > 1:
            for word in words:
                if word not in ROLE_WORDS and not is_title_word(word):
                    person_words[word] += 1
        if span.label_ == "ORG" and len(words) > 1 and words[0] not in ROLE_WORDS:
            org_heads[words[0]] += 1  # "Velmar Holdings Inc": "Velmar" alone is the company
    out = []
    for span, span_text, words in zip(spans, texts, span_words):
        label = span.label_
        ranked = votes[words].most_common(2)
        if (len(ranked) > 1 and ranked[0][1] > ranked[1][1]) or len(ranked) == 1:
            label = ranked[0][0]
        if (
            len(words) == 1
            and person_words.get(words[0])
            and label in ("ORG", "GPE", "NORP", "PRODUCT", "LOC", "FAC")
            and not (label == "NORP" and looks_like_demonym(span_text))
        ):
            # "Morozova" (ORG) after "Anna Morozova" (PERSON): a surname, not an organisation; nor a
            # nationality when it has no nationality's ending, however often the model says so
            if counts[words] <= person_words[words[0]] * 2 or label in ("ORG", "NORP"):
                label = "PERSON"
        elif len(words) == 1 and label == "PERSON" and org_heads.get(words[0]) and not person_words.get(words[0]):
            label = "ORG"  # the short form of an organisation the document names in full
        if label != span.label_:
            span = _new_span(
                span.doc,
                span.start,
                span.end,
                label,
                source=span_value(span, "presslens_source") or "model",
                spacy_label=span_value(span, "presslens_spacy_label") or span.label_,
            )
        out.append(span)
    return out


def _recover_countries(doc: Doc, spans: list[Span]) -> list[Span]:
    """Country names and nationality adjectives the model left untagged ("Belarus", "AUSTRALIA",
    "French") are added: the country lexicon knows every country by each of its forms, and the
    adjectives follow from them; a capitalised word is needed, so "china" the porcelain is not."""
    taken = {i for s in spans for i in range(s.start, s.end)}
    found = []
    # a token's text starts at its offset: its first character, and whether it is a word, come from the
    # arrays (asking ``doc[i]`` made three Token objects per word of the article)
    text = doc_text(doc)
    starts = _token_starts(doc)
    capital = [text[start].isupper() for start in starts]
    alpha = doc.to_array(IS_ALPHA).tolist()
    ends = [start + size for start, size in zip(starts, doc.to_array(LENGTH).tolist())]
    i = 0
    while i < len(doc):
        if i in taken or not capital[i] or not alpha[i]:
            i += 1
            continue
        for width in (3, 2, 1):
            end = i + width
            if end > len(doc) or any(j in taken or not capital[j] for j in range(i, end)):
                continue
            surface = text[starts[i] : ends[end - 1]]  # = doc[i:end].text
            label = "GPE" if is_country(surface) else "NORP" if nationality_country(surface) else None
            if label is not None and not (width == 1 and doc[i].is_sent_start and doc[i].pos_ not in ("PROPN", "ADJ")):
                found.append(_new_span(doc, i, end, label, source="lexicon", spacy_label=None))
                i = end
                break
        else:
            i += 1
    return sorted([*spans, *found], key=lambda s: s.start) if found else spans


def _recover_repeats(doc: Doc, spans: list[Span]) -> list[Span]:
    """Tag untagged occurrences of names the document already tagged elsewhere
    (and the surnames of its full person names)."""
    if not spans:
        return spans
    form_votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    # a headline in capitals ("SAINTS SIGN VELM PLAYER") names what the body names in mixed case,
    # and the small model tags few words in capitals
    upper = _mostly_upper(doc) or _has_capitals_line(doc_text(doc))
    # a word the document also writes in lower case is a common word too ("Page", "page")
    lower_words = {t.text for t in doc if t.is_lower} if upper else set()
    for span in spans:
        tokens = list(span)  # each iteration of a Span builds its Token objects anew
        forms = {tuple(t.text for t in tokens)}
        names = [t for t in tokens if not t.is_punct]
        if span.label_ == "PERSON" and len(names) > 1 and names[-1].is_title and len(names[-1]) > 2:
            forms.add((names[-1].text,))  # the surname alone
        if span.label_ == "PERSON" and len(names) > 2 and all(len(t) <= 4 for t in names[1:]) and names[0].is_title:
            forms.add((names[0].text,))  # East Asian order: the family name comes first ("Kim Jong Un" -> "Kim")
        if upper:  # headlines and wire-style all-capitals text
            # not a one-word name that is also a month or a common word in capitals ("MAY", "PAGE")
            forms |= {
                tuple(w.upper() for w in form)
                for form in forms
                if len(form) > 1
                or (len(form[0]) > 3 and form[0].lower() not in _MONTHS_DAYS and form[0].lower() not in lower_words)
            }
        for form in forms:
            form_votes[form][span.label_] += 1
    taken = {i for s in spans for i in range(s.start, s.end)}
    found = []
    for start, end, label in _occurrences(
        doc, {form: votes.most_common(1)[0][0] for form, votes in form_votes.items()}
    ):
        if any(i in taken for i in range(start, end)):
            continue
        if end - start == 1 and (doc[start].is_sent_start and doc[start].pos_ != "PROPN"):
            continue  # a capitalised common word opening a sentence
        found.append(_new_span(doc, start, end, label, source="propagated", spacy_label=None))
    return filter_spans([*spans, *found]) if found else spans


def _recover_acronyms(doc: Doc, spans: list[Span]) -> list[Span]:
    """An untagged acronym made of the initials of an organisation the document names in full
    ("Halvern Micro Devices ... HMD") is that organisation's: the small model misses many capitals
    it has not seen, and an acronym stands for the name the article spelled out. Not in text
    written all in capitals, where every word looks like an acronym."""
    if _mostly_upper(doc):
        return spans
    text = doc_text(doc)
    expansions = {text[s.start_char : s.end_char]: s.label_ for s in spans if s.label_ in ("ORG", "FAC") and len(s) > 1}
    if not expansions:
        return spans
    taken = {i for s in spans for i in range(s.start, s.end)}
    found = []
    # each word's text sliced by its offsets: iterating the Doc made a Token object per word
    for i, (start, size) in enumerate(zip(_token_starts(doc), doc.to_array(LENGTH).tolist())):
        word = text[start : start + size]
        if i in taken or not is_acronym(word) or len(word.replace(".", "")) < 3:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if not any(c.islower() for c in line):
            continue  # a headline in capitals: its words are no acronyms
        labels = {label for name, label in expansions.items() if acronym_of(name, word)}
        if len(labels) == 1:
            found.append(_new_span(doc, i, i + 1, labels.pop(), source="propagated", spacy_label=None))
    return filter_spans([*spans, *found]) if found else spans


def _occurrences(doc: Doc, forms: dict[tuple[str, ...], str]) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of every place, overlapping ones included, where the tokens
    spell one of ``forms`` exactly (what a ``PhraseMatcher`` on ORTH finds, without
    building one per document).

    >>> import spacy
    >>> doc = spacy.blank("en")("Tam met Tam Orel and Tam Orel Vask")
    >>> _occurrences(doc, {("Tam", "Orel"): "PERSON", ("Vask",): "PERSON"})
    [(2, 4, 'PERSON'), (5, 7, 'PERSON'), (7, 8, 'PERSON')]
    """
    from spacy.attrs import ORTH

    by_first: dict[int, list[tuple[tuple[int, ...], str]]] = defaultdict(list)
    for form, label in forms.items():
        if form:
            hashes = tuple(doc.vocab.strings.add(word) for word in form)
            by_first[hashes[0]].append((hashes, label))
    if not by_first or not len(doc):
        return []
    words = doc.to_array(ORTH).tolist()
    found = []
    # dict look-ups over the Python list: numpy's isin sorts both arrays and cost ~4 x as much on an article
    for i in [i for i, word in enumerate(words) if word in by_first]:
        for hashes, label in by_first[words[i]]:
            if tuple(words[i : i + len(hashes)]) == hashes:
                found.append((i, i + len(hashes), label))
    return sorted(found)


def _has_capitals_line(text: str) -> bool:
    """Whether a line of ``text`` with two words at least is written all in capitals (a headline).

    >>> _has_capitals_line("SAINTS SIGN VELM PLAYER\\nThe Saints signed him."), _has_capitals_line("AP\\nText")
    (True, False)
    """
    return any(line.isupper() and " " in line.strip() for line in text.split("\n"))


def _mostly_upper(doc: Doc) -> bool:
    """Whether more than a fifth of the letters in the first 2 000 characters are capitals."""
    n_letters, n_upper = _letter_counts(doc_text(doc)[:2000])
    return n_letters > 0 and n_upper > 0.2 * n_letters


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_UPPER = string.ascii_uppercase.encode()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _letter_counts(text: str) -> tuple[int, int]:
    """How many characters of ``text`` are letters (``str.isalpha``) and how many
    of those are capitals (``str.isupper``).

    Testing each character in Python took 0.06 ms/article; the ASCII ones are
    counted by deleting letters from the bytes (C speed), the few others one by one.

    >>> _letter_counts("Ab1 ÉTÉ été ²")
    (8, 4)
    """
    ascii_bytes = text.encode("ascii", "ignore")
    n_letters = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTERS))
    n_upper = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_UPPER))
    for char in _NON_ASCII.findall(text):
        if char.isalpha():
            n_letters += 1
            n_upper += char.isupper()
    return n_letters, n_upper


def _outlets_read_as_dates(doc: Doc, ents: list[Span]) -> list[Span]:
    """A capitalised "date" word glued to a name is the name of an outlet or
    programme ("<Country> Today"), not a date: join them as one ORG."""
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if (
            ent.label_ in ("DATE", "TIME")
            and len(ent) == 1
            and ent[0].is_title
            and not ent[0].is_sent_start
            and ent[0].lower_ not in _MONTHS_DAYS
            and prev is not None
            and prev.end == ent.start
            and prev.label_ in ("GPE", "ORG", "PERSON", "NORP")
        ):
            out[-1] = _new_span(doc, prev.start, ent.end, "ORG", source="outlet", spacy_label=prev.label_)
            continue
        out.append(ent)
    return out


# After "told" or "<verb> to", the one told is tagged by the model when a person; an untagged
# capitalised name there is the outlet or body told ("told Velmwire", "confirmed to Velmwire"),
# often a common word the model reads as none ("People", "Access").
_TOLD = frozenset({"told", "tells", "tell", "telling"})
_GIVEN_TO = frozenset(
    {
        "according",
        "confirmed",
        "confirms",
        "confirm",
        "revealed",
        "reveals",
        "explained",
        "explains",
        "said",
        "says",
        "spoke",
        "speaking",
        "talked",
        "talking",
    }
)


_OUTLET_HEADS = word_list("outlet_heads", package="toolkit_entities")


def _outlet_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """A run of capitalised words ending in a publication's head word ("Velm Herald", "the Tarn Sun
    Reporter", "ONE News") is an outlet: one organisation, over the spans the model made of its parts
    ("Tarn" as a place). A head word alone, at a sentence's start or in a title-case headline, is none."""
    from spacy.attrs import LOWER

    heads = _cue_hashes()[4]
    lower = doc.to_array(LOWER).tolist()
    found = [i for i in range(1, len(lower)) if lower[i] in heads]
    if not found:
        return spans
    text = doc_text(doc)
    for i in found:
        head = doc[i]
        if not head.text[:1].isupper() or head.is_sent_start:
            continue
        start = i
        while start > 0 and i - start < 3:
            word = doc[start - 1]
            if not (word.is_alpha and word.text[:1].isupper()) or word.lower_ == "the" or "\n" in word.whitespace_:
                break
            start -= 1
            if word.is_sent_start:
                break
        if start == i or title_case_line(text, doc[start].idx, head.idx + len(head)):
            continue
        inside = [s for s in spans if s.start < i + 1 and start < s.end]
        if any(s.start < start or s.end > i + 1 or (s.label_ == "PERSON" and len(s) > 1) for s in inside):
            continue  # the run cuts a name in two, or holds a person's full name ("Ana Berg Times")
        outlet = _new_span(doc, start, i + 1, "ORG", source="outlet", spacy_label=inside[0].label_ if inside else None)
        spans = sorted([*(s for s in spans if s not in inside), outlet], key=lambda s: s.start)
    return spans


@lru_cache(maxsize=1)
def _cue_hashes() -> tuple[frozenset[int], frozenset[int], int, frozenset[int], frozenset[int]]:
    """The hashes of the outlet cue words as ``doc.to_array(LOWER)`` gives them (spaCy's string
    hashes are the same in every vocabulary): "told" words, "<verb> to" verbs, "to", reporting
    verbs and "is", outlet head words."""
    from spacy.strings import StringStore

    strings = StringStore()
    told, given, reporting, heads = (
        frozenset(strings.add(w) for w in words) for words in (_TOLD, _GIVEN_TO, REPORTING_VERB_FORMS, _OUTLET_HEADS)
    )
    return told, given, strings.add("to"), reporting | {strings.add("is")}, heads


def _outlets_from_cues(doc: Doc, spans: list[Span]) -> list[Span]:
    """Untagged names the words around them make an organisation: a capitalised name after "told",
    "according to" or "confirmed to" ("told Velmwire", "according to VELM"), and a name in capitals
    before a reporting verb ("KTN reported", "VEL-TASS is reporting"): an outlet or a body."""
    from spacy.attrs import LOWER

    told, given, to, reporting, _ = _cue_hashes()
    # the cues are found in the token array: a Token object per word cost more than all the rest
    lower = doc.to_array(LOWER).tolist()
    starts = [
        i
        for i in range(1, len(lower))
        if lower[i - 1] in told or (lower[i - 1] == to and i > 1 and lower[i - 2] in given)
    ]
    verbs = [i for i in range(1, len(lower)) if lower[i] in reporting]
    if not starts and not verbs:
        return spans
    taken = {i for s in spans for i in range(s.start, s.end)}

    def free_name(i: int) -> bool:
        token = doc[i]
        return i not in taken and token.is_alpha and token.text[:1].isupper() and not token.is_sent_start

    found: list[tuple[int, int]] = []
    for i in starts:
        end = i
        while end < len(doc) and end - i < 4 and free_name(end) and (end == i or "\n" not in doc[end - 1].whitespace_):
            end += 1
        if end > i and doc[i].text != "I" and not is_title_word(doc[i].text) and doc[i].lower_ not in _MONTHS_DAYS:
            found.append((i, end))
    for verb in verbs:
        if not doc[verb].is_lower or (
            doc[verb].lower_ == "is" and (verb + 1 >= len(doc) or doc[verb + 1].lower_ != "reporting")
        ):
            continue
        start = verb
        # a name in capitals, its parts joined by hyphens ("VEL-TASS")
        while (
            start > 0
            and verb - start < 4
            and (
                (free_name(start - 1) and doc[start - 1].is_upper)
                or (doc[start - 1].text == "-" and start - 1 not in taken)
            )
        ):
            start -= 1
        while start < verb and doc[start].text == "-":
            start += 1
        if start < verb and len(doc[start:verb].text) > 1 and doc[start].text != "I":
            found.append((start, verb))
    if not found:
        return spans
    added = [_new_span(doc, a, b, "ORG", source="cue", spacy_label=None) for a, b in sorted(set(found))]
    return sorted([*spans, *filter_spans(added)], key=lambda s: s.start)


def _metonym_state(span: Span, text: str) -> str | None:
    """The state a capital stands for when it is the agent of a statement or an act
    (``text`` is the document's text)."""
    if span.label_ not in ("GPE", "ORG", "FAC", "LOC"):
        return None
    state = capital_state(text[span.start_char : span.end_char])
    if state is None:
        return None
    head = span.root
    subject = head
    while subject.dep_ == "conj" and subject.head != subject:
        subject = subject.head  # "Seoul and Tokyo deny": the conjunct shares the role
    if subject.dep_ in ("nsubj", "nsubjpass") and subject.head.lemma_.lower() in _AGENT_VERBS:
        return state
    if subject.dep_ == "poss" and subject.head.lemma_.lower() in _STATEMENT_NOUN_FORMS:
        return state
    return None
