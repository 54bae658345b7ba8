"""Session start: a new session never carries screening answers over."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.nlp.language import LANGUAGE_SLOT, SUPPORTED
from bot.settings import Settings, get_settings


def page_language(metadata: Any) -> Optional[str]:
    """"fr" or "en" from the session's metadata (the widget sends its page's language), else None.

    A page's language tag may carry a region ("fr-CA", "en_US"); anything else is ignored.
    """
    if not isinstance(metadata, dict):
        return None
    value = metadata.get("language")
    if not isinstance(value, str):
        return None
    base = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in SUPPORTED else None


class ActionSessionStart(Action):
    """Starts a clean session; only the clinic's contact line is set, from settings, and the
    language when the widget's page gives one."""

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
        events: list[dict[str, Any]] = [SessionStarted(), SlotSet("clinic_contact", settings.clinic_contact)]
        language = page_language(tracker.get_slot("session_started_metadata"))
        if language:
            # The widget on a French page (its `lang` or data-lang): the conversation starts in French.
            events.append(SlotSet(LANGUAGE_SLOT, language))
        return [*events, ActionExecuted("action_listen")]
