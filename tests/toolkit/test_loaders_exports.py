"""News exports: --columns presets and mapping files put each service's columns onto the article's fields."""

import csv
import json

import pandas as pd
import pytest

from toolkit import errors
from toolkit._exports import PRESETS, column_layout
from toolkit.cli import main
from toolkit.loaders import load
from toolkit.registry import Plugin, registry

STORY = "The port of Halvering reopened its northern quay on Thursday after a month of dredging works."
OTHER = "Fishermen in Lusk Bay said the new catch limits would cut their income by a third this winter."


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# each preset with a table in its own layout: (file name, writer, what the first article must be)
def mediacloud(tmp_path):
    header = ["id", "indexed_date", "language", "media_name", "media_url", "publish_date", "title", "url", "text"]
    row = ["mc-81", "2024-03-02", "en", "Halvering Gazette", "halvering.example", "2024-03-01 09:12:00",
           "Quay reopens", "https://halvering.example/quay", STORY]  # fmt: skip
    return write_csv(tmp_path / "mediacloud.csv", header, [row]), {"language": "en", "media_url": "halvering.example"}


def gdelt(tmp_path):
    header = ["GKGRECORDID", "DATE", "SourceCommonName", "DocumentIdentifier", "V2Themes", "text"]
    row = ["20240301091500-17", "20240301091500", "halvering.example", "https://halvering.example/quay",
           "ECON_PORTS;", STORY]  # fmt: skip
    return write_csv(tmp_path / "gdelt.csv", header, [row]), {"V2Themes": "ECON_PORTS;"}


def factiva(tmp_path):
    header = ["AN", "HD", "SN", "PD", "LP", "TD", "WC", "LA"]
    row = ["HALGAZ0020240301", "Quay reopens", "Halvering Gazette", "1 March 2024", "Ships return.", STORY, "312",
           "en"]  # fmt: skip
    return write_csv(tmp_path / "factiva.csv", header, [row]), {"LP": "Ships return.", "WC": "312", "LA": "en"}


def lexisnexis(tmp_path):
    header = ["Title", "Source", "Date", "Byline", "Section", "Body", "Document ID"]
    row = ["Quay reopens", "Halvering Gazette", "March 1, 2024", "Ana Perl", "Business", STORY, "LN-5521"]
    return write_csv(tmp_path / "nexis.csv", header, [row]), {"Byline": "Ana Perl", "Section": "Business"}


def eventregistry(tmp_path):
    article = {
        "uri": "8012345567",
        "lang": "eng",
        "isDuplicate": False,
        "dateTimePub": "2024-03-01T09:12:00Z",
        "url": "https://halvering.example/quay",
        "title": "Quay reopens",
        "body": STORY,
        "source": {"uri": "halvering.example", "title": "Halvering Gazette"},
        "sentiment": 0.2,
    }
    path = tmp_path / "er.json"
    path.write_text(json.dumps({"articles": {"results": [article], "totalResults": 1}}), encoding="utf-8")
    return path, {"lang": "eng", "isDuplicate": False, "source.uri": "halvering.example", "sentiment": 0.2}


def newsapi(tmp_path):
    article = {
        "source": {"id": None, "name": "Halvering Gazette"},
        "author": "Ana Perl",
        "title": "Quay reopens",
        "description": "Ships return to the northern quay.",
        "url": "https://halvering.example/quay",
        "publishedAt": "2024-03-01T09:12:00Z",
        "content": STORY,
    }
    path = tmp_path / "newsapi.json"
    path.write_text(json.dumps({"status": "ok", "totalResults": 1, "articles": [article]}), encoding="utf-8")
    return path, {"author": "Ana Perl", "description": "Ships return to the northern quay."}


EXPORTS = {
    "mediacloud": (mediacloud, "mc-81"),
    "gdelt": (gdelt, "20240301091500-17"),
    "factiva": (factiva, "HALGAZ0020240301"),
    "lexisnexis": (lexisnexis, "LN-5521"),
    "eventregistry": (eventregistry, "8012345567"),
    "newsapi": (newsapi, "https://halvering.example/quay"),
}


def test_every_preset_has_a_test():
    assert set(EXPORTS) == set(PRESETS)


@pytest.mark.parametrize("preset", sorted(EXPORTS), ids=sorted(EXPORTS))
def test_preset_maps_the_export_onto_the_article_fields(tmp_path, preset):
    make, ident = EXPORTS[preset]
    path, extra = make(tmp_path)
    (article,), report = load(path, columns=preset)
    assert report.loaded == 1 and not report.warnings
    assert article.article_id == ident
    assert article.text.strip() == STORY
    assert article.published == "2024-03-01"
    if preset != "gdelt":  # GDELT's tables have no title, and name the outlet by its domain
        assert article.title == "Quay reopens"
        assert article.outlet == "Halvering Gazette"
    else:
        assert article.outlet == "halvering.example"
    if preset not in {"factiva", "lexisnexis"}:  # their exports carry no link
        assert article.url == "https://halvering.example/quay"
    # the columns no field took are kept, with their values, as the article's metadata
    assert {key: article.metadata.get(key) for key in extra} == extra
    assert json.loads(article.row()["metadata"]) == article.metadata


def test_without_the_preset_the_export_loads_only_where_default_names_match(tmp_path):
    path, _ = factiva(tmp_path)
    articles, report = load(path)
    assert not articles and report.failed == 1 and "no text column" in report.entries[0].reason


def test_a_preset_matches_column_names_in_other_case(tmp_path):
    path = write_csv(tmp_path / "lower.csv", ["an", "hd", "td", "pd"], [["X1", "Quay reopens", STORY, "2024-03-01"]])
    (article,), _ = load(path, columns="factiva")
    assert (article.article_id, article.title, article.published) == ("X1", "Quay reopens", "2024-03-01")


def test_mapping_file_in_yaml_names_columns_and_candidates(tmp_path):
    table = write_csv(
        tmp_path / "desk.csv",
        ["story_no", "hed", "copy", "when", "paper", "desk"],
        [
            ["7", "Quay reopens", STORY, "01/03/2024", "Halvering Gazette", "business"],
            ["8", "Catch", OTHER, "", "", ""],
        ],
    )
    mapping = tmp_path / "desk.yaml"
    mapping.write_text(
        "# our newsroom's export\nid: story_no\ntext: copy\ntitle: [headline, hed]\npublished: when\noutlet: paper\n",
        encoding="utf-8",
    )
    articles, report = load(table, columns=mapping)
    assert [a.article_id for a in articles] == ["7", "8"]
    first = articles[0]
    assert (first.title, first.outlet, first.metadata) == ("Quay reopens", "Halvering Gazette", {"desk": "business"})
    assert articles[1].metadata == {}  # empty cells are not kept
    assert report.loaded == 2


def test_mapping_file_in_json_may_start_from_a_preset(tmp_path):
    table = write_csv(tmp_path / "f.csv", ["AN", "Headline Text", "TD", "PD"], [["A9", "Quay", STORY, "2024-03-01"]])
    mapping = tmp_path / "f.json"
    mapping.write_text(json.dumps({"preset": "factiva", "columns": {"title": "Headline Text"}}), encoding="utf-8")
    (article,), _ = load(table, columns=mapping)
    assert (article.article_id, article.title, article.published) == ("A9", "Quay", "2024-03-01")


def test_a_mapping_that_names_a_missing_column_fails_naming_the_columns_found(tmp_path):
    table = write_csv(tmp_path / "t.csv", ["id", "body", "headline"], [["1", STORY, "Quay"]])
    mapping = tmp_path / "m.yaml"
    mapping.write_text("text: body\ntitle: heading\n", encoding="utf-8")
    articles, report = load(table, columns=mapping)
    assert not articles
    (entry,) = report.entries
    assert entry.status == "failed"
    assert "'heading'" in entry.reason and "'title'" in entry.reason and str(mapping) in entry.reason
    assert "found: id, body, headline" in entry.reason


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("field.yaml", "text: body\nheadline: hed\n", "unknown field 'headline'; expected fields: id, text, title"),
        ("number.yaml", "text: 3\n", "key 'text' is 3; expected a column name, or a list of column names"),
        ("empty-list.yaml", "text: []\n", "key 'text' is []"),
        ("list.yaml", "- text\n- body\n", "expected a mapping of fields to column names"),
        ("broken.yaml", "text: [body\n", "not valid YAML"),
        ("broken.json", '{"text": ', "not valid JSON"),
        ("preset.yaml", "preset: reuters\n", "key 'preset' is 'reuters'; expected one of: mediacloud"),
        ("nothing.yaml", "{}\n", "names no columns"),
        ("extra.yaml", "preset: gdelt\nfields: {text: body}\n", "unknown key 'fields' beside 'preset'/'columns'"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.endswith((".yaml", ".json")) else "",
)
def test_a_bad_mapping_file_is_an_error_naming_file_key_and_what_was_expected(tmp_path, name, content, expected):
    mapping = tmp_path / name
    mapping.write_text(content, encoding="utf-8")
    with pytest.raises(errors.InputError) as caught:
        column_layout(mapping)
    message = str(caught.value)
    assert str(mapping) in message and expected in message


def test_an_unknown_preset_lists_the_presets():
    with pytest.raises(errors.InputError, match=r"neither a preset nor a mapping file\. Presets: mediacloud, gdelt"):
        column_layout("reuters")


def test_a_json_document_without_articles_is_skipped_with_the_keys_it_looks_for(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"theme": "dark"}), encoding="utf-8")
    articles, report = load(tmp_path / "settings.json")
    assert not articles and report.skipped == 1 and "'articles'" in report.entries[0].reason


def test_jsonl_rows_with_nested_objects_are_read_as_dotted_columns(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "n1", "text": STORY, "source": {"name": "Halvering Gazette", "country": "HV"}}]
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    (article,), _ = load(path, columns={"outlet": "source.name"})
    assert article.outlet == "Halvering Gazette" and article.metadata == {"source.country": "HV"}


def test_tables_without_extra_columns_add_no_metadata_column(tmp_path):
    """The ``articles`` table of a plain corpus keeps exactly its columns: metadata only when there is some."""
    (article,), _ = load(pd.DataFrame({"id": ["a"], "text": [STORY]}))
    assert article.metadata == {} and "metadata" not in article.row()


@pytest.fixture
def first_word_plugin():
    def extract(doc, article, options):
        first = doc[0]
        return {"mentions": [{"start": first.idx, "end": first.idx + len(first), "text": first.text, "label": "X"}]}

    registry.register(Plugin(name="firstword", version="1", provides=("mentions",), extract=extract), replace=True)


def test_cli_columns_preset_reaches_the_articles_table(tmp_path, first_word_plugin):
    path, _ = eventregistry(tmp_path)
    out = tmp_path / "out"
    argv = ["analyze", str(path), "--out", str(out), "--columns", "eventregistry", "--plugins", "firstword"]
    assert main([*argv, "--quiet"]) == 0
    articles = pd.read_parquet(out / "articles.parquet")
    row = articles.iloc[0]
    assert (row["article_id"], row["outlet"], row["published"]) == ("8012345567", "Halvering Gazette", "2024-03-01")
    assert json.loads(row["metadata"])["lang"] == "eng"
    # the manifest says how the columns were read, so that a rerun can use the same mapping
    configuration = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["configuration"]
    assert configuration["columns"]["name"] == "eventregistry"
    assert configuration["columns"]["fields"]["outlet"] == ["source.title", "source.uri"]


def test_cli_bad_columns_value_is_one_error_line(tmp_path, capsys):
    table = write_csv(tmp_path / "t.csv", ["id", "text"], [["1", STORY]])
    assert main(["analyze", str(table), "--out", str(tmp_path / "out"), "--columns", "nosuch"]) == errors.EXIT_FAILED
    err = capsys.readouterr().err
    assert "--columns 'nosuch' is neither a preset nor a mapping file" in err and "factiva" in err
    assert not (tmp_path / "out").exists()  # refused before the output folder was made


def test_a_lone_surrogate_in_an_extra_column_cannot_break_the_articles_table(tmp_path):
    """A metadata value is written to Parquet too: "\\ud800" (valid JSON) must not make that write fail."""
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "s1", "text": STORY, "byline": "Ana \ud800 Perl"}), encoding="utf-8")
    (article,), _ = load(path)
    pd.DataFrame([article.row()]).to_parquet(tmp_path / "articles.parquet")
    assert json.loads(article.row()["metadata"]) == {"byline": "Ana \ufffd Perl"}
