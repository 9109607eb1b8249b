"""No code from data: nothing PressLens reads (articles, caches, tables, configuration,
alias files) can make it run code.

The shipped code (toolkit/, plugins/, notebooks/) is parsed and searched for the
ways data turns into code in Python: pickle and its relatives, ``eval``/``exec``,
YAML loaders that construct objects, ``numpy.load(allow_pickle=True)``, shell
commands. Alias files are checked to be read with ``yaml.safe_load`` and
validated with errors that name the field.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHIPPED = [REPO / "toolkit", REPO / "plugins"]

BANNED_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve", "marshal", "joblib"}
BANNED_CALLS = {"eval", "exec", "execfile", "__import__"}
BANNED_ATTRIBUTES = {
    "read_pickle",
    "to_pickle",
    "unsafe_load",
    "full_load",
    "unsafe_load_all",
    "full_load_all",
    "UnsafeLoader",
    "FullLoader",
    "system",
    "popen",
}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
# Reviewed exceptions: (path, what) -> why it is not code from data.
ALLOWED = {
    ("toolkit/engines.py", "import cloudpickle"): (
        "the parent process serialises its own configuration and plugin functions for its own worker "
        "processes (as Dask does); the bytes never touch disk and no input data is unpickled"
    ),
}


def _sources() -> list[tuple[str, str]]:
    found = [
        (str(path.relative_to(REPO)), path.read_text("utf-8"))
        for root in SHIPPED
        for path in sorted(root.rglob("*.py"))
        if "__pycache__" not in path.parts
    ]
    for notebook in sorted((REPO / "notebooks").rglob("*.ipynb")) if (REPO / "notebooks").is_dir() else []:
        cells = json.loads(notebook.read_text("utf-8")).get("cells", [])
        code = "\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells
            if c.get("cell_type") == "code"
        )
        # notebook magics are not Python
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
        found.append((str(notebook.relative_to(REPO)), code))
    return found


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def code_from_data(source: str) -> list[str]:
    """Every construct in ``source`` that could turn data into code, as ``line: what``.

    >>> code_from_data("import yaml\\nyaml.load(text)\\nyaml.safe_load(text)")
    ['2: yaml.load without SafeLoader']
    >>> code_from_data("yaml.load(text, Loader=yaml.SafeLoader)")
    []
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            found += [f"{line}: import {a.name}" for a in node.names if a.name.split(".")[0] in BANNED_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in BANNED_MODULES:
            found.append(f"{line}: from {node.module} import …")
        elif isinstance(node, ast.Call):
            name = _name(node.func)
            last = name.rsplit(".", 1)[-1]
            keywords = {k.arg: k.value for k in node.keywords}
            if name in BANNED_CALLS:
                found.append(f"{line}: {name}()")
            elif last in {"load", "load_all"} and name.split(".")[0] in {"yaml", "ruamel"}:
                loader = keywords.get("Loader", node.args[1] if len(node.args) > 1 else None)
                if loader is None or _name(loader).rsplit(".", 1)[-1] not in SAFE_YAML_LOADERS:
                    found.append(f"{line}: {name} without SafeLoader")
            elif last == "load" and name.split(".")[0] in {"np", "numpy", "torch"}:
                allow = keywords.get("allow_pickle")
                if name.split(".")[0] == "torch" or (isinstance(allow, ast.Constant) and allow.value):
                    found.append(f"{line}: {name} that unpickles")
            elif (
                name.split(".")[0] == "subprocess"
                and isinstance(keywords.get("shell"), ast.Constant)
                and keywords["shell"].value
            ):
                found.append(f"{line}: {name}(shell=True)")
        if isinstance(node, ast.Attribute) and node.attr in BANNED_ATTRIBUTES:
            owner = _name(node.value)
            if node.attr in {"system", "popen"} and owner != "os":
                continue
            found.append(f"{line}: {owner}.{node.attr}")
    return sorted(set(found), key=lambda item: int(item.split(":")[0]))


def test_the_checker_finds_each_kind_of_code_from_data():
    sample = (
        "import pickle\nfrom dill import loads\neval(x)\nexec(y)\nyaml.load(s)\nyaml.load(s, Loader=yaml.Loader)\n"
        "yaml.unsafe_load(s)\npd.read_pickle(p)\nnp.load(p, allow_pickle=True)\nos.system(c)\n"
        "subprocess.run(c, shell=True)\nyaml.safe_load(s)\nnp.load(p)\n"
    )
    assert [item.split(":")[0] for item in code_from_data(sample)] == [str(n) for n in range(1, 12)]


@pytest.mark.parametrize(("path", "source"), _sources(), ids=[p for p, _ in _sources()])
def test_shipped_code_never_turns_data_into_code(path, source):
    found = [item for item in code_from_data(source) if (path, item.split(": ", 1)[1]) not in ALLOWED]
    assert found == [], f"{path} turns data into code"


def test_the_shipped_code_was_searched():
    paths = [p for p, _ in _sources()]
    assert any(p.startswith("toolkit/loaders.py") for p in paths) and len(paths) > 10


# ---------------------------------------------------------------------------
# alias files: safe YAML, validated, errors that name the field
@pytest.fixture
def aliases():
    import importlib

    return importlib.import_module("toolkit_entities.rules.aliases")  # a standard plugin: missing is a failure


def test_a_yaml_tag_that_would_run_code_is_refused_without_running(aliases, tmp_path):
    witness = tmp_path / "ran"
    path = tmp_path / "aliases.yaml"
    path.write_text(f"!!python/object/apply:os.system ['touch {witness}']\n")
    with pytest.raises(ValueError, match="not valid YAML") as caught:
        aliases.load_alias_table(path)
    assert str(path) in str(caught.value)
    assert not witness.exists()


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("- just\n- a list\n", "expected a mapping"),
        ("entities:\n  - label: PERSON\n", "entities[0]"),
        ("never_merge:\n  - [only one]\n", "never_merge[0]"),
        ("suggestions:\n  - names: [A, B]\n    status: maybe\n", "suggestions[0]"),
    ],
    ids=["not-a-mapping", "entity-without-name", "pair-of-one", "bad-status"],
)
def test_alias_file_errors_name_the_field(aliases, tmp_path, content, field):
    path = tmp_path / "aliases.yaml"
    path.write_text(content)
    with pytest.raises(ValueError) as caught:
        aliases.load_alias_table(path)
    assert field in str(caught.value) and str(path) in str(caught.value)


def test_options_for_a_plugin_that_does_not_exist_are_an_error_naming_it(tmp_path):
    import toolkit
    from toolkit.registry import Plugin, registry

    registry.register(Plugin(name="solo", provides=("solo_table",)), replace=True)
    (tmp_path / "a.txt").write_text("A headline\n\nSome text.\n")
    with pytest.raises(KeyError, match=r"'solo_typo'.*Available plugins:.*solo"):
        toolkit.analyze(tmp_path / "a.txt", plugins=["solo"], options={"solo_typo": {"x": 1}}, quiet=True)
