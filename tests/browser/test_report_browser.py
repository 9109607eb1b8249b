"""The report in Debian's chromium: the first screen at 1280×800 is the summary with the contested claims,
and at 400 px wide nothing scrolls sideways (tables and charts stay inside their own boxes)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "toolkit"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import toolkit
    from toolkit import report

    sample = toolkit.sample_corpus()
    folder = tmp_path_factory.mktemp("analysis")
    toolkit.analyze(sample.folder, metadata=sample.metadata, out=folder, quiet=True)
    return report.report_from_folder(folder, title="The bundled sample")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _open(browser: object, path: Path, *, width: int, height: int, scheme: str = "light") -> object:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    blocked: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:", "about:"))
            else (blocked.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.goto(path.as_uri())
    page.blocked = blocked
    return page


def test_the_first_screen_is_the_summary_with_the_contested_claims(browser: object, report_file: Path) -> None:
    page = _open(browser, report_file, width=1280, height=800)
    assert page.blocked == []
    box = page.locator(".pl-card:has(.pl-contested)").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, box  # the contested claims, whole, in view
    for card in page.locator(".pl-card").all():  # the corpus, the key people and the timeline too
        card_box = card.bounding_box()
        assert card_box["y"] < 800, card.inner_text()[:60]
    assert page.locator(".pl-card svg").count() >= 1
    assert "articles" in page.locator(".pl-report-header").inner_text()
    page.screenshot(path=str(report_file.with_name("report-first-screen.png")))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_scrolls_sideways_at_400_px(browser: object, report_file: Path, scheme: str) -> None:
    page = _open(browser, report_file, width=400, height=800, scheme=scheme)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 401
              && !e.closest('.pl-scroll, .pl-chart')).slice(0, 3).map(e => e.outerHTML.slice(0, 120))"""
    )
    colour = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (colour == "rgb(255, 255, 255)") is (scheme == "light"), colour
    page.screenshot(path=str(report_file.with_name(f"report-400px-{scheme}.png")))
