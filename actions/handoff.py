"""The handoff: one consultation request for the front desk, or an honest word that it failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher

from actions.common import HEALTH_SLOTS, YES_NO_SLOTS, reset_screening, submission_key
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
    return sorted(set(flags))


def build_request(tracker: Tracker) -> ConsultationRequest:
    slots = tracker.current_slot_values()
    channel = tracker.get_latest_input_channel() or "unknown"
    request = ConsultationRequest(
        submission_key="",
        conversation_id=tracker.sender_id,
        channel=channel,
        reason=slots.get("reason") or "",
        answers={slot: str(slots.get(slot) or "") for slot in HEALTH_SLOTS},
        full_name=slots.get("full_name") or "",
        phone=slots.get("phone") or "",
        email=slots.get("email") or "",
        contact_method=slots.get("contact_method") or "",
        contact_time=slots.get("contact_time") or "",
        question_for_staff=slots.get("question_for_staff") or "",
        flags=flags_for(slots),
    )
    content = {k: v for k, v in asdict(request).items() if k not in ("submission_key", "created_at", "updated_at")}
    request.submission_key = submission_key(tracker, content)
    return request


class ActionSubmitConsultation(Action):
    """Runs when the consultation form ends: stores a confirmed request, or says nothing was kept."""

    def __init__(
        self,
        store: Optional[RequestStore] = None,
        settings: Optional[Settings] = None,
        notifier: Callable[[Settings, int], bool] = notify_new_request,
    ) -> None:
        self._store = store
        self._settings = settings
        self._notifier = notifier

    def name(self) -> str:
        return "action_submit_consultation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("consent_given") is False:
            dispatcher.utter_message(response="utter_consent_declined")
            return reset_screening()
        if tracker.get_slot("confirmed") is not True:
            # The form ended without a confirmed summary (cancelled from inside the form).
            return reset_screening()
        settings = self._settings or get_settings()
        try:
            store = self._store or default_store()
            stored, created = await asyncio.to_thread(store.add, build_request(tracker))
        except Exception as exc:  # noqa: BLE001 - any storage failure must reach the patient honestly
            logger.error("consultation request not stored: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_consultation_failed")
            return reset_screening()
        if created:
            await asyncio.to_thread(self._notifier, settings, stored.id)
        dispatcher.utter_message(response="utter_consultation_sent")
        return reset_screening()


class ActionCancelConsultation(Action):
    """'Stop', 'cancel', 'never mind' in the form: discard everything and say so."""

    def name(self) -> str:
        return "action_cancel_consultation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_consultation_cancelled")
        return [ActiveLoop(None)] + reset_screening()
