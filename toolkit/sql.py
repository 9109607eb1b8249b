"""SQL over an analysis folder's tables with DuckDB (the ``sql`` extra: ``pip install "presslens[sql]"``).

Every ``<table>.parquet`` that ``presslens analyze --out FOLDER`` wrote becomes a view of the
same name, so a query reads like the table list in the README::

    db = toolkit.sql.connect("deal")
    db.sql("select outlet, count(*) from articles group by 1 order by 2 desc").df()

The views read the files where they are: nothing is copied, and a later run's tables are
seen by a new connection.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from . import _extras

__all__ = ["connect"]

# a view name is written into SQL: only plain identifiers (every table PressLens writes is one)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def connect(folder: str | os.PathLike[str], *, database: str = ":memory:") -> Any:
    """A DuckDB connection with one view per Parquet table in ``folder``.

    Files whose names are not plain identifiers are left out (query them with
    ``read_parquet('path')``). Raises ``FileNotFoundError`` if ``folder`` holds no table.
    """
    _extras.require("sql", feature="toolkit.sql.connect")
    import duckdb

    root = Path(folder)
    tables = sorted(p for p in root.glob("*.parquet") if _NAME.fullmatch(p.stem))
    if not tables:
        raise FileNotFoundError(
            f"No Parquet tables in {root}. Expected the output folder of `presslens analyze ... --out {root}`."
        )
    db = duckdb.connect(database)
    for path in tables:
        literal = str(path.resolve()).replace("'", "''")  # DuckDB takes no parameters in CREATE VIEW
        db.execute(f"create or replace view \"{path.stem}\" as select * from read_parquet('{literal}')")
    return db
