"""PatternSafeguards in Rasa's NLU graph: crisis, emergency, after-treatment and language, in that order."""

from __future__ import annotations

from typing import Any, Optional

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.components import EmergencySafetyNet, PatternSafeguards
from bot.settings import ROOT


def message(text: Optional[str], intent: str = "faq_side_effects", confidence: float = 0.81,
            ranking: Optional[list[dict[str, Any]]] = None) -> Message:
    data: dict[str, Any] = {"intent": {"name": intent, "confidence": confidence}}
    if text is not None:
        data["text"] = text
    data["intent_ranking"] = ranking if ranking is not None else [
        {"name": intent, "confidence": confidence},
        {"name": "emergency", "confidence": 0.12},
        {"name": "out_of_scope", "confidence": 0.07},
    ]
    return Message(data=data)


@pytest.fixture
def net() -> PatternSafeguards:
    return PatternSafeguards(PatternSafeguards.get_default_config())


def forced(net: PatternSafeguards, text: str, intent: str = "faq_side_effects") -> Message:
    (out,) = net.process([message(text, intent=intent)])
    return out


def reading_after(net: PatternSafeguards, text: str, *ranking: tuple[str, float]) -> str:
    """The intent the component leaves for `text` whose classifier ranking was `ranking`, best first."""
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    (out,) = net.process([message(text, intent=ranking[0][0], confidence=ranking[0][1], ranking=entries)])
    return out.get("intent")["name"]


# --------------------------------------------------------------------------- emergency (as before)


@pytest.mark.parametrize("intent", ["faq_side_effects", "nlu_fallback", "affirm", "out_of_scope"])
def test_emergency_is_forced_first_with_full_confidence(net: PatternSafeguards, intent: str) -> None:
    out = forced(net, "I can't breathe after the injection", intent=intent)
    assert out.get("intent") == {"name": "emergency", "confidence": 1.0}
    ranking = out.get("intent_ranking")
    assert ranking[0] == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in ranking].count("emergency") == 1
    assert [r["name"] for r in ranking[1:]] == [n for n in (intent, "out_of_scope") if n != "emergency"]


def test_ranking_is_created_when_missing(net: PatternSafeguards) -> None:
    msg = Message(data={"text": "my throat is closing up", "intent": {"name": "greet", "confidence": 0.99}})
    net.process([msg])
    assert msg.get("intent")["name"] == "emergency"
    assert msg.get("intent_ranking") == [{"name": "emergency", "confidence": 1.0}]


def test_forced_intent_and_language_are_in_the_output(net: PatternSafeguards) -> None:
    msg = message("my tongue is swelling")
    net.process([msg])
    assert {"intent", "intent_ranking", "language"} <= set(msg.output_properties)
    assert msg.as_dict(only_output_properties=True)["language"] == "en"


@pytest.mark.parametrize("text", ["what are the side effects?", "no trouble breathing", "is it safe?",
                                  "can it cause eyelid droop?", "tmj?"])
def test_other_messages_keep_their_intent(net: PatternSafeguards, text: str) -> None:
    msg = message(text)
    before = (dict(msg.get("intent")), list(msg.get("intent_ranking")))
    net.process([msg])
    assert (msg.get("intent"), msg.get("intent_ranking")) == before


def test_an_empty_text_is_unchanged_and_gets_no_language(net: PatternSafeguards) -> None:
    msg = message("")
    net.process([msg])
    assert msg.get("intent") == {"name": "faq_side_effects", "confidence": 0.81}
    assert msg.get("language") is None


@pytest.mark.parametrize("text", ["/emergency", "/faq_side_effects", '/inform{"x": "I can\'t breathe"}',
                                  '/inform{"x": "je veux mourir"}', "/greet"])
def test_payloads_are_left_alone(net: PatternSafeguards, text: str) -> None:
    msg = message(text, intent="faq_side_effects")
    net.process([msg])
    assert msg.get("intent") == {"name": "faq_side_effects", "confidence": 0.81}
    assert msg.get("intent_ranking")[0]["name"] == "faq_side_effects"
    assert msg.get("language") is None


def test_message_without_text_is_unchanged(net: PatternSafeguards) -> None:
    msg = message(None, intent="greet")
    net.process([msg])
    assert msg.get("intent")["name"] == "greet"


def test_batch_changes_only_what_a_safeguard_catches(net: PatternSafeguards) -> None:
    msgs = [message("hi", intent="greet"), message("I'm having a severe allergic reaction", intent="faq_side_effects"),
            message("what does it cost?", intent="out_of_scope"), message("je veux mourir", intent="greet"),
            message("Botox pour migraines?", intent="faq_conditions")]
    out = net.process(msgs)
    assert [m.get("intent")["name"] for m in out] == ["greet", "emergency", "out_of_scope", "crisis", "faq_conditions"]
    assert [m.get("language") for m in out] == ["en", "en", "en", "fr", "fr"]


def test_configured_intent_names() -> None:
    custom = PatternSafeguards({"intent": "urgent", "crisis_intent": "distress",
                                "after_treatment_intent": "treated", "other_language_intent": "foreign",
                                "switch_language_intent": "lang"})
    texts = ["I can't swallow", "I want to kill myself", "my eyelid droops since the shots", "hola, ¿cuánto cuesta?",
             "en français svp"]
    msgs = [message(t) for t in texts]
    custom.process(msgs)
    assert [m.get("intent")["name"] for m in msgs] == ["urgent", "distress", "treated", "foreign", "lang"]


def test_default_config_and_a_config_from_before_the_other_safeguards() -> None:
    assert PatternSafeguards.get_default_config() == {
        "intent": "emergency", "crisis_intent": "crisis",
        "after_treatment_intent": "after_treatment", "other_language_intent": "other_language",
        "switch_language_intent": "switch_language", "own_case_intent": "own_case",
        "fallback_threshold": 0.35, "ambiguity_threshold": 0.1,
    }
    # A model trained with the first version stored only {"intent": "emergency"}.
    old = PatternSafeguards({"intent": "emergency"})
    msg = message("I want to die")
    old.process([msg])
    assert msg.get("intent")["name"] == "crisis"


def test_the_first_name_still_resolves_to_the_component() -> None:
    assert EmergencySafetyNet is PatternSafeguards


def test_config_names_the_component_right_after_the_fallback() -> None:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [step["name"] for step in pipeline]
    assert names[-1] == "bot.nlp.components.PatternSafeguards"
    assert names[-2] == "FallbackClassifier"


def test_training_data_passes_through(net: PatternSafeguards) -> None:
    data = TrainingData([Message(data={"text": "I can't breathe", "intent": "emergency"})])
    assert net.process_training_data(data) is data


# --------------------------------------------------------------------------- the order of priority

ORDER = [
    # (text, intent forced, language)
    ("I can't breathe and I want to die", "crisis", "en"),  # crisis before emergency
    ("I want to kill myself, my throat is closing", "crisis", "en"),
    ("je veux mourir, je n'arrive pas à respirer", "crisis", "fr"),
    ("since my injection I feel like ending it all", "crisis", "en"),  # crisis before after-treatment
    ("quiero morir", "crisis", "es"),  # crisis before other-language
    ("my eyelid droops since the shots and now I can't swallow", "emergency", "en"),  # emergency before after-treatment
    ("no puedo respirar", "emergency", "es"),  # emergency before other-language
    ("j'ai du mal à respirer depuis l'injection", "emergency", "fr"),
    ("se me hincha la garganta", "emergency", "es"),
    ("j'ai la paupière qui tombe depuis l'injection", "after_treatment", "fr"),  # after-treatment before language
    ("my left eye won't open all the way since the shots", "after_treatment", "en"),
    ("things look blurry since Tuesday's injection, should I worry?", "after_treatment", "en"),
    ("en français svp", "switch_language", "fr"),  # a request for a language and nothing else
    ("English please", "switch_language", "en"),
    ("¿Cuánto cuesta el botox?", "other_language", "es"),
    ("no tengo problemas para respirar", "other_language", "es"),  # a denial: not an emergency, still Spanish
    ("Hallo, hilft Botox auch gegen Kopfschmerzen?", "other_language", "de"),
    ("Buongiorno, vorrei prenotare una visita per il bruxismo", "other_language", "it"),
    ("Olá, vocês tratam bruxismo com botox?", "other_language", "pt"),
    ("Czy botoks pomaga na zgrzytanie zębami?", "other_language", "pl"),
    ("هل البوتوكس آمن؟", "other_language", "xx"),
]


@pytest.mark.parametrize("text,intent,language", ORDER)
def test_order_of_priority(net: PatternSafeguards, text: str, intent: str, language: str) -> None:
    out = forced(net, text, intent="affirm")
    assert out.get("intent") == {"name": intent, "confidence": 1.0}
    assert out.get("intent_ranking")[0] == {"name": intent, "confidence": 1.0}
    assert out.get("language") == language


@pytest.mark.parametrize("text,language", [("wut does it do", "en"), ("sde efects?", ""), ("r u a bot", "en"),
                                           ("thanks, merci", "en"), ("tmj?", "")])
def test_english_and_unsure_messages_keep_the_classifiers_intent(net: PatternSafeguards, text: str, language: str) -> None:
    out = forced(net, text, intent="faq_side_effects")
    assert out.get("intent") == {"name": "faq_side_effects", "confidence": 0.81}
    assert out.get("language") == language


def test_a_spanish_no_is_never_an_english_no(net: PatternSafeguards) -> None:
    out = forced(net, "no sé si es para mí", intent="deny")
    assert out.get("intent")["name"] == "other_language"
    assert [r["name"] for r in out.get("intent_ranking")][:2] == ["other_language", "deny"]


@pytest.mark.parametrize("text", ["sde efects?", "r u a bot", "Jean-François Côté", "c'est quoi le botox"])
def test_the_classifiers_other_language_is_kept_only_for_spanish(net: PatternSafeguards, text: str) -> None:
    ranking = [{"name": "other_language", "confidence": 0.6}, {"name": "faq_side_effects", "confidence": 0.3},
               {"name": "nlu_fallback", "confidence": 0.45}]
    msg = message(text, intent="other_language", confidence=0.6, ranking=ranking)
    net.process([msg])
    assert msg.get("intent") == {"name": "nlu_fallback", "confidence": 0.6}
    assert [r["name"] for r in msg.get("intent_ranking")] == ["nlu_fallback", "faq_side_effects"]


@pytest.mark.parametrize("text,intent,language", [
    ("Botox pour migraines?", "faq_conditions", "fr"), ("merci!", "thanks", "fr"), ("bonjour", "greet", "fr"),
    ("je n'ai pas de difficulté à respirer", "faq_safety_overview", "fr"),  # a denial: no emergency
])
def test_french_is_answered_by_the_classifier(net: PatternSafeguards, text: str, intent: str, language: str) -> None:
    """The assistant speaks French: a French message keeps the classifier's reading."""
    out = forced(net, text, intent=intent)
    assert out.get("intent") == {"name": intent, "confidence": 0.81}
    assert out.get("language") == language and out.get("conversation_language") == "fr"


@pytest.mark.parametrize("text,wanted", [
    ("quels sont les effets secondaires", "fr"), ("what are the side effects", "en"), ("ok", ""), ("yes", ""),
    ("Anne Smith", ""), ("613 555 1234", ""), ("can we do this in french", "fr"), ("anglais svp", "en"),
    # One French-looking piece among more unknown words is no switch (a make-test canary answered
    # "asthma CANARY-…ca…" in an English screening, and the summary came back in French).
    ("asthma CANARY-83046e79cfcc4d4ca7ba3b9fec6d4a7f", ""), ("advil ibuprofen ca", ""), ("bonjour", "fr"),
    ("merci!", "fr"), ("efets secondaires?", "fr"),
])
def test_each_message_says_which_language_the_conversation_should_be_in(
        net: PatternSafeguards, text: str, wanted: str) -> None:
    assert forced(net, text, intent="affirm").get("conversation_language") == wanted


def test_a_switch_with_a_question_is_answered_not_just_switched(net: PatternSafeguards) -> None:
    out = forced(net, "parlez-vous français? c'est quoi les effets secondaires", intent="faq_side_effects")
    assert out.get("intent")["name"] == "faq_side_effects" and out.get("conversation_language") == "fr"


def test_the_classifiers_other_language_stands_for_spanish(net: PatternSafeguards) -> None:
    msg = message("qué es el botox", intent="other_language", confidence=0.7)
    net.process([msg])
    assert msg.get("intent") == {"name": "other_language", "confidence": 1.0}


# --------------------------------------------------------------------------- the domain and the rules


def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_every_forced_intent_is_in_the_domain() -> None:
    intents = set(domain()["intents"])
    assert {"crisis", "emergency", "after_treatment", "other_language"} <= intents


def test_rules_answer_crisis_and_other_language() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules" / "safety.yml").read_text(encoding="utf-8"))["rules"]
    steps = {tuple((s.get("intent") or s.get("action")) for s in r["steps"]) for r in rules}
    assert ("crisis", "utter_crisis") in steps
    assert ("other_language", "utter_other_language") in steps
    # Like the emergency rule, in any state; the screening pauses itself (data/rules/consultation.yml).
    for rule in rules:
        assert "condition" not in rule, rule["rule"]


def variations(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the default variation, the SMS one)."""
    all_ = domain()["responses"][name]
    (default,) = [v for v in all_ if not v.get("channel") and not v.get("condition")]
    (sms,) = [v for v in all_ if v.get("channel") == "sms" and not v.get("condition")]
    return default, sms


# Characters that make an SMS UCS-2 (REFERENCE.md): they must not appear in an SMS variation.
NOT_GSM7 = set("®—–“”‘’•…êâîôûçœëï")
CONTACT = "C" * 40  # the longest clinic contact the settings produce
TWO_GSM7_SEGMENTS = 306


@pytest.mark.parametrize("name", ["utter_crisis", "utter_other_language"])
def test_sms_variations_fit_two_gsm7_segments(name: str) -> None:
    _, sms = variations(name)
    text = sms["text"].replace("{clinic_contact}", CONTACT)
    assert not set(text) & NOT_GSM7, set(text) & NOT_GSM7
    assert len(text) <= TWO_GSM7_SEGMENTS, len(text)


@pytest.mark.parametrize("which", [0, 1])
def test_crisis_reply_gives_988_first_then_911_and_the_clinic(which: int) -> None:
    text = variations("utter_crisis")[which]["text"]
    assert text.index("988") < text.index("911")
    assert text.index("988") < 40  # the number first
    assert "call or text 988" in text
    assert "24/7" in text
    assert "{clinic_contact}" in text
    assert "matter" in text


@pytest.mark.parametrize("which", [0, 1])
def test_other_language_reply_is_in_three_languages_with_the_clinic_and_911(which: int) -> None:
    text = variations("utter_other_language")[which]["text"]
    assert "English" in text and "anglais" in text and "inglés" in text
    assert text.count("911") >= 2
    assert text.count("988") >= 2  # a crisis in another language still gets the helpline
    assert text.count("{clinic_contact}") >= 2


def test_the_classifiers_after_treatment_reading_of_a_question_gives_way_to_the_next_intent() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.components import PatternSafeguards

    component = PatternSafeguards(PatternSafeguards.get_default_config())
    question = Message({"text": "will I get a droopy eyelid after the shots?",
                        "intent": {"name": "after_treatment", "confidence": 0.8},
                        "intent_ranking": [{"name": "after_treatment", "confidence": 0.8},
                                           {"name": "faq_side_effects", "confidence": 0.15}]})
    report = Message({"text": "my eyelid is droopy since monday, is that normal?",
                      "intent": {"name": "after_treatment", "confidence": 0.8},
                      "intent_ranking": [{"name": "after_treatment", "confidence": 0.8},
                                         {"name": "faq_side_effects", "confidence": 0.15}]})
    component.process([question, report])
    assert question.get("intent")["name"] == "faq_side_effects"
    assert report.get("intent")["name"] == "after_treatment"


def test_the_classifiers_crisis_reading_of_a_french_message_stands() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.components import PatternSafeguards

    component = PatternSafeguards(PatternSafeguards.get_default_config())
    text = "c'est juste trop lourd tout ça, bonne nuit pour toujours"  # no pattern needed here
    urgent = Message({"text": text, "intent": {"name": "crisis", "confidence": 0.7},
                      "intent_ranking": [{"name": "crisis", "confidence": 0.7}]})
    question = Message({"text": "c'est combien pour une consultation ?", "intent": {"name": "out_of_scope", "confidence": 0.7},
                        "intent_ranking": [{"name": "out_of_scope", "confidence": 0.7}]})
    component.process([urgent, question])
    assert urgent.get("intent")["name"] == "crisis"
    assert question.get("intent")["name"] == "out_of_scope"  # French is answered, not "English only"


def test_unsure_with_crisis_among_the_two_best_readings_answers_the_crisis() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.components import PatternSafeguards

    def message(text: str, ranking: list[tuple[str, float]]) -> Message:
        entries = [{"name": n, "confidence": c} for n, c in ranking]
        return Message({"text": text, "intent": dict(entries[0]), "intent_ranking": entries})

    component = PatternSafeguards(PatternSafeguards.get_default_config())
    # Words the patterns don't know, with a word of the kind: the classifier's guess is taken.
    unsure = message("life feels heavy lately", [("nlu_fallback", 0.35), ("faq_motto", 0.3), ("crisis", 0.2)])
    chest = message("my chest feels odd", [("nlu_fallback", 0.35), ("emergency", 0.3), ("faq_motto", 0.2)])
    too_low = message("life feels heavy", [("nlu_fallback", 0.35), ("faq_motto", 0.3), ("crisis", 0.1)])
    third = message("my chest feels odd", [("nlu_fallback", 0.35), ("faq_motto", 0.3), ("greet", 0.25), ("emergency", 0.2)])
    # The emergency runner-up needs no word of alarm: an emergency the patterns miss may be worded any way.
    plain = message("some words the patterns don't know", [("nlu_fallback", 0.35), ("emergency", 0.3)])
    sure = message("what is the motto", [("faq_motto", 0.9), ("crisis", 0.2)])
    # Nothing alarming in it: an appointment question whose runner-up was "crisis" got the 988 message.
    appointment = message("I'm scheduled for my second treatment on Friday, will it be with Dr. Walters himself?",
                          [("nlu_fallback", 0.35), ("crisis", 0.34), ("own_case", 0.3)])
    component.process([unsure, chest, plain, too_low, third, sure, appointment])
    assert [m.get("intent")["name"] for m in (unsure, chest, plain)] == ["crisis", "emergency", "emergency"]
    assert [m.get("intent")["name"] for m in (too_low, third, sure, appointment)] == [
        "nlu_fallback", "nlu_fallback", "faq_motto", "nlu_fallback"]


@pytest.mark.parametrize("reading", ["emergency", "crisis"])
@pytest.mark.parametrize("text", [
    "je n'ai pas de difficulté à respirer, c'est quoi le botox?",
    "no trouble breathing or swallowing, just wondering about the side effects",
    "pas de gonflement ni de réaction, est-ce approuvé?",
])
def test_the_classifiers_urgent_reading_of_a_denied_symptom_gives_way(net: PatternSafeguards, text: str, reading: str) -> None:
    """The patterns read the denial; the classifier's 'emergency' alone would be a false 911 alarm, its
    'crisis' (no word of distress here) a false 988 message."""
    ranking = [{"name": reading, "confidence": 0.6}, {"name": "faq_what_is", "confidence": 0.3}]
    msg = message(text, intent=reading, confidence=0.6, ranking=ranking)
    net.process([msg])
    assert msg.get("intent")["name"] == "faq_what_is"
    # An unsure reading with emergency as runner-up does not raise it either.
    unsure = message(text, intent="nlu_fallback", confidence=0.4,
                     ranking=[{"name": "nlu_fallback", "confidence": 0.4}, {"name": "emergency", "confidence": 0.3}])
    net.process([unsure])
    assert unsure.get("intent")["name"] != "emergency"


def test_a_denial_beside_a_symptom_now_is_still_an_emergency(net: PatternSafeguards) -> None:
    msg = message("no chest pain but I can't breathe", intent="faq_side_effects", confidence=0.6)
    net.process([msg])
    assert msg.get("intent") == {"name": "emergency", "confidence": 1.0}


def test_a_crisis_reading_with_a_word_of_distress_stands_beside_a_denied_symptom(net: PatternSafeguards) -> None:
    ranking = [{"name": "crisis", "confidence": 0.6}, {"name": "faq_what_is", "confidence": 0.3}]
    msg = message("no trouble breathing, I just don't see the point of living like this", intent="crisis",
                  confidence=0.6, ranking=ranking)
    net.process([msg])
    assert msg.get("intent")["name"] == "crisis"


def test_a_crisis_runner_up_with_a_word_of_distress_wins_over_a_middling_reading() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.components import PatternSafeguards

    def message(text: str, ranking: list[tuple[str, float]]) -> Message:
        entries = [{"name": n, "confidence": c} for n, c in ranking]
        return Message({"text": text, "intent": dict(entries[0]), "intent_ranking": entries})

    component = PatternSafeguards(PatternSafeguards.get_default_config())
    middling = message("some days I'm just tired of all of it", [("continue_screening", 0.38), ("crisis", 0.19)])
    no_word = message("please carry on with the questions", [("continue_screening", 0.38), ("crisis", 0.19)])
    sure = message("some days I'm just tired of all of it", [("continue_screening", 0.7), ("crisis", 0.2)])
    emergency_next = message("my chest feels odd today", [("faq_side_effects", 0.4), ("emergency", 0.3)])
    component.process([middling, no_word, sure, emergency_next])
    assert middling.get("intent")["name"] == "crisis"
    # No word of distress, a sure reading, or an emergency runner-up (only the unsure rule covers it): as read.
    assert [m.get("intent")["name"] for m in (no_word, sure, emergency_next)] == [
        "continue_screening", "continue_screening", "faq_side_effects"]


def test_a_demoted_emergency_reading_never_promotes_the_crisis_one(net: PatternSafeguards) -> None:
    """'je n'ai pas de difficulté à respirer' read as emergency, crisis next at 0.0: the 988 message was the result."""
    ranking = [{"name": "emergency", "confidence": 0.9}, {"name": "crisis", "confidence": 0.0},
               {"name": "faq_not_cosmetic", "confidence": 0.0}]
    msg = message("je n'ai pas de difficulté à respirer, c'est esthétique?", intent="emergency", confidence=0.9,
                  ranking=ranking)
    net.process([msg])
    assert msg.get("intent")["name"] == "faq_not_cosmetic"


@pytest.mark.parametrize("text", [
    "will it make it hard to swallow? and when can i come in for a consult",
    "if i had an alergic reaction to it would my throat swell up? just wondering b4 i book",
])
def test_the_classifiers_emergency_reading_of_an_english_what_if_is_demoted(net: PatternSafeguards, text: str) -> None:
    """Development set 4: side-effect questions in so many what-if words got the 911 message."""
    ranking = [{"name": "emergency", "confidence": 0.8}, {"name": "faq_side_effects", "confidence": 0.15}]
    msg = message(text, intent="emergency", confidence=0.8, ranking=ranking)
    net.process([msg])
    assert msg.get("intent")["name"] == "faq_side_effects"


@pytest.mark.parametrize("text", [
    "throat tight??",  # a bare question is not a what-if
    "my throat is tight now, will it get worse?",  # happening now
    "since the shots my throat feels weird, could it be swelling?",
])
def test_the_classifiers_emergency_reading_stands_without_a_what_if(net: PatternSafeguards, text: str) -> None:
    ranking = [{"name": "emergency", "confidence": 0.8}, {"name": "faq_side_effects", "confidence": 0.15}]
    msg = message(text, intent="emergency", confidence=0.8, ranking=ranking)
    net.process([msg])
    assert msg.get("intent")["name"] == "emergency"


# --------------------------------------------------------------------------- red-team set (care_dev2)

@pytest.mark.parametrize("text", [
    "can botox make it hard to swallow?",
    "what if my throat swells after the injection?",
    "IS IT SAFE?? I READ IT CAN MAKE YOU STOP BREATHING",
])
def test_an_emergency_reading_of_a_what_if_is_answered_with_the_side_effects(net: PatternSafeguards, text: str) -> None:
    """The classifier's emergency reading set aside, its runners-up were guesses near zero: the
    page's side effects (an allergic reaction, spread of toxin effects) answer a what-if."""
    ranking = [{"name": "emergency", "confidence": 0.95}, {"name": "faq_safety_medical_conditions", "confidence": 0.02},
               {"name": "faq_ingredient", "confidence": 0.01}]
    (msg,) = net.process([message(text, intent="emergency", confidence=0.95, ranking=ranking)])
    assert msg.get("intent")["name"] == "faq_side_effects"


def test_a_sure_runner_up_answers_a_what_if_instead(net: PatternSafeguards) -> None:
    ranking = [{"name": "emergency", "confidence": 0.5}, {"name": "faq_dr_training", "confidence": 0.45}]
    text = "what if I had a reaction, is Dr Walters trained for that?"
    (msg,) = net.process([message(text, intent="emergency", confidence=0.5, ranking=ranking)])
    assert msg.get("intent")["name"] == "faq_dr_training"


@pytest.mark.parametrize("text", [
    "Previous allergic reactions: yes - anaphylaxis to shellfish in 2015\nCurrent medications: none",
    "My mom had anaphylaxis to bee stings decades ago — is that something I should tell you before treatment?",
])
def test_an_emergency_reading_of_history_gives_way(net: PatternSafeguards, text: str) -> None:
    assert reading_after(net, text, ("emergency", 0.9), ("faq_safety_medical_conditions", 0.08)) == "faq_safety_medical_conditions"


def test_an_emergency_reading_with_something_now_beside_the_history_stands(net: PatternSafeguards) -> None:
    text = "I had anaphylaxis years ago and my lips feel weird"
    assert reading_after(net, text, ("emergency", 0.9), ("faq_side_effects", 0.08)) == "emergency"


# --------------------------------------------------------------------------- development set 6 (stop 24)


@pytest.mark.parametrize("reading", ["crisis", "emergency"])
def test_an_urgent_reading_of_a_language_the_classifier_never_learnt_gives_the_multilingual_reply(
        net: PatternSafeguards, reading: str) -> None:
    # "Ist die Behandlung sicher?" was read as crisis on the English "die"; the reply it gets instead
    # gives 911 and 988 in three languages.
    (out,) = net.process([message("Ist die Behandlung sicher?", intent=reading, confidence=0.9)])
    assert out.get("intent")["name"] == "other_language"


def test_a_spanish_emergency_reading_stands_without_a_word_of_alarm(net: PatternSafeguards) -> None:
    # Tried at stop 24 and taken back: setting such a reading aside ("¿duele mucho la inyección?" got the
    # 911 message) lost an emergency of the blind care set that only the classifier catches.
    (out,) = net.process([message("hola, ¿duele mucho la inyección?", intent="emergency", confidence=0.9)])
    assert out.get("intent")["name"] == "emergency"


@pytest.mark.parametrize("reading", ["out_of_scope", "nlu_fallback"])
@pytest.mark.parametrize("text", ["does it hurt?", "IS IT PAINFUL", "how sore will i b after"])
def test_does_it_hurt_is_the_pages_injection_site_discomfort(net: PatternSafeguards, text: str, reading: str) -> None:
    (out,) = net.process([message(text, intent=reading, confidence=0.9)])
    assert out.get("intent") == {"name": "faq_side_effects", "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in out.get("entities")] == [("side_effect", "injection site pain")]


def test_a_question_the_page_does_not_answer_stays_out_of_scope(net: PatternSafeguards) -> None:
    (out,) = net.process([message("how much does it cost?", intent="out_of_scope", confidence=0.9)])
    assert out.get("intent")["name"] == "out_of_scope"


def test_an_emergency_reading_of_an_idiom_gives_way(net: PatternSafeguards) -> None:
    text = "my jaw pain literally takes my breath away 😂 anyway"
    assert reading_after(net, text, ("emergency", 0.7), ("faq_conditions", 0.2)) == "faq_conditions"


@pytest.mark.parametrize(("text", "left"), [
    # "I had a seizure once as a kid, none since" is history, not a symptom after treatment (development set 7).
    ("I had a seizure once as a kid, none since. Is that something I should mention?", "own_case"),
    ("my eyelid has been drooping since the injection on monday", "after_treatment"),
])
def test_an_after_treatment_reading_of_history_only_gives_way(net: PatternSafeguards, text: str, left: str) -> None:
    assert reading_after(net, text, ("after_treatment", 0.67), ("own_case", 0.28)) == left
