"""Privacy made true (issue 12, point 7), end to end against the running servers.

A patient who stops the screening, declines consent, or leaves it for a short message to the
team is told their answers were deleted from this conversation. Here that is checked where it
must hold: the words they typed (random canaries made for each test) are found in no column of
any table of the database — Rasa's `events` included, and the stored SMS replies — and in no
log file, while the conversation goes on normally afterwards.

The redaction is the tracker store's (bot/store/tracker.py), triggered by the discarding actions'
`redact_since` markers (actions/common.discard_events); these tests need both, and a model
trained with the domain's `redact_since` slot (models/current.tar.gz).
"""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import text as sql

from bot.settings import ROOT
from bot.sms_text import with_gsm7_lookalikes
from bot.store.redaction import REDACTED_LABEL, domain_responses
from bot.store.transcripts import TranscriptStore
from tests.bot.test_tracker_store import tables_holding
from tests.e2e.helpers import SCREENING_ANSWERS, say, texts
from tests.e2e.test_sms import Phone, joined

pytestmark = pytest.mark.e2e

RESPONSES = domain_responses(ROOT / "domain.yml")


def web(name: str, **values: str) -> str:
    """A response's web wording, filled as Rasa fills it."""
    text = next(v["text"] for v in RESPONSES[name] if not v.get("channel"))
    return text.format(**values) if values else text


def sms(name: str) -> str:
    """A response's SMS wording (the web one where there is none) as the SMS channel sends it."""
    variations = RESPONSES[name]
    text = next((v["text"] for v in variations if v.get("channel") == "sms"), None) or web(name)
    return with_gsm7_lookalikes(text)


def letters(n: int = 12) -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(n))


@dataclass(frozen=True)
class Typed:
    """Answers only this test types: found anywhere afterwards, they leaked."""

    reason_word: str
    medication: str
    surname: str

    @classmethod
    def new(cls) -> Typed:
        return cls(letters(), letters(), letters().capitalize())

    @property
    def reason(self) -> str:
        return f"jaw pain from clenching since the {self.reason_word} trip"

    @property
    def medications(self) -> str:
        return f"{self.medication} 20 mg twice a day"

    @property
    def name(self) -> str:
        return f"Jane {self.surname}"

    @property
    def canaries(self) -> tuple[str, ...]:
        return (self.reason_word, self.medication, self.surname)


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def leaks(bot, typed: Typed) -> list[str]:
    """Where the typed canaries are still found: tables (with the canary) and log files."""
    engine = bot.engine()
    try:
        found = [f"table {table}: {needle}" for table, needle in tables_holding(engine, typed.canaries)]
    finally:
        engine.dispose()
    for path in sorted(bot.log_dir.glob("*.log")):
        text = path.read_text(encoding="utf-8", errors="replace").lower()
        found += [f"log {path.name}: {needle}" for needle in typed.canaries if needle.lower() in text]
    return found


def patient_lines(bot, sender: str) -> list[str]:
    engine = bot.engine()
    try:
        return [line.text for line in TranscriptStore(engine).transcript(sender) if line.kind == "patient"]
    finally:
        engine.dispose()


def begin_screening(bot, sender: str, typed: Typed) -> None:
    """Consent, then the reason and the medications typed, up to the surgery question."""
    assert web("utter_ask_consent_given") in texts(say(bot.rest_url, sender, "I'd like to book a consultation"))
    assert web("utter_ask_reason") in texts(say(bot.rest_url, sender, "Yes"))
    assert web("utter_ask_medications") in texts(say(bot.rest_url, sender, typed.reason))
    assert web("utter_ask_surgery") in texts(say(bot.rest_url, sender, typed.medications))
    assert any(typed.medication in line for line in patient_lines(bot, sender))  # stored so far


def test_stop_deletes_what_was_typed_and_the_conversation_goes_on(running_bot):
    sender, typed = new_sender("privacy-stop"), Typed.new()
    begin_screening(running_bot, sender, typed)

    assert texts(say(running_bot.rest_url, sender, "stop")) == web("utter_consultation_cancelled")

    assert leaks(running_bot, typed) == []
    lines = patient_lines(running_bot, sender)
    assert lines == [REDACTED_LABEL] * 5  # the request, consent, two answers, "stop"
    answer = texts(say(running_bot.rest_url, sender, "what side effects can botox cause?"))
    assert "dry mouth" in answer  # the conversation goes on...
    assert patient_lines(running_bot, sender)[-1] == "what side effects can botox cause?"  # ...and is kept


def test_declining_consent_keeps_nothing_of_the_request(running_bot):
    sender, typed = new_sender("privacy-decline"), Typed.new()
    opening = f"I'd like to book a consultation for my {typed.reason_word} jaw pain"
    assert web("utter_ask_consent_given") in texts(say(running_bot.rest_url, sender, opening))

    reply = texts(say(running_bot.rest_url, sender, "no"))
    assert reply == web("utter_consent_declined", clinic_contact=running_bot.settings.clinic_contact)

    assert leaks(running_bot, typed) == []
    assert patient_lines(running_bot, sender) == [REDACTED_LABEL] * 2


def test_switching_to_a_short_message_deletes_the_health_answers(running_bot):
    sender, typed = new_sender("privacy-switch"), Typed.new()
    begin_screening(running_bot, sender, typed)
    assert web("utter_ask_switch_choice") in texts(say(running_bot.rest_url, sender, "I want to talk to a person"))

    reply = texts(say(running_bot.rest_url, sender, "Send a short message instead"))
    assert web("utter_switched_to_message") in reply and web("utter_ask_message_consent") in reply

    assert leaks(running_bot, typed) == []
    # The short message is a new request, kept as the patient writes it.
    say(running_bot.rest_url, sender, "yes")
    say(running_bot.rest_url, sender, "Jane Example")
    assert patient_lines(running_bot, sender)[-2:] == ["yes", "Jane Example"]


def test_a_discarded_sms_screening_leaves_no_stored_reply(running_bot):
    phone, typed = Phone(running_bot), Typed.new()
    answers = {1: typed.reason, 2: typed.medications, 8: typed.name}
    phone.text("I'd like to book a consultation")
    for index, answer in enumerate(SCREENING_ANSWERS):
        replies = phone.text(answers.get(index, answer))
    summary = joined(replies)
    assert typed.medication in summary and typed.surname in summary  # read back, so stored in the reply cache
    assert leaks(running_bot, typed)

    assert joined(phone.text("don't send it")).startswith(sms("utter_ask_discard"))
    assert joined(phone.text("don't send it")) == sms("utter_consultation_discarded")

    assert leaks(running_bot, typed) == []
    engine = running_bot.engine()
    try:
        with engine.connect() as conn:
            rows = conn.execute(sql("SELECT twiml FROM sms_messages WHERE conversation_id = :c ORDER BY id"),
                                {"c": phone.conversation}).fetchall()
    finally:
        engine.dispose()
    assert len(rows) == len(SCREENING_ANSWERS) + 3
    assert all(row.twiml is None for row in rows[:-1])  # every reply of the screening is gone...
    assert "deleted your answers" in rows[-1].twiml  # ...and the last reply says so
