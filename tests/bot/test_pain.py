"""bot.nlp.pain: whether a patient asks if the injections hurt (the page's injection-site discomfort)."""

from __future__ import annotations

import pytest

from bot.nlp.pain import INJECTION_SITE_PAIN, asks_about_injection_pain
from bot.nlp.vocabulary import SIDE_EFFECT, canonical

ASKS = [
    "does it hurt?", "Does it hurt?", "IS IT PAINFUL", "is it painful?", "how sore will i b after",
    "is the needle painfull", "How much does the injection hurt?", "does the needle hurt going in", "do the shots hurt 😬",
    "does it work and does it hurt", "how sore after and can i go to work", "Does the needle hurt and is there any downtime?",
    "will it be sore after", "how painful is it", "needles painful?", "are the injections painful",
    "is getting the injections painful?", "how bad does it hurt",
]
DOES_NOT_ASK = [
    "my jaw hurts, can botox help?", "can botox hurt my baby", "does it help when my teeth hurt", "my head hurts all the time",
    "is it safe", "how long does it last", "is it bad for pregnant women", "is it bad?", "what are the side effects",
    "", None,
]


@pytest.mark.parametrize("text", ASKS)
def test_asks_if_the_injections_hurt(text: str) -> None:
    assert asks_about_injection_pain(text)


@pytest.mark.parametrize("text", DOES_NOT_ASK)
def test_pain_that_is_not_the_injections(text: str) -> None:
    assert not asks_about_injection_pain(text)


def test_the_side_effect_it_names_is_the_pages_own() -> None:
    assert canonical(SIDE_EFFECT, INJECTION_SITE_PAIN) == "minor and temporary discomfort or pain at the injection site"
