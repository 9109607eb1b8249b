"""Rendering is inert: article text, titles, outlets, ids, entity names, aliases,
quotes and claims full of markup come out as text in every view, every static
renderer, the static dashboard, the report sections and the ``toolkit.html`` helpers.

The output is parsed with :mod:`html.parser` (which treats ``<script>`` and
``<style>`` contents as raw text, as browsers do) and checked for what an
injection would create: event-handler attributes, ``javascript:`` URLs, the
injected ``<img>``/``<svg>``, a script element made of the payload, payload
inside a style sheet. Whether a script actually runs in a browser is checked by
the report's browser test.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

import toolkit
import toolkit.views as tviews
from toolkit import html as h
from toolkit.pipeline import Corpus
from toolkit.views import Selection

MARK = "__pl_pwned"
PAYLOADS = (
    f"<script>window.{MARK}=1</script>",
    f"<img src=x onerror=window.{MARK}=1>",
    f'<a href="javascript:window.{MARK}=1">link</a>',
    f"</style><script>window.{MARK}=2</script>",
    f'" onmouseover="window.{MARK}=3" x="',
    f"' onfocus='window.{MARK}=4' autofocus x='",
    f"</textarea></title><svg onload=window.{MARK}=5>",
    f"</script><script>window.{MARK}=6</script>",
    f"--><script>window.{MARK}=7</script><!--",
)
HOSTILE = "Evil " + " ".join(PAYLOADS)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "srcdoc"}


# ---------------------------------------------------------------------------
# the checker
class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._raw: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARK in value:
                self.problems.append(f"<{tag} {name}=…> event handler from data")
            squeezed = re.sub(r"[\x00-\x20]+", "", value).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"<{tag} {name}={value[:40]!r}> script URL")
        if MARK in " ".join(name for name, _ in attrs):
            self.problems.append(f"<{tag}> attribute name made of data")
        if (tag == "img" and dict(attrs).get("src") == "x") or (tag == "svg" and any(n == "onload" for n, _ in attrs)):
            self.problems.append(f"<{tag}> element injected")
        if tag in ("script", "style"):
            self._raw = (tag, [])

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._raw is not None and tag == self._raw[0]:
            content = "".join(self._raw[1]).strip()
            if tag == "script" and content.startswith(f"window.{MARK}"):
                self.problems.append("<script> element made of the payload")
            if tag == "style" and MARK in content:
                self.problems.append("payload inside a <style> element")
            self._raw = None


def injection_problems(markup: str) -> list[str]:
    """What in ``markup`` an injected payload created (empty: inert)."""
    inspector = _Inspector()
    inspector.feed(markup)
    inspector.close()
    problems = inspector.problems
    for raw in (f"<script>window.{MARK}", "<img src=x", "<svg onload"):  # verbatim payload anywhere, even in JSON
        if raw in markup:
            problems.append(f"payload {raw!r} appears unescaped")
    return problems


def test_the_checker_catches_each_payload_unescaped_and_passes_it_escaped():
    for payload in PAYLOADS:
        if payload.startswith(('"', "'")):
            markup = f'<p title="{payload}">x</p>' if payload[0] == '"' else f"<p title='{payload}'>x</p>"
        else:
            markup = (
                f"<style>p{{}}</style><div>{payload}</div>"
                if "</style>" not in payload
                else f"<style>p{{content:'{payload}'}}</style>"
            )
        assert injection_problems(markup), f"the checker misses {payload!r}"
        assert injection_problems(f'<p title="{h.escape(payload)}">{h.escape(payload)}</p>') == []


# ---------------------------------------------------------------------------
# a corpus with markup in every field
def _hostile_corpus() -> Corpus:
    names = {"E1": "Person " + HOSTILE, "E2": "Org " + HOSTILE}
    ids = {key: key + HOSTILE for key in ("E1", "E2")}  # ids can come from user data too (article ids do)
    articles, mentions, quotes, timexes, events, claims, amounts = [], [], [], [], [], [], []
    for n, stance in enumerate(("assert", "deny"), start=1):
        aid = f"art{n}{PAYLOADS[4]}{PAYLOADS[0]}"
        head = f"{HOSTILE} said on 3 May 2024 that "
        text = f"{head}{HOSTILE} would come. \u201c{HOSTILE}\u201d, said {names['E1']}.\n"
        person = text.rindex(names["E1"])
        quote_start = text.index("\u201c") + 1
        cue = text.index("said", quote_start)
        date = text.index("3 May 2024")
        articles.append(
            {
                "article_id": aid,
                "path": f"/in/{HOSTILE}.txt",
                "title": "Title " + HOSTILE,
                "outlet": "Outlet " + HOSTILE,
                "published": f"2024-05-0{n}",
                "published_source": "metadata",
                "text": text,
                "url": f"javascript:window.{MARK}=8",
            }
        )
        mentions += [
            {
                "article_id": aid,
                "start": person,
                "end": person + len(names["E1"]),
                "text": names["E1"],
                "label": "PERSON",
                "entity_id": ids["E1"],
            },
            {
                "article_id": aid,
                "start": len(head),
                "end": len(head) + len(HOSTILE),
                "text": HOSTILE,
                "label": "ORG",
                "entity_id": ids["E2"],
            },
            {
                "article_id": aid,
                "start": quote_start,
                "end": quote_start + len(HOSTILE),
                "text": HOSTILE,
                "label": "ORG",
                "entity_id": ids["E2"],
            },  # an entity named inside the quote
        ]
        quote_id = f"Q{n}{HOSTILE}"
        quotes.append(
            {
                "quote_id": quote_id,
                "article_id": aid,
                "kind": "direct",
                "content_start": quote_start,
                "content_end": quote_start + len(HOSTILE),
                "content": HOSTILE,
                "cue_start": cue,
                "cue_end": cue + 4,
                "speaker_start": person,
                "speaker_end": person + len(names["E1"]),
                "speaker_entity_id": ids["E1"],
                "speaker_name": names["E1"],
                "via_entity_id": ids["E2"],
                "via_text": HOSTILE,
                # the same quotation in both articles: the quotes step's provenance link, an id from user data
                "provenance_id": "P" + HOSTILE,
            }
        )
        timexes.append(
            {
                "article_id": aid,
                "start": date,
                "end": date + 10,
                "text": "3 May 2024",
                "type": "DATE",
                "value": "2024-05-03",
            }
        )
        sentence_end = text.index("come.") + 5
        events.append(
            {
                "event_id": f"V{n}{HOSTILE}",
                "article_id": aid,
                "start": 0,
                "end": sentence_end,
                "date_start": "2024-05-03",
                "date_end": "2024-05-03",
                "granularity": "day",
                "timex_start": date,
                "timex_end": date + 10,
                "entity_ids": [ids["E1"], ids["E2"]],
            }
        )
        # the example plugin's table (examples/presslens-amounts, installed by make setup)
        amounts.append(
            {
                "amount_id": f"A{n}{HOSTILE}",
                "article_id": aid,
                "start": 0,
                "end": len(HOSTILE),
                "text": HOSTILE,
                "value": 3.0,
                "unit": HOSTILE,
                "kind": "count",
                "n_articles": 1,
            }
        )
        claims.append(
            {
                "claim_id": f"C{n}{HOSTILE}",
                "article_id": aid,
                "quote_id": quote_id,
                "claimant_entity_id": ids["E1"],
                "stance": stance,
                "proposition": HOSTILE,
                "about_entity_ids": [ids["E2"]],
                "date_start": "2024-05-03",
                "date_end": "2024-05-03",
                "group_id": "G" + HOSTILE,
            }
        )
    entities = [
        {
            "entity_id": ids[key],
            "name": names[key],
            "label": label,
            "aliases": [names[key], HOSTILE, "x" + PAYLOADS[5]],
            "n_mentions": 2,
            "n_articles": 2,
        }
        for key, label in (("E1", "PERSON"), ("E2", "ORG"))
    ]
    # an extra table a plugin's view reads (the entities plugin's merge suggestions)
    suggestions = [
        {
            "suggestion_id": "S" + HOSTILE,
            "name_a": names["E1"],
            "name_b": HOSTILE,
            "label": "PERSON",
            "evidence": HOSTILE,
            "applied": False,
            "status": "open " + HOSTILE,
        }
    ]
    # the stories plugin's table: one story of both articles, its label and ids from user data
    for article in articles:
        article["story_id"] = "S" + HOSTILE
    stories = [
        {
            "story_id": "S" + HOSTILE,
            "label": "Story " + HOSTILE,
            "article_ids": [a["article_id"] for a in articles],
            "date_start": "2024-05-01",
            "date_end": "2024-05-02",
            "entity_ids": [ids["E1"], ids["E2"]],
            "n_articles": len(articles),
            "duplicates": [],
        }
    ]
    tables = {
        "articles": articles,
        "mentions": mentions,
        "entities": entities,
        "quotes": quotes,
        "timexes": timexes,
        "events": events,
        "claims": claims,
        "entity_suggestions": suggestions,
        "amounts": amounts,
        "stories": stories,
    }
    manifest = {
        "created": HOSTILE,
        "configuration": {"plugins": [HOSTILE]},
        "inputs": [{"path": HOSTILE}],
        "load_report": {
            "inputs": 1,
            "loaded": 1,
            "skipped": 0,
            "failed": 0,
            "warnings": [HOSTILE],
            "entries": [{"source": HOSTILE, "status": "loaded", "reason": HOSTILE}],
        },
    }
    return Corpus({name: pd.DataFrame(rows) for name, rows in tables.items()}, manifest=manifest)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return _hostile_corpus()


def _selections(corpus: Corpus) -> dict[str, Selection | None]:
    entity = corpus.entities["entity_id"].iloc[0]
    return {
        "none": None,
        "entity": Selection(entities=[entity]),
        "everything": Selection(
            entities=[entity],
            articles=list(corpus.articles["article_id"]),
            quote=corpus.quotes["quote_id"].iloc[0],
            claim_group=corpus.claims["group_id"].iloc[0],
            date_range=("2024-01-01", "2024-12-31"),
        ),
    }


# ---------------------------------------------------------------------------
# static renderers, the static dashboard, the html helpers
@pytest.mark.parametrize("name", tviews.renderers())
def test_every_static_renderer_is_inert(corpus, name):
    rendered_any = False
    for label, selection in _selections(corpus).items():
        markup = toolkit.render(corpus, name, selection=selection)
        assert injection_problems(markup) == [], f"{name} with selection {label}"
        rendered_any = rendered_any or "Evil" in markup
    assert rendered_any, f"{name} showed none of the hostile rows, so the test checked nothing"


def test_the_static_dashboard_is_inert(corpus):
    for selection in _selections(corpus).values():
        page = toolkit.dashboard(corpus, static=True, selection=selection or Selection(), title="Dash " + HOSTILE)
        assert injection_problems(page) == []
        assert "&lt;script&gt;" in page


def test_html_helpers_escape_every_argument():
    frame = pd.DataFrame({HOSTILE: [HOSTILE, None], "n": [1, 2]})
    spans = [
        {"start": 0, "end": 10, "label": HOSTILE, "title": HOSTILE},
        {"start": 5, "end": len(HOSTILE), "label": "PERSON", "title": PAYLOADS[4]},
    ]
    pieces = {
        "escape": h.escape(HOSTILE),
        "table": h.table(frame, caption=HOSTILE, css_class=PAYLOADS[4]),
        "highlight": h.highlight(HOSTILE, spans, colours={HOSTILE: "red;} </style><script>x</script>"}),
        "section": h.section(HOSTILE, h.escape(HOSTILE)),
        "page": h.page(h.escape(HOSTILE), title=HOSTILE),
    }
    for name, markup in pieces.items():
        assert injection_problems(markup) == [], name
    assert h.escape(HOSTILE) in pieces["table"] and h.escape(HOSTILE) in pieces["highlight"]


# ---------------------------------------------------------------------------
# live views: every HTML a widget tree would show
def _widget_markup(widget, seen: set[int] | None = None):
    import ipywidgets as widgets

    seen = set() if seen is None else seen
    if id(widget) in seen:
        return
    seen.add(id(widget))
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        yield widget.value
    if isinstance(widget, widgets.Output):
        for output in widget.outputs:
            yield output.get("data", {}).get("text/html", "")
    if getattr(widget, "description_allow_html", False):
        yield widget.description
    for child in getattr(widget, "children", ()) or ():
        yield from _widget_markup(child, seen)


def _chart_links(widget, seen: set[int] | None = None) -> list[str]:
    """Vega ``href`` encodings in any chart of the tree: a chart that turns data into links."""
    seen = set() if seen is None else seen
    if id(widget) in seen:
        return []
    seen.add(id(widget))
    found = []
    spec = getattr(widget, "spec", None)
    if isinstance(spec, dict) and '"href"' in json.dumps(spec.get("encoding", {})):
        found.append(type(widget).__name__)
    for child in getattr(widget, "children", ()) or ():
        found += _chart_links(child, seen)
    return found


@pytest.mark.parametrize("name", tviews.views())
def test_every_view_is_inert(corpus, name):
    selection = Selection()
    widget = toolkit.view(corpus, name, selection=selection)
    shown = []
    for label, state in _selections(corpus).items():
        if state is not None:
            with selection.hold_trait_notifications():
                for key, value in state.state().items():
                    setattr(selection, key, value)
        for markup in _widget_markup(widget):
            assert injection_problems(markup) == [], f"{name} with selection {label}"
            shown.append(markup)
    assert _chart_links(widget) == [], f"{name} draws links from data"
    assert hasattr(widget, "rows"), f"{name} has no rows() method"
    assert isinstance(widget.rows(), pd.DataFrame)


def test_the_live_dashboard_is_inert(corpus):
    board = toolkit.dashboard(corpus)
    board.selection.entities = [corpus.entities["entity_id"].iloc[0]]  # the status line shows the selection
    for markup in _widget_markup(board):
        assert injection_problems(markup) == []


# ---------------------------------------------------------------------------
# the report's sections (toolkit.report)
def test_report_sections_are_inert(corpus):
    from toolkit import report

    pieces = {
        "overview": report.overview_html(corpus),
        "manifest": report.manifest_html(corpus, command=HOSTILE),
        "header": report.header_html(HOSTILE, corpus),
        "others": report.other_renderers_html(corpus),
    }
    for section in report.sections():  # the sections the installed plugins declare
        pieces[f"section {section.key}"] = report.section_html(corpus, section.key)
    for name, markup in pieces.items():
        assert injection_problems(markup) == [], name


# ---------------------------------------------------------------------------
# in a real browser: nothing ran
@pytest.mark.browser
@pytest.mark.slow
def test_no_payload_runs_in_a_browser(corpus, tmp_path):
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    page_file = tmp_path / "dashboard.html"
    selection = _selections(corpus)["everything"]
    page_file.write_text(
        toolkit.dashboard(corpus, static=True, selection=selection, title="Dash " + HOSTILE), encoding="utf-8"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page()
            events: list[str] = []
            page.on("dialog", lambda dialog: (events.append(dialog.message), dialog.dismiss()))
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith("file:")
                    else (events.append(route.request.url), route.abort())
                ),
            )
            page.goto(page_file.as_uri())
            # hover and focus everything, so injected onmouseover/onfocus handlers would fire
            page.evaluate(
                "document.querySelectorAll('body *').forEach(e => {"
                "e.dispatchEvent(new MouseEvent('mouseover')); e.dispatchEvent(new FocusEvent('focus'));})"
            )
            page.wait_for_timeout(300)
            assert page.evaluate(f"typeof window.{MARK}") == "undefined"
            assert page.title().startswith("Dash Evil <script>")  # the title is text, shown as written
        finally:
            browser.close()
    assert events == [], "no dialog and no network request"
