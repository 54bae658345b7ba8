"""EmergencySafetyNet in Rasa's NLU graph: a described emergency wins over any intent."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.components import EmergencySafetyNet


def message(text: Optional[str], intent: str = "faq_side_effects", confidence: float = 0.81,
            ranking: Optional[list[dict[str, Any]]] = None) -> Message:
    data: dict[str, Any] = {"intent": {"name": intent, "confidence": confidence}}
    if text is not None:
        data["text"] = text
    data["intent_ranking"] = ranking if ranking is not None else [
        {"name": intent, "confidence": confidence},
        {"name": "emergency", "confidence": 0.12},
        {"name": "out_of_scope", "confidence": 0.07},
    ]
    return Message(data=data)


@pytest.fixture
def net() -> EmergencySafetyNet:
    return EmergencySafetyNet(EmergencySafetyNet.get_default_config())


@pytest.mark.parametrize("intent", ["faq_side_effects", "nlu_fallback", "affirm", "out_of_scope"])
def test_emergency_is_forced_first_with_full_confidence(net: EmergencySafetyNet, intent: str) -> None:
    msg = message("I can't breathe after the injection", intent=intent)
    (out,) = net.process([msg])
    assert out.get("intent") == {"name": "emergency", "confidence": 1.0}
    ranking = out.get("intent_ranking")
    assert ranking[0] == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in ranking].count("emergency") == 1
    assert [r["name"] for r in ranking[1:]] == [n for n in (intent, "out_of_scope") if n != "emergency"]


def test_ranking_is_created_when_missing(net: EmergencySafetyNet) -> None:
    msg = Message(data={"text": "my throat is closing up", "intent": {"name": "greet", "confidence": 0.99}})
    net.process([msg])
    assert msg.get("intent")["name"] == "emergency"
    assert msg.get("intent_ranking") == [{"name": "emergency", "confidence": 1.0}]


def test_forced_intent_is_in_the_output(net: EmergencySafetyNet) -> None:
    msg = message("my tongue is swelling")
    net.process([msg])
    assert "intent" in msg.output_properties
    assert "intent_ranking" in msg.output_properties


@pytest.mark.parametrize("text", ["what are the side effects?", "no trouble breathing", "is it safe?", ""])
def test_other_messages_are_unchanged(net: EmergencySafetyNet, text: str) -> None:
    msg = message(text)
    before = (dict(msg.get("intent")), list(msg.get("intent_ranking")))
    net.process([msg])
    assert (msg.get("intent"), msg.get("intent_ranking")) == before


@pytest.mark.parametrize("text", ["/emergency", "/faq_side_effects", '/inform{"x": "I can\'t breathe"}'])
def test_payloads_are_left_alone(net: EmergencySafetyNet, text: str) -> None:
    msg = message(text, intent="faq_side_effects")
    net.process([msg])
    assert msg.get("intent") == {"name": "faq_side_effects", "confidence": 0.81}
    assert msg.get("intent_ranking")[0]["name"] == "faq_side_effects"


def test_message_without_text_is_unchanged(net: EmergencySafetyNet) -> None:
    msg = message(None, intent="greet")
    net.process([msg])
    assert msg.get("intent")["name"] == "greet"


def test_batch_only_changes_the_emergency(net: EmergencySafetyNet) -> None:
    msgs = [message("hi", intent="greet"), message("I'm having a severe allergic reaction", intent="faq_side_effects"),
            message("what does it cost?", intent="out_of_scope")]
    out = net.process(msgs)
    assert [m.get("intent")["name"] for m in out] == ["greet", "emergency", "out_of_scope"]


def test_configured_intent_name() -> None:
    custom = EmergencySafetyNet({"intent": "urgent"})
    msg = message("I can't swallow")
    custom.process([msg])
    assert msg.get("intent") == {"name": "urgent", "confidence": 1.0}
    assert EmergencySafetyNet.get_default_config() == {"intent": "emergency"}


def test_training_data_passes_through(net: EmergencySafetyNet) -> None:
    data = TrainingData([Message(data={"text": "I can't breathe", "intent": "emergency"})])
    assert net.process_training_data(data) is data
