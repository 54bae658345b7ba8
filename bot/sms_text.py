"""What an SMS costs: its encoding (GSM-7 or UCS-2) and how many segments carriers bill for it.

Pure functions, no Rasa: used by the tests that keep every SMS wording within its budget, and
meant for anything that shows staff what a text will cost before it is sent.

A text goes as GSM-7 only when every character is in the GSM 03.38 basic set or its extension
table; one character outside them (®, an em dash, curly quotes, a bullet, ê or lower-case ç)
sends the whole text as UCS-2. Sizes per segment:

    GSM-7  160 septets in a single segment, 153 per segment once split (the rest is the
           concatenation header); an extension character ({ } [ ] ~ ^ | \\ € form feed) takes
           two septets (escape + character) and a pair is never split across segments.
    UCS-2  70 UTF-16 code units in a single segment, 67 per segment once split; a character
           outside the Basic Multilingual Plane (most emoji) takes two, never split either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67

# GSM 03.38 default alphabet, in code order (0x1B, the escape to the extension table, left out).
# Position 0x09 is the capital Ç: lower-case ç is not in GSM-7, nor are ê, â, î, ô, û.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Sent as escape + character: two septets each.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# Characters that often slip into written text, with the GSM-7 text that says the same thing.
GSM7_LOOKALIKES: dict[str, str] = {
    "\u2014": "-",  # em dash
    "\u2013": "-",  # en dash
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2022": "-",  # bullet
    "\u2026": "...",
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\u00ae": "",  # ®
    "\u2122": "",  # ™
}


def gsm7_septets(char: str) -> int | None:
    """Septets one character takes in GSM-7 (1, or 2 for the extension table); None if it has none."""
    if char in GSM7_BASIC:
        return 1
    if char in GSM7_EXTENSION:
        return 2
    return None


def non_gsm7_characters(text: str) -> tuple[str, ...]:
    """The distinct characters that make `text` UCS-2, in order of first appearance."""
    return tuple(dict.fromkeys(ch for ch in text if gsm7_septets(ch) is None))


def is_gsm7(text: str) -> bool:
    return not non_gsm7_characters(text)


# French quotation marks, with the (often no-break) spaces inside them: « aucun » becomes "aucun".
_GUILLEMETS = re.compile("\u00ab[ \u00a0\u202f]*|[ \u00a0\u202f]*\u00bb")


def with_gsm7_lookalikes(text: str) -> str:
    """`text` with the usual typographic characters (dashes, curly quotes, « », bullets, ®) in GSM-7."""
    text = _GUILLEMETS.sub('"', text)
    return "".join(GSM7_LOOKALIKES.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class SmsSize:
    """How a text goes over SMS."""

    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int  # what carriers bill; 0 for an empty text (nothing is sent)
    unicode_characters: tuple[str, ...] = ()  # why it is UCS-2, when it is

    @property
    def single_limit(self) -> int:
        return GSM7_SINGLE if self.encoding == GSM7 else UCS2_SINGLE

    @property
    def part_limit(self) -> int:
        return GSM7_PART if self.encoding == GSM7 else UCS2_PART


def _units(text: str, encoding: str) -> list[int]:
    """Each character's size in the encoding (a surrogate pair or an escape pair is one item)."""
    if encoding == GSM7:
        return [gsm7_septets(ch) or 0 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _segments(sizes: list[int], single: int, part: int) -> int:
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for size in sizes:
        if used + size > part:  # a pair that does not fit starts the next segment
            segments, used = segments + 1, 0
        used += size
    return segments


def sms_size(text: str) -> SmsSize:
    """The encoding, size and segment count of `text` exactly as written (nothing replaced)."""
    unicode_chars = non_gsm7_characters(text)
    if not unicode_chars:
        sizes = _units(text, GSM7)
        return SmsSize(GSM7, sum(sizes), _segments(sizes, GSM7_SINGLE, GSM7_PART))
    sizes = _units(text, UCS2)
    return SmsSize(UCS2, sum(sizes), _segments(sizes, UCS2_SINGLE, UCS2_PART), unicode_chars)


def segment_count(text: str) -> int:
    """The segments carriers bill for `text`."""
    return sms_size(text).segments
