"""The conversation's language: the `language` slot, set in the Rasa server from what the patient writes.

Every reply has an English variation and a French one (`condition: language = fr` in domain.yml);
the slot chooses. NLU decides per message (bot.nlp.components.PatternSafeguards puts
`conversation_language` — "en", "fr" or "" — in the parse data, from
bot.nlp.language.conversation_language), and this hook turns a decision into a `SlotSet` right
after Rasa's own slot extraction, before any action runs, so the reply to the very message that
switched is already in the new language.

Why a hook and not a slot mapping: Rasa 3.6 can map a slot from an entity, but an entity with no
span ("language: fr" belongs to no words) would be compared with the stories' annotations by
`rasa test --e2e` and fail every conversation test; a `custom` mapping with an action would call
the action server on every message. The hook is one comparison per message, in process.

The slot has `influence_conversation: false`: the policies never see it, only the response
variations do. A widget opened on a French page starts the conversation in French through the
session's metadata (actions/session.py reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from rasa.core.channels.channel import OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlp.language import EN, LANGUAGE_SLOT, SUPPORTED

PARSE_KEY = "conversation_language"  # bot.nlp.components.CONVERSATION_LANGUAGE_KEY
SLOT = LANGUAGE_SLOT
ENGLISH = EN

_original: Optional[Callable[..., Any]] = None


def language_event(tracker: DialogueStateTracker) -> Optional[SlotSet]:
    """The SlotSet the latest user message calls for, or None (no decision, or already so)."""
    wanted = (tracker.latest_message.parse_data or {}).get(PARSE_KEY) if tracker.latest_message else None
    if wanted not in SUPPORTED:
        return None
    current = tracker.get_slot(SLOT) or ENGLISH
    if wanted == current:
        return None
    return SlotSet(SLOT, wanted)


async def _run_action_extract_slots(self: MessageProcessor, output_channel: OutputChannel,
                                    tracker: DialogueStateTracker) -> DialogueStateTracker:
    assert _original is not None
    tracker = await _original(self, output_channel, tracker)
    # A model whose domain has no `language` slot (an older one) is left as it was.
    if any(slot.name == SLOT for slot in self.domain.slots):
        event = language_event(tracker)
        if event is not None:
            tracker.update(event, self.domain)
    return tracker


def install() -> None:
    """Wrap MessageProcessor.run_action_extract_slots (idempotent); bot.rasa_server calls it."""
    global _original
    if _original is None:
        _original = MessageProcessor.run_action_extract_slots
        MessageProcessor.run_action_extract_slots = _run_action_extract_slots  # type: ignore[method-assign]


def uninstall() -> None:
    global _original
    if _original is not None:
        MessageProcessor.run_action_extract_slots = _original  # type: ignore[method-assign]
        _original = None


def installed() -> bool:
    return _original is not None


__all__ = ["PARSE_KEY", "SLOT", "install", "installed", "language_event", "uninstall"]
