"""The conversation's language: the hook that sets the `language` slot from each message's decision."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import language_slot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def tracker_after(domain: Domain, decision: str, current: str | None = None) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("t", [], slots=domain.slots)
    if current:
        tracker.update(SlotSet("language", current), domain)
    tracker.update(UserUttered("x", {"name": "greet", "confidence": 1.0},
                               parse_data={"intent": {"name": "greet", "confidence": 1.0}, "entities": [],
                                           "text": "x", "conversation_language": decision}), domain)
    return tracker


@pytest.mark.parametrize("decision,current,expected", [
    ("fr", None, "fr"), ("en", "fr", "en"), ("fr", "fr", None), ("en", None, None), ("", "fr", None),
    ("es", None, None), ("de", "fr", None),
])
def test_a_decision_sets_the_slot_only_when_it_changes(domain: Domain, decision: str, current, expected) -> None:
    event = language_slot.language_event(tracker_after(domain, decision, current))
    assert (event.value if event else None) == expected


def test_a_message_without_a_decision_changes_nothing(domain: Domain) -> None:
    tracker = DialogueStateTracker.from_events("t", [], slots=domain.slots)
    tracker.update(UserUttered("/greet", {"name": "greet", "confidence": 1.0}), domain)
    assert language_slot.language_event(tracker) is None


class _Processor:
    def __init__(self, domain: Domain) -> None:
        self.domain = domain


@pytest.mark.asyncio
async def test_the_hook_runs_after_rasas_extraction_and_sets_the_slot(domain: Domain, monkeypatch) -> None:
    calls = []

    async def rasas_own(self, output_channel, tracker):
        calls.append("extract")
        return tracker

    monkeypatch.setattr(language_slot, "_original", rasas_own)
    tracker = tracker_after(domain, "fr")
    result = await language_slot._run_action_extract_slots(_Processor(domain), None, tracker)
    assert calls == ["extract"] and result.get_slot("language") == "fr"
    # A model whose domain has no `language` slot is left alone.
    older = Domain.from_dict({"intents": ["greet"]})
    tracker = tracker_after(domain, "fr")
    result = await language_slot._run_action_extract_slots(_Processor(older), None, tracker)
    assert result.get_slot("language") is None


def test_install_wraps_rasas_method_once_and_uninstall_restores_it() -> None:
    original = MessageProcessor.run_action_extract_slots
    was_installed = language_slot.installed()
    language_slot.uninstall()
    try:
        rasas = MessageProcessor.run_action_extract_slots
        language_slot.install()
        language_slot.install()
        assert MessageProcessor.run_action_extract_slots is language_slot._run_action_extract_slots
        language_slot.uninstall()
        assert MessageProcessor.run_action_extract_slots is rasas
    finally:
        if was_installed:
            language_slot.install()
        assert (MessageProcessor.run_action_extract_slots is original) or was_installed
