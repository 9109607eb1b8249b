"""The optional extras: which feature needs which packages, and the error that names the install command.

The base install analyses, exports and writes reports; the live dashboard and notebooks
(``lab``), the Dask engine (``dask``) and SQL over the tables (``sql``) each come with an
extra, so that a script or a server job does not bring a notebook server or a scheduler.
A feature checks its extra where it starts, so the user reads which command to run
instead of a bare ``No module named ...`` from deep inside.

>>> require("sql", feature="SQL over the tables", modules=("json",))  # present: nothing happens
>>> print(missing_extra("sql", feature="SQL", module="duckdb"))
SQL needs duckdb, which comes with the "sql" extra. Install it with: pip install "presslens[sql]"
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from .errors import MissingExtraError

__all__ = ["EXTRAS", "install_command", "missing_extra", "require"]

# extra -> the modules its features import (pyproject.toml's [project.optional-dependencies] installs them)
EXTRAS: dict[str, tuple[str, ...]] = {
    "lab": ("ipywidgets", "anywidget", "papermill", "nbformat", "nbconvert", "ipykernel"),
    "dask": ("dask.distributed",),
    "sql": ("duckdb",),
}


def install_command(extra: str) -> str:
    """The pip command that installs ``extra`` (quoted: shells expand the brackets otherwise)."""
    return f'pip install "presslens[{extra}]"'


def missing_extra(extra: str, *, feature: str, module: str) -> MissingExtraError:
    """The error for ``feature`` when ``module`` of ``extra`` cannot be imported."""
    if extra not in EXTRAS:
        raise ValueError(f"Unknown extra {extra!r}; expected one of {', '.join(sorted(EXTRAS))}.")
    return MissingExtraError(
        f'{feature} needs {module}, which comes with the "{extra}" extra. Install it with: {install_command(extra)}'
    )


def require(extra: str, *, feature: str, modules: Sequence[str] | None = None) -> None:
    """Import ``modules`` (default: every module of ``extra``); raise :class:`MissingExtraError` if one is missing.

    Importing rather than only looking the module up also catches an install that is there
    but broken (a missing dependency of its own), which fails the same way a moment later.
    """
    for module in modules if modules is not None else EXTRAS[extra]:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise missing_extra(extra, feature=feature, module=module) from exc
