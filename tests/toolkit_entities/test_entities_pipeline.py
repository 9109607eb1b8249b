"""The whole plugin through toolkit.analyze, as a user runs it."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit
import toolkit_entities.component  # noqa: F401

pytestmark = pytest.mark.slow


def test_analyze_with_entities_and_alias_round_trip(tmp_path):
    text_a = "Sergei Lavrov met Kim Jong Un in Pyongyang. Lavrov said the talks went well."
    text_b = "Sergey Lavrov flew home. Kim Jong Il was not there."
    frame = pd.DataFrame(
        {"article_id": ["a", "b"], "text": [text_a, text_b], "published": ["2024-01-01", "2024-01-05"]}
    )
    aliases = tmp_path / "aliases.yaml"
    corpus = toolkit.analyze(
        frame,
        plugins=["entities"],
        quiet=True,
        out=tmp_path / "out",
        options={"entities": {"alias_table": str(aliases)}},
    )
    ents = corpus.entities
    lavrov = ents[[("Sergey Lavrov" in a) for a in ents["aliases"]]]
    assert len(lavrov) == 1 and "Sergei Lavrov" in lavrov.iloc[0]["aliases"]
    assert ents.columns.tolist()[:6] == ["entity_id", "name", "label", "aliases", "n_mentions", "n_articles"]
    assert corpus.mentions.columns.tolist()[:6] == ["article_id", "start", "end", "text", "label", "entity_id"]
    kims = [n for n in ents["name"] if n.startswith("Kim")]
    assert len(kims) == 2

    # the user keeps the two spellings apart; the decision holds on re-run
    from toolkit_entities.rules.aliases import load_alias_table, save_alias_table

    table = load_alias_table(aliases).split("Sergey Lavrov", "Sergei Lavrov")
    save_alias_table(table, aliases)
    again = toolkit.analyze(
        frame,
        plugins=["entities"],
        quiet=True,
        out=tmp_path / "out",
        options={"entities": {"alias_table": str(aliases)}},
    )
    holders = again.entities[[any("Lavrov" in x for x in a) for a in again.entities["aliases"]]]
    assert len(holders) == 2
    reopened = toolkit.open(tmp_path / "out")
    assert len(reopened.entities) == len(again.entities)
