"""Name normalisation: surface forms, transliteration keys and generic country forms.

Everything here is generic — romanisation habits, honorific titles, the
official/short forms of countries and their capitals — and works on any news
text. Nothing names a person from a particular corpus.

>>> name_key("Kim Jong-un") == name_key("Kim Jong Un") == name_key("Kim Jung-un")
True
>>> name_key("Kim Jong Il") == name_key("Kim Jong Un")
False
>>> name_key("Sergey Morozov") == name_key("Sergei Morozov")
True
>>> name_key("UN") == name_key("Un")
False
>>> country_canonical("DPRK"), country_canonical("the Russian Federation")
('North Korea', 'Russia')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from toolkit.sdk import lexicon, word_list

_PACKAGE = "toolkit_entities"

# OntoNotes labels that name something (the numeric ones belong to the timeline):
# what the component keeps and what an alias table's ``label`` may say.
NAME_LABELS: tuple[str, ...] = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
)

__all__ = [
    "NAME_LABELS",
    "clean_surface",
    "name_tokens",
    "token_key",
    "name_key",
    "country_canonical",
    "capital_state",
    "acronym_of",
    "is_acronym",
    "written_as_name",
    "has_abbreviation",
    "is_country",
    "TITLES",
    "COUNTRIES",
    "ROLE_WORDS",
    "is_title_word",
    "looks_like_demonym",
    "demonym_of",
    "title_prefix",
    "name_boundaries",
    "nationality_country",
    "BodyName",
    "BODY_HEADS",
    "body_name",
    "singular",
    "title_case_line",
    "reads_as_headline_verb",
]

# Words that precede a name but are not part of it (stripped from PERSON spans
# so that "President Putin" and "Putin" are one surface form).
TITLES = word_list("titles", package=_PACKAGE)

# Words that qualify a title ("Defence Minister"): part of a title phrase, never of a person's name.
ROLE_WORDS = word_list("role_words", package=_PACKAGE)

# Endings that make a demonym or a nationality adjective from a place name ("Kastovian");
# "-er" (a Londoner) counts only beside the place name it derives from.
_DEMONYM_ENDINGS = tuple(sorted(word_list("demonym_endings", package=_PACKAGE)))
_NATIONALITY_ENDINGS = tuple(e for e in _DEMONYM_ENDINGS if e != "er")

_DETERMINERS = ("the ", "The ", "THE ")
_POSSESSIVES = ("'s", "’s", "'S", "’S", "'", "’")
_EDGE_PUNCT = " \t\n,;:.!?\"“”‘’'()[]{}*-–—/"


# The pure functions of one word or name below are cached: the entities component
# and the mention rows call them for every mention, and news repeats its names
# (clean_surface alone took 0.04 ms/article uncached).
@lru_cache(maxsize=65536)
def clean_surface(text: str) -> tuple[int, int]:
    """How many characters to drop from the left and right of a mention so that
    determiners, possessives and edge punctuation are not part of the name.

    >>> clean_surface("the Russian Federation")
    (4, 0)
    >>> clean_surface("Kim Jong-un’s")
    (0, 2)
    >>> clean_surface("Kim Jong-un,")
    (0, 1)
    """
    left, right = 0, len(text)
    changed = True
    while changed and right > left:
        changed = False
        segment = text[left:right]
        for det in _DETERMINERS:
            if segment.startswith(det) and right - left > len(det):
                left += len(det)
                changed = True
                break
        segment = text[left:right]
        for pos in _POSSESSIVES:
            # "Jones'" keeps its apostrophe-less stem; a bare quote at the end goes too
            if segment.endswith(pos) and right - left > len(pos) + 1:
                right -= len(pos)
                changed = True
                break
        while right > left and text[right - 1] in _EDGE_PUNCT and not _keeps_final_dot(text[left:right]):
            right -= 1
            changed = True
        while right > left and text[left] in _EDGE_PUNCT:
            left += 1
            changed = True
    return left, len(text) - right


def _keeps_final_dot(segment: str) -> bool:
    # "U.S." and "Inc." keep their final full stop: it belongs to the abbreviation.
    return segment.endswith(".") and bool(
        re.search(r"(?:\b[A-Za-z]\.){2,}$|\b(?:Inc|Corp|Ltd|Co|Jr|Sr|St)\.$", segment)
    )


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def name_tokens(text: str, *, drop_titles: bool = True) -> tuple[str, ...]:
    """The words of a name: lower-cased, accents and apostrophes removed, split at
    spaces and hyphens (``Jong-un`` and ``Jong Un`` are the same two syllables).

    >>> name_tokens("President Vladimir Putin")
    ('vladimir', 'putin')
    >>> name_tokens("Kim Jong-un")
    ('kim', 'jong', 'un')
    """
    text = strip_accents(text).lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    words = [w for w in re.split(r"[\s\-‐–]+|(?<=[a-z])\.(?=[a-z])", text) if w]
    words = [re.sub(r"[^a-z0-9&]", "", w) for w in words]
    words = [w for w in words if w]
    if drop_titles:
        while len(words) > 1 and words[0] in TITLES:
            words = words[1:]
    return tuple(words)


@lru_cache(maxsize=65536)
def is_title_word(word: str) -> bool:
    """An honorific or office ("Minister", "Mr.", "President").

    >>> is_title_word("Minister"), is_title_word("Mr."), is_title_word("Paul")
    (True, True, False)
    """
    return word.lower().rstrip(".") in TITLES


@lru_cache(maxsize=65536)
def looks_like_demonym(word: str) -> bool:
    """A capitalised word with a nationality ending ("Sundrian", "Japanese").
    Only a weak cue on its own: it counts inside a title phrase ("Sundrian
    Defence Minister") or next to the place name it derives from.

    >>> looks_like_demonym("Kastovian"), looks_like_demonym("Paul")
    (True, False)
    """
    return word[:1].isupper() and len(word) > 4 and word.lower().endswith(_NATIONALITY_ENDINGS)


def demonym_of(word: str, place: str) -> bool:
    """Whether ``word`` is the nationality adjective of ``place`` (the place
    name, or its stem without a final vowel or -y, plus a demonym ending).

    >>> demonym_of("Kastovian", "Kastovia"), demonym_of("Ukrainian", "Ukraine"), demonym_of("Japanese", "Japan")
    (True, True, True)
    >>> demonym_of("Indiana", "India"), demonym_of("Kastovia", "Kastovia")
    (False, False)
    """
    w, p = strip_accents(word).lower(), strip_accents(place).lower()
    if len(p) < 4 or " " in p or not w.isalpha() or w == p:
        return False
    stems = {p, p[:-1]} if p[-1] in "aeiouy" else {p}
    return any(w.startswith(stem) and w[len(stem) :] in _DEMONYM_ENDINGS for stem in stems)


def title_prefix(words: Sequence[str], *, demonym: Sequence[bool] | None = None) -> int:
    """How many leading words of a person mention form a title phrase rather
    than the name ("Sundrian Defence Minister Paul Ambery" -> 3). Returns
    ``len(words)`` when the whole mention is a title ("Defence Minister",
    "Minister"): it names an office, not a person. ``demonym`` may flag words
    the caller knows to be nationality adjectives (e.g. tagged NORP).

    >>> title_prefix(["Sundrian", "Defence", "Minister", "Paul", "Ambery"])
    3
    >>> title_prefix(["Martin", "Luther", "King"]), title_prefix(["Brian", "Smith"])
    (0, 0)
    >>> title_prefix(["Sundrian", "Defence"]), title_prefix(["Minister"]), title_prefix(["Brian"])
    (2, 1, 0)
    """
    last_title, i = -1, 0
    office = False
    while i < len(words):
        word = words[i]
        flagged = demonym is not None and demonym[i]
        if is_title_word(word):
            last_title, office = i, True
        elif word.lower() in ROLE_WORDS:
            office = office or word.lower() not in ("of", "and", "the", "for")
        elif not (flagged or looks_like_demonym(word)):
            break
        i += 1
    if i == len(words):
        return i if office else 0
    return i if last_title >= 0 else 0


def name_boundaries(key: Sequence[str]) -> frozenset[int]:
    """Character positions between the words of a key, for comparing names
    with spaces and hyphens removed ("Sol Haval" vs "Solhaval")."""
    out, pos = set(), 0
    for word in key[:-1]:
        pos += len(word)
        out.add(pos)
    return frozenset(out)


# Romanisation habits, applied in order to one lower-case word. Korean (Revised,
# McCune–Reischauer and ad-hoc press spellings) and Russian (BGN, scholarly and
# French/German-influenced press spellings) are the common sources of variants
# in English news. The key is for comparison only, never shown.
_RULES: tuple[tuple[str, str], ...] = (
    # Russian: final -y/-iy/-ii/-ei/-ey and the soft sign as apostrophe
    (r"(?<=[a-z])(?:iy|ii|yi|ij)$", "i"),
    (r"(?<=[aeiou])y$", "i"),  # Sergey -> Sergei
    (r"(?<=[bcdfghjklmnpqrstvwxz])y$", "i"),  # Dmitry -> Dmitri
    (r"^ye", "e"),
    (r"^e(?=v)", "e"),  # Yevgeny / Evgeny
    (r"x", "ks"),
    (r"kh", "h"),
    (r"tch", "ch"),
    (r"tsch", "ch"),
    (r"sch", "sh"),
    (r"tz", "ts"),
    (r"iy(?=[aeou])", "i"),
    (r"y(?=[aeou])", "i"),  # Mariya / Maria, Yakov / Iakov
    (r"ff$", "v"),
    (r"(?<=o)w$", "v"),  # Romanoff, Tchaikowsky-style endings
    # Korean: vowels written several ways
    (r"eo", "o"),
    (r"oi|oe", "e"),
    (r"ui|ee|ei", "i"),
    (r"oo|ou", "u"),
    (r"ae", "e"),
    # doubled consonants carry no distinction in romanised names
    (r"([bcdfgklmnprstvz])\1", r"\1"),
)
_SYLLABLE = re.compile(r"^[bcdfghjklmnpqrstwyz]{0,3}[aeiouwy]{1,3}(?:ng|n|m|k|l|p|t|r)?$")
_SYLLABLE_RULES: tuple[tuple[str, str], ...] = (
    # Only for short syllable-like words (romanised Korean/Chinese): the ng/n
    # and o/u alternations press spellings mix up. Initial voicing (k/g, ch/j)
    # is left out on purpose: it would join English names such as Tom and Don.
    (r"ng$", "n"),
    (r"u(?=n$)", "o"),
)


@lru_cache(maxsize=65536)
def token_key(word: str) -> str:
    """The comparison key of one name word.

    >>> [token_key(w) for w in ("choi", "choe", "hee", "hui", "song", "son")]
    ['che', 'che', 'hi', 'hi', 'son', 'son']
    >>> token_key("un") == token_key("il")
    False
    """
    key = strip_accents(word).lower()
    if not key.isalpha():
        return key
    syllable = len(key) <= 5 and bool(_SYLLABLE.match(key))
    for pattern, repl in _COMPILED_RULES:
        key = pattern.sub(repl, key)
    if syllable:
        for pattern, repl in _COMPILED_SYLLABLE_RULES:
            key = pattern.sub(repl, key)
    return key


# compiled once: re.sub with a pattern string looks it up in re's cache on every call, which was most
# of this function's time (it runs for every distinct capitalised word of the corpus)
_COMPILED_RULES = tuple((re.compile(pattern), repl) for pattern, repl in _RULES)
_COMPILED_SYLLABLE_RULES = tuple((re.compile(pattern), repl) for pattern, repl in _SYLLABLE_RULES)


def name_key(text: str) -> tuple[str, ...]:
    """The comparison key of a whole name: one key per word, in order.

    Position matters: "Kim Yo Jong" and "Kim Jong Un" share words but not in
    the same places, so they never compare equal.
    """
    canonical = country_canonical(text)
    if canonical is not None:
        return ("@country", canonical.lower())
    if is_acronym(text):
        # "UN" is an acronym, never the syllable "Un" of a romanised name
        return ("@acronym", re.sub(r"[^A-Z]", "", text))
    words = name_tokens(text)
    if len(words) > 1 and words[0] in _ABBREVIATED_FIRST_WORDS:
        words = (_ABBREVIATED_FIRST_WORDS[words[0]], *words[1:])  # "Mt Cook" is "Mount Cook"
    return tuple(token_key(w) for w in words)


_ABBREVIATED_FIRST_WORDS: dict[str, str] = {
    k: v for k, v in lexicon("name_abbreviations", package=_PACKAGE).items() if not k.startswith("_")
}


# Official names, acronyms and short forms of countries that news text mixes (a generic gazetteer):
# each short name with its other forms.
_COUNTRY_FORMS: dict[str, list[str]] = lexicon("country_forms", package=_PACKAGE)
# The world's countries by short name, to tell a country from a city or region where the
# difference matters (a city's sports club).
COUNTRIES: frozenset[str] = word_list("countries", package=_PACKAGE)

_COUNTRY_INDEX: dict[str, str] = {" ".join(name_tokens(c, drop_titles=False)): c for c in COUNTRIES}
for _short, _forms in _COUNTRY_FORMS.items():
    for _form in (_short, *_forms):
        _COUNTRY_INDEX[" ".join(w for w in name_tokens(_form, drop_titles=False) if w != "the")] = _short

# The country index by (leading words, first three letters of the last word): a demonym's stem is
# the last word or all but its final letter, four letters at least, so it shares those three.
_NATIONALITY_CANDIDATES: dict[tuple[tuple[str, ...], str], list[tuple[str, str]]] = {}
for _key, _country in _COUNTRY_INDEX.items():
    if _parts := tuple(_key.split()):
        _NATIONALITY_CANDIDATES.setdefault((_parts[:-1], _parts[-1][:3]), []).append((_parts[-1], _country))

# Capitals and the seats of government news uses for the state ("Pyongyang said").
_CAPITALS: dict[str, str] = lexicon("capitals", package=_PACKAGE)
_CAPITAL_INDEX = {" ".join(w for w in name_tokens(k, drop_titles=False) if w != "the"): v for k, v in _CAPITALS.items()}


def is_country(text: str) -> bool:
    """Whether ``text`` names a country (any of its forms).

    >>> is_country("LITHUANIA"), is_country("Newcastle")
    (True, False)
    """
    return country_canonical(text) is not None


@lru_cache(maxsize=65536)
def country_canonical(text: str) -> str | None:
    """The short name of the country ``text`` names, or None.

    >>> country_canonical("U.S."), country_canonical("Kim")
    ('United States', None)
    """
    return _COUNTRY_INDEX.get(_lookup_key(text))


@lru_cache(maxsize=65536)
def capital_state(text: str) -> str | None:
    """The state a capital or seat of government can stand for ("Moscow" -> "Russia").

    >>> capital_state("Pyongyang"), capital_state("Paris Hilton")
    ('North Korea', None)
    """
    return _CAPITAL_INDEX.get(_lookup_key(text))


def _lookup_key(text: str) -> str:
    words = name_tokens(text, drop_titles=False)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


_MINOR = word_list("minor_words", package=_PACKAGE)


def is_acronym(text: str) -> bool:
    """Two to six capitals, optionally with dots ("DPRK", "U.N.").

    >>> is_acronym("DPRK"), is_acronym("Kim")
    (True, False)
    """
    return _ACRONYM.fullmatch(text.strip()) is not None


# compiled once: the entities component asks it of every word of an article
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,6}")


def acronym_of(long_name: str, acronym: str) -> bool:
    """Whether ``acronym`` is made of the initials of ``long_name``'s words
    (minor words may be skipped, and a hyphenated or compound word may give
    more than one letter).

    >>> acronym_of("Korean Central News Agency", "KCNA")
    True
    >>> acronym_of("Democratic People's Republic of Korea", "DPRK")
    True
    >>> acronym_of("North Korea", "DPRK")
    False
    """
    letters = re.sub(r"[^A-Z]", "", acronym.upper())
    words = [w for w in re.split(r"[\s\-]+", strip_accents(long_name).replace("’", "'")) if w]
    if not letters or len(words) < 2:
        return False
    n, m = len(words), len(letters)
    minor = [w.lower() in _MINOR for w in words]
    rest_minor = [True] * (n + 1)  # rest_minor[i]: every word from the i-th on is a minor word
    for i in range(n - 1, -1, -1):
        rest_minor[i] = minor[i] and rest_minor[i + 1]
    # matched[j]: whether words i.. spell letters j.. — built from the last word back, one row per word
    # (a recursion over the words ran out of stack on a long name)
    matched = [j == m for j in range(m + 1)]  # no words left: only no letters left matches
    for i in range(n - 1, -1, -1):
        word, below = words[i], matched
        # this word gives 1..3 letters: its initial, then optional further capitals inside it
        inner = next((c for c in word[1:] if c.isupper()), None)
        matched = [False] * m + [rest_minor[i]]
        for j in range(m):
            matched[j] = (minor[i] and below[j]) or (
                word[0].upper() == letters[j]
                and (below[j + 1] or (inner is not None and j + 1 < m and inner == letters[j + 1] and below[j + 2]))
            )
    return matched[0]


def written_as_name(text: str) -> bool:
    """Whether every word of ``text`` is capitalised (or a figure), minor words ("of", "the") aside:
    "pension fund" and "dunavik Board of Surveyors" are no names whose initials make an acronym.

    >>> written_as_name("Bureau of Velm Affairs"), written_as_name("dunavik Board of Surveyors")
    (True, False)
    """
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _MINOR for w in text.split())


def has_abbreviation(text: str) -> bool:
    """Whether a word of ``text`` is itself an abbreviation ("V.K. Navy", "VMC Transit"), whose
    initial alone stands in an acronym of the whole less surely than a spelt-out word's.

    >>> has_abbreviation("V.K. Navy"), has_abbreviation("Velmar Nations")
    (True, False)
    """
    return any(is_acronym(w) for w in text.split())


# Nationality adjectives the rule below cannot derive ("French", "Dutch"): adjective -> country.
_IRREGULAR_DEMONYMS: dict[str, str] = {
    k.lower(): v for k, v in lexicon("irregular_demonyms", package=_PACKAGE).items() if not k.startswith("_")
}


@lru_cache(maxsize=65536)
def nationality_country(text: str) -> str | None:
    """The country a nationality adjective belongs to ("North Korean" -> "North Korea"), or None.

    Worked out from the country's names (its last word plus a demonym ending, the words
    before it unchanged) and a short list of irregular adjectives, so any country's
    adjective is found without a list of them.

    >>> nationality_country("North Korean"), nationality_country("Ukrainian"), nationality_country("Dutch")
    ('North Korea', 'Ukraine', 'Netherlands')
    >>> nationality_country("Korean") is None, nationality_country("Indiana") is None  # ambiguous; not a demonym
    (True, True)
    """
    words = name_tokens(text, drop_titles=False)
    if not words or len(words) > 3:
        return None
    if len(words) == 1 and words[0] in _IRREGULAR_DEMONYMS:
        return _IRREGULAR_DEMONYMS[words[0]]
    # only the country names with the same leading words and the same first three letters can fit:
    # a scan of every country name per new word was two thirds of the entities component's time
    found = {
        country
        for last, country in _NATIONALITY_CANDIDATES.get((words[:-1], words[-1][:3]), ())
        if demonym_of(words[-1], last)
    }
    # "Korean" fits North and South Korea alike: an adjective of two countries names neither
    return found.pop() if len(found) == 1 else None


# Head nouns of government bodies ("Ministry", "Department"): lexicon/body_heads.txt.
BODY_HEADS = _BODY_HEADS = word_list("body_heads", package=_PACKAGE)
# Heads that name a country's whole body alone ("the Navy"): lexicon/sole_body_heads.txt.
_SOLE_BODY_HEADS = word_list("sole_body_heads", package=_PACKAGE)
# Words that add nothing to which body it is: "Ministry of Foreign Affairs" is the "Foreign Ministry".
_BODY_FILLER = frozenset({"of", "the", "for", "and", "affairs", "s"})
_SPELLINGS = {"defence": "defense", "labour": "labor", "ministries": "ministry", "departments": "department"}


def singular(word: str) -> str:
    """A name word without a plural "-s" (news writes one name with a word in either number).

    >>> singular("elections"), singular("press"), singular("bus")
    ('election', 'press', 'bus')
    """
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


class BodyName(tuple[str | None, str, frozenset[str]]):
    """A government body's name taken apart: (country or None, head noun, qualifying words)."""

    __slots__ = ()

    @property
    def country(self) -> str | None:
        return self[0]

    @property
    def kind(self) -> tuple[str, frozenset[str]]:
        """The body without its country: ("ministry", {"foreign"})."""
        return self[1], self[2]


@lru_cache(maxsize=65536)
def body_name(text: str) -> BodyName | None:
    """A government body's name as (country, head, qualifiers), or None if ``text`` is not one.

    The country comes from a nationality adjective or a country name before the body or
    after a final "of"; the qualifiers are the other words, so the word orders and
    spellings news mixes compare equal.

    >>> body_name("Russian Ministry of Foreign Affairs") == body_name("Russia's Foreign Ministry")
    True
    >>> body_name("Foreign Ministries of the Russian Federation") == body_name("Russian Foreign Ministry")
    True
    >>> body_name("Foreign Ministry")
    (None, 'ministry', frozenset({'foreign'}))
    >>> body_name("Kastovian Defence Ministry") == body_name("Sundrian Defense Ministry"), body_name("Anna Berg")
    (False, None)
    >>> body_name("Navy"), body_name("Ministry")
    ((None, 'navy', frozenset()), None)
    """
    words = [w for w in name_tokens(text, drop_titles=False) if w]
    if len(words) < 2 and not (words and words[0] in _SOLE_BODY_HEADS):
        return None
    country = None
    for n in (3, 2, 1):  # a country or its adjective first: "North Korean ...", "Russia's ..."
        if len(words) > n:
            head = " ".join(words[:n])
            found = country_canonical(head) or nationality_country(head)
            if found:
                country, words = found, words[n:]
                break
    if country is None and "of" in words:  # "... of the Russian Federation"
        cut = len(words) - 1 - words[::-1].index("of")
        tail = " ".join(w for w in words[cut + 1 :] if w != "the")
        found = country_canonical(tail) if tail else None
        if found:
            country, words = found, words[:cut]
    words = [_SPELLINGS.get(w, w) for w in words if w not in _BODY_FILLER]
    heads = [w for w in words if w in _BODY_HEADS]
    if len(heads) != 1 or not 1 <= len(words) <= 4:
        return None  # no head, or a body inside a body ("Defence Ministry's Equipment Department")
    # "Velm Elections Commission" is the "Velm Election Commission"
    qualifiers = frozenset(singular(w) for w in words if w != heads[0])
    if not qualifiers and country is None and heads[0] not in _SOLE_BODY_HEADS:
        return None  # "the Ministry" alone says too little; "the Navy" is the country's
    return BodyName((country, heads[0], qualifiers))


def title_case_line(text: str, start: int, end: int, *, figures: bool = True) -> bool:
    """Whether the line around ``start:end`` is a headline in title case ("Ana Berg Checks Into Rehab",
    "Ana Berg Returns to Host the Awards"): at least three words, four in five of them capitalised,
    not counting the minor words title case leaves in lower case. With ``figures=False`` a line with a
    figure of its own (a line of results or standings) or ending in a full stop (a sentence full of
    names) is no headline.

    >>> text = "Ana Berg Returns to Host the Awards\\nAna Berg will host them."
    >>> title_case_line(text, 0, 8), title_case_line(text, 36, 44)
    (True, False)
    """
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    line = text[left : right if right >= 0 else len(text)].split()
    if not figures and line and line[-1].endswith(".") and not line[-1].endswith(".."):
        return False  # a sentence full of names ("Ana Berg Met Tom Orel in Velm."), not a headline
    if not figures and any(_FIGURE.fullmatch(w) for w in line):
        return False  # a line of results or standings ("3. Ana Berg (Velm) 3:46.21"), not a headline
    words = [w for w in line if w[:1].isalpha() and w.lower() not in _MINOR]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


_FIGURE = re.compile(r"\d[\d.,:/-]*")


def reads_as_headline_verb(word: str) -> bool:
    """Whether ``word``, right after a name in a title-case headline, reads as the headline's verb
    ("Checks", "Launched", "Reportedly") rather than a word of the name ("Foundation", "Atoll",
    "Congress", "NASA").

    >>> [reads_as_headline_verb(w) for w in ("Checks", "Reportedly", "Foundation", "Congress", "NEWS", "")]
    [True, True, False, False, False, False]
    """
    lowered = word.lower()
    return lowered.endswith(("s", "ed", "ly")) and not lowered.endswith("ss") and not word.isupper()
