"""Score the resolution of pronoun and description speakers against GUM's gold coreference.

    python benchmarks/eval_speakers.py [--data ../shared/data/eval/gum-news] [--limit N]

GUM news (24 Wikinews articles, ``dep_conllu/``) marks every mention of every
entity, pronouns included, with its chain id (CorefUD ``Entity=`` brackets). The
article text is rebuilt from the tokens (``SpaceAfter``; a blank line between
paragraphs, so a headline stays its own line) and run through PressLens.

A quote counts when its speaker phrase is a third-person pronoun ("he", "they") or
a definite description ("the minister", "the agency", "the firm's lawyers"), and a gold mention matches the phrase
(same head token). The speaker's gold chain is that mention's; then:

- *antecedent*: the chain has a mention before the speaker, so the speaker should
  be resolved: right when PressLens's reference (``speaker_ref_*``) lies on a gold
  mention of the same chain (an unresolved speaker is wrong);
- *first mention*: the chain starts at the speaker ("a spokesman said"), so the
  right answer is to leave it unresolved (or resolve it within its own chain).

Prints the accuracy over both, each part's count, and writes ``benchmarks/results/speakers.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "eval" / "gum-news"
RESULTS = ROOT / "benchmarks" / "results" / "speakers.json"
# first and second person speak in their own voice (inside a quotation): not an anaphor to resolve
_FIRST_SECOND = {"i", "me", "we", "us", "you", "my", "our", "your"}
_DEFINITE = {"the", "this", "that", "these", "those"}
_ENTITY = re.compile(r"\((\d+)[^()|]*\)?|(\d+)\)")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    chain: str
    head: int  # character offset of the mention's first token (GUM marks no heads here; see _gold_of)


@dataclass
class Article:
    name: str
    text: str
    mentions: list[Mention]


@dataclass
class Tally:
    antecedent: int = 0
    antecedent_right: int = 0
    antecedent_unresolved: int = 0
    first: int = 0
    first_right: int = 0
    pronoun: int = 0
    pronoun_right: int = 0
    description: int = 0
    description_right: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)


def read_article(path: Path) -> Article:
    """The article's text rebuilt from its tokens, and its gold mentions as character spans."""
    pieces: list[str] = []
    offset = 0
    mentions: list[Mention] = []
    open_at: dict[str, list[int]] = {}
    new_paragraph = False
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("# newpar"):
            new_paragraph = True
            continue
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue  # multiword ranges and empty nodes carry no text of their own
        if pieces and new_paragraph:
            joint = "\n\n"
            if pieces[-1].endswith(" "):
                pieces[-1] = pieces[-1][:-1]
                offset -= 1
            pieces.append(joint)
            offset += len(joint)
        new_paragraph = False
        form, misc = cols[1], cols[9]
        start = offset
        pieces.append(form)
        offset += len(form)
        end = offset
        fields = dict(f.split("=", 1) for f in misc.split("|") if "=" in f)
        if fields.get("SpaceAfter") != "No":
            pieces.append(" ")
            offset += 1
        for match in _ENTITY.finditer(fields.get("Entity", "")):
            opened, closed = match.group(1), match.group(2)
            if opened is not None:
                if match.group(0).endswith(")"):
                    mentions.append(Mention(start, end, opened, start))
                else:
                    open_at.setdefault(opened, []).append(start)
            elif closed is not None and open_at.get(closed):
                begin = open_at[closed].pop()
                mentions.append(Mention(begin, end, closed, begin))
    return Article(path.stem, "".join(pieces).rstrip(), sorted(mentions, key=lambda m: (m.start, -m.end)))


def _gold_of(mentions: list[Mention], start: int, end: int, head: tuple[int, int]) -> Mention | None:
    """The gold mention a predicted span stands for: the smallest one holding its head token and
    lying within the span's sentence-sized neighbourhood (GUM nests mentions: "the head of X")."""
    holding = [m for m in mentions if m.start <= head[0] and head[1] <= m.end and m.start >= start - 40]
    if not holding:
        return None
    # prefer the one closest to the predicted span
    return min(holding, key=lambda m: (abs(m.start - start) + abs(m.end - end), m.end - m.start))


def score(article: Article, quotes, doc, tally: Tally) -> None:
    text = article.text
    for quote in quotes:
        if quote.speaker_start is None or quote.speaker_end is None:
            continue
        span = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        if root.pos_ == "PRON":
            if root.lower_ in _FIRST_SECOND or len(span) > 1:
                continue
            kind = "pronoun"
        elif root.pos_ == "NOUN" and any(
            c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in _DEFINITE) for c in root.children
        ):
            kind = "description"
        else:
            continue  # a name is its own reference; a bare or indefinite noun introduces someone
        gold = _gold_of(article.mentions, span.start_char, span.end_char, (root.idx, root.idx + len(root.text)))
        if gold is None:
            continue
        chain = [m for m in article.mentions if m.chain == gold.chain]
        earlier = [m for m in chain if m.end <= gold.start]
        resolved = quote.speaker_ref_start is not None and quote.speaker_ref_end is not None
        right = False
        ref_chain = None
        if resolved:
            ref = doc.char_span(quote.speaker_ref_start, quote.speaker_ref_end, alignment_mode="expand")
            if ref is not None:
                ref_gold = _gold_of(
                    article.mentions, ref.start_char, ref.end_char, (ref.root.idx, ref.root.idx + len(ref.root.text))
                )
                ref_chain = ref_gold.chain if ref_gold is not None else None
        if earlier:
            tally.antecedent += 1
            right = ref_chain == gold.chain
            tally.antecedent_right += right
            tally.antecedent_unresolved += not resolved
        else:
            tally.first += 1
            right = not resolved or ref_chain == gold.chain
            tally.first_right += right
        setattr(tally, kind, getattr(tally, kind) + 1)
        setattr(tally, f"{kind}_right", getattr(tally, f"{kind}_right") + right)
        if not right:
            tally.errors.append(
                {
                    "article": article.name,
                    "speaker": text[quote.speaker_start : quote.speaker_end],
                    "resolved_to": text[quote.speaker_ref_start : quote.speaker_ref_end] if resolved else "",
                    "gold_chain": gold.chain,
                    "gold_antecedent": text[earlier[-1].start : earlier[-1].end] if earlier else "",
                }
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--model", default=None)
    parser.add_argument("--errors", action="store_true", help="print every wrong speaker")
    args = parser.parse_args(argv)
    folder = args.data / "dep_conllu"
    if not folder.is_dir():
        print(
            f"GUM news not found at {args.data.resolve()} (expected a dep_conllu/ folder of .conllu files). "
            f"Pass --data PATH to the gum-news folder.",
            file=sys.stderr,
        )
        return 2

    import toolkit_quotes.component  # noqa: F401  (registers the factory)
    from toolkit.nlp import load_model

    nlp = load_model(args.model)
    nlp.add_pipe("presslens_quotes")
    articles = [read_article(p) for p in sorted(folder.glob("*.conllu"))][: args.limit]
    tally = Tally()
    started = time.perf_counter()
    for article in articles:
        doc = nlp(article.text)
        score(article, doc._.presslens_quotes, doc, tally)
    total = tally.antecedent + tally.first
    right = tally.antecedent_right + tally.first_right

    def share(a: int, b: int) -> float:
        return a / b if b else 0.0

    summary = {
        "articles": len(articles),
        "speakers": total,
        "accuracy": share(right, total),
        "with_antecedent": tally.antecedent,
        "with_antecedent_accuracy": share(tally.antecedent_right, tally.antecedent),
        "with_antecedent_unresolved": tally.antecedent_unresolved,
        "first_mentions": tally.first,
        "first_mention_accuracy": share(tally.first_right, tally.first),
        "pronouns": tally.pronoun,
        "pronoun_accuracy": share(tally.pronoun_right, tally.pronoun),
        "descriptions": tally.description,
        "description_accuracy": share(tally.description_right, tally.description),
    }
    print(
        f"GUM news: {len(articles)} articles, {total} pronoun or description speakers "
        f"({time.perf_counter() - started:.1f}s)"
    )
    for key, value in summary.items():
        print(f"{key:<28} {value:.3f}" if isinstance(value, float) else f"{key:<28} {value}")
    if args.errors:
        for error in tally.errors:
            print(json.dumps(error, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"dataset": "gum-news", "model": nlp.meta.get("name"), **summary}, indent=2), "utf-8"
    )
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
