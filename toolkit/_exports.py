"""Column layouts of news exports: presets for the common ones, and a user's mapping file.

A layout maps each article field (id, text, title, published, outlet, url) to
the columns that may hold it, tried in order; the first column a table has
wins. Presets list the public column names of each service's export, with the
variants its versions use; a mapping file (YAML or JSON) gives a user's own.

>>> layout = column_layout("factiva")
>>> layout.name, layout.fields["title"]
('factiva', ('HD', 'Headline'))
>>> column_layout({"text": "story"}).fields
{'text': ('story',)}
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import errors

__all__ = ["FIELDS", "PRESETS", "ColumnLayout", "column_layout"]

FIELDS = ("id", "text", "title", "published", "outlet", "url")


@dataclass(frozen=True, kw_only=True)
class ColumnLayout:
    """Where each article field is found in a table: candidate columns, first present wins.

    ``required`` are the fields a user named: a table must have one of their columns. A
    preset's other fields are optional, because one service's exports differ between
    versions and a column a version lacks is left empty, not an error.
    """

    name: str  # the preset or the mapping file; "" for a mapping given in Python
    fields: dict[str, tuple[str, ...]]
    required: frozenset[str] = frozenset()


# Each preset: the service's documented export or API field names. Nested JSON fields
# ("source": {"title": ...}) are read as dotted columns ("source.title"). Documented
# in the README ("Input formats"); a change here belongs there too.
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    # Media Cloud story lists (v4 search CSV: id, publish_date, media_name ...; v2: stories_id ...).
    # Their CSVs carry no text; the API's expanded stories, or a user's own fetch, add a text column
    "mediacloud": {
        "id": ("id", "stories_id"),
        "text": ("text", "story_text"),
        "title": ("title",),
        "published": ("publish_date",),
        "outlet": ("media_name",),
        "url": ("url",),
    },
    # GDELT: the DOC 2.0 API's article lists (url, title, seendate, domain), the GKG
    # (GKGRECORDID, DATE, SourceCommonName, DocumentIdentifier) and the event table's SOURCEURL
    "gdelt": {
        "id": ("GKGRECORDID", "GLOBALEVENTID"),
        "text": ("text", "content"),
        "title": ("title",),
        "published": ("seendate", "DATE", "DATEADDED"),
        "outlet": ("domain", "SourceCommonName"),
        "url": ("url", "DocumentIdentifier", "SOURCEURL"),
    },
    # Event Registry (newsapi.ai) article objects: uri, body, dateTimePub, source.title
    "eventregistry": {
        "id": ("uri",),
        "text": ("body",),
        "title": ("title",),
        "published": ("dateTimePub", "dateTime", "date"),
        "outlet": ("source.title", "source.uri"),
        "url": ("url",),
    },
    # NewsAPI.org articles: source.name, publishedAt, content (truncated by the service) or description
    "newsapi": {
        "id": ("url",),
        "text": ("content", "description"),
        "title": ("title",),
        "published": ("publishedAt",),
        "outlet": ("source.name", "source.id"),
        "url": ("url",),
    },
    # Factiva's field codes: AN accession number, HD headline, TD text, PD date, SN source name
    "factiva": {
        "id": ("AN",),
        "text": ("TD", "Text"),
        "title": ("HD", "Headline"),
        "published": ("PD", "Date"),
        "outlet": ("SN", "Source"),
        "url": ("URL",),
    },
    # LexisNexis / Nexis Uni metadata and full-text exports
    "lexisnexis": {
        "id": ("Document ID", "DocumentID", "ID"),
        "text": ("Body", "Text", "Full Text"),
        "title": ("Title", "Headline"),
        "published": ("Date", "Published Date", "Load-Date"),
        "outlet": ("Source", "Publication", "Source Name"),
        "url": ("URL", "Link"),
    },
}


def column_layout(spec: str | os.PathLike[str] | Mapping[str, Any]) -> ColumnLayout:
    """The layout ``spec`` names: a preset name, a mapping file (.yaml, .yml, .json) or a mapping.

    A mapping gives each field one column or a list of candidates; a mapping file may
    also start from a preset (``preset: factiva``) and override some fields under
    ``columns:``. Raises :class:`~toolkit.errors.InputError` (a ``ValueError``) naming the
    file, the key and what was expected.
    """
    if isinstance(spec, Mapping):
        return _from_mapping(spec, where="the column mapping")
    text = os.fspath(spec)
    if text.lower() in PRESETS:
        return ColumnLayout(name=text.lower(), fields=dict(PRESETS[text.lower()]))
    path = Path(text)
    if path.suffix.lower() in {".yaml", ".yml", ".json"}:
        return _from_file(path)
    raise errors.InputError(errors.UNKNOWN_COLUMNS_SPEC.format(spec=text, presets=", ".join(PRESETS)))


def _from_file(path: Path) -> ColumnLayout:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"not UTF-8 ({exc.reason} at byte {exc.start})"
        raise errors.InputError(f"Column mapping {path}: cannot read it ({reason}).") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise errors.InputError(f"Column mapping {path}: not valid JSON ({exc}).") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            first = " ".join(str(exc).split())[:200]
            raise errors.InputError(f"Column mapping {path}: not valid YAML ({first}).") from None
    if not isinstance(data, Mapping):
        raise errors.InputError(
            f"Column mapping {path}: expected a mapping of fields to column names (e.g. 'text: body'), "
            f"found {type(data).__name__}."
        )
    return _from_mapping(data, where=f"Column mapping {path}", name=str(path))


def _from_mapping(data: Mapping[str, Any], *, where: str, name: str = "") -> ColumnLayout:
    fields: dict[str, tuple[str, ...]] = {}
    body: Mapping[str, Any] = data
    if "columns" in data or "preset" in data:
        unknown = sorted(set(map(str, data)) - {"columns", "preset"})
        if unknown:
            raise errors.InputError(
                f"{where}: unknown key {unknown[0]!r} beside 'preset'/'columns'; expected only 'preset' "
                f"(one of: {', '.join(PRESETS)}) and 'columns' (fields to column names)."
            )
        preset = data.get("preset")
        if preset is not None:
            if not isinstance(preset, str) or preset.lower() not in PRESETS:
                raise errors.InputError(f"{where}: key 'preset' is {preset!r}; expected one of: {', '.join(PRESETS)}.")
            fields.update(PRESETS[preset.lower()])
        body = data.get("columns") or {}
        if not isinstance(body, Mapping):
            raise errors.InputError(
                f"{where}: key 'columns' holds {type(body).__name__}; expected a mapping of fields to column names."
            )
    named: dict[str, tuple[str, ...]] = {}
    for key, value in body.items():
        if key not in FIELDS:
            raise errors.InputError(f"{where}: unknown field {key!r}; expected fields: {', '.join(FIELDS)}.")
        columns = [value] if isinstance(value, str) else value
        if (
            not isinstance(columns, list)
            or not columns
            or not all(isinstance(column, str) and column.strip() for column in columns)
        ):
            raise errors.InputError(
                f"{where}: key {key!r} is {value!r}; expected a column name, or a list of column names tried in order."
            )
        named[key] = tuple(columns)
    if not named and not fields:
        raise errors.InputError(f"{where}: names no columns; expected at least one of: {', '.join(FIELDS)}.")
    fields.update(named)
    # a preset's own columns stay optional; the ones the user named must be found
    return ColumnLayout(name=name, fields=fields, required=frozenset(named))
