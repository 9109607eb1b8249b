"""Claims from hand-built quotes over invented sentences (the spaCy model parses them)."""

from __future__ import annotations

import pytest

from toolkit.schemas import SCHEMAS, conform
from toolkit_claims.rules.grouping import GroupingConfig
from toolkit_claims.step import ClaimOptions, build_claims


@pytest.fixture(scope="module")
def nlp():
    from toolkit.nlp import load_model

    return load_model(exclude=("ner",))  # a model or factory that does not load fails the tests, never skips them


# (article text, speaker, cue, content, expected stance, words the proposition must hold)
CASES = [
    (
        "Officials in Ostland accused Westmark of sending tanks to the border.",
        "Officials in Ostland",
        "accused",
        "Westmark of sending tanks to the border",
        "accuse",
        ["Westmark", "send", "tanks"],
    ),
    (
        "Westmark flatly denied the tank deliveries.",
        "Westmark",
        "denied",
        "the tank deliveries",
        "deny",
        ["tank", "deliveries"],
    ),
    (
        "\u201cWe do not break any treaty,\u201d the minister said.",
        "the minister",
        "said",
        "We do not break any treaty",
        "deny",
        ["break", "treaty"],
    ),
    (
        "The mayor thanked the volunteers for their help.",
        "The mayor",
        "thanked",
        "the volunteers for their help",
        "support",
        ["volunteers", "help"],
    ),
    (
        "The union called on the company to reopen the plant.",
        "The union",
        "called on",
        "the company to reopen the plant",
        "call",
        ["reopen", "plant"],
    ),
    ("The council rejected the allegations.", "The council", "rejected", "the allegations", "deny", ["allegations"]),
    (
        "The agency said that prices rose by four percent.",
        "The agency",
        "said",
        "prices rose by four percent",
        "assert",
        ["prices", "rise"],
    ),
    ("The ministry did not confirm the report.", "The ministry", "confirm", "the report", "other", ["report"]),
]


def _tables(cases):
    articles, quotes, mentions = [], [], []
    for i, (text, speaker, cue, content, *_rest) in enumerate(cases):
        aid = f"t{i}"
        articles.append({"article_id": aid, "text": text, "published": f"2024-02-0{i % 9 + 1}"})
        cs = text.index(content)
        us = text.index(cue)
        ss = text.index(speaker)
        quotes.append(
            {
                "quote_id": f"q{i}",
                "article_id": aid,
                "kind": "indirect",
                "content_start": cs,
                "content_end": cs + len(content),
                "content": content,
                "cue_start": us,
                "cue_end": us + len(cue),
                "speaker_start": ss,
                "speaker_end": ss + len(speaker),
                "speaker_entity_id": f"S{i}",
                "speaker_name": speaker,
                "via_entity_id": None,
            }
        )
        mentions.append(
            {
                "article_id": aid,
                "start": ss,
                "end": ss + len(speaker),
                "text": speaker,
                "label": "ORG",
                "entity_id": f"S{i}",
            }
        )
    return {
        "articles": conform("articles", articles),
        "quotes": conform("quotes", quotes),
        "mentions": conform("mentions", mentions),
    }


@pytest.fixture(scope="module")
def claims(nlp):
    return build_claims(_tables(CASES), nlp=nlp, options=ClaimOptions(grouping=GroupingConfig(embeddings="off")))


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[4] + ":" + c[0][:30] for c in CASES])
def test_stance_and_proposition(claims, index):
    _text, _speaker, _cue, _content, stance, words = CASES[index]
    row = claims.set_index("quote_id").loc[f"q{index}"]
    assert row["stance"] == stance, row.to_dict()
    for word in words:  # the key grouping compares is normalised: lemmas ("rose" -> "rise")
        assert word.lower() in row["proposition_key"], (word, row["proposition_key"])
    assert row["claimant_entity_id"] == f"S{index}"


def test_propositions_are_the_articles_own_words(claims):
    """Issue #17: propositions read as lemma strings ("deny: happen"); they are now a span of the article."""
    texts = dict(zip(_tables(CASES)["articles"]["article_id"], _tables(CASES)["articles"]["text"]))
    for row in claims.itertuples():
        text = texts[row.article_id]
        assert row.proposition == text[row.proposition_start : row.proposition_end], row
        assert row.proposition and not row.proposition[0].isspace() and not row.proposition.endswith(".")
    said = claims.set_index("quote_id").loc["q6"]  # "The agency said that prices rose by four percent."
    assert said["proposition"] == "prices rose by four percent"


def test_contract_columns_dates_and_confidence(claims):
    assert list(claims.columns[: len(SCHEMAS["claims"])]) == list(SCHEMAS["claims"])
    assert claims["claim_id"].is_unique
    assert (claims["date_source"] == "published").all()  # no events or timexes: the article's date
    assert claims["confidence"].between(0, 1).all()
    assert claims["group_id"].notna().all()


def test_ids_are_deterministic(nlp):
    first = build_claims(_tables(CASES), nlp=nlp, options=ClaimOptions(grouping=GroupingConfig(embeddings="off")))
    second = build_claims(
        _tables(CASES[::-1]), nlp=nlp, options=ClaimOptions(grouping=GroupingConfig(embeddings="off"))
    )
    assert set(first["claim_id"]) == set(
        build_claims(_tables(CASES), nlp=nlp, options=ClaimOptions(grouping=GroupingConfig(embeddings="off")))[
            "claim_id"
        ]
    )
    assert len(second) == len(first)


def test_coordinated_speakers_each_get_a_claim_and_dates_come_from_events(nlp):
    text = "Talks stalled in May. But Ostland and Westmark deny this tank deal."
    speaker = "Ostland and Westmark"
    ss = text.index(speaker)
    cs = text.index("this tank deal")
    us = text.index("deny")
    tables = {
        "articles": conform("articles", [{"article_id": "x", "text": text, "published": "2024-06-01"}]),
        "quotes": conform(
            "quotes",
            [
                {
                    "quote_id": "qx",
                    "article_id": "x",
                    "kind": "indirect",
                    "content_start": cs,
                    "content_end": cs + 14,
                    "content": "this tank deal",
                    "cue_start": us,
                    "cue_end": us + 4,
                    "speaker_start": ss,
                    "speaker_end": ss + len(speaker),
                    "speaker_entity_id": None,
                    "speaker_name": speaker,
                    "via_entity_id": None,
                }
            ],
        ),
        "mentions": conform(
            "mentions",
            [
                {"article_id": "x", "start": ss, "end": ss + 7, "text": "Ostland", "label": "GPE", "entity_id": "OS"},
                {
                    "article_id": "x",
                    "start": ss + 12,
                    "end": ss + 20,
                    "text": "Westmark",
                    "label": "GPE",
                    "entity_id": "WM",
                },
            ],
        ),
        "entities": conform(
            "entities", [{"entity_id": "OS", "name": "Ostland"}, {"entity_id": "WM", "name": "Westmark"}]
        ),
        "events": conform(
            "events",
            [
                {
                    "event_id": "ev",
                    "article_id": "x",
                    "start": 22,
                    "end": len(text),
                    "date_start": "2024-05-01",
                    "date_end": "2024-05-31",
                    "granularity": "month",
                }
            ],
        ),
    }
    claims = build_claims(tables, nlp=nlp, options=ClaimOptions(grouping=GroupingConfig(embeddings="off")))
    assert sorted(claims["claimant_entity_id"]) == ["OS", "WM"]
    assert set(claims["claimant_name"]) == {"Ostland", "Westmark"}
    assert (claims["stance"] == "deny").all()
    assert (claims["date_source"] == "event").all() and (claims["date_start"] == "2024-05-01").all()
    assert claims["group_id"].nunique() == 1  # the same quote: one proposition


def test_lexical_grouping_joins_paraphrases_and_separates_other_topics():
    from toolkit_claims.rules.grouping import group_claims, lexical_terms

    terms = [
        lexical_terms([("export", "VERB"), ("rifle", "NOUN"), ("Ostland", "PROPN")]),
        lexical_terms([("weapon", "NOUN"), ("delivery", "NOUN"), ("Ostland", "PROPN")]),
        lexical_terms([("price", "NOUN"), ("rise", "VERB")]),
    ]
    ids, method = group_claims(
        ["a", "b", "c"],
        texts=["", "", ""],
        terms=terms,
        entities=[frozenset({"O"}), frozenset({"O"}), frozenset()],
        config=GroupingConfig(embeddings="off"),
    )
    assert method == "lexical"
    assert ids[0] == ids[1] != ids[2]


def test_empty_quotes_give_an_empty_claims_table(nlp):
    frame = build_claims({"articles": conform("articles", []), "quotes": conform("quotes", [])}, nlp=nlp)
    assert frame.empty and list(frame.columns) == list(SCHEMAS["claims"])


def _quote(qid, aid, text, speaker, cue, content):
    cs, us, ss = text.index(content), text.index(cue), text.index(speaker)
    return {
        "quote_id": qid,
        "article_id": aid,
        "kind": "indirect",
        "content_start": cs,
        "content_end": cs + len(content),
        "content": content,
        "cue_start": us,
        "cue_end": us + len(cue),
        "speaker_start": ss,
        "speaker_end": ss + len(speaker),
        "speaker_entity_id": None,
        "speaker_name": speaker,
        "via_entity_id": None,
    }


def test_a_claim_pointing_back_joins_its_antecedent_and_paraphrases_meet_across_articles(nlp):
    first = (
        "Officials in Norland said that Westmark delivered containers of munitions to Ostland.\n"
        "Westmark and Ostland rejected the allegations."
    )
    second = "Westmark has never exported weapons to Ostland, its ministry said."
    third = "The bakers' guild said that bread prices rose by four percent."
    tables = {
        "articles": conform(
            "articles",
            [
                {"article_id": "a", "text": first, "published": "2024-03-01"},
                {"article_id": "b", "text": second, "published": "2024-03-02"},
                {"article_id": "c", "text": third, "published": "2024-03-03"},
            ],
        ),
        "quotes": conform(
            "quotes",
            [
                _quote(
                    "q1",
                    "a",
                    first,
                    "Officials in Norland",
                    "said",
                    "Westmark delivered containers of munitions to Ostland",
                ),
                _quote("q2", "a", first, "Westmark and Ostland", "rejected", "the allegations"),
                _quote("q3", "b", second, "its ministry", "said", "Westmark has never exported weapons to Ostland"),
                _quote("q4", "c", third, "The bakers' guild", "said", "bread prices rose by four percent"),
            ],
        ),
        "mentions": conform(
            "mentions",
            [
                {
                    "article_id": "a",
                    "start": first.index("Westmark"),
                    "end": first.index("Westmark") + 8,
                    "text": "Westmark",
                    "label": "GPE",
                    "entity_id": "WM",
                },
                {
                    "article_id": "a",
                    "start": first.index("Ostland"),
                    "end": first.index("Ostland") + 7,
                    "text": "Ostland",
                    "label": "GPE",
                    "entity_id": "OS",
                },
                {"article_id": "b", "start": 0, "end": 8, "text": "Westmark", "label": "GPE", "entity_id": "WM"},
                {
                    "article_id": "b",
                    "start": second.index("Ostland"),
                    "end": second.index("Ostland") + 7,
                    "text": "Ostland",
                    "label": "GPE",
                    "entity_id": "OS",
                },
            ],
        ),
        "entities": conform(
            "entities", [{"entity_id": "WM", "name": "Westmark"}, {"entity_id": "OS", "name": "Ostland"}]
        ),
    }
    claims = build_claims(tables, nlp=nlp, options=ClaimOptions(grouping=GroupingConfig(embeddings="off")))
    group = dict(zip(claims["quote_id"], claims["group_id"]))
    stance = dict(zip(claims["quote_id"], claims["stance"]))
    assert stance["q2"] == "deny" and stance["q3"] == "deny", stance
    assert group["q1"] == group["q2"], "'rejected the allegations' must join the claim it answers"
    assert group["q1"] == group["q3"], "delivered munitions / exported weapons: the same proposition"
    assert group["q4"] != group["q1"]


def test_frame_words_map_verbs_and_nouns_onto_the_same_concepts(nlp):
    from toolkit_claims.rules.reading import frame_words

    shipped = frame_words(list(nlp("They shipped artillery shells to the rebels")))
    transfer = frame_words(list(nlp("this arms transfer")))
    assert "~transfer" in shipped[0] and "~transfer" in transfer[0]
    assert "~weapon" in shipped[1] and "~weapon" in transfer[1]
    assert "~transfer" not in frame_words(list(nlp("prices rose sharply")))[0]


@pytest.mark.parametrize("same_thread", [True, False], ids=["one-thread", "two-threads"])
def test_claims_are_grouped_within_a_story_thread(nlp, same_thread):
    # issue #17: a story can join two near topics (two price rumours of one product); claims of its two
    # threads that merely say alike must not link their articles, while within a thread they group
    first = "The vendor said that the steel model will cost five hundred dollars."
    second = "An analyst said the steel edition would cost about five hundred dollars."
    tables = {
        "articles": conform(
            "articles",
            [
                {"article_id": "a", "text": first, "published": "2024-03-01", "story_id": "s1"},
                {"article_id": "b", "text": second, "published": "2024-03-02", "story_id": "s1"},
            ],
        ).assign(thread_id=["t1", "t1" if same_thread else "t2"]),
        "quotes": conform(
            "quotes",
            [
                _quote("q1", "a", first, "The vendor", "said", "the steel model will cost five hundred dollars"),
                _quote(
                    "q2", "b", second, "An analyst", "said", "the steel edition would cost about five hundred dollars"
                ),
            ],
        ),
    }
    claims = build_claims(tables, nlp=nlp, options=ClaimOptions(grouping=GroupingConfig(embeddings="off")))
    group = dict(zip(claims["quote_id"], claims["group_id"]))
    assert (group["q1"] == group["q2"]) is same_thread, claims[["quote_id", "proposition", "group_id"]]
