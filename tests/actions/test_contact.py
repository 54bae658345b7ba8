"""A person without a questionnaire, and care after treatment: the short contact request's actions."""

from __future__ import annotations

import logging
from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import MESSAGE_SLOTS
from actions.contact import (
    ActionAfterTreatment,
    ActionAskMessageConsent,
    ActionStartMessage,
    ActionSubmitMessage,
    ValidateContactForm,
    message_for,
    split_contact,
)
from bot.settings import ROOT, Settings
from bot.store.requests import RequestStore

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = set(DOMAIN["responses"])
FORM_SLOTS: list[str] = DOMAIN["forms"]["contact_form"]["required_slots"]
SETTINGS = Settings(public_base_url="http://clinic.test")
STARTED = 1700000100.5


def user(text: str, intent: str = "inform", stamp: Optional[float] = None) -> dict[str, Any]:
    event = {
        "event": "user",
        "text": text,
        "input_channel": "rest",
        "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
    }
    if stamp is not None:
        event["timestamp"] = stamp
    return event


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def make_tracker(
    events: list[dict[str, Any]],
    slots: Optional[dict[str, Any]] = None,
    requested: Optional[str] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    values["requested_slot"] = requested
    values.update(slots or {})
    latest = next(e for e in reversed(events) if e["event"] == "user")
    if requested:
        values[requested] = latest["text"]
        events = events + [{"event": "slot", "name": requested, "value": latest["text"]}]
    return Tracker(
        "patient-7",
        values,
        latest_message=latest["parse_data"],
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def responses(dispatcher: CollectingDispatcher) -> list[Optional[str]]:
    return [m.get("response") for m in dispatcher.messages]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# --------------------------------------------------------------------------- which kind, which message


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([user("can someone call me about the price?", "request_human")], ("message", "can someone call me about the price?")),
        ([user("can someone call me?", "request_human")], ("message", None)),
        ([user("/request_human", "request_human")], ("message", None)),
        ([user("do you offer payment plans?", "out_of_scope"), action("utter_out_of_scope"), user("yes please", "affirm")],
         ("message", "do you offer payment plans?")),
        ([user("I'm allergic to eggs, is it ok for me?", "own_case"), action("utter_own_case"), user("yes", "affirm")],
         ("message", "I'm allergic to eggs, is it ok for me?")),
        ([user("I need to move my appointment to Friday", "existing_patient")],
         ("existing_patient", "I need to move my appointment to Friday")),
        ([user("I'm already a patient", "existing_patient")], ("existing_patient", None)),
    ],
)
def test_message_for(events: list[dict[str, Any]], expected: tuple[str, Optional[str]]) -> None:
    assert message_for(make_tracker(events)) == expected


def test_yes_to_the_urgent_message_keeps_the_symptom_as_the_message() -> None:
    symptom = "my left eye won't open all the way since the shots"
    events = [user(symptom, "after_treatment"), action("action_after_treatment"), user("/affirm", "affirm")]
    tracker = make_tracker(events, slots={"care_message": symptom})
    assert message_for(tracker) == ("after_treatment", symptom)
    # Later in the conversation, a plain request for a person is a plain message.
    later = events + [action("utter_anything_else"), user("can I talk to a person", "request_human")]
    assert message_for(make_tracker(later, slots={"care_message": symptom})) == ("message", None)


@pytest.mark.asyncio
async def test_start_notes_the_kind_the_message_and_when_it_began() -> None:
    tracker = make_tracker([user("can someone call me about the price?", "request_human", stamp=STARTED)],
                           slots={"message_name": "old"})
    events = await ActionStartMessage().run(CollectingDispatcher(), tracker, DOMAIN)
    values = slot_events(events)
    assert values["message_kind"] == "message"
    assert values["message_text"] == "can someone call me about the price?"
    assert values["message_started"] == STARTED
    assert values["message_name"] is None  # an earlier one is not carried into this request


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "response"), [("message", "utter_ask_message_consent"),
                                                ("existing_patient", "utter_ask_message_consent"),
                                                ("after_treatment", "utter_ask_message_consent_urgent")])
async def test_consent_says_what_is_kept(kind: str, response: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker([user("x", stamp=STARTED)], slots={"message_kind": kind, "message_started": 5.0})
    assert await ActionAskMessageConsent().run(dispatcher, tracker, DOMAIN) == []
    assert responses(dispatcher) == [response]


def test_the_consent_line_says_exactly_what_is_kept() -> None:
    english, french = DOMAIN["responses"]["utter_ask_message_consent"]
    assert english["text"] == ("I'll pass a short message to the team: your name, how to reach you, and your message. "
                               "Only the clinic's staff see it. Okay?")
    assert french["condition"] == [{"type": "slot", "name": "language", "value": "fr"}]
    assert french["text"] == ("Je vais transmettre un court message à l'équipe : votre nom, comment vous joindre et "
                              "votre message. Seul le personnel de la clinique le verra. D'accord?")


# --------------------------------------------------------------------------- the answers


async def validate(slot: str, text: str, intent: str = "inform", **slots: Any) -> tuple[dict[str, Any], CollectingDispatcher]:
    form = ValidateContactForm()
    tracker = make_tracker([user(text, intent)], slots=slots, requested=slot, active_loop="contact_form")
    dispatcher = CollectingDispatcher()
    result = await getattr(form, f"validate_{slot}")(text, dispatcher, tracker, DOMAIN)
    return result, dispatcher


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected", "response"),
    [
        ("yes", {"message_consent": True}, None),
        ("okay", {"message_consent": True}, None),
        ("no", {"message_consent": False, "requested_slot": None}, None),
        ("the blue one", {"message_consent": None}, "utter_unclear_yes_no"),
        ("hello?", {"message_consent": None}, "utter_message_reminder"),
    ],
)
async def test_message_consent(text: str, expected: dict[str, Any], response: Optional[str]) -> None:
    result, dispatcher = await validate("message_consent", text)
    assert result == expected
    assert responses(dispatcher) == ([response] if response else [])


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["stop", "inform", "nlu_fallback"])
async def test_a_name_is_a_name(intent: str) -> None:
    result, dispatcher = await validate("message_name", "Anne Smith", intent=intent)
    assert result == {"message_name": "Anne Smith"}
    bad, dispatcher = await validate("message_name", "613 555 0123")
    assert bad == {"message_name": None} and responses(dispatcher) == ["utter_invalid_name"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected", "response"),
    [
        ("613-555-0123", "+16135550123", None),
        ("613-555-0123 ext 45", "+16135550123 ext. 45", None),
        ("it's jane@example.com", "jane@example.com", None),
        ("613 555 0123 or jane@example.com", "+16135550123, jane@example.com", None),
        ("613 555 012", None, "utter_invalid_phone_too_short"),
        ("whenever", None, "utter_invalid_message_contact"),
    ],
)
async def test_phone_or_e_mail_in_one_question(text: str, expected: Optional[str], response: Optional[str]) -> None:
    result, dispatcher = await validate("message_contact", text)
    assert result == {"message_contact": expected}
    assert responses(dispatcher) == ([response] if response else [])
    if response:
        assert response in RESPONSES


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "expected"),
    [("I need to move my Tuesday appointment", "I need to move my Tuesday appointment"), ("yes", None), ("no", None)],
)
async def test_the_message(text: str, expected: Optional[str]) -> None:
    result, dispatcher = await validate("message_text", text)
    assert result == {"message_text": expected}
    assert responses(dispatcher) == ([] if expected else ["utter_unclear_answer"])


@pytest.mark.asyncio
async def test_a_page_question_as_the_message_is_the_message() -> None:
    result, dispatcher = await validate("message_text", "what are the side effects?", intent="faq_side_effects")
    assert result == {"message_text": "what are the side effects?"}
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_a_page_question_at_another_question_is_answered_then_asked_again() -> None:
    result, dispatcher = await validate("message_name", "what are the side effects?", intent="faq_side_effects")
    assert result == {"message_name": None}
    assert responses(dispatcher) == ["utter_faq_side_effects"]


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", FORM_SLOTS)
async def test_stop_ends_it_as_cancelled(slot: str) -> None:
    result, dispatcher = await validate(slot, "never mind")
    assert result == {slot: None, "requested_slot": None, "message_outcome": "cancelled"}
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_the_message_from_the_request_is_not_asked_again() -> None:
    form = ValidateContactForm()
    tracker = make_tracker([user("can someone call me about the price?", "request_human")], slots={"requested_slot": None})
    result = await form.validate_message_text("can someone call me about the price?", CollectingDispatcher(), tracker, DOMAIN)
    assert result == {"message_text": "can someone call me about the price?"}


@pytest.mark.asyncio
async def test_after_a_refusal_nothing_more_is_asked() -> None:
    form = ValidateContactForm()
    tracker = make_tracker([user("no")], slots={"message_consent": False})
    assert await form.required_slots(FORM_SLOTS, CollectingDispatcher(), tracker, DOMAIN) == ["message_consent"]
    assert FORM_SLOTS == ["message_consent", "message_name", "message_contact", "message_text"]


# --------------------------------------------------------------------------- sending it


class FakeNotifier:
    def __init__(self) -> None:
        self.calls: list[tuple[int, bool, str]] = []

    def __call__(self, settings: Settings, request_id: int, *, urgent: bool = False, kind: str = "consultation") -> bool:
        self.calls.append((request_id, urgent, kind))
        return True


FILLED = {
    "message_consent": True,
    "message_name": "Anne Smith",
    "message_contact": "+16135550123 ext. 45, anne@example.com",
    "message_text": "Can I move my appointment?",
    "message_kind": "message",
    "message_started": STARTED,
}


async def submit(store: RequestStore, slots: dict[str, Any], notifier: Optional[FakeNotifier] = None):
    notifier = notifier or FakeNotifier()
    events = [{"event": "session_started", "timestamp": 1.0}, user("x", stamp=STARTED)]
    tracker = make_tracker(events, slots=slots)
    dispatcher = CollectingDispatcher()
    result = await ActionSubmitMessage(store=store, settings=SETTINGS, notifier=notifier).run(dispatcher, tracker, DOMAIN)
    return result, dispatcher, notifier


def redact_marks(events: list[dict[str, Any]]) -> list[Any]:
    return [e["value"] for e in events if e.get("event") == "slot" and e["name"] == "redact_since"]


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["message", "existing_patient"])
async def test_a_message_is_stored_with_no_health_fields(engine, kind: str) -> None:
    store = RequestStore(engine)
    events, dispatcher, notifier = await submit(store, {**FILLED, "message_kind": kind})
    (row,) = store.list()
    assert row.kind == kind
    assert (row.full_name, row.phone, row.email) == ("Anne Smith", "+16135550123 ext. 45", "anne@example.com")
    assert row.question_for_staff == "Can I move my appointment?"
    assert row.answers == {} and row.reason == "" and row.flags == []
    assert notifier.calls == [(row.id, False, kind)]
    assert responses(dispatcher) == ["utter_message_sent"]
    assert redact_marks(events) == []  # what was sent is kept
    assert all(slot_events(events)[name] is None for name in MESSAGE_SLOTS)


@pytest.mark.asyncio
async def test_an_urgent_message_after_treatment_is_flagged_and_notified_as_urgent(engine) -> None:
    store = RequestStore(engine)
    symptom = "things look blurry since Tuesday's injection, should I worry?"
    _, dispatcher, notifier = await submit(store, {**FILLED, "message_kind": "after_treatment", "message_text": symptom})
    (row,) = store.list()
    assert row.kind == "after_treatment" and row.flags == ["after_treatment_concern"] and row.urgent
    assert row.question_for_staff == symptom
    assert notifier.calls == [(row.id, True, "after_treatment")]
    assert responses(dispatcher) == ["utter_message_sent_urgent"]


@pytest.mark.asyncio
async def test_the_same_message_twice_is_stored_once(engine) -> None:
    store = RequestStore(engine)
    notifier = FakeNotifier()
    await submit(store, FILLED, notifier)
    await submit(store, FILLED, notifier)
    assert len(store.list()) == 1 and len(notifier.calls) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("slots", "response"),
    [({"message_consent": False}, "utter_message_declined"),
     ({"message_consent": True, "message_outcome": "cancelled"}, "utter_message_cancelled")],
)
async def test_declined_or_stopped_stores_nothing_and_redacts(engine, slots: dict[str, Any], response: str) -> None:
    store = RequestStore(engine)
    events, dispatcher, notifier = await submit(store, {"message_started": STARTED, "message_kind": "message", **slots})
    assert store.list() == [] and notifier.calls == []
    assert responses(dispatcher) == [response]
    assert redact_marks(events) == [STARTED, None]
    assert events[0]["name"] == "redact_since" and events[-1]["name"] == "redact_since"


class FailingStore(RequestStore):
    def add(self, request):  # type: ignore[override]
        raise RuntimeError(f"insert failed for {request.full_name} {request.phone}")


@pytest.mark.asyncio
async def test_a_storage_failure_is_told_honestly(engine, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    _, dispatcher, notifier = await submit(FailingStore(engine), FILLED)
    assert responses(dispatcher) == ["utter_consultation_failed"]
    assert notifier.calls == []
    assert "Anne" not in caplog.text and "6135550123" not in caplog.text


def test_split_contact() -> None:
    assert split_contact("+16135550123, a@b.ca") == ("+16135550123", "a@b.ca")
    assert split_contact("a@b.ca") == ("", "a@b.ca")
    assert split_contact(None) == ("", "")


# --------------------------------------------------------------------------- after treatment


@pytest.mark.asyncio
async def test_after_treatment_tells_them_to_contact_the_clinic_and_keeps_their_words() -> None:
    symptom = "my left eye won't open all the way since the shots"
    dispatcher = CollectingDispatcher()
    events = await ActionAfterTreatment().run(dispatcher, make_tracker([user(symptom, "after_treatment")]), DOMAIN)
    assert responses(dispatcher) == ["utter_after_treatment"]
    assert events == [{"event": "slot", "name": "care_message", "value": symptom, "timestamp": None}]


@pytest.mark.asyncio
@pytest.mark.parametrize("symptom", [
    "my eyelid is droopy since monday, is that a side effect?",
    "had botox yesterday and my neck hurts, is this normal?",
    "will I get a headache after the shots? I have one since yesterday's botox",
])
async def test_a_symptom_asked_about_gets_the_pages_side_effects_then_the_care_message(symptom: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAfterTreatment().run(dispatcher, make_tracker([user(symptom, "after_treatment")]), DOMAIN)
    # What the page lists first; the care message, with its question and buttons, last.
    assert responses(dispatcher) == ["utter_faq_side_effects", "utter_after_treatment"]
    assert slot_events(events) == {"last_topic": "faq_side_effects", "care_message": symptom}


@pytest.mark.asyncio
async def test_after_treatment_after_a_pause_says_the_request_waits() -> None:
    # Inside a form, action_pause_request has just paused it (silently): care first, then the pause.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker([user("eyelid drooping since the injection", "after_treatment")],
                           slots={"request_paused": True, "paused_form": "consultation_form"})
    events = await ActionAfterTreatment().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_after_treatment", "utter_request_paused"]
    assert slot_events(events) == {"care_message": "eyelid drooping since the injection"}


def test_the_after_treatment_reply_is_safe_in_every_variation() -> None:
    variations = DOMAIN["responses"]["utter_after_treatment"]
    assert any(v.get("condition") for v in variations)  # the French ones are checked too
    for variation in variations:
        text = variation["text"]
        french = bool(variation.get("condition"))
        assert not text.lower().startswith("oui" if french else "yes")
        assert "{clinic_contact}" in text and "911" in text
        if french:
            assert "respiration" in text and "déglutition" in text and "parole" in text
            assert "normal" not in text.replace("ce qui est normal pour vous", "")
        else:
            assert "breathing" in text and "swallowing" in text and "speaking" in text
            assert "normal" not in text.replace("can't tell you what is normal for you", "")
        assert [b["payload"] for b in variation["buttons"]] == ["/affirm", "/deny"]


def test_actions_and_form_are_in_the_domain() -> None:
    for action_class in (ActionAfterTreatment, ActionAskMessageConsent, ActionStartMessage, ActionSubmitMessage,
                         ValidateContactForm):
        assert action_class().name() in DOMAIN["actions"]
    for slot in MESSAGE_SLOTS:
        assert slot in DOMAIN["slots"], slot
