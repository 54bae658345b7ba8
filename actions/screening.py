"""The consultation form: consent first, one question at a time, then a summary to confirm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing
from actions.common import (
    CONTACT_SLOTS,
    FAQ_PREFIX,
    HEALTH_SLOTS,
    SCREENING_SLOTS,
    faq_answer,
    latest_intent,
    latest_text,
    question_in_request,
)

NOT_GIVEN = "not given"
SlotValues = dict[str, Any]
INTERRUPTING_INTENTS = ("out_of_scope", "bot_challenge")


class ActionAskConsentGiven(Action):
    """Explains what will be asked, why, and who sees it; keeps a question meant for staff."""

    def name(self) -> str:
        return "action_ask_consent_given"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_consent_given")
        question = question_for_staff(tracker)
        kept = tracker.get_slot("question_for_staff")
        # The consent question can be asked again (after an interruption): keep what was collected.
        if not question or (kept and question in kept):
            return []
        return [SlotSet("question_for_staff", f"{kept}\n{question}" if kept else question)]


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
    # "Pass my question to the team" after an answer the bot did not have: keep that question.
    for event in reversed(user_events[:-1]):
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent in ("out_of_scope", "nlu_fallback"):
            return event.get("text") or None
        if intent not in ("request_human", "affirm", "book_consultation"):
            break
    return None


class ActionAskConfirmed(Action):
    """Reads the answers back, or asks which one to change."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("change_pending"):
            dispatcher.utter_message(response="utter_ask_which_change")
        else:
            dispatcher.utter_message(response="utter_consultation_summary")
        return []


class ValidateConsultationForm(FormValidationAction):
    """Understands free-text answers; asks again with the reason instead of guessing."""

    def name(self) -> str:
        return "validate_consultation_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # A patient who declines consent is asked nothing more.
        if tracker.get_slot("consent_given") is False:
            return ["consent_given"]
        return domain_slots

    # --- interruptions -------------------------------------------------------------

    def _interruption(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[SlotValues]:
        """Answer a question asked instead of an answer; the form then asks its question again."""
        text = latest_text(tracker)
        if parsing.is_cancel_phrase(text):
            dispatcher.utter_message(response="utter_consultation_cancelled")
            values: SlotValues = {name: None for name in SCREENING_SLOTS}
            values["requested_slot"] = None
            return values
        intent = latest_intent(tracker) or ""
        asked = parsing.looks_like_question(text)
        if intent.startswith(FAQ_PREFIX) and asked:
            response, template_values = faq_answer(intent, tracker)
            dispatcher.utter_message(response=response, **template_values)
            return {slot: None}
        if intent in INTERRUPTING_INTENTS and asked:
            if intent == "out_of_scope":
                dispatcher.utter_message(response="utter_out_of_scope_in_form")
                previous = tracker.get_slot("question_for_staff")
                kept = f"{previous}\n{text}" if previous else text
                return {slot: None, "question_for_staff": kept}
            dispatcher.utter_message(response="utter_bot_challenge")
            return {slot: None}
        return None

    def _validated(
        self,
        slot: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        check: Callable[[str, CollectingDispatcher, Tracker], SlotValues],
    ) -> SlotValues:
        interrupted = self._interruption(slot, dispatcher, tracker)
        if interrupted is not None:
            return interrupted
        return check(latest_text(tracker), dispatcher, tracker)

    # --- yes / no questions ----------------------------------------------------------

    def _yes_no(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            answer = parsing.parse_yes_no(text)
            if answer is None:
                dispatcher.utter_message(response="utter_unclear_yes_no")
                return {slot: None}
            return {slot: answer.text}

        return self._validated(slot, dispatcher, tracker, check)

    async def validate_surgery(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("surgery", dispatcher, tracker)

    async def validate_facial_weakness(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("facial_weakness", dispatcher, tracker)

    async def validate_nerve_condition(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("nerve_condition", dispatcher, tracker)

    async def validate_pregnancy(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("pregnancy", dispatcher, tracker)

    async def validate_consent_given(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            if parsing.is_agreement(text):
                return {"consent_given": True}
            answer = parsing.parse_yes_no(text)
            if answer is None or answer.answer == "unsure":
                dispatcher.utter_message(response="utter_unclear_yes_no")
                return {"consent_given": None}
            if answer.answer == "no":
                # Ends the form; action_submit_consultation then says nothing was saved.
                return {"consent_given": False, "requested_slot": None}
            return {"consent_given": True}

        return self._validated("consent_given", dispatcher, tracker, check)

    # --- free-text answers -----------------------------------------------------------

    async def validate_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            cleaned = " ".join(text.split())
            if sum(ch.isalpha() for ch in cleaned) < 3 or parsing.parse_yes_no(cleaned) is not None:
                dispatcher.utter_message(response="utter_unclear_answer")
                return {"reason": None}
            return {"reason": cleaned}

        return self._validated("reason", dispatcher, tracker, check)

    def _none_or_text(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            parsed = parsing.parse_medications(text)
            if parsed is None:
                dispatcher.utter_message(response="utter_unclear_medications" if slot == "medications" else "utter_unclear_answer")
                return {slot: None}
            return {slot: "none" if parsed.none else parsed.text}

        return self._validated(slot, dispatcher, tracker, check)

    async def validate_medications(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._none_or_text("medications", dispatcher, tracker)

    async def validate_other_conditions(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._none_or_text("other_conditions", dispatcher, tracker)

    # --- contact details -------------------------------------------------------------

    async def validate_full_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            name = parsing.parse_full_name(text)
            if name is None:
                dispatcher.utter_message(response="utter_invalid_name")
                return {"full_name": None}
            return {"full_name": name}

        return self._validated("full_name", dispatcher, tracker, check)

    async def validate_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            result = parsing.parse_phone(text)
            if result.e164 is None:
                dispatcher.utter_message(response=f"utter_invalid_phone_{result.reason}", digits=str(result.digits))
                return {"phone": None}
            return {"phone": result.e164}

        return self._validated("phone", dispatcher, tracker, check)

    async def validate_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            result = parsing.parse_email(text)
            if result.skipped:
                return {"email": NOT_GIVEN}
            if result.value is None:
                dispatcher.utter_message(response="utter_invalid_email")
                return {"email": None}
            return {"email": result.value}

        return self._validated("email", dispatcher, tracker, check)

    async def validate_contact_method(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
            method = parsing.parse_contact_method(text)
            if method is None or (method == "email" and tracker.get_slot("email") in (None, NOT_GIVEN)):
                dispatcher.utter_message(response="utter_unclear_contact_method")
                return {"contact_method": None}
            return {"contact_method": CONTACT_METHOD_WORDS[method]}

        return self._validated("contact_method", dispatcher, tracker, check)

    async def validate_contact_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            cleaned = " ".join(text.split())
            if sum(ch.isalnum() for ch in cleaned) < 2:
                dispatcher.utter_message(response="utter_unclear_answer")
                return {"contact_time": None}
            return {"contact_time": cleaned}

        return self._validated("contact_time", dispatcher, tracker, check)

    # --- the summary -----------------------------------------------------------------

    async def validate_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
            field = parsing.parse_field_name(text)
            if field is not None:
                # Clearing one answer makes the form ask just that question, then the summary again.
                return {field: None, "confirmed": None, "change_pending": False}
            if tracker.get_slot("change_pending"):
                dispatcher.utter_message(response="utter_unclear_field")
                return {"confirmed": None}
            if wants_change(text):
                return {"confirmed": None, "change_pending": True}
            if parsing.is_agreement(text):
                return {"confirmed": True}
            answer = parsing.parse_yes_no(text)
            if answer is not None and answer.answer == "yes":
                return {"confirmed": True}
            if answer is not None and answer.answer == "no":
                return {"confirmed": None, "change_pending": True}
            dispatcher.utter_message(response="utter_unclear_yes_no")
            return {"confirmed": None}

        return self._validated("confirmed", dispatcher, tracker, check)


CONTACT_METHOD_WORDS = {"phone": "phone call", "text": "text message", "email": "e-mail"}
ALL_FORM_SLOTS = ("consent_given",) + HEALTH_SLOTS + CONTACT_SLOTS + ("confirmed",)


def wants_change(text: str) -> bool:
    """'Change an answer', 'that's wrong', 'edit' at the summary."""
    lowered = text.lower()
    return any(word in lowered for word in ("change", "wrong", "edit", "fix", "correct that", "mistake"))
