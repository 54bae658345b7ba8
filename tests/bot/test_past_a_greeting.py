"""PatternSafeguards: a message read as a greeting that asks something past its greeting."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.components import PatternSafeguards, asks_beyond_a_greeting


@pytest.mark.parametrize("text, asks", [
    ("Good morning, I would like to arrange a consultation with Dr. Walters at your earliest convenience.", True),
    ("Good afternoon, could you please explain how therapeutic Botox works in the body? Thank you kindly.", True),
    ("hi there, what are the side effects", True),
    ("Bonjour, le Botox peut-il soulager les douleurs au bas du dos?", True),
    ("hello!! how are you", False),
    ("hi, I have a question", False),
    ("Hi, I'm Anna, how are you?", False),
    ("hey good morning to you all!", False),
    ("hello, is anyone there?", False),
    ("Good evening, I was wondering whether therapeutic Botox is used for Bell's palsy. Thank you.", True),
    ("thanks! what are the side effects?", True),
    ("thanks so much, that's helpful", False),
    ("thank you very much in advance!", False),
])
def test_what_a_message_asks_past_its_greeting(text: str, asks: bool) -> None:
    assert asks_beyond_a_greeting(text) is asks


def _parsed(text: str, ranking: list[tuple[str, float]]) -> Message:
    entries = [{"name": n, "confidence": c} for n, c in ranking]
    return Message({"text": text, "intent": dict(entries[0]), "intent_ranking": entries})


def _process(message: Message) -> Message:
    PatternSafeguards(PatternSafeguards.get_default_config()).process([message])
    return message


def test_a_request_past_the_greeting_is_answered_on_the_rescaled_readings() -> None:
    message = _process(_parsed("Good morning, I would like to arrange a consultation with Dr. Walters.",
                               [("greet", 0.58), ("book_consultation", 0.38), ("faq_dr_experience", 0.02)]))
    assert message.get("intent")["name"] == "book_consultation"
    assert message.get("intent")["confidence"] == pytest.approx(0.38 / 0.42)
    assert "greet" not in [r["name"] for r in message.get("intent_ranking")]


def test_unsure_past_the_greeting_asks_with_the_real_candidates() -> None:
    # Rescaled: candidates 0.45, nerve 0.39, too close to choose: "did you mean" with both.
    message = _process(_parsed("my mom has ALS, is botox even an option for her?",
                               [("greet", 0.44), ("faq_candidates", 0.25), ("faq_safety_nerve", 0.22)]))
    assert message.get("intent")["name"] == "nlu_fallback"
    assert [r["name"] for r in message.get("intent_ranking")] == ["nlu_fallback", "faq_candidates", "faq_safety_nerve"]


def test_the_fallback_classifiers_unsure_greeting_is_looked_past_too() -> None:
    message = _process(_parsed("hi there, what are the side effects",
                               [("nlu_fallback", 0.35), ("greet", 0.54), ("faq_side_effects", 0.45)]))
    assert message.get("intent")["name"] == "faq_side_effects"


@pytest.mark.parametrize("text", ["hello!! how are you", "hi, I have a question"])
def test_a_greeting_stays_a_greeting(text: str) -> None:
    message = _process(_parsed(text, [("greet", 0.9), ("faq_what_is", 0.05)]))
    assert message.get("intent")["name"] == "greet"


def test_a_question_closed_by_a_thank_you_is_answered() -> None:
    message = _process(_parsed("Good evening, I was wondering whether therapeutic Botox is used for Bell's palsy. Thank you.",
                               [("thanks", 0.7), ("faq_conditions", 0.25), ("faq_what_is", 0.02)]))
    assert message.get("intent")["name"] == "faq_conditions"
