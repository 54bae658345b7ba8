"""Two per-turn costs in Rasa 3.6 that buy nothing, removed without changing behaviour.

Measured with py-spy on our server (benchmarks/results/profile-*): on a conversation's 100th
message, 27% of the turn went to `Event.resolve_by_type`, which walks every subclass of `Event`
(and calls `inspect.isabstract` on each) for every event of the tracker loaded from the store;
6% went to `jsonschema.validate`, which checks the action-reply *schema* against the JSON Schema
meta-schema on every custom action before it checks the reply.

`install()` replaces both with cached equivalents; the results are the same (tests compare them
with Rasa's originals). `bot.rasa_server` calls it before Rasa starts; nothing is patched at
import time.
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


def install() -> None:
    """Replace the two lookups (idempotent)."""
    with _lock:
        if _installed:
            return
        _installed["resolve_by_type"] = Event.resolve_by_type
        _installed["_validate_action_result"] = RemoteAction._validate_action_result
        Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign]
        Event.__init_subclass__ = classmethod(_forget_event_types)  # type: ignore[method-assign,assignment]
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def uninstall() -> None:
    """Put Rasa's originals back (tests)."""
    global _event_types, _reply_validator
    with _lock:
        if not _installed:
            return
        Event.resolve_by_type = staticmethod(_installed.pop("resolve_by_type"))  # type: ignore[method-assign]
        del Event.__init_subclass__
        RemoteAction._validate_action_result = _installed.pop("_validate_action_result")  # type: ignore[method-assign]
        _event_types = None
        _reply_validator = None


def installed() -> bool:
    return bool(_installed)
