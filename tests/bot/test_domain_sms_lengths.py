"""Every response the bot can send over SMS fits two segments (320 characters); none exceeds 1600.

For each response, the variation SMS uses is checked: the `channel: sms` one if there is one, else
the default. Buttons are rendered as the channel renders them ("Reply 1 for Yes, 2 for No").
Placeholders get the longest plausible value. The screening summary (`utter_consultation_summary`)
repeats the patient's own answers, whose length the bot does not control: its template is checked
without values (placeholders empty), and the channel splits the filled text if it passes 1600.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from actions.screening import CONTACT_METHOD_WORDS
from bot.channels.sms import MAX_SMS_CHARS, render_messages
from bot.nlp.vocabulary import CONDITIONS, SIDE_EFFECTS
from bot.settings import ROOT

SMS_LIMIT = 320  # two segments, Twilio's recommended most
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SUMMARY = "utter_consultation_summary"

LONGEST: dict[str, str] = {
    "condition": max((t.canonical for t in CONDITIONS), key=len),
    "side_effect": max((t.canonical for t in SIDE_EFFECTS), key=len),
    "clinic_contact": "C" * 40,  # "Metropolitan Dental at 613-555-0100" is 35
    "full_name": "N" * 80,  # the longest name parse_full_name accepts
    "contact_method": max(CONTACT_METHOD_WORDS.values(), key=len),
    "digits": "999",
}


def domain_responses() -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def sms_variations() -> list[tuple[str, dict[str, Any]]]:
    """(response name, variation) for every variation SMS can pick."""
    picked = []
    for name, variations in domain_responses().items():
        sms = [v for v in variations if v.get("channel") == "sms"]
        default = [v for v in variations if not v.get("channel")]
        picked += [(name, v) for v in (sms or default)]
    return picked


def fill(name: str, text: str) -> str:
    if name == SUMMARY:
        return PLACEHOLDER.sub("", text)
    unknown = set(PLACEHOLDER.findall(text)) - set(LONGEST)
    assert not unknown, f"{name}: add the longest plausible value of {sorted(unknown)} to LONGEST"
    return PLACEHOLDER.sub(lambda m: LONGEST[m.group(1)], text)


def rendered(name: str, variation: dict[str, Any]) -> str:
    return fill(name, "\n".join(render_messages([variation])))


VARIATIONS = sms_variations()


@pytest.mark.parametrize("name,variation", VARIATIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(VARIATIONS)])
def test_every_sms_response_fits_two_segments(name: str, variation: dict[str, Any]):
    text = rendered(name, variation)
    assert len(text) <= SMS_LIMIT, f"{name} is {len(text)} characters over SMS: add a `channel: sms` variation"


def test_every_response_variation_is_under_twilios_limit():
    for name, variations in domain_responses().items():
        for variation in variations:
            assert len(rendered(name, variation)) <= MAX_SMS_CHARS, name


def test_the_walk_covers_every_response_and_the_sms_variations():
    names = {name for name, _ in VARIATIONS}
    assert names == set(domain_responses())
    assert any(v.get("channel") == "sms" for _, v in VARIATIONS)


def test_many_buttons_are_free_text_over_sms():
    """utter_ask_which_change has 12 buttons on the web; its SMS variation asks for a name instead."""
    (variation,) = [v for n, v in VARIATIONS if n == "utter_ask_which_change"]
    assert not variation.get("buttons")
