"""Synthetic news-like corpora for reliability tests, made up here (no real articles).

>>> import tempfile, pathlib
>>> folder = write_corpus(pathlib.Path(tempfile.mkdtemp()) / "c", n=2)
>>> sorted(p.name for p in folder.iterdir())
['article-000.txt', 'article-001.txt', 'metadata.csv']
"""

from __future__ import annotations

import random
from pathlib import Path

FIRST = ["Maria", "Jonas", "Aiko", "Pedro", "Leila", "Tomasz", "Grace", "Omar", "Ingrid", "Kwame"]
LAST = ["Keller", "Varga", "Tanaka", "Silva", "Haddad", "Nowak", "Okafor", "Lindqvist", "Mensah", "Ortiz"]
ORGS = [
    "the Northport Council",
    "the Ministry of Transport",
    "Harbour Energy",
    "the Union of Dock Workers",
    "the Regional Court",
    "Coastal Wire news agency",
]
PLACES = ["Northport", "Valmera", "Eastbridge", "Lake Orin", "Santa Ilda"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
VERBS = ["approve", "reject", "delay", "review", "fund", "oppose"]
THINGS = ["the harbour expansion", "the new rail line", "the budget", "the port tariffs", "the wind farm"]


def news_sentence(rng: random.Random) -> str:
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    date = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2024)}"
    org, place, verb, thing = rng.choice(ORGS), rng.choice(PLACES), rng.choice(VERBS), rng.choice(THINGS)
    return rng.choice(
        [
            f"{person} said on {date} that {org} would {verb} {thing}.",
            f"\u201cWe will {verb} {thing},\u201d {person} told reporters in {place}.",
            f"{org.capitalize()} denied that it had agreed to {verb} {thing}, according to {person}.",
            f"In {place}, {person} accused {org} of trying to {verb} {thing} last week.",
            f"The talks in {place} continued on {date}, officials said.",
            f'"Nobody asked us," said {person}, who leads {org}.',
        ]
    )


def write_corpus(folder: Path, *, n: int = 40, seed: int = 0, sentences: tuple[int, int] = (4, 10)) -> Path:
    """``n`` articles ``article-NNN.txt`` and a ``metadata.csv`` with publication dates."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["article_id,published,outlet"]
    for i in range(n):
        headline = f"{rng.choice(PLACES)} {rng.choice(['talks', 'dispute', 'vote', 'plan'])} update {i}"
        body = " ".join(news_sentence(rng) for _ in range(rng.randint(*sentences)))
        (folder / f"article-{i:03d}.txt").write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
        rows.append(f"article-{i:03d},2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{rng.choice(PLACES)} Post")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder
