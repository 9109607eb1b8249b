"""Recovery reads each article's tokens back from the step's memo (issue #22: tokenising every
article again was most of the entities step in an incremental run). The rows must be the ones
tokenising gives, and an article already in the memo must not be tokenised again."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.sdk import StepMemo
from toolkit_entities.rules.aliases import load_alias_table
from toolkit_entities.rules.recovery import recover_known_names

TEXTS = {
    "a0": "Ri Son-Gwon met Jong-un. Later Ri Son Gwon left for Pyongyang.",
    "a1": "Yesterday ri son gwon, then Ri Son-gwon — and Zoë Ørsted-Lind spoke.",
    "a2": "Zoe Orsted Lind arrived; Ri Son Gwon did not.\n\nJong Un\n",
}


def tables(ids):
    articles = pd.DataFrame({"article_id": list(ids), "text": [TEXTS[i] for i in ids]})
    mentions = pd.DataFrame(
        {
            "article_id": ["a0", "a0", "a1"],
            "start": [0, 31, 46],
            "end": [11, 42, 61],
            "text": ["Ri Son-Gwon", "Ri Son Gwon", TEXTS["a1"][46:61]],
            "label": ["PERSON", "PERSON", "PERSON"],
            "spacy_label": ["PERSON", "PERSON", "PERSON"],
        }
    )
    return mentions, articles


def test_tokens_from_the_memo_give_the_rows_tokenising_gives(tmp_path, monkeypatch):
    table = load_alias_table(None)
    mentions, articles = tables(["a0", "a1"])
    plain = recover_known_names(mentions, articles, table)
    cold = recover_known_names(mentions, articles, table, memo=StepMemo(tmp_path))
    pd.testing.assert_frame_equal(plain, cold)
    assert (plain["source"] == "known-name").sum() >= 1  # the test finds names, or it proves nothing

    # a later run with one article more: only that one is tokenised
    mentions, articles = tables(["a0", "a1", "a2"])
    plain = recover_known_names(mentions, articles, table)
    memo = StepMemo(tmp_path)
    warm = recover_known_names(mentions, articles, table, memo=memo)
    pd.testing.assert_frame_equal(plain, warm)
    assert (memo.reused, memo.computed) == (2, 1)
    assert set(warm.loc[warm["source"] == "known-name", "article_id"]) >= {"a2"}

    # everything in the memo: spaCy's tokeniser is never built
    import spacy

    def no_tokeniser(*args, **kwargs):
        raise AssertionError("tokenised an article the memo holds")

    monkeypatch.setattr(spacy, "blank", no_tokeniser)
    again = recover_known_names(mentions, articles, table, memo=StepMemo(tmp_path))
    pd.testing.assert_frame_equal(plain, again)


def test_a_damaged_memo_entry_is_tokenised_again(tmp_path):
    table = load_alias_table(None)
    mentions, articles = tables(["a0", "a1"])
    recover_known_names(mentions, articles, table, memo=StepMemo(tmp_path))
    for entry in (p for p in tmp_path.rglob("*") if p.is_file()):
        entry.write_bytes(entry.read_bytes()[:-3])
    memo = StepMemo(tmp_path)
    pd.testing.assert_frame_equal(
        recover_known_names(mentions, articles, table, memo=memo), recover_known_names(mentions, articles, table)
    )
    assert (memo.reused, memo.computed) == (0, 2)


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_an_article_without_words_round_trips(tmp_path, text):
    articles = pd.DataFrame({"article_id": ["a0", "e"], "text": [TEXTS["a0"], text]})
    mentions, _ = tables(["a0"])
    mentions = mentions[mentions["article_id"] == "a0"]
    table = load_alias_table(None)
    first = recover_known_names(mentions, articles, table, memo=StepMemo(tmp_path))
    second = recover_known_names(mentions, articles, table, memo=StepMemo(tmp_path))
    pd.testing.assert_frame_equal(first, second)
