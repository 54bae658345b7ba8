"""Long stories are classified by their question: the focus span."""

from __future__ import annotations

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.focus import QuestionFocus
from bot.nlp.sentences import focus_span

STORY = ("I have had migraines for about ten years and nothing the doctors gave me has really worked. "
         "My sister saw Dr. Walters last spring and she said it changed her life. "
         "Is it approved by Health Canada?")


def test_the_last_question_and_the_short_sentence_before_it() -> None:
    start, end = focus_span(STORY)
    assert STORY[start:end].strip() == "Is it approved by Health Canada?"
    # A very short question takes the sentence before it.
    text = "Blah blah about my week. I grind my teeth at night. Will it work?"
    start, end = focus_span(text)
    assert text[start:end].strip() == "I grind my teeth at night. Will it work?"


def test_without_a_question_mark_the_last_sentence() -> None:
    text = "My jaw hurts every morning. I clench all night. I want to know about side effects"
    start, end = focus_span(text)
    assert text[start:end].strip() == "I want to know about side effects"


def test_one_sentence_is_kept_whole() -> None:
    assert focus_span("what are the side effects") == (0, len("what are the side effects"))


def tokens_of(text: str) -> list[Token]:
    found, position = [], 0
    for word in text.split():
        start = text.index(word, position)
        found.append(Token(word, start))
        position = start + len(word)
    return found


def test_the_component_narrows_long_messages_only() -> None:
    focus = QuestionFocus({"min_tokens": 30})
    long_message = Message({TEXT: STORY, TOKENS_NAMES[TEXT]: tokens_of(STORY)})
    short = "does it hurt? is it approved?"
    short_message = Message({TEXT: short, TOKENS_NAMES[TEXT]: tokens_of(short)})
    focus.process([long_message, short_message])
    assert [t.text for t in long_message.get(TOKENS_NAMES[TEXT])] == ["Is", "it", "approved", "by", "Health", "Canada?"]
    assert len(short_message.get(TOKENS_NAMES[TEXT])) == 6
