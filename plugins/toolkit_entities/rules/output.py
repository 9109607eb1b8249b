"""The resolver's result as tables: mentions with their entity, entities, suggestions."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from .ids import entity_id
from .names import capital_state, country_canonical, name_key, nationality_country

__all__ = ["_Output"]


class _Output:
    """The tables of a resolver that has run (mixed into :class:`.resolver.Resolver`)."""

    # output ------------------------------------------------------------------------------
    def tables(
        self, articles: pd.DataFrame | None, *, metonymy: bool
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        published = {}
        if articles is not None and len(articles):
            published = {
                str(a): (None if pd.isna(p) else str(p))
                for a, p in articles[["article_id", "published"]].itertuples(index=False)
            }
        entity_rows = []
        # per sorted row, lists rather than dicts: a dict entry per mention cost 20 MB on 10 000 articles
        entity_of_row: list[str | None] = [None] * len(self.order)
        label_of_row: list[str | None] = [None] * len(self.order)
        used_ids: set[str] = set()
        clusters = self._clusters()
        for _, groups in sorted(clusters.items(), key=lambda kv: min(min(g.rows) for g in kv[1])):
            rows = sorted(i for g in groups for i in g.rows)
            label = self._cluster_label(groups)
            is_country = any(g.key[0] == "@country" for g in groups)
            name = None
            forced = next((self.forced[g.gid] for g in groups if g.gid in self.forced), None)
            if forced:
                name, label = forced[0], forced[1] or label
            elif is_country:
                name = country_canonical(self.text_of[rows[0]]) or self._display_name(groups)
                label = "GPE"
            if name is None:
                name = self._display_name(groups)
                if label == "PERSON" and all(len(g.key) == 1 for g in groups) and capital_state(name):
                    label = "GPE"  # a capital the model read as a surname ("Kiev")
            eid = entity_id(label, name)
            if eid in used_ids:  # two entities kept apart under one name
                eid = entity_id(label, name, self.m["mention_id"].iat[int(self.order[rows[0]])])
            used_ids.add(eid)
            forms = Counter(map(self.text_of.__getitem__, rows))
            aliases = sorted(forms, key=lambda t: (-forms[t], t))
            in_articles = set(map(self.article_of.__getitem__, rows))
            # first and last dates over the entity's articles, not over each of its mentions
            dates = sorted(d for d in map(published.get, in_articles) if d)
            entity_rows.append(
                {
                    "entity_id": eid,
                    "name": name,
                    "label": label,
                    "aliases": aliases,
                    "n_mentions": len(rows),
                    "n_articles": len(in_articles),
                    "first_published": dates[0] if dates else None,
                    "last_published": dates[-1] if dates else None,
                }
            )
            for i in rows:
                entity_of_row[i] = eid
                label_of_row[i] = label
        if any(label is None for label in label_of_row):  # a row in no entity keeps its own label
            own = self.m["label"].take(self.order).tolist()
            label_of_row = [own[i] if label is None else label for i, label in enumerate(label_of_row)]
        entities = pd.DataFrame(
            entity_rows,
            columns=[
                "entity_id",
                "name",
                "label",
                "aliases",
                "n_mentions",
                "n_articles",
                "first_published",
                "last_published",
            ],
        )
        # metonymy: the capital stays a mention of itself; refers_to points at the state
        by_key = {}
        for row in entity_rows:
            by_key.setdefault(name_key(row["name"]), row["entity_id"])
        refers_to_name = self.m["refers_to_name"].take(self.order).tolist()
        if metonymy:
            # a nationality adjective ("North Korean") stands for its country, as a capital does
            nationality: dict[str, str | None] = {}
            for i, label in enumerate(label_of_row):
                if label == "NORP" and not (isinstance(refers_to_name[i], str) and refers_to_name[i]):
                    text = self.text_of[i]
                    if text not in nationality:
                        nationality[text] = nationality_country(text)
                    refers_to_name[i] = nationality[text]
        refers_to: dict[str, str | None] = {}  # per distinct name, not per mention
        refers_to_of_row = [
            None
            if not (metonymy and isinstance(s, str) and s)
            else refers_to[s]
            if s in refers_to
            else refers_to.setdefault(s, by_key.get(name_key(s)))
            for s in refers_to_name
        ]
        self._release()
        # the returned table: one sorted copy of the columns passed through, made only now that the
        # resolver's per-mention lists are gone (the copy and those lists together set this step's peak)
        kept = ["article_id", "start", "end", "text", "mention_id", "spacy_label", "source"]
        m = self.m[kept].take(self.order).reset_index(drop=True)
        m["label"] = label_of_row
        m["entity_id"] = entity_of_row
        del label_of_row, entity_of_row
        m["refers_to"] = refers_to_of_row
        m["refers_to_name"] = refers_to_name if metonymy else None
        decided = {s.suggestion_id: s for s in self.table.suggestions}
        suggestions = pd.DataFrame(
            [
                {
                    "suggestion_id": s.suggestion_id,
                    "name_a": s.names[0],
                    "name_b": s.names[1],
                    "label": s.label,
                    "evidence": s.evidence,
                    "applied": s.applied,
                    "status": decided[s.suggestion_id].status if s.suggestion_id in decided else s.status,
                }
                for s in self.suggestions
            ],
            columns=["suggestion_id", "name_a", "name_b", "label", "evidence", "applied", "status"],
        )
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
            "refers_to",
            "refers_to_name",
        ]
        return m[columns], entities, suggestions
