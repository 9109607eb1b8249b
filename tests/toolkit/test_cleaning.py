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
