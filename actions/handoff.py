"""The handoff: one consultation request for the front desk, or an honest word that it failed.

`action_submit_consultation` runs whenever the consultation form ends, whatever ended it: a
confirmed summary is stored; a refusal, a stop or a discard is said and removed from the stored
conversation (discard_events); a switch to the short contact request starts that form.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    HEALTH_SLOTS,
    MESSAGE_FORM,
    YES_NO_SLOTS,
    conversation_language,
    discard_events,
    latest_user_timestamp,
    reset_message,
    reset_screening,
    submission_key,
)
from bot.notify import notify_new_request
from bot.settings import Settings, get_settings
from bot.store.requests import ConsultationRequest, RequestStore

logger = logging.getLogger(__name__)

FLAG_FOR_SLOT = {
    "pregnancy": "pregnancy",
    "nerve_condition": "nerve_condition",
    "facial_weakness": "facial_weakness",
    "surgery": "surgery",
}
# How the form ended when it was not confirmed (set by ValidateConsultationForm), and what the bot says.
ENDINGS = {
    "cancelled": "utter_consultation_cancelled",
    "discarded": "utter_consultation_discarded",
}
Notifier = Callable[..., bool]

_default_store: Optional[RequestStore] = None


def default_store() -> RequestStore:
    """The request store for DATABASE_URL, built on first use (never at import time)."""
    global _default_store
    if _default_store is None:
        from bot.store.db import make_engine

        _default_store = RequestStore(make_engine(get_settings().database_url))
    return _default_store


def flags_for(slots: dict[str, Any]) -> list[str]:
    """What staff should see first: yes (or unsure) answers to the safety questions, emergencies."""
    flags = []
    for slot in YES_NO_SLOTS:
        value = str(slots.get(slot) or "")
        if value.startswith("yes"):
            flags.append(FLAG_FOR_SLOT[slot])
        elif value.startswith("unsure"):
            flags.extend([FLAG_FOR_SLOT[slot], "unsure_answer"])
    if slots.get("emergency_mentioned"):
        flags.append("emergency_mentioned")
    if slots.get("emergency_during_screening"):
        flags.append("emergency_during_screening")
    return sorted(set(flags))


def build_request(tracker: Tracker) -> ConsultationRequest:
    slots = tracker.current_slot_values()
    channel = tracker.get_latest_input_channel() or "unknown"
    request = ConsultationRequest(
        submission_key="",
        conversation_id=tracker.sender_id,
        channel=channel,
        kind="consultation",
        reason=slots.get("reason") or "",
        answers={slot: str(slots.get(slot) or "") for slot in HEALTH_SLOTS},
        full_name=slots.get("full_name") or "",
        phone=slots.get("phone") or "",
        email=slots.get("email") or "",
        contact_method=slots.get("contact_method") or "",
        contact_time=slots.get("contact_time") or "",
        question_for_staff=slots.get("question_for_staff") or "",
        flags=flags_for(slots),
        language=conversation_language(tracker),
    )
    request.submission_key = submission_key(tracker, request_content(request))
    return request


def request_content(request: ConsultationRequest) -> dict[str, Any]:
    """What identifies a request for the submission key: everything but the key and the times."""
    return {k: v for k, v in asdict(request).items() if k not in ("submission_key", "created_at", "updated_at")}


async def store_request(
    request: ConsultationRequest,
    store: Optional[RequestStore],
    settings: Settings,
    notifier: Notifier,
) -> Optional[ConsultationRequest]:
    """Store once and e-mail the clinic for a new row; None when storage failed (logged without content)."""
    try:
        stored, created = await asyncio.to_thread((store or default_store()).add, request)
    except Exception as exc:  # noqa: BLE001 - any storage failure must reach the patient honestly
        logger.error("request not stored: %s", type(exc).__name__)
        return None
    if created:
        await asyncio.to_thread(notifier, settings, stored.id, urgent=stored.urgent, kind=stored.kind)
    return stored


def start_message(kind: str, message: Optional[str], started: Optional[float]) -> list[dict[str, Any]]:
    """Events that start the short contact request (actions/contact.py) right away."""
    return [
        SlotSet("message_kind", kind),
        SlotSet("message_text", message),
        SlotSet("message_started", started),
        ActiveLoop(MESSAGE_FORM),
    ]


class StoringAction(Action, metaclass=ABCMeta):
    """An action that hands a request to the team; its store, settings and notifier are passed in
    (tests) or default to the ones for DATABASE_URL and the environment.

    Abstract, so that the action server (which registers every concrete Action subclass) skips it.
    """

    @abstractmethod
    def name(self) -> str: ...

    def __init__(
        self,
        store: Optional[RequestStore] = None,
        settings: Optional[Settings] = None,
        notifier: Notifier = notify_new_request,
    ) -> None:
        self._store = store
        self._settings = settings
        self._notifier = notifier

    async def store(self, request: ConsultationRequest) -> Optional[ConsultationRequest]:
        """The stored request, or None when storing failed (the caller tells the patient)."""
        return await store_request(request, self._store, self._settings or get_settings(), self._notifier)


class ActionSubmitConsultation(StoringAction):
    """Runs when the consultation form ends: stores a confirmed request, or says nothing was kept."""

    def name(self) -> str:
        return "action_submit_consultation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        started = tracker.get_slot("screening_started")
        outcome = tracker.get_slot("screening_outcome")
        if tracker.get_slot("consent_given") is False:
            dispatcher.utter_message(response="utter_consent_declined")
            return discard_events(started, reset_screening(tracker))
        if outcome == "switched":
            answered = tracker.get_slot("consent_given") is True
            dispatcher.utter_message(response="utter_switched_to_message" if answered else "utter_start_message_instead")
            # The contact request starts after the closing marker, so nothing of it is redacted.
            return discard_events(started, reset_screening(tracker)) + reset_message() + start_message(
                "message", None, latest_user_timestamp(tracker)
            )
        if outcome in ENDINGS:
            dispatcher.utter_message(response=ENDINGS[outcome])
            return discard_events(started, reset_screening(tracker))
        if tracker.get_slot("confirmed") is not True:
            # The form ended some other way without a confirmed summary: nothing was sent, nothing kept.
            return discard_events(started, reset_screening(tracker))
        stored = await self.store(build_request(tracker))
        if stored is None:
            dispatcher.utter_message(response="utter_consultation_failed")
            return reset_screening(tracker)
        dispatcher.utter_message(response="utter_consultation_sent")
        return reset_screening(tracker)


__all__ = [
    "ActionSubmitConsultation", "StoringAction", "build_request", "default_store", "flags_for", "request_content", "start_message",
    "store_request",
]
