"""Pure helpers for understanding a question in context: topics named in a message, second questions,
follow-ups, and the classifier's close alternatives. No Rasa objects here, so each is unit-tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from re import Pattern
from typing import Any, Optional

FAQ_PREFIX = "faq_"
# What a "did you mean" button or a second question may lead to besides a page topic.
ACTIONABLE = ("book_consultation", "request_human")

# Words that point at a topic. A second question is answered only when its own words point at
# a topic other than the first's: the classifier alone ranks one label per message.
_KEYWORDS: dict[str, str] = {
    "faq_side_effects": r"side ?effects?|side ?affects?|risks?|adverse|reactions?|downsides?|after ?effects?",
    "faq_dr_training": r"train(ed|ing)?|courses?|certif\w*|qualif\w*|institutes?|learn(ed|t)? (it|botox)|educat\w*",
    "faq_dr_experience": r"experience[d]?|how long (has|have) (he|dr|doctor|the doctor)|years (in|of) practice|who is (dr|doctor|the doctor)|about (dr|doctor) walters",
    "faq_dr_memberships": r"members?(hip)?|associations?|society|affiliat\w*|belong",
    "faq_approval": r"approv\w*|fda|health canada|legal|licen[cs]ed|regulat\w*",
    "faq_ingredient": r"made (of|from)|ingredients?|what'?s in it|toxin|botulinum|clostridium|contains?",
    "faq_what_is": r"what is (it|botox|therapeutic botox)|what does it do|how does it work|what exactly",
    "faq_not_cosmetic": r"cosmetic|wrinkles?|beauty|vanity|aesthetic",
    "faq_why_dentist": r"why (a |would a |does a |do )?dentists?|dentists? (do|does|doing|giving|offer)",
    "faq_candidates": r"candidates?|right for me|for me\b|who (is it|can get it|should)|tried everything|nothing (else )?(has )?work",
    "faq_first_step": r"first (step|visit|appointment)|how do i (start|begin|get started)|get started|process|what happens at",
    "faq_effectiveness": r"does it (really |actually )?work|effective(ness)?|how well|success|results?|relief",
    "faq_conditions": r"treats?|what (can|does) it help|help (with|my)|migraines?|headaches?|jaw|clench\w*|grind\w*|tmj",
    "faq_motto": r"motto|slogan|philosophy|feel better",
    "faq_safety_overview": r"\bsafe(ty)?\b|precautions?|before (the )?treatment",
    "faq_safety_medications": r"medications?|meds|pills|drugs?|prescriptions?|blood thinners?|antidepressants?|insulin|aspirin"
                              r"|ibuprofen|advil|tylenol|warfarin|eliquis|birth control|antibiotics?|supplements?|taking (\w+ )?(daily|every day)",
    "faq_safety_pregnancy": r"pregnan\w*|expecting (a )?(baby|child)?|conceiv\w*|trying for (a )?(baby|kid)|\bttc\b|having a baby|enceinte",
    "faq_safety_surgery": r"surger(y|ies)|surgeon|operat(ion|ions|ed on)|facelift|face ?lift|had (\w+ )?work done|procedure (planned|coming up|scheduled)",
    "faq_safety_facial_weakness": r"facial (weakness|paralysis|palsy|droop)|weak face|face (is |feels )?(weak|droopy)|facial muscles? (are )?weak"
                                  r"|bell'?s palsy|weakness in my face|one side of my face",
    "faq_safety_nerve": r"\bals\b|lou gehrig|nerve|neuro\w*|muscle (disease|condition|disorder)|myasthenia|multiple sclerosis|\bms\b"
                        r"|parkinson'?s?|muscular dystrophy|neuropathy",
    "faq_safety_medical_conditions": r"medical conditions?|health (conditions?|problems?|issues?)|health history|conditions? i have"
                                     r"|diabet\w*|heart (disease|condition|problems?)|blood pressure|asthma|epilep\w*|autoimmune|lupus"
                                     r"|cancer|thyroid|kidney|liver|illness|chronic (illness|disease)",
    "book_consultation": r"\bbook\w*|appointment|schedule|sign (me )?up|consult(ation)?\b",
    "request_human": r"talk to (a |someone|somebody|a person|a human|the|staff)|call me|phone me|real person|receptionist",
}
TOPIC_PATTERNS: dict[str, Pattern[str]] = {k: re.compile(rf"\b({v})", re.IGNORECASE) for k, v in _KEYWORDS.items()}

# Where a second question starts: a question mark, "also", "and" + a question word, "plus".
_SPLIT = re.compile(
    r"\?+|[;\n]|\balso\b|\bplus\b|,\s*(?=(?:and |&\s*)?(?:what|how|is|are|does|do|can|could|who|where|when|will|would|should|has|have)\b)|\b(?:and|&) (?=(?:what|how|is|are|does|do|can|could|who|where|when|will|would|should|has|have)\b)",
    re.IGNORECASE,
)
# A follow-up that leans on the previous answer: "and for clenching?", "what about tension
# headaches then", "same for grinding?", "does that one ...", "it", "too".
FOLLOW_UP: Pattern[str] = re.compile(
    r"^\s*(and|also|what about|how about|same|so|ok(ay)?,? (and|what about)|then)\b|\b(too|as well|then)\s*\??\s*$"
    r"|\b(that one|this one|that|it)\b",
    re.IGNORECASE,
)


def segments(text: str) -> list[str]:
    """The message cut where a further question may start; empty pieces dropped."""
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip() and not _SPLIT.fullmatch(s.strip())]


def topics_in(text: str) -> list[str]:
    """Topics whose words occur in `text`, in the order they first occur."""
    found = [(m.start(), topic) for topic, pattern in TOPIC_PATTERNS.items() if (m := pattern.search(text))]
    named = [topic for _, topic in sorted(found)]
    # "is it safe if pregnant" is the pregnancy question, not the general safety one.
    if any(t.startswith("faq_safety_") and t != "faq_safety_overview" for t in named):
        named = [t for t in named if t != "faq_safety_overview"]
    return named


def second_question(text: str, first: str, ranking: Sequence[str] = ()) -> Optional[str]:
    """The topic of a further question in the same message, or None.

    A piece of the message after the first one counts when its own words point at a topic that
    isn't `first` (nor one the first piece already names: the same question in other words).
    Without such a piece ("side effects and training?"), a second topic named anywhere counts
    only when the classifier also ranked it among its top three (`ranking`, best first).
    """
    pieces = segments(text)
    if len(pieces) >= 2:
        named_first = set(topics_in(pieces[0])) | {first}
        for piece in pieces[1:]:
            for topic in topics_in(piece):
                if topic not in named_first and not _same_question(first, topic, piece):
                    return topic
    top = [t for t in ranking[:3] if t != first]
    for topic in topics_in(text):
        if topic != first and topic in top and not _same_question(first, topic, text):
            return topic
    return None


_QUESTION_SHAPE = re.compile(
    r"^\s*(what|how|is|are|does|do|can|could|who|where|when|will|would|should|has|have|which|why|any)\b", re.IGNORECASE
)


def unanswerable_question(text: str, first: str) -> bool:
    """Whether a piece after the first asks something that names no topic of the page
    ("does it help migraines? and how much does it cost?")."""
    pieces = segments(text)
    named_first = set(topics_in(pieces[0])) | {first} if pieces else {first}
    for piece in pieces[1:]:
        words = piece.split()
        if len(words) >= 3 and _QUESTION_SHAPE.match(piece) and not (set(topics_in(piece)) - named_first) and not topics_in(piece):
            return True
    return False


def _same_question(first: str, topic: str, piece: str) -> bool:
    # "Does it work for migraines?" names conditions and effectiveness at once: one question.
    overlapping = {frozenset({"faq_conditions", "faq_effectiveness"}), frozenset({"faq_conditions", "faq_candidates"}),
                   frozenset({"faq_safety_overview", "faq_side_effects"}), frozenset({"faq_what_is", "faq_effectiveness"}),
                   frozenset({"faq_first_step", "book_consultation"})}
    return frozenset({first, topic}) in overlapping


def is_follow_up(text: str) -> bool:
    return bool(FOLLOW_UP.search(text))


@dataclass(frozen=True)
class Candidate:
    intent: str
    confidence: float


def close_alternatives(ranking: Sequence[Mapping[str, Any]], floor: float = 0.12, most: int = 3) -> list[Candidate]:
    """The classifier's answerable guesses worth offering ("Did you mean ...?"), best first."""
    chosen: list[Candidate] = []
    for entry in ranking:
        name = str(entry.get("name") or "")
        confidence = float(entry.get("confidence") or 0.0)
        if confidence < floor:
            break
        if name.startswith(FAQ_PREFIX) or name in ACTIONABLE:
            chosen.append(Candidate(name, confidence))
        if len(chosen) == most:
            break
    return chosen


def entity_values(entities: Iterable[Mapping[str, Any]], kind: str) -> list[str]:
    return [str(e.get("value")) for e in entities if e.get("entity") == kind and e.get("value")]
