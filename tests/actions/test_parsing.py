"""Real-world patient messages, good and bad, for the pure parsers in actions.parsing."""

from __future__ import annotations

from typing import Optional

import pytest

from actions.parsing import (
    EmailResult,
    Medications,
    PhoneResult,
    YesNo,
    is_cancel_phrase,
    looks_like_question,
    parse_contact_method,
    parse_email,
    parse_field_name,
    parse_full_name,
    parse_medications,
    parse_phone,
    parse_yes_no,
)

# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("yes", YesNo("yes")),
        ("Yes.", YesNo("yes")),
        ("  YES!!!  ", YesNo("yes")),
        ("yeah", YesNo("yes")),
        ("Yep", YesNo("yes")),
        ("yup", YesNo("yes")),
        ("y", YesNo("yes")),
        ("sure", YesNo("yes")),
        ("Correct.", YesNo("yes")),
        ("definitely", YesNo("yes")),
        ("of course", YesNo("yes")),
        ("yesss", YesNo("yes")),
        ("yes please", YesNo("yes")),
        ("yes yes", YesNo("yes")),
        ("👍", YesNo("yes")),
        ("👍🏽", YesNo("yes")),
        ("yes 👍", YesNo("yes")),
        ("oui", YesNo("yes")),
        ("I am", YesNo("yes")),
        ("i do", YesNo("yes")),
        ("I have.", YesNo("yes")),
        ("I do thanks", YesNo("yes")),
        ("yes, 12 weeks", YesNo("yes", "12 weeks")),
        ("yes I had jaw surgery in 2019", YesNo("yes", "I had jaw surgery in 2019")),
        ("Yes - wisdom teeth out last year.", YesNo("yes", "wisdom teeth out last year")),
        ("I do, twice a year", YesNo("yes", "twice a year")),
        ("👍 12 weeks", YesNo("yes", "12 weeks")),
        ("oui, 12 semaines", YesNo("yes", "12 semaines")),
        ("no", YesNo("no")),
        ("No.", YesNo("no")),
        ("Nope", YesNo("no")),
        ("nah", YesNo("no")),
        ("n", YesNo("no")),
        ("never", YesNo("no")),
        ("none", YesNo("no")),
        ("negative", YesNo("no")),
        ("noooo", YesNo("no")),
        ("non", YesNo("no")),
        ("non merci", YesNo("no")),
        ("👎", YesNo("no")),
        ("nah 👎", YesNo("no")),
        ("not that I know of", YesNo("no")),
        ("Not that i know of.", YesNo("no")),
        ("I don't think so", YesNo("no")),
        ("I dont think so", YesNo("no")),
        ("no I haven't", YesNo("no")),
        ("No, I haven't.", YesNo("no")),
        ("Definitely not", YesNo("no")),
        ("I'm not", YesNo("no")),
        ("I don't", YesNo("no")),
        ("I haven't", YesNo("no")),
        ("I’m not", YesNo("no")),
        ("I haven't had any surgery", YesNo("no", "I haven't had any surgery")),
        ("i've never had botox", YesNo("no", "i've never had botox")),
        ("No — never had any", YesNo("no", "never had any")),
        ("no, but my sister has ALS", YesNo("no", "but my sister has ALS")),
        ("not sure", YesNo("unsure")),
        ("I'm not sure", YesNo("unsure")),
        ("maybe", YesNo("unsure")),
        ("I don't know", YesNo("unsure")),
        ("idk", YesNo("unsure")),
        ("possibly", YesNo("unsure")),
        ("unsure", YesNo("unsure")),
        ("no idea", YesNo("unsure")),
        ("yes and no", YesNo("unsure")),
        ("🤷", YesNo("unsure")),
        ("Possibly, last year", YesNo("unsure", "last year")),
    ],
)
def test_parse_yes_no_reads_answers(message: str, expected: YesNo) -> None:
    assert parse_yes_no(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "hmm",
        "what?",
        "purple",
        "12 weeks",
        "I'm pregnant",
        "I have a question",
        "I don't understand",
        "I don't want to answer that",
        "non-smoker",
        "n/a",
        "never mind",
        "stop",
        "Nancy",
        "is it safe?",
        "😀",
    ],
)
def test_parse_yes_no_does_not_guess(message: str) -> None:
    assert parse_yes_no(message) is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (YesNo("yes"), "yes"),
        (YesNo("no", "never had any"), "no — never had any"),
        (YesNo("unsure", "last year"), "unsure — last year"),
    ],
)
def test_yes_no_text_for_the_summary(answer: YesNo, expected: str) -> None:
    assert answer.text == expected


# --------------------------------------------------------------------------- phone

OTTAWA = "+16135550123"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("613-555-0123", PhoneResult(OTTAWA, None, 10)),
        ("(613) 555 0123", PhoneResult(OTTAWA, None, 10)),
        ("(613)555-0123", PhoneResult(OTTAWA, None, 10)),
        ("+1 613 555 0123", PhoneResult(OTTAWA, None, 10)),
        ("+1 (613) 555-0123", PhoneResult(OTTAWA, None, 10)),
        ("1-613-555-0123", PhoneResult(OTTAWA, None, 10)),
        ("16135550123", PhoneResult(OTTAWA, None, 10)),
        ("6135550123", PhoneResult(OTTAWA, None, 10)),
        ("my number is 613.555.0123", PhoneResult(OTTAWA, None, 10)),
        ("613 555 0123 ext 4", PhoneResult(OTTAWA, None, 10)),
        ("613 555 0123, ext. 22", PhoneResult(OTTAWA, None, 10)),
        ("613-555-0123x12", PhoneResult(OTTAWA, None, 10)),
        ("613 555 0123 or 613 722 1234", PhoneResult(OTTAWA, None, 10)),
        ("I'm 45, it's 613 722 1234", PhoneResult("+16137221234", None, 10)),
        ("(416)5550199", PhoneResult("+14165550199", None, 10)),
        ("212-555-0100", PhoneResult("+12125550100", None, 10)),
        ("1 800 555 1234", PhoneResult("+18005551234", None, 10)),
    ],
)
def test_parse_phone_accepts_north_american_numbers(message: str, expected: PhoneResult) -> None:
    assert parse_phone(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", PhoneResult(None, "not_a_number", 0)),
        ("call me", PhoneResult(None, "not_a_number", 0)),
        ("+", PhoneResult(None, "not_a_number", 0)),
        ("555-0123", PhoneResult(None, "too_short", 7)),
        ("613-555-012", PhoneResult(None, "too_short", 9)),
        ("1-613-555-012", PhoneResult(None, "too_short", 9)),
        ("+1 613 555", PhoneResult(None, "too_short", 6)),
        ("613-555-01234", PhoneResult(None, "too_long", 11)),
        ("61355501234567890123", PhoneResult(None, "too_long", 20)),
        ("123-456-7890", PhoneResult(None, "invalid", 10)),
        ("555-555-5555", PhoneResult(None, "invalid", 10)),
        ("+44 20 7946 0958", PhoneResult(None, "not_north_american", 10)),
        ("+33 1 42 68 53 00", PhoneResult(None, "not_north_american", 9)),
    ],
)
def test_parse_phone_rejects_with_a_reason(message: str, expected: PhoneResult) -> None:
    assert parse_phone(message) == expected


def test_parse_phone_region_changes_how_a_local_number_is_read() -> None:
    assert parse_phone("020 7946 0958", region="GB") == PhoneResult(None, "not_north_american", 10)


# --------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("jane.doe@example.com", EmailResult("jane.doe@example.com", False, None)),
        ("it's jane.doe@example.com thanks", EmailResult("jane.doe@example.com", False, None)),
        ("Jane.Doe@Example.COM", EmailResult("Jane.Doe@example.com", False, None)),
        ("<jane@clinic.ca>", EmailResult("jane@clinic.ca", False, None)),
        ("mailto:jane@clinic.ca", EmailResult("jane@clinic.ca", False, None)),
        ("jane @ example.com", EmailResult("jane@example.com", False, None)),
        ("my email is jane@example.com.", EmailResult("jane@example.com", False, None)),
        ("user+botox@gmail.com please", EmailResult("user+botox@gmail.com", False, None)),
        ("skip", EmailResult(None, True, None)),
        ("Skip.", EmailResult(None, True, None)),
        ("no", EmailResult(None, True, None)),
        ("none", EmailResult(None, True, None)),
        ("no email", EmailResult(None, True, None)),
        ("no email sorry", EmailResult(None, True, None)),
        ("i don't have one", EmailResult(None, True, None)),
        ("I don’t have an email", EmailResult(None, True, None)),
        ("n/a", EmailResult(None, True, None)),
        ("N/A.", EmailResult(None, True, None)),
        ("Nope, thanks", EmailResult(None, True, None)),
        ("I'd rather not", EmailResult(None, True, None)),
        ("jane@", EmailResult(None, False, "invalid")),
        ("jane.doe.example.com", EmailResult(None, False, "invalid")),
        ("jane@@x.com", EmailResult(None, False, "invalid")),
        ("jane@localhost", EmailResult(None, False, "invalid")),
        ("@gmail.com", EmailResult(None, False, "invalid")),
        ("hello", EmailResult(None, False, "invalid")),
        ("", EmailResult(None, False, "invalid")),
    ],
)
def test_parse_email(message: str, expected: EmailResult) -> None:
    assert parse_email(message) == expected


# --------------------------------------------------------------------------- medications


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("none", Medications(True, "none")),
        ("None.", Medications(True, "none")),
        ("nothing", Medications(True, "none")),
        ("no meds", Medications(True, "none")),
        ("no medications", Medications(True, "none")),
        ("nope", Medications(True, "none")),
        ("not taking anything", Medications(True, "none")),
        ("no", Medications(True, "none")),
        ("No, none", Medications(True, "none")),
        ("Nope, never", Medications(True, "none")),
        ("Nothing at all, thanks", Medications(True, "none")),
        ("I'm not taking anything right now", Medications(True, "none")),
        ("I don't take any medications", Medications(True, "none")),
        ("N/A", Medications(True, "none")),
        ("I take advil sometimes", Medications(False, "I take advil sometimes")),
        ("metoprolol 50mg, synthroid", Medications(False, "metoprolol 50mg, synthroid")),
        ("birth control pill", Medications(False, "birth control pill")),
        ("Advil.", Medications(False, "Advil")),
        ("advil?", Medications(False, "advil")),
        ("advil 👍", Medications(False, "advil")),
        ("yes, metoprolol", Medications(False, "metoprolol")),
        ("no, just vitamins", Medications(False, "no, just vitamins")),
        ("maybe vitamin d", Medications(False, "maybe vitamin d")),
        ("I don't know", Medications(False, "not sure")),
        ("not sure", Medications(False, "not sure")),
        ("idk", Medications(False, "not sure")),
    ],
)
def test_parse_medications_reads_answers(message: str, expected: Medications) -> None:
    assert parse_medications(message) == expected


@pytest.mark.parametrize(
    "message",
    ["", "   ", "?", "...", "idk what you mean", "huh?", "yes", "what counts as a medication?", "5"],
)
def test_parse_medications_returns_none_for_non_answers(message: str) -> None:
    assert parse_medications(message) is None


# --------------------------------------------------------------------------- contact method


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("call me", "phone"),
        ("phone call", "phone"),
        ("a call", "phone"),
        ("Phone", "phone"),
        ("not email, call me", "phone"),
        ("text message", "text"),
        ("sms", "text"),
        ("txt", "text"),
        ("Text my cell", "text"),
        ("don't call, text me", "text"),
        ("email", "email"),
        ("e-mail", "email"),
        ("E mail", "email"),
        ("by email please", "email"),
        ("Email!", "email"),
        ("call or text", None),
        ("either is fine", None),
        ("whatever", None),
        ("by mail", None),
        ("", None),
    ],
)
def test_parse_contact_method(message: str, expected: Optional[str]) -> None:
    assert parse_contact_method(message) == expected


# --------------------------------------------------------------------------- full name


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("jane doe", "Jane Doe"),
        ("JANE DOE", "Jane Doe"),
        ("Jane Doe", "Jane Doe"),
        ("My name is Jane Doe", "Jane Doe"),
        ("it's jane doe", "Jane Doe"),
        ("I'm Jane Doe.", "Jane Doe"),
        ("this is Jane Doe", "Jane Doe"),
        ("Name: Jane Doe", "Jane Doe"),
        ("name:jane doe", "Jane Doe"),
        ("Hi, I'm Jane Doe", "Jane Doe"),
        ("Jane Doe, thanks", "Jane Doe"),
        ("Marie-Ève O'Neil", "Marie-Ève O'Neil"),
        ("marie-ève o'neil", "Marie-Ève O'Neil"),
        ("Maria de la Cruz", "Maria de la Cruz"),
        ("maria de la cruz", "Maria de la Cruz"),
        ("MARIA DE LA CRUZ", "Maria de la Cruz"),
        ("d'angelo smith", "D'Angelo Smith"),
        ("mcdonald", "McDonald"),
        ("O’Brien", "O'Brien"),
        ("jean - luc picard", "Jean-Luc Picard"),
        ("J. Doe", "J. Doe"),
        ("Cher", "Cher"),
        ("It's Isabel", "Isabel"),
    ],
)
def test_parse_full_name_cleans_names(message: str, expected: str) -> None:
    assert parse_full_name(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "",
        "J",
        "jane2",
        "613-555-0123",
        "jane@x.com",
        "no",
        "Yes.",
        "stop",
        "skip",
        "sure",
        "never mind",
        "what?",
        "Jane & John",
        "I don't want to give my name",
        "a" * 81,
    ],
)
def test_parse_full_name_rejects_non_names(message: str) -> None:
    assert parse_full_name(message) is None


# --------------------------------------------------------------------------- field to correct


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("my phone number is wrong", "phone"),
        ("the number", "phone"),
        ("change the email", "email"),
        ("my email address is wrong", "email"),
        ("the pregnancy one", "pregnancy"),
        ("breastfeeding", "pregnancy"),
        ("meds", "medications"),
        ("the medication list", "medications"),
        ("name", "full_name"),
        ("fix my last name", "full_name"),
        ("best time", "contact_time"),
        ("best time to call me", "contact_time"),
        ("how to reach me", "contact_method"),
        ("I want a text instead", "contact_method"),
        ("contact me by email instead", "contact_method"),
        ("surgery", "surgery"),
        ("ALS question", "nerve_condition"),
        ("the nerve condition one", "nerve_condition"),
        ("weakness", "facial_weakness"),
        ("facial weakness question", "facial_weakness"),
        ("other conditions", "other_conditions"),
        ("why I'm coming", "reason"),
        ("reason", "reason"),
        ("jaw pain", "reason"),
        ("hello", None),
        ("yes", None),
        ("it's all fine", None),
    ],
)
def test_parse_field_name(message: str, expected: Optional[str]) -> None:
    assert parse_field_name(message) == expected


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("what are the side effects?", True),
        ("does it hurt", True),
        ("is it safe", True),
        ("how long does it last", True),
        ("can I drive after", True),
        ("Should I stop my meds before?", True),
        ("ok but is it safe?", True),
        ("Yes. How much does it cost?", True),
        ("i'm not sure, will it hurt?", True),
        ("when I was 20?", True),
        ("I take advil sometimes", False),
        ("no", False),
        ("yes 12 weeks", False),
        ("advil?", False),
        ("is it?", False),
        ("I have jaw pain", False),
        ("when I was 20", False),
        ("what I take is advil", False),
        ("", False),
    ],
)
def test_looks_like_question(message: str, expected: bool) -> None:
    assert looks_like_question(message) is expected


# --------------------------------------------------------------------------- cancel


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("stop", True),
        ("STOP!!", True),
        ("Please stop.", True),
        ("cancel", True),
        ("never mind", True),
        ("Never mind.", True),
        ("nevermind", True),
        ("ok never mind", True),
        ("forget it", True),
        ("quit", True),
        ("i don't want to continue", True),
        ("I dont want to continue", True),
        ("start over", True),
        ("start over please", True),
        ("stop the pain", False),
        ("I stopped taking advil", False),
        ("cancel my appointment", False),
        ("quit smoking", False),
        ("no", False),
        ("", False),
    ],
)
def test_is_cancel_phrase(message: str, expected: bool) -> None:
    assert is_cancel_phrase(message) is expected
