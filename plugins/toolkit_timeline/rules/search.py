r"""Finding the rules' matches fast: a prefilter that tries each rule only near words it can match.

``pattern.finditer(text)`` tries a rule at every character, and the rules start with optional,
case-insensitive prefixes, so the regex engine cannot skip ahead: the 34 rules' full scan took
~85 % of the recogniser's time (3.6 s against 0.2 s with this search on the 84 PolNeAR dev texts).

Every rule is bounded by :func:`.records.bounded` (no word character or hyphen before, no word
character after), so each word of the text (a maximal run of word characters) lies wholly inside a
match or wholly outside it. From each rule's parse tree we derive (a) the pieces its words are made
of ("day", "s", a digit …): a word that is no concatenation of them cannot be inside a match, and
(b) pieces one of which every match must contain (its trigger: "ago", a unit name, a month name, a
digit). A match then contains a trigger word and starts at most as far back as the run of acceptable
words before it, so trying the pattern (with ``pattern.match`` on the whole text, so look-arounds
see what they always saw) at the word starts of those runs, left to right and skipping what a match
already covered, finds exactly what ``finditer`` finds.

Why the private ``re._parser``: the standard library offers no public way to read a compiled
pattern's structure, and the pieces and triggers must be derived from the patterns themselves —
written out by hand beside 34 rules they would drift from them, and a missed word would silently
lose matches. The dependency is contained here: :func:`_vocabulary` reads the parse tree inside a
``try`` and answers "scan this rule in full" to any shape it does not know (a Python release that
changes the tree costs speed, never results). :func:`scan_reference` keeps the plain full scan, and
``tests/toolkit_timeline/test_timex_search.py`` pins :func:`scan` to it on generated and real texts
(and fails when a rule falls back to the full scan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .registry import RULES
from .vocabulary import FUNCTION_WORDS

__all__ = ["scan", "scan_reference"]

_DIGIT = r"\d"  # stands for "any decimal digit" among pieces
_WORD = re.compile(r"\w+")
# characters that case-insensitive matching equates with ASCII letters ("K" Kelvin sign = k, long s = s,
# dotless/dotted i): lower() would not, so a text with one of them takes the full scan
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
_MAX_CHARS_IN_CLASS = 256


@dataclass(frozen=True)
class _Vocabulary:
    r"""How to find where a rule can match without trying it everywhere.

    A rule is a list of alternatives. Those bounded at both ends (``bounded`` around them) are found
    through words: ``pieces`` are the lowercase pieces (``_DIGIT``: any decimal digit) their words are
    made of, ``required`` pieces one of which each of their matches contains. The others (a rule written
    without ``bounded``, or bounded at one end only) are found by the strings they start with:
    ``word_leads`` at the start of a word (bounded on the left), ``leads`` anywhere.
    ``full_scan``: none of this works; try the rule everywhere.

    >>> from toolkit_timeline.rules.records import bounded
    >>> v = _vocabulary(bounded(r"(?P<n>\d+|(?i:a|two))\s+(?i:day|week)s?\s+(?i:ago)"))
    >>> sorted(v.pieces), sorted(v.required), v.full_scan
    (['\\d', 'a', 'ago', 'day', 's', 'two', 'week'], ['ago'], False)
    >>> v = _vocabulary(bounded(r"(?i:at\s+)?\d+\s*(?i:am|pm)|(?i:noon)"))  # both alternatives bounded
    >>> sorted(v.required), v.word_leads, v.leads
    (['am', 'noon', 'pm'], frozenset(), frozenset())
    """

    pieces: frozenset[str]
    required: frozenset[str] | None
    word_leads: frozenset[str]
    leads: frozenset[str]
    full_scan: bool


_FULL_SCAN = _Vocabulary(frozenset(), None, frozenset(), frozenset(), True)


def _class_chars(op: Any, av: Any, constants: Any) -> tuple[set[str], bool, bool, bool]:
    """(word characters, can be a digit, can be a non-word character, can be anything) of one character atom."""
    word_re, digit_re = re.compile(r"\w"), re.compile(r"\d")
    chars: set[str] = set()
    digit = other = False

    def add(ch: str) -> None:
        nonlocal digit, other
        if digit_re.match(ch):
            digit = True
        elif word_re.match(ch):
            chars.add(ch.lower())
        else:
            other = True

    if op is constants.LITERAL:
        add(chr(av))
        return chars, digit, other, False
    if op is not constants.IN:
        return chars, digit, other, True  # ANY, NOT_LITERAL, …
    for item_op, item_av in av:
        if item_op is constants.LITERAL:
            add(chr(item_av))
        elif item_op is constants.RANGE:
            low, high = item_av
            if high - low > _MAX_CHARS_IN_CLASS:
                return chars, digit, other, True
            for code in range(low, high + 1):
                add(chr(code))
        elif item_op is constants.CATEGORY and item_av in (constants.CATEGORY_DIGIT, constants.CATEGORY_UNI_DIGIT):
            digit = True
        elif item_op is constants.CATEGORY and item_av in (
            constants.CATEGORY_SPACE,
            constants.CATEGORY_UNI_SPACE,
            constants.CATEGORY_NOT_WORD,
            constants.CATEGORY_UNI_NOT_WORD,
        ):
            other = True
        else:  # NEGATE, \w, \S, \D …
            return chars, digit, other, True
    return chars, digit, other, False


def _trigger_cost(pieces: frozenset[str]) -> int:
    # a trigger should be rare in text: digits, one- or two-letter pieces ("a", "am") and function words
    # (lexicon/function_words.txt: they are in most sentences) are not
    return sum(
        100 if p == _DIGIT else 50 if len(p) == 1 else 30 if p in FUNCTION_WORDS else 10 if len(p) == 2 else 1
        for p in pieces
    )


def _vocabulary(pattern: str) -> _Vocabulary:
    """What a rule's matches are made of, from its parse tree (see :class:`_Vocabulary`)."""
    from re import _constants as constants  # the parse tree is private API: any surprise means "scan in full"
    from re import _parser as parser

    atoms = (constants.LITERAL, constants.IN, constants.NOT_LITERAL, constants.ANY)
    zero_width = (constants.ASSERT, constants.ASSERT_NOT, constants.AT)
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT)
    pieces: set[str] = set()
    unbounded = False

    def spellings(run: list[set[str]]) -> set[str] | None:
        words = {""}
        for chars in run:
            words = {w + c for w in words for c in chars}
            if len(words) > _MAX_CHARS_IN_CLASS:
                return None
        return words

    def sequence(items: Any) -> frozenset[str] | None:
        """Collect the pieces of a sequence of nodes; return its best required set."""
        nonlocal unbounded
        options: list[frozenset[str]] = []
        run: list[set[str]] = []  # consecutive single-word-character atoms: their spellings are pieces

        def flush() -> None:
            if not run:
                return
            words = spellings(run)
            if words is None:  # too many spellings: keep the letters as pieces
                pieces.update(c for chars in run for c in chars)
            else:
                options.append(frozenset(words))
                pieces.update(words)
            run.clear()

        for op, av in items:
            if op in atoms:
                chars, digit, other, anything = _class_chars(op, av, constants)
                if anything:
                    unbounded = True
                    flush()
                elif chars and not digit and not other:
                    run.append(chars)
                else:
                    flush()
                    pieces.update(chars)
                    if digit:
                        pieces.add(_DIGIT)
                        if not chars and not other:
                            options.append(frozenset({_DIGIT}))
                continue
            flush()
            found = node(op, av)
            if found is not None:
                options.append(found)
        flush()
        return min(options, key=_trigger_cost) if options else None

    def node(op: Any, av: Any) -> frozenset[str] | None:
        nonlocal unbounded
        if op in zero_width:
            return None
        if op is constants.SUBPATTERN:
            return sequence(av[-1])
        if op is constants.ATOMIC_GROUP:
            return sequence(av)
        if op is constants.BRANCH:
            alternatives = [sequence(alternative) for alternative in av[1]]
            if any(a is None for a in alternatives):
                return None
            return frozenset().union(*alternatives)
        if op in repeats:
            low, _, inner = av
            found = sequence(inner)
            return found if low >= 1 else None
        unbounded = True  # group references, conditionals …: not worth modelling
        return None

    def first(items: Any) -> tuple[set[str] | None, bool]:
        """(strings a match of ``items`` starts with, whether it can consume nothing); None: unknown."""
        out: set[str] = set()
        index = 0
        while index < len(items):
            op, av = items[index]
            if op in zero_width:
                index += 1
                continue
            if op in atoms:
                run = []
                while index < len(items) and items[index][0] in atoms:
                    chars, digit, other, anything = _class_chars(*items[index], constants)
                    if not chars or digit or other or anything:
                        break
                    run.append(chars)
                    index += 1
                words = spellings(run) if run else None
                if words:
                    return out | words, False
                chars, digit, other, anything = _class_chars(op, av, constants)
                if anything or other:
                    return None, False
                return out | chars | ({_DIGIT} if digit else set()), False
            if op is constants.SUBPATTERN or op is constants.ATOMIC_GROUP:
                found, empty = first(av[-1] if op is constants.SUBPATTERN else av)
            elif op is constants.BRANCH:
                found, empty = set(), False
                for alternative in av[1]:
                    sub, sub_empty = first(alternative)
                    if sub is None:
                        return None, False
                    found |= sub
                    empty = empty or sub_empty
            elif op in repeats:
                found, empty = first(av[2])
                empty = empty or av[0] == 0
            else:
                return None, False
            if found is None:
                return None, False
            out |= found
            if not empty:
                return out, False
            index += 1
        return out, True

    def bounded(items: Any, direction: int) -> bool:
        # bounded's look-behind (no word character or hyphen before) / look-ahead (no word character after)
        if not len(items):
            return False
        op, av = items[0] if direction < 0 else items[-1]
        if op is not constants.ASSERT_NOT or av[0] != direction or len(av[1]) != 1 or av[1][0][0] is not constants.IN:
            return False
        return any(item == (constants.CATEGORY, constants.CATEGORY_WORD) for item in av[1][0][1])

    try:
        tree = parser.parse(pattern)
        alternatives = tree[0][1][1] if len(tree) == 1 and tree[0][0] is constants.BRANCH else [tree]
        required: set[str] = set()
        word_leads: set[str] = set()
        leads: set[str] = set()
        worded = False
        for alternative in alternatives:
            left = bounded(alternative, -1)
            if left and bounded(alternative, 1):
                found = sequence(alternative)
                if found is None or unbounded:
                    return _FULL_SCAN
                required |= found
                worded = True
            else:
                starting, empty = first(alternative)
                if starting is None or empty or not starting:
                    return _FULL_SCAN
                (word_leads if left else leads).update(starting)
    except Exception:  # a parse-tree shape this code does not know
        return _FULL_SCAN
    return _Vocabulary(
        frozenset(pieces), frozenset(required) if worded else None, frozenset(word_leads), frozenset(leads), False
    )


@dataclass(frozen=True)
class _Gates:
    """The vocabularies of all rules, indexed by piece as bit masks (bit i: rule i)."""

    piece_masks: dict[str, int]
    trigger_masks: dict[str, int]
    digit_mask: int
    digit_trigger_mask: int
    word_lead_masks: dict[str, int]
    lead_masks: dict[str, int]
    digit_word_lead_mask: int
    digit_lead_mask: int
    full_scan: tuple[bool, ...]  # rules tried everywhere
    lengths: tuple[int, ...]  # the lengths pieces, triggers and leads come in
    words: dict[str, tuple[int, int, tuple[tuple[int, int], ...]]]  # memo of _word_masks


_GATES: list[_Gates] = []


def _gates() -> _Gates:
    if _GATES and len(_GATES[0].full_scan) == len(RULES):
        return _GATES[0]
    piece_masks: dict[str, int] = {}
    trigger_masks: dict[str, int] = {}
    word_lead_masks: dict[str, int] = {}
    lead_masks: dict[str, int] = {}
    digits = {"pieces": 0, "required": 0, "word_leads": 0, "leads": 0}
    full_scan = []
    for index, rule in enumerate(RULES):
        bit = 1 << index
        vocabulary = _vocabulary(rule.pattern.pattern)
        full_scan.append(vocabulary.full_scan)
        for kind, masks in (
            ("pieces", piece_masks),
            ("required", trigger_masks),
            ("word_leads", word_lead_masks),
            ("leads", lead_masks),
        ):
            for piece in getattr(vocabulary, kind) or ():
                if piece == _DIGIT:
                    digits[kind] |= bit
                else:
                    masks[piece] = masks.get(piece, 0) | bit
    lengths = tuple(
        sorted({len(p) for masks in (piece_masks, trigger_masks, word_lead_masks, lead_masks) for p in masks})
    )
    _GATES[:] = [
        _Gates(
            piece_masks,
            trigger_masks,
            digits["pieces"],
            digits["required"],
            word_lead_masks,
            lead_masks,
            digits["word_leads"],
            digits["leads"],
            tuple(full_scan),
            lengths,
            {},
        )
    ]
    return _GATES[0]


def _word_masks(word: str, gates: _Gates) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """What ``word`` means to the rules, as bit masks of rules.

    (rules it can be inside a match of, rules among those it triggers, ((offset, rules an
    unbounded alternative of which can start there), …)), found by splitting it into pieces.
    """
    low = word.lower()
    n = len(low)
    reach = [0] * (n + 1)
    reach[0] = -1  # every rule can start a word
    triggered = 0
    starts: dict[int, int] = {}
    piece_masks, trigger_masks = gates.piece_masks, gates.trigger_masks
    word_lead_masks, lead_masks = gates.word_lead_masks, gates.lead_masks
    for i in range(n):
        if low[i].isdecimal():  # == re's \d
            reach[i + 1] |= reach[i] & gates.digit_mask
            triggered |= gates.digit_trigger_mask
            starts[i] = starts.get(i, 0) | gates.digit_lead_mask | (gates.digit_word_lead_mask if i == 0 else 0)
        for length in gates.lengths:
            j = i + length
            if j > n:
                break
            part = low[i:j]
            mask = piece_masks.get(part)
            if mask is not None and reach[i]:
                reach[j] |= reach[i] & mask
            mask = trigger_masks.get(part)
            if mask is not None:
                triggered |= mask
            mask = lead_masks.get(part, 0) | (word_lead_masks.get(part, 0) if i == 0 else 0)
            if mask:
                starts[i] = starts.get(i, 0) | mask
    inside = reach[n] & ((1 << len(gates.full_scan)) - 1)
    return inside, triggered & inside, tuple(sorted((i, mask) for i, mask in starts.items() if mask))


def scan(text: str) -> list[tuple[int, re.Match[str]]]:
    """Every rule's ``finditer`` matches, as (rule index, match), rule by rule, found by trying words near triggers."""
    if _FOLDS_TO_ASCII.search(text):
        return scan_reference(text)
    gates = _gates()
    memo = gates.words
    if len(memo) > 500_000:  # a bound on the memo for very long runs
        memo.clear()
    starts: list[int] = []
    ends: list[int] = []
    inside: list[int] = []
    hits: dict[int, list[int]] = {}
    lead_hits: dict[int, list[int]] = {}
    for k, word_match in enumerate(_WORD.finditer(text)):
        word = word_match.group()
        masks = memo.get(word)
        if masks is None:
            masks = memo[word] = _word_masks(word, gates)
        start = word_match.start()
        starts.append(start)
        ends.append(word_match.end())
        inside.append(masks[0])
        triggered = masks[1]
        while triggered:
            low_bit = triggered & -triggered
            hits.setdefault(low_bit.bit_length() - 1, []).append(k)
            triggered ^= low_bit
        for offset, leading in masks[2]:
            while leading:
                low_bit = leading & -leading
                lead_hits.setdefault(low_bit.bit_length() - 1, []).append(start + offset)
                leading ^= low_bit
    found: list[tuple[int, re.Match[str]]] = []
    for index, rule in enumerate(RULES):
        if gates.full_scan[index]:
            found.extend((index, m) for m in rule.pattern.finditer(text))
            continue
        rule_hits = hits.get(index, ())
        rule_leads = lead_hits.get(index)
        if not rule_hits and not rule_leads:
            continue
        bit = 1 << index
        candidates: list[int] = []
        done = -1  # words up to this index are already among the candidates
        for k in rule_hits:
            j = k - 1
            while j > done and inside[j] & bit:
                j -= 1
            # a match containing word k starts at one of the words j+1..k, or in a gap between them
            for i in range(max(j, done) + 1, k + 1):
                gap_start = ends[i - 1] + 1 if i else 0
                for p in range(gap_start, starts[i] + 1):
                    if p == 0 or text[p - 1] != "-":
                        candidates.append(p)
            done = k
        if rule_leads:
            candidates = sorted(set(candidates).union(rule_leads))
        pos = 0
        match = rule.pattern.match
        for p in candidates:  # ascending: windows are visited left to right
            if p < pos:
                continue
            m = match(text, p)
            if m is not None:
                found.append((index, m))
                pos = m.end()
    return found


def scan_reference(text: str) -> list[tuple[int, re.Match[str]]]:
    """The plain full scan: every rule's pattern over the whole text."""
    return [(index, m) for index, rule in enumerate(RULES) for m in rule.pattern.finditer(text)]
