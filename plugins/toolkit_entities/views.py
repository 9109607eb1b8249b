"""Views (ipywidgets) and static renderers of the entities plugin.

Every view observes the shared :class:`toolkit.Selection`, may set it, and has
``rows()`` giving the DataFrame it shows. Every renderer returns escaped HTML
with no kernel and no network. Data first: the ``*_rows`` functions compute the
tables, the widgets and renderers only show them.

>>> import pandas as pd
>>> from toolkit import Corpus
>>> corpus = Corpus({})
>>> entity_rows(corpus).columns.tolist()[:3]
['entity_id', 'name', 'label']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit import html as h
from toolkit.sdk import (
    PAGE_ROWS,
    DistinctPairs,
    cached,
    chart_widget,
    columns_frame,
    page_note,
    prepare,
    spec_template,
    spec_with_data,
)

__all__ = [
    "entity_rows",
    "kwic_rows",
    "timeline_rows",
    "suggestion_rows",
    "mention_spans",
    "render_entity_table",
    "render_kwic",
    "render_mentions_over_time",
    "render_merge_suggestions",
    "entity_table_view",
    "kwic_view",
    "mentions_over_time_view",
    "merge_suggestions_view",
    "mentions_chart",
]

_ENTITY_COLUMNS = [
    "entity_id",
    "name",
    "label",
    "aliases",
    "n_mentions",
    "n_articles",
    "first_published",
    "last_published",
]
_TABLE_COLUMNS = ["name", "label", "aliases", "n_mentions", "n_articles", "first_published", "last_published"]
_TABLE_HEADERS = ["name", "label", "aliases", "mentions", "articles", "first", "last"]
_SORTS = ("n_mentions", "n_articles", "name", "first_published", "last_published")


# --- data ---------------------------------------------------------------------------------
def _names(corpus: Any) -> pd.DataFrame:
    """The name mentions: pronouns and descriptions joined to an entity (``form`` "pronoun" or
    "nominal", the ``descriptions`` option) are left out of the name views and charts. The table
    itself when it holds names only, so the views' caches keyed on it still hold."""
    mentions = corpus.mentions
    if "form" not in mentions.columns:
        return mentions

    def build() -> pd.DataFrame:
        names = mentions["form"].fillna("name") == "name"
        return mentions if bool(names.all()) else mentions[names].reset_index(drop=True)

    return cached(corpus, "entities:name-mentions", build, sources=(corpus.mentions,))


def _mentions_in_scope(corpus: Any, selection: Any) -> pd.DataFrame:
    mentions = _names(corpus)
    if selection is not None and (selection.articles or selection.date_range):
        mentions = selection.narrow(mentions, corpus, parts=("articles", "date_range"))
    return mentions


def _mention_dates(corpus: Any) -> pd.Series:
    """Each mention's publication date (computed once per corpus)."""
    return cached(
        corpus,
        "entities:mention-dates",
        lambda: _names(corpus)["article_id"].map(_published(corpus)),
        sources=(corpus.mentions, corpus.articles),
    )


def _published(corpus: Any) -> pd.Series:
    arts = corpus.articles
    return (
        pd.Series(arts["published"].values, index=arts["article_id"].values) if len(arts) else pd.Series(dtype=object)
    )


def entity_rows(
    corpus: Any,
    selection: Any = None,
    *,
    label: str | None = None,
    query: str | None = None,
    sort_by: str = "n_mentions",
    nationalities: bool = False,
) -> pd.DataFrame:
    """The entity table: counts (and first/last publication date) within the
    selection's articles and dates, filtered by label and by a text query on
    names and aliases.

    Nationality adjectives ("Russian", label NORP) are left out unless ``nationalities``
    (or ``label="NORP"``) asks for them: they stand for their country (``mentions.refers_to``)
    and are not among who acts in the story.
    """
    if sort_by not in _SORTS:
        raise ValueError(f"sort_by must be one of {', '.join(_SORTS)}; got {sort_by!r}.")
    entities = corpus.entities
    if not len(entities):
        return pd.DataFrame(columns=_ENTITY_COLUMNS)
    scope = None if selection is None else selection.key(("articles", "date_range"))
    counts = cached(
        corpus,
        "entities:counts",
        lambda: _entity_counts(corpus, selection),
        sources=(corpus.mentions, corpus.articles),
        state=scope,
    )
    # the entities that have counts, in the table's order, with their counts (a merge, without its overhead)
    where = counts.index.get_indexer(entities["entity_id"].astype(object))
    frame = entities.loc[where >= 0, ["entity_id", "name", "label", "aliases"]]
    for column in counts.columns:
        frame[column] = counts[column].to_numpy()[where[where >= 0]]
    if label:
        frame = frame[frame["label"] == label]
    elif not nationalities:
        frame = frame[frame["label"] != "NORP"]
    if query:
        needle = query.casefold()
        frame = frame[
            [
                needle in str(n).casefold() or any(needle in str(a).casefold() for a in al)
                for n, al in zip(frame["name"], frame["aliases"])
            ]
        ]
    ascending = sort_by in ("name", "first_published")
    frame = frame.sort_values([sort_by, "name"], ascending=[ascending, True], kind="stable")
    return frame[_ENTITY_COLUMNS].reset_index(drop=True)


def _entity_counts(corpus: Any, selection: Any) -> pd.DataFrame:
    """Per entity mentioned in the selection's articles and dates: mentions, articles, first and last publication.

    Counted over the per-corpus codes of :class:`_MentionCodes` (one
    ``bincount`` each), not a groupby of the mentions per change.
    """
    codes = _mention_codes(corpus)
    keep = _scope_mask(corpus, selection)
    if keep is None:  # the counts over the whole corpus: made once
        if "counts" not in codes.whole:
            codes.whole["counts"] = _counts(codes, None)
        return codes.whole["counts"]
    return _counts(codes, np.flatnonzero(keep))


def _counts(codes: _MentionCodes, rows: np.ndarray | None) -> pd.DataFrame:
    known = codes.entity >= 0 if rows is None else codes.entity[rows] >= 0
    entity = codes.entity[known] if rows is None else codes.entity[rows][known]
    n_entities = len(codes.entity_ids)
    n_mentions = np.bincount(entity, minlength=n_entities)
    present = np.flatnonzero(n_mentions)
    first = codes.entity_days.extreme(rows, n_entities, lowest=True)[present]
    last = codes.entity_days.extreme(rows, n_entities, lowest=False)[present]
    return columns_frame(
        {
            "n_mentions": n_mentions[present],
            "n_articles": codes.entity_articles.distinct(rows, n_entities)[present],
            "first_published": _day_text(codes.days, first),
            "last_published": _day_text(codes.days, last),
        },
        index=pd.Index(codes.entity_ids[present], name="entity_id"),
    )


def _day_text(days: np.ndarray, found: np.ndarray) -> np.ndarray:
    out = np.full(len(found), None, dtype=object)
    out[found >= 0] = days[found[found >= 0]]
    return out


def _scope_mask(corpus: Any, selection: Any) -> np.ndarray | None:
    """The mentions in the selection's articles and dates (``None``: all), shared with every view."""
    if selection is None or not (selection.articles or selection.date_range) or not len(_names(corpus)):
        return None
    return selection.mask(_names(corpus), corpus, parts=("articles", "date_range"))


@dataclass(frozen=True)
class _MentionCodes:
    """Per corpus, built once: each mention's entity and publication date as codes (-1: none).

    Entity and date codes follow the ids' and dates' text order, so ``np.unique``
    over them sorts as a groupby on the texts would, and the lowest date code is the earliest date.
    """

    entity: np.ndarray
    entity_ids: np.ndarray
    day: np.ndarray
    days: np.ndarray
    entity_articles: DistinctPairs  # (entity, article) of the mentions
    entity_days: DistinctPairs  # (entity, publication date) of the mentions
    binned: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False)
    whole: dict[Any, Any] = field(default_factory=dict, compare=False)  # results for the whole corpus

    def bins(self, unit: str) -> tuple[np.ndarray, np.ndarray]:
        """Per date code, the code of its ``unit`` bin (codes in text order) and per bin code its first day."""
        if unit not in self.binned:
            days = pd.Series(self.days, dtype=object)
            when = pd.to_datetime(days.astype(str).str[:10], errors="coerce")
            starts = when.dt.to_period(unit).dt.start_time.dt.strftime("%Y-%m-%d").astype(object)
            starts = starts.where(starts.notna(), days)  # an unreadable date stays as it is
            code, names = pd.factorize(starts, sort=True)
            self.binned[unit] = (code, np.asarray(names, dtype=object))
        return self.binned[unit]


def _mention_codes(corpus: Any) -> _MentionCodes:
    def build() -> _MentionCodes:
        mentions = _names(corpus)
        entity, entity_ids = pd.factorize(mentions["entity_id"].astype(object), sort=True)
        day, days = pd.factorize(_mention_dates(corpus).astype(object), sort=True)
        article, _ = pd.factorize(mentions["article_id"].astype(object))
        return _MentionCodes(
            entity=entity,
            entity_ids=np.asarray(entity_ids, dtype=object),
            day=day,
            days=np.asarray(days, dtype=object),
            entity_articles=DistinctPairs.of(entity, article),
            entity_days=DistinctPairs.of(entity, day),
        )

    return cached(
        corpus, "entities:mention-codes", build, sources=(corpus.mentions, corpus.articles, corpus.entities)
    )  # names are kept with the results


def _entity_names(corpus: Any) -> dict[str, str]:
    return dict(zip(corpus.entities["entity_id"], corpus.entities["name"]))


# --- the article reader's layer ----------------------------------------------------------------


def _mentions_by_article(corpus: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """The mentions sorted by article and offset, with their article ids as an array; once per corpus.

    An article's mentions are then one slice found by two binary searches, not a scan of every mention.
    """

    def build() -> tuple[pd.DataFrame, np.ndarray]:
        mentions = _names(corpus).sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
        return mentions, mentions["article_id"].astype(str).to_numpy(dtype=object)

    return cached(corpus, "entities:mentions-by-article", build, sources=(corpus.mentions,))


def mention_spans(corpus: Any, article_id: str, selection: Any = None) -> pd.DataFrame:
    """The reader's mentions layer: each name mention of one article, labelled, with its entity's name.

    Mentions of the selected entities say so in their tooltip.

    >>> from toolkit import Corpus
    >>> mentions = pd.DataFrame({"article_id": ["a", "a", "b"], "start": [9, 0, 0], "end": [12, 4, 4],
    ...     "text": ["Bob", "Anna", "Anna"], "label": ["PERSON"] * 3, "entity_id": ["E2", "E1", "E1"]})
    >>> entities = pd.DataFrame({"entity_id": ["E1", "E2"], "name": ["Anna Berg", "Bob"]})
    >>> mention_spans(Corpus({"mentions": mentions, "entities": entities}), "a")["title"].tolist()
    ['Anna Berg (PERSON)', 'Bob (PERSON)']
    """
    columns = ["start", "end", "label", "title"]
    if not len(corpus.mentions):
        return pd.DataFrame(columns=columns)
    mentions, ids = _mentions_by_article(corpus)
    first, last = np.searchsorted(ids, str(article_id), "left"), np.searchsorted(ids, str(article_id), "right")
    rows = mentions.iloc[first:last]
    names = cached(corpus, "entities:names", lambda: _entity_names(corpus), sources=(corpus.entities,))
    selected = set(selection.entities) if selection is not None else set()
    titles = [
        f"{names.get(e, t)} ({lab})" + (" — selected" if e in selected else "")
        for e, t, lab in zip(rows["entity_id"].tolist(), rows["text"].tolist(), rows["label"].tolist())
    ]
    return pd.DataFrame(
        {
            "start": rows["start"].tolist(),
            "end": rows["end"].tolist(),
            "label": rows["label"].tolist(),
            "title": titles,
        },
        columns=columns,
    )


def kwic_rows(
    corpus: Any, selection: Any = None, *, entity_ids: Sequence[str] | None = None, window: int = 60
) -> pd.DataFrame:
    """Keyword in context: each mention of the chosen entities with the text around it."""
    chosen = list(entity_ids) if entity_ids else (list(selection.entities) if selection is not None else [])
    columns = ["article_id", "published", "entity_id", "name", "label", "left", "mention", "right", "start", "end"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    contexts = _contexts(corpus, window)
    from toolkit.sdk import Selection

    scope = Selection(
        entities=chosen,
        articles=list(selection.articles) if selection is not None else [],
        date_range=selection.date_range if selection is not None else None,
    )
    frame = scope.narrow(contexts, corpus, parts=("entities", "articles", "date_range"))
    return frame.reset_index(drop=True)  # the contexts have exactly ``columns``


def _contexts(corpus: Any, window: int) -> pd.DataFrame:
    """Every mention with its context, sorted by date (built once per corpus and window)."""

    def build() -> pd.DataFrame:
        columns = ["article_id", "published", "entity_id", "name", "label", "left", "mention", "right", "start", "end"]
        mentions = _names(corpus)
        texts = dict(zip(corpus.articles["article_id"], corpus.articles["text"]))
        left, middle, right = [], [], []
        for article_id, start, end in zip(mentions["article_id"], mentions["start"], mentions["end"]):
            text = str(texts.get(article_id, ""))
            start, end = int(start), int(end)
            left.append(" ".join(text[max(0, start - window) : start].split()))
            middle.append(text[start:end])
            right.append(" ".join(text[end : end + window].split()))
        frame = pd.DataFrame(
            {
                "article_id": mentions["article_id"].to_numpy(),
                "published": _mention_dates(corpus).to_numpy(),
                "entity_id": mentions["entity_id"].to_numpy(),
                "name": mentions["entity_id"].map(_entity_names(corpus)).to_numpy(),
                "label": mentions["label"].to_numpy(),
                "left": left,
                "mention": middle,
                "right": right,
                "start": mentions["start"].astype(int).to_numpy(),
                "end": mentions["end"].astype(int).to_numpy(),
            },
            columns=columns,
        )
        return frame.sort_values(["published", "article_id", "start"], na_position="last").reset_index(drop=True)

    return cached(corpus, ("entities:kwic", window), build, sources=(corpus.mentions, corpus.articles, corpus.entities))


def timeline_rows(
    corpus: Any, selection: Any = None, *, top: int = 8, max_points: int = 2000, nationalities: bool = False
) -> pd.DataFrame:
    """Mentions per entity per publication date (the selected entities, else the ``top`` most mentioned),
    summed by week, month or year when there are more than ``max_points`` (entity, date) rows.
    Nationality adjectives (NORP) are not among the top unless ``nationalities``."""
    columns = ["entity_id", "name", "label", "published", "n_mentions"]
    if not len(corpus.mentions):
        return pd.DataFrame(columns=columns)
    codes = _mention_codes(corpus)
    keep = _scope_mask(corpus, selection)
    if keep is None and not (selection is not None and selection.entities):
        # the chart of the whole corpus comes back whenever the selection is cleared: made once
        key = ("timeline", top, max_points, nationalities)
        if key not in codes.whole:
            codes.whole[key] = _timeline_rows(
                corpus, codes, None, selection, top=top, max_points=max_points, nationalities=nationalities
            )
        return codes.whole[key]
    return _timeline_rows(corpus, codes, keep, selection, top=top, max_points=max_points, nationalities=nationalities)


def _timeline_rows(
    corpus: Any,
    codes: _MentionCodes,
    keep: np.ndarray | None,
    selection: Any,
    *,
    top: int,
    max_points: int,
    nationalities: bool = False,
) -> pd.DataFrame:
    columns = ["entity_id", "name", "label", "published", "n_mentions"]
    rows = np.flatnonzero(codes.entity >= 0) if keep is None else np.flatnonzero(keep & (codes.entity >= 0))
    entity = codes.entity[rows]
    n_entities = len(codes.entity_ids)
    wanted = np.zeros(n_entities + 1, dtype=bool)  # by entity code; the last slot stands for "none"
    if selection is not None and selection.entities:
        found = pd.Index(codes.entity_ids).get_indexer(pd.Index(list(selection.entities), dtype=object))
        wanted[found[found >= 0]] = True
    elif len(entity):
        # the most mentioned, ties in the order they first appear (as value_counts orders them)
        counts = np.bincount(entity, minlength=n_entities)
        if not nationalities:
            counts[_entity_lookup(corpus, codes)[2][:n_entities] == "NORP"] = 0
        first = np.full(n_entities, len(entity), dtype=np.int64)
        np.minimum.at(first, entity, np.arange(len(entity)))
        order = np.lexsort((first, -counts))
        wanted[order[:top][counts[order[:top]] > 0]] = True
    day = codes.day[rows]
    use = wanted[entity] & (day >= 0)
    if not use.any():
        return pd.DataFrame(columns=columns)
    entity, day = entity[use], day[use]
    width = max(len(codes.days), 1)
    cells, n = np.unique(entity * width + day, return_counts=True)  # sorted by entity id, then date
    when, names = cells % width, codes.days
    daily, daily_n = cells, n
    for unit in ("W-MON", "M", "Y"):  # more (entity, date) rows than a chart shows: sum them by week, month, year
        if len(cells) <= max_points:
            break
        bin_of, names = codes.bins(unit)  # per date code its bin code (bins in text order) and the bins' first days
        cells, inverse = np.unique(daily // width * width + bin_of[daily % width], return_inverse=True)
        n = np.bincount(inverse.ravel(), weights=daily_n).astype(np.int64)
        when = cells % width
    entity = cells // width
    name, name_rank, label = _entity_lookup(corpus, codes)
    order = np.lexsort((name_rank[entity], when))  # by date, then name (stable): date codes follow the text
    entity, when, n = entity[order], when[order], n[order]
    return columns_frame(
        {
            "entity_id": codes.entity_ids[entity],
            "name": name[entity],
            "label": label[entity],
            "published": names[when],
            "n_mentions": n.astype(np.int64),
        }
    )


def _entity_lookup(corpus: Any, codes: _MentionCodes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per mention entity code: its name, the name's rank in text order (no name: last) and its label."""
    if "lookup" not in codes.whole:
        entities = corpus.entities.drop_duplicates("entity_id").set_index("entity_id")
        found = pd.Index(entities.index.astype(object)).get_indexer(pd.Index(codes.entity_ids, dtype=object))

        def column(name: str) -> np.ndarray:
            values = np.full(len(found), None, dtype=object)
            if name in entities.columns:
                values[found >= 0] = entities[name].astype(object).to_numpy()[found[found >= 0]]
            return np.asarray(
                [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in values],
                dtype=object,
            )

        name = column("name")
        rank, _ = pd.factorize(pd.Series(name, dtype=object), sort=True)
        codes.whole["lookup"] = (name, np.where(rank >= 0, rank, len(name)), column("label"))
    return codes.whole["lookup"]


def _alias_path(corpus: Any, alias_table: Any = None) -> Path | None:
    """The table the panel saves to: the one the next run into the corpus's folder reads back."""
    from .rules.aliases import alias_table_path

    if alias_table is not None:
        return Path(alias_table)
    configured = (corpus.manifest.get("configuration", {}).get("options", {}).get("entities", {}) or {}).get(
        "alias_table"
    )
    return alias_table_path(configured, corpus.path)


def suggestion_rows(corpus: Any, selection: Any = None, *, alias_table: Any = None) -> pd.DataFrame:
    """The merge suggestions, with the decision the alias table holds now."""
    from .rules.aliases import load_alias_table

    columns = ["suggestion_id", "name_a", "name_b", "label", "evidence", "applied", "status"]
    frame = corpus.tables.get("entity_suggestions")
    frame = pd.DataFrame(columns=columns) if frame is None else frame.copy()
    path = _alias_path(corpus, alias_table)
    if path is not None and path.exists() and len(frame):
        decided = {s.suggestion_id: s.status for s in load_alias_table(path).suggestions}
        frame["status"] = [decided.get(sid, st) for sid, st in zip(frame["suggestion_id"], frame["status"])]
    if selection is not None and selection.entities and len(frame):
        names = set()
        for aliases, name in corpus.entities.loc[
            corpus.entities["entity_id"].isin(selection.entities), ["aliases", "name"]
        ].itertuples(index=False):
            names |= {name, *aliases}
        frame = frame[frame["name_a"].isin(names) | frame["name_b"].isin(names)]
    return frame[columns].reset_index(drop=True)


# --- static renderers ------------------------------------------------------------------------
def render_entity_table(
    corpus: Any,
    selection: Any = None,
    *,
    label: str | None = None,
    query: str | None = None,
    sort_by: str = "n_mentions",
    max_rows: int = 500,
    nationalities: bool = False,
    **_: Any,
) -> str:
    rows = entity_rows(corpus, selection, label=label, query=query, sort_by=sort_by, nationalities=nationalities)
    shown = rows.assign(aliases=[", ".join(a) for a in rows["aliases"]])
    return h.section(
        "Entities",
        h.table(
            shown,
            columns=["name", "label", "aliases", "n_mentions", "n_articles", "first_published", "last_published"],
            max_rows=max_rows,
        ),
    )


def _kwic_html(rows: pd.DataFrame, max_rows: int = 500) -> str:
    if not len(rows):
        return '<p class="pl-muted">Select an entity to see its mentions in context.</p>'
    shown = rows.head(max_rows)
    cells = [
        [h.escape(v) for v in shown[c].tolist()]
        for c in ("published", "article_id", "left", "mention", "label", "right")
    ]
    body = [
        f'<tr><td class="pl-date">{published}</td><td>{article}</td><td style="text-align:right">{left}</td>'
        f'<td><b>{mention}</b> <span class="pl-muted">{label}</span></td><td>{right}</td></tr>'
        for published, article, left, mention, label, right in zip(*cells)
    ]
    return (
        '<div class="pl-scroll"><table class="pl-table"><thead><tr><th>published</th><th>article</th>'
        "<th>before</th><th>mention</th>"
        f"<th>after</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def render_kwic(
    corpus: Any,
    selection: Any = None,
    *,
    entity_ids: Sequence[str] | None = None,
    window: int = 60,
    static: bool = False,
    **_: Any,
) -> str:
    """Mentions of the chosen entities in context; ``static`` (a page with no scripts): nothing when none is chosen."""
    rows = kwic_rows(corpus, selection, entity_ids=entity_ids, window=window)
    if static and not len(rows):  # "select an entity" is a hint nobody can follow in a page without scripts
        return ""
    return h.section("Keyword in context", _kwic_html(rows))


_MENTIONS_DATA = "presslens_mentions"
_MENTIONS_COLUMNS = ["entity_id", "name", "label", "published", "n_mentions"]


def mentions_chart(rows: pd.DataFrame) -> Any:
    """The Altair chart of mentions over time (a spec: test it with ``to_dict()``)."""
    import altair as alt

    from toolkit.sdk import date_axis

    pick = alt.selection_point(fields=["entity_id"], name="pick")
    return (
        alt.Chart(rows)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60))
        .encode(
            x=alt.X("published:T", title="publication date", axis=date_axis()),
            y=alt.Y("n_mentions:Q", title="mentions", axis=alt.Axis(tickMinStep=1)),
            # colour names the entity in the legend; the point shape is a second cue with no legend of its own
            # (the line's colour-only marks would not merge with it: two legends titled "entity" showed)
            color=alt.Color("name:N", title="entity", scale=alt.Scale(scheme="tableau10")),
            shape=alt.Shape("name:N", title="entity", legend=None),
            strokeDash=alt.StrokeDash("label:N", title="entity type"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=["name:N", "label:N", "published:T", "n_mentions:Q"],
        )
        .add_params(pick)
        .properties(width=560, height=240, title="Mentions over time")
    )


def render_mentions_over_time(
    corpus: Any, selection: Any = None, *, top: int = 8, nationalities: bool = False, **_: Any
) -> str:
    rows = timeline_rows(corpus, selection, top=top, nationalities=nationalities)
    if not len(rows):
        return h.section("Mentions over time", '<p class="pl-muted">No dated mentions to chart.</p>')
    table = h.table(rows, columns=["published", "name", "label", "n_mentions"])
    try:
        import vl_convert

        svg = vl_convert.vegalite_to_svg(mentions_chart(rows).to_dict())  # SVG text is XML-escaped by Vega
    except ImportError:
        svg = '<p class="pl-muted">Install vl-convert-python for the chart (pip install vl-convert-python).</p>'
    return h.section("Mentions over time", f"<figure>{svg}</figure><details><summary>data</summary>{table}</details>")


def render_merge_suggestions(corpus: Any, selection: Any = None, *, alias_table: Any = None, **_: Any) -> str:
    rows = suggestion_rows(corpus, selection, alias_table=alias_table)
    shown = rows.assign(what=["merged by PressLens" if a else "proposed" for a in rows["applied"]])
    return h.section("Merge suggestions", h.table(shown, columns=["name_a", "name_b", "what", "status", "evidence"]))


# --- widgets -----------------------------------------------------------------------------------
def entity_table_view(corpus: Any, selection: Any, **options: Any) -> Any:
    """Sortable, filterable entity table; clicking a row (or Enter on it) selects that entity, again lets go."""
    import ipywidgets as widgets

    from toolkit.sdk import RowTable, row_table_html

    prepare(_names(corpus), corpus, parts=("articles", "date_range"))  # so the first change is not the slow one

    labels = sorted(corpus.entities["label"].dropna().unique()) if len(corpus.entities) else []
    query = widgets.Text(placeholder="filter names and aliases", description="Filter")
    label = widgets.Dropdown(options=[("all labels", "")] + [(x, x) for x in labels], description="Label")
    sort = widgets.Dropdown(options=list(_SORTS), value="n_mentions", description="Sort by")
    # nationality adjectives stand for their country: hidden unless asked for
    nationalities = widgets.Checkbox(value=bool(options.get("nationalities", False)), description="nationalities")
    state: dict[str, Any] = {}
    table = RowTable(rows=lambda: state["rows"], filename="entities.csv")

    def refresh(_: Any = None) -> None:
        # the rows depend on the articles and dates chosen and the filters, not on the entity picked:
        # picking one only moves the marker
        key = (selection.key(("articles", "date_range")), label.value, query.value, sort.value, nationalities.value)
        if state.get("key") != key:
            rows = entity_rows(
                corpus,
                selection,
                label=label.value or None,
                query=query.value or None,
                sort_by=sort.value,
                nationalities=nationalities.value,
            )
            state.update(key=key, rows=rows)
        rows = state["rows"]
        shown = rows.head(PAGE_ROWS)
        picked = rows[rows["entity_id"].isin(selection.entities)] if selection.entities else rows.head(0)
        shown = pd.concat([picked, shown[~shown["entity_id"].isin(picked["entity_id"])]]) if len(picked) else shown
        table.html = row_table_html(
            shown,
            id_column="entity_id",
            columns=_TABLE_COLUMNS,
            headers=_TABLE_HEADERS,
            selected=selection.entities,
            max_rows=PAGE_ROWS + len(picked),
            total=len(rows),
        )

    def pick(entity_id: str) -> None:
        selection.entities = [] if list(selection.entities) == [entity_id] else [entity_id]

    for control in (query, label, sort, nationalities):
        control.observe(refresh, names="value")
    table.on_pick(pick)
    selection.on_change(refresh, parts=("entities", "articles", "date_range"))
    refresh()
    controls = widgets.HBox([query, label, sort, nationalities], layout=widgets.Layout(flex_flow="row wrap"))
    box = widgets.VBox([controls, table])
    box.rows = lambda: state["rows"]
    box.table = table
    box.filters = {"query": query, "label": label, "sort": sort, "nationalities": nationalities}
    return box


def kwic_view(corpus: Any, selection: Any, *, window: int = 60, **options: Any) -> Any:
    """Keyword-in-context lines for the selected entity across articles."""
    import ipywidgets as widgets

    from toolkit.sdk import LiveHTML

    width = widgets.IntSlider(value=window, min=20, max=200, step=10, description="Context")
    out = LiveHTML()
    state: dict[str, Any] = {}

    def refresh(_: Any = None) -> None:
        rows = kwic_rows(corpus, selection, window=width.value)
        state["rows"] = rows
        out.value = h.section(
            "Keyword in context", _kwic_html(rows, PAGE_ROWS) + page_note(min(len(rows), PAGE_ROWS), len(rows))
        )

    width.observe(refresh, names="value")
    selection.on_change(refresh, parts=("entities", "articles", "date_range"))
    # once, while the view is built, so the first entity picked is not the slow one
    prepare(_contexts(corpus, window), corpus, parts=("entities", "articles", "date_range"))
    refresh()
    box = widgets.VBox([width, out])
    box.rows = lambda: state["rows"]
    return box


def mentions_over_time_view(
    corpus: Any, selection: Any, *, top: int = 8, nationalities: bool = False, **options: Any
) -> Any:
    """Altair chart of mentions per publication date; clicking a line selects the entity."""
    import ipywidgets as widgets

    prepare(_names(corpus), corpus, parts=("articles", "date_range"))
    holder = widgets.VBox()
    state: dict[str, Any] = {}
    template = spec_template(mentions_chart(pd.DataFrame(columns=_MENTIONS_COLUMNS)), _MENTIONS_DATA)

    def refresh(_: Any = None) -> None:
        key = selection.key(("entities", "date_range", "articles"))
        if state.get("key") == key:  # a change of another part (quote, claim group) does not move this chart
            return
        state["key"] = key
        rows = timeline_rows(corpus, selection, top=top, nationalities=nationalities)
        state["rows"] = rows
        if not len(rows):
            holder.children = [widgets.HTML('<p class="pl-muted">No dated mentions to chart.</p>')]
            return
        chart = state.get("chart")
        if chart is None:
            chart = chart_widget(mentions_chart(rows))
            chart.selections.observe(on_pick, names=["pick"])
            state["chart"] = chart
        # the same widget and spec with new (aggregated) data: no Altair chart to build and validate per
        # change, and chart.selections stays the object observed above
        chart.spec = spec_with_data(template, _MENTIONS_DATA, rows)
        if list(holder.children) != [chart]:
            holder.children = [chart]

    def on_pick(change: Any) -> None:
        picked = [v.get("entity_id") for v in (getattr(change["new"], "value", None) or []) if isinstance(v, dict)]
        if picked:
            selection.entities = [p for p in picked if p]

    selection.on_change(refresh)
    refresh()
    holder.rows = lambda: state["rows"]
    return holder


def merge_suggestions_view(corpus: Any, selection: Any, *, alias_table: Any = None, **options: Any) -> Any:
    """Accept, reject or split: each decision is written to the alias table at once."""
    import ipywidgets as widgets

    from toolkit.sdk import LiveHTML

    from .rules.aliases import AliasTable, Suggestion, load_alias_table, save_alias_table

    path = _alias_path(corpus, alias_table)
    listing = LiveHTML()
    status = widgets.HTML()
    choice = widgets.Dropdown(description="Suggestion", layout=widgets.Layout(width="auto"))
    accept = widgets.Button(description="Accept (merge)", icon="check")
    reject = widgets.Button(description="Reject (keep apart)", icon="times")
    entity = widgets.Dropdown(description="Entity", options=[(n, e) for e, n in _entity_names(corpus).items()])
    alias = widgets.Dropdown(description="Alias")
    split = widgets.Button(description="Split alias off", icon="scissors")

    def table_now() -> AliasTable:
        if path is None:
            raise ValueError(
                "No alias table to write: pass alias_table='aliases.yaml' to the view, or analyse with "
                "out=... so the table lives beside the corpus."
            )
        current = load_alias_table(path)
        rows = corpus.tables.get("entity_suggestions")
        found = (
            []
            if rows is None
            else [
                Suggestion(
                    suggestion_id=r.suggestion_id,
                    names=(r.name_a, r.name_b),
                    label=None if pd.isna(r.label) else r.label,
                    evidence=r.evidence,
                    applied=bool(r.applied),
                )
                for r in rows.itertuples(index=False)
            ]
        )
        return current.with_suggestions(found)

    def refresh(_: Any = None) -> None:
        rows = suggestion_rows(corpus, selection, alias_table=path)
        listing.value = render_merge_suggestions(corpus, selection, alias_table=path)
        choice.options = [
            (f"{r.name_a} ↔ {r.name_b} [{r.status}]", r.suggestion_id) for r in rows.itertuples(index=False)
        ]

    def refresh_aliases(_: Any = None) -> None:
        ents = corpus.entities.set_index("entity_id")
        alias.options = list(ents.loc[entity.value, "aliases"]) if entity.value in ents.index else []

    def decide(status_value: str) -> None:
        try:
            if not choice.value:
                status.value = "<b>Pick a suggestion first.</b>"
                return
            target = save_alias_table(table_now().decide(choice.value, status_value), path)
            status.value = (
                f"Saved: suggestion {h.escape(status_value)} in <code>{h.escape(target)}</code>."
                " Re-run the analysis to apply it."
            )
        except (ValueError, KeyError, OSError) as exc:
            status.value = f"<b>Not saved:</b> {h.escape(exc)}"
        refresh()

    def do_split(_: Any) -> None:
        try:
            if not entity.value or not alias.value:
                status.value = "<b>Pick an entity and one of its aliases first.</b>"
                return
            name = _entity_names(corpus)[entity.value]
            target = save_alias_table(table_now().split(alias.value, name), path)
            status.value = (
                f"Saved: {h.escape(alias.value)} stays apart from {h.escape(name)} in "
                f"<code>{h.escape(target)}</code>. Re-run the analysis to apply it."
            )
        except (ValueError, KeyError, OSError) as exc:
            status.value = f"<b>Not saved:</b> {h.escape(exc)}"

    accept.on_click(lambda _: decide("accepted"))
    reject.on_click(lambda _: decide("rejected"))
    split.on_click(do_split)
    entity.observe(refresh_aliases, names="value")
    selection.on_change(refresh, parts=("entities",))  # the suggestions about the selected entities
    refresh()
    refresh_aliases()
    box = widgets.VBox([listing, widgets.HBox([choice, accept, reject]), widgets.HBox([entity, alias, split]), status])
    box.rows = lambda: suggestion_rows(corpus, selection, alias_table=path)
    box.decide = decide  # so notebooks and tests can drive it without clicks
    box.choice, box.entity_picker, box.alias_picker, box.split_button = choice, entity, alias, split
    return box


# --- the report's first screen -----------------------------------------------------------------
# who the coverage is about, by kind: the labels a reader calls people, organisations and places
_SUMMARY_KINDS = (("People", ("PERSON",)), ("Organisations", ("ORG",)), ("Countries and places", ("GPE", "LOC")))


def summary_key_entities(corpus: Any, *, top: int = 6, **_: Any) -> str:
    """The report's "key people and organisations": the entities in most articles, by kind, named.

    >>> from toolkit import Corpus
    >>> entities = pd.DataFrame({"entity_id": ["E1", "E2"], "name": ["Anna Berg", "Nordic News"],
    ...     "label": ["PERSON", "ORG"], "n_articles": [3, 1], "n_mentions": [5, 1]})
    >>> "Anna Berg" in summary_key_entities(Corpus({"entities": entities}))
    True
    """
    entities = corpus.entities
    if not len(entities):
        return ""
    ranked = entities.sort_values(["n_articles", "n_mentions", "name"], ascending=[False, False, True])
    lines = []
    for heading, labels in _SUMMARY_KINDS:
        rows = ranked[ranked["label"].isin(labels)].head(top)
        if rows.empty:
            continue
        names = ", ".join(
            f'{h.escape(name)}&nbsp;<span class="pl-muted">({int(n)})</span>'
            for name, n in zip(rows["name"].tolist(), rows["n_articles"].tolist())
        )
        lines.append(f"<dt>{h.escape(heading)}</dt><dd>{names}</dd>")
    if not lines:
        return ""
    return (
        "<h3>Key people and organisations</h3>"
        f'<dl class="pl-summary-list">{"".join(lines)}</dl>'
        '<p class="pl-muted">In brackets: the number of articles that name them.</p>'
    )
