"""Issue #18 item 5: pronoun and description mentions join their entity where the evidence is strong,
marked by ``form``, and the name views leave them out."""

from __future__ import annotations

import pandas as pd
import spacy
from spacy.tokens import Span

import toolkit
from toolkit_entities.rules.descriptions import descriptions


def _doc(text: str, names: list[tuple[str, str]]):
    """A doc of ``text`` with sentences at each full stop and the name spans ``names`` (surface, label)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    spans, position = [], 0
    for surface, label in names:
        start = text.index(surface, position)
        position = start + len(surface)
        span = doc.char_span(start, position, label=label)
        assert isinstance(span, Span)
        spans.append(span)
    return doc, spans


def _links(text: str, names: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    doc, spans = _doc(text, names)
    return [(text[d.start : d.end], d.form, d.antecedent.text) for d in descriptions(doc, spans)]


def test_pronoun_and_title_join_the_only_person_named_just_before():
    text = "Anna Velmar arrived on Monday. He said the minister would stay. Later the talks ended."
    assert _links(text, [("Anna Velmar", "PERSON")]) == [
        ("He", "pronoun", "Anna Velmar"),
        ("the minister", "nominal", "Anna Velmar"),
    ]


def test_two_people_in_the_window_leave_the_pronoun_unlinked():
    text = "Anna Velmar met Piet Orsk on Monday. She said talks went well."
    assert _links(text, [("Anna Velmar", "PERSON"), ("Piet Orsk", "PERSON")]) == []


def test_the_same_person_by_full_name_and_surname_is_one_candidate():
    text = "Anna Velmar arrived. Velmar spoke first. She left early."
    assert _links(text, [("Anna Velmar", "PERSON"), ("Velmar", "PERSON")]) == [("She", "pronoun", "Velmar")]


def test_company_description_joins_the_only_organisation_and_not_a_person():
    text = "Torsk Holdings cut jobs, Anna Velmar said. The company will close two plants."
    assert _links(text, [("Torsk Holdings", "ORG"), ("Anna Velmar", "PERSON")]) == [
        ("The company", "nominal", "Torsk Holdings")
    ]
    text = "Torsk Holdings and Orel Bank cut jobs. Workers say the company will close two plants."
    assert _links(text, [("Torsk Holdings", "ORG"), ("Orel Bank", "ORG")]) == []


def test_a_title_before_a_name_is_not_a_description():
    text = "Anna Velmar arrived. Reporters met the minister Piet Orsk later."
    assert _links(text, [("Anna Velmar", "PERSON"), ("Piet Orsk", "PERSON")]) == []


def test_nothing_named_before_means_no_link():
    assert _links("He said the company would grow.", []) == []


def test_analyze_marks_forms_joins_entities_and_keeps_names_apart(tmp_path):
    frame = pd.DataFrame(
        {
            "article_id": ["a1"],
            "text": ["Minister Anna Velmar visited the port on Monday. She said the minister would return in May."],
        }
    )
    plain = toolkit.analyze(frame, plugins=["entities"], clean=False, quiet=True, out=tmp_path / "plain")
    assert set(plain.mentions["form"]) == {"name"}
    corpus = toolkit.analyze(
        frame,
        plugins=["entities"],
        clean=False,
        quiet=True,
        out=tmp_path / "with",
        options={"entities": {"descriptions": True}},
    )
    mentions = corpus.mentions
    person = mentions.loc[mentions["text"] == "Anna Velmar", "entity_id"].iat[0]
    described = mentions[mentions["form"] != "name"]
    assert set(described["form"]) == {"pronoun", "nominal"}
    assert set(described["entity_id"]) == {person}
    assert set(described["label"]) == {"PERSON"}
    # the entity counts its names only, as without the option
    n_plain = plain.entities.set_index("name")["n_mentions"]
    n_with = corpus.entities.set_index("name")["n_mentions"]
    assert n_with.to_dict() == n_plain.to_dict()
    from toolkit_entities.views import _names

    assert set(_names(corpus)["form"]) == {"name"} and len(_names(corpus)) == len(mentions) - len(described)
