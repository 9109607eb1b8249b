"""Reproducible reports: one offline HTML file that tells the story of a corpus.

The page reads top down: a first screen that summarises (the corpus, its key
people and organisations, the most contested claims with who asserts and who
denies, a small timeline), a table of contents, the sections, and every
article's text with its findings marked. Each summary piece and section is one
the installed plugins declare (``ReportSection.summary``, ``Plugin.report_sections``)
and their highlight layers mark the articles; the report names none of them.

Live widgets do not survive export, so the report takes the static path: every
part is HTML from the plugins' renderers (called with ``static=True``: no
"select an entity" hints in a page with no scripts), charts are inline SVG
drawn by vl-convert, and the page carries no script at all.

:func:`report_html` builds the page in Python, with no kernel: this is what
``presslens report`` does, from an analysis folder (:func:`report_from_folder`)
or after analysing (:func:`build_report`). ``toolkit/templates/report.ipynb`` calls the
same functions cell by cell, for a user who wants to edit a report; pass it as
``template=`` (CLI ``--template``) to run it with papermill instead.

>>> external_resources('<script src="https://cdn.example/x.js"></script><p>ok</p>')
['<script src="https://cdn.example/x.js">']
>>> external_resources('<link rel="stylesheet" href="style.css">')
[]
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _extras, errors
from . import html as h
from ._io import atomic_write_bytes
from .registry import HighlightLayer, ReportSection, derived_table

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = [
    "ReportError",
    "sections",
    "build_report",
    "default_template",
    "export_html",
    "external_resources",
    "section_html",
    "sections_html",
    "manifest_html",
    "overview_html",
    "other_renderers_html",
    "report_command",
    "show",
    "summary_html",
    "contents_html",
    "articles_html",
    "report_html",
    "report_from_folder",
    "is_analysis_folder",
]

TEMPLATE_ENV = "PRESSLENS_REPORT_TEMPLATE"
MAX_ROWS = 300  # per table: a report is read, not scrolled through for ever

MAX_ARTICLES = 200  # articles whose full text the report shows (the list above names them all)

# The page's own style (the renderers' pieces bring toolkit.html.STYLE): readable from 400 px wide to
# print, in light and dark; a wide table or chart scrolls or shrinks inside its own box, never the page.
REPORT_CSS = """
:root{color-scheme:light dark}
body.pl-root{max-width:1100px;margin:0 auto;padding:.8em 1.2em 3em;background:#fff;color:#1d1d1f;
 overflow-wrap:break-word}
.pl-root a{color:#0b5cad}
.pl-report-header h1{margin:.2em 0 .1em;font-size:1.6em;line-height:1.2}
.pl-report-header p{margin:.1em 0}
.pl-summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(320px,100%),1fr));gap:.7em 1em;margin:.6em 0}
.pl-card{border:1px solid rgba(128,128,128,.4);border-radius:6px;padding:.3em .9em .5em;min-width:0}
.pl-card h3{font-size:1.05em}
.pl-card p{margin:.15em 0}
.pl-contested{margin:.2em 0;padding-left:1.3em}
.pl-contested li{margin-bottom:.4em}
.pl-claim{font-weight:600}
.pl-side{font-weight:600;display:inline-block;min-width:4.2em}
.pl-summary-list{margin:.2em 0}
.pl-summary-list dt{font-weight:600}
.pl-summary-list dd{margin:0 0 .3em 0}
.pl-toc ol{padding-left:1.5em}
.pl-toc ol ol{columns:2 24em;column-gap:2em}
.pl-note{border-left:4px solid #999;padding:.3em .8em;margin:.5em 0;background:rgba(128,128,128,.08)}
.pl-chart{max-width:100%;overflow-x:auto}
.pl-root svg{max-width:100%;height:auto}
.pl-root svg.marks{background:#fff;border-radius:4px}
.pl-root pre{white-space:pre-wrap;word-break:break-word;font-size:12px}
.pl-root details{margin:.4em 0}
.pl-root section.pl-report-section{margin-top:1.4em}
.pl-article{border-top:1px solid rgba(128,128,128,.4);margin-top:1.2em}
.pl-article-text{line-height:1.9}
.pl-legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}
.pl-legend .pl-label{vertical-align:baseline}
@media (prefers-color-scheme:dark){
 body.pl-root{background:#17191c;color:#e6e6e6}
 .pl-root a{color:#8ab4f8}
}
@media (max-width:600px){
 body.pl-root{padding:.5em .6em 2em}
 .pl-report-header h1{font-size:1.3em}
}
@media print{
 :root{color-scheme:light}
 body.pl-root{max-width:none;padding:0;background:#fff;color:#000;font-size:11pt}
 .pl-root a{color:inherit;text-decoration:none}
 .pl-scroll,.pl-chart{overflow:visible}
 .pl-toc{break-after:page}
 .pl-article,.pl-card{break-inside:avoid-page}
 .pl-report-section{break-before:page}
}
""".strip()


class ReportError(errors.PressLensError):
    """The report notebook failed, or the exported page would not work offline."""


# ---------------------------------------------------------------------------
# sections
def sections() -> list[ReportSection]:
    """The report's sections, in order: every installed plugin's declared ones (``Plugin.report_sections``)."""
    from .registry import registry

    return registry.report_sections()


def _note(text: str) -> str:
    return f'<p class="pl-note">{h.escape(text)}</p>'


def _renderer_catalog() -> dict[str, Callable[..., str]]:
    from .views import _catalog

    return _catalog("renderers")


def _providers(table: str) -> list[str]:
    from .registry import registry

    return [
        p.name
        for p in registry.all()
        if table in p.provides or table in p.derived or any(x.startswith(f"{table}.") for x in p.provides)
    ]


def _missing_note(table: str) -> str:
    providers = _providers(table)
    if providers:
        return (
            f"The {table} table is empty: the plugin that fills it ({', '.join(providers)}) found nothing "
            f"in these articles."
        )
    return (
        f"No {table} in this report: no installed plugin provides the {table} table. Install or enable "
        f"a plugin that does (run `presslens plugins` to see what is installed)."
    )


def _table(corpus: Corpus, name: str) -> pd.DataFrame:
    """A table of the corpus, or a derived table a plugin declares; empty when neither has it."""
    if name in corpus.tables:
        return corpus.tables[name]
    derived = derived_table(corpus, name)
    return derived if derived is not None else pd.DataFrame()


def _call_renderer(name: str, render: Callable[..., str], corpus: Corpus) -> str:
    """A renderer's HTML for a page with no scripts, or a note when it fails."""
    try:
        try:
            return render(corpus, None, static=True)
        except TypeError as exc:  # a renderer that does not take ``static`` has no hints to leave out
            if "static" not in str(exc):
                raise
            return render(corpus, None)
    except Exception as exc:  # one broken plugin must not cost the reader the whole report
        return _note(f"The {name!r} renderer failed ({type(exc).__name__}: {exc}); its section is left out.")


def section_html(corpus: Corpus, key: str, *, renderers: Mapping[str, Callable[..., str]] | None = None) -> str:
    """One report section: the first installed renderer for it, else a plain table, else a note saying why not.

    ``key`` is a section an installed plugin declares (:func:`sections`).
    """
    declared = {s.key: s for s in sections()}
    try:
        section = declared[key]
    except KeyError:
        raise KeyError(
            f"No report section {key!r}. The installed plugins declare: {', '.join(declared) or 'none'}."
        ) from None
    catalog = _renderer_catalog() if renderers is None else dict(renderers)
    found = next((name for name in section.renderers if name in catalog), None)
    if found is not None:  # a plugin's renderer brings its own heading
        return _call_renderer(found, catalog[found], corpus)
    rows = _table(corpus, section.table) if section.table else pd.DataFrame()
    if rows.empty:
        return h.section(section.title, _note(_missing_note(section.table or section.key)))
    columns = [c for c in section.columns if c in rows.columns] or None
    return h.section(section.title, h.table(rows, columns=columns, max_rows=MAX_ROWS))


def sections_html(corpus: Corpus, *, renderers: Mapping[str, Callable[..., str]] | None = None) -> str:
    """Every declared section, in order (what the report template shows between overview and manifest)."""
    return "".join(section_html(corpus, s.key, renderers=renderers) for s in sections())


def other_renderers_html(corpus: Corpus, *, renderers: Mapping[str, Callable[..., str]] | None = None) -> str:
    """Every installed renderer the sections did not use (a third-party plugin's view lands here).

    Each brings its own heading (printed once); one with nothing to show in a static page is left out.
    """
    return "".join(markup for _, markup in _extra_views(corpus, renderers=renderers))


def _extra_views(corpus: Corpus, *, renderers: Mapping[str, Callable[..., str]] | None = None) -> list[tuple[str, str]]:
    catalog = _renderer_catalog() if renderers is None else dict(renderers)
    used = {next((n for n in s.renderers if n in catalog), None) for s in sections()}
    extra = [n for n in sorted(catalog) if n not in used and n not in _NOT_EXTRA]
    found = ((n, _call_renderer(n, catalog[n], corpus)) for n in extra)
    return [(n, markup) for n, markup in found if markup.strip()]


# renderers the report never adds under "More views": the article list is in the overview, and the
# article text is the report's own reader, with every layer marked
_NOT_EXTRA = frozenset({"articles", "article_reader"})


# ---------------------------------------------------------------------------
# the first screen, the contents, the articles
def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def corpus_line(corpus: Corpus) -> str:
    """The corpus in one line: articles, outlets and the span of publication dates."""
    articles = corpus.articles
    n = len(articles)
    outlets = articles["outlet"].dropna().astype(str) if "outlet" in articles else pd.Series([], dtype=object)
    outlets = outlets[outlets.str.strip() != ""]
    dates = articles["published"].dropna().astype(str) if "published" in articles else pd.Series([], dtype=object)
    parts = [f"<b>{_plural(n, 'article')}</b>", _plural(outlets.nunique(), "outlet")]
    if len(dates):
        parts.append(
            f'published <span class="pl-date">{h.escape(dates.min())}</span> to '
            f'<span class="pl-date">{h.escape(dates.max())}</span>'
        )
        if len(dates) < n:
            parts.append(f"{n - len(dates)} undated")
    else:
        parts.append("no publication dates")
    problems = [e for e in corpus.load_report.get("entries", []) if e.get("status") not in (None, "loaded")]
    if problems:
        parts.append(f'<a href="#s-articles">{_plural(len(problems), "input")} not analysed</a>')
    return ", ".join(parts) + "."


def summary_html(corpus: Corpus, *, title: str = "PressLens report") -> str:
    """The report's first screen: the title, the corpus, then each plugin's summary piece in its declared order."""
    pieces = []
    for section in sorted((s for s in sections() if s.summary is not None), key=lambda s: (s.summary_order, s.key)):
        try:
            markup = section.summary(corpus)  # type: ignore[misc]  # filtered to declared ones above
        except Exception as exc:  # a broken summary piece costs its card, not the report
            markup = _note(f"The {section.key!r} summary failed ({type(exc).__name__}: {exc}).")
        if markup and markup.strip():
            pieces.append(f'<div class="pl-card" data-section="{h.escape(section.key)}">{markup}</div>')
    cards = f'<div class="pl-summary">{"".join(pieces)}</div>' if pieces else ""
    return (
        f'<header class="pl-report-header" id="top"><h1>{h.escape(title)}</h1>'
        f"<p>{corpus_line(corpus)}</p>"
        '<p class="pl-muted">Made with PressLens; every finding points to the characters of its article.</p>'
        f"</header>{cards}"
    )


def _section_id(key: str) -> str:
    return "s-" + re.sub(r"[^A-Za-z0-9_-]+", "-", key)


def _article_anchors(corpus: Corpus) -> dict[str, str]:
    """article_id -> the anchor of its text in the report (ids may hold any character; anchors may not)."""
    shown = _reader_order(corpus)["article_id"].astype(str).head(MAX_ARTICLES)
    return {a: f"article-{i + 1}" for i, a in enumerate(shown)}


def _reader_order(corpus: Corpus) -> pd.DataFrame:
    return corpus.articles.sort_values(["published", "article_id"], na_position="last")


def contents_html(corpus: Corpus, *, extra_views: Sequence[str] = ()) -> str:
    """The table of contents: every part of the report below, each a link to its anchor."""
    entries = [(_section_id(s.key), s.title) for s in sections()]
    entries += [(_section_id(f"view-{n}"), n.replace("_", " ").capitalize()) for n in extra_views]
    items = [f'<li><a href="#{h.escape(anchor)}">{h.escape(text)}</a></li>' for anchor, text in entries]
    anchors = _article_anchors(corpus)
    titles = _reader_order(corpus).drop_duplicates("article_id").set_index("article_id")["title"]
    articles = "".join(
        f'<li><a href="#{anchor}">{h.escape(h.text_or(titles.get(a), a))}</a></li>' for a, anchor in anchors.items()
    )
    items.append(f'<li><a href="#s-articles">Articles, with their findings marked</a><ol>{articles}</ol></li>')
    items.append('<li><a href="#s-manifest">Manifest: how to make this report again</a></li>')
    return f'<nav class="pl-toc" aria-label="Contents"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def overview_html(corpus: Corpus) -> str:
    """The articles analysed, by date, and what the loader skipped or could not read."""
    report = corpus.load_report
    problems = [e for e in report.get("entries", []) if e.get("status") not in (None, "loaded")]
    body = ""
    if problems:
        body += "<h4>Inputs not analysed</h4>" + h.table(pd.DataFrame(problems), columns=["source", "status", "reason"])
    columns = [c for c in ("published", "outlet", "title", "article_id") if c in corpus.articles.columns]
    body += h.table(_reader_order(corpus), columns=columns, max_rows=MAX_ROWS)
    return h.section("Articles", body)


def _legend(layers: Sequence[HighlightLayer], styles: Mapping[str, str]) -> str:
    """What each mark means: the layer's pattern and name, then its labels in their colours, written out."""
    items = []
    for layer in layers:
        colours = dict(layer.colours)
        first = next(iter(colours.values()), "#BBBBBB")
        sample = h.highlight(
            layer.name,
            [{"start": 0, "end": len(layer.name), "label": "", "layer": layer.name}],
            colours={"": first},
            show_labels=False,
            styles=styles,
        )
        labels = " ".join(
            f'<span class="pl-label" style="background:{h.escape(colour)}">{h.escape(label)}</span>'
            for label, colour in colours.items()
        )
        items.append(f"<li>{sample} {labels}</li>")
    return f'<ul class="pl-legend" aria-label="Legend">{"".join(items)}</ul>'


def articles_html(corpus: Corpus, *, max_articles: int = MAX_ARTICLES) -> str:
    """Every article's text with every plugin's highlight layer marked (nested where spans nest), and a legend."""
    from .views import highlight_rows

    layers = registry_highlights()
    styles = {layer.name: h.MARK_STYLES[i % len(h.MARK_STYLES)] for i, layer in enumerate(layers)}
    colours = {label: colour for layer in layers for label, colour in layer.colours.items()}
    anchors = _article_anchors(corpus)
    rows = _reader_order(corpus).drop_duplicates("article_id").head(max_articles)
    parts = [
        "<h3>Articles, with their findings marked</h3>",
        _legend(layers, styles) if layers else "",
        '<p class="pl-muted">Each marked span is followed by its label; the legend says what each kind of mark is.</p>'
        if layers
        else "",
    ]
    for article in rows.to_dict("records"):
        article_id = str(article["article_id"])
        spans = highlight_rows(corpus, article_id, None, layers=layers)
        meta = [h.escape(h.text_or(article.get("outlet"), "outlet unknown"))]
        meta.append(f'<span class="pl-date">{h.escape(h.text_or(article.get("published"), "undated"))}</span>')
        meta.append(f"id {h.escape(article_id)}")
        errors = "".join(_note(e) for e in spans.attrs.get("errors", []))
        text = h.highlight(str(article.get("text") or ""), _records(spans), colours=colours, styles=styles)
        parts.append(
            f'<article class="pl-article" id="{anchors.get(article_id, "")}">'
            f"<h4>{h.escape(h.text_or(article.get('title'), article_id))}</h4>"
            f'<p class="pl-muted">{" · ".join(meta)}</p>{errors}'
            f'<div class="pl-article-text">{text}</div></article>'
        )
    if len(corpus.articles) > max_articles:
        parts.append(_note(f"The text of the first {max_articles} of {len(corpus.articles)} articles is shown."))
    return f'<section class="pl-root">{"".join(parts)}</section>'


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def registry_highlights() -> list[HighlightLayer]:
    from .registry import registry

    return registry.highlights()


def _json_block(obj: Any) -> str:
    return f"<pre>{h.escape(json.dumps(obj, indent=1, sort_keys=True, default=str, ensure_ascii=False))}</pre>"


def file_sha256(path: str | os.PathLike[str]) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def manifest_html(corpus: Corpus, *, command: str | None = None, metadata: str | None = None) -> str:
    """Inputs with hashes, versions, model and configuration: what a colleague needs to rerun it."""
    manifest = corpus.manifest
    body = ""
    if command:
        body += "<h4>Rerun with</h4><pre>" + h.escape(command) + "</pre>"
    inputs = pd.DataFrame(manifest.get("inputs", []), columns=["article_id", "path", "sha256"])
    body += f"<h4>Inputs ({len(inputs)} articles)</h4>" + h.table(inputs, max_rows=5000)
    if metadata:
        body += h.table(pd.DataFrame([{"metadata": metadata, "sha256": file_sha256(metadata)}]))
    for key, heading in (("versions", "Versions"), ("model", "Model"), ("configuration", "Configuration")):
        body += f"<h4>{heading}</h4>" + _json_block(manifest.get(key))
    body += (
        f'<p class="pl-muted">Analysed {h.escape(manifest.get("created", ""))}; '
        f"PressLens {h.escape(manifest.get('presslens_version', ''))}.</p>"
    )
    body += (
        "<details><summary>Full manifest (JSON)</summary>"
        + _json_block({k: v for k, v in manifest.items() if k != "inputs"})
        + "</details>"
    )
    return h.section("Manifest", body)


def header_html(title: str, corpus: Corpus) -> str:
    n = len(corpus.articles)
    dates = corpus.articles["published"].dropna()
    when = f", published {dates.min()} to {dates.max()}" if len(dates) else ""
    return (
        f'<header class="pl-report-header"><h1>{h.escape(title)}</h1>'
        f'<p class="pl-muted">{n} article{"s" if n != 1 else ""}{h.escape(when)}. '
        f"Made with PressLens; every finding points to the characters of its article.</p></header>"
    )


def report_command(
    inputs: Sequence[str],
    *,
    out: str = "report.html",
    metadata: str | None = None,
    title: str | None = None,
    model: str | None = None,
    clean: bool = True,
) -> str:
    """The command line that makes this report again.

    >>> report_command(["news/"], metadata="m.csv", title="Q3 coverage")
    "presslens report news/ --out report.html --metadata m.csv --title 'Q3 coverage'"
    """
    argv = ["presslens", "report", *map(str, inputs), "--out", str(out)]
    for flag, value in (("--metadata", metadata), ("--title", title), ("--model", model)):
        if value:
            argv += [flag, str(value)]
    if not clean:
        argv.append("--no-clean")
    return shlex.join(argv)


def show(markup: str) -> None:
    """Display HTML in a notebook (the report template's only output call)."""
    _extras.require("lab", feature="report.show (HTML in a notebook)", modules=("IPython",))
    from IPython.display import HTML, display

    display(HTML(markup))


# ---------------------------------------------------------------------------
# running and exporting
def default_template() -> Path:
    """The report notebook shipped inside the package (``$PRESSLENS_REPORT_TEMPLATE`` overrides it).

    It is package data, so an installed wheel has it as a checkout does.
    """
    override = os.environ.get(TEMPLATE_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent / "templates" / "report.ipynb"


_SRC_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
_TAG = re.compile(r"<(script|link|iframe|img|object|embed)\b[^>]*>", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)


def external_resources(markup: str) -> list[str]:
    """Tags and CSS rules in ``markup`` that would load something over the network."""
    found = [m.group(0) for m in _TAG.finditer(markup) if _SRC_ATTR.search(m.group(0))]
    found += [m.group(0) for m in _CSS_IMPORT.finditer(markup)]
    return found


_DROP_MIME = (
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
    "application/javascript",
)


def _static_outputs(nb: Any) -> Any:
    """Keep what reads without a kernel: no widget views, no JavaScript, no warnings on stderr."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data is not None:
                for mime in _DROP_MIME:
                    data.pop(mime, None)
                if not data:
                    continue
            kept.append(output)
        cell.outputs = kept
    return nb


def export_html(notebook: str | os.PathLike[str] | Any, *, title: str = "PressLens report") -> str:
    """An executed notebook as ONE standalone page: outputs only, no input cells, no scripts."""
    _extras.require("lab", feature="Exporting a report notebook", modules=("nbformat", "nbconvert"))
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(os.fspath(notebook), as_version=4) if isinstance(notebook, (str, os.PathLike)) else notebook
    nb = _static_outputs(nb)
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove"}  # the template's notes to its editor
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(
        config=config,
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    body, _ = exporter.from_notebook_node(nb)
    return h.page(body, title=title, extra_head=f"<style>{REPORT_CSS}</style>")


def _anchored(anchor: str, markup: str) -> str:
    return f'<section class="pl-report-section" id="{h.escape(anchor)}">{markup}</section>'


def report_html(
    corpus: Corpus,
    *,
    title: str = "PressLens report",
    command: str | None = None,
    metadata: str | None = None,
) -> str:
    """The whole report as one standalone page, built in Python: no kernel, no script, no network."""
    extra = _extra_views(corpus)
    body = [
        summary_html(corpus, title=title),
        contents_html(corpus, extra_views=[n for n, _ in extra]),
        *(_anchored(_section_id(s.key), section_html(corpus, s.key)) for s in sections()),
        *(_anchored(_section_id(f"view-{n}"), markup) for n, markup in extra),
        _anchored("s-articles", overview_html(corpus) + articles_html(corpus)),
        _anchored("s-manifest", manifest_html(corpus, command=command, metadata=metadata)),
    ]
    # every renderer's piece carries the shared style so it stands alone in a notebook; the page needs it once
    markup = "".join(body).replace(h.STYLE_TAG, "")
    page = h.page(markup, title=title, extra_head=f"<style>{REPORT_CSS}</style>")
    loads = external_resources(page)
    if loads:  # a renderer tried to pull code or style from the network: the page would not work offline
        raise ReportError(
            f"The report would load {len(loads)} resource(s) from the network, e.g. {loads[0]!r}. "
            f"A renderer must inline everything (charts as SVG, styles in the page)."
        )
    return page


@contextlib.contextmanager
def lean_chart_imports() -> Iterator[None]:
    """Import Altair without the IRI checker jsonschema loads when ``rfc3987_syntax`` is installed.

    That package compiles its grammars with lark at import: 4.4 s of the 7.3 s ``import altair`` took
    here (1.35 s without it), most of a report's time. Altair validates against the Vega-Lite schema,
    which has no ``iri`` format, so validation is unchanged; only jsonschema's ``iri`` check is missing
    from this process afterwards. The command line uses it; a notebook keeps its usual imports.
    """
    if "altair" in sys.modules or "jsonschema" in sys.modules:
        yield
        return
    had = "rfc3987_syntax" in sys.modules
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "import fails"
    try:
        import altair  # noqa: F401  # imported here, once, without the slow checker
    finally:
        if not had:
            sys.modules.pop("rfc3987_syntax", None)
    yield


def is_analysis_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder written by ``presslens analyze`` (it holds ``manifest.json``)."""
    return (Path(path) / "manifest.json").is_file()


def report_from_folder(
    folder: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    title: str = "PressLens report",
) -> Path:
    """A report of an existing analysis folder, without analysing again; written to ``out`` (default
    ``FOLDER/report.html``)."""
    from .pipeline import Corpus

    folder = Path(folder)
    if not is_analysis_folder(folder):
        raise ReportError(
            f"{folder} is not an analysis folder: expected {folder / 'manifest.json'} beside the tables "
            f"that `presslens analyze INPUT... --out {folder}` writes. Analyse first, or pass the articles: "
            f"`presslens report INPUT... --out report.html`."
        )
    corpus = Corpus.open(folder)
    target = Path(out) if out is not None else folder / "report.html"
    command = shlex.join(["presslens", "report", str(folder), "--out", str(target), "--title", title])
    atomic_write_bytes(target, report_html(corpus, title=title, command=command).encode("utf-8"))
    return target


def build_report(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str],
    metadata: str | os.PathLike[str] | None = None,
    title: str = "PressLens report",
    model: str | None = None,
    clean: bool = True,
    work_dir: str | os.PathLike[str] | None = None,
    template: str | os.PathLike[str] | None = None,
    plugins: Sequence[str] | None = None,
    kernel_name: str = "python3",
    timeout: int | None = None,
) -> Path:
    """Analyse ``inputs`` and write one self-contained HTML report to ``out``.

    Without ``template`` the page is built in this process (:func:`report_html`);
    the tables go to ``work_dir`` when given. With ``template`` (a report
    notebook such as :func:`default_template`) the notebook runs with
    papermill in a ``kernel_name`` kernel and its outputs are exported; the
    executed notebook is kept in ``work_dir`` (or, on failure, in a temporary
    folder it names).
    """
    paths = [os.fspath(i) for i in inputs]
    if not paths:
        raise ReportError("No inputs given: pass at least one file or folder of articles.")
    command = report_command(
        paths,
        out=os.fspath(out),
        metadata=os.fspath(metadata) if metadata else None,
        title=title,
        model=model,
        clean=clean,
    )
    if template is None:
        from .pipeline import analyze

        corpus = analyze(
            paths,
            out=os.fspath(work_dir) if work_dir is not None else None,
            metadata=os.fspath(metadata) if metadata else None,
            model=model,
            clean=clean,
            plugins=list(plugins) if plugins is not None else None,
            quiet=True,
        )
        target = Path(out)
        page = report_html(corpus, title=title, command=command, metadata=os.fspath(metadata) if metadata else None)
        atomic_write_bytes(target, page.encode("utf-8"))
        return target
    return _run_template(
        Path(template),
        paths,
        out=Path(out),
        metadata=metadata,
        title=title,
        model=model,
        clean=clean,
        work_dir=work_dir,
        plugins=plugins,
        kernel_name=kernel_name,
        timeout=timeout,
        command=command,
    )


def _run_template(
    template: Path,
    paths: list[str],
    *,
    out: Path,
    metadata: str | os.PathLike[str] | None,
    title: str,
    model: str | None,
    clean: bool,
    work_dir: str | os.PathLike[str] | None,
    plugins: Sequence[str] | None,
    kernel_name: str,
    timeout: int | None,
    command: str,
) -> Path:
    """Run a report notebook with papermill and export its outputs as one page."""
    _extras.require(
        "lab", feature="A report notebook (template=, --template)", modules=("papermill", "nbconvert", "ipykernel")
    )
    import papermill

    if not template.is_file():
        raise ReportError(
            f"Report template not found at {template}. Expected a report notebook "
            f"(the default is {default_template()}); pass template=PATH (CLI: --template) or set ${TEMPLATE_ENV}."
        )
    keep = work_dir is not None
    work = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="presslens-report-"))
    work.mkdir(parents=True, exist_ok=True)
    executed = work / "report.ipynb"
    parameters = {
        "inputs": paths,
        "metadata": os.fspath(metadata) if metadata else None,
        "title": title,
        "model": model,
        "clean": clean,
        "plugins": list(plugins) if plugins is not None else None,
        "tables_dir": str((work / "tables").resolve()),
        "command": command,
    }
    try:
        papermill.execute_notebook(
            str(template),
            str(executed),
            parameters=parameters,
            kernel_name=kernel_name,
            cwd=os.getcwd(),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
    except papermill.PapermillExecutionError as exc:
        raise ReportError(
            f"The report notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}\n"
            f"The executed notebook is kept at {executed} for inspection."
        ) from None
    page = export_html(executed, title=title)
    loads = external_resources(page)
    if loads:
        raise ReportError(
            f"The report would load {len(loads)} resource(s) from the network, e.g. {loads[0]!r}. "
            f"A renderer must inline everything; the executed notebook is at {executed}."
        )
    atomic_write_bytes(out, page.encode("utf-8"))
    if not keep:
        with contextlib.suppress(OSError):
            shutil.rmtree(work)
    return out
