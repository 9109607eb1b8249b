"""Every plugin folder has one layout, so any of them can be copied as a template.

The skeleton (``plugins/toolkit_*`` and the example packages under ``examples/``)::

    __init__.py   a docstring, ``from toolkit.sdk import Plugin, lazy``, ``__all__``, ``__version__``
                  and ``plugin = Plugin(...)`` whose callables are ``lazy("package.module:name")`` targets
    component.py  per-article work: the spaCy component and/or ``extract``
    step.py       the corpus-level step
    views.py      views and static renderers
    lexicon/      word lists as data files (``.txt`` for ``toolkit.sdk.word_list``, ``.json`` for ``lexicon``)
    rules/        optional: the rules as a package, one concern per module

Read with :mod:`ast` and the file system; nothing is imported to check it.
"""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MODULES = ("component.py", "step.py", "views.py")
INIT_NAMES = {"__all__", "__version__", "plugin"}  # the only names an __init__ may bind
CALLABLE_FIELDS = ("extract", "corpus_step")  # Plugin fields that take one callable
CALLABLE_MAPPINGS = ("views", "renderers")  # Plugin fields that take {name: callable}
LEXICON_SUFFIXES = {".txt", ".json"}


def _packages() -> list[tuple[Path, Path]]:
    """(plugin package folder, the pyproject.toml of the distribution that ships it)."""
    found = [
        (p, REPO / "pyproject.toml")
        for p in sorted((REPO / "plugins").iterdir())
        if p.is_dir() and not p.name.startswith((".", "_"))
    ]
    for dist in sorted((REPO / "examples").glob("*/pyproject.toml")):
        found += [
            (p, dist) for p in sorted(dist.parent.iterdir()) if (p / "__init__.py").is_file() and p.name != "tests"
        ]
    return found


PACKAGES = _packages()
IDS = [package.relative_to(REPO).as_posix() for package, _ in PACKAGES]


def _init(package: Path) -> ast.Module:
    return ast.parse((package / "__init__.py").read_text(encoding="utf-8"))


def _plugin_call(tree: ast.Module) -> ast.Call | None:
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "plugin" for t in node.targets)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == "Plugin"
        ):
            return node.value
    return None


def _is_lazy(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "lazy"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _top_level_names(module: Path) -> set[str]:
    """Names a module defines or imports at top level (what ``lazy`` may point at)."""
    names: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def _entry_points(pyproject: Path, group: str) -> dict[str, str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return dict(project.get("entry-points", {}).get(group, {}))


@pytest.fixture(params=PACKAGES, ids=IDS)
def package(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    return request.param


def test_every_plugin_and_the_example_are_checked():
    names = {p.name for p, _ in PACKAGES}
    assert {"toolkit_entities", "toolkit_quotes", "toolkit_timeline", "toolkit_claims"} <= names
    assert any(p.is_relative_to(REPO / "examples") for p, _ in PACKAGES), "no example plugin package under examples/"


def test_the_skeleton_files_are_there(package):
    folder, _ = package
    missing = [name for name in ("__init__.py", *MODULES) if not (folder / name).is_file()]
    if not (folder / "lexicon").is_dir():
        missing.append("lexicon/")
    assert not missing, (
        f"{folder.relative_to(REPO)} lacks {', '.join(missing)}: every plugin has __init__.py "
        f"(the spec), component.py, step.py, views.py and lexicon/ (word lists as data files)"
    )


def test_no_module_outside_the_skeleton(package):
    """Code lives in the skeleton's modules or in ``rules/``; a grab-bag module beside them has no place."""
    folder, _ = package
    extra = sorted(p.name for p in folder.glob("*.py") if p.name not in ("__init__.py", *MODULES))
    extra += sorted(
        f"{p.name}/" for p in folder.iterdir() if p.is_dir() and p.name not in ("lexicon", "rules", "__pycache__")
    )
    assert not extra, (
        f"{folder.relative_to(REPO)} has {', '.join(extra)} outside the skeleton: move the code into "
        "component.py / step.py / views.py, or into the rules/ package (one concern per module)"
    )


def test_rules_is_a_package_when_present(package):
    folder, _ = package
    rules = folder / "rules"
    if rules.exists():  # optional part of the skeleton; when there, it must be importable as a package
        assert (rules / "__init__.py").is_file(), f"{rules.relative_to(REPO)} has no __init__.py"


def test_the_lexicon_holds_only_word_list_files(package):
    folder, _ = package
    lexicon = folder / "lexicon"
    if not lexicon.is_dir():
        pytest.fail(f"{folder.relative_to(REPO)} has no lexicon/ folder (see test_the_skeleton_files_are_there)")
    files = [p for p in lexicon.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    wrong = sorted(p.relative_to(folder).as_posix() for p in files if p.suffix not in LEXICON_SUFFIXES)
    assert not wrong, f"{folder.relative_to(REPO)}: lexicon/ holds {wrong}; word lists are .txt or .json data files"
    for path in files:
        text = path.read_text(encoding="utf-8")  # raises on a file that is not UTF-8
        if path.suffix == ".json":
            json.loads(text)


def test_init_only_declares(package):
    folder, _ = package
    tree = _init(folder)
    where = f"{folder.relative_to(REPO)}/__init__.py"
    assert ast.get_docstring(tree), f"{where} has no docstring: say what the plugin does and which tables it fills"
    problems = []
    for node in tree.body[1:]:
        line = f"{where}:{node.lineno}"
        if isinstance(node, ast.ImportFrom) and node.module in ("__future__", "toolkit.sdk") and not node.level:
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            problems.append(
                f"{line}: `{ast.unparse(node)}`: an __init__ imports only from toolkit.sdk (and "
                "__future__); point at your modules with lazy('package.module:name')"
            )
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id in INIT_NAMES for t in node.targets):
            continue
        else:
            problems.append(
                f"{line}: `{ast.unparse(node).splitlines()[0]}`: an __init__ binds only __all__, "
                "__version__ and plugin = Plugin(...)"
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            name = getattr(node, "name", "lambda")
            problems.append(
                f"{where}:{node.lineno}: defines {name!r}; code goes in component.py, step.py or "
                "views.py, named in the spec with lazy('package.module:name')"
            )
    assert _plugin_call(tree) is not None, f"{where} has no `plugin = Plugin(...)`"
    assert not problems, "\n".join(problems)


def test_every_callable_is_a_lazy_target_in_the_package(package):
    folder, _ = package
    tree = _init(folder)
    where = f"{folder.relative_to(REPO)}/__init__.py"
    call = _plugin_call(tree)
    assert call is not None, f"{where} has no `plugin = Plugin(...)`"
    fields = {kw.arg: kw.value for kw in call.keywords}
    problems = []
    for field in CALLABLE_FIELDS:
        value = fields.get(field)
        if value is not None and not _is_lazy(value) and not (isinstance(value, ast.Constant) and value.value is None):
            problems.append(
                f"{where}:{value.lineno}: Plugin({field}=...) is `{ast.unparse(value)}`, "
                f"not lazy('{folder.name}.module:name')"
            )
    for field in CALLABLE_MAPPINGS:
        value = fields.get(field)
        if value is None:
            continue
        if not isinstance(value, ast.Dict):
            problems.append(f"{where}:{value.lineno}: Plugin({field}=...) is not a {{name: lazy(...)}} literal")
            continue
        problems += [
            f"{where}:{item.lineno}: Plugin({field}=...) holds `{ast.unparse(item)}`, "
            f"not lazy('{folder.name}.module:name')"
            for item in value.values
            if not _is_lazy(item)
        ]
    for node in ast.walk(tree):  # every lazy target, in these fields or any other, must exist
        if not _is_lazy(node):
            continue
        target = node.args[0].value
        module, _, name = target.partition(":")
        parts = module.split(".")
        if parts[0] != folder.name or not name:
            problems.append(
                f"{where}:{node.lineno}: lazy({target!r}) points outside the package {folder.name!r} "
                "(or names no attribute): targets are 'package.module:name' in this package"
            )
            continue
        path = folder.joinpath(*parts[1:])
        source = path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"
        if not source.is_file():
            problems.append(
                f"{where}:{node.lineno}: lazy({target!r}): there is no module {module} ({path.relative_to(REPO)}.py)"
            )
        elif name not in _top_level_names(source):
            problems.append(f"{where}:{node.lineno}: lazy({target!r}): {source.relative_to(REPO)} defines no {name!r}")
    assert not problems, "\n".join(problems)


def test_registered_through_entry_points(package):
    """The plugin is found like a third-party one; its spaCy component (if any) is a spacy_factories entry."""
    folder, pyproject = package
    plugins = _entry_points(pyproject, "presslens.plugins")
    assert f"{folder.name}:plugin" in plugins.values(), (
        f"{pyproject.relative_to(REPO)} has no presslens.plugins entry point '{folder.name}:plugin'"
    )
    call = _plugin_call(_init(folder))
    assert call is not None
    component = next((kw.value for kw in call.keywords if kw.arg == "component"), None)
    if isinstance(component, ast.Constant) and component.value:
        factories = _entry_points(pyproject, "spacy_factories")
        assert component.value in factories, (
            f"Plugin(component={component.value!r}) is no spacy_factories entry point in {pyproject.relative_to(REPO)}"
        )
        assert factories[component.value].startswith(f"{folder.name}.component:"), (
            f"the factory {component.value!r} must live in {folder.name}/component.py, not {factories[component.value]}"
        )
