"""environment.yml mirrors pyproject.toml: the same requirements, the same pins, base and every extra."""

import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _normal(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def test_environment_yml_mirrors_pyproject_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_normal(r) for r in project["dependencies"]}
    # the conda environment is the full one (what `make setup` installs): every extra, whatever its name
    assert {"lab", "dask", "sql", "dev", "eval"} <= set(project["optional-dependencies"])
    for requirements in project["optional-dependencies"].values():
        wanted |= {_normal(r) for r in requirements}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict) and "pip" in item)
    listed = {_normal(r) for r in pip_section if not r.startswith("-e")}
    assert listed == wanted, (
        f"only in pyproject: {sorted(wanted - listed)}; only in environment.yml: {sorted(listed - wanted)}"
    )
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.replace(" ", "") == "python=3.11" and project["requires-python"] == ">=3.11"
