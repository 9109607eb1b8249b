"""Every registered view, alone and in the dashboard, drawn by JupyterLab 4 in Debian's chromium.

Regressions pinned: the live timeline showed "JavaScript Error: Duplicate signal name: pick_tuple"
and who-said-what "Cannot destructure property 'aggregate'"; the tour test never drew those views.

A notebook shows every registered view (one cell each, all around one shared selection) and the
dashboard, on the bundled sample and on the real articles (../shared, skipped where absent). Any
JavaScript error in an output or in the console fails the test. Then, with the real mouse: a brush
on the timeline, a click on a chart mark, and a click on a row of the entity table must each narrow
the other views' rows (counted in the rendered HTML tables); in the dashboard a click on an entity
row narrows the timeline and the claims (issue #15), and a click on a quote scrolls the article
reader to it. The time from the input until the other views repainted is measured in the page and
printed, with when the kernel sent its last message, when the page took it in, and the CPU time the
page and the kernel spent on it (a figure a busy machine inflates much less than the times). The bundled
sample's run writes a screenshot per view to docs/screenshots/ (the README shows some).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the tour test's helpers: one way to start Lab
from test_browser_e2e import ERROR_OUTPUTS, _accept_kernel, _offline_page, _run_all, browser, start_lab  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots"
SAMPLE_NEWS = REPO.parent / "shared" / "data" / "sample-news"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CORPORA = {
    "sample": (
        "sample = toolkit.sample_corpus()\n"
        "corpus = toolkit.analyze(sample.folder, metadata=sample.metadata, quiet=True)"
    ),
    "real": (
        f"corpus = toolkit.analyze({str(SAMPLE_NEWS)!r}, metadata={str(SAMPLE_NEWS / 'metadata.csv')!r}, quiet=True)"
    ),
}


def _notebook(views: list[str], corpus_code: str) -> dict[str, Any]:
    def cell(source: str) -> dict[str, Any]:
        return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}

    setup = (
        "import ipywidgets as W\nimport toolkit\n"
        + corpus_code
        + "\nselection = toolkit.Selection()\n"
        + "clear = W.Button(description='Clear the shared selection')\n"
        + "clear.on_click(lambda _: selection.clear())\nclear"
    )
    # a heading names each view's output, so the test finds it without knowing how the view draws
    shown = [
        cell(
            f"W.VBox([W.HTML('<h3 class=\"pl-view-name\">{name}</h3>'),"
            f" toolkit.view(corpus, {name!r}, selection=selection)])"
        )
        for name in views
    ]
    return {
        "cells": [cell(setup), *shown, cell("toolkit.dashboard(corpus)")],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One JupyterLab for the module, with a notebook per corpus (each runs in its own kernel)."""
    from toolkit import views as V

    root = tmp_path_factory.mktemp("views-lab")
    names = V.views()
    for which, code in CORPORA.items():
        (root / f"views-{which}.ipynb").write_text(json.dumps(_notebook(names, code)))
    with start_lab(tmp_path_factory, root) as (base, token):
        yield base, token, names


def _wait_run(page: Any, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    prompts: list[str] = []
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        if prompts and all(p.strip() not in ("[ ]:", "") and "*" not in p for p in prompts):
            return
        time.sleep(1)
    raise AssertionError(f"the notebook did not finish in {timeout_s}s: {prompts}")


def _rows(output: Any) -> int:
    # pickable tables (RowTable) mark each row with data-row-id; plain-HTML views are counted by their body rows
    return output.locator("table tbody tr").count()


def _screenshot(page: Any, output: Any, path: Path, *, height: int = 860, width: int = 1000) -> None:
    """The top of one output (at most ``height`` px): what a reader sees first, at a size fit to commit.

    An element screenshot of an output taller than the window captures Lab's scrolled panel wrongly,
    so the output is scrolled to the top of the notebook and the window is clipped instead.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    output.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    box = output.bounding_box()
    bottom = page.viewport_size["height"] - 30  # above Lab's status bar
    clip = {"x": box["x"], "y": box["y"], "width": min(box["width"], width), "height": min(box["height"], height)}
    clip["height"] = min(clip["height"], bottom - box["y"])
    page.screenshot(path=str(path), clip=clip)


# Marks each other view's output with the moment (performance.now()) of the animation frame after its
# last DOM change since the input (the frame that paints it), so the latency is measured in the page,
# not by polling from the test; ``__lastChange`` tells when the page has settled.
WATCH = """([names, ids]) => {
  window.__repaint = {};
  window.__lastChange = performance.now();
  window.__watchers = (window.__watchers || []).filter(o => o.disconnect() && false);
  names.forEach((name, i) => {
    const el = document.querySelector(`[data-pl-view="${ids[i]}"]`);
    const watcher = new MutationObserver(() => {
      window.__lastChange = performance.now();
      requestAnimationFrame(() => { window.__repaint[name] = performance.now(); });
    });
    watcher.observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
    window.__watchers.push(watcher);
  });
  window.__kernel = [];
  return performance.now();
}"""

# Records when each widget message from the kernel reaches the page (``__kernel``), to split a repaint
# into the kernel's part (until its last message arrived) and the page's (drawing after it).
KERNEL_MESSAGES = """() => {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!this.__plWatched) {
      this.__plWatched = true;
      const decoder = new TextDecoder();
      this.addEventListener("message", (event) => {
        const text = typeof event.data === "string" ? event.data : decoder.decode(new Uint8Array(event.data));
        if (!window.__kernel || !text.includes('"comm_msg"')) return;
        // when it arrived and when the kernel sent it (its header's date), both on the page's clock
        const sent = Date.parse((text.match(/"date":\\s*"([^"]+)"/) || [])[1]) - performance.timeOrigin;
        window.__kernel.push([performance.now(), sent]);
      });
    }
    return send.call(this, data);
  };
}"""


@dataclass(frozen=True)
class Latency:
    """From the input, in ms: until the last narrowed view repainted; until the kernel sent its last message
    (the kernel's part: the input's way there and every view's redraw) and until the page took it in.

    And the CPU each side spent on it, which a busy machine inflates far less than the times: the
    page's main thread (Chromium's ThreadTime) and the kernel process, from the input until the page
    had been still for a second.
    """

    repaint: float
    sent: float
    arrived: float
    page_cpu: float = float("nan")
    kernel_cpu: float = float("nan")

    def __str__(self) -> str:
        return (
            f"{self.repaint:.0f} ms (kernel's last message sent at {self.sent:.0f}, taken in at {self.arrived:.0f};"
            f" CPU: page {self.page_cpu:.0f} ms, kernel {self.kernel_cpu:.0f} ms)"
        )


def _process_cpu_ms(pid: int | None) -> float:
    """User and system CPU time of process ``pid`` so far, in ms (NaN where /proc cannot tell)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        return float("nan")


def _kernel_pid(base: str, token: str, notebook: str) -> int | None:
    """The process of the kernel running ``notebook`` (its connection file names the kernel's id)."""
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as answer:
        sessions = json.load(answer)
    ids = [s["kernel"]["id"] for s in sessions if s.get("path", "").endswith(notebook)]
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if any(f"kernel-{kernel_id}.json" in command for kernel_id in ids):
            return int(proc.name)
    return None


class Page:
    """The rendered notebook: each view's output by name, their table rows, and what changed after an input."""

    def __init__(self, page: Any, outputs: dict[str, Any], *, clear: Any, tag: str, kernel: int | None = None) -> None:
        self.page = page
        self.kernel = kernel
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.outputs = outputs
        self.clear_button = clear
        for i, output in enumerate(outputs.values()):
            output.wait_for(state="attached", timeout=60_000)
            output.evaluate("(e, i) => e.setAttribute('data-pl-view', i)", f"{tag}{i}")

    def page_cpu_ms(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "ThreadTime") * 1000

    @classmethod
    def cells(cls, page: Any, names: list[str], *, kernel: int | None = None) -> Page:
        """One cell per view, each found by the heading the notebook put above it."""
        outputs = {}
        for name in names:
            heading = page.locator("h3.pl-view-name", has_text=name).first
            outputs[name] = page.locator(".jp-OutputArea-output").filter(has=heading).first
        clear = page.get_by_role("button", name="Clear the shared selection")
        return cls(page, outputs, clear=clear, tag="cell", kernel=kernel)

    @classmethod
    def dashboard(cls, page: Any, names: list[str], *, kernel: int | None = None) -> Page:
        """The dashboard's views, each in its ``.pl-view-<name>`` holder (views it has no place for are left out)."""
        board = page.locator(".jp-OutputArea-output .pl-dashboard").first
        outputs = {n: board.locator(f".pl-view-{n}").first for n in names if board.locator(f".pl-view-{n}").count()}
        return cls(page, outputs, clear=board.get_by_role("button", name="Clear all"), tag="board", kernel=kernel)

    def rows(self) -> dict[str, int]:
        return {name: _rows(output) for name, output in self.outputs.items()}

    def clear(self) -> dict[str, int]:
        """Clear the shared selection and wait until every view shows its rows again."""
        self.clear_button.click()
        self.page.wait_for_timeout(1500)
        return self.rows()

    def narrowing(self, act: Any, *, source: str, timeout_s: float = 20) -> tuple[dict[str, tuple[int, int]], Latency]:
        """Run ``act`` (the input); the views whose rows narrowed, and how long until the last of them repainted.

        The page is left alone until it has settled (no change in any view for a second), so the
        test's own queries do not compete with the page for the time measured.
        """
        others = [n for n in self.outputs if n != source]
        before = self.rows()
        ids = [self.outputs[n].get_attribute("data-pl-view") for n in others]
        start = self.page.evaluate(WATCH, [others, ids])
        cpu = self.page_cpu_ms(), _process_cpu_ms(self.kernel)
        start = act() or start  # an input may give its own start (the moment of the click or the brush)
        self.page.wait_for_function(
            "start => performance.now() - Math.max(window.__lastChange, start + 2000) > 1000",
            arg=start,
            polling=250,
            timeout=timeout_s * 1000,
        )
        page_cpu, kernel_cpu = self.page_cpu_ms() - cpu[0], _process_cpu_ms(self.kernel) - cpu[1]
        now = self.rows()
        narrowed = {n: (before[n], now[n]) for n in others if now[n] < before[n]}
        repaint = self.page.evaluate("() => window.__repaint")
        messages = self.page.evaluate("() => window.__kernel")
        kernel = [(got - start, sent - start) for got, sent in messages if got > start]
        times = [repaint[n] - start for n in narrowed if n in repaint]
        last = kernel[-1] if kernel else (float("nan"), float("nan"))
        repaint = max(times) if times else float("nan")
        return narrowed, Latency(repaint, sent=last[1], arrived=last[0], page_cpu=page_cpu, kernel_cpu=kernel_cpu)


@pytest.mark.parametrize("which", ["sample", "real"])
def test_every_view_draws_without_javascript_errors_and_narrows(
    browser: Any,  # noqa: F811 (the fixture imported above)
    lab: Any,
    which: str,
    tmp_path: Path,
) -> None:
    if which == "real" and not SAMPLE_NEWS.is_dir():
        pytest.skip(f"the real articles are not here ({SAMPLE_NEWS}); they live in ../shared beside the repository")
    base, token, names = lab
    blocked: list[str] = []
    page = _offline_page(browser, blocked)
    page.add_init_script(f"({KERNEL_MESSAGES})()")
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(f"{base}/lab/tree/views-{which}.ipynb?reset&token={token}")
    page.locator(".jp-Notebook").wait_for(timeout=60_000)
    _accept_kernel(page)
    page.wait_for_function(
        "(document.querySelector('#jp-main-statusbar') || {innerText: ''}).innerText.includes('Idle')", timeout=60_000
    )
    _run_all(page)
    _accept_kernel(page)
    _wait_run(page)
    kernel = _kernel_pid(base, token, f"views-{which}.ipynb")
    notebook = Page.cells(page, names, kernel=kernel)
    # the dashboard builds its views in place after its cell returned: wait until its last table has rows
    board = page.locator(".jp-OutputArea-output").filter(has=page.locator(".pl-dashboard")).first
    board.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('.pl-dashboard .pl-building')"
        " && document.querySelectorAll('.pl-dashboard .pl-view-entity_table tr[data-row-id]').length > 0",
        timeout=120_000,
    )
    # open every view of "More views" too: a chart first drawn when its panel opens must not fail either
    more = board.locator(".pl-place-more .jupyter-widget-Collapse-header, .pl-place-more .lm-AccordionPanel-title")
    for i in range(more.count()):
        more.nth(i).click()
    page.wait_for_timeout(2000)  # charts draw after their widgets arrive
    charts = {n: o.locator(".vega-embed svg.marks").count() for n, o in notebook.outputs.items()}
    assert sum(charts.values()) >= 1, f"no chart was drawn: {charts}"
    errors = page.locator(ERROR_OUTPUTS).all_inner_texts()
    assert not errors, f"errors shown in outputs: {[e[:500] for e in errors]}"
    if which == "sample":
        for name, output in notebook.outputs.items():
            _screenshot(page, output, SHOTS / f"{name}.png")
        # a wide window, as on a desktop screen: the dashboard's places side by side
        page.set_viewport_size({"width": 1900, "height": 1000})
        page.wait_for_timeout(1500)
        _screenshot(page, board, SHOTS / "dashboard.png", width=1600)
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.wait_for_timeout(1500)
    assert not console, f"console errors: {console[:5]}"

    everything = notebook.rows()
    report = []

    # 1. a real mouse brush over the first half of the timeline's events
    # the timeline's event points: the first panel's symbols (role-mark: not the legend's, drawn alike)
    events = notebook.outputs["timeline"].locator(".vega-embed svg.marks g.mark-symbol.role-mark").first.locator("path")
    assert events.count() >= 2, "the timeline drew fewer than two events"

    def brush() -> float:
        events.first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        boxes = [b for b in (events.nth(i).bounding_box() for i in range(events.count())) if b]
        xs = sorted(b["x"] + b["width"] / 2 for b in boxes)
        y = boxes[0]["y"] + boxes[0]["height"] / 2
        left, right = xs[0] - 8, xs[len(xs) // 2] + 8  # from the first event to the middle one
        page.mouse.move(left, y)
        page.mouse.down()
        page.mouse.move(right, y, steps=10)
        # from the button going up, when the brush is done (the chart reports it while it is drawn too,
        # and the views' last repaint is the one for the brush the reader let go of)
        page.mouse.up()
        return page.evaluate("() => performance.now()")

    narrowed, ms = notebook.narrowing(brush, source="timeline")
    page.screenshot(path=str(tmp_path / f"{which}-after-brush.png"))  # for a failure's post-mortem
    report.append(f"brush on the timeline: {ms}, {narrowed}")
    assert any(0 < after < before for before, after in narrowed.values()), f"the brush narrowed nothing: {narrowed}"
    assert notebook.clear() == everything

    # 2. a click on a chart mark: a point of the mentions chart picks its entity
    charted = [n for n, count in charts.items() if count and n not in ("timeline",)]
    marks = {
        n: notebook.outputs[n].locator(".vega-embed svg.marks g.role-mark:is(.mark-symbol, .mark-rect) path")
        for n in charted
    }
    clicked = None
    for name, mark in marks.items():
        if not mark.count():
            continue

        def click(mark: Any = mark) -> float:
            mark.first.scroll_into_view_if_needed()
            box = mark.first.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            started = page.evaluate("() => performance.now()")
            page.mouse.down()
            page.mouse.up()
            return started

        narrowed, ms = notebook.narrowing(click, source=name)
        if narrowed:
            clicked = name
            report.append(f"click on a mark of {name}: {ms}, {narrowed}")
            break
    assert clicked, f"a click on a mark of {list(marks)} narrowed no other view"
    assert notebook.clear() == everything

    # 3. a click on a row of the entity table (its first row: the entity mentioned most)
    row = notebook.outputs["entity_table"].locator("tr[data-row-id]").first

    def pick(row: Any = row) -> float:
        row.scroll_into_view_if_needed()
        box = row.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        started = page.evaluate("() => performance.now()")
        page.mouse.down()
        page.mouse.up()
        return started

    narrowed, ms = notebook.narrowing(pick, source="entity_table")
    report.append(f"click on an entity row: {ms}, {narrowed}")
    assert {"timeline"} <= set(narrowed), f"clicking an entity row did not narrow the timeline: {narrowed}"

    # 4. the dashboard (its own selection): a click on an entity row narrows the timeline and the claims,
    # the entity's chip appears; Enter on a focused row does the same as a click
    dash = Page.dashboard(page, names, kernel=kernel)
    undone = dash.rows()
    entity = dash.outputs["entity_table"].locator("tr[data-row-id]").first
    entity_id = entity.get_attribute("data-row-id")
    entity_name = entity.locator("td").nth(1).inner_text().strip()
    narrowed, ms = dash.narrowing(lambda: pick(entity), source="entity_table")
    report.append(f"dashboard, click on entity {entity_id}: {ms}, {narrowed}")
    page.locator(".pl-dashboard .pl-chip", has_text=entity_name).first.wait_for(timeout=15_000)
    claims = {n for n in dash.outputs if "claim" in n}
    assert "timeline" in narrowed and claims & set(narrowed), (
        f"clicking entity {entity_id} in the dashboard should narrow the timeline and {claims}: {narrowed}"
    )
    assert dash.clear() == undone
    page.locator(".pl-dashboard .pl-chip").first.wait_for(state="detached", timeout=15_000)

    def enter() -> float:
        entity.focus()
        started = page.evaluate("() => performance.now()")
        page.keyboard.press("Enter")
        return started

    narrowed, ms = dash.narrowing(enter, source="entity_table")
    report.append(f"dashboard, Enter on entity {entity_id}: {ms}")
    assert "timeline" in narrowed, f"Enter on a focused entity row did not narrow the timeline: {narrowed}"
    assert dash.clear() == undone

    # 5. a click on a quote in the dashboard scrolls the article reader to it
    quote = dash.outputs["quote_explorer"].locator("tr[data-row-id]").first
    pick(quote)
    picked = dash.outputs["article_reader"].locator("mark[data-scroll-id=picked]")
    picked.first.wait_for(timeout=15_000)
    page.wait_for_timeout(1000)  # the reader scrolls smoothly
    shown = picked.first.evaluate(
        """m => { const box = m.closest('.pl-reader-text') || m.parentElement;
                  const a = m.getBoundingClientRect(), b = box.getBoundingClientRect();
                  return a.top >= b.top - 1 && a.bottom <= b.bottom + 1; }"""
    )
    assert shown, "the article reader did not scroll the picked quote into its view"
    dash.clear()
    print(f"\n[{which}] " + "\n  ".join(report))

    errors = page.locator(ERROR_OUTPUTS).all_inner_texts()
    assert not errors, f"errors shown after the interactions: {[e[:500] for e in errors]}"
    assert not console, f"console errors after the interactions: {console[:5]}"
    assert not [u for u in blocked if not u.startswith("dialog")], f"requests left the machine: {blocked[:5]}"
