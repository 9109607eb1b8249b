"""Web archives: a WARC built with warcio's own writer from invented pages, every record accounted for."""

import gzip
import json
from io import BytesIO

import pytest

warcio = pytest.importorskip("warcio", reason="warcio reads web archives; it is a PressLens dependency")
from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from toolkit.loaders import load  # noqa: E402

PARAGRAPHS = {
    "harbour": [
        "The harbour authority of Velmora approved a new ferry schedule on Tuesday after weeks of talks.",
        "Captain Ilse Marrow said the evening crossings would resume once the pier repairs were finished.",
        "Residents of the island had asked for the change since the winter storms damaged the old quay.",
    ],
    "orchard": [
        "Growers in the Dunvale valley reported the largest pear harvest in a decade this autumn season.",
        "The cooperative chair, Tomas Reyvik, told members that prices would stay stable through spring.",
        "Several farms hired extra pickers because the fruit ripened two weeks earlier than expected.",
    ],
    "library": [
        "The city library of Orsk Marin will open a reading room for children in the restored granary.",
        "Director Pella Anwick said volunteers had catalogued more than four thousand donated books.",
        "The council agreed to fund longer opening hours on weekends for the first year of the project.",
    ],
}
# not UTF-8: a French page sent as Windows-1252, its charset in the HTTP header
FRENCH = [
    "Le conseil municipal de Varenne a voté mercredi la rénovation complète du théâtre d'été.",
    "La maire, Hélène Dufresnoy, a précisé que les travaux débuteraient après les fêtes de fin d'année.",
    "Les associations du quartier ont salué une décision attendue depuis près de dix années déjà.",
]

LIGHTHOUSE = [
    "The keeper of the Skerrow lighthouse retired on Saturday after thirty-one years on the rock.",
    "Neighbours gathered on the jetty to thank Orla Penhallow for guiding boats through the fog.",
    "The light has been automatic since spring, and the cottage will become a small museum.",
]


def page(title, paragraphs, *, head=""):
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Contact us</footer></body></html>"
    )


def http(status, content_type, extra=()):
    return StatusAndHeaders(status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1")


def response(writer, url, body, *, status="200 OK", content_type="text/html; charset=utf-8", date=None, extra=()):
    warc_headers = {"WARC-Date": date} if date else None
    record = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        http_headers=http(status, content_type, extra),
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)
    return record


@pytest.fixture
def crawl(tmp_path):
    """A gzipped WARC of a small crawl: what each record should become, by its URL (or type)."""
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "invented crawler"}))
        request = writer.create_warc_record(
            "https://www.velmora-tribune.example/news/ferry-schedule",
            "request",
            payload=BytesIO(b""),
            http_headers=StatusAndHeaders(
                "GET /news/ferry-schedule HTTP/1.1", [("Host", "www.velmora-tribune.example")], is_http_request=True
            ),
        )
        writer.write_record(request)
        # a page that states its publication date and its site name
        first = response(
            writer,
            "https://www.velmora-tribune.example/news/ferry-schedule",
            page(
                "Ferry schedule approved",
                PARAGRAPHS["harbour"],
                head=(
                    '<meta property="article:published_time" content="2024-02-06T08:00:00Z">'
                    '<meta property="og:site_name" content="Velmora Tribune">'
                ),
            ).encode("utf-8"),
            date="2024-02-09T10:00:00Z",
        )
        # pages without a date or site name: the capture date and the host stand in
        response(
            writer,
            "https://dunvale-courier.example/farming/pear-harvest",
            page("Record pear harvest", PARAGRAPHS["orchard"]).encode("utf-8"),
            date="2024-03-15T12:30:00Z",
        )
        response(
            writer,
            "https://news.orskmarin.example/culture/granary-library",
            page("Library in the granary", PARAGRAPHS["library"]).encode("utf-8"),
            date="2024-04-01T06:00:00Z",
        )
        response(
            writer,
            "https://www.varenne-journal.example/ville/theatre",
            page("Le théâtre rénové", FRENCH).encode("cp1252"),
            content_type="text/html; charset=windows-1252",
            date="2024-05-02T09:00:00Z",
        )
        # sent gzipped (Content-Encoding), as most servers do
        response(
            writer,
            "https://lighthouse-weekly.example/coast/keeper-retires",
            gzip.compress(page("Keeper retires", LIGHTHOUSE).encode("utf-8")),
            extra=[("Content-Encoding", "gzip")],
            date="2024-06-11T07:00:00Z",
        )
        # the same page again, reached with a tracking parameter: a duplicate
        response(
            writer,
            "https://dunvale-courier.example/farming/pear-harvest?utm_source=feed",
            page("Record pear harvest", PARAGRAPHS["orchard"]).encode("utf-8"),
            date="2024-03-16T12:30:00Z",
        )
        # the crawler came back and the server said nothing changed
        writer.write_record(
            writer.create_revisit_record(
                "https://www.velmora-tribune.example/news/ferry-schedule",
                first.rec_headers.get_header("WARC-Payload-Digest"),
                "https://www.velmora-tribune.example/news/ferry-schedule",
                "2024-02-09T10:00:00Z",
            )
        )
        response(
            writer,
            "https://dunvale-courier.example/img/pears.png",
            b"\x89PNG\r\n\x1a\n" + bytes(64),
            content_type="image/png",
        )
        response(
            writer,
            "https://dunvale-courier.example/api/latest.json",
            json.dumps({"items": ["pear-harvest"]}).encode("utf-8"),
            content_type="application/json",
        )
        response(
            writer,
            "https://news.orskmarin.example/culture/missing-page",
            b"<html><body><p>Not found</p></body></html>",
            status="404 Not Found",
        )
        dns = writer.create_warc_record(
            "dns:news.orskmarin.example",
            "response",
            payload=BytesIO(b"news.orskmarin.example. 300 IN A 192.0.2.7\n"),
            warc_content_type="text/dns",
        )
        writer.write_record(dns)
    return path


def record_offsets(path):
    with path.open("rb") as handle:
        iterator = ArchiveIterator(handle, arc2warc=True)
        offsets = []
        for record in iterator:
            offsets.append((iterator.offset, record.rec_type, record.rec_headers.get_header("WARC-Target-URI")))
        return offsets


def test_every_record_of_a_warc_is_loaded_or_has_a_reason(crawl):
    _, report = load(crawl)
    records = record_offsets(crawl)
    assert len(records) == 13
    # one report line per record, at the record's own offset
    assert sorted(entry.source for entry in report.entries) == sorted(f"{crawl}@{offset}" for offset, _, _ in records)
    by_url = {
        url: next(e for e in report.entries if e.source == f"{crawl}@{offset}") for offset, _, url in records if url
    }
    kind = {offset: rec_type for offset, rec_type, _ in records}
    assert report.loaded == 5
    skipped = {e.source: e.reason for e in report.entries if e.status == "skipped"}
    failed = {e.source: e.reason for e in report.entries if e.status == "failed"}
    assert (
        len(failed) == 1 and "HTTP 404" in failed[by_url["https://news.orskmarin.example/culture/missing-page"].source]
    )
    dup = by_url["https://dunvale-courier.example/farming/pear-harvest?utm_source=feed"]
    assert dup.status == "skipped" and "duplicate" in dup.reason
    assert by_url["https://dunvale-courier.example/img/pears.png"].reason.startswith("not an HTML page (image/png)")
    assert "application/json" in by_url["https://dunvale-courier.example/api/latest.json"].reason
    assert "dns" in by_url["dns:news.orskmarin.example"].reason
    revisit = next(f"{crawl}@{o}" for o, t, _ in records if t == "revisit")
    assert "revisit" in skipped[revisit]
    assert {kind[int(source.rsplit("@", 1)[1])] for source, reason in skipped.items() if "record (" in reason} == {
        "warcinfo",
        "request",
    }


def test_warc_pages_get_text_url_date_and_outlet_from_page_or_record(crawl):
    articles, _ = load(crawl)
    by_url = {article.url: article for article in articles}
    assert set(by_url) == {
        "https://www.velmora-tribune.example/news/ferry-schedule",
        "https://dunvale-courier.example/farming/pear-harvest",
        "https://news.orskmarin.example/culture/granary-library",
        "https://www.varenne-journal.example/ville/theatre",
        "https://lighthouse-weekly.example/coast/keeper-retires",
    }
    keeper = by_url["https://lighthouse-weekly.example/coast/keeper-retires"]
    assert all(sentence in keeper.text for sentence in LIGHTHOUSE)  # the gzip content encoding undone
    ferry = by_url["https://www.velmora-tribune.example/news/ferry-schedule"]
    assert all(sentence in ferry.text for sentence in PARAGRAPHS["harbour"])
    assert "Contact us" not in ferry.text  # boilerplate left out by trafilatura, as for HTML files
    # the page's own date and site name win; the capture date is kept beside them
    assert (ferry.published, ferry.published_source) == ("2024-02-06", "html")
    assert ferry.outlet == "Velmora Tribune"
    assert ferry.metadata["captured"] == "2024-02-09T10:00:00Z"
    pears = by_url["https://dunvale-courier.example/farming/pear-harvest"]
    assert (pears.published, pears.published_source) == ("2024-03-15", "capture")
    assert pears.outlet == "dunvale-courier.example"
    assert all(sentence in pears.text for sentence in PARAGRAPHS["orchard"])
    library = by_url["https://news.orskmarin.example/culture/granary-library"]
    assert library.outlet == "news.orskmarin.example" and library.title == "Library in the granary"
    theatre = by_url["https://www.varenne-journal.example/ville/theatre"]
    assert all(sentence in theatre.text for sentence in FRENCH)  # decoded as Windows-1252, accents intact
    assert theatre.encoding.startswith("cp1252") or theatre.encoding.startswith("windows-1252")
    assert json.loads(theatre.row()["metadata"])["warc_record_id"].startswith("<urn:uuid:")


def test_warc_article_ids_are_the_same_on_every_run_and_unique(crawl, tmp_path):
    first, _ = load(crawl)
    copy = tmp_path / "again" / "crawl.warc.gz"
    copy.parent.mkdir()
    copy.write_bytes(crawl.read_bytes())
    second, _ = load(copy)
    assert [a.article_id for a in first] == [a.article_id for a in second]
    assert len({a.article_id for a in first}) == 5
    assert any(a.article_id.startswith("dunvale-courier.example-pear-harvest-") for a in first)


def test_a_folder_meets_archives_beside_text_files(crawl, tmp_path):
    folder = crawl.parent
    (folder / "note.txt").write_text("Harbour headline\n\nThe ferry left at dawn on Monday.\n", encoding="utf-8")
    plain = folder / "plain.warc"
    plain.write_bytes(gzip.decompress(crawl.read_bytes()))  # the same crawl, uncompressed: all duplicates
    articles, report = load(folder)
    assert len(articles) == 6  # five pages once, and the text file
    plain_entries = [e for e in report.entries if e.source.startswith(f"{plain}@")]
    assert len(plain_entries) == 13 and not any(e.status == "loaded" for e in plain_entries)


def test_a_garbled_record_costs_its_line_and_reading_resumes(crawl, tmp_path):
    data = crawl.read_bytes()
    offsets = [offset for offset, _, _ in record_offsets(crawl)]
    # bytes flipped inside the gzip member of the third record (the first page): it cannot be read
    third = offsets[2]
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[: third + 30] + bytes(b ^ 0xFF for b in data[third + 30 : third + 60]) + data[third + 60 :])
    articles, report = load(broken)
    failed = [e for e in report.entries if e.status == "failed" and "garbled" in e.reason]
    assert len(failed) == 1 and failed[0].source == f"{broken}@{third}"
    assert "reading resumes at byte" in failed[0].reason
    # the records after it are read: the pages load, the image is still an image
    assert {a.url for a in articles} == {
        "https://dunvale-courier.example/farming/pear-harvest",
        "https://news.orskmarin.example/culture/granary-library",
        "https://www.varenne-journal.example/ville/theatre",
        "https://lighthouse-weekly.example/coast/keeper-retires",
    }
    assert any("image/png" in e.reason for e in report.entries)


def test_a_gzip_member_cut_short_at_the_end_is_a_failed_line_not_silence(crawl, tmp_path):
    # regression: warcio ends without a word at a gzip member cut short, so the record in it went unaccounted
    data = crawl.read_bytes()
    offsets = [offset for offset, _, _ in record_offsets(crawl)]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: offsets[4] + 200])
    articles, report = load(cut)
    assert len(articles) == 2
    last = report.entries[-1]
    assert (last.source, last.status) == (f"{cut}@{offsets[4]}", "failed") and "ends inside a record" in last.reason


def test_a_file_cut_inside_a_page_fails_that_page_only(crawl, tmp_path):
    plain = gzip.decompress(crawl.read_bytes())
    cut_at = plain.index(PARAGRAPHS["library"][1].encode("utf-8"))
    cut = tmp_path / "cut.warc"
    cut.write_bytes(plain[:cut_at])
    articles, report = load(cut)
    assert {a.url for a in articles} == {
        "https://www.velmora-tribune.example/news/ferry-schedule",
        "https://dunvale-courier.example/farming/pear-harvest",
    }
    last = report.entries[-1]
    assert last.status == "failed" and "cut short" in last.reason


def arc_record(url, date, mime, body):
    header = f"{url} 192.0.2.1 {date} {mime} {len(body)}\n".encode("ascii")
    return header + body + b"\n"


def test_an_arc_file_is_read_like_a_warc(tmp_path):
    # warcio writes no ARC, so this one is built by hand: a version block, then one line per record
    html = page("Library in the granary", PARAGRAPHS["library"]).encode("utf-8")
    response = b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    image = b"HTTP/1.0 200 OK\r\nContent-Type: image/gif\r\n\r\nGIF89a" + bytes(16)
    version = b"1 0 Invented Archive\nURL IP-address Archive-date Content-type Archive-length\n"
    filedesc = arc_record("filedesc://old.arc", "20010911120000", "text/plain", version)
    arc = tmp_path / "old.arc"
    parts = [
        filedesc,
        arc_record("http://news.orskmarin.example/library.html", "20010911120500", "text/html", response),
        arc_record("http://news.orskmarin.example/logo.gif", "20010911120600", "image/gif", image),
    ]
    arc.write_bytes(b"".join(parts))
    articles, report = load(arc)
    assert report.inputs == 3 and report.loaded == 1
    (article,) = articles
    assert article.url == "http://news.orskmarin.example/library.html"
    assert (article.published, article.published_source) == ("2001-09-11", "capture")
    assert article.outlet == "news.orskmarin.example"
    assert all(sentence in article.text for sentence in PARAGRAPHS["library"])
    # gzipped as archives are (a gzip member per record), and whole by hand (`gzip old.arc`): both read
    members = tmp_path / "members.arc.gz"
    members.write_bytes(b"".join(gzip.compress(part) for part in parts))
    whole = tmp_path / "whole.arc.gz"
    whole.write_bytes(gzip.compress(arc.read_bytes()))
    for gzipped in (members, whole):
        again, again_report = load(gzipped)
        assert [a.article_id for a in again] == [article.article_id], again_report.summary()
        assert (again_report.inputs, again_report.loaded) == (3, 1)


def test_a_page_over_the_size_limit_is_skipped_with_the_limit(crawl):
    # 5 characters allow 104 bytes of HTML (20 a character): every page here is larger, so none is read whole
    articles, report = load(crawl, max_chars=5)
    assert not articles
    over = [e for e in report.entries if "over 104 bytes" in e.reason]
    assert len(over) == 6 and all(e.status == "skipped" and "--max-chars" in e.reason for e in over)
    assert report.inputs == 13  # the pages over the limit are not read, yet still accounted for


def test_an_uncompressed_warc_resumes_at_the_next_version_line_after_garbage(crawl, tmp_path):
    plain = gzip.decompress(crawl.read_bytes())
    # the header of the pear-harvest page overwritten: no record can be read there
    uri = plain.index(b"WARC-Target-URI: https://dunvale-courier.example/farming/pear-harvest\r\n")
    start = plain.rindex(b"WARC/1.0", 0, uri)
    broken = tmp_path / "broken.warc"
    broken.write_bytes(plain[:start] + b"\x00garbled header\x00" * 4 + plain[start + 72 :])
    articles, report = load(broken)
    failed = [e for e in report.entries if e.status == "failed" and "garbled" in e.reason]
    # warcio reads on into the damage as far as it can parse: each stretch it cannot read is one line
    assert failed[0].source == f"{broken}@{start}" and "garbled record header" in failed[0].reason
    assert "reading resumes at byte" in failed[-1].reason
    # every page after the damage is read; the copy reached through a feed link is no duplicate now
    assert {a.url for a in articles} == {
        "https://www.velmora-tribune.example/news/ferry-schedule",
        "https://news.orskmarin.example/culture/granary-library",
        "https://www.varenne-journal.example/ville/theatre",
        "https://lighthouse-weekly.example/coast/keeper-retires",
        "https://dunvale-courier.example/farming/pear-harvest?utm_source=feed",
    }
