"""What several actions share: the forms' slots, reading the tracker, pausing and discarding, FAQ answers."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet

from actions.topics import (
    asks_about_breastfeeding_only,
    asks_side_effects_outright,
    is_follow_up,
    one_topic_named,
    segments,
    topics_in,
    topics_named_besides,
)
from bot.nlp.asked import ASKED_EXTRACTOR
from bot.nlp.language import EN, FR, LANGUAGE_SLOT
from bot.nlp.pain import asks_about_injection_pain
from bot.nlp.sentences import question_part
from bot.nlp.vocabulary import CONDITION, SIDE_EFFECT, UNLISTED_LABEL, canonical, canonical_near, name_in

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
# The questions after consent, in the form's order: "We're on question 3 of 12".
FORM_QUESTIONS: tuple[str, ...] = HEALTH_SLOTS + CONTACT_SLOTS
# Everything the consultation form holds; cleared after a handoff, a cancel or a refusal.
SCREENING_SLOTS: tuple[str, ...] = (
    ("consent_given",) + HEALTH_SLOTS + CONTACT_SLOTS + ("confirmed", "change_pending", "question_for_staff")
    # The form's own state: when it began (for redaction), how it ended, the offers it is waiting on.
    + ("screening_started", "screening_outcome", "switch_offered", "switch_choice", "discard_pending",
       "emergency_during_screening")
)
# The short contact request (actions/contact.py): no health fields, only what a message needs.
MESSAGE_SLOTS: tuple[str, ...] = (
    "message_consent", "message_name", "message_contact", "message_text", "message_kind", "message_started",
    "message_outcome", "care_message",
)
SCREENING_FORM = "consultation_form"
MESSAGE_FORM = "contact_form"
# A request paused by an emergency or a crisis: which form, to take it up again on "continue".
PAUSE_SLOTS: tuple[str, ...] = ("request_paused", "paused_form")
REDACT_SLOT = "redact_since"
# Intents the pattern safeguards force in any state: inside a form they are never an answer.
SAFETY_INTENTS: tuple[str, ...] = ("emergency", "crisis", "after_treatment")
# "en français svp" / "English please": the Rasa server has already switched the `language` slot
# (bot/language_slot.py); inside a form it is no answer, and the question is asked again.
SWITCH_LANGUAGE_INTENT = "switch_language"


def conversation_language(tracker: Tracker) -> str:
    """"fr" when the conversation is in French (its `language` slot), else "en"."""
    return FR if tracker.get_slot(LANGUAGE_SLOT) == FR else EN

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
# A message this long is a story: its question part (bot.nlp.sentences) is read first.
STORY_MIN_WORDS = 20
UNLISTED = UNLISTED_LABEL
# The page's wording for headaches, which are on both of its lists (a condition it treats and a
# possible side effect): the vocabulary reads every "headache" as this condition.
HEADACHES = "chronic headaches"
LAST_TOPIC_SLOT = "last_topic"


def reset_screening(tracker: Optional[Tracker] = None) -> list[dict[str, Any]]:
    """Events that forget every answer the consultation form collected (and its pause, if paused)."""
    return _reset(SCREENING_SLOTS, SCREENING_FORM, tracker)


def reset_message(tracker: Optional[Tracker] = None) -> list[dict[str, Any]]:
    """Events that forget the short contact request (and its pause, if paused)."""
    return _reset(MESSAGE_SLOTS, MESSAGE_FORM, tracker)


def _reset(slots: tuple[str, ...], form: str, tracker: Optional[Tracker]) -> list[dict[str, Any]]:
    events = [SlotSet(name, None) for name in slots + ("requested_slot",)]
    if tracker is not None and tracker.get_slot("paused_form") == form:
        events += [SlotSet(name, None) for name in PAUSE_SLOTS]
    return events


def discard_events(started: Optional[float], resets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`resets` wrapped in the redaction markers: the tracker store removes what the patient typed
    from `started` (the request's first message) on, in the same save (bot/store/redaction.py).
    Events after the closing marker (a form started next) are kept as they are."""
    if not isinstance(started, int | float) or isinstance(started, bool):
        return resets
    return [SlotSet(REDACT_SLOT, float(started))] + resets + [SlotSet(REDACT_SLOT, None)]


def latest_user_timestamp(tracker: Tracker) -> Optional[float]:
    """When the patient's latest message arrived (the first message of a request started now)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            stamp = event.get("timestamp")
            return float(stamp) if isinstance(stamp, int | float) else None
    return None


def user_text_at(tracker: Tracker, timestamp: Optional[float]) -> Optional[str]:
    """The patient's message that arrived at `timestamp` (the one that started a request)."""
    if timestamp is None:
        return None
    for event in tracker.events:
        if event.get("event") == "user" and event.get("timestamp") == timestamp:
            return event.get("text") or None
    return None


def previous_action(tracker: Tracker) -> Optional[str]:
    """The bot's last action before the patient's latest message (what they are answering)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def pause_events(tracker: Tracker) -> list[dict[str, Any]]:
    """Deactivate the active form with its answers kept; "continue" takes it up again at the next question.

    A screening paused by an emergency or a crisis carries the fact to staff if it is sent later.
    """
    form = (tracker.active_loop or {}).get("name")
    if not form:
        return []
    events = [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("request_paused", True),
        SlotSet("paused_form", form),
    ]
    if form == SCREENING_FORM:
        events += [SlotSet("switch_offered", None), SlotSet("discard_pending", None)]
        if latest_intent(tracker) in ("emergency", "crisis"):
            events.append(SlotSet("emergency_during_screening", True))
    return events


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
            # As typed ("tinitus"): the entity ruler matched the speller's correction.
            value = canonical(entity, str(found["value"])) or canonical_near(entity, str(found["value"]))
            if value:
                return value
            if found.get("extractor") == ASKED_EXTRACTOR:
                # The patient's own words for a term the vocabulary doesn't know ("carpal tunnel"),
                # read from the question's shape: the answer says the page doesn't mention it.
                return str(found["value"])
    return None


def named_mention(tracker: Tracker, entity: str) -> Optional[str]:
    """The page's wording for the first `entity` the patient mentioned in their last message."""
    return mention(latest_entities(tracker), entity)


def in_question(entities: list[dict[str, Any]], text: str, entity: str) -> bool:
    """Whether an `entity` of the message lies in the part that asks the question (the whole of a
    short message; a story's last question, bot.nlp.sentences.question_part). An entity without
    a position counts."""
    start, _ = question_part(text, STORY_MIN_WORDS) if text else (0, "")
    return any(found.get("entity") == entity and int(found.get("start", start) or 0) >= start for found in entities)


# Readings that a question naming the side effects outright overrides.
SIDE_EFFECTS_MISREADS = ("faq_conditions", "faq_side_effects", "out_of_scope", "nlu_fallback", "faq_safety_overview",
                         "faq_what_is", "faq_effectiveness")
# Topics a side-effects question names along the way ("side effects of botox for grinding").
SIDE_EFFECTS_TOPICS = frozenset({"faq_side_effects", "faq_conditions", "faq_safety_overview", "faq_what_is"})


def topic_for(intent: str, entities: list[dict[str, Any]], text: str = "", last_topic: Optional[str] = None) -> str:
    """The topic to answer: the classifier's, unless the terms in the message say otherwise.

    "and dry mouth?" read as conditions is about a side effect; "can you help with my TMJ?" read
    as the menu is about a condition; a message that is little more than a term is about it;
    `last_topic` (the previous answer's topic) decides for a term on both of the page's lists.
    """
    condition, side_effect, unlisted = (mention(entities, k) for k in (CONDITION, SIDE_EFFECT, UNLISTED))
    short = len(text.split()) <= WEAK_MAX_WORDS
    # Side effects asked about in so many words, in one question: whatever the treatment is for,
    # and whatever the classifier read (the conditions, out of scope, the safety overview).
    if (intent in SIDE_EFFECTS_MISREADS and asks_side_effects_outright(text)
            and all(asks_side_effects_outright(piece) or not topics_in(piece) for piece in segments(text))
            and not topics_named_besides(text, SIDE_EFFECTS_TOPICS)):
        return "faq_side_effects"
    # Breastfeeding is not on the page: read as the pregnancy item, it is out of scope. Told as the
    # patient's own situation ("I'm nursing, can I get it?") it stays their own case, whose reply (tell the
    # team; Dr. Walters decides) is the careful one.
    if intent == "faq_safety_pregnancy" and asks_about_breastfeeding_only(text):
        return "out_of_scope"
    only_headaches = condition == HEADACHES and not side_effect and not unlisted
    # Right after the approval, "and for migraines specifically?" asks whether it is approved for them
    # (the page's approval names migraines, tension headaches and oral-facial pain: development set 7).
    if intent == "faq_conditions" and last_topic == "faq_approval" and short and is_follow_up(text):
        return "faq_approval"
    # A story's background condition doesn't decide its question: "I've had a headache pretty much
    # every day for 3 months ... Where do I even start?" asks the first step (development set 7).
    # Not for how well it works or who it is for, which a condition's answer serves as well.
    if intent == "faq_conditions" and condition and not in_question(entities, text, CONDITION):
        start, question = question_part(text, STORY_MIN_WORDS)
        asked = one_topic_named(question) if start else []
        if asked and asked[0] not in ("faq_conditions", "faq_effectiveness", "faq_candidates"):
            return asked[0]
    # Right after the side effects, "and headaches?" asks about them.
    if intent == "faq_conditions" and last_topic == "faq_side_effects" and short and only_headaches:
        return "faq_side_effects"
    # A story's background term doesn't turn one list's question into the other's: "I've had
    # migraines since I was a teenager ... What side effects would I be looking at?" asks about
    # the side effects (development set 5).
    if intent == "faq_conditions" and side_effect and not condition and in_question(entities, text, SIDE_EFFECT):
        return "faq_side_effects"
    # "does it cause headaches?" stays a side effect.
    if (intent == "faq_side_effects" and condition and not side_effect and not unlisted and not only_headaches
            and in_question(entities, text, CONDITION)):
        return "faq_conditions"
    # In a story only a term its question names: "nothing fixed my TMJ ... How well does botox
    # work?" asks how well it works, "the meds make me nauseous. Would I be someone this could
    # work for?" who it is for (development sets 3 and 4).
    if intent in HELPS_INTENTS and unlisted and in_question(entities, text, UNLISTED):
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
    topic = topic_for(intent, entities, latest_text(tracker), tracker.get_slot(LAST_TOPIC_SLOT))
    return answer_for(topic, entities, conversation_language(tracker))


def answer_for(intent: str, entities: list[dict[str, Any]], language: Optional[str] = None) -> tuple[str, dict[str, str]]:
    """The response for `intent`, naming the patient's term where the answer can (in French in a
    French conversation: the stored value stays the page's English word)."""
    if intent in ENTITY_ANSWERS:
        entity, named, unlisted, general = ENTITY_ANSWERS[intent]
        # A term the page doesn't name comes first: never let a listed term in the same message
        # read as a yes to the unlisted one.
        other = mention(entities, UNLISTED)
        if other:
            return unlisted, {"mention": name_in(language, other)}
        found = mention(entities, entity)
        if found:
            return named, {entity: name_in(language, found)}
        return general, {}
    return response_for(intent), {}


# Every page question is answered by the response named after its intent (utter_faq_<topic>).
FAQ_RESPONSE_PREFIX = "utter_faq_"


def response_for(intent: str) -> str:
    """The response that answers `intent`: utter_faq_<topic> for faq_<topic>, else utter_<intent>."""
    if intent.startswith(FAQ_PREFIX):
        return f"{FAQ_RESPONSE_PREFIX}{intent.removeprefix(FAQ_PREFIX)}"
    return f"utter_{intent}"


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


def question_for_staff(tracker: Tracker) -> Optional[str]:
    """The patient's own question to pass on: the one that started this request, if any."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if not user_events:
        return None
    trigger = user_events[-1]
    trigger_intent = (trigger.get("parse_data") or {}).get("intent", {}).get("name")
    text = trigger.get("text") or ""
    if trigger_intent == "request_human" and not text.startswith("/") and question_in_request(text):
        return text
    return earlier_question(tracker)


def earlier_question(tracker: Tracker) -> Optional[str]:
    """"Pass my question to the team" after an answer the bot did not have (or could not give, a
    patient's own case): that question.

    Looks back from the patient's latest message over requests and yeses to the question the bot
    could not answer; any other message in between (an answered FAQ) breaks the chain.
    """
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(user_events[:-1]):
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent in ("out_of_scope", "nlu_fallback", "own_case"):
            return event.get("text") or None
        if intent == "faq_side_effects" and asks_about_injection_pain(event.get("text")):
            # "does it hurt?": the page says no more than injection-site discomfort, and offers to pass it on.
            return event.get("text") or None
        if intent not in ("request_human", "affirm", "book_consultation"):
            break
    return None
