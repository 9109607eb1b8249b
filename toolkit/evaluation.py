"""Scoring PressLens's tables against a user's own gold: ``presslens evaluate <what> --gold FILE``.

``mentions``: a CoNLL-format NER file (one token a line, the tag in the last column, BIO or IOB,
blank lines between sentences, ``-DOCSTART-`` lines ignored). The sentences are joined into
documents (one sentence a line, tokens joined by spaces; a new document at each ``-DOCSTART-``),
analysed with the plugins that provide ``mentions``, and scored exactly: a mention counts when
its characters and its type both match. OntoNotes labels are mapped to the CoNLL types:

    PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC;
    NORP, EVENT, WORK_OF_ART, LAW, LANGUAGE, PRODUCT -> MISC; the rest is not a name.

Gold written with OntoNotes labels is mapped the same way, so either kind of gold file works.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LABEL_MAP", "CONLL_TYPES", "GoldDocument", "read_conll_documents", "score_mentions", "evaluate_mentions"]

LABEL_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
}
CONLL_TYPES = ("PER", "ORG", "LOC", "MISC")

Mention = tuple[int, int, str]


@dataclass(frozen=True)
class GoldDocument:
    """One document of the gold file: its text (a sentence a line) and its mentions (start, end, type)."""

    text: str
    mentions: frozenset[Mention]


def _gold_type(tag: str) -> str:
    return LABEL_MAP.get(tag, tag)


def read_conll_documents(path: str | os.PathLike[str]) -> list[GoldDocument]:
    """The documents of a CoNLL-format NER file.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "g.conll"
    >>> _ = f.write_text("-DOCSTART- O\\n\\nAnna B-PER\\nBerg I-PER\\nsaid O\\n\\nin O\\nOslo B-LOC\\n")
    >>> doc = read_conll_documents(f)[0]
    >>> doc.text, sorted(doc.mentions)
    ('Anna Berg said\\nin Oslo', [(0, 9, 'PER'), (18, 22, 'LOC')])
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(
            f"No gold file at {source}. Expected a CoNLL-format NER file: one token a line with its tag "
            "in the last column (B-PER, I-ORG, O ...), a blank line between sentences."
        )
    documents: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for number, line in enumerate(source.read_text("utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            continue
        if parts[0] == "-DOCSTART-":
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            if documents[-1]:
                documents.append([])
            continue
        if len(parts) < 2:
            raise ValueError(
                f"{source}, line {number}: expected a token and its tag (e.g. 'Oslo B-LOC'), found {line!r}. "
                "Each token line needs the NER tag in its last column."
            )
        sentence.append((parts[0], parts[-1]))
    if sentence:
        documents[-1].append(sentence)
    return [_document(d) for d in documents if d]


def _document(sentences: list[list[tuple[str, str]]]) -> GoldDocument:
    lines: list[str] = []
    gold: set[Mention] = set()
    offset = 0
    for sentence in sentences:
        starts, position = [], offset
        for word, _ in sentence:
            starts.append(position)
            position += len(word) + 1
        open_span: tuple[int, str] | None = None
        for i, (_, tag) in enumerate([*sentence, ("", "O")]):
            kind = tag[2:] if tag[:2] in ("B-", "I-") else None
            if open_span is not None and not (tag.startswith("I-") and kind == open_span[1]):
                first, label = open_span
                last = i - 1
                gold.add((starts[first], starts[last] + len(sentence[last][0]), _gold_type(label)))
                open_span = None
            if kind is not None and (tag.startswith("B-") or open_span is None):
                open_span = (i, kind)
        line = " ".join(word for word, _ in sentence)
        lines.append(line)
        offset += len(line) + 1
    return GoldDocument(text="\n".join(lines), mentions=frozenset(gold))


def score_mentions(gold: list[frozenset[Mention]], predicted: list[set[Mention]]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 (0–1) per CoNLL type and over all ("ALL"), exact match of span and type.

    >>> score_mentions([frozenset({(0, 4, "PER"), (9, 13, "LOC")})], [{(0, 4, "PER"), (9, 13, "ORG")}])["ALL"]["f1"]
    0.5
    """
    counts: dict[str, Counter[str]] = {t: Counter() for t in (*CONLL_TYPES, "ALL")}
    for g, p in zip(gold, predicted, strict=True):
        for kind, items in (("tp", g & p), ("fp", p - g), ("fn", g - p)):
            for _, _, label in items:
                counts.setdefault(label, Counter())[kind] += 1
                counts["ALL"][kind] += 1
    result: dict[str, dict[str, float]] = {}
    for label, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "tp": c["tp"],
            "fp": c["fp"],
            "fn": c["fn"],
        }
    return result


def evaluate_mentions(
    gold_path: str | os.PathLike[str], *, model: str | None = None, plugins: list[str] | None = None
) -> dict[str, dict[str, float]]:
    """Analyse the gold file's documents and score the ``mentions`` table against its tags."""
    import pandas as pd

    from .pipeline import analyze
    from .registry import registry

    documents = read_conll_documents(gold_path)
    if not documents:
        raise ValueError(f"{gold_path} holds no tagged sentences. Expected a CoNLL-format NER file.")
    if plugins is None:
        plugins = [p.name for p in registry.all() if "mentions" in p.provides]
        if not plugins:
            raise ValueError(
                "No installed plugin provides the mentions table; install one (e.g. the standard plugins)."
            )
    ids = [f"gold-{i:05d}" for i in range(len(documents))]
    corpus = analyze(
        pd.DataFrame({"article_id": ids, "text": [d.text for d in documents]}),
        plugins=plugins,
        model=model,
        clean=False,
        quiet=True,
    )
    found: dict[str, set[Mention]] = {aid: set() for aid in ids}
    mentions = corpus.mentions
    if "form" in mentions.columns:  # pronouns and descriptions ("he", "the company") are not names
        mentions = mentions[mentions["form"].fillna("name") == "name"]
    for article_id, start, end, label in zip(
        mentions["article_id"], mentions["start"], mentions["end"], mentions["label"]
    ):
        if label in LABEL_MAP:
            found[str(article_id)].add((int(start), int(end), LABEL_MAP[label]))
    return score_mentions([d.mentions for d in documents], [found[aid] for aid in ids])
