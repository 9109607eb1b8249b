"""The pipeline lets go of the articles once analysed; the run key it keeps instead must be
the same key as the one taken over every article's row (so earlier output folders stay valid)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit._io import sha256_text
from toolkit.engines import RunConfig
from toolkit.pipeline import _drain, _run_key, _run_key_start
from toolkit.records import Article, LoadReport
from toolkit.registry import Plugin


def _reference_key(articles, report, fingerprint, config, chosen, out: Path) -> str:
    """The run key as it was taken from the articles themselves."""
    parts = [
        fingerprint,
        json.dumps(config.options, sort_keys=True, default=str),
        ",".join(p.name for p in chosen),
        json.dumps(report.to_dict(), sort_keys=True, default=str),
    ]
    parts += [json.dumps(a.row(), sort_keys=True, default=str) for a in articles]
    files = [
        p
        for p in sorted(out.iterdir())
        if p.is_file() and not p.name.startswith(".") and p.suffix != ".parquet" and p.name != "manifest.json"
    ]
    parts += [f"{p.name}:{sha256_text(p.read_text('utf-8', errors='replace'))}" for p in files]
    return sha256_text("\x00".join(parts))


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(["“Quoted” – ünïcode", ""])


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(_TEXT, max_size=6), fingerprint=_TEXT, aliases=st.one_of(st.none(), _TEXT))
def test_run_key_equals_the_key_over_every_article(tmp_path_factory, texts, fingerprint, aliases):
    out = tmp_path_factory.mktemp("out")
    if aliases is not None:  # a decision file beside the tables
        (out / "aliases.yaml").write_text(aliases, "utf-8")
    (out / "mentions.parquet").write_bytes(b"not read")
    articles = [
        Article(article_id=f"a{i}", text=t, published="2024-01-02" if i % 2 else None) for i, t in enumerate(texts)
    ]
    config = RunConfig(options={"entities": {"metonymy": False}})
    chosen = [Plugin(name="p1", version="1"), Plugin(name="p2", version="2")]
    report = LoadReport()
    start = _run_key_start(articles, report, fingerprint, config, chosen)
    expected = _reference_key(articles, report, fingerprint, config, chosen, out)
    assert _run_key(start, config, out) == expected
    assert _run_key(start, config, out) == expected  # the start is not used up by taking the key


def test_drain_lets_go_of_each_item_as_it_is_handed_on():
    items = [object(), object()]
    seen = []
    for item in _drain(items):
        seen.append(item)
        assert items[len(seen) - 1] is None
    assert len(seen) == 2 and items == [None, None]


def test_conform_leaves_the_callers_frame_as_it_was():
    import pandas as pd

    from toolkit.schemas import conform

    frame = pd.DataFrame(
        {"entity_ids": [("E1",), None], "start": [3, 4], "article_id": ["a", "b"], "extra": [1.5, 2.5]}
    )
    before = frame.copy()
    events = conform("events", frame)
    assert events["entity_ids"].tolist() == [["E1"], []] and str(events["start"].dtype) == "Int64"
    pd.testing.assert_frame_equal(frame, before)  # same columns, dtypes and values
    events.loc[0, "extra"] = 9.0
    assert frame.loc[0, "extra"] == 1.5  # writing into the result does not reach the caller's frame
