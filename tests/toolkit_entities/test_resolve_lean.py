"""The lean code paths of the corpus step give what the straightforward ones gave.

Resolution was rewritten to keep its memory small on a big corpus (work per
distinct value, permutations instead of sorted copies, token keys looked up per
chunk of articles). Each test pits a rewritten helper against the plain
row-by-row version it replaced, on random inputs.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_entities.rules.aliases import load_alias_table
from toolkit_entities.rules.context import LOCATIVE_PREPOSITIONS, REPORTING_VERB_FORMS, mention_weight
from toolkit_entities.rules.names import is_title_word, token_key
from toolkit_entities.rules.recovery import _first_seen_counts, _KnownNameFinder, recover_known_names
from toolkit_entities.step import _sorted_order, resolve


def _weight_by_regex(text: str, start: int, end: int, label: str, n_words: int) -> float:
    """The weight as first written, with two regular expressions per mention."""
    weight = 2.0 if n_words > 1 else 1.0
    before = re.search(r"(\S+)\s+$", text[max(0, start - 40) : start])
    after = re.match(r"\s+([A-Za-z]+)", text[end : end + 40])
    previous = before.group(1) if before else ""
    if label in ("GPE", "LOC", "FAC") and previous.lower() in LOCATIVE_PREPOSITIONS:
        weight += 2.0
    if label == "PERSON":
        if is_title_word(previous):
            weight += 2.0
        if after and after.group(1).lower() in REPORTING_VERB_FORMS:
            weight += 1.0
    return weight


_PIECES = st.sampled_from(
    [
        "in",
        "In",
        "Minister",
        "said",
        "told",
        "near",
        " ",
        "  ",
        "\n",
        "\u00a0",
        "\u2003",
        ",",
        "Mr.",
        "x",
        "(",
        "Portmere",
        "the",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_PIECES, max_size=40),
    st.integers(0, 200),
    st.integers(0, 12),
    st.sampled_from(["GPE", "LOC", "FAC", "PERSON", "ORG", "NORP"]),
    st.integers(1, 3),
)
def test_mention_weight_matches_the_regex_version(pieces, start, length, label, n_words):
    text = "".join(pieces)
    start = min(start, len(text))
    end = min(len(text), start + length)
    assert mention_weight(text, start, end, label, n_words) == _weight_by_regex(text, start, end, label, n_words)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["b", "a", "c-1", "c-10", "é"]), st.integers(0, 5), st.integers(0, 5)),
        min_size=1,
        max_size=30,
    )
)
def test_sorted_order_is_the_stable_sort_of_the_table(rows):
    frame = pd.DataFrame(rows, columns=["article_id", "start", "end"])
    frame["article_id"] = frame["article_id"].astype("string")
    expected = frame.sort_values(["article_id", "start", "end"], kind="stable").index.tolist()
    assert _sorted_order(frame).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["Ann Lee", "Lee", "UN", "Kim"]), st.sampled_from(["PERSON", "ORG", "GPE"])),
        min_size=1,
        max_size=30,
    )
)
def test_first_seen_counts_match_a_counter_over_rows(rows):
    frame = pd.DataFrame(rows, columns=["text", "label"]).astype("string")
    pairs, counts = _first_seen_counts(frame["text"], frame["label"])
    expected = Counter(map(tuple, rows))  # a Counter keeps the order of first appearance
    assert list(zip(pairs, counts.tolist())) == list(expected.items())


@pytest.fixture(scope="module")
def tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def test_finding_names_in_a_chunk_equals_one_article_at_a_time(tokenizer):
    known = {tuple(token_key(w) for w in name.split()): "PERSON" for name in ("ri son gwon", "jong un", "ana moro")}
    texts = [
        "Ri Son-Gwon met Jong-un.",
        "A hyphen ends this -",
        "Un and Jong Un; Ana Moro, ana moro.",
        "",
        "Jong Un",
        "ri son gwon Ri Son Gwon",
        "",
    ]
    alone = _KnownNameFinder(known, tokenizer.vocab.strings)
    one_by_one = [alone.find(tokenizer(t)) for t in texts]
    together = _KnownNameFinder(known, tokenizer.vocab.strings)
    chunked = together.find_many([together.token_table(tokenizer(t)) for t in texts])
    assert chunked == one_by_one
    assert [[t[s:e] for s, e, _ in found] for t, found in zip(texts, chunked)] == [
        ["Ri Son-Gwon", "Jong-un"],
        [],
        ["Jong Un", "Ana Moro"],
        [],
        ["Jong Un"],
        ["Ri Son Gwon"],
        [],
    ]


def test_recovery_in_small_chunks_adds_the_same_rows(monkeypatch):
    import toolkit_entities.rules.recovery as module

    articles = pd.DataFrame(
        {"article_id": [f"a{k}" for k in range(5)], "text": ["Ana Moro spoke. Later Ana Moro left."] * 5}
    )
    mentions = pd.DataFrame(
        {
            "article_id": ["a0", "a1", "a1", "a3"],
            "start": [0, 0, 22, 4],
            "end": [8, 3, 30, 8],
            "text": ["Ana Moro", "Ana", "Ana Moro", "Moro"],
            "label": ["PERSON", "PERSON", "PERSON", "ORG"],
            "spacy_label": ["PERSON"] * 3 + ["ORG"],
        }
    )
    table = load_alias_table(None)
    whole = recover_known_names(mentions, articles, table)
    monkeypatch.setattr(module, "_RECOVERY_CHUNK", 2)
    chunked = recover_known_names(mentions, articles, table)
    pd.testing.assert_frame_equal(whole, chunked)
    found = whole[whole["source"] == "known-name"]
    # every article gets both occurrences except where a longer or equal mention is there already
    assert sorted(zip(found["article_id"], found["start"])) == [
        ("a0", 22),
        ("a1", 0),
        ("a2", 0),
        ("a2", 22),
        ("a3", 0),
        ("a3", 22),
        ("a4", 0),
        ("a4", 22),
    ]


def test_resolve_returns_rows_sorted_with_the_input_untouched():
    mentions = pd.DataFrame(
        {
            "article_id": ["b", "a", "b", "a"],
            "start": [30, 0, 0, 20],
            "end": [36, 11, 11, 26],
            "text": ["Morozova", "Anna Morozova", "Anna Morozova", "Moscow"],
            "label": ["ORG", "PERSON", "PERSON", "GPE"],
        }
    )
    before = mentions.copy()
    result = resolve({"mentions": mentions}, recover=False)
    pd.testing.assert_frame_equal(mentions, before)
    out = result["mentions"]
    assert list(zip(out["article_id"], out["start"])) == [("a", 0), ("a", 20), ("b", 0), ("b", 30)]
    assert out["label"].tolist() == ["PERSON", "GPE", "PERSON", "PERSON"]
    assert out["entity_id"].iloc[0] == out["entity_id"].iloc[2] == out["entity_id"].iloc[3]


def test_texts_come_from_the_table_and_an_absent_article_reads_as_empty():
    text = "Talks with the Northern Grain Board (NGB) ended. In Portmere, Minister Ana Moro said no."
    long_start, acr_start = text.index("Northern"), text.index("NGB")
    rows = []
    for aid in ("a", "b"):  # the same mentions in a listed article and in one the table lacks
        rows += [
            (aid, long_start, "Northern Grain Board", "ORG"),
            (aid, acr_start, "NGB", "ORG"),
            (aid, text.index("Portmere"), "Portmere", "GPE"),
            (aid, text.index("Ana"), "Ana Moro", "PERSON"),
        ]
    mentions = pd.DataFrame(
        [{"article_id": a, "start": s, "end": s + len(t), "text": t, "label": lab} for a, s, t, lab in rows]
    )
    articles = pd.DataFrame(
        {
            "article_id": ["a", "z", "a"],
            "text": ["no names here", "", text],
            "published": ["2024-01-01", None, "2024-01-02"],
        }
    )
    result = resolve({"mentions": mentions, "articles": articles}, recover=False)
    out = result["mentions"]
    ids = dict(zip(zip(out["article_id"], out["text"]), out["entity_id"]))
    # "a" is read from its last row: the name and its acronym in parentheses are one entity
    assert ids["a", "NGB"] == ids["a", "Northern Grain Board"]
    suggestion = result["entity_suggestions"]
    assert suggestion["evidence"].str.contains("parentheses").sum() == 1
    by_name = result["entities"].set_index("name")
    assert by_name.loc["Northern Grain Board", "n_articles"] == 2
    assert by_name.loc["Northern Grain Board", "first_published"] == "2024-01-02"
