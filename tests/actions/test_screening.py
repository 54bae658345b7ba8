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
from actions.screening import (
    ActionAskConfirmed,
    ActionAskConsentGiven,
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
@pytest.mark.parametrize("text", ["hmm purple", "12 weeks", "I'm pregnant", "🙂"])
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
@pytest.mark.parametrize("text", ["not sure", "hmm purple", "I don't understand", "ok sure"])
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
        ("ok", None, "utter_unclear_answer"),
        ("??", None, "utter_unclear_answer"),
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
        ("medications", "what do you mean", None, "utter_unclear_medications"),
        ("medications", "?", None, "utter_unclear_medications"),
        ("other_conditions", "none", "none", None),
        ("other_conditions", "asthma", "asthma", None),
        ("other_conditions", "what do you mean", None, "utter_unclear_answer"),
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
        ("it's 613.722.1234 ext 4", "+16137221234"),
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
        ("text me", None, "text message"),
        ("e-mail", "jane@example.com", "e-mail"),
        ("e-mail", "not given", None),
        ("email please", None, None),
        ("call or text", "jane@example.com", None),
        ("whatever", "jane@example.com", None),
    ],
)
async def test_contact_method(text: str, email: Optional[str], expected: Optional[str]) -> None:
    result, dispatcher = await validate("contact_method", text, slots={"email": email})
    assert result == {"contact_method": expected}
    assert responses(dispatcher) == ([] if expected else ["utter_unclear_contact_method"])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected"),
    [("weekday mornings", "weekday mornings"), ("after  5 pm", "after 5 pm"), ("?", None)],
)
async def test_contact_time(text: str, expected: Optional[str]) -> None:
    result, dispatcher = await validate("contact_time", text)
    assert result == {"contact_time": expected}
    assert responses(dispatcher) == ([] if expected else ["utter_unclear_answer"])


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
    entities = [{"entity": "condition", "value": "TMJ"}]
    result, dispatcher = await validate("reason", "can it help my TMJ?", intent="faq_conditions", entities=entities)
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
async def test_cancel_phrase_discards_every_answer(slot: str, text: str) -> None:
    answers = {"reason": "migraines", "phone": "+16137221234", "consent_given": True, "question_for_staff": "price?"}
    result, dispatcher = await validate(slot, text, slots=answers)
    assert responses(dispatcher) == ["utter_consultation_cancelled"]
    assert set(result) == set(SCREENING_SLOTS) | {"requested_slot"}
    assert all(value is None for value in result.values())


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
async def test_run_with_never_mind_clears_everything_and_ends_the_form() -> None:
    form = ValidateConsultationForm()
    dispatcher = CollectingDispatcher()
    answers = {"consent_given": True, "reason": "migraines", "medications": "none", "full_name": "Jane Doe"}
    tracker = make_tracker("never mind", requested="phone", slots=answers)
    events = await form.run(dispatcher, tracker, DOMAIN)
    values = slot_events(events)
    assert responses(dispatcher) == ["utter_consultation_cancelled"]
    for name in SCREENING_SLOTS:
        assert values[name] is None, name
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
    assert slot_events(events) == {"question_for_staff": "can someone call me about the price?"}


@pytest.mark.asyncio
async def test_ask_consent_keeps_the_out_of_scope_question_before_a_request_human_button() -> None:
    tracker = conversation(
        user("do you offer payment plans?", "out_of_scope"),
        bot("I don't have that information ..."),
        user("/request_human", "request_human"),
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAskConsentGiven().run(dispatcher, tracker, DOMAIN)
    assert slot_events(events) == {"question_for_staff": "do you offer payment plans?"}
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
    assert await ActionAskConsentGiven().run(dispatcher, tracker, DOMAIN) == []
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
