"""The rules that rewrite a discarded screening's events (bot/store/redaction.py)."""

from __future__ import annotations

from typing import Any

import pytest

from actions.common import SCREENING_SLOTS
from bot.settings import ROOT
from bot.store.redaction import (
    REDACTED,
    Redactor,
    domain_responses,
    redaction_start,
    screening_slots,
    session_expiry_minutes,
)

DOMAIN = ROOT / "domain.yml"
RESPONSES = {
    "utter_ask_reason": [{"text": "What brings you to us?"}],
    "utter_contact": [{"text": "Please contact {clinic_contact}."}],
    "utter_ask_again": [{"text": "We're on question {step} of {steps}:"}],
    "utter_thanks_named": [{"text": "Thank you, {full_name}."}],
    "utter_named_condition": [{"text": "It is used for {condition}."}],
}


@pytest.fixture
def redactor() -> Redactor:
    return Redactor.from_responses(RESPONSES)


def user(text: str, intent: str = "inform", entities: tuple = ()) -> dict[str, Any]:
    return {"event": "user", "timestamp": 1.0, "text": text, "input_channel": "rest", "message_id": "m1",
            "metadata": {}, "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9},
                                           "entities": list(entities), "intent_ranking": []}}


def bot(text: str, **metadata: Any) -> dict[str, Any]:
    return {"event": "bot", "timestamp": 2.0, "text": text, "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]},
            "metadata": metadata}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": 3.0, "name": name, "value": value}


def test_a_patient_message_keeps_its_intent_and_loses_its_words(redactor):
    (out,) = redactor.redact([user("Jane Doe, 613-555-0100", entities=({"entity": "name", "value": "Jane"},))])
    assert out["text"] == REDACTED
    assert out["parse_data"]["text"] == "" and out["parse_data"]["entities"] == []
    assert out["parse_data"]["intent"] == {"name": "inform", "confidence": 0.9}
    assert (out["message_id"], out["input_channel"], out["timestamp"]) == ("m1", "rest", 1.0)


def test_bot_messages_stay_only_when_they_are_the_domains_words(redactor):
    texts = ["What brings you to us?", "Please contact the front desk at 613-555-0100.", "We're on question 3 of 12:",
             "Thank you, Jane.", "It is used for jaw pain.", "We're on question Jane of 12:",
             "Something an action composed"]
    out = [e["text"] for e in redactor.redact([bot(t) for t in texts])]
    assert out == texts[:3] + [REDACTED] * 4


def test_without_a_domain_every_bot_message_in_the_window_goes():
    out = Redactor.from_responses(None).redact([bot("What brings you to us?")])
    assert out[0]["text"] == REDACTED


def test_bot_metadata_keeps_only_the_response_name_and_data_that_repeats_an_answer_goes(redactor):
    events = [user("quokkamycin daily"), bot("Thank you, Jane.", utter_action="utter_thanks_named", full_name="Jane"),
              {**bot("What brings you to us?"), "data": {"custom": {"meds": "QUOKKAMYCIN DAILY"}}}]
    out = redactor.redact(events)
    assert out[1]["metadata"] == {"utter_action": "utter_thanks_named"}
    assert out[1]["data"] == events[1]["data"]  # buttons, nothing of the patient's
    assert out[2]["data"] == {} and out[2]["text"] == "What brings you to us?"


def test_screening_slots_and_slots_holding_typed_text_are_cleared_before_the_marker(redactor):
    events = [user("I'm Wilhelmina Quixotic"), slot("reason", "jaw"), slot("consent_given", True),
              slot("staff_note", "Wilhelmina"), slot("requested_slot", "reason"), slot("language", "en"),
              slot("clinic_contact", "the front desk"),
              slot("redact_since", 1.0), slot("question_for_staff", "kept: set by the discarding action")]
    out = redactor.redact(events, keep_slots_from=7)
    values = [(e["name"], e["value"]) for e in out[1:]]
    assert values == [("reason", None), ("consent_given", None), ("staff_note", None), ("requested_slot", "reason"),
                      ("language", "en"), ("clinic_contact", "the front desk"), ("redact_since", 1.0),
                      ("question_for_staff", "kept: set by the discarding action")]


def test_entities_and_end_to_end_action_texts_go(redactor):
    events = [{"event": "entities", "timestamp": 1.0, "entities": [{"entity": "condition", "value": "jaw"}]},
              {"event": "action", "timestamp": 2.0, "name": "x", "action_text": "Thank you, Jane."},
              {"event": "action", "timestamp": 3.0, "name": "y", "action_text": "What brings you to us?"},
              {"event": "active_loop", "timestamp": 4.0, "name": "consultation_form"}]
    out = redactor.redact(events)
    assert out[0]["entities"] == [] and out[1]["action_text"] is None
    assert out[2:] == events[2:]


def test_redacting_twice_changes_nothing_the_second_time(redactor):
    events = [user("I'm Wilhelmina"), slot("full_name", "Wilhelmina"), bot("Thank you, Wilhelmina.", a="b"),
              bot("What brings you to us?")]
    once = redactor.redact(events)
    assert once != events and redactor.redact(once) == once
    assert events[0]["text"] == "I'm Wilhelmina"  # the input is not modified


def test_the_marker_is_the_first_redact_since_with_a_number():
    events = [slot("redact_since", None), slot("reason", "x"), slot("redact_since", True),
              slot("redact_since", 1712.5), slot("redact_since", 99.0), slot("redact_since", None)]
    assert redaction_start(events) == (1712.5, 3)
    assert redaction_start(events[:3]) is None


def test_the_rules_come_from_their_homes():
    assert screening_slots() >= frozenset(SCREENING_SLOTS)
    responses = domain_responses(DOMAIN)
    assert "utter_consultation_cancelled" in responses
    redactor = Redactor.from_responses(responses)
    cancelled = next(v["text"] for v in responses["utter_consultation_cancelled"])
    assert redactor.safe_bot_text(cancelled)
    assert not redactor.safe_bot_text(responses["utter_consultation_summary"][0]["text"].format_map(
        {k: "x" for k in SCREENING_SLOTS}))
    assert session_expiry_minutes(DOMAIN) == 60
