import json

import pandas as pd
import pytest

from toolkit import errors
from toolkit.loaders import decode_bytes, guess_title, load, parse_date

RUSSIAN = "Министр заявил, что переговоры продолжатся в октябре.\n"


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "cyrillic.txt").write_bytes(("Заголовок новости\n\n" + RUSSIAN * 3).encode("cp1251"))
    (folder / "wide.txt").write_bytes(
        ("Wide headline\n\nThe talks ended on Friday, officials said.\n").encode("utf-16")
    )
    (folder / "plain.txt").write_text("Plain headline\n\nThe delegation arrived on Monday.\n", encoding="utf-8")
    return folder


def test_mixed_folder_loads_text_files_and_accounts_for_the_rest(mixed_folder):
    articles, report = load(mixed_folder)
    assert sorted(a.article_id for a in articles) == ["cyrillic", "plain", "wide"]
    assert report.loaded + report.skipped + report.failed == report.inputs == 5
    by_source = {e.source.rsplit("/", 1)[-1]: e for e in report.entries}
    assert by_source["cyrillic.txt"].encoding == "windows-1251"
    assert by_source["wide.txt"].encoding == "utf-16 (BOM)"
    assert by_source["plain.txt"].encoding == "utf-8"
    assert by_source["binary.txt"].status == "skipped" and "binary" in by_source["binary.txt"].reason
    assert by_source["empty.txt"].status == "skipped" and "empty" in by_source["empty.txt"].reason
    cyr = next(a for a in articles if a.article_id == "cyrillic")
    assert RUSSIAN in cyr.text and cyr.title == "Заголовок новости"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Ünïcödé straße".encode(), "utf-8"),
        ("Plain text with no BOM".encode("utf-16-le"), "utf-16-le"),
        ("Texte en français, été".encode("utf-8-sig"), "utf-8 (BOM)"),
    ],
    ids=["utf8", "utf16-no-bom", "utf8-bom"],
)
def test_decode_bytes_names_the_encoding(data, encoding):
    text, found = decode_bytes(data)
    assert found == encoding
    assert text.strip()


def test_decode_rejects_file_signatures():
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"%PDF-1.7 rest of a pdf")


def test_no_clean_keeps_decoded_text_unchanged(tmp_path):
    raw = "Headline here\n\nBody text.\nLeave a Reply\n"
    (tmp_path / "a.txt").write_text(raw, encoding="utf-8")
    [cleaned], _ = load(tmp_path)
    [kept], _ = load(tmp_path, clean=False)
    assert kept.text == raw
    assert cleaned.text == "Headline here\n\nBody text.\n"
    assert cleaned.removed == ((len(raw) - len("Leave a Reply\n"), len(raw), "comment prompt"),)


def test_metadata_joins_by_id_and_by_path_and_reports_bad_dates(tmp_path):
    (tmp_path / "one.txt").write_text("One headline\n\nText one.\n")
    (tmp_path / "two.txt").write_text("Two headline\n\nText two.\n")
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "path,published,outlet\n"
        f"{tmp_path / 'one.txt'},2024-01-05,Daily Wire Service\n"
        f"{tmp_path / 'two.txt'},2024-02-30,Evening Post\n"
        f"{tmp_path / 'ghost.txt'},2024-01-01,Nowhere\n"
    )
    articles, report = load(tmp_path, metadata=meta)
    by_id = {a.article_id: a for a in articles}
    assert by_id["one"].published == "2024-01-05" and by_id["one"].published_source == "metadata"
    assert by_id["one"].outlet == "Daily Wire Service"
    assert by_id["two"].published is None and by_id["two"].published_source == "unknown"
    assert by_id["two"].outlet == "Evening Post"
    assert any("2024-02-30" in w for w in report.warnings)
    assert any("ghost.txt" in w for w in report.warnings)
    assert report.loaded == 2 and report.skipped == 1  # the metadata file itself is accounted for


def test_jsonl_keeps_good_lines_and_reports_bad_ones(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "First story text.", "date": "2023-09-01"}),
        "{not json",
        "",
        json.dumps({"id": "a2", "body": "", "text": "Second story."}),
        json.dumps(["a", "list"]),
    ]
    path.write_text("\n".join(lines) + "\n")
    articles, report = load(path)
    assert [a.article_id for a in articles] == ["a1", "a2"]
    assert articles[0].published == "2023-09-01"
    assert report.failed == 2
    assert any("line 2" in e.reason for e in report.problems)


def test_csv_without_text_column_names_the_columns_and_the_fix(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("headline,story_body\nA,B\n")
    articles, report = load(path)
    assert articles == []
    [entry] = report.problems
    assert "story_body" in entry.reason and "columns=" in entry.reason
    articles, report = load(path, columns={"text": "story_body"})
    assert [a.text for a in articles] == ["B"]


def test_dataframe_mapping_and_duplicate_ids_are_made_unique():
    frame = pd.DataFrame(
        {
            "article_id": ["x", "x"],
            "content": ["Text one.", "Text two."],
            "outlet": ["Wire", None],
            "published": ["2023-10-01", "not a date"],
        }
    )
    articles, report = load(frame)
    assert [a.article_id for a in articles] == ["x", "x-2"]
    assert articles[0].outlet == "Wire" and articles[1].outlet is None
    assert articles[1].published is None
    assert any("duplicate" in w for w in report.warnings)


def test_html_page_gives_main_text_title_and_date(tmp_path):
    body = " ".join(["The committee met in the capital to discuss the harbour project."] * 6)
    page = (
        f"<html><head><title>Harbour talks resume</title>"
        f'<meta property="article:published_time" content="2023-11-02T10:00:00Z">'
        f'<meta property="og:site_name" content="Coastal Courier"></head>'
        f"<body><nav>Home | World</nav><article><h1>Harbour talks resume</h1><p>{body}</p>"
        f"<p>{body}</p></article><footer>Subscribe now</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(page)
    [article], _report = load(tmp_path)
    assert "committee met in the capital" in article.text
    assert "Home | World" not in article.text
    assert article.published == "2023-11-02" and article.published_source == "html"
    assert article.title == "Harbour talks resume"


def test_missing_path_and_empty_glob_are_reported(tmp_path):
    _, report = load([tmp_path / "nope.txt", str(tmp_path / "*.md")])
    assert [e.status for e in report.entries] == ["failed", "skipped"]


def test_guess_title_and_parse_date_helpers():
    assert guess_title("A headline without a period\nBody.") == "A headline without a period"
    assert guess_title("Only one line") is None
    assert parse_date("2023-13-01") is None
    assert parse_date("March 3, 2024") == "2024-03-03"


def test_sample_news_loads_five_with_metadata(sample_news):
    articles, report = load(sample_news, metadata=sample_news / "metadata.csv")
    assert report.loaded == 5
    assert all(a.published_source == "metadata" for a in articles)
    assert all(a.text == a.raw_text or len(a.text) < len(a.raw_text) for a in articles)


def test_input_error_is_a_value_error():
    assert issubclass(errors.InputError, ValueError)
