"""A feature whose optional extra is missing says which pip command brings it (issue #21).

The base install leaves out the widgets and JupyterLab (``lab``), Dask (``dask``) and DuckDB
(``sql``). Each test hides one module as if it were not installed (``sys.modules[name] = None``
makes ``import name`` raise ImportError) and checks the feature fails with the install command.
"""

from __future__ import annotations

import importlib
import sys

import pandas as pd
import pytest

from toolkit import _extras, errors, report, views
from toolkit.cli import main
from toolkit.samples import sample_corpus


def hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def assert_names_extra(exc: BaseException, extra: str, module: str) -> None:
    message = str(exc)
    assert f'pip install "presslens[{extra}]"' in message and module in message, message
    assert isinstance(exc, ImportError)  # old `except ImportError` guards keep working


def test_require_passes_when_present_and_names_the_extra_when_not(monkeypatch):
    _extras.require("sql", feature="SQL", modules=("json",))
    hide(monkeypatch, "duckdb")
    with pytest.raises(errors.MissingExtraError) as caught:
        _extras.require("sql", feature="SQL over the tables")
    assert_names_extra(caught.value, "sql", "duckdb")
    assert str(caught.value).startswith("SQL over the tables needs duckdb")


def test_unknown_extra_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown extra 'gpu'"):
        _extras.missing_extra("gpu", feature="x", module="y")


def test_every_extra_module_is_installed_by_that_extra():
    """EXTRAS and pyproject.toml agree: each module named for an extra is in that extra's requirements."""
    import tomllib
    from pathlib import Path

    optional = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    distribution = {"dask.distributed": "dask[distributed]", "IPython": "ipykernel"}
    for extra, modules in _extras.EXTRAS.items():
        names = " ".join(optional[extra]).lower()
        for module in modules:
            assert distribution.get(module, module).lower() in names, (extra, module)


def test_sql_connect_without_duckdb(monkeypatch, tmp_path):
    hide(monkeypatch, "duckdb")
    from toolkit import sql

    with pytest.raises(errors.MissingExtraError) as caught:
        sql.connect(tmp_path)
    assert_names_extra(caught.value, "sql", "duckdb")


def test_sql_connect_makes_one_view_per_table(tmp_path):
    pytest.importorskip("duckdb")
    from toolkit import sql

    pd.DataFrame({"speaker": ["Ana Ruiz", "Ana Ruiz", "Tom Vel"]}).to_parquet(tmp_path / "quotes.parquet")
    pd.DataFrame({"article_id": ["a1"]}).to_parquet(tmp_path / "articles.parquet")
    (tmp_path / "not a name.parquet").write_bytes(b"")  # left out: its name is no SQL identifier
    db = sql.connect(tmp_path)
    rows = db.sql("select speaker, count(*) as n from quotes group by 1 order by 2 desc").fetchall()
    assert rows == [("Ana Ruiz", 2), ("Tom Vel", 1)]
    assert db.sql("select count(*) from articles").fetchall() == [(1,)]
    with pytest.raises(FileNotFoundError, match="No Parquet tables"):
        sql.connect(tmp_path / "empty")


def test_live_view_and_dashboard_without_widgets(monkeypatch):
    hide(monkeypatch, "ipywidgets")
    with pytest.raises(errors.MissingExtraError) as caught:
        views.view(object(), "any")  # the check comes before the corpus is looked at
    assert_names_extra(caught.value, "lab", "ipywidgets")


def test_widget_modules_without_anywidget(monkeypatch):
    hide(monkeypatch, "anywidget")
    for module in ("toolkit._table_widget", "toolkit.annotate"):
        monkeypatch.delitem(sys.modules, module, raising=False)
        with pytest.raises(errors.MissingExtraError) as caught:
            importlib.import_module(module)
        assert_names_extra(caught.value, "lab", "anywidget")


def test_report_template_without_papermill(monkeypatch, tmp_path, capsys):
    """The kernel-free report needs no extra; the notebook template needs `lab`, and says so before analysing."""
    hide(monkeypatch, "papermill")
    sample = sample_corpus()
    args = ["report", str(sample.folder), "--out", str(tmp_path / "r.html")]
    code = main([*args, "--template", str(report.default_template())])
    err = capsys.readouterr().err
    assert code == errors.EXIT_FAILED and 'pip install "presslens[lab]"' in err and "papermill" in err, err
    assert not (tmp_path / "r.html").exists()


def test_dask_engine_without_dask(monkeypatch, tmp_path, capsys):
    hide(monkeypatch, "dask", "dask.distributed", "distributed")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Ministers met in Lake Orvesh on Monday.")
    code = main(["analyze", str(folder), "--out", str(tmp_path / "out"), "--engine", "dask", "--quiet"])
    err = capsys.readouterr().err
    assert code == errors.EXIT_FAILED and 'pip install "presslens[dask]"' in err, err
