"""The learned attribution model (issue #16): its artefact, the model option, scoring and ``presslens evaluate``."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest


@pytest.fixture(scope="module")
def parse():
    """The default pipeline without the quotes component: tests run the rules and the model on the parse."""
    import toolkit_quotes.component  # noqa: F401  registers the factory
    from toolkit.nlp import load_model

    pipeline = load_model()
    pipeline.add_pipe("presslens_quotes", config={"model": "rules-only"})

    def run(text):
        with pipeline.select_pipes(disable=["presslens_quotes"]):
            return pipeline(text)

    return run


def test_the_weights_are_small_data_with_everything_inference_needs():
    from toolkit_quotes.rules.learned import WEIGHTS, load_model

    assert WEIGHTS.stat().st_size <= 20_000_000, "the issue caps the artefact at 20 MB"
    data = json.loads(WEIGHTS.read_text("utf-8"))
    assert {"weights", "bias", "cue_lemmas", "threshold", "platt", "seed"} <= set(data)
    model = load_model()
    assert "say" in model.cue_lemmas, "the commonest reporting verb must be a learned cue lemma"
    assert 0.0 < model.threshold < 1.0
    assert model.platt[0] > 0, "calibration must keep the model's order (a positive slope)"
    assert (WEIGHTS.parent / "MODEL_CARD.md").is_file(), "the weights ship with their model card"


def _neutral_model(**changes: Any) -> Any:
    """A model with no weights, bias 0, thresholds 0.5 and an identity calibration, changed by ``changes``."""
    from toolkit_quotes.rules.learned import LearnedModel

    base = {"weights": {}, "bias": 0.0, "cue_lemmas": {}, "threshold": 0.5, "rule_threshold": 0.5, "platt": (1.0, 0.0)}
    return LearnedModel(**{**base, **changes})


def test_probability_rises_with_the_evidence_and_stays_a_probability():
    model = _neutral_model(weights={"a": 2.0, "b": -1.0})
    assert model.probability(["a"]) > model.probability([]) > model.probability(["b"])
    assert model.probability(["a"] * 100) <= 1.0 and model.probability(["b"] * 100) >= 0.0
    assert math.isclose(model.probability([]), 0.5)


def test_speaker_confidence_is_mapped_through_the_dev_bins():
    model = _neutral_model(speaker_bins=((0.5, 0.4), (1.0, 0.9)))
    assert model.speaker_probability(0.3) == 0.4
    assert model.speaker_probability(0.95) == 0.9


def test_the_token_vector_part_counts_only_when_the_model_has_one():
    import numpy as np

    plain = _neutral_model()
    dense = _neutral_model(dense=np.array([1.0, -1.0], dtype=np.float32))
    vector = np.array([2.0, 0.5], dtype=np.float32)
    assert math.isclose(plain.logit([], vector), 0.0)
    assert math.isclose(dense.logit([], vector), 1.5)
    assert math.isclose(dense.logit([], None), 0.0), "a parse without token vectors scores on its strings alone"
    assert math.isclose(dense.logit([], np.zeros(3, dtype=np.float32)), 0.0), "a vector of another width is ignored"


def test_candidates_carry_vectors_only_when_asked_and_the_parse_has_them(parse):
    from toolkit_quotes.rules import find_quotes
    from toolkit_quotes.rules.learned import DENSE_WIDTH, candidates, load_model

    doc = parse("The senator warned residents on Tuesday that the river would rise.")
    rules = find_quotes(doc)[0]
    lemmas = load_model().cue_lemmas
    with_vectors = candidates(doc, rules, lemmas, vectors=True)
    assert with_vectors and all(c.vector is not None and c.vector.shape == (3 * DENSE_WIDTH,) for c in with_vectors)
    assert all(c.vector is None for c in candidates(doc, rules, lemmas, vectors=False))
    # what a rule's reported speech is made of is described to the model: a clause opened by "that"
    rule = next(c for c in with_vectors if c.features[0] == "rule")
    assert any(f.endswith("rc_shape=that") for f in rule.features), rule.features


def test_the_model_finds_reported_speech_and_calibrated_confidences(parse):
    from toolkit_quotes.rules import find_quotes
    from toolkit_quotes.rules.learned import refine

    doc = parse("The senator said on Tuesday that the bill would raise taxes for most families.")
    learned = refine(doc, find_quotes(doc)[0])
    contents = [doc.text[q.content_start : q.content_end] for q in learned]
    assert any("the bill would raise taxes" in c for c in contents), contents
    assert all(q.confidence is not None and 0.0 <= q.confidence <= 1.0 for q in learned)
    speakers = [doc.text[q.speaker_start : q.speaker_end] for q in learned if q.speaker_start is not None]
    assert "The senator" in speakers


def test_rules_only_is_an_option_and_gives_no_model_confidence(parse):
    from toolkit_quotes.component import QuotesComponent, extract
    from toolkit_quotes.rules import QuoteOptions

    text = "Officials believe the storm will reach the coast by Friday, the mayor said."
    doc = QuotesComponent(QuoteOptions(), model="rules-only")(parse(text))
    assert doc._.presslens_quote_model == "rules-only"
    assert all(q.confidence is None for q in doc._.presslens_quotes)
    # the run's option wins over how the component ran: extract re-runs the rules with the model
    rows = extract(doc, None, {"model": "learned"})["quotes"]
    assert doc._.presslens_quote_model == "learned"
    assert all(row["confidence"] is not None for row in rows)


def test_an_unknown_model_name_says_what_is_expected():
    from toolkit_quotes.component import QuotesComponent
    from toolkit_quotes.rules import QuoteOptions

    with pytest.raises(ValueError, match="rules-only"):
        QuotesComponent(QuoteOptions(), model="neural")


# scoring and `presslens evaluate` ----------------------------------------------------------------------
TEXT = "The mayor said that the bridge will reopen in May. Critics claim the repairs were rushed.\n"


def _gold_folder(tmp_path, ann):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "bridge.txt").write_text(TEXT, "utf-8")
    (tmp_path / "attributions" / "bridge_ab12.ann").write_text(ann, "utf-8")
    return tmp_path


def _ann(*links):
    lines = []
    for n, (source, cue, content) in enumerate(links):
        ids = [f"T{3 * n + k + 1}" for k in range(3)]
        for tid, label, piece in zip(ids, ("Source", "Cue", "Content"), (source, cue, content)):
            start = TEXT.index(piece)
            lines.append(f"{tid}\t{label} {start} {start + len(piece)}\t{piece}")
        lines.append(f"E{n + 1}\tAttribution:{ids[1]} Content:{ids[2]} Cue:{ids[1]} Source:{ids[0]}")
    return "\n".join(lines) + "\n"


GOLD = _ann(("The mayor", "said", "the bridge will reopen in May"), ("Critics", "claim", "the repairs were rushed"))


def test_scoring_counts_overlap_speaker_and_kind(tmp_path):
    from toolkit_quotes.rules.scoring import Tally, load_gold, score

    [(stem, text, gold)] = load_gold(_gold_folder(tmp_path, GOLD))
    assert stem == "bridge" and len(gold) == 2
    mayor = (text.index("The mayor"), text.index("The mayor") + 9)
    bridge = (text.index("the bridge"), text.index(" in May"))  # "in May" missing: overlap, not exact
    tally = Tally()
    matches = score(text, gold, [(((bridge),), (mayor,))], tally)
    summary = tally.summary()
    assert matches == {0: 0}
    assert summary["overlap_precision"] == 1.0 and summary["overlap_recall"] == 0.5
    assert summary["exact_f1"] == 0.0
    assert summary["speaker_accuracy"] == 1.0
    assert summary["gold_indirect"] == 2 and summary["recall_indirect"] == 0.5


def test_a_folder_without_the_layout_is_refused_with_what_is_expected(tmp_path):
    from toolkit_quotes.rules.scoring import load_gold

    with pytest.raises(FileNotFoundError, match="attributions"):
        load_gold(tmp_path)


def test_presslens_evaluate_quotes_prints_both_modes(tmp_path, capsys):
    from toolkit.cli import main

    folder = _gold_folder(tmp_path, GOLD)
    assert main(["evaluate", "quotes", "--gold", str(folder)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("measure"))
    assert header.split()[1:] == ["rules-only", "learned"]
    recall = next(line for line in out.splitlines() if line.startswith("overlap_recall"))
    assert all(0.0 <= float(v) <= 1.0 for v in recall.split()[1:])
    assert "1 articles" in out and "2 gold attributions" in out


def test_presslens_evaluate_names_the_plugins_it_can_score(capsys):
    from toolkit.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", "nothing-here", "--gold", "."])
    assert exit_.value.code == 2
    assert "quotes" in capsys.readouterr().err


# the trees over the linear model (round 3) ---------------------------------------------------------------
def test_the_numpy_tree_walk_gives_scikit_learns_scores():
    """The plugin walks exported trees with numpy; it must score exactly as the fitted model it came from."""
    np = pytest.importorskip("numpy")
    ensemble = pytest.importorskip("sklearn.ensemble")
    from toolkit_quotes.rules.learned import Forest

    generator = np.random.default_rng(0)
    X = generator.normal(size=(400, 5))
    X[:, 3] = generator.integers(0, 3, size=400)  # a column of few values: thresholds fall between them
    y = ((X[:, 0] + X[:, 1] * X[:, 3] > 0.3) ^ (generator.random(400) < 0.1)).astype(int)
    fitted = ensemble.HistGradientBoostingClassifier(max_iter=25, max_leaf_nodes=7, random_state=0).fit(X, y)
    columns = ("a", "b", "c", "d", "e")
    forest = Forest.from_json(Forest.from_sklearn(fitted, columns).to_json())
    assert forest.columns == columns
    probe = np.vstack([X[:50], generator.normal(size=(50, 5)) * 3])  # inside and outside the training range
    assert np.allclose(forest.raw(probe), fitted.decision_function(probe), atol=1e-6)
    assert forest.raw(np.zeros((0, 5))).shape == (0,)


def _candidate(group, content, cue, *, sentence=0):
    from toolkit_quotes.rules.learned import DESCRIPTORS, Candidate
    from toolkit_quotes.rules.records import Quote

    quote = Quote(
        kind="indirect",
        content_start=content[0],
        content_end=content[1],
        content_parts=(content,),
        cue_start=cue,
        cue_end=cue + 4,
        source="learned",
    )
    return Candidate(
        quote=quote, group=group, features=("extra",), numbers=(0.0,) * len(DESCRIPTORS), sentence=sentence
    )


def test_context_sets_each_cut_against_its_rivals():
    import numpy as np

    from toolkit_quotes.rules.learned import COLUMNS, context

    # "Ann said the mayor claimed the bridge is safe." — cue "said" (two cuts), and "claimed" inside its content;
    # a later sentence holds a third cue
    found = [
        _candidate(0, (9, 46), 4),  # everything after "said"
        _candidate(0, (13, 46), 4),  # a shorter cut of "said"
        _candidate(1, (27, 45), 19),  # "claimed"'s content
        _candidate(2, (60, 80), 50, sentence=1),
    ]
    logits = np.array([1.0, -0.5, 2.0, 3.0])
    table = context(found, logits)
    column = {name: table[:, COLUMNS.index(name)] for name in COLUMNS}
    assert column["group_rank"].tolist() == [0, 1, 0, 0]
    assert column["group_size"].tolist() == [2, 2, 1, 1]
    assert column["below_group_best"].tolist() == [0.0, 1.5, 0.0, 0.0]
    assert column["above_group_next"][:2].tolist() == [1.5, -1.5]
    # the best other cue of the same sentence: "claimed" for "said", "said" for "claimed", none in sentence 2
    assert column["sentence_best_other"].tolist() == [2.0, 2.0, 1.0, -10.0]
    # "claimed" lies inside both cuts of "said"; "said" lies inside nothing
    assert column["nested_best"].tolist() == [2.0, 2.0, -10.0, -10.0]
    assert column["enclosing_best"].tolist() == [-10.0, -10.0, 1.0, -10.0]


def test_the_trees_decide_when_the_model_has_them():
    from dataclasses import replace

    import numpy as np

    from toolkit_quotes.rules.learned import COLUMNS, Forest

    found = [_candidate(0, (9, 46), 4), _candidate(1, (60, 80), 50)]
    linear = _neutral_model()
    # one stump on the rank column: a cut ranked first scores +2, the others -2
    stump = Forest(
        columns=COLUMNS,
        feature=np.array([COLUMNS.index("group_rank"), 0, 0]),
        threshold=np.array([0.5, 0.0, 0.0]),
        left=np.array([1, 1, 2]),
        right=np.array([2, 1, 2]),
        value=np.array([0.0, 2.0, -2.0]),
        roots=np.array([0]),
        depth=1,
        baseline=0.0,
    )
    assert np.allclose(linear.probabilities(found), 0.5)
    with_trees = _neutral_model(forest=stump)
    assert np.allclose(with_trees.probabilities(found), 1 / (1 + np.exp(-2.0)))
    assert with_trees.probabilities([]).shape == (0,)
    # a new cue's cut the linear part scores below the floor is not worth the trees: never kept
    floored = replace(with_trees, floor=0.5)
    assert floored.probabilities(found).tolist() == [0.0, 0.0]


# the model's own quotes are resolved the rules' way (find.attribute) -------------------------------------
def test_a_quote_only_the_model_finds_keeps_every_speaker_and_claims_agree(parse):
    """Bug: a new cue's quote kept one speaker for "X and Y …" while claims split it into two claims."""
    import pandas as pd

    import toolkit
    from toolkit.registry import registry
    from toolkit_quotes.rules import find_quotes
    from toolkit_quotes.rules.learned import refine

    text = "The summit ended. Norvia and Kestria voiced doubts about the tariffs."
    doc = parse(text)
    cue = text.index("doubts")
    assert not [q for q in find_quotes(doc)[0] if q.cue_start == cue], "the rules alone must miss this quote"
    mine = [q for q in refine(doc, find_quotes(doc)[0]) if q.cue_start == cue]
    assert len(mine) == 1 and mine[0].source == "learned"
    row = mine[0].row(text)
    assert row["speakers"] == ["Norvia", "Kestria"]
    assert row["speaker_ref_text"] == "Norvia"  # the first speaker stays in the contract columns
    if "claims" not in registry.names():
        pytest.skip("claims plugin not installed")
    corpus = toolkit.analyze(
        [pd.DataFrame({"article_id": ["a"], "text": [text]})],
        plugins=["quotes", *(n for n in ("entities", "claims") if n in registry.names())],
        options={"quotes": {"model": "learned"}},
        quiet=True,
        cache=False,
    )
    quote = corpus.quotes[corpus.quotes["cue_start"] == cue]
    assert list(quote["speakers"].iloc[0]) == ["Norvia", "Kestria"]
    claimants = corpus.claims[corpus.claims["quote_id"] == quote["quote_id"].iloc[0]]["claimant_name"]
    assert sorted(claimants) == ["Kestria", "Norvia"]


def test_a_new_quote_takes_its_relay_the_rules_way_unless_a_rule_quote_holds_it(parse):
    from toolkit_quotes.rules.find import attribute
    from toolkit_quotes.rules.records import Draft, Quote

    text = "Ostland voiced doubts about the tariffs, according to the Norvian News Agency."
    doc = parse(text)
    cue = text.index("doubts")

    def draft():
        start = text.index("about")
        return Draft(
            kind="indirect",
            content=(start, text.index(",")),
            cue=(cue, cue + len("doubts")),
            speaker=doc.char_span(0, len("Ostland")),
            source="learned",
        )

    (alone,) = attribute(doc, [draft()], settled=[])
    assert text[alone.via_start : alone.via_end] == "the Norvian News Agency"
    assert alone.speaker_ref_start == 0 and alone.speakers == ()
    # a rule's quote cued later in the sentence is the relay's nearer quote: it keeps it
    said = text.index("tariffs")
    rival = Quote(kind="indirect", content_start=0, content_end=5, cue_start=said, cue_end=said + 7)
    (second,) = attribute(doc, [draft()], settled=[rival])
    assert second.via_start is None


def test_a_verb_read_as_a_noun_holds_its_subject():
    """A parser reading "plans" as a noun with a subject: the subject holds it; "X is the issue" is a noun."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from toolkit_quotes.rules.learned import _noun_holder

    words = ["The", "new", "mayor", "plans", "to", "leave", "."]
    doc = Doc(
        Vocab(),
        words=words,
        heads=[2, 2, 3, 3, 5, 3, 3],
        deps=["det", "amod", "nsubj", "ROOT", "aux", "xcomp", "punct"],
        pos=["DET", "ADJ", "NOUN", "NOUN", "PART", "VERB", "PUNCT"],
        tags=["DT", "JJ", "NN", "NNS", "TO", "VB", "."],
        lemmas=["the", "new", "mayor", "plan", "to", "leave", "."],
    )
    assert _noun_holder(doc[3]).text == "The new mayor"
    words = ["Trade", "is", "the", "issue", "."]
    doc = Doc(
        Vocab(),
        words=words,
        heads=[3, 3, 3, 3, 3],
        deps=["nsubj", "cop", "det", "ROOT", "punct"],
        pos=["NOUN", "AUX", "DET", "NOUN", "PUNCT"],
        tags=["NN", "VBZ", "DT", "NN", "."],
        lemmas=["trade", "be", "the", "issue", "."],
    )
    assert _noun_holder(doc[3]) is None
