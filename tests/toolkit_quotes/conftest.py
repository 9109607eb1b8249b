from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def nlp():
    """The default pipeline with the quotes component (loaded once per test module)."""
    import toolkit_quotes.component  # noqa: F401  registers the factory
    from toolkit.nlp import load_model

    pipeline = load_model()
    pipeline.add_pipe("presslens_quotes")
    return pipeline
