"""The ids the entities plugin writes. Their recipes are fixed: people keep entity ids in alias
tables and exported CSVs, so an id must come out the same in every run and every release."""

from __future__ import annotations

from toolkit.sdk import stable_id

__all__ = ["mention_id", "entity_id"]


def mention_id(article_id: str, start: int, end: int) -> str:
    """A deterministic id from the article and the offsets.

    >>> mention_id("a1", 0, 5) == mention_id("a1", 0, 5) != mention_id("a1", 0, 6)
    True
    """
    return stable_id(article_id, start, end, prefix="m", length=12)


def entity_id(label: str, name: str, *also: str) -> str:
    """An entity's id from its label and name (``also``: what tells apart two entities kept apart under one name).

    >>> entity_id("PERSON", "Anna Berg") == entity_id("PERSON", "Anna Berg") != entity_id("ORG", "Anna Berg")
    True
    """
    return stable_id(label, name, *also, prefix="E", length=10, sep="|")
