from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def nlp():
    """The default pipeline with the quotes component, rules only (loaded once per test module).

    These tests pin what the rules find; the learned model on top of them (the default) is tested in
    test_learned.py and measured by benchmarks/eval_quotes.py.
    """
    import toolkit_quotes.component  # noqa: F401  registers the factory
    from toolkit.nlp import load_model

    pipeline = load_model()
    pipeline.add_pipe("presslens_quotes", config={"model": "rules-only"})
    return pipeline
