"""The spaCy component in a plain spaCy pipeline."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

import toolkit_entities.component  # noqa: F401  registers "presslens_entities"
from toolkit_entities.component import SPAN_KEY


def _doc(nlp, words, ents, spaces=None):
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc.ents = [spacy.tokens.Span(doc, s, t, label=lab) for s, t, lab in ents]
    return doc


def test_factory_works_in_a_blank_pipeline():
    nlp = spacy.blank("en")
    component = nlp.add_pipe("presslens_entities", config={"metonymy": False})
    doc = _doc(
        nlp,
        ["the", "Russian", "Federation", "and", "Lithuania", "2-1", "today"],
        [(0, 3, "GPE"), (4, 6, "GPE"), (6, 7, "DATE")],
    )
    doc = component(doc)
    assert [(s.text, s.label_) for s in doc.spans[SPAN_KEY]] == [("Russian Federation", "GPE"), ("Lithuania", "GPE")]
    assert "DATE" in {e.label_ for e in doc.ents}  # numeric entities are kept for the timeline


def test_surname_takes_the_full_name_label():
    nlp = spacy.blank("en")
    component = nlp.add_pipe("presslens_entities")
    doc = _doc(nlp, ["Sergei", "Lavrov", "came", ".", "Lavrov", "spoke", "."], [(0, 2, "PERSON"), (4, 5, "ORG")])
    doc = component(doc)
    spans = doc.spans[SPAN_KEY]
    assert [s.label_ for s in spans] == ["PERSON", "PERSON"]
    assert spans[1]._.presslens_spacy_label == "ORG"


def test_model_pipeline_repairs_split_names_and_records_metonymy(nlp):
    text = "Foreign Minister Choe Son Hui met the envoy. Later Choe said talks went well. Moscow denounced the remarks."
    doc = nlp(text)
    found = {(s.text, s.label_) for s in doc.spans[SPAN_KEY]}
    assert ("Choe Son Hui", "PERSON") in found
    assert ("Choe", "PERSON") in found
    moscow = [s for s in doc.spans[SPAN_KEY] if s.text == "Moscow"]
    assert moscow and moscow[0]._.presslens_refers_to == "Russia"


def test_titles_and_nationality_are_stripped_from_person_mentions():
    nlp = spacy.blank("en")
    component = nlp.add_pipe("presslens_entities")
    doc = nlp.make_doc("Freedonian Interior Minister Rufus Teasdale spoke. The Interior Minister left.")
    doc.ents = [doc.char_span(0, 43, label="PERSON"), doc.char_span(55, 72, label="PERSON")]
    spans = [(s.text, s.label_) for s in component(doc).spans["presslens_entities"]]
    # the office alone ("Interior Minister") names nobody
    assert spans == [("Rufus Teasdale", "PERSON")]


def test_headline_rubric_is_not_a_name_but_a_repeated_speaker_is():
    nlp = spacy.blank("en")
    component = nlp.add_pipe("presslens_entities")
    doc = nlp.make_doc("Analysis: Quorn talks\n\nVance: no deal\n\nVance said the talks failed.")
    doc.ents = [
        doc.char_span(0, 8, label="PERSON"),
        doc.char_span(23, 28, label="PERSON"),
        doc.char_span(39, 44, label="PERSON"),
    ]
    texts = [s.text for s in component(doc).spans["presslens_entities"]]
    assert "Analysis" not in texts and texts.count("Vance") == 2


def test_an_acronym_the_article_spells_out_is_the_organisations(nlp):
    doc = nlp(
        "Halvern Micro Devices said on Tuesday it would buy a rival. "
        "The deal makes HMD the second largest maker of graphics chips."
    )
    found = {(s.text, s.label_) for s in doc.spans["presslens_entities"]}
    assert ("HMD", "ORG") in found


def test_acronym_recovery_needs_the_spelled_out_name_and_a_line_in_lower_case():
    from toolkit_entities.component import _recover_acronyms

    doc = spacy.blank("en")(
        "Halvern Micro Devices won the contract, its chief executive said on a call with analysts.\n"
        "HMD AND TARN RALLY\n"
        "Shares in both companies rose after the TARN deal and the HMD deal went ahead as planned in spring."
    )
    name = doc.char_span(0, 21, label="ORG")
    found = {(s.text, s.start_char) for s in _recover_acronyms(doc, [name])}
    # the HMD of the sentence only: not the capitals headline's, and never TARN, which nothing spells out
    assert {t for t, _ in found} == {"Halvern Micro Devices", "HMD"}
    assert [start for t, start in found if t == "HMD"] == [doc.text.rindex("HMD")]
