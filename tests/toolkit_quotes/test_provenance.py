"""Quote provenance: the same quotation across outlets linked, earliest article first, relays shown.

Invented articles and quotes (hand-built tables; no model needed).
"""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.pipeline import Corpus
from toolkit.registry import StepContext, registry
from toolkit.sdk import Selection, conform
from toolkit_quotes import plugin
from toolkit_quotes.rules.provenance import ProvenanceOptions, link_quotes, normalise_quote
from toolkit_quotes.step import corpus_step
from toolkit_quotes.views import (
    provenance_label,
    provenance_rows,
    quote_provenance,
    quote_provenance_view,
    render_quote_provenance,
)

FERRY = "The ferry to Hollin Island will not sail again until the harbour wall is rebuilt"
# the relay trims the ending and changes one word: still the same quotation
FERRY_RELAYED = "the ferry to Hollin Island will not sail again until the harbour wall is repaired"
OTHER = "Our engineers found no cracks in the northern pier during the spring inspection"
SHORT = "We will not comment"


def _quote(quote_id: str, article_id: str, content: str, **extra: object) -> dict[str, object]:
    return {
        "quote_id": quote_id,
        "article_id": article_id,
        "kind": "direct",
        "content_start": 10,
        "content_end": 10 + len(content),
        "content": content,
        "speaker_name": extra.pop("speaker_name", "Mira Okonjo"),
        **extra,
    }


# each article's text holds its quotes at offset 10, where _quote puts them
TEXTS = {
    "a": f"Tollan — “{FERRY},” she said. {SHORT}.",
    "b": f"Brell — “{FERRY_RELAYED}”, she said.",
    "c": f"Coastal — {FERRY}, said Mira Okonjo.",
    "d": f"Tollan P — {OTHER}. {SHORT}.",
}


def _corpus() -> Corpus:
    articles = conform(
        "articles",
        [
            # listed out of date order on purpose: the earliest article is c, not a
            {
                "article_id": "a",
                "text": TEXTS["a"],
                "title": "Ferry halted",
                "outlet": "Tollan Post",
                "published": "2031-03-04",
            },
            {
                "article_id": "b",
                "text": TEXTS["b"],
                "title": "<i>Island</i> cut off",
                "outlet": "Brell Gazette",
                "published": "2031-03-06",
            },
            {
                "article_id": "c",
                "text": TEXTS["c"],
                "title": "Harbour wall",
                "outlet": "Coastline Wire",
                "published": "2031-03-02",
            },
            {
                "article_id": "d",
                "text": TEXTS["d"],
                "title": "Pier checked",
                "outlet": "Tollan Post",
                "published": "2031-03-05",
            },
        ],
    )
    quotes = conform(
        "quotes",
        [
            _quote("q-a", "a", f"“{FERRY},”"),
            _quote("q-b", "b", FERRY_RELAYED, via_text="Coastline Wire", speaker_name=None),
            _quote("q-c", "c", FERRY),
            _quote("q-d", "d", OTHER, speaker_name="<b>Ivo Brand</b>"),
            _quote("q-e", "a", SHORT),
            _quote("q-f", "d", SHORT),
        ],
    )
    tables = {"articles": articles, "quotes": quotes, "entities": conform("entities", None)}
    changed = corpus_step(tables, StepContext(options=dict(plugin.options)))
    return Corpus({**tables, **changed})


def test_near_identical_quotes_in_three_articles_share_one_provenance_id():
    quotes = _corpus().quotes.set_index("quote_id")
    assert (
        quotes.loc["q-a", "provenance_id"] == quotes.loc["q-b", "provenance_id"] == quotes.loc["q-c", "provenance_id"]
    )
    assert pd.notna(quotes.loc["q-a", "provenance_id"])
    assert pd.isna(quotes.loc["q-d", "provenance_id"])  # said once


def test_short_generic_quote_never_links_articles():
    quotes = _corpus().quotes.set_index("quote_id")
    assert pd.isna(quotes.loc["q-e", "provenance_id"]) and pd.isna(quotes.loc["q-f", "provenance_id"])


def test_min_words_option_decides_what_is_too_short():
    ids = link_quotes(["x", "y"], ["a", "b"], [SHORT, SHORT], options=ProvenanceOptions(min_words=3))
    assert ids[0] is not None and ids[0] == ids[1]


def test_a_quote_repeated_inside_one_article_is_no_provenance():
    assert link_quotes(["x", "y"], ["a", "a"], [FERRY, FERRY]) == [None, None]


@pytest.mark.parametrize(
    ("left", "right", "linked"),
    [
        (FERRY, FERRY.upper() + "!", True),
        (FERRY, FERRY_RELAYED, True),
        (FERRY, OTHER, False),
        # a short excerpt of a long quote is not the same quotation
        (FERRY + " and the council has no money for it this year or next", "the ferry to Hollin Island", False),
        # two different sentences that share one stock phrase
        (
            "the minister said the ferry will not sail again before the summer holidays begin",
            "the union said the ferry will not sail again unless wages rise by a tenth",
            False,
        ),
        # a trimmed relay: most of the quote, word for word
        (FERRY, "ferry to Hollin Island will not sail again until the harbour wall", True),
        # regression: two reports of one request, worded apart, were linked as one quotation on the bundled sample
        (
            "Tarsk would ask the Harbour Board of Orin Safety Panel to hold an emergency session",
            "the Harbour Board of Orin Safety Panel for an emergency session",
            False,
        ),
    ],
    ids=[
        "case-and-marks",
        "relay-changes-a-word",
        "different",
        "excerpt-too-short",
        "shared-phrase-only",
        "trimmed-relay",
        "paraphrase-of-one-request",
    ],
)
def test_same_quotation_or_not(left, right, linked):
    ids = link_quotes(["x", "y"], ["a", "b"], [left, right])
    assert (ids[0] is not None and ids[0] == ids[1]) is linked


def test_normalise_quote_ignores_marks_case_and_spacing():
    assert normalise_quote("«Hello,   WORLD»") == normalise_quote('"hello world"') == "hello world"


def test_provenance_is_ordered_by_published_date_not_by_table_order():
    chain = quote_provenance(_corpus())
    assert chain["article_id"].tolist() == ["c", "a", "b"]
    assert chain["rank"].tolist() == [1, 2, 3]
    assert chain.loc[chain["article_id"] == "b", "via"].item() == "Coastline Wire"


def test_provenance_rows_say_who_said_it_first_and_where():
    rows = provenance_rows(_corpus())
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["speaker"], row["first_outlet"], row["first_published"]) == (
        "Mira Okonjo",
        "Coastline Wire",
        "2031-03-02",
    )
    assert (row["n_articles"], row["n_outlets"], row["relays"]) == (3, 3, "Coastline Wire")


def test_provenance_rows_follow_the_selection_articles():
    corpus = _corpus()
    with registry.enabled(plugin):
        assert len(provenance_rows(corpus, Selection(articles=["b"]))) == 1
        assert provenance_rows(corpus, Selection(articles=["d"])).empty


def test_renderer_escapes_and_lists_the_chain():
    corpus = _corpus()
    html = render_quote_provenance(corpus)
    assert "<i>Island</i>" not in html and "&lt;i&gt;Island&lt;/i&gt;" in html
    assert html.index("Coastline Wire") < html.index("Tollan Post") < html.index("Brell Gazette")
    assert "<script" not in html


def test_renderer_says_why_it_is_empty_when_the_step_has_not_run():
    corpus = Corpus({"quotes": conform("quotes", [_quote("q", "a", FERRY)]), "articles": conform("articles", None)})
    assert "has not run" in render_quote_provenance(corpus)


def test_picking_a_quotation_selects_it_and_narrows_quotes_to_its_copies():
    corpus = _corpus()
    with registry.enabled(plugin):
        selection = Selection()
        view = quote_provenance_view(corpus, selection)
        group = view.rows()["provenance_id"].iloc[0]
        view.table.pick(group)
        assert selection.provenance == group
        assert "First seen" in view.chain.value
        narrowed = selection.narrow(corpus.quotes, corpus)
        assert sorted(narrowed["quote_id"]) == ["q-a", "q-b", "q-c"]
        assert "Mira Okonjo" in provenance_label(corpus, group)
        view.table.pick(group)  # again: let go
        assert selection.provenance is None and view.chain.value == ""


def test_the_most_repeated_quotation_comes_first_and_chains_keep_date_order():
    corpus = _corpus()
    pier = conform("quotes", [_quote("q-g", "a", OTHER, speaker_name="Ivo Brand")])
    tables = {**corpus.tables, "quotes": pd.concat([corpus.quotes, pier], ignore_index=True)}
    changed = corpus_step(tables, StepContext(options=dict(plugin.options)))
    relinked = Corpus({**tables, **changed})
    rows = provenance_rows(relinked)
    assert rows["n_articles"].tolist() == [3, 2]  # the ferry quote (3 articles) before the pier quote (2)
    pier_chain = quote_provenance(relinked).query("quote_id in ['q-d', 'q-g']")
    assert pier_chain["article_id"].tolist() == ["a", "d"]  # 4 March before 5 March


def test_provenance_rows_keep_quotations_that_mention_the_selected_entity():
    # regression: in the browser, picking a country emptied the list although its quotes mentioned it,
    # while the quote explorer kept them (it narrows by speaker, relay or a mention in the quote)
    corpus = _corpus()
    start = FERRY.index("Hollin Island")
    mentions = conform(
        "mentions",
        [{"article_id": "c", "start": 10 + start, "end": 10 + start + 13, "text": "Hollin Island", "entity_id": "E-h"}],
    )
    entities = conform("entities", [{"entity_id": "E-h", "name": "Hollin Island", "label": "GPE"}])
    with_mentions = Corpus({**corpus.tables, "mentions": mentions, "entities": entities})
    with registry.enabled(plugin):
        assert len(provenance_rows(with_mentions, Selection(entities=["E-h"]))) == 1
        assert provenance_rows(with_mentions, Selection(entities=["E-other"])).empty


@pytest.mark.slow
def test_the_bundled_sample_shows_a_relayed_quote_and_a_syndicated_copy(tmp_path):
    import toolkit

    sample = toolkit.sample_corpus()
    corpus = toolkit.analyze(sample.folder, metadata=sample.metadata, out=tmp_path / "out", quiet=True)
    chains = quote_provenance(corpus)
    relayed = chains[chains["via"].fillna("").str.contains("Broadcasting Network")]
    assert len(relayed) == 1, "015 relays Ambery's words 'according to the Sundrian Broadcasting Network'"
    chain = chains[chains["provenance_id"] == relayed["provenance_id"].item()]
    # the original report first, then the syndicated copy a day later, then the relay
    assert chain["article_id"].tolist() == [
        "008_kellin_strikes",
        "014_kellin_strikes_syndicated",
        "015_kellin_evidence_to_council",
    ]
    assert set(chain["speaker_name"]) == {"Paul Ambery"}
    articles = corpus.articles.set_index("article_id")
    assert articles.loc["014_kellin_strikes_syndicated", "duplicate_of"] == "008_kellin_strikes"
    page = render_quote_provenance(corpus)
    assert "First seen:</strong> Paul Ambery, in Eastbridge Monitor on 2024-01-05" in page


def test_verdicts_are_read_back_from_the_step_memo_and_give_the_same_ids(tmp_path, monkeypatch):
    """Issue 22: a run that adds articles compares again nearly all the pairs the last run compared;
    their verdicts come from the step memo, and the ids are those of a run without it."""
    from toolkit.sdk import StepMemo
    from toolkit_quotes.rules import provenance

    quotes = [
        "The tunnel under the estuary will carry freight trains by the spring of next year.",
        "the tunnel under the estuary will carry freight trains by the spring of next year",
        "The tunnel under the estuary will carry the freight trains by next spring, he said.",
        "Nobody on the council has read the full report on the estuary tunnel yet, she said.",
    ]
    ids, articles = ["q1", "q2", "q3", "q4"], ["a", "b", "c", "d"]
    new = "The council has not read the full report on the estuary tunnel yet, she said."
    expected = link_quotes(ids, articles, quotes)
    expected_added = link_quotes([*ids, "q5"], [*articles, "e"], [*quotes, new])
    compared: list[str] = []
    real = provenance._same_quotation
    monkeypatch.setattr(provenance, "_same_quotation", lambda a, b, opts: compared.append(a + b) or real(a, b, opts))

    assert link_quotes(ids, articles, quotes, memo=StepMemo(tmp_path)) == expected
    assert compared, "the first run compares"
    compared.clear()
    assert link_quotes(ids, articles, quotes, memo=StepMemo(tmp_path)) == expected
    assert compared == []  # every verdict read back
    assert link_quotes([*ids, "q5"], [*articles, "e"], [*quotes, new], memo=StepMemo(tmp_path)) == expected_added
    assert compared and all(normalise_quote(new) in pair for pair in compared)  # only pairs with the new quote


def test_same_quotation_with_score_cutoffs_gives_the_verdicts_of_the_plain_scores():
    """``_same_quotation`` asks rapidfuzz with ``score_cutoff`` (a speed-up): pinned to the plain scores
    on every pair of invented quotes, trimmed, reworded and unrelated, near both thresholds."""
    import itertools

    from rapidfuzz import fuzz

    from toolkit_quotes.rules.provenance import _same_quotation

    opts = ProvenanceOptions()
    words = FERRY.lower().split()
    variants = [normalise_quote(t) for t in (FERRY, FERRY_RELAYED, OTHER, SHORT)]
    variants += [" ".join(words[k:]) for k in range(1, 6)] + [" ".join(words[:-k]) for k in range(1, 6)]
    variants += [" ".join(words[:k] + ["quay"] + words[k + 1 :]) for k in range(0, len(words), 3)]
    variants += [" ".join(words[:k] + words[k + 1 :]) for k in range(0, len(words), 4)]

    def plain(left: str, right: str) -> bool:
        if fuzz.ratio(left, right) >= opts.similarity:
            return True
        shorter, longer = sorted((left, right), key=len)
        return len(shorter) >= opts.min_share * len(longer) and fuzz.partial_ratio(shorter, longer) >= opts.containment

    pairs = list(itertools.permutations(variants, 2))
    verdicts = [_same_quotation(a, b, opts) for a, b in pairs]
    assert verdicts == [plain(a, b) for a, b in pairs]
    assert any(verdicts) and not all(verdicts)  # both answers occur, so the comparison can fail
