"""PressLens stories: articles clustered into the news stories they report.

The plugin fills the ``stories`` table and ``articles.story_id`` (DESIGN.md),
splits each story into threads of articles close to each other
(``articles.thread_id``: the claims step groups claims within a thread), and
marks near-duplicate and syndicated copies in ``articles.duplicate_of``:

- per article, :func:`toolkit_stories.component.extract` counts the content
  words (lemmas) of the parsed Doc into one compact ``story_terms`` row, cached
  with the article;
- once per corpus, :func:`toolkit_stories.step.stories_step` weighs those words
  and the article's named entities by rarity (TF-IDF), finds each article's
  nearest neighbours (sparse, top-k: never an n x n matrix), damps links between
  articles published far apart, and joins articles by average-link clustering,
  which does not chain unrelated stories through one shared word;
- the ``stories`` view and its static renderer list the stories with a chart
  of when each ran (:mod:`toolkit_stories.views`); the report's "News stories"
  section shows every story with its articles and which are copies.

Options (``toolkit.analyze(..., options={"stories": {...}})``): ``threshold``
(the average similarity two groups of articles need to be joined),
``thread_threshold`` (the same, for the threads within a story),
``duplicate_threshold`` (the similarity of words above which an article is a
copy), ``entity_weight`` (share of the similarity given to shared entities),
``neighbours`` (links kept per article), ``date_window_days`` (publication gap
that costs nothing), ``features`` (compare only each article's heaviest
features: faster on a very large corpus, less exact; 0, the default, keeps all).
The defaults were tuned on one half of fnc1-train's stories
(``benchmarks/eval_claims.py --grid``).

>>> plugin.name, plugin.provides
('stories', ('stories', 'story_terms', 'articles.story_id', 'articles.thread_id', 'articles.duplicate_of'))
"""

from toolkit.sdk import Plugin, ReportSection, lazy

__all__ = ["plugin"]
__version__ = "0.1.0"

plugin = Plugin(
    name="stories",
    version=__version__,
    description="Articles clustered into news stories (shared words, named entities and dates), "
    "with near-duplicate and syndicated copies marked.",
    requires=("articles",),
    uses=("mentions", "entities", "timexes"),
    provides=("stories", "story_terms", "articles.story_id", "articles.thread_id", "articles.duplicate_of"),
    extract=lazy("toolkit_stories.component:extract"),
    corpus_step=lazy("toolkit_stories.step:stories_step"),
    views={"stories": lazy("toolkit_stories.views:stories_view")},
    renderers={"stories": lazy("toolkit_stories.views:render_stories")},
    # full width, first of "More views" (before claims_overview, 55): the table and the chart of when
    # each story ran need the width (beside the reader, in a third of the screen, the chart was cut off)
    places={"stories": "more"},
    dashboard={"stories": 52},
    titles={"stories": "News stories"},
    report_sections=(
        ReportSection(
            key="stories",
            title="News stories",
            renderers=("stories",),
            table="stories",
            columns=("label", "date_start", "date_end", "article_ids"),
            order=5,
        ),
    ),
    options={
        "threshold": 0.225,
        "thread_threshold": 0.375,
        "duplicate_threshold": 0.9,
        "entity_weight": 0.2,
        "neighbours": 30,
        "date_window_days": 7,
        "features": 0,
    },
)
