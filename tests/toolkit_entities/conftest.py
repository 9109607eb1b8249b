"""Fixtures for the entities plugin: the model once per session, hand-built corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SAMPLE_NEWS = SHARED / "data" / "sample-news"


@pytest.fixture(scope="session")
def nlp():
    import toolkit_entities.component  # noqa: F401  registers the factory even without entry points
    from toolkit.nlp import load_model

    nlp = load_model()
    nlp.add_pipe("presslens_entities")
    return nlp


@pytest.fixture(scope="session")
def real_corpus(tmp_path_factory):
    """The real articles through the whole pipeline (skipped when ../shared is absent)."""
    if not SAMPLE_NEWS.is_dir():
        pytest.skip(f"the real articles are not here ({SAMPLE_NEWS}); they live in ../shared beside the repository")
    import toolkit
    import toolkit_entities.component  # noqa: F401

    out = tmp_path_factory.mktemp("sample-run")
    return toolkit.analyze(
        [str(SAMPLE_NEWS)], metadata=str(SAMPLE_NEWS / "metadata.csv"), plugins=["entities"], out=out, quiet=True
    )
