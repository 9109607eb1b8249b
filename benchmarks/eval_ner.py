"""Mention-level NER evaluation: raw spaCy vs PressLens, side by side, in one run.

Scores exact-match mentions (same characters, same type) against CoNLL-format
gold with OntoNotes labels mapped to CoNLL types:

    PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC;
    NORP, EVENT, WORK_OF_ART, LAW, LANGUAGE, PRODUCT -> MISC; the rest is not a name.

Both systems read the same documents (tokens joined by spaces, one sentence a
line; documents split at the Reuters dateline, "CITY YYYY-MM-DD") and use the
same spaCy model. "raw spaCy" is ``doc.ents``; "PressLens" is the ``mentions``
table of ``toolkit.analyze(..., plugins=["entities"])``.

    python benchmarks/eval_ner.py [--data ../shared/data/eval/conll2003-dev] [--model NAME] [--limit N]

Prints a table and writes benchmarks/results/ner.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from toolkit.evaluation import CONLL_TYPES, LABEL_MAP

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "eval" / "conll2003-dev"
# the one mapping of spaCy's labels onto CoNLL's, shared with `presslens evaluate mentions`
TYPES = CONLL_TYPES
_DATELINE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of (word, BIO tag); the tag is the last column."""
    sentences, current = [], []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if not parts:
            if current:
                sentences.append(current)
                current = []
            continue
        if parts[0] == "-DOCSTART-":
            continue
        current.append((parts[0], parts[-1]))
    if current:
        sentences.append(current)
    return sentences


def split_documents(sentences: list[list[tuple[str, str]]]) -> list[list[list[tuple[str, str]]]]:
    """Documents: each starts at the headline before a "CITY YYYY-MM-DD" dateline."""
    starts = {0}
    for i, sentence in enumerate(sentences):
        if i > 0 and _DATELINE.fullmatch(sentence[-1][0]) and len(sentence) <= 6:
            starts.add(i - 1)
    bounds = sorted(starts) + [len(sentences)]
    return [sentences[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def document_text(doc: list[list[tuple[str, str]]]) -> tuple[str, set[tuple[int, int, str]]]:
    """The text (one sentence a line) and the gold mentions as (start, end, type)."""
    lines, gold, offset = [], set(), 0
    for sentence in doc:
        words = [w for w, _ in sentence]
        starts = []
        pos = offset
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        open_span = None
        for i, (_, tag) in enumerate([*sentence, ("", "O")]):
            if open_span and not (tag.startswith("I-") and tag[2:] == open_span[1]):
                s, label, last = open_span[0], open_span[1], i - 1
                gold.add((starts[s], starts[last] + len(words[last]), label))
                open_span = None
            if tag.startswith("B-") or (tag.startswith("I-") and open_span is None):
                open_span = (i, tag[2:])
        line = " ".join(words)
        lines.append(line)
        offset += len(line) + 1
    return "\n".join(lines), gold


def score(gold: list[set], predicted: list[set]) -> dict[str, dict[str, float]]:
    counts = {t: Counter() for t in (*TYPES, "ALL")}
    for g, p in zip(gold, predicted):
        for kind, items in (("tp", g & p), ("fp", p - g), ("fn", g - p)):
            for _, _, label in items:
                counts[label][kind] += 1
                counts["ALL"][kind] += 1
    result = {}
    for t, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[t] = {
            "precision": round(100 * precision, 2),
            "recall": round(100 * recall, 2),
            "f1": round(100 * f1, 2),
            "tp": c["tp"],
            "fp": c["fp"],
            "fn": c["fn"],
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the CoNLL file (or the file)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: toolkit's default model)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents (a quick look)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "ner.json")
    args = parser.parse_args(argv)

    files = sorted(args.data.glob("*.txt")) if args.data.is_dir() else [args.data]
    if not files or not files[0].exists():
        print(
            f"No CoNLL data at {args.data}. The evaluation sets live in ../shared/data/eval beside the repository; "
            f"pass --data PATH to point elsewhere.",
            file=sys.stderr,
        )
        return 2

    import pandas as pd

    import toolkit
    import toolkit_entities.component  # noqa: F401  (registers the factory when entry points are not installed)
    from toolkit.nlp import load_model, model_info

    documents = [d for f in files for d in split_documents(read_conll(f))][: args.limit]
    texts, golds = zip(*(document_text(d) for d in documents))
    ids = [f"conll-{i:04d}" for i in range(len(texts))]

    started = time.perf_counter()
    nlp = load_model(args.model)
    raw = [
        {(e.start_char, e.end_char, LABEL_MAP[e.label_]) for e in doc.ents if e.label_ in LABEL_MAP}
        for doc in nlp.pipe(texts, batch_size=32)
    ]
    raw_s = time.perf_counter() - started

    started = time.perf_counter()
    frame = pd.DataFrame({"article_id": ids, "text": texts})
    corpus = toolkit.analyze(
        frame,
        plugins=["entities"],
        model=args.model,
        clean=False,
        quiet=True,
        options={"entities": {"write_aliases": False}},
    )
    by_article = {aid: set() for aid in ids}
    for m in corpus.mentions.itertuples(index=False):
        if m.label in LABEL_MAP and getattr(m, "form", "name") in ("name", None):  # names only, not "he"
            by_article[m.article_id].add((int(m.start), int(m.end), LABEL_MAP[m.label]))
    presslens = [by_article[aid] for aid in ids]
    presslens_s = time.perf_counter() - started

    results = {"raw spaCy": score(list(golds), raw), "PressLens": score(list(golds), presslens)}
    print(
        f"CoNLL-2003 dev: {len(texts)} documents, {sum(len(g) for g in golds)} gold mentions, "
        f"model {model_info(nlp)['name']} {model_info(nlp)['version']}"
    )
    print(f"{'system':<11} {'type':<5} {'P':>6} {'R':>6} {'F1':>6}")
    for system, table in results.items():
        for t in (*TYPES, "ALL"):
            row = table[t]
            print(f"{system:<11} {t:<5} {row['precision']:>6.2f} {row['recall']:>6.2f} {row['f1']:>6.2f}")
    gain = results["PressLens"]["ALL"]["f1"] - results["raw spaCy"]["ALL"]["f1"]
    print(f"PressLens - raw spaCy: {gain:+.2f} F1 points")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "dataset": str(files[0].name),
                "documents": len(texts),
                "gold_mentions": sum(len(g) for g in golds),
                "model": model_info(nlp),
                "label_map": LABEL_MAP,
                "results": results,
                "f1_gain": round(gain, 2),
                "seconds": {"raw spaCy": round(raw_s, 1), "PressLens": round(presslens_s, 1)},
            },
            indent=2,
        ),
        "utf-8",
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
