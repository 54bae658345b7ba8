"""The emergency safety net: urgent symptoms must be caught however they are written,
and ordinary questions and answers must not be."""

from __future__ import annotations

import pytest

from bot.nlp.safety import is_emergency

CAUGHT = [
    # breathing
    "I can't breathe",
    "I cant breathe",
    "I cannot breathe",
    "I can't breath",
    "I'm having trouble breathing",
    "trouble breathing",
    "Difficulty breathing",
    "it's hard to breathe",
    "I'm struggling to breathe",
    "I'm having a hard time breathing",
    "I can't catch my breath",
    "I'm short of breath",
    "shortness of breath since the injection",
    "I'm wheezing",
    # swallowing
    "I can't swallow",
    "I'm having trouble swallowing",
    "it’s hard to swallow",  # typographic apostrophe
    "difficulty swallowing since botox",
    # speaking
    "I can't speak properly",
    "I'm having trouble talking",
    "slurred speech after the injection",
    # severe allergic reaction
    "my throat is closing up",
    "my throat feels tight",
    "my tongue is swelling",
    "my lips are swollen",
    "swelling in my throat",
    "I think I'm having a severe allergic reaction",
    "I'm having an allergic reaction and it's bad",
    "I think I'm going into anaphylactic shock",
    "anaphylaxis",
    "I need my epipen",
    "hives all over",
    "my face is swelling up and I have hives everywhere",
    # spreading weakness after an injection
    "the weakness is spreading",
    "spreading weakness after the injection",
    "the weakness is moving to my neck",
    "weakness in my arms after botox",
    "my arms feel weak since the botox",
    "my legs are numb after the injection",
    "my whole body feels weak since the injection",
    # other emergencies
    "chest pain",
    "I'm having chest tightness",
    "this is an emergency",
    "it's a medical emergency",
    "should I call 911",
    "I passed out after the injection",
    "I fainted",
    "MY THROAT IS CLOSING",
    "  I   can't    swallow  ",
]

NOT_CAUGHT = [
    "no trouble breathing",
    "I don't have any trouble swallowing",
    "I've had no problems breathing",
    "no swelling at all",
    "no weakness in my face",
    "never had an allergic reaction",
    "I'm not having an emergency",
    "is it safe?",
    "do you take emergency appointments",
    "is this an emergency clinic?",
    "my headaches are getting worse",
    "what are the side effects",
    "Can it help my TMJ?",
    "I grind my teeth at night",
    "how much does it cost?",
    "I take advil sometimes",
    "my jaw hurts when I chew",
    "Is it approved by Health Canada?",
    "I have migraines every week",
    "Can I talk to a person?",
    "I have no allergies",
    "I'm not pregnant",
    "my eyes feel dry",
    "can you call me tomorrow",
    "I'm having a hard time deciding",
    "I'm not able to come in on weekends",
    "hi",
    "",
]


@pytest.mark.parametrize("text", CAUGHT)
def test_emergency_phrasings_are_caught(text: str) -> None:
    assert is_emergency(text) is True


@pytest.mark.parametrize("text", NOT_CAUGHT)
def test_ordinary_messages_are_not_emergencies(text: str) -> None:
    assert is_emergency(text) is False


def test_none_is_not_an_emergency() -> None:
    assert is_emergency(None) is False


def test_tables_are_big_enough() -> None:
    assert len(CAUGHT) >= 25 and len(NOT_CAUGHT) >= 15
    assert not set(CAUGHT) & set(NOT_CAUGHT)


# Phrasings of the symptoms the safety net exists for (trouble breathing, swallowing,
# speaking, a severe allergic reaction, spreading weakness after an injection) written in ways
# an early version of the patterns missed.
MISSED = {
    "I can barely breathe": "breathing: 'barely' is not a difficulty word",
    "breathing is difficult": "breathing: symptom word before the difficulty word",
    "I'm having breathing problems": "breathing: 'breathing problems' (noun first)",
    "swallowing is really hard": "swallowing: symptom word before the difficulty word",
    "I can hardly talk": "speaking: 'hardly' is not a difficulty word",
    "my speech is slurred": "speaking: only 'slurred speech' order is matched",
    "I'm slurring my words": "speaking: 'slurring my words' is not matched",
    "I'm having a serious allergic reaction": "allergy: 'serious' only counts after 'allergic reaction'",
    "the weakness has spread to my arms": "spreading weakness: only 'is spreading/moving' is matched",
    "I feel weak all over after the injection": "spreading weakness: 'weak all over' is not matched",
    "my arm is getting weak since the injection": "spreading weakness: 'is getting weak' (two verbs) is not matched",
    # The negation guard applies to the whole message, so a negated clause anywhere hides a real symptom.
    "I've never had an allergic reaction before but my throat is closing up":
        "negation elsewhere in the message ('never had an allergic') suppresses 'throat is closing up'",
    "I had no problems last time but now I can't swallow":
        "negation elsewhere in the message ('no problems') suppresses 'can't swallow'",
}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(text, id=why)
        for text, why in MISSED.items()
    ],
)
def test_required_symptom_phrasings_are_caught(text: str) -> None:
    assert is_emergency(text) is True


# Answers to the form's contact questions that the safety net wrongly treats as emergencies
# (an early version matched "can't talk"), which would send a patient 911 advice mid-form.
FALSE_ALARMS = [
    "I can't talk during work, please text me",
    "I can't talk now",
    "I cannot speak to anyone until 5",
]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(text)
        for text in FALSE_ALARMS
    ],
)
def test_availability_answers_are_not_emergencies(text: str) -> None:
    assert is_emergency(text) is False
