"""The quote mark scanner never raises and keeps its offsets inside the text, for any Unicode (issue #20)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit_quotes.rules.marks import scan_quotes
from toolkit_quotes.rules.speakers import EarlierSpeaker, EarlierSpeakers, RangeIndex

marks = st.sampled_from(list("\"“”„«»'‘’‚") + ["''", "``", "\n", "\n\n", " "])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(st.one_of(marks, st.text(max_size=4)), max_size=30).map("".join)))
def test_scan_quotes_stays_inside_any_text(text: str) -> None:
    stretches, problems = scan_quotes(text)
    for s in stretches:
        assert 0 <= s.start <= s.inner_start <= s.inner_end <= s.end <= len(text)
    for p in problems:
        assert 0 <= p.offset < len(text)
        assert text.startswith(p.mark, p.offset)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)).map(lambda t: (t[0], t[0] + t[1])), max_size=12),
    st.integers(0, 80),
    st.integers(0, 10),
    st.one_of(st.none(), st.integers(0, 90)),
)
def test_range_index_answers_as_a_scan_does(ranges, start, length, around) -> None:
    # the index replaced a scan of every quoted range per speaker (quadratic in one-word quotes)
    end = start + length
    scanned = any(s <= start and end <= e and not (around is not None and s <= around < e) for s, e in ranges)
    assert RangeIndex(ranges).holds(start, end, unless_around=around) == scanned


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 60)), max_size=12), st.integers(0, 60), st.integers(0, 60))
def test_earlier_speakers_pick_as_max_did(pairs, before, since) -> None:
    speakers = [
        EarlierSpeaker(at=at, ref_start=0, ref_end=ref_end, label=str(i)) for i, (at, ref_end) in enumerate(pairs)
    ]
    recent = [s for s in speakers if s.at < before and s.ref_end <= before]
    expected = max(recent, key=lambda s: s.at) if recent else None
    if expected is not None and expected.at < since:
        expected = None
    assert EarlierSpeakers(speakers).latest(before=before, since=since) == expected
