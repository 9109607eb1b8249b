"""Generic word lists: reporting verbs, relay phrases, titles. No names from any corpus."""

from __future__ import annotations

# Verbs that report speech or writing: with a subject and a clause, a quote or an
# object they make an attribution. Lemmas, lower case.
SPEECH_VERBS: frozenset[str] = frozenset("""
say tell add note stress emphasize emphasise state declare announce explain insist warn claim argue
accuse deny admit acknowledge confirm assert maintain recall remark comment reply respond answer write
report suggest indicate mention predict promise pledge vow threaten urge praise thank criticize criticise
condemn denounce reject dismiss complain tweet post ask question allege charge contend reiterate repeat
observe point underline highlight describe concede boast brag joke quip testify disclose reveal
acknowledge agree disagree demand propose recommend caution advise tout hail blast slam attack
lament muse continue conclude counter retort rebut proclaim affirm estimate predict forecast
defend wish name brand label term express voice
liken compare shout yell exclaim scream whisper mutter plead beg chant read sing recount explain
insist acknowledge signal caution stress
rail rule opine elaborate interject gripe grumble chide scoff snap fume gush rave vent marvel deadpan laugh sigh
""".split())

# Verbs of belief, finding and showing: attributions in the broad sense (PolNeAR counts
# them), kept only when they govern a clause ("polls show that …", "he believes it …").
COGNITION_VERBS: frozenset[str] = frozenset("""
believe think know find show expect hope fear worry suspect feel doubt assume reckon conclude
understand learn realize realise consider see hear guess imagine wonder decide
""".split())

# Speech verbs whose message is an object plus a prepositional complement:
# "accused X of Y", "praised X for Y", "thanked X for Y", "called on X to Y".
OBJECT_COMPLEMENT_VERBS: frozenset[str] = frozenset(
    "accuse praise thank criticize criticise condemn blame credit urge call warn commend fault slam blast".split())

# Verbs that take a to-infinitive as their message: "promised to fight", "vowed to …".
INFINITIVE_VERBS: frozenset[str] = frozenset(
    "promise pledge vow threaten refuse agree offer demand urge call vow plan want intend seek aim hope expect wish "
    "decide decline".split())

# Verbs of intention: their to-infinitive is the subject's stated aim ("wants to cut taxes",
# "plans to run"). PolNeAR-style attribution in the broad sense, like COGNITION_VERBS.
INTENTION_VERBS: frozenset[str] = frozenset("want plan intend seek aim hope expect refuse wish decide decline".split())

# Verbs whose message is a noun phrase or a prepositional object, not a clause:
# "called for a recount", "cited the audit as the reason", "spoke of reform", "mentioned the deal".
# Recognised only in reported speech (never as the cue of a quotation, where "call" or "speak" mislead).
TOPIC_VERBS: frozenset[str] = frozenset("call cite mention discuss speak talk endorse".split())

# Speech verbs whose direct object alone can be the message ("denied the report", "defended the plan").
OBJECT_MESSAGE_VERBS: frozenset[str] = frozenset("""
deny confirm admit reject dismiss announce acknowledge reiterate denounce condemn criticize criticise praise
call demand propose recommend claim mention cite discuss endorse blast slam defend echo question repeat
promise pledge vow threaten predict forecast
""".split())

# Verbs of stance toward what their object names — supporting, opposing, judging,
# proposing, portraying, bringing up: "X endorsed the senator", "X attacked the plan",
# "X touted his record". PolNeAR-style attribution in the broad sense: the object is
# the position or topic the subject takes a stance on. Recognised only with a subject
# and a noun-phrase object (never as the cue of a quotation). The classes below follow
# the general English verb classes of communication and attitude (VerbNet-style), not
# any corpus.
_TAKING_SIDES = frozenset("""
endorse support back oppose favor favour champion embrace advocate promote tout
attack criticize criticise mock ridicule deride disparage insult blame fault chastise scold rebuke lambast
slam blast denounce condemn decry question challenge dispute downplay dismiss reject defend
praise applaud laud hail commend welcome
describe portray depict characterize characterise paint label dub
cite reference invoke mention highlight emphasize emphasise stress underscore document detail outline
propose suggest recommend demand request unveil announce declare offer
express voice concede acknowledge admit
""".split())

# presenting and making known: "explained the rules", "revealed a plan", "echoed the view"
PRESENTING_VERBS: frozenset[str] = frozenset("""
explain reveal recite relate present detail outline sketch specify clarify articulate express convey communicate
publish echo repeat reiterate summarize summarise recount narrate relay disclose divulge indicate signal imply
illustrate demonstrate prove reflect expose document chronicle underscore answer address acknowledge recognize
recognise report note write tweet retweet post
""".split())

# feeling and judging: "admires the senator", "ignored the warning", "understates the cost"
JUDGING_VERBS: frozenset[str] = frozenset("""
admire appreciate respect value love like dislike hate despise loathe resent fear dread envy trust distrust
mistrust prefer relish regret lament bemoan deplore mourn cherish doubt dispute contest ignore neglect
overlook disregard discount minimize minimise exaggerate overstate understate misstate misrepresent justify
excuse rationalize rationalise
""".split())

# relating one thing to another: "likened the plan to a tax", "linked the attack to the group"
RELATING_VERBS: frozenset[str] = frozenset("compare liken link tie connect associate equate contrast conflate".split())

# holding, weighing and examining in mind: "believed the polls", "is weighing a run"
CONSIDERING_VERBS: frozenset[str] = frozenset("""
believe expect understand realize realise accept assume imagine envision envisage foresee anticipate
consider weigh ponder contemplate examine study investigate explore analyze analyse assess evaluate review debate
judge fathom grasp remember recall forget notice sense perceive
""".split())

# deciding for a body: "the Senate passed the bill", "the court overturned the ruling"
RULING_VERBS: frozenset[str] = frozenset(
    "approve enact pass sign veto repeal overturn overrule uphold ratify adopt block sponsor introduce".split())

STANCE_VERBS: frozenset[str] = (_TAKING_SIDES | PRESENTING_VERBS | JUDGING_VERBS | RELATING_VERBS
                                | CONSIDERING_VERBS | RULING_VERBS)

# Verbs that take a side or a topic through a preposition: "voted against the bill",
# "sided with the union", "balked at the cost", "worried about the deficit". The
# preposition's object is the position or topic held a view on (general English
# prepositional-verb classes; a verb counts only with the prepositions listed for it).
PREPOSITIONAL_STANCE_VERBS: dict[str, frozenset[str]] = {
    "against": frozenset("vote argue campaign fight lobby rail speak testify rule decide protest side turn "
                         "rally mobilize mobilise petition sue".split()),
    "for": frozenset("vote argue campaign fight lobby push press advocate plead clamor clamour root stump "
                     "vouch".split()),
    "with": frozenset("agree disagree side sympathize sympathise concur quarrel clash break differ".split()),
    "on": frozenset("focus dwell insist comment elaborate expound harp seize capitalize capitalise speculate "
                    "reflect ruminate remark".split()),
    "at": frozenset("balk scoff hint jab sneer marvel bristle chafe bridle lash poke swipe".split()),
    "to": frozenset("object refer allude subscribe attest testify".split()),
    "about": frozenset("worry care fret boast brag complain joke think wonder muse rave speculate".split()),
    "of": frozenset("approve disapprove speak think despair dream".split()),
    "over": frozenset("worry fret clash argue agonize agonise bicker quarrel".split()),
}

# Verbs whose object is told or asked to do something: "urged voters to …", "asked the court to …".
DIRECTIVE_VERBS: frozenset[str] = frozenset(
    "ask tell urge encourage persuade implore instruct order direct advise beg invite press push "
    "exhort beseech entreat command remind convince pressure prod nudge".split())

# Nouns naming something said, thought or decided, whose complement is the message:
# "the claim that …", "her promise to …", "a decision to …". The holder is the noun's
# possessor or the subject of the verb that makes, issues or voices it.
MESSAGE_NOUNS: frozenset[str] = frozenset("""
claim statement assertion argument charge allegation accusation suggestion insistence contention
promise pledge vow threat warning call demand request proposal plan decision agreement offer refusal
announcement declaration message notion idea belief view hope fear concern worry doubt conviction
emphasis admission acknowledgment acknowledgement denial report rumor rumour speculation suspicion
assurance commitment determination intention order recommendation prediction estimate finding conclusion
proof evidence sign indication complaint criticism argument theory impression sense expectation
insinuation implication reminder explanation assessment opinion position stance
""".split())

# Nouns of talk and attitude whose prepositional object is the topic held a view on:
# "his comments about …", "her attacks on …", "their support for …", "criticism of …".
def _forms(words: str) -> frozenset[str]:
    """Each noun with its regular plural ("claim" -> "claim claims"); irregular forms are listed as they are."""
    out = set()
    for word in words.split():
        out.add(word)
        out.add(word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else
                word + "es" if word.endswith(("s", "sh", "ch", "x")) else word + "s")
    return frozenset(out)


TOPIC_NOUNS: dict[str, frozenset[str]] = {
    "about": _forms("comment remark question concern complaint discussion debate worry fear doubt claim joke idea "
                    "rhetoric disagreement answer argument speculation statement warning assertion assumption view "
                    "opinion thought feeling misgiving reservation qualm illusion"),
    "on": _forms("attack comment remark position view stance criticism crackdown assault focus emphasis take "
                 "statement warning"),
    # not "support of": "the support of X" names the supporter as often as the supported
    "of": _forms("criticism praise adulation condemnation denunciation defense defence endorsement rejection "
                 "mention abandonment approval disapproval theory vision understanding"),
    "for": _forms("support disdain contempt praise admiration respect sympathy enthusiasm call demand case "
                  "argument affection hope push plan proposal preference appetite backing advocacy"),
    "to": _forms("opposition objection commitment reference response reply answer allusion threat challenge "
                 "resistance hostility aversion devotion loyalty"),
    "against": _forms("case campaign charge warning argument protest criticism allegation accusation complaint "
                      "lawsuit suit fight crusade"),
    # not "dispute over", "debate over": an event between parties, not a view someone holds
    "over": _forms("concern worry fear anger outrage frustration criticism question doubt"),
    "with": _forms("obsession fascination frustration disagreement dissatisfaction displeasure agreement "
                   "impatience"),
    "toward": _forms("attitude hostility stance position"),
    "towards": _forms("attitude hostility stance position"),
}

# Nouns of a text or a count that can frame a sentence as its source: "In a statement, …",
# "In the latest poll, …", "In his memoir, …".
SOURCE_NOUNS: frozenset[str] = frozenset("""
poll survey study report statement interview letter speech memo memoir email op-ed column article book
post tweet filing testimony analysis address remarks editorial essay lawsuit complaint ruling opinion
""".split())

# Adjectives of attitude after "be": "is critical of …", "was confident that …", "are eager to …".
ATTITUDE_ADJECTIVES: frozenset[str] = frozenset("""
concerned worried critical skeptical sceptical supportive wary confident optimistic pessimistic convinced
adamant hopeful fearful afraid angry upset interested passionate eager willing determined committed opposed
unwilling reluctant keen insistent vocal sure certain
""".split())

# Verbs whose subject utters or holds the message noun they take as object: "made the claim that …",
# "issued a warning that …", "voiced the hope that …" (not "the summit stoked fears that …").
VOICING_VERBS: frozenset[str] = frozenset("""
make issue express voice raise repeat reiterate share offer deliver release publish give announce
have hold reject deny dismiss renew level lodge file send post tweet write sign
""".split())

# Phrases that attribute what surrounds them to their object: "according to X".
RELAY_PHRASES: tuple[tuple[str, ...], ...] = (
    ("according", "to"),
    ("cited", "by"),
    ("quoted", "by"),
    ("as", "reported", "by"),
    ("reported", "by"),
    ("in", "the", "words", "of"),
)

# Head nouns of a medium that relays what others said: when such a phrase reports
# someone else's quote it is the relay (via), not the speaker.
MEDIA_NOUNS: frozenset[str] = frozenset("""
agency media news newspaper paper daily outlet wire service broadcaster channel television tv radio
press website site magazine journal tabloid network station report reports bulletin program programme
""".split())

# Nouns that describe a person by role; a speaker described this way is resolved
# through an earlier mention of a named person carrying the same title.
ROLE_NOUNS: frozenset[str] = frozenset("""
minister president leader spokesman spokeswoman spokesperson head chief chairman chairwoman chair
secretary ambassador official diplomat envoy governor senator representative congressman congresswoman
mayor premier chancellor king queen prince general commander director officer adviser advisor
candidate nominee founder executive ceo manager lawyer attorney judge justice prosecutor analyst
expert professor researcher economist author writer reporter journalist editor correspondent
deputy aide negotiator speaker pope bishop priest coach captain emperor dictator ruler monarch
""".split())

MASCULINE_TITLES: frozenset[str] = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "spokesman",
                                              "chairman", "congressman"})
FEMININE_TITLES: frozenset[str] = frozenset({"ms", "ms.", "mrs", "mrs.", "miss", "madam", "lady", "queen",
                                             "princess", "spokeswoman", "chairwoman", "congresswoman"})

PERSON_PRONOUNS: dict[str, str] = {"he": "Masc", "him": "Masc", "his": "Masc", "she": "Fem", "her": "Fem",
                                   "hers": "Fem"}
# Pronouns that stand for a group or an organisation; resolved only to an organisation.
GROUP_PRONOUNS: frozenset[str] = frozenset({"they", "it", "we"})

# Words that head an organisation's name: a name ending in one is not a person, and
# a person's name glued after one ("the Foreign Ministry Jane Doe") is split off.
ORGANISATION_HEADS: frozenset[str] = frozenset("""
ministry department office agency house party council committee government company inc corp corporation
university news bank union association administration service services institute center centre foundation
commission court parliament assembly senate congress army navy force forces police embassy group
""".split())
