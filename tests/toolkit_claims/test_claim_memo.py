"""Issue #22: each article's claims kept in the step memo, read back only while all they were read from is unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.schemas import conform
from toolkit.sdk import StepMemo
from toolkit_claims.rules.claim_memo import decode_claims, encode_claims
from toolkit_claims.rules.claimants import QuoteClaim
from toolkit_claims.rules.grouping import Frame, GroupingConfig
from toolkit_claims.step import ClaimOptions, build_claims

OPTIONS = ClaimOptions(grouping=GroupingConfig(embeddings="off"))
TEXTS = {
    "a": "Talks stalled in May. But Ostland and Westmark deny this tank deal.",
    "b": "The harbour authority said that the ferry fares rose sharply in spring.",
}

MENTIONED = {"OS": "Ostland", "WM": "Westmark", "HA": "harbour authority"}  # each entity's words in the texts


@pytest.fixture(scope="module")
def nlp():
    from toolkit.nlp import load_model

    return load_model(exclude=("ner",))


def _tables(*, texts=TEXTS, names=None, month="2024-05"):
    names = names or MENTIONED
    quotes, mentions = [], []
    for aid, text, speaker, cue, content, ids in (
        ("a", texts["a"], "Ostland and Westmark", "deny", "this tank deal", ("OS", "WM")),
        ("b", texts["b"], "The harbour authority", "said", "the ferry fares rose sharply in spring", ("HA",)),
    ):
        ss, us, cs = text.index(speaker), text.index(cue), text.index(content)
        quotes.append(
            {
                "quote_id": f"q-{aid}",
                "article_id": aid,
                "kind": "indirect",
                "content_start": cs,
                "content_end": cs + len(content),
                "content": content,
                "cue_start": us,
                "cue_end": us + len(cue),
                "speaker_start": ss,
                "speaker_end": ss + len(speaker),
                "speaker_entity_id": None if len(ids) > 1 else ids[0],
                "speaker_name": speaker,
            }
        )
        for entity_id in ids:
            name = MENTIONED[entity_id]
            start = text.index(name)
            mentions.append(
                {
                    "article_id": aid,
                    "start": start,
                    "end": start + len(name),
                    "text": name,
                    "label": "GPE",
                    "entity_id": entity_id,
                }
            )
    return {
        "articles": conform(
            "articles", [{"article_id": aid, "text": text, "published": "2024-06-01"} for aid, text in texts.items()]
        ),
        "quotes": conform("quotes", quotes),
        "mentions": conform("mentions", mentions),
        "entities": conform("entities", [{"entity_id": e, "name": n} for e, n in names.items()]),
        "events": conform(
            "events",
            [
                {
                    "event_id": "ev",
                    "article_id": "a",
                    "start": 22,
                    "end": len(texts["a"]),
                    "date_start": f"{month}-01",
                    "date_end": f"{month}-28",
                    "granularity": "month",
                }
            ],
        ),
    }


def _claims(tables, nlp, folder=None):
    memo = StepMemo(folder) if folder is not None else None
    return build_claims(tables, nlp=nlp, options=OPTIONS, memo=memo), memo


def test_claims_read_back_from_the_memo_equal_those_read_afresh(nlp, tmp_path):
    tables = _tables()
    first, memo = _claims(tables, nlp, tmp_path)
    assert memo.computed >= 2 and memo.reused == 0  # both articles' claims (and the grouping) were stored
    again, memo = _claims(tables, nlp, tmp_path)
    assert memo.computed == 0 and memo.reused >= 2
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(again, _claims(tables, nlp)[0])


@pytest.mark.parametrize(
    "change",
    [
        {"names": {**MENTIONED, "OS": "Republic of Ostland"}},
        {"month": "2024-03"},
        {"texts": {**TEXTS, "a": TEXTS["a"].replace("Talks stalled", "Talks stopped")}},
    ],
    ids=["entity-renamed", "event-dates-changed", "text-changed"],
)
def test_an_article_whose_inputs_changed_is_read_again(nlp, tmp_path, change):
    _claims(_tables(), nlp, tmp_path)
    changed = _tables(**change)
    claims, memo = _claims(changed, nlp, tmp_path)
    assert memo.computed >= 1  # article "a" read again; "b" did not change
    pd.testing.assert_frame_equal(claims, _claims(changed, nlp)[0])
    a = claims[claims["article_id"] == "a"]
    if "names" in change:
        assert "Republic of Ostland" in set(a["claimant_name"])
    if "month" in change:
        assert set(a["date_start"]) == {"2024-03-01"}


def test_a_claim_whose_values_json_would_change_is_not_stored():
    claim = QuoteClaim(
        quote_id="q",
        claimants=[("E1", "Ana Berg")],
        stance="deny",
        proposition="it sold arms",
        proposition_start=3,
        proposition_end=15,
        proposition_key="sell arm",
        about=[],
        date_start=None,
        date_end=None,
        date_source="none",
        cue_lemma=None,
        negated=False,
        basis="cue",
        confidence=float("nan"),  # JSON gives null back: the memo must not store it
        evidence="it sold arms",
        sentence=(0, 20),
        terms=frozenset({"arm"}),
        entities=frozenset(),
        frame=Frame(),
        text="",
        order=3,
        anaphoric=False,
    )
    assert encode_claims([claim]) is None
    assert decode_claims(encode_claims([claim._replace(confidence=0.5)])) == [claim._replace(confidence=0.5)]
