"""Self-check logic of the exercises, and the annotation widget's Python side."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from toolkit import teaching
from toolkit.annotate import SpanAnnotator, annotate
from toolkit.pipeline import Corpus
from toolkit.registry import registry

TEXT = (
    'Mia Holt said on Monday that "the bridge will open next week." Critics, including Olaf Brandt, '
    "disagreed. Brandt denied the plan last month. Mayor Jo Park was mentioned too."
)


def _contested_stand_in(corpus: Corpus) -> pd.DataFrame:
    """Stands in for the claims plugin's ``contested_claims``: the claims rows of groups asserted and denied."""
    claims = corpus.claims
    sides = claims.groupby("group_id")["stance"].agg(lambda s: "deny" in set(s) and len(set(s) - {"deny"}) > 0)
    rows = claims[claims["group_id"].map(sides)]
    # the side each claim takes is the plugin's answer too (its "side" column), not the exercise's
    return rows.assign(side=rows["stance"].map(lambda s: "against" if s == "deny" else "for"))


@pytest.fixture(autouse=True)
def claims_with_a_contested_table(_isolated_registry):
    """The claims plugin as installed, its derived table a stand-in (the registry is restored after)."""
    import dataclasses

    claims = registry.get("claims")
    registry.register(dataclasses.replace(claims, derived={"contested_claims": _contested_stand_in}), replace=True)


@pytest.fixture()
def corpus() -> Corpus:
    articles = pd.DataFrame(
        [
            {"article_id": "a1", "text": TEXT, "published": "2024-03-14", "title": "t"},
            {"article_id": "a2", "text": TEXT, "published": "2024-03-20", "title": "u"},
        ]
    )
    entities = pd.DataFrame(
        [
            {
                "entity_id": "E1",
                "name": "Mia Holt",
                "label": "PERSON",
                "aliases": ["Mia Holt", "Holt"],
                "n_mentions": 3,
                "n_articles": 2,
            },
            {
                "entity_id": "E2",
                "name": "Olaf Brandt",
                "label": "PERSON",
                "aliases": ["Olaf Brandt", "Brandt"],
                "n_mentions": 4,
                "n_articles": 2,
            },
            {
                "entity_id": "E3",
                "name": "Jo Park",
                "label": "PERSON",
                "aliases": ["Jo Park"],
                "n_mentions": 1,
                "n_articles": 1,
            },
            {"entity_id": "E4", "name": "City Hall", "label": "ORG", "aliases": [], "n_mentions": 1, "n_articles": 1},
        ]
    )
    quotes = pd.DataFrame(
        [
            {
                "quote_id": "q1",
                "article_id": "a1",
                "kind": "direct",
                "content_start": 29,
                "content_end": 61,
                "content": TEXT[29:61],
                "speaker_entity_id": "E1",
                "speaker_name": "Mia Holt",
            },
            {
                "quote_id": "q2",
                "article_id": "a2",
                "kind": "indirect",
                "content_start": 113,
                "content_end": 138,
                "content": TEXT[113:138],
                "speaker_entity_id": "E2",
                "speaker_name": "Olaf Brandt",
            },
        ]
    )
    claims = pd.DataFrame(
        [
            {
                "claim_id": "c1",
                "article_id": "a1",
                "quote_id": "q1",
                "claimant_entity_id": "E1",
                "stance": "assert",
                "proposition": "the bridge opens",
                "group_id": "g1",
            },
            {
                "claim_id": "c2",
                "article_id": "a2",
                "quote_id": "q2",
                "claimant_entity_id": "E2",
                "stance": "deny",
                "proposition": "the bridge opens",
                "group_id": "g1",
            },
            {
                "claim_id": "c3",
                "article_id": "a2",
                "quote_id": None,
                "claimant_entity_id": "E3",
                "stance": "assert",
                "proposition": "taxes rise",
                "group_id": "g2",
            },
        ]
    )
    start = TEXT.index("on Monday") + 3
    week = TEXT.index("next week")
    month = TEXT.index("last month")
    timexes = pd.DataFrame(
        [
            {
                "article_id": "a1",
                "start": start,
                "end": start + 6,
                "text": "Monday",
                "type": "DATE",
                "value": "2024-03-11",
            },
            {
                "article_id": "a1",
                "start": week,
                "end": week + 9,
                "text": "next week",
                "type": "DATE",
                "value": "2024-W12",
            },
            {
                "article_id": "a1",
                "start": month,
                "end": month + 10,
                "text": "last month",
                "type": "DATE",
                "value": "2024-02",
            },
        ]
    )
    return Corpus({"articles": articles, "entities": entities, "quotes": quotes, "claims": claims, "timexes": timexes})


def test_quoted_and_mentioned_counts_quotes_per_person(corpus: Corpus) -> None:
    table = teaching.quoted_and_mentioned(corpus)
    assert table.set_index("name")["n_quotes"].to_dict() == {"Mia Holt": 1, "Olaf Brandt": 1, "Jo Park": 0}


def test_a_right_answer_agrees_with_spellings_and_surnames(corpus: Corpus) -> None:
    feedback = teaching.check_quoted(corpus, quoted=["mia holt", "Brandt"], only_mentioned=["Jo  Park"])
    assert feedback.agrees, feedback.message
    assert "agree" in feedback.message


def test_a_wrong_answer_says_why_each_name_differs(corpus: Corpus) -> None:
    feedback = teaching.check_quoted(
        corpus, quoted=["Mia Holt", "Jo Park", "City Hall", "Critics"], only_mentioned=["Nobdy Knwn"]
    )
    assert not feedback.agrees
    quoted, mentioned = feedback.comparisons
    reasons = dict(quoted.reasons) | dict(mentioned.reasons)
    assert reasons["City Hall"].startswith("not a person") and "(ORG)" in reasons["City Hall"]
    assert reasons["Critics"].startswith("in these articles") and "missed by the toolkit" in reasons["Critics"]
    assert reasons["Nobdy Knwn"].startswith("not in these articles")
    # the same person in the other list is a different verdict, said once (not also "missed")
    assert quoted.different == (("Jo Park", "quoted", "only talked about (mentioned 1×, never quoted)"),)
    assert mentioned.missing == ()
    assert quoted.missing == ("Olaf Brandt (quoted 1×): missed by you, or by the toolkit?",)
    assert "agree with the toolkit on 1 of 2" in feedback.message  # of the toolkit's two quoted people
    assert len({reasons["City Hall"], reasons["Critics"], reasons["Nobdy Knwn"]}) == 3  # three different messages


def test_a_name_from_other_articles_is_not_in_these(corpus: Corpus) -> None:
    corpus.tables["articles"].loc[1, "text"] = "Ines Vale opened the bridge."
    feedback = teaching.check_quoted(corpus, quoted=["Mia Holt"], only_mentioned=["Ines Vale"], articles=["a1"])
    _, mentioned = feedback.comparisons
    assert dict(mentioned.reasons)["Ines Vale"] == "not in these articles (it is in other articles of the corpus)"


def test_run_all_with_no_answer_gives_nothing_away(corpus: Corpus) -> None:
    """Regression: with the lists still empty, the check printed every name of the answer key."""
    feedback = teaching.check_quoted(corpus, quoted=[], only_mentioned=["  "])
    assert feedback.pending and not feedback.agrees and feedback.comparisons == ()
    assert not any(name in feedback.message for name in ("Mia Holt", "Olaf Brandt", "Jo Park"))
    assert "nothing to compare yet" in feedback.message


def test_the_answer_key_holds_people_only(corpus: Corpus) -> None:
    """Regression: quotes by a country, a ministry or a nationality put those names in the answer key."""
    quotes = corpus.tables["quotes"]
    extra = quotes.iloc[[0]].assign(quote_id="q3", speaker_entity_id="E4", speaker_name="City Hall")
    unresolved = quotes.iloc[[0]].assign(quote_id="q4", speaker_entity_id=None, speaker_name="Varnesian")
    corpus.tables["quotes"] = pd.concat([quotes, extra, unresolved], ignore_index=True)
    table = teaching.quoted_and_mentioned(corpus)
    assert set(table["name"]) == {"Mia Holt", "Olaf Brandt", "Jo Park"}


def test_without_quotes_or_entities_the_check_says_it_cannot_check() -> None:
    feedback = teaching.check_quoted(Corpus({}), quoted=["A"], only_mentioned=[])
    assert not feedback.checkable and not feedback.agrees
    assert "cannot check" in feedback.message and "plugins" in feedback.message


def test_match_names_is_one_to_one() -> None:
    paired, extra, missing = teaching.match_names(["Holt", "M. Holt"], {"Mia Holt": ["Holt"]})
    assert paired == {"Holt": "Mia Holt"} and extra == ["M. Holt"] and missing == []


def test_check_claim_finds_the_group_from_the_names(corpus: Corpus) -> None:
    good = teaching.check_claim(corpus, asserted_by=["Mia Holt"], denied_by=["Brandt"], first_denied="2024-03-20")
    assert good.agrees, good.message
    assert "g1" in good.message and "the bridge opens" in good.message
    swapped = teaching.check_claim(
        corpus, asserted_by=["Brandt"], denied_by=["Mia Holt"], group_id="g1", first_denied="2024-03-14"
    )
    assert not swapped.agrees
    assert ("the date", "2024-03-14", "2024-03-20") in swapped.comparisons[2].different
    with pytest.raises(KeyError, match="Contested groups: g1"):
        teaching.check_claim(corpus, asserted_by=[], denied_by=[], group_id="nope")


def test_check_claim_without_claims_cannot_check() -> None:
    assert not teaching.check_claim(
        Corpus({"claims": pd.DataFrame({"group_id": [], "stance": []})}), asserted_by=["x"], denied_by=[]
    ).checkable


def test_check_claim_without_the_claims_plugin_says_what_to_install(corpus: Corpus) -> None:
    registry.unregister("claims")
    feedback = teaching.check_claim(corpus, asserted_by=["Mia Holt"], denied_by=["Brandt"])
    assert not feedback.checkable
    assert "claims plugin" in feedback.message and "not installed" in feedback.message


def test_a_broken_contested_table_is_a_note_not_an_error(corpus: Corpus) -> None:
    import dataclasses

    def broken(corpus: Corpus) -> pd.DataFrame:
        raise RuntimeError("no table")

    registry.register(dataclasses.replace(registry.get("claims"), derived={"contested_claims": broken}), replace=True)
    feedback = teaching.check_claim(corpus, asserted_by=["Mia Holt"], denied_by=["Brandt"])
    assert not feedback.checkable and "RuntimeError: no table" in feedback.message


def test_without_the_quotes_plugin_every_person_is_only_talked_about(corpus: Corpus) -> None:
    registry.unregister("quotes")
    table = teaching.quoted_and_mentioned(corpus)
    assert table["n_quotes"].sum() == 0 and set(table["name"]) == {"Mia Holt", "Olaf Brandt", "Jo Park"}
    assert "found no quotes" in teaching.check_quoted(corpus, quoted=[], only_mentioned=["Jo Park"]).message


@pytest.mark.parametrize(
    ("answers", "verdict"),
    [
        ({"Monday": "2024-03-11", "next week": "2024-03-18/2024-03-24", "last month": "2024-02"}, "agree"),
        ({"Monday": "2024-03-11", "next week": "2024-03-20", "last month": "2024-02"}, "close"),
        ({"Monday": "2024-03-04", "next week": "2024-W12", "last month": "2024-02"}, "different"),
        ({"Monday": "2024-03-11", "next week": "2024-W12"}, "missing"),
        ({"Monday": "2024-03-11", "next week": "2024-W12", "last month": "2024-02", "tomorrow": "2024-03-15"}, "extra"),
    ],
    ids=["all-right", "a-day-inside-the-week", "wrong-monday", "one-left-out", "one-invented"],
)
def test_check_dates(corpus: Corpus, answers: dict[str, str], verdict: str) -> None:
    feedback = teaching.check_dates(corpus, "a1", answers)
    (comparison,) = feedback.comparisons
    assert feedback.agrees == (verdict == "agree"), feedback.message
    if verdict != "agree":
        assert getattr(comparison, verdict), feedback.message
    assert "published on 2024-03-14" in feedback.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-29", (dt.date(2024, 2, 29), dt.date(2024, 2, 29))),
        ("2023-Q4", (dt.date(2023, 10, 1), dt.date(2023, 12, 31))),
        ("2023-WI", (dt.date(2023, 12, 1), dt.date(2024, 2, 29))),
        ("2024", (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
        ("PAST_REF", None),
        ("2024-02-30", None),
    ],
)
def test_timex_range(value: str, expected: object) -> None:
    assert teaching.timex_range(value) == expected


def test_score_spans_reads_both_ways() -> None:
    score = teaching.score_spans([{"start": 0, "end": 10}, {"start": 50, "end": 60}], [(1, 9), (20, 30), (40, 45)])
    assert (score.precision, score.recall) == (0.5, 1 / 3)
    assert score.only_yours == ((50, 60),) and score.only_toolkit == ((20, 30), (40, 45))
    assert "toolkit's precision against you is 33%" in score.summary()
    assert teaching.score_spans([(0, 10)], [(8, 30)]).matched == ()  # 2 of 10 characters is not the same span


def test_annotator_scores_marked_spans_against_the_toolkit(corpus: Corpus) -> None:
    widget = annotate(corpus, kind="quotes")
    assert widget.article_id in {"a1", "a2"} and widget.text == TEXT
    widget = annotate(corpus, "a1", kind="quotes")
    assert widget.reference == [{"start": 29, "end": 61}]
    widget.add(30, 60)
    widget.add(0, 8)
    assert widget.rows()["text"].tolist() == ["Mia Holt", TEXT[30:60]]
    score = widget.score()
    assert (score.precision, score.recall) == (0.5, 1.0)
    assert "Compare" in widget.report_html
    widget.show_reference = True
    assert "50%" in widget.report_html and "Only you marked" in widget.report_html
    with pytest.raises(ValueError, match="start < end"):
        widget.add(5, 5)


def test_annotator_escapes_the_text_it_reports() -> None:
    text = "<script>x()</script> said nothing"
    widget = SpanAnnotator(text=text, reference=[{"start": 21, "end": 25}], show_reference=True)
    widget.add(0, 20)
    assert "<script>" not in widget.report_html and "&lt;script&gt;" in widget.report_html
    assert "textContent" in widget._esm and "createTextNode" in widget._esm  # text drawn as text, not HTML


def test_annotate_dates_and_unknown_article(corpus: Corpus) -> None:
    widget = annotate(corpus, "a1", kind="dates")
    assert len(widget.reference) == 3
    with pytest.raises(KeyError, match="No article 'zz'"):
        annotate(corpus, "zz")


def test_quoted_and_mentioned_within_some_articles(corpus: Corpus) -> None:
    corpus.tables["mentions"] = pd.DataFrame(
        [
            {"article_id": "a1", "start": 0, "end": 8, "text": "Mia Holt", "label": "PERSON", "entity_id": "E1"},
            {"article_id": "a1", "start": 150, "end": 157, "text": "Jo Park", "label": "PERSON", "entity_id": "E3"},
        ]
    )
    table = teaching.quoted_and_mentioned(corpus, articles=["a1"])
    assert table.set_index("name")[["n_mentions", "n_quotes"]].to_dict("index") == {
        "Mia Holt": {"n_mentions": 1, "n_quotes": 1},
        "Jo Park": {"n_mentions": 1, "n_quotes": 0},
    }
    assert teaching.check_quoted(corpus, quoted=["Holt"], only_mentioned=["Park"], articles=["a1"]).agrees


def test_view_or_note_explains_a_missing_view(corpus: Corpus) -> None:
    from toolkit import views

    note = teaching.view_or_note(corpus, "no_such_view")
    assert "not installed" in note.value and ", ".join(views.views()) in note.value
    shown = teaching.view_or_note(corpus, views.views()[0])
    assert hasattr(shown, "rows") and "not installed" not in str(getattr(shown, "value", ""))
