"""Every way a run can end on the command line gives one message saying what happened and what
to do, with no traceback unless --debug, and a documented exit code (issue #20)."""

from __future__ import annotations

import errno
import os

import pytest

from toolkit import errors
from toolkit.cli import main
from toolkit.registry import Plugin, registry


def sentence_rows(doc, article, options):
    if "mornıng" in article.text:
        raise KeyError("mornıng")  # the bare `error: mornıng` of issue #20
    if "interrupt" in article.text:
        raise KeyboardInterrupt
    return {"sentences": [{"start": s.start_char, "end": s.end_char} for s in doc.sents]}


@pytest.fixture
def plugin():
    registry.register(Plugin(name="bomb", version="1", provides=("sentences",), extract=sentence_rows), replace=True)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Ministers met in Paris on Monday. The talks resumed.")
    (folder / "b.txt").write_text("The mornıng briefing was cancelled.")
    return folder


def run(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["analyze", *args, "--plugins", "bomb", "--quiet"])
    return code, capsys.readouterr().err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "error:" in line]


def assert_one_clear_line(err: str, *expected: str) -> None:
    assert "Traceback" not in err
    lines = error_lines(err)
    assert len(lines) == 1, err
    for text in expected:
        assert text in lines[0], lines[0]


def test_an_article_that_raises_is_one_failed_line_and_the_run_succeeds(capsys, plugin, corpus, tmp_path):
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_OK
    failed = [line for line in err.splitlines() if line.strip().startswith("failed:")]
    assert len(failed) == 1
    assert "b.txt" in failed[0] and "'bomb'" in failed[0] and "KeyError: 'mornıng'" in failed[0]
    assert "loaded 1, skipped 0, failed 1" in err


def test_strict_turns_a_failed_article_into_exit_1(capsys, plugin, corpus, tmp_path):
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"), "--strict")
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "--strict", "'b'", "KeyError")


def test_out_that_is_a_file_is_one_line_before_any_work(capsys, plugin, corpus, tmp_path):
    target = tmp_path / "tables"
    target.write_text("not a folder")
    code, err = run(capsys, str(corpus), "--out", str(target))
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "is a file, not a folder", "Choose a folder")


def test_out_under_a_file_is_one_line(capsys, plugin, corpus, tmp_path):
    target = tmp_path / "tables"
    target.write_text("not a folder")
    code, err = run(capsys, str(corpus), "--out", str(target / "inner"))
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "is a file, not a folder")


def test_a_read_only_out_is_one_line(capsys, plugin, corpus, tmp_path, monkeypatch):
    # the tests may run as root, whom a chmod does not stop: the check itself is what is faked
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: str(path) != str(read_only) and real_access(path, mode))
    code, err = run(capsys, str(corpus), "--out", str(read_only))
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "Cannot write to the output folder", "permissions")


def test_permission_denied_while_writing_is_one_line(capsys, plugin, corpus, tmp_path, monkeypatch):
    import toolkit.pipeline

    def denied(path, frame, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(toolkit.pipeline, "_write_table", denied)
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "Cannot write", "permission denied", "articles.parquet")


def test_a_full_disk_is_one_line_that_says_the_cache_is_kept(capsys, plugin, corpus, tmp_path, monkeypatch):
    import toolkit.pipeline

    def full(path, frame, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(toolkit.pipeline, "_write_table", full)
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "disk is full", "articles.parquet", "Free some space")


def test_a_full_disk_while_caching_is_one_line(capsys, plugin, corpus, tmp_path, monkeypatch):
    import toolkit.pipeline

    def full(cache_dir, key, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(cache_dir / key))

    monkeypatch.setattr(toolkit.pipeline, "_write_cache_bytes", full)
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "disk is full")


def test_ctrl_c_is_one_line_and_exit_130_and_a_rerun_finishes(capsys, plugin, corpus, tmp_path):
    (corpus / "c.txt").write_text("Please interrupt here.")
    # one article per batch, so that a.txt is finished (and cached) when c.txt is interrupted
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"), "--batch-size", "1")
    assert code == errors.EXIT_INTERRUPTED == 130
    assert_one_clear_line(err, "Interrupted", "same command again")
    (corpus / "c.txt").unlink()
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_OK
    assert "1 from cache" in err  # a.txt, analysed before Ctrl-C, was kept


def test_an_unexpected_error_says_it_is_a_bug_and_debug_shows_the_traceback(
    capsys, plugin, corpus, tmp_path, monkeypatch
):
    import toolkit.pipeline

    def broken(*args, **kwargs):
        raise KeyError("mornıng")

    monkeypatch.setattr(toolkit.pipeline, "iter_articles", broken)
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_FAILED
    assert_one_clear_line(err, "Unexpected KeyError: 'mornıng'", "--debug")
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"), "--debug")
    assert code == errors.EXIT_FAILED and "Traceback" in err and "raise KeyError" in err


def test_terminal_escape_sequences_in_file_names_are_printed_escaped(capsys, plugin, corpus, tmp_path):
    (corpus / "evil\x1b]0;owned\x07\x1b[2J.txt").write_text("")  # retitle and clear the terminal
    (corpus / "bad\x1b[31m.txt").write_text("The mornıng briefing again.")
    code, err = run(capsys, str(corpus), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_OK
    assert "\x1b" not in err and "\x07" not in err
    assert "evil\\x1b]0;owned\\x07\\x1b[2J.txt" in err and "bad\\x1b[31m.txt" in err


def test_exit_codes_are_documented_in_help(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for code in (errors.EXIT_OK, errors.EXIT_FAILED, errors.EXIT_USAGE, errors.EXIT_INTERRUPTED):
        assert f"\n  {code} " in text
    with pytest.raises(SystemExit) as stop:
        main(["analyze"])  # missing INPUT and --out
    assert stop.value.code == errors.EXIT_USAGE


def test_an_invalid_article_timeout_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["analyze", "x", "--out", "y", "--article-timeout", "soon"])
    assert stop.value.code == errors.EXIT_USAGE
    assert "number of seconds" in capsys.readouterr().err


def test_a_multi_line_message_keeps_its_lines_and_escapes_what_they_show(capsys, plugin, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty\x1b[2J.txt").write_text("")  # nothing loads: the message lists the load report
    code, err = run(capsys, str(folder), "--out", str(tmp_path / "out"))
    assert code == errors.EXIT_FAILED and "Traceback" not in err
    assert "Nothing loaded" in err and "\n  skipped: " in err
    assert "\x1b" not in err and "empty\\x1b[2J.txt" in err
