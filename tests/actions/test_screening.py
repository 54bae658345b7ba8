"""The consultation form's validation and its ask actions, driven with rasa_sdk trackers.

Each test builds the tracker Rasa's FormAction would send to the action server: the patient's
latest message, the slots so far and, for a full `run`, the slot candidate as the last event.
"""

from __future__ import annotations

from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import SCREENING_SLOTS
from actions.parsing import parse_full_name
from actions.screening import (
    ActionAskConfirmed,
    ActionAskConsentGiven,
    ActionAskEmail,
    ActionDiscardPaused,
    ActionPauseRequest,
    ActionResumeRequest,
    ValidateConsultationForm,
    question_for_staff,
)
from bot.settings import ROOT

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FORM_SLOTS: list[str] = DOMAIN["forms"]["consultation_form"]["required_slots"]
RESPONSES = set(DOMAIN["responses"])


def make_tracker(
    text: str,
    intent: str = "inform",
    slots: Optional[dict[str, Any]] = None,
    entities: Optional[list[dict[str, Any]]] = None,
    requested: Optional[str] = None,
    events: Optional[list[dict[str, Any]]] = None,
    confidence: float = 0.93,
) -> Tracker:
    """A tracker as the form sends it: every domain slot, the candidate for `requested` last."""
    values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    values["requested_slot"] = requested
    values.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    if events is None:
        events = [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"},
        ]
        if requested:
            values[requested] = text
            events.append({"event": "slot", "name": requested, "value": text})
    return Tracker(
        "patient-1",
        values,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "consultation_form"},
        latest_action_name="action_listen",
    )


def responses(dispatcher: CollectingDispatcher) -> list[Optional[str]]:
    return [m.get("response") for m in dispatcher.messages]


async def validate(slot: str, text: str, **kwargs: Any) -> tuple[dict[str, Any], CollectingDispatcher]:
    """Call `validate_<slot>` as the SDK does, with the message as the slot candidate."""
    form = ValidateConsultationForm()
    tracker = make_tracker(text, requested=slot, **kwargs)
    dispatcher = CollectingDispatcher()
    result = await getattr(form, f"validate_{slot}")(text, dispatcher, tracker, DOMAIN)
    return result, dispatcher


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The last value each SlotSet gives, in order."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# --------------------------------------------------------------------------- yes / no questions

YES_NO = ["surgery", "facial_weakness", "nerve_condition", "pregnancy"]


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", YES_NO)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nope", "no"),
        ("No", "no"),
        ("not that I know of", "no"),
        ("Yes", "yes"),
        ("yes, 12 weeks", "yes — 12 weeks"),
        ("not sure", "unsure"),
        ("maybe", "unsure"),
    ],
)
async def test_yes_no_answers_are_stored_as_staff_read_them(slot: str, text: str, expected: str) -> None:
    result, dispatcher = await validate(slot, text)
    assert result == {slot: expected}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", YES_NO)
@pytest.mark.parametrize("text", ["hmm purple", "12 weeks", "I'm pregnant", "the blue one"])
async def test_an_unclear_yes_no_answer_is_asked_again(slot: str, text: str) -> None:
    result, dispatcher = await validate(slot, text)
    assert result == {slot: None}
    assert responses(dispatcher) == ["utter_unclear_yes_no"]


# --------------------------------------------------------------------------- consent


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["Yes", "yes please", "sure", "yeah that's fine", "👍"])
async def test_consent_given(text: str) -> None:
    result, dispatcher = await validate("consent_given", text)
    assert result == {"consent_given": True}
    assert dispatcher.messages == []


# The usual answers to "Is that okay?" / "Continue by text?" — "no problem" included, which the
# generic yes/no reader would take as a "no".
@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text",
    [
        "no problem",
        "no problem at all",
        "okay",
        "ok",
        "that's fine",
        "go ahead",
    ],
)
async def test_consent_common_agreements(text: str) -> None:
    result, dispatcher = await validate("consent_given", text)
    assert result == {"consent_given": True}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["No", "nope", "no thanks"])
async def test_consent_refused_ends_the_form(text: str) -> None:
    result, dispatcher = await validate("consent_given", text)
    assert result == {"consent_given": False, "requested_slot": None}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["not sure", "hmm purple", "ok sure"])
async def test_unsure_or_unclear_consent_is_asked_again(text: str) -> None:
    result, dispatcher = await validate("consent_given", text)
    assert result == {"consent_given": None}
    assert responses(dispatcher) == ["utter_unclear_yes_no"]


# --------------------------------------------------------------------------- free text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected", "response"),
    [
        ("jaw pain from   clenching", "jaw pain from clenching", None),
        ("Migraines", "Migraines", None),
        ("yes", None, "utter_unclear_answer"),
        ("no", None, "utter_unclear_answer"),
        ("hm?", None, "utter_form_reminder"),
    ],
)
async def test_reason(text: str, expected: Optional[str], response: Optional[str]) -> None:
    result, dispatcher = await validate("reason", text)
    assert result == {"reason": expected}
    assert responses(dispatcher) == ([response] if response else [])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("slot", "text", "expected", "response"),
    [
        ("medications", "none", "none", None),
        ("medications", "No", "none", None),
        ("medications", "I don't take anything", "none", None),
        ("medications", "I take advil sometimes", "I take advil sometimes", None),
        ("medications", "not sure", "not sure", None),
        ("medications", "what do you mean by medications", None, "utter_unclear_medications"),
        ("medications", "yes", None, "utter_unclear_medications"),
        ("other_conditions", "none", "none", None),
        ("other_conditions", "asthma", "asthma", None),
        ("other_conditions", "what does that mean exactly", None, "utter_unclear_answer"),
    ],
)
async def test_medications_and_other_conditions(slot: str, text: str, expected: Optional[str], response: Optional[str]) -> None:
    result, dispatcher = await validate(slot, text)
    assert result == {slot: expected}
    assert responses(dispatcher) == ([response] if response else [])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane doe", "Jane Doe"),
        ("My name is Mary-Ann O'Neil", "Mary-Ann O'Neil"),
        ("JEAN DE LA FONTAINE", "Jean de la Fontaine"),
        ("no", None),
        ("613 555 0123", None),
        ("jane@example.com", None),
    ],
)
async def test_full_name(text: str, expected: Optional[str]) -> None:
    result, dispatcher = await validate("full_name", text)
    assert result == {"full_name": expected}
    assert responses(dispatcher) == ([] if expected else ["utter_invalid_name"])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("613-722-1234", "+16137221234"),
        ("(613) 722 1234", "+16137221234"),
        ("it's 613.722.1234 ext 4", "+16137221234 ext. 4"),
        ("613-722-1234 ext 45", "+16137221234 ext. 45"),
        ("+1 613 722 1234", "+16137221234"),
    ],
)
async def test_valid_phone_is_stored_in_e164(text: str, expected: str) -> None:
    result, dispatcher = await validate("phone", text)
    assert result == {"phone": expected}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "response", "digits"),
    [
        ("613-555-012", "utter_invalid_phone_too_short", "9"),
        ("1-613-555-012", "utter_invalid_phone_too_short", "9"),
        ("613 722 12345 6", "utter_invalid_phone_too_long", None),
        ("call me maybe", "utter_invalid_phone_not_a_number", "0"),
        ("+44 20 7946 0958", "utter_invalid_phone_not_north_american", None),
    ],
)
async def test_invalid_phone_is_asked_again_with_the_reason(text: str, response: str, digits: Optional[str]) -> None:
    result, dispatcher = await validate("phone", text)
    assert result == {"phone": None}
    assert responses(dispatcher) == [response]
    assert response in RESPONSES
    if digits is not None:
        assert dispatcher.messages[0]["digits"] == digits


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected", "response"),
    [
        ("skip", "not given", None),
        ("no", "not given", None),
        ("I don't have one", "not given", None),
        ("jane.doe@example.com", "jane.doe@example.com", None),
        ("it's Jane@Example.COM thanks", "Jane@example.com", None),
        ("jane@", None, "utter_invalid_email"),
        ("jane at example dot com", None, "utter_invalid_email"),
    ],
)
async def test_email(text: str, expected: Optional[str], response: Optional[str]) -> None:
    result, dispatcher = await validate("email", text)
    assert result == {"email": expected}
    assert responses(dispatcher) == ([response] if response else [])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "email", "expected"),
    [
        ("Phone call", "not given", "phone call"),
        ("text me", "not given", "text message"),
        ("e-mail", "jane@example.com", "e-mail"),
        ("call or text", "jane@example.com", None),
        ("whatever", "jane@example.com", None),
    ],
)
async def test_contact_method(text: str, email: Optional[str], expected: Optional[str]) -> None:
    result, dispatcher = await validate("contact_method", text, slots={"email": email, "phone": "+16137221234"})
    assert result == {"contact_method": expected}
    assert responses(dispatcher) == ([] if expected else ["utter_unclear_contact_method"])


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["e-mail", "email please", "E-mail"])
async def test_choosing_e_mail_after_skipping_it_asks_for_the_address(text: str) -> None:
    result, dispatcher = await validate("contact_method", text, slots={"email": "not given", "phone": "+16137221234"})
    assert result == {"contact_method": "e-mail", "email": None}
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_an_address_given_with_the_method_is_taken() -> None:
    result, _ = await validate("contact_method", "email me at jane@example.com", slots={"email": "not given"})
    assert result == {"contact_method": "e-mail", "email": "jane@example.com"}


@pytest.mark.asyncio
async def test_a_call_chosen_without_a_phone_asks_for_the_number() -> None:
    result, _ = await validate("contact_method", "phone call", slots={"email": "jane@example.com", "phone": "not given"})
    assert result == {"contact_method": "phone call", "phone": None}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected"),
    [("weekday mornings", "weekday mornings"), ("after  5 pm", "after 5 pm"), ("call me after 5", "call me after 5"),
     ("-", None)],
)
async def test_contact_time(text: str, expected: Optional[str]) -> None:
    result, dispatcher = await validate("contact_time", text)
    assert result == {"contact_time": expected}
    assert responses(dispatcher) == ([] if expected else ["utter_form_reminder"])


# --------------------------------------------------------------------------- the summary


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["yes", "Yes", "yes please", "👍"])
async def test_summary_confirmed(text: str) -> None:
    result, dispatcher = await validate("confirmed", text)
    assert result == {"confirmed": True}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["send it", "Yes, send it", "looks good", "no problem"])
async def test_summary_agreement_confirms(text: str) -> None:
    """The summary button's own words, typed over SMS, and other plain agreements."""
    result, dispatcher = await validate("confirmed", text)
    assert result == {"confirmed": True}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("the phone number is wrong", "phone"),
        ("my email is wrong", "email"),
        ("change my name", "full_name"),
        ("the best time to call is wrong", "contact_time"),
        ("medications", "medications"),
    ],
)
async def test_summary_naming_a_field_clears_just_that_answer(text: str, field: str) -> None:
    result, dispatcher = await validate("confirmed", text, slots={field: "old value"})
    assert result == {field: None, "confirmed": None, "change_pending": False}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["Change an answer", "that's wrong", "no", "I need to edit something"])
async def test_summary_change_request_asks_which_answer(text: str) -> None:
    result, dispatcher = await validate("confirmed", text)
    assert result == {"confirmed": None, "change_pending": True}
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_summary_after_change_an_answer_then_email_clears_the_email() -> None:
    form = ValidateConsultationForm()
    answers = {"email": "jane@example.com", "phone": "+16137221234", "full_name": "Jane Doe"}

    first = make_tracker("Change an answer", requested="confirmed", slots=answers)
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, first, DOMAIN)
    after_first = slot_events(events)
    assert after_first["confirmed"] is None
    assert after_first["change_pending"] is True

    second = make_tracker("email", requested="confirmed", slots={**answers, "change_pending": True})
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, second, DOMAIN)
    after_second = slot_events(events)
    assert after_second["email"] is None
    assert after_second["confirmed"] is None
    assert after_second["change_pending"] is False
    assert "phone" not in after_second  # nothing else is cleared
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["yes", "hmm purple"])
async def test_summary_while_a_change_is_pending_needs_a_field_name(text: str) -> None:
    result, dispatcher = await validate("confirmed", text, slots={"change_pending": True})
    assert result == {"confirmed": None}
    assert responses(dispatcher) == ["utter_unclear_field"]


@pytest.mark.asyncio
async def test_summary_unclear_answer_is_asked_again() -> None:
    result, dispatcher = await validate("confirmed", "hmm purple")
    assert result == {"confirmed": None}
    assert responses(dispatcher) == ["utter_unclear_yes_no"]


# --------------------------------------------------------------------------- questions in the middle


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["surgery", "medications", "phone", "consent_given"])
async def test_faq_question_in_the_form_is_answered_and_the_slot_stays_empty(slot: str) -> None:
    result, dispatcher = await validate(slot, "what are the side effects?", intent="faq_side_effects")
    assert result == {slot: None}
    assert responses(dispatcher) == ["utter_faq_side_effects"]


@pytest.mark.asyncio
async def test_faq_question_naming_a_side_effect_gets_the_named_answer() -> None:
    entities = [{"entity": "side_effect", "value": "dry mouth", "start": 16, "end": 25}]
    result, dispatcher = await validate(
        "pregnancy", "can it cause dry mouth?", intent="faq_side_effects", entities=entities
    )
    assert result == {"pregnancy": None}
    assert responses(dispatcher) == ["utter_faq_side_effect_named"]
    assert dispatcher.messages[0]["side_effect"] == "temporary dry mouth"


@pytest.mark.asyncio
async def test_faq_question_naming_a_condition_gets_the_named_answer() -> None:
    entities = [{"entity": "condition", "value": "jaw pain"}]
    result, dispatcher = await validate("reason", "can it help my jaw pain?", intent="faq_conditions", entities=entities)
    assert result == {"reason": None}
    assert responses(dispatcher) == ["utter_faq_conditions_named"]
    assert dispatcher.messages[0]["condition"] == "jaw pain"


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", sorted(i for i in DOMAIN["intents"] if i.startswith("faq_")))
async def test_every_faq_intent_in_the_form_has_a_response(intent: str) -> None:
    result, dispatcher = await validate("surgery", "what about that question?", intent=intent)
    assert result == {"surgery": None}
    (response,) = responses(dispatcher)
    assert response in RESPONSES


@pytest.mark.asyncio
async def test_faq_intent_on_an_answer_that_is_not_a_question_is_taken_as_the_answer() -> None:
    # "no" classified as an FAQ by mistake is still the patient's answer.
    result, dispatcher = await validate("surgery", "no", intent="faq_safety_surgery")
    assert result == {"surgery": "no"}
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_out_of_scope_question_in_the_form_is_kept_for_staff() -> None:
    result, dispatcher = await validate("surgery", "do you offer payment plans?", intent="out_of_scope")
    assert result == {"surgery": None, "question_for_staff": "do you offer payment plans?"}
    assert responses(dispatcher) == ["utter_out_of_scope_in_form"]


@pytest.mark.asyncio
async def test_a_second_out_of_scope_question_is_added_to_the_first() -> None:
    result, dispatcher = await validate(
        "phone",
        "how much does it cost?",
        intent="out_of_scope",
        slots={"question_for_staff": "do you offer payment plans?"},
    )
    assert result == {"phone": None, "question_for_staff": "do you offer payment plans?\nhow much does it cost?"}
    assert responses(dispatcher) == ["utter_out_of_scope_in_form"]


@pytest.mark.asyncio
async def test_bot_challenge_in_the_form_is_answered() -> None:
    result, dispatcher = await validate("medications", "are you a real person?", intent="bot_challenge")
    assert result == {"medications": None}
    assert responses(dispatcher) == ["utter_bot_challenge"]


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["consent_given", "reason", "phone", "email", "confirmed"])
@pytest.mark.parametrize("text", ["never mind", "stop", "cancel", "I want to quit"])
async def test_cancel_phrase_ends_the_form_as_cancelled(slot: str, text: str) -> None:
    # action_submit_consultation then says so, clears every answer and removes them from the stored
    # conversation (tests/actions/test_handoff.py).
    answers = {"reason": "migraines", "phone": "+16137221234", "consent_given": True, "question_for_staff": "price?"}
    result, dispatcher = await validate(slot, text, slots=answers)
    assert result == {slot: None, "requested_slot": None, "screening_outcome": "cancelled"}
    assert dispatcher.messages == []


# --------------------------------------------------------------------------- full runs


@pytest.mark.asyncio
async def test_run_validates_the_candidate_and_returns_slot_events() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("613-555-012", requested="phone", slots={"consent_given": True})
    events = await form.run(dispatcher, tracker, DOMAIN)
    assert slot_events(events) == {"phone": None}
    assert responses(dispatcher) == ["utter_invalid_phone_too_short"]
    assert dispatcher.messages[0]["digits"] == "9"


@pytest.mark.asyncio
async def test_run_with_never_mind_ends_the_form_as_cancelled() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    answers = {"consent_given": True, "reason": "migraines", "medications": "none", "full_name": "Jane Doe"}
    tracker = make_tracker("never mind", requested="phone", slots=answers)
    events = await form.run(dispatcher, tracker, DOMAIN)
    values = slot_events(events)
    assert values["screening_outcome"] == "cancelled"
    assert values["phone"] is None
    # The last word on requested_slot is None, which ends the form.
    requested = [e for e in events if e.get("name") == "requested_slot"]
    assert requested and requested[-1]["value"] is None


@pytest.mark.asyncio
async def test_run_with_consent_refused_ends_the_form() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("no", requested="consent_given")
    events = await form.run(dispatcher, tracker, DOMAIN)
    values = slot_events(events)
    assert values["consent_given"] is False
    requested = [e for e in events if e.get("name") == "requested_slot"]
    assert requested and requested[-1]["value"] is None
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_run_faq_in_the_middle_keeps_the_slot_empty() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "side_effect", "value": "dry mouth"}]
    tracker = make_tracker(
        "can it cause dry mouth?", intent="faq_side_effects", entities=entities, requested="pregnancy",
        slots={"consent_given": True},
    )
    events = await form.run(dispatcher, tracker, DOMAIN)
    assert slot_events(events) == {"pregnancy": None}
    assert responses(dispatcher) == ["utter_faq_side_effect_named"]
    assert dispatcher.messages[0]["side_effect"] == "temporary dry mouth"


@pytest.mark.asyncio
async def test_run_out_of_scope_in_the_middle_keeps_the_question() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "do you offer payment plans?", intent="out_of_scope", requested="email", slots={"consent_given": True}
    )
    events = await form.run(dispatcher, tracker, DOMAIN)
    assert slot_events(events) == {"email": None, "question_for_staff": "do you offer payment plans?"}
    assert responses(dispatcher) == ["utter_out_of_scope_in_form"]


@pytest.mark.asyncio
async def test_required_slots_are_only_consent_once_it_is_refused() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    refused = make_tracker("no", slots={"consent_given": False})
    assert await form.required_slots(FORM_SLOTS, dispatcher, refused, DOMAIN) == ["consent_given"]
    for consent in (True, None):
        tracker = make_tracker("yes", slots={"consent_given": consent})
        assert await form.required_slots(FORM_SLOTS, dispatcher, tracker, DOMAIN) == FORM_SLOTS
    assert FORM_SLOTS[0] == "consent_given" and FORM_SLOTS[-1] == "confirmed"


# --------------------------------------------------------------------------- ask actions


@pytest.mark.asyncio
@pytest.mark.parametrize(("pending", "expected"), [(None, "utter_consultation_summary"), (False, "utter_consultation_summary"), (True, "utter_ask_which_change")])
async def test_ask_confirmed_summary_or_which_change(pending: Optional[bool], expected: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("jane@example.com", slots={"change_pending": pending})
    events = await ActionAskConfirmed().run(dispatcher, tracker, DOMAIN)
    assert events == []
    assert responses(dispatcher) == [expected]
    assert expected in RESPONSES


def user(text: str, intent: str) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        "input_channel": "rest",
    }


def bot(text: str = "...") -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": {}}


def conversation(*events: dict[str, Any]) -> Tracker:
    last_user = [e for e in events if e["event"] == "user"][-1]
    return make_tracker(last_user["text"], intent=last_user["parse_data"]["intent"]["name"], events=list(events))


@pytest.mark.asyncio
async def test_ask_consent_keeps_a_question_asked_with_the_request_for_a_person() -> None:
    tracker = conversation(
        {"event": "session_started"},
        user("hi", "greet"),
        bot(),
        user("can someone call me about the price?", "request_human"),
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAskConsentGiven().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_ask_consent_given"]
    assert slot_events(events)["question_for_staff"] == "can someone call me about the price?"


@pytest.mark.asyncio
async def test_ask_consent_keeps_the_out_of_scope_question_before_a_request_human_button() -> None:
    tracker = conversation(
        user("do you offer payment plans?", "out_of_scope"),
        bot("I don't have that information ..."),
        user("/request_human", "request_human"),
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAskConsentGiven().run(dispatcher, tracker, DOMAIN)
    assert slot_events(events)["question_for_staff"] == "do you offer payment plans?"
    assert responses(dispatcher) == ["utter_ask_consent_given"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "events",
    [
        [user("talk to a person", "request_human")],
        [user("hi", "greet"), bot(), user("talk to a person", "request_human")],
        [user("/request_human", "request_human")],
        # An earlier FAQ (answered) breaks the chain back to any older question.
        [user("do you offer payment plans?", "out_of_scope"), bot(), user("what is it?", "faq_what_is"), bot(),
         user("I'd like to talk to a person", "request_human")],
    ],
)
async def test_ask_consent_keeps_nothing_for_a_plain_request(events: list[dict[str, Any]]) -> None:
    tracker = conversation(*events)
    dispatcher = CollectingDispatcher()
    assert "question_for_staff" not in slot_events(await ActionAskConsentGiven().run(dispatcher, tracker, DOMAIN))
    assert question_for_staff(tracker) is None
    assert responses(dispatcher) == ["utter_ask_consent_given"]


def test_question_for_staff_without_user_messages() -> None:
    tracker = make_tracker("", events=[])
    assert question_for_staff(tracker) is None


@pytest.mark.asyncio
async def test_re_asking_consent_does_not_drop_a_question_added_in_the_form() -> None:
    first, second = "do you offer payment plans?", "how much does it cost?"
    events = [
        user(first, "out_of_scope"),
        bot(),
        user("/request_human", "request_human"),
        {"event": "slot", "name": "question_for_staff", "value": first},
        bot(),
        user(second, "out_of_scope"),
        # What validate_consultation_form returned for that message:
        {"event": "slot", "name": "consent_given", "value": None},
        {"event": "slot", "name": "question_for_staff", "value": f"{first}\n{second}"},
    ]
    tracker = make_tracker(second, intent="out_of_scope", events=events,
                           slots={"question_for_staff": f"{first}\n{second}"})
    dispatcher = CollectingDispatcher()
    result = await ActionAskConsentGiven().run(dispatcher, tracker, DOMAIN)
    kept = slot_events(result).get("question_for_staff", tracker.get_slot("question_for_staff"))
    assert second in kept


# --------------------------------------------------------------------------- the form decides what ends it

QUESTIONS = [slot for slot in FORM_SLOTS if slot not in ("consent_given", "confirmed")]


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["Anne Smith", "Stephanie Top", "Stop Anne", "Cancel Marie"])
@pytest.mark.parametrize(("intent", "confidence"), [("stop", 0.31), ("stop", 0.97), ("nlu_fallback", 0.2)])
async def test_a_name_is_kept_whatever_the_classifier_guessed(name: str, intent: str, confidence: float) -> None:
    expected = parse_full_name(name)
    result, dispatcher = await validate("full_name", name, intent=intent, confidence=confidence)
    if expected is None:
        # "Stop Anne" is not accepted as a name, but it does not end the form either.
        assert result == {"full_name": None} and responses(dispatcher) == ["utter_invalid_name"]
    else:
        assert result == {"full_name": expected}
        assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["reason", "medications", "surgery", "other_conditions", "phone"])
async def test_the_stop_intent_on_an_answer_is_still_the_answer(slot: str) -> None:
    text = {"reason": "stopping the jaw pain", "medications": "none", "surgery": "no", "other_conditions": "asthma",
            "phone": "613-722-1234"}[slot]
    result, _ = await validate(slot, text, intent="stop", confidence=0.9)
    assert result[slot] is not None
    assert "screening_outcome" not in result


# --------------------------------------------------------------------------- non-answers


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", QUESTIONS)
@pytest.mark.parametrize("text", ["hello?", "sorry, had to step away", "what?", "huh", "Hi! Are you still there?", "🙂"])
async def test_a_non_answer_is_asked_again_with_where_the_patient_is(slot: str, text: str) -> None:
    result, dispatcher = await validate(slot, text)
    assert result == {slot: None}
    assert responses(dispatcher) == ["utter_form_reminder"]
    assert dispatcher.messages[0]["step"] == str(QUESTIONS.index(slot) + 1)
    assert dispatcher.messages[0]["steps"] == str(len(QUESTIONS))


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", YES_NO + ["reason", "medications", "full_name", "phone", "contact_time"])
async def test_ok_where_it_answers_nothing_is_asked_again(slot: str) -> None:
    result, dispatcher = await validate(slot, "ok")
    assert result == {slot: None}
    assert responses(dispatcher) == ["utter_form_reminder"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "expected"), [("consent_given", True), ("confirmed", True)])
async def test_ok_where_it_does_answer_is_the_answer(slot: str, expected: bool) -> None:
    result, dispatcher = await validate(slot, "ok")
    assert result == {slot: expected}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "response"), [("consent_given", "utter_form_reminder_consent"),
                                                ("confirmed", "utter_form_reminder_summary")])
async def test_a_non_answer_at_consent_or_summary_says_where_we_are(slot: str, response: str) -> None:
    result, dispatcher = await validate(slot, "hello?")
    assert result == {slot: None}
    assert responses(dispatcher) == [response]


@pytest.mark.asyncio
async def test_a_real_answer_after_an_apology_is_kept() -> None:
    result, _ = await validate("medications", "sorry, I take advil")
    assert result == {"medications": "sorry, I take advil"}


# --------------------------------------------------------------------------- a reason in the opening message


def opening(text: str, stamp: float = 1700000000.5) -> list[dict[str, Any]]:
    return [
        {"event": "session_started", "timestamp": stamp - 10},
        {**user(text, "book_consultation"), "timestamp": stamp},
        bot("Before we start ..."),
        {"event": "slot", "name": "screening_started", "value": stamp},
        {**user("yes", "affirm"), "timestamp": stamp + 5},
        {"event": "slot", "name": "consent_given", "value": "yes"},
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("first", "reason"),
    [
        ("I'd like a consult for my jaw", "jaw"),
        ("book me in for migraines", "migraines"),
        ("I'd like to book a consultation", None),
        ("can I book for next week?", None),
    ],
)
async def test_a_reason_given_when_booking_is_not_asked_again(first: str, reason: Optional[str]) -> None:
    form = ValidateConsultationForm()
    tracker = make_tracker("yes", requested="consent_given", events=opening(first),
                           slots={"screening_started": 1700000000.5, "consent_given": "yes"})
    result = await form.validate_consent_given("yes", CollectingDispatcher(), tracker, DOMAIN)
    assert result == ({"consent_given": True, "reason": reason} if reason else {"consent_given": True})


@pytest.mark.asyncio
async def test_ask_consent_notes_when_the_screening_began() -> None:
    events = [{"event": "session_started", "timestamp": 10.0}, {**user("book me in", "book_consultation"), "timestamp": 12.5}]
    tracker = make_tracker("book me in", intent="book_consultation", events=events)
    result = await ActionAskConsentGiven().run(CollectingDispatcher(), tracker, DOMAIN)
    assert slot_events(result)["screening_started"] == 12.5
    again = make_tracker("book me in", intent="book_consultation", events=events, slots={"screening_started": 3.0})
    assert "screening_started" not in slot_events(await ActionAskConsentGiven().run(CollectingDispatcher(), again, DOMAIN))


@pytest.mark.asyncio
async def test_a_value_set_before_its_question_is_not_read_from_the_latest_message() -> None:
    # At a resume, Rasa validates the answers kept over the pause, with "continue" as the latest text.
    form = ValidateConsultationForm()
    tracker = make_tracker("continue", intent="continue_screening", requested=None, slots={"requested_slot": None})
    for slot, value in (("reason", "jaw pain"), ("surgery", "no"), ("phone", "+16137221234"), ("confirmed", None)):
        result = await getattr(form, f"validate_{slot}")(value, CollectingDispatcher(), tracker, DOMAIN)
        assert result == {slot: value}


# --------------------------------------------------------------------------- a person instead


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["reason", "medications", "surgery", "full_name", "phone", "email", "confirmed"])
@pytest.mark.parametrize("text", ["I want a human", "can someone call me?", "I'd like to talk to a real person"])
async def test_asking_for_a_person_mid_screening_offers_a_short_message(slot: str, text: str) -> None:
    result, dispatcher = await validate(slot, text, intent="request_human", slots={"consent_given": True})
    assert result == {slot: None, "switch_offered": True}
    assert dispatcher.messages == []  # the form asks the offer next (required_slots)


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["contact_method", "contact_time"])
async def test_call_me_answers_how_and_when_to_be_contacted(slot: str) -> None:
    result, _ = await validate(slot, "call me back in the morning", slots={"consent_given": True, "phone": "+16137221234"})
    assert "switch_offered" not in result


@pytest.mark.asyncio
async def test_asking_for_a_person_before_consent_switches_at_once() -> None:
    result, dispatcher = await validate("consent_given", "no I want to talk to a person")
    assert result == {"consent_given": None, "requested_slot": None, "screening_outcome": "switched"}
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_the_offer_is_asked_before_the_pending_question() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("can someone just call me", requested="surgery", slots={"consent_given": True})
    events = await form.run(dispatcher, tracker, DOMAIN)
    values = slot_events(events)
    assert values["switch_offered"] is True and values["surgery"] is None
    assert values["requested_slot"] == "switch_choice"
    offered = make_tracker("x", slots={"consent_given": True, "switch_offered": True})
    assert await form.required_slots(FORM_SLOTS, dispatcher, offered, DOMAIN) == ["switch_choice"] + FORM_SLOTS
    assert "utter_ask_switch_choice" in RESPONSES


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected", "response"),
    [
        ("Send a short message instead", {"switch_offered": None, "requested_slot": None, "screening_outcome": "switched"}, None),
        ("yes please", {"switch_offered": None, "requested_slot": None, "screening_outcome": "switched"}, None),
        ("just get me a person", {"switch_offered": None, "requested_slot": None, "screening_outcome": "switched"}, None),
        ("Finish this first", {"switch_offered": None}, "utter_finish_screening"),
        ("no, let's finish", {"switch_offered": None}, "utter_finish_screening"),
        ("613 722 1234", {"switch_offered": None}, "utter_finish_screening"),
        ("hello?", {}, None),
        ("stop", {"switch_offered": None, "requested_slot": None, "screening_outcome": "cancelled"}, None),
    ],
)
async def test_the_answer_to_the_offer(text: str, expected: dict[str, Any], response: Optional[str]) -> None:
    result, dispatcher = await validate("switch_choice", text, slots={"consent_given": True, "switch_offered": True})
    assert result == {"switch_choice": None, **expected}
    assert responses(dispatcher) == ([response] if response else [])


# --------------------------------------------------------------------------- not sending it


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["don't send it", "I changed my mind", "no, don't send", "actually I don't want to send it"])
async def test_dont_send_at_the_summary_is_checked_once(text: str) -> None:
    result, dispatcher = await validate("confirmed", text)
    assert result == {"confirmed": None, "discard_pending": True}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes, delete them", {"confirmed": None, "discard_pending": None, "requested_slot": None, "screening_outcome": "discarded"}),
        ("yes", {"confirmed": None, "discard_pending": None, "requested_slot": None, "screening_outcome": "discarded"}),
        ("don't send it", {"confirmed": None, "discard_pending": None, "requested_slot": None, "screening_outcome": "discarded"}),
        ("No", {"confirmed": None, "discard_pending": None}),
        ("actually send it", {"confirmed": True, "discard_pending": None}),
    ],
)
async def test_the_answer_to_the_discard_check(text: str, expected: dict[str, Any]) -> None:
    result, _ = await validate("confirmed", text, slots={"discard_pending": True})
    assert result == expected


@pytest.mark.asyncio
async def test_the_discard_check_is_what_the_summary_asks() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, make_tracker("x", slots={"discard_pending": True}), DOMAIN)
    assert responses(dispatcher) == ["utter_ask_discard"]


@pytest.mark.asyncio
async def test_changed_my_mind_about_an_answer_changes_that_answer() -> None:
    result, _ = await validate("confirmed", "I changed my mind about the phone number")
    assert result == {"phone": None, "confirmed": None, "change_pending": False}


# --------------------------------------------------------------------------- no phone, e-mail only


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["I don't have a phone", "e-mail me instead", "no phone", "skip"])
async def test_no_phone_makes_the_e_mail_the_way(text: str) -> None:
    result, dispatcher = await validate("phone", text)
    assert result == {"phone": "not given"}
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_no_phone_after_skipping_the_e_mail_asks_for_it_again() -> None:
    result, _ = await validate("phone", "I don't have a phone", slots={"email": "not given"})
    assert result == {"phone": "not given", "email": None}


@pytest.mark.asyncio
async def test_no_phone_with_an_e_mail_already_given_contacts_by_e_mail() -> None:
    result, _ = await validate("phone", "e-mail me instead", slots={"email": "jane@example.com"})
    assert result == {"phone": "not given", "contact_method": "e-mail"}


@pytest.mark.asyncio
async def test_an_address_at_the_phone_question_is_taken() -> None:
    result, _ = await validate("phone", "no phone, email me at jane@example.com")
    assert result == {"phone": "not given", "email": "jane@example.com", "contact_method": "e-mail"}


@pytest.mark.asyncio
async def test_without_a_phone_the_e_mail_is_required_and_then_the_way() -> None:
    result, dispatcher = await validate("email", "jane@example.com", slots={"phone": "not given"})
    assert result == {"email": "jane@example.com", "contact_method": "e-mail"}
    skipped, dispatcher = await validate("email", "skip", slots={"phone": "not given"})
    assert skipped == {"email": None, "phone": None}
    assert responses(dispatcher) == ["utter_need_phone_or_email"]
    wrong, dispatcher = await validate("email", "jane@", slots={"phone": "not given"})
    assert wrong == {"email": None} and responses(dispatcher) == ["utter_invalid_email_required"]
    number, _ = await validate("email", "ok here's my number 613 722 1234", slots={"phone": "not given"})
    assert number == {"phone": "+16137221234", "email": None}


@pytest.mark.asyncio
async def test_skipping_the_e_mail_after_choosing_e_mail_asks_the_method_again() -> None:
    result, dispatcher = await validate("email", "skip", slots={"phone": "+16137221234", "contact_method": "e-mail"})
    assert result == {"email": "not given", "contact_method": None}
    assert responses(dispatcher) == ["utter_email_skipped_method"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("slots", "response"),
    [
        ({"phone": "+16137221234"}, "utter_ask_email"),
        ({"phone": "not given"}, "utter_ask_email_required"),
        ({"phone": "+16137221234", "contact_method": "e-mail"}, "utter_ask_email_for_method"),
    ],
)
async def test_the_e_mail_question_says_whether_it_is_needed(slots: dict[str, Any], response: str) -> None:
    dispatcher = CollectingDispatcher()
    assert await ActionAskEmail().run(dispatcher, make_tracker("x", slots=slots), DOMAIN) == []
    assert responses(dispatcher) == [response]
    assert response in RESPONSES


# --------------------------------------------------------------------------- pause, resume, discard


def in_form(text: str, intent: str, form: str = "consultation_form", slots: Optional[dict[str, Any]] = None) -> Tracker:
    tracker = make_tracker(text, intent=intent, slots={"requested_slot": "surgery", **(slots or {})})
    tracker.active_loop = {"name": form}
    return tracker


@pytest.mark.asyncio
@pytest.mark.parametrize(("intent", "flagged"), [("emergency", True), ("crisis", True), ("after_treatment", False)])
async def test_pause_keeps_the_answers_and_asks_nothing(intent: str, flagged: bool) -> None:
    dispatcher = CollectingDispatcher()
    tracker = in_form("...", intent, slots={"reason": "migraines", "switch_offered": True})
    events = await ActionPauseRequest().run(dispatcher, tracker, DOMAIN)
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}
    values = slot_events(events)
    assert values["request_paused"] is True and values["paused_form"] == "consultation_form"
    assert values["requested_slot"] is None and values["switch_offered"] is None
    assert "reason" not in values  # kept
    assert values.get("emergency_during_screening", False) is flagged
    # After a symptom after treatment the pause is silent: action_after_treatment speaks next, care first.
    assert responses(dispatcher) == (["utter_request_paused"] if intent != "after_treatment" else [])


@pytest.mark.asyncio
async def test_pause_outside_a_form_does_nothing() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("...", intent="emergency")
    tracker.active_loop = {}
    assert await ActionPauseRequest().run(dispatcher, tracker, DOMAIN) == []
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_the_short_message_can_be_paused_too() -> None:
    events = await ActionPauseRequest().run(CollectingDispatcher(), in_form("...", "emergency", "contact_form"), DOMAIN)
    values = slot_events(events)
    assert values["paused_form"] == "contact_form" and "emergency_during_screening" not in values


@pytest.mark.asyncio
@pytest.mark.parametrize("form", ["consultation_form", "contact_form"])
async def test_continue_reactivates_the_paused_form(form: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("continue", intent="continue_screening", slots={"request_paused": True, "paused_form": form})
    events = await ActionResumeRequest().run(dispatcher, tracker, DOMAIN)
    assert events[-1] == {"event": "active_loop", "name": form, "timestamp": None}
    assert slot_events(events) == {"request_paused": None, "paused_form": None}
    assert responses(dispatcher) == ["utter_request_resumed"]


@pytest.mark.asyncio
async def test_continue_with_nothing_paused_says_so() -> None:
    dispatcher = CollectingDispatcher()
    assert await ActionResumeRequest().run(dispatcher, make_tracker("continue", intent="continue_screening"), DOMAIN) == []
    assert responses(dispatcher) == ["utter_nothing_paused"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("form", "started_slot"), [("consultation_form", "screening_started"), ("contact_form", "message_started")])
async def test_stop_while_paused_deletes_the_request_from_the_conversation(form: str, started_slot: str) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"request_paused": True, "paused_form": form, started_slot: 1700000003.25, "reason": "migraines"}
    events = await ActionDiscardPaused().run(dispatcher, make_tracker("stop", intent="stop", slots=slots), DOMAIN)
    assert events[0] == {"event": "slot", "name": "redact_since", "value": 1700000003.25, "timestamp": None}
    assert events[-1] == {"event": "slot", "name": "redact_since", "value": None, "timestamp": None}
    values = {e["name"]: e["value"] for e in events[1:-1]}
    assert all(v is None for v in values.values())
    assert {"request_paused", "paused_form"} <= set(values)
    if form == "consultation_form":
        assert set(SCREENING_SLOTS) <= set(values)
    assert responses(dispatcher) == ["utter_request_discarded"]


def test_every_response_and_action_named_here_is_in_the_domain() -> None:
    for response in ("utter_form_reminder", "utter_form_reminder_consent", "utter_form_reminder_summary",
                     "utter_finish_screening", "utter_ask_discard", "utter_need_phone_or_email", "utter_request_paused",
                     "utter_request_resumed", "utter_nothing_paused", "utter_request_discarded", "utter_email_skipped_method",
                     "utter_invalid_email_required"):
        assert response in RESPONSES, response
    for action in (ActionAskEmail(), ActionPauseRequest(), ActionResumeRequest(), ActionDiscardPaused()):
        assert action.name() in DOMAIN["actions"]
    assert "switch_choice" in DOMAIN["slots"]


@pytest.mark.asyncio
async def test_the_reply_to_the_offer_is_read_by_the_validator_itself() -> None:
    form = ValidateConsultationForm()
    slots = {"consent_given": True, "switch_offered": True, "requested_slot": "switch_choice"}
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, make_tracker("Finish this first", slots=slots), DOMAIN)
    values = slot_events(events)
    assert values["switch_offered"] is None and values["switch_choice"] is None
    assert responses(dispatcher) == ["utter_finish_screening"]


@pytest.mark.asyncio
async def test_an_emergency_at_the_offer_is_left_to_the_rules() -> None:
    # Nothing validated: Rasa rejects the form and the emergency rule answers (then pauses it).
    form = ValidateConsultationForm()
    slots = {"consent_given": True, "switch_offered": True, "requested_slot": "switch_choice"}
    events = await form.run(CollectingDispatcher(), make_tracker("I can't breathe", intent="emergency", slots=slots), DOMAIN)
    assert {name for name in slot_events(events)} <= {"requested_slot"}
