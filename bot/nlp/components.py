"""NLU graph components of our own, registered with Rasa's default recipe."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.safety import is_emergency

INTENT_RANKING_KEY = "intent_ranking"
EMERGENCY_INTENT = "emergency"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencySafetyNet(GraphComponent):
    """Forces the `emergency` intent when the text matches the safety patterns.

    It runs after the classifier and the FallbackClassifier, so it wins over a confident
    wrong intent and over `nlu_fallback` alike, in any state of the conversation.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": EMERGENCY_INTENT}

    def __init__(self, config: dict[str, Any]) -> None:
        self.intent = config.get("intent", EMERGENCY_INTENT)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencySafetyNet:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            # Button payloads ("/intent") were chosen by the bot; leave them alone.
            if not text or text.startswith("/") or not is_emergency(text):
                continue
            forced = {INTENT_NAME_KEY: self.intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != self.intent]
            message.set(INTENT, forced, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [forced] + ranking, add_to_output=True)
        return messages
