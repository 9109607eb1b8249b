"""Every chart of every installed view and renderer compiles to Vega and draws, with vl-convert.

Regressions pinned: the live timeline failed in the browser with "Duplicate signal name:
pick_tuple" (a selection Altair lifted onto both layers of a layered chart), and who-said-what
with "Cannot destructure property 'aggregate'" (``sort="-color"`` over a text layer with no
colour). Both passed the kernel-side tests, which drive traitlets and never compile a spec.

The charts are found without naming any plugin: a live view's charts are the
``alt.JupyterChart`` widgets inside it (``.spec`` is what the front end draws); a renderer's
are the specs it hands to vl-convert.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

import toolkit
from toolkit import views as V

vlc = pytest.importorskip("vl_convert", reason="vl-convert-python compiles the specs")
alt = pytest.importorskip("altair")
TO_SVG = vlc.vegalite_to_svg  # the converter itself, not the recording stand-in below


def jupyter_charts(widget: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every ``alt.JupyterChart`` in a widget tree (children, and charts a view keeps as attributes)."""
    seen = set() if seen is None else seen
    if id(widget) in seen:
        return
    seen.add(id(widget))
    if isinstance(widget, alt.JupyterChart):
        yield widget
        return
    for child in getattr(widget, "children", None) or ():
        yield from jupyter_charts(child, seen)
    for value in vars(widget).values() if hasattr(widget, "__dict__") else ():
        if isinstance(value, alt.JupyterChart):
            yield from jupyter_charts(value, seen)


def compile_spec(spec: dict[str, Any], where: str) -> str:
    """The spec as Vega (the step that failed in the browser) and as SVG (the drawing); the SVG is returned."""
    assert spec, f"{where}: an empty spec"
    try:
        vlc.vegalite_to_vega(spec)
        return TO_SVG(spec)
    except ValueError as exc:  # vl-convert's message is the browser's JavaScript error
        raise AssertionError(f"{where}: the chart does not compile:\n{str(exc)[:1500]}") from None


@pytest.fixture
def recorded_specs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The specs renderers pass to vl-convert while the test runs (they are still converted)."""
    specs: list[dict[str, Any]] = []

    def recording(spec: Any, *args: Any, **kwargs: Any) -> str:
        import json

        specs.append(json.loads(spec) if isinstance(spec, str) else spec)
        return TO_SVG(spec, *args, **kwargs)

    monkeypatch.setattr(vlc, "vegalite_to_svg", recording)
    return specs


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> toolkit.Corpus:
    bundled = toolkit.sample_corpus()
    return toolkit.analyze(bundled.folder, metadata=bundled.metadata, out=tmp_path_factory.mktemp("sample"), quiet=True)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, sample_news: Any) -> toolkit.Corpus:
    metadata = sample_news / "metadata.csv"  # the fixture skips, with its reason, where ../shared is absent
    return toolkit.analyze(
        sample_news,
        metadata=metadata if metadata.exists() else None,
        out=tmp_path_factory.mktemp("real"),
        quiet=True,
    )


@pytest.fixture(scope="module")
def empty() -> toolkit.Corpus:
    return toolkit.Corpus({})


CORPORA = [
    "sample",
    pytest.param("real", marks=pytest.mark.slow),
    "empty",
]


def _charted_views(corpus: toolkit.Corpus) -> dict[str, list[Any]]:
    return {name: list(jupyter_charts(V.view(corpus, name))) for name in V.views()}


@pytest.mark.parametrize("which", CORPORA)
def test_every_live_chart_compiles_and_draws(which: str, request: pytest.FixtureRequest) -> None:
    corpus = request.getfixturevalue(which)
    charted = _charted_views(corpus)
    for name, charts in charted.items():
        for i, chart in enumerate(charts):
            svg = compile_spec(chart.spec, f"view {name!r}, chart {i}, on the {which} corpus")
            assert svg.lstrip().startswith("<svg"), name
    if which != "empty":
        # the walk finds charts at all: views with charts exist among the installed plugins' views
        assert any(charted.values()), f"no view offers a chart on the {which} corpus: {sorted(charted)}"


@pytest.mark.parametrize("which", CORPORA)
def test_every_renderer_chart_compiles(
    which: str, request: pytest.FixtureRequest, recorded_specs: list[dict[str, Any]]
) -> None:
    corpus = request.getfixturevalue(which)
    for name in V.renderers():
        before = len(recorded_specs)
        html = V.render(corpus, name)  # a chart that fails to convert raises here
        for spec in recorded_specs[before:]:
            compile_spec(spec, f"renderer {name!r} on the {which} corpus")
        assert html.count("<svg") >= len(recorded_specs) - before, name
    if which != "empty":
        assert recorded_specs, f"no renderer drew a chart on the {which} corpus"


def test_live_and_static_charts_share_their_look(sample: toolkit.Corpus, recorded_specs: list[dict]) -> None:
    """Each live chart's encodings (fields, scales, axes) are those of some static chart: one spec, two uses."""

    def look(spec: dict[str, Any]) -> set[str]:
        import json

        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if "encoding" in node:
                    for channel, enc in node["encoding"].items():
                        if isinstance(enc, dict) and "field" in enc:
                            keep = {k: enc[k] for k in ("field", "type", "scale") if k in enc}
                            found.add(f"{channel}:{json.dumps(keep, sort_keys=True)}")
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(spec)
        return found

    for name in V.renderers():
        V.render(sample, name)
    static = [look(spec) for spec in recorded_specs]
    for name, charts in _charted_views(sample).items():
        for chart in charts:
            live = look(chart.spec)
            assert any(live <= s or s <= live for s in static), f"view {name!r} draws a chart no renderer draws"


@pytest.mark.parametrize("which", ["sample", pytest.param("real", marks=pytest.mark.slow)])
def test_chart_labels_do_not_print_over_each_other(
    which: str, request: pytest.FixtureRequest, recorded_specs: list[dict]
) -> None:
    """Axis labels that Vega keeps never overlap: overlapping ones are dropped (``labelOverlap``) or turned."""
    corpus = request.getfixturevalue(which)
    for name in V.renderers():
        V.render(corpus, name)
    checked = 0
    for spec in recorded_specs:
        for axis_labels in _axis_label_boxes(vlc.vegalite_to_scenegraph(spec)):
            checked += len(axis_labels)
            for a, b in itertools.pairwise(axis_labels):
                assert not _overlap(a, b), f"labels {a[4]!r} and {b[4]!r} overlap in {spec.get('title')!r}"
    assert checked > 10, f"only {checked} axis labels found in the charts' scenegraphs: the walk misses them"


@pytest.mark.parametrize("which", ["sample", pytest.param("real", marks=pytest.mark.slow)])
def test_one_legend_per_title(which: str, request: pytest.FixtureRequest, recorded_specs: list[dict]) -> None:
    """Regression: two legends both titled "stance" (colour and shape on scales that did not merge)."""
    corpus = request.getfixturevalue(which)
    for name in V.renderers():
        V.render(corpus, name)
    titled = 0
    for spec in recorded_specs:
        titles = _legend_titles(vlc.vegalite_to_scenegraph(spec))
        titled += len(titles)
        assert len(titles) == len(set(titles)), f"legends titled alike in {spec.get('title')!r}: {titles}"
    assert titled, "no chart has a legend: the scenegraph walk misses them"


def _legend_titles(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("role") == "legend-title":
            found += [str(item.get("text")) for item in node.get("items", []) if item.get("text")]
        for value in node.values():
            found += _legend_titles(value)
    elif isinstance(node, list):
        for value in node:
            found += _legend_titles(value)
    return found


def _axis_label_boxes(scenegraph: dict[str, Any]) -> Iterator[list[tuple[float, float, float, float, str]]]:
    """Per axis, the visible labels' approximate boxes (x0, y0, x1, y1, text), in drawing order."""

    def walk(node: Any, dx: float, dy: float) -> Iterator[list[tuple[float, float, float, float, str]]]:
        if isinstance(node, dict):
            role = node.get("role")
            x, y = dx + float(node.get("x", 0) or 0), dy + float(node.get("y", 0) or 0)
            if role == "axis-label":
                boxes = []
                for item in node.get("items", []):
                    if item.get("opacity", 1) == 0 or not item.get("text"):
                        continue
                    size = float(item.get("fontSize", 10))
                    text = str(item["text"])
                    width = 0.55 * size * len(text)  # average glyph width of the sans-serif fonts
                    left = x + float(item.get("x", 0))
                    align = item.get("align", "center")
                    left -= width / 2 if align == "center" else width if align == "right" else 0
                    top = y + float(item.get("y", 0)) - size / 2
                    if item.get("angle"):  # turned labels take their height across the axis: check that
                        width, size = size, width
                    boxes.append((left, top, left + width, top + size, text))
                yield boxes
                return
            for item in node.get("items", []):
                yield from walk(item, x, y)
            if "scenegraph" in node:
                yield from walk(node["scenegraph"], x, y)
            if "root" in node:
                yield from walk(node["root"], x, y)

    yield from walk(scenegraph, 0.0, 0.0)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    slack = 1.0  # touching is not overlapping
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]
