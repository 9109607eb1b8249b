"""Scoring attributions against brat-standoff gold in PolNeAR's layout (``text/*.txt``, ``attributions/*.ann``).

Shared by ``benchmarks/eval_quotes.py``, ``benchmarks/train_quotes.py`` and
``presslens evaluate quotes --gold DIR``, so the three report the same figures.

Gold: every ``E`` line of a ``.ann`` file is one attribution linking a Content
span (possibly in pieces), a Cue and usually a Source. Articles annotated by
several annotators are scored against ONE file: the annotator id that sorts
first (``_4b22`` before ``_ef2d``), so every run uses the same gold.

- content P/R/F1, *exact*: the predicted content covers exactly the gold
  content's word tokens (punctuation and quote marks at the edges ignored);
- content P/R/F1, *token overlap*: word-token Jaccard >= 0.5, one-to-one, greedy by overlap (on PolNeAR's
  train split and dev's even half an optimal assignment, most pairs then largest summed overlap, pairs exactly as
  many attributions: PolNeAR gives a word to one attribution only, so its contents seldom overlap);
- recall by kind of gold content: direct (every piece wholly inside quote
  marks), partial/mixed (quote marks inside), indirect (no quote marks);
- speaker accuracy: over gold attributions with a Source that were matched by
  overlap, the share whose predicted speaker has word-token Jaccard >= 0.5 with the Source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Attribution",
    "Tally",
    "load_gold",
    "parse_ann",
    "gold_kind",
    "words",
    "jaccard",
    "score",
    "Prediction",
    "quote_predictions",
    "format_table",
    "score_folder",
    "evaluate",
]

_WORD = re.compile(r"\w+")
_OPEN = "\"“‘'«„`"
_CLOSE = "\"”’'»`"
_ANNOTATOR = re.compile(r"_[0-9a-f]{4}$")

Parts = tuple[tuple[int, int], ...]
# (content parts, speaker parts) of one predicted attribution
Prediction = tuple[Parts, Parts]


@dataclass(frozen=True)
class Attribution:
    """One gold attribution: its content pieces, source and cue (character offsets)."""

    content: Parts
    source: Parts = ()
    cue: Parts = ()


@dataclass
class Tally:
    """Counts summed over articles; :meth:`summary` turns them into the figures."""

    n_gold: int = 0
    n_pred: int = 0
    exact: int = 0
    overlap: int = 0
    by_kind_gold: dict[str, int] = field(default_factory=dict)
    by_kind_found: dict[str, int] = field(default_factory=dict)
    speaker_total: int = 0
    speaker_overlap: int = 0
    speaker_exact: int = 0
    failures: int = 0

    def summary(self) -> dict[str, float | int]:
        def prf(hits: int) -> tuple[float, float, float]:
            p = hits / self.n_pred if self.n_pred else 0.0
            r = hits / self.n_gold if self.n_gold else 0.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)

        ep, er, ef = prf(self.exact)
        op, orr, of = prf(self.overlap)
        out: dict[str, float | int] = {
            "gold": self.n_gold,
            "predicted": self.n_pred,
            "exact_precision": ep,
            "exact_recall": er,
            "exact_f1": ef,
            "overlap_precision": op,
            "overlap_recall": orr,
            "overlap_f1": of,
        }
        for kind in ("direct", "partial/mixed", "indirect"):
            total = self.by_kind_gold.get(kind, 0)
            out[f"recall_{kind}"] = self.by_kind_found.get(kind, 0) / total if total else 0.0
            out[f"gold_{kind}"] = total
        out["speaker_accuracy"] = self.speaker_overlap / self.speaker_total if self.speaker_total else 0.0
        out["speaker_exact"] = self.speaker_exact / self.speaker_total if self.speaker_total else 0.0
        out["speaker_total"] = self.speaker_total
        out["documents_failed"] = self.failures
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}


def load_gold(data: Path) -> list[tuple[str, str, list[Attribution]]]:
    """``(stem, text, attributions)`` per article of a PolNeAR-layout folder, in sorted order.

    Raises ``FileNotFoundError`` naming the expected layout when the folder lacks it.
    """
    folder = Path(data)
    if not (folder / "attributions").is_dir() or not (folder / "text").is_dir():
        raise FileNotFoundError(
            f"No brat gold at {folder}: expected {folder / 'text'}/*.txt and {folder / 'attributions'}/*.ann "
            "(PolNeAR's layout, one .ann per article named like its .txt, optionally with an _abcd annotator id)."
        )
    chosen: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        stem = _ANNOTATOR.sub("", path.stem)
        if not (folder / "text" / f"{stem}.txt").is_file():
            stem = path.stem  # no annotator id after all
        chosen.setdefault(stem, path)  # sorted: the first annotator id wins
    documents = []
    for stem, path in chosen.items():
        text_path = folder / "text" / f"{stem}.txt"
        if not text_path.is_file():
            raise FileNotFoundError(f"{path} has no text file {text_path}: every .ann needs its article text.")
        documents.append((stem, text_path.read_text("utf-8"), parse_ann(path.read_text("utf-8"))))
    return documents


def parse_ann(content: str) -> list[Attribution]:
    """The attributions of one ``.ann`` file: ``T`` lines are spans, ``E`` lines link them.

    >>> ann = "T1\\tSource 0 3\\tBob\\nT2\\tCue 4 8\\tsaid\\nT3\\tContent 9 13\\train\\n"
    >>> parse_ann(ann + "E1\\tAttribution:T2 Content:T3 Cue:T2 Source:T1")
    [Attribution(content=((9, 13),), source=((0, 3),), cue=((4, 8),))]
    """
    spans: dict[str, tuple[str, Parts]] = {}
    links = []
    for line in content.splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            continue  # a blank or truncated line (brat leaves some): nothing to read
        if line.startswith("T") and " " in fields[1]:
            label, offsets = fields[1].split(" ", 1)
            try:
                pieces = tuple((int(a), int(b)) for a, b in (piece.split() for piece in offsets.split(";")))
            except ValueError:
                continue  # offsets that are not "start end" pairs
            spans[fields[0]] = (label, pieces)
        elif line.startswith("E"):
            links.append(dict(part.split(":", 1) for part in fields[1].split() if ":" in part))
    gold = []
    for link in links:
        content_span = spans.get(link.get("Content", ""))
        if content_span is None:
            continue
        source = spans.get(link.get("Source", ""), ("", ()))[1]
        cue = spans.get(link.get("Cue", ""), ("", ()))[1]
        gold.append(Attribution(content=content_span[1], source=source, cue=cue))
    return gold


def gold_kind(text: str, parts: Parts) -> str:
    """direct, partial/mixed or indirect, by the quote marks in the gold content.

    >>> gold_kind('He said "no way" today', ((8, 16),)), gold_kind("He said no", ((8, 10),))
    ('direct', 'indirect')
    """
    pieces = [text[s:e].strip().rstrip(".,;:").strip() for s, e in parts]
    if pieces and all(p[:1] in _OPEN and p[-1:] in _CLOSE and len(p) > 1 for p in pieces):
        return "direct"
    if any(ch in text[s:e] for s, e in parts for ch in '"“”«»'):
        return "partial/mixed"
    return "indirect"


def words(text: str, parts: Parts) -> frozenset[tuple[int, int]]:
    """The word tokens (as offsets) inside the pieces."""
    found = set()
    for start, end in parts:
        for match in _WORD.finditer(text, start, end):
            found.add((match.start(), match.end()))
    return frozenset(found)


def jaccard(a: frozenset[tuple[int, int]], b: frozenset[tuple[int, int]]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def score(text: str, gold: list[Attribution], predicted: list[Prediction], tally: Tally) -> dict[int, int]:
    """Add one article to ``tally``; returns the overlap matches as {prediction index: gold index}."""
    gold_words = [words(text, g.content) for g in gold]
    pred_words = [words(text, p[0]) for p in predicted]
    tally.n_gold += len(gold)
    tally.n_pred += len(predicted)
    free = set(range(len(predicted)))
    for gw in gold_words:
        hit = next((j for j in sorted(free) if pred_words[j] == gw and gw), None)
        if hit is not None:
            free.discard(hit)
            tally.exact += 1
    pairs = sorted(
        ((jaccard(gw, pw), i, j) for i, gw in enumerate(gold_words) for j, pw in enumerate(pred_words) if gw & pw),
        reverse=True,
    )
    used_g: set[int] = set()
    matches: dict[int, int] = {}
    for value, i, j in pairs:
        if value < 0.5:
            break
        if i in used_g or j in matches:
            continue
        used_g.add(i)
        matches[j] = i
        tally.overlap += 1
        kind = gold_kind(text, gold[i].content)
        tally.by_kind_found[kind] = tally.by_kind_found.get(kind, 0) + 1
        if gold[i].source:
            tally.speaker_total += 1
            gs = words(text, gold[i].source)
            ps = words(text, predicted[j][1])
            if jaccard(gs, ps) >= 0.5:
                tally.speaker_overlap += 1
            if gs == ps:
                tally.speaker_exact += 1
    for g in gold:
        kind = gold_kind(text, g.content)
        tally.by_kind_gold[kind] = tally.by_kind_gold.get(kind, 0) + 1
    return matches


def quote_predictions(quotes: object) -> list[Prediction]:
    """(content parts, speaker parts) of PressLens :class:`~.records.Quote` records."""
    out: list[Prediction] = []
    for quote in quotes:  # type: ignore[attr-defined]
        speaker = ((quote.speaker_start, quote.speaker_end),) if quote.speaker_start is not None else ()
        out.append((tuple(quote.content_parts) or ((quote.content_start, quote.content_end),), speaker))
    return out


MODES = ("rules-only", "learned")


def format_table(title: str, summaries: dict[str, dict[str, float | int]]) -> str:
    """The figures of several systems side by side, one measure a line."""
    first = next(iter(summaries.values()))
    rows = [k for k in first if k != "gold"]
    width = max(len(r) for r in rows)
    lines = [title, f"{'measure':<{width}}  " + "  ".join(f"{name:>10}" for name in summaries)]
    for row in rows:
        cells = []
        for summary in summaries.values():
            value = summary[row]
            cells.append(f"{value:10.3f}" if isinstance(value, float) else f"{value:10d}")
        lines.append(f"{row:<{width}}  " + "  ".join(cells))
    return "\n".join(lines)


def score_folder(gold: Path, *, model: str | None = None) -> dict[str, dict[str, float | int]]:
    """Rules-only and the learned model on every article of a gold folder (each parsed once)."""
    from toolkit.sdk import load_model

    from .. import component  # noqa: F401  (registers the spaCy factory)
    from .find import find_quotes
    from .learned import refine

    documents = load_gold(gold)
    if not documents:
        raise FileNotFoundError(f"No .ann files in {Path(gold) / 'attributions'}: nothing to score.")
    nlp = load_model(model)
    nlp.add_pipe("presslens_quotes", config={"model": "rules-only"})
    tallies = {mode: Tally() for mode in MODES}
    with nlp.select_pipes(disable=["presslens_quotes"]):
        for (_, text, attributions), doc in zip(documents, nlp.pipe(t for _, t, _ in documents)):
            rules = find_quotes(doc)[0]
            score(text, attributions, quote_predictions(rules), tallies["rules-only"])
            score(text, attributions, quote_predictions(refine(doc, rules)), tallies["learned"])
    return {mode: tally.summary() for mode, tally in tallies.items()}


def evaluate(gold: Path, *, model: str | None = None) -> str:
    """The plugin's ``evaluate`` (``presslens evaluate quotes --gold DIR``): the figures as a table."""
    summaries = score_folder(gold, model=model)
    articles = len(load_gold(gold))
    return format_table(f"{articles} articles in {gold}, {summaries['learned']['gold']} gold attributions", summaries)
