"""Session start: a new session never carries screening answers over."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import Settings, get_settings


class ActionSessionStart(Action):
    """Starts a clean session; only the clinic's contact line is set, from settings."""

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self._settings = settings

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        settings = self._settings or get_settings()
        # Deliberately no carry-over of slots: health answers stay with the session they
        # were given in (domain.yml also sets carry_over_slots_to_new_session: false).
        return [
            SessionStarted(),
            SlotSet("clinic_contact", settings.clinic_contact),
            ActionExecuted("action_listen"),
        ]
