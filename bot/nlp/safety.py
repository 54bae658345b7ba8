"""The emergency safety net: phrasings that must reach 911 advice even when the model is unsure."""

from __future__ import annotations

import re
from typing import Pattern, Tuple

# Each pattern is a symptom the clinic's side-effect list or common sense makes urgent:
# breathing, swallowing, speaking, severe allergy, spreading weakness. Negations such as
# "no trouble breathing" are excluded below, so a patient answering a question is not alarmed.
_PATTERNS: Tuple[str, ...] = (
    r"\b(can'?t|cannot|can not|couldn'?t|unable to|hard to|hard time|struggling to|trouble|difficult(y)?|problems?)\s+(\w+\s+){0,2}(breath(e|ing)?|swallow(ing)?|speak(ing)?|talk(ing)?)\b",
    r"\b(short(ness)? of breath|breathless|gasping|wheez(e|ing)|choking)\b",
    r"\b(throat|tongue|lips?|face|mouth)\s+(is\s+|are\s+|feels?\s+|getting\s+|started\s+)?(swell(ing)?|swollen|closing( up)?|tight(ening)?)\b",
    r"\bswell(ing|ed)?\s+(of|in)\s+(my\s+)?(throat|tongue|lips?|face)\b",
    r"\b(anaphyla\w*|epi ?pen|severe allergic|bad allergic reaction|allergic reaction.*(bad|severe|serious))\b",
    r"\bhives\s+(all over|everywhere)\b",
    r"\b(slurr(ed|ing)|garbled)\s+(speech|words|talking)\b",
    r"\bweakness\s+(is\s+)?(spreading|moving|in my (arms|legs|whole body))\b",
    r"\b(spreading|getting worse)\s+weakness\b",
    r"\b(arms?|legs?|body)\s+(is\s+|are\s+|feels?\s+|going\s+|getting\s+)?(weak|numb)\b.*\b(after|since)\b",
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
_COMPILED: Tuple[Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in _PATTERNS)


def is_emergency(text: str | None) -> bool:
    """True when `text` describes an urgent symptom in words the safety net recognises."""
    if not text:
        return False
    normalised = " ".join(text.replace("’", "'").split())
    if _NEGATION.search(normalised):
        return False
    return any(p.search(normalised) for p in _COMPILED)
