"""The report: sections from renderers or plain tables, inline SVG charts, an export with no script."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from toolkit import report
from toolkit.pipeline import Corpus
from toolkit.registry import Plugin, ReportSection, registry

REPO = Path(__file__).resolve().parents[2]
PAYLOAD = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'


def _corpus() -> Corpus:
    """A hand-made corpus with hostile text in every field a report shows."""
    text = f"Ann Lee said {PAYLOAD} was true. Bob Roe denied it {IMG}."
    articles = pd.DataFrame(
        [
            {
                "article_id": "a1",
                "path": "a1.txt",
                "title": f"Title {PAYLOAD}",
                "outlet": f"Outlet {IMG}",
                "published": "2024-01-02",
                "published_source": "metadata",
                "text": text,
            },
            {
                "article_id": "a2",
                "path": "a2.txt",
                "title": "Plain",
                "outlet": None,
                "published": "2024-01-05",
                "published_source": "metadata",
                "text": text,
            },
        ]
    )
    entities = pd.DataFrame(
        [
            {
                "entity_id": "E1",
                "name": f"Ann {PAYLOAD}",
                "label": "PERSON",
                "aliases": ["Ann", PAYLOAD],
                "n_mentions": 2,
                "n_articles": 2,
            },
            {
                "entity_id": "E2",
                "name": "Bob Roe",
                "label": "PERSON",
                "aliases": ["Bob"],
                "n_mentions": 1,
                "n_articles": 1,
            },
        ]
    )
    mentions = pd.DataFrame(
        [
            {"article_id": "a1", "start": 0, "end": 7, "text": "Ann Lee", "label": "PERSON", "entity_id": "E1"},
            {"article_id": "a2", "start": 0, "end": 7, "text": "Ann Lee", "label": "PERSON", "entity_id": "E1"},
            {"article_id": "a1", "start": 63, "end": 70, "text": "Bob Roe", "label": "PERSON", "entity_id": "E2"},
        ]
    )
    quotes = pd.DataFrame(
        [
            {
                "quote_id": "q1",
                "article_id": "a1",
                "kind": "indirect",
                "content_start": 13,
                "content_end": 55,
                "content": f"{PAYLOAD} was true",
                "cue_start": 8,
                "cue_end": 12,
                "speaker_start": 0,
                "speaker_end": 7,
                "speaker_entity_id": "E1",
                "speaker_name": f"Ann {PAYLOAD}",
                "via_entity_id": None,
            },
        ]
    )
    events = pd.DataFrame(
        [
            {
                "event_id": "v1",
                "article_id": "a1",
                "start": 0,
                "end": 60,
                "date_start": "2023-12-30",
                "date_end": "2023-12-30",
                "granularity": "day",
                "timex_start": None,
                "timex_end": None,
                "entity_ids": ["E1"],
            },
        ]
    )
    claims = pd.DataFrame(
        [
            {
                "claim_id": "c1",
                "article_id": "a1",
                "quote_id": "q1",
                "claimant_entity_id": "E1",
                "stance": "assert",
                "proposition": f"it {PAYLOAD}",
                "about_entity_ids": [],
                "date_start": None,
                "date_end": None,
                "group_id": "g1",
            },
            {
                "claim_id": "c2",
                "article_id": "a2",
                "quote_id": None,
                "claimant_entity_id": "E2",
                "stance": "deny",
                "proposition": f"it {PAYLOAD}",
                "about_entity_ids": [],
                "date_start": None,
                "date_end": None,
                "group_id": "g1",
            },
            {
                "claim_id": "c3",
                "article_id": "a2",
                "quote_id": None,
                "claimant_entity_id": "E2",
                "stance": "assert",
                "proposition": "uncontested",
                "about_entity_ids": [],
                "date_start": None,
                "date_end": None,
                "group_id": "g2",
            },
        ]
    )
    manifest = {
        "inputs": [{"article_id": "a1", "path": f"{PAYLOAD}.txt", "sha256": "ab" * 32}],
        "versions": {"presslens": "0"},
        "model": {"name": "m"},
        "configuration": {"plugins": []},
        "created": "2024-01-01T00:00:00",
    }
    return Corpus(
        {
            "articles": articles,
            "entities": entities,
            "mentions": mentions,
            "quotes": quotes,
            "events": events,
            "claims": claims,
        },
        manifest=manifest,
    )


def _contested_stand_in(corpus: Corpus) -> pd.DataFrame:
    """Stands in for the claims plugin's ``contested_claims`` (the claims rows of contested groups)."""
    claims = corpus.claims
    return claims[claims["group_id"] == "g1"]


@pytest.fixture(autouse=True)
def claims_with_a_contested_table(_isolated_registry):
    """The claims plugin as installed, its derived table replaced by a stand-in (the registry is restored after)."""
    import dataclasses

    claims = registry.get("claims")
    registry.register(dataclasses.replace(claims, derived={"contested_claims": _contested_stand_in}), replace=True)


def _assert_inert(markup: str) -> None:
    assert PAYLOAD not in markup, "article text reached the HTML unescaped"
    assert "<img src=x" not in markup
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in markup or "&lt;script&gt;" in markup


@pytest.mark.parametrize(
    ("markup", "loads"),
    [
        ('<script src="https://cdn.example/vega.js"></script>', 1),
        ("<script src='//cdn.example/x.js'></script>", 1),
        ('<link rel="stylesheet" href="http://example.org/a.css">', 1),
        ("<style>@import url(https://fonts.example/css);</style>", 1),
        ('<script>var x = 1;</script><link rel="stylesheet" href="local.css">', 0),
        ('<a href="https://example.org">a link is fine</a>', 0),
    ],
    ids=["https-script", "protocol-relative", "http-stylesheet", "css-import", "inline-only", "plain-link"],
)
def test_external_resources_finds_network_loads(markup: str, loads: int) -> None:
    assert len(report.external_resources(markup)) == loads


@pytest.mark.parametrize("key", ["entities", "quotes", "claims", "timeline"])
def test_fallback_sections_escape_every_field(key: str) -> None:
    markup = report.section_html(_corpus(), key, renderers={})
    _assert_inert(markup) if key != "timeline" else None
    assert PAYLOAD not in markup
    assert "<table" in markup or "<svg" in markup


def test_sections_prefer_an_installed_renderer() -> None:
    calls = []

    def entity_table(corpus: Corpus, selection: object = None, **_: object) -> str:
        calls.append(len(corpus.entities))
        return "<p>from the plugin</p>"

    markup = report.section_html(_corpus(), "entities", renderers={"entity_table": entity_table})
    assert markup == "<p>from the plugin</p>"
    assert calls == [2]
    timeline = report.section_html(_corpus(), "timeline", renderers={"timeline": lambda c, s=None: "<svg>T</svg>"})
    assert timeline == "<svg>T</svg>"  # the plugin's chart replaces the report's own


def test_a_failing_renderer_becomes_a_note_not_an_error() -> None:
    def broken(corpus: Corpus, selection: object = None) -> str:
        raise RuntimeError("boom <b>")

    markup = report.section_html(_corpus(), "quotes", renderers={"quote_explorer": broken})
    assert "renderer failed" in markup and "boom &lt;b&gt;" in markup


def test_missing_tables_say_which_plugin_is_needed() -> None:
    markup = report.section_html(Corpus({"articles": _corpus().articles}), "quotes", renderers={})
    assert "quotes" in markup and "plugin" in markup and "<table" not in markup


def test_other_renderers_lists_only_unused_ones() -> None:
    renderers = {
        "entity_table": lambda c, s=None: "E",
        "numbers": lambda c, s=None: "<p>N-view</p>",
        "articles": lambda c, s=None: "A",
    }
    markup = report.other_renderers_html(_corpus(), renderers=renderers)
    assert "N-view" in markup and ">E<" not in markup and ">A<" not in markup


def test_contested_claims_come_from_the_claims_plugins_table() -> None:
    markup = report.section_html(_corpus(), "claims", renderers={})
    assert "<h3>Contested claims</h3>" in markup
    assert "c1" not in markup  # the plain table shows the declared columns of the derived table's rows
    assert markup.count("<tr>") == 3 and "g2" not in markup  # header + the two rows of the contested group


def test_sections_are_the_declared_ones_in_order() -> None:
    assert [s.key for s in report.sections()] == [
        "stories",
        "timeline",
        "entities",
        "quotes",
        "quote_provenance",
        "claims",
    ]
    extra = Plugin(
        name="zz_picks",
        report_sections=(ReportSection(key="picks", title="Picks", order=15, renderers=("picks",), table="articles"),),
    )
    with registry.enabled(extra):
        assert [s.key for s in report.sections()] == [
            "stories",
            "timeline",
            "picks",
            "entities",
            "quotes",
            "quote_provenance",
            "claims",
        ]
    with pytest.raises(KeyError, match=r"No report section 'picks'\. The installed plugins declare: stories"):
        report.section_html(_corpus(), "picks")


def test_the_timeline_is_the_timeline_plugins_inline_svg() -> None:
    markup = report.section_html(_corpus(), "timeline")
    assert markup.count("<svg") == 1 and "<script" not in markup and "<h3>Timeline</h3>" in markup


def test_manifest_escapes_paths_and_shows_the_rerun_command() -> None:
    markup = report.manifest_html(_corpus(), command="presslens report in/ --out r.html --title 'A <b>'")
    assert "presslens report in/" in markup and "&lt;b&gt;" in markup
    assert PAYLOAD not in markup and "ab" * 32 in markup


def test_export_drops_widgets_scripts_warnings_and_removed_cells() -> None:
    nb = new_notebook(
        cells=[
            new_markdown_cell("editor's note", metadata={"tags": ["remove"]}),
            new_code_cell(
                "x",
                outputs=[
                    new_output("stream", name="stderr", text="a warning nobody should read in a report"),
                    new_output(
                        "display_data",
                        data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}, "text/plain": "VBox()"},
                    ),
                    new_output("display_data", data={"application/javascript": "alert(1)"}),
                    new_output("display_data", data={"text/html": "<p>kept output</p>"}),
                ],
            ),
        ]
    )
    page = report.export_html(nb, title=f"T {PAYLOAD}")
    assert "kept output" in page
    assert "<script" not in page and "warning nobody" not in page and "editor's note" not in page
    assert "&lt;script&gt;" in page.split("</title>")[0]
    assert "print(" not in page and ">x<" not in page  # input cells hidden
    assert report.external_resources(page) == []


def test_report_command_round_trips_through_the_shell() -> None:
    command = report.report_command(
        ["a b/", "c.txt"], out="r.html", metadata="m.csv", title="It's <b>", model="en_x", clean=False
    )
    import shlex

    assert shlex.split(command) == [
        "presslens",
        "report",
        "a b/",
        "c.txt",
        "--out",
        "r.html",
        "--metadata",
        "m.csv",
        "--title",
        "It's <b>",
        "--model",
        "en_x",
        "--no-clean",
    ]


def test_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(report.ReportError, match="template not found"):
        report.build_report([str(tmp_path)], out=tmp_path / "r.html", template=tmp_path / "nope.ipynb")


def hostile_corpus(folder: Path) -> tuple[Path, Path]:
    """Articles whose text and titles carry scripts; usable by the browser test too."""
    folder.mkdir(parents=True, exist_ok=True)
    bodies = {
        "hostile-1": (
            f'Officials met in Geneva on Tuesday. {PAYLOAD} "We will not back down," the foreign '
            f"minister Anna Berg said on Monday, according to the Nordic News Agency. {IMG}\n\n"
            "The talks were held last week, a spokesman said."
        ),
        "hostile-2": (
            'Anna Berg denied the report on Friday. "There was no agreement," she told reporters. '
            "</style><script>window.__pwned=3</script> Peter Vance said the deal was signed in March."
        ),
    }
    for name, body in bodies.items():
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    metadata = folder.parent / f"{folder.name}-metadata.csv"
    with metadata.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["article_id", "published", "outlet", "title"])
        writer.writerow(["hostile-1", "2024-03-05", f"Outlet {IMG}", f"Talks {PAYLOAD}"])
        writer.writerow(["hostile-2", "2024-03-09", "The Daily", "Denial <b>bold</b>"])
    return folder, metadata


@pytest.mark.slow
@pytest.mark.parametrize(
    "template", [None, REPO / "toolkit" / "templates" / "report.ipynb"], ids=["kernel-free", "notebook"]
)
def test_report_command_writes_one_inert_offline_page(tmp_path: Path, template: Path | None) -> None:
    folder, metadata = hostile_corpus(tmp_path / "news")
    out = tmp_path / "r.html"
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
            f"Report {PAYLOAD}",
            "--work-dir",
            str(tmp_path / "work"),
            *(["--template", str(template)] if template else []),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    page = out.read_text("utf-8")
    assert report.external_resources(page) == []
    # article text shows as text: no tag from it survives (nbconvert may unescape quotes inside text, harmless)
    assert "<script" not in page.lower()  # the report needs no script at all
    assert "<img" not in page.lower()
    assert page.count("&lt;script&gt;window.__pwned=1&lt;/script&gt;") >= 2  # title and text, visible as text
    assert page.count("<svg") >= 1
    if template is None:  # no kernel, so no kernel warnings: the result and nothing else
        assert re.fullmatch(r"wrote \S+ in \d+\.\ds\n", done.stderr), done.stderr
    for heading in ("Articles", "Manifest"):
        assert f"<h3>{heading}</h3>" in page
    for topic in ("Timeline", "Entities", "Quotes", "Contested claims"):  # a plugin's or the report's own heading
        assert re.search(rf"<h3>[^<]*{topic}", page, re.I), topic
    # the manifest names both inputs with their hashes, and how to rerun
    assert page.count("hostile-") >= 4 and re.search(r"[0-9a-f]{64}", page)
    assert "presslens report" in page
    if template is None:  # the tables are kept in the work folder
        assert (tmp_path / "work" / "quotes.parquet").is_file()
    else:
        assert (tmp_path / "work" / "report.ipynb").is_file() and (
            tmp_path / "work" / "tables" / "quotes.parquet"
        ).is_file()
