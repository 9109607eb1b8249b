"""Hostile inputs: whatever people scrape must cost one line in the load report, never the run.

The hostile folder is generated here (never committed): binary files named
.txt, empty and whitespace-only files, legacy encodings, UTF-16 with and
without a byte-order mark, mixed line endings, NUL bytes, a 50 MB text file,
JSONL with broken lines, a CSV without a text column, metadata with impossible
dates and ghost files, duplicate ids, symlink loops, broken links, a named pipe
and a folder named like a file.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit import errors
from toolkit.cli import main
from toolkit.loaders import DEFAULT_MAX_CHARS, decode_bytes, load, parse_date
from toolkit.registry import Plugin, registry

REPO = Path(__file__).resolve().parents[2]
BIG_BYTES = 50 * 1024 * 1024

# Text written for these tests (not taken from any corpus).
RUSSIAN = "Заголовок новости\n\nМинистр заявил, что переговоры продолжатся осенью.\n"
FRENCH = "Titre de l'article\n\nLe comité s'est réuni à Genève; la délégation était prête à négocier.\n"
GERMAN = "Überschrift\n\nDie Gespräche über die Brücke wurden fortgesetzt, sagte die Sprecherin.\n"
ENGLISH = "Harbour talks resume\n\nThe delegation arrived on Monday and the talks went on for hours.\n"

# file name -> (status, words the reason must contain); files that load have status "loaded"
EXPECTED = {
    "binary-png.txt": ("skipped", "binary"),
    "binary-noise.txt": ("skipped", "binary"),
    "empty.txt": ("skipped", "empty file"),
    "whitespace.txt": ("skipped", "only whitespace"),
    "cp1251.txt": ("loaded", ""),
    "latin1.txt": ("loaded", ""),
    "utf16-bom.txt": ("loaded", ""),
    "utf16le-nobom.txt": ("loaded", ""),
    "utf16le-cyrillic-nobom.txt": ("loaded", ""),
    "mixed-endings.txt": ("loaded", ""),
    "nul-bytes.txt": ("loaded", "NUL"),
    "huge.txt": ("skipped", "too large"),
    "export.csv": ("failed", "no text column"),
    "self-loop.txt": ("failed", "symbolic link loop"),
    "dangling.txt": ("failed", "broken symbolic link"),
    "pipe.txt": ("skipped", "named pipe"),
    "story.txt": ("loaded", ""),
    "page.html": ("loaded", ""),
    "metadata.csv": ("skipped", "metadata file"),
}
GOOD_IDS = {
    "cp1251",
    "latin1",
    "utf16-bom",
    "utf16le-nobom",
    "utf16le-cyrillic-nobom",
    "mixed-endings",
    "nul-bytes",
    "story",
    "page",
    "inside",
    "feed-a",
    "feed-b",
    "story-2",
    "feed-a-2",
}


def _big_text(n_bytes: int) -> str:
    """Numbered paragraphs (so that cleaning does not drop them as repeats) of about ``n_bytes``."""
    rng = random.Random(7)
    words = (
        "the committee met again on tuesday and said talks would continue next week while officials "
        "from both ministries described progress on the harbour project as slow but steady"
    ).split()
    pool = [" ".join(rng.choice(words) for _ in range(rng.randint(20, 120))) + ".\n" for _ in range(400)]
    parts, size, number = ["Very long file\n\n"], 0, 0
    while size < n_bytes:
        para = f"Paragraph {number}: {pool[number % len(pool)]}"
        parts.append(para)
        size += len(para)
        number += 1
    return "".join(parts)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    rng = random.Random(0)
    (root / "binary-png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(4000))
    (root / "binary-noise.txt").write_bytes(rng.randbytes(8000))
    (root / "empty.txt").write_bytes(b"")
    (root / "whitespace.txt").write_bytes(b"   \n\t\r\n  \n")
    (root / "cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (root / "latin1.txt").write_bytes((FRENCH + GERMAN).encode("latin-1"))
    (root / "utf16-bom.txt").write_bytes(ENGLISH.encode("utf-16"))
    (root / "utf16le-nobom.txt").write_bytes(ENGLISH.encode("utf-16-le"))
    (root / "utf16le-cyrillic-nobom.txt").write_bytes(RUSSIAN.encode("utf-16-le"))
    (root / "mixed-endings.txt").write_bytes(
        b"Mixed endings headline\r\n\r\nFirst line.\rSecond line.\nThird line.\r\n"
    )
    (root / "nul-bytes.txt").write_bytes(b"Headline with NULs\n\nBefore\x00after, and\x00again.\n")
    (root / "huge.txt").write_text(_big_text(BIG_BYTES), encoding="utf-8")
    (root / "story.txt").write_text(ENGLISH, encoding="utf-8")
    (root / "page.html").write_text(
        "<html><head><title>Page title</title><script>document.title='owned'</script></head><body><article>"
        + "<p>The council voted on the budget after a long debate about schools and roads.</p>" * 5
        + "</article></body></html>",
        encoding="utf-8",
    )
    lines = [
        json.dumps({"id": "feed-a", "text": "First feed story about the port.", "date": "2023-09-01"}),
        '{"id": "broken", "text": "unterminated',
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "feed-b", "text": "Second feed story.", "date": "2023-02-30"}),
        json.dumps({"id": "no-text", "title": "A row without its text"}),
        json.dumps({"id": "story", "text": "A feed row whose id is also a file name."}),
        json.dumps({"id": "feed-a", "text": "A second row reusing the first id."}),
    ]
    not_utf8 = b'{"id": "latin", "text": "caf\xe9"}'  # line 8: Latin-1 bytes inside a UTF-8 feed
    (root / "feed.jsonl").write_bytes("\n".join(lines).encode("utf-8") + b"\n" + not_utf8 + b"\n")
    (root / "export.csv").write_text("headline,story_body\nA headline,Some body text\n", encoding="utf-8")
    (root / "metadata.csv").write_text(
        "path,published,outlet,title\n"
        f"{root / 'story.txt'},2024-02-30,Harbour Herald,\n"
        f"{root / 'cp1251.txt'},not a date at all,Evening Wire,\n"
        f"{root / 'latin1.txt'},yesterday,Morning Post,\n"
        f"{root / 'ghost.txt'},2024-01-01,Nowhere News,\n",
        encoding="utf-8",
    )
    os.symlink("self-loop.txt", root / "self-loop.txt")
    os.symlink("does-not-exist.txt", root / "dangling.txt")
    os.mkfifo(root / "pipe.txt")
    folder = root / "folder.txt"  # a directory named like a file: walked into, not read
    folder.mkdir()
    (folder / "inside.txt").write_text("Inside headline\n\nA story kept in a folder with a misleading name.\n")
    os.symlink("..", folder / "loop")  # a directory symlink loop back to the root
    return root


@pytest.fixture(scope="module")
def loaded(hostile):
    return load(hostile, metadata=hostile / "metadata.csv")


def _entries_for(report, path: Path):
    text = str(path)
    return [e for e in report.entries if e.source == text or e.source.startswith((text + ":", text + "#"))]


def test_the_hostile_folder_loads_every_good_article_and_accounts_for_every_file(hostile, loaded):
    articles, report = loaded
    assert {a.article_id for a in articles} == GOOD_IDS
    assert report.inputs == report.loaded + report.skipped + report.failed == len(report.entries)
    assert report.loaded == len(articles)
    for dirpath, dirnames, filenames in os.walk(hostile):  # not following links: every name once
        for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            path = Path(dirpath) / name
            assert _entries_for(report, path), f"{path} has no line in the load report"


@pytest.mark.parametrize(
    ("name", "status", "reason"), [(n, s, r) for n, (s, r) in EXPECTED.items()], ids=list(EXPECTED)
)
def test_each_hostile_file_gets_the_right_status_and_reason(hostile, loaded, name, status, reason):
    _, report = loaded
    entries = _entries_for(report, hostile / name)
    assert entries, f"no report line for {name}"
    first = entries[0]
    assert first.status == status, first
    assert reason in first.reason, first


def test_legacy_and_wide_encodings_decode_to_the_written_text(loaded):
    articles, _report = loaded
    by_id = {a.article_id: a for a in articles}
    assert by_id["cp1251"].raw_text == RUSSIAN
    assert by_id["latin1"].raw_text == FRENCH + GERMAN
    assert by_id["utf16-bom"].raw_text == ENGLISH
    assert by_id["utf16le-nobom"].raw_text == ENGLISH
    assert by_id["utf16le-cyrillic-nobom"].raw_text == RUSSIAN
    assert by_id["mixed-endings"].raw_text == "Mixed endings headline\r\n\r\nFirst line.\rSecond line.\nThird line.\r\n"
    assert by_id["nul-bytes"].text.count("\x00") == 2  # kept, so offsets and --no-clean text stay exact
    assert "document.title" not in by_id["page"].text  # the page's script is not article text


def test_jsonl_reports_each_bad_line_by_number_and_keeps_the_rest(hostile, loaded):
    articles, report = loaded
    feed = str(hostile / "feed.jsonl")
    by_source = {e.source: e for e in report.entries if e.source.startswith(feed)}
    assert by_source[f"{feed}:2"].status == "failed" and "line 2" in by_source[f"{feed}:2"].reason
    assert by_source[f"{feed}:3"].status == "failed" and "list" in by_source[f"{feed}:3"].reason
    assert by_source[f"{feed}:5"].status == "skipped" and "'text'" in by_source[f"{feed}:5"].reason
    assert by_source[f"{feed}:8"].status == "failed" and "not UTF-8" in by_source[f"{feed}:8"].reason
    assert [by_source[f"{feed}:{n}"].status for n in (1, 4, 6, 7)] == ["loaded"] * 4
    texts = {a.article_id: a.text for a in articles}
    assert texts["feed-a"] == "First feed story about the port."
    assert texts["feed-a-2"] == "A second row reusing the first id."  # renamed, nothing overwritten


def test_duplicate_ids_are_made_unique_and_reported(loaded):
    articles, report = loaded
    ids = [a.article_id for a in articles]
    assert len(ids) == len(set(ids))
    renamed = [e for e in report.entries if "duplicate article_id" in e.reason]
    assert {e.article_id for e in renamed} == {"story-2", "feed-a-2"}
    assert sum("duplicate article_id" in w for w in report.warnings) == 2


def test_bad_dates_and_ghost_files_in_metadata_are_reported_and_articles_still_load(loaded):
    articles, report = loaded
    by_id = {a.article_id: a for a in articles}
    # story.txt is "story-2": the feed (read first, folders are walked in name order) had a row "story"
    assert by_id["story-2"].outlet == "Harbour Herald" and by_id["story-2"].published is None
    assert by_id["story"].outlet is None
    assert by_id["cp1251"].outlet == "Evening Wire" and by_id["cp1251"].published is None
    assert by_id["latin1"].published is None, "a relative date would make the run depend on the day"
    assert by_id["feed-b"].published is None
    warnings = "\n".join(report.warnings)
    for needle in (
        "'2024-02-30' is not a valid date",
        "'not a date at all'",
        "'yesterday'",
        "'2023-02-30'",
        "ghost.txt",
    ):
        assert needle in warnings


def test_the_50mb_file_is_skipped_by_default_with_a_reason_that_names_the_fix(hostile, loaded):
    _, report = loaded
    [entry] = _entries_for(report, hostile / "huge.txt")
    assert f"{DEFAULT_MAX_CHARS:,}" in entry.reason and "--max-chars" in entry.reason and "max_chars=" in entry.reason


@pytest.mark.slow
def test_the_50mb_file_loads_in_bounded_time_and_memory_when_the_limit_is_lifted(hostile):
    """Loaded in a fresh process so that its peak memory can be measured."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    script = (
        "import json, resource, sys\n"
        "from toolkit.loaders import load\n"
        "cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])\n"
        "started = cpu()\n"
        "articles, report = load([sys.argv[1]], max_chars=None)\n"
        "print(json.dumps({'cpu_seconds': cpu() - started, 'chars': len(articles[0].text),\n"
        # VmHWM, not ru_maxrss: the latter inherits the forking parent's peak across exec on Linux
        "                  'peak_mb': int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024,\n"
        "                  'status': report.entries[0].status}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(hostile / "huge.txt")],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": _pythonpath()},
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    print(f"50 MB load without a limit: {figures}")  # shown with -s / -rP; the figures the report quotes
    assert figures["status"] == "loaded" and figures["chars"] >= BIG_BYTES
    # generous bounds that catch quadratic work or many copies, not a benchmark (CPU time: a busy
    # machine must not fail it); about 6 s of CPU and a 215 MB peak (100 MB of it the interpreter
    # and pandas) when measured: the text, its lines while cleaning, no second copy
    assert figures["cpu_seconds"] < 60, figures
    assert figures["peak_mb"] < 150 + 4 * BIG_BYTES / 2**20, figures


def test_a_file_that_cannot_be_read_costs_one_line(tmp_path, monkeypatch):
    """Tests run as root, where chmod 000 does not stop reads: the refusal is simulated."""
    (tmp_path / "locked.txt").write_text(ENGLISH)
    (tmp_path / "fine.txt").write_text(ENGLISH)
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    articles, report = load(tmp_path)
    assert [a.article_id for a in articles] == ["fine"]
    [problem] = report.problems
    assert problem.status == "failed" and problem.reason == "unreadable: Permission denied"


def test_the_same_file_reached_through_a_link_loads_once(tmp_path):
    (tmp_path / "a.txt").write_text(ENGLISH)
    os.symlink("a.txt", tmp_path / "b.txt")
    os.link(tmp_path / "a.txt", tmp_path / "c.txt")
    articles, report = load(tmp_path)
    assert [a.article_id for a in articles] == ["a"]
    assert [e.reason for e in report.problems] == [
        f"same file as {tmp_path / 'a.txt'} (reached again through a link)"
    ] * 2


def test_tables_without_a_text_column_name_the_columns_and_the_mapping_option(tmp_path):
    (tmp_path / "export.csv").write_text("headline,story_body\nA,B\n")
    frame = pd.DataFrame({"headline": ["A"], "story_body": ["B"]})
    _, report = load([tmp_path / "export.csv", frame])
    assert [e.status for e in report.entries] == ["failed", "failed"]
    for entry in report.entries:
        assert "headline, story_body" in entry.reason
        assert "columns={'text': 'body'}" in entry.reason and "--text-column" in entry.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "unreadable"),
        (b"", "unreadable"),
        (b"outlet,published\nWire,2024-01-01\n", "found: outlet, published"),
        (b"article_id,outlet\nb,Wire\na,Wire, Inc,and more\n", "commas are quoted"),
    ],
    ids=["binary", "empty", "no-key-column", "unquoted-comma"],
)
def test_unusable_metadata_is_one_failed_line_and_articles_load_without_it(tmp_path, content, reason):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ENGLISH)
    (tmp_path / "meta.csv").write_bytes(content)
    articles, report = load(tmp_path / "in", metadata=tmp_path / "meta.csv")
    assert [a.article_id for a in articles] == ["a"]
    [problem] = report.problems
    assert problem.source == str(tmp_path / "meta.csv") and problem.status == "failed" and reason in problem.reason


def test_metadata_in_a_legacy_encoding_is_decoded(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ENGLISH)
    (tmp_path / "meta.csv").write_bytes("article_id,outlet\na,Вечерние новости\n".encode("cp1251"))
    [article], report = load(tmp_path / "in", metadata=tmp_path / "meta.csv")
    assert article.outlet == "Вечерние новости" and not report.problems


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Привет", "cp1251"),
        ("Привет, как дела у вас сегодня?", "koi8-r"),
        ("Grüße aus München", "latin-1"),
        ("Καλημέρα κόσμε", "iso8859-7"),
        ("日本語のテキストです。", "shift_jis"),
        ("Привет, мир", "utf-16-be"),
    ],
    ids=["short-cp1251", "koi8-r", "latin-1", "greek", "shift-jis", "utf16-be-cyrillic"],
)
def test_short_legacy_texts_decode_exactly(text, codec):
    decoded, _ = decode_bytes(text.encode(codec))
    assert decoded == text


def test_relative_dates_are_not_dates():
    assert [parse_date(v) for v in ("yesterday", "2 days ago", "today", "March 3, 2024")] == [
        None,
        None,
        None,
        "2024-03-03",
    ]


# ---------------------------------------------------------------------------
# through the pipeline and the command line
@pytest.fixture
def probe_plugin():
    """Rows that depend on the Doc (first and last token), without any real plugin."""

    def extract(doc, article, options):
        tokens = [t for t in doc if not t.is_space]
        return {
            "mentions": [
                {"start": t.idx, "end": t.idx + len(t), "text": t.text, "label": "PROBE"}
                for t in tokens[:1] + tokens[-1:]
            ]
        }

    registry.register(Plugin(name="probe", version="1", provides=("mentions",), extract=extract), replace=True)


def test_analyze_on_the_hostile_folder_holds_every_good_article(hostile, probe_plugin, tmp_path):
    corpus = toolkit.analyze(
        hostile, out=tmp_path / "out", metadata=hostile / "metadata.csv", plugins=["probe"], quiet=True
    )
    assert set(corpus.articles["article_id"]) == GOOD_IDS
    assert set(corpus.mentions["article_id"]) == GOOD_IDS
    for row in corpus.mentions.itertuples():
        text = corpus.articles.set_index("article_id").at[row.article_id, "text"]
        assert text[row.start : row.end] == row.text
    report = corpus.load_report
    assert report["inputs"] == report["loaded"] + report["skipped"] + report["failed"]
    reopened = toolkit.open(tmp_path / "out")
    pd.testing.assert_frame_equal(reopened.articles, corpus.articles)


def test_strict_turns_any_problem_into_a_failure(hostile, probe_plugin, tmp_path, capsys):
    with pytest.raises(errors.NothingLoadedError, match="--strict") as caught:
        toolkit.analyze(hostile, metadata=hostile / "metadata.csv", plugins=["probe"], quiet=True, strict=True)
    assert "binary" in str(caught.value) and "2024-02-30" in str(caught.value)
    code = main(
        [
            "analyze",
            str(hostile),
            "--metadata",
            str(hostile / "metadata.csv"),
            "--out",
            str(tmp_path / "out"),
            "--plugins",
            "probe",
            "--quiet",
            "--strict",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "--strict" in err and "symbolic link loop" in err
    assert not (tmp_path / "out" / "articles.parquet").exists()


def test_strict_counts_warnings_too(tmp_path, probe_plugin):
    (tmp_path / "a.txt").write_text(ENGLISH)
    (tmp_path / "meta.csv").write_text("article_id,published\na,2024-02-30\n")
    toolkit.analyze(tmp_path / "a.txt", metadata=tmp_path / "meta.csv", plugins=["probe"], quiet=True)
    with pytest.raises(errors.NothingLoadedError, match="2024-02-30"):
        toolkit.analyze(tmp_path / "a.txt", metadata=tmp_path / "meta.csv", plugins=["probe"], quiet=True, strict=True)


def _pythonpath() -> str:
    return os.pathsep.join([str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")])
