"""Costs in Rasa 3.6 that buy nothing, removed without changing what Rasa computes.

Measured with py-spy and /proc on our server (benchmarks/results/profile-*):
- per turn: on a conversation's 100th message, 27% of the turn went to `Event.resolve_by_type`,
  which walks every subclass of `Event` (calling `inspect.isabstract` on each) for every event
  of the tracker loaded from the store; 6% went to `jsonschema.validate`, which checks the
  action-reply *schema* against the JSON Schema meta-schema on every custom action;
- at start-up: the model's graph loads the spaCy pipeline twice (its "provide" and "run" nodes
  each call `SpacyNLP.load_model`); and `RasaModel.load` trains DIET for one epoch on a stored
  example just to create the optimizer's variables before restoring the weights, which traces
  the whole training graph: 100 MB of resident memory and seconds of start-up, for a server
  that only predicts.

`install()` replaces each with a cached or inference-only equivalent; tests compare the results
with Rasa's originals (the same event classes, the same validation errors, bit-identical intent
rankings on the held-out messages). `bot.rasa_server` calls it before Rasa starts; nothing is
patched at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Optional

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_lock = threading.Lock()
_installed: dict[str, Callable[..., Any]] = {}
# type name -> class, in the order Rasa's own lookup finds them; None: rebuild on next use.
_event_types: Optional[dict[str, type]] = None


def _event_type_map() -> dict[str, type]:
    """type_name -> the first non-abstract Event subclass with it, as Rasa's loop would return."""
    mapping: dict[str, type] = {}
    for cls in all_subclasses(Event):
        mapping.setdefault(cls.type_name, cls)
    return mapping


def resolve_event_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
    """`Event.resolve_by_type` without walking the class tree on every call."""
    global _event_types
    mapping = _event_types
    if mapping is None:
        mapping = _event_types = _event_type_map()
    found = mapping.get(type_name)
    if found is not None:
        return found
    # Unknown names keep Rasa's own behaviour ("topic" -> None, default, or ValueError).
    return _installed["resolve_by_type"](type_name, default)


def _forget_event_types(cls: type, **kwargs: Any) -> None:
    """Called whenever a new Event subclass is defined: the cached map is rebuilt on next use."""
    global _event_types
    _event_types = None
    super(Event, cls).__init_subclass__(**kwargs)


class _ActionReplyValidator:
    """jsonschema.validate(reply, schema) with the schema checked once, not on every reply."""

    def __init__(self, schema: dict[str, Any]) -> None:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        cls.check_schema(schema)
        self._validator = cls(schema)

    def validate(self, instance: Any) -> None:
        from jsonschema.exceptions import best_match

        # The same error jsonschema.validate would raise: the most relevant one.
        error = best_match(self._validator.iter_errors(instance))
        if error is not None:
            raise error


_reply_validator: Optional[_ActionReplyValidator] = None


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with a validator built once."""
    global _reply_validator
    if type(self).action_response_format_spec is not RemoteAction.action_response_format_spec:
        return _installed["_validate_action_result"](self, result)  # a subclass's own schema
    if _reply_validator is None:
        _reply_validator = _ActionReplyValidator(RemoteAction.action_response_format_spec())
    from jsonschema import ValidationError

    try:
        _reply_validator.validate(result)
        return True
    except ValidationError as e:
        # Rasa's wording, so its error handling and logs look the same.
        e.message += (
            f". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


_spacy_models: dict[str, Any] = {}


def load_spacy_model(spacy_model_name: str) -> Any:
    """SpacyNLP.load_model, once per pipeline name: the graph's nodes share one pipeline."""
    if spacy_model_name not in _spacy_models:
        _spacy_models[spacy_model_name] = _installed["load_model"](spacy_model_name)
    return _spacy_models[spacy_model_name]


def load_for_inference(cls: type, model_file_name: str, model_data_example: Any,
                       predict_data_example: Any = None, finetune_mode: bool = False,
                       *args: Any, **kwargs: Any) -> Any:
    """RasaModel.load without its one-epoch training pass when the model will only predict.

    The prediction pass creates every variable a prediction reads; the checkpoint's optimizer
    slots are then left unread (expect_partial) instead of being created by training."""
    original = _installed["RasaModel.load"]
    if finetune_mode or predict_data_example is None:
        return original(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                        *args, **kwargs)
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY

    config = kwargs.get("config", {})
    model = cls(*args, **kwargs)
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                  run_eagerly=config.get(RUN_EAGERLY))
    model.run_inference(predict_data_example)  # builds the layers with fresh weights
    model.load_weights(model_file_name).expect_partial()
    # What the first pass computed from the fresh weights (label embeddings, the traced
    # function's captured values) is computed again from the restored ones.
    model._tf_predict_step = None
    model.prepared_for_prediction = False
    model.run_inference(predict_data_example)
    return model


def install() -> None:
    """Replace the lookups and loaders (idempotent)."""
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    with _lock:
        if _installed:
            return
        _installed["resolve_by_type"] = Event.resolve_by_type
        _installed["_validate_action_result"] = RemoteAction._validate_action_result
        _installed["load_model"] = SpacyNLP.load_model
        _installed["RasaModel.load"] = RasaModel.load.__func__  # type: ignore[attr-defined]
        Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign]
        Event.__init_subclass__ = classmethod(_forget_event_types)  # type: ignore[method-assign,assignment]
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
        SpacyNLP.load_model = staticmethod(load_spacy_model)  # type: ignore[method-assign]
        RasaModel.load = classmethod(load_for_inference)  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    """Put Rasa's originals back (tests)."""
    global _event_types, _reply_validator
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    with _lock:
        if not _installed:
            return
        SpacyNLP.load_model = staticmethod(_installed.pop("load_model"))  # type: ignore[method-assign]
        RasaModel.load = classmethod(_installed.pop("RasaModel.load"))  # type: ignore[method-assign,assignment]
        _spacy_models.clear()
        Event.resolve_by_type = staticmethod(_installed.pop("resolve_by_type"))  # type: ignore[method-assign]
        del Event.__init_subclass__
        RemoteAction._validate_action_result = _installed.pop("_validate_action_result")  # type: ignore[method-assign]
        _event_types = None
        _reply_validator = None


def installed() -> bool:
    return bool(_installed)
