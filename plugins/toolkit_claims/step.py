"""The corpus step: quotes (direct and reported speech) become claims, grouped across articles.

Each quote's reading was stored per article (``claim_readings``, see
:mod:`toolkit_claims.component`); here a quote becomes one claim per claimant
(:func:`toolkit_claims.rules.claimants.read_claim`), and claims of the same
proposition across articles share a ``group_id``
(:mod:`toolkit_claims.rules.grouping`). :func:`contested_claims` is the one
definition of a contested claim that every view and report uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from toolkit.sdk import StepContext, StepMemo, conform, empty_table, load_model, release_free_memory, stable_id, values

from .rules.anaphora import ArticleQuote, _antecedents, _Grouping
from .rules.claimants import ArticleContext, QuoteClaim, _entity_names, read_claim
from .rules.grouping import Frame, GroupingConfig, load_encoder
from .rules.passages import _paragraph_start
from .rules.slices import _ByArticle, _concat, _quotes_in_order, _Readings

__all__ = [
    "claims_step",
    "build_claims",
    "ClaimOptions",
    "contested_claims",
    "contest_score",
    "FOR",
    "AGAINST",
    "UNKNOWN_CLAIMANT",
]

READINGS = "claim_readings"  # the per-article table the component writes

# the sides a claimant takes on a proposition (see contested_claims)
FOR = ("assert", "accuse", "support", "call")
AGAINST = ("deny",)
UNKNOWN_CLAIMANT = "unknown"  # the claimant of a claim whose speaker is not named: no voice on either side


def contest_score(n_for: Any, n_against: Any, n_voices: Any) -> Any:
    """How contested a group is, by THE rule of PressLens: a group is contested when at
    least one claimant is for it and at least one *different* claimant is against it.

    ``n_for``/``n_against`` count the distinct named claimants on each side,
    ``n_voices`` the distinct named claimants on either side (so one claimant who
    says both is one voice, not a dispute). The score is the smaller side, 0 when
    the group is not contested. Works on numbers and on numpy arrays alike.

    >>> contest_score(1, 1, 2), contest_score(1, 1, 1), contest_score(1, 0, 1), contest_score(3, 2, 5)
    (1, 0, 0, 2)
    """
    import numpy as np

    score = np.where(
        (np.asarray(n_for) > 0) & (np.asarray(n_against) > 0) & (np.asarray(n_voices) >= 2),
        np.minimum(n_for, n_against),
        0,
    )
    return int(score) if score.ndim == 0 else score


@dataclass(frozen=True, kw_only=True)
class ClaimOptions:
    model: str | None = None
    batch_size: int = 32
    grouping: GroupingConfig = GroupingConfig()

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> ClaimOptions:
        grouping = {
            k: options[k]
            for k in ("threshold", "embeddings", "weight_embedding", "weight_lexical", "weight_entities")
            if k in options
        }
        return cls(
            model=options.get("model"),
            batch_size=int(options.get("batch_size", 32)),
            grouping=GroupingConfig(**grouping),
        )


def claims_step(tables: Mapping[str, pd.DataFrame], context: StepContext) -> dict[str, pd.DataFrame]:
    """The plugin's ``corpus_step``: returns the ``claims`` table.

    Quotes were read per article (``claim_readings``, see :mod:`toolkit_claims.component`);
    the model is loaded only if some quote has no reading.
    """
    options = ClaimOptions.from_mapping(context.options)
    return {"claims": build_claims(tables, nlp=lambda: _nlp(options.model), options=options, memo=context.memo)}


@lru_cache(maxsize=2)
def _nlp(model: str | None) -> Any:
    # the parser and lemmatiser are what claims need; NER comes from the entities plugin
    return load_model(model, exclude=("ner",))


def claim_id(quote_id: str, claimant: str) -> str:
    """The claim's id: its quote and its claimant (entity id, else name).

    >>> claim_id("q-1", "E1") == claim_id("q-1", "E1") != claim_id("q-1", "E2")
    True
    """
    return stable_id(quote_id, claimant, prefix="C", length=12)


def build_claims(
    tables: Mapping[str, pd.DataFrame],
    *,
    nlp: Any,
    options: ClaimOptions = ClaimOptions(),
    chunk_rows: int = 2048,
    memo: StepMemo | None = None,
) -> pd.DataFrame:
    """Claims from the ``quotes`` table, using ``mentions``, ``entities``, ``events`` and ``timexes`` when present.

    Each quote's reading comes from the ``claim_readings`` table written per
    article; quotes without one (a quotes table made by hand) are parsed here
    with ``nlp`` (a spaCy pipeline, or a callable returning one when needed).
    Each quote becomes one claim per claimant (:func:`read_claim`); claims are
    then grouped.

    Quotes are taken ``chunk_rows`` at a time, in article order: their readings,
    their articles' mentions, events and timexes become Python values for that
    slice only, and the slice's claims become a table at once. What outlives a
    slice is what grouping needs, one small int per claim (which distinct
    features it has) and its stance: at 10 000 articles, per-claim Python rows
    and whole-corpus per-article tuples had taken this step to +248 MB.

    ``memo`` (the step's, when the run has a cache) keeps each story thread's clustering of
    claims, so a run that adds articles clusters only the threads they changed.
    """
    quotes = tables.get("quotes")
    if quotes is None or quotes.empty:
        return empty_table("claims")
    articles = tables["articles"].set_index("article_id")
    names = _entity_names(_table(tables, "entities"))
    quotes = _quotes_in_order(quotes, articles)
    readings = _Readings(tables.get(READINGS), quotes, articles, nlp=nlp, batch_size=options.batch_size)
    mentions = _ByArticle(
        _table(tables, "mentions"), ("start", "end", "entity_id"), text=("entity_id",), required=("entity_id",)
    )
    events = _ByArticle(_table(tables, "events"), ("start", "end", "date_start", "date_end"))
    timexes = _ByArticle(_table(tables, "timexes"), ("start", "end", "value"))
    # the article texts stay in their table, made strings a slice at a time: as Python strings
    # they were 20 MB at 10 000 articles (a duplicated id gives its last row, as a dict would)
    article_rows = {str(a): i for i, a in enumerate(values(pd.Series(articles.index)))}
    published: dict[str, Any] = (
        dict(zip(articles.index.astype(str), articles["published"].astype(object))) if "published" in articles else {}
    )
    block_of = _story_blocks(articles)
    release_free_memory()  # sorting the quotes' keys left ~25 MB of freed Python strings resident
    # texts are only compared when sentence embeddings are (see group_claims)
    embedded = options.grouping.embeddings != "off" and load_encoder() is not None
    state = _Grouping(texts=[] if embedded else None)
    frames: list[pd.DataFrame] = []
    article_quotes: list[ArticleQuote] = []  # the current article's quotes, see _antecedents
    current: str | None = None
    current_text = ""
    last_quote_id: str | None = None
    # one object per distinct value: claims repeat their article, stance, dates and (in syndicated
    # copies) their whole features, which for a big corpus would otherwise be held once per claim
    same: dict[Any, Any] = {}
    one = same.setdefault
    for chunk in readings.chunks(quotes, chunk_rows=chunk_rows):
        chunk_articles = {str(quote.article_id) for quote, _, _ in chunk}
        known = [a for a in chunk_articles if a in article_rows]
        texts = dict(zip(known, values(articles["text"].iloc[[article_rows[a] for a in known]])))
        mentions_by_article, events_by_article, timexes_by_article = (
            table.rows(chunk_articles) for table in (mentions, events, timexes)
        )
        contexts: dict[str, ArticleContext] = {}  # this slice's articles
        # one tuple per claim, made columns once per slice (19 appends a claim were a tenth of the time)
        rows: list[tuple[Any, ...]] = []
        for quote, offsets, reading in chunk:
            if reading is None:
                continue
            article_id = str(quote.article_id)
            article_id = one(article_id, article_id)
            if article_id != current:
                if current is not None:
                    _antecedents(article_quotes, current_text, state.antecedents)
                article_quotes, current, current_text = [], article_id, texts[article_id]
            article = contexts.get(article_id)
            if article is None:
                article = contexts[article_id] = ArticleContext(
                    text=current_text,
                    mentions=mentions_by_article.get(article_id, ()),
                    events=events_by_article.get(article_id, ()),
                    timexes=timexes_by_article.get(article_id, ()),
                    published=published.get(article_id),
                    names=names,
                )
            claim = _shared(read_claim(quote, offsets, reading, article, with_text=state.texts is not None), one)
            first = state.n_rows
            article_quotes.append(
                ArticleQuote(
                    start=claim.order,
                    paragraph=_paragraph_start(current_text, claim.sentence[0]),
                    first=first,
                    anaphoric=claim.anaphoric,
                    stance=claim.stance,
                    named=any(claimant_id or name for claimant_id, name in claim.claimants),
                )
            )
            if claim.quote_id != last_quote_id:
                state.quote_runs += 1
                last_quote_id = claim.quote_id
            block = block_of(article_id)
            quote_anchor = _quote_anchor(claim.evidence)
            for claimant_id, claimant_name in claim.claimants:
                rows.append(
                    (
                        claim_id(claim.quote_id, claimant_id or claimant_name or ""),
                        article_id,
                        claim.quote_id,
                        claimant_id,
                        claim.stance,
                        claim.proposition,
                        claim.about,
                        claim.date_start,
                        claim.date_end,
                        None,
                        claimant_name,
                        claim.cue_lemma,
                        claim.negated,
                        claim.basis,
                        claim.date_source,
                        claim.confidence,
                        claim.evidence,
                        *claim.sentence,
                        claim.proposition_start,
                        claim.proposition_end,
                        claim.proposition_key,
                    )
                )
                state.add(
                    claim.terms,
                    claim.entities,
                    claim.frame,
                    claim.stance,
                    claim.text,
                    block=block,
                    anchors=_anchors(quote_anchor, claimant_id or claimant_name, claim),
                )
            # the claimants of one quote ("X and Y deny ...") state one proposition
            state.links += [(first, other) for other in range(first + 1, state.n_rows)]
        if rows:
            frames.append(conform("claims", pd.DataFrame(dict(zip(_CLAIM_COLUMNS, map(list, zip(*rows)))))))
        del rows, chunk, texts, contexts, mentions_by_article, events_by_article, timexes_by_article
        release_free_memory()
    if current is not None:
        _antecedents(article_quotes, current_text, state.antecedents)
    del readings, mentions, events, timexes, same
    if not state.n_rows:
        return empty_table("claims")
    claims = _concat(frames)
    del frames
    group_ids, method = state.group(values(claims["claim_id"]), config=options.grouping, memo=memo)
    claims["group_id"] = pd.array(group_ids, dtype=claims["group_id"].dtype)
    claims["grouping_method"] = [method] * len(claims)
    duplicated = claims["claim_id"].duplicated().to_numpy()
    # a quote id seen twice gives its claims twice: the first is kept
    return claims[~duplicated].reset_index(drop=True) if duplicated.any() else claims


def _shared(claim: QuoteClaim, one: Callable[[Any, Any], Any]) -> QuoteClaim:
    """``claim`` with its repeated values replaced by one shared object per distinct value (see build_claims)."""

    def same(value: Any) -> Any:
        return one(value, value)

    frame = claim.frame
    frame = same(
        Frame(predicates=same(frame.predicates), themes=same(frame.themes), participants=same(frame.participants))
    )
    return claim._replace(
        stance=same(claim.stance),
        basis=same(claim.basis),
        cue_lemma=same(claim.cue_lemma),
        date_start=same(claim.date_start),
        date_end=same(claim.date_end),
        frame=frame,
        entities=same(claim.entities),
        terms=same(claim.terms),
        text=same(claim.text),
    )


# the claims table's columns as the loop fills them (contract columns first)
_CLAIM_COLUMNS = (
    "claim_id",
    "article_id",
    "quote_id",
    "claimant_entity_id",
    "stance",
    "proposition",
    "about_entity_ids",
    "date_start",
    "date_end",
    "group_id",
    "claimant_name",
    "cue_lemma",
    "negated",
    "stance_basis",
    "date_source",
    "confidence",
    "evidence",
    "sentence_start",
    "sentence_end",
    "proposition_start",
    "proposition_end",
    "proposition_key",
)


def _story_blocks(articles: pd.DataFrame) -> Callable[[str], int]:
    """Each article's story thread as a small int (see :func:`toolkit_claims.rules.grouping.group_claims`).

    Claims are compared within a thread (``articles.thread_id``: the articles of
    a story close to each other), else within a story (``story_id``) when the
    stories step wrote no threads. Without a stories step (no values) the corpus
    is one story, as it was before stories existed; an article the step left
    without a story is a story of its own.
    """
    column = next((c for c in ("thread_id", "story_id") if c in articles.columns and articles[c].notna().any()), None)
    if column is None:
        return lambda article_id: 0
    numbers: dict[Any, int] = {}
    story = {str(a): s for a, s in zip(articles.index, articles[column].astype(object))}

    def block(article_id: str) -> int:
        key = story.get(article_id)
        key = key if isinstance(key, str) and key else ("article", article_id)
        return numbers.setdefault(key, len(numbers))

    return block


_WORD = re.compile(r"\w+")
_QUOTE_ANCHOR_WORDS = 8  # a shorter quotation ("it is a lie") is said in many stories


def _quote_anchor(evidence: str) -> str | None:
    """The quotation as a key two stories can share: its words, lower-cased, when it is long enough to be one remark."""
    words = _WORD.findall(evidence.lower())
    return "q:" + " ".join(words) if len(words) >= _QUOTE_ANCHOR_WORDS else None


def _anchors(quote: str | None, claimant: str | None, claim: QuoteClaim) -> tuple[str, ...]:
    """Strong evidence that two claims of different stories are one: the same quotation, or the same
    claimant stating the same proposition on the same date."""
    found = [quote] if quote else []
    if claimant and claim.proposition_key and claim.date_start:
        found.append(f"c:{claimant.lower()}|{claim.proposition_key}|{claim.date_start}")
    return tuple(found)


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    frame = tables.get(name)
    return frame if frame is not None else empty_table(name)


# --- contested claims ---------------------------------------------------------------
def contested_claims(corpus: Any) -> pd.DataFrame:
    """The claims of contested groups: THE definition of "contested" in PressLens.

    A group of claims (the same proposition across articles, ``group_id``) is
    contested when some claimant takes a position for it (stance ``assert``,
    ``accuse``, ``support`` or ``call``: :data:`FOR`) and some *other* claimant
    denies it (``deny``: :data:`AGAINST`); see :func:`contest_score`. Claims
    stated as ``other`` take no side; claims whose speaker is not named keep
    their side but do not count towards contested.

    ``corpus`` is anything with a ``claims`` table (a :class:`toolkit.Corpus`);
    its ``entities`` and ``articles`` are read when it has them. Returns every
    column of those groups' claims, plus ``claimant`` (the entity's name, else
    the name in the text, else "unknown"), ``side`` ("for", "against" or
    ``None``), ``published`` (the article's date) and, per group,
    ``n_for``/``n_against`` (distinct claimants on each side) and ``contested``
    (the smaller of the two); sorted by group, publication date and claim id.

    >>> claims = pd.DataFrame({"claim_id": ["c1", "c2", "c3", "c4"], "article_id": ["a", "b", "b", "c"],
    ...     "stance": ["support", "deny", "assert", "other"], "group_id": ["g1", "g1", "g2", "g2"],
    ...     "claimant_entity_id": [None] * 4, "claimant_name": ["A", "B", "A", "B"]})
    >>> rows = contested_claims(type("Corpus", (), {"claims": claims})())
    >>> rows[["claim_id", "side", "n_for", "n_against", "contested"]].values.tolist()
    [['c1', 'for', 1, 1, 1], ['c2', 'against', 1, 1, 1]]
    >>> claims["claimant_name"] = ["A", "A", "A", "B"]  # one claimant on both sides is no dispute
    >>> len(contested_claims(type("Corpus", (), {"claims": claims})()))
    0
    """
    claims = corpus.claims
    extra = ["claimant", "side", "published", "n_for", "n_against", "contested"]
    if claims is None or claims.empty:
        return (claims if claims is not None else empty_table("claims")).reindex(
            columns=[*(claims.columns if claims is not None else []), *extra]
        )
    rows = claims.copy()
    entities = getattr(corpus, "entities", None)
    names = (
        dict(zip(entities["entity_id"], entities["name"]))
        if entities is not None and len(entities) and "entity_id" in entities
        else {}
    )
    fallback = rows["claimant_name"] if "claimant_name" in rows else pd.Series(None, index=rows.index, dtype=object)
    # the claimant as the claims views name them: two claims by one name are one voice
    rows["claimant"] = [
        names[e] if isinstance(e, str) and e in names else (f if isinstance(f, str) else UNKNOWN_CLAIMANT)
        for e, f in zip(rows["claimant_entity_id"], fallback)
    ]
    rows["side"] = rows["stance"].map({**dict.fromkeys(FOR, "for"), **dict.fromkeys(AGAINST, "against")})
    # an unnamed source is shown on its side, but only named claimants make a group contested
    sided = rows[rows["claimant"] != UNKNOWN_CLAIMANT].dropna(subset=["group_id", "side"])
    voices = sided.groupby(["group_id", "side"])["claimant"].nunique().unstack()
    counts = voices.reindex(columns=["for", "against"]).fillna(0).astype(int)
    counts.columns = ["n_for", "n_against"]
    n_voices = sided.groupby("group_id")["claimant"].nunique().reindex(counts.index).fillna(0)
    counts["contested"] = contest_score(counts["n_for"].to_numpy(), counts["n_against"].to_numpy(), n_voices)
    counts = counts[counts["contested"] > 0]
    rows = rows[rows["group_id"].isin(counts.index)].join(counts, on="group_id")
    articles = getattr(corpus, "articles", None)
    if articles is not None and "published" in getattr(articles, "columns", ()):
        published = dict(zip(articles["article_id"], articles["published"]))
        rows["published"] = rows["article_id"].map(published)
    else:
        rows["published"] = None
    return rows.sort_values(["group_id", "published", "claim_id"], na_position="last").reset_index(drop=True)
