"""Step memos: a corpus step reads back what it computed last run for the inputs that did not change
(issue #22: an incremental run paid every corpus step over the whole corpus again, seconds of fixed
cost for two new articles). The spaCy model is replaced by a blank English pipeline: the memo, not
the model, is what is tested."""

from __future__ import annotations

import pytest

import toolkit
from toolkit import engines
from toolkit._memo import StepMemo
from toolkit.registry import Plugin, registry

# ---------------------------------------------------------------------------
# the memo itself


def test_an_entry_reads_back_and_a_missing_one_is_none(tmp_path):
    memo = StepMemo(tmp_path / "memo")
    key = StepMemo.key("Ferries resumed service on Tuesday.")
    assert memo.get(key) is None
    memo.put(key, b"\x00tokens\xff")
    assert StepMemo(tmp_path / "memo").get(key) == b"\x00tokens\xff"  # a later run reads it


def test_a_damaged_entry_reads_as_missing(tmp_path):
    memo = StepMemo(tmp_path)
    key = StepMemo.key("Growers counted the apples twice.")
    memo.put(key, b"seventeen")
    path = tmp_path / key[:2] / key
    path.write_bytes(path.read_bytes().replace(b"seventeen", b"eighteen!"))
    assert StepMemo(tmp_path).get(key) is None


def test_keys_follow_the_parts_not_their_concatenation():
    assert StepMemo.key("a", "bc") != StepMemo.key("ab", "c")
    assert StepMemo.key("a", b"bc") == StepMemo.key("a", "bc")


def test_a_key_that_is_no_digest_is_refused_with_the_way_to_make_one(tmp_path):
    with pytest.raises(ValueError, match=r"StepMemo.key"):
        StepMemo(tmp_path).put("../../manifest.json", b"x")


def test_sweep_keeps_only_what_this_run_used(tmp_path):
    first = StepMemo(tmp_path)
    kept, gone = StepMemo.key("kept"), StepMemo.key("gone")
    first.put(kept, b"1")
    first.put(gone, b"2")
    second = StepMemo(tmp_path)
    assert second.get(kept) == b"1"
    assert second.sweep() == 1
    assert StepMemo(tmp_path).get(gone) is None and StepMemo(tmp_path).get(kept) == b"1"


# ---------------------------------------------------------------------------
# the memo in a run: a corpus step that memoises one value per article

COMPUTED: list[str] = []  # the article ids the probe step worked out (not read back), this test run


def memo_probe_extract(doc, article, options):
    return {"mentions": [{"start": 0, "end": len(doc[0]), "text": doc[0].text, "label": "PROBE"}]}


def memo_probe_step(tables, context):
    """Each article's word count, from the memo when the step has one and it holds the text."""
    articles = tables["articles"]
    counts = []
    for article_id, text in zip(articles["article_id"], articles["text"], strict=True):
        key = StepMemo.key(text)
        data = context.memo.get(key) if context.memo is not None else None
        if data is None:
            COMPUTED.append(article_id)
            data = str(len(text.split())).encode()
            if context.memo is not None:
                context.memo.put(key, data)
        counts.append(int(data))
    mentions = tables["mentions"].copy()
    mentions["text"] = [f"{t}:{n}" for t, n in zip(mentions["text"], counts, strict=True)]
    return {"mentions": mentions}


def memo_probe(**options) -> Plugin:
    return Plugin(
        name="memo_probe",
        provides=("mentions",),
        extract=memo_probe_extract,
        corpus_step=memo_probe_step,
        options=options,
    )


@pytest.fixture
def blank_model(monkeypatch):
    spacy = pytest.importorskip("spacy")
    from toolkit.nlp import ensure_extensions

    def blank(config, chosen):
        ensure_extensions()
        return spacy.blank("en")

    monkeypatch.setattr(engines, "build_nlp", blank)


TEXTS = {
    "harbour": "Harbour reopens\n\nFerries resumed service on Tuesday.\n",
    "orchard": "Orchard harvest\n\nGrowers counted the apples twice.\n",
    "bridge": "Bridge closed\n\nEngineers found a crack in the second span.\n",
}


def write(folder, names):
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(TEXTS[name])
    return folder


def test_an_incremental_run_computes_only_the_new_articles_and_gives_the_same_tables(tmp_path, blank_model):
    inputs, out = write(tmp_path / "in", ["harbour", "orchard"]), tmp_path / "out"
    COMPUTED.clear()
    with registry.enabled(memo_probe()):
        toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
        assert sorted(COMPUTED) == ["harbour", "orchard"]
        COMPUTED.clear()
        write(inputs, ["bridge"])
        added = toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
        assert COMPUTED == ["bridge"], "the step worked out again what it had kept from the first run"
        assert added.manifest["cache"]["step_memos"] == {"memo_probe": {"reused": 2, "computed": 1}}
        COMPUTED.clear()
        fresh = toolkit.analyze(inputs, plugins=["memo_probe"], quiet=True)  # no folder: no memo
    assert sorted(COMPUTED) == ["bridge", "harbour", "orchard"]
    assert added.mentions.equals(fresh.mentions)
    assert sorted(added.mentions["text"]) == ["Bridge:10", "Harbour:7", "Orchard:7"]


def test_changed_options_start_an_empty_memo_and_an_article_gone_leaves_it(tmp_path, blank_model):
    inputs, out = write(tmp_path / "in", ["harbour", "orchard"]), tmp_path / "out"
    with registry.enabled(memo_probe(flavour="plain")):
        toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
    (inputs / "orchard.txt").unlink()
    COMPUTED.clear()
    with registry.enabled(memo_probe(flavour="plain")):
        fewer = toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
    assert COMPUTED == [] and fewer.manifest["cache"]["step_memos"]["memo_probe"] == {"reused": 1, "computed": 0}
    key = fewer.manifest["cache"]["key"]
    memo_files = [p for p in (out / ".cache" / key / "steps" / "memo_probe").rglob("*") if p.is_file()]
    assert len(memo_files) == 1, "the entry of the article gone from the corpus was kept"
    with registry.enabled(memo_probe(flavour="spiced")):  # another option: another cache key, an empty memo
        toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
    assert COMPUTED == ["harbour"]
    assert not (out / ".cache" / key).exists()


# ---------------------------------------------------------------------------
# the cleaning memo: every run reads all its inputs, and cleaning was most of that


BOILERPLATE = "Harbour reopens\n\nFerries resumed service on Tuesday.\nShare this story\nRead also: Tides\n"


def test_cleaning_memo_gives_clean_texts_result_and_is_read_back(tmp_path):
    from toolkit._memo import CleaningMemo
    from toolkit.cleaning import clean_text

    first = CleaningMemo(tmp_path / "cleaning.memo")
    assert first.clean(BOILERPLATE) == clean_text(BOILERPLATE) and first.reused == 0
    first.save()
    again = CleaningMemo(tmp_path / "cleaning.memo")
    assert again.clean(BOILERPLATE) == clean_text(BOILERPLATE) and again.reused == 1
    plain = "Growers counted the apples twice.\n"
    assert again.clean(plain) == (plain, []) and again.reused == 1  # a text it had not seen is cleaned
    again.save()
    assert CleaningMemo(tmp_path / "cleaning.memo")._stored.keys() == again._used.keys()


def test_a_damaged_cleaning_memo_is_cleaned_again(tmp_path):
    from toolkit._memo import CleaningMemo
    from toolkit.cleaning import clean_text

    memo = CleaningMemo(tmp_path / "cleaning.memo")
    memo.clean(BOILERPLATE)
    memo.save()
    path = tmp_path / "cleaning.memo"
    path.write_bytes(path.read_bytes().replace(b"share prompt", b"share prompX"))  # fails its checksum
    damaged = CleaningMemo(path)
    assert damaged.clean(BOILERPLATE) == clean_text(BOILERPLATE) and damaged.reused == 0


def test_a_run_reads_cleaning_back_and_gives_the_same_articles(tmp_path, blank_model):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "harbour.txt").write_text(BOILERPLATE)
    write(inputs, ["orchard"])
    with registry.enabled(memo_probe()):
        first = toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
        write(inputs, ["bridge"])  # not an unchanged re-run: the inputs are read and cleaned
        added = toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
    assert (out / ".cache" / added.manifest["cache"]["key"] / "cleaning.memo").is_file()
    assert "Share this story" not in added.articles.set_index("article_id").loc["harbour", "text"]
    kept = added.articles[added.articles["article_id"] != "bridge"].reset_index(drop=True)
    assert kept.drop(columns=["story_id"], errors="ignore").equals(
        first.articles.drop(columns=["story_id"], errors="ignore")
    )


def test_the_model_loads_while_the_cache_is_read_when_an_article_is_new(tmp_path, blank_model, monkeypatch):
    """Issue 22: an incremental run loaded the model only at the first new article, after reading every
    cached one; now it starts loading at once, on a thread, and not at all when nothing is new."""
    started: list[str] = []
    monkeypatch.setattr(engines.ArticleProcessor, "preload", lambda self: started.append("model"))
    inputs, out = write(tmp_path / "in", ["harbour"]), tmp_path / "out"
    with registry.enabled(memo_probe()):
        toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
        assert started == ["model"]
        (out / "manifest.json").unlink()  # not an unchanged re-run: every article is read from the cache
        toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
        assert started == ["model"], "the model was loaded although every article came from the cache"
        write(inputs, ["bridge"])
        toolkit.analyze(inputs, out=out, plugins=["memo_probe"], quiet=True)
    assert started == ["model", "model"]
