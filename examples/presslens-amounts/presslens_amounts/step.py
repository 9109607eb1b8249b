"""Once per corpus: in how many articles does the same figure appear?

A figure repeated across outlets (the same ``$1.5 billion``) is often one
source's number travelling; a reader checking it wants to see where else it
appears. The step adds ``n_articles`` to the ``amounts`` table.

>>> import pandas as pd
>>> amounts = pd.DataFrame({"article_id": ["a", "b", "b"], "value": [5.0, 5.0, 5.0],
...                         "unit": ["USD", "USD", "USD"]})
>>> corpus_step({"amounts": amounts}, None)["amounts"]["n_articles"].tolist()
[2, 2, 2]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["COLUMNS", "corpus_step"]

# the table's columns, in order; an analysis that found no amount still writes them
COLUMNS = {
    "amount_id": "string",
    "article_id": "string",
    "start": "int64",
    "end": "int64",
    "text": "string",
    "value": "float64",
    "unit": "string",
    "kind": "string",
    "n_articles": "int64",
}


def corpus_step(tables: Mapping[str, pd.DataFrame], context: Any) -> dict[str, pd.DataFrame]:
    """The ``amounts`` table with ``n_articles`` (articles giving the same value and unit), typed columns."""
    amounts = tables.get("amounts")
    if amounts is None or amounts.empty:
        return {"amounts": pd.DataFrame({c: pd.Series([], dtype=t) for c, t in COLUMNS.items()})}
    amounts = amounts.copy()
    amounts["n_articles"] = amounts.groupby(["value", "unit"], dropna=False)["article_id"].transform("nunique")
    ordered = [c for c in COLUMNS if c in amounts.columns] + [c for c in amounts.columns if c not in COLUMNS]
    return {"amounts": amounts[ordered].astype({c: t for c, t in COLUMNS.items() if c in amounts.columns})}
