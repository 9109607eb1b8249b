"""Every installed view and renderer works on the bundled sample corpus.

Regression: the sample has an undated, untitled article, and views that did
``value or default`` on a ``pd.NA`` cell crashed the whole dashboard.
"""

import pandas as pd
import pytest

import toolkit
from toolkit import views as V


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    sample = toolkit.sample_corpus()
    return toolkit.analyze(sample.folder, metadata=sample.metadata, out=tmp_path_factory.mktemp("out"), quiet=True)


def test_the_sample_has_an_undated_article(corpus):
    assert corpus.articles["published"].isna().sum() == 1


@pytest.mark.parametrize("name", V.views())
def test_view_builds_and_reports_its_rows(corpus, name):
    widget = V.view(corpus, name)
    assert isinstance(widget.rows(), pd.DataFrame)


@pytest.mark.parametrize("name", V.renderers())
def test_renderer_gives_html(corpus, name):
    html = V.render(corpus, name)
    assert html.strip().startswith("<") and "Traceback" not in html


def test_dashboard_live_and_static(corpus):
    board = toolkit.dashboard(corpus)
    assert set(board.panels) >= {"entity_table", "quote_explorer", "timeline"}
    static = toolkit.dashboard(corpus, static=True)
    assert "<script" not in static.lower()
