"""Real-world patient messages, good and bad, for the pure parsers in actions.parsing."""

from __future__ import annotations

from typing import Optional

import pytest

from actions.parsing import (
    ContactDetail,
    EmailResult,
    Medications,
    PhoneResult,
    YesNo,
    is_cancel_phrase,
    is_discard_request,
    is_non_answer,
    looks_like_question,
    message_in_request,
    parse_contact_detail,
    parse_contact_method,
    parse_email,
    parse_field_name,
    parse_full_name,
    parse_medications,
    parse_no_phone,
    parse_phone,
    parse_switch_choice,
    parse_yes_no,
    reason_in_request,
    wants_person,
    wants_to_send,
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
        ("613 555 0123 ext 4", PhoneResult(OTTAWA, None, 10, "4")),
        ("613 555 0123, ext. 22", PhoneResult(OTTAWA, None, 10, "22")),
        ("613-555-0123x12", PhoneResult(OTTAWA, None, 10, "12")),
        ("613-555-0123 ext 45", PhoneResult(OTTAWA, None, 10, "45")),
        ("613-555-0123 extension 1234", PhoneResult(OTTAWA, None, 10, "1234")),
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


@pytest.mark.parametrize(
    "message",
    # A name that holds a word of confusion inside it is still a name (CI once drew "crhuhaovqosb").
    ["crhuhaovqosb 20 mg twice a day", "Shuhcort cream", "Whatever the dentist gave me", "Comprendix 5 mg"],
)
def test_parse_medications_reads_confusion_words_only_whole(message: str) -> None:
    assert parse_medications(message) == Medications(False, message)


@pytest.mark.parametrize("message", ["huh", "what do you mean?", "I don't understand", "c'est quoi?", "je comprends pas"])
def test_parse_medications_still_hears_confusion(message: str) -> None:
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


def test_phone_display_keeps_the_extension() -> None:
    assert parse_phone("613-555-0123 ext 45").display == "+16135550123 ext. 45"
    assert parse_phone("613-555-0123").display == OTTAWA
    assert parse_phone("613-555-012").display is None


# --------------------------------------------------------------------------- non-answers


@pytest.mark.parametrize(
    "message",
    ["hello?", "Hi", "hey there!", "are you there?", "Hello? Anyone there?", "sorry", "sorry, had to step away",
     "Sorry I got distracted, I'm back", "what?", "huh", "Huh??", "pardon?", "ok", "OK", "hmm", "wait", "one sec",
     "what do you mean?", "I don't understand", "?", "...", "🙂", "continue", "go on", "", "k"],
)
def test_non_answers(message: str) -> None:
    assert is_non_answer(message) is True


@pytest.mark.parametrize(
    "message",
    ["no", "yes", "none", "sorry, I take advil", "hello, it's Jane Doe", "Anne Smith", "Stephanie Top", "migraines",
     "what I take is advil", "613 555 0123", "ok I take advil", "weekday mornings", "👍"],
)
def test_answers_are_not_non_answers(message: str) -> None:
    assert is_non_answer(message) is False


# --------------------------------------------------------------------------- a person


@pytest.mark.parametrize(
    ("message", "expected", "where_call_me_answers"),
    [
        ("I want a human", True, True),
        ("can I talk to a real person", True, True),
        ("let me speak with someone", True, True),
        ("can someone call me?", True, False),
        ("could the office phone me back?", True, False),
        ("call me back please", True, False),
        ("I'd rather talk to the front desk", True, True),
        ("are you a real person?", False, False),
        ("are you a human or a bot", False, False),
        ("call me in the morning", False, False),
        ("Anne Smith", False, False),
        ("migraines", False, False),
        ("humane society", False, False),
    ],
)
def test_wants_person(message: str, expected: bool, where_call_me_answers: bool) -> None:
    assert wants_person(message) is expected
    assert wants_person(message, call_back_counts=False) is where_call_me_answers


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Send a short message instead", "switch"),
        ("the message please", "switch"),
        ("yes", "switch"),
        ("switch", "switch"),
        ("Finish this first", "finish"),
        ("let's finish", "finish"),
        ("no", "finish"),
        ("keep going", "finish"),
        ("ok", None),
        ("finish first then the message", None),
        ("hmm", None),
    ],
)
def test_parse_switch_choice(message: str, expected: Optional[str]) -> None:
    assert parse_switch_choice(message) == expected


# --------------------------------------------------------------------------- not sending it


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("don't send it", True),
        ("Don’t send it", True),
        ("no, don't send", True),
        ("I changed my mind", True),
        ("changed my mind, delete it", True),
        ("please don't submit", True),
        ("I don't want to send it", True),
        ("delete everything", True),
        ("I changed my mind about the phone", False),
        ("no", False),
        ("yes send it", False),
        ("change an answer", False),
    ],
)
def test_is_discard_request(message: str, expected: bool) -> None:
    assert is_discard_request(message) is expected


@pytest.mark.parametrize(("message", "expected"), [("send it", True), ("actually submit it", True),
                                                   ("don't send it", False), ("yes", False)])
def test_wants_to_send(message: str, expected: bool) -> None:
    assert wants_to_send(message) is expected


# --------------------------------------------------------------------------- no phone, phone or e-mail


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I don't have a phone", True),
        ("i dont have a cell", True),
        ("no phone", True),
        ("e-mail me instead", True),
        ("email instead please", True),
        ("contact me by email", True),
        ("only email", True),
        ("skip", True),
        ("no", True),
        ("613 555 0123", False),
        ("my phone is 613 555 0123", False),
        ("call me", False),
    ],
)
def test_parse_no_phone(message: str, expected: bool) -> None:
    assert parse_no_phone(message) is expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("613-555-0123", ContactDetail(OTTAWA, None)),
        ("613-555-0123 ext 45", ContactDetail(OTTAWA + " ext. 45", None)),
        ("jane@example.com", ContactDetail(None, "jane@example.com")),
        ("call 613 555 0123 or write jane@example.com", ContactDetail(OTTAWA, "jane@example.com")),
        ("613 555 01", ContactDetail(None, None, "too_short")),
        ("whenever", ContactDetail(None, None)),
    ],
)
def test_parse_contact_detail(message: str, expected: ContactDetail) -> None:
    assert parse_contact_detail(message) == expected
    assert parse_contact_detail(message).found is bool(expected.phone or expected.email)


# --------------------------------------------------------------------------- the opening message


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I'd like a consult for my jaw", "jaw"),
        ("book me in for migraines", "migraines"),
        ("Can I book a consultation for botox for my TMJ?", "TMJ"),
        ("appointment for my jaw pain and headaches please", "jaw pain and headaches"),
        ("I want to book about my clenching at night", "clenching at night"),
        ("I'd like to book a consultation", None),
        ("a consultation for next week", None),
        ("book me in for Tuesday", None),
        ("/book_consultation", None),
    ],
)
def test_reason_in_request(message: str, expected: Optional[str]) -> None:
    assert reason_in_request(message) == expected


@pytest.mark.parametrize(
    ("message", "existing_patient", "expected"),
    [
        ("can someone call me about the price?", False, True),
        ("is it covered by insurance? can someone call me", False, True),
        ("I have a question regarding my bill", False, True),
        ("can someone call me?", False, False),
        ("could the office phone me back?", False, False),
        ("I want to talk to a person", False, False),
        ("/request_human", False, False),
        ("I need to move my appointment to Friday", True, True),
        ("I'm already a patient", True, False),
        ("I'm an existing patient", True, False),
    ],
)
def test_message_in_request(message: str, existing_patient: bool, expected: bool) -> None:
    assert message_in_request(message, existing_patient=existing_patient) is expected
