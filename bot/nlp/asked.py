"""What a patient asks BOTOX to help with or to cause, read from the question's shape.

"does botox help sciatica?", "can it cause hearing loss", "ça aide-tu pour le syndrome du canal
carpien?": the page names a few conditions and side effects; anything else it doesn't name must
get the honest "the page doesn't mention <it>" answer, never the page's general list read as a yes,
and never a 911 message for a question. The vocabulary (bot/nlp/vocabulary.py) knows the terms
patients ask about most; this reads the term the question is about when the vocabulary doesn't
know it. Pure functions: PatternSafeguards calls `asked_about` on each message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.nlp.vocabulary import CONDITION, SIDE_EFFECT

# The extractor name on an "unlisted" entity read from a question's shape: its value is the
# patient's own words (actions/common.mention shows it as written).
ASKED_EXTRACTOR = "AskedAbout"
MAX_WORDS = 5
MAX_CHARS = 40


@dataclass(frozen=True)
class Asked:
    kind: str  # CONDITION ("does it help X") or SIDE_EFFECT ("can it cause X")
    mention: str  # the patient's words for X, cleaned ("carpal tunnel")
    start: int
    end: int


_SUBJECT_EN = (r"(?:therapeutic\s+)?(?:botox|botx|botex)(?:\s+(?:injections?|shots?|treatment))?|it|this|"
               r"the\s+(?:treatment|injections?|shots?)|these\s+(?:injections|shots)|injections|shots|u|you")
_SUBJECT_FR = (r"(?:le\s+)?botox(?:\s+th[ée]rapeutique)?|[çc]a|cela|le\s+traitement|ce\s+traitement|"
               r"les\s+injections|vous|il")
_X = r"(?P<x>[a-zàâçéèêëîïôûùüÿœ' -]{2,60}?)"
_FILLERS = r"too|also|as well|at all|or not|then|pls|please|lol|tho|though|really|tbh|honestly|svp|stp|aussi|du tout"
_END = r"\s*(?:[?.!]+|\s(?:" + _FILLERS + r"))*\s*$"

_HELPS_EN = re.compile(
    r"(?:^|\b)(?:does|do|can|could|will|would|might|may|is|iz)\s+(?:" + _SUBJECT_EN + r")\s+"
    r"(?:also\s+|even\s+|actually\s+|really\s+|ever\s+)?"
    # "help/treat X" take the term directly; "work", "good", "used" only with a preposition
    # ("does it really work tho" is about whether it works, not about a term "tho").
    r"(?:(?:help|treat|fix|cure|relieve|get\s+rid\s+of)(?:\s+(?:with|w/|for|on|against))?"
    r"|(?:work|be\s+used|be\s+good|good|effective|used|do\s+anything)\s+(?:for|on|against|with|to\s+treat))\s+"
    + _X + _END)
_HELPS_EN_SHORT = re.compile(r"^(?:is\s+)?(?:botox|it)\s+(?:good\s+|effective\s+|used\s+)?(?:for|against)\s+" + _X + _END)
_CAUSES_EN = re.compile(
    r"(?:^|\b)(?:does|do|can|could|will|would|might|may)\s+(?:" + _SUBJECT_EN + r")\s+(?:ever\s+|also\s+)?"
    r"(?:cause|give|lead\s+to|trigger|result\s+in|bring\s+on|raise|increase|worsen|make)\s+"
    r"(?:you\s+|u\s+|me\s+|people\s+|patients\s+|someone\s+)?" + _X + _END)
_SIDE_EFFECT_EN = re.compile(r"^(?:is|are)\s+" + _X + r"\s+a\s+(?:possible\s+|common\s+|known\s+)?side\s*effects?" + _END)

_MODAL_FR = r"(?:(?:peut|pourrait|va)(?:[- ]t?-?(?:il|tu))?\s+)?"
_ASKING_FR = r"(?:[- ]t?-?tu|-t-il|-il)?"  # "ça aide-tu", "le botox traite-t-il"
_HELPS_FR = re.compile(
    r"(?:^|\b)(?:est[- ]ce\s+que\s+|esque\s+)?(?:" + _SUBJECT_FR + r")\s+" + _MODAL_FR +
    # "aider/traiter X" take the term directly; "marcher", "être bon" only with a preposition.
    r"(?:(?:aide|aider|aiderait|aidez|soigne|soigner|soignez|traite|traiter|traitez|soulage|soulager|gu[ée]rit|gu[ée]rir)"
    + _ASKING_FR + r"(?:\s+(?:pour|avec|contre|sur|[àa]))?"
    r"|(?:marche|marcher|fonctionne|fonctionner|est\s+bon|est\s+efficace|serait\s+bon)" + _ASKING_FR
    + r"\s+(?:pour|avec|contre|sur|[àa]))\s+" + _X + _END)
_HELPS_FR_ESTCE = re.compile(r"\best[- ]ce\s+(?:efficace|bon|utile)\s+(?:pour|contre|avec)\s+" + _X + _END)
_HELPS_FR_SHORT = re.compile(r"^(?:le\s+)?botox\s+(?:pour|contre)\s+" + _X + _END)
_CAUSES_FR = re.compile(
    r"(?:^|\b)(?:est[- ]ce\s+que\s+|esque\s+)?(?:" + _SUBJECT_FR + r")\s+" + _MODAL_FR +
    r"(?:causer|cause|donner|donne|provoquer|provoque|entra[îi]ner|entra[îi]ne|faire(?=\s+(?:perdre|tomber)\b))" + _ASKING_FR + r"\s+" + _X + _END)

# (pattern, kind), tried in this order.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_CAUSES_EN, SIDE_EFFECT), (_SIDE_EFFECT_EN, SIDE_EFFECT), (_HELPS_EN, CONDITION), (_HELPS_EN_SHORT, CONDITION),
    (_CAUSES_FR, SIDE_EFFECT), (_HELPS_FR, CONDITION), (_HELPS_FR_ESTCE, CONDITION), (_HELPS_FR_SHORT, CONDITION),
)

_LEADING = re.compile(
    r"^(?:(?:with|for|on|my|your|his|her|their|our|the|a|an|any|some|people\s+with|someone\s+with|patients\s+with|"
    r"mon|ma|mes|le|la|les|des|du|de\s+la|de|un|une|son|sa|ses)\s+|(?:de\s+)?[ld]'\s*)+")
_TRAILING = re.compile(r"(?:\s+(?:" + _FILLERS + r"))+$")

# Words that make X a question about the page's own topics, a person, or a pronoun (a follow-up):
# those are answered by the classifier's topic, not as an unlisted term.
_NOT_A_TERM = frozenset("""
it that this them those these him her me us you u tho though really much lot bit anything everything something nothing all more stuff things
everyone anyone someone people ppl folks person persons who kids children child teens teenagers adults seniors men women patients
botox pain pains headache headaches migraine migraines jaw jaws face facial muscle muscles clenching clench
grinding grind bruxism tension wrinkles wrinkle lines cosmetic side effect effects eyelid eyelids dry mouth
eyes fatigue tired neck vision blurred allergic allergy weakness toxin discomfort relief shoulders head
pregnancy pregnant surgery medication medications meds pills drugs conditions condition long fast quickly well work
ca ça cela tout rien moi toi lui elle eux gens enfants douleur douleurs mal migraine migraines mâchoire machoire
visage tête tete muscles serrement grincement bruxisme rides cosmétique cosmetique effets secondaires paupière
paupiere bouche yeux fatigue cou vision allergie faiblesse toxine soulagement épaules epaules grossesse enceinte
chirurgie médicaments medicaments longtemps vite vraiment beaucoup bien mieux aussi vous nous dormir
""".split())


_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]")


def _clean(x: str) -> str:
    x = " ".join(x.replace("’", "'").split())
    previous = None
    while previous != x:
        previous = x
        x = _LEADING.sub("", x).strip()
        x = _TRAILING.sub("", x).strip(" -'")
    return x


def asked_about(text: str) -> Optional[Asked]:
    """The term a "does it help X?" / "can it cause X?" question is about, or None.

    None when X is a pronoun, a person, one of the page's own topics, or too long to be a term
    (a story): those are left to the classifier and the vocabulary.
    """
    # Emoji say how the patient feels, not what they ask ("can it cause acne? 😩").
    lowered = " ".join(_EMOJI.sub(" ", text.lower().replace("’", "'")).split())
    for pattern, kind in _PATTERNS:
        found = pattern.search(lowered)
        if not found:
            continue
        mention = _clean(found.group("x"))
        words = mention.split()
        if not words or len(words) > MAX_WORDS or len(mention) > MAX_CHARS:
            return None
        if any(word.strip("'") in _NOT_A_TERM for word in re.split(r"[\s'-]+", mention) if word):
            return None
        start = max(text.lower().find(mention), 0)
        return Asked(kind, mention, start, start + len(mention))
    return None
