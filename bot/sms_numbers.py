"""Phone numbers as the SMS side stores them: normalised, then a keyed hash (never the number).

Its own module, without Rasa, so the web app (staff texts, bot/sms_outbound.py) hashes a number
exactly as the SMS channel (bot/channels/sms.py) does when it records an opt-out.
"""

from __future__ import annotations

import hashlib
import hmac
import re


def normalise_number(raw: str) -> str:
    """The sender in E.164 form when it is a phone number ("+1 613-555-0123" -> "+16135550123")."""
    value = raw.strip()
    digits = re.sub(r"[\s().\-]", "", value)
    if re.fullmatch(r"\+?\d{4,15}", digits):
        return "+" + digits.lstrip("+")
    return value.lower()  # short codes, "whatsapp:+1...": stable, whatever their form


def number_hash(number: str, secret: str) -> str:
    """HMAC-SHA256 of the normalised number under the server's secret: 64 hex characters."""
    return hmac.new(secret.encode("utf-8"), normalise_number(number).encode("utf-8"), hashlib.sha256).hexdigest()


__all__ = ["normalise_number", "number_hash"]
