"""The report tells the story: summary first, contents with working anchors, every article's text with
nested marks and a legend, each heading once, no interaction hints, dates that never wrap, and
``presslens report OUT_DIR`` from an analysis folder without analysing again."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from toolkit import cli, report
from toolkit import html as h
from toolkit.pipeline import Corpus
from toolkit.registry import registry

# invented sentences: a quote that contains a name that contains a date-like span, and a second article
TEXT_1 = 'Minister Ilse Varn said: "The 3 May Accord stands and we will keep it." Rolf Aske denied it.'
TEXT_2 = "Rolf Aske said on 2024-02-07 that the holiday was never agreed. Ilse Varn repeated it."


def _at(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def _corpus() -> Corpus:
    articles = pd.DataFrame(
        {
            "article_id": ["a/1 x", "a2"],  # an id no anchor could hold as it is
            "path": ["a1.txt", "a2.txt"],
            "title": ["Varn sets a holiday", "Aske: no holiday"],
            "outlet": ["The Ledger", "Morning Post"],
            "published": ["2024-02-01", "2024-02-08"],
            "published_source": ["metadata", "metadata"],
            "text": [TEXT_1, TEXT_2],
        }
    )
    q0, q1 = _at(TEXT_1, "The 3 May Accord stands and we will keep it.")
    mentions = pd.DataFrame(
        [
            ("a/1 x", *_at(TEXT_1, "Ilse Varn"), "Ilse Varn", "PERSON", "E1"),
            ("a/1 x", *_at(TEXT_1, "3 May Accord"), "3 May Accord", "LAW", "E3"),
            ("a/1 x", *_at(TEXT_1, "Rolf Aske"), "Rolf Aske", "PERSON", "E2"),
            ("a2", *_at(TEXT_2, "Rolf Aske"), "Rolf Aske", "PERSON", "E2"),
            ("a2", *_at(TEXT_2, "Ilse Varn"), "Ilse Varn", "PERSON", "E1"),
        ],
        columns=["article_id", "start", "end", "text", "label", "entity_id"],
    )
    entities = pd.DataFrame(
        {
            "entity_id": ["E1", "E2", "E3"],
            "name": ["Ilse Varn", "Rolf Aske", "3 May Accord"],
            "label": ["PERSON", "PERSON", "LAW"],
            "aliases": [["Ilse Varn"], ["Rolf Aske"], ["3 May Accord"]],
            "n_mentions": [3, 2, 1],
            "n_articles": [2, 2, 1],
        }
    )
    quotes = pd.DataFrame(
        {
            "quote_id": ["q1"],
            "article_id": ["a/1 x"],
            "kind": ["direct"],
            "content_start": [q0],
            "content_end": [q1],
            "content": [TEXT_1[q0:q1]],
            "cue_start": [_at(TEXT_1, "said")[0]],
            "cue_end": [_at(TEXT_1, "said")[1]],
            "speaker_start": [_at(TEXT_1, "Ilse Varn")[0]],
            "speaker_end": [_at(TEXT_1, "Ilse Varn")[1]],
            "speaker_entity_id": ["E1"],
            "speaker_name": ["Ilse Varn"],
            "via_entity_id": [None],
        }
    )
    timexes = pd.DataFrame(
        [
            ("a/1 x", *_at(TEXT_1, "3 May"), "3 May", "DATE", "2024-05-03"),
            ("a2", *_at(TEXT_2, "2024-02-07"), "2024-02-07", "DATE", "2024-02-07"),
        ],
        columns=["article_id", "start", "end", "text", "type", "value"],
    )
    events = pd.DataFrame(
        {
            "event_id": ["v1", "v2"],
            "article_id": ["a/1 x", "a2"],
            "start": [0, 0],
            "end": [10, 10],
            "date_start": ["2024-05-03", "2024-02-07"],
            "date_end": ["2024-05-03", "2024-02-07"],
            "granularity": ["day", "day"],
            "timex_start": [0, 0],
            "timex_end": [1, 1],
            "entity_ids": [["E1"], ["E2"]],
        }
    )
    claims = pd.DataFrame(
        {
            "claim_id": ["c1", "c2", "c3"],
            "article_id": ["a/1 x", "a/1 x", "a2"],
            "quote_id": ["q1", None, None],
            "claimant_entity_id": ["E1", "E2", None],
            "claimant_name": ["Ilse Varn", "Rolf Aske", None],
            "stance": ["assert", "deny", "deny"],
            "proposition": ["the holiday falls in May"] * 3,
            "about_entity_ids": [[], [], []],
            "date_start": [None, None, None],
            "date_end": [None, None, None],
            "group_id": ["g1", "g1", "g1"],
        }
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
        },
        manifest={"inputs": [], "versions": {}, "model": {}, "configuration": {}, "created": "2024-01-01"},
    )


@pytest.fixture(scope="module")
def page() -> str:
    return report.report_html(_corpus(), title="Holiday <coverage>")


# --- nested marks ---------------------------------------------------------------------------------
class _Marks(HTMLParser):
    """Per character of the text, how many marks cover it; and whether every tag closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.depths: list[int] = []
        self.text = ""
        self.label_depth: int | None = None  # the stack depth of the open label, if one is open
        self.broken = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "span" and ("class", "pl-label") in attrs and self.label_depth is None:
            self.label_depth = len(self.stack)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.broken = True
            return
        self.stack.pop()
        if self.label_depth == len(self.stack):
            self.label_depth = None

    def handle_data(self, data: str) -> None:
        if self.label_depth is not None:  # a label is not text of the article
            return
        self.text += data
        self.depths += [self.stack.count("mark")] * len(data)


SPANS = {
    "quote contains entity contains date": [(0, 30), (5, 20), (10, 15)],
    "two spans cross": [(0, 12), (6, 20)],
    "three spans cross in a chain": [(0, 10), (5, 15), (12, 25)],
    "same span twice": [(3, 9), (3, 9)],
    "touching spans": [(0, 5), (5, 10)],
    "span past the end and an empty one": [(20, 99), (4, 4)],
}


@pytest.mark.parametrize("spans", SPANS.values(), ids=SPANS.keys())
@pytest.mark.parametrize("labels", [False, True], ids=["no-labels", "labels"])
def test_marks_nest_and_cover_exactly_their_characters(spans: list[tuple[int, int]], labels: bool) -> None:
    text = "Ilse <Varn> said on 3 May & left."
    marked = h.highlight(
        text, [{"start": s, "end": e, "label": f"L{i}"} for i, (s, e) in enumerate(spans)], show_labels=labels
    )
    parsed = _Marks()
    parsed.feed(marked)
    assert not parsed.broken and parsed.stack == [], "tags closed out of order: not well-formed HTML"
    assert parsed.text == text
    expected = [sum(s <= i < min(e, len(text)) for s, e in spans) for i in range(len(text))]
    assert parsed.depths == expected


def test_the_reader_marks_a_quote_around_a_name_around_a_date(page: str) -> None:
    article = page[page.index('<article class="pl-article"') :]
    article = article[: article.index("</article>")]
    parsed = _Marks()
    parsed.feed(article[article.index('<div class="pl-article-text">') :])
    assert not parsed.broken
    start = parsed.text.index("3 May")
    assert parsed.depths[start] >= 3  # the quote, the name "3 May Accord", and the date
    for layer in registry.highlights():  # the legend names every layer, with its pattern
        assert re.search(rf'<li><span class="pl-text"><mark class="pl-span pl-\w+"[^>]*>{layer.name}</mark>', page)
    styles = set(re.findall(r'<mark class="pl-span (pl-\w+)"', article))
    assert len(styles) >= 3, "each layer marks with its own pattern, not colour alone"


# --- the page -------------------------------------------------------------------------------------
def test_the_first_part_is_the_summary_with_the_contested_claim(page: str) -> None:
    first = page[: page.index('<nav class="pl-toc"')]
    assert "Holiday &lt;coverage&gt;" in first
    assert "2 articles" in first and "2 outlets" in first and "2024-02-01" in first and "2024-02-08" in first
    contested = first[first.index("Most contested claims") :]
    assert "the holiday falls in May" in contested
    assert re.search(r"For:.*Ilse Varn.*asserts", contested) and re.search(r"Against:.*Rolf Aske.*denies", contested)
    assert "1 unnamed source" in contested and "<b>unknown</b>" not in contested  # not drawn as an actor
    assert "Key people and organisations" in first and "Rolf Aske" in first


def test_every_contents_link_has_its_target(page: str) -> None:
    nav = page[page.index('<nav class="pl-toc"') : page.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', nav)
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert len(targets) >= len(report.sections()) + 4  # sections, articles (two), manifest
    assert [t for t in targets if t not in ids] == []
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in targets), "an anchor an article id broke"


def test_each_heading_once(page: str) -> None:
    """Regression: "More views" wrapped each renderer's section in another, so every heading came twice."""
    headings = Counter(re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page))
    assert headings and max(headings.values()) == 1, headings.most_common(3)


def test_no_interaction_hints_in_a_page_without_scripts(page: str) -> None:
    """Regression: "Select an entity to see its mentions in context." in the exported report."""
    visible = re.sub(r"<[^>]+>", " ", page.split("</head>", 1)[1])
    assert not re.search(r"\b(select|click|pick|brush|drag)\b", visible, re.I), re.search(
        r".{40}\b(select|click|pick|brush|drag)\b.{40}", visible, re.I
    )
    assert "<script" not in page and report.external_resources(page) == []


def test_dates_never_wrap(page: str) -> None:
    """Regression: "2022-10-/12" — date cells broke across lines in a narrow column."""
    cells = re.findall(r"<td([^>]*)>(\d{4}-\d{2}-\d{2})</td>", page)
    assert cells and all('class="pl-date"' in attrs for attrs, _ in cells)
    assert re.search(r"td\.pl-date[^{]*\{white-space:nowrap", h.STYLE)


def test_the_page_reads_narrow_dark_and_in_print(page: str) -> None:
    assert "prefers-color-scheme:dark" in page and "@media print" in page and "max-width:600px" in page
    assert page.count('<div class="pl-scroll">') >= page.count("<table"), "a table that would widen the page"


# --- from an analysis folder ------------------------------------------------------------------------
def test_report_of_an_analysis_folder_does_not_analyse(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = _corpus().save(tmp_path / "analysis")

    def no_analysis(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report analysed again")

    monkeypatch.setattr("toolkit.pipeline.analyze", no_analysis)
    assert cli.main(["report", str(folder), "--title", "From tables"]) == 0
    written = (folder / "report.html").read_text("utf-8")
    assert "From tables" in written and "the holiday falls in May" in written
    console = capsys.readouterr()
    assert console.out == "" and re.fullmatch(r"wrote \S+report\.html in \d+\.\ds\n", console.err), console.err


def test_a_folder_without_a_manifest_is_not_analysed_without_out(tmp_path: Path, capsys) -> None:
    (tmp_path / "news").mkdir()
    assert cli.main(["report", str(tmp_path / "news")]) == 1
    assert "--out is required when analysing" in capsys.readouterr().err
    with pytest.raises(report.ReportError, match=r"not an analysis folder: expected .*manifest\.json"):
        report.report_from_folder(tmp_path / "news")
