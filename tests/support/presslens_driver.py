"""Runs ``presslens`` in a subprocess for the crash, lock and determinism tests.

``python tests/support/presslens_driver.py analyze ...`` is the ``presslens`` command
plus a ``probe`` plugin whose rows depend on the parsed Doc (so the tests need
no particular plugin installed). Environment switches, for tests only:

- ``PRESSLENS_PROBE_BLOCK_AFTER``: after that many articles, block for good
  (until killed), so a test can kill the run at a known point mid-analysis;
- ``PRESSLENS_PROBE_GATE``: a file path; the first article waits until the file
  exists, so a test can hold a run while it starts a second one;
- ``PRESSLENS_DIE_AFTER_TABLES``: exit abruptly (``os._exit(9)``, no clean-up,
  like ``kill -9``) after writing that many tables.
"""

from __future__ import annotations

import os
import sys
import time

_CALLS = []


def _probe_extract(doc, article, options):
    _CALLS.append(article.article_id)
    block_after = os.environ.get("PRESSLENS_PROBE_BLOCK_AFTER")
    if block_after and len(_CALLS) > int(block_after):
        while True:  # the test kills this process here
            time.sleep(1)
    gate = os.environ.get("PRESSLENS_PROBE_GATE")
    while gate and not os.path.exists(gate):
        time.sleep(0.05)
    rows = [
        {"start": ent.start_char, "end": ent.end_char, "text": ent.text, "label": ent.label_, "probe_sentence": i}
        for i, sent in enumerate(doc.sents)
        for ent in sent.ents
    ]
    rows += [
        {"start": tok.idx, "end": tok.idx + len(tok), "text": tok.text, "label": "PROBE_NOUN", "probe_sentence": None}
        for tok in doc
        if tok.pos_ == "PROPN"
    ][:20]
    return {"mentions": rows, "probe_stats": [{"n_tokens": len(doc), "n_sents": len(list(doc.sents))}]}


def install_probe() -> None:
    """Register the ``probe`` plugin (also used in-process by the tests)."""
    _install_probe()


def _install_probe() -> None:
    from toolkit.registry import Plugin, registry

    registry.register(
        Plugin(name="probe", version="1", provides=("mentions", "probe_stats"), extract=_probe_extract), replace=True
    )


def _install_die_after_tables(n: int) -> None:
    import toolkit.pipeline

    written = []
    # the pipeline's own table writer (a chunked _write_table, or write_parquet)
    name = next((name for name in ("_write_table", "write_parquet") if hasattr(toolkit.pipeline, name)), None)
    if name is None:
        sys.exit("presslens_driver: found no table writer in toolkit.pipeline to interrupt; update the driver")
    real = getattr(toolkit.pipeline, name)

    def write_then_maybe_die(path, frame, *args, **kwargs):
        real(path, frame, *args, **kwargs)
        written.append(path)
        if len(written) >= n:
            os._exit(9)

    setattr(toolkit.pipeline, name, write_then_maybe_die)


def main() -> int:
    _install_probe()
    if os.environ.get("PRESSLENS_DIE_AFTER_TABLES"):
        _install_die_after_tables(int(os.environ["PRESSLENS_DIE_AFTER_TABLES"]))
    from toolkit.cli import main as cli

    return cli(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
