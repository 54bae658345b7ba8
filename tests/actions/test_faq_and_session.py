"""FAQ answers that name the patient's condition or side effect, and the clean session start."""

from __future__ import annotations

from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerConditions, ActionAnswerSideEffects
from actions.session import ActionSessionStart
from bot.settings import ROOT, Settings, load_settings

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(text: str, intent: str, entities: Optional[list[dict[str, Any]]] = None,
                 slots: Optional[dict[str, Any]] = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.97}, "entities": entities or []}
    return Tracker(
        "patient-7",
        dict(slots or {}),
        latest_message=latest,
        events=[{"event": "user", "text": text, "parse_data": latest}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "extractor": "SpacyEntityExtractor"}


async def answer(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher


# --------------------------------------------------------------------------- conditions


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ("TMJ", "jaw pain"),
        ("tmj", "jaw pain"),
        ("sore jaw", "jaw pain"),
        ("migraine", "migraines"),
        ("Migraines", "migraines"),
        ("teeth grinding", "muscular pain from grinding and clenching"),
        ("bruxism", "muscular pain from grinding and clenching"),
        ("stress headaches", "tension headaches"),
        ("oral-facial pain", "oral-facial pain"),
    ],
)
async def test_conditions_named(mention: str, canonical: str) -> None:
    tracker = make_tracker(f"can it help my {mention}?", "faq_conditions", [entity("condition", mention)])
    events, dispatcher = await answer(ActionAnswerConditions(), tracker)
    assert events == []
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["response"] == "utter_faq_conditions_named"
    assert message["condition"] == canonical


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "entities",
    [
        [],
        [entity("condition", "back pain")],  # not on the clinic's page: never named
        [entity("condition", "")],
        [entity("side_effect", "dry mouth")],  # another entity type does not count
    ],
)
async def test_conditions_general_answer(entities: list[dict[str, Any]]) -> None:
    tracker = make_tracker("can it help my back pain?", "faq_conditions", entities)
    events, dispatcher = await answer(ActionAnswerConditions(), tracker)
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq_conditions"]
    assert "condition" not in dispatcher.messages[0]


@pytest.mark.asyncio
async def test_conditions_first_known_mention_wins() -> None:
    entities = [entity("condition", "back pain"), entity("condition", "TMJ"), entity("condition", "migraine")]
    _, dispatcher = await answer(ActionAnswerConditions(), make_tracker("back pain, TMJ, migraine", "faq_conditions", entities))
    assert dispatcher.messages[0]["response"] == "utter_faq_conditions_named"
    assert dispatcher.messages[0]["condition"] == "jaw pain"


# --------------------------------------------------------------------------- side effects


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ("dry mouth", "temporary dry mouth"),
        ("droopy eyelids", "eyelid droop"),
        ("ptosis", "eyelid droop"),
        ("tired", "temporary fatigue"),
        ("blurry vision", "blurred vision"),
        ("bruising", "minor and temporary discomfort or pain at the injection site"),
    ],
)
async def test_side_effects_named(mention: str, canonical: str) -> None:
    tracker = make_tracker(f"can it cause {mention}?", "faq_side_effects", [entity("side_effect", mention)])
    events, dispatcher = await answer(ActionAnswerSideEffects(), tracker)
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq_side_effect_named"]
    assert dispatcher.messages[0]["side_effect"] == canonical


@pytest.mark.asyncio
@pytest.mark.parametrize("entities", [[], [entity("side_effect", "hair loss")], [entity("condition", "TMJ")]])
async def test_side_effects_general_answer(entities: list[dict[str, Any]]) -> None:
    tracker = make_tracker("what are the side effects?", "faq_side_effects", entities)
    events, dispatcher = await answer(ActionAnswerSideEffects(), tracker)
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq_side_effects"]
    assert "side_effect" not in dispatcher.messages[0]


def test_named_responses_use_the_slots_the_actions_fill() -> None:
    named_condition = DOMAIN["responses"]["utter_faq_conditions_named"]
    named_effect = DOMAIN["responses"]["utter_faq_side_effect_named"]
    assert all("{condition}" in variant["text"] for variant in named_condition)
    assert all("{side_effect}" in variant["text"] for variant in named_effect)
    for action in (ActionAnswerConditions(), ActionAnswerSideEffects()):
        assert action.name() in DOMAIN["actions"]


# --------------------------------------------------------------------------- session start


def session_tracker() -> Tracker:
    carried = {
        "reason": "migraines",
        "phone": "+16137221234",
        "pregnancy": "yes",
        "consent_given": True,
        "clinic_contact": "old value",
        "emergency_mentioned": True,
    }
    return Tracker("+16137221234", carried, latest_message={}, events=[], paused=False, followup_action=None,
                   active_loop={}, latest_action_name=None)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("settings", "contact"),
    [
        (Settings(clinic_phone="613-555-0100"), "Metropolitan Dental at 613-555-0100"),
        (Settings(clinic_phone=""), "Metropolitan Dental's front desk"),
        (load_settings({"CLINIC_NAME": "Metro Dental", "CLINIC_PHONE": "1-800-555-0199"}),
         "Metro Dental at 1-800-555-0199"),
    ],
)
async def test_session_start_sets_only_the_clinic_contact(settings: Settings, contact: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart(settings=settings).run(dispatcher, session_tracker(), DOMAIN)
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]
    assert events[0]["event"] == "session_started"
    slot_sets = [e for e in events if e["event"] == "slot"]
    assert slot_sets == [{"event": "slot", "timestamp": None, "name": "clinic_contact", "value": contact}]
    assert events[-1]["name"] == "action_listen"
    assert dispatcher.messages == []


def test_session_config_does_not_carry_slots_over() -> None:
    assert DOMAIN["session_config"]["carry_over_slots_to_new_session"] is False
    assert ActionSessionStart().name() == "action_session_start"
