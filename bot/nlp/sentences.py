"""Where a patient's question is in a long message: pure functions, no Rasa.

The classifier reads only this part of a long story (bot.nlp.focus.QuestionFocus), and the action
that resolves an unsure reading looks here first for the words that decide (actions/faq.py).
"""

from __future__ import annotations

import re

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


# A letter's framing: a salutation before the question and a sign-off after it ("Dear team, … Thank you
# for your time. Regards, Helen"). Development set 8's polite letters were read as the sign-off ("thank
# you": thanks, a wish for a person) or not understood; the classifier and the story reading see the body.
_SALUTATION = re.compile(
    r"^\s*(?:dear\s+[^,:\n]{1,60}[,:]|to whom it may concern\s*[,:]?|(?:hello|hi|hey|good (?:morning|afternoon|evening|day)"
    r"|greetings|bonjour|bonsoir|salut|allo)(?:\s+(?:there|all|team|everyone|folks|doctor|dr\.?\s*\w+|metropolitan dental(?: team)?"
    r"|l'[ée]quipe))?\s*[,!.:;-]+)\s*",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"(?:^|[.!?,;\n]\s*|\s)(?i:(?:many\s+|thanks?\s+)?thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much)?(?:\s+(?:again|kindly|in advance"
    r"|for (?:your|the) (?:time|help|assistance|consideration|attention|reply|response)))?|thank you kindly|much appreciated"
    r"|(?:kind|best|warm|warmest)\s+regards|regards|sincerely|yours (?:truly|faithfully|sincerely)|best wishes|cheers"
    r"|respectfully|with (?:thanks|gratitude)|merci(?: beaucoup| d'avance)?|cordialement)"
    r"[\s.,!]*(?:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3})?[\s.!]*$"
)
# The body must keep this many words for the framing to be cut: "ok thanks", "hi there!" stay whole.
BODY_MIN_WORDS = 4


def letter_body(text: str) -> tuple[int, int]:
    """Character offsets of `text` without a letter's salutation and sign-off (the whole text when
    what would be left is too short to be a question)."""
    start, end = 0, len(text)
    salutation = _SALUTATION.match(text)
    if salutation and len(text[salutation.end():].split()) >= BODY_MIN_WORDS:
        start = salutation.end()
    while True:
        sign_off = _SIGN_OFF.search(text, start, end)
        if not sign_off or len(text[start:sign_off.start()].split()) < BODY_MIN_WORDS:
            break
        end = sign_off.start() + (1 if text[sign_off.start()] in ".!?" else 0)
    return start, end


def focus_span(text: str) -> tuple[int, int]:
    """Character offsets of the part of `text` that asks the question (a letter's body only)."""
    body_start, body_end = letter_body(text)
    spans = [(a + body_start, b + body_start) for a, b in sentences(text[body_start:body_end])]
    if len(spans) < 2:
        return body_start, body_end
    asked = [i for i, (start, end) in enumerate(spans) if "?" in text[start:end]]
    last = asked[-1] if asked else len(spans) - 1
    first = last
    if len(text[spans[last][0]:spans[last][1]].split()) < SHORT_SENTENCE_WORDS and last > 0:
        first = last - 1
    return spans[first][0], spans[last][1]


def question_part(text: str, min_words: int) -> tuple[int, str]:
    """The start and text of the part that asks the question, for a message of `min_words` words
    or more; the whole message (from 0) for a shorter one."""
    if len(text.split()) < min_words:
        return 0, text
    start, end = focus_span(text)
    return start, text[start:end]
