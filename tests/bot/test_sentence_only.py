"""DIET without transformer layers never reads token-level features, so they can be emptied."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.sentence_only import SentenceFeaturesOnly, keep_sentence_features
from bot.settings import ROOT


def message_with_features(tokens: int = 4, vocabulary: int = 30) -> Message:
    message = Message(data={TEXT: "a b c d", INTENT: "greet"})
    sequence = scipy.sparse.random(tokens, vocabulary, density=0.3, format="coo", random_state=1)
    sentence = scipy.sparse.coo_matrix(sequence.sum(axis=0))
    message.features = [
        Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, "CountVectorsFeaturizer"),
        Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, "CountVectorsFeaturizer"),
        Features(np.ones((1, 5)), FEATURE_TYPE_SEQUENCE, "response", "Other"),
    ]
    return message


def test_the_token_features_become_one_empty_column_per_featurizer_and_nothing_else_changes() -> None:
    message = message_with_features()
    sentence_before = message.features[1].features.toarray()
    keep_sentence_features(message)
    sequence, sentence, other = message.features
    assert sequence.features.shape == (4, 1) and sequence.features.nnz == 0  # one row per token still
    assert (sequence.type, sequence.origin) == (FEATURE_TYPE_SEQUENCE, "CountVectorsFeaturizer")
    assert (sentence.features.toarray() == sentence_before).all()
    assert other.features.shape == (1, 5)  # another attribute's features are left alone


def test_config_keeps_diet_blind_to_tokens_where_the_features_are_emptied() -> None:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    names = [component["name"] for component in pipeline]
    assert "bot.nlp.sentence_only.SentenceFeaturesOnly" in names
    diet = pipeline[names.index("DIETClassifier")]
    # Either would read the tokens: then the emptied features would cost accuracy.
    assert diet["number_of_transformer_layers"] == 0 and diet["entity_recognition"] is False
    assert names.index("bot.nlp.sentence_only.SentenceFeaturesOnly") > max(
        i for i, name in enumerate(names) if "Featurizer" in name)
    # A featurizer of token features alone would only cost time.
    assert "LexicalSyntacticFeaturizer" not in names


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[DIETClassifier, CountVectorsFeaturizer]:
    """A small DIET with this project's settings, trained on full (token and sentence) features."""
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("storage")))
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    examples = [("what are the side effects", "side_effects"), ("any side effects", "side_effects"),
                ("does it hurt after", "side_effects"), ("who is the doctor", "dr"),
                ("tell me about dr walters", "dr"), ("where did the doctor train", "dr"),
                ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet")]
    data = TrainingData([Message(data={TEXT: text, INTENT: intent}) for text, intent in examples])
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
        storage, Resource("cvf"), context)
    featurizer.train(data)
    featurizer.process_training_data(data)
    diet = DIETClassifier.create(
        {**DIETClassifier.get_default_config(), "epochs": 3, "number_of_transformer_layers": 0,
         "entity_recognition": False, "constrain_similarities": True, "random_seed": 1},
        storage, Resource("diet"), context)
    diet.train(data)
    return diet, featurizer


def test_a_diet_without_transformer_gives_the_same_intent_whatever_the_token_features(trained) -> None:
    """The fact SentenceFeaturesOnly rests on: DIET, trained with token features, ignores them."""
    diet, featurizer = trained

    def ranking(scramble: bool) -> list[tuple[str, float]]:
        message = Message(data={TEXT: "is there any side effect"})
        WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
        featurizer.process([message])
        if scramble:  # other values, same shape: what the kernel multiplies, changed
            message.features = [
                Features(scipy.sparse.coo_matrix(np.random.default_rng(3).random(f.features.shape)), f.type, f.attribute, f.origin)
                if f.type == FEATURE_TYPE_SEQUENCE else f for f in message.features]
        diet.process([message])
        return [(item["name"], round(item["confidence"], 6)) for item in message.get("intent_ranking")]

    assert ranking(scramble=False) == ranking(scramble=True)


def test_the_component_empties_features_in_training_and_at_prediction() -> None:
    component = SentenceFeaturesOnly.create({}, None, None, None)  # type: ignore[arg-type]
    data = TrainingData([message_with_features()])
    component.process_training_data(data)
    assert data.training_examples[0].features[0].features.shape == (4, 1)
    [message] = component.process([message_with_features(tokens=2)])
    assert message.features[0].features.shape == (2, 1)
