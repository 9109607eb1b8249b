"""Issue #18, CoNLL-2003 ORG recall: clubs named by their city in standings, results and match
reports, and the place of a wire dateline, read from cues that hold for names never seen before."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

import toolkit_entities.component  # noqa: F401  registers "presslens_entities"
from toolkit_entities.component import SPAN_KEY


def _run(text: str, ents: list[tuple[str, str]]):
    """``text`` tokenised by spaCy's blank English, with the model's reading ``ents`` (surface, label),
    each found after the previous one."""
    nlp = spacy.blank("en")
    component = nlp.add_pipe("presslens_entities", config={"metonymy": False})
    doc = nlp.make_doc(text)
    spans, position = [], 0
    for surface, label in ents:
        start = text.index(surface, position)
        position = start + len(surface)
        spans.append(doc.char_span(start, position, label=label))
    doc.ents = [s for s in spans if isinstance(s, Span)]
    return [(s.text, s.label_) for s in component(doc).spans[SPAN_KEY]]


def test_one_word_names_in_a_standings_row_are_teams():
    text = "Standings after Sunday :\nVelmport 12 8 3 .640 -\nTorsk 11 9 3 .550 1\n"
    found = _run(text, [("Velmport", "GPE"), ("Torsk", "PERSON")])
    assert ("Velmport", "ORG") in found and ("Torsk", "ORG") in found


def test_results_line_splits_a_span_the_model_ran_over_the_scores():
    text = "Results :\nHalmo 2 Ostrava 1\n"
    assert _run(text, [("Halmo 2 Ostrava", "PERSON")]) == [("Halmo", "ORG"), ("Ostrava", "ORG")]


def test_players_and_countries_in_figure_lines_keep_their_label():
    text = "Leading scores :\nAnna Tolle 68 70 71\nW. Brenn 111\nMarland 2 Velmport 1\n"
    found = _run(text, [("Anna Tolle", "PERSON"), ("W. Brenn", "PERSON"), ("Marland", "GPE")])
    assert ("Anna Tolle", "PERSON") in found and ("W. Brenn", "PERSON") in found
    assert ("Velmport", "ORG") in found
    # not a country of the lexicon: an invented one is read as a club; a real one stays a place
    text = "Results :\nGermany 2 Velmport 1\n"
    assert ("Germany", "GPE") in _run(text, [("Germany", "GPE")])


def test_a_city_on_either_side_of_beat_is_a_club_and_agreement_carries_it():
    text = "Velmport beat Torsk on Sunday . Later Velmport travelled to the coast ."
    found = _run(text, [("Velmport", "GPE"), ("Torsk", "GPE"), ("Velmport", "GPE")])
    assert found == [("Velmport", "ORG"), ("Torsk", "ORG"), ("Velmport", "ORG")]


def test_a_city_in_an_ordinary_sentence_stays_a_place():
    text = "The talks in Velmport ended when the storm beat the coast ."
    assert _run(text, [("Velmport", "GPE")]) == [("Velmport", "GPE")]


def test_dateline_words_are_places_even_when_the_model_missed_or_mislabelled_them():
    text = "Ferry service resumes .\nTORSKHAVN , Marland 2024-03-01\nThe ferry sailed ."
    found = _run(text, [("Marland", "PERSON")])
    assert found == [("TORSKHAVN", "GPE"), ("Marland", "GPE")]


def test_a_line_that_is_not_a_dateline_is_left_alone():
    text = "The vote on 2024-03-01 was close .\n"
    assert _run(text, []) == []


def test_untagged_countries_and_nationality_adjectives_are_recovered():
    text = "Officials from Belarus and AUSTRALIA met French envoys in Velmport ."
    found = _run(text, [("Velmport", "GPE")])
    assert ("Belarus", "GPE") in found and ("AUSTRALIA", "GPE") in found and ("French", "NORP") in found


def test_lower_case_country_word_is_not_recovered():
    assert _run("They sold fine china and turkey at the market .", []) == []


def test_one_word_short_form_of_a_named_company_is_an_organisation():
    text = "Velmar Holdings Inc said profits rose . Velmar will pay a dividend ."
    found = _run(text, [("Velmar Holdings Inc", "ORG"), ("Velmar", "PERSON")])
    assert found == [("Velmar Holdings Inc", "ORG"), ("Velmar", "ORG")]


def test_surname_of_a_person_is_not_taken_for_a_company_short_form():
    text = "Anna Velmar joined Velmar Holdings Inc . Velmar said she was pleased ."
    found = _run(text, [("Anna Velmar", "PERSON"), ("Velmar Holdings Inc", "ORG"), ("Velmar", "PERSON")])
    assert found[-1] == ("Velmar", "PERSON")


def test_a_span_run_over_a_bracket_or_a_spaced_dash_keeps_its_first_name():
    found = _run("Winner : Anna Tolle ( Marland ) won .", [("Anna Tolle ( Marland", "PERSON")])
    assert ("Anna Tolle", "PERSON") in found and not any("(" in t for t, _ in found)
    found = _run("Ana Berg - Velm Orel signed .", [("Ana Berg - Velm Orel", "PERSON")])
    assert found[0] == ("Ana Berg", "PERSON")
