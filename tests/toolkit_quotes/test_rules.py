"""Attribution rules on sentences written for these tests (never copied from the shared data)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def quotes_of(nlp, text):
    doc = nlp(text)
    return doc, [q.row(text) for q in doc._.presslens_quotes]


def only(rows, **where):
    found = [r for r in rows if all(r.get(k) == v for k, v in where.items())]
    assert len(found) == 1, f"expected one quote with {where}, found {len(found)} in {rows}"
    return found[0]


def test_direct_quote_with_cue_after(nlp):
    doc, rows = quotes_of(nlp, "“We will build the bridge next year,” Mayor Anna Berg said on Monday.")
    row = only(rows, kind="direct")
    assert row["content"] == "“We will build the bridge next year,”"
    assert row["cue"] == "said"
    assert row["speaker_text"] == "Mayor Anna Berg"
    assert row["speaker_ref_text"] == "Anna Berg"


def test_direct_quote_with_colon_cue_before_and_several_sentences(nlp):
    text = "Paul Okafor added: “The talks went well. We expect a deal soon.”"
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert row["content"] == "“The talks went well. We expect a deal soon.”"
    assert row["cue"] == "added" and row["speaker_text"] == "Paul Okafor"


def test_interrupted_quote_is_one_quote_in_two_parts(nlp):
    text = "“The budget is fair,” said Maria Lopez. “Nobody loses.”"
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert [text[s:e] for s, e in row["content_parts"]] == ["“The budget is fair,”", "“Nobody loses.”"]


def test_multi_paragraph_quote(nlp):
    text = ("Joan Kimani said: “The first part of the plan is ready.\n\n"
            "“The second part needs another year of work.”\n\nThe council meets on Friday.")
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert row["content"].startswith("“The first part") and row["content"].endswith("year of work.”")


def test_indirect_that_clause_keeps_that(nlp):
    _, rows = quotes_of(nlp, "The finance minister Lena Dahl said that taxes would not rise this year.")
    row = only(rows, kind="indirect")
    assert row["content"] == "that taxes would not rise this year"
    assert row["cue"] == "said"


def test_inverted_reported_speech(nlp):
    _, rows = quotes_of(nlp, "Taxes will not rise this year, the finance minister Lena Dahl said on Tuesday.")
    row = only(rows, kind="indirect")
    assert row["content"] == "Taxes will not rise this year"
    assert row["speaker_ref_text"] == "Lena Dahl"


@pytest.mark.parametrize(("text", "cue", "content_start"), [
    ("The Health Ministry accused the company of hiding the test results.", "accused", "the company of hiding"),
    ("The company denied it had hidden any results.", "denied", "it had hidden"),
    ("Omar Haddad told reporters that the strike would end soon.", "told", "that the strike"),
], ids=["accused-of", "denied", "told-that"])
def test_reported_speech_patterns(nlp, text, cue, content_start):
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue=cue)
    assert row["kind"] == "indirect"
    assert row["content"].startswith(content_start)


def test_partial_quote_inside_reported_speech(nlp):
    text = "Ruth Mendel praised the volunteers for “working through the night,” and thanked the firefighters."
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue="praised")
    assert row["kind"] == "partial"
    assert row["content"].endswith("night,”")


def test_according_to_attributes_the_clause(nlp):
    _, rows = quotes_of(nlp, "The factory will close in March, according to the regional governor.")
    row = only(rows, cue="according to")
    assert row["content"] == "The factory will close in March"
    assert row["speaker_text"] == "the regional governor"


def test_relay_is_via_not_speaker(nlp):
    text = "“We are ready to talk,” Ivan Petrenko said, according to the state news agency."
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert row["speaker_text"] == "Ivan Petrenko"
    assert row["via_text"] == "the state news agency"
    assert "according" not in row["content"]


def test_pronoun_resolves_to_previous_speaker(nlp):
    text = ("Defence Secretary Tom Walsh said the army was ready. "
            "“Our troops are prepared for anything,” he added.")
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert row["speaker_text"] == "he"
    assert row["speaker_ref_text"] == "Tom Walsh"
    assert row["speaker_resolution"] == "pronoun" and 0 < row["speaker_confidence"] < 0.95


def test_description_resolves_through_earlier_title(nlp):
    text = ("Foreign Minister Karin Holm arrived in Oslo on Monday.\n\n"
            "The minister said that the visit would strengthen trade.")
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue="said")
    assert row["speaker_text"] == "The minister"
    assert row["speaker_ref_text"] == "Karin Holm"
    assert row["speaker_resolution"] == "description"


def test_indefinite_description_stays_unresolved(nlp):
    _, rows = quotes_of(nlp, "A government spokesperson said that the border would reopen.")
    row = only(rows, cue="said")
    assert row["speaker_text"] == "A government spokesperson"
    assert row["speaker_ref_text"] is None and row["speaker_confidence"] == 0.0


def test_boilerplate_is_never_a_quote(nlp):
    text = ("The mayor said that the park would open in May.\n\n"
            "Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n\n"
            "“Coffee fan. Music nerd. Avid reader. Travel buff.”")
    _, rows = quotes_of(nlp, text)
    assert [r["cue"] for r in rows] == ["said"]


def test_no_attribution_inside_a_direct_quote(nlp):
    text = "“People say that we are late, but we are on time,” the director Sam Reyes said."
    _, rows = quotes_of(nlp, text)
    assert len(rows) == 1 and rows[0]["kind"] == "direct"


def test_doc_spans_hold_the_contents(nlp):
    doc = nlp("“We will build the bridge next year,” Mayor Anna Berg said.")
    spans = doc.spans["presslens_quotes"]
    assert [(s.label_, s.text) for s in spans] == [("direct", "“We will build the bridge next year,”")]


WORDS = st.sampled_from(["He", "said", "she", "told", "that", "the", "minister", "“", "”", '"', "'", "‘", "’",
                         "«", "»", "„", ",", ".", ":", "\n\n", "according", "to", "Anna", "Berg", "We", "win"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, max_size=30))
def test_random_text_never_raises_and_spans_stay_inside(nlp, words):
    text = " ".join(words)
    doc = nlp(text)
    for quote in doc._.presslens_quotes:
        row = quote.row(text)
        for start, end in (("content_start", "content_end"), ("cue_start", "cue_end"),
                           ("speaker_start", "speaker_end"), ("speaker_ref_start", "speaker_ref_end"),
                           ("via_start", "via_end")):
            if row[start] is not None:
                assert 0 <= row[start] <= row[end] <= len(text)
        assert row["kind"] in ("direct", "partial", "indirect", "mixed")
