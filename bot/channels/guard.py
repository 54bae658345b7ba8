"""Only payloads of buttons the bot offered may force an intent.

Rasa treats any text that starts with "/" as a forced intent with entities
(`/inform{"phone": "..."}`), skipping NLU. A channel calls `guard_text` before handing the
message to Rasa: a payload of a button the bot offered in this session passes (a patient may
scroll back and press an earlier topic button: it keeps working); anything else is
prefixed with an invisible WORD JOINER, so Rasa reads it as ordinary text. Staff pages strip
that character when they show a transcript (`display_text`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Optional

NEUTRALISER = "\u2060"  # WORD JOINER: not whitespace, so Rasa's strip() keeps it


def offered_payloads(events: Iterable[Any]) -> list[str]:
    """The button payloads the bot offered in the current session, latest first."""
    payloads: list[str] = []
    for event in reversed(list(events)):
        kind = event.get("event") if isinstance(event, dict) else getattr(event, "type_name", None)
        if kind == "session_started":
            break
        if kind != "bot":
            continue
        data = event.get("data") if isinstance(event, dict) else getattr(event, "data", None)
        for button in (data or {}).get("buttons") or []:
            payload = button.get("payload")
            if isinstance(payload, str):
                payloads.append(payload)
    return payloads


def guard_text(text: Optional[str], offered: Iterable[str]) -> Optional[str]:
    """`text` as Rasa should see it: forced-intent syntax only for an offered payload."""
    if not text:
        return text
    stripped = text.strip()
    if not stripped.startswith("/"):
        return text
    if stripped in set(offered):
        return stripped
    return NEUTRALISER + stripped


async def guard_for_conversation(text: Optional[str], sender_id: str, tracker_store: Any) -> Optional[str]:
    """`guard_text` with the payloads read from the conversation's tracker."""
    if not text or not text.strip().startswith("/"):
        return text
    offered: list[str] = []
    if tracker_store is not None:
        tracker = await tracker_store.retrieve(sender_id)
        if tracker is not None:
            offered = offered_payloads(tracker.events)
    return guard_text(text, offered)


def display_text(text: Optional[str]) -> str:
    """What the patient typed, for showing to staff."""
    return (text or "").removeprefix(NEUTRALISER)
