"""Export one table for a person with a spreadsheet: readable cells, the article beside each row, no formulas.

The tables themselves are for code (entity ids, lists of offsets); an export is for
an editor opening it in Excel or LibreOffice. So for CSV and xlsx:

- list columns become text, items joined by ``"; "``: entity ids become entity
  names, offset pairs become ``"0-81"``;
- a column of one entity id per row (``<role>_entity_id``) gets a ``<role>_name`` column
  beside it. Which columns hold entity ids is what the plugins declare
  (``Plugin.entity_columns``), so a third-party plugin's columns are read the same way;
- ``with_context`` adds each row's article title, outlet, published date and url;
- a text cell a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return) is written with a leading ``'``, OWASP's rule
  against CSV injection; ``neutralise=False`` writes it unchanged.

JSONL and Parquet are for code and keep the table's own values (lists stay lists).

>>> import pandas as pd
>>> from toolkit.pipeline import Corpus
>>> corpus = Corpus({"notes": pd.DataFrame({"note": ["=1+1"], "spans": [[[0, 5], [9, 12]]]})})
>>> readable_table(corpus, "notes").iloc[0].tolist()
["'=1+1", '0-5; 9-12']
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from .registry import registry

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = ["EXPORT_FORMATS", "ExportResult", "export", "neutralise_cell", "readable_table"]

EXPORT_FORMATS = ("csv", "jsonl", "parquet", "xlsx")
# what a spreadsheet may read as the start of a formula (OWASP, "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# the article columns --with-context adds, in this order
CONTEXT_COLUMNS = ("title", "outlet", "published", "url")
LIST_SEPARATOR = "; "
# Excel refuses longer cells (it "repairs" the file and drops them); an article's text can be longer
XLSX_MAX_CELL = 32_767
# a column naming one entity per row (``<role>_entity_id``): its names go beside it as ``<role>_name``
_ONE_ENTITY = "_entity_id"
_TRUNCATED = " …[truncated]"


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    """What :func:`export` wrote: where, how many rows, and what it changed to make the file safe."""

    table: str
    format: str
    path: Path | None  # None: written to a stream
    rows: int
    columns: tuple[str, ...]
    neutralised: int = 0  # cells given a leading "'" so that no spreadsheet runs them as formulas
    truncated: int = 0  # xlsx cells cut at Excel's limit of 32 767 characters


def neutralise_cell(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("-12"), neutralise_cell("Ana Ruiz")
    ('\\'=HYPERLINK("http://x")', "'-12", 'Ana Ruiz')
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def readable_table(
    corpus: Corpus, table: str, *, with_context: bool = False, lists_as_text: bool = True, neutralise: bool = True
) -> pd.DataFrame:
    """``corpus``'s ``table`` as a person reads it (see the module docstring); a copy, the corpus is not changed.

    ``lists_as_text=False`` keeps list columns as lists (JSONL, Parquet);
    ``neutralise`` applies only to text cells, and only with ``lists_as_text``.
    """
    return _readable(corpus, table, with_context=with_context, lists_as_text=lists_as_text, neutralise=neutralise)[0]


def _readable(
    corpus: Corpus, table: str, *, with_context: bool, lists_as_text: bool, neutralise: bool
) -> tuple[pd.DataFrame, int]:
    """:func:`readable_table`, and how many cells (headers included) were neutralised."""
    frame = corpus.table(table).copy()
    names = _entity_names(corpus)
    entity_columns = set(registry.entity_columns())
    for column in [c for c in frame.columns if c in entity_columns and str(c).endswith(_ONE_ENTITY)]:
        name_column = str(column)[: -len(_ONE_ENTITY)] + "_name"
        if name_column not in frame.columns:
            where = list(frame.columns).index(column) + 1
            frame.insert(where, name_column, [names.get(v) if isinstance(v, str) else None for v in frame[column]])
    if with_context:
        frame = _with_context(corpus, table, frame)
    if not lists_as_text:
        return frame, 0
    changed = 0
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            continue  # numbers stay numbers
        by_name = names if column in entity_columns else None
        cells = [_cell_text(v, names=by_name) for v in frame[column].tolist()]
        if neutralise:
            safe = [neutralise_cell(c) if isinstance(c, str) else c for c in cells]
            changed += sum(1 for a, b in zip(cells, safe, strict=True) if a is not b)
            cells = safe
        frame[column] = pd.Series(cells, index=frame.index, dtype=object)
    if neutralise:  # a plugin's column names are text too
        headers = [str(c) for c in frame.columns]
        frame.columns = [neutralise_cell(c) for c in headers]
        changed += sum(1 for a, b in zip(headers, frame.columns, strict=True) if a != b)
    return frame, changed


def export(
    corpus: Corpus,
    table: str,
    target: str | os.PathLike[str] | IO[str] | None = None,
    *,
    format: str | None = None,
    with_context: bool = False,
    neutralise: bool = True,
) -> ExportResult:
    """Write ``corpus``'s ``table`` to ``target`` (a path; a text stream for csv and jsonl; default standard output).

    ``format`` is one of :data:`EXPORT_FORMATS`; by default it follows the path's suffix.

    >>> import tempfile, csv
    >>> from toolkit.pipeline import Corpus
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = export(Corpus({}), "mentions", Path(folder) / "mentions.csv")
    ...     result.rows, result.columns[:2]
    (0, ('article_id', 'start'))
    """
    path = Path(target) if isinstance(target, (str, os.PathLike)) else None
    chosen = format or (path.suffix.lstrip(".").lower() if path is not None else "csv")
    if chosen not in EXPORT_FORMATS:
        raise ValueError(
            f"Cannot export as {chosen!r}: the formats are {', '.join(EXPORT_FORMATS)}. "
            "Pass format= or name the file with one of those suffixes."
        )
    if path is None and chosen in ("parquet", "xlsx"):
        raise ValueError(f"A {chosen} export is a binary file: name the file to write (-o FILE).")
    as_text = chosen in ("csv", "xlsx")
    frame, neutralised = _readable(
        corpus, table, with_context=with_context, lists_as_text=as_text, neutralise=neutralise and as_text
    )
    truncated = 0
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "csv":
        if path is None:
            _write_csv(frame, target if target is not None else sys.stdout)  # type: ignore[arg-type]
        else:
            # the BOM is how Excel knows the file is UTF-8 (without it, accented names come out garbled);
            # a lone surrogate left in a text is written as an escape rather than failing the export
            with open(path, "w", encoding="utf-8-sig", newline="", errors="backslashreplace") as stream:
                _write_csv(frame, stream)
    elif chosen == "jsonl":
        text = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso") or ""
        if path is None:
            (target if target is not None else sys.stdout).write(text)  # type: ignore[union-attr]
        else:
            path.write_text(text, encoding="utf-8", errors="backslashreplace")
    elif chosen == "parquet":
        assert path is not None  # checked above
        frame.to_parquet(path, index=False)
    else:
        assert path is not None
        truncated = _write_xlsx(frame, path, sheet=table)
    return ExportResult(
        table=table,
        format=chosen,
        path=path,
        rows=len(frame),
        columns=tuple(str(c) for c in frame.columns),
        neutralised=neutralised,
        truncated=truncated,
    )


# ---------------------------------------------------------------------------
def _entity_names(corpus: Corpus) -> dict[str, str]:
    entities = corpus.tables.get("entities")
    if entities is None or entities.empty:
        return {}
    return {str(k): str(v) for k, v in zip(entities["entity_id"], entities["name"], strict=True) if isinstance(k, str)}


def _with_context(corpus: Corpus, table: str, frame: pd.DataFrame) -> pd.DataFrame:
    if table == "articles":
        return frame  # the articles table is the context
    if "article_id" not in frame.columns:
        with_ids = [name for name, t in corpus.tables.items() if "article_id" in t.columns and name != "articles"]
        raise ValueError(
            f"Table {table!r} has no article_id column, so its rows have no one article to add as context. "
            f"Tables with one: {', '.join(with_ids)}. Export {table!r} without --with-context."
        )
    articles = corpus.articles
    context = pd.DataFrame({"article_id": articles["article_id"]})
    for column in CONTEXT_COLUMNS:
        context[column] = articles[column] if column in articles.columns else None
    context = context.drop_duplicates("article_id")
    renamed = {c: (f"article_{c}" if c in frame.columns else c) for c in CONTEXT_COLUMNS}
    context = context.rename(columns=renamed)
    merged = frame.merge(context, on="article_id", how="left", sort=False)
    # the context right after article_id, where a reader looks for it
    order = list(frame.columns)
    at = order.index("article_id") + 1
    order[at:at] = list(renamed.values())
    return merged[order]


def _cell_text(value: Any, *, names: Mapping[str, str] | None) -> Any:
    """One cell as a spreadsheet shows it: text for lists and records; numbers and missing values left as they are."""
    if _missing(value):
        return None
    if isinstance(value, str):
        text = value
    elif _is_list(value):
        text = LIST_SEPARATOR.join(_item_text(item, names) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, (bool, int, float)):
        return value
    else:
        text = str(value)
    return text


def _item_text(item: Any, names: Mapping[str, str] | None) -> str:
    if _is_list(item):
        parts = [p.item() if hasattr(p, "item") else p for p in item]  # numpy scalars as Python numbers
        if len(parts) == 2 and all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in parts):
            return f"{int(parts[0])}-{int(parts[1])}"  # an offset pair: start-end
        return ", ".join(_item_text(p, names) for p in parts)
    if names is not None and isinstance(item, str):
        return names.get(item, item)
    if isinstance(item, dict):
        return json.dumps(item, ensure_ascii=False, default=str)
    if hasattr(item, "item"):  # a numpy scalar
        item = item.item()
    return str(item)


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and hasattr(value, "__len__"))


def _write_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    # the csv module rather than DataFrame.to_csv: it quotes every text cell, so a newline or a
    # separator inside an article's text never splits a row in a spreadsheet
    writer = csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(["" if _missing(v) else v for v in row])


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _write_xlsx(frame: pd.DataFrame, path: Path, *, sheet: str) -> int:
    """Write one sheet; return how many cells were cut at Excel's limit."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        raise ImportError("An xlsx export needs openpyxl: `pip install openpyxl`.") from None
    from ._io import atomic_path

    def illegal(text: str) -> str:
        return str(ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text))

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31] or "table")  # Excel's limit on sheet names
    truncated = 0

    def cell(value: Any) -> Any:
        nonlocal truncated
        if _missing(value):
            return None
        if hasattr(value, "item") and not isinstance(value, str):
            value = value.item()
        if not isinstance(value, str):
            return value if isinstance(value, (bool, int, float)) else str(value)
        text = illegal(value)  # control characters XML cannot hold, written as escapes
        if len(text) > XLSX_MAX_CELL:
            truncated += 1
            text = text[: XLSX_MAX_CELL - len(_TRUNCATED)] + _TRUNCATED
        # written as a string cell in every case: openpyxl would store "=…" as a formula
        from openpyxl.cell import WriteOnlyCell

        written = WriteOnlyCell(worksheet, value=text)
        written.data_type = "s"
        return written

    worksheet.append([cell(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        worksheet.append([cell(v) for v in row])
    with atomic_path(path) as tmp:
        buffer = io.BytesIO()
        workbook.save(buffer)
        Path(tmp).write_bytes(buffer.getvalue())
    return truncated
