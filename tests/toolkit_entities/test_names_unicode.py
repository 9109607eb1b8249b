"""The entities' name helpers never raise on any Unicode (issue #20: case folding is safe)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_entities.rules.names import (
    acronym_of,
    clean_surface,
    country_canonical,
    demonym_of,
    is_acronym,
    name_key,
    name_tokens,
    token_key,
)

names = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(["İstanbul", "ıvan", "Kaſper", "KELVIN", "Jong-un", "UN", "’s", "ß", "ﬁ"]), max_size=4
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(names, names)
def test_name_helpers_never_raise(a: str, b: str) -> None:
    drop_left, drop_right = clean_surface(a)  # characters to drop on each side
    assert drop_left >= 0 and drop_right >= 0 and drop_left + drop_right <= len(a)
    assert all(isinstance(w, str) for w in name_tokens(a))
    assert isinstance(name_key(a), tuple)
    token_key(a)
    demonym_of(a, b)
    is_acronym(a)
    acronym_of(a, b)
    country_canonical(a)
