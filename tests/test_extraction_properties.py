"""Extraction never crashes on text: every installed plugin, through its spaCy
component, ``extract`` and corpus step, on random Unicode, random quote marks,
very long sentences and text without sentences. Every span stays inside the
text, every row is JSON, and the text columns match their offsets. Cleaning
keeps offsets meaningful: the cleaned text is the raw text minus whole lines.

Plugins are discovered through the registry; a standard plugin that is not
installed or does not load fails the tests, with the registry's load error.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(
    0, str(Path(__file__).resolve().parent / "support")
)  # helpers (not tests/ itself: its toolkit_* folders would shadow the plugins)
from corpus_factory import news_sentence

from toolkit.cleaning import clean_text
from toolkit.loaders import load
from toolkit.records import Article
from toolkit.registry import StepContext, registry
from toolkit.schemas import TABLES, conform

STANDARD = ("entities", "quotes", "timeline", "claims", "stories")
QUOTE_MARKS = [
    '"',
    "'",
    "\u201c",
    "\u201d",
    "\u2018",
    "\u2019",
    "\u00ab",
    "\u00bb",
    "\u201e",
    "\u201a",
    "\u2039",
    "\u203a",
    "\u300c",
    "\u300d",
    "`",
    "''",
    "``",
    "\u2014",
    "-",
]
WORDS = [
    "said",
    "says",
    "told",
    "according to",
    "denied",
    "Anna Berg",
    "the ministry",
    "he",
    "she",
    "they",
    "Monday",
    "3 May 2024",
    "last week",
    "in 2019",
    ".",
    ",",
    ":",
    "\n",
    "\n\n",
    "Reuters",
    "news agency",
    "accused",
    "called for",
    "Port Vell",
    "not",
    "no",
]
# span columns: (start, end) pairs that must lie inside the text when both are set
SPAN_PAIRS = (
    ("start", "end"),
    ("content_start", "content_end"),
    ("cue_start", "cue_end"),
    ("speaker_start", "speaker_end"),
    ("timex_start", "timex_end"),
)
# the column that must equal text[start:end] in each table
SPAN_TEXT = {
    "mentions": ("start", "end", "text"),
    "timexes": ("start", "end", "text"),
    "quotes": ("content_start", "content_end", "content"),
}
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def analyser():
    """The spaCy pipeline with every installed plugin's component, and the plugins in run order."""
    from toolkit.nlp import load_model

    names = [n for n in registry.names() if n in STANDARD or registry.get(n).extract or registry.get(n).component]
    if os.environ.get("PRESSLENS_TEST_PLUGINS"):  # to look at one plugin (and what it requires) alone
        names = [n for n in os.environ["PRESSLENS_TEST_PLUGINS"].split(",") if n in names]
    if not names:
        pytest.fail(f"no plugin installed (looked for {', '.join(STANDARD)}; load errors: {registry.load_errors})")
    chosen = registry.resolve(names)
    nlp = load_model()
    for plugin in chosen:
        if plugin.component and plugin.component not in nlp.pipe_names:
            nlp.add_pipe(plugin.component, config=dict(plugin.component_config))
    return nlp, chosen


def test_every_standard_plugin_is_installed():
    missing = [n for n in STANDARD if n not in registry.names()]
    assert not missing, f"standard plugins not loaded: {', '.join(missing)} ({registry.load_errors or 'no errors'})"


def run_all(analyser, texts: list[str]) -> dict[str, pd.DataFrame]:
    """What analyze would do for these texts, without a model load per example."""
    nlp, chosen = analyser
    rows: dict[str, list[dict]] = {}
    articles = []
    for n, text in enumerate(texts):
        article = Article(article_id=f"a{n}", text=text, published="2024-05-03" if n % 2 else None)
        articles.append(article)
        doc = nlp.make_doc(text)
        doc._.presslens_article_id = article.article_id
        doc._.presslens_published = article.published
        for _, component in nlp.pipeline:
            doc = component(doc)
        for plugin in chosen:
            if plugin.extract is None:
                continue
            produced = plugin.extract(doc, article, dict(plugin.options)) or {}
            for table, items in produced.items():
                for item in items:
                    json.dumps(item)  # rows are cached as JSON
                    rows.setdefault(table, []).append({"article_id": article.article_id, **item})
    tables = {"articles": conform("articles", [a.row() for a in articles])}
    for name in TABLES[1:]:
        tables[name] = conform(name, rows.pop(name, None))
    tables.update({name: pd.DataFrame(items) for name, items in rows.items()})
    for plugin in chosen:
        if plugin.corpus_step is not None:
            changed = plugin.corpus_step(tables, StepContext(options=dict(plugin.options))) or {}
            tables.update({name: conform(name, frame) if name in TABLES else frame for name, frame in changed.items()})
    return tables


def assert_spans_inside(tables: dict[str, pd.DataFrame], texts: list[str]) -> None:
    by_id = {f"a{n}": text for n, text in enumerate(texts)}
    for name, frame in tables.items():
        if "article_id" not in frame.columns or name == "articles":
            continue
        for row in frame.to_dict("records"):
            text = by_id[row["article_id"]]
            for start_col, end_col in SPAN_PAIRS:
                start, end = row.get(start_col), row.get(end_col)
                if start is None or end is None or pd.isna(start) or pd.isna(end):
                    continue
                assert 0 <= int(start) <= int(end) <= len(text), (name, start_col, start, end, len(text))
            if name in SPAN_TEXT:
                start_col, end_col, text_col = SPAN_TEXT[name]
                if not pd.isna(row.get(start_col)) and not pd.isna(row.get(text_col)):
                    assert text[int(row[start_col]) : int(row[end_col])] == row[text_col], (name, row)


def _quote_soup(draw_list: list[str]) -> str:
    return " ".join(draw_list)


random_unicode = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
quote_soup = st.lists(st.sampled_from(QUOTE_MARKS + WORDS), max_size=80).map(_quote_soup)
no_sentences = st.text(st.sampled_from(" \n\t\r.,;:!?-\u2014\u2026\"'\u201c\u201d\u00ab\u00bb()[]"), max_size=200)
news_like = st.integers(min_value=0, max_value=10**6).map(
    lambda seed: " ".join(news_sentence(random.Random(seed)) for _ in range(6))
)


def _with_marks(pair: tuple[str, list[tuple[int, str]]]) -> str:
    """News-like text with quote marks dropped in at random places (unbalanced quotes)."""
    text, insertions = pair
    for position, mark in sorted(insertions, reverse=True):
        at = position % (len(text) + 1)
        text = text[:at] + mark + text[at:]
    return text


damaged_news = st.tuples(
    news_like, st.lists(st.tuples(st.integers(0, 10**4), st.sampled_from(QUOTE_MARKS)), max_size=6)
).map(_with_marks)


@SETTINGS
@given(texts=st.lists(st.one_of(random_unicode, quote_soup, no_sentences, damaged_news), min_size=1, max_size=3))
def test_plugins_never_crash_and_keep_spans_inside_the_text(analyser, texts):
    tables = run_all(analyser, texts)
    assert_spans_inside(tables, texts)


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    words=st.lists(
        st.sampled_from(WORDS[:-5] + ["and", "the", "minister", "\u201c", "\u201d"]), min_size=800, max_size=1500
    )
)
def test_a_very_long_sentence_is_analysed(analyser, words):
    text = " ".join(w for w in words if w not in {".", "\n", "\n\n"}) + "."
    tables = run_all(analyser, [text])
    assert_spans_inside(tables, [text])


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", "\u201c", "\u201d\u201c", '"""', "\x00\x00", "\ufeff", "\u200b\u200b said \u200b"],
    ids=["empty", "space", "newlines", "open-quote", "reversed-quotes", "three-quotes", "nuls", "bom", "zero-width"],
)
def test_degenerate_texts(analyser, text):
    assert_spans_inside(run_all(analyser, [text]), [text])


def test_the_sample_corpus_and_hostile_markup_keep_spans_valid(analyser):
    texts = [news_sentence(random.Random(seed)) * 3 for seed in range(5)]
    texts.append("<script>alert(1)</script> \u201c<b>Hi</b>,\u201d said Anna Berg on 3 May 2024.")
    assert_spans_inside(run_all(analyser, texts), texts)


# ---------------------------------------------------------------------------
# cleaning keeps offsets meaningful
BOILERPLATE = [
    "Leave a Reply",
    "Read also: Another story",
    "Advertisement",
    "Share this article",
    "\u00a9 2024 Some Outlet",
    "Back to top",
    "Photo: A. Person / Agency",
    "Comments",
]
line_text = st.one_of(st.sampled_from(BOILERPLATE), st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
endings = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\u2028", "\u0085", ""])


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(line_text, endings), max_size=25))
def test_cleaning_removes_whole_lines_and_keeps_every_other_character(lines):
    raw = "".join(text + end for text, end in lines)
    cleaned, removed = clean_text(raw)
    pieces, previous = [], 0
    line_starts = {0} | {i + len(line) for i, line in _line_offsets(raw)}
    for start, end, reason in removed:
        assert previous <= start < end <= len(raw) and reason
        assert start in line_starts and end in line_starts | {len(raw)}, "removals are whole lines"
        pieces.append(raw[previous:start])
        previous = end
    pieces.append(raw[previous:])
    assert cleaned == "".join(pieces), "the cleaned text is the raw text minus the removed lines"


def _line_offsets(text: str):
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line
        offset += len(line)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(line_text, endings), min_size=1, max_size=15))
def test_loaded_articles_keep_raw_text_and_removals_consistent(lines):
    raw = "Headline words here\n" + "".join(text + end for text, end in lines) + "\nThe end of the story.\n"
    frame = pd.DataFrame({"id": ["x"], "text": [raw]})
    [article], _ = load(frame)
    assert article.raw_text == raw
    rebuilt, previous = [], 0
    for start, end, _ in article.removed:
        rebuilt.append(raw[previous:start])
        previous = end
    rebuilt.append(raw[previous:])
    assert article.text == "".join(rebuilt)
