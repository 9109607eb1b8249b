"""Attribution in the broad (PolNeAR) sense: stances, directives, message nouns, attitudes, frames.

Sentences are written for these tests; none is taken from the shared data.
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
        (
            "The teachers' union endorsed Senator Maya Ortiz on Tuesday.",
            "Senator Maya Ortiz",
            "endorsed",
            "The teachers' union",
        ),
        (
            "Governor Paul Reyes attacked the new toll plan as a tax on commuters.",
            "the new toll plan as a tax on commuters",
            "attacked",
            "Governor Paul Reyes",
        ),
        (
            "The mayor urged residents to conserve water during the heat wave.",
            "residents to conserve water during the heat wave",
            "urged",
            "The mayor",
        ),
        (
            "The new budget was endorsed by the chamber of commerce.",
            "The new budget",
            "endorsed",
            "the chamber of commerce",
        ),
        # a preposition that belongs to the message stays in it; one that says when or where stays out
        (
            "The nurses' union endorsed Ana Reyes in the race for mayor on Monday.",
            "Ana Reyes in the race for mayor",
            "endorsed",
            "The nurses' union",
        ),
        (
            "The council member called for closing the landfill by next spring.",
            "closing the landfill by next spring",
            "called for",
            "The council member",
        ),
        (
            "The bishop spoke out against cuts to the shelter budget.",
            "cuts to the shelter budget",
            "spoke out",
            "The bishop",
        ),
        ("A reporter asked the governor about the missing audit.", "the missing audit", "asked", "A reporter"),
        # the lemmatiser may stray ("hopes" -> "hop"); the listed verb is still recognised
        (
            "Ivo Marek hopes to offset the emissions with credits.",
            "to offset the emissions with credits",
            "hopes",
            "Ivo Marek",
        ),
        ("The senator has admitted using the loophole.", "using the loophole", "admitted", "The senator"),
        ("The governor has promised a swift veto.", "a swift veto", "promised", "The governor"),
        (
            "The port authority did not respond to requests for comment.",
            "requests for comment",
            "respond",
            "The port authority",
        ),
        ("The appeals court ruled against the county's new map.", "the county's new map", "ruled", "The appeals court"),
        ("A spokeswoman for the port declined to comment.", "to comment", "declined", "A spokeswoman for the port"),
        (
            "Recent polls show Vera Lind with a narrow lead in the county.",
            "Vera Lind with a narrow lead in the county",
            "show",
            "Recent polls",
        ),
    ],
)
def test_stance_and_directive_verbs(nlp, text, content, cue, speaker):
    row = only(rows_of(nlp, text), content=content)
    assert (row["kind"], row["cue"], row["speaker_text"]) == ("indirect", cue, speaker)


def test_a_physical_attack_is_not_a_stance(nlp):
    assert rows_of(nlp, "Hackers attacked the city's website overnight.") == []


def test_showing_is_a_finding_only_of_a_source_of_evidence(nlp):
    assert rows_of(nlp, "The guide showed the visitors the old mill.") == []


def test_made_clear_without_a_clause_is_no_message(nlp):
    assert rows_of(nlp, "The director made this clear in an interview.") == []


def test_a_gerund_saying_how_is_not_the_message(nlp):
    assert [r for r in rows_of(nlp, "The governor tweeted using her official account.") if r["cue"] == "tweeted"] == []


def test_compared_with_is_the_writers_comparison(nlp):
    text = "Nurses in the north earned a median wage of $61,000, compared with nurses' $58,000 in the south."
    assert rows_of(nlp, text) == []


def test_asked_about_is_the_question_not_the_speakers_topic(nlp):
    rows = rows_of(nlp, "Asked about the bridge, Lena Okafor said the works would end in May.")
    assert [r["content"] for r in rows] == ["the works would end in May"]


@pytest.mark.parametrize(
    "text, content, cue, speaker",
    [
        ("Her claim that the audit was rigged drew little support.", "that the audit was rigged", "claim", "Her"),
        (
            "The ministry issued a warning that the dam could fail.",
            "that the dam could fail",
            "warning",
            "The ministry",
        ),
        ("The farmers' group is critical of the water rules.", "the water rules", "critical", "The farmers' group"),
        (
            "The fishermen's guild regards the new quota as a betrayal.",
            "the new quota as a betrayal",
            "regards",
            "The fishermen's guild",
        ),
        (
            "The chief made it clear that no officers would be fired.",
            "that no officers would be fired",
            "made",
            "The chief",
        ),
        (
            "The tenants' group has been vocal about the rent increases.",
            "the rent increases",
            "vocal",
            "The tenants' group",
        ),
        ("The bishop is a staunch opponent of the new casino.", "the new casino", "opponent", "The bishop"),
        # the subject holds the concern it voices: the message is what the concern is about
        ("Parents have voiced concerns about the new bus routes.", "the new bus routes", "concerns", "Parents"),
        # nouns of view take their topic the same way, held by the subject or the possessor
        (
            "The tenants voiced reservations about the new lease terms.",
            "the new lease terms",
            "reservations",
            "The tenants",
        ),
        ("Her obsession with the old harbor plan worried the council.", "the old harbor plan", "obsession", "Her"),
        ("His hostility toward the transit agency is well known.", "the transit agency", "hostility", "His"),
    ],
)
def test_message_nouns_and_attitudes(nlp, text, content, cue, speaker):
    row = only(rows_of(nlp, text), content=content)
    assert (row["cue"], row["speaker_text"]) == (cue, speaker)


def test_in_order_to_is_not_a_message(nlp):
    assert rows_of(nlp, "In order to save money, the council closed two libraries.") == []


def test_a_statement_frames_the_sentence_but_a_reporting_verb_keeps_its_own_quote(nlp):
    row = only(rows_of(nlp, "In a statement, the company apologised for the outage."), rule="relay")
    assert row["content"] == "the company apologised for the outage" and row["cue"] == "In a statement"
    rows = rows_of(nlp, "In its latest survey, the institute found that rents rose by six percent.")
    assert [(r["content"], r["cue"]) for r in rows] == [("that rents rose by six percent", "found")]


@pytest.mark.parametrize(
    "text, content",
    [
        (
            "Dana Cole said the city would sell the old depot, which has stood empty since 1990.",
            "the city would sell the old depot",
        ),
        (
            "Officials said the road would reopen in June, although no date has been set.",
            "the road would reopen in June",
        ),
        (
            "Officials said the bridge would reopen in June, after a long dispute over the contract.",
            "the bridge would reopen in June",
        ),
        (
            "The engineer Tomas Lind said the pumps had failed and the valves were rusted.",
            "the pumps had failed and the valves were rusted",
        ),
        ("The nurses' union endorsed Vera Lind for mayor during a rally in the capital.", "Vera Lind for mayor"),
        # a second object the parser hangs on the verb is still part of the message
        (
            "The mayor praised the firefighters, and the volunteers who stayed all night.",
            "the firefighters, and the volunteers who stayed all night",
        ),
        # after a dash, a noun naming the remark is the writer's, not the speaker's words
        (
            "Ruth Amin likened the new fees to “a toll on breathing” - a charge that angered the board.",
            "the new fees to “a toll on breathing”",
        ),
    ],
)
def test_message_boundaries(nlp, text, content):
    assert [r["content"] for r in rows_of(nlp, text)] == [content]


def test_quoted_words_inside_a_reported_clause_are_one_partial_quote(nlp):
    text = "Lena Dahl said “budget cuts” would hurt the schools in the north."
    row = only(rows_of(nlp, text))
    assert row["kind"] == "partial" and row["content"] == "“budget cuts” would hurt the schools in the north"


def test_as_x_put_it(nlp):
    text = "The harbour is, as the port director Ivo Marek put it, “a city inside the city.”"
    row = only(rows_of(nlp, text), kind="direct")
    assert row["content"] == "“a city inside the city.”" and row["speaker_text"] == "the port director Ivo Marek"


def test_as_x_put_it_after_the_quote(nlp):
    text = "The new stadium is “a palace built on sand,” as one council member Ines Vidal put it."
    row = only(rows_of(nlp, text), cue="put")
    assert "“a palace built on sand,”" in row["content"] and row["speaker_text"] == "one council member Ines Vidal"


def test_a_possessed_answer_before_a_colon_names_the_speaker(nlp):
    text = "Pablo Ruiz was asked about the flooding. His answer: “We will rebuild every house on this street.”"
    row = only(rows_of(nlp, text), kind="direct")
    assert row["content"] == "“We will rebuild every house on this street.”" and row["speaker_text"] == "His"
    # the one asked is no speaker of the question's topic
    assert [r for r in rows_of(nlp, text) if r["cue"] == "asked"] == []


def test_manner_of_speaking_cues_and_a_quoted_relay(nlp):
    row = only(rows_of(nlp, "“That is not how any of this works,” Petra Holm scoffed."))
    assert (row["kind"], row["cue"], row["speaker_text"]) == ("direct", "scoffed", "Petra Holm")
    row = only(rows_of(nlp, "According to Petra Holm, “the deal is dead and nobody will revive it.”"))
    assert (row["kind"], row["rule"], row["speaker_text"]) == ("direct", "relay", "Petra Holm")


def test_a_clause_about_a_person_closed_by_a_colon_introduces_their_words(nlp):
    row = only(rows_of(nlp, "He was blunt about the vote: “Nobody here wants another vote on the budget.”"))
    assert (row["kind"], row["cue"], row["speaker_text"]) == ("direct", ":", "He")
    row = only(rows_of(nlp, "The plan has three parts: “Nobody here wants another vote on the budget.”"))
    assert row["speaker_text"] is None
    row = only(rows_of(nlp, "His answer was simple: “We will appeal the ruling.”"))
    assert (row["kind"], row["speaker_text"]) == ("direct", "His")


def test_a_named_organisation_closing_a_clause_with_a_colon_introduces_its_words(nlp):
    """Bug: "The X Gazette was blunt about the vote: “…”" left the quote without a speaker (only a person's
    clause introduced one) and took the clause before the colon for reported speech of "We"."""
    text = "The Westmark Gazette was blunt about the vote: “We will not back this plan.”"
    row = only(rows_of(nlp, text))
    assert (row["kind"], row["cue"], row["speaker_text"]) == ("direct", ":", "The Westmark Gazette")
    row = only(rows_of(nlp, "The Ostland Teachers Union went further: “The strike will go on until May.”"))
    assert row["speaker_text"] == "The Ostland Teachers Union"


def test_a_dash_set_quote_starts_at_its_mark(nlp):
    text = "The senator -- “a man of very few words,” as one aide put it -- left early."
    row = only(rows_of(nlp, text))
    assert row["content"] == "“a man of very few words,”" and row["speaker_text"] == "one aide"


def test_long_quoted_sentence_without_cue_is_kept_without_a_speaker(nlp):
    text = (
        "The river rose again.\n\n"
        "“Nobody in this town has ever seen water rise this fast, and nobody wants that again.”"
    )
    row = only(rows_of(nlp, text), kind="direct")
    assert row["rule"] == "unattributed" and row["speaker_text"] is None and row["cue"] is None
    # a short scare quote stays out
    assert rows_of(nlp, "The so-called “reform” passed.") == []


@pytest.mark.parametrize(
    "text, parts",
    [
        (
            "“You cannot fix a bridge you never inspect,” Ada Brenner said, stressing the cost of delay. "
            "“We have waited long enough.”",
            ["“You cannot fix a bridge you never inspect,”", "“We have waited long enough.”"],
        ),
        (
            "The ferry would run again, “as soon as the weather allows,” the operator said. “Our crews are ready.”",
            ["The ferry would run again, “as soon as the weather allows,”", "“Our crews are ready.”"],
        ),
    ],
)
def test_a_quote_resumed_after_its_cue_sentence_is_one_quote(nlp, text, parts):
    rows = rows_of(nlp, text)
    assert len(rows) == 1 and [text[s:e] for s, e in rows[0]["content_parts"]] == parts


@pytest.mark.parametrize(
    "text, content, cue, speaker",
    [
        # presenting, judging, relating, considering, ruling: general verb classes whose noun-phrase object
        # is what the subject takes a stance on
        (
            "The auditor explained the new billing rules to the board.",
            "the new billing rules to the board",
            "explained",
            "The auditor",
        ),
        (
            "The fire chief ignored the warnings about the old boiler.",
            "the warnings about the old boiler",
            "ignored",
            "The fire chief",
        ),
        (
            "Councilwoman Dana Prell likened the parking fee to a tax on shoppers.",
            "the parking fee to a tax on shoppers",
            "likened",
            "Councilwoman Dana Prell",
        ),
        ("The school board is weighing a four-day week.", "a four-day week", "weighing", "The school board"),
        ("The state senate passed the water bill on Friday.", "the water bill", "passed", "The state senate"),
        (
            "The ferry company offered free rides to stranded travelers.",
            "free rides to stranded travelers",
            "offered",
            "The ferry company",
        ),
        # prepositional stance verbs: the preposition's object is the position or topic
        ("Two council members voted against the stadium deal.", "the stadium deal", "voted", "Two council members"),
        (
            "The dockworkers' union sided with the harbor pilots.",
            "the harbor pilots",
            "sided",
            "The dockworkers' union",
        ),
        ("Farmers balked at the new water fees.", "the new water fees", "balked", "Farmers"),
    ],
)
def test_general_verb_classes_of_stance(nlp, text, content, cue, speaker):
    row = only(rows_of(nlp, text), content=content)
    assert (row["kind"], row["cue"], row["speaker_text"]) == ("indirect", cue, speaker)


def test_first_person_opinion_verbs_hedge_and_report_nothing(nlp):
    assert rows_of(nlp, "I think the vote will be close.") == []
    row = only(rows_of(nlp, "The mayor thinks the vote will be close."))
    assert (row["content"], row["speaker_text"]) == ("the vote will be close", "The mayor")
