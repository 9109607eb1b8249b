"""Transliteration keys: variants meet, different people stay apart."""

from __future__ import annotations

import pytest

from toolkit_entities.rules.names import acronym_of, capital_state, clean_surface, country_canonical, name_key

SAME = [
    ("Sergei Lavrov", "Sergey Lavrov"),
    ("Choe Son Hui", "Choi Song Hee"),
    ("Choe Son Hui", "Choi Son Hui"),
    ("Kim Jong Un", "Kim Jong-un"),
    ("Kim Jong Un", "Kim Jung-un"),
    ("Dmitry Peskov", "Dmitri Peskov"),
    ("Maria Zakharova", "Mariya Zakharova"),
    ("Aleksandr Ivanov", "Alexandr Ivanov"),
    ("Yevgeny Prigozhin", "Evgeny Prigozhin"),
]
DIFFERENT = [
    ("Kim Jong Un", "Kim Jong Il"),
    ("Kim Jong Un", "Kim Yo Jong"),
    ("Kim Yo Jong", "Kim Jong Il"),
    ("Tom Smith", "Don Smith"),
    ("UN", "Un"),
    ("Sergei Lavrov", "Sergei Shoigu"),
]


@pytest.mark.parametrize(("a", "b"), SAME, ids=[f"{a}={b}" for a, b in SAME])
def test_variants_share_a_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT, ids=[f"{a}!={b}" for a, b in DIFFERENT])
def test_different_names_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Russian Federation", (4, 0)),
        ("Kim Jong-un’s", (0, 2)),
        ("U.S.", (0, 0)),
        ("Lavrov,", (0, 1)),
        ("“Putin", (1, 0)),
    ],
)
def test_clean_surface(text, expected):
    assert clean_surface(text) == expected


def test_country_forms_and_capitals_are_generic():
    assert country_canonical("Democratic People's Republic of Korea") == "North Korea"
    assert country_canonical("U.S.A.") == "United States"
    assert country_canonical("Korea Times") is None
    assert capital_state("Moscow") == "Russia"
    assert capital_state("Moscow Times") is None


@pytest.mark.parametrize(
    ("long", "short", "ok"),
    [
        ("North Atlantic Treaty Organization", "NATO", True),
        ("United Nations", "UN", True),
        ("Korean Central News Agency", "KCNA", True),
        ("United Nations", "NATO", False),
    ],
)
def test_acronyms(long, short, ok):
    assert acronym_of(long, short) is ok
