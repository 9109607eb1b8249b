"""The offline classroom install: `make wheelhouse`, then `pip install --no-index` on a laptop (issue #21).

The wheelhouse is built once into ~/.cache/presslens/wheelhouse-pyX.Y (``$PRESSLENS_WHEEL_CACHE``;
outside the checkout because CI clones afresh) and reused: `make` downloads the dependencies
again only when a pyproject.toml changes, and rebuilds the two project wheels from this
checkout every time. The install then sees no index and no pip configuration, only
that folder, as a laptop with no network would.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))  # helpers, as the other tests do
from installs import Stopwatch, clean_env, ensure_wheelhouse, make_venv, offline_pip_env, run

pytestmark = pytest.mark.slow


def test_wheelhouse_installs_with_no_index_and_runs_the_demo(tmp_path: Path) -> None:
    clock = Stopwatch()
    wheelhouse = ensure_wheelhouse()
    clock.lap("make wheelhouse")
    names = [w.name.lower() for w in wheelhouse.glob("*.whl")]
    for wanted in ("presslens-", "presslens_amounts-", "en_core_web_sm", "spacy-", "jupyterlab-", "duckdb-"):
        assert any(n.startswith(wanted) for n in names), f"no {wanted}* wheel in {wheelhouse}"

    venv = make_venv(tmp_path / "laptop")
    venv.pip(
        "install",
        "--quiet",
        "--no-compile",  # bytecode is written on first import anyway; compiling every file here costs minutes
        "--no-index",
        "--find-links",
        wheelhouse,
        "presslens[lab]",
        "presslens-amounts",
        env=offline_pip_env(),
    )
    clock.lap("offline install")
    for module in ("jupyterlab", "ipywidgets", "anywidget", "papermill", "duckdb", "presslens_amounts"):
        assert venv.has(module), f"{module} is missing after installing presslens[lab] from the wheelhouse"
    kernels = run([venv.bin("jupyter"), "kernelspec", "list"], cwd=tmp_path)
    assert str(venv.root) in kernels and "python3" in kernels, kernels

    # the demo, as `make demo` runs it, from a folder outside the checkout
    sample = Path(
        run([venv.python, "-c", "import toolkit.samples as s; print(s.BUNDLED_SAMPLE)"], cwd=tmp_path).strip()
    )
    assert venv.root in sample.parents
    out = tmp_path / "demo-out"
    meta = ["--metadata", sample / "metadata.csv"]
    run([venv.bin("presslens"), "analyze", sample, *meta, "--out", out, "--quiet"], cwd=tmp_path, env=clean_env())
    run(
        [venv.bin("presslens"), "report", sample, *meta, "--out", out / "report.html", "--title", "Class"],
        cwd=tmp_path,
        env=clean_env(),
    )
    clock.lap("demo")
    assert (out / "amounts.parquet").is_file()  # the example plugin was found and ran
    page = (out / "report.html").read_text("utf-8")
    assert "<svg" in page and "<h3>Manifest</h3>" in page
    print(f"\nwheelhouse test: {clock}; wheelhouse {len(names)} wheels")
