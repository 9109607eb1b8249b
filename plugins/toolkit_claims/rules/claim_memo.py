"""Each article's quotes read as claims, kept in the step's memo for the next run.

Reading a quote against its article (:func:`.claimants.read_claim`) was a third of the
claims step, and a run that adds a few articles read every quote of the corpus again.
An article's claims depend only on what :func:`read_claim` is given: the article's text,
publication date, mentions, events and timexes, its quotes with their offsets and
readings, and the names of the entities those mention. The memo keeps the claims under
a key made of all of that (:func:`claims_key`), so a changed quote, a new mention or an
entity renamed by the entities step reads the article again; a changed rule starts an
empty memo (the memo lives under the run's cache key, which digests the code).

Claims are stored as JSON (never pickle: the memo is a folder anyone may hand over).
A claim holding a value JSON cannot give back as it was is not stored, only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from typing import Any

import orjson

from toolkit.sdk import StepMemo

from .claimants import ArticleContext, QuoteClaim, _listed, read_claim
from .grouping import Frame

__all__ = ["read_claims", "claims_key", "encode_claims", "decode_claims"]

# the fields of QuoteClaim kept as sets (sorted in the memo) and as tuples
_SETS = ("terms", "entities")
_FRAME = "frame"


def read_claims(
    chunk: Sequence[tuple[Any, Any, Any]],
    context_of: Callable[[str], ArticleContext],
    *,
    with_text: bool,
    memo: StepMemo | None,
) -> Iterator[QuoteClaim | None]:
    """The claim of each ``(quote, offsets, reading)`` of ``chunk`` (in order; ``None`` for a quote without
    a reading), an article's quotes at a time; ``context_of(article_id)`` gives the article's context.

    With ``memo``, an article whose inputs are all unchanged is read back rather than read again.
    """
    for article_id, items in groupby(chunk, key=lambda item: str(item[0].article_id)):
        quotes = list(items)
        if all(reading is None for _, _, reading in quotes):
            yield from (None for _ in quotes)
            continue
        article = context_of(article_id)
        key = claims_key(quotes, article, with_text=with_text) if memo is not None else None
        stored = memo.get(key) if memo is not None and key is not None else None
        if stored is not None:
            yield from decode_claims(stored)
            continue
        claims = [
            read_claim(quote, offsets, reading, article, with_text=with_text) if reading is not None else None
            for quote, offsets, reading in quotes
        ]
        encoded = encode_claims(claims) if memo is not None and key is not None else None
        if encoded is not None and memo is not None and key is not None:
            memo.put(key, encoded)
        yield from claims


def claims_key(quotes: Sequence[tuple[Any, Any, Any]], article: ArticleContext, *, with_text: bool) -> str | None:
    """The memo key of an article's claims: everything :func:`read_claim` reads for them.

    Names are those of every entity the article's mentions and quotes refer to (``read_claim``
    looks up no other). ``None`` when some input has no faithful JSON form (never stored then).
    """
    wanted = {str(entity_id) for _, _, entity_id in article.mentions}
    rows = []
    for quote, offsets, reading in quotes:
        wanted.add(str(getattr(quote, "speaker_entity_id", None)))
        wanted.update(str(e) for e in _listed(getattr(quote, "speaker_entity_ids", None)) or ())
        rows.append([list(quote), list(offsets), reading])
    names = sorted((e, article.names[e]) for e in wanted if e in article.names)
    try:
        described = orjson.dumps(
            [with_text, article.published, article.mentions, article.events, article.timexes, names, rows],
            default=_key_value,
            option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS,
        )
    except TypeError:
        return None
    return StepMemo.key(article.text, described)


def _key_value(value: Any) -> Any:
    """A key's form of a value JSON has none for: a NumPy array's items; else the type and ``repr``
    (``pd.NA`` and the string "<NA>" must not give one key)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return f"{type(value).__module__}.{type(value).__qualname__}:{value!r}"


def encode_claims(claims: Sequence[QuoteClaim | None]) -> bytes | None:
    """``claims`` as JSON for the memo, or ``None`` when some value would not come back as it was.

    >>> claim = QuoteClaim(quote_id="q", claimants=[("E1", "Ana Berg")], stance="deny", proposition="it sold arms",
    ...     proposition_start=3, proposition_end=15, proposition_key="sell arm", about=["E2"], date_start=None,
    ...     date_end=None, date_source="none", cue_lemma="deny", negated=False, basis="cue", confidence=0.8,
    ...     evidence="it sold arms", sentence=(0, 20), terms=frozenset({"arm", "sell"}), entities=frozenset(),
    ...     frame=Frame(predicates=frozenset({"sell"})), text="", order=3, anaphoric=False)
    >>> decode_claims(encode_claims([claim, None])) == [claim, None]
    True
    """
    rows: list[Any] = []
    for claim in claims:
        if claim is None:
            rows.append(None)
            continue
        fields = claim._asdict()
        for name in _SETS:
            fields[name] = sorted(fields[name])
        frame = fields[_FRAME]
        fields[_FRAME] = [sorted(frame.predicates), sorted(frame.themes), sorted(frame.participants)]
        rows.append(list(fields.values()))
    try:
        encoded = orjson.dumps(rows)  # no default: a value of another type fails here
    except TypeError:
        return None
    # a float subclass, an int subclass or a tuple in a field would come back as another type
    return encoded if decode_claims(encoded) == list(claims) else None


def decode_claims(data: bytes) -> list[QuoteClaim | None]:
    """The claims :func:`encode_claims` stored."""
    out: list[QuoteClaim | None] = []
    for row in orjson.loads(data):
        if row is None:
            out.append(None)
            continue
        fields = dict(zip(QuoteClaim._fields, row))
        fields["claimants"] = [tuple(pair) for pair in fields["claimants"]]
        fields["sentence"] = tuple(fields["sentence"])
        for name in _SETS:
            fields[name] = frozenset(fields[name])
        predicates, themes, participants = fields[_FRAME]
        fields[_FRAME] = Frame(
            predicates=frozenset(predicates), themes=frozenset(themes), participants=frozenset(participants)
        )
        out.append(QuoteClaim(**fields))
    return out
