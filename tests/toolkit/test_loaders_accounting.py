"""Inputs never vanish (issue #20): hidden entries, malformed CSV rows, lone surrogates,
undecodable file names and metadata rows that match several files each get their line.

Every text here is invented for the tests.
"""

from __future__ import annotations

import json
import os
import sys

import pandas as pd
import pytest

from toolkit.loaders import load

STORY = "Harbour talks resume\n\nThe delegation arrived on Monday and the talks went on for hours.\n"


def _by_source(report):
    return {entry.source: entry for entry in report.entries}


# ---------------------------------------------------------------------------
# hidden files and folders (issue #20: they were passed over without a line)
def test_hidden_files_and_folders_are_counted_as_skipped(tmp_path):
    (tmp_path / "story.txt").write_text(STORY)
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01binary")
    (tmp_path / ".draft.txt").write_text(STORY)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".notes.txt").write_text(STORY)
    articles, report = load(tmp_path)
    assert [a.article_id for a in articles] == ["story"]
    by_source = _by_source(report)
    for name in (".DS_Store", ".draft.txt", "sub/.notes.txt"):
        entry = by_source[str(tmp_path / name)]
        assert entry.status == "skipped" and entry.reason.startswith("hidden file"), entry
    folder = by_source[str(tmp_path / ".git")]
    assert folder.status == "skipped" and folder.reason.startswith("hidden folder")
    assert str(tmp_path / ".git" / "HEAD") not in by_source  # one line for the folder, its contents unread
    assert report.inputs == report.loaded + report.skipped + report.failed == 5


# ---------------------------------------------------------------------------
# CSV rows (issue #20: one unclosed quote merged the next rows into the previous one)
HEADER = "id,text,date\n"
CSV_CASES = {
    # a later quoted field "closes" the open quote in the middle of a field: csv's strict mode stops there
    "open-quote-then-quoted-field": (
        HEADER + 'a,"An open quote,2024-01-01\nb,Second story,2024-01-02\nc,"Third story",2024-01-03\n',
        {2: "failed"},
        {"b": "Second story", "c": "Third story"},
    ),
    # no later quote: the open field runs to the end of the file
    "open-quote-to-the-end": (
        HEADER + 'a,"An open quote,2024-01-01\nb,Second story,2024-01-02\nc,Third story,2024-01-03\n',
        {2: "failed"},
        {"b": "Second story", "c": "Third story"},
    ),
    "open-quote-two-columns": (
        'id,text\na,"An open quote\nb,Second story\nc,Third story\n',
        {2: "failed"},
        {"b": "Second story", "c": "Third story"},
    ),
    "too-many-fields": (
        HEADER + "a,Ports, roads and schools,2024-01-01\nb,Second story,2024-01-02\n",
        {2: "failed"},
        {"b": "Second story"},
    ),
    "too-few-fields": (
        HEADER + "a,First story\nb,Second story,2024-01-02\n",
        {2: "failed"},
        {"b": "Second story"},
    ),
    "open-quote-in-last-row": (
        HEADER + 'a,First story,2024-01-01\nb,"Second story,2024-01-02\n',
        {3: "failed"},
        {"a": "First story"},
    ),
    # well-formed inputs that must keep loading whole
    "multi-line-quoted-field": (
        HEADER + 'a,"First paragraph.\n\nSecond, with a comma.\nb,still the same field",2024-01-01\n'
        "b,Second story,2024-01-02\n",
        {},
        {"a": "First paragraph.\n\nSecond, with a comma.\nb,still the same field", "b": "Second story"},
    ),
    "escaped-quotes": (
        HEADER + 'a,"She said ""no"", twice",2024-01-01\n',
        {},
        {"a": 'She said "no", twice'},
    ),
    "stray-quote-inside-one-line": (
        HEADER + 'a,"She said "no" twice",2024-01-01\nb,Second story,2024-01-02\n',
        {},
        {"a": 'She said no" twice"', "b": "Second story"},  # what every lenient reader makes of it, merging nothing
    ),
    "crlf-and-blank-lines": (
        "id,text,date\r\n\r\na,First story,2024-01-01\r\nb,Second story,2024-01-02\r\n",
        {},
        {"a": "First story", "b": "Second story"},
    ),
}


@pytest.mark.parametrize(("content", "bad_lines", "texts"), CSV_CASES.values(), ids=list(CSV_CASES))
def test_a_malformed_csv_row_costs_its_own_line_and_the_others_load(tmp_path, content, bad_lines, texts):
    path = tmp_path / "feed.csv"
    path.write_text(content, encoding="utf-8", newline="")
    articles, report = load(path, clean=False)
    assert {a.article_id: a.text for a in articles} == texts
    problems = {entry.source: entry for entry in report.problems}
    assert set(problems) == {f"{path}:{line}" for line in bad_lines}
    for line, status in bad_lines.items():
        entry = problems[f"{path}:{line}"]
        assert entry.status == status and f"malformed CSV row (line {line}:" in entry.reason
    assert report.inputs == report.loaded + report.skipped + report.failed == len(texts) + len(bad_lines)


def test_csv_rows_are_reported_by_line_number(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(HEADER + 'a,"Two\nlines",2024-01-01\nb,Next,2024-01-02\n', encoding="utf-8")
    _, report = load(path)
    assert [(e.source, e.article_id) for e in report.entries] == [(f"{path}:2", "a"), (f"{path}:4", "b")]


def test_a_tsv_with_an_open_quote_is_read_the_same_way(tmp_path):
    path = tmp_path / "feed.tsv"
    path.write_text('id\ttext\na\t"Open quote\nb\tSecond story\n', encoding="utf-8")
    articles, report = load(path)
    assert [(a.article_id, a.text) for a in articles] == [("b", "Second story")]
    assert [e.source for e in report.problems] == [f"{path}:2"]


# ---------------------------------------------------------------------------
# lone surrogates (issue #20: one "\ud800" escape failed the whole JSONL file; in a DataFrame it crashed)
def test_a_lone_surrogate_in_a_jsonl_line_is_mended_in_that_article_only(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "one", "text": "First story about the port."}),
        '{"id": "two", "text": "A cut emoji \\ud83d here.", "title": "Half \\udc00 a pair"}',
        '{"id": "three", "text": "unterminated',
        json.dumps({"id": "four", "text": "Fourth story."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, report = load(path)
    by_id = {a.article_id: a for a in articles}
    assert set(by_id) == {"one", "two", "four"}
    assert by_id["two"].text == "A cut emoji \ufffd here." and by_id["two"].title == "Half \ufffd a pair"
    entries = _by_source(report)
    assert "lone surrogate in text replaced by U+FFFD" in entries[f"{path}:2"].reason
    assert "lone surrogate in title replaced by U+FFFD" in entries[f"{path}:2"].reason
    assert entries[f"{path}:3"].status == "failed" and "line 3" in entries[f"{path}:3"].reason
    assert entries[f"{path}:1"].reason == "" and entries[f"{path}:4"].reason == ""
    assert any("lone surrogate" in w and f"{path}:2" in w for w in report.warnings)


@pytest.mark.parametrize("field", ["text", "title", "outlet", "id"])
def test_a_lone_surrogate_in_a_dataframe_field_is_mended_and_noted(field):
    row = {"id": "a", "text": "Talks resumed on Monday.", "title": "Talks", "outlet": "Wire"}
    row[field] = row[field][:3] + "\ud800" + row[field][3:]
    # object columns: pandas' string columns go through Arrow, which refuses to hold a lone surrogate at all
    frame = pd.DataFrame([row, {"id": "b", "text": "Second story.", "title": "B", "outlet": "Wire"}], dtype=object)
    articles, report = load(frame)
    assert len(articles) == 2
    mended = articles[0]
    values = {"id": mended.article_id, "text": mended.text, "title": mended.title, "outlet": mended.outlet}
    assert values[field] == row[field].replace("\ud800", "\ufffd")
    for article in articles:  # everything the run writes must encode
        json.dumps(article.row(), ensure_ascii=False).encode("utf-8")
    name = "article_id" if field == "id" else field
    assert f"in {name} replaced by U+FFFD" in report.entries[0].reason
    assert report.entries[1].reason == ""


def test_the_report_itself_never_holds_a_lone_surrogate():
    from toolkit.records import LoadEntry, LoadReport

    report = LoadReport()
    report.add(LoadEntry(source="bad\ud800name", status="failed", reason="why \udfff"))
    report.warnings.append("warned \ud800")
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
    report.summary().encode("utf-8")
    assert report.entries[0].source == "bad\ufffdname"


# ---------------------------------------------------------------------------
# undecodable file names (issue #20: a file name that is not valid UTF-8 crashed with a traceback)
@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the file system must accept non-UTF-8 names")
def test_a_file_name_that_is_not_utf8_loads_under_an_escaped_name(tmp_path):
    folder = os.fsencode(tmp_path)
    for name in (b"caf\xe9.txt", b"caf\xe8.txt"):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(STORY.encode("utf-8"))
    articles, report = load(tmp_path)
    assert sorted(a.article_id for a in articles) == ["caf\\xe8", "caf\\xe9"]  # distinct, not both "caf?"
    for article in articles:
        article.path.encode("utf-8")
        assert article.text == STORY
    assert all("not valid UTF-8" in entry.reason for entry in report.entries)
    assert sorted(entry.source for entry in report.entries) == [
        str(tmp_path / "caf\\xe8.txt"),
        str(tmp_path / "caf\\xe9.txt"),
    ]


# ---------------------------------------------------------------------------
# metadata rows keyed by file name (issue #20: applied to every file of that name, without a word)
@pytest.fixture
def two_of_a_name(tmp_path):
    for folder in ("north", "south"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "report.txt").write_text(STORY)
    (tmp_path / "in" / "other.txt").write_text(STORY)
    return tmp_path


def test_a_file_name_row_matching_two_files_is_applied_to_each_and_names_them(two_of_a_name):
    root = two_of_a_name
    (root / "meta.csv").write_text("path,outlet\nreport.txt,Harbour Herald\n")
    articles, report = load(root / "in", metadata=root / "meta.csv")
    outlets = {a.path: a.outlet for a in articles}
    north, south = str(root / "in" / "north" / "report.txt"), str(root / "in" / "south" / "report.txt")
    assert outlets == {str(root / "in" / "other.txt"): None, north: "Harbour Herald", south: "Harbour Herald"}
    [warning] = [w for w in report.warnings if "metadata row" in w]
    assert north in warning and south in warning and "'report.txt' matches 2 inputs" in warning
    assert "path relative to the input folder" in warning


def test_rows_keyed_by_relative_path_give_each_file_its_own_row(two_of_a_name):
    root = two_of_a_name
    (root / "meta.csv").write_text(
        "path,outlet\nnorth/report.txt,North Wire\nsouth/report.txt,South Wire\nreport.txt,Fallback\n"
    )
    articles, report = load(root / "in", metadata=root / "meta.csv")
    by_folder = {os.path.basename(os.path.dirname(a.path)): a.outlet for a in articles}
    # the most specific key wins; the bare name matches nothing left, which is said too
    assert by_folder == {"north": "North Wire", "south": "South Wire", "in": None}
    assert not any("metadata row" in w for w in report.warnings)
    assert any("'report.txt', which matches no loaded article" in w for w in report.warnings)


def test_an_id_row_matching_two_articles_is_named_too(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text(STORY)
    (tmp_path / "b" / "story.txt").write_text(STORY)
    (tmp_path / "meta.csv").write_text("article_id,outlet\nstory,Wire\n")
    articles, report = load([tmp_path / "a", tmp_path / "b"], metadata=tmp_path / "meta.csv")
    assert [a.outlet for a in articles] == ["Wire", "Wire"]
    assert any("metadata row 'story' matches 2 inputs" in w for w in report.warnings)
