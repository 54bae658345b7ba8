"""What every SMS answer costs, in carrier segments counted with the real encoding.

For each response, every variation the SMS channel can pick is rendered as the channel sends it:
placeholders filled the way Rasa fills them (rasa.core.nlg.interpolator) with realistic worst-case
values, buttons as numbered options (bot.channels.sms.render_messages). Its segments are counted
with bot.sms_text: GSM-7 (160, then 153 a segment) unless one character forces UCS-2 (70, then 67).

Budgets: two segments for every answer, three for the screening summary (it reads the patient's
answers back), one for the HELP reply (carrier rules: 160 characters, with a phone number).
The table of every count is printed in the run's summary (tests/conftest.py `report`).

French (the variations with `condition: language = fr`, what Rasa picks for a French patient over
SMS): held to the English budgets (issue 15: two segments each, three for the summary, one for
AIDE), counted in their real encoding (ê, â, ô, ç... make a text UCS-2, 67 characters a segment),
with the button line as a French reply would read ("Répondez 1 pour ...") and the clinic's contact
as settings give it (one wording for both languages); AIDE's reply in one 160-character text.
The English tables and tests below are about the English variations only.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.nlg.interpolator import interpolate

from actions.screening import CONTACT_METHOD_WORDS
from bot.channels.sms import MAX_SMS_CHARS, render_messages
from bot.nlp.language import is_french_variation
from bot.nlp.vocabulary import CONDITIONS, SIDE_EFFECTS, UNLISTED
from bot.settings import ROOT, Settings
from bot.sms_text import GSM7, SmsSize, is_gsm7, non_gsm7_characters, sms_size

SUMMARY = "utter_consultation_summary"
HELP = "utter_sms_help"
BUDGET = {SUMMARY: 3, HELP: 1}
DEFAULT_BUDGET = 2
HELP_MAX_CHARS = 160

# A phone number in the longest form an operator might write it: the contact is 40 characters.
WORST_SETTINGS = Settings(clinic_name="Metropolitan Dental", clinic_phone="+1 (613) 555-0100")

# Values the bot itself puts in (the clinic's contact, its own vocabulary and words): the longest.
VALUES: dict[str, str] = {
    "clinic_contact": WORST_SETTINGS.clinic_contact,
    "condition": max((t.canonical for t in CONDITIONS), key=len),
    "side_effect": max((t.canonical for t in SIDE_EFFECTS), key=len),
    "mention": max((t.canonical for t in UNLISTED), key=len),  # a term the page doesn't name
    "contact_method": max(CONTACT_METHOD_WORDS.values(), key=len),
    "digits": "15",  # "That number has 15 digits": a pasted number with an extension
    "full_name": "Marie-Christine Vanderhoeven-Montgomery",  # 39 characters
    "step": "12",  # "We're on question 12 of 12" (actions/screening.py, the form's reminder)
    "steps": "12",
    # Booking texts (bot/booking_texts.py): the clinic's name and the longest date and time.
    "clinic_name": WORST_SETTINGS.clinic_name,
    "appointment_date": "Wednesday, September 30",
    "appointment_time": "12:45 PM",
}

# The summary reads back what the patient typed, as the form's validators keep it: long answers of
# the kind patients send from a phone, with a parser detail ("yes — ...") and a curly apostrophe.
SUMMARY_VALUES: dict[str, str] = {
    **VALUES,
    "reason": "migraines 3 or 4 times a week and jaw pain from clenching at night",
    "medications": "sumatriptan 50 mg when needed, propranolol 40 mg, ibuprofen",
    "surgery": "yes — jaw surgery in 2019",
    "facial_weakness": "no",
    "nerve_condition": "no",
    "pregnancy": "no",
    "other_conditions": "asthma, high blood pressure",
    "phone": "+16137221234",
    "email": "marie-christine.vanderhoeven@example.com",
    "contact_method": "text message",
    "contact_time": "weekday mornings before 10, or after 5 on Friday’s",
}


def domain_responses() -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def english_variations(variations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The variations without a language condition (what an English patient gets)."""
    return [v for v in variations if not is_french_variation(v)]


def sms_candidates(variations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every variation Rasa's ResponseVariationFilter can pick for the `sms` channel, whatever the slots.

    Rasa takes a matching conditional `sms` variation first, then an unconditional `sms` one, then
    a matching conditional one without a channel, then the defaults.
    """
    sms = [v for v in variations if v.get("channel") == "sms"]
    sms_conditional = [v for v in sms if v.get("condition")]
    sms_default = [v for v in sms if not v.get("condition")]
    without_channel = [v for v in variations if not v.get("channel")]
    return sms_conditional + (sms_default or without_channel)


def sms_variations() -> list[tuple[str, int, dict[str, Any]]]:
    """(response name, index of the variation in domain.yml, variation) for everything SMS can send."""
    picked = []
    for name, variations in domain_responses().items():
        candidates = sms_candidates(english_variations(variations))
        picked += [(name, variations.index(v), v) for v in candidates]
    return picked


# ê and ô are not in GSM-7: a name like this makes any text that reads it back UCS-2.
ACCENTED_NAME = "Hélène Côté-Létourneau"


PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")  # as rasa.core.nlg.interpolator finds them


def placeholders(variation: dict[str, Any]) -> set[str]:
    words = [variation.get("text") or ""] + [b.get("title") or "" for b in variation.get("buttons") or []]
    return {name for word in words for name in PLACEHOLDER.findall(word)}


def sent_texts(name: str, variation: dict[str, Any], values: dict[str, str] | None = None) -> list[str]:
    """The texts the SMS channel sends for this variation (one per response)."""
    values = values or (SUMMARY_VALUES if name == SUMMARY else VALUES)
    # A placeholder without a value is counted as empty here, and fails its own test below.
    values = {**{missing: "" for missing in placeholders(variation)}, **values}
    message = {key: copy.deepcopy(variation[key]) for key in ("text", "buttons") if key in variation}
    return render_messages([interpolate(message, values)])


def label(name: str, variation: dict[str, Any]) -> str:
    where = "sms" if variation.get("channel") == "sms" else "default"
    if variation.get("condition"):
        where += " if " + ",".join(f"{c.get('name')}={c.get('value')}" for c in variation["condition"])
    return f"{name} [{where}]"


VARIATIONS = sms_variations()
SENT: list[tuple[str, int, dict[str, Any], str, SmsSize]] = [
    (name, index, variation, text, sms_size(text))
    for name, index, variation in VARIATIONS
    for text in sent_texts(name, variation)
]


def segment_table() -> list[str]:
    width = max(len(label(n, v)) for n, _, v, _, _ in SENT)
    lines = [f"{'response':<{width}}  enc    chars  seg  max  UCS-2 because of"]
    for name, _, variation, text, size in SENT:
        budget = BUDGET.get(name, DEFAULT_BUDGET)
        flag = "  OVER" if size.segments > budget else ""
        because = " ".join(size.unicode_characters)
        lines.append(f"{label(name, variation):<{width}}  {size.encoding}  {len(text):>5}  {size.segments:>3}"
                     f"  {budget:>3}  {because}{flag}")
    total = sum(size.segments for *_, size in SENT)
    ucs2 = sum(1 for *_, size in SENT if size.encoding != GSM7)
    lines.append(f"{len(SENT)} texts, {total} segments in all, {ucs2} sent as UCS-2")
    for name, _, variation in VARIATIONS:
        if name == SUMMARY:
            for text in sent_texts(name, variation, {**SUMMARY_VALUES, "full_name": ACCENTED_NAME}):
                size = sms_size(text)
                lines.append(f"not held to a budget: {label(name, variation)} for {ACCENTED_NAME!r}: {size.encoding}, "
                             f"{len(text)} characters, {size.segments} segments (the patient's own characters)")
    return lines


def test_every_placeholder_has_a_worst_case_value():
    missing = {f"{n} (variation {i})": sorted(placeholders(v) - set(SUMMARY_VALUES if n == SUMMARY else VALUES))
               for n, i, v in VARIATIONS}
    assert {k: v for k, v in missing.items() if v} == {}, "give each a realistic worst-case value in VALUES"


def test_the_segment_table_is_in_the_run_summary(report):
    report("SMS segments per response (tests/bot/test_domain_sms_lengths.py)", segment_table())
    assert len(SENT) >= len(domain_responses())


@pytest.mark.parametrize(
    "name,index,text,size",
    [(n, i, t, s) for n, i, _, t, s in SENT],
    ids=[f"{n}-{i}" for n, i, _, _, _ in SENT],
)
def test_every_sms_answer_fits_its_segment_budget(name: str, index: int, text: str, size: SmsSize):
    budget = BUDGET.get(name, DEFAULT_BUDGET)
    why = f" (UCS-2 because of {' '.join(size.unicode_characters)})" if size.unicode_characters else ""
    assert size.segments <= budget, (
        f"{name} (variation {index}) is {size.segments} segments over SMS, {budget} at most{why}: "
        f"shorten its `channel: sms` variation or add one\n{text}"
    )


SMS_ONLY = [(n, i, v) for n, i, v in VARIATIONS if v.get("channel") == "sms" or n.startswith("utter_sms_")]


@pytest.mark.parametrize("name,index,variation", SMS_ONLY, ids=[f"{n}-{i}" for n, i, _ in SMS_ONLY])
def test_sms_wordings_are_written_in_gsm7(name: str, index: int, variation: dict[str, Any]):
    """SMS-only text is written in GSM-7, not left to the channel's look-alikes (web texts may keep ® and —)."""
    words = [variation.get("text") or ""] + [b.get("title") or "" for b in variation.get("buttons") or []]
    assert non_gsm7_characters(" ".join(words)) == (), f"{name} (variation {index})"


def test_everything_the_bot_writes_goes_as_gsm7():
    """Only a patient's own characters (a name with ê or ô) may make an SMS UCS-2."""
    ucs2 = {label(n, v): s.unicode_characters for n, _, v, _, s in SENT if s.encoding != GSM7}
    assert ucs2 == {}


def test_only_the_summary_reads_a_patients_name_back():
    """A name with ê or ô would make any answer that repeats it UCS-2: only the summary does."""
    values = {**VALUES, "full_name": ACCENTED_NAME}
    ucs2 = [n for n, _, v in VARIATIONS if n != SUMMARY for t in sent_texts(n, v, values) if not is_gsm7(t)]
    assert ucs2 == []


def test_help_gives_the_clinic_phone_in_one_text_of_160_characters():
    (variation,) = sms_candidates(english_variations(domain_responses()[HELP]))
    assert "{clinic_contact}" in variation["text"]
    (text,) = sent_texts(HELP, variation)
    assert WORST_SETTINGS.clinic_phone in text
    assert len(text) <= HELP_MAX_CHARS and sms_size(text).segments == 1, text


def test_every_response_variation_is_under_twilios_limit():
    for name, variations in domain_responses().items():
        for variation in variations:
            assert all(len(t) <= MAX_SMS_CHARS for t in sent_texts(name, variation, french_values(name))), name


def test_the_walk_covers_every_response_and_the_sms_variations():
    names = {name for name, _, _ in VARIATIONS}
    assert names == set(domain_responses())
    assert any(v.get("channel") == "sms" for _, _, v in VARIATIONS)


def test_candidates_follow_rasas_variation_filter():
    plain, sms, fr = {"text": "a"}, {"text": "b", "channel": "sms"}, {"text": "c", "condition": [{"name": "x"}]}
    sms_fr = {**fr, "channel": "sms"}
    assert sms_candidates([plain, sms]) == [sms]
    assert sms_candidates([plain, fr]) == [plain, fr]
    assert sms_candidates([plain, sms, fr, sms_fr]) == [sms_fr, sms]


def test_many_buttons_are_free_text_over_sms():
    """utter_ask_which_change has 12 buttons on the web; its SMS variation asks for a name instead."""
    (variation,) = [v for n, _, v in VARIATIONS if n == "utter_ask_which_change"]
    assert not variation.get("buttons")


# --- French --------------------------------------------------------------------------------------

def french_budget(name: str) -> int:
    """The English budgets (issue 15): two segments, three for the summary, one for AIDE."""
    return BUDGET.get(name, DEFAULT_BUDGET)


FRENCH_HELP_MAX_CHARS = 160


def french_values(name: str) -> dict[str, str]:
    """The worst-case values; the contact slot is the same in both languages (Settings.clinic_contact)."""
    values = dict(SUMMARY_VALUES if name == SUMMARY else VALUES)
    # A French reply may read back the parser's French words: "message texte" is longer than "text message".
    values["contact_method"] = max(values["contact_method"], "message texte", key=len)
    return values


def french_sms_variations() -> list[tuple[str, int, dict[str, Any]]]:
    """What Rasa's own filter picks over SMS when the language slot is "fr"."""
    responses = domain_responses()
    chooser = ResponseVariationFilter(responses)
    return [(name, variations.index(v), v) for name, variations in responses.items()
            for v in chooser.responses_for_utter_action(name, "sms", {"language": "fr"})]


def french_sent_texts(name: str, variation: dict[str, Any]) -> list[str]:
    """As sent, with the button line in French ("Répondez 1 pour Oui, 2 pour Non": longer than English)."""
    texts = sent_texts(name, variation, french_values(name))
    if not variation.get("buttons"):
        return texts
    *rest, last = texts
    head, _, line = last.rpartition("\nReply ")
    line = "Répondez " + line.replace(" for ", " pour ")
    return [*rest, f"{head}\n{line}" if head else line]


FRENCH_VARIATIONS = french_sms_variations()
FRENCH_SENT: list[tuple[str, int, dict[str, Any], str, SmsSize]] = [
    (name, index, variation, text, sms_size(text))
    for name, index, variation in FRENCH_VARIATIONS
    for text in french_sent_texts(name, variation)
]


def french_segment_table() -> list[str]:
    width = max(len(label(n, v)) for n, _, v, _, _ in FRENCH_SENT)
    lines = [f"{'response':<{width}}  enc    chars  seg  max  UCS-2 because of"]
    for name, _, variation, text, size in FRENCH_SENT:
        budget = french_budget(name)
        flag = "  OVER" if size.segments > budget else ""
        lines.append(f"{label(name, variation):<{width}}  {size.encoding}  {len(text):>5}  {size.segments:>3}"
                     f"  {budget:>3}  {' '.join(size.unicode_characters)}{flag}")
    total = sum(size.segments for *_, size in FRENCH_SENT)
    ucs2 = sum(1 for *_, size in FRENCH_SENT if size.encoding != GSM7)
    over = sum(1 for name, *_, size in FRENCH_SENT if size.segments > french_budget(name))
    lines.append(f"{len(FRENCH_SENT)} French texts, {total} segments in all, {ucs2} sent as UCS-2, "
                 f"{over} over budget")
    return lines


def test_the_french_segment_table_is_in_the_run_summary(report):
    report("SMS segments per response, French (tests/bot/test_domain_sms_lengths.py)", french_segment_table())
    assert {name for name, _, _ in FRENCH_VARIATIONS} == set(domain_responses())


def test_a_french_texter_gets_only_french_variations():
    english = [label(n, v) for n, _, v in FRENCH_VARIATIONS if not is_french_variation(v)]
    assert english == [], "add a French `channel: sms` variation beside each English one"


@pytest.mark.parametrize(
    "name,index,text,size",
    [(n, i, t, s) for n, i, _, t, s in FRENCH_SENT],
    ids=[f"fr-{n}-{i}" for n, i, _, _, _ in FRENCH_SENT],
)
def test_every_french_sms_answer_fits_its_segment_budget(name: str, index: int, text: str, size: SmsSize):
    """French is held to the English budgets: two segments, three for the summary, one for AIDE."""
    budget = french_budget(name)
    why = f" (UCS-2 because of {' '.join(size.unicode_characters)})" if size.unicode_characters else ""
    assert size.segments <= budget, (
        f"{name} (French variation {index}) is {size.segments} segments over SMS, {budget} at most{why}: "
        f"shorten it, or give it a French `channel: sms` variation without ê â î ô û ç\n{text}"
    )


FRENCH_SMS_ONLY = [(n, i, v) for n, i, v in FRENCH_VARIATIONS if v.get("channel") == "sms" or n.startswith("utter_sms_")]


@pytest.mark.parametrize("name,index,variation", FRENCH_SMS_ONLY, ids=[f"fr-{n}-{i}" for n, i, _ in FRENCH_SMS_ONLY])
def test_french_sms_wordings_are_written_in_gsm7(name: str, index: int, variation: dict[str, Any]):
    """A French SMS wording avoids ê â î ô û ç (one of them makes the whole text UCS-2, 67 a segment)."""
    words = [variation.get("text") or ""] + [b.get("title") or "" for b in variation.get("buttons") or []]
    assert non_gsm7_characters(" ".join(words)) == (), f"{name} (French variation {index})"


def test_french_help_gives_the_clinic_phone_in_one_text_of_160_characters():
    """AIDE is answered in French (Canadian carriers): one GSM-7 text with the phone number."""
    (variation,) = [v for n, _, v in FRENCH_VARIATIONS if n == HELP]
    (text,) = french_sent_texts(HELP, variation)
    assert WORST_SETTINGS.clinic_phone in text and "ARRET" in text
    assert len(text) <= FRENCH_HELP_MAX_CHARS and sms_size(text).segments == 1, text


def test_french_candidates_follow_rasas_filter_with_the_language_slot():
    en, sms = {"text": "a"}, {"text": "b", "channel": "sms"}
    fr = {"text": "c", "condition": [{"type": "slot", "name": "language", "value": "fr"}]}
    fr_sms = {**fr, "text": "d", "channel": "sms"}
    chooser = ResponseVariationFilter({"x": [en, sms, fr, fr_sms], "y": [en, fr]})
    assert chooser.responses_for_utter_action("x", "sms", {"language": "fr"}) == [fr_sms]
    assert chooser.responses_for_utter_action("y", "sms", {"language": "fr"}) == [fr]
    assert chooser.responses_for_utter_action("x", "sms", {"language": None}) == [sms]
    assert english_variations([en, sms, fr, fr_sms]) == [en, sms]
