"""The emergency safety net: phrasings that must reach 911 advice even when the model is unsure."""

from __future__ import annotations

import re
from re import Pattern

_DIFFICULTY = r"(can'?t|cannot|can not|couldn'?t|unable to|hard to|hard time|struggling to|struggle to|trouble|difficult(y|ies)?|problems?|barely|hardly|can barely|can hardly)"
_BREATHE = r"(breath(e|ing)?|catch my breath)"
_SWALLOW = r"(swallow(ing)?)"
# "I can't talk now" is an answer about availability, not a symptom: speaking needs a
# difficulty word other than a bare "can't", or a "properly/clearly" after it.
_SPEAK_DIFFICULTY = r"(trouble|difficult(y|ies)?|hard to|hard time|struggling to|barely|hardly|problems?)"

# Each pattern is a symptom the clinic's side-effect list or common sense makes urgent:
# breathing, swallowing, speaking, severe allergy, spreading weakness, and a few universal ones.
_PATTERNS: tuple[str, ...] = (
    rf"\b{_DIFFICULTY}\s+(\w+\s+){{0,2}}({_BREATHE}|{_SWALLOW})\b",
    rf"\b({_BREATHE}|{_SWALLOW})\s+(is|was|feels?|has been|got|getting)\s+(\w+\s+)?(hard|difficult|tough|impossible|painful)\b",
    r"\b(breathing|swallowing)\s+(problems?|trouble|difficult(y|ies)?|issues?)\b",
    r"\b(short(ness)? of breath|breathless|gasping|wheez(e|ing)|choking|can'?t get (any )?air)\b",
    rf"\b{_SPEAK_DIFFICULTY}\s+(\w+\s+){{0,2}}(speak(ing)?|talk(ing)?)\b",
    r"\b(can'?t|cannot|unable to)\s+(speak|talk)\s+(properly|clearly|right|normally|well)\b",
    r"\b(slurr(ed|ing)|garbled)\s+(\w+\s+)?(speech|words|talking)\b|\bspeech\s+(is\s+)?(slurred|garbled)\b",
    r"\b(throat|tongue|lips?|face|mouth)\s+(is\s+|are\s+|feels?\s+|getting\s+|started\s+|keeps\s+)?(swell(ing)?|swollen|closing( up)?|tight(ening)?)\b",
    r"\bswell(ing|ed)?\s+(of|in)\s+(my\s+)?(throat|tongue|lips?|face)\b",
    r"\b(anaphyla\w*|epi ?pen|(severe|serious|bad|major)\s+allergic|allergic reaction\b.*\b(bad|severe|serious))\b",
    r"\b(hives|rash)\s+(all over|everywhere)\b|\bcovered in hives\b",
    r"\bweakness\s+(is\s+|has\s+)?(spreading|spread|moving|moved|going)\b",
    r"\bweakness\s+in\s+my\s+(arms?|legs?|whole body|body|neck)\b",
    r"\b(spreading|getting worse)\s+weakness\b",
    r"\b(weak|numb)\s+all over\b",
    r"\b(arms?|legs?|body|neck)\s+(is\s+|are\s+|feels?\s+|going\s+|getting\s+|is getting\s+|are getting\s+)?(weak|numb)\b.*\b(after|since)\b",
    r"\bchest\s+(pain|tight(ness)?)\b",
    r"\b(i'?m|i am|having|this is|it'?s|it is)\s+(a|an)?\s*(medical\s+)?emergency\b",
    r"\b(call(ed)?|calling)\s+(911|an ambulance)\b|\b911\b",
    r"\b(passing|passed|going to pass) out\b|\bfainted\b",
)
_NEGATION: Pattern[str] = re.compile(
    r"\b(no|not|never|without|don'?t have|doesn'?t|didn'?t|isn'?t|aren'?t)\b\s+(\w+\s+){0,2}"
    r"(trouble|difficulty|problems?|swelling|allergic|weakness|emergency|chest|hives)",
    re.IGNORECASE,
)
# A negation only speaks for its own clause: "never had a reaction before but my throat is
# closing" is an emergency.
_CLAUSES: Pattern[str] = re.compile(r"[.;!?]|,|\bbut\b|\bthough\b|\bhowever\b|\band now\b|\bnow\b", re.IGNORECASE)
_COMPILED: tuple[Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in _PATTERNS)


def is_emergency(text: str | None) -> bool:
    """True when `text` describes an urgent symptom in words the safety net recognises."""
    if not text:
        return False
    normalised = " ".join(text.replace("’", "'").split())
    for clause in _CLAUSES.split(normalised):
        if not clause or not clause.strip() or _NEGATION.search(clause):
            continue
        if any(p.search(clause) for p in _COMPILED):
            return True
    return False
