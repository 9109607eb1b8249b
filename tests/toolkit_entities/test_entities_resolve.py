"""Corpus-level resolution on hand-built mention tables (no model needed)."""

from __future__ import annotations

import pandas as pd

from toolkit_entities.rules.aliases import AliasEntry, AliasTable, load_alias_table, save_alias_table
from toolkit_entities.step import resolve


def mention_table(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    """Mentions from (article_id, start, text, label) tuples; end follows from the text."""
    return pd.DataFrame(
        [{"article_id": a, "start": s, "end": s + len(t), "text": t, "label": lab} for a, s, t, lab in rows]
    )


def _entities(result) -> dict[str, list[str]]:
    return {row.name: sorted(row.aliases) for row in result["entities"].itertuples()}


def _run(rows, **kwargs):
    return resolve({"mentions": mention_table(rows)}, recover=False, **kwargs)


def test_surname_links_to_full_name_and_takes_its_label():
    result = _run(
        [
            ("a", 0, "Sergei Lavrov", "PERSON"),
            ("a", 40, "Lavrov", "ORG"),
            ("b", 0, "Sergey Lavrov", "PERSON"),
            ("b", 30, "Lavrov", "PERSON"),
        ]
    )
    ents = result["entities"]
    assert len(ents) == 1 and ents.iloc[0]["label"] == "PERSON"
    mentions = result["mentions"]
    assert set(mentions["label"]) == {"PERSON"}
    assert mentions.loc[mentions["text"] == "Lavrov", "spacy_label"].tolist() == ["ORG", "PERSON"]


def test_similar_korean_names_stay_apart_but_are_suggested():
    result = _run(
        [
            ("a", 0, "Kim Jong Un", "PERSON"),
            ("b", 0, "Kim Jong Il", "PERSON"),
            ("c", 0, "Kim Yo Jong", "PERSON"),
            ("d", 0, "Kim Jung-un", "PERSON"),
        ]
    )
    names = _entities(result)
    assert len(names) == 3
    assert any(set(aliases) == {"Kim Jong Un", "Kim Jung-un"} for aliases in names.values())
    proposed = result["entity_suggestions"]
    pair = proposed[(proposed["applied"] == False)]  # noqa: E712
    assert len(pair) >= 1 and pair["evidence"].str.contains("differ").all()


def test_ambiguous_lone_surname_is_not_guessed():
    result = _run([("a", 0, "Kim Jong Un", "PERSON"), ("b", 0, "Kim Yo Jong", "PERSON"), ("c", 0, "Kim", "PERSON")])
    kim = result["entities"][result["entities"]["name"] == "Kim"]
    assert len(kim) == 1 and kim.iloc[0]["n_mentions"] == 1


def test_within_article_partial_prefers_the_nearest_full_name():
    result = _run(
        [
            ("a", 0, "Kim Jong Un", "PERSON"),
            ("a", 50, "Kim", "PERSON"),
            ("a", 100, "Kim Yo Jong", "PERSON"),
            ("a", 150, "Kim", "PERSON"),
        ]
    )
    m = result["mentions"].set_index("start")
    assert m.loc[50, "entity_id"] == m.loc[0, "entity_id"]
    assert m.loc[150, "entity_id"] == m.loc[100, "entity_id"]


def test_country_forms_merge_and_ids_are_deterministic():
    rows = [("a", 0, "DPRK", "ORG"), ("b", 0, "North Korea", "GPE"), ("b", 20, "North Korea", "GPE")]
    first, second = _run(rows), _run(rows)
    ents = first["entities"]
    assert len(ents) == 1 and ents.iloc[0]["name"] == "North Korea" and ents.iloc[0]["label"] == "GPE"
    assert first["mentions"]["entity_id"].tolist() == second["mentions"]["entity_id"].tolist()


def test_alias_table_merges_and_never_merge_pairs(tmp_path):
    rows = [
        ("a", 0, "Pyongyang", "GPE"),
        ("a", 30, "North Korea", "GPE"),
        ("b", 0, "Sergei Lavrov", "PERSON"),
        ("c", 0, "Sergey Lavrov", "PERSON"),
    ]
    path = tmp_path / "aliases.yaml"
    save_alias_table(
        AliasTable(
            entries=(AliasEntry(name="Capital+State", label="GPE", aliases=("Pyongyang", "North Korea")),),
            never_merge=(("Sergei Lavrov", "Sergey Lavrov"),),
        ),
        path,
    )
    result = _run(rows, alias_table=path)
    names = _entities(result)
    assert names["Capital+State"] == ["North Korea", "Pyongyang"]
    assert sum("Lavrov" in n for n in names) == 2  # kept apart as told
    # the file was written back with the user's decisions intact
    again = load_alias_table(path)
    assert again.entries[0].name == "Capital+State" and again.never_merge == (("Sergei Lavrov", "Sergey Lavrov"),)


def test_rejecting_a_suggestion_holds_on_rerun(tmp_path):
    rows = [("a", 0, "Choe Son Hui", "PERSON"), ("b", 0, "Choi Song Hee", "PERSON")]
    path = tmp_path / "aliases.csv"
    first = _run(rows, alias_table=path)
    assert len(first["entities"]) == 1
    table = load_alias_table(path)
    sid = table.suggestions[0].suggestion_id
    save_alias_table(table.decide(sid, "rejected"), path)
    second = _run(rows, alias_table=path)
    assert len(second["entities"]) == 2
    third = _run(rows, alias_table=path)  # and again: the decision persists
    assert len(third["entities"]) == 2 and load_alias_table(path).decided(sid).status == "rejected"


def test_acronym_in_parentheses_merges():
    text = "The Korean Central News Agency (KCNA) said."
    articles = pd.DataFrame({"article_id": ["a"], "text": [text], "published": [None]})
    mentions = mention_table([("a", 4, "Korean Central News Agency", "ORG"), ("a", 32, "KCNA", "ORG")])
    result = resolve({"mentions": mentions, "articles": articles}, recover=False)
    assert len(result["entities"]) == 1


def test_recovery_finds_a_missed_variant_and_joins_a_split_name():
    text_a = "Choe Son Hui met them. Choe spoke."
    text_b = "Yesterday Choi Son Hui arrived, said Choi Song Hee."
    articles = pd.DataFrame({"article_id": ["a", "b"], "text": [text_a, text_b], "published": [None, None]})
    mentions = mention_table(
        [
            ("a", 0, "Choe Son Hui", "PERSON"),
            ("a", 23, "Choe", "PERSON"),
            ("b", 37, "Choi Song", "PERSON"),
            ("b", 47, "Hee", "NORP"),
        ]
    )
    result = resolve({"mentions": mentions, "articles": articles})
    m = result["mentions"]
    assert {"Choi Son Hui", "Choi Song Hee"} <= set(m["text"])
    assert "Hee" not in set(m["text"])
    assert m["entity_id"].nunique() == 1 and len(result["entities"]) == 1


def test_metonymy_refers_to_the_state_and_can_be_switched_off():
    mentions = mention_table([("a", 0, "Moscow", "GPE"), ("a", 30, "Russia", "GPE")])
    mentions["refers_to_name"] = ["Russia", None]
    on = resolve({"mentions": mentions}, recover=False)["mentions"]
    russia = on.loc[on["text"] == "Russia", "entity_id"].iloc[0]
    assert on.loc[on["text"] == "Moscow", "refers_to"].iloc[0] == russia
    assert on.loc[on["text"] == "Moscow", "entity_id"].iloc[0] != russia  # the city stays a mention of itself
    off = resolve({"mentions": mentions}, recover=False, metonymy=False)["mentions"]
    assert off["refers_to"].isna().all()


def test_one_entity_per_name_whatever_the_label_and_the_confident_label_wins():
    # an invented minister read as ORG twice and PERSON four times, one of them a full name
    text = "Talks in Brenholt began. Minister Ilse Varga said so. Ilse Varga agreed. Brenholt wanted more."
    rows = [
        ("a", text.index("Brenholt"), "Brenholt", "GPE"),
        ("a", text.index("Ilse"), "Ilse Varga", "PERSON"),
        ("b", 0, "Ilse Varga", "ORG"),
        ("c", 0, "Ilse Varga", "ORG"),
        ("d", 0, "Ilse Varga", "PERSON"),
        ("e", 10, "Brenholt", "ORG"),
        ("f", 10, "Brenholt", "ORG"),
    ]
    texts = {"a": text, "b": "", "c": "", "d": "", "e": "", "f": ""}
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "published": None})
    result = resolve({"mentions": mention_table(rows), "articles": articles}, recover=False)
    ents = result["entities"].set_index("name")
    assert len(ents) == 2
    assert ents.loc["Ilse Varga", "label"] == "PERSON" and ents.loc["Ilse Varga", "n_mentions"] == 4
    # "in Brenholt" is a confident place reading; the two one-word ORG guesses do not outvote it
    assert ents.loc["Brenholt", "label"] == "GPE" and ents.loc["Brenholt", "n_mentions"] == 3


def test_names_differing_only_in_hyphens_and_spaces_merge_with_guards():
    result = _run(
        [
            ("a", 0, "Anna Del-Rovo", "PERSON"),
            ("b", 0, "Anna Delrovo", "PERSON"),
            ("c", 0, "Anna Del Rovo", "PERSON"),
            # same letters but crossing word breaks, and different letters: stay apart
            ("d", 0, "Ann Adelrovo", "PERSON"),
            ("e", 0, "Anna Delrova", "PERSON"),
        ]
    )
    names = _entities(result)
    assert sorted(names["Anna Del-Rovo"]) == ["Anna Del Rovo", "Anna Del-Rovo", "Anna Delrovo"]
    assert len(names) == 3


def test_nationality_adjective_of_a_corpus_place_is_norp_not_a_surname():
    result = _run(
        [
            ("a", 0, "Brenholtia", "GPE"),
            ("b", 0, "Brenholtia", "GPE"),
            ("a", 20, "Brenholtian", "GPE"),
            ("b", 20, "Brenholtian", "NORP"),
            ("c", 0, "Brenholtian", "GPE"),
            ("d", 0, "Ilse Varga", "PERSON"),
            ("e", 0, "Varga", "PERSON"),
        ]
    )
    ents = result["entities"].set_index("name")
    assert ents.loc["Brenholtian", "label"] == "NORP" and ents.loc["Brenholtian", "n_mentions"] == 3
    assert ents.loc["Brenholtia", "label"] == "GPE"
    assert sorted(ents.loc["Ilse Varga", "aliases"]) == ["Ilse Varga", "Varga"]


def test_outlet_named_in_the_metadata_is_an_organisation():
    articles = pd.DataFrame(
        {
            "article_id": ["a", "b"],
            "text": ["", ""],
            "published": None,
            "outlet": ["Harwick Courier", "Harwick Courier"],
        }
    )
    rows = [("a", 0, "Harwick Courier", "PERSON"), ("b", 0, "Harwick Courier", "PERSON")]
    result = resolve({"mentions": mention_table(rows), "articles": articles}, recover=False)
    assert result["entities"].iloc[0]["label"] == "ORG"


def test_partial_name_before_a_longer_name_whose_mentions_moved_away():
    # "Ana Maria" joins "Ana Maria Ruiz" first, leaving its own group empty; the lone
    # "Maria", mentioned before any other candidate, must not trip over the emptied group
    result = _run(
        [
            ("a", 0, "Ana Maria", "PERSON"),
            ("a", 30, "Maria", "PERSON"),
            ("a", 60, "Maria Lopez", "PERSON"),
            ("a", 90, "Ana Maria Ruiz", "PERSON"),
        ]
    )
    ids = result["mentions"].set_index("start")["entity_id"]
    assert ids[0] == ids[90]
    assert ids[30] == ids[60]


def test_one_word_person_reading_joins_the_place_the_corpus_reads_elsewhere():
    # the model calls "Brenlo" a person in one article, a town in three: one name, one entity
    result = _run(
        [
            ("a", 0, "Brenlo", "GPE"),
            ("b", 0, "Brenlo", "GPE"),
            ("c", 0, "Brenlo", "GPE"),
            ("d", 10, "Brenlo", "PERSON"),
        ]
    )
    mentions = result["mentions"]
    assert mentions["entity_id"].nunique() == 1
    assert set(mentions["label"]) == {"GPE"}


def _story(article: str, person: str) -> list[tuple[str, int, str, str]]:
    # one story told by several outlets: the same mountain, the same club, the same person
    return [
        (article, 0, person, "PERSON"),
        (article, 40, "Mount Harrow", "LOC"),
        (article, 70, "Velm Alpine Club", "ORG"),
    ]


def test_a_name_spelt_one_letter_apart_in_the_same_story_is_one_person():
    result = _run([*_story("a", "Dana Rait"), *_story("b", "Dana Rait"), *_story("c", "Dana Raite")])
    persons = result["mentions"][result["mentions"]["label"] == "PERSON"]
    assert persons["entity_id"].nunique() == 1
    applied = result["entity_suggestions"]
    assert applied[applied["applied"] == True]["evidence"].str.contains("one letter changed").any()  # noqa: E712


def test_names_one_letter_apart_stay_apart_in_one_article_or_unrelated_stories():
    # two full names in one article are two people; so are names in stories that share nothing
    together = _run([*_story("a", "Dana Rait"), ("a", 100, "Dana Raite", "PERSON"), *_story("b", "Dana Raite")])
    persons = together["mentions"][together["mentions"]["label"] == "PERSON"]
    assert persons["entity_id"].nunique() == 2
    apart = _run([("a", 0, "Dana Rait", "PERSON"), ("b", 0, "Dana Raite", "PERSON"), ("b", 20, "Oslo", "GPE")])
    persons = apart["mentions"][apart["mentions"]["label"] == "PERSON"]
    assert persons["entity_id"].nunique() == 2


def test_a_body_named_without_its_second_body_word_is_the_same_body():
    result = _run(
        [
            ("a", 0, "Merton Police Department", "ORG"),
            ("b", 0, "Merton Police", "ORG"),
            ("c", 0, "Merton Police", "ORG"),
            ("c", 30, "Merton Council", "ORG"),
        ]
    )
    by_text = result["mentions"].groupby("text")["entity_id"].agg(set)
    assert by_text["Merton Police"] == by_text["Merton Police Department"]
    assert by_text["Merton Council"] != by_text["Merton Police"]


def test_a_site_named_with_its_web_address_is_the_organisation():
    # the same name, not a shorter one: "Vesta" joins "Vesta.com" even beside another Vesta company
    result = _run(
        [
            ("a", 0, "Vesta", "ORG"),
            ("b", 0, "Vesta.com", "ORG"),
            ("c", 0, "Vesta.com Inc.", "ORG"),
            ("d", 0, "Vesta Holdings", "ORG"),
        ]
    )
    by_text = result["mentions"].set_index("text")["entity_id"]
    assert by_text["Vesta"] == by_text["Vesta.com"] == by_text["Vesta.com Inc."] != by_text["Vesta Holdings"]
