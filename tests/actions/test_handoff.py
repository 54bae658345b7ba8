"""The handoff: one stored request per confirmed screening, an honest failure, and a clean slate."""

from __future__ import annotations

import logging
from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import SCREENING_SLOTS
from actions.handoff import ActionSubmitConsultation, build_request, flags_for
from bot.settings import ROOT, Settings
from bot.store.requests import RequestStore

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
SETTINGS = Settings(public_base_url="http://clinic.test")

ANSWERS: dict[str, Any] = {
    "consent_given": True,
    "reason": "jaw pain from clenching",
    "medications": "I take advil sometimes",
    "surgery": "no",
    "facial_weakness": "no",
    "nerve_condition": "no",
    "pregnancy": "yes — 12 weeks",
    "other_conditions": "none",
    "full_name": "Jane Doe",
    "phone": "+16137221234",
    "email": "not given",
    "contact_method": "phone call",
    "contact_time": "weekday mornings",
    "confirmed": True,
    "change_pending": False,
    "question_for_staff": "do you offer payment plans?",
}


def user(text: str, channel: str = "socketio", intent: str = "inform") -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "input_channel": channel,
        "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
    }


def session_events(channel: str = "socketio", started: float = 1700000000.25) -> list[dict[str, Any]]:
    return [
        {"event": "action", "name": "action_session_start", "timestamp": started - 0.1},
        {"event": "session_started", "timestamp": started},
        {"event": "action", "name": "action_listen", "timestamp": started + 0.1},
        user("I'd like to book a consultation", channel, "book_consultation"),
        {"event": "active_loop", "name": "consultation_form"},
        user("yes", channel),
    ]


def make_tracker(
    slots: Optional[dict[str, Any]] = None,
    events: Optional[list[dict[str, Any]]] = None,
    sender: str = "patient-42",
) -> Tracker:
    values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    values["requested_slot"] = None
    values.update(ANSWERS if slots is None else slots)
    events = session_events() if events is None else events
    last_user = next((e for e in reversed(events) if e["event"] == "user"), None)
    return Tracker(
        sender,
        values,
        latest_message=(last_user or {}).get("parse_data", {}),
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="consultation_form",
    )


class FakeNotifier:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, settings: Settings, request_id: int, *, urgent: bool = False, kind: str = "consultation") -> bool:
        self.calls.append((settings, request_id, urgent, kind))
        return True


def responses(dispatcher: CollectingDispatcher) -> list[Optional[str]]:
    return [m.get("response") for m in dispatcher.messages]


def assert_resets_screening(events: list[dict[str, Any]]) -> None:
    slot_sets = {e["name"]: e["value"] for e in events if e.get("event") == "slot" and e["name"] != "redact_since"}
    assert set(slot_sets) == set(SCREENING_SLOTS) | {"requested_slot"}
    assert all(value is None for value in slot_sets.values())


def redaction_window(events: list[dict[str, Any]]) -> Optional[tuple[int, int, float]]:
    """(index of the opening marker, index of the closing one, its timestamp), or None without markers."""
    marks = [(i, e["value"]) for i, e in enumerate(events) if e.get("event") == "slot" and e["name"] == "redact_since"]
    if not marks:
        return None
    (first, since), (last, closing) = marks[0], marks[-1]
    assert len(marks) == 2 and closing is None and isinstance(since, float)
    return first, last, since


async def submit(store: Any, tracker: Tracker, notifier: Optional[FakeNotifier] = None):
    notifier = notifier or FakeNotifier()
    action = ActionSubmitConsultation(store=store, settings=SETTINGS, notifier=notifier)
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher, notifier


# --------------------------------------------------------------------------- flags


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({}, []),
        ({"surgery": "no", "facial_weakness": "no", "nerve_condition": "no", "pregnancy": "no"}, []),
        ({"pregnancy": "yes"}, ["pregnancy"]),
        ({"pregnancy": "yes — 12 weeks"}, ["pregnancy"]),
        ({"surgery": "unsure"}, ["surgery", "unsure_answer"]),
        ({"nerve_condition": "unsure — I don't remember the name"}, ["nerve_condition", "unsure_answer"]),
        ({"facial_weakness": "yes", "surgery": "unsure", "nerve_condition": "unsure"},
         ["facial_weakness", "nerve_condition", "surgery", "unsure_answer"]),
        ({"emergency_mentioned": True}, ["emergency_mentioned"]),
        ({"emergency_mentioned": False, "pregnancy": "no — not planning to"}, []),
    ],
)
def test_flags_for(slots: dict[str, Any], expected: list[str]) -> None:
    assert flags_for(slots) == expected


def test_build_request_takes_every_answer_and_contact_detail() -> None:
    tracker = make_tracker({**ANSWERS, "surgery": "unsure", "emergency_mentioned": True})
    request = build_request(tracker)
    assert request.conversation_id == "patient-42"
    assert request.channel == "socketio"
    assert request.submission_key.startswith("patient-42:1700000000.250000:")
    assert build_request(tracker).submission_key == request.submission_key  # a retry: same key
    assert request.reason == "jaw pain from clenching"
    assert request.answers == {
        "reason": "jaw pain from clenching",
        "medications": "I take advil sometimes",
        "surgery": "unsure",
        "facial_weakness": "no",
        "nerve_condition": "no",
        "pregnancy": "yes — 12 weeks",
        "other_conditions": "none",
    }
    assert (request.full_name, request.phone, request.email) == ("Jane Doe", "+16137221234", "not given")
    assert (request.contact_method, request.contact_time) == ("phone call", "weekday mornings")
    assert request.question_for_staff == "do you offer payment plans?"
    assert request.flags == ["emergency_mentioned", "pregnancy", "surgery", "unsure_answer"]


@pytest.mark.parametrize("slot,language", [("fr", "fr"), ("en", "en"), (None, "en"), ("es", "en")])
def test_build_request_records_the_conversations_language(slot, language) -> None:
    request = build_request(make_tracker({**ANSWERS, "language": slot}))
    assert request.language == language
    if language == "fr":  # the language is part of what was submitted
        assert request.submission_key != build_request(make_tracker(ANSWERS)).submission_key


def test_build_request_without_user_messages_has_unknown_channel() -> None:
    tracker = make_tracker(events=[{"event": "session_started", "timestamp": 5.0}])
    assert build_request(tracker).channel == "unknown"


# --------------------------------------------------------------------------- submit


@pytest.mark.asyncio
async def test_confirmed_request_is_stored_once_with_everything(engine) -> None:
    store = RequestStore(engine)
    tracker = make_tracker({**ANSWERS, "surgery": "unsure", "emergency_mentioned": True}, session_events("sms"))
    events, dispatcher, notifier = await submit(store, tracker)

    assert responses(dispatcher) == ["utter_consultation_sent"]
    rows = store.list()
    assert len(rows) == 1
    row = rows[0]
    assert row.status == "new"
    assert row.channel == "sms"
    assert row.conversation_id == "patient-42"
    assert row.reason == "jaw pain from clenching"
    assert row.answers["medications"] == "I take advil sometimes"
    assert row.answers["pregnancy"] == "yes — 12 weeks"
    assert row.answers["surgery"] == "unsure"
    assert row.answers["other_conditions"] == "none"
    assert row.full_name == "Jane Doe"
    assert row.phone == "+16137221234"
    assert row.email == "not given"
    assert row.contact_method == "phone call"
    assert row.contact_time == "weekday mornings"
    assert row.question_for_staff == "do you offer payment plans?"
    assert row.flags == ["emergency_mentioned", "pregnancy", "surgery", "unsure_answer"]
    assert [h.status for h in store.history(row.id)] == ["new"]
    assert notifier.calls == [(SETTINGS, row.id, False, "consultation")]
    assert row.kind == "consultation"
    assert_resets_screening(events)
    assert redaction_window(events) is None  # a sent request is the patient's record: nothing redacted


@pytest.mark.asyncio
async def test_submitting_twice_in_one_session_stores_one_request_and_notifies_once(engine) -> None:
    store = RequestStore(engine)
    notifier = FakeNotifier()
    tracker = make_tracker()
    first_events, first, _ = await submit(store, tracker, notifier)
    second_events, second, _ = await submit(store, make_tracker(), notifier)
    assert len(store.list()) == 1
    assert len(notifier.calls) == 1
    assert responses(first) == responses(second) == ["utter_consultation_sent"]
    assert_resets_screening(first_events)
    assert_resets_screening(second_events)


@pytest.mark.asyncio
async def test_a_new_session_is_a_new_request(engine) -> None:
    store = RequestStore(engine)
    await submit(store, make_tracker(events=session_events(started=100.0)))
    await submit(store, make_tracker(events=session_events(started=5000.0)))
    assert len(store.list()) == 2


@pytest.mark.asyncio
async def test_a_second_different_request_in_the_same_session_is_not_silently_dropped(engine) -> None:
    store = RequestStore(engine)
    notifier = FakeNotifier()
    first_events = session_events()
    await submit(store, make_tracker(events=first_events), notifier)
    later = first_events + [
        {"event": "action", "name": "action_submit_consultation"},
        {"event": "active_loop", "name": None},
        user("actually my phone number changed, can I send it again?", "socketio", "book_consultation"),
        {"event": "active_loop", "name": "consultation_form"},
        user("yes"),
    ]
    _, dispatcher, _ = await submit(store, make_tracker({**ANSWERS, "phone": "+16137229999"}, later), notifier)
    assert responses(dispatcher) == ["utter_consultation_sent"]
    phones = {row.phone for row in store.list()}
    assert "+16137229999" in phones


@pytest.mark.asyncio
async def test_consent_declined_stores_nothing(engine) -> None:
    store = RequestStore(engine)
    slots = {name: None for name in ANSWERS}
    slots["consent_given"] = False
    events, dispatcher, notifier = await submit(store, make_tracker(slots))
    assert responses(dispatcher) == ["utter_consent_declined"]
    assert store.list() == []
    assert notifier.calls == []
    assert_resets_screening(events)


@pytest.mark.asyncio
@pytest.mark.parametrize("confirmed", [None, False])
async def test_unconfirmed_form_stores_nothing(engine, confirmed: Optional[bool]) -> None:
    store = RequestStore(engine)
    events, dispatcher, notifier = await submit(store, make_tracker({**ANSWERS, "confirmed": confirmed}))
    assert store.list() == []
    assert notifier.calls == []
    assert dispatcher.messages == []
    assert_resets_screening(events)


class FailingStore(RequestStore):
    def add(self, request):  # type: ignore[override]
        raise RuntimeError(f"insert failed for {request.full_name} {request.phone} {request.reason}")


@pytest.mark.asyncio
async def test_storage_failure_is_told_honestly_and_logs_no_patient_data(engine, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    failing = FailingStore(engine)
    events, dispatcher, notifier = await submit(failing, make_tracker())
    assert responses(dispatcher) == ["utter_consultation_failed"]
    assert RequestStore(engine).list() == []
    assert notifier.calls == []
    assert_resets_screening(events)
    assert "RuntimeError" in caplog.text  # the failure is logged ...
    for private in ("Jane", "Doe", "6137221234", "613", "jaw pain", "advil", "12 weeks", "payment plans"):
        assert private not in caplog.text  # ... without what the patient said
    assert all(record.exc_info is None for record in caplog.records)


# --------------------------------------------------------------------------- ends without a request

STARTED = 1700000001.5  # the screening's first message (ActionAskConsentGiven keeps it)


@pytest.mark.asyncio
async def test_consent_declined_removes_what_was_typed_from_the_stored_conversation(engine) -> None:
    store = RequestStore(engine)
    slots = {name: None for name in ANSWERS}
    slots.update(consent_given=False, screening_started=STARTED)
    events, dispatcher, _ = await submit(store, make_tracker(slots))
    assert responses(dispatcher) == ["utter_consent_declined"]
    first, last, since = redaction_window(events)
    assert since == STARTED
    assert (first, last) == (0, len(events) - 1)  # every reset inside the window
    assert store.list() == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("outcome", "response"),
    [("cancelled", "utter_consultation_cancelled"), ("discarded", "utter_consultation_discarded")],
)
async def test_stopped_or_discarded_says_so_stores_nothing_and_redacts(engine, outcome: str, response: str) -> None:
    store = RequestStore(engine)
    tracker = make_tracker({**ANSWERS, "confirmed": None, "screening_outcome": outcome, "screening_started": STARTED})
    events, dispatcher, notifier = await submit(store, tracker)
    assert responses(dispatcher) == [response]
    assert store.list() == [] and notifier.calls == []
    assert redaction_window(events)[2] == STARTED
    assert_resets_screening(events)


@pytest.mark.asyncio
async def test_a_switch_to_a_short_message_deletes_the_answers_then_starts_the_contact_form(engine) -> None:
    store = RequestStore(engine)
    tracker = make_tracker({**ANSWERS, "confirmed": None, "screening_outcome": "switched", "screening_started": STARTED})
    events, dispatcher, _ = await submit(store, tracker)
    assert responses(dispatcher) == ["utter_switched_to_message"]
    assert store.list() == []
    first, last, since = redaction_window(events)
    assert since == STARTED
    after = events[last + 1:]
    # The short request starts after the closing marker: it is not part of what is removed.
    assert after[-1] == {"event": "active_loop", "name": "contact_form", "timestamp": None}
    started = {e["name"]: e["value"] for e in after if e.get("event") == "slot"}
    assert started["message_kind"] == "message" and started["message_text"] is None
    assert_resets_screening(events[: last + 1])


@pytest.mark.asyncio
async def test_a_switch_before_consent_says_nothing_about_deleted_answers(engine) -> None:
    slots = {name: None for name in ANSWERS}
    slots.update(screening_outcome="switched", screening_started=STARTED)
    events, dispatcher, _ = await submit(RequestStore(engine), make_tracker(slots))
    assert responses(dispatcher) == ["utter_start_message_instead"]
    assert events[-1]["name"] == "contact_form"


@pytest.mark.asyncio
async def test_a_screening_sent_after_an_emergency_carries_the_flag(engine) -> None:
    store = RequestStore(engine)
    await submit(store, make_tracker({**ANSWERS, "emergency_during_screening": True}))
    (row,) = store.list()
    assert "emergency_during_screening" in row.flags


@pytest.mark.asyncio
async def test_ending_a_resumed_screening_clears_its_pause(engine) -> None:
    tracker = make_tracker({**ANSWERS, "request_paused": True, "paused_form": "consultation_form"})
    events, _, _ = await submit(RequestStore(engine), tracker)
    slot_sets = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slot_sets["request_paused"] is None and slot_sets["paused_form"] is None


def test_action_names_match_the_domain() -> None:
    assert ActionSubmitConsultation().name() in DOMAIN["actions"]


def test_the_action_server_registers_every_action_of_the_package() -> None:
    # rasa_sdk instantiates every concrete Action subclass and asks its name: a shared base
    # class that isn't abstract stops the action server at start-up.
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert {"action_submit_consultation", "action_submit_message", "action_answer_question", "action_clarify"} <= set(
        executor.actions
    )
