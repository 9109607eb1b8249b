"""Reproducible reports: run ``notebooks/report.ipynb`` with papermill, export one offline HTML file.

Live widgets do not survive export (anywidget charts come out blank and the
exporter would load widget code from a CDN), so the report takes the static
path: every section is HTML from the plugins' renderers (or a plain table when
a plugin offers none), charts are inline SVG drawn by vl-convert, and the page
carries no script at all. The sections are the ones the installed plugins
declare (``Plugin.report_sections``); the report names none of them.

The report template calls the section functions below; they also work in any
notebook (``toolkit.report.section_html(corpus, key)``, keys from :func:`sections`).

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
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import errors
from . import html as h
from ._io import atomic_write_bytes
from .registry import ReportSection, derived_table

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
]

TEMPLATE_ENV = "PRESSLENS_REPORT_TEMPLATE"
MAX_ROWS = 300  # per table: a report is read, not scrolled through for ever

REPORT_CSS = """
body.pl-root{max-width:1100px;margin:1.5em auto;padding:0 1em}
.pl-report-header h1{margin-bottom:.1em}
.pl-note{border-left:4px solid #999;padding:.3em .8em;margin:.5em 0;background:rgba(128,128,128,.08)}
.pl-chart svg{max-width:100%;height:auto}
.pl-root pre{white-space:pre-wrap;word-break:break-word;font-size:12px}
.pl-root details{margin:.4em 0}
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
    try:
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
    """Every installed renderer the sections did not use (a third-party plugin's view lands here)."""
    catalog = _renderer_catalog() if renderers is None else dict(renderers)
    used = {next((n for n in s.renderers if n in catalog), None) for s in sections()}
    extra = [n for n in sorted(catalog) if n not in used and n not in _NOT_EXTRA]
    return "".join(h.section(n.replace("_", " ").capitalize(), _call_renderer(n, catalog[n], corpus)) for n in extra)


# renderers the report never adds under "More views": the article list is in the overview, and the
# full text of every article would make a large corpus's report unreadable
_NOT_EXTRA = frozenset({"articles", "article_reader"})


# ---------------------------------------------------------------------------
# overview and manifest
def overview_html(corpus: Corpus) -> str:
    """How many articles and findings, and what the loader skipped or could not read."""
    sizes = pd.DataFrame({"table": list(corpus.tables), "rows": [len(t) for t in corpus.tables.values()]})
    body = h.table(sizes)
    report = corpus.load_report
    problems = [e for e in report.get("entries", []) if e.get("status") != "loaded"]
    if problems:
        body += "<h4>Inputs not analysed</h4>" + h.table(pd.DataFrame(problems), columns=["source", "status", "reason"])
    body += "<h4>Articles</h4>" + h.table(
        corpus.articles.sort_values("published", na_position="last"),
        columns=["article_id", "published", "published_source", "outlet", "title"],
        max_rows=MAX_ROWS,
    )
    return h.section("Overview", body)


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
    from IPython.display import HTML, display

    display(HTML(markup))


# ---------------------------------------------------------------------------
# running and exporting
def default_template() -> Path:
    """``notebooks/report.ipynb`` beside the package (``$PRESSLENS_REPORT_TEMPLATE`` overrides it)."""
    override = os.environ.get(TEMPLATE_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1] / "notebooks" / "report.ipynb"


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
    """Run the report notebook on ``inputs`` and write one self-contained HTML file to ``out``.

    The analysis tables and the executed notebook go to ``work_dir`` (kept) or a
    temporary folder (removed after a successful run, kept on failure so the
    executed notebook shows where it failed).
    """
    import papermill

    template = Path(template) if template else default_template()
    if not template.is_file():
        raise ReportError(
            f"Report template not found at {template}. Expected notebooks/report.ipynb beside the "
            f"toolkit package; pass template=PATH (CLI: --template) or set ${TEMPLATE_ENV}."
        )
    paths = [os.fspath(i) for i in inputs]
    if not paths:
        raise ReportError("No inputs given: pass at least one file or folder of articles.")
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
        "command": report_command(
            paths,
            out=os.fspath(out),
            metadata=os.fspath(metadata) if metadata else None,
            title=title,
            model=model,
            clean=clean,
        ),
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
    if loads:  # a renderer tried to pull code or style from the network: the page would not work offline
        raise ReportError(
            f"The report would load {len(loads)} resource(s) from the network, e.g. {loads[0]!r}. "
            f"A renderer must inline everything; the executed notebook is at {executed}."
        )
    out = Path(out)
    atomic_write_bytes(out, page.encode("utf-8"))
    if not keep:
        with contextlib.suppress(OSError):
            shutil.rmtree(work)
    return out
