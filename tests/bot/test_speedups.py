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
from tests.conftest import unavailable


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


def test_the_spacy_pipeline_is_loaded_once_per_name(patched, monkeypatch):
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    loads = []
    monkeypatch.setitem(speedups._installed, "load_model", lambda name: loads.append(name) or object())
    first = SpacyNLP.load_model("build/spacy/en_metro_dental")
    assert SpacyNLP.load_model("build/spacy/en_metro_dental") is first
    assert SpacyNLP.load_model("other") is not first
    assert loads == ["build/spacy/en_metro_dental", "other"]


_RANKINGS = """
import asyncio, json, sys
from pathlib import Path
if sys.argv[1] == "speedups":
    from bot.rasa_server import block_unused_imports
    block_unused_imports()
    from bot import speedups
    speedups.install()
from rasa.core.agent import Agent
from benchmarks.answers import heldout_examples
texts = [text for _, text in heldout_examples(Path("tests/nlu/heldout.yml"))]
agent = Agent.load(sys.argv[2])
async def parse():
    return [(await agent.parse_message(t))["intent_ranking"] for t in texts]
print(json.dumps({"jax": "jax" in sys.modules and sys.modules["jax"] is not None, "rankings": asyncio.run(parse())}))
"""


def _rankings(mode: str) -> dict:
    import json

    from bot.run import MODEL

    out = subprocess.run([sys.executable, "-c", _RANKINGS, mode, str(MODEL)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_inference_only_model_load_predicts_exactly_what_rasas_load_does():
    from bot.run import MODEL

    if not MODEL.exists():
        unavailable(f"no trained model at {MODEL}: run `make train` (make test does)")
    stock, ours = _rankings("stock"), _rankings("speedups")
    assert len(ours["rankings"]) > 200
    # Bit-identical: every intent's confidence for every held-out message.
    assert ours["rankings"] == stock["rankings"]
    assert ours["jax"] is False
