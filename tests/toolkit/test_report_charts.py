"""The charts in the report have no labels printed over each other (text boxes estimated from the SVG)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit import report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from svg_labels import labels, overlapping, svgs

DRAWN = (
    '<svg xmlns="http://www.w3.org/2000/svg"><g transform="translate(10,20)">'
    '<text transform="translate(0,10)" font-size="10px" text-anchor="middle">{a}</text>'
    '<text transform="translate({x},10) rotate({r})" font-size="10px" text-anchor="middle">{b}</text>'
    '<text transform="translate(0,90)" font-size="10px" opacity="0">hidden twin</text>'
    '<text transform="translate(0,90)" font-size="10px">visible</text></g></svg>'
)


@pytest.mark.parametrize(
    ("x", "rotation", "clash"),
    [(5, 0, True), (60, 0, False), (0, -90, True), (30, -90, False)],
    ids=["side-by-side-overprinted", "apart", "rotated-through", "rotated-apart"],
)
def test_the_estimate_tells_overprinted_from_apart(x: int, rotation: int, clash: bool) -> None:
    svg = DRAWN.format(a="Sundria", b="Kastovia", x=x, r=rotation)
    assert [label.text for label in labels(svg)] == ["Sundria", "Kastovia", "visible"]
    assert bool(overlapping(svg)) is clash


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    sample = toolkit.sample_corpus()
    corpus = toolkit.analyze(sample.folder, metadata=sample.metadata, out=tmp_path_factory.mktemp("out"), quiet=True)
    return report.report_html(corpus)


def _charts(page: str) -> list[tuple[str, str]]:
    """(where, svg) for every chart: the summary card or the section it is in."""
    found = []
    for svg in svgs(page):
        before = page[: page.index(svg)]
        sections = re.findall(r'<section class="pl-report-section" id="([^"]+)"', before)
        cards = re.findall(r'<div class="pl-card" data-section="([^"]+)"', before)
        found.append((sections[-1] if sections else f"summary:{cards[-1]}", svg))
    return found


def test_the_reports_own_charts_have_no_overlapping_labels(page: str) -> None:
    own = [(where, svg) for where, svg in _charts(page) if where.startswith("summary:")]
    assert own, "the summary has no chart"
    for where, svg in own:
        assert len(labels(svg)) >= 3, where
        assert overlapping(svg) == [], where


def test_the_plugins_charts_in_the_report_have_no_overlapping_labels(page: str) -> None:
    sections = [(where, svg) for where, svg in _charts(page) if not where.startswith("summary:")]
    assert sections, "the report's sections have no chart"
    clashes = {where: overlapping(svg)[:3] for where, svg in sections if overlapping(svg)}
    assert not clashes, f"labels printed over each other in plugin charts: {clashes}"
