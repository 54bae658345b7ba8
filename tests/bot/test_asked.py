"""bot/nlp/asked.py and its use: "does it help X?" / "can it cause X?" about a term the page doesn't name."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from actions.common import answer_for, mention
from bot.nlp.asked import ASKED_EXTRACTOR, CONDITION, SIDE_EFFECT, asked_about
from bot.nlp.components import PatternSafeguards, unlisted_question


@pytest.mark.parametrize("text, kind, term", [
    ("does botox help sciatica?", CONDITION, "sciatica"),
    ("does it help with carpal tunnel", CONDITION, "carpal tunnel"),
    ("does it help w/ sensitive teeth", CONDITION, "sensitive teeth"),
    ("Can it cause acne? 😩", SIDE_EFFECT, "acne"),
    ("will botox help plantar fasciitis", CONDITION, "plantar fasciitis"),
    ("is botox good for tennis elbow", CONDITION, "tennis elbow"),
    ("does it treat gum disease", CONDITION, "gum disease"),
    ("Does Botox help with my restless leg syndrome too?", CONDITION, "restless leg syndrome"),
    ("botox for sciatica?", CONDITION, "sciatica"),
    ("can botox cause hearing loss", SIDE_EFFECT, "hearing loss"),
    ("can botox give u acne", SIDE_EFFECT, "acne"),
    ("can botox raise your blood pressure", SIDE_EFFECT, "blood pressure"),
    ("is hair loss a side effect?", SIDE_EFFECT, "hair loss"),
    ("est-ce que le botox aide pour la sciatique?", CONDITION, "sciatique"),
    ("ca aide-tu pour le canal carpien", CONDITION, "canal carpien"),
    ("ca aide tu pour l'arthrite", CONDITION, "arthrite"),
    ("le botox peut causer de l'acné?", SIDE_EFFECT, "acné"),
    ("est-ce que ça peut donner des palpitations", SIDE_EFFECT, "palpitations"),
    ("le botox peut-il aider la fibromyalgie", CONDITION, "fibromyalgie"),
    ("le botox traite-t-il la sciatique?", CONDITION, "sciatique"),
    ("est-ce efficace contre la sciatique", CONDITION, "sciatique"),
    ("vous traitez la sciatique?", CONDITION, "sciatique"),
    ("ca peut tu donner des boutons", SIDE_EFFECT, "boutons"),
    ("CAN BOTOX MAKE YOUR HAIR FALL OUT", SIDE_EFFECT, "hair fall out"),
    ("ça peut-tu faire perdre des cheveux? 😟", SIDE_EFFECT, "perdre des cheveux"),
])
def test_the_term_a_question_is_about(text: str, kind: str, term: str) -> None:
    asked = asked_about(text)
    assert asked is not None and (asked.kind, asked.mention) == (kind, term)
    assert text[asked.start:asked.end].lower() == term.lower()


@pytest.mark.parametrize("text", [
    "does it help migraines",  # the page's own condition: the vocabulary answers it
    "does it help with that?",  # a follow-up: the earlier topic answers it
    "can it cause side effects",
    "does it work for kids",
    "does it help me sleep",
    "how does it help with pain",
    "does it help with this really long story about my life and everything that happened to me last year",
    "what is botox",
    "does it really work tho",  # whether it works, not a term "tho"
    "how well does it work though?",
    "le botox pour le bruxisme?",
    "est-ce que ça aide vraiment",
    "ça aide beaucoup?",
    "does it help a lot",
])
def test_no_term_is_read_from_other_messages(text: str) -> None:
    assert asked_about(text) is None


@pytest.mark.parametrize("text", [
    "can it cause trouble swallowing",
    "can botox cause trouble breathing",
    "does it help with chest pain",
    "can botox cause suicidal thoughts",
])
def test_an_urgent_symptom_is_not_read_as_an_unlisted_term(text: str) -> None:
    assert unlisted_question(text, []) is None


def test_a_page_term_in_the_message_leaves_it_to_the_vocabulary() -> None:
    entities = [{"entity": "condition", "value": "migraines"}]
    assert unlisted_question("does botox help sciatica or migraines", entities) is None


def message(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> Message:
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.6},
                         "intent_ranking": [{"name": intent, "confidence": 0.6},
                                            {"name": "faq_conditions", "confidence": 0.2}],
                         "entities": entities or []})


@pytest.mark.parametrize("classified", ["emergency", "nlu_fallback", "faq_effectiveness", "out_of_scope"])
def test_the_safeguards_answer_an_unlisted_condition_question_with_its_words(classified: str) -> None:
    net = PatternSafeguards(PatternSafeguards.get_default_config())
    (out,) = net.process([message("does botox help restless leg syndrome", classified)])
    assert out.get("intent") == {"name": "faq_conditions", "confidence": 1.0}
    (entity,) = out.get("entities")
    assert entity["entity"] == "unlisted" and entity["value"] == "restless leg syndrome"
    assert entity["extractor"] == ASKED_EXTRACTOR


def test_a_known_unlisted_term_keeps_the_vocabularys_entity() -> None:
    net = PatternSafeguards(PatternSafeguards.get_default_config())
    known = {"entity": "unlisted", "value": "excessive sweating", "extractor": "SpacyEntityExtractor"}
    (out,) = net.process([message("can it treat excessive sweating", "out_of_scope", [known])])
    assert out.get("intent")["name"] == "faq_conditions"
    assert out.get("entities") == [known]


def test_a_side_effect_question_goes_to_side_effects() -> None:
    net = PatternSafeguards(PatternSafeguards.get_default_config())
    (out,) = net.process([message("can botox cause hearing loss", "faq_side_effects")])
    assert out.get("intent")["name"] == "faq_side_effects"
    assert out.get("entities")[0]["value"] == "hearing loss"


def test_an_emergency_pattern_still_wins() -> None:
    net = PatternSafeguards(PatternSafeguards.get_default_config())
    (out,) = net.process([message("does botox help sciatica? I can't breathe right now", "faq_conditions")])
    assert out.get("intent")["name"] == "emergency"


def test_the_answer_names_the_patients_words_in_either_language() -> None:
    asked = [{"entity": "unlisted", "value": "carpal tunnel", "extractor": ASKED_EXTRACTOR}]
    assert mention(asked, "unlisted") == "carpal tunnel"
    assert answer_for("faq_conditions", asked, "en") == ("utter_faq_conditions_unlisted", {"mention": "carpal tunnel"})
    french = [{"entity": "unlisted", "value": "canal carpien", "extractor": ASKED_EXTRACTOR}]
    assert answer_for("faq_conditions", french, "fr") == ("utter_faq_conditions_unlisted", {"mention": "canal carpien"})
    assert answer_for("faq_side_effects", asked, "en")[0] == "utter_faq_side_effect_unlisted"


def test_an_unknown_value_from_another_extractor_is_still_ignored() -> None:
    assert mention([{"entity": "unlisted", "value": "carpal tunnel", "extractor": "SpacyEntityExtractor"}],
                   "unlisted") is None
