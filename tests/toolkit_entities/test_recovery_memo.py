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


def _name_tokens(ids):
    """The ``name_tokens`` rows the extract writes, from a blank English parse of each text."""
    import spacy

    from toolkit_entities.rules.recovery import name_token_row

    nlp = spacy.blank("en")
    return pd.DataFrame([{"article_id": i, **name_token_row(nlp(TEXTS[i]))} for i in ids])


def test_tokens_from_the_extracts_name_tokens_rows_give_the_rows_tokenising_gives(tmp_path, monkeypatch):
    """Issue #22: the extract keeps the tokens a known name can match, so the corpus step no longer
    tokenises each article again; the rows must be the ones tokenising the whole text gives."""
    table = load_alias_table(None)
    mentions, articles = tables(["a0", "a1", "a2"])
    plain = recover_known_names(mentions, articles, table)
    assert (plain["source"] == "known-name").sum() >= 2  # hyphens, accents, a headline line: it finds names

    import spacy

    def no_tokeniser(*args, **kwargs):
        raise AssertionError("tokenised an article that has a name_tokens row")

    rows = _name_tokens(["a0", "a1", "a2"])
    monkeypatch.setattr(spacy, "blank", no_tokeniser)
    memo = StepMemo(tmp_path)
    pd.testing.assert_frame_equal(plain, recover_known_names(mentions, articles, table, memo=memo, token_rows=rows))
    assert memo.computed == 0  # nothing to keep: the rows are cached with their articles


def test_an_article_without_a_name_tokens_row_is_tokenised(tmp_path):
    table = load_alias_table(None)
    mentions, articles = tables(["a0", "a1", "a2"])
    memo = StepMemo(tmp_path)
    found = recover_known_names(mentions, articles, table, memo=memo, token_rows=_name_tokens(["a1"]))
    pd.testing.assert_frame_equal(recover_known_names(mentions, articles, table), found)
    assert memo.computed == 2  # a0 and a2


def test_name_tokens_rows_keep_only_what_a_name_can_match():
    import spacy

    from toolkit_entities.rules.recovery import name_token_row

    doc = spacy.blank("en")("the talks, said Ana Berg-Lund, and ex-minister tom Vell, ended at 5 pm.")
    row = name_token_row(doc)
    assert row["n_tokens"] == len(doc)
    assert row["words"] == ["Ana", "Berg", "-", "Lund", "-", "minister", "Vell"]
    assert [doc[k].text for k in row["positions"]] == row["words"]
    assert row["starts"] == [doc[k].idx for k in row["positions"]]
