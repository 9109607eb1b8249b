"""The stories step on invented articles: stories separate, copies are found, edge cases hold."""

from __future__ import annotations

import pandas as pd
import pytest
from toolkit_stories.step import stories_step

from toolkit.sdk import SCHEMAS, StepContext, conform

DAM = [
    "The Velmora dam burst on Tuesday after heavy rain, flooding the valley below Kessock. Rescue crews "
    "from Kessock pulled villagers from flooded homes as the reservoir emptied into the river.",
    "Engineers had warned for years that the Velmora dam was weak. After the burst, the valley below "
    "Kessock is under water and rescue crews are searching flooded villages along the river.",
    "Villagers in the flooded valley blamed the dam operator. The reservoir at Velmora had been full for "
    "weeks of rain before the burst, and the river rose through Kessock overnight.",
]
VOTE = [
    "Voters in Tarsk elected Imre Salvik mayor on Sunday. Salvik won the runoff ballot against the "
    "incumbent after a campaign about bus fares and the harbour market.",
    "Imre Salvik, the new mayor of Tarsk, promised cheaper bus fares after the runoff ballot. Turnout in "
    "the mayoral election was the highest Tarsk has seen.",
    "The incumbent conceded the Tarsk runoff to Imre Salvik. The mayoral campaign turned on bus fares, "
    "the harbour market and the ballot count in the old town.",
]
COPY_HEADER = "Distributed by the Orin Valley Wire.\n\n"


def _articles(texts: list[str], *, published: list[str | None] | None = None) -> pd.DataFrame:
    rows = [
        {
            "article_id": f"a{i:02d}",
            "path": None,
            "title": None,
            "outlet": None,
            "published": (published[i] if published else None),
            "published_source": "unknown",
            "text": text,
        }
        for i, text in enumerate(texts)
    ]
    return conform("articles", rows)


def _run(articles: pd.DataFrame, **tables: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return stories_step({"articles": articles, **tables}, StepContext(options={}))


def _story_of(changed: dict[str, pd.DataFrame]) -> dict[str, str]:
    return dict(zip(changed["articles"]["article_id"], changed["articles"]["story_id"]))


def test_two_stories_separate():
    story = _story_of(_run(_articles(DAM + VOTE)))
    assert len({story[f"a{i:02d}"] for i in range(3)}) == 1
    assert len({story[f"a{i:02d}"] for i in range(3, 6)}) == 1
    assert story["a00"] != story["a03"]


def test_a_syndicated_copy_is_marked_and_kept_in_its_story():
    # the copy is published a day later with an agency line on top: the original is the earlier one
    texts = DAM + VOTE + [COPY_HEADER + DAM[0]]
    published = ["2031-04-02", "2031-04-02", "2031-04-03", "2031-05-01", "2031-05-01", "2031-05-02", "2031-04-03"]
    changed = _run(_articles(texts, published=published))
    articles = changed["articles"].set_index("article_id")
    assert articles.at["a06", "duplicate_of"] == "a00"
    assert articles["duplicate_of"].notna().sum() == 1
    assert articles.at["a06", "story_id"] == articles.at["a00", "story_id"]
    story = changed["stories"].set_index("story_id").loc[articles.at["a00", "story_id"]]
    assert list(story["duplicates"]) == ["a06"]


def test_the_earliest_copy_is_the_original_whatever_the_order():
    texts = [COPY_HEADER + VOTE[1], VOTE[1]] + DAM
    published = ["2031-05-03", "2031-05-01", None, None, None]
    articles = _run(_articles(texts, published=published))["articles"].set_index("article_id")
    assert articles.at["a00", "duplicate_of"] == "a01"
    assert pd.isna(articles.at["a01", "duplicate_of"])


def test_stories_table_follows_the_schema_and_covers_every_article_once():
    published = ["2031-04-02", "2031-04-03", "2031-04-05", None, "2031-05-01", "2031-05-02"]
    changed = _run(_articles(DAM + VOTE, published=published))
    stories = changed["stories"]
    assert list(stories.columns[: len(SCHEMAS["stories"])]) == list(SCHEMAS["stories"])
    assert dict(stories.dtypes.astype(str).head(len(SCHEMAS["stories"]))) == {
        c: ("object" if t == "object" else t.lower() if t == "string" else t) for c, t in SCHEMAS["stories"].items()
    }
    members = [a for ids in stories["article_ids"] for a in ids]
    assert sorted(members) == sorted(changed["articles"]["article_id"])
    assert stories["story_id"].is_unique
    dam = stories[["a00" in ids for ids in stories["article_ids"]]].iloc[0]
    assert (dam["date_start"], dam["date_end"]) == ("2031-04-02", "2031-04-05")
    vote = stories[["a03" in ids for ids in stories["article_ids"]]].iloc[0]
    assert (vote["date_start"], vote["date_end"]) == ("2031-05-01", "2031-05-02")  # the undated article adds no date
    assert all(isinstance(label, str) and label for label in stories["label"])
    assert list(conform("stories", stories).columns) == list(stories.columns)


def test_labels_use_titles_when_there_are_some_and_shared_words_otherwise():
    untitled = _run(_articles(DAM + VOTE))["stories"]
    dam_label = untitled[["a00" in ids for ids in untitled["article_ids"]]].iloc[0]["label"]
    assert any(word in dam_label for word in ("velmora", "dam", "kessock", "flood", "valley", "reservoir"))
    titled = _articles(DAM + VOTE, published=["2031-04-03", "2031-04-02", None, None, None, None])
    titled["title"] = pd.Series([f"Headline {i}" for i in range(6)], dtype="string")
    stories = _run(titled)["stories"]
    assert stories[["a00" in ids for ids in stories["article_ids"]]].iloc[0]["label"] == "Headline 1"  # the earliest


def test_shared_named_entities_count_and_are_listed():
    mentions = conform(
        "mentions",
        [
            {"article_id": f"a{i:02d}", "start": 0, "end": 4, "text": "x", "label": label, "entity_id": entity}
            for i, (label, entity) in enumerate(
                [
                    ("GPE", "E-velmora"),
                    ("GPE", "E-velmora"),
                    ("GPE", "E-velmora"),
                    ("PERSON", "E-salvik"),
                    ("PERSON", "E-salvik"),
                    ("DATE", "E-sunday"),
                ]
            )
        ],
    )
    entities = conform(
        "entities",
        [
            {"entity_id": "E-velmora", "name": "Velmora", "label": "GPE"},
            {"entity_id": "E-salvik", "name": "Imre Salvik", "label": "PERSON"},
        ],
    )
    changed = _run(_articles(DAM + VOTE), mentions=mentions, entities=entities)
    stories = changed["stories"].set_index("story_id")
    story = _story_of(changed)
    assert list(stories.at[story["a00"], "entity_ids"]) == ["E-velmora"]
    assert list(stories.at[story["a03"], "entity_ids"]) == ["E-salvik"]  # a date is not a story's entity


def test_an_empty_corpus_gives_empty_tables():
    changed = _run(conform("articles", None))
    assert changed["stories"].empty and list(changed["stories"].columns[:6]) == list(SCHEMAS["stories"])
    assert changed["articles"].empty and "story_id" in changed["articles"].columns


def test_one_article_is_one_story():
    changed = _run(_articles([DAM[0]], published=["2031-04-02"]))
    stories = changed["stories"]
    assert len(stories) == 1 and list(stories.iloc[0]["article_ids"]) == ["a00"]
    assert changed["articles"].iloc[0]["story_id"] == stories.iloc[0]["story_id"]
    assert stories.iloc[0]["date_start"] == "2031-04-02"


@pytest.mark.parametrize("text", ["", "   ", "42 17 9"], ids=["empty", "blank", "numbers-only"])
def test_articles_without_words_are_stories_of_their_own(text):
    changed = _run(_articles([text, text, DAM[0]]))
    assert changed["stories"]["story_id"].nunique() == 3
    assert changed["articles"]["duplicate_of"].isna().all()


def test_story_ids_are_stable_across_runs_and_article_order():
    first = _story_of(_run(_articles(DAM + VOTE)))
    reordered = _articles(DAM + VOTE).iloc[::-1].reset_index(drop=True)
    assert _story_of(_run(reordered)) == first


def test_articles_published_far_apart_are_not_joined_by_words_alone():
    # the same kind of event in the same town, two years apart: two stories
    texts = [DAM[0], DAM[1], DAM[2].replace("Velmora", "Velmora"), *VOTE]
    published = ["2031-04-02", "2031-04-03", "2033-09-20", "2031-05-01", "2031-05-01", "2031-05-02"]
    story = _story_of(_run(_articles(texts, published=published)))
    assert story["a00"] == story["a01"]
    assert story["a02"] != story["a00"]


def test_the_per_article_terms_are_used_when_present():
    # the step reads the parsed lemmas; here they make a00 and a03 share everything despite their texts
    articles = _articles(DAM[:1] + VOTE[:1] + DAM[1:2] + VOTE[1:2])
    terms = pd.DataFrame(
        {
            "article_id": ["a00", "a01", "a02", "a03"],
            "terms": [["quarry", "collapse"], ["ferry", "strike"], ["ferry", "strike"], ["quarry", "collapse"]],
            "counts": [[3, 2], [2, 2], [1, 1], [2, 1]],
        }
    )
    story = _story_of(_run(articles, story_terms=terms))
    assert story["a00"] == story["a03"] and story["a01"] == story["a02"] and story["a00"] != story["a01"]


def test_threads_subdivide_stories():
    # threads are a tighter cut of the same clustering: never across two stories; at the story threshold
    # they are the stories, and at a threshold nothing reaches only copies share a thread
    texts = DAM + VOTE + [COPY_HEADER + DAM[0]]
    articles = _articles(texts)
    default = _run(articles)["articles"]
    assert default["thread_id"].notna().all()
    assert (default.groupby("thread_id")["story_id"].nunique() == 1).all()
    loose = stories_step({"articles": articles}, StepContext(options={"thread_threshold": 0.0}))["articles"]
    assert loose["thread_id"].nunique() == loose["story_id"].nunique() == 2
    tight = stories_step({"articles": articles}, StepContext(options={"thread_threshold": 1.01}))["articles"]
    thread = dict(zip(tight["article_id"], tight["thread_id"]))
    assert thread["a06"] == thread["a00"]
    assert tight["thread_id"].nunique() == len(texts) - 1
