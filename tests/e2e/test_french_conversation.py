"""A French-speaking patient end to end over REST (issue 14): answers, a whole screening and the
summary in French, the request stored with the conversation's language, a switch back to English.

Each reply is checked against the French variation of the response it should be (the domain packed
in the model), so a reply in English, or the wrong reply in French, fails.
"""

from __future__ import annotations

import uuid

import pytest

from tests.blind.judge import Responses
from tests.e2e.helpers import requests_for, say

pytestmark = pytest.mark.e2e

# (what the patient types, the response the reply must be, in French) for a whole screening.
SCREENING = [
    ("bonjour", "utter_greet"),
    ("je voudrais prendre rendez-vous pour une consultation", "utter_ask_consent_given"),
    ("oui", "utter_ask_reason"),
    ("douleur à la mâchoire parce que je serre les dents", "utter_ask_medications"),
    ("je prends des advil des fois", "utter_ask_surgery"),
    ("non", "utter_ask_facial_weakness"),
    ("non", "utter_ask_nerve_condition"),
    ("non", "utter_ask_pregnancy"),
    ("non", "utter_ask_other_conditions"),
    ("aucune", "utter_ask_full_name"),
    ("Benoît Côté", "utter_ask_phone"),
    ("613 722 1234", "utter_ask_email"),
    ("passer", "utter_ask_contact_method"),
    ("par texto", "utter_ask_contact_time"),
    ("en semaine le matin", "utter_consultation_summary"),
]


@pytest.fixture(scope="module")
def responses(running_bot) -> Responses:
    from bot.run import MODEL

    return Responses.from_model(MODEL)


def sender() -> str:
    return f"fr-{uuid.uuid4().hex[:10]}"


def french(responses: Responses, replies: list[dict], name: str) -> bool:
    return any(responses.matches(str(r.get("text") or ""), [name], "fr") for r in replies)


def test_a_whole_screening_in_french_is_stored_with_its_language(running_bot, responses: Responses) -> None:
    patient = sender()
    for text, expected in SCREENING:
        replies = say(running_bot.rest_url, patient, text)
        assert french(responses, replies, expected), (text, expected, [r.get("text") for r in replies])
    summary = " ".join(str(r.get("text")) for r in say(running_bot.rest_url, patient, "je voudrais corriger le nom")
                       if r.get("text"))
    assert summary  # asked which answer or for the name, in French
    say(running_bot.rest_url, patient, "Benoît Côté")
    replies = say(running_bot.rest_url, patient, "oui")
    assert french(responses, replies, "utter_consultation_sent"), \
        [r.get("text") for r in replies]
    (row,) = requests_for(running_bot.settings.database_url, patient)
    assert row["language"] == "fr"
    assert (row["full_name"], row["phone"], row["contact_method"]) == ("Benoît Côté", "+16137221234", "text message")
    assert row["answers"]["surgery"] == "no" and row["answers"]["medications"] == "je prends des advil des fois"


def test_the_summary_shows_the_stored_codes_in_french(running_bot, responses: Responses) -> None:
    patient = sender()
    replies: list[dict] = []
    for text, _ in SCREENING:
        replies = say(running_bot.rest_url, patient, text)
    summary = " ".join(str(r.get("text")) for r in replies)
    assert "texto" in summary and "non fourni" in summary and "Benoît Côté" in summary
    assert "text message" not in summary and "not given" not in summary


def test_english_please_switches_back_and_the_next_answer_is_english(running_bot, responses: Responses) -> None:
    patient = sender()
    assert french(responses, say(running_bot.rest_url, patient, "quels sont les effets secondaires?"),
                  "utter_faq_side_effects")
    switched = say(running_bot.rest_url, patient, "English please")
    assert any(responses.matches(str(r.get("text")), ["utter_language_switched"]) for r in switched)
    assert not french(responses, switched, "utter_language_switched")
    answer = say(running_bot.rest_url, patient, "who is dr walters?")
    assert any(responses.matches(str(r.get("text")), ["utter_faq_dr_experience", "utter_faq_dr_training"])
               for r in answer)
    assert not french(responses, answer, "utter_faq_dr_experience")


def test_a_french_emergency_and_crisis_are_answered_in_french_at_once(running_bot, responses: Responses) -> None:
    assert french(responses, say(running_bot.rest_url, sender(), "je n'arrive plus à respirer, ma gorge enfle"),
                  "utter_emergency")
    crisis = say(running_bot.rest_url, sender(), "je pense à me suicider")
    assert french(responses, crisis, "utter_crisis") and "988" in " ".join(str(r.get("text")) for r in crisis)
