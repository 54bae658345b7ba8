"""A person, without a questionnaire: the short contact request (`contact_form`).

Asking for a person, an existing patient's request and an urgent message after treatment all end
here: consent to keep exactly this, a name, a phone number or an e-mail address (one question, either
will do) and the message, not asked when the request already said it. It is stored as a request of
kind "message", "existing_patient" or "after_treatment", with no health fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing, topics
from actions.common import (
    FAQ_PREFIX,
    LAST_TOPIC_SLOT,
    SWITCH_LANGUAGE_INTENT,
    answer_for,
    conversation_language,
    discard_events,
    earlier_question,
    faq_answer,
    latest_entities,
    latest_intent,
    latest_text,
    latest_user_timestamp,
    previous_action,
    reset_message,
    submission_key,
)
from actions.handoff import StoringAction, request_content
from bot.store.requests import URGENT_FLAG, URGENT_KIND, ConsultationRequest

SlotValues = dict[str, Any]
MESSAGE_KIND = "message"
EXISTING_PATIENT_KIND = "existing_patient"
AFTER_TREATMENT_ACTION = "action_after_treatment"
SIDE_EFFECTS_TOPIC = "faq_side_effects"


def message_for(tracker: Tracker) -> tuple[str, Optional[str]]:
    """(kind, the patient's message if it is already known) for a contact request starting now."""
    text = latest_text(tracker)
    intent = latest_intent(tracker)
    if intent == EXISTING_PATIENT_KIND:
        return EXISTING_PATIENT_KIND, text if parsing.message_in_request(text, existing_patient=True) else None
    care = tracker.get_slot("care_message")
    if care and previous_action(tracker) == AFTER_TREATMENT_ACTION:
        # "Yes" to the urgent message: what they told me about the symptom is the message.
        return URGENT_KIND, care
    if intent == "request_human" and parsing.message_in_request(text):
        return MESSAGE_KIND, text
    return MESSAGE_KIND, earlier_question(tracker)


def split_contact(value: Optional[str]) -> tuple[str, str]:
    """(phone, e-mail) from the answer ValidateContactForm keeps: either or both, comma-separated."""
    phone, email = "", ""
    for part in (value or "").split(","):
        part = part.strip()
        if "@" in part:
            email = part
        elif part:
            phone = part
    return phone, email


class ActionStartMessage(Action):
    """Before the short contact request: its kind, its message if already said, when it began."""

    def name(self) -> str:
        return "action_start_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        kind, message = message_for(tracker)
        return reset_message(tracker) + [
            SlotSet("message_kind", kind),
            SlotSet("message_text", message),
            SlotSet("message_started", latest_user_timestamp(tracker)),
        ]


class ActionAskMessageConsent(Action):
    """Says exactly what is kept and who sees it, before anything is asked."""

    def name(self) -> str:
        return "action_ask_message_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        urgent = tracker.get_slot("message_kind") == URGENT_KIND
        dispatcher.utter_message(response="utter_ask_message_consent_urgent" if urgent else "utter_ask_message_consent")
        if tracker.get_slot("message_started") is None:
            return [SlotSet("message_started", latest_user_timestamp(tracker))]
        return []


class ValidateContactForm(FormValidationAction):
    """The short request's answers; like the screening, only an explicit wish to stop ends it."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("message_consent") is False:
            return ["message_consent"]
        return domain_slots

    def _validated(
        self,
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        check: Callable[[str, CollectingDispatcher, Tracker], SlotValues],
    ) -> SlotValues:
        if tracker.get_slot("requested_slot") != slot:
            return {slot: value}  # set before it was asked (the message from the request), or kept over a pause
        text = latest_text(tracker)
        if latest_intent(tracker) == SWITCH_LANGUAGE_INTENT:
            # Already switched; say so in the new language, then the form asks its question again in it.
            dispatcher.utter_message(response="utter_language_switched")
            return {slot: None}
        if parsing.is_cancel_phrase(text):
            return {slot: None, "requested_slot": None, "message_outcome": "cancelled"}
        agrees = slot == "message_consent" and parsing.is_agreement(text)
        if parsing.is_non_answer(text) and not agrees:
            dispatcher.utter_message(response="utter_message_reminder")
            return {slot: None}
        intent = latest_intent(tracker) or ""
        if slot != "message_text" and intent.startswith(FAQ_PREFIX) and parsing.looks_like_question(text):
            # A page question in the middle is answered; the question asked is then asked again.
            response, values = faq_answer(intent, tracker)
            dispatcher.utter_message(response=response, **values)
            return {slot: None}
        return check(text, dispatcher, tracker)

    async def validate_message_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            if parsing.is_agreement(text):
                return {"message_consent": True}
            answer = parsing.parse_yes_no(text)
            if answer is not None and answer.answer == "yes":
                return {"message_consent": True}
            if answer is not None and answer.answer == "no":
                return {"message_consent": False, "requested_slot": None}
            dispatcher.utter_message(response="utter_unclear_yes_no")
            return {"message_consent": None}

        return self._validated("message_consent", value, dispatcher, tracker, check)

    async def validate_message_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            name = parsing.parse_full_name(text)
            if name is None:
                dispatcher.utter_message(response="utter_invalid_name")
            return {"message_name": name}

        return self._validated("message_name", value, dispatcher, tracker, check)

    async def validate_message_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            detail = parsing.parse_contact_detail(text)
            if detail.found:
                return {"message_contact": ", ".join(v for v in (detail.phone, detail.email) if v)}
            if detail.phone_reason:
                phone = parsing.parse_phone(text)
                dispatcher.utter_message(response=f"utter_invalid_phone_{detail.phone_reason}", digits=str(phone.digits))
            else:
                dispatcher.utter_message(response="utter_invalid_message_contact")
            return {"message_contact": None}

        return self._validated("message_contact", value, dispatcher, tracker, check)

    async def validate_message_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            cleaned = " ".join(text.split())
            answer = parsing.parse_yes_no(cleaned)
            if sum(ch.isalpha() for ch in cleaned) < 3 or (answer is not None and not answer.detail):
                dispatcher.utter_message(response="utter_unclear_answer")
                return {"message_text": None}
            return {"message_text": cleaned}

        return self._validated("message_text", value, dispatcher, tracker, check)


def build_message_request(tracker: Tracker) -> ConsultationRequest:
    slots = tracker.current_slot_values()
    kind = slots.get("message_kind") or MESSAGE_KIND
    phone, email = split_contact(slots.get("message_contact"))
    flags = [URGENT_FLAG] if kind == URGENT_KIND else []
    if slots.get("emergency_mentioned"):
        flags.append("emergency_mentioned")
    request = ConsultationRequest(
        submission_key="",
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "unknown",
        kind=kind,
        full_name=slots.get("message_name") or "",
        phone=phone,
        email=email,
        question_for_staff=slots.get("message_text") or "",
        flags=sorted(flags),
        language=conversation_language(tracker),
    )
    request.submission_key = submission_key(tracker, request_content(request))
    return request


class ActionSubmitMessage(StoringAction):
    """Runs when the short request ends: stores it with consent, or says nothing was passed on."""

    def name(self) -> str:
        return "action_submit_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        started = tracker.get_slot("message_started")
        if tracker.get_slot("message_consent") is False:
            dispatcher.utter_message(response="utter_message_declined")
            return discard_events(started, reset_message(tracker))
        if tracker.get_slot("message_outcome") == "cancelled":
            dispatcher.utter_message(response="utter_message_cancelled")
            return discard_events(started, reset_message(tracker))
        if not all(tracker.get_slot(s) for s in ("message_name", "message_contact", "message_text")):
            return discard_events(started, reset_message(tracker))
        request = build_message_request(tracker)
        stored = await self.store(request)
        if stored is None:
            dispatcher.utter_message(response="utter_consultation_failed")
        elif stored.kind == URGENT_KIND:
            dispatcher.utter_message(response="utter_message_sent_urgent")
        else:
            dispatcher.utter_message(response="utter_message_sent")
        return reset_message(tracker)


class ActionAfterTreatment(Action):
    """A symptom now after an injection: contact the clinic now, 911 if severe; an urgent message offered.

    Never "that's normal": the page lists possible side effects, not what is normal for a patient.
    Inside a form, action_pause_request has just paused it (silently, so this message comes first):
    the patient is then told it waits.
    """

    def name(self) -> str:
        return AFTER_TREATMENT_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        typed = bool(text) and not text.startswith("/")  # not a button the bot offered
        events: list[dict[str, Any]] = []
        if typed and topics.asks_about_side_effects(text):
            # "...my eyelid is droopy since Monday, is that a side effect?", or a question the
            # symptom path caught ("will I get a headache after it?", six blind turns): what the
            # page lists answers the question, then the care message with its question and
            # buttons comes last, where the patient answers it.
            response, values = answer_for(SIDE_EFFECTS_TOPIC, latest_entities(tracker), conversation_language(tracker))
            dispatcher.utter_message(response=response, **values)
            events.append(SlotSet(LAST_TOPIC_SLOT, SIDE_EFFECTS_TOPIC))
        dispatcher.utter_message(response="utter_after_treatment")
        if typed:
            events.append(SlotSet("care_message", text))
        if tracker.get_slot("request_paused"):
            dispatcher.utter_message(response="utter_request_paused")
        return events


__all__ = [
    "ActionAfterTreatment", "ActionAskMessageConsent", "ActionStartMessage", "ActionSubmitMessage",
    "ValidateContactForm", "build_message_request", "message_for", "split_contact",
]
