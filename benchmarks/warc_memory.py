"""Web archive memory benchmark: peak RSS of reading a WARC grows with its largest record, not its size.

Writes two gzipped WARC files with warcio from invented pages: a small one and one
``--factor`` times larger (the same mix of HTML pages, duplicates, images and 404s,
the images ``--image-kb`` each, so that most bytes are not articles, as in a real
crawl). Each file is read in its own subprocess by ``toolkit.loaders.iter_articles``
with the articles dropped as they come (the loader alone), and the peak RSS of each
is compared: a loader that streamed nothing would grow with the file.

    python benchmarks/warc_memory.py --pages 200 --factor 10

Prints a table and writes ``warc_memory.json`` (``--out`` folder). Seconds are wall
time on a shared machine: compare ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

WORDS = (
    "harbour council ferry quay orchard library granary schedule residents volunteers committee budget "
    "mayor harvest fishermen storm repairs reading season spring winter island valley cooperative"
).split()


def write_warc(path: Path, *, pages: int, image_kb: int, number_seed: int = 0) -> int:
    """A crawl of ``pages`` pages plus a duplicate, an image and a 404 for every fourth page; its size in bytes."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    # incompressible, as real images are: the gzipped file is as large as its records
    image = b"\x89PNG\r\n\x1a\n" + random.Random(number_seed).randbytes(image_kb * 1024)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number in range(pages):
            sentences = [
                " ".join(WORDS[(number * 7 + k * 3 + j) % len(WORDS)] for j in range(14)).capitalize() + "."
                for k in range(8)
            ]
            html = (
                f"<html><head><title>Story {number}</title></head><body><article><h1>Story {number}</h1>"
                + "".join(f"<p>{s} Item {number}-{k}.</p>" for k, s in enumerate(sentences))
                + "</article></body></html>"
            ).encode("utf-8")
            records = [(f"https://news{number % 9}.example/story/{number}", html, "200 OK", "text/html")]
            if number % 4 == 0:
                records += [
                    (f"https://news{number % 9}.example/story/{number}?amp=1", html, "200 OK", "text/html"),
                    (f"https://news{number % 9}.example/img/{number}.png", image, "200 OK", "image/png"),
                    (
                        f"https://news{number % 9}.example/gone/{number}",
                        b"<html>gone</html>",
                        "404 Not Found",
                        "text/html",
                    ),
                ]
            for url, body, status, content_type in records:
                headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
                writer.write_record(
                    writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
                )
    return path.stat().st_size


def measure(path: Path) -> dict[str, float]:
    """Read ``path`` in a fresh process; its peak RSS (MB), seconds and the report's counts."""
    code = (
        "import json, resource, sys, time\n"
        "from toolkit.loaders import iter_articles\n"
        "from toolkit.records import LoadReport\n"
        "report = LoadReport(); started = time.perf_counter()\n"
        "n = sum(1 for _ in iter_articles([sys.argv[1]], report=report))\n"
        "print(json.dumps({'articles': n, 'inputs': report.inputs, 'loaded': report.loaded, "
        "'seconds': time.perf_counter() - started, "
        "'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    env = {"PYTHONPATH": f"{REPO}:{REPO / 'plugins'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages in the small file (default 200)")
    parser.add_argument("--factor", type=int, default=10, help="how many times larger the large file is")
    parser.add_argument("--image-kb", type=int, default=512, help="size of each image record (default 512 KB)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, pages in (("small", args.pages), ("large", args.pages * args.factor)):
            path = Path(folder) / f"{name}.warc.gz"
            started = time.perf_counter()
            size = write_warc(path, pages=pages, image_kb=args.image_kb)
            written = time.perf_counter() - started
            results[name] = {"pages": pages, "file_mb": size / 2**20, "write_s": written, **measure(path)}
            path.unlink()
    small, large = results["small"], results["large"]
    results["rss_growth"] = large["peak_rss_mb"] / small["peak_rss_mb"]
    results["file_growth"] = large["file_mb"] / small["file_mb"]
    print(f"{'file':>6} {'pages':>7} {'file MB':>9} {'records':>8} {'loaded':>7} {'peak RSS MB':>12} {'seconds':>8}")
    for name in ("small", "large"):
        row = results[name]
        print(
            f"{name:>6} {row['pages']:>7} {row['file_mb']:>9.1f} {row['inputs']:>8} {row['loaded']:>7} "
            f"{row['peak_rss_mb']:>12.1f} {row['seconds']:>8.1f}"
        )
    print(f"file {results['file_growth']:.1f}x larger, peak RSS {results['rss_growth']:.2f}x")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "warc_memory.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
