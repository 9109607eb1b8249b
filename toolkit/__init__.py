"""PressLens: read news coverage as evidence.

The core loads articles, runs plugins through spaCy and writes tables; the
standard plugins (entities, quotes, timeline, claims) are found through the
``presslens.plugins`` entry point group like any third-party plugin.

>>> import toolkit
>>> "analyze" in toolkit.__all__
True

Importing ``toolkit`` is cheap: spaCy, Altair and the plugins load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Corpus",
    "LoadReport",
    "Plugin",
    "Selection",
    "StepContext",
    "SCHEMAS",
    "analyze",
    "dashboard",
    "empty_table",
    "load",
    "open",
    "plugins",
    "register",
    "render",
    "sample_corpus",
    "view",
]

# public name -> (module, attribute); resolved on first access
_LAZY = {
    "Article": ("toolkit.records", "Article"),
    "LoadReport": ("toolkit.records", "LoadReport"),
    "Corpus": ("toolkit.pipeline", "Corpus"),
    "analyze": ("toolkit.pipeline", "analyze"),
    "open": ("toolkit.pipeline", "open_corpus"),
    "load": ("toolkit.loaders", "load"),
    "Plugin": ("toolkit.registry", "Plugin"),
    "StepContext": ("toolkit.registry", "StepContext"),
    "plugins": ("toolkit.registry", "plugins"),
    "register": ("toolkit.registry", "register"),
    "SCHEMAS": ("toolkit.schemas", "SCHEMAS"),
    "empty_table": ("toolkit.schemas", "empty_table"),
    "Selection": ("toolkit.views", "Selection"),
    "dashboard": ("toolkit.views", "dashboard"),
    "view": ("toolkit.views", "view"),
    "render": ("toolkit.views", "render"),
    "sample_corpus": ("toolkit.samples", "sample_corpus"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
