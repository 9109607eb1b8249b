"""Cross-article entity clustering on ECB+: PressLens and exact-string clustering side by side, in one run.

    python benchmarks/eval_coref.py [--data ../shared/data/eval/ecbplus-dev] [--held-out 28-35] [--limit N]

Gold: ``gold.jsonl``, one record per annotated participant mention with its
chain (``cluster``; ``*/single/*`` is a singleton). Scored: the *named* PER, ORG
and GPE mentions (``form == "name"``), all together and per type, with MUC, B³,
CEAF-e and CoNLL F1 (their mean) from ``benchmarks/coref_metrics.py``, within
each topic (chains never cross topics; counts are pooled over topics).

Conventions, the same for both systems:

- Only selected sentences are annotated, so a predicted mention that matches no
  gold mention is not scored (neither right nor wrong).
- A predicted mention matches a gold mention when their spans are equal after
  dropping quotation marks around them, a leading "the ", a trailing possessive ("'s", or "'" after an s:
  "Saints'") and a trailing full stop or comma ("Jr." / "Jr": ECB+'s tokens leave the
  stop of an abbreviation that ends a sentence or precedes a comma outside the
  span; "southern Iran,") from both; failing that, when it ends where the gold span
  ends and the gold words before it are all lower-case, numbers, abbreviations
  ending in a full stop or prepositions and articles capitalised in a headline
  ("in Queens", "the city of Bandar Abbas", "35 miles southwest of Bandar Abbas",
  "Ms. Palin", "Woman Killed In Queens": ECB+ annotates some named mentions as the
  phrase around the name, and the name is what is clustered); failing that, when
  the gold span is a place and the region it lies in ("in Mannheim, Germany",
  "Springfield, Mo": ECB+ clusters it as the place) and the predicted mention is
  that place, after such words only; failing that, when the predicted mention is
  the gold span with one capitalised word before it ("Indian Navy" for the gold
  "Navy", "Texas Department of Criminal Justice" for "Department of Criminal
  Justice": ECB+ leaves a nationality, place or occupation before a name out of
  some spans, and the mention names the same thing).
- The response holds exactly the gold mentions: a matched one sits in its
  predicted cluster (``mentions.entity_id`` for PressLens; the exact string for
  the baseline), restricted to the topic; an unmatched one (the system found no
  mention there) is a singleton of its own. So a missed mention costs the links
  it should have had and never counts as a false link.
- Per type: key and response are both restricted to the gold mentions of that type.

Systems: "string" is spaCy's ``doc.ents`` (same model) clustered by exact text
within a topic; "PressLens" is the ``mentions`` table of
``toolkit.analyze(..., plugins=["entities"])`` over all articles at once.

Topics in ``--held-out`` (default 28–35) are kept out of error analysis: the
rules are developed on the misses of the other topics only, and the held-out
figures show whether they generalise.

Prints a table and writes ``benchmarks/results/coref.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coref_metrics import METRICS, Counts, conll_f1, score_all

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "eval" / "ecbplus-dev"
TYPES = ("PER", "ORG", "GPE")


@dataclass(frozen=True)
class GoldMention:
    article_id: str
    topic: int
    start: int
    end: int
    text: str
    type: str
    cluster: str


_QUOTES = "'\"“”‘`"


def span_key(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without quotation marks around it, a leading "the ", a trailing possessive and a
    trailing full stop, so "the EU's" matches "EU" (see the conventions)."""
    piece = text[start:end]
    # quotation marks around a name are no part of it ("'Tara Reid", "''The Hollywood Reporter''")
    while piece[:1] in _QUOTES and len(piece) > 1:
        start, piece = start + 1, piece[1:]
    while len(piece) > 2:
        # a closing single quote alone may be a plural possessive ("Saints'"): only a doubled one goes
        cut = 2 if piece.endswith("''") else 1 if piece[-1] in _QUOTES and piece[-1] != "'" else 0
        if not cut:
            break
        end, piece = end - cut, piece[:-cut]
    lowered = piece.lower()
    if lowered.startswith("the "):
        start += 4
        piece = piece[4:]
    for tail in ("'s", "’s", "s'", "s’"):
        if piece.endswith(tail):
            end -= 1 if tail[0] == "s" else len(tail)  # "Saints'" -> "Saints"
            piece = text[start:end]
            break
    if piece[-1:] in (".", ",") and len(piece) > 1:
        end -= 1  # "Jr." and "Jr", "N.J." and "N.J", "southern Iran," (see the conventions)
    return start, end


def read_gold(data: Path, texts: dict[str, str]) -> list[GoldMention]:
    gold = []
    with (data / "gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["form"] != "name" or row["type"] not in TYPES or row["article_id"] not in texts:
                continue
            gold.append(
                GoldMention(
                    row["article_id"],
                    int(row["topic"]),
                    row["start"],
                    row["end"],
                    row["text"],
                    row["type"],
                    row["cluster"],
                )
            )
    return gold


def topics_of(spec: str) -> set[int]:
    """ "28-35" or "28,30,31" -> the topic numbers."""
    topics: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            topics.update(range(int(a), int(b) + 1))
        elif part.strip():
            topics.add(int(part))
    return topics


def clusterings(
    gold: list[GoldMention],
    predicted: dict[str, dict[tuple[int, int], Hashable]],
    texts: dict[str, str],
    *,
    types: Iterable[str],
    topics: set[int] | None,
) -> dict[int, tuple[list[set[int]], list[set[int]]]]:
    """Per topic, (key, response) as clusters of gold-mention indexes, by the conventions above."""
    wanted = set(types)
    key: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    response: dict[int, dict[Hashable, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i, g in enumerate(gold):
        if g.type not in wanted or (topics is not None and g.topic not in topics):
            continue
        key[g.topic][g.cluster].add(i)
        found = match(predicted.get(g.article_id, {}), texts[g.article_id], g.start, g.end)
        response[g.topic][("found", found) if found is not None else ("missed", i)].add(i)
    return {t: (list(key[t].values()), list(response[t].values())) for t in key}


def evaluate(
    gold: list[GoldMention],
    predicted: dict[str, dict[tuple[int, int], Hashable]],
    texts: dict[str, str],
    *,
    types: Iterable[str],
    topics: set[int] | None,
) -> dict[str, float]:
    pooled = {name: Counts() for name in METRICS}
    total = 0
    for key, response in clusterings(gold, predicted, texts, types=types, topics=topics).values():
        for name, counts in score_all(key, response).items():
            pooled[name] = pooled[name] + counts
        total += sum(len(c) for c in key)
    row: dict[str, float] = {}
    for name, counts in pooled.items():
        row[f"{name} P"] = round(100 * counts.precision, 2)
        row[f"{name} R"] = round(100 * counts.recall, 2)
        row[f"{name} F1"] = round(100 * counts.f1, 2)
    row["CoNLL F1"] = round(100 * conll_f1(pooled), 2)
    row["mentions"] = total
    return row


# prepositions and articles, which a headline capitalises ("Woman Killed In Queens")
_FUNCTION_WORDS = frozenset({"in", "near", "at", "on", "of", "off", "from", "to", "into", "outside", "the", "a", "an"})


def _around_name(words: list[str]) -> bool:
    """Whether gold words before a name are the phrase around it, not part of it (see the conventions)."""
    return all(
        w.islower() or not any(c.isalpha() for c in w) or w.endswith(".") or w.lower() in _FUNCTION_WORDS for w in words
    )


def match(predicted: dict[tuple[int, int], Hashable], text: str, start: int, end: int) -> Hashable | None:
    """The cluster of the predicted mention matching the gold span ``start:end`` (see the conventions)."""
    key = span_key(text, start, end)
    if key in predicted:
        return predicted[key]
    ends_here = sorted(s for s, e in predicted if e == key[1])
    for s in ends_here:
        if key[0] < s and _around_name(text[key[0] : s].split()):
            return predicted[(s, key[1])]
    # "in Mannheim, Germany": the place before the comma, the region after it one name
    piece = text[key[0] : key[1]]
    comma = piece.find(", ")
    region = piece[comma + 2 :].split()
    if comma > 0 and piece.count(",") == 1 and region and all(w[:1].isupper() for w in region):
        place_end = key[0] + comma
        for s, e in predicted:
            if e == place_end and key[0] <= s and _around_name(text[key[0] : s].split()):
                return predicted[(s, e)]
    # "Indian Navy" for the gold "Navy": one capitalised word before the gold span
    for s in ends_here:
        before = text[s : key[0]].split()
        if s < key[0] and len(before) == 1 and before[0][:1].isupper() and text[key[0] - 1].isspace():
            return predicted[(s, key[1])]
    return None


def predicted_by_article(rows: Iterable[tuple[str, int, int, Hashable]], texts: dict[str, str]) -> dict[str, dict]:
    out: dict[str, dict[tuple[int, int], Hashable]] = defaultdict(dict)
    for article_id, start, end, cluster in rows:
        out[article_id].setdefault(span_key(texts[article_id], start, end), cluster)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--held-out", default="28-35", help="topics kept out of error analysis (default 28-35)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: toolkit's default model)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (a quick look)")
    parser.add_argument("--dump", type=Path, default=None, help="also write PressLens's mentions table here (Parquet)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "coref.json")
    args = parser.parse_args(argv)

    if not (args.data / "gold.jsonl").exists():
        print(
            f"No ECB+ data at {args.data} (expected gold.jsonl, metadata.csv and texts/). The evaluation sets live "
            f"in ../shared/data/eval beside the repository; pass --data PATH to point elsewhere.",
            file=sys.stderr,
        )
        return 2

    import pandas as pd

    import toolkit
    import toolkit_entities.component  # noqa: F401  (registers the factory when entry points are not installed)
    from toolkit.nlp import load_model, model_info

    with (args.data / "metadata.csv").open(encoding="utf-8") as handle:
        ids = [row["article_id"] for row in csv.DictReader(handle)][: args.limit]
    texts = {aid: (args.data / "texts" / f"{aid}.txt").read_text("utf-8") for aid in ids}
    topic_of = {aid: int(aid.split("_")[0]) for aid in ids}
    gold = read_gold(args.data, texts)
    held_out = topics_of(args.held_out)

    started = time.perf_counter()
    nlp = load_model(args.model)
    baseline_rows = []
    for aid, doc in zip(ids, nlp.pipe((texts[a] for a in ids), batch_size=32)):
        for ent in doc.ents:
            baseline_rows.append((aid, ent.start_char, ent.end_char, (topic_of[aid], ent.text)))
    baseline_s = time.perf_counter() - started

    started = time.perf_counter()
    frame = pd.DataFrame({"article_id": ids, "text": [texts[a] for a in ids]})
    corpus = toolkit.analyze(
        frame,
        plugins=["entities"],
        model=args.model,
        clean=False,
        quiet=True,
        options={"entities": {"write_aliases": False}},
    )
    mentions = corpus.mentions
    if args.dump:
        mentions.to_parquet(args.dump)
    presslens_rows = [
        (m.article_id, int(m.start), int(m.end), (topic_of[m.article_id], m.entity_id))
        for m in mentions.itertuples(index=False)
    ]
    presslens_s = time.perf_counter() - started

    systems = {
        "string": predicted_by_article(baseline_rows, texts),
        "PressLens": predicted_by_article(presslens_rows, texts),
    }
    all_topics = set(topic_of.values())
    sets = {"all": None, "development": all_topics - held_out, "held-out": held_out & all_topics}
    results: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for set_name, topics in sets.items():
        results[set_name] = {}
        for system, predicted in systems.items():
            results[set_name][system] = {
                "ALL": evaluate(gold, predicted, texts, types=TYPES, topics=topics),
                **{t: evaluate(gold, predicted, texts, types=(t,), topics=topics) for t in TYPES},
            }

    print(
        f"ECB+ dev: {len(ids)} articles, {len(gold)} named PER/ORG/GPE gold mentions, model {model_info(nlp)['name']}"
    )
    print(f"held-out topics: {args.held_out}")
    head = f"{'set':<12} {'type':<4} {'system':<10} {'n':>5} {'MUC':>6} {'B3':>6} {'CEAF-e':>6} {'CoNLL':>6}"
    print(head)
    for set_name, by_system in results.items():
        for t in ("ALL", *TYPES):
            for system, by_type in by_system.items():
                row = by_type[t]
                print(
                    f"{set_name:<12} {t:<4} {system:<10} {row['mentions']:>5} {row['MUC F1']:>6.2f} "
                    f"{row['B3 F1']:>6.2f} {row['CEAF-e F1']:>6.2f} {row['CoNLL F1']:>6.2f}"
                )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "dataset": "ecbplus-dev",
                "articles": len(ids),
                "gold_mentions": len(gold),
                "held_out_topics": args.held_out,
                "model": model_info(nlp),
                "results": results,
                "seconds": {"string": round(baseline_s, 1), "PressLens": round(presslens_s, 1)},
            },
            indent=2,
        ),
        "utf-8",
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
