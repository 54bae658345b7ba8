"""bot.speedups gives the same answers as the Rasa functions it replaces."""

from __future__ import annotations

import subprocess
import sys

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from bot import speedups
from bot.settings import ROOT


@pytest.fixture
def patched():
    speedups.install()
    yield
    speedups.uninstall()


def _original_resolve(type_name, default=None):
    assert not speedups.installed()
    return Event.resolve_by_type(type_name, default)


def test_every_event_type_resolves_to_the_class_rasa_finds():
    names = sorted({cls.type_name for cls in all_subclasses(Event)})
    assert len(names) > 20
    expected = {name: _original_resolve(name) for name in names}
    speedups.install()
    try:
        assert Event.resolve_by_type is speedups.resolve_event_type
        assert {name: Event.resolve_by_type(name) for name in names} == expected
    finally:
        speedups.uninstall()
    assert Event.resolve_by_type is not speedups.resolve_event_type


def test_unknown_names_keep_rasas_behaviour(patched):
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_an_event_class_defined_after_the_first_lookup_is_found(patched):
    assert Event.resolve_by_type("user") is UserUttered  # the map is built now

    class LateEvent(SlotSet):
        type_name = "late_event_for_speedups_test"

    assert Event.resolve_by_type("late_event_for_speedups_test") is LateEvent
    assert Event.resolve_by_type("slot") is SlotSet


def test_events_round_trip_through_json_with_the_cached_lookup(patched):
    events = [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 0.9}),
              SlotSet("consent_given", True)]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def _validation_message(result) -> str:
    action = RemoteAction("action_x", EndpointConfig("http://localhost:1"))
    with pytest.raises(ValidationError) as caught:
        action._validate_action_result(result)
    return caught.value.message


@pytest.mark.parametrize("result", [
    {"events": "not a list"},
    {"events": [{"no": "event key"}]},
    {"events": [{"event": "slot", "name": "x"}], "responses": ["not an object"]},
])
def test_action_replies_are_rejected_with_rasas_message(result):
    expected = _validation_message(result)
    assert "Failed to validate Action server response" in expected
    speedups.install()
    try:
        assert _validation_message(result) == expected
    finally:
        speedups.uninstall()


def test_valid_action_replies_pass(patched):
    action = RemoteAction("action_x", EndpointConfig("http://localhost:1"))
    reply = {"events": [{"event": "slot", "name": "consent_given", "value": True}],
             "responses": [{"response": "utter_greet"}]}
    assert action._validate_action_result(reply) is True


def test_install_is_idempotent_and_uninstall_restores():
    before = (Event.resolve_by_type, RemoteAction._validate_action_result)
    speedups.install()
    speedups.install()
    speedups.uninstall()
    assert (Event.resolve_by_type, RemoteAction._validate_action_result) == before
    assert "__init_subclass__" not in Event.__dict__


def test_the_launcher_runs_rasas_cli():
    out = subprocess.run([sys.executable, "-m", "bot.rasa_server", "--version"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "3.6.21" in out.stdout
