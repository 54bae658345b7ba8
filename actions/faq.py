"""Answers that name what the patient asked about (their condition, a side effect)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import faq_answer


def _answer(intent: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    response, values = faq_answer(intent, tracker)
    dispatcher.utter_message(response=response, **values)
    return []


class ActionAnswerConditions(Action):
    """'Can it help my TMJ?' -> 'Yes — therapeutic BOTOX® is used here for jaw pain ...' (page conditions only)."""

    def name(self) -> str:
        return "action_answer_conditions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return _answer("faq_conditions", dispatcher, tracker)


class ActionAnswerSideEffects(Action):
    """'Can it cause dry mouth?' -> names that side effect when the page lists it."""

    def name(self) -> str:
        return "action_answer_side_effects"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return _answer("faq_side_effects", dispatcher, tracker)
