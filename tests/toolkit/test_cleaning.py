import pytest

from toolkit.cleaning import boilerplate_reason, clean_text


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Leave a Reply", "comment prompt"),
        ("Your email address will not be published. Required fields are marked *", "comment prompt"),
        ("Read also: Ministers meet in the capital", "related link"),
        ("See also  Markets: - prices rise", "related link"),
        ("AdvertisementBuy the new phone today", "advertisement"),
        ("Back to top button", "navigation"),
        ("Close: A harbour at dawn. Video: Wire / Agency. Reporter: A. Person.", "caption credit"),
        ('"Tea enthusiast. Amateur baker. Web nerd."', "author bio"),
    ],
    ids=["reply", "email", "read-also", "see-also", "glued-ad", "back-to-top", "video-credit", "bio"],
)
def test_boilerplate_lines_are_recognised(line, reason):
    assert boilerplate_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the talks were productive and would continue next week.",
        "“We will read also the fine print,” she said.",
        "Advertising revenue fell by a third last year.",
        "Short. Sentences. That have verbs are not bios, he said.",
    ],
    ids=["plain", "quote-with-read-also", "advertising-word", "clauses"],
)
def test_ordinary_lines_are_kept(line):
    assert boilerplate_reason(line) is None


def test_removed_spans_point_at_raw_text_and_repeated_headline_goes():
    raw = "Agency: - Talks begin\n\nAgency: – Talks begin\n\nBody line.\nLeave a comment\n"
    cleaned, removed = clean_text(raw)
    assert cleaned == "Agency: - Talks begin\n\n\nBody line.\n"
    assert [raw[s:e] for s, e, _ in removed] == ["Agency: – Talks begin\n", "Leave a comment\n"]
    assert [r for _, _, r in removed] == ["repeated line", "comment prompt"]


# ---------------------------------------------------------------------------
# dialogue and transcripts: repeats are what turn-taking is made of
# (issue #20: default cleaning removed an interview's repeated speaker labels and answers)
# An invented interview: the answers repeat, word for word.
QA_TRANSCRIPT = """Harbour pilot describes the night of the storm

Q: Were you on duty that night?
A: Yes.
Q: Did the tug reach the ship before midnight?
A: No.
Q: Was the radio working?
A: Yes.
Q: And the second radio?
A: No.

The inquiry resumes on Thursday.
"""

LABELLED_SPEAKERS = """Transcript of the hearing

INTERVIEWER: Can you state your role?
Ms. Okafor: I was the shift supervisor.
INTERVIEWER: Did you sign the log?
Ms. Okafor: I did.
INTERVIEWER: Did you sign the log?
Ms. Okafor: I did.
"""

INTERVIEWER_ONLY = """Interview with a ferry captain

INTERVIEWER: Did the engines fail?
Yes.
INTERVIEWER: Both of them?
Yes.
INTERVIEWER: Had you reported the fault before?
Twice.
"""


@pytest.mark.parametrize(
    "text",
    [QA_TRANSCRIPT, LABELLED_SPEAKERS, INTERVIEWER_ONLY],
    ids=["q-and-a", "named-speakers-repeat-a-whole-exchange", "interviewer-labelled-answers-bare"],
)
def test_a_transcript_keeps_every_repeated_turn(text):
    cleaned, removed = clean_text(text)
    assert cleaned == text, [text[s:e] for s, e, _ in removed]


def test_boilerplate_around_a_transcript_still_goes():
    raw = "Pilot speaks\n\nPilot speaks\n\n" + QA_TRANSCRIPT.split("\n", 2)[2] + "Share this article\nPilot speaks\n"
    cleaned, removed = clean_text(raw)
    assert [(raw[s:e], r) for s, e, r in removed] == [
        ("Pilot speaks\n", "repeated line"),
        ("Share this article\n", "share prompt"),
        ("Pilot speaks\n", "repeated line"),
    ]
    assert cleaned.count("A: Yes.") == 2 and cleaned.count("A: No.") == 2


@pytest.mark.parametrize(
    "text",
    [
        "Agency: - Talks begin\n\nAgency: – Talks begin\n\nBody line.\n",
        "Paragraph 1: one.\nParagraph 2: two.\nParagraph 3: three.\nParagraph 3: three.\n",
        "Update: the road is closed.\nUpdate: the road is closed.\nBody.\n",
    ],
    ids=["same-label-same-words", "numbering-not-turns", "one-label-repeated"],
)
def test_labels_that_are_not_turn_taking_do_not_protect_repeats(text):
    _, removed = clean_text(text)
    assert [r for _, _, r in removed] == ["repeated line"]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Q: Where?", "Q"),
        ("INTERVIEWER: Where?", "INTERVIEWER"),
        ("Dr. Ana Ruiz: Here.", "Dr. Ana Ruiz"),
        ("Émile: Oui.", "Émile"),
        ("Q:", "Q"),
        ("At 10:30 the ship left.", None),
        ("https://example.invalid/page", None),
        ("The minister said: no.", None),
        ("Ten words is far too many for a speaker label to hold here: no.", None),
    ],
    ids=["initial", "upper", "titled-name", "accented", "label-alone", "time", "link", "prose", "long"],
)
def test_speaker_labels(line, label):
    from toolkit.cleaning import _speaker_label

    assert _speaker_label(line) == label


def test_dialogue_lines_span_the_turns_and_the_last_answer():
    from toolkit.cleaning import dialogue_lines

    lines = INTERVIEWER_ONLY.splitlines()
    assert dialogue_lines(lines) == range(2, 8)
    assert dialogue_lines(["Headline", "Body one.", "Body two."]) == range(0)


# issue #18: the author's byline survived cleaning and became a PERSON of the story
def test_signature_name_above_an_author_bio_is_removed_as_a_byline():
    raw = (
        "Harbour talks resumed in Portavel on Tuesday.\n\n"
        "The minister said the ferry line would reopen.\n\n"
        "Odile Brannagh\n\n"
        '"Tea enthusiast. Amateur baker. Web nerd."\n'
    )
    cleaned, removed = clean_text(raw)
    assert "Odile Brannagh" not in cleaned
    assert ("Odile Brannagh\n", "byline") in [(raw[s:e], r) for s, e, r in removed]
    assert cleaned.startswith("Harbour talks resumed")


def test_by_line_at_the_top_is_removed_and_names_the_author():
    from toolkit.cleaning import byline_author

    raw = "Ferry strike ends\nBy Tomasz Wel and Ana Ruiz, Staff Writers\nThe strike ended on Monday.\n"
    cleaned, removed = clean_text(raw)
    assert cleaned == "Ferry strike ends\nThe strike ended on Monday.\n"
    assert [r for _, _, r in removed] == ["byline"]
    assert byline_author(raw[removed[0][0] : removed[0][1]], alone=False) == "Tomasz Wel and Ana Ruiz"


def test_a_bare_name_inside_the_story_is_kept():
    # a heading-like name with story after it is not a signature
    raw = "Profile\n\nMarta Vindel\n\nMarta Vindel grew up in Portavel and ran the ferry company for years.\n"
    cleaned, removed = clean_text(raw)
    assert cleaned == raw and removed == []


def test_a_closing_sentence_is_not_taken_for_a_byline():
    raw = "Talks resumed.\n\nBy then the ferry had left.\n"
    cleaned, _removed = clean_text(raw)
    assert cleaned == raw


def test_loader_records_the_author_and_reports_it(tmp_path):
    from toolkit.loaders import load

    (tmp_path / "a.txt").write_text(
        "Ferries run again in Portavel.\n\nThe port said so on Monday.\n\nIlse Marrow\n", encoding="utf-8"
    )
    articles, report = load([tmp_path / "a.txt"])
    assert articles[0].author == "Ilse Marrow"
    assert articles[0].row()["author"] == "Ilse Marrow"
    assert "Ilse Marrow" not in articles[0].text
    assert "Ilse Marrow" in report.entries[0].reason


def test_a_signature_s_closing_full_stop_is_not_part_of_the_author():
    from toolkit.cleaning import byline_author

    assert byline_author("Ilse Marrow.", alone=True) == "Ilse Marrow"
    assert byline_author("Ilse M.", alone=True) == "Ilse M."
