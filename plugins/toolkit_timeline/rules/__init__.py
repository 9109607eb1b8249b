"""Recognise temporal expressions in text and normalise them to TIMEX3.

A rule-based recogniser in the spirit of HeidelTime: each rule is a regular
expression over the text with a normalisation function. Matches are chosen
longest-first, then resolved in reading order against

- the document creation time (``dct``, the article's publication date) for
  deictic expressions ("yesterday", "last October", "on Thursday"), with the
  tense of the nearest verb deciding direction (HeidelTime's approach: a
  weekday in a past-tense sentence is the one before);
- the *narrative anchor*, the last date the text mentioned, for anaphoric
  expressions ("the day before", "two weeks later", "a year earlier", "then").

Without a publication date the known parts are kept and the rest written as X
(``XXXX-10-18``).

One concern per module: :mod:`.records` (the :class:`Timex` record and what a
rule is), :mod:`.vocabulary` (the word lists of ``lexicon/``), :mod:`.patterns`
(the regular-expression building blocks), :mod:`.normalise` (numbers, units,
values, anchoring), :mod:`.dates` (calendar arithmetic), the rules by kind
(:mod:`.absolute`, :mod:`.deictic`, :mod:`.anaphora`, :mod:`.references`,
:mod:`.durations`, :mod:`.clock`, :mod:`.named`, :mod:`.reports`),
:mod:`.registry` (their order), :mod:`.search` (the fast match search) and
:mod:`.driver` (choosing and resolving matches).

>>> [(t.text, t.value) for t in find_timexes("He arrived on October 18. The day before, they met.", dct="2023-10-19")]
[('October 18', '2023-10-18'), ('The day before', '2023-10-17')]
>>> [(t.text, t.type, t.value) for t in find_timexes("Talks lasted three days.", dct=None)]
[('three days', 'DURATION', 'P3D')]
"""

from __future__ import annotations

from .driver import find_timexes
from .records import TYPES, Timex, parse_dct

__all__ = ["Timex", "find_timexes", "TYPES", "parse_dct"]
