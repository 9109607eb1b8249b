"""Messages whose extent the parse gets wrong, and the conventions that repair them.

Each sentence is written for these tests (none is taken from the shared data) and
shows one general mis-parse: a conjunct hung on the wrong verb, an apposition hung
on the subject across the verb, a participle with its own clause after a quote, a
quoted title inside an opening phrase, a quoted heading line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "support")
)  # helpers (not tests/ itself: its toolkit_* folders would shadow the plugins)
from quote_checks import only, rows_of


@pytest.mark.parametrize(
    "text, content, cue, speaker",
    [
        # a directive verb from the general urge/order class
        (
            "The union exhorted members to vote against the contract.",
            "members to vote against the contract",
            "exhorted",
            "The union",
        ),
        # a second object the parser coordinates with the message verb, or hangs on the clause above a participle
        (
            "She began by stressing fiscal discipline, and a need to raise the minimum wage and close tax loopholes.",
            "fiscal discipline, and a need to raise the minimum wage and close tax loopholes",
            "stressing",
            "She",
        ),
        (
            "The governor has embraced the federal approach, promising to meet and in some cases exceed the national "
            "targets without new taxes.",
            "to meet and in some cases exceed the national targets without new taxes",
            "promising",
            "The governor",
        ),
        # an apposition the parser hangs on the subject across the verb must not swallow the message
        (
            "A majority of voters expect Ortiz to win Tuesday's debate, the first of the campaign, at the state "
            "university -- 44 percent to 34 percent.",
            "Ortiz to win Tuesday's debate",
            "expect",
            "A majority of voters",
        ),
        # the that-clause after an addressee read as a relative clause on it
        (
            "In Oslo last week, she told a gathering of regional mayors that few towns understood the cost of flooding "
            "better than their own.",
            "that few towns understood the cost of flooding better than their own",
            "told",
            "she",
        ),
        # a trailing cue after a coordinated sentence reports all of it
        (
            "Ms. Ortiz had told police officials that she didn't want the escort at all, but the department overruled "
            "that request, the source added.",
            "Ms. Ortiz had told police officials that she didn't want the escort at all, but the department overruled "
            "that request",
            "added",
            "the source",
        ),
        # the tagger reads the verb as a plural noun after a name opening a paragraph
        (
            "The council voted on Monday.\n\nMr. Vance charges that countries that stand to gain from the deal donated "
            "millions of dollars to the foundation.",
            "that countries that stand to gain from the deal donated millions of dollars to the foundation",
            "charges",
            "Mr. Vance",
        ),
    ],
)
def test_message_extent_despite_the_parse(nlp, text, content, cue, speaker):
    row = only(rows_of(nlp, text), content=content)
    assert (row["kind"], row["cue"], row["speaker_text"]) == ("indirect", cue, speaker)


def test_a_participle_with_its_own_clause_after_a_quote_is_not_its_cue(nlp):
    text = (
        'In a statement, the firm said: "The merger was a success for everyone involved," adding that its '
        "shares had doubled within a year."
    )
    rows = rows_of(nlp, text)
    quote = only(rows, content='"The merger was a success for everyone involved,"')
    assert (quote["kind"], quote["cue"], quote["speaker_text"]) == ("direct", "said", "the firm")
    added = only(rows, content="that its shares had doubled within a year")
    assert added["cue"] == "adding"


def test_a_coordinated_speech_verb_with_a_topic_starts_its_own_message(nlp):
    text = "The senator said he would order a review of the state's computer systems and warned against hackers."
    rows = rows_of(nlp, text)
    assert only(rows, cue="said")["content"] == "he would order a review of the state's computer systems"
    assert all("warned" not in r["content"] for r in rows)


def test_a_title_in_an_opening_phrase_is_not_a_quotation(nlp):
    text = (
        'In his 2010 book, "Make Your Money Work," Mr. Hale suggested looking at the items on your credit '
        "card statement."
    )
    rows = rows_of(nlp, text)
    assert all("Make Your Money Work" not in r["content"] for r in rows), rows
    assert only(rows, cue="suggested")["content"] == "looking at the items on your credit card statement"


def test_a_quoted_heading_line_does_not_continue_the_quote_before_it(nlp):
    text = (
        "“We will rebuild,” the mayor said.\n\n“The Storm Has Changed Everything Here.”\n\n"
        "The town began work on Monday."
    )
    rows = rows_of(nlp, text)
    assert [r["content"] for r in rows] == ["“We will rebuild,”"]


def test_a_short_topic_nobody_holds_is_no_attribution(nlp):
    assert rows_of(nlp, "The navy staged an attack on the island last year.") == []


def test_a_reported_clause_before_a_colon_is_part_of_the_quote_it_introduces(nlp):
    text = 'The mayor said the answer was simple: "We build the bridge and we build it now."'
    row = only(rows_of(nlp, text), cue="said")
    assert row["content"] == 'the answer was simple: "We build the bridge and we build it now."'
    assert (row["kind"], row["speaker_text"]) == ("mixed", "The mayor")


def test_a_closing_attribution_speaks_for_the_unattributed_sentences_before_it(nlp):
    text = (
        "The mill has new backers.\n\nOne of them is Jo Hale, a founder of Treeline, a firm outside Leeds. "
        "Treeline's business is planting trees. The trees soak up carbon and turn it into wood. An acre of trees "
        "can absorb 150 tons of carbon over the years, Mr. Hale said.\n\nThe council meets on Monday."
    )
    row = only(rows_of(nlp, text), cue="said")
    # the sentence introducing the speaker is the writer's; the ones after it are the speaker's
    assert row["content"] == (
        "Treeline's business is planting trees. The trees soak up carbon and turn it into "
        "wood. An acre of trees can absorb 150 tons of carbon over the years"
    )
    assert row["speaker_text"] == "Mr. Hale"


def test_a_closing_attribution_does_not_take_sentences_with_their_own_reporting_verb(nlp):
    text = (
        "The council met on Monday. The mayor said the budget was tight. Taxes will rise next year, the treasurer said."
    )
    row = only(rows_of(nlp, text), speaker_text="the treasurer")
    assert row["content"] == "Taxes will rise next year"
