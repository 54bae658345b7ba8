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
ENTITY_ANSWERS: dict[str, tuple[str, str, str]] = {
    # intent: (entity, response naming it, response without it)
    "faq_conditions": ("condition", "utter_faq_conditions_named", "utter_faq_conditions"),
    "faq_side_effects": ("side_effect", "utter_faq_side_effect_named", "utter_faq_side_effects"),
}


def reset_screening() -> list[dict[str, Any]]:
    """Events that forget every answer the consultation form collected."""
    return [SlotSet(name, None) for name in SCREENING_SLOTS + ("requested_slot",)]


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def named_mention(tracker: Tracker, entity: str) -> Optional[str]:
    """The page's wording for the first `entity` the patient mentioned in their last message."""
    for found in (tracker.latest_message or {}).get("entities", []):
        if found.get("entity") == entity and found.get("value"):
            value = canonical(entity, str(found["value"]))
            if value:
                return value
    return None


def faq_answer(intent: str, tracker: Tracker) -> tuple[str, dict[str, str]]:
    """The response (and its template values) that answers FAQ `intent` for this message."""
    if intent in ENTITY_ANSWERS:
        entity, named, general = ENTITY_ANSWERS[intent]
        mention = named_mention(tracker, entity)
        if mention:
            return named, {entity: mention}
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
