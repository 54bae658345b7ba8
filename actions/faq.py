"""Answers that name what the patient asked about (their condition, a side effect)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import faq_answer


class _NamedAnswer(Action):
    intent = ""

    def name(self) -> Text:
        raise NotImplementedError

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        response, values = faq_answer(self.intent, tracker)
        dispatcher.utter_message(response=response, **values)
        return []


class ActionAnswerConditions(_NamedAnswer):
    """'Can it help my TMJ?' -> 'Yes — jaw pain is one of the things ...' (only page conditions)."""

    intent = "faq_conditions"

    def name(self) -> Text:
        return "action_answer_conditions"


class ActionAnswerSideEffects(_NamedAnswer):
    """'Can it cause dry mouth?' -> names that side effect when the page lists it."""

    intent = "faq_side_effects"

    def name(self) -> Text:
        return "action_answer_side_effects"
