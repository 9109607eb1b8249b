"""The corpus step: mentions resolved to entities across the whole corpus.

1. **Recovery** (:mod:`.rules.recovery`). The corpus's known person names, its
   one-word names (standing alone inside a sentence) and the alias table's are
   found, in any romanisation, where the model split ("Ri Son" + "Gwon") or
   missed them.
2. **Within an article** (:mod:`.rules.resolver`) a surname or partial name
   links to the full name used nearest before it ("Morozova" -> "Anna
   Morozova", "Son Gwon" -> "Ri Son Gwon").
3. **Across articles** (:mod:`.rules.merging`) names with the same
   transliteration key merge (Sergei/Sergey, Choe/Choi, Son/Song, Hui/Hee),
   names that differ only in where hyphens and spaces split them merge
   (Sol-Haval/Solhaval), country forms merge with their short name (DPRK,
   Russian Federation), "Long Name (ACRONYM)" pairs merge, a person's name with
   fewer words joins the one fuller name containing it ("Dirk Kempthorne",
   "Dirk A. Kempthorne"), and a lone surname joins the one full name in the
   corpus that ends (or begins) with it; a one-word "person" no full name holds
   joins the same name the corpus reads as a place or organisation. Names whose
   words differ stay apart: similarity alone does not decide, it only produces a
   suggestion; only a person's name spelt one letter apart in articles about the
   same things (never both in one article) merges.
4. **Labels** are repaired by agreement: one name is one entity whatever label
   each sentence gave it, and the entity takes the label its confident mentions
   carry (a multi-word name, a place after "in", a person after a title or
   before a reporting verb weigh more, :mod:`.rules.context`); every mention of
   it carries that label (the model's own label stays in ``spacy_label``).
   Principled exceptions: a city in a line of sports results is a club and stays
   apart; a nationality adjective of a place in the corpus ("Kastovian" beside
   "Kastovia") is NORP; a name the article metadata gives as an outlet is an
   ORG. A capital read as an organisation in an agent role stays the city, with
   ``refers_to``. The tables are written by :mod:`.rules.output`.
5. The **alias table** (:mod:`.rules.aliases`; the ``alias_table`` option, else
   ``OUT/aliases.yaml``) is read back on every run and applied first (its merges
   and never-merge pairs win), then written back with the new suggestions and
   every decision it held. :func:`validate` reads it before any NLP, so a
   broken table stops the run at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .rules.aliases import AliasTable, alias_table_path, load_alias_table, save_alias_table
from .rules.ids import mention_id
from .rules.names import name_key
from .rules.recovery import NAME_TOKENS, recover_known_names
from .rules.resolver import Resolver

__all__ = ["resolve", "corpus_step", "validate", "SUGGESTIONS_TABLE"]

SUGGESTIONS_TABLE = "entity_suggestions"


def validate(options: Mapping[str, Any], out_dir: Any) -> None:
    """The plugin's ``validate`` hook: read the alias table the run will use, before any NLP.

    Raises :class:`~.rules.aliases.AliasTableError` (a ``ValueError``) naming the file, the
    entry and the field; a missing file is fine (the run creates it).
    """
    option = options.get("alias_table")
    if not isinstance(option, AliasTable):
        load_alias_table(alias_table_path(option, out_dir))


def corpus_step(tables: Mapping[str, pd.DataFrame], context: Any) -> dict[str, pd.DataFrame]:
    """The plugin's ``corpus_step``: see :func:`resolve`.

    With no ``alias_table`` option the table is ``OUT/aliases.yaml``, read back so that a
    re-run keeps what the user (or the merge panel) decided there.
    """
    options = dict(getattr(context, "options", {}) or {})
    out_dir = getattr(context, "out_dir", None)
    option = options.get("alias_table")
    return resolve(
        tables,
        alias_table=option if isinstance(option, AliasTable) else alias_table_path(option, out_dir),
        metonymy=bool(options.get("metonymy", True)),
        recover=bool(options.get("recover", True)),
        write_aliases=bool(options.get("write_aliases", True)),
        out_dir=out_dir,
        memo=getattr(context, "memo", None),
    )


def resolve(
    tables: Mapping[str, pd.DataFrame],
    *,
    alias_table: Any = None,
    metonymy: bool = True,
    recover: bool = True,
    write_aliases: bool = True,
    out_dir: Any = None,
    memo: Any = None,
) -> dict[str, pd.DataFrame]:
    """Resolve ``tables["mentions"]`` to entities; returns mentions, entities and suggestions.

    ``memo`` is the step's :class:`toolkit.sdk.StepMemo`, when the run has a cache: recovery keeps
    there the tokens of each article that has no ``name_tokens`` row (the extract's, see
    :func:`.rules.recovery.name_token_row`)."""
    table = alias_table if isinstance(alias_table, AliasTable) else load_alias_table(alias_table)
    mentions = _prepare(tables.get("mentions"))
    # pronouns and descriptions take the entity of the name they stand for, after the names resolve
    described = mentions[mentions["form"] != "name"]
    if len(described):
        mentions = mentions[mentions["form"] == "name"].reset_index(drop=True)
    articles = tables.get("articles")
    if recover and articles is not None and len(articles) and len(mentions):
        mentions = recover_known_names(mentions, articles, table, memo=memo, token_rows=tables.get(NAME_TOKENS))
    # the order of (article_id, start, end) as row numbers: a sorted copy of the whole table
    # (37 MB on 10 000 articles) is made once, for the returned table, after resolution
    order = _sorted_order(mentions)

    outlets: set[tuple[str, ...]] = set()
    if articles is not None and "outlet" in articles.columns:
        outlets = {name_key(str(o)) for o in articles["outlet"].dropna().unique() if str(o).strip()}
    resolver = Resolver(mentions, order, table, articles=articles, outlets=outlets)
    resolver.run()
    mentions, entities, suggestions = resolver.tables(articles, metonymy=metonymy)
    mentions = _with_descriptions(mentions, described)

    target = table.path if table.path is not None else alias_table_path(None, out_dir)
    if write_aliases and target is not None:
        save_alias_table(table.with_suggestions(resolver.suggestions), target)
    return {"mentions": mentions, "entities": entities, SUGGESTIONS_TABLE: suggestions}


def _with_descriptions(mentions: pd.DataFrame, described: pd.DataFrame) -> pd.DataFrame:
    """The resolved name mentions (``form`` "name") and the pronoun and description mentions, each in
    the entity and with the label of its antecedent; one whose antecedent found no entity is dropped."""
    mentions["form"] = "name"
    mentions["antecedent_id"] = None
    if not len(described):
        return mentions
    names = mentions.set_index("mention_id")
    described = described.assign(
        entity_id=described["antecedent_id"].map(names["entity_id"]),
        label=described["antecedent_id"].map(names["label"]),
        refers_to=None,
    )
    described = described[described["entity_id"].notna()][list(mentions.columns)]
    joined = pd.concat([mentions, described], ignore_index=True)
    return joined.iloc[_sorted_order(joined)].reset_index(drop=True)


def _sorted_order(mentions: pd.DataFrame) -> Any:
    """Row numbers of ``mentions`` in (article_id, start, end) order, ties in table order:
    ``sort_values(["article_id", "start", "end"], kind="stable")`` without copying the table.

    >>> frame = pd.DataFrame({"article_id": ["b", "a", "b", "a"], "start": [5, 9, 1, 9], "end": [7, 12, 3, 10]})
    >>> _sorted_order(frame).tolist()
    [3, 1, 2, 0]
    """
    import numpy as np

    codes, _ = pd.factorize(mentions["article_id"], sort=True)
    codes = np.where(codes < 0, codes.max(initial=-1) + 1, codes)  # a missing id sorts last, as in sort_values
    return np.lexsort((mentions["end"].to_numpy(dtype=np.int64), mentions["start"].to_numpy(dtype=np.int64), codes))


def _prepare(frame: pd.DataFrame | None) -> pd.DataFrame:
    columns = [
        "article_id",
        "start",
        "end",
        "text",
        "label",
        "entity_id",
        "mention_id",
        "spacy_label",
        "source",
        "refers_to_name",
        "form",
        "antecedent_id",
    ]
    if frame is None or not len(frame):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frame = frame.copy()
    for col in columns:
        if col not in frame.columns:
            frame[col] = None
    frame["start"] = frame["start"].astype(int)
    frame["end"] = frame["end"].astype(int)
    missing = frame["mention_id"].isna()
    if missing.any():
        frame.loc[missing, "mention_id"] = [
            mention_id(a, s, e)
            for a, s, e in frame.loc[missing, ["article_id", "start", "end"]].itertuples(index=False)
        ]
    frame["spacy_label"] = frame["spacy_label"].where(frame["spacy_label"].notna(), frame["label"])
    frame["source"] = frame["source"].fillna("model")
    frame["form"] = frame["form"].fillna("name")
    return frame
