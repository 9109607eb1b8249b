"""What ``presslens analyze`` tells its user: progress with a total, true cache counts, the folder's metadata."""

import pytest

import toolkit
from toolkit.cli import main
from toolkit.loaders import load
from toolkit.registry import Plugin, registry


@pytest.fixture
def first_word_plugin():
    def extract(doc, article, options):
        first = doc[0]
        return {"mentions": [{"start": first.idx, "end": first.idx + len(first), "text": first.text, "label": "X"}]}

    registry.register(Plugin(name="firstword", version="1", provides=("mentions",), extract=extract), replace=True)


def write_folder(folder, *, n=3, metadata=True):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"story{i}.txt").write_text(f"Headline {i}\n\nDelegates met in Brell on day {i}.\n")
    if metadata:
        rows = "".join(f"story{i},Harbour Post,2024-05-0{i + 1}\n" for i in range(n))
        (folder / "metadata.csv").write_text("article_id,outlet,published\n" + rows)
    return folder


def test_unchanged_rerun_says_every_article_came_from_cache(tmp_path, first_word_plugin, capsys):
    """Regression: an unchanged re-run printed "0 from cache" (the first run's count, from its manifest)."""
    folder = write_folder(tmp_path / "in", n=3)
    argv = ["analyze", str(folder), "--out", str(tmp_path / "out"), "--plugins", "firstword", "--quiet"]
    assert main(argv) == 0
    assert "; 0 from cache" in capsys.readouterr().err
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "; 3 from cache" in err and "nothing changed since the last run" in err
    assert "stale cache" not in err  # the first run's dropped entries are not this run's


def test_progress_bar_has_a_total(tmp_path, first_word_plugin, capsys):
    """Regression: the bar showed "0article [00:00, ?article/s]" with no total, so no ETA."""
    folder = write_folder(tmp_path / "in", n=3)
    assert main(["analyze", str(folder), "--out", str(tmp_path / "out"), "--plugins", "firstword"]) == 0
    assert "/3 [" in capsys.readouterr().err  # tqdm's "n/total [elapsed<remaining" form


def test_metadata_csv_in_the_input_folder_is_used_and_reported(tmp_path):
    folder = write_folder(tmp_path / "in", n=2)
    articles, report = load(folder)
    assert [a.outlet for a in articles] == ["Harbour Post", "Harbour Post"]
    assert [a.published_source for a in articles] == ["metadata", "metadata"]
    entry = next(e for e in report.entries if e.source.endswith("metadata.csv"))
    assert entry.status == "skipped" and "used as the articles' metadata" in entry.reason


def test_an_explicit_metadata_file_wins_and_the_folders_is_reported_unused(tmp_path):
    folder = write_folder(tmp_path / "in", n=2)
    other = tmp_path / "other.csv"
    other.write_text("article_id,outlet\nstory0,Ridge Courier\n")
    articles, report = load(folder, metadata=other)
    assert [a.outlet for a in articles] == ["Ridge Courier", None]
    entry = next(e for e in report.entries if e.source.endswith("metadata.csv"))
    assert "not used" in entry.reason and "--metadata" in entry.reason


def test_a_folder_without_metadata_loads_as_before(tmp_path):
    articles, report = load(write_folder(tmp_path / "in", n=2, metadata=False))
    assert [a.published_source for a in articles] == ["unknown", "unknown"] and report.skipped == 0


def test_python_analyze_reports_the_same_cache_counts(tmp_path, first_word_plugin):
    folder = write_folder(tmp_path / "in", n=2)
    toolkit.analyze(folder, out=tmp_path / "out", plugins=["firstword"], quiet=True)
    again = toolkit.analyze(folder, out=tmp_path / "out", plugins=["firstword"], quiet=True)
    assert (again.manifest["analysed"], again.manifest["from_cache"]) == (0, 2)
