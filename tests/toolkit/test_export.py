"""Exports a spreadsheet can read: readable list columns, article context, xlsx, and no formula injection."""

import csv
import io
import json

import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.export import EXPORT_FORMATS, FORMULA_START, export, neutralise_cell, readable_table
from toolkit.pipeline import Corpus
from toolkit.schemas import SCHEMAS

TEXT = "Ana Ruiz said the talks in Oslo would resume. Officials denied it."


def small_corpus() -> Corpus:
    """Two people, a place, one article, a claim about two entities and a quote in two parts."""
    return Corpus(
        {
            "articles": pd.DataFrame(
                {
                    "article_id": ["a1"],
                    "path": ["in/a1.txt"],
                    "title": ["Talks to resume"],
                    "outlet": ["Harbour Post"],
                    "published": ["2024-03-02"],
                    "text": [TEXT],
                    "url": ["https://harbour.example/a1"],
                }
            ),
            "entities": pd.DataFrame(
                {
                    "entity_id": ["E1", "E2"],
                    "name": ["Ana Ruiz", "Oslo"],
                    "label": ["PERSON", "GPE"],
                    "aliases": [["Ana Ruiz", "Ruiz"], ["Oslo"]],
                    "n_mentions": [1, 1],
                    "n_articles": [1, 1],
                }
            ),
            "quotes": pd.DataFrame(
                {
                    "quote_id": ["q1"],
                    "article_id": ["a1"],
                    "kind": ["indirect"],
                    "content": ["the talks in Oslo would resume"],
                    "speaker_entity_id": ["E1"],
                    "speaker_name": ["Ana Ruiz"],
                    "content_parts": [[[9, 20], [21, 45]]],
                }
            ),
            "claims": pd.DataFrame(
                {
                    "claim_id": ["c1"],
                    "article_id": ["a1"],
                    "quote_id": ["q1"],
                    "claimant_entity_id": ["E1"],
                    "stance": ["assert"],
                    "proposition": ["talks resume"],
                    "about_entity_ids": [["E1", "E2"]],
                    "group_id": ["G1"],
                }
            ),
            "plugin_notes": pd.DataFrame({"article_id": ["a1"], "note": ["a plugin's own table"]}),
        }
    )


@pytest.fixture
def analysis(tmp_path):
    return small_corpus().save(tmp_path / "out")


def test_cli_claims_csv_with_context_reads_back_with_names_and_article(analysis, tmp_path, capsys):
    target = tmp_path / "claims.csv"
    argv = ["export", str(analysis), "--table", "claims", "--format", "csv", "--with-context", "-o", str(target)]
    assert main(argv) == 0
    with open(target, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 1
    row = rows[0]
    assert row["about_entity_ids"] == "Ana Ruiz; Oslo"  # names, "; "-joined: not ids, not a numpy repr
    assert row["claimant_name"] == "Ana Ruiz"
    assert (row["title"], row["outlet"], row["published"], row["url"]) == (
        "Talks to resume",
        "Harbour Post",
        "2024-03-02",
        "https://harbour.example/a1",
    )
    assert list(rows[0])[:3] == ["claim_id", "article_id", "title"]  # the context beside the article id
    assert "wrote 1 rows of claims" in capsys.readouterr().err


def test_offset_lists_are_start_end_text():
    assert readable_table(small_corpus(), "quotes")["content_parts"].tolist() == ["9-20; 21-45"]


def test_jsonl_and_parquet_keep_lists_as_lists(tmp_path):
    corpus = small_corpus()
    stream = io.StringIO()
    export(corpus, "claims", stream, format="jsonl")
    assert json.loads(stream.getvalue())["about_entity_ids"] == ["E1", "E2"]
    result = corpus.export("claims", tmp_path / "claims.parquet", with_context=True)
    back = pd.read_parquet(result.path)
    assert list(back["about_entity_ids"].iloc[0]) == ["E1", "E2"] and back["outlet"].tolist() == ["Harbour Post"]


def test_xlsx_opens_with_openpyxl(analysis, tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is a dependency; the install is broken")
    target = tmp_path / "claims.xlsx"
    assert main(["export", str(analysis), "--table", "claims", "--with-context", "-o", str(target)]) == 0
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "outlet" in header and first["about_entity_ids"] == "Ana Ruiz; Oslo" and first["outlet"] == "Harbour Post"


def test_with_context_on_a_table_without_articles_says_which_tables_have_them(analysis, capsys):
    assert main(["export", str(analysis), "--table", "entities", "--with-context"]) == 2
    err = capsys.readouterr().err
    assert "no article_id column" in err and "claims" in err


def test_binary_formats_need_a_file(analysis, capsys):
    assert main(["export", str(analysis), "--table", "claims", "--format", "xlsx"]) == 2
    assert "-o FILE" in capsys.readouterr().err


def test_export_help_names_the_folders_tables_or_the_contracts(analysis, capsys):
    with pytest.raises(SystemExit):
        main(["export", str(analysis), "--help"])
    folder_help = " ".join(capsys.readouterr().out.split())
    assert "tables in" in folder_help and "plugin_notes" in folder_help  # a plugin's table, found in the folder
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    contract_help = " ".join(capsys.readouterr().out.split())
    assert all(name in contract_help for name in SCHEMAS) and "plugin_notes" not in contract_help


# ---------------------------------------------------------------------------
# CSV injection (issue #20): every text cell of every table, and the list items that become text
PAYLOADS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1", "\r=1"]


def hostile_corpus() -> Corpus:
    """Every text column of every contract table holds a formula-like value; list items too.

    A plugin's own table (with a hostile column name) is there as well: the rule is not tied
    to the contract's columns.
    """
    tables = {}
    for name, schema in SCHEMAS.items():
        row: dict[str, object] = {}
        for k, (column, dtype) in enumerate(schema.items()):
            payload = PAYLOADS[k % len(PAYLOADS)]
            if dtype == "string":
                row[column] = payload
            elif dtype == "object":
                row[column] = [payload, PAYLOADS[(k + 1) % len(PAYLOADS)]]
            else:
                row[column] = 1
        row["article_id"] = "=a1"  # the same article everywhere, so --with-context finds it
        tables[name] = pd.DataFrame([row])
    tables["articles"]["url"] = "=url()"
    tables["entities"]["entity_id"] = "@E1"  # list columns of entity ids become these names
    tables["entities"]["name"] = "=name()"
    tables["plugin_table"] = pd.DataFrame({"=column": ["-1+1"], "article_id": ["=a1"], "n": [-5]})
    return Corpus(tables)


def read_cells(path, fmt):
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return [cell for row in csv.reader(stream) for cell in row]
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is a dependency; the install is broken")
    sheet = openpyxl.load_workbook(path).active
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", [*SCHEMAS, "plugin_table"])
def test_no_exported_cell_starts_like_a_formula(tmp_path, table, fmt):
    corpus = hostile_corpus()
    result = export(corpus, table, tmp_path / f"{table}.{fmt}", with_context=table not in ("entities", "stories"))
    cells = [c for c in read_cells(result.path, fmt) if isinstance(c, str)]
    assert cells, "the export wrote no text cells"
    # a number written as a number (-5) is not a formula: a spreadsheet reads it as the number
    dangerous = [c for c in cells if c.startswith(FORMULA_START) and not is_number(c)]
    assert dangerous == []
    assert result.neutralised > 0
    assert any(c.startswith("'") and c[1:] in PAYLOADS for c in cells)  # the value is kept, behind the quote


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_numbers_stay_numbers_not_quoted_text(tmp_path):
    result = export(hostile_corpus(), "plugin_table", tmp_path / "t.csv")
    with open(result.path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, quoting=csv.QUOTE_NONNUMERIC))  # unquoted cells come back as floats
    assert rows[1][rows[0].index("n")] == -5.0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_neutralise_writes_cells_as_they_are(tmp_path, fmt):
    result = export(hostile_corpus(), "claims", tmp_path / f"claims.{fmt}", neutralise=False)
    cells = [c for c in read_cells(result.path, fmt) if isinstance(c, str)]
    assert result.neutralised == 0 and any(c in PAYLOADS for c in cells)
    if fmt == "xlsx":  # even unneutralised, an xlsx cell is a string, never a formula
        openpyxl = pytest.importorskip("openpyxl")
        sheet = openpyxl.load_workbook(result.path).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_neutralise_cell_leaves_ordinary_text_alone():
    assert [neutralise_cell(t) for t in ["Ana Ruiz", "", "3 killed", "'quoted"]] == [
        "Ana Ruiz",
        "",
        "3 killed",
        "'quoted",
    ]


def test_every_format_is_accepted_by_the_cli(analysis, tmp_path):
    for fmt in EXPORT_FORMATS:
        assert main(["export", str(analysis), "--table", "quotes", "-o", str(tmp_path / f"q.{fmt}")]) == 0
        assert (tmp_path / f"q.{fmt}").stat().st_size > 0
