"""Score temporal expression recognition and normalisation on TimeML gold.

PressLens (the ``presslens_timexes`` spaCy component) and dateparser
(``dateparser.search.search_dates`` with the document creation time as
``RELATIVE_BASE``) run side by side on the same documents, scored the
TempEval-3 way:

- strict extraction P/R/F1: the exact span;
- relaxed extraction P/R/F1: any overlap (one-to-one);
- type accuracy: among relaxed matches, the TIMEX3 type agrees;
- value P/R/F1: relaxed matches whose TIMEX3 value is right, over all
  system / all gold expressions.

Usage::

    python benchmarks/eval_timex.py [--data ../shared/data/eval/tbaq-dev] [--out benchmarks/results/timex.json]
                                    [--errors 40] [--limit N] [--no-dateparser]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "eval" / "tbaq-dev"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class Document:
    name: str
    dct: str
    text: str
    gold: tuple[Span, ...]


def read_timeml(path: Path) -> Document:
    """The text inside <TEXT>, its TIMEX3 spans (offsets into that text) and the DCT value."""
    raw = path.read_text("utf-8")
    dct_match = re.search(r"<DCT>\s*<TIMEX3[^>]*\bvalue=\"([^\"]+)\"", raw)
    if not dct_match:
        raise ValueError(f"{path}: no <DCT><TIMEX3 value=…> found; expected a TimeML file with a creation time.")
    body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    if not body:
        raise ValueError(f"{path}: no <TEXT> element.")
    pieces: list[str] = []
    length = 0
    gold: list[Span] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    for part in re.split(r"(<[^>]+>)", body.group(1)):
        if part.startswith("<"):
            if part.startswith("<TIMEX3"):
                attrs = dict(re.findall(r'(\w+)="([^"]*)"', part))
                open_timex = (length, attrs)
            elif part.startswith("</TIMEX3") and open_timex is not None:
                start, attrs = open_timex
                text = "".join(pieces)[start:length]
                gold.append(Span(start, length, text, attrs.get("type", ""), attrs.get("value", "")))
                open_timex = None
            continue
        piece = html.unescape(part)
        pieces.append(piece)
        length += len(piece)
    return Document(path.stem, dct_match.group(1)[:10], "".join(pieces), tuple(gold))


# ---------------------------------------------------------------------------
# systems


def run_presslens(docs: list[Document]) -> list[list[Span]]:
    import toolkit_timeline.component  # noqa: F401  (registers the factory when not installed)
    from toolkit.nlp import load_model

    nlp = load_model()
    nlp.add_pipe("presslens_timexes")

    def make(doc: Document):
        spacy_doc = nlp.make_doc(doc.text)
        spacy_doc._.presslens_published = doc.dct
        return spacy_doc

    out = []
    for processed in nlp.pipe((make(d) for d in docs), batch_size=16):
        out.append(
            [Span(r["start"], r["end"], r["text"], r["type"], r["value"]) for r in processed._.presslens_timexes]
        )
    return out


def run_dateparser(docs: list[Document]) -> list[list[Span]]:
    from dateparser.search import search_dates

    out = []
    for doc in docs:
        base = datetime.fromisoformat(doc.dct)
        found = []
        # paragraph by paragraph keeps dateparser's search fast and its offsets findable
        offset = 0
        for paragraph in re.split(r"(\n\s*\n)", doc.text):
            if paragraph.strip():
                try:
                    results = search_dates(paragraph, languages=["en"], settings={"RELATIVE_BASE": base}) or []
                except Exception:  # dateparser raises on some inputs; count as nothing found
                    results = []
                cursor = 0
                for substring, moment in results:
                    at = paragraph.find(substring, cursor)
                    if at < 0:
                        continue
                    cursor = at + len(substring)
                    timed = bool(re.search(r"\d:\d|[ap]\.?m\b|noon|midnight", substring, re.I))
                    value = moment.strftime("%Y-%m-%dT%H:%M") if timed else moment.date().isoformat()
                    found.append(
                        Span(offset + at, offset + at + len(substring), substring, "TIME" if timed else "DATE", value)
                    )
            offset += len(paragraph)
        out.append(found)
    return out


# ---------------------------------------------------------------------------
# scoring


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _norm(value: str) -> str:
    """Compare values as meanings, not spellings: case, zero padding of week numbers ("2000-W2" = "2000-W02")
    and the two decade notations the gold uses ("199X" = "199") aside."""
    value = value.strip().upper()
    value = re.sub(r"^(\d{3})X$", r"\1", value)
    return re.sub(r"-W(\d)(?!\d)", r"-W0\1", value)


def score(docs: list[Document], predictions: list[list[Span]]) -> tuple[dict[str, float], list[dict]]:
    n_gold = n_sys = strict = relaxed = type_ok = value_ok = 0
    errors: list[dict] = []
    for doc, predicted in zip(docs, predictions, strict=True):
        n_gold += len(doc.gold)
        n_sys += len(predicted)
        gold_spans = {(g.start, g.end) for g in doc.gold}
        strict += sum(1 for p in predicted if (p.start, p.end) in gold_spans)
        used: set[int] = set()
        for p in predicted:
            match = None
            for i, g in enumerate(doc.gold):
                if i not in used and p.start < g.end and g.start < p.end:
                    match = i
                    break
            if match is None:
                errors.append(
                    {
                        "doc": doc.name,
                        "kind": "false_positive",
                        "text": p.text,
                        "value": p.value,
                        "type": p.type,
                        "context": _context(doc.text, p.start, p.end),
                    }
                )
                continue
            used.add(match)
            g = doc.gold[match]
            relaxed += 1
            type_ok += g.type == p.type
            if _norm(g.value) == _norm(p.value):
                value_ok += 1
            else:
                errors.append(
                    {
                        "doc": doc.name,
                        "kind": "wrong_value",
                        "text": p.text,
                        "gold_text": g.text,
                        "value": p.value,
                        "gold_value": g.value,
                        "type": p.type,
                        "gold_type": g.type,
                        "dct": doc.dct,
                        "context": _context(doc.text, g.start, g.end),
                    }
                )
        for i, g in enumerate(doc.gold):
            if i not in used:
                errors.append(
                    {
                        "doc": doc.name,
                        "kind": "missed",
                        "gold_text": g.text,
                        "gold_value": g.value,
                        "gold_type": g.type,
                        "context": _context(doc.text, g.start, g.end),
                    }
                )
    sp, sr = strict / n_sys if n_sys else 0.0, strict / n_gold if n_gold else 0.0
    rp, rr = relaxed / n_sys if n_sys else 0.0, relaxed / n_gold if n_gold else 0.0
    vp, vr = value_ok / n_sys if n_sys else 0.0, value_ok / n_gold if n_gold else 0.0
    metrics = {
        "gold": n_gold,
        "system": n_sys,
        "strict_p": sp,
        "strict_r": sr,
        "strict_f1": _f1(sp, sr),
        "relaxed_p": rp,
        "relaxed_r": rr,
        "relaxed_f1": _f1(rp, rr),
        "type_accuracy": type_ok / relaxed if relaxed else 0.0,
        "value_p": vp,
        "value_r": vr,
        "value_f1": _f1(vp, vr),
    }
    return metrics, errors


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"{left}[[{text[start:end]}]]{right}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "timex.json")
    parser.add_argument("--errors", type=int, default=0, help="print this many PressLens errors of each kind")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    parser.add_argument("--no-dateparser", action="store_true", help="skip the dateparser baseline (faster)")
    args = parser.parse_args(argv)

    files = sorted(args.data.resolve().glob("**/*.tml")) if args.data.exists() else []
    if not files:
        print(
            f"No TimeML files (*.tml) under {args.data}. This benchmark needs the TempEval-3 TBAQ set at "
            f"../shared/data/eval/tbaq-dev (see shared/README.md); pass --data to point elsewhere.",
            file=sys.stderr,
        )
        return 2
    docs = [read_timeml(f) for f in files[: args.limit]]

    results: dict[str, dict[str, float]] = {}
    timings: dict[str, float] = {}
    systems = {"presslens": run_presslens}
    if not args.no_dateparser:
        systems["dateparser"] = run_dateparser
    all_errors = {}
    for name, run in systems.items():
        started = time.perf_counter()
        predictions = run(docs)
        timings[name] = time.perf_counter() - started
        results[name], all_errors[name] = score(docs, predictions)
        results[name]["seconds"] = round(timings[name], 2)

    columns = [
        ("strict_p", "strict P"),
        ("strict_r", "strict R"),
        ("strict_f1", "strict F1"),
        ("relaxed_p", "relax P"),
        ("relaxed_r", "relax R"),
        ("relaxed_f1", "relax F1"),
        ("type_accuracy", "type acc"),
        ("value_p", "value P"),
        ("value_r", "value R"),
        ("value_f1", "value F1"),
    ]
    print(f"TIMEX3 on {args.data.name}: {len(docs)} documents, {sum(len(d.gold) for d in docs)} gold expressions")
    print(f"{'system':<12}" + "".join(f"{label:>10}" for _, label in columns) + f"{'seconds':>10}")
    for name, metrics in results.items():
        print(f"{name:<12}" + "".join(f"{metrics[key]:>10.3f}" for key, _ in columns) + f"{metrics['seconds']:>10.1f}")

    if args.errors:
        by_kind: dict[str, list[dict]] = {}
        for error in all_errors["presslens"]:
            by_kind.setdefault(error["kind"], []).append(error)
        for kind, items in by_kind.items():
            print(f"\n## presslens {kind}: {len(items)}")
            for error in items[: args.errors]:
                print("  ", json.dumps({k: v for k, v in error.items() if k != "kind"}, ensure_ascii=False))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "dataset": args.data.name,
                "documents": len(docs),
                "gold_expressions": sum(len(d.gold) for d in docs),
                "scoring": (
                    "TempEval-3 style: strict = exact span, relaxed = overlap (one-to-one); type accuracy over relaxed "
                    "matches; value P/R/F1 = relaxed matches with the gold value over all system/gold expressions; "
                    "values compared case-insensitively with week numbers zero-padded and 199X read as 199"
                ),
                "systems": results,
            },
            indent=2,
        )
        + "\n",
        "utf-8",
    )
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
