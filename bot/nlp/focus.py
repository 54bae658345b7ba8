"""Long stories: classify the question they end with, not the whole story.

Patients often write several sentences about themselves and ask at the end ("I've had migraines
for years ... my sister had it done. Does it actually work?"). A bag-of-words classifier reads
the story's words as much as the question's. For a message of `min_tokens` tokens or more,
`QuestionFocus` keeps only the tokens of the last sentence with a question mark (else the last
sentence), with the sentence before it when that one is short. Entities are still found in the
whole message (the spaCy document is untouched), so "can it help me?" after a story about
migraines is still answered about migraines; the safety nets read the whole text too.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.graph import ConfiguredComponent
from bot.nlp.sentences import focus_span


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class QuestionFocus(ConfiguredComponent):
    """Narrows a long message's tokens to its question, before the featurizers read them."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_tokens": 30}

    def __init__(self, config: dict[str, Any]) -> None:
        self.min_tokens = int(config.get("min_tokens", 30))

    def focus(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        text = message.get(TEXT)
        if not tokens or not text or len(tokens) < self.min_tokens:
            return
        start, end = focus_span(text)
        kept = [t for t in tokens if t.start >= start and t.end <= end]
        if kept:
            message.set(TOKENS_NAMES[TEXT], kept)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self.focus(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.focus(message)
        return messages
