"""What the cache key knows of the code: a digest of the core's source and of each
plugin's source and data files.

Hand-set version strings were never bumped when a rule changed, so the cache kept
serving the old rows; a digest of the files themselves cannot forget. A plugin's
files are every file of the top-level package (or the single module file) where
its code lives, found from

- the target of each :func:`toolkit.registry.lazy` callable (``"package.module:name"``,
  read without importing it),
- the ``__module__`` of its plain callables (``extract``, ``corpus_step``, views,
  renderers),
- the module of the function registered for its spaCy component: the
  ``spacy_factories`` entry point of that name, else spaCy's own factory registry
  (``registry.factories`` under ``Language.get_factory_name``) when spaCy is already
  imported — a factory outside the entry points was registered in this process,
  which imported spaCy. spaCy is never imported here.

Hashed are the code and the data a package reads (:data:`HASHED_SUFFIXES`,
recursively); ``__pycache__`` and hidden files (editors' swap files, half-written
temporaries) are not. A plugin defined in a script run as ``__main__`` is the
script's file. Code that lives in no file — a plugin defined in a notebook or typed
at the prompt — is hashed through :func:`inspect.getsource` of its callables;
where even that fails (a callable built at run time), the plugin's hand-set
``version`` is all that is left, and the key is only as good as that string.

A file's digest is kept for the rest of the process while its path, modification
time and size stay the same, so a run pays a directory walk and one ``stat`` per
file (about 6 ms for the core and the standard plugins), not a re-read; the first run
of a process reads and hashes their ~1 MB (about 30 ms). Per run, never per article. Files
changed in the last :data:`RACY_SECONDS` are read again every time: a same-size edit
within the file system's timestamp granularity would otherwise go unseen.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from .registry import Plugin

__all__ = ["CORE_PACKAGE", "HASHED_SUFFIXES", "code_fingerprint", "core_digest", "files_digest", "plugin_digest"]

# what a package's results may depend on: its code, compiled or not, and the data files it reads
HASHED_SUFFIXES = frozenset(
    {".py", ".pyx", ".pxd", ".so", ".pyd", ".txt", ".json", ".jsonl", ".yaml", ".yml", ".csv", ".tsv", ".toml", ".cfg"}
)
SKIPPED_DIRS = frozenset({"__pycache__"})
CORE_PACKAGE = Path(__file__).resolve().parent
# the core's folders that hold no code: the bundled sample articles
CORE_SKIPPED = frozenset({"data"})
RACY_SECONDS = 2.0
DIGEST_LENGTH = 16  # hex digits shown in the manifest; the cache key hashes them again with the rest

# (root, ((relative path, mtime_ns, size), ...)) -> digest
_memo: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def code_fingerprint(plugins: list[Plugin]) -> dict[str, Any]:
    """The core's digest and each plugin's, as the manifest records them under ``versions.code``.

    >>> fingerprint = code_fingerprint([Plugin(name="bare", version="2")])
    >>> sorted(fingerprint), list(fingerprint["plugins"])
    (['core', 'plugins'], ['bare'])
    """
    return {"core": core_digest(), "plugins": {plugin.name: plugin_digest(plugin) for plugin in plugins}}


def core_digest() -> str:
    """The digest of the ``toolkit`` package: its code and its lexicon, not the bundled sample.

    The loaders, the cleaning and the row builder decide rows as much as any plugin.
    """
    return files_digest(CORE_PACKAGE, skip=CORE_SKIPPED)


def plugin_digest(plugin: Plugin) -> str:
    """The digest of the files where ``plugin``'s code lives (see the module's docstring).

    >>> from toolkit.registry import lazy
    >>> from toolkit.nlp import doc_text
    >>> by_target = plugin_digest(Plugin(name="a", extract=lazy("toolkit.nlp:doc_text")))
    >>> by_target == plugin_digest(Plugin(name="b", extract=doc_text))  # one package, found two ways
    True
    """
    roots: set[Path] = set()
    unlocated: list[str] = []
    for obj in _callables(plugin):
        root = _root_of_callable(obj)
        if root is not None:
            roots.add(root)
        else:
            unlocated.append(_source_or_version(obj, plugin))
    if plugin.component:
        module, factory = _factory_of(plugin.component)
        root = _root_of_callable(factory) if factory is not None else _root_of(module)
        if root is not None:
            roots.add(root)
        else:
            unlocated.append(
                _source_or_version(factory, plugin) if factory is not None else f"version:{plugin.version}"
            )
    if not roots and not unlocated:  # a plugin made of declarations only: nothing but its version decides
        unlocated.append(f"version:{plugin.version}")
    digest = hashlib.sha256()
    for root in sorted(roots):
        digest.update(f"{root.name}\x00{_root_digest(root)}\x00".encode())
    for text in unlocated:
        digest.update(f"source\x00{text}\x00".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:DIGEST_LENGTH]


def files_digest(root: Path, *, skip: frozenset[str] = frozenset()) -> str:
    """The digest of the hashed files under the folder ``root`` (or of the file ``root``),
    by their paths relative to ``root``'s parent and their bytes; top-level folders of
    ``root`` named in ``skip`` are left out.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     package = Path(folder) / "pkg"
    ...     (package / "__pycache__").mkdir(parents=True)
    ...     _ = (package / "rules.py").write_text("LIMIT = 3\\n")
    ...     before = files_digest(package)
    ...     _ = (package / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"\\x00")
    ...     same = files_digest(package) == before
    ...     _ = (package / "words.txt").write_text("say\\n")
    ...     same, files_digest(package) == before
    (True, False)
    """
    root = Path(root)
    signature = []
    for path in _hashed_files(root, skip):
        try:
            stat = path.stat()
        except OSError:  # removed while we looked: the next run sees the folder as it is then
            continue
        signature.append((path.relative_to(root.parent).as_posix(), stat.st_mtime_ns, stat.st_size))
    key = (str(root), tuple(signature))
    if key in _memo:
        return _memo[key]
    digest = hashlib.sha256()
    for relative, _, _ in signature:
        try:
            data = (root.parent / relative).read_bytes()
        except OSError:
            continue
        digest.update(f"{relative}\x00{len(data)}\x00".encode("utf-8", "surrogatepass"))
        digest.update(data)
    result = digest.hexdigest()[:DIGEST_LENGTH]
    newest = max((mtime for _, mtime, _ in signature), default=0)
    if newest < (time.time() - RACY_SECONDS) * 1e9:  # see the module's docstring
        _memo[key] = result
    return result


def _root_digest(root: Path) -> str:
    return core_digest() if root == CORE_PACKAGE else files_digest(root)


def _hashed_files(root: Path, skip: frozenset[str]) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        top = Path(folder) == root
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".") and not (top and d in skip))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1] in HASHED_SUFFIXES:
                yield Path(folder) / name


def _callables(plugin: Plugin) -> Iterator[Callable[..., Any]]:
    for obj in (plugin.extract, plugin.corpus_step, *plugin.views.values(), *plugin.renderers.values()):
        if obj is not None:
            yield obj


def _module_of(obj: Any) -> str | None:
    """The module a callable's code lives in: a lazy callable's target, else its ``__module__``."""
    target = getattr(obj, "__presslens_target__", None)
    if isinstance(target, str):
        return target.partition(":")[0]
    while isinstance(obj, functools.partial):
        obj = obj.func
    obj = inspect.unwrap(obj) if callable(obj) else obj
    module = getattr(obj, "__module__", None)
    return module if isinstance(module, str) else None


def _root_of_callable(obj: Any) -> Path | None:
    """:func:`_root_of` the callable's module; for ``__main__``, the script it runs from, when
    the callable was defined in it (a notebook's ``__main__`` has no file, and a cell's code
    object names a temporary one that is not the module's)."""
    module = _module_of(obj)
    if module != "__main__":
        return _root_of(module)
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    while isinstance(obj, functools.partial):
        obj = obj.func
    try:
        defined_in = inspect.getsourcefile(inspect.unwrap(obj))
    except TypeError:  # a built-in or a callable instance: no code object to ask
        return None
    if (
        script
        and defined_in
        and os.path.isfile(script)
        and os.path.isfile(defined_in)
        and os.path.samefile(script, defined_in)
    ):
        return Path(script).resolve()
    return None


def _root_of(module: str | None) -> Path | None:
    """The folder of the top-level package holding ``module``, or its file when it is a lone
    module; ``None`` for ``__main__``, built-in or frozen modules and names that are not found.

    A namespace package (several folders, no ``__init__``) is not one project: the first
    regular package or module inside it stands for it.

    >>> _root_of("toolkit.nlp") == CORE_PACKAGE, _root_of("__main__"), _root_of("sys")
    (True, None, None)
    """
    if not module or module == "__main__":
        return None
    parts = module.split(".")
    for depth in range(1, len(parts) + 1):
        name = ".".join(parts[:depth])
        origin, locations = _location(name)
        if origin is not None and os.path.isfile(origin):
            path = _resolved(origin)
            return path.parent if locations else path  # a package's __init__.py, or a lone module
        if not locations:  # built-in, frozen, or not found
            return None
    return None


@functools.lru_cache(maxsize=1024)
def _resolved(origin: str) -> Path:
    """``origin`` with its symbolic links resolved, once a process (an ``lstat`` per part of the
    path, for each callable of each plugin, was most of a run's fingerprinting time)."""
    return Path(origin).resolve()


def _location(name: str) -> tuple[str | None, list[str]]:
    """Where the module ``name`` comes from (its file, its package folders), without importing
    it: what is already imported is asked, else the import system's finders (``find_spec``
    imports the parents of a dotted name; here they are namespace packages, which run no code).
    """
    loaded = sys.modules.get(name)
    if loaded is not None:
        return getattr(loaded, "__file__", None), list(getattr(loaded, "__path__", None) or [])
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None, []
    if spec is None:
        return None, []
    return spec.origin, list(spec.submodule_search_locations or [])


def _factory_of(component: str) -> tuple[str | None, Callable[..., Any] | None]:
    """The module (and, when known, the function) behind the spaCy factory ``component``."""
    module = _factory_entry_points().get(component)
    if module is not None:
        return module, None
    if "spacy" not in sys.modules:  # not an entry point, and spaCy never ran: nothing registered it
        return None, None
    try:
        from spacy.language import Language
        from spacy.util import registry

        # spaCy 3.8 keeps the function in its factory registry under the language-specific
        # name (Language.get_factory_name), the plain name for factories of every language
        internal = Language.get_factory_name(component)
        name = internal if internal in registry.factories else component
        factory = registry.factories.get(name)
    except ValueError:  # catalogue.RegistryError: not registered (a typo shows when the pipeline is built)
        return None, None
    return _module_of(factory), factory


@functools.lru_cache(maxsize=1)
def _factory_entry_points() -> Mapping[str, str]:
    """Factory name -> module, from the ``spacy_factories`` entry points (read once a process)."""
    return {ep.name: ep.module for ep in entry_points(group="spacy_factories")}


def _source_or_version(obj: Any, plugin: Plugin) -> str:
    """The source text of a callable that lives in no file, else the plugin's version string."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return f"version:{plugin.version}"
