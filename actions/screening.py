"""The consultation form: consent first, one question at a time, then a summary to confirm.

The form decides what ends it: only the patient's explicit wish to stop (parsing.is_cancel_phrase),
never an intent the classifier guessed. Non-answers ("hello?", "sorry, had to step away") are asked
again with where the patient is; a wish for a person offers the short contact request instead.
An emergency or a crisis pauses the form (rules in data/rules/consultation.yml); "continue" resumes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing
from actions.common import (
    CONTACT_SLOTS,
    FAQ_PREFIX,
    FORM_QUESTIONS,
    HEALTH_SLOTS,
    MESSAGE_FORM,
    PAUSE_SLOTS,
    SAFETY_INTENTS,
    SCREENING_FORM,
    SWITCH_LANGUAGE_INTENT,
    conversation_language,
    discard_events,
    faq_answer,
    latest_intent,
    latest_text,
    latest_user_timestamp,
    pause_events,
    question_for_staff,
    reset_message,
    reset_screening,
    user_text_at,
)

NOT_GIVEN = "not given"
SlotValues = dict[str, Any]
INTERRUPTING_INTENTS = ("out_of_scope", "bot_challenge")
# Where "ok" or "continue" answers the question ("Is that okay?", "Shall I send this?").
AGREEMENT_SLOTS = ("consent_given", "confirmed")
# Where "call me ..." answers how or when to be contacted, rather than asking for a person.
CONTACT_WAY_SLOTS = ("contact_method", "contact_time")
# The offer to switch to a short message is asked as a slot of its own (see required_slots); the
# form sends its question, "utter_ask_switch_choice", itself.
SWITCH_SLOT = "switch_choice"

__all__ = [
    "ActionAskConfirmed",
    "ActionAskConsentGiven",
    "ActionAskEmail",
    "ActionDiscardPaused",
    "ActionPauseRequest",
    "ActionResumeRequest",
    "ValidateConsultationForm",
    "question_for_staff",
]


class ActionAskConsentGiven(Action):
    """Explains what will be asked, why, and who sees it; keeps a question meant for staff.

    It is the screening's first turn, so it notes when the screening began: a screening that is
    stopped, declined or switched away from is removed from the stored conversation from there.
    """

    def name(self) -> str:
        return "action_ask_consent_given"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_consent_given")
        events: list[dict[str, Any]] = []
        if tracker.get_slot("screening_started") is None:
            events.append(SlotSet("screening_started", latest_user_timestamp(tracker)))
        question = question_for_staff(tracker)
        kept = tracker.get_slot("question_for_staff")
        # The consent question can be asked again (after an interruption): keep what was collected.
        if question and not (kept and question in kept):
            events.append(SlotSet("question_for_staff", f"{kept}\n{question}" if kept else question))
        return events


class ActionAskConfirmed(Action):
    """Reads the answers back, asks which one to change, or checks a wish not to send them."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("discard_pending"):
            dispatcher.utter_message(response="utter_ask_discard")
        elif tracker.get_slot("change_pending"):
            dispatcher.utter_message(response="utter_ask_which_change")
        else:
            dispatcher.utter_message(response="utter_consultation_summary", **summary_values(tracker))
        return []


class ActionAskEmail(Action):
    """The e-mail question: optional, unless there is no phone or the patient chose e-mail."""

    def name(self) -> str:
        return "action_ask_email"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("phone") == NOT_GIVEN:
            dispatcher.utter_message(response="utter_ask_email_required")
        elif tracker.get_slot("contact_method") == CONTACT_METHOD_WORDS["email"]:
            dispatcher.utter_message(response="utter_ask_email_for_method")
        else:
            dispatcher.utter_message(response="utter_ask_email")
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
        if tracker.get_slot("switch_offered"):
            return [SWITCH_SLOT] + list(domain_slots)
        return domain_slots

    # --- what every answer goes through ------------------------------------------------

    def _validated(
        self,
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        check: Callable[[str, CollectingDispatcher, Tracker], SlotValues],
    ) -> SlotValues:
        if tracker.get_slot("requested_slot") != slot:
            # Not an answer to the question asked now: a value kept over a pause, checked when given.
            return {slot: value}
        text = latest_text(tracker)
        if latest_intent(tracker) == SWITCH_LANGUAGE_INTENT:
            # Already switched; say so in the new language, then the form asks its question again in it.
            dispatcher.utter_message(response="utter_language_switched")
            return {slot: None}
        if parsing.is_cancel_phrase(text):
            # action_submit_consultation says so and removes what was typed.
            return {slot: None, "requested_slot": None, "screening_outcome": "cancelled"}
        agrees = slot in AGREEMENT_SLOTS and parsing.is_agreement(text)
        if parsing.is_non_answer(text) and not agrees:
            self._remind(slot, dispatcher)
            return {slot: None}
        if parsing.wants_person(text, call_back_counts=slot not in CONTACT_WAY_SLOTS):
            if tracker.get_slot("consent_given") is not True:
                # Nothing answered yet, so nothing to lose: straight to the short message.
                return {slot: None, "requested_slot": None, "screening_outcome": "switched"}
            return {slot: None, "switch_offered": True}
        interrupted = self._interruption(slot, dispatcher, tracker)
        if interrupted is not None:
            return interrupted
        return check(text, dispatcher, tracker)

    @staticmethod
    def _remind(slot: str, dispatcher: CollectingDispatcher) -> None:
        """Where the patient is; the form then asks its question again."""
        if slot == "consent_given":
            dispatcher.utter_message(response="utter_form_reminder_consent")
        elif slot == "confirmed":
            dispatcher.utter_message(response="utter_form_reminder_summary")
        else:
            step = FORM_QUESTIONS.index(slot) + 1 if slot in FORM_QUESTIONS else 1
            dispatcher.utter_message(response="utter_form_reminder", step=str(step), steps=str(len(FORM_QUESTIONS)))

    def _interruption(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[SlotValues]:
        """Answer a question asked instead of an answer; the form then asks its question again."""
        text = latest_text(tracker)
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

    # --- the offer of a short message instead ------------------------------------------

    async def extract_switch_choice(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        """The reply to the offer, while it is the question asked (the safety intents are left to the rules)."""
        if tracker.get_slot("requested_slot") != SWITCH_SLOT or latest_intent(tracker) in SAFETY_INTENTS:
            return {}
        return {SWITCH_SLOT: latest_text(tracker)}

    async def validate_switch_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        text = latest_text(tracker)
        if parsing.is_cancel_phrase(text):
            return {SWITCH_SLOT: None, "switch_offered": None, "requested_slot": None, "screening_outcome": "cancelled"}
        choice = parsing.parse_switch_choice(text)
        if choice is None and parsing.wants_person(text):
            choice = "switch"
        if choice == "switch":
            return {SWITCH_SLOT: None, "switch_offered": None, "requested_slot": None, "screening_outcome": "switched"}
        if choice is None and parsing.is_non_answer(text):
            return {SWITCH_SLOT: None}  # the offer is made again
        # "Finish this first", or anything else: nothing is lost by going on with the screening.
        dispatcher.utter_message(response="utter_finish_screening")
        return {SWITCH_SLOT: None, "switch_offered": None}

    # --- yes / no questions ----------------------------------------------------------

    def _yes_no(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            answer = parsing.parse_yes_no(text)
            if answer is None:
                dispatcher.utter_message(response="utter_unclear_yes_no")
                return {slot: None}
            return {slot: answer.text}

        return self._validated(slot, value, dispatcher, tracker, check)

    async def validate_surgery(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("surgery", value, dispatcher, tracker)

    async def validate_facial_weakness(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("facial_weakness", value, dispatcher, tracker)

    async def validate_nerve_condition(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("nerve_condition", value, dispatcher, tracker)

    async def validate_pregnancy(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._yes_no("pregnancy", value, dispatcher, tracker)

    async def validate_consent_given(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
            answer = parsing.parse_yes_no(text)
            if not parsing.is_agreement(text) and (answer is None or answer.answer == "unsure"):
                dispatcher.utter_message(response="utter_unclear_yes_no")
                return {"consent_given": None}
            if not parsing.is_agreement(text) and answer is not None and answer.answer == "no":
                # Ends the form; action_submit_consultation then says nothing was kept.
                return {"consent_given": False, "requested_slot": None}
            values: SlotValues = {"consent_given": True}
            # "I'd like a consult for my jaw": the reason is not asked again.
            opening = user_text_at(tracker, tracker.get_slot("screening_started"))
            reason = parsing.reason_in_request(opening) if opening else None
            if reason and tracker.get_slot("reason") is None:
                values["reason"] = reason
            return values

        return self._validated("consent_given", value, dispatcher, tracker, check)

    # --- free-text answers -----------------------------------------------------------

    async def validate_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            cleaned = " ".join(text.split())
            if sum(ch.isalpha() for ch in cleaned) < 3 or parsing.parse_yes_no(cleaned) is not None:
                dispatcher.utter_message(response="utter_unclear_answer")
                return {"reason": None}
            return {"reason": cleaned}

        return self._validated("reason", value, dispatcher, tracker, check)

    def _none_or_text(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            parsed = parsing.parse_medications(text)
            if parsed is None:
                dispatcher.utter_message(response="utter_unclear_medications" if slot == "medications" else "utter_unclear_answer")
                return {slot: None}
            return {slot: "none" if parsed.none else parsed.text}

        return self._validated(slot, value, dispatcher, tracker, check)

    async def validate_medications(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._none_or_text("medications", value, dispatcher, tracker)

    async def validate_other_conditions(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        return self._none_or_text("other_conditions", value, dispatcher, tracker)

    # --- contact details -------------------------------------------------------------

    async def validate_full_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            name = parsing.parse_full_name(text)
            if name is None:
                dispatcher.utter_message(response="utter_invalid_name")
                return {"full_name": None}
            return {"full_name": name}

        return self._validated("full_name", value, dispatcher, tracker, check)

    async def validate_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
            result = parsing.parse_phone(text)
            if result.e164 is not None:
                return {"phone": result.display}
            email = parsing.parse_email(text).value if "@" in text else None
            if email is not None:
                # "E-mail me at jane@example.com": no phone needed, and e-mail is the way.
                return {"phone": NOT_GIVEN, "email": email, "contact_method": CONTACT_METHOD_WORDS["email"]}
            if parsing.parse_no_phone(text):
                return self._without_phone(tracker)
            dispatcher.utter_message(response=f"utter_invalid_phone_{result.reason}", digits=str(result.digits))
            return {"phone": None}

        return self._validated("phone", value, dispatcher, tracker, check)

    @staticmethod
    def _without_phone(tracker: Tracker) -> SlotValues:
        """No phone: the e-mail address becomes required (asked next, or already there)."""
        values: SlotValues = {"phone": NOT_GIVEN}
        email = tracker.get_slot("email")
        if email == NOT_GIVEN:
            values["email"] = None
        elif email:
            values["contact_method"] = CONTACT_METHOD_WORDS["email"]
        return values

    async def validate_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
            no_phone = tracker.get_slot("phone") == NOT_GIVEN
            by_email = tracker.get_slot("contact_method") == CONTACT_METHOD_WORDS["email"]
            result = parsing.parse_email(text)
            if result.value is not None:
                values: SlotValues = {"email": result.value}
                if no_phone:
                    values["contact_method"] = CONTACT_METHOD_WORDS["email"]
                return values
            if no_phone and "@" not in text:
                phone = parsing.parse_phone(text)
                if phone.e164 is not None:
                    # A number after all: the e-mail goes back to being optional.
                    return {"phone": phone.display, "email": None}
            if result.skipped:
                if no_phone:
                    dispatcher.utter_message(response="utter_need_phone_or_email")
                    return {"email": None, "phone": None}
                if by_email:
                    dispatcher.utter_message(response="utter_email_skipped_method")
                    return {"email": NOT_GIVEN, "contact_method": None}
                return {"email": NOT_GIVEN}
            required = no_phone or by_email
            dispatcher.utter_message(response="utter_invalid_email_required" if required else "utter_invalid_email")
            return {"email": None}

        return self._validated("email", value, dispatcher, tracker, check)

    async def validate_contact_method(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
            email = parsing.parse_email(text).value if "@" in text else None
            if email is not None:
                return {"contact_method": CONTACT_METHOD_WORDS["email"], "email": email}
            method = parsing.parse_contact_method(text)
            if method is None:
                dispatcher.utter_message(response="utter_unclear_contact_method")
                return {"contact_method": None}
            values: SlotValues = {"contact_method": CONTACT_METHOD_WORDS[method]}
            if method == "email" and tracker.get_slot("email") in (None, NOT_GIVEN):
                values["email"] = None  # the form asks for the address next
            elif method != "email" and tracker.get_slot("phone") == NOT_GIVEN:
                values["phone"] = None  # and for a number
            return values

        return self._validated("contact_method", value, dispatcher, tracker, check)

    async def validate_contact_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, _tracker: Tracker) -> SlotValues:
            cleaned = " ".join(text.split())
            if sum(ch.isalnum() for ch in cleaned) < 2:
                dispatcher.utter_message(response="utter_unclear_answer")
                return {"contact_time": None}
            return {"contact_time": cleaned}

        return self._validated("contact_time", value, dispatcher, tracker, check)

    # --- the summary -----------------------------------------------------------------

    async def validate_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> SlotValues:
        def check(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
            if tracker.get_slot("discard_pending"):
                return self._discard_answer(text, dispatcher)
            if parsing.is_discard_request(text):
                # "Don't send it", "I changed my mind": one check before the answers go.
                return {"confirmed": None, "discard_pending": True}
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

        return self._validated("confirmed", value, dispatcher, tracker, check)

    @staticmethod
    def _discard_answer(text: str, dispatcher: CollectingDispatcher) -> SlotValues:
        """The answer to "Shall I delete your answers without sending anything?"."""
        if parsing.is_discard_request(text):
            return {"confirmed": None, "discard_pending": None, "requested_slot": None, "screening_outcome": "discarded"}
        if parsing.wants_to_send(text):
            return {"confirmed": True, "discard_pending": None}
        answer = parsing.parse_yes_no(text)
        if parsing.is_agreement(text) or (answer is not None and answer.answer == "yes"):
            return {"confirmed": None, "discard_pending": None, "requested_slot": None, "screening_outcome": "discarded"}
        if answer is not None and answer.answer == "no":
            return {"confirmed": None, "discard_pending": None}  # the summary again
        dispatcher.utter_message(response="utter_unclear_yes_no")
        return {"confirmed": None}


class ActionPauseRequest(Action):
    """After the 911 or 988 message: the active form waits, answers kept, and asks nothing more.

    For a symptom after treatment it pauses silently: action_after_treatment speaks next, care first.
    """

    def name(self) -> str:
        return "action_pause_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        events = pause_events(tracker)
        if events and latest_intent(tracker) != "after_treatment":
            dispatcher.utter_message(response="utter_request_paused")
        return events


class ActionResumeRequest(Action):
    """"Continue": the paused form takes up again at its next question."""

    def name(self) -> str:
        return "action_resume_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        form = tracker.get_slot("paused_form") if tracker.get_slot("request_paused") else None
        if form not in (SCREENING_FORM, MESSAGE_FORM):
            dispatcher.utter_message(response="utter_nothing_paused")
            return []
        dispatcher.utter_message(response="utter_request_resumed")
        # Activating the form here (not through a rule) asks the next question without reading
        # "continue" as an answer.
        return [SlotSet(name, None) for name in PAUSE_SLOTS] + [ActiveLoop(form)]


class ActionDiscardPaused(Action):
    """"Stop" while a request is paused: it is deleted from the conversation, nothing sent."""

    def name(self) -> str:
        return "action_discard_paused"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        form = tracker.get_slot("paused_form")
        if form == MESSAGE_FORM:
            started, resets = tracker.get_slot("message_started"), reset_message(tracker)
        else:
            started, resets = tracker.get_slot("screening_started"), reset_screening(tracker)
        dispatcher.utter_message(response="utter_request_discarded")
        pause = [SlotSet(name, None) for name in PAUSE_SLOTS]
        return discard_events(started, resets + pause)


CONTACT_METHOD_WORDS = {"phone": "phone call", "text": "text message", "email": "e-mail"}
ALL_FORM_SLOTS = ("consent_given",) + HEALTH_SLOTS + CONTACT_SLOTS + ("confirmed",)


# The answers are stored with English codes ("yes — …", "not given", "text message"): the staff
# pages and flags read them. A French summary shows the codes in French; what the patient typed
# after a code is shown as typed.
FRENCH_CODES = {
    "not given": "non fourni", "phone call": "appel téléphonique", "text message": "texto", "e-mail": "courriel",
    "unsure": "je ne sais pas", "none": "aucun", "yes": "oui", "no": "non",
}
SUMMARY_SLOTS = HEALTH_SLOTS + CONTACT_SLOTS


def shown_value(value: Any, language: Optional[str]) -> Any:
    """A stored answer as the summary shows it in the conversation's language."""
    if language != "fr" or not isinstance(value, str):
        return value
    for code, word in FRENCH_CODES.items():
        if value == code:
            return word
        if value.startswith(code + " — "):
            return word + value[len(code):]
    return value


def summary_values(tracker: Tracker) -> dict[str, Any]:
    """Template values for the summary: the answers, their codes in French in a French conversation."""
    language = conversation_language(tracker)
    if language != "fr":
        return {}
    return {slot: shown_value(tracker.get_slot(slot), language) for slot in SUMMARY_SLOTS
            if tracker.get_slot(slot) is not None}


# French at the summary: "modifier", "corriger", "c'est pas correct", "il y a une erreur".
_CHANGE_WORDS = (
    "change", "wrong", "edit", "fix", "correct that", "mistake",
    "modifi", "corrig", "erreur", "faux", "fausse", "pas correct", "pas bon", "pas la bonne", "trompe", "trompé",
)


def wants_change(text: str) -> bool:
    """'Change an answer', 'that's wrong', 'edit' at the summary (English or French)."""
    lowered = text.lower()
    return any(word in lowered for word in _CHANGE_WORDS)
