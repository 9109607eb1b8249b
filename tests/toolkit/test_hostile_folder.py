"""The hostile-input folder of issue #20: every input case of the issue in one folder, run to the end.

The folder is built in ``tmp_path`` from :data:`CASES`, a table of cases with
ids. Each case writes its files (or returns extra inputs such as a DataFrame),
adds metadata rows if it needs them, and lists the load-report lines it must
produce: the entry whose source ends with ``Expect.source`` (exactly one),
its status and words its reason must contain. The run must account for every
input with exactly these lines, no more, and every good article's tables must
be the ones it gets when analysed alone.

To add a case: append a :class:`Case` to :data:`CASES`; the tests pick it up.
Every text here is invented for the tests.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main
from toolkit.loaders import load
from toolkit.registry import Plugin, registry

GOOD = {
    "good-harbour": (
        "Harbour talks resume in Valport\n\n"
        'On 12 March 2024, the port director Ana Ruiz said: "We will reopen the northern quay on Monday." '
        "The transport minister, Tomas Berg, denied that the quay was ready.\n"
    ),
    "good-council": (
        "Council approves the bridge budget\n\n"
        "The city council of Eastmoor voted on 3 June 2023 to fund the new bridge. "
        '"This bridge will connect two neighbourhoods," said councillor Maria Lopez. Work starts in September.\n'
    ),
    # cleaning must keep a transcript's repeated labels and answers
    "good-transcript": (
        "Pilot describes the storm\n\n"
        "Q: Were you on duty that night?\nA: Yes.\nQ: Did the tug reach the ship before midnight?\nA: No.\n"
        "Q: Was the radio working?\nA: Yes.\nQ: And the second radio?\nA: No.\n"
    ),
}


@dataclass(frozen=True)
class Expect:
    """One line of the load report: the entry whose source ends with ``source``."""

    source: str
    status: str
    reason: str = ""  # words the reason must contain
    article_id: str | None = None  # for loaded entries: the id the article must get


@dataclass(frozen=True)
class Case:
    id: str
    write: Callable[[Path], list[Any]]  # writes the case's files into the folder; returns extra inputs
    expect: tuple[Expect, ...]
    metadata: tuple[str, ...] = ()  # rows of the metadata CSV ("path,outlet")
    warnings: tuple[str, ...] = ()  # words some warning must contain
    good: tuple[str, ...] = ()  # ids of good articles: their tables must be complete


def _files(**files: str | bytes) -> Callable[[Path], list[Any]]:
    def write(root: Path) -> list[Any]:
        for name, content in files.items():
            path = root / name.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            path.write_bytes(data)
        return []

    return write


def _raw_names(*names: bytes, content: str) -> Callable[[Path], list[Any]]:
    """Files whose names are given as bytes (not valid UTF-8, or holding control characters)."""

    def write(root: Path) -> list[Any]:
        for name in names:
            with open(os.path.join(os.fsencode(root), name), "wb") as handle:
                handle.write(content.encode("utf-8"))
        return []

    return write


def _surrogate_frame(root: Path) -> list[Any]:
    # object columns: pandas' string columns go through Arrow, which cannot hold a lone surrogate at all
    row = {"id": "frame-\ud800", "text": "A cut emoji \ud83d in a frame.", "title": "Half \udc00 pair", "outlet": "W"}
    return [pd.DataFrame([row], dtype=object)]


CSV_OPEN_QUOTE = (
    "id,text,date\n"
    'csv-a,"An open quote that never closes,2024-01-01\n'
    "csv-b,The second row of the feed is about the ferry.,2024-01-02\n"
    'csv-c,"The third row, quoted properly.",2024-01-03\n'
    "csv-d,Too,many,fields,here\n"
)
JSONL_LINES = (
    json.dumps({"id": "jsonl-a", "text": "The first feed line is about the harbour."})
    + "\n"
    + '{"id": "jsonl-broken", "text": "unterminated\n'
    + '{"id": "jsonl-c", "text": "A lone surrogate \\ud800 in the third line."}\n'
)
HUGE_LINE = " ".join(f"Word{i % 997} went to the harbour market" for i in range(4000)) + "\n"  # one line, ~150 KB

CASES = [
    Case(
        "good-articles",
        _files(**{f"{name}.txt": text for name, text in GOOD.items()}),
        tuple(Expect(f"/{name}.txt", "loaded", article_id=name) for name in GOOD),
        good=tuple(GOOD),
    ),
    Case(
        "hidden-files",
        _files(**{".DS_Store": b"\x00\x05\x16\x07binary", "sub__.draft.txt": GOOD["good-harbour"]}),
        (Expect("/.DS_Store", "skipped", "hidden file"), Expect("/sub/.draft.txt", "skipped", "hidden file")),
    ),
    Case(
        "hidden-folder",
        _files(**{".git__HEAD": "ref: refs/heads/main\n", ".ipynb_checkpoints__a-checkpoint.txt": "Copy.\n"}),
        (
            Expect("/.git", "skipped", "hidden folder"),
            Expect("/.ipynb_checkpoints", "skipped", "hidden folder"),
        ),
    ),
    Case(
        "csv-open-quote-and-wrong-field-count",
        _files(**{"feed.csv": CSV_OPEN_QUOTE}),
        (
            Expect("/feed.csv:2", "failed", "malformed CSV row (line 2:"),
            Expect("/feed.csv:3", "loaded", article_id="csv-b"),
            Expect("/feed.csv:4", "loaded", article_id="csv-c"),
            Expect("/feed.csv:5", "failed", "malformed CSV row (line 5: 5 fields where the header has 3"),
        ),
    ),
    Case(
        "jsonl-bad-line-and-lone-surrogate",
        _files(**{"feed.jsonl": JSONL_LINES}),
        (
            Expect("/feed.jsonl:1", "loaded", article_id="jsonl-a"),
            Expect("/feed.jsonl:2", "failed", "malformed JSON (line 2"),
            Expect("/feed.jsonl:3", "loaded", "lone surrogate in text replaced by U+FFFD", article_id="jsonl-c"),
        ),
        warnings=("feed.jsonl:3: 1 lone surrogate in text",),
    ),
    Case(
        "dataframe-lone-surrogates",
        _surrogate_frame,
        (Expect("DataFrame#0", "loaded", "in article_id replaced by U+FFFD", article_id="frame-\ufffd"),),
    ),
    Case(
        "file-name-not-utf8",
        _raw_names(b"caf\xe9-story.txt", content="Cafe opens\n\nThe mayor opened the new cafe on Monday.\n"),
        (Expect("/caf\\xe9-story.txt", "loaded", "file name is not valid UTF-8", article_id="caf\\xe9-story"),),
    ),
    Case(
        # how the name is shown is the message-escaping rule's business; here it must load and be counted
        "file-name-with-terminal-escapes",
        _raw_names(b"\x1b[2J\x1b[31mred-alert.txt", content="Red alert lifted\n\nThe storm warning ended at noon.\n"),
        (Expect("red-alert.txt", "loaded"),),
    ),
    Case("empty-file", _files(**{"empty.txt": b""}), (Expect("/empty.txt", "skipped", "empty file"),)),
    Case(
        "binary-file",
        _files(**{"photo.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8}),
        (Expect("/photo.txt", "skipped", "binary"),),
    ),
    Case(
        "huge-single-line-under-the-limit",
        _files(**{"one-line.txt": HUGE_LINE}),
        (Expect("/one-line.txt", "loaded", article_id="one-line"),),
    ),
    Case(
        "metadata-file-name-matching-two-files",
        _files(**{"north__report.txt": GOOD["good-council"], "south__report.txt": GOOD["good-council"]}),
        (
            Expect("/north/report.txt", "loaded", article_id="report"),
            Expect("/south/report.txt", "loaded", "duplicate article_id 'report'", article_id="report-2"),
        ),
        metadata=("report.txt,Harbour Herald",),
        warnings=("metadata row 'report.txt' matches 2 inputs", "north/report.txt", "south/report.txt"),
    ),
]


# ---------------------------------------------------------------------------
@dataclass
class Hostile:
    root: Path
    metadata: Path
    extra: list[Any] = field(default_factory=list)

    @property
    def inputs(self) -> list[Any]:
        return [self.root, *self.extra]


@pytest.fixture
def hostile(tmp_path) -> Hostile:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("the folder holds file names that are not valid UTF-8, which this file system refuses")
    root = tmp_path / "hostile"
    root.mkdir()
    extra = [item for case in CASES for item in case.write(root)]
    metadata = tmp_path / "meta.csv"  # outside the folder: a metadata file inside it is another rule's case
    metadata.write_text("path,outlet\n" + "".join(f"{row}\n" for case in CASES for row in case.metadata))
    return Hostile(root=root, metadata=metadata, extra=extra)


def _expected(*, with_frames: bool) -> list[tuple[str, Expect]]:
    return [
        (case.id, expect)
        for case in CASES
        for expect in case.expect
        if with_frames or not expect.source.startswith("DataFrame")
    ]


def _check_report(report: dict[str, Any], *, with_frames: bool) -> None:
    """The load report has exactly the expected lines, each with its status and reason."""
    entries = report["entries"]
    assert report["inputs"] == report["loaded"] + report["skipped"] + report["failed"] == len(entries)
    claimed: set[int] = set()
    for case_id, expect in _expected(with_frames=with_frames):
        matches = [i for i, entry in enumerate(entries) if entry["source"].endswith(expect.source)]
        assert len(matches) == 1, f"{case_id}: {len(matches)} report lines end with {expect.source!r}"
        entry = entries[matches[0]]
        assert entry["status"] == expect.status, (case_id, entry)
        assert expect.reason in entry["reason"], (case_id, entry)
        if expect.article_id is not None:
            assert entry["article_id"] == expect.article_id, (case_id, entry)
        claimed |= set(matches)
    unexpected = [entry for i, entry in enumerate(entries) if i not in claimed]
    assert not unexpected, f"report lines no case expects: {unexpected}"
    warnings = "\n".join(report["warnings"])
    for case in CASES:
        for words in case.warnings:
            assert words in warnings, f"{case.id}: no warning says {words!r}"


def _every_file_has_a_line(root: Path, report: dict[str, Any]) -> None:
    """Independent of the table: each printable name in the folder is the start of some line's source."""
    sources = [entry["source"] for entry in report["entries"]]
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if not name.isprintable() or any(0xDC80 <= ord(ch) <= 0xDCFF for ch in name):
                continue  # their lines are found through CASES, whatever escaping the messages use
            assert any(s == path or s.startswith((path + ":", path + os.sep)) for s in sources), path
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # a hidden folder is one line


def test_the_cases_have_unique_ids():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def test_loading_the_hostile_folder_accounts_for_every_input(hostile):
    articles, report = load(hostile.inputs, metadata=hostile.metadata)
    _check_report(report.to_dict(), with_frames=True)
    _every_file_has_a_line(hostile.root, report.to_dict())
    by_id = {a.article_id: a for a in articles}
    for name, text in GOOD.items():
        assert by_id[name].text == text, name  # nothing cleaned away, the transcript's repeats included
    assert by_id["one-line"].text == HUGE_LINE
    assert {by_id["report"].outlet, by_id["report-2"].outlet} == {"Harbour Herald"}


# ---------------------------------------------------------------------------
# through the pipeline: the run goes to the end, and good articles get the rows they get alone
_PER_ARTICLE_COLUMNS = (
    "article_id",
    "start",
    "end",
    "text",
    "label",
    "type",
    "value",
    "kind",
    "content_start",
    "content_end",
    "content",
)


def _rows(corpus: toolkit.Corpus, ids: set[str]) -> dict[str, set[tuple[Any, ...]]]:
    """Each per-article table's rows for ``ids``, in columns that do not depend on the rest of the corpus."""
    rows = {}
    for name in corpus.manifest["tables"]:
        if name == "articles":
            continue
        frame = corpus.table(name)
        if "article_id" not in frame.columns:
            continue  # a corpus-level table (entities, stories): ids depend on the whole corpus
        columns = [c for c in _PER_ARTICLE_COLUMNS if c in frame.columns]
        subset = frame[frame["article_id"].isin(ids)][columns]
        rows[name] = {tuple(str(v) for v in row) for row in subset.itertuples(index=False)}
    return rows


def _good_alone(tmp_path: Path, **options: Any) -> toolkit.Corpus:
    folder = tmp_path / "good-alone"
    folder.mkdir()
    for name, text in GOOD.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return toolkit.analyze(folder, out=tmp_path / "alone-out", quiet=True, **options)


def _assert_good_tables_complete(corpus: toolkit.Corpus, alone: toolkit.Corpus) -> None:
    articles = corpus.articles.set_index("article_id")
    for name, text in GOOD.items():
        assert articles.at[name, "text"] == text
    hostile_rows, alone_rows = _rows(corpus, set(GOOD)), _rows(alone, set(GOOD))
    assert hostile_rows == alone_rows
    assert any(alone_rows.values()), "the good articles produced no rows at all: the comparison would be empty"


@pytest.fixture
def probe_plugin(monkeypatch):
    """Rows that depend on the Doc (every token's offsets), from a blank pipeline: tokens only, fast.

    The input side is what these tests check; the standard plugins run the folder in the slow test.
    """
    spacy = pytest.importorskip("spacy")
    from toolkit import engines
    from toolkit.nlp import ensure_extensions

    def blank(config, chosen):
        ensure_extensions()  # as load_model does
        return spacy.blank("en")

    monkeypatch.setattr(engines, "build_nlp", blank)

    def extract(doc, article, options):
        return {
            "mentions": [
                {"start": t.idx, "end": t.idx + len(t), "text": t.text, "label": "PROBE"} for t in doc if not t.is_space
            ][:50]
        }

    registry.register(Plugin(name="probe", version="1", provides=("mentions",), extract=extract), replace=True)


def test_analyze_runs_the_hostile_folder_to_the_end(hostile, probe_plugin, tmp_path):
    corpus = toolkit.analyze(
        hostile.inputs, out=tmp_path / "out", metadata=hostile.metadata, plugins=["probe"], quiet=True
    )
    _check_report(corpus.load_report, with_frames=True)
    loaded = {e["article_id"] for e in corpus.load_report["entries"] if e["status"] == "loaded"}
    assert set(corpus.articles["article_id"]) == loaded == set(corpus.mentions["article_id"])
    _assert_good_tables_complete(corpus, _good_alone(tmp_path, plugins=["probe"]))
    # what was written reads back: no lone surrogate or undecodable name broke the Parquet files or the manifest
    reopened = toolkit.open(tmp_path / "out")
    assert set(reopened.articles["article_id"]) == loaded
    json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))


def test_the_cli_runs_the_hostile_folder_to_the_end(hostile, probe_plugin, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["analyze", str(hostile.root), "--out", str(out), "--metadata", str(hostile.metadata)]
    assert main([*argv, "--plugins", "probe", "--quiet"]) == 0
    report = toolkit.open(out).load_report
    _check_report(report, with_frames=False)
    _every_file_has_a_line(hostile.root, report)
    summary = capsys.readouterr().err
    assert f"loaded {report['loaded']}, skipped {report['skipped']}, failed {report['failed']}" in summary


@pytest.mark.slow
def test_the_standard_plugins_run_the_hostile_folder_to_the_end(hostile, tmp_path):
    corpus = toolkit.analyze(hostile.inputs, out=tmp_path / "out", metadata=hostile.metadata, quiet=True)
    _check_report(corpus.load_report, with_frames=True)
    alone = _good_alone(tmp_path)
    _assert_good_tables_complete(corpus, alone)
    produced = {name for name, rows in _rows(alone, set(GOOD)).items() if rows}
    assert {"mentions", "quotes", "timexes"} <= produced  # the good articles exercise the main tables
