"""The plugin author's surface: everything a plugin may import from the core.

A plugin (standard or third-party) imports ``toolkit.sdk`` and the public
``toolkit`` names, never a private core module and never another plugin; a
test reads every plugin's imports and holds them to that. What is here is
stable for plugin authors:

- registration: :class:`Plugin`, :func:`lazy`, :class:`StepContext` (with its
  :class:`StepMemo`, what a corpus step keeps between runs), and the
  records a plugin declares what the core composes with: :class:`SelectionPart`,
  :class:`HighlightLayer`, :class:`ReportSection`;
- ids and tables: :func:`stable_id`, :func:`conform`, :func:`empty_table`,
  :func:`values`, :func:`itertuples`;
- documents: :func:`doc_text`, :func:`load_model`;
- word lists: :func:`word_list`, :func:`lexicon` (data files in a package's
  ``lexicon/`` folder; the core's own holds lists several plugins share, such as
  ``speech_verbs``);
- dates: :func:`timex_range` (the TIMEX3 ``value`` column of the output contract
  as the days it covers);
- views: :class:`Selection` and the view helpers (offline charts, SVG export,
  brush to dates, paging, escaped HTML in :mod:`toolkit.html`), and
  :class:`RowTable`, the one clickable table every list view draws its rows in
  (:func:`row_table_html`, :func:`csv_text`), and :class:`LiveHTML` for the other
  HTML a view redraws;
- memory: :func:`release_free_memory`.

Names resolve on first use, so ``from toolkit.sdk import Plugin, lazy`` in a
plugin's ``__init__`` imports neither spaCy nor Altair.

>>> from toolkit import sdk
>>> sorted(set(sdk.__all__) - set(dir(sdk)))
[]
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import importlib
import importlib.resources
import json
import re
from typing import Any

__all__ = [
    # registration
    "Plugin",
    "StepContext",
    "StepMemo",
    "lazy",
    "SelectionPart",
    "HighlightLayer",
    "ReportSection",
    # ids and tables
    "stable_id",
    "conform",
    "empty_table",
    "SCHEMAS",
    "values",
    "itertuples",
    # documents
    "doc_text",
    "load_model",
    "boilerplate_reason",
    # word lists
    "word_list",
    "lexicon",
    # dates
    "timex_range",
    # views
    "Selection",
    "cached",
    "prepare",
    "columns_frame",
    "chart_records",
    "chart_widget",
    "redraws",
    "spec_template",
    "spec_with_data",
    "svg",
    "date_axis",
    "interval_to_dates",
    "page_note",
    "PAGE_ROWS",
    "DistinctPairs",
    "RowTable",
    "LiveHTML",
    "row_table_html",
    "csv_text",
    "html",
    # memory
    "release_free_memory",
]

# public name -> (module, attribute); resolved on first access like ``toolkit`` itself
_LAZY = {
    "Plugin": ("toolkit.registry", "Plugin"),
    "StepContext": ("toolkit.registry", "StepContext"),
    "StepMemo": ("toolkit._memo", "StepMemo"),
    "lazy": ("toolkit.registry", "lazy"),
    "SelectionPart": ("toolkit.registry", "SelectionPart"),
    "HighlightLayer": ("toolkit.registry", "HighlightLayer"),
    "ReportSection": ("toolkit.registry", "ReportSection"),
    "conform": ("toolkit.schemas", "conform"),
    "empty_table": ("toolkit.schemas", "empty_table"),
    "SCHEMAS": ("toolkit.schemas", "SCHEMAS"),
    "values": ("toolkit._columns", "values"),
    "itertuples": ("toolkit._columns", "itertuples"),
    "doc_text": ("toolkit.nlp", "doc_text"),
    "load_model": ("toolkit.nlp", "load_model"),
    "boilerplate_reason": ("toolkit.cleaning", "boilerplate_reason"),
    "Selection": ("toolkit.views", "Selection"),
    "cached": ("toolkit.views", "cached"),
    "prepare": ("toolkit.views", "prepare"),
    "columns_frame": ("toolkit.views", "columns_frame"),
    "chart_records": ("toolkit.views", "chart_records"),
    "chart_widget": ("toolkit.views", "chart_widget"),
    "redraws": ("toolkit.views", "redraws"),
    "spec_template": ("toolkit.views", "spec_template"),
    "spec_with_data": ("toolkit.views", "spec_with_data"),
    "svg": ("toolkit.views", "svg"),
    "date_axis": ("toolkit.views", "date_axis"),
    "interval_to_dates": ("toolkit.views", "interval_to_dates"),
    "page_note": ("toolkit.views", "page_note"),
    "PAGE_ROWS": ("toolkit.views", "PAGE_ROWS"),
    "DistinctPairs": ("toolkit.views", "DistinctPairs"),
    "RowTable": ("toolkit._table_widget", "RowTable"),
    "LiveHTML": ("toolkit._table_widget", "LiveHTML"),
    "row_table_html": ("toolkit._table_widget", "row_table_html"),
    "csv_text": ("toolkit._table_widget", "csv_text"),
    "html": ("toolkit.html", None),
    "release_free_memory": ("toolkit._memory", "release_free_memory"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'toolkit.sdk' has no attribute {name!r}") from None
    loaded = importlib.import_module(module)
    value = loaded if attribute is None else getattr(loaded, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def stable_id(*parts: object, prefix: str = "", length: int = 12, sep: str = "\x00") -> str:
    """A short id that depends only on ``parts``: the same input gives the same id in every run.

    The parts are joined with ``sep`` and hashed (SHA-1, hex); the id is
    ``prefix`` plus the first ``length`` hex digits. Ids are written into tables
    and into files people keep (alias tables, exported CSVs), so a plugin keeps
    its recipe (prefix, length, separator) once it has shipped.

    >>> stable_id("a1", 0, 5, prefix="q-", length=16)
    'q-2f81318782154265'
    >>> stable_id("a1", 0, 5, prefix="q-", length=16) == stable_id("a1", 0, 6, prefix="q-", length=16)
    False
    """
    key = sep.join(str(part) for part in parts)
    return prefix + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:length]


@functools.cache
def word_list(name: str, *, package: str = "toolkit") -> frozenset[str]:
    """The entries of ``<package>/lexicon/<name>.txt``: one per line, ``#`` starts a comment.

    A plugin keeps its word lists as data files (``word_list("titles",
    package=__package__)``) so that a list is defined once, can be read and
    reviewed without reading code, and is hashed into the cache key like the
    code. Lists several plugins share live in the core's ``toolkit/lexicon``.

    >>> {"say", "deny"} <= word_list("speech_verbs")
    True
    """
    source = importlib.resources.files(package).joinpath("lexicon", f"{name}.txt")
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"No word list {name!r} in package {package!r}: expected the file "
            f"{package.replace('.', '/')}/lexicon/{name}.txt."
        ) from None
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(entry for entry in entries if entry)


@functools.cache
def lexicon(name: str, *, package: str = "toolkit") -> Any:
    """The parsed ``<package>/lexicon/<name>.json``: word lists with structure (mappings, ordered lists).

    Cached: callers get the same object back, so they must not change it.
    """
    source = importlib.resources.files(package).joinpath("lexicon", f"{name}.json")
    try:
        return json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"No lexicon {name!r} in package {package!r}: expected the file "
            f"{package.replace('.', '/')}/lexicon/{name}.json."
        ) from None


# TIMEX3 season codes -> (first month, last month); winter runs into the next year
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11), "WI": (12, 14)}
_HALF_MONTHS = {"1": (1, 6), "2": (7, 12)}


def timex_range(value: object) -> tuple[dt.date, dt.date] | None:
    """The first and last day a TIMEX3 date value covers; ``None`` when it names no span of days.

    Days, months, ISO weeks (and their weekends), quarters, halves, seasons,
    years, decades (``202``) and centuries (``20``) are understood, as is an
    explicit ``start/end`` range. Values with unknown parts (``XXXX-10-18``),
    references (``PAST_REF``) and durations (``P3D``) give ``None``. The
    timeline, the claims and the exercises all read dates through this one
    function, so a week or a season means the same days everywhere.

    >>> timex_range("2023-10")
    (datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
    >>> timex_range("2022-SU")
    (datetime.date(2022, 6, 1), datetime.date(2022, 8, 31))
    >>> timex_range("2023-WI")
    (datetime.date(2023, 12, 1), datetime.date(2024, 2, 29))
    >>> timex_range("2024-W02-WE")
    (datetime.date(2024, 1, 13), datetime.date(2024, 1, 14))
    >>> timex_range("2024-01-08/2024-01-14")
    (datetime.date(2024, 1, 8), datetime.date(2024, 1, 14))
    >>> timex_range("2023-Q4"), timex_range("XXXX-10-18"), timex_range(None)
    ((datetime.date(2023, 10, 1), datetime.date(2023, 12, 31)), None, None)
    """
    if value is None or (isinstance(value, float) and value != value) or value is _NA():
        return None
    text = str(value).strip()
    if "/" in text:
        left, right = (timex_range(part) for part in text.split("/", 1))
        return (left[0], right[1]) if left and right and left[0] <= right[1] else None
    try:
        return _range_of(text)
    except (ValueError, OverflowError):  # a month 13, a week 54, a year 0: no such days
        return None


def _NA() -> object:
    # pandas' missing value without importing pandas here (it is imported by then if a table holds it)
    import sys

    pandas = sys.modules.get("pandas")
    return pandas.NA if pandas is not None else None


def _months(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    return dt.date(year, first, 1), dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def _range_of(text: str) -> tuple[dt.date, dt.date] | None:
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T.*)?", text):
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return _months(int(m[1]), int(m[2]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", text):
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m[3]:
            return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)
        return monday, monday + dt.timedelta(days=6)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        last = 3 * int(m[2])
        return _months(int(m[1]), last - 2, last)
    if m := re.fullmatch(r"(\d{4})-H([12])", text):
        return _months(int(m[1]), *_HALF_MONTHS[m[2]])
    if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|AU|WI)", text):
        return _months(int(m[1]), *_SEASON_MONTHS[m[2]])
    if m := re.fullmatch(r"(\d{4})", text):
        return _months(int(m[1]), 1, 12)
    if m := re.fullmatch(r"(\d{3})", text):  # a decade: 202 = 2020-2029
        return _months(max(1, int(m[1]) * 10), 1, 1)[0], _months(int(m[1]) * 10 + 9, 12, 12)[1]
    if m := re.fullmatch(r"(\d{2})", text):  # a century: 20 = 2000-2099, as TIMEX3 writes it
        return _months(max(1, int(m[1]) * 100), 1, 1)[0], _months(int(m[1]) * 100 + 99, 12, 12)[1]
    return None
