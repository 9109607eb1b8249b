"""Shared fixtures: isolated plugin registry, paths to ../shared data (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE_NEWS = SHARED / "data" / "sample-news"
BUNDLED_SAMPLE = REPO / "toolkit" / "data" / "sample"


@pytest.fixture(autouse=True)
def _isolated_registry():
    """Whatever a test registers is gone afterwards (catalogue-style isolation)."""
    from toolkit.registry import registry

    registry._discover()
    saved = dict(registry._plugins)
    yield registry
    registry._plugins.clear()
    registry._plugins.update(saved)


@pytest.fixture(scope="session")
def sample_news() -> Path:
    if not SAMPLE_NEWS.is_dir():
        pytest.skip(f"the real articles are not here ({SAMPLE_NEWS}); they live in ../shared beside the repository")
    return SAMPLE_NEWS


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"../shared/data is absent ({data}); evaluation sets are not shipped with the repository")
    return data
