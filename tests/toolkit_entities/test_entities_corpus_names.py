"""Issue #18, clustering across a corpus: names cut from headlines, quoted nicknames, fuller and
shorter spellings of one person, one-word names the model missed in other articles, and the
mention-matching conventions of benchmarks/eval_coref.py. Invented names and sentences only."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import spacy

import toolkit_entities.component  # noqa: F401  registers "presslens_entities"
from toolkit_entities.component import SPAN_KEY
from toolkit_entities.rules.merging import _contains_name
from toolkit_entities.step import resolve

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _spans(text: str, ents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The component's mentions of ``text`` where the model tagged the given (surface, label) pairs."""
    nlp = spacy.blank("en")
    component = nlp.add_pipe("presslens_entities", config={"metonymy": False})
    doc = nlp.make_doc(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = spans
    return [(s.text, s.label_) for s in component(doc).spans[SPAN_KEY]]


@pytest.mark.parametrize(
    ("text", "tagged", "expected"),
    [
        (
            "Ana Berg Checks Into Rehab At Velm Clinic\nAna Berg checked in on Friday.",
            "Ana Berg Checks Into Rehab",
            "Ana Berg",
        ),
        (
            "Velmar Launches Emergency Patch For Browser\nVelmar said on Tuesday that the flaw was fixed.",
            "Velmar Launches",
            "Velmar",
        ),
    ],
    ids=["person-run-into-verb", "company-run-into-verb"],
)
def test_a_name_run_into_a_title_case_headline_is_cut_to_the_name_the_story_uses(text, tagged, expected):
    # the bug: "Lindsay Lohan Checks" became a known name and took the person's mentions in other articles
    found = _spans(text, [(tagged, "ORG" if tagged.startswith("Velmar") else "PERSON")])
    assert found[0][0] == expected


def test_a_headline_name_is_not_cut_to_a_word_the_story_only_uses_inside_another_name():
    text = "Norland Republic Warns Of New Attacks\nThe Norland Union met on Monday."
    found = _spans(text, [("Norland Republic", "GPE"), ("Norland Union", "ORG")])
    assert ("Norland Republic", "GPE") in found


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        ("Marco 'The Wolf' Vellani died in prison on Monday.", [("Vellani", "PERSON")]),
        ('Marco "Wolf" Vellani died in prison on Monday.', [("Marco", "PERSON"), ("Vellani", "PERSON")]),
    ],
    ids=["single-quotes-surname-tagged", "double-quotes-both-halves-tagged"],
)
def test_a_quoted_nickname_joins_given_name_and_surname(text, tagged):
    found = _spans(text, tagged)
    assert found == [(text[: text.index("Vellani") + len("Vellani")], "PERSON")]


def test_a_quoted_word_between_two_full_names_is_no_nickname():
    text = "Ana Berg 'Velm' Tom Orel won the race."
    found = _spans(text, [("Ana Berg", "PERSON"), ("Tom Orel", "PERSON")])
    assert ("Tom Orel", "PERSON") in found and ("Ana Berg", "PERSON") in found


def _mentions(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"article_id": a, "start": s, "end": s + len(t), "text": t, "label": lab} for a, s, t, lab in rows]
    )


def _entity_of(result) -> dict[str, set[str]]:
    mentions = result["mentions"]
    return {text: set(mentions.loc[mentions["text"] == text, "entity_id"]) for text in set(mentions["text"])}


def _entities_without_recovery(rows: list[tuple[str, int, str, str]]) -> dict[str, set[str]]:
    """Each mention text's entity ids after the merges alone (no recovery, no alias file written)."""
    return _entity_of(resolve({"mentions": _mentions(rows)}, recover=False, write_aliases=False))


def test_a_name_with_fewer_words_joins_the_one_fuller_name():
    result = resolve(
        {
            "mentions": _mentions(
                [
                    ("a", 0, "Dirk A. Kastner", "PERSON"),
                    ("b", 0, "Dirk Kastner", "PERSON"),
                    ("c", 0, "Comedian Ellen Marsh", "PERSON"),
                    ("d", 0, "Ellen Marsh", "PERSON"),
                    ("e", 0, "Marco 'The Wolf' Vellani", "PERSON"),
                    ("f", 0, "Marco Vellani", "PERSON"),
                    ("g", 0, "Tom Kastner", "PERSON"),
                ]
            )
        },
        recover=False,
        write_aliases=False,
    )
    entity = _entity_of(result)
    assert entity["Dirk A. Kastner"] == entity["Dirk Kastner"]
    assert entity["Comedian Ellen Marsh"] == entity["Ellen Marsh"]
    assert entity["Marco 'The Wolf' Vellani"] == entity["Marco Vellani"]
    assert entity["Tom Kastner"] != entity["Dirk Kastner"]  # another given name: another person


def test_a_shorter_name_with_two_fuller_candidates_stays_apart():
    result = resolve(
        {
            "mentions": _mentions(
                [
                    ("a", 0, "George W. Bosk", "PERSON"),
                    ("b", 0, "George H. Bosk", "PERSON"),
                    ("c", 0, "George Bosk", "PERSON"),
                ]
            )
        },
        recover=False,
        write_aliases=False,
    )
    assert len(set(result["mentions"]["entity_id"])) == 3


@pytest.mark.parametrize(
    ("full", "short", "expected"),
    [
        (("dirk", "a", "kastner"), ("dirk", "kastner"), True),
        (("ana", "maria", "lu", "berg"), ("ana", "lu", "berg"), True),
        (("ana", "berg"), ("tom", "berg"), False),
        (("ana", "lu", "berg"), ("lu", "ana"), False),
        (("ana", "berg"), ("ana", "berg"), False),
    ],
)
def test_contains_name(full, short, expected):
    assert _contains_name(full, short) is expected


def test_a_one_word_name_where_any_word_is_capitalised_is_recovered_only_where_never_a_common_word():
    # issue #18: "<Club> sign <player>" opening a line, or a club in a title-case
    # headline, was never recovered, as any word is capitalised there; it is a name there when the
    # article never writes the word in lower case
    texts = {
        "a": "Her agent told it to Zelvox on Friday. Zelvox said so. She met Harbour, and Harbour agreed.",
        "b": "The singer told Zelvox that she was fine.",
        "c": "Zelvox has not confirmed it.",
        "d": "Harbour fees rose again. The harbour was full.",
        "e": "Rovers Sign Zelvox For Next Season\nThe deal was done.",
        "f": "Velm Harbour Fees Rise Again\nThe harbour was full.",
        "g": "ZELVOX - ROVERS SIGN A KEEPER\nThe deal was done.",
    }
    a = texts["a"]
    tagged = [(a.index("Zelvox"), "Zelvox"), (a.rindex("Zelvox"), "Zelvox")]
    tagged += [(a.index("Harbour"), "Harbour"), (a.rindex("Harbour"), "Harbour")]
    mentions = _mentions([("a", start, name, "ORG") for start, name in tagged])
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "published": None})
    found = resolve({"mentions": mentions, "articles": articles}, write_aliases=False)["mentions"]
    assert found.loc[found["article_id"] == "b", "text"].tolist() == ["Zelvox"]
    assert found.loc[found["article_id"] == "b", "source"].tolist() == ["known-name"]
    assert found.loc[found["article_id"] == "c", "text"].tolist() == ["Zelvox"]
    assert found.loc[found["article_id"] == "e", "text"].tolist() == ["Zelvox"]  # a title-case headline
    assert not {"d", "f"} & set(found["article_id"])  # "the harbour": a common word, capitalised there
    assert "g" not in set(found["article_id"])  # a headline in capitals says nothing of its words
    assert found.loc[found["text"] == "Zelvox", "entity_id"].nunique() == 1


@pytest.fixture(scope="module")
def eval_coref():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import eval_coref
    finally:
        sys.path.remove(str(BENCHMARKS))
    return eval_coref


@pytest.mark.parametrize(
    ("text", "gold", "predicted", "matches"),
    [
        ("The Velm Saints' coach left.", "Velm Saints'", "Velm Saints", True),
        ("Ana Berg Jr., 49, escaped.", "Ana Berg Jr", "Ana Berg Jr.", True),
        ("The fight was in Velmar, Kastovia on Sunday.", "in Velmar, Kastovia", "Velmar", True),
        ("She told ''The Velm Reporter'' so.", "''The Velm Reporter''", "Velm Reporter", True),
        ("The fight was in Velmar, Kastovia on Sunday.", "in Velmar, Kastovia", "Kastovia", False),
        ("He hired Ana Berg, Tom Orel and Lu Vask.", "Ana Berg, Tom Orel and Lu Vask", "Ana Berg", False),
        ("Storm Floods Homes In Velmar", "In Velmar", "Velmar", True),
        ("The quake hit 40 miles north of Velm Harbour.", "40 miles north of Velm Harbour", "Velm Harbour", True),
        ("It struck eastern Kastovia, killing two.", "eastern Kastovia,", "Kastovia", True),
        ("That led Ms. Berg to resign.", "Ms. Berg", "Berg", True),
        ("The Kastovian Navy said so.", "Navy", "Kastovian Navy", True),
        ("The Velm Kastovian Navy said so.", "Navy", "Velm Kastovian Navy", False),
        ("Ana Berg and Tom Orel met.", "Tom Orel", "Berg and Tom Orel", False),
    ],
    ids=[
        "plural-possessive",
        "abbreviation-stop",
        "place-and-region",
        "quotes",
        "region-is-not-the-place",
        "a-list",
        "headline-preposition",
        "distance-before-place",
        "trailing-comma",
        "honorific-in-gold",
        "nationality-left-out-of-gold",
        "two-words-before-gold",
        "a-lower-case-word-before-is-no-modifier",
    ],
)
def test_eval_coref_mention_matching(eval_coref, text, gold, predicted, matches):
    start = text.index(gold)
    # the predicted mention at or after the gold span, else the one that begins before it ("Kastovian Navy")
    p_start = text.find(predicted, start) if predicted in text[start:] else text.index(predicted)
    found = eval_coref.predicted_by_article([("x", p_start, p_start + len(predicted), "E1")], {"x": text})["x"]
    assert (eval_coref.match(found, text, start, start + len(gold)) == "E1") is matches


def test_an_organisation_run_into_the_title_of_the_person_after_it_loses_the_title():
    text = "She opened fire, Velmar Homicide Capt. Ana Berg said."
    found = _spans(text, [("Velmar Homicide Capt", "ORG"), ("Ana Berg", "PERSON")])
    assert ("Velmar Homicide", "ORG") in found


def test_an_occupation_opening_a_sentence_is_no_part_of_the_name_when_the_text_uses_it_in_lower_case():
    text = "Comedian Ana Maria Berg will host the show. The comedian said so."
    assert _spans(text, [("Comedian Ana Maria Berg", "PERSON")]) == [("Ana Maria Berg", "PERSON")]


def test_a_one_word_name_after_a_comma_is_recovered():
    texts = {
        "a": "Her agent told Zelvox on Friday. Then Zelvox said it.",
        "b": "It arrived late Thursday, Zelvox said.",
    }
    mentions = _mentions([("a", 15, "Zelvox", "ORG"), ("a", 38, "Zelvox", "ORG")])
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "published": None})
    found = resolve({"mentions": mentions, "articles": articles}, write_aliases=False)["mentions"]
    assert found.loc[found["article_id"] == "b", "text"].tolist() == ["Zelvox"]


def test_a_headline_name_is_not_cut_before_a_word_of_its_own():
    # "Velm Caucus Foundation" keeps "Foundation": a noun of the name, not the headline's verb
    text = "Velm Caucus Foundation Honors Its Leaders\nThe Velm Caucus met on Monday."
    found = _spans(text, [("Velm Caucus Foundation", "ORG")])
    assert ("Velm Caucus Foundation", "ORG") in found


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        ("Officers of the Velmor Police searched the house.", ("Velmor Police", "GPE")),
        ("A spokesman for the Ostrak Interior Ministry declined to comment.", ("Ostrak Interior Ministry", "PERSON")),
        ("The Dunavik Parliament voted on Monday.", ("Dunavik Parliament", "NORP")),
    ],
    ids=["place-read-as-place", "body-read-as-person", "body-read-as-nationality"],
)
def test_a_name_ending_in_a_bodys_head_noun_is_an_organisation(text, tagged):
    # issue #18: organisation names the small model labels GPE or PERSON ("New York Police" a GPE,
    # "Surrey Police" a PERSON) never met their organisation's other names
    assert _spans(text, [tagged]) == [(tagged[0], "ORG")]


def test_a_place_noun_still_makes_a_place_and_a_lower_case_head_no_organisation():
    assert _spans("Floods hit the Dunavik region again.", [("Dunavik", "PERSON")]) == [("Dunavik", "GPE")]
    assert _spans("Velmor said police were called.", [("Velmor", "GPE")]) == [("Velmor", "GPE")]


def test_a_lone_organisation_word_joins_the_one_full_name_it_heads():
    # issue #18: a lone organisation word joined (or stayed alone between) a full name it only
    # modifies ("Guild Medals") and the one it heads: an organisation's short form is the head of its
    # full name, its last word or the word before its "of"
    rows = [
        ("a", 0, "Guild of Harbour Pilots", "ORG"),
        ("b", 0, "Guild Medals", "ORG"),
        ("c", 0, "Guild", "ORG"),
    ]
    entity = _entities_without_recovery(rows)
    assert entity["Guild"] == entity["Guild of Harbour Pilots"]
    assert entity["Guild"] != entity["Guild Medals"]
    # two full names it heads: no guess
    rows[1] = ("b", 0, "Guild of River Pilots", "ORG")
    entity = _entities_without_recovery(rows)
    assert entity["Guild"] not in (entity["Guild of Harbour Pilots"], entity["Guild of River Pilots"])


def test_an_acronym_joins_its_expansion_only_in_articles_about_the_same_things():
    # bug: an acronym of one story joined a name of another story, the only name with its initials
    # in the corpus; and one joined a lower-case phrase with its initials, no name at all
    story = [("Tessa Marlow", "PERSON"), ("Portavel", "GPE")]
    rows = [
        ("a", 0, "Velm Board of Assessors", "ORG"),
        *(("a", 40 + 20 * k, name, label) for k, (name, label) in enumerate(story)),
        ("b", 0, "VBA", "ORG"),
        *(("b", 40 + 20 * k, name, label) for k, (name, label) in enumerate(story)),
        ("c", 0, "KRT", "ORG"),
        ("c", 20, "Ivo Lind", "PERSON"),
        ("d", 0, "Kestrel River Trust", "ORG"),
        ("d", 30, "Dunavik", "GPE"),
        ("e", 0, "DBS", "ORG"),
        ("e", 10, "dunavik Board of Surveyors", "ORG"),
    ]
    entity = _entities_without_recovery(rows)
    assert entity["VBA"] == entity["Velm Board of Assessors"]
    assert entity["KRT"] != entity["Kestrel River Trust"]
    assert entity["DBS"] != entity["dunavik Board of Surveyors"]


def test_an_acronym_prefers_the_name_spelt_out_in_full():
    # bug: an acronym stayed apart from its expansion because a name with an abbreviation had its initials too
    rows = [
        ("a", 0, "Velmar Nations", "ORG"),
        ("a", 30, "VN", "ORG"),
        ("b", 0, "V.K. Navy", "ORG"),
        ("b", 30, "VN", "ORG"),
    ]
    entity = _entities_without_recovery(rows)
    assert entity["VN"] == entity["Velmar Nations"]
    assert entity["VN"] != entity["V.K. Navy"]


def test_a_body_named_with_a_word_in_the_plural_is_the_same_body():
    # bug: "<X> Elections Commission" stayed apart from "<X> Election Commission": a body's
    # qualifying words were compared in the number each article wrote them, and a body of no clear
    # country joined only the same words in the same order
    rows = [
        ("a", 0, "Velm Election Commission", "ORG"),
        ("b", 0, "Velm Elections Commission", "ORG"),
        ("c", 0, "Commission of Velm Elections", "ORG"),
        ("d", 0, "Velm Roads Commission", "ORG"),
    ]
    entity = _entities_without_recovery(rows)
    assert (
        entity["Velm Elections Commission"]
        == entity["Velm Election Commission"]
        == entity["Commission of Velm Elections"]
    )
    assert entity["Velm Roads Commission"] != entity["Velm Election Commission"]


def test_a_persons_name_after_a_nationality_adjective_joins_the_person():
    # bug: "<nationality> <person's name>" (read as an organisation) stayed apart from the person's name
    rows = [
        ("a", 0, "Norwegian Tessa Marlow", "ORG"),
        ("b", 0, "Tessa Marlow", "PERSON"),
        ("c", 0, "Norwegian Ivo Lind", "PERSON"),
        ("d", 0, "Ivo Lind", "PERSON"),
        ("e", 0, "Ivo Lind", "PERSON"),
    ]
    entity = _entities_without_recovery(rows)
    assert entity["Norwegian Tessa Marlow"] == entity["Tessa Marlow"]
    assert entity["Norwegian Ivo Lind"] == entity["Ivo Lind"]
    # an organisation is left alone: "Norwegian Kestrel Bank" is not the "Kestrel Bank" of elsewhere
    rows = [("a", 0, "Norwegian Kestrel Bank", "ORG"), ("b", 0, "Kestrel Bank", "ORG")]
    entity = _entities_without_recovery(rows)
    assert entity["Norwegian Kestrel Bank"] != entity["Kestrel Bank"]


def test_a_known_full_name_the_model_split_in_a_headline_is_recovered_whole():
    # issue #18: "Hire <given name>" + "<surname>" and "<given name>" alone in title-case headlines
    # kept the person's full name, known from the other articles, out of the headline
    texts = {
        "a": "Ana Berg joined the club. Ana Berg said so.",
        "b": "Rovers Hire Ana Berg As Head Coach\nThe club named her on Monday.",
        "c": "Ana Berg Checks Out Of Rehab Early\nShe left on Monday.",
    }
    b = texts["b"]
    rows = [("a", 0, "Ana Berg", "PERSON"), ("a", 26, "Ana Berg", "PERSON")]
    rows += [("b", b.index("Hire"), "Hire Ana", "PERSON"), ("b", b.index("Berg"), "Berg", "PERSON")]
    rows += [("c", 0, "Ana", "PERSON")]
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "published": None})
    found = resolve({"mentions": _mentions(rows), "articles": articles}, write_aliases=False)["mentions"]
    assert found.loc[found["article_id"] == "b", "text"].tolist() == ["Ana Berg"]
    assert found.loc[found["article_id"] == "c", "text"].tolist() == ["Ana Berg"]
    assert found["entity_id"].nunique() == 1
