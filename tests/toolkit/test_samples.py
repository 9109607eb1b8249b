"""The bundled sample corpus keeps the shape the demo, the notebooks and the plugin tests rely on.

These tests check structure, not content: how many articles, that metadata and files agree,
that exactly one article is undated, that publication dates cross a year boundary, that every
file starts with a headline, that the README says the corpus is invented, and that the phrases
and boilerplate lines the README documents really are where it says they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from toolkit.cleaning import clean_text
from toolkit.loaders import guess_title, load

SAMPLE = Path(__file__).resolve().parents[2] / "toolkit" / "data" / "sample"
METADATA = SAMPLE / "metadata.csv"
README = SAMPLE / "README.md"
ARTICLE_NAME = re.compile(r"^\d{3}_[a-z0-9]+(?:_[a-z0-9]+)*\.txt$")
# A README table row naming an article file, e.g. "| phenomenon | 001_x.txt | `phrase`, `phrase` |".
README_ROW = re.compile(r"^\|(?P<cells>.*)\|\s*$")
BACKTICKED = re.compile(r"`([^`]+)`")
PHENOMENA = "Phenomena and the exact phrases that carry them"


def article_files() -> list[Path]:
    return sorted(SAMPLE.glob("*.txt"))


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def metadata_rows() -> list[dict[str, str]]:
    with METADATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def readme_section(title: str) -> str:
    """The README text under the level-2 heading ``title``, up to the next level-2 heading."""
    text = read_text(README)
    match = re.search(rf"^## {re.escape(title)}\s*$(?P<body>.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no '## {title}' section; the tests below read their expectations from it"
    return match.group("body")


def readme_table(title: str) -> list[list[str]]:
    """Rows of the markdown table in a README section, as lists of stripped cells (header and rule dropped)."""
    rows = []
    for line in readme_section(title).splitlines():
        match = README_ROW.match(line.strip())
        if not match:
            continue
        cells = [cell.strip() for cell in match.group("cells").split("|")]
        if set("".join(cells)) <= set("-: "):
            continue  # the |---|---| rule
        rows.append(cells)
    return rows[1:]  # drop the header row


def test_there_are_twelve_to_fifteen_articles_named_by_number_and_slug():
    files = article_files()
    assert 12 <= len(files) <= 15, f"expected 12-15 sample articles, found {len(files)}"
    bad = [f.name for f in files if not ARTICLE_NAME.match(f.name)]
    assert not bad, f"article files must be named NNN_slug.txt; these are not: {bad}"
    numbers = [f.name[:3] for f in files]
    assert len(set(numbers)) == len(numbers), f"article numbers repeat: {numbers}"


def test_every_article_is_utf8_with_unix_newlines_and_a_short_news_length():
    for path in article_files():
        raw = path.read_bytes()
        text = raw.decode("utf-8")  # raises if a file is not UTF-8
        assert b"\r" not in raw, f"{path.name}: use \\n line endings"
        assert text.endswith("\n"), f"{path.name}: should end with a newline"
        body_words = len(text.split("\n", 2)[2].split())
        assert 150 <= body_words <= 350, f"{path.name}: body has {body_words} words, expected 150-350"


def test_every_file_starts_with_a_headline_then_a_blank_line():
    for path in article_files():
        lines = read_text(path).split("\n")
        headline = lines[0]
        assert headline.strip() == headline and headline, f"{path.name}: first line must be a non-empty headline"
        assert not headline.endswith("."), f"{path.name}: a headline does not end with a full stop: {headline!r}"
        assert lines[1] == "", f"{path.name}: the headline must be followed by a blank line"
        assert lines[2].strip(), f"{path.name}: the body must start right after the blank line"
        # The loader must recognise it as a title, or the demo shows articles without titles.
        assert guess_title(read_text(path)) == headline, f"{path.name}: loader does not take {headline!r} as the title"


def test_metadata_rows_match_the_files_one_to_one():
    rows = metadata_rows()
    assert rows, "metadata.csv has no rows"
    assert list(rows[0].keys()) == ["article_id", "published", "outlet", "title", "url"]
    ids = [row["article_id"] for row in rows]
    assert len(set(ids)) == len(ids), f"duplicate article_id in metadata.csv: {ids}"
    stems = {path.stem for path in article_files()}
    assert set(ids) == stems, (
        f"metadata.csv and the .txt files disagree: only in metadata {sorted(set(ids) - stems)}, "
        f"only as files {sorted(stems - set(ids))}"
    )
    for row in rows:
        headline = read_text(SAMPLE / f"{row['article_id']}.txt").split("\n", 1)[0]
        if row["title"]:
            assert row["title"] == headline, f"{row['article_id']}: metadata title differs from the headline"
        if row["url"]:
            assert row["url"].startswith("https://") and ".example/" in row["url"], (
                f"{row['article_id']}: invented URLs must use the reserved .example domain, found {row['url']!r}"
            )
        assert row["outlet"], f"{row['article_id']}: every article needs an outlet"


def test_exactly_one_article_is_undated_and_the_rest_have_iso_dates():
    rows = metadata_rows()
    undated = [row["article_id"] for row in rows if not row["published"]]
    assert len(undated) == 1, f"expected exactly one undated article, found {undated}"
    for row in rows:
        if row["published"]:
            dt.date.fromisoformat(row["published"])  # raises on anything but an ISO date


def test_publication_dates_span_a_year_boundary_several_months_and_outlets():
    rows = metadata_rows()
    dates = sorted(dt.date.fromisoformat(row["published"]) for row in rows if row["published"])
    assert dates[0].year < dates[-1].year, f"dates must cross a year boundary, found {dates[0]} .. {dates[-1]}"
    months = {(d.year, d.month) for d in dates}
    assert len(months) >= 4, f"expected articles in at least 4 months, found {sorted(months)}"
    outlets = {row["outlet"] for row in rows}
    assert len(outlets) >= 3, f"expected several outlets, found {sorted(outlets)}"


def test_readme_says_the_corpus_is_invented():
    text = read_text(README)
    first_paragraphs = "\n".join(text.split("\n\n")[:3]).lower()
    assert "invented" in first_paragraphs, "README.md must say up front that the corpus is invented"
    assert "real" in first_paragraphs, "README.md must say that it is not real news"


def test_loader_reads_every_article_with_its_metadata():
    articles, report = load(str(SAMPLE / "*.txt"), metadata=METADATA)
    files = article_files()
    assert len(articles) == len(files), report.summary()
    by_id = {article.article_id: article for article in articles}
    for row in metadata_rows():
        article = by_id[row["article_id"]]
        assert article.published == (row["published"] or None)
        assert article.outlet == row["outlet"]
        assert article.published_source == ("metadata" if row["published"] else "unknown"), (
            f"{row['article_id']}: published_source {article.published_source!r}; the undated article must stay "
            "undated (no date line in its text)"
        )


def test_every_documented_phrase_occurs_in_its_file():
    rows = readme_table(PHENOMENA)
    assert len(rows) >= 40, f"README phenomenon table looks truncated: {len(rows)} rows"
    names = {path.name for path in article_files()}
    for phenomenon, name, phrases in rows:
        assert name in names, f"README row {phenomenon!r} names {name!r}, which is not a sample article"
        found = BACKTICKED.findall(phrases)
        assert found, f"README row {phenomenon!r} ({name}) lists no `phrase`"
        text = read_text(SAMPLE / name)
        for phrase in found:
            assert phrase in text, f"{name}: documented phrase for {phenomenon!r} not found: {phrase!r}"


def test_name_variants_of_one_person_are_at_least_four():
    variants = [BACKTICKED.findall(row[2])[0] for row in readme_table(PHENOMENA) if row[0].startswith("name variant")]
    assert len(set(variants)) >= 4, f"expected at least 4 spelling variants of one name, found {variants}"


def test_cleaning_removes_exactly_the_documented_boilerplate_lines():
    expected: dict[str, list[str]] = {path.name: [] for path in article_files()}
    for name, line, _kind in readme_table("Boilerplate lines"):
        found = BACKTICKED.findall(line)
        assert len(found) == 1, f"boilerplate row for {name} must hold one `line`, found {line!r}"
        expected[name].append(found[0])
    assert sum(map(len, expected.values())) >= 10, "README documents too few boilerplate lines"
    for name, lines in expected.items():
        raw = read_text(SAMPLE / name)
        cleaned, removed = clean_text(raw)
        removed_lines = [raw[start:end].rstrip("\n") for start, end, _reason in removed]
        assert removed_lines == lines, f"{name}: cleaning removed {removed_lines}, the README documents {lines}"
        assert len(cleaned) == len(raw) - sum(end - start for start, end, _reason in removed)
