"""The corpus-level join and the views, on hand-built tables (no model needed)."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.pipeline import Corpus
from toolkit.registry import StepContext
from toolkit.views import Selection
from toolkit_quotes import plugin
from toolkit_quotes.step import corpus_step

TEXT = "<script>x</script> Minister Ada Park said: “Trade with <b>Norland</b> will grow.” He added more."
#       0                  19       28 32       37    43
ADA = (TEXT.index("Ada Park"), TEXT.index("Ada Park") + len("Ada Park"))
NORLAND = (TEXT.index("Norland"), TEXT.index("Norland") + len("Norland"))
CONTENT = (TEXT.index("“"), TEXT.index("”") + 1)
HE = (TEXT.index("He added"), TEXT.index("He added") + 2)


def quotes_table():
    return pd.DataFrame(
        [
            {
                "quote_id": "q1",
                "article_id": "a1",
                "kind": "direct",
                "content_start": CONTENT[0],
                "content_end": CONTENT[1],
                "content": TEXT[CONTENT[0] : CONTENT[1]],
                "cue_start": ADA[1] + 1,
                "cue_end": ADA[1] + 5,
                "speaker_start": ADA[0],
                "speaker_end": ADA[1],
                "speaker_ref_start": ADA[0],
                "speaker_ref_end": ADA[1],
                "speaker_resolution": "named",
                "speaker_text": "Ada Park",
                "speaker_name": "Ada Park",
                "via_start": None,
                "via_end": None,
            },
            {
                "quote_id": "q2",
                "article_id": "a1",
                "kind": "indirect",
                "content_start": HE[1] + 7,
                "content_end": len(TEXT) - 1,
                "content": "more",
                "cue_start": HE[1] + 1,
                "cue_end": HE[1] + 6,
                "speaker_start": HE[0],
                "speaker_end": HE[1],
                "speaker_ref_start": None,
                "speaker_ref_end": None,
                "speaker_resolution": "unresolved",
                "speaker_text": "He",
                "speaker_name": None,
                "via_start": NORLAND[0],
                "via_end": NORLAND[1],
            },
        ]
    )


def mentions_table():
    return pd.DataFrame(
        [
            {
                "article_id": "a1",
                "start": ADA[0],
                "end": ADA[1],
                "text": "Ada Park",
                "label": "PERSON",
                "entity_id": "E-ada",
            },
            {
                "article_id": "a1",
                "start": NORLAND[0],
                "end": NORLAND[1],
                "text": "Norland",
                "label": "GPE",
                "entity_id": "E-nor",
            },
        ]
    )


def entities_table():
    return pd.DataFrame(
        [
            {
                "entity_id": "E-ada",
                "name": "Ada <i>Park</i>",
                "label": "PERSON",
                "aliases": ["Ada Park"],
                "n_mentions": 1,
                "n_articles": 1,
            },
            {
                "entity_id": "E-nor",
                "name": "Norland",
                "label": "GPE",
                "aliases": ["Norland"],
                "n_mentions": 1,
                "n_articles": 1,
            },
        ]
    )


def test_plugin_declares_the_contract():
    assert plugin.name == "quotes"
    assert plugin.provides == ("quotes",)
    assert set(plugin.uses) == {"mentions", "entities"} and plugin.requires == ()
    assert plugin.component == "presslens_quotes"
    assert (
        set(plugin.views)
        == set(plugin.renderers)
        == {
            "quote_explorer",
            "who_said_what",
            "speakers_of_entity",
            "quote_provenance",
        }
    )


def test_corpus_step_joins_speakers_and_relays():
    tables = {"quotes": quotes_table(), "mentions": mentions_table(), "entities": entities_table()}
    out = corpus_step(tables, StepContext())["quotes"]
    first, second = out.iloc[0], out.iloc[1]
    assert first["speaker_entity_id"] == "E-ada" and first["speaker_name"] == "Ada <i>Park</i>"
    # an unresolved pronoun is never linked, even if a mention overlapped it
    assert pd.isna(second["speaker_entity_id"]) and pd.isna(second["speaker_name"])
    assert second["via_entity_id"] == "E-nor"


def test_corpus_step_without_entities_links_no_speakers_and_only_adds_provenance():
    before = quotes_table()
    after = corpus_step({"quotes": before}, StepContext())["quotes"]
    # the provenance link needs only the quotes' text; the speaker joins need mentions, so nothing else moves
    assert list(after.columns) == [*before.columns, "provenance_id"]
    pd.testing.assert_frame_equal(after[list(before.columns)], before)
    assert after["provenance_id"].isna().all()  # both quotes are in one article: no copy elsewhere


@pytest.fixture()
def corpus():
    tables = {"quotes": quotes_table(), "mentions": mentions_table(), "entities": entities_table()}
    tables["quotes"] = corpus_step(tables, StepContext())["quotes"]
    tables["articles"] = pd.DataFrame(
        [
            {
                "article_id": "a1",
                "path": None,
                "title": "<script>t</script>",
                "outlet": None,
                "published": "2024-01-02",
                "published_source": "metadata",
                "text": TEXT,
            }
        ]
    )
    return Corpus(tables)


def test_explorer_filters_and_selection(corpus):
    selection = Selection()
    widget = plugin.views["quote_explorer"](corpus, selection)
    assert list(widget.rows()["quote_id"]) == ["q1", "q2"]
    widget.filters["kind"].value = "direct"
    assert list(widget.rows()["quote_id"]) == ["q1"]
    widget.filters["kind"].value = ""
    widget.filters["search"].value = "more"
    assert list(widget.rows()["quote_id"]) == ["q2"]
    widget.filters["search"].value = ""
    selection.entities = ["E-nor"]  # quotes mentioning Norland (q1) or relayed by it (q2)
    assert list(widget.rows()["quote_id"]) == ["q1", "q2"]
    selection.entities = ["E-ada"]
    assert list(widget.rows()["quote_id"]) == ["q1"]
    widget.table.pick("q1")  # what a click on its row does
    assert selection.quote == "q1"


def test_speakers_of_entity_follows_selection(corpus):
    selection = Selection()
    widget = plugin.views["speakers_of_entity"](corpus, selection)
    assert widget.rows().empty
    selection.entities = ["E-nor"]
    assert list(widget.rows()["speaker"]) == ["Ada <i>Park</i>"]


def test_who_said_what_counts(corpus):
    from toolkit_quotes.views import who_said_what_chart, who_said_what_rows

    rows = who_said_what_rows(corpus)
    assert rows.to_dict("records") == [{"speaker": "Ada <i>Park</i>", "entity": "Norland", "quotes": 1}]
    spec = who_said_what_chart(rows).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "rect" and spec["layer"][1]["mark"]["type"] == "text"


@pytest.mark.parametrize("name", ["quote_explorer", "who_said_what", "speakers_of_entity"])
def test_renderers_escape_everything(corpus, name):
    selection = Selection(entities=["E-nor"], quote="q1")
    html = plugin.renderers[name](corpus, selection)
    assert "<script>" not in html and "<i>Park</i>" not in html and "<b>Norland</b>" not in html
    # no address but the SVG namespaces (the who-said-what chart's SVG was missing before: its spec did not
    # compile and the renderer dropped the error, so this check never met an SVG)
    outside = html.replace("http://www.w3.org", "")
    assert "http://" not in outside and "https://" not in outside


def test_context_highlights_speaker_cue_and_content(corpus):
    from toolkit_quotes.views import quote_context

    html = quote_context(corpus, "q1")
    for label in ("speaker", "cue", "content"):
        assert f">{label}</span>" in html
    assert "&lt;b&gt;Norland&lt;/b&gt;" in html
