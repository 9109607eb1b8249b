"""The alias table: the user's decisions about entities, kept in a file they can edit.

YAML (read with ``yaml.safe_load``) or CSV. It holds

- ``entities``: a canonical name, a label and the aliases that must all be one entity;
- ``never_merge``: pairs of names that must stay apart;
- ``suggestions``: merges PressLens made or proposes, with their evidence, each
  ``pending``, ``accepted`` or ``rejected``. An accepted suggestion merges, a
  rejected one keeps the names apart, a pending one keeps what PressLens did.

The file is read before the corpus step and written back after it with new
suggestions added; the user's entries and decisions are never changed by a run.

>>> table = AliasTable(never_merge=(("Kim Jong Un", "Kim Jong Il"),))
>>> table.keeps_apart("Kim Jong Il", "Kim Jong Un")
True
>>> AliasTable.from_dict(table.to_dict()) == table
True
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from toolkit.sdk import stable_id

__all__ = ["AliasEntry", "Suggestion", "AliasTable", "load_alias_table", "save_alias_table", "suggestion_id"]

Status = Literal["pending", "accepted", "rejected"]
_STATUSES = ("pending", "accepted", "rejected")
_CSV_COLUMNS = ("kind", "name", "label", "aliases", "other", "status", "applied", "evidence", "id")


@dataclass(frozen=True, kw_only=True)
class AliasEntry:
    """One entity as the user wants it: every alias is this entity, shown under ``name``."""

    name: str
    label: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """A merge of two names, with the evidence for it.

    ``applied`` says whether PressLens merged them on its own (a transliteration
    variant) or only proposes it (two similar names it kept apart).
    """

    suggestion_id: str
    names: tuple[str, str]
    label: str | None = None
    evidence: str = ""
    applied: bool = False
    status: Status = "pending"

    @property
    def merges(self) -> bool:
        """Whether the two names end up as one entity under the current decision."""
        return self.status == "accepted" or (self.status == "pending" and self.applied)


def suggestion_id(a: str, b: str) -> str:
    """A stable id for the pair, whatever its order.

    >>> suggestion_id("A", "B") == suggestion_id("B", "A")
    True
    """
    first, second = sorted((a, b))
    return stable_id(first, second, prefix="s", length=10)


@dataclass(frozen=True, kw_only=True)
class AliasTable:
    entries: tuple[AliasEntry, ...] = ()
    never_merge: tuple[tuple[str, str], ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    path: Path | None = field(default=None, compare=False)

    # questions the resolver asks ------------------------------------------------
    def keeps_apart(self, a: str, b: str) -> bool:
        pair = {a.casefold(), b.casefold()}
        if any({x.casefold(), y.casefold()} == pair for x, y in self.never_merge):
            return True
        return any(s.status == "rejected" and {n.casefold() for n in s.names} == pair for s in self.suggestions)

    def apart_pairs(self) -> list[tuple[str, str]]:
        """Every pair that must stay apart: never-merge pairs and rejected suggestions."""
        pairs = list(self.never_merge)
        pairs += [s.names for s in self.suggestions if s.status == "rejected"]
        return pairs

    def merge_groups(self) -> list[tuple[str | None, str | None, tuple[str, ...]]]:
        """(canonical name, label, names) groups that must be one entity."""
        groups = [(e.name, e.label, e.names) for e in self.entries]
        groups += [(None, s.label, s.names) for s in self.suggestions if s.status == "accepted"]
        return groups

    def decided(self, sid: str) -> Suggestion | None:
        return next((s for s in self.suggestions if s.suggestion_id == sid), None)

    # edits (each returns a new table) ---------------------------------------------
    def with_suggestions(self, found: Iterable[Suggestion]) -> AliasTable:
        """Add newly found suggestions; a suggestion already in the table keeps its decision."""
        known = {s.suggestion_id for s in self.suggestions}
        added = tuple(s for s in found if s.suggestion_id not in known)
        return replace(self, suggestions=self.suggestions + added)

    def decide(self, sid: str, status: Status) -> AliasTable:
        if status not in _STATUSES:
            raise ValueError(f"A suggestion's status is one of {', '.join(_STATUSES)}; got {status!r}.")
        if self.decided(sid) is None:
            ids = ", ".join(s.suggestion_id for s in self.suggestions) or "none"
            raise KeyError(f"No suggestion {sid!r} in the alias table. Suggestions: {ids}.")
        return replace(
            self,
            suggestions=tuple(replace(s, status=status) if s.suggestion_id == sid else s for s in self.suggestions),
        )

    def split(self, name: str, from_name: str) -> AliasTable:
        """Keep ``name`` apart from the entity called ``from_name`` from now on."""
        entries = tuple(
            replace(e, aliases=tuple(a for a in e.aliases if a.casefold() != name.casefold()))
            if e.name.casefold() == from_name.casefold()
            else e
            for e in self.entries
        )
        never = self.never_merge if self.keeps_apart(name, from_name) else self.never_merge + ((name, from_name),)
        return replace(self, entries=entries, never_merge=never)

    def with_entry(self, entry: AliasEntry) -> AliasTable:
        others = tuple(e for e in self.entries if e.name.casefold() != entry.name.casefold())
        return replace(self, entries=others + (entry,))

    # (de)serialisation ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [{"name": e.name, "label": e.label, "aliases": list(e.aliases)} for e in self.entries],
            "never_merge": [list(pair) for pair in self.never_merge],
            "suggestions": [
                {
                    "id": s.suggestion_id,
                    "names": list(s.names),
                    "label": s.label,
                    "evidence": s.evidence,
                    "applied": s.applied,
                    "status": s.status,
                }
                for s in self.suggestions
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, source: str = "alias table") -> AliasTable:
        data = data or {}
        if not isinstance(data, Mapping):
            raise ValueError(
                f"{source}: expected a mapping with keys entities, never_merge, suggestions; "
                f"found {type(data).__name__}."
            )
        entries = []
        for i, item in enumerate(data.get("entities") or []):
            if not isinstance(item, Mapping) or not item.get("name"):
                raise ValueError(
                    f"{source}: entities[{i}] needs a 'name' (and optionally 'label', 'aliases'); found {item!r}."
                )
            aliases = item.get("aliases") or []
            if isinstance(aliases, str):
                aliases = [a.strip() for a in aliases.split("|") if a.strip()]
            entries.append(
                AliasEntry(
                    name=str(item["name"]), label=item.get("label") or None, aliases=tuple(str(a) for a in aliases)
                )
            )
        never = []
        for i, pair in enumerate(data.get("never_merge") or []):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"{source}: never_merge[{i}] must be a pair of names like [A, B]; found {pair!r}.")
            never.append((str(pair[0]), str(pair[1])))
        suggestions = []
        for i, item in enumerate(data.get("suggestions") or []):
            names = item.get("names") if isinstance(item, Mapping) else None
            if not names or len(names) != 2:
                raise ValueError(f"{source}: suggestions[{i}] needs 'names' with two names; found {item!r}.")
            status = item.get("status") or "pending"
            if status not in _STATUSES:
                raise ValueError(
                    f"{source}: suggestions[{i}] status must be one of {', '.join(_STATUSES)}; found {status!r}."
                )
            suggestions.append(
                Suggestion(
                    suggestion_id=str(item.get("id") or suggestion_id(*names)),
                    names=(str(names[0]), str(names[1])),
                    label=item.get("label") or None,
                    evidence=str(item.get("evidence") or ""),
                    applied=_truthy(item.get("applied")),
                    status=status,
                )
            )
        return cls(entries=tuple(entries), never_merge=tuple(never), suggestions=tuple(suggestions))


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes") if not isinstance(value, bool) else value


def load_alias_table(path: str | os.PathLike[str] | None) -> AliasTable:
    """Read an alias table (``.yaml``/``.yml`` or ``.csv``); a missing file is an empty table."""
    if path is None:
        return AliasTable()
    path = Path(path)
    if not path.exists():
        return AliasTable(path=path)
    text = path.read_text("utf-8")
    if path.suffix.lower() == ".csv":
        table = _from_csv(text, source=str(path))
    elif path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML ({exc}). Fix the file or delete it to start afresh.") from None
        table = AliasTable.from_dict(data, source=str(path))
    else:
        raise ValueError(f"{path}: an alias table ends in .yaml, .yml or .csv; found {path.suffix or 'no suffix'!r}.")
    return replace(table, path=path)


def save_alias_table(table: AliasTable, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the table (format from the suffix); returns the path written."""
    target = Path(path) if path is not None else table.path
    if target is None:
        raise ValueError(
            "save_alias_table: no path given and the table was not loaded from a file. Pass path='aliases.yaml'."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".csv":
        text = _to_csv(table)
    else:
        import yaml

        text = (
            "# PressLens alias table: edit freely and re-run. 'entities' are merged, 'never_merge' pairs\n"
            "# stay apart; set a suggestion's status to accepted or rejected to decide it.\n"
            + yaml.safe_dump(table.to_dict(), sort_keys=False, allow_unicode=True, width=120)
        )
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(target)
    return target


def _to_csv(table: AliasTable) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_CSV_COLUMNS)
    writer.writeheader()
    for e in table.entries:
        writer.writerow({"kind": "entity", "name": e.name, "label": e.label or "", "aliases": "|".join(e.aliases)})
    for a, b in table.never_merge:
        writer.writerow({"kind": "never_merge", "name": a, "other": b})
    for s in table.suggestions:
        writer.writerow(
            {
                "kind": "suggestion",
                "name": s.names[0],
                "other": s.names[1],
                "label": s.label or "",
                "status": s.status,
                "applied": str(s.applied).lower(),
                "evidence": s.evidence,
                "id": s.suggestion_id,
            }
        )
    return out.getvalue()


def _from_csv(text: str, *, source: str) -> AliasTable:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"kind", "name"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(
            f"{source}: an alias CSV needs the columns {', '.join(_CSV_COLUMNS)}; missing {', '.join(sorted(missing))}."
        )
    data: dict[str, list[Any]] = {"entities": [], "never_merge": [], "suggestions": []}
    for line, row in enumerate(reader, start=2):
        kind = (row.get("kind") or "entity").strip()
        if kind == "entity":
            data["entities"].append(
                {"name": row["name"], "label": row.get("label"), "aliases": row.get("aliases") or ""}
            )
        elif kind == "never_merge":
            data["never_merge"].append([row["name"], row.get("other") or ""])
        elif kind == "suggestion":
            data["suggestions"].append(
                {
                    "id": row.get("id"),
                    "names": [row["name"], row.get("other") or ""],
                    "label": row.get("label"),
                    "evidence": row.get("evidence"),
                    "applied": row.get("applied"),
                    "status": row.get("status") or "pending",
                }
            )
        else:
            raise ValueError(f"{source}, line {line}: kind must be entity, never_merge or suggestion; found {kind!r}.")
    return AliasTable.from_dict(data, source=source)
