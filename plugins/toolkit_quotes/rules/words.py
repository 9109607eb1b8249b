"""The rules' word lists, read once from the data files in ``toolkit_quotes/lexicon/``.

Every list the rules test a word against is a data file, so it is defined once,
reviewed without reading code, and hashed into the cache key with the code. The
reporting verbs are the list the plugins share (``toolkit/lexicon/speech_verbs.txt``);
the others are this plugin's. Each file says what its list is for. The lists are
module constants, read at import: a rule never reads a file per token.

Lemmas are lower case; the comment at the top of each file says whether a list
holds lemmas or word forms.

>>> "say" in SPEECH_VERBS and "according" in RELAY_FIRST_WORDS
True
>>> sorted(TOPIC_NOUNS["toward"])
['attitude', 'attitudes', 'hostilities', 'hostility', 'position', 'positions', 'stance', 'stances']
"""

from __future__ import annotations

from toolkit.sdk import lexicon, word_list

_PACKAGE = "toolkit_quotes"


def _own(name: str) -> frozenset[str]:
    return word_list(name, package=_PACKAGE)


def _mapping(name: str) -> dict[str, object]:
    """A JSON lexicon without its notes (keys starting with ``#``)."""
    return {key: value for key, value in lexicon(name, package=_PACKAGE).items() if not key.startswith("#")}


def _forms(words: list[str]) -> frozenset[str]:
    """Each noun with its regular plural ("claim" -> "claim claims"); irregular forms are listed as they are."""
    out = set()
    for word in words:
        out.add(word)
        out.add(
            word[:-1] + "ies"
            if word.endswith("y") and word[-2:-1] not in "aeiou"
            else word + "es"
            if word.endswith(("s", "sh", "ch", "x"))
            else word + "s"
        )
    return frozenset(out)


# --- verbs (lemmas)
SPEECH_VERBS = word_list("speech_verbs")  # shared with the other plugins
COGNITION_VERBS = _own("cognition_verbs")
OBJECT_COMPLEMENT_VERBS = _own("object_complement_verbs")
INFINITIVE_VERBS = _own("infinitive_verbs")
INTENTION_VERBS = _own("intention_verbs")
TOPIC_VERBS = _own("topic_verbs")
OBJECT_MESSAGE_VERBS = _own("object_message_verbs")
STANCE_VERBS = (
    _own("taking_sides_verbs")
    | _own("presenting_verbs")
    | _own("judging_verbs")
    | _own("relating_verbs")
    | _own("considering_verbs")
    | _own("ruling_verbs")
)
PREPOSITIONAL_STANCE_VERBS: dict[str, frozenset[str]] = {
    preposition: frozenset(verbs) for preposition, verbs in _mapping("prepositional_stance_verbs").items()
}
DIRECTIVE_VERBS = _own("directive_verbs")
VOICING_VERBS = _own("voicing_verbs")
HOLDING_VERBS = _own("holding_verbs")
ADDRESSEE_VERBS = _own("addressee_verbs")
QUESTION_VERBS = _own("question_verbs")
GERUND_OBJECT_VERBS = _own("gerund_object_verbs")
PHYSICAL_SENSE_VERBS = _own("physical_sense_verbs")
ANSWERING_VERBS = _own("answering_verbs")
REGARD_VERBS = _own("regard_verbs")
HEDGE_VERBS = _own("hedge_verbs")
TALK_VERBS = _own("talk_verbs")
EXPRESSING_VERBS = _own("expressing_verbs")
RELAYING_VERBS = _own("relaying_verbs")
PROMPTED_VERBS = _own("prompted_verbs")

# --- nouns and adjectives
MESSAGE_NOUNS = _own("message_nouns")
TOPIC_NOUNS: dict[str, frozenset[str]] = {
    preposition: _forms(nouns) for preposition, nouns in _mapping("topic_nouns").items()
}
SOURCE_NOUNS = _own("source_nouns")
EVIDENCE_NOUNS = _own("evidence_nouns")
MEDIA_NOUNS = _own("media_nouns")
ROLE_NOUNS = _own("role_nouns")
ORGANISATION_HEADS = _own("organisation_heads")
REPRESENTATIVE_NOUNS = _own("representative_nouns")
ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    head: frozenset(str(w) for w in words) for head, words in _mapping("organisation_kinds").items()
}
ANSWER_NOUNS = _own("answer_nouns")
PROMPT_NOUNS = _own("prompt_nouns")
REMARK_NOUNS = _own("remark_nouns")
HOLDER_NOUNS = _own("holder_nouns")
SAYING_OCCASIONS = _own("saying_occasions")
OPINION_FRAME_NOUNS = _own("opinion_frame_nouns")
LINE_LABELS = _own("line_labels")
ATTITUDE_ADJECTIVES = _own("attitude_adjectives")
CLARITY_ADJECTIVES = _own("clarity_adjectives")

# --- people
MASCULINE_TITLES = _own("masculine_titles")
FEMININE_TITLES = _own("feminine_titles")
PERSON_PRONOUNS: dict[str, str] = {word: str(gender) for word, gender in _mapping("person_pronouns").items()}
PERSON_SUBJECT_PRONOUNS = _own("person_subject_pronouns")
GROUP_PRONOUNS = _own("group_pronouns")
FIRST_SECOND_PERSON = _own("first_second_person")
THIRD_PERSON_POSSESSIVES = _own("third_person_possessives")
INDEFINITE_DETERMINERS = _own("indefinite_determiners")

# --- function words
SUBORDINATORS = _own("subordinators")
GLOSS_SUBORDINATORS = _own("gloss_subordinators")
RELATIVE_PRONOUNS = _own("relative_pronouns")
PRONOUN_CONTENT = _own("pronoun_content")
TOPIC_PREPOSITIONS = _own("topic_prepositions")
MESSAGE_PREPOSITIONS = _own("message_prepositions")
TIME_PREPOSITIONS = _own("time_prepositions")
COMPLEMENT_PREPOSITIONS = _own("complement_prepositions")
TALK_PREPOSITIONS = _own("talk_prepositions")
STANCE_PREPOSITIONS = _own("stance_prepositions")

# --- relay phrases, in the order they are tried
RELAY_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase) for phrase in lexicon("relay_phrases", package=_PACKAGE)["phrases"]
)
RELAY_FIRST_WORDS = frozenset(phrase[0] for phrase in RELAY_PHRASES)

# --- unions the rules ask of every verb, made once rather than per call
PREPOSITIONAL_VERBS = frozenset().union(*PREPOSITIONAL_STANCE_VERBS.values())
BELIEF_MESSAGE_VERBS = INTENTION_VERBS | STANCE_VERBS | DIRECTIVE_VERBS | PREPOSITIONAL_VERBS
MESSAGE_VERBS = TOPIC_VERBS | INTENTION_VERBS | STANCE_VERBS | DIRECTIVE_VERBS
OBJECT_TAKING_VERBS = TOPIC_VERBS | STANCE_VERBS | OBJECT_MESSAGE_VERBS
OBJECT_OR_GERUND_VERBS = OBJECT_MESSAGE_VERBS | GERUND_OBJECT_VERBS
ALL_VERBS = (
    SPEECH_VERBS
    | COGNITION_VERBS
    | INFINITIVE_VERBS
    | INTENTION_VERBS
    | TOPIC_VERBS
    | STANCE_VERBS
    | DIRECTIVE_VERBS
    | OBJECT_MESSAGE_VERBS
    | PREPOSITIONAL_VERBS
)
