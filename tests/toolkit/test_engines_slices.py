"""spaCy is given a batch's articles in slices of at most ``BATCH_CHARS`` characters (issue #22: a batch of
64 long news articles took the process from 220 MB to over 1 GB while it was in the pipeline, the peak of
the whole run). The rows must not depend on the slicing. A blank English pipeline stands in for the model."""

from __future__ import annotations

import pytest

from toolkit import engines
from toolkit.engines import ArticleProcessor, RunConfig
from toolkit.records import Article
from toolkit.registry import Plugin


def first_words(doc, article, options):
    return {"mentions": [{"start": t.idx, "end": t.idx + len(t), "text": t.text, "label": "W"} for t in doc[:3]]}


@pytest.fixture
def pipe_calls(monkeypatch):
    """The texts of each ``nlp.pipe`` call, on a blank pipeline."""
    spacy = pytest.importorskip("spacy")
    from toolkit.nlp import ensure_extensions

    calls: list[list[str]] = []

    class Recording(type(spacy.blank("en"))):
        def pipe(self, docs, **kwargs):
            docs = list(docs)
            calls.append([doc.text for doc in docs])
            return super().pipe(docs, **kwargs)

    def blank(config, chosen):
        ensure_extensions()
        nlp = spacy.blank("en")
        nlp.__class__ = Recording
        return nlp

    monkeypatch.setattr(engines, "build_nlp", blank)
    return calls


WORDS = "Ferries resumed service on Tuesday after the storm passed the harbour".split()


def articles(n: int) -> list[Article]:
    return [Article(article_id=f"a{k}", text=" ".join(WORDS[: 3 + k % 8]) * (1 + k % 3)) for k in range(n)]


def test_spacy_sees_slices_of_at_most_batch_chars_and_the_rows_do_not_change(pipe_calls, monkeypatch):
    batch = articles(12)
    plugin = Plugin(name="first_words", provides=("mentions",), extract=first_words)
    whole = ArticleProcessor(RunConfig(batch_size=64), [plugin]).process(batch)
    assert len(pipe_calls) == 1  # all twelve fit the default budget

    pipe_calls.clear()
    monkeypatch.setattr(engines, "BATCH_CHARS", 150)
    sliced = ArticleProcessor(RunConfig(batch_size=64), [plugin]).process(batch)
    assert sliced == whole
    assert len(pipe_calls) > 2
    assert [text for call in pipe_calls for text in call] == [a.text for a in batch]  # in order, each once
    for call in pipe_calls:
        assert len(call) == 1 or sum(len(text) for text in call) <= 150


def test_an_article_longer_than_the_budget_goes_alone(pipe_calls, monkeypatch):
    monkeypatch.setattr(engines, "BATCH_CHARS", 40)
    long = Article(article_id="long", text=" ".join(WORDS * 2))
    short = articles(2)
    ArticleProcessor(RunConfig(), []).process([short[0], long, short[1]])
    assert [len(call) for call in pipe_calls] == [1, 1, 1]
