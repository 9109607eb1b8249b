"""The "Done when" items of the quotes issue, on the real articles in ../shared/data/sample-news.

Expected speakers are checked by the names the issue lists; the article text is
read from ../shared at run time and never copied here. Without the entities
plugin, speakers are checked through the text their span resolves to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cleaning import boilerplate_reason
from toolkit_quotes.rules import scan_quotes

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sample-news"
PEOPLE = ("Lavrov", "Zakharova", "Choe", "Kim Jong", "Peskov", "Zinoviev")


@pytest.fixture(scope="module")
def corpus():
    if not SAMPLE.is_dir():
        pytest.skip(f"sample corpus not found at {SAMPLE}")
    import toolkit
    from toolkit.registry import registry

    # claims too when installed: a quote's speakers and its claims' claimants must agree
    names = ["quotes", *(name for name in ("entities", "claims") if name in registry.names())]
    # raw text (no cleaning): boilerplate must be kept out by the plugin itself
    return toolkit.analyze([SAMPLE], metadata=SAMPLE / "metadata.csv", plugins=names, clean=False, quiet=True)


def speaker_of(row) -> str:
    for column in ("speaker_name", "speaker_ref_text"):
        value = row.get(column)
        if isinstance(value, str) and value:
            return value
    return ""


def test_each_named_person_is_quoted_with_the_right_speaker(corpus):
    quotes = corpus.quotes
    speakers = [speaker_of(r) for r in quotes.to_dict("records")]
    for person in PEOPLE:
        assert any(person.split()[-1] in s or person in s for s in speakers), f"no quote resolved to {person}"


def test_every_quoted_statement_is_attributed(corpus):
    """Each quoted stretch of four words or more in the prose lies inside a quote with a resolved speaker."""
    for article in corpus.articles.itertuples():
        text = article.text
        rows = corpus.quotes[corpus.quotes["article_id"] == article.article_id]
        stretches, _ = scan_quotes(text)
        for stretch in stretches:
            line_start = text.rfind("\n", 0, stretch.start) + 1
            line_end = text.find("\n", stretch.end)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if boilerplate_reason(line) or len(re.findall(r"\w+", text[stretch.inner_start : stretch.inner_end])) < 4:
                continue
            covering = rows[(rows["content_start"] <= stretch.start + 1) & (rows["content_end"] >= stretch.end - 1)]
            assert len(covering), f"{article.article_id}: quoted stretch at {stretch.start} not attributed"
            assert any(speaker_of(r) for r in covering.to_dict("records")), (
                f"{article.article_id}: quoted stretch at {stretch.start} has no resolved speaker"
            )


def test_pronoun_speaker_with_relay(corpus):
    rows = corpus.quotes.to_dict("records")
    relayed = [
        r
        for r in rows
        if r.get("speaker_text") in ("he", "He") and isinstance(r.get("via_text"), str) and "TASS" in r["via_text"]
    ]
    assert relayed and all("Lavrov" in speaker_of(r) for r in relayed)
    if corpus.entities is not None and len(corpus.entities):
        assert all(pd.notna(r["via_entity_id"]) for r in relayed)


def test_defended_by_saying(corpus):
    rows = [r for r in corpus.quotes.to_dict("records") if r.get("cue") == "saying" and r.get("speaker_text") == "He"]
    assert rows and all("Zakharova" in speaker_of(r) for r in rows)
    assert all(r["kind"] == "direct" for r in rows)


def test_accusation_and_denial_are_indirect(corpus):
    rows = corpus.quotes.to_dict("records")
    accusation = [r for r in rows if r.get("cue") == "accused" and "White House" in str(r.get("speaker_text"))]
    denial = [r for r in rows if r.get("cue") == "denied" and "North Korea" in str(r.get("speaker_text"))]
    assert accusation and all(r["kind"] == "indirect" for r in accusation)
    assert denial and all(r["kind"] == "indirect" for r in denial)


def test_no_boilerplate_line_is_a_quote(corpus):
    texts = dict(zip(corpus.articles["article_id"], corpus.articles["text"]))
    for row in corpus.quotes.to_dict("records"):
        text = texts[row["article_id"]]
        for start, _end in ((row["content_start"], row["content_end"]), (row["cue_start"], row["cue_end"])):
            if pd.isna(start):
                continue
            line_start = text.rfind("\n", 0, int(start)) + 1
            line_end = text.find("\n", int(start))
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            assert boilerplate_reason(line) is None, f"quote in a boilerplate line: {line[:60]!r}"


# the classes of error (#16), on the articles it found them in --------------------------------------
@pytest.mark.parametrize("pair", [("Washington", "Kiev"), ("Pyongyang", "Moscow")])
def test_coordinated_subject_keeps_both_speakers_and_claims_agree(corpus, pair):
    rows = [r for r in corpus.quotes.to_dict("records") if r.get("speaker_text") == f"{pair[0]} and {pair[1]}"]
    assert rows, f"no quote spoken by {pair[0]} and {pair[1]}"
    for row in rows:
        assert list(row["speakers"]) == list(pair)
        if getattr(corpus, "claims", None) is not None and len(corpus.claims):
            claimants = corpus.claims[corpus.claims["quote_id"] == row["quote_id"]]["claimant_name"]
            assert sorted(claimants) == sorted(pair)


def test_reduced_passive_headline_names_no_speaker(corpus):
    rows = [
        r
        for r in corpus.quotes.to_dict("records")
        if r.get("cue") == "accused" and str(r.get("content", "")).startswith("of waging")
    ]
    assert rows and all(pd.isna(r["speaker_start"]) for r in rows)


def test_spokesperson_statement_goes_to_the_organisation(corpus):
    rows = [r for r in corpus.quotes.to_dict("records") if str(r.get("speaker_text")).lower() == "the spokesperson"]
    assert rows and all("Ministry" in str(r["speaker_ref_text"]) for r in rows)
    office = [r for r in corpus.quotes.to_dict("records") if str(r.get("speaker_text")).startswith("the office of")]
    assert office and all(r["speaker_resolution"] == "office" for r in office)
    assert all("Choe" not in str(r["speaker_ref_text"]) and "Choi" not in str(r["speaker_ref_text"]) for r in office)


def test_the_agency_is_the_agency_named_before(corpus):
    rows = [r for r in corpus.quotes.to_dict("records") if r.get("speaker_text") == "The agency"]
    assert rows and all(r["speaker_ref_text"] == "KCNA" for r in rows)


def test_relay_is_a_medium_never_a_nationality(corpus):
    vias = [v for v in corpus.quotes["via_text"] if isinstance(v, str)]
    assert vias
    # a nationality adjective or a country is one capitalised word; a medium's one-word name is an acronym
    assert all(len(v.split()) > 1 or v.isupper() for v in vias), vias


def test_no_quote_from_a_question_answered_or_a_meeting_not_reported(corpus):
    for row in corpus.quotes.to_dict("records"):
        assert not str(row.get("cue")).startswith("answered")
        assert not (row.get("cue") == "reported" and str(row.get("content")).strip(". ") == "the meeting")


def test_called_on_journalists_is_found(corpus):
    rows = [r for r in corpus.quotes.to_dict("records") if r.get("cue") == "called on"]
    assert rows and all("Lavrov" in speaker_of(r) for r in rows)
