"""The stories plugin follows the plugin skeleton and its import boundaries."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import toolkit_stories

from toolkit.sdk import word_list

PACKAGE = Path(toolkit_stories.__file__).resolve().parent
ALLOWED_TOOLKIT = {"toolkit", "toolkit.sdk", "toolkit.html"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_skeleton_files_are_there():
    for name in ("__init__.py", "component.py", "step.py", "views.py"):
        assert (PACKAGE / name).is_file(), f"toolkit_stories/{name} is missing"
    assert (PACKAGE / "rules" / "__init__.py").is_file()
    lists = sorted(p.stem for p in (PACKAGE / "lexicon").glob("*.txt"))
    assert lists, "the word lists live in toolkit_stories/lexicon/*.txt"
    for name in lists:
        assert word_list(name, package="toolkit_stories"), f"lexicon/{name}.txt has no entries"


def test_init_declares_the_plugin_and_nothing_else():
    tree = ast.parse((PACKAGE / "__init__.py").read_text("utf-8"))
    body = tree.body
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), "a docstring first"
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    imports = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [(n.module, sorted(a.name for a in n.names)) for n in imports] == [
        ("toolkit.sdk", ["Plugin", "ReportSection", "lazy"])
    ]
    assigned = [t.id for n in body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert assigned == ["__all__", "__version__", "plugin"]


def test_every_callable_is_a_lazy_target_in_this_package():
    plugin = toolkit_stories.plugin
    callables = {
        "extract": plugin.extract,
        "corpus_step": plugin.corpus_step,
        **{f"view {k}": v for k, v in plugin.views.items()},
        **{f"renderer {k}": v for k, v in plugin.renderers.items()},
    }
    for role, function in callables.items():
        target = (function.__doc__ or "").split(",")[0]
        module, _, name = target.partition(":")
        assert module.startswith("toolkit_stories."), f"{role} is not a lazy('toolkit_stories.<module>:<name>') target"
        assert callable(getattr(importlib.import_module(module), name)), f"{role}: {target} does not resolve"


def test_importing_the_plugin_loads_neither_spacy_nor_the_step():
    code = (
        "import sys, toolkit_stories; "
        "print(sorted(m for m in ('spacy', 'toolkit_stories.step', 'altair', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": ":".join(sys.path)},
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_stay_inside_the_boundaries(path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top == "toolkit":
                assert name in ALLOWED_TOOLKIT, f"{path.name} imports {name}: plugins use toolkit.sdk"
            assert not (top.startswith("toolkit_") and top != "toolkit_stories"), f"{path.name} imports plugin {name}"
