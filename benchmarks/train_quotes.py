"""Train the learned quote-attribution model: PolNeAR train to fit, dev's even half to tune.

    python benchmarks/train_quotes.py [--train DIR] [--dev DIR] [--cache DIR] [--out PATH] [--trees]

Writes ``plugins/toolkit_quotes/rules/learned_weights.json`` (weights, cue lemmas,
threshold, calibration) — the only artefact; no training text or span leaves
this script. Reproducible: fixed seed, sorted inputs, a deterministic solver.

Steps:

1. parse every article with the pipeline PressLens runs (parses and the
   pipeline's token vectors cached under ``--cache``, default
   ``/tmp/presslens-quotes-parses``, keyed by split and model: parsing 840
   articles takes minutes);
2. learn the cue lemmas: for each lemma, the share of its occurrences in train
   that are the head of an annotated Cue (kept when it heads at least 3 cues);
3. candidates and features from :mod:`toolkit_quotes.rules.learned` (string
   features; with ``--vectors`` also the tok2vec vectors at the cue, over the
   content and over the speaker, standardised on train, the scaling folded into
   the saved weights — measured no better on dev's even half, so off by default); a
   candidate is positive when its content shares at least half its words
   (Jaccard) with a gold content — the benchmark's own matching;
4. a logistic regression per regularisation strength in ``--grid``; the
   strength and the acceptance threshold are picked by overlap F1 on dev's EVEN
   half only (articles at even positions in sorted order); Platt scaling and the
   speaker-confidence bins are fitted on the even half too;
5. with ``--trees``, gradient-boosted trees (scikit-learn's
   ``HistGradientBoostingClassifier``, exported as node arrays the plugin walks
   with numpy) stacked on the linear part's out-of-fold logit, the candidate's
   numbers and its rivals (``learned.context``) — measured no better on dev's
   even half (F1 0.794 against the linear 0.794), so off by default;
6. dev's ODD half is never looked at here: ``benchmarks/eval_quotes.py`` reports it as the held-out figure.

Needs scikit-learn (a training-time dependency only; inference needs the JSON and numpy, which spaCy brings).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "eval"
SEED = 0
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 0.95)
RULE_THRESHOLDS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
# a lemma whose candidates pass the threshold fewer times than this on train is not tried at run time: each
# lemma tried costs a share of the pass on every article, and the rare ones add almost nothing found
MIN_PASSES = 3
MIN_RATE = 0.02  # a lemma heading cues less often than this proposes too many candidates for what it finds


def parsed(split_dir: Path, cache: Path, model: str | None):
    """(stem, text, gold, doc) per article; parses cached as a DocBin keyed by folder, texts and model.

    The pipeline's token vectors (``doc.tensor``, which a DocBin does not keep) are cached beside it,
    one array per article: the model's dense part reads them.
    """
    import numpy as np
    from spacy.tokens import DocBin

    import toolkit_quotes.component  # noqa: F401  (registers the factory)
    from toolkit.nlp import load_model
    from toolkit_quotes.rules.scoring import load_gold

    documents = load_gold(split_dir)
    nlp = load_model(model)
    nlp.add_pipe("presslens_quotes", config={"model": "rules-only"})  # its line-sentence step shapes the parse
    digest = hashlib.sha1(("\0".join(t for _, t, _ in documents) + nlp.meta["name"]).encode()).hexdigest()[:12]
    path = cache / f"{split_dir.name}-{digest}.spacy"
    vectors = cache / f"{split_dir.name}-{digest}-tensors.npz"
    if path.is_file() and vectors.is_file():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        with np.load(vectors) as stored:
            for stem, doc in zip((s for s, _, _ in documents), docs):
                doc.tensor = stored[stem].astype(np.float32)
    else:
        docs = []
        db = DocBin(
            attrs=["ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "LEMMA", "MORPH", "POS", "SENT_START", "NORM"]
        )
        with nlp.select_pipes(disable=["presslens_quotes"]):
            for doc in nlp.pipe((t for _, t, _ in documents), batch_size=16):
                db.add(doc)
                docs.append(doc)
        cache.mkdir(parents=True, exist_ok=True)
        db.to_disk(path)
        np.savez(vectors, **{stem: doc.tensor.astype(np.float16) for (stem, _, _), doc in zip(documents, docs)})
    return [(stem, text, gold, doc) for (stem, text, gold), doc in zip(documents, docs)]


def cue_rates(train) -> dict[str, float]:
    """lemma -> share of its occurrences heading a gold Cue (lemmas heading at least 3 cues, ``MIN_RATE`` of them)."""
    heads: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for _, _, gold, doc in train:
        totals.update(t.lemma_.lower() for t in doc if not t.is_punct and not t.is_space)
        for attribution in gold:
            for start, end in attribution.cue[:1]:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None and len(span):
                    heads[span.root.lemma_.lower()] += 1
    rates = {lemma: n / totals[lemma] for lemma, n in sorted(heads.items()) if n >= 3 and totals[lemma]}
    return {lemma: round(rate, 4) for lemma, rate in rates.items() if rate >= MIN_RATE}


def rule_quotes(doc):
    from toolkit_quotes.rules import find_quotes

    return find_quotes(doc)[0]


def featurise(documents, rates, vectors=False):
    """Per article: its candidates, and per candidate whether it matches a gold content."""
    from toolkit_quotes.rules.learned import candidates
    from toolkit_quotes.rules.scoring import jaccard, words

    out = []
    for _, text, gold, doc in documents:
        rules = rule_quotes(doc)
        cands = candidates(doc, rules, rates, vectors=vectors and doc.tensor.size > 0)
        gold_words = [words(text, g.content) for g in gold]
        # a new cue is worth keeping only for a gold attribution no rule quote already finds
        rule_words = [words(text, q.content_parts or ((q.content_start, q.content_end),)) for q in rules]
        found = {i for i, g in enumerate(gold_words) if any(jaccard(r, g) >= 0.5 for r in rule_words if r & g)}
        labels = []
        for c in cands:
            mine = words(text, c.quote.content_parts or ((c.quote.content_start, c.quote.content_end),))
            targets = range(len(gold_words)) if c.features[0] != "extra" else set(range(len(gold_words))) - found
            labels.append(int(any(jaccard(mine, gold_words[i]) >= 0.5 for i in targets if gold_words[i] & mine)))
        out.append((text, gold, doc, cands, labels))
    return out


def evaluate(featured, scored_by_article, threshold, rule_threshold):
    """Overlap figures of the choice at the thresholds (raw probabilities, given per article),
    and (p, matched) per kept quote."""
    from toolkit_quotes.rules.learned import choose
    from toolkit_quotes.rules.scoring import Tally, quote_predictions, score

    tally = Tally()
    kept_flags = []
    for (text, gold, _doc, _cands, _labels), scored in zip(featured, scored_by_article):
        kept = choose(text, scored, threshold, rule_threshold)
        predictions = quote_predictions([c.quote for c, _ in kept])
        matches = score(text, gold, predictions, tally)
        kept_flags += [(p, int(j in matches)) for j, (_, p) in enumerate(kept)]
    return tally.summary(), kept_flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=DATA / "polnear-train")
    parser.add_argument("--dev", type=Path, default=DATA / "polnear-dev")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/presslens-quotes-parses"))
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: PressLens's)")
    parser.add_argument(
        "--vectors",
        action="store_true",
        help="add the token-vector part (measured: no gain on dev's even half, and a cost at run time)",
    )
    parser.add_argument("--grid", default="0.03,0.1,0.3", help="regularisation strengths C of the linear part to try")
    parser.add_argument(
        "--trees",
        action="store_true",
        help="stack gradient-boosted trees on the linear part (measured: no gain on dev's even half, and a cost "
        "at run time)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "plugins" / "toolkit_quotes" / "rules" / "learned_weights.json"
    )
    args = parser.parse_args(argv)
    for folder in (args.train, args.dev):
        if not (folder / "attributions").is_dir():
            print(f"No PolNeAR split at {folder.resolve()} (expected attributions/ and text/). Pass --train/--dev.")
            return 2
    started = time.perf_counter()
    train = parsed(args.train, args.cache, args.model)
    dev = parsed(args.dev, args.cache, args.model)
    tune = dev[0::2]  # the even half; the odd half stays unseen
    print(f"parsed {len(train)} train, {len(dev)} dev articles in {time.perf_counter() - started:.0f}s", flush=True)
    rates = cue_rates(train)
    print(f"{len(rates)} cue lemmas", flush=True)
    train_f = featurise(train, rates, args.vectors)
    tune_f = featurise(tune, rates, args.vectors)
    artefact = fit(train_f, tune_f, rates, grid=args.grid, vectors=args.vectors, trees=args.trees)
    artefact["trained_on"] = f"PolNeAR train ({len(train)} articles); tuned on the even half of PolNeAR dev"
    model = _model(artefact)
    artefact["speaker_bins"] = speaker_calibration(tune, model)
    args.out.write_text(json.dumps(artefact, indent=0, sort_keys=False) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.0f}s")
    return 0


def fit(train_f, tune_f, rates, *, grid: str = "0.1", vectors: bool = False, trees: bool = False) -> dict:
    """The artefact (a dict for JSON) fitted on ``train_f`` and tuned on ``tune_f`` (featurised articles).

    1. the linear part: a logistic regression on the string features for each C in ``grid``, the best by
       even-half F1 at its best thresholds; the lemmas its candidates pass often enough on train become the
       ones tried at run time;
    2. with ``trees``: gradient boosting over :data:`~toolkit_quotes.rules.learned.COLUMNS`
       — the candidate's descriptors and its linear logit against its rivals. On train the logit comes from
       the linear part fitted on the other folds (out-of-fold), so the trees learn how far to trust the logit
       on articles it never saw, as at run time; on the tuning half, from the linear part fitted on all train;
    3. the thresholds on the final score and Platt scaling, on the even half.
    """

    from toolkit_quotes.rules.learned import COLUMNS, Forest

    X, y, names, dense_scale = _design(train_f, vectors)
    print(f"{X.shape[0]} candidates ({y.mean():.3f} positive), {X.shape[1]} features", flush=True)
    best = None
    for C in (float(v) for v in grid.split(",")):
        linear = _linear(X, y, names, dense_scale, C)
        tune_logits = [_logits(linear, cands) for *_, cands, _ in tune_f]
        f1, threshold, rule_threshold, summary = _thresholds(tune_f, tune_logits)
        print(f"linear C={C}: even-half overlap F1 {f1:.3f} ({_figures(summary)})", flush=True)
        if best is None or f1 > best[0]:
            best = (f1, C, threshold, rule_threshold, linear)
    assert best is not None
    f1, C, threshold, rule_threshold, linear = best
    # the lemmas whose candidates pass the threshold at least MIN_PASSES times on train: the only ones tried
    # at run time (the trees are trained on the candidates of those lemmas only, as they will see them)
    raw_threshold = _logit(threshold)
    passes: Counter[str] = Counter(
        c.features[1].removeprefix("lemma=")
        for *_, cands, _ in train_f
        for c, value in zip(cands, _logits(linear, cands))
        if c.features[0] == "extra" and value >= raw_threshold
    )
    active = sorted(lemma for lemma, n in passes.items() if n >= MIN_PASSES)
    print(f"{len(active)} of {len(rates)} cue lemmas pass the threshold {MIN_PASSES}+ times on train", flush=True)
    artefact: dict = {
        "format": 2,
        "description": "PressLens learned quote attribution: parse candidates scored by a logistic model"
        + (" and gradient-boosted trees" if trees else "")
        + " (MODEL_CARD.md)",
        "seed": SEED,
        "C": C,
        "bias": round(linear["bias"], 5),
        "cue_lemmas": rates,
        "active_lemmas": active,
        "dense": [round(float(v), 6) for v in linear["dense"]] if linear["dense"] is not None else [],
        "weights": {k: round(v, 5) for k, v in sorted(linear["weights"].items())},
    }
    if not trees:
        flags = _kept(tune_f, [_logits(linear, cands) for *_, cands, _ in tune_f], threshold, rule_threshold)
        return artefact | _calibration(f1, threshold, rule_threshold, flags)
    keep = frozenset(active)
    train_a = [_restrict(article, keep) for article in train_f]
    tune_a = [_restrict(article, keep) for article in tune_f]
    oof = _out_of_fold(train_a, C, vectors)
    forest_model = _forest(train_a, oof)
    tune_logits = [_logits(linear, cands) for *_, cands, _ in tune_a]
    tune_raw = [_forest_raw(forest_model, cands, logits) for (*_, cands, _), logits in zip(tune_a, tune_logits)]
    f1, threshold, rule_threshold, summary = _thresholds(tune_a, tune_raw)
    print(f"trees: even-half overlap F1 {f1:.3f} ({_figures(summary)})", flush=True)
    flags = _kept(tune_a, tune_raw, threshold, rule_threshold)
    return (
        artefact
        | _calibration(f1, threshold, rule_threshold, flags)
        | {"forest": Forest.from_sklearn(forest_model, COLUMNS).to_json(), "floor": FLOOR}
    )


def _design(featured, vectors: bool):
    """The sparse design matrix of the string features (and the standardised token vectors with ``vectors``)."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction import DictVectorizer

    from toolkit_quotes.rules.learned import DENSE_WIDTH

    rows = [dict.fromkeys(c.features, 1) for *_, cands, _ in featured for c in cands]
    y = np.array([label for *_, labels in featured for label in labels])
    vectoriser = DictVectorizer()
    X = vectoriser.fit_transform(rows).tocsr()
    dense_scale = None
    if vectors:
        width = 3 * DENSE_WIDTH
        dense_rows = np.stack(
            [
                c.vector if c.vector is not None else np.zeros(width, np.float32)
                for *_, cands, _ in featured
                for c in cands
            ]
        )
        centre, scale = dense_rows.mean(axis=0), dense_rows.std(axis=0) + 1e-6
        X = hstack([X, csr_matrix((dense_rows - centre) / scale)]).tocsr()
        dense_scale = (centre, scale)
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)  # liblinear takes 32-bit indices
    return X, y, vectoriser.get_feature_names_out(), dense_scale


def _linear(X, y, names, dense_scale, C: float) -> dict:
    """A fitted linear part as plain weights (the token vectors' scaling folded in)."""
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=C, max_iter=2000, solver="liblinear", random_state=SEED).fit(X, y)
    coef = fitted.coef_[0]
    weights = {str(n): float(w) for n, w in zip(names, coef[: len(names)]) if abs(w) >= 1e-4}
    bias = float(fitted.intercept_[0])
    dense = None
    if dense_scale is not None:
        centre, scale = dense_scale
        # w·(v - centre)/scale = (w/scale)·v - (w/scale)·centre: plain weights on the raw vector
        dense = (coef[len(names) :] / scale).astype("float32")
        bias -= float(dense @ centre)
    return {"weights": weights, "bias": bias, "dense": dense}


def _logits(linear: dict, cands):
    import numpy as np

    weights, bias, dense = linear["weights"], linear["bias"], linear["dense"]
    values = []
    for c in cands:
        value = bias + sum(weights.get(f, 0.0) for f in c.features)
        if dense is not None and c.vector is not None:
            value += float(c.vector @ dense)
        values.append(value)
    return np.asarray(values, dtype=np.float64)


def _restrict(article, keep: frozenset[str]):
    """The article's candidates as the run time proposes them: rule quotes and the active lemmas' cuts."""
    text, gold, doc, cands, labels = article
    pairs = [
        (c, label)
        for c, label in zip(cands, labels)
        if c.features[0] != "extra" or c.features[1].removeprefix("lemma=") in keep
    ]
    return text, gold, doc, [c for c, _ in pairs], [label for _, label in pairs]


FOLDS = 5


def _out_of_fold(featured, C: float, vectors: bool):
    """Per article, the logits of a linear part fitted on the other folds (articles by position mod ``FOLDS``)."""
    out = [None] * len(featured)
    for fold in range(FOLDS):
        inside = [a for k, a in enumerate(featured) if k % FOLDS != fold]
        X, y, names, dense_scale = _design(inside, vectors)
        linear = _linear(X, y, names, dense_scale, C)
        for k in range(fold, len(featured), FOLDS):
            out[k] = _logits(linear, featured[k][3])
        print(f"out-of-fold linear part {fold + 1}/{FOLDS}", flush=True)
    return out


TREES = {
    "max_iter": 300,
    "learning_rate": 0.05,
    "max_leaf_nodes": 31,
    "max_depth": 8,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}


# new cues' cuts with a linear logit below this are left out of the trees, in training and at run time: on
# train (out-of-fold) that is a third of the candidates and 2 % of the positives, nearly none of which the trees
# would have kept; it saves a third of their cost
FLOOR = -4.0


def _forest(featured, logits):
    """Gradient-boosted trees on :func:`~toolkit_quotes.rules.learned.context` of each article's candidates."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from toolkit_quotes.rules.learned import context, worth_scoring

    X = np.vstack(
        [
            context(cands, values)[worth_scoring(cands, values, FLOOR)]
            for (*_, cands, _), values in zip(featured, logits)
        ]
    )
    y = np.concatenate(
        [
            np.asarray(labels)[worth_scoring(cands, values, FLOOR)]
            for (*_, cands, labels), values in zip(featured, logits)
        ]
    )
    fitted = HistGradientBoostingClassifier(early_stopping=False, random_state=SEED, **TREES).fit(X, y)
    print(f"trees: {len(fitted._predictors)} on {X.shape[0]} candidates, {X.shape[1]} columns", flush=True)
    return fitted


def _forest_raw(fitted, cands, logits):
    """The trees' raw score of each candidate (-40, never kept, for those below the floor)."""
    import numpy as np

    from toolkit_quotes.rules.learned import context, worth_scoring

    raw = np.full(len(cands), -40.0)
    scored = worth_scoring(cands, logits, FLOOR)
    if scored.any():
        raw[scored] = fitted.decision_function(context(cands, logits)[scored])
    return raw


def _thresholds(featured, raw_by_article):
    """The (extra, rule) thresholds on the raw score that give the best even-half overlap F1."""
    best = None
    for rule_threshold in RULE_THRESHOLDS:
        for threshold in THRESHOLDS:
            scored = [
                list(zip(cands, [_sigmoid(v) for v in raw])) for (*_, cands, _), raw in zip(featured, raw_by_article)
            ]
            summary, _ = evaluate(featured, scored, threshold, rule_threshold)
            if best is None or summary["overlap_f1"] > best[0]:
                best = (summary["overlap_f1"], threshold, rule_threshold, summary)
    assert best is not None
    return best


def _kept(featured, raw_by_article, threshold, rule_threshold):
    scored = [list(zip(cands, [_sigmoid(v) for v in raw])) for (*_, cands, _), raw in zip(featured, raw_by_article)]
    return evaluate(featured, scored, threshold, rule_threshold)[1]


def _calibration(f1, threshold, rule_threshold, flags) -> dict:
    """Platt scaling of the raw score on the even half's kept quotes; the thresholds mapped through it."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    raw = np.array([[_logit(p)] for p, _ in flags])
    hit = np.array([m for _, m in flags])
    platt = LogisticRegression(C=1e6, solver="lbfgs").fit(raw, hit)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    calibrated = 1 / (1 + math.exp(-(a * _logit(threshold) + b)))
    calibrated_rule = 1 / (1 + math.exp(-(a * _logit(rule_threshold) + b))) if rule_threshold > 0 else 0.0
    print(
        f"picked threshold {threshold} (calibrated {calibrated:.3f}), rule threshold {rule_threshold} "
        f"(calibrated {calibrated_rule:.3f}), even-half F1 {f1:.3f}",
        flush=True,
    )
    return {
        "even_half_overlap_f1": round(f1, 4),
        "threshold": round(calibrated, 5),
        "rule_threshold": round(calibrated_rule, 5),
        "platt": [round(a, 5), round(b, 5)],
    }


def _figures(summary) -> str:
    return (
        f"P {summary['overlap_precision']:.3f} R {summary['overlap_recall']:.3f} "
        f"indirect {summary['recall_indirect']:.3f} direct {summary['recall_direct']:.3f}"
    )


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def _model(artefact: dict):
    """The artefact as the plugin loads it (through JSON, so training scores what inference will)."""
    import tempfile

    from toolkit_quotes.rules.learned import load_model

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "weights.json"
        path.write_text(json.dumps(artefact), "utf-8")
        return load_model.__wrapped__(path)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(-40.0, min(40.0, x))))


def speaker_calibration(tune, model):
    """(raw speaker confidence up to, observed share of right speakers) on the even half's matched quotes."""
    from toolkit_quotes.rules.learned import refine
    from toolkit_quotes.rules.scoring import Tally, jaccard, quote_predictions, score, words

    pairs = []
    for _, text, gold, doc in tune:
        quotes = refine(doc, rule_quotes(doc), model)
        predictions = quote_predictions(quotes)
        matches = score(text, gold, predictions, Tally())
        for j, i in matches.items():
            if gold[i].source and quotes[j].speaker_start is not None:
                right = jaccard(words(text, gold[i].source), words(text, predictions[j][1])) >= 0.5
                pairs.append((quotes[j].speaker_confidence, int(right)))
    bins = []
    lower = -1.0
    for upto in (0.0, 0.5, 0.7, 0.85, 0.9, 0.95, 1.0):
        inside = [r for c, r in pairs if lower < c <= upto]
        lower = upto
        if inside:
            bins.append((upto, round(sum(inside) / len(inside), 4)))
    return bins


if __name__ == "__main__":
    sys.exit(main())
