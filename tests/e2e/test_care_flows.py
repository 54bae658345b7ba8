"""The care flows end to end over REST (issue 12 points 1, 5, 6, 8; issue 11 point 1), asserting reply text.

Inside the screening an emergency or a crisis pauses it: no screening question until the patient
says to go on. A person asked for gets the short contact request and a "message" request in the
database, never the health questionnaire. Only an explicit "stop" ends the screening; a name is a
name. The replies are compared with the domain's own wording (RESPONSES), so a rewording does not
break a test, while a wrong turn does.

Needs a model trained with this domain and data (models/current.tar.gz): the care intents
(after_treatment, existing_patient, crisis, request_human) and continue_screening.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence

import pytest

from bot.settings import ROOT
from bot.store.redaction import domain_responses
from tests.e2e.helpers import SCREENING_ANSWERS, requests_for, say, sqlite_path, texts

pytestmark = pytest.mark.e2e

RESPONSES = domain_responses(ROOT / "domain.yml")
CLINIC = "613-555-0100"  # the clinic's phone in the test servers' settings


def web(name: str, **values: str) -> str:
    """A response's web wording, filled as Rasa fills it (clinic_contact is left as a prefix check)."""
    text = next(v["text"] for v in RESPONSES[name] if not v.get("channel"))
    return text.format(**values) if values else text


def opening(name: str) -> str:
    """The words of a response before its first placeholder: enough to recognise it."""
    return web(name).split("{")[0].strip()


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


QUESTION = {
    "reason": opening("utter_ask_reason"),
    "medications": opening("utter_ask_medications"),
    "surgery": opening("utter_ask_surgery"),
    "full_name": opening("utter_ask_full_name"),
    "phone": opening("utter_ask_phone"),
    "email": opening("utter_ask_email"),
    "contact_method": opening("utter_ask_contact_method"),
    "contact_time": opening("utter_ask_contact_time"),
}
PAUSED = web("utter_request_paused")


class Patient:
    """One conversation over REST."""

    def __init__(self, bot, prefix: str) -> None:
        self.url = bot.rest_url
        self.database_url = bot.settings.database_url
        self.sender = new_sender(prefix)

    def says(self, text: str) -> str:
        return texts(say(self.url, self.sender, text))

    def buttons(self, text: str) -> tuple[str, list[str]]:
        replies = say(self.url, self.sender, text)
        return texts(replies), [b["payload"] for r in replies for b in r.get("buttons", [])]

    def answers(self, replies: Sequence[str]) -> str:
        last = ""
        for reply in replies:
            last = self.says(reply)
        return last

    def requests(self) -> list[dict]:
        return requests_for(self.database_url, self.sender)


def no_question(reply: str) -> bool:
    return not any(question in reply for question in QUESTION.values())


# --------------------------------------------------------------------------- emergency and crisis pause the screening


def test_an_emergency_inside_the_screening_pauses_it_until_continue(running_bot):
    patient = Patient(running_bot, "form-er")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:2])  # consent, reason: the medications question is next
    reply = patient.says("my throat is swelling and I can't breathe")
    assert "call 911" in reply and PAUSED in reply
    assert no_question(reply)
    # Anything meanwhile is answered as usual, and still no screening question.
    meanwhile = patient.says("what are the side effects?")
    assert "dry mouth" in meanwhile and no_question(meanwhile)
    resumed = patient.says("continue")
    assert QUESTION["medications"] in resumed
    last = patient.answers(SCREENING_ANSWERS[2:])
    assert "Here's what I have" in last and "jaw pain from clenching" in last  # answers kept over the pause
    patient.says("Yes")
    (row,) = patient.requests()
    assert "emergency_during_screening" in row["flags"]
    assert row["answers"]["reason"] == "jaw pain from clenching"


def test_a_crisis_inside_the_screening_gets_988_and_no_question_then_stop_deletes_it(running_bot):
    patient = Patient(running_bot, "form-crisis")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:3])
    reply = patient.says("honestly the pain makes me not want to go on living")
    assert "988" in reply and "911" in reply and PAUSED in reply
    assert no_question(reply)
    assert no_question(patient.says("hello"))
    gone = patient.says("stop")
    assert web("utter_request_discarded") in gone
    assert patient.requests() == []
    assert web("utter_nothing_paused") in patient.says("continue")


def test_after_treatment_inside_the_screening_says_contact_the_clinic_then_waits(running_bot):
    patient = Patient(running_bot, "form-after")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:2])
    reply = patient.says("my left eye won't open all the way since the shots")
    assert CLINIC in reply and "911" in reply and PAUSED in reply
    assert not reply.lstrip().lower().startswith("yes")
    assert no_question(reply)
    assert QUESTION["medications"] in patient.says("/continue_screening")


# --------------------------------------------------------------------------- the form decides what ends it


def test_stop_ends_the_screening_and_says_so(running_bot):
    patient = Patient(running_bot, "form-stop")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:4])
    assert web("utter_consultation_cancelled") in patient.says("stop")
    assert patient.requests() == []


@pytest.mark.parametrize("name", ["Anne Smith", "Stephanie Top"])
def test_a_name_that_sounds_like_stop_is_kept(running_bot, name):
    patient = Patient(running_bot, "form-name")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:8])
    reply = patient.says(name)
    assert QUESTION["phone"] in reply
    summary = patient.answers(SCREENING_ANSWERS[9:])
    assert name in summary
    patient.says("Yes")
    (row,) = patient.requests()
    assert row["full_name"] == name


def test_non_answers_are_asked_again_with_where_the_patient_is(running_bot):
    patient = Patient(running_bot, "form-nonanswer")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:2])
    for non_answer in ("hello?", "sorry had to step away", "what?"):
        reply = patient.says(non_answer)
        assert "question 2 of 12" in reply and QUESTION["medications"] in reply
    summary = patient.answers(SCREENING_ANSWERS[2:])
    assert "Medications: I take advil sometimes" in summary


# --------------------------------------------------------------------------- the summary, contact details, the opening message


def test_dont_send_it_at_the_summary_deletes_after_one_check(running_bot):
    patient = Patient(running_bot, "form-discard")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS)
    assert web("utter_ask_discard") in patient.says("no, don't send it")
    assert web("utter_consultation_discarded") in patient.says("Yes, delete them")
    assert patient.requests() == []


def test_a_patient_without_a_phone_is_reached_by_e_mail(running_bot):
    patient = Patient(running_bot, "form-nophone")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:9])
    assert web("utter_ask_email_required") in patient.says("I don't have a phone")
    # With no phone, e-mail is the way: the contact method is not asked.
    assert QUESTION["contact_time"] in patient.says("jane.doe@example.com")
    summary = patient.says("weekday mornings")
    assert "jane.doe@example.com" in summary
    patient.says("Yes")
    (row,) = patient.requests()
    assert (row["phone"], row["email"], row["contact_method"]) == ("not given", "jane.doe@example.com", "e-mail")


def test_e_mail_chosen_after_skipping_it_is_asked_for(running_bot):
    patient = Patient(running_bot, "form-emaillater")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:11])  # the e-mail skipped
    assert web("utter_ask_email_for_method") in patient.says("E-mail")
    assert QUESTION["contact_time"] in patient.says("jane.doe@example.com")


def test_an_extension_is_kept(running_bot):
    patient = Patient(running_bot, "form-ext")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:9])
    patient.says("613-722-1234 ext 45")
    assert "+16137221234 ext. 45" in patient.answers(SCREENING_ANSWERS[10:])


def test_a_reason_in_the_opening_message_is_not_asked_again(running_bot):
    patient = Patient(running_bot, "form-reason")
    assert web("utter_ask_consent_given").split(":")[0] in patient.says("I'd like a consult for my jaw")
    reply = patient.says("Yes")
    assert QUESTION["medications"] in reply and QUESTION["reason"] not in reply


# --------------------------------------------------------------------------- a person, without a questionnaire


def test_a_person_asked_for_gets_the_short_request_and_a_message_in_the_inbox(running_bot):
    patient = Patient(running_bot, "person")
    consent = patient.says("can someone call me back about the price?")
    assert web("utter_ask_message_consent") in consent
    assert QUESTION["reason"] not in consent
    assert web("utter_ask_message_name") in patient.says("yes")
    assert web("utter_ask_message_contact") in patient.says("Anne Smith")
    # The request already said what it is about: the message is not asked.
    done = patient.says("613-555-0123 ext 45")
    assert web("utter_message_sent") in done
    (row,) = patient.requests()
    assert row["kind"] == "message"
    assert (row["full_name"], row["phone"]) == ("Anne Smith", "+16135550123 ext. 45")
    assert row["question_for_staff"] == "can someone call me back about the price?"
    assert row["answers"] == {} and row["reason"] == ""


def test_a_person_asked_for_mid_screening_offers_the_switch(running_bot):
    patient = Patient(running_bot, "switch")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:3])
    offer = patient.says("I want a human")
    assert web("utter_ask_switch_choice") in offer
    assert QUESTION["surgery"] not in offer
    switched = patient.says("Send a short message instead")
    assert web("utter_switched_to_message") in switched and web("utter_ask_message_consent") in switched
    patient.answers(["yes", "Jane Doe", "jane.doe@example.com"])
    done = patient.says("Please call me about my appointment options")
    assert web("utter_message_sent") in done
    (row,) = patient.requests()
    assert row["kind"] == "message" and row["answers"] == {}
    assert row["email"] == "jane.doe@example.com"


def test_finishing_first_resumes_at_the_same_question(running_bot):
    patient = Patient(running_bot, "finish")
    patient.says("I'd like to book a consultation")
    patient.answers(SCREENING_ANSWERS[:3])
    patient.says("can someone just call me?")
    reply = patient.says("Finish this first")
    assert QUESTION["surgery"] in reply


def test_an_existing_patient_gets_the_short_request_not_a_consultation(running_bot):
    patient = Patient(running_bot, "existing")
    consent = patient.says("I'm already a patient and I need to reschedule my appointment")
    assert web("utter_ask_message_consent") in consent
    patient.answers(["yes", "Marie Tremblay"])
    assert web("utter_message_sent") in patient.says("marie@example.com")
    (row,) = patient.requests()
    assert row["kind"] == "existing_patient"
    assert "reschedule" in row["question_for_staff"]


def test_yes_after_an_unanswered_question_passes_it_on(running_bot):
    patient = Patient(running_bot, "oos-yes")
    assert "don't have that information" in patient.says("how much does botox cost?")
    assert web("utter_ask_message_consent") in patient.says("yes please")
    patient.answers(["yes", "Jane Doe"])
    assert web("utter_message_sent") in patient.says("613 722 1234")
    (row,) = patient.requests()
    assert row["question_for_staff"] == "how much does botox cost?"


# --------------------------------------------------------------------------- after treatment


def test_a_symptom_asked_about_gets_what_the_page_lists_then_the_clinic_now(running_bot):
    patient = Patient(running_bot, "after-asked")
    reply, payloads = patient.buttons("my eyelid has been droopy since Monday's injection, is that a side effect?")
    assert not reply.lstrip().lower().startswith("yes")
    side_effects, care = reply.index("eyelid droop"), reply.index("call 911")
    assert side_effects < care and CLINIC in reply[side_effects:]
    assert payloads[:2] == ["/affirm", "/deny"]


def test_a_symptom_after_treatment_gets_the_clinic_now_and_an_urgent_message(running_bot):
    patient = Patient(running_bot, "after")
    symptom = "things look blurry since Tuesday's injection, should I worry?"
    reply, payloads = patient.buttons(symptom)
    assert not reply.lstrip().lower().startswith("yes")
    assert CLINIC in reply and "call 911" in reply
    assert "normal for you" in reply  # it says the page can't tell them what is normal for them
    assert payloads[:2] == ["/affirm", "/deny"]
    assert web("utter_ask_message_consent_urgent") in patient.says("/affirm")
    patient.answers(["yes", "Jane Doe"])
    done = patient.says("613 722 1234")
    assert web("utter_message_sent_urgent").split("{")[0] in done and "911" in done
    (row,) = patient.requests()
    assert row["kind"] == "after_treatment"
    assert row["flags"] == ["after_treatment_concern"]
    assert row["question_for_staff"] == symptom


def test_no_thanks_to_the_urgent_message_repeats_what_to_do(running_bot):
    patient = Patient(running_bot, "after-no")
    patient.says("my eyelid is drooping since the botox")
    reply = patient.says("no thanks")
    assert CLINIC in reply and "911" in reply
    assert patient.requests() == []


def test_a_declined_short_request_stores_nothing(running_bot):
    patient = Patient(running_bot, "person-no")
    patient.says("I want to talk to a person")
    assert web("utter_message_declined").split("{")[0] in patient.says("no")
    assert patient.requests() == []
    with sqlite3.connect(sqlite_path(running_bot.settings.database_url)) as conn:
        kinds = [json.loads(r[0]).get("name") for r in conn.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'active_loop'", (patient.sender,))]
    assert "consultation_form" not in kinds
