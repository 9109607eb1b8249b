"""The architecture's boundaries, read from the source: who may import whom.

- the core (``toolkit/``) imports no plugin: plugins are found through the
  ``presslens.plugins`` entry point and declare what the core composes;
- a plugin imports no other plugin: plugins meet in the tables and the public API;
- a plugin imports from the core only ``toolkit`` (its public names),
  ``toolkit.sdk`` (the plugin author's surface) and ``toolkit.html`` (escaped HTML).

Imports are read with :mod:`ast`, so every import counts: at module level, inside
functions, under ``if TYPE_CHECKING:``, and the dotted strings given to
``importlib.import_module``, ``__import__`` and ``lazy``. Nothing is imported
to check it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = REPO / "toolkit"
ALLOWED_CORE_MODULES = ("toolkit.sdk", "toolkit.html")
INSTEAD = (
    "use `toolkit.sdk` (ids, tables, doc_text, step context, word lists, view helpers, memory), "
    "`toolkit.html` or a public `toolkit` name"
)


def _literal_all(path: Path) -> set[str]:
    """A module's ``__all__``, read from the source (a list of string literals)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{path} has no literal __all__: its public names cannot be read")


def _plugin_packages() -> dict[str, Path]:
    """Import name -> folder, for the standard plugins and the example ones under ``examples/``."""
    packages = {p.name: p for p in sorted((REPO / "plugins").iterdir()) if (p / "__init__.py").is_file()}
    for dist in sorted((REPO / "examples").glob("*/pyproject.toml")):
        for package in sorted(dist.parent.iterdir()):
            if (package / "__init__.py").is_file() and package.name != "tests":
                packages[package.name] = package
    return packages


PLUGINS = _plugin_packages()


PUBLIC = _literal_all(CORE / "__init__.py")
SDK = _literal_all(CORE / "sdk.py")
CORE_MODULES = {p.stem for p in CORE.glob("*.py") if p.stem != "__init__"} | {
    p.name for p in CORE.iterdir() if (p / "__init__.py").is_file()
}


@dataclass(frozen=True)
class Import:
    """One import as written: the module it names (absolute), the names taken from it, where."""

    module: str
    names: tuple[str, ...]
    line: int
    source: str


def _package_of(path: Path) -> str:
    """The dotted package a file belongs to, from the folders holding an ``__init__.py``."""
    parts: list[str] = []
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def imports_of(source: str, *, package: str) -> list[Import]:
    """Every import in ``source`` (a module of ``package``), relative ones made absolute.

    >>> [(i.module, i.names) for i in imports_of("from . import views\\nimport os.path", package="toolkit")]
    [('toolkit', ('views',)), ('os.path', ())]
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno, f"import {alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, module] if module else base)
            names = tuple(alias.name for alias in node.names)
            found.append(
                Import(
                    module, names, node.lineno, f"from {'.' * node.level}{node.module or ''} import {', '.join(names)}"
                )
            )
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            target = node.args[0].value
            if called in ("import_module", "__import__", "lazy") and isinstance(target, str):
                module = target.partition(":")[0]
                found.append(Import(module, (), node.lineno, f"{called}({target!r})"))
    return found


def _instead(names: tuple[str, ...]) -> str:
    """What to write instead: the same names from ``toolkit.sdk`` when it has them all."""
    if names and all(name in SDK for name in names):
        return f"write `from toolkit.sdk import {', '.join(names)}` instead"
    if names and all(name in PUBLIC for name in names):
        return f"write `from toolkit import {', '.join(names)}` instead"
    return INSTEAD


def problems_in(source: str, *, package: str, where: str) -> list[str]:
    """What in ``source`` crosses a boundary, one message per import (empty when nothing does)."""
    top = package.split(".")[0]
    found = []
    for imp in imports_of(source, package=package):
        first = imp.module.split(".")[0]
        at = f"{where}:{imp.line}: `{imp.source}`"
        if top == "toolkit":
            if first in PLUGINS:
                found.append(
                    f"{at} imports the plugin {first!r}: the core knows no plugin by name. Read what the "
                    "plugin declares in its registry entry (toolkit.registry: Plugin fields) instead."
                )
            continue
        if first in PLUGINS and first != top:
            found.append(
                f"{at} imports the plugin {first!r} from the plugin {top!r}: plugins meet only in the "
                "tables and the public API. Read the other plugin's table (declare it in "
                "Plugin(requires=/uses=)) or what its component assigns on the Doc."
            )
        if first != "toolkit":
            continue
        modules = [imp.module] if imp.module != "toolkit" else [f"toolkit.{name}" for name in imp.names]
        for module in modules:
            name = module.split(".")[1] if "." in module else ""
            if module in ALLOWED_CORE_MODULES or module.startswith(tuple(m + "." for m in ALLOWED_CORE_MODULES)):
                continue
            if imp.module == "toolkit" and name in PUBLIC and name not in CORE_MODULES:
                continue
            if name.startswith("_"):
                found.append(f"{at} reaches the private core module or name `{module}`; {_instead(imp.names)}.")
            elif name in CORE_MODULES:
                found.append(
                    f"{at} imports the core module `{module}`, which is not part of the plugin author's "
                    f"surface; {_instead(imp.names)}."
                )
            elif imp.module == "toolkit" and name:
                found.append(f"{at} takes `{name}`, which is not a public toolkit name (toolkit.__all__); {INSTEAD}.")
    return found


def _sources() -> list[tuple[str, Path]]:
    files = sorted(CORE.rglob("*.py"))
    for folder in PLUGINS.values():
        files += sorted(folder.rglob("*.py"))
    return [(p.relative_to(REPO).as_posix(), p) for p in files if "__pycache__" not in p.parts]


SOURCES = _sources()


def test_every_part_is_read():
    paths = [rel for rel, _ in SOURCES]
    assert any(p.startswith("toolkit/") for p in paths)
    assert {"toolkit_entities", "toolkit_quotes", "toolkit_timeline", "toolkit_claims"} <= set(PLUGINS)
    assert all(
        any(p.startswith(f"{folder.relative_to(REPO).as_posix()}/") for p in paths) for folder in PLUGINS.values()
    )


@pytest.mark.parametrize("rel, path", SOURCES, ids=[rel for rel, _ in SOURCES])
def test_imports_stay_inside_the_boundaries(rel: str, path: Path):
    problems = problems_in(path.read_text(encoding="utf-8"), package=_package_of(path), where=rel)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# the checker itself, on hand-written modules (so a pass above means something)
CASES = [
    # (package the module is in, source, a phrase the message must hold, or None when allowed)
    ("toolkit", "import toolkit_quotes", "the core knows no plugin"),
    ("toolkit", "def f():\n    from toolkit_claims.step import x", "the core knows no plugin"),
    ("toolkit", "import importlib\nimportlib.import_module('toolkit_timeline.views')", "the core knows no plugin"),
    ("toolkit", "from ._columns import values", None),
    ("toolkit_claims", "from toolkit_quotes.extract import quote_id", "plugins meet only in the tables"),
    (
        "toolkit_claims",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from toolkit._columns import values",
        "private core module",
    ),
    ("toolkit_claims", "from toolkit import _memory", "private core module"),
    ("toolkit_claims", "from toolkit.views import Selection", "write `from toolkit.sdk import Selection` instead"),
    ("toolkit_claims", "import toolkit.registry", "not part of the plugin author's surface"),
    ("toolkit_claims", "from toolkit.pipeline import Corpus", "write `from toolkit import Corpus` instead"),
    ("toolkit_claims", "from toolkit import views", "not part of the plugin author's surface"),
    ("toolkit_claims", "from toolkit import not_a_name", "not a public toolkit name"),
    ("toolkit_claims.rules", "from ...toolkit_quotes import x", "plugins meet only in the tables"),
    ("toolkit_claims", "from toolkit.sdk import Plugin, lazy\nx = lazy('toolkit_claims.step:claims_step')", None),
    ("toolkit_claims", "from toolkit.html import escape", None),
    ("toolkit_claims", "from toolkit import Corpus, html, sdk", None),
    ("toolkit_claims", "import toolkit", None),
    ("toolkit_claims.rules", "from ..lexicon import x\nfrom . import stance", None),
    ("toolkit_claims", "x = lazy('toolkit_quotes.views:quote_view')", "plugins meet only in the tables"),
]


@pytest.mark.parametrize(
    "package, source, phrase", CASES, ids=[f"{p}: {s.splitlines()[-1].strip()}" for p, s, _ in CASES]
)
def test_the_checker_flags_what_crosses_a_boundary(package: str, source: str, phrase: str | None):
    problems = problems_in(source, package=package, where="example.py")
    if phrase is None:
        assert problems == []
    else:
        assert len(problems) == 1 and phrase in problems[0], problems
        assert problems[0].startswith("example.py:"), "the message names the file and line"
