"""End to end over the SMS channel: signed Twilio-style posts to the real Rasa server, TwiML back."""

from __future__ import annotations

import json
import secrets
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

import httpx
import pytest
from twilio.request_validator import RequestValidator

from bot.channels.sms import EMPTY_TWIML, conversation_id
from bot.channels.sms_simulator import new_message_sid, twilio_form, twiml_messages
from tests.e2e.helpers import requests_for, sqlite_path, user_events

pytestmark = pytest.mark.e2e


def new_number() -> str:
    return "+1613" + "".join(secrets.choice("0123456789") for _ in range(7))


class Phone:
    """One patient's phone texting the clinic through the running bot."""

    def __init__(self, bot, number: Optional[str] = None) -> None:
        self.bot = bot
        self.number = number or new_number()
        self.url = bot.settings.sms_public_url
        self.validator = RequestValidator(bot.settings.twilio_auth_token)

    @property
    def conversation(self) -> str:
        return conversation_id(self.number, self.bot.settings.secret_key)

    def form(self, body: Optional[str], sid: Optional[str] = None, **extra: Optional[str]) -> dict[str, str]:
        fields = twilio_form(self.number, body or "", sid or new_message_sid())
        if body is None:
            del fields["Body"]
        fields.update(extra)
        return {k: v for k, v in fields.items() if v is not None}

    def post(self, fields: dict[str, str], signature: Optional[str] = "sign", **kwargs) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if signature == "sign":
            signature = self.validator.compute_signature(self.url, fields)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return httpx.post(self.bot.sms_url, data=fields, headers=headers, timeout=60, **kwargs)

    def text(self, body: str, sid: Optional[str] = None) -> list[str]:
        response = self.post(self.form(body, sid))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        return twiml_messages(response.text)

    def events(self) -> list[dict]:
        with sqlite3.connect(sqlite_path(self.bot.settings.database_url)) as conn:
            rows = conn.execute(
                "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (self.conversation,)
            ).fetchall()
        return [{"type": t, **json.loads(d)} for t, d in rows]

    def user_texts(self) -> list[str]:
        return [e.get("text") for e in user_events(self.bot.settings.database_url, self.conversation)]


def joined(messages: list[str]) -> str:
    return "\n".join(messages)


def test_a_signed_question_gets_the_pages_answer_in_twiml(running_bot):
    phone = Phone(running_bot)
    answer = joined(phone.text("what side effects can botox cause"))
    assert "dry mouth" in answer
    assert all(len(m) <= 1600 for m in phone.text("what side effects can botox cause"))
    assert phone.number not in json.dumps(phone.events())  # the number is never in the tracker


def test_unsigned_and_tampered_requests_are_refused_and_not_processed(running_bot):
    phone = Phone(running_bot)
    fields = phone.form("what is botox")
    assert phone.post(fields, signature=None).status_code == 403
    assert phone.post(fields, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    signature = phone.validator.compute_signature(phone.url, fields)
    assert phone.post({**fields, "Body": "tampered"}, signature=signature).status_code == 403
    wrong_url = RequestValidator(running_bot.settings.twilio_auth_token).compute_signature(
        "https://elsewhere.example.org/webhooks/sms/webhook", fields
    )
    assert phone.post(fields, signature=wrong_url).status_code == 403
    wrong_token = RequestValidator("not-the-token").compute_signature(phone.url, fields)
    assert phone.post(fields, signature=wrong_token).status_code == 403
    assert phone.events() == []


def test_numbered_replies_pick_the_offered_buttons(running_bot):
    phone = Phone(running_bot)
    greeting = joined(phone.text("hello"))
    assert "Reply 1 for What it is, 2 for What it treats, 3 for Side effects, 4 for Book a consultation" in greeting
    assert "/faq" not in greeting and "/book" not in greeting
    assert "dry mouth" in joined(phone.text("3."))
    assert phone.user_texts()[-1] == "/faq_side_effects"
    phone.text("hi")
    consent = joined(phone.text("Book a consultation"))  # an option's words work too
    assert phone.user_texts()[-1] == "/book_consultation"
    assert "encrypted" in consent and "Reply 1 for Yes, 2 for No" in consent
    declined = joined(phone.text("two"))
    # "two" was read as "No": consent declined, and what was typed for the request is removed.
    assert "nothing was sent to the team" in declined
    assert phone.user_texts()[-1] == "[removed at the patient's request]"


def test_stop_gets_no_reply_and_blocks_replies_until_start(running_bot):
    phone = Phone(running_bot)
    phone.text("hello")
    before = len(phone.user_texts())
    response = phone.post(phone.form("STOP"))
    assert response.status_code == 200 and twiml_messages(response.text) == []
    assert phone.text("what is botox") == []
    assert phone.text("HELP") == []
    assert len(phone.user_texts()) == before + 1  # only the opt-out itself reached the bot
    back = joined(phone.text("START"))
    assert "opted back in" in back
    assert "dry mouth" in joined(phone.text("what side effects can botox cause"))


def test_stop_in_the_screening_discards_it(running_bot):
    phone = Phone(running_bot)
    phone.text("I'd like to book a consultation")
    phone.text("1")
    phone.text("migraines")
    assert phone.text("cancel") == []  # CANCEL is a carrier opt-out over SMS
    loops = [e for e in phone.events() if e["type"] == "active_loop"]
    assert loops and loops[-1].get("name") is None  # the form is no longer active
    assert requests_for(running_bot.settings.database_url, phone.conversation) == []


def test_help_names_the_clinic_and_how_to_reach_it(running_bot):
    phone = Phone(running_bot)
    text = joined(phone.text("help"))
    assert "Metropolitan Dental" in text and "613-555-0100" in text
    assert phone.events() == []


def test_duplicate_deliveries_are_one_turn_with_the_same_twiml(running_bot):
    phone = Phone(running_bot)
    fields = phone.form("what is botox")
    first = phone.post(fields)
    second = phone.post(fields)
    assert first.status_code == second.status_code == 200
    assert first.text == second.text and twiml_messages(first.text)
    assert len(phone.user_texts()) == 1


def test_concurrent_duplicate_deliveries_are_one_turn(running_bot):
    phone = Phone(running_bot)
    fields = phone.form("what side effects can botox cause")
    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda _: phone.post(fields), range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    bodies = {r.text for r in responses}
    assert len(bodies) == 1 and "dry mouth" in next(iter(bodies))
    assert len(phone.user_texts()) == 1


@pytest.mark.parametrize(
    "change,status",
    [
        ({"From": None}, 400),
        ({"MessageSid": None, "SmsMessageSid": None}, 400),
        ({"Body": None}, 400),
        ({"Body": "   "}, 400),
        ({"NumMedia": "lots"}, 400),
    ],
)
def test_malformed_forms_get_4xx(running_bot, change, status):
    phone = Phone(running_bot)
    fields = {k: v for k, v in {**phone.form("hello"), **change}.items() if v is not None}
    response = phone.post(fields)
    assert response.status_code == status and response.text
    assert phone.events() == []


def test_non_form_bodies_get_4xx(running_bot):
    phone = Phone(running_bot)
    as_json = httpx.post(running_bot.sms_url, json=phone.form("hello"), timeout=30)
    assert as_json.status_code == 415
    garbage = httpx.post(
        running_bot.sms_url, content=b"\xff\xfe\x00", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert 400 <= garbage.status_code < 500
    huge = phone.form("x" * 70_000)
    assert phone.post(huge).status_code == 413  # Sanic's limit (bot.run), before our code
    assert phone.events() == []


def test_a_picture_and_an_overlong_text_get_polite_replies(running_bot):
    phone = Phone(running_bot)
    picture = phone.post(phone.form("", NumMedia="1", MediaUrl0="https://api.twilio.com/x.jpg",
                                    MediaContentType0="image/jpeg"))
    assert picture.status_code == 200 and "can't view pictures" in picture.text
    long_text = phone.post(phone.form("my headaches " * 130))
    assert long_text.status_code == 200 and "too long" in long_text.text
    assert phone.events() == []


def test_a_full_screening_over_sms_stores_a_request_with_channel_sms(running_bot):
    phone = Phone(running_bot)
    consent = joined(phone.text("I'd like to book a consultation"))
    assert "encrypted" in consent and "Reply 1 for Yes, 2 for No" in consent
    answers = [
        "1",  # consent: yes
        "jaw pain from clenching",
        "I take advil sometimes",
        "2",  # surgery: no
        "no",  # facial weakness
        "2",  # nerve condition: no
        "no",  # pregnancy
        "none",  # other conditions
        "Jane Doe",
        "613-722-1234",
        "1",  # e-mail: Skip
        "2",  # contact method: Text message
        "weekday mornings",
    ]
    replies = []
    for answer in answers:
        replies = phone.text(answer)
        assert replies, f"no reply to {answer!r}"
    summary = joined(replies)
    assert "Jane Doe" in summary and "Reply 1 for Send it, 2 for Change" in summary
    assert all(len(m) <= 1600 for m in replies)
    done = joined(phone.text("1"))
    assert "Your request is with Dr. Walters' team" in done
    (request,) = requests_for(running_bot.settings.database_url, phone.conversation)
    assert request["channel"] == "sms"
    assert request["full_name"] == "Jane Doe" and request["phone"] == "+16137221234"
    assert request["contact_method"] == "text message" and "@" not in request["email"]


def test_the_empty_response_is_well_formed(running_bot):
    phone = Phone(running_bot)
    phone.text("STOP")
    response = phone.post(phone.form("anything"))
    assert response.text == EMPTY_TWIML
