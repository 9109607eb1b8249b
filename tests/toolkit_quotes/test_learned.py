"""The learned attribution model (issue #16): its artefact, the model option, scoring and ``presslens evaluate``."""

from __future__ import annotations

import json
import math

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


def test_probability_rises_with_the_evidence_and_stays_a_probability():
    from toolkit_quotes.rules.learned import LearnedModel

    model = LearnedModel(
        weights={"a": 2.0, "b": -1.0}, bias=0.0, cue_lemmas={}, threshold=0.5, rule_threshold=0.5, platt=(1.0, 0.0)
    )
    assert model.probability(["a"]) > model.probability([]) > model.probability(["b"])
    assert model.probability(["a"] * 100) <= 1.0 and model.probability(["b"] * 100) >= 0.0
    assert math.isclose(model.probability([]), 0.5)


def test_speaker_confidence_is_mapped_through_the_dev_bins():
    from toolkit_quotes.rules.learned import LearnedModel

    model = LearnedModel(
        weights={},
        bias=0.0,
        cue_lemmas={},
        threshold=0.5,
        rule_threshold=0.5,
        platt=(1.0, 0.0),
        speaker_bins=((0.5, 0.4), (1.0, 0.9)),
    )
    assert model.speaker_probability(0.3) == 0.4
    assert model.speaker_probability(0.95) == 0.9


def test_the_token_vector_part_counts_only_when_the_model_has_one():
    import numpy as np

    from toolkit_quotes.rules.learned import LearnedModel

    plain = LearnedModel(weights={}, bias=0.0, cue_lemmas={}, threshold=0.5, rule_threshold=0.5, platt=(1.0, 0.0))
    dense = LearnedModel(
        weights={},
        bias=0.0,
        cue_lemmas={},
        threshold=0.5,
        rule_threshold=0.5,
        platt=(1.0, 0.0),
        dense=np.array([1.0, -1.0], dtype=np.float32),
    )
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
