"""The request page's two compose boxes (a text to the patient, a message in their chat): what
their forms carry, read the same way for both."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

# The draft as typed is kept (up to this much) to show again on a refused page.
MAX_DRAFT_CHARS = 20_000
# One compose box, one message: a double click or a resubmitted form carries the same key
# (bot/store/staff_messages.py compose_key).
_KEY = re.compile(r"[A-Za-z0-9_\-]{16,64}")


def new_compose_key() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class ComposeForm:
    text: str
    key: str

    @property
    def key_ok(self) -> bool:
        return bool(_KEY.fullmatch(self.key))


def compose_form(form: Any) -> ComposeForm:
    """The draft and the compose key of a posted box (anything else in their place reads empty)."""
    raw = form.get("body")
    return ComposeForm(raw[:MAX_DRAFT_CHARS] if isinstance(raw, str) else "", str(form.get("compose_key") or "")[:64])
