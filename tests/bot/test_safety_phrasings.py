"""The pattern safeguards over the dev set tests/bot/safety_phrasings.yml, one test per line.

Each crisis line is a crisis and each emergency line an emergency (and not a crisis) for
bot.nlp.safety and for the NLU component, whatever the classifier guessed (here an English "no",
the worst guess for "no puedo respirar"); no negative line is either. French and Spanish lines are
read as French and Spanish, and a Spanish message is never taken for an English "no".
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.components import PatternSafeguards
from bot.nlp.language import detect_language
from bot.nlp.safety import describes_symptom_after_treatment, is_crisis, is_emergency, may_be_crisis
from bot.settings import ROOT

DEV_SET = ROOT / "tests" / "bot" / "safety_phrasings.yml"
LANGUAGES = ("en", "fr", "es")
NEGATIVE_KINDS = ("negated", "idiom", "question", "mild_after_treatment", "screening_answer")


def load() -> dict[str, Any]:
    return yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))


def lines(group: str) -> list[tuple[str, str, str]]:
    """(kind, language, text) for every line of a group; a negative line's kind is its subgroup."""
    data = load()[group]
    kinds = data.items() if group == "negative" else [(group, data)]
    return [(kind, lang, text) for kind, by_lang in kinds for lang, texts in by_lang.items() for text in texts]


def params(group: str) -> list[Any]:
    return [pytest.param(lang, text, id=f"{kind}-{lang}-{text[:50]}") for kind, lang, text in lines(group)]


def forced(text: str) -> str:
    """The intent the component leaves for `text` when the classifier read it as an English "no"."""
    msg = Message(data={"text": text, "intent": {"name": "deny", "confidence": 0.9},
                        "intent_ranking": [{"name": "deny", "confidence": 0.9}]})
    PatternSafeguards(PatternSafeguards.get_default_config()).process([msg])
    return msg.get("intent")["name"]


# --------------------------------------------------------------------------- the set itself


def test_the_set_is_big_enough_in_every_group_and_language() -> None:
    data = load()
    assert set(data) == {"crisis", "emergency", "negative"}
    assert set(data["negative"]) == set(NEGATIVE_KINDS)
    for group in ("crisis", "emergency", "negative"):
        assert len(lines(group)) >= 150, group
        assert {lang for _, lang, _ in lines(group)} == set(LANGUAGES), group
    for kind in NEGATIVE_KINDS:
        assert set(data["negative"][kind]) == set(LANGUAGES), kind


def test_no_line_is_in_two_groups_or_twice() -> None:
    texts = [text for group in ("crisis", "emergency", "negative") for _, _, text in lines(group)]
    assert len(texts) == len(set(texts))
    assert all(isinstance(text, str) and text.strip() for text in texts)


# --------------------------------------------------------------------------- every line


@pytest.mark.parametrize("lang,text", params("crisis"))
def test_crisis(lang: str, text: str) -> None:
    assert is_crisis(text)
    assert forced(text) == "crisis"


@pytest.mark.parametrize("text", [text for _, lang, text in lines("crisis") if lang == "en"])
def test_every_english_crisis_line_has_a_word_of_distress(text: str) -> None:
    # An English classifier reading of "crisis" is taken only with such a word (may_be_crisis):
    # none of the phrasings the patterns know may be refused by that gate.
    assert may_be_crisis(text)


@pytest.mark.parametrize("lang,text", params("emergency"))
def test_emergency(lang: str, text: str) -> None:
    assert is_emergency(text)
    assert not is_crisis(text)
    assert forced(text) == "emergency"


@pytest.mark.parametrize("lang,text", params("negative"))
def test_negative(lang: str, text: str) -> None:
    assert not is_crisis(text)
    assert not is_emergency(text)
    assert forced(text) not in ("crisis", "emergency")


MILD_FRENCH_AND_ENGLISH = [p for p in params("negative") if p.id.startswith("mild_after_treatment-") and p.values[0] in ("en", "fr")]


@pytest.mark.parametrize("lang,text", MILD_FRENCH_AND_ENGLISH)
def test_mild_symptoms_after_treatment_take_the_after_treatment_path(lang: str, text: str) -> None:
    # Read in English and French only: Spanish is not answered.
    assert describes_symptom_after_treatment(text)


FOREIGN = [p for group in ("crisis", "emergency", "negative") for p in params(group) if p.values[0] != "en"]


@pytest.mark.parametrize("lang,text", FOREIGN)
def test_french_and_spanish_lines_are_read_as_french_and_spanish(lang: str, text: str) -> None:
    assert detect_language(text) == lang
    if lang == "es":
        # Spanish is not answered: never left to the classifier's English "no" — a safeguard, the
        # after-treatment path or the other-language reply. (French is answered since issue 14: the
        # classifier has French examples, and "pas de faiblesse au visage" may well be a French no.)
        assert forced(text) != "deny"


# --------------------------------------------------------------------------- both at once: crisis wins


def pairs() -> list[Any]:
    crisis = {lang: [t for _, lg, t in lines("crisis") if lg == lang] for lang in LANGUAGES}
    emergency = {lang: [t for _, lg, t in lines("emergency") if lg == lang] for lang in LANGUAGES}
    return [pytest.param(e, c, id=f"{lang}-{i}") for lang in LANGUAGES
            for i, (e, c) in enumerate(zip(emergency[lang][::9], crisis[lang][::9], strict=False))]


@pytest.mark.parametrize("emergency,crisis", pairs())
def test_a_message_with_both_gets_the_crisis_reply(emergency: str, crisis: str) -> None:
    for text in (f"{emergency}. {crisis}", f"{crisis} and {emergency}"):
        assert is_emergency(text) and is_crisis(text), text
        assert forced(text) == "crisis", text
