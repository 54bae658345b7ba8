"""The clinic's vocabulary: the one source for the entity ruler and for naming what a patient said.

Canonical values are the page's own words, so an answer that names a patient's condition
("Yes — therapeutic BOTOX® is used here for jaw pain ...") never claims more than the page does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    label: str  # the Rasa entity name
    canonical: str  # the page's wording, used in answers
    phrases: tuple[str, ...]  # what patients write


CONDITIONS: tuple[Term, ...] = (
    Term("condition", "migraines", ("migraine", "migraines", "migrane", "migranes", "migraine headaches")),
    Term(
        "condition",
        "tension headaches",
        ("tension headache", "tension headaches", "tension-type headache", "tension-type headaches",
         "tension-related headaches", "stress headaches", "stress headache"),
    ),
    Term(
        "condition",
        "chronic headaches",
        ("chronic headache", "chronic headaches", "headaches", "headache", "daily headaches", "head pain"),
    ),
    Term(
        "condition",
        "jaw pain",
        # Not TMJ/TMD or lockjaw: the page doesn't name them (see UNLISTED).
        ("jaw pain", "sore jaw", "jaw ache", "aching jaw", "jaw soreness", "jaw pian", "jaw tension",
         "jaw hurts", "jaw hurting", "pain in my jaw", "jaw muscle pain"),
    ),
    Term(
        "condition",
        "oral-facial pain",
        ("oral-facial pain", "oral facial pain", "orofacial pain", "facial pain", "face pain",
         "pain in my face", "mouth pain"),
    ),
    Term(
        "condition",
        "muscular pain from grinding and clenching",
        ("grinding", "clenching", "teeth grinding", "grinding my teeth", "clenching my jaw", "bruxism",
         "clench", "grind", "clenching and grinding", "grinding and clenching", "jaw clenching"),
    ),
)

SIDE_EFFECTS: tuple[Term, ...] = (
    Term("side_effect", "muscle weakness", ("muscle weakness", "weak muscles", "weakness")),
    Term("side_effect", "an allergic reaction", ("allergic reaction", "allergy", "allergic")),
    Term("side_effect", "minor spread of toxin effects", ("spread of toxin", "toxin spread", "spreading")),
    Term("side_effect", "temporary dry mouth", ("dry mouth",)),
    Term(
        "side_effect",
        "minor and temporary discomfort or pain at the injection site",
        ("injection site pain", "pain at the injection site", "sore injection site", "needle pain"),
    ),
    Term("side_effect", "temporary fatigue", ("fatigue", "tired", "tiredness", "exhaustion")),
    Term("side_effect", "headache", ("headache after", "headache afterwards", "get a headache")),
    Term("side_effect", "neck pain", ("neck pain", "sore neck", "stiff neck")),
    Term("side_effect", "blurred vision", ("blurred vision", "blurry vision", "vision problems")),
    Term(
        "side_effect",
        "eyelid droop",
        ("eyelid droop", "droopy eyelid", "droopy eyelids", "drooping eyelid", "eyelid drooping", "ptosis"),
    ),
    Term("side_effect", "dry eyes", ("dry eyes", "dry eye")),
)

# What patients ask about that the page does not name: the bot says so, lists what the page does
# name, and offers the team, instead of mapping it to a near term ("lockjaw" is not "jaw pain").
UNLISTED: tuple[Term, ...] = tuple(
    Term("unlisted", name, phrases)
    for name, phrases in (
        ("TMJ", ("tmj", "tmj pain", "tmj disorder", "tmj disorders", "temporomandibular joint", "tmj dysfunction")),
        ("TMD", ("tmd",)),
        ("lockjaw", ("lockjaw", "lock jaw", "locked jaw", "jaw locking", "jaw locks")),
        ("trigeminal neuralgia", ("trigeminal neuralgia", "neuralgia", "trigeminal")),
        ("Bell's palsy", ("bell's palsy", "bells palsy", "bell palsy")),
        ("cluster headaches", ("cluster headache", "cluster headaches")),
        ("sinus pain", ("sinus", "sinus pain", "sinuses", "sinusitis", "sinus headache", "sinus headaches")),
        ("tinnitus", ("tinnitus", "ringing in my ears", "ringing ears", "ear ringing")),
        ("ear pain", ("ear pain", "earache", "earaches", "ear ache")),
        ("fibromyalgia", ("fibromyalgia", "fibro")),
        ("sleep apnea", ("sleep apnea", "sleep apnoea", "snoring")),
        ("back pain", ("back pain", "lower back pain", "sore back")),
        ("arthritis", ("arthritis",)),
        ("excessive sweating", ("sweating", "hyperhidrosis", "excessive sweating", "sweaty")),
        ("depression or anxiety", ("depression", "anxiety")),
        ("toothache", ("toothache", "tooth pain", "tooth ache")),
        ("dizziness", ("dizziness", "dizzy", "vertigo")),
        ("muscle spasms", ("spasms", "muscle spasms", "twitching", "tics")),
        ("bruising", ("bruising", "bruise", "bruises", "bruised")),
        ("swelling", ("swelling", "swollen", "puffiness")),
        ("hair loss", ("hair loss", "losing hair", "hair falling out")),
        ("nausea", ("nausea", "nauseous", "vomiting", "throwing up")),
        ("numbness", ("numbness", "numb", "tingling")),
        ("a rash", ("rash", "itching", "itchy")),
        ("fever or flu-like symptoms", ("fever", "flu like symptoms", "flu-like symptoms", "flu symptoms", "chills")),
        ("infection", ("infection", "infections")),
        ("weight gain", ("weight gain", "gain weight", "weight loss")),
        ("memory problems", ("memory loss", "memory problems", "forgetful")),
        ("double vision", ("double vision", "seeing double")),
        ("sleep problems", ("insomnia", "trouble sleeping")),
        ("a crooked smile", ("crooked smile", "uneven smile", "lopsided smile", "asymmetry")),
    )
)

BODY_AREAS: tuple[Term, ...] = (
    Term("body_area", "face", ("face", "facial")),
    Term("body_area", "head", ("head", "temples", "forehead")),
    Term("body_area", "jaw", ("jaw", "jaws", "jaw muscles", "masseter")),
    Term("body_area", "shoulders", ("shoulder", "shoulders", "neck and shoulders")),
)

ALL_TERMS: tuple[Term, ...] = CONDITIONS + SIDE_EFFECTS + UNLISTED + BODY_AREAS

# Rasa's entity extractor passes only these on; body areas still help the ruler resolve overlaps.
EXTRACTED_LABELS = ("condition", "side_effect", "unlisted")


def ruler_patterns(terms: Iterable[Term] = ALL_TERMS) -> list[dict[str, object]]:
    """Entity-ruler patterns, matched on the normalizer's forms (bot/nlp/normalize.py), so "TMJ",
    "tmj" and "migrane" find their term."""
    patterns: list[dict[str, object]] = []
    for term in terms:
        for phrase in term.phrases:
            tokens = phrase.replace("-", " - ").split()
            patterns.append(
                {"label": term.label, "pattern": [{"NORM": t} for t in tokens], "id": term.canonical}
            )
    return patterns


def canonical(label: str, mention: str) -> str | None:
    """The page's wording for what a patient wrote, or None when the mention is unknown."""
    needle = " ".join(mention.lower().replace("-", " - ").split())
    for term in ALL_TERMS:
        if term.label != label:
            continue
        if needle == term.canonical.lower() or needle in (" ".join(p.replace("-", " - ").split()) for p in term.phrases):
            return term.canonical
    return None
