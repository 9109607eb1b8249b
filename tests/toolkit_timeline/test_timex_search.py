"""The fast rule search in ``find_timexes`` finds exactly what scanning every rule over the whole text finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from toolkit_timeline.rules import find_timexes, search
from toolkit_timeline.rules.driver import find_timexes_reference
from toolkit_timeline.rules.registry import RULES
from toolkit_timeline.rules.search import scan, scan_reference

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "data"


def _spans(found: list) -> list[tuple[str, int, int, dict]]:
    return [(RULES[index].name, m.start(), m.end(), m.groupdict()) for index, m in found]


def _outcome(find, text: str, dct: str | None) -> object:
    try:
        return find(text, dct=dct)
    except KeyError as error:  # a known crash on "ſecond" (long s): the rules' lookups expect ASCII; same in both
        return ("KeyError", str(error))


def _assert_same(text: str, dct: str | None = "2023-05-01") -> None:
    assert _spans(scan(text)) == _spans(scan_reference(text))
    assert _outcome(find_timexes, text, dct) == _outcome(find_timexes_reference, text, dct)


# ---------------------------------------------------------------------------
# generated texts: the rules' own vocabulary, glued or spaced, in any case, with numbers and punctuation


def _vocabulary_words() -> list[str]:
    gates = search._gates()
    return sorted(
        set(gates.piece_masks) | set(gates.trigger_masks) | set(gates.word_lead_masks) | set(gates.lead_masks)
    )


GENERIC = [
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "said",
    "was",
    "will",
    "meet",
    "talks",
    "Chicago",
    "afternoon",
    "paper",
    "per",
    "cent",
    "percent",
    "%",
    "$",
    "#",
    "old",
    "long",
    "ago",
    "1990",
    "2023",
    "1988",
    "05",
    "12",
    "3.5",
    "1/2",
    "½",
    "11:30",
    "7",
    "30th",
    "1980s",
    "'80s",
    "a.m.",
    "p.m.",
    "GMT",
    "May",
    "March",
    "Sept.",
    "Jan",
    "Mon.",
    "Thurs.",
    "Today",
    "USA",
    "Russia",
    "FY",
    "Q3",
    "٣",
    "２",
    "ſecond",
    "\u212aST",
    "İn",
    "_",
    "day_one",
    "twenty-one",
    "year-ago",
    "mid-1980s",
    "year’s",
    "New Year's",
    "Election Day",
]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "-", "–", ", ", ". ", "/", ":", "'", "’", "(", ")", '"', "", "\t"]


def _case(word: str, style: int) -> str:
    return (word, word.lower(), word.upper(), word.capitalize())[style]


@st.composite
def soups(draw: st.DrawFn) -> str:
    words = _vocabulary_words() + GENERIC
    parts = []
    for _ in range(draw(st.integers(1, 40))):
        parts.append(_case(draw(st.sampled_from(words)), draw(st.integers(0, 3))))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(soups())
@example("Monday afternoon, hours before noon")  # "noon" inside "afternoon": an unbounded alternative
@example("the paper month")  # "per month" inside a word, found by the full scan too
@example("about\u00a0three\u2003days ago")  # Unicode spaces
@example("ſeven days ago and \u212aST")  # characters case-insensitive matching folds to ASCII
def test_fast_search_equals_full_scan_on_generated_text(text: str) -> None:
    _assert_same(text, dct="2023-05-01" if len(text) % 2 else None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-",
        "ago",
        "Three days ago",
        "three-days ago",
        "x-three days ago",
        "a year and a half ago",
        "December 30 and January 2",
        "from Aug. 26 to Oct. 20, 2023",
        "at 5 p.m. Monday",
        "5 pmX",
        "noonday",
        "the nineties",
        "bathe nineties",
        "mid-afternoon yesterday",
        "decades-long",
        "for a while",
        "every other week",
        "semi-annually",
        "the fourth quarter of 1989",
    ],
    ids=repr,
)
def test_fast_search_equals_full_scan_on_edge_cases(text: str) -> None:
    _assert_same(text)


def test_every_rule_has_a_gate() -> None:
    # a rule the parse-tree analysis cannot read is still correct (scanned in full), but slow: say which
    slow = [rule.name for rule, full in zip(RULES, search._gates().full_scan) if full]
    assert slow == [], f"rules scanned at every character: {slow}; see _vocabulary for what it understands"


# ---------------------------------------------------------------------------
# real texts


def _texts(folder: Path, pattern: str) -> list[str]:
    texts = [path.read_text("utf-8") for path in sorted(folder.glob(pattern))]
    # TimeML: the article inside <TEXT>, tags dropped (entities left escaped: any string will do)
    return [
        re.sub(r"<[^>]+>", "", re.search(r"<TEXT>(.*)</TEXT>", t, re.S).group(1)) if "<TEXT>" in t else t for t in texts
    ]


def test_fast_search_equals_full_scan_on_bundled_sample() -> None:
    texts = _texts(REPO / "toolkit" / "data" / "sample", "*.txt")
    assert texts, "the bundled sample (toolkit/data/sample/*.txt) is missing"
    for text in texts:
        _assert_same(text)


@pytest.mark.parametrize(
    "name,pattern", [("eval/tbaq-dev", "**/*.tml"), ("sample-news", "*.txt"), ("eval/polnear-dev/text", "*.txt")]
)
def test_fast_search_equals_full_scan_on_shared_texts(name: str, pattern: str) -> None:
    folder = SHARED / name
    if not folder.is_dir():
        pytest.skip(f"{folder} not present (the shared evaluation data sits beside the repository)")
    texts = _texts(folder, pattern)
    assert texts, f"no {pattern} files in {folder}"
    for text in texts:
        _assert_same(text)
