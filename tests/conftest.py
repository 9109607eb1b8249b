"""Shared fixtures: isolated plugin registry, standard plugins that must load, paths to ../shared data.

A test of a standard plugin (``tests/toolkit_<plugin>/``) fails, never skips, when
that plugin is not installed or does not load: a broken plugin must not go
unnoticed. Tests that read ../shared (not shipped with the repository) skip when
it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE_NEWS = SHARED / "data" / "sample-news"
BUNDLED_SAMPLE = REPO / "toolkit" / "data" / "sample"


# test folder -> the standard plugin it tests (folder names are the plugins' import names)
STANDARD_PLUGINS = {
    "toolkit_entities": "entities",
    "toolkit_quotes": "quotes",
    "toolkit_timeline": "timeline",
    "toolkit_claims": "claims",
}


def standard_plugin_problem(name: str) -> str | None:
    """Why the standard plugin ``name`` is not usable (None when it loaded)."""
    from toolkit.registry import registry

    if name in registry.names():
        return None
    if name in registry.load_errors:
        return f"the standard plugin {name!r} failed to load: {registry.load_errors[name]}"
    return (
        f"the standard plugin {name!r} is not installed (no 'presslens.plugins' entry point named {name!r}); "
        "run `make setup` (pip install -e '.[dev,eval,lab,dask,sql]')"
    )


@pytest.fixture(autouse=True)
def _standard_plugin_loads(request):
    """Fail (not skip) every test of a standard plugin whose plugin does not load."""
    folder = Path(str(request.node.path)).parent.name
    name = STANDARD_PLUGINS.get(folder)
    if name is not None and (problem := standard_plugin_problem(name)) is not None:
        pytest.fail(problem)


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
