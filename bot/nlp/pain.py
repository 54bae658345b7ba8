"""Whether a patient asks if the injections hurt ("does it hurt?", "is the needle painful", "how sore
will i b after").

The page's answer is one of its side effects, "minor and temporary discomfort or pain at the
injection site"; the page says nothing more about how the injections feel. These questions were
trained as out of scope, so patients got "I don't have that information" where the page does say
something (development set 6: 9 of its 61 misses). Pure functions, no Rasa: PatternSafeguards
re-reads such a question as the side effects, and actions/topics.py finds it as a second question.

Only the treatment (it, the needle, the injections, the shots, botox) hurting counts: "my jaw hurts,
can botox help?" asks about a condition, and "can botox hurt my baby" asks about pregnancy.
A symptom told after treatment ("it hurts where they injected") is caught before this, by the
after-treatment safeguard.
"""

from __future__ import annotations

import re

# The side effect's key in the vocabulary (bot/nlp/vocabulary.py): the page's wording is its canonical form.
INJECTION_SITE_PAIN = "injection site pain"

_TREATMENT = (r"(it|that|this|they|botox|the\s+(needles?|injections?|shots?|treatment|procedure|botox|pokes?)"
              r"|(getting|having)\s+(it|botox|the\s+(injections?|shots?|needles?))|needles?|injections?|shots?)")
_HURTS = r"(hurt|hurts|sting|stings|pinch|painful|painfull|paiful|panful|sore|uncomfortable)"
INJECTION_PAIN_PATTERN = (
    # "does it hurt?", "do the shots hurt", "is the needle painful", "will it be sore after"
    rf"\b(does|do|will|would|is|are|did|can|could|gonna|going\s+to)\s+{_TREATMENT}\s+(\w+\s+)?(be\s+)?{_HURTS}\b"
    r"(?!\s+(my|your|the|a|an|his|her|their|our|baby|babies|people)\b)"
    # "how much does the injection hurt", "how sore will i b after", "how painful is it"
    rf"|\bhow\s+(much|bad)\s+(does|do|will|would|is|are)\s+{_TREATMENT}\s+(\w+\s+)?{_HURTS}\b"
    r"|\bhow\s+(sore|painful|paiful|painfull|uncomfortable)\b"
    # "is the needle painfull", "needles painful?", "injection pain?"
    r"|\b(needles?|injections?|shots?|pokes?)\s+(are\s+|is\s+)?(painful|painfull|paiful|sore|hurt|hurts|pain)\b"
    r"|\b(painful|painfull|paiful|hurt)\s+(injections?|shots?|needles?)\b"
)
_ASKS = re.compile(INJECTION_PAIN_PATTERN, re.IGNORECASE)


def asks_about_injection_pain(text: str | None) -> bool:
    """Whether `text` asks if the treatment's injections hurt or leave soreness."""
    return bool(text) and bool(_ASKS.search(text))
