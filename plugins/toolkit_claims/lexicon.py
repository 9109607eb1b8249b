"""Generic English resources for reading claims: reporting-verb classes and
concept clusters used by the lexical grouping fallback.

Nothing here names a person, place or event: these are word classes that hold
for any news text.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["CUE_STANCE", "CONTENT_STANCE", "CONCEPTS", "EVENT_CONCEPTS", "NEGATIVE_WORDS", "ANAPHORIC_HEADS",
           "ANAPHORIC_NOUNS", "META_CONCEPTS", "stance_of_lemma"]

# Reporting cues whose meaning fixes the stance towards the reported content.
_CUES = {
    "deny": ("deny", "reject", "refute", "dismiss", "denounce", "dispute", "rebuff", "repudiate", "disavow",
             "contradict", "rebut", "disclaim", "debunk", "decry"),
    "accuse": ("accuse", "allege", "blame", "charge", "condemn", "criticise", "criticize", "indict", "implicate",
               "fault", "slam", "attack", "censure", "denunciate"),
    "support": ("thank", "praise", "appreciate", "welcome", "support", "back", "endorse", "hail", "commend",
                "applaud", "congratulate", "laud", "salute", "value"),
    "call": ("urge", "demand", "appeal", "request", "implore", "exhort", "propose", "invite", "press", "plead"),
    "assert": ("say", "tell", "state", "add", "note", "claim", "insist", "confirm", "announce", "estimate",
               "report", "write", "declare", "affirm", "emphasise", "emphasize", "stress", "argue", "believe",
               "explain", "recall", "indicate", "assert", "maintain", "warn", "suggest", "acknowledge", "admit",
               "reveal", "point", "mention", "remark", "comment", "reply", "respond", "answer", "observe",
               "predict", "conclude", "assess", "find", "think", "know", "hope", "defend", "express"),
}
CUE_STANCE = MappingProxyType({lemma: stance for stance, lemmas in _CUES.items() for lemma in lemmas})

# Predicates inside the reported content that carry a stance of their own
# ("we highly appreciate your support" is support whatever the cue was).
_CONTENT = {
    "deny": ("deny", "reject", "refute", "dismiss", "rebuff", "repudiate", "disavow", "rebut", "debunk"),
    "accuse": ("accuse", "blame"),
    "support": ("thank", "appreciate", "welcome", "support", "endorse", "praise", "commend", "applaud",
                "grateful", "thankful", "congratulate", "back"),
    "call": ("urge", "demand", "appeal", "call"),
}
CONTENT_STANCE = MappingProxyType({lemma: stance for stance, lemmas in _CONTENT.items() for lemma in lemmas})

# Words that negate the clause they sit in ("we have no plans", "nothing was sent").
NEGATIVE_WORDS = frozenset({"not", "n't", "never", "no", "nothing", "none", "nobody", "neither", "nor", "nowhere"})

# Heads of noun phrases that point back to something said before ("deny this transfer",
# "rejected the allegations"): their claims are read with the preceding sentence.
ANAPHORIC_HEADS = frozenset({"claim", "allegation", "accusation", "report", "charge", "assertion", "suggestion",
                             "statement", "remark", "rumour", "rumor", "speculation", "story", "it", "this",
                             "that", "these", "those"})
ANAPHORIC_DETERMINERS = frozenset({"this", "that", "these", "those", "such"})
# Nouns for something said: "the claims are baseless" is about an earlier claim.
ANAPHORIC_NOUNS = frozenset({"claim", "allegation", "accusation", "report", "charge", "assertion", "statement",
                             "remark", "rumour", "rumor", "speculation", "story", "suggestion"})

# Concept clusters: surface lemmas that news text uses interchangeably for one
# idea. They let the lexical fallback see that "exported weapons" and "arms
# transfer" speak of the same thing when no sentence embeddings are installed.
_CONCEPT_LISTS = {
    "~weapon": ("weapon", "arm", "arms", "munition", "ammunition", "missile", "shell", "rocket", "artillery",
                "armament", "drone", "launcher", "bomb", "warhead", "equipment"),
    "~transfer": ("transfer", "export", "deliver", "delivery", "ship", "shipment", "supply", "send", "provide",
                  "transport", "sell", "sale", "import", "give", "receive", "acquire", "purchase", "buy"),
    "~attack": ("attack", "strike", "assault", "raid", "launch", "fire", "hit"),
    "~violate": ("violate", "violation", "breach", "break", "contravene", "infringe"),
    "~law": ("law", "norm", "rule", "resolution", "treaty", "sanction", "obligation", "convention"),
    "~support": ("support", "solidarity", "backing", "help", "assistance", "aid"),
    "~talk": ("talk", "negotiation", "meeting", "summit", "visit", "dialogue", "discussion"),
    "~cooperation": ("cooperation", "cooperate", "relation", "relationship", "partnership", "tie", "alliance"),
    "~evidence": ("evidence", "proof", "ground", "basis"),
}
# Words of a claim about a claim ("the allegations", "the claims have no basis"):
# they say that something was said, not what it was about.
META_CONCEPTS = ANAPHORIC_NOUNS | {"~evidence", "fiction", "invention", "lie", "truth", "remark", "word", "it"}

# Clusters that name what happens (an event), as against a thing: "transfer" is a
# predicate whether written as a verb ("shipped") or a noun ("the shipments").
EVENT_CONCEPTS = frozenset({"~transfer", "~attack", "~violate", "~support", "~talk", "~cooperation"})
CONCEPTS = MappingProxyType({lemma: concept for concept, lemmas in _CONCEPT_LISTS.items() for lemma in lemmas})


def stance_of_lemma(lemma: str) -> str | None:
    """The stance a reporting cue's lemma carries, or ``None`` when it is not a known cue.

    >>> stance_of_lemma("Denied".lower()), stance_of_lemma("thank"), stance_of_lemma("eat")
    (None, 'support', None)
    >>> stance_of_lemma("deny")
    'deny'
    """
    return CUE_STANCE.get(lemma)
