"""The shared selection drives every view: set its traitlets (or an Altair
chart's selection state, as Altair's own tests do) and check each view's rows.

The corpus is built by hand (invented text) so these tests need no spaCy model.
The views are the standard plugins' (the core's only view is the article
reader); the core composes them from what the plugins declare.
"""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import views as v
from toolkit.pipeline import Corpus
from toolkit.registry import HighlightLayer, Plugin, registry

EVIL = "<script>alert(1)</script>"

TEXTS = {
    "a1": "Ruritania accused Freedonia of shipping rifles to the rebels. Freedonia denies the shipment.",
    "a2": "\u201cWe never sent weapons to anyone,\u201d said Rufus Firefly.",
    "a3": "Sylvania thanked Freedonia for its support in March.",
}


def _span(article: str, piece: str) -> tuple[int, int]:
    start = TEXTS[article].index(piece)
    return start, start + len(piece)


def tiny_corpus(*, evil: bool = False) -> Corpus:
    """Three invented articles with every contract table filled by hand."""
    tag = EVIL if evil else ""
    texts = {k: (t + tag if evil else t) for k, t in TEXTS.items()}
    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "path": [None] * 3,
            "title": [f"Arms row{tag}", f"Denial{tag}", f"Thanks{tag}"],
            "outlet": [f"Daily{tag}", "Herald", "Daily"],
            "published": ["2023-05-02", "2023-06-10", "2023-08-01"],
            "published_source": ["metadata"] * 3,
            "text": [texts["a1"], texts["a2"], texts["a3"]],
        }
    )
    ents = {"RU": f"Ruritania{tag}", "FR": "Freedonia", "SY": "Sylvania", "RF": f"Rufus Firefly{tag}"}
    mention_rows = []
    for article, piece, label, eid in [
        ("a1", "Ruritania", "GPE", "RU"),
        ("a1", "Freedonia", "GPE", "FR"),
        ("a2", "Rufus Firefly", "PERSON", "RF"),
        ("a3", "Sylvania", "GPE", "SY"),
        ("a3", "Freedonia", "GPE", "FR"),
    ]:
        s, e = _span(article, piece)
        mention_rows.append(
            {"article_id": article, "start": s, "end": e, "text": piece, "label": label, "entity_id": eid}
        )
    mentions = pd.DataFrame(mention_rows)
    entities = pd.DataFrame(
        {
            "entity_id": list(ents),
            "name": list(ents.values()),
            "label": ["GPE", "GPE", "GPE", "PERSON"],
            "aliases": [[n] for n in ents.values()],
            "n_mentions": [1, 2, 1, 1],
            "n_articles": [1, 2, 1, 1],
        }
    )

    def quote(qid, article, content, cue, speaker, eid, kind="indirect"):
        cs, ce = _span(article, content)
        us, ue = _span(article, cue)
        ss, se = _span(article, speaker)
        return {
            "quote_id": qid,
            "article_id": article,
            "kind": kind,
            "content_start": cs,
            "content_end": ce,
            "content": content + tag,
            "cue_start": us,
            "cue_end": ue,
            "speaker_start": ss,
            "speaker_end": se,
            "speaker_entity_id": eid,
            "speaker_name": ents[eid],
            "via_entity_id": None,
        }

    quotes = pd.DataFrame(
        [
            quote("q1", "a1", "Freedonia of shipping rifles to the rebels", "accused", "Ruritania", "RU"),
            quote("q2", "a1", "the shipment", "denies", "Freedonia", "FR"),
            quote("q3", "a2", "We never sent weapons to anyone", "said", "Rufus Firefly", "RF", kind="direct"),
            quote("q4", "a3", "Freedonia for its support", "thanked", "Sylvania", "SY"),
        ]
    )
    ts, te = _span("a3", "March")
    timexes = pd.DataFrame(
        [{"article_id": "a3", "start": ts, "end": te, "text": "March", "type": "DATE", "value": "2023-03"}]
    )
    events = pd.DataFrame(
        [
            {
                "event_id": "e1",
                "article_id": "a1",
                "start": 0,
                "end": 60,
                "date_start": "2023-04-20",
                "date_end": "2023-04-20",
                "granularity": "day",
                "timex_start": None,
                "timex_end": None,
                "entity_ids": ["RU", "FR"],
            },
            {
                "event_id": "e3",
                "article_id": "a3",
                "start": 0,
                "end": len(TEXTS["a3"]),
                "date_start": "2023-03-01",
                "date_end": "2023-03-31",
                "granularity": "month",
                "timex_start": ts,
                "timex_end": te,
                "entity_ids": ["SY", "FR"],
            },
        ]
    )
    claims = pd.DataFrame(
        [
            {
                "claim_id": "c1",
                "article_id": "a1",
                "quote_id": "q1",
                "claimant_entity_id": "RU",
                "stance": "accuse",
                "proposition": f"Freedonia ship rifles{tag}",
                "about_entity_ids": ["FR"],
                "date_start": "2023-04-20",
                "date_end": "2023-04-20",
                "group_id": "G1",
                "claimant_name": ents["RU"],
                "evidence": f"shipping rifles{tag}",
            },
            {
                "claim_id": "c2",
                "article_id": "a1",
                "quote_id": "q2",
                "claimant_entity_id": "FR",
                "stance": "deny",
                "proposition": "shipment",
                "about_entity_ids": [],
                "date_start": "2023-05-02",
                "date_end": "2023-05-02",
                "group_id": "G1",
                "claimant_name": "Freedonia",
                "evidence": "the shipment",
            },
            {
                "claim_id": "c3",
                "article_id": "a2",
                "quote_id": "q3",
                "claimant_entity_id": "RF",
                "stance": "deny",
                "proposition": "send weapons",
                "about_entity_ids": [],
                "date_start": "2023-06-10",
                "date_end": "2023-06-10",
                "group_id": "G1",
                "claimant_name": ents["RF"],
                "evidence": "We never sent weapons",
            },
            {
                "claim_id": "c4",
                "article_id": "a3",
                "quote_id": "q4",
                "claimant_entity_id": "SY",
                "stance": "support",
                "proposition": "Freedonia support",
                "about_entity_ids": ["FR"],
                "date_start": "2023-03-01",
                "date_end": "2023-03-31",
                "group_id": "G2",
                "claimant_name": "Sylvania",
                "evidence": "its support",
            },
        ]
    )
    return Corpus(
        {
            "articles": articles,
            "mentions": mentions,
            "entities": entities,
            "quotes": quotes,
            "timexes": timexes,
            "events": events,
            "claims": claims,
        }
    )


@pytest.fixture()
def corpus() -> Corpus:
    return tiny_corpus()


@pytest.fixture()
def core_only():
    """No installed plugin takes part (tests/conftest.py puts the registry back afterwards)."""
    registry._discover()
    registry._plugins.clear()
    yield


STANDARD_VIEWS = ["entity_table", "article_reader", "timeline", "quote_explorer", "contested_claims"]


def test_the_core_offers_only_the_article_reader(core_only):
    assert v.views() == ["article_reader"] and v.renderers() == ["article_reader"]
    assert v.Selection().parts == ("entities", "date_range", "articles")
    with pytest.raises(TypeError, match=r"no part 'quote'.*enable the plugin"):
        v.Selection(quote="q1")


def test_standard_views_are_the_plugins_in_their_declared_order():
    assert v._dashboard_order(dict.fromkeys(v.views()))[: len(STANDARD_VIEWS)] == [
        "entity_table",
        "article_reader",
        "timeline",
        "quote_explorer",
        "contested_claims",
    ]
    assert {"quote", "claim_group"} <= set(v.Selection().parts)  # parts the quotes and claims plugins add


def test_selection_narrow_by_each_part(corpus):
    quotes = corpus.quotes
    assert set(v.Selection(entities=["FR"]).narrow(quotes, corpus)["quote_id"]) == {"q2"}
    assert set(v.Selection(articles=["a1"]).narrow(quotes, corpus)["quote_id"]) == {"q1", "q2"}
    assert set(v.Selection(claim_group="G1").narrow(quotes, corpus)["quote_id"]) == {"q1", "q2", "q3"}
    # claims carry their own dates: April event for c1, March for c4
    in_spring = v.Selection(date_range=("2023-03-15", "2023-04-30")).narrow(corpus.claims, corpus)
    assert set(in_spring["claim_id"]) == {"c1", "c4"}
    # about_entity_ids count as well as the claimant
    assert set(v.Selection(entities=["FR"]).narrow(corpus.claims, corpus)["claim_id"]) == {"c1", "c2", "c4"}
    # the claim group's entities (claimants and what the claims are about), and the quote's article
    assert set(v.Selection(claim_group="G2").narrow(corpus.entities, corpus)["entity_id"]) == {"SY", "FR"}
    assert set(v.Selection(quote="q3").narrow(corpus.events, corpus)["event_id"]) == set()
    assert set(v.Selection(quote="q4").narrow(corpus.events, corpus)["event_id"]) == {"e3"}


@pytest.mark.parametrize(
    "name, change, before, after",
    [
        ("entity_table", {"articles": ["a2"]}, {"RU", "FR", "SY", "RF"}, {"RF"}),
        ("article_reader", {"entities": ["SY"]}, {"a1", "a2", "a3"}, {"a3"}),
        ("article_reader", {"quote": "q3"}, {"a1", "a2", "a3"}, {"a2"}),
        ("article_reader", {"claim_group": "G2"}, {"a1", "a2", "a3"}, {"a3"}),
        ("timeline", {"entities": ["SY"]}, {"e1", "e3"}, {"e3"}),
        ("timeline", {"date_range": ("2023-04-01", "2023-12-31")}, {"e1", "e3"}, {"e1"}),
        ("quote_explorer", {"entities": ["RU"]}, {"q1", "q2", "q3", "q4"}, {"q1"}),
        ("quote_explorer", {"date_range": ("2023-06-01", "2023-06-30")}, {"q1", "q2", "q3", "q4"}, {"q3"}),
    ],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_each_view_follows_the_selection(corpus, name, change, before, after):
    key = {
        "entity_table": "entity_id",
        "article_reader": "article_id",
        "timeline": "event_id",
        "quote_explorer": "quote_id",
    }[name]
    selection = v.Selection()
    widget = v.view(corpus, name, selection=selection)
    assert set(widget.rows()[key]) == before
    for trait, value in change.items():
        setattr(selection, trait, value)
    assert set(widget.rows()[key]) == after
    selection.clear()
    assert set(widget.rows()[key]) == before


def test_the_selected_quote_is_emphasised_in_the_reader(corpus):
    selection = v.Selection()
    board = v.dashboard(corpus, selection=selection, views=["quote_explorer", "article_reader"])
    selection.quote = "q4"
    reader = board.panels["article_reader"]
    assert reader.rows()["article_id"].tolist() == ["a3"]
    assert "selected quote" in reader.table.html
    # every plugin's layer is drawn: the mention, the date and the quote's parts
    spans = v.highlight_rows(corpus, "a3", selection)
    assert set(spans["layer"]) == {"mentions", "dates", "quotes"}
    assert {"GPE", "DATE", "selected quote", "cue", "speaker"} <= set(spans["label"])


def test_a_failing_layer_leaves_the_others_and_says_so(corpus):
    def broken(corpus, article_id, selection=None):
        raise RuntimeError("layer <b>down</b>")

    with registry.enabled(Plugin(name="zz_broken", highlights=(HighlightLayer(name="broken", spans=broken),))):
        html = v.render(corpus, "article_reader", selection=v.Selection(articles=["a3"]))
    assert "layer &lt;b&gt;down&lt;/b&gt;" in html and "&#x27;broken&#x27; layer failed" in html
    assert "Sylvania" in html  # the text and the other layers are still there


def test_dashboard_composes_core_and_plugin_views_without_core_edits(corpus):
    import ipywidgets as widgets

    def counter_view(corpus, selection, **_):
        out = widgets.HTML()
        out.rows = lambda: selection.narrow(corpus.articles, corpus)
        return out

    def counter_render(corpus, selection=None, **_):
        return "<section>counter panel</section>"

    extra = Plugin(
        name="zz_counter",
        views={"counter": counter_view},
        renderers={"counter": counter_render},
        dashboard={"counter": 1},
    )
    with registry.enabled(extra):
        board = v.dashboard(corpus)
        assert list(board.panels)[:2] == ["counter", "entity_table"]  # placed first, as declared
        assert {"entity_table", "article_reader", "timeline", "quote_explorer"} <= set(board.panels)
        board.selection.entities = ["RF"]
        assert set(board.panels["counter"].rows()["article_id"]) == {"a2"}
        for name, panel in board.panels.items():
            assert hasattr(panel, "rows"), f"view {name} has no rows()"
        page = v.dashboard(corpus, static=True)
        assert "counter panel" in page and "<h3>Quotes</h3>" in page
    assert "counter" not in v.views()  # the registry was left as found


def test_static_dashboard_is_one_standalone_page_without_network(corpus):
    page = v.dashboard(corpus, static=True, selection=v.Selection(entities=["FR"]))
    assert page.startswith("<!DOCTYPE html>")
    for title in ("Entities", "Articles", "Timeline", "Quotes"):
        assert f"<h3>{title}</h3>" in page
    assert "<svg" in page  # the timeline chart is inline SVG
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


@pytest.mark.parametrize("name", STANDARD_VIEWS)
def test_every_standard_renderer_escapes_script(name):
    corpus = tiny_corpus(evil=True)
    selection = v.Selection(quote="q1")  # the reader shows article a1 with its quote marked
    html = v.render(corpus, name, selection=selection) + v.render(corpus, name)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html or "&amp;lt;script" in html


def test_every_standard_view_widget_escapes_script():
    corpus = tiny_corpus(evil=True)
    board = v.dashboard(corpus, views=STANDARD_VIEWS)
    board.selection.quote = "q1"
    for name, panel in board.panels.items():
        html = "".join(
            [panel.table.html if hasattr(panel, "table") else ""]
            + [c.value for c in getattr(panel, "children", ()) if isinstance(getattr(c, "value", None), str)]
        )
        assert "<script>" not in html, name


def test_reader_accepts_missing_titles_and_outlets(corpus):
    # regression: pd.NA titles (articles without metadata) broke the article picker
    corpus.tables["articles"]["title"] = pd.array([pd.NA] * 3, dtype="string")
    corpus.tables["articles"]["outlet"] = pd.array([pd.NA] * 3, dtype="string")
    widget = v.view(corpus, "article_reader")
    assert len(widget.rows()) == 3
    assert 'data-row-id="a1"' in widget.table.html
