"""Every reply in French: each English variation of every response has its French twin.

A French variation is the English one's copy with `condition: language = fr`: the same channel, the
same placeholders (the actions fill them by name), the same button payloads (the forms and rules
read the payloads, not the titles). A new English response without French fails here. Which
variation Rasa sends is checked with Rasa's own filter (rasa.core.nlg.generator).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from rasa.core.nlg.generator import ResponseVariationFilter

from bot.nlp.language import FRENCH_CONDITION, is_french_variation
from bot.settings import ROOT

FR = FRENCH_CONDITION
PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")  # as rasa.core.nlg.interpolator finds them


def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


RESPONSES: dict[str, list[dict[str, Any]]] = domain()["responses"]


def english(variations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in variations if not v.get("condition")]


def french(variations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in variations if is_french_variation(v)]


def shape(variation: dict[str, Any]) -> tuple[Any, ...]:
    """What the French copy must keep: channel, placeholders (text and titles), button payloads."""
    words = [variation.get("text") or ""] + [b.get("title") or "" for b in variation.get("buttons") or []]
    return (
        variation.get("channel"),
        frozenset(name for word in words for name in PLACEHOLDER.findall(word)),
        tuple(b.get("payload") for b in variation.get("buttons") or []),
    )


def test_the_language_slot_is_in_the_domain_and_not_featurized():
    slot = domain()["slots"]["language"]
    assert slot["type"] == "text" and slot["influence_conversation"] is False


@pytest.mark.parametrize("name", list(RESPONSES))
def test_every_english_variation_has_a_french_one(name: str):
    variations = RESPONSES[name]
    missing = [shape(v) for v in english(variations) if shape(v) not in {shape(f) for f in french(variations)}]
    assert missing == [], (
        f"{name}: add a French variation (condition: [{{type: slot, name: language, value: fr}}]) beside each "
        f"English one, with the same channel, placeholders and button payloads; missing {missing}"
    )


@pytest.mark.parametrize("name", list(RESPONSES))
def test_french_variations_are_french_only_and_never_the_english_text(name: str):
    variations = RESPONSES[name]
    for variation in french(variations):
        assert variation["condition"] == [FR], f"{name}: a French variation's only condition is the language"
        # Beyond the English channels, French may add an SMS wording of its own (accents cost segments).
        assert variation.get("channel") in {None, "sms"}
    texts = {v.get("text") for v in english(variations)}
    assert not [v for v in french(variations) if v.get("text") in texts], f"{name}: French text is the English one"


def picked(name: str, channel: str, language: Any) -> list[dict[str, Any]]:
    return ResponseVariationFilter(RESPONSES).responses_for_utter_action(name, channel, {"language": language})


@pytest.mark.parametrize("name", list(RESPONSES))
def test_rasa_sends_french_to_a_french_patient_on_every_channel(name: str):
    for channel in ("sms", "socketio", "rest"):
        variations = picked(name, channel, "fr")
        assert variations and all(is_french_variation(v) for v in variations), f"{name} over {channel}"
        has_own = any(v.get("channel") == channel for v in french(RESPONSES[name]))
        assert all(v.get("channel") == (channel if has_own else None) for v in variations), f"{name} over {channel}"


@pytest.mark.parametrize("name", list(RESPONSES))
def test_rasa_sends_english_when_the_language_is_english_or_unset(name: str):
    for language in ("en", None, ""):
        for channel in ("sms", "socketio"):
            variations = picked(name, channel, language)
            assert variations and not any(is_french_variation(v) for v in variations), f"{name} {channel} {language!r}"


def test_an_english_sms_variation_without_a_french_one_would_reach_a_french_texter():
    """Why the SMS twins matter: Rasa ranks the English `channel: sms` text above a French default."""
    responses = {"utter_x": [{"text": "en"}, {"channel": "sms", "text": "en sms"}, {"condition": [FR], "text": "fr"}]}
    (variation,) = ResponseVariationFilter(responses).responses_for_utter_action("utter_x", "sms", {"language": "fr"})
    assert variation["text"] == "en sms"


def test_a_missing_french_variation_is_caught():
    variations = [{"text": "Hi {clinic_contact}", "buttons": [{"title": "Yes", "payload": "Yes"}]},
                  {"condition": [FR], "text": "Bonjour", "buttons": [{"title": "Oui", "payload": "Oui"}]}]
    assert shape(variations[0]) != shape(variations[1])
