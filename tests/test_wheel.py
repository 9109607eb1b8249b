"""The built wheel is the whole product: installed in a fresh venv it analyses and reports (issue #21).

`presslens report` once read its template from beside the package, so only a checkout worked.
These tests build the wheel as a release would, check every run-time file is inside, install it
(no extras) in a new virtual environment and run the commands from a folder outside the checkout.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))  # helpers, as the other tests do
from installs import (
    REPO,
    Stopwatch,
    build_wheel,
    clean_env,
    ensure_wheelhouse,
    make_venv,
    offline_pip_env,
    run,
    wheel_names,
)

pytestmark = pytest.mark.slow

PACKAGE_ROOTS = [REPO / "toolkit", *sorted((REPO / "plugins").glob("toolkit_*"))]


def data_files() -> list[str]:
    """Every file of the packages that is not Python: what the code reads at run time, as wheel paths."""
    found = []
    for root in PACKAGE_ROOTS:
        for path in root.rglob("*"):
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
                found.append(path.relative_to(root.parent).as_posix())
    return sorted(found)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(REPO, tmp_path_factory.mktemp("dist"))


def test_wheel_holds_every_run_time_file(wheel: Path) -> None:
    names = wheel_names(wheel)
    expected = data_files()
    assert "toolkit/templates/report.ipynb" in expected and any("/lexicon/" in n for n in expected)
    assert any(n.startswith("toolkit/data/sample/") and n.endswith(".txt") for n in expected)
    missing = [n for n in expected if n not in names]
    assert not missing, f"not in the wheel (add them to [tool.setuptools.package-data]): {missing}"
    # every plugin and its rules package, and no test or notebook folder
    for root in PACKAGE_ROOTS:
        assert f"{root.name}/__init__.py" in names
    assert not any(n.startswith(("tests/", "notebooks/", "benchmarks/")) for n in names)


def test_every_package_data_pattern_matches_something(wheel: Path) -> None:
    """A pattern that matches nothing is a file moved or renamed without the build noticing."""
    names = wheel_names(wheel)
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, patterns in package_data.items():
        # a dotted key ("toolkit_quotes.rules") names a subpackage: its files sit under its folder path
        prefixes = [package.replace(".", "/") + "/"] if package != "*" else [f"{root.name}/" for root in PACKAGE_ROOTS]
        for pattern in patterns:
            hits = [n for n in names for p in prefixes if fnmatch.fnmatch(n, p + pattern)]
            assert hits, f"package-data {package!r}: {pattern!r} matches no file in the wheel"


def test_installed_wheel_analyses_and_reports_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    clock = Stopwatch()
    venv = make_venv(tmp_path / "venv")
    # the base install, no extras; its dependencies come from the cached wheelhouse (the same pins as PyPI's,
    # without downloading them on every run)
    wheelhouse = ensure_wheelhouse()
    # (--no-compile: bytecode is written on first import anyway; compiling every file here costs minutes)
    venv.pip(
        "install", "--quiet", "--no-compile", "--no-index", "--find-links", wheelhouse, wheel, env=offline_pip_env()
    )
    clock.lap("install")
    # what the base install leaves out (README, "Install")
    for module in ("jupyterlab", "ipywidgets", "anywidget", "papermill", "dask", "duckdb"):
        assert not venv.has(module), f"{module} is in the base install"
    work = tmp_path / "work"
    work.mkdir()
    where = run(
        [
            venv.python,
            "-c",
            "import toolkit.samples as s, toolkit.report as r; print(s.BUNDLED_SAMPLE); print(r.default_template())",
        ],
        cwd=work,
    ).split()
    sample, template = Path(where[0]), Path(where[1])
    assert venv.root in sample.parents and venv.root in template.parents and template.is_file()

    out = work / "out"
    run(
        [venv.bin("presslens"), "analyze", sample, "--metadata", sample / "metadata.csv", "--out", out, "--quiet"],
        cwd=work,
    )
    clock.lap("analyze")
    for table in ("articles", "mentions", "quotes", "timexes", "claims"):
        assert (out / f"{table}.parquet").is_file(), table
    csv = run([venv.bin("presslens"), "export", out, "--table", "quotes", "--format", "csv"], cwd=work)
    assert csv.splitlines()[0].count(",") >= 3 and len(csv.splitlines()) > 5

    run([venv.bin("presslens"), "report", out, "--out", work / "report.html", "--title", "Sample"], cwd=work)
    clock.lap("report")
    page = (work / "report.html").read_text("utf-8")
    assert "<svg" in page and "<h3>Manifest</h3>" in page and "<script" not in page.lower()

    # the Python API, and the notebook template's clear "which extra" error
    api = "import toolkit; c = toolkit.open('out'); print(len(c.articles), *toolkit.plugins()['name'])"
    counted = run([venv.python, "-c", api], cwd=work)
    assert counted.split()[0] == str(len(list(sample.glob("*.txt"))))
    assert {"entities", "quotes", "timeline", "claims", "stories"} <= set(counted.split()[1:])
    done = subprocess.run(
        [venv.bin("presslens"), "report", out, "--out", work / "t.html", "--template", template],
        cwd=work,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and 'pip install "presslens[lab]"' in done.stderr, done.stderr
    print(f"\nwheel test: {clock}; base venv {venv.size_mb():.0f} MB without bytecode")
