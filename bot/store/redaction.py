"""Removing what a patient typed during a screening they discarded (declined, stopped, switched away).

The action that discards a screening returns, among its events, `SlotSet("redact_since", <timestamp
of the screening's first patient message>)` and later in the same list `SlotSet("redact_since", None)`.
`UrlSQLTrackerStore.save` (bot/store/tracker.py) sees the first one among the events it is about to
write and, in the same transaction, rewrites every event of the conversation from that moment; the
purge does the same for screenings left when a session expired (TranscriptStore.redact_abandoned_screenings).

A rewrite keeps every event (type, order, id, timestamp, intent, action name), so Rasa still loads
the conversation and it goes on normally. Within the window:
- a patient message: its text becomes REDACTED; the parsed text and the entities are emptied;
- a slot of the screening or the short contact request (actions.common.SCREENING_SLOTS,
  MESSAGE_SLOTS), or any other slot whose text holds what the patient typed: value None. Only
  before the discarding action's marker: what that action sets from its marker on is the
  conversation's state from then on, and stays;
- a bot message: kept only when it is one of the domain's responses with nothing of the patient's in
  it (a literal text, or one filled only with SAFE_PLACEHOLDERS); any other text (the summary, "Thank
  you, <name>", an answer naming what the patient mentioned, a text an action composed) becomes
  REDACTED. Its metadata keeps only the response name (Rasa puts an action's template arguments
  there), and its data goes if it repeats what the patient typed;
- entities added by an action: emptied.
Rewriting twice changes nothing the second time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

# Stored in place of what was removed; the staff pages show REDACTED_LABEL.
REDACTED = "[removed at the patient's request]"
REDACTED_LABEL = "(removed at the patient's request)"
REDACT_SLOT = "redact_since"
# Placeholders never filled from what a patient typed, and what may fill them: the clinic's
# contact (from settings) and the form's question numbers ("question 3 of 12").
SAFE_PLACEHOLDERS: Mapping[str, str] = {"clinic_contact": r"[^\n]*?", "step": r"\d+", "steps": r"\d+"}
# The form's own bookkeeping: slot names and timestamps, never patient text.
FORM_SLOTS = frozenset({"requested_slot", REDACT_SLOT})
# A slot counts as holding typed text when it contains a patient message of at least this many
# characters (shorter ones, "no", "yes", match too much).
MIN_TYPED = 4
# Rasa's interpolator (rasa.core.nlg.interpolator): "{name}" in a response text.
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")


def screening_slots() -> frozenset[str]:
    """The slots of the forms a patient can discard (the screening, and the short contact request
    where it exists), from their one home; imported late: actions import rasa_sdk."""
    from actions import common

    return frozenset(common.SCREENING_SLOTS) | frozenset(getattr(common, "MESSAGE_SLOTS", ()))


def redaction_start(events: Sequence[Mapping[str, Any]]) -> Optional[tuple[float, int]]:
    """(timestamp, index) of the first `redact_since` slot event with a value in `events`, or None."""
    for index, event in enumerate(events):
        if event.get("event") == "slot" and event.get("name") == REDACT_SLOT:
            value = event.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value), index
    return None


def is_redacted(text: Any) -> bool:
    return text == REDACTED


def domain_responses(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The `responses` of a domain file, without loading Rasa (the purge runs on its own)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("responses") or {})


def session_expiry_minutes(path: Path, default: float = 60.0) -> float:
    """The domain's session_expiration_time (Rasa's default when absent)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    value = (data.get("session_config") or {}).get("session_expiration_time")
    return float(value) if isinstance(value, int | float) and value > 0 else default


def _mentions(value: Any, typed: Sequence[str]) -> bool:
    """Whether `value` (any JSON) contains one of the typed texts (lower-cased)."""
    if value is None or not typed:
        return False
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.lower()
    return any(t in text for t in typed)


def _holds_typed(value: Any, typed: Sequence[str]) -> bool:
    """A text slot holding a patient message, or a part of one (a name taken from "I'm Jane Doe")."""
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    return _mentions(text, typed) or (len(text) >= MIN_TYPED and any(text in t for t in typed))


@dataclass(frozen=True)
class Redactor:
    """Rewrites event dicts (as Rasa stores them in `events.data`) of a discarded screening."""

    literals: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    slots: frozenset[str]

    @classmethod
    def from_responses(
        cls, responses: Optional[Mapping[str, Any]], slots: Optional[Iterable[str]] = None
    ) -> Redactor:
        """From a domain's responses; without them every bot message in the window is redacted."""
        literals: set[str] = set()
        patterns: list[re.Pattern[str]] = []
        for variations in (responses or {}).values():
            for variation in variations or ():
                text = variation.get("text") if isinstance(variation, Mapping) else None
                if not isinstance(text, str) or not text:
                    continue
                parts = _PLACEHOLDER.split(text)  # text, name, text, name, ..., text
                names = {name.strip() for name in parts[1::2]}
                if not names:
                    literals.add(text)
                elif names <= SAFE_PLACEHOLDERS.keys():
                    regex = "".join(re.escape(part) if i % 2 == 0 else SAFE_PLACEHOLDERS[part.strip()]
                                    for i, part in enumerate(parts))
                    patterns.append(re.compile(regex, re.DOTALL))
        return cls(frozenset(literals), tuple(patterns), frozenset(screening_slots() if slots is None else slots))

    def safe_bot_text(self, text: Any) -> bool:
        """Whether a bot text is a domain response with nothing of the patient's in it."""
        if not text or is_redacted(text):
            return True
        if not isinstance(text, str):
            return False
        return text in self.literals or any(p.fullmatch(text) for p in self.patterns)

    def redact(self, events: Sequence[Mapping[str, Any]], keep_slots_from: Optional[int] = None) -> list[dict[str, Any]]:
        """The window's events rewritten (new dicts; unchanged ones are equal to the input).

        Slot events at `keep_slots_from` and after (the discarding action's marker on) keep their values.
        """
        limit = len(events) if keep_slots_from is None else keep_slots_from
        typed = sorted(
            {
                str(e["text"]).strip().lower()
                for e in events
                if e.get("event") == "user" and isinstance(e.get("text"), str) and not is_redacted(e["text"])
                and len(str(e["text"]).strip()) >= MIN_TYPED
            }
        )
        return [self._event(dict(e), index < limit, typed) for index, e in enumerate(events)]

    def _event(self, event: dict[str, Any], before_marker: bool, typed: Sequence[str]) -> dict[str, Any]:
        kind = event.get("event")
        if kind == "user":
            if event.get("text"):
                event["text"] = REDACTED
            parse = event.get("parse_data")
            if isinstance(parse, Mapping):
                event["parse_data"] = {**parse, "text": "", "entities": []}
        elif kind == "bot":
            if not self.safe_bot_text(event.get("text")):
                event["text"] = REDACTED
            metadata = event.get("metadata")
            if isinstance(metadata, Mapping) and set(metadata) - {"utter_action"}:
                event["metadata"] = {k: v for k, v in metadata.items() if k == "utter_action"}
            if _mentions(event.get("data"), typed):
                event["data"] = {}
        elif kind == "slot" and before_marker and event.get("value") is not None:
            name = event.get("name")
            if name in self.slots or (name not in FORM_SLOTS and _holds_typed(event["value"], typed)):
                event["value"] = None
        elif kind == "entities" and event.get("entities"):
            event["entities"] = []
        elif kind == "action" and event.get("action_text") and not self.safe_bot_text(event["action_text"]):
            event["action_text"] = None
        return event


__all__ = [
    "FORM_SLOTS", "MIN_TYPED", "REDACTED", "REDACTED_LABEL", "REDACT_SLOT", "SAFE_PLACEHOLDERS", "Redactor",
    "domain_responses", "is_redacted", "redaction_start", "screening_slots", "session_expiry_minutes",
]
