"""Real-browser tests: JupyterLab runs the tour in Debian's chromium; the report opens from file://.

Playwright drives the system chromium (its own browser download is not available offline). Every request
that leaves 127.0.0.1 or file:// is blocked and recorded: nothing may load from a network.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "toolkit"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


# what an output area shows when something failed: a traceback, a Vega error, a widget that did not draw
ERROR_OUTPUTS = (
    '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"], '
    ".jp-OutputArea-output:has-text('JavaScript Error'), "
    ".jp-OutputArea-output:has-text('Error displaying widget'), "
    ".jp-OutputArea-output:has-text('Failed to load model class')"
)


def _env() -> dict[str, str]:
    paths = [str(REPO), str(REPO / "plugins"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _offline_page(browser: object, blocked: list[str]) -> object:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def route(route: object) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:", "http://127.0.0.1", "ws://127.0.0.1")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda dialog: (blocked.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def start_lab(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Iterator[tuple[str, str]]:
    """A JupyterLab server on a free 127.0.0.1 port serving ``root``: yields (base url, token)."""
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter-home")
    env = {
        **_env(),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    # render every cell (no virtual scrolling), so the test can read every prompt and output
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.port_retries=0",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(home / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from toolkit.samples import sample_corpus

    if not sample_corpus(required=False).exists:
        pytest.skip("the bundled sample corpus (toolkit/data/sample/) is missing; the tour reads it")
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(REPO / "notebooks" / "01-tour.ipynb", root / "01-tour.ipynb")  # Lab autosaves: not the repo's copy
    with start_lab(tmp_path_factory, root) as (base, token):
        yield f"{base}/lab/tree/01-tour.ipynb?reset&token={token}"


def _run_all(page: object) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()


def _accept_kernel(page: object) -> None:
    """A fresh Lab may ask which kernel to start: take the notebook's own (python3)."""
    dialog = page.locator(".jp-Dialog")
    try:
        dialog.get_by_role("button", name="Select", exact=True).click(timeout=5_000)
    except Exception:  # no dialog: the kernel started by itself
        pass


def _wait_until_run(page: object, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()
        failed = [e for e in errors if "Traceback" in e or "Error" in e]
        if failed:  # Run All stops at an error: say which, rather than wait for the timeout
            raise AssertionError(f"a cell of the tour failed in JupyterLab:\n{failed[0][-3000:]}")
        if prompts and all(p.strip() not in ("[ ]:", "[*]:", "") and "*" not in p for p in prompts):
            return
        time.sleep(1)
    page.screenshot(path="/tmp/lab-timeout.png")
    raise AssertionError(f"the tour did not finish running in {timeout_s}s: prompts {prompts}")


def _speaker_to_pick() -> tuple[str, str, int, int] | None:
    """(entity id, name, quotes before, quotes after) for a speaker whose selection narrows the quote view."""
    import toolkit
    from toolkit import views

    if not {"entity_table", "quote_explorer"} <= set(views.views()):
        return None
    sample = toolkit.sample_corpus()
    corpus = toolkit.analyze(sample.folder, metadata=sample.metadata, quiet=True)
    selection = toolkit.Selection()
    panel = toolkit.view(corpus, "quote_explorer", selection=selection)
    total = len(panel.rows())
    best = None
    for entity_id, name in corpus.entities[["entity_id", "name"]].itertuples(index=False):
        if entity_id not in set(corpus.quotes["speaker_entity_id"].dropna()):
            continue
        selection.entities = [entity_id]
        shown = len(panel.rows())
        if 0 < shown < total and (best is None or shown < best[3]):
            best = (entity_id, name, total, shown)
    return best


def test_tour_runs_in_jupyterlab_and_the_dashboard_narrows(browser: object, lab: str) -> None:
    blocked: list[str] = []
    page = _offline_page(browser, blocked)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(lab)
    page.locator(".jp-Notebook").wait_for(timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator, #jp-main-statusbar").first.wait_for(timeout=30_000)
    _accept_kernel(page)
    page.wait_for_function(
        "(document.querySelector('#jp-main-statusbar') || {innerText: ''}).innerText.includes('Idle')", timeout=60_000
    )  # the kernel is up
    _run_all(page)
    _accept_kernel(page)
    _wait_until_run(page)
    body = page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in body, body[body.find("Traceback") - 500 :][:2000]
    # the dashboard drew: its "Clear all" button, its selection chips line and its labelled places
    dashboard = page.locator(".jp-OutputArea-output .pl-dashboard").first
    dashboard.wait_for(timeout=30_000)
    assert dashboard.get_by_role("button", name="Clear all").count() == 1
    assert "Selection:" in dashboard.inner_text()
    assert dashboard.locator(".pl-place").count() >= 1
    assert not [u for u in blocked if not u.startswith("dialog")], f"requests left the machine: {blocked[:5]}"

    pick = _speaker_to_pick()
    if pick is None:
        pytest.fail(
            "no speaker to click through: the standard entity_table and quote_explorer views should "
            "both be installed and the sample should have a quoted entity"
        )
    entity_id, name, before_py, after_py = pick
    quotes = dashboard.locator(".pl-view-quote_explorer tr[data-row-id]")
    row = dashboard.locator(f'.pl-view-entity_table tr[data-row-id="{entity_id}"]')
    # the views are built in place after the cell returned: wait for the rows before counting or clicking
    quotes.first.wait_for(timeout=60_000)
    row.wait_for(timeout=60_000)
    rows_before = quotes.count()
    row.click()  # the "click on a table row"
    dashboard.locator(".pl-chip", has_text=name).first.wait_for(timeout=15_000)
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length < n",
        arg=[".pl-dashboard .pl-view-quote_explorer tr[data-row-id]", rows_before],
        timeout=15_000,
    )
    rows_after = quotes.count()
    assert 0 < rows_after < rows_before, (rows_before, rows_after, before_py, after_py)
    errors = page.locator(ERROR_OUTPUTS).all_inner_texts()
    assert not errors, f"errors shown in the tour's outputs: {[e[:500] for e in errors]}"
    assert not console, f"console errors: {console[:5]}"


def test_report_renders_offline_with_charts_and_no_script_from_articles(browser: object, tmp_path: Path) -> None:
    from test_report import hostile_corpus

    folder, metadata = hostile_corpus(tmp_path / "news")
    out = tmp_path / "report.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit.cli",
            "report",
            str(folder),
            "--metadata",
            str(metadata),
            "--out",
            str(out),
            "--title",
            "Browser <script>window.__pwned=9</script>",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    blocked: list[str] = []
    page = _offline_page(browser, blocked)
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined", "a script from the articles ran"
    assert blocked == [], f"the report tried to load or alert: {blocked[:5]}"
    charts = page.locator("svg")
    assert charts.count() >= 1
    box = charts.first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    assert charts.first.locator("path").count() > 3  # marks and axes were drawn
    text = page.locator("body").inner_text()
    for heading in ("timeline", "entit", "quote", "contested claims", "manifest"):
        assert heading in text.lower(), heading
    assert "<script>window.__pwned=1</script>" in text  # the article's script is shown as text
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
