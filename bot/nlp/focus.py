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

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.graph import ConfiguredComponent

# A sentence ends at . ! ? (or a line break) followed by a space, except after a title ("Dr.").
_END = re.compile(r"(?<!\bdr)(?<!\bmr)(?<!\bms)(?<!\bmrs)(?<!\bst)[.!?]+(?=\s)|\n+", re.IGNORECASE)
SHORT_SENTENCE_WORDS = 5


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence with some words in it."""
    spans, start = [], 0
    for match in _END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" .!?\n")]


def focus_span(text: str) -> tuple[int, int]:
    """Character offsets of the part of `text` that asks the question."""
    spans = sentences(text)
    if len(spans) < 2:
        return 0, len(text)
    asked = [i for i, (start, end) in enumerate(spans) if "?" in text[start:end]]
    last = asked[-1] if asked else len(spans) - 1
    first = last
    if len(text[spans[last][0]:spans[last][1]].split()) < SHORT_SENTENCE_WORDS and last > 0:
        first = last - 1
    return spans[first][0], spans[last][1]


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
