"""What several actions share: the screening's slots, reading the tracker, FAQ answers."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.nlp.vocabulary import canonical

HEALTH_SLOTS: tuple[str, ...] = (
    "reason",
    "medications",
    "surgery",
    "facial_weakness",
    "nerve_condition",
    "pregnancy",
    "other_conditions",
)
CONTACT_SLOTS: tuple[str, ...] = ("full_name", "phone", "email", "contact_method", "contact_time")
YES_NO_SLOTS: tuple[str, ...] = ("surgery", "facial_weakness", "nerve_condition", "pregnancy")
# Everything the consultation form holds; cleared after a handoff, a cancel or a refusal.
SCREENING_SLOTS: tuple[str, ...] = (
    ("consent_given",) + HEALTH_SLOTS + CONTACT_SLOTS + ("confirmed", "change_pending", "question_for_staff")
)

# Intents that, asked in the middle of the form, are answered and then the form resumes.
FAQ_PREFIX = "faq_"
# The answers that can name what the patient asked about: (response naming a term the page
# lists, response for a term the page doesn't name, response without a term).
ENTITY_ANSWERS: dict[str, tuple[str, str, str, str]] = {
    # intent: (entity, named, unlisted, general)
    "faq_conditions": ("condition", "utter_faq_conditions_named", "utter_faq_conditions_unlisted", "utter_faq_conditions"),
    "faq_side_effects": ("side_effect", "utter_faq_side_effect_named", "utter_faq_side_effect_unlisted", "utter_faq_side_effects"),
}
# Questions about whether it helps, where a condition the page doesn't name must be said so.
HELPS_INTENTS = ("faq_effectiveness", "faq_candidates", "faq_what_is", "faq_why_dentist")
# Intents that say little by themselves: a condition or side effect in the message decides.
WEAK_INTENTS = ("nlu_fallback", "show_menu", "out_of_scope")
WEAK_MAX_WORDS = 5
UNLISTED = "unlisted"


def reset_screening() -> list[dict[str, Any]]:
    """Events that forget every answer the consultation form collected."""
    return [SlotSet(name, None) for name in SCREENING_SLOTS + ("requested_slot",)]


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
    return list((tracker.latest_message or {}).get("entities") or [])


def mention(entities: list[dict[str, Any]], entity: str) -> Optional[str]:
    """The page's wording (or, for unlisted terms, the term's name) of the first `entity` found."""
    for found in entities:
        if found.get("entity") == entity and found.get("value"):
            value = canonical(entity, str(found["value"]))
            if value:
                return value
    return None


def named_mention(tracker: Tracker, entity: str) -> Optional[str]:
    """The page's wording for the first `entity` the patient mentioned in their last message."""
    return mention(latest_entities(tracker), entity)


def topic_for(intent: str, entities: list[dict[str, Any]], text: str = "") -> str:
    """The topic to answer: the classifier's, unless the terms in the message say otherwise.

    "and dry mouth?" read as conditions is about a side effect; "can you help with my TMJ?" read
    as the menu is about a condition; a message that is little more than a term is about it.
    """
    condition, side_effect, unlisted = (mention(entities, k) for k in ("condition", "side_effect", UNLISTED))
    short = len(text.split()) <= WEAK_MAX_WORDS
    if intent == "faq_conditions" and side_effect and not condition:
        return "faq_side_effects"
    # Headache is on both of the page's lists: "does it cause headaches?" stays a side effect.
    if intent == "faq_side_effects" and condition and not side_effect and not unlisted and condition != "chronic headaches":
        return "faq_conditions"
    if intent in HELPS_INTENTS and unlisted:
        return "faq_conditions"
    if intent in WEAK_INTENTS and (intent != "out_of_scope" or short):
        if side_effect and not condition:
            return "faq_side_effects"
        if condition or (unlisted and intent != "out_of_scope"):
            return "faq_conditions"
    return intent


def faq_answer(intent: str, tracker: Tracker) -> tuple[str, dict[str, str]]:
    """The response (and its template values) that answers FAQ `intent` for this message."""
    entities = latest_entities(tracker)
    return answer_for(topic_for(intent, entities, latest_text(tracker)), entities)


def answer_for(intent: str, entities: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """The response for `intent`, naming the patient's term where the answer can."""
    if intent in ENTITY_ANSWERS:
        entity, named, unlisted, general = ENTITY_ANSWERS[intent]
        # A term the page doesn't name comes first: never let a listed term in the same message
        # read as a yes to the unlisted one.
        other = mention(entities, UNLISTED)
        if other:
            return unlisted, {"mention": other}
        found = mention(entities, entity)
        if found:
            return named, {entity: found}
        return general, {}
    return f"utter_{intent}", {}


def submission_key(tracker: Tracker, content: dict[str, Any]) -> str:
    """Same session and same answers -> same key: a double tap or a retry stores one request,
    while a different request later in the session is a new one."""
    started = 0.0
    for event in tracker.events:
        if event.get("event") == "session_started":
            started = float(event.get("timestamp") or 0.0)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{tracker.sender_id}:{started:.6f}:{digest}"


def question_in_request(text: str) -> bool:
    """Whether a request for a person carries a question worth keeping for staff."""
    lowered = text.lower()
    return "?" in text or any(w in lowered for w in (" about ", "regarding", "question", " re: ", "wondering"))
