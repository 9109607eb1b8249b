"""Attribution rules on sentences written for these tests (never copied from the shared data)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "support")
)  # helpers (not tests/ itself: its toolkit_* folders would shadow the plugins)
from quote_checks import only


def quotes_of(nlp, text):
    doc = nlp(text)
    return doc, [q.row(text) for q in doc._.presslens_quotes]


def test_direct_quote_with_cue_after(nlp):
    _, rows = quotes_of(nlp, "“We will build the bridge next year,” Mayor Anna Berg said on Monday.")
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
    text = (
        "Joan Kimani said: “The first part of the plan is ready.\n\n"
        "“The second part needs another year of work.”\n\nThe council meets on Friday."
    )
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


@pytest.mark.parametrize(
    ("text", "cue", "content_start"),
    [
        ("The Health Ministry accused the company of hiding the test results.", "accused", "the company of hiding"),
        ("The company denied it had hidden any results.", "denied", "it had hidden"),
        ("Omar Haddad told reporters that the strike would end soon.", "told", "that the strike"),
    ],
    ids=["accused-of", "denied", "told-that"],
)
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
    text = "Defence Secretary Tom Walsh said the army was ready. “Our troops are prepared for anything,” he added."
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert row["speaker_text"] == "he"
    assert row["speaker_ref_text"] == "Tom Walsh"
    assert row["speaker_resolution"] == "pronoun" and 0 < row["speaker_confidence"] < 0.95


def test_description_resolves_through_earlier_title(nlp):
    text = (
        "Foreign Minister Karin Holm arrived in Oslo on Monday.\n\n"
        "The minister said that the visit would strengthen trade."
    )
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
    text = (
        "The mayor said that the park would open in May.\n\n"
        "Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n\n"
        "“Coffee fan. Music nerd. Avid reader. Travel buff.”"
    )
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


WORDS = st.sampled_from(
    [
        "He",
        "said",
        "she",
        "told",
        "that",
        "the",
        "minister",
        "“",
        "”",
        '"',
        "'",
        "‘",
        "’",
        "«",
        "»",
        "„",
        ",",
        ".",
        ":",
        "\n\n",
        "according",
        "to",
        "Anna",
        "Berg",
        "We",
        "win",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, max_size=30))
def test_random_text_never_raises_and_spans_stay_inside(nlp, words):
    text = " ".join(words)
    doc = nlp(text)
    for quote in doc._.presslens_quotes:
        row = quote.row(text)
        for start, end in (
            ("content_start", "content_end"),
            ("cue_start", "cue_end"),
            ("speaker_start", "speaker_end"),
            ("speaker_ref_start", "speaker_ref_end"),
            ("via_start", "via_end"),
        ):
            if row[start] is not None:
                assert 0 <= row[start] <= row[end] <= len(text)
        assert row["kind"] in ("direct", "partial", "indirect", "mixed")


# --- broad attribution: asides, topic and intention verbs (PolNeAR-style) ------------------------
def test_parenthetical_cue_splits_the_message_in_two_parts(nlp):
    text = "The new bridge, the engineer Tomas Vik said, will open to traffic in early spring."
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue="said")
    assert [text[s:e] for s, e in row["content_parts"]] == ["The new bridge", "will open to traffic in early spring"]
    assert row["speaker_text"] == "the engineer Tomas Vik"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "The union called for a national strike over the pension cuts.",
            "called for",
            "a national strike over the pension cuts",
        ),
        (
            "Senator Ada Quist called on the governor to resign by Friday.",
            "called on",
            "the governor to resign by Friday",
        ),
        ("The mayor called the plan a reckless waste of money.", "called", "the plan a reckless waste of money"),
    ],
    ids=["called-for", "called-on", "called-X-Y"],
)
def test_call_patterns(nlp, text, cue, content):
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue=cue)
    assert row["content"] == content


def test_called_as_a_name_is_not_speech(nlp):
    _, rows = quotes_of(nlp, "A small village called Ostby lies north of the lake.")
    assert rows == []


@pytest.mark.parametrize(
    ("text", "cue", "content_start"),
    [
        (
            "The governor wants to cut property taxes, expand the rail network and close two prisons.",
            "wants",
            "to cut property taxes, expand the rail network and close two prisons",
        ),
        ("The opposition party plans to challenge the budget in court.", "plans", "to challenge the budget in court"),
        ("Professor Lee spoke of the long history of the treaty.", "spoke", "the long history of the treaty"),
        (
            "The minister cited rising costs as the reason for the delay.",
            "cited",
            "rising costs as the reason for the delay",
        ),
    ],
    ids=["wants-to", "plans-to", "spoke-of", "cited-as"],
)
def test_intention_and_topic_verbs(nlp, text, cue, content_start):
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue=cue)
    assert row["kind"] == "indirect" and row["content"] == content_start


def test_first_person_intention_is_not_reported(nlp):
    _, rows = quotes_of(nlp, "I want to thank everyone for coming tonight.")
    assert rows == []


def test_hypothetical_object_message_is_not_reported(nlp):
    _, rows = quotes_of(nlp, "The law requires every candidate to disclose the tax returns of the last decade.")
    assert [r for r in rows if r["cue"] == "disclose"] == []


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "Governor Ray Holt said the port would reopen next week and warned that fuel prices could rise.",
            "said",
            "the port would reopen next week",
        ),
        (
            "The senator said the audit was fair, arguing that critics had misread the figures.",
            "said",
            "the audit was fair",
        ),
        ("The mayor praised the new library plan in a statement on Thursday.", "praised", "the new library plan"),
    ],
    ids=["coordinated-cue", "participle", "circumstance"],
)
def test_message_stops_where_the_writer_takes_over(nlp, text, cue, content):
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue=cue)
    assert row["content"] == content


def test_coordinated_cue_is_its_own_attribution(nlp):
    text = "Governor Ray Holt said the port would reopen next week and warned that fuel prices could rise."
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue="warned")
    assert row["content"] == "that fuel prices could rise"


def test_transcript_speaker_lines(nlp):
    text = (
        "The debate was broadcast live on Sunday night.\n\n"
        "HARRIS: Do you believe the tax cut will pay for itself?\n\n"
        "MORALES: Well, look, the tax cut will create millions of jobs.\n\n"
        "UPDATE: This story has been corrected."
    )
    _, rows = quotes_of(nlp, text)
    speakers = {r["speaker_text"]: r for r in rows if r["rule"] == "speaker-line"}
    assert set(speakers) == {"HARRIS", "MORALES"}
    assert speakers["MORALES"]["content"] == "Well, look, the tax cut will create millions of jobs"
    assert speakers["HARRIS"]["content"] == "Do you believe the tax cut will pay for itself?"
    assert speakers["MORALES"]["cue"] == ":"


def test_quote_resumed_after_its_cue_sentence_is_one_statement(nlp):
    text = (
        "“The harvest was the worst in a decade,” the farmer Ines Moreau said on Monday. "
        "“We will need help from the region to get through the winter.”"
    )
    _, rows = quotes_of(nlp, text)
    row = only(rows, cue="said")
    assert [text[s:e] for s, e in row["content_parts"]] == [
        "“The harvest was the worst in a decade,”",
        "“We will need help from the region to get through the winter.”",
    ]


def test_quote_in_the_next_paragraph_is_a_continuation_of_its_own(nlp):
    text = (
        "“The harvest was the worst in a decade,” the farmer Ines Moreau said.\n\n"
        "“We will need help from the region to get through the winter.”"
    )
    _, rows = quotes_of(nlp, text)
    assert len(rows) == 2 and rows[1]["rule"] == "continuation"
    assert rows[1]["speaker_text"] == rows[0]["speaker_text"] == "the farmer Ines Moreau"


def test_outlet_label_before_a_headline_is_not_a_speaker(nlp):
    text = (
        "NORDPRESS: – Ministers agree on new fishing quotas\n\n"
        "The NORDPRESS news agency reported the deal late on Monday."
    )
    _, rows = quotes_of(nlp, text)
    assert [r for r in rows if r["rule"] == "speaker-line"] == []


def test_section_label_before_a_headline_is_not_a_speaker(nlp):
    _, rows = quotes_of(nlp, "Explainer: how the two ports became rivals\n\nThe ports opened in the same year.")
    assert [r for r in rows if r["rule"] == "speaker-line"] == []


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker"),
    [
        ("“Sit down, please,” Dana Whitlow barked, and all sat.", "“Sit down, please,”", "barked", "Dana Whitlow"),
        ("“Nobody here is a fool,” Ellwood assured the crowd.", "“Nobody here is a fool,”", "assured", "Ellwood"),
        ("“What a night!” beamed Orla Venn of Dunmore.", "“What a night!”", "beamed", "Orla Venn of Dunmore"),
        ("“Never again!” the marchers cried out.", "“Never again!”", "cried out", "the marchers"),
    ],
    ids=["name-verb", "verb-with-addressee", "inverted", "group-with-particle"],
)
def test_any_verb_beside_its_subject_after_a_quotation_is_its_cue(nlp, text, content, cue, speaker):
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert (row["content"], row["cue"], row["speaker_text"]) == (content, cue, speaker)


@pytest.mark.parametrize(
    "text",
    [
        "“Harbour Lights,” the musical, won eleven awards last year.",
        "The slogan “Build It Better” resonated with voters across the valley.",
        "“Harbour Lights” is the best show in town, the critics agree.",
    ],
    ids=["title-subject", "no-closing-punctuation", "quote-as-subject"],
)
def test_a_quoted_title_before_its_own_verb_has_no_cue(nlp, text):
    _, rows = quotes_of(nlp, text)
    assert not any(row["kind"] == "direct" and row["cue"] not in (None, "agree") for row in rows)


def test_question_then_capitalised_speaker_the_tagger_read_as_a_noun(nlp):
    # the tagger reads a surname that is also a word ("Price") as a common noun after "?"
    text = "“You think I will change?” Price asked reporters on Friday. “I will not.”"
    doc, rows = quotes_of(nlp, text)
    assert next(t for t in doc if t.text == "Price").tag_ == "NN"  # the case this test is about
    row = only(rows, kind="direct")
    assert row["content"].startswith("“You think I will change?”") and row["speaker_text"] == "Price"


def test_a_new_sentence_after_a_closed_quotation_is_not_its_cue(nlp):
    _, rows = quotes_of(nlp, "He paused. “We will see.” Critics said the plan would fail.")
    assert not any(row["kind"] == "direct" and row["cue"] == "said" for row in rows)


def test_a_person_closing_a_paragraph_with_a_colon_introduces_the_quotation_below(nlp):
    text = "Seventeen-year-old Mira Stone echoed:\n\n“He speaks his mind, and that is what the town needs.”\n"
    _, rows = quotes_of(nlp, text)
    row = only(rows, kind="direct")
    assert row["speaker_text"] == "Seventeen-year-old Mira Stone" and row["content"].startswith("“He speaks")


def test_a_thing_closing_a_paragraph_with_a_colon_introduces_no_one(nlp):
    _, rows = quotes_of(nlp, "The plan has three parts:\n\n“Build, repair and maintain the roads of the county.”\n")
    assert not any(row["speaker_text"] for row in rows)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Frost: 'Never, ever underestimate the mayor.'\n\nCouncillor Ann Frost has advice for all.", "Frost"),
        ("Update: 'The bridge is closed until further notice.'\n\nThe city closed the bridge on Monday.", None),
    ],
    ids=["name-read-as-noun", "label-names-no-one"],
)
def test_headline_name_and_colon_the_tagger_read_as_a_noun(nlp, text, speaker):
    doc, rows = quotes_of(nlp, text)
    assert doc[0].tag_ == "NN"  # the case these pin: no proper noun before the colon
    assert [row["speaker_text"] for row in rows if row["kind"] == "direct" and row["speaker_text"]] == (
        [speaker] if speaker else []
    )


def test_according_to_inside_a_quotation_is_no_relay(nlp):
    text = "“It goes according to age groups,” said Maeve Olsen, a retired cook."
    _, rows = quotes_of(nlp, text)
    row = only(rows)
    assert (row["content"], row["cue"], row["via_text"]) == ("“It goes according to age groups,”", "said", None)
