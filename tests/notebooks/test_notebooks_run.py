"""Every notebook runs top to bottom in a real kernel, so none of them can rot."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").rglob("*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
# the report template is package data now (issue #21), so it lives inside the package
NOTEBOOKS.append(REPO / "toolkit" / "templates" / "report.ipynb")


def _name(path: Path) -> str:
    return path.relative_to(REPO / "notebooks").as_posix() if path.is_relative_to(REPO / "notebooks") else path.name

pytestmark = pytest.mark.slow


def _texts(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            for value in output.get("data", {}).values():
                parts.append(str(value))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def kernel_env() -> dict[str, str]:
    from toolkit.samples import sample_corpus

    if not sample_corpus(required=False).exists:
        pytest.skip("the bundled sample corpus (toolkit/data/sample/) is missing; the notebooks read it")
    # the kernel must import THIS checkout's toolkit, whatever is installed
    paths = [str(REPO), str(REPO / "plugins"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {"PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def test_every_notebook_is_found() -> None:
    names = {_name(p) for p in NOTEBOOKS}
    assert {"01-tour.ipynb", "02-write-a-plugin.ipynb", "report.ipynb"} <= names
    assert len([n for n in names if n.startswith("exercises/")]) >= 3


def test_committed_notebooks_carry_no_outputs() -> None:
    """Outputs are made by running, not stored: they would go stale and bloat the repository."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[_name(p) for p in NOTEBOOKS])
def test_notebook_runs(path: Path, kernel_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    for key, value in kernel_env.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    text = _texts(nb)
    assert "Traceback" not in text
    if path.parent.name == "exercises" and "annotate" not in path.name:
        # the self-check ran and said something about the (empty) answer
        assert "Your answer and the toolkit" in text or "cannot check" in text
    if path.name == "01-who-is-quoted.ipynb":  # Run All once printed the whole answer table
        assert "nothing to compare yet" in text and "the toolkit also lists" not in text and "n_quotes" not in text
    if path.name == "01-tour.ipynb":
        assert "application/vnd.jupyter.widget-view+json" in text or "VBox" in text
    if path.name == "02-write-a-plugin.ipynb":
        assert "amounts in the corpus" in text
