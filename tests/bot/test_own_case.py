"""bot.nlp.own_case: a patient's own health situation, asked about, and what is not one."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.components import PatternSafeguards
from bot.nlp.own_case import names_own_medicine, states_own_case
from bot.nlp.safety import is_crisis


@pytest.mark.parametrize("text", [
    "im on blood thinners fyi",
    "ON BACLOFEN FOR SPASTICITY. CAN I DO BOTOX",
    "I'm taking amoxicillin right now for a tooth infection, does that matter?",
    "high BP, on meds for it. ok 2 get botox?",
    "HAVE HIGH BLOOD PRESSURE. SAFE???",
    "celiac + hashimotos. safe for me?",
    "myasthenia gravis here. can i get it",
    "I have Parkinson's. Is that going to be a problem?",
    "I get seizures sometimes, does that rule me out",
    "penicillin allergy + latex allergy. ok?",
    "I'M 16 AND MY MOM SAID TO ASK IF I CAN GET IT",
    "17 yrs old. allowed?",
    "Can I get botox while I'm on chemo?",
    "i have hypothyroidism and take synthroid every morning, does that matter",
    "Hi, I'd like to note that I have hemophilia A. Would I be able to have the injections safely?",
    "i still have some bells palsy weakness, can i get treated",
    # French
    "jai la myasthenie grave, cest tu correct pour moi le botox",
    "chu allergique a l'albumine, c ok pr moi?",
    "je suis diabétique de type 1 et je prends de l'insuline. Est-ce que cela m'empêcherait de recevoir le traitement?",
    "jfais de l'épilepsie, je prends du keppra. c correct?",
    "je suis sous lithium, est-ce correct pour moi?",
    # "diagnosed with" a condition (its pattern needed two spaces after "diagnosed"), a face that is
    # weak, a pregnancy planned, a device, "in my situation".
    "I was diagnosed with an autoimmune disorder last year. Is that something I need to disclose?",
    "the muscles on the left side of my face are still weak since my stroke, is that something you need to know?",
    "we're trying for a baby this spring, should I mention that?",
    "I've had a pacemaker for years. Do you think Botox would be safe in my situation?",
    "on essaie d'avoir un bébé, est-ce un problème?",
    # From a fresh development set (stop 20): stories that end by asking whether to tell the team.
    "I take a handful of pills every morning - blood pressure, a statin, and something for my thyroid. "
    "I'd love to try botox for my migraines. Do I need to tell you about all of those?",
    "After a bad ear infection a few years back the left side of my face never fully came back. It still feels "
    "weaker than the right, especially when I smile. Is that something you'd need to know before doing botox?",
    "I'm on warfarin because of a clot I had last year, and I bruise super easily. I'm still interested in botox "
    "for my jaw though. Would I need to let you know about that before the injections?",
    "we're starting to try for our first baby this fall. Is this something I should be doing?",
    # Development sets 8 and 9: "someone like me", "ok 4 botox".
    "I was diagnosed with ALS last spring. My care team said to look into options. Is botox something someone like me can have?",
    "I'm on lithium, ok 4 botox?",
])
def test_a_patients_own_situation_asked_about(text: str) -> None:
    assert states_own_case(text)


@pytest.mark.parametrize("text", [
    # The page's own conditions are a conditions question.
    "I have migraines, can botox help?",
    "i get tension headaches, can i get it for that",
    # General questions with no fact about the patient.
    "what are the side effects?",
    "Can I be allergic to Botox?",
    "Dr Walters has 25 years of experience, can I trust him?",
    "I have a question about the conditions it treats, can I ask?",
    "I'm 10 minutes away, can I come in?",
    "can I book a consultation?",
    "on average how long does it last, can I ask?",
    # The page's own safety questions, with no fact of the patient's named.
    "do I need to tell you about my medications",
    "Do I need to tell you if I take any medications?",
    "can I get botox while pregnant",
    "is it safe if my face muscles are weak?",
    "can i get botox if im trying to get pregnant",
    # A fact inside an "if" is the page's question, not the patient's own.
    "is botox ok if i take blood thinners",
    "can i get botox if i'm pregnant",
    "my doctor has run out of options for my headaches, should i consider botox",
    # A fact with no question or heads-up about it.
    "I have diabetes",
    "est-ce que je peux prendre rendez-vous?",
])
def test_not_an_own_case(text: str) -> None:
    assert not states_own_case(text)


def _parsed(text: str, intent: str) -> Message:
    ranking = [{"name": intent, "confidence": 0.8}, {"name": "faq_what_is", "confidence": 0.1}]
    return Message({"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking})


@pytest.mark.parametrize("intent", ["faq_safety_medications", "faq_conditions", "greet", "nlu_fallback"])
def test_the_safeguard_replaces_a_topic_or_unsure_reading(intent: str) -> None:
    message = _parsed("I'm on warfarin and have MS, is it safe for me?", intent)
    PatternSafeguards(PatternSafeguards.get_default_config()).process([message])
    assert message.get("intent") == {"name": "own_case", "confidence": 1.0}


@pytest.mark.parametrize("intent", ["book_consultation", "request_human", "existing_patient", "stop", "emergency", "crisis",
                                    "out_of_scope"])
def test_the_safeguard_never_replaces_booking_a_person_a_stop_or_an_urgent_reading(intent: str) -> None:
    # A crisis reading stands only with a word of distress in the message (see the test below).
    text = "I'm on warfarin and have MS, is it safe for me?"
    if intent == "crisis":
        text = "I'm on warfarin and have MS and I'm tired of these headaches, is it safe for me?"
    if intent == "out_of_scope":  # a medicine named gives way (test below); other facts don't
        text = "I'm breastfeeding and have MS, is it safe for me?"
    assert not is_crisis(text)
    message = _parsed(text, intent)
    PatternSafeguards(PatternSafeguards.get_default_config()).process([message])
    assert message.get("intent")["name"] == intent


@pytest.mark.parametrize("text", [
    "Hello, I'm scheduled for my second treatment on Friday. Will it be with Dr. Walters himself or another member of the team?",
    "I'm on warfarin and have MS, is it safe for me?",
])
def test_a_crisis_reading_without_a_word_of_distress_is_not_taken(text: str) -> None:
    # The classifier read an appointment question as crisis, best of all: the 988 message for it.
    message = _parsed(text, "crisis")
    PatternSafeguards(PatternSafeguards.get_default_config()).process([message])
    assert message.get("intent")["name"] not in ("crisis", "emergency")


def test_an_urgent_pattern_still_comes_first() -> None:
    message = _parsed("I'm on warfarin and my throat is closing, can I take something?", "own_case")
    PatternSafeguards(PatternSafeguards.get_default_config()).process([message])
    assert message.get("intent")["name"] == "emergency"


@pytest.mark.parametrize(("text", "named"), [
    ("ON BACLOFEN FOR SPASTICITY. CAN I DO BOTOX", True),
    ("I take lithium, can I still get it", True),
    ("je suis sous lithium, est-ce correct pour moi?", True),
    ("can i get botox if im on warfarin", False),  # the page's question
    ("Nursing mama here, is it ok while I'm breastfeeding?", False),  # no medicine
    ("I'm on vacation next week, can I book?", False),
    ("i take the bus, can i come at 5?", False),
])
def test_a_medicine_named_as_the_patients_own(text: str, named: bool) -> None:
    assert names_own_medicine(text) is named


@pytest.mark.parametrize(("text", "expected"), [
    ("ON BACLOFEN FOR SPASTICITY. CAN I DO BOTOX", "own_case"),
    # Breastfeeding isn't on the page: out of scope stays out of scope.
    ("Nursing mama here, is it ok while I'm breastfeeding?", "out_of_scope"),
])
def test_out_of_scope_gives_way_only_to_a_medicine_named(text: str, expected: str) -> None:
    message = _parsed(text, "out_of_scope")
    PatternSafeguards(PatternSafeguards.get_default_config()).process([message])
    assert message.get("intent")["name"] == expected
