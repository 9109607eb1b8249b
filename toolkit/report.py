"""Reproducible reports: run ``notebooks/report.ipynb`` with papermill, export one offline HTML file.

Live widgets do not survive export (anywidget charts come out blank and the
exporter would load widget code from a CDN), so the report takes the static
path: every section is HTML from the plugins' renderers (or a plain table when
a plugin offers none), charts are inline SVG drawn by vl-convert, and the page
carries no script at all.

The report template calls the section functions below; they also work in any
notebook (``toolkit.report.section_html(corpus, "quotes")``).

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import errors
from . import html as h
from ._io import atomic_write_bytes

if TYPE_CHECKING:
    from .pipeline import Corpus

__all__ = [
    "ReportError", "Section", "SECTIONS", "build_report", "default_template", "export_html",
    "external_resources", "section_html", "timeline_svg", "manifest_html", "overview_html",
    "other_renderers_html", "report_command", "show",
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
@dataclass(frozen=True, kw_only=True)
class Section:
    """One part of the report: the renderers that draw it (first found wins) and the table behind it."""

    key: str
    title: str
    renderers: tuple[str, ...]
    table: str
    fallback: Callable[[Corpus], str]


def _entity_rows(corpus: Corpus) -> pd.DataFrame:
    entities = corpus.entities.copy()
    if entities.empty:
        return entities
    if len(corpus.mentions):
        dated = corpus.mentions[["article_id", "entity_id"]].merge(
            corpus.articles[["article_id", "published"]], on="article_id", how="left")
        span = dated.dropna(subset=["published"]).groupby("entity_id")["published"].agg(["min", "max"])
        entities = entities.merge(span.rename(columns={"min": "first_published", "max": "last_published"}),
                                  left_on="entity_id", right_index=True, how="left")
    return entities.sort_values(["n_mentions", "name"], ascending=[False, True])


def _entities_table(corpus: Corpus) -> str:
    rows = _entity_rows(corpus)
    columns = [c for c in ("name", "label", "aliases", "n_mentions", "n_articles", "first_published",
                           "last_published") if c in rows.columns]
    return h.table(rows, columns=columns, max_rows=MAX_ROWS)


def _quote_rows(corpus: Corpus) -> pd.DataFrame:
    quotes = corpus.quotes.merge(corpus.articles[["article_id", "published", "title"]], on="article_id", how="left")
    return quotes.sort_values(["published", "article_id", "content_start"], na_position="last")


def _quotes_table(corpus: Corpus) -> str:
    return h.table(_quote_rows(corpus), columns=["published", "speaker_name", "kind", "content", "article_id"],
                   max_rows=MAX_ROWS)


POSITIVE_STANCES = frozenset({"assert", "accuse", "support", "call"})


def contested_claims(corpus: Corpus) -> pd.DataFrame:
    """Claims in groups where some claimants assert (or accuse, support, call) and others deny.

    >>> from toolkit.pipeline import Corpus
    >>> claims = pd.DataFrame({"claim_id": ["c1", "c2", "c3"], "article_id": ["a", "b", "b"],
    ...     "stance": ["assert", "deny", "assert"], "group_id": ["g1", "g1", "g2"],
    ...     "proposition": ["p", "p", "q"]})
    >>> contested_claims(Corpus({"claims": claims}))["claim_id"].tolist()
    ['c1', 'c2']
    """
    claims = corpus.claims
    if claims.empty:
        return claims
    stances: dict[Any, set[str]] = {}
    for group, stance in claims[["group_id", "stance"]].dropna().itertuples(index=False, name=None):
        stances.setdefault(group, set()).add(stance)
    contested = [g for g, found in stances.items() if "deny" in found and found & POSITIVE_STANCES]
    rows = claims[claims["group_id"].isin(contested)].copy()
    names = corpus.entities.set_index("entity_id")["name"] if len(corpus.entities) else pd.Series(dtype=object)
    rows["claimant"] = rows["claimant_entity_id"].map(names)
    rows = rows.merge(corpus.articles[["article_id", "published"]], on="article_id", how="left")
    if len(corpus.quotes) and "quote_id" in rows:
        rows = rows.merge(corpus.quotes[["quote_id", "content"]].rename(columns={"content": "evidence"}),
                          on="quote_id", how="left")
    return rows.sort_values(["group_id", "published", "claim_id"], na_position="last")


def _claims_table(corpus: Corpus) -> str:
    rows = contested_claims(corpus)
    if rows.empty:
        return _note("No contested claims: no group of claims has one side asserting and another denying.")
    columns = [c for c in ("group_id", "proposition", "claimant", "stance", "published", "evidence", "article_id")
               if c in rows.columns]
    return h.table(rows, columns=columns, max_rows=MAX_ROWS)


def _timeline_fallback(corpus: Corpus) -> str:
    return timeline_svg(corpus)


SECTIONS: tuple[Section, ...] = (
    Section(key="timeline", title="Timeline", renderers=("timeline",), table="events", fallback=_timeline_fallback),
    Section(key="entities", title="Entities", renderers=("entity_table", "entities"), table="entities",
            fallback=_entities_table),
    Section(key="quotes", title="Quotes", renderers=("quote_explorer", "quote_table", "quotes"), table="quotes",
            fallback=_quotes_table),
    Section(key="claims", title="Contested claims", renderers=("contested_claims", "claims"), table="claims",
            fallback=_claims_table),
)
_BY_KEY = {s.key: s for s in SECTIONS}
# renderers the report never adds under "More views": the article list is in the overview, and the
# full text of every article would make a large corpus's report unreadable
_NOT_EXTRA = frozenset({"articles", "article_reader"})


def _note(text: str) -> str:
    return f'<p class="pl-note">{h.escape(text)}</p>'


def _renderer_catalog() -> dict[str, Callable[..., str]]:
    from .views import _catalog

    return _catalog("renderers")


def _providers(table: str) -> list[str]:
    from .registry import registry

    return [p.name for p in registry.all() if table in p.provides or any(x.startswith(f"{table}.") for x in p.provides)]


def _missing_note(table: str) -> str:
    providers = _providers(table)
    if providers:
        return (f"The {table} table is empty: the plugin that fills it ({', '.join(providers)}) found nothing "
                f"in these articles.")
    return (f"No {table} in this report: no installed plugin provides the {table} table. Install or enable "
            f"a plugin that does (run `presslens plugins` to see what is installed).")


def _call_renderer(name: str, render: Callable[..., str], corpus: Corpus) -> str:
    try:
        return render(corpus, None)
    except Exception as exc:  # one broken plugin must not cost the reader the whole report
        return _note(f"The {name!r} renderer failed ({type(exc).__name__}: {exc}); its section is left out.")


def section_html(corpus: Corpus, key: str, *, renderers: Mapping[str, Callable[..., str]] | None = None) -> str:
    """One report section: the first installed renderer for it, else a plain table, else a note saying why not.

    ``key`` is one of ``timeline``, ``entities``, ``quotes``, ``claims``.
    """
    try:
        section = _BY_KEY[key]
    except KeyError:
        raise KeyError(f"No report section {key!r}. Sections: {', '.join(_BY_KEY)}.") from None
    catalog = _renderer_catalog() if renderers is None else dict(renderers)
    found = next((name for name in section.renderers if name in catalog), None)
    if found is not None:  # a plugin's renderer brings its own heading
        return _call_renderer(found, catalog[found], corpus)
    if key == "timeline":  # no timeline plugin: the report draws publication (and event) dates itself
        body = timeline_svg(corpus)
        if corpus.events.empty:
            body += _note("Points show publication dates only: " + _missing_note("events"))
    else:
        body = section.fallback(corpus) if len(corpus.table(section.table)) else _note(_missing_note(section.table))
    return h.section(section.title, body)


def other_renderers_html(corpus: Corpus, *, renderers: Mapping[str, Callable[..., str]] | None = None) -> str:
    """Every installed renderer the sections did not use (a third-party plugin's view lands here)."""
    catalog = _renderer_catalog() if renderers is None else dict(renderers)
    used = {next((n for n in s.renderers if n in catalog), None) for s in SECTIONS}
    extra = [n for n in sorted(catalog) if n not in used and n not in _NOT_EXTRA]
    return "".join(h.section(n.replace("_", " ").capitalize(), _call_renderer(n, catalog[n], corpus)) for n in extra)


# ---------------------------------------------------------------------------
# the chart
def timeline_frame(corpus: Corpus) -> pd.DataFrame:
    """Counts per day: articles by publication date, and events by the date they happened on."""
    parts = []
    published = pd.to_datetime(corpus.articles["published"], errors="coerce").dropna()
    if len(published):
        parts.append(pd.DataFrame({"date": published.dt.normalize(), "what": "article published"}))
    if len(corpus.events):
        happened = pd.to_datetime(corpus.events["date_start"], errors="coerce").dropna()
        parts.append(pd.DataFrame({"date": happened.dt.normalize(), "what": "event happened"}))
    if not parts:
        return pd.DataFrame(columns=["date", "what", "n"])
    frame = pd.concat(parts, ignore_index=True)
    counts = frame.groupby(["date", "what"]).size().rename("n").reset_index()
    counts["date"] = counts["date"].dt.strftime("%Y-%m-%d")
    return counts


def timeline_spec(corpus: Corpus) -> dict[str, Any]:
    """The Vega-Lite spec of the report's timeline (data inline, already aggregated)."""
    import altair as alt

    data = timeline_frame(corpus)
    chart = alt.Chart(data).mark_circle(opacity=0.8).encode(
        x=alt.X("date:T", title="date"),
        # rows are labelled, so the two kinds never rely on colour alone
        y=alt.Y("what:N", title=None, sort=["article published", "event happened"]),
        size=alt.Size("n:Q", title="count", scale=alt.Scale(range=[40, 400]),
                      legend=alt.Legend(format="d", tickMinStep=1)),
        color=alt.Color("what:N", legend=None, scale=alt.Scale(range=["#0072B2", "#D55E00"])),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("what:N"), alt.Tooltip("n:Q", title="count")],
    ).properties(width=760, height=110, title="What happened when, and when it was reported")
    return chart.to_dict()


def timeline_svg(corpus: Corpus) -> str:
    """The timeline as inline SVG (vl-convert draws it here: no script, no network in the page)."""
    if timeline_frame(corpus).empty:
        return _note("No dates to draw: no article has a publication date and no event is dated.")
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(vl_spec=timeline_spec(corpus))
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return f'<figure class="pl-chart" role="img" aria-label="timeline of publication and event dates">{svg}</figure>'


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
    body += "<h4>Articles</h4>" + h.table(corpus.articles.sort_values("published", na_position="last"),
                                          columns=["article_id", "published", "published_source", "outlet", "title"],
                                          max_rows=MAX_ROWS)
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
    body += f"<p class=\"pl-muted\">Analysed {h.escape(manifest.get('created', ''))}; " \
            f"PressLens {h.escape(manifest.get('presslens_version', ''))}.</p>"
    body += "<details><summary>Full manifest (JSON)</summary>" + _json_block(
        {k: v for k, v in manifest.items() if k != "inputs"}) + "</details>"
    return h.section("Manifest", body)


def header_html(title: str, corpus: Corpus) -> str:
    n = len(corpus.articles)
    dates = corpus.articles["published"].dropna()
    when = f", published {dates.min()} to {dates.max()}" if len(dates) else ""
    return (f'<header class="pl-report-header"><h1>{h.escape(title)}</h1>'
            f'<p class="pl-muted">{n} article{"s" if n != 1 else ""}{h.escape(when)}. '
            f'Made with PressLens; every finding points to the characters of its article.</p></header>')


def report_command(inputs: Sequence[str], *, out: str = "report.html", metadata: str | None = None,
                   title: str | None = None, model: str | None = None, clean: bool = True) -> str:
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


_DROP_MIME = ("application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json",
              "application/javascript")


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
    exporter = HTMLExporter(config=config, template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(nb)
    return h.page(body, title=title, extra_head=f"<style>{REPORT_CSS}</style>")


def build_report(inputs: Iterable[str | os.PathLike[str]], *, out: str | os.PathLike[str],
                 metadata: str | os.PathLike[str] | None = None, title: str = "PressLens report",
                 model: str | None = None, clean: bool = True, work_dir: str | os.PathLike[str] | None = None,
                 template: str | os.PathLike[str] | None = None, plugins: Sequence[str] | None = None,
                 kernel_name: str = "python3", timeout: int | None = None) -> Path:
    """Run the report notebook on ``inputs`` and write one self-contained HTML file to ``out``.

    The analysis tables and the executed notebook go to ``work_dir`` (kept) or a
    temporary folder (removed after a successful run, kept on failure so the
    executed notebook shows where it failed).
    """
    import papermill

    template = Path(template) if template else default_template()
    if not template.is_file():
        raise ReportError(f"Report template not found at {template}. Expected notebooks/report.ipynb beside the "
                          f"toolkit package; pass template=PATH (CLI: --template) or set ${TEMPLATE_ENV}.")
    inputs = [os.fspath(i) for i in inputs]
    if not inputs:
        raise ReportError("No inputs given: pass at least one file or folder of articles.")
    keep = work_dir is not None
    work = Path(work_dir) if keep else Path(tempfile.mkdtemp(prefix="presslens-report-"))
    work.mkdir(parents=True, exist_ok=True)
    executed = work / "report.ipynb"
    parameters = {
        "inputs": inputs,
        "metadata": os.fspath(metadata) if metadata else None,
        "title": title,
        "model": model,
        "clean": clean,
        "plugins": list(plugins) if plugins is not None else None,
        "tables_dir": str((work / "tables").resolve()),
        "command": report_command(inputs, out=os.fspath(out), metadata=os.fspath(metadata) if metadata else None,
                                  title=title, model=model, clean=clean),
    }
    try:
        papermill.execute_notebook(str(template), str(executed), parameters=parameters, kernel_name=kernel_name,
                                   cwd=os.getcwd(), progress_bar=False, log_output=False, execution_timeout=timeout)
    except papermill.PapermillExecutionError as exc:
        raise ReportError(f"The report notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}\n"
                          f"The executed notebook is kept at {executed} for inspection.") from None
    page = export_html(executed, title=title)
    loads = external_resources(page)
    if loads:  # a renderer tried to pull code or style from the network: the page would not work offline
        raise ReportError(f"The report would load {len(loads)} resource(s) from the network, e.g. {loads[0]!r}. "
                          f"A renderer must inline everything; the executed notebook is at {executed}.")
    out = Path(out)
    atomic_write_bytes(out, page.encode("utf-8"))
    if not keep:
        with contextlib.suppress(OSError):
            shutil.rmtree(work)
    return out
