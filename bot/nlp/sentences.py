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


def question_part(text: str, min_words: int) -> tuple[int, str]:
    """The start and text of the part that asks the question, for a message of `min_words` words
    or more; the whole message (from 0) for a shorter one."""
    if len(text.split()) < min_words:
        return 0, text
    start, end = focus_span(text)
    return start, text[start:end]
