"""The summary in a French conversation: stored codes ("yes — …", "not given") shown in French."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import ActionAskConfirmed, shown_value, summary_values

ANSWERS = {"reason": "mal à la mâchoire", "medications": "none", "surgery": "yes — une chirurgie en 2019",
           "facial_weakness": "no", "nerve_condition": "unsure — je ne me souviens pas", "pregnancy": "no",
           "other_conditions": "none", "full_name": "Benoît Côté", "phone": "+16135550100", "email": "not given",
           "contact_method": "text message", "contact_time": "le matin"}


def tracker(language: Any) -> Tracker:
    return Tracker("p", {**ANSWERS, "language": language}, latest_message={}, events=[], paused=False,
                   followup_action=None, active_loop={"name": "consultation_form"}, latest_action_name=None)


@pytest.mark.parametrize("value,shown", [
    ("yes", "oui"), ("no", "non"), ("none", "aucun"), ("not given", "non fourni"), ("text message", "texto"),
    ("yes — une chirurgie en 2019", "oui — une chirurgie en 2019"), ("unsure — jsp", "je ne sais pas — jsp"),
    ("nothing new", "nothing new"), ("nonono", "nonono"), (None, None),
])
def test_codes_are_shown_in_french_and_typed_words_as_typed(value, shown) -> None:
    assert shown_value(value, "fr") == shown
    assert shown_value(value, "en") == value


@pytest.mark.asyncio
async def test_the_french_summary_gets_french_codes_and_the_english_one_the_slots() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, tracker("fr"), {})
    (message,) = dispatcher.messages
    assert message["response"] == "utter_consultation_summary"
    assert (message["surgery"], message["email"], message["contact_method"], message["full_name"]) == (
        "oui — une chirurgie en 2019", "non fourni", "texto", "Benoît Côté")
    english = CollectingDispatcher()
    await ActionAskConfirmed().run(english, tracker(None), {})
    assert "surgery" not in english.messages[0]  # Rasa fills the template from the slots themselves
    assert summary_values(tracker("en")) == {}
