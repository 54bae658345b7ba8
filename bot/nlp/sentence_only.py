"""DIET without transformer layers reads only the sentence-level features: drop the rest.

With `number_of_transformer_layers: 0`, DIET's transformer is the identity, so each position of
the text is embedded on its own and the intent is read from the last position alone, where the
sentence-level features sit (`rasa.utils.tensorflow.rasa_layers.prepare_transformer_layer` and
`DIETClassifier._last_token`). The token-level (sequence) features never reach the intent, yet
DIET still multiplies them by a kernel as wide as the whole vocabulary and Adam updates that
kernel at every step: about half of each epoch's work. `SentenceFeaturesOnly`, placed after the
featurizers, leaves every token's sequence features as one empty column per featurizer (DIET
still needs to know each message's length), so the kernel is a few rows wide.

Only valid while DIET has no transformer layers and no entity recognition (both read the
tokens); `tests/nlu/test_sentence_only.py` checks config.yml keeps it so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.graph import ConfiguredComponent


def placeholder(features: Features) -> Features:
    """The same rows (one per token), one empty column."""
    rows = features.features.shape[0]
    empty = scipy.sparse.coo_matrix((rows, 1), dtype=np.float32) if features.is_sparse() else np.zeros((rows, 1), dtype=np.float32)
    return Features(empty, features.type, features.attribute, features.origin)


def keep_sentence_features(message: Message) -> None:
    message.features = [
        placeholder(f) if f.attribute == TEXT and f.type == FEATURE_TYPE_SEQUENCE else f
        for f in message.features
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceFeaturesOnly(ConfiguredComponent):
    """Empties the text's token-level features, which DIET without a transformer never reads."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            keep_sentence_features(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            keep_sentence_features(message)
        return messages
