"""Per-article reading of quotes as claims, from the Doc the pipeline already parsed.

Everything the claims step needs from a parse (stance, proposition, frame
words, the proposition's own span, the sentence around the cue) is read here,
once per article, and stored as JSON rows of the ``claim_readings`` table, so it
is cached with the article. The corpus step then only joins these readings to
mentions, entities and dates and groups them: it never runs spaCy again (except
for quotes that come without a reading, e.g. a hand-made ``quotes`` table).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc

from .rules.reading import read_quote
from .step import READINGS

__all__ = ["extract", "reading_row"]


def extract(doc: Doc, article: Any, options: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The plugin's ``extract``: one reading per quote found by the quotes component.

    The quotes come from ``doc._.presslens_quote_records``, which the quotes
    component writes (each quote's id and offsets as plain values), so this
    plugin depends on that component's output, never on its code.
    """
    records = getattr(doc._, "presslens_quote_records", None) if Doc.has_extension("presslens_quote_records") else None
    if not records:
        return {READINGS: []}
    sentences = _sentences(doc)
    starts = [s for s, _ in sentences]
    rows = []
    for record in records:
        cue_start, cue_end = record["cue_start"], record["cue_end"]
        row = reading_row(
            doc,
            content=(record["content_start"], record["content_end"]),
            cue=(cue_start, cue_end) if cue_start is not None else None,
            sentences=sentences,
            starts=starts,
        )
        rows.append({"quote_id": record["quote_id"], **row})
    return {READINGS: rows}


def reading_row(
    doc: Doc,
    *,
    content: tuple[int, int] | None,
    cue: tuple[int, int] | None,
    base: int = 0,
    sentences: list[tuple[int, int]] | None = None,
    starts: list[int] | None = None,
) -> dict[str, Any]:
    """A quote's reading as a JSON-serialisable row; offsets in ``doc`` shifted by ``base`` into the article.

    ``content`` and ``cue`` are offsets into ``doc``. ``sentences`` (with their
    ``starts``) may be given when several quotes of one Doc are read.

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> nlp = spacy.blank("en")
    >>> doc = Doc(nlp.vocab, words=["They", "deny", "it"], heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"],
    ...           lemmas=["they", "deny", "it"], pos=["PRON", "VERB", "PRON"], sent_starts=[True, False, False])
    >>> row = reading_row(doc, content=(10, 12), cue=(5, 9), base=100)
    >>> row["stance"], row["sentence_start"], row["sentence_end"]
    ('deny', 100, 112)
    """
    reading = read_quote(doc, content=content, cue=cue)
    if sentences is None:
        sentences = _sentences(doc)
        starts = [s for s, _ in sentences]
    anchor = cue[0] if cue is not None else (content[0] if content is not None else None)
    sentence = None
    if anchor is not None and sentences:
        k = bisect_right(starts, anchor) - 1
        if k >= 0 and sentences[k][0] <= anchor < sentences[k][1]:
            sentence = sentences[k]
    # the corpus step compares a claim by its proposition's own words (core_words) and falls back
    # on the whole quote's words only when the proposition has none: stored for every quote, those
    # were the largest column of the readings (cache, tables and memory) and a tenth of this time
    focus = _focus_tokens(doc, content, sentence) if not reading.core_words else []
    return {
        "stance": reading.stance,
        "proposition": reading.proposition,
        "cue_lemma": reading.cue_lemma,
        "negated": reading.negated,
        "basis": reading.basis,
        "anaphoric": reading.anaphoric,
        "focus_text": reading.focus_text,
        "predicates": sorted(reading.predicates),
        "themes": sorted(reading.themes),
        "core_start": reading.core_span[0] + base if reading.core_span else None,
        "core_end": reading.core_span[1] + base if reading.core_span else None,
        "core_words": [list(w) for w in reading.core_words],
        "focus_tokens": [list(w) for w in focus],
        "sentence_start": sentence[0] + base if sentence else None,
        "sentence_end": sentence[1] + base if sentence else None,
    }


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentence bounds without the line breaks the parser attaches to a sentence's end."""
    out = []
    for sent in doc.sents:
        end = sent.end_char
        for token in reversed(sent):
            if not token.is_space:
                end = token.idx + len(token.text)
                break
        out.append((sent.start_char, max(end, sent.start_char)))
    return out


def _focus_tokens(doc: Doc, content: tuple[int, int] | None, sentence: tuple[int, int] | None) -> list[tuple[str, str]]:
    length = len(doc.text) if not len(doc) else doc[-1].idx + len(doc[-1].text_with_ws)
    inside = doc.char_span(max(0, content[0]), min(length, content[1]), alignment_mode="expand") if content else None
    if inside is not None:
        tokens = list(inside)
    elif sentence is not None:
        span = doc.char_span(sentence[0], sentence[1], alignment_mode="expand")
        tokens = list(span) if span is not None else []
    else:
        tokens = []
    return [(t.lemma_, t.pos_) for t in tokens]
