"""The spaCy component on real text: the sample articles' Done-when dates, and plain-spaCy use."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SAMPLE = SHARED / "data" / "sample-news"


@pytest.fixture(scope="module")
def nlp():
    import toolkit_timeline.component  # noqa: F401  (registers the factory without an installed entry point)
    from toolkit.nlp import load_model

    pipeline = load_model()
    pipeline.add_pipe("presslens_timexes")
    return pipeline


def _doc(nlp, text: str, published: str | None):
    doc = nlp.make_doc(text)
    doc._.presslens_published = published
    return nlp(doc)


def test_component_fills_the_extension_and_spans(nlp):
    doc = _doc(nlp, "Lavrov said on Thursday that talks lasted three days.", "2023-10-19")
    rows = doc._.presslens_timexes
    assert [(r["text"], r["type"], r["value"]) for r in rows] == [
        ("Thursday", "DATE", "2023-10-19"),
        ("three days", "DURATION", "P3D"),
    ]
    assert [s.label_ for s in doc.spans["presslens_timexes"]] == ["DATE", "DURATION"]


def test_tense_decides_the_direction_of_a_weekday(nlp):
    past = _doc(nlp, "The ministers met on Monday.", "2024-01-17")._.presslens_timexes[0]["value"]
    future = _doc(nlp, "The ministers will meet on Monday.", "2024-01-17")._.presslens_timexes[0]["value"]
    assert (past, future) == ("2024-01-15", "2024-01-22")


def test_without_publication_date_known_parts_are_kept(nlp):
    doc = _doc(nlp, "On October 18, he arrived in the capital.", None)
    assert doc._.presslens_timexes[0]["value"] == "XXXX-10-18"
    assert doc._.presslens_timexes[0]["anchor"] == "none"


def _sample():
    if not (SAMPLE / "metadata.csv").exists():
        pytest.skip(f"the sample articles are not at {SAMPLE} (see shared/README.md)")
    with open(SAMPLE / "metadata.csv", newline="", encoding="utf-8") as handle:
        published = {row["article_id"]: row["published"] for row in csv.DictReader(handle)}
    return {path.stem: (path.read_text("utf-8"), published.get(path.stem)) for path in SAMPLE.glob("*.txt")}


def _find(articles, nlp, prefix: str, phrase: str):
    [(text, published)] = [v for k, v in articles.items() if k.startswith(prefix)]
    doc = _doc(nlp, text, published)
    at = text.index(phrase)
    hits = [r for r in doc._.presslens_timexes if r["start"] < at + len(phrase) and at < r["end"]]
    assert hits, f"nothing recognised in {phrase!r} of article {prefix}"
    return hits


# the Done-when items: the phrase in the article and what it must resolve to
DONE_WHEN = [
    ("001", "December 30 and January 2", [("2023-12-30", "2023-12-30"), ("2024-01-02", "2024-01-02")]),
    ("001", "last October", [("2023-10-01", "2023-10-31")]),
    ("004", "on Thursday", [("2023-10-19", "2023-10-19")]),
    ("002", "On October 18", [("2023-10-18", "2023-10-18")]),
    ("002", "from September 12 to 17", [("2023-09-12", "2023-09-17")]),
    ("000", "The day before", [("2024-01-16", "2024-01-16")]),
]


@pytest.mark.parametrize("prefix,phrase,expected", DONE_WHEN, ids=[f"{p}:{t}" for p, t, _ in DONE_WHEN])
def test_sample_articles_done_when(nlp, prefix, phrase, expected):
    articles = _sample()
    hits = _find(articles, nlp, prefix, phrase)
    assert [(h["value_start"], h["value_end"]) for h in hits] == expected


def test_sample_last_october_is_a_month_value(nlp):
    hits = _find(_sample(), nlp, "001", "last October")
    assert [h["value"] for h in hits] == ["2023-10"]
