"""The SMS channel without servers: pure functions, the store, and the webhook with a fake bot."""

from __future__ import annotations

import asyncio
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Optional
from urllib.parse import urlencode

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from sqlalchemy import inspect, select
from sqlalchemy import text as sql
from twilio.request_validator import RequestValidator

from bot.channels import sms
from bot.channels.guard import NEUTRALISER
from bot.channels.sms import (
    EMPTY_TWIML,
    MAX_SMS_CHARS,
    FormParams,
    Option,
    SmsInput,
    SmsOutput,
    SmsRequest,
    SmsWebhook,
    build_twiml,
    carrier_keyword,
    conversation_id,
    map_reply,
    number_hash,
    options_from_events,
    parse_form,
    public_url,
    render_messages,
    signature_valid,
    split_message,
    turn_options,
)
from bot.settings import ROOT, Settings
from bot.sms_text import sms_size
from bot.store.db import utcnow
from bot.store.sms import CLAIMED, DONE, PENDING, Claim, SmsStore, clear_replies, migrate, sms_messages
from tests.bot.test_request_store import pg_engine  # noqa: F401 - the PostgreSQL fixture (fails under CI)

TOKEN = "unit-test-twilio-token"
URL = "https://sms.example.org/webhooks/sms/webhook"
NUMBER = "+16135550123"
SETTINGS = Settings(
    twilio_auth_token=TOKEN, sms_public_url=URL, secret_key="unit-secret", clinic_phone="613-555-0100"
)
YES_NO = [{"title": "Yes", "payload": "Yes"}, {"title": "No", "payload": "No"}]
MENU = [
    {"title": "What it is", "payload": "/faq_what_is"},
    {"title": "Side effects", "payload": "/faq_side_effects"},
    {"title": "E-mail", "payload": "email"},
]


def messages_of(twiml: str) -> list[str]:
    root = ET.fromstring(twiml.encode("utf-8"))
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


# --- TwiML -------------------------------------------------------------------------------------


def test_twiml_escapes_markup_and_keeps_text_exact():
    text = 'Tom & Jerry <script>alert("x")</script> ]]> café 😀'
    twiml = build_twiml([text])
    assert "<script>" not in twiml and "&lt;script&gt;" in twiml and "&amp;" in twiml
    assert messages_of(twiml) == [text]


def test_twiml_one_message_element_per_text_and_empty_response_without_text():
    assert messages_of(build_twiml(["one", "two"])) == ["one", "two"]
    assert build_twiml([]) == EMPTY_TWIML
    assert ET.fromstring(EMPTY_TWIML.encode()).findall("Message") == []


def test_twiml_drops_characters_xml_cannot_carry():
    assert messages_of(build_twiml(["a\x00b\x1bc"])) == ["abc"]


# --- splitting ---------------------------------------------------------------------------------


def test_short_text_is_one_part():
    assert split_message("Hello.") == ["Hello."]


def test_long_text_splits_at_sentence_ends_never_in_a_word():
    sentence = "Therapeutic BOTOX may relax the muscles of the jaw and face. "
    text = sentence * 60
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(p) <= MAX_SMS_CHARS for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts).split() == text.split()


def test_line_breaks_are_preferred_boundaries():
    text = ("a" * 50 + "\n") * 5
    parts = split_message(text, limit=120)
    assert parts == ["a" * 50 + "\n" + "a" * 50, "a" * 50 + "\n" + "a" * 50, "a" * 50]


def test_without_sentences_words_stay_whole():
    text = " ".join(["word"] * 1000)
    parts = split_message(text, limit=101)
    assert all(len(p) <= 101 for p in parts)
    assert all(w == "word" for p in parts for w in p.split())
    assert sum(len(p.split()) for p in parts) == 1000


def test_twiml_splits_an_overlong_message_into_several_elements():
    text = ("Sentence number one is here. " * 120).strip()
    got = messages_of(build_twiml([text]))
    assert len(got) == 3 and all(len(m) <= MAX_SMS_CHARS for m in got)


# --- buttons -----------------------------------------------------------------------------------


def test_buttons_become_numbered_options_without_payloads():
    texts = render_messages([{"text": "Is that okay?", "buttons": YES_NO}])
    assert texts == ["Is that okay?\nReply 1 for Yes, 2 for No"]
    menu = render_messages([{"text": "Pick one", "buttons": MENU}])[0]
    assert "/faq" not in menu and "Reply 1 for What it is, 2 for Side effects, 3 for E-mail" in menu


def test_a_french_conversation_gets_its_choices_in_french_and_still_gsm7():
    (text,) = render_messages([{"text": "Est-ce correct?", "buttons": [{"title": "Oui", "payload": "Yes"},
                                                                      {"title": "Non", "payload": "No"}]}], "fr")
    assert text == "Est-ce correct?\nRépondez 1 pour Oui, 2 pour Non"
    assert sms_size(text).encoding == "GSM-7"


@pytest.mark.asyncio
async def test_the_choice_words_follow_the_language_the_turn_left_the_conversation_in():
    from types import SimpleNamespace

    class Store:
        def __init__(self, language):
            self.language, self.reads = language, 0

        async def retrieve(self, _sender):
            self.reads += 1
            return SimpleNamespace(get_slot=lambda name: self.language if name == "language" else None)

    with_buttons = [{"text": "?", "buttons": YES_NO}]
    french, english = Store("fr"), Store(None)
    assert await sms.SmsWebhook._language_after(french, "s", with_buttons) == "fr"
    assert await sms.SmsWebhook._language_after(english, "s", with_buttons) == "en"
    plain = Store("fr")
    assert await sms.SmsWebhook._language_after(plain, "s", [{"text": "no buttons"}]) == "en" and plain.reads == 0


def test_numbering_runs_across_the_messages_of_one_turn():
    turn = [{"text": "First", "buttons": YES_NO}, {"text": "No buttons"}, {"text": "Then", "buttons": MENU[:1]}]
    texts = render_messages(turn)
    assert texts[0].endswith("Reply 1 for Yes, 2 for No") and texts[1] == "No buttons"
    assert texts[2].endswith("Reply 3 for What it is")
    assert [o.number for o in turn_options(turn)] == [1, 2, 3]


def test_a_message_without_buttons_is_plain_text():
    assert render_messages([{"text": "Which answer? Reply with its name."}]) == ["Which answer? Reply with its name."]


def test_typography_goes_as_gsm7_look_alikes_and_patient_accents_stay():
    """One em dash or curly quote would send the whole text as UCS-2 (70 characters a segment)."""
    (text,) = render_messages([{"text": "BOTOX® — “yes — 12 weeks” • it’s", "buttons": [{"title": "Don’t", "payload": "No"}]}])
    assert text == "BOTOX - \"yes - 12 weeks\" - it's\nReply 1 for Don't"
    assert render_messages([{"text": "Hélène Côté"}]) == ["Hélène Côté"]


def test_a_button_without_title_never_shows_its_payload():
    texts = render_messages([{"text": "Pick", "buttons": [{"payload": "/secret_intent"}]}])
    assert "/secret_intent" not in texts[0] and "1 for option 1" in texts[0]


OPTIONS = turn_options([{"text": "q", "buttons": MENU}])


@pytest.mark.parametrize(
    "reply,payload",
    [
        ("1", "/faq_what_is"),
        ("1.", "/faq_what_is"),
        (" #1 ", "/faq_what_is"),
        ("one", "/faq_what_is"),
        ("ONE!", "/faq_what_is"),
        ("2)", "/faq_side_effects"),
        ("Two", "/faq_side_effects"),
        ("side effects", "/faq_side_effects"),
        ("SIDE EFFECTS.", "/faq_side_effects"),
        ("email", "email"),
        ("e-mail", "email"),
        ("3", "email"),
        ("4", None),  # no such option
        ("0", None),
        ("four", None),
        ("what are the side effects", None),  # free text stays free text
        ("12 weeks", None),
        ("", None),
    ],
)
def test_replies_map_to_the_offered_payloads(reply: str, payload: Optional[str]):
    assert map_reply(reply, OPTIONS) == payload


def test_nothing_maps_when_nothing_was_offered():
    assert map_reply("1", []) is None


def test_options_come_from_the_bots_latest_turn_only():
    events = [
        {"event": "bot", "text": "old", "data": {"buttons": MENU}},
        {"event": "user", "text": "hi"},
        {"event": "action", "name": "utter_ask"},
        {"event": "bot", "text": "q1", "data": {"buttons": YES_NO}},
        {"event": "bot", "text": "q2", "data": {"buttons": MENU[:1]}},
    ]
    assert options_from_events(events) == [
        Option(1, "Yes", "Yes"),
        Option(2, "No", "No"),
        Option(3, "What it is", "/faq_what_is"),
    ]
    assert options_from_events(events + [{"event": "user", "text": "1"}]) == []


# --- keywords and numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,keyword",
    [
        ("STOP", "STOP"),
        ("stop", "STOP"),
        (" Stop! ", "STOP"),
        ("stopall", "STOPALL"),
        ("Unsubscribe.", "UNSUBSCRIBE"),
        ("cancel", "CANCEL"),
        ("END", "END"),
        ("quit", "QUIT"),
        ("ARRET", "ARRET"),
        ("arrêt", "ARRET"),
        ("START", "START"),
        ("yes", "YES"),
        ("unstop", "UNSTOP"),
        ("help?", "HELP"),
        ("Aide", "AIDE"),
        ("STOP PLEASE", None),
        ("please stop", None),
        ("stopping", None),
        ("", None),
        (None, None),
    ],
)
def test_carrier_keywords_are_single_words(text: Optional[str], keyword: Optional[str]):
    assert carrier_keyword(text) == keyword


def test_conversation_id_is_a_keyed_hash_of_the_number():
    cid = conversation_id(NUMBER, "k1")
    assert cid.startswith("sms:") and len(cid) == 4 + 32
    assert "6135550123" not in cid
    assert cid == conversation_id("+1 (613) 555-0123", "k1")  # one number, one conversation
    assert cid != conversation_id(NUMBER, "k2")  # useless without the server's secret
    assert cid != conversation_id("+16135550124", "k1")
    assert len(number_hash(NUMBER, "k1")) == 64


# --- signature ---------------------------------------------------------------------------------


def form(**fields: str) -> dict[str, str]:
    base = {
        "ToCountry": "CA",
        "SmsMessageSid": fields.get("MessageSid", "SM0001"),
        "NumMedia": "0",
        "From": NUMBER,
        "To": "+16135550100",
        "Body": "hello",
        "MessageSid": "SM0001",
        "FromCity": "",  # Twilio sends (and signs) empty parameters too
        "AccountSid": "AC123",
        "ApiVersion": "2010-04-01",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def sign(params: dict[str, str], url: str = URL, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def params_of(fields: dict[str, str]) -> FormParams:
    parsed, error = parse_form(urlencode(fields).encode())
    assert error is None and parsed is not None
    return parsed


def test_signature_valid_for_exactly_what_twilio_signed():
    fields = form()
    assert signature_valid(TOKEN, URL, params_of(fields), sign(fields))


def test_signature_covers_blank_parameters():
    fields = form(Body="", NumMedia="1")
    assert signature_valid(TOKEN, URL, params_of(fields), sign(fields))
    without_blank = {k: v for k, v in fields.items() if v != ""}
    assert not signature_valid(TOKEN, URL, params_of(fields), sign(without_blank))


@pytest.mark.parametrize(
    "change",
    [
        {"Body": "tampered"},
        {"From": "+16135559999"},
        {"MessageSid": "SM0002"},
        {"Extra": "added"},
    ],
)
def test_tampered_parameters_fail(change: dict[str, str]):
    fields = form()
    signature = sign(fields)
    assert not signature_valid(TOKEN, URL, params_of({**fields, **change}), signature)


def test_missing_signature_wrong_token_or_no_token_fail():
    fields = form()
    params = params_of(fields)
    assert not signature_valid(TOKEN, URL, params, None)
    assert not signature_valid(TOKEN, URL, params, "")
    assert not signature_valid(TOKEN, URL, params, sign(fields, token="another-token"))
    assert not signature_valid("", URL, params, sign(fields, token=""))


@pytest.mark.parametrize(
    "signed_url,ok",
    [
        (URL, True),
        ("https://sms.example.org:443/webhooks/sms/webhook", True),  # Twilio adds the port sometimes
        ("http://sms.example.org/webhooks/sms/webhook", False),
        ("https://other.example.org/webhooks/sms/webhook", False),
        ("https://sms.example.org/webhooks/sms/webhook/", False),
        ("https://sms.example.org/webhooks/rest/webhook", False),
    ],
)
def test_signature_url_variants(signed_url: str, ok: bool):
    fields = form()
    assert signature_valid(TOKEN, URL, params_of(fields), sign(fields, url=signed_url)) is ok


def test_public_url_prefers_the_configured_one_then_forwarded_headers():
    headers = {"x-forwarded-proto": "https", "x-forwarded-host": "clinic.example.org"}
    assert public_url(URL, "http", "127.0.0.1:5005", "/webhooks/sms/webhook", "", headers) == URL
    assert (
        public_url("", "http", "127.0.0.1:5005", "/webhooks/sms/webhook", "", headers)
        == "https://clinic.example.org/webhooks/sms/webhook"
    )
    assert (
        public_url("", "http", "127.0.0.1:5005", "/webhooks/sms/webhook", "", {})
        == "http://127.0.0.1:5005/webhooks/sms/webhook"
    )
    assert public_url(URL, "http", "h", "/p", "a=1", {}) == URL + "?a=1"


def test_parse_form_rejects_what_is_not_a_form():
    assert parse_form(b"\xff\xfe")[1] is not None
    assert parse_form(b"no-equals-sign")[1] is not None
    assert parse_form(b"")[0] == {}


# --- the store ---------------------------------------------------------------------------------


def test_a_message_sid_is_claimed_once_and_its_reply_kept(engine):
    store = SmsStore(engine)
    assert store.claim("SM1").state == CLAIMED
    assert store.claim("SM1").state == PENDING
    store.complete("SM1", "<Response/>")
    assert store.claim("SM1") == Claim(DONE, "<Response/>")


def test_a_released_claim_can_be_claimed_again(engine):
    store = SmsStore(engine)
    store.claim("SM2")
    store.release("SM2")
    assert store.claim("SM2").state == CLAIMED


def test_a_stale_claim_is_taken_over_once(engine):
    store = SmsStore(engine)
    long_ago = utcnow() - timedelta(minutes=5)
    assert store.claim("SM3", now=long_ago).state == CLAIMED
    assert store.claim("SM3").state == CLAIMED
    assert store.claim("SM3").state == PENDING


def test_opt_out_is_recorded_and_reversed(engine):
    store = SmsStore(engine)
    hashed = number_hash(NUMBER, "k")
    assert not store.is_opted_out(hashed)
    store.set_opted_out(hashed, True)
    assert store.is_opted_out(hashed)
    store.set_opted_out(hashed, False)
    assert not store.is_opted_out(hashed)


def test_purge_removes_old_message_ids(engine):
    store = SmsStore(engine)
    store.claim("SM-old", now=utcnow() - timedelta(days=2))
    store.claim("SM-new")
    assert store.purge_messages(utcnow() - timedelta(days=1)) == 1
    assert store.claim("SM-new").state == PENDING


def test_the_store_creates_no_engine_until_used(tmp_path):
    store = SmsStore(url=f"sqlite:///{tmp_path / 'lazy.db'}")
    assert store._engine is None and not (tmp_path / "lazy.db").exists()
    assert store.claim("SM-lazy").state == CLAIMED
    assert (tmp_path / "lazy.db").exists()


OLD_SMS_MESSAGES = """CREATE TABLE sms_messages (
    id {serial} PRIMARY KEY, message_sid VARCHAR(64) NOT NULL UNIQUE, status VARCHAR(12) NOT NULL,
    twiml TEXT, claimed_at TIMESTAMP NOT NULL, done_at TIMESTAMP)"""


def check_migration(engine) -> None:
    """A table from before conversation_id: the column and its index are added once; rows stay."""
    serial = "SERIAL" if engine.dialect.name == "postgresql" else "INTEGER"
    with engine.begin() as conn:
        conn.execute(sql(OLD_SMS_MESSAGES.format(serial=serial)))
        conn.execute(sql("INSERT INTO sms_messages (message_sid, status, twiml, claimed_at) "
                         "VALUES ('SM-before', 'done', '<Response/>', :at)"), {"at": utcnow()})
    store = SmsStore(engine)
    assert store.claim("SM-before").state == DONE  # first use migrates
    migrate(engine)  # idempotent
    columns = {c["name"] for c in inspect(engine).get_columns("sms_messages")}
    indexes = {i["name"] for i in inspect(engine).get_indexes("sms_messages")}
    assert "conversation_id" in columns and "ix_sms_messages_conversation_id" in indexes
    assert store.claim("SM-after", conversation_id="sms:abc").state == CLAIMED
    store.complete("SM-after", "<Response><Message>summary</Message></Response>")
    assert store.clear_replies("sms:abc", utcnow() - timedelta(minutes=5)) == 1
    assert store.claim("SM-after") == Claim(DONE, "")


def test_an_older_sms_table_gains_its_conversation_column_on_sqlite(tmp_path):
    from bot.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    check_migration(engine)
    engine.dispose()


def test_an_older_sms_table_gains_its_conversation_column_on_postgresql(pg_engine):  # noqa: F811 - the fixture
    check_migration(pg_engine)


def test_clearing_replies_without_the_table_or_column_clears_nothing(tmp_path):
    from bot.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'none.db'}")
    with engine.begin() as conn:
        assert clear_replies(conn, "sms:abc", utcnow()) == 0
        conn.execute(sql(OLD_SMS_MESSAGES.format(serial="INTEGER")))
        assert clear_replies(conn, "sms:abc", utcnow()) == 0
    engine.dispose()


def test_replies_are_cleared_by_conversation_and_time(engine):
    store = SmsStore(engine)
    now = utcnow()
    for sid, conversation, claimed in (("SM-a1", "sms:a", now), ("SM-a0", "sms:a", now - timedelta(hours=1)),
                                       ("SM-b1", "sms:b", now)):
        store.claim(sid, now=claimed, conversation_id=conversation)
        store.complete(sid, f"<Response><Message>{sid}</Message></Response>")
    assert store.clear_replies("sms:a", now - timedelta(minutes=10)) == 1
    assert store.claim("SM-a1").twiml == ""
    assert "SM-a0" in store.claim("SM-a0").twiml and "SM-b1" in store.claim("SM-b1").twiml
    assert store.clear_replies("sms:a", now - timedelta(minutes=10)) == 0  # idempotent


# --- the webhook with a fake bot ---------------------------------------------------------------


@dataclass
class FakeTracker:
    events: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)


class FakeTrackerStore:
    def __init__(self) -> None:
        self.trackers: dict[str, FakeTracker] = {}

    async def retrieve(self, sender_id: str) -> Optional[FakeTracker]:
        return self.trackers.get(sender_id)


class FakeBot:
    """Stands in for Rasa: records what it is told, answers from `script`, writes tracker events."""

    def __init__(self, domain: Domain, delay: float = 0.0) -> None:
        self.domain = domain
        self.tracker_store = FakeTrackerStore()
        self.received: list[UserMessage] = []
        self.delay = delay
        self.fail = False
        self.script: dict[str, dict[str, Any]] = {
            "menu": {"text": "Here's what I can help with.", "buttons": MENU},
            "consent": {"text": "Is that okay?", "buttons": YES_NO},
        }

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("boom")
        reply = dict(self.script.get(message.text, {"text": f"echo {message.text}"}))
        await message.output_channel.send_response(message.sender_id, dict(reply))
        tracker = self.tracker_store.trackers.setdefault(message.sender_id, FakeTracker())
        tracker.events.append({"event": "user", "text": message.text})
        tracker.events.append({"event": "bot", "text": reply.get("text"), "data": {"buttons": reply.get("buttons")}})

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.received]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def bot(domain: Domain) -> FakeBot:
    return FakeBot(domain)


@pytest.fixture
def webhook(engine, bot: FakeBot) -> SmsWebhook:
    return SmsWebhook(SETTINGS, SmsStore(engine), bot)


_sid_counter = iter(range(10_000_000))


def new_sid() -> str:
    return f"SM{next(_sid_counter):032d}"


def request_for(fields: dict[str, str], signature: Optional[str] = "sign", **extra_headers: str) -> SmsRequest:
    headers = {"content-type": "application/x-www-form-urlencoded; charset=UTF-8", **extra_headers}
    if signature == "sign":
        signature = sign(fields)
    if signature is not None:
        headers["x-twilio-signature"] = signature
    return SmsRequest(body=urlencode(fields).encode(), headers=headers)


def post(webhook: SmsWebhook, bot: FakeBot, body: str, sid: Optional[str] = None, **fields: str) -> sms.Outcome:
    sid = sid or new_sid()
    return asyncio.run(webhook.handle(request_for(form(Body=body, MessageSid=sid, **fields)), bot))


def test_a_signed_message_reaches_rasa_as_the_hashed_sender(webhook, bot):
    outcome = post(webhook, bot, "hello there")
    assert outcome.status == 200 and outcome.content_type.startswith("text/xml")
    assert messages_of(outcome.body) == ["echo hello there"]
    (message,) = bot.received
    assert message.sender_id == conversation_id(NUMBER, SETTINGS.secret_key)
    assert message.input_channel == "sms"
    assert NUMBER not in str(message.metadata) and "6135550123" not in str(message.metadata)


def test_unsigned_tampered_and_wrongly_signed_requests_are_refused_unprocessed(webhook, bot, engine):
    fields = form(Body="hi", MessageSid=new_sid())
    for req in (
        request_for(fields, signature=None),
        request_for(fields, signature=""),
        request_for({**fields, "Body": "tampered"}, signature=sign(fields)),
        request_for(fields, signature=sign(fields, url="https://evil.example.org/webhooks/sms/webhook")),
    ):
        outcome = asyncio.run(webhook.handle(req, bot))
        assert outcome.status == 403
    assert bot.received == []
    # Not even the MessageSid was claimed: the real (signed) delivery is processed normally.
    assert asyncio.run(webhook.handle(request_for(fields), bot)).status == 200


def test_skip_signature_lets_unsigned_requests_through(engine, bot):
    hook = SmsWebhook(replace(SETTINGS, sms_skip_signature=True), SmsStore(engine), bot)
    outcome = asyncio.run(hook.handle(request_for(form(MessageSid=new_sid()), signature=None), bot))
    assert outcome.status == 200 and bot.texts == ["hello"]


def test_without_a_configured_url_the_forwarded_url_is_checked(engine, bot):
    hook = SmsWebhook(replace(SETTINGS, sms_public_url=""), SmsStore(engine), bot)
    fields = form(MessageSid=new_sid())
    signed = sign(fields, url="https://clinic.example.org/webhooks/sms/webhook")
    req = request_for(fields, signature=signed, **{"x-forwarded-proto": "https", "x-forwarded-host": "clinic.example.org"})
    assert asyncio.run(hook.handle(req, bot)).status == 200
    other = form(MessageSid=new_sid())
    # Signed for the public URL, but arriving without the proxy's headers: the URL differs.
    req = request_for(other, signature=sign(other, url="https://clinic.example.org/webhooks/sms/webhook"))
    assert asyncio.run(hook.handle(req, bot)).status == 403
    assert bot.texts == ["hello"]


@pytest.mark.parametrize(
    "fields,content_type,status",
    [
        (form(From=None), None, 400),
        (form(From=""), None, 400),
        (form(MessageSid=None, SmsMessageSid=None), None, 400),
        (form(MessageSid="SM<script>", SmsMessageSid=None), None, 400),
        (form(Body=None), None, 400),
        (form(Body="   "), None, 400),
        (form(NumMedia="many"), None, 400),
        (form(), "application/json", 415),
        (form(), "text/plain", 415),
        (form(), "", 415),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_reason(webhook, bot, fields, content_type, status):
    req = request_for(fields)
    if content_type is not None:
        req = replace(req, headers={**req.headers, "content-type": content_type})
    outcome = asyncio.run(webhook.handle(req, bot))
    assert outcome.status == status and outcome.body
    assert bot.received == []


def test_a_json_body_is_refused(webhook, bot):
    req = SmsRequest(body=b'{"From": "+1", "Body": "hi"}', headers={"content-type": "application/json"})
    assert asyncio.run(webhook.handle(req, bot)).status == 415


def test_numbered_reply_sends_the_offered_payload(webhook, bot):
    first = post(webhook, bot, "menu")
    assert "Reply 1 for What it is, 2 for Side effects, 3 for E-mail" in messages_of(first.body)[0]
    post(webhook, bot, "2")
    assert bot.texts[-1] == "/faq_side_effects"
    post(webhook, bot, "consent")
    post(webhook, bot, "one")
    assert bot.texts[-1] == "Yes"
    post(webhook, bot, "consent")
    post(webhook, bot, "No.")
    assert bot.texts[-1] == "No"


def test_a_number_with_nothing_offered_stays_text(webhook, bot):
    post(webhook, bot, "hello")
    post(webhook, bot, "1")
    assert bot.texts[-1] == "1"


def test_typed_forced_intents_are_neutralised_unless_offered(webhook, bot):
    post(webhook, bot, "menu")
    post(webhook, bot, '/inform{"phone":"+16135550000"}')
    assert bot.texts[-1] == NEUTRALISER + '/inform{"phone":"+16135550000"}'
    post(webhook, bot, "menu")
    post(webhook, bot, "/faq_side_effects")  # a payload the bot did offer
    assert bot.texts[-1] == "/faq_side_effects"


def test_stop_opts_out_cancels_quietly_and_start_opts_back_in(webhook, bot, engine):
    outcome = post(webhook, bot, "STOP")
    assert outcome.status == 200 and outcome.body == EMPTY_TWIML
    assert bot.texts == ["stop"]  # Rasa is told, so an active screening is cancelled
    assert SmsStore(engine).is_opted_out(number_hash(NUMBER, SETTINGS.secret_key))
    for text in ("hello", "HELP", "1", "stop"):
        assert post(webhook, bot, text).body == EMPTY_TWIML
    assert bot.texts == ["stop"]  # nothing processed while opted out
    back = post(webhook, bot, "start")
    assert messages_of(back.body) == [
        "You're opted back in to Metropolitan Dental's virtual assistant. Text your question any time, or reply STOP to opt out."
    ]
    assert messages_of(post(webhook, bot, "hello").body) == ["echo hello"]


@pytest.mark.parametrize("keyword", ["stopall", "Unsubscribe", "CANCEL", "end", "Quit."])
def test_every_opt_out_keyword_opts_out(webhook, bot, engine, keyword: str):
    assert post(webhook, bot, keyword).body == EMPTY_TWIML  # Twilio confirms its own keywords
    assert SmsStore(engine).is_opted_out(number_hash(NUMBER, SETTINGS.secret_key))


@pytest.mark.parametrize("keyword", ["ARRET", "Arrêt", "arret"])
def test_arret_opts_out_and_is_confirmed_in_french_in_one_text(webhook, bot, engine, keyword: str):
    """Twilio doesn't know ARRET: it neither blocks nor confirms, so we confirm, in French (CWTA)."""
    (text,) = messages_of(post(webhook, bot, keyword).body)
    assert text.startswith("Désabonnement confirmé") and "START" in text
    assert len(text) <= 160 and sms_size(text).segments == 1
    assert SmsStore(engine).is_opted_out(number_hash(NUMBER, SETTINGS.secret_key))
    assert post(webhook, bot, "ARRET").body == EMPTY_TWIML  # once: already opted out


@pytest.mark.parametrize("keyword", ["YES", "unstop"])
def test_yes_and_unstop_opt_back_in(webhook, bot, keyword: str):
    post(webhook, bot, "STOP")
    assert "opted back in" in messages_of(post(webhook, bot, keyword).body)[0]


def test_yes_while_not_opted_out_is_an_ordinary_message(webhook, bot):
    assert messages_of(post(webhook, bot, "yes").body) == ["echo yes"]


def test_stop_please_is_not_a_keyword(webhook, bot):
    assert messages_of(post(webhook, bot, "STOP PLEASE").body) == ["echo STOP PLEASE"]


@pytest.mark.parametrize("keyword,opt_out", [("HELP", "Reply STOP"), ("info", "Reply STOP"), ("aide", "Répondez ARRET"),
                                             ("AIDE", "Répondez ARRET")])
def test_help_gets_the_clinic_and_how_to_reach_it_in_the_keywords_language(webhook, bot, keyword: str, opt_out: str):
    (text,) = messages_of(post(webhook, bot, keyword).body)
    assert "Metropolitan Dental" in text and "613-555-0100" in text and opt_out in text
    assert len(text) <= 160 and sms_size(text).segments == 1
    assert bot.received == []


def test_a_picture_gets_the_cannot_view_reply_and_is_not_processed(webhook, bot):
    (text,) = messages_of(post(webhook, bot, "", NumMedia="1", MediaUrl0="https://api.twilio.com/x.jpg").body)
    assert "can't view pictures" in text
    assert bot.received == []


def test_a_picture_with_a_caption_answers_the_caption_too(webhook, bot):
    texts = messages_of(post(webhook, bot, "is this normal?", NumMedia="1", MediaUrl0="https://x/y.jpg").body)
    assert "can't view pictures" in texts[0] and texts[1] == "echo is this normal?"
    assert all("https://x/y.jpg" not in m.text for m in bot.received)


def test_an_overlong_body_is_refused_politely(webhook, bot):
    outcome = post(webhook, bot, "x " * 900)
    assert outcome.status == 200 and "too long" in messages_of(outcome.body)[0]
    assert bot.received == []
    assert post(webhook, bot, "y" * MAX_SMS_CHARS).status == 200 and len(bot.received) == 1


def test_a_repeated_message_sid_is_answered_from_the_store(webhook, bot):
    sid = new_sid()
    first = post(webhook, bot, "hello", sid=sid)
    second = post(webhook, bot, "hello", sid=sid)
    assert first.body == second.body and len(bot.received) == 1


def test_concurrent_copies_are_processed_once(engine, domain):
    slow = FakeBot(domain, delay=0.3)
    hook = SmsWebhook(SETTINGS, SmsStore(engine), slow)
    req = request_for(form(Body="hello", MessageSid=new_sid()))

    async def both() -> list[sms.Outcome]:
        return list(await asyncio.gather(*(hook.handle(req, slow) for _ in range(4))))

    outcomes = asyncio.run(both())
    assert len(slow.received) == 1
    assert {o.body for o in outcomes} == {outcomes[0].body} and "echo hello" in outcomes[0].body


def test_a_copy_waiting_too_long_gets_an_empty_response(engine, domain, monkeypatch):
    monkeypatch.setattr(sms, "DUPLICATE_WAIT_SECONDS", 0.2)
    slow = FakeBot(domain, delay=1.0)
    hook = SmsWebhook(SETTINGS, SmsStore(engine), slow)
    req = request_for(form(Body="hello", MessageSid=new_sid()))

    async def both() -> list[sms.Outcome]:
        first = asyncio.create_task(hook.handle(req, slow))
        await asyncio.sleep(0.05)
        second = await hook.handle(req, slow)
        return [await first, second]

    first, second = asyncio.run(both())
    assert "echo hello" in first.body and second.status == 200 and second.body == EMPTY_TWIML


def test_a_failed_turn_releases_the_sid_so_a_retry_is_processed(webhook, bot):
    sid = new_sid()
    bot.fail = True
    assert post(webhook, bot, "hello", sid=sid).status == 500
    bot.fail = False
    assert messages_of(post(webhook, bot, "hello", sid=sid).body) == ["echo hello"]


def test_nothing_personal_is_logged(webhook, bot, caplog):
    caplog.set_level(logging.DEBUG)
    post(webhook, bot, "my secret canary text")
    asyncio.run(webhook.handle(request_for(form(Body="another canary", MessageSid=new_sid()), signature=None), bot))
    post(webhook, bot, "STOP")
    logged = caplog.text
    assert "canary" not in logged and "6135550123" not in logged


def test_output_channel_selects_sms_variations_and_keeps_text_whole():
    out = SmsOutput()
    assert out.name() == "sms"
    asyncio.run(out.send_text_message("x", "para one\n\npara two"))
    assert out.messages == [{"recipient_id": "x", "text": "para one\n\npara two"}]


def test_sms_variation_is_rendered_for_domain_responses(domain):
    (text,) = sms.render_response(domain, "utter_greet")
    assert "Reply 1 for What it is" in text and "/faq" not in text
    assert sms.render_response(domain, "utter_ask_which_change")[0].startswith("Which answer")
    assert "Reply 1" not in sms.render_response(domain, "utter_ask_which_change")[0]  # 12 buttons: none over SMS


def test_channel_registration_and_lazy_store():
    channel = SmsInput.from_credentials(None)
    assert channel.name() == "sms" and channel.url_prefix() == "sms"
    assert isinstance(channel, SmsInput) and channel._store is None


def test_blueprint_warns_loudly_when_signatures_are_skipped(engine, caplog):
    caplog.set_level(logging.WARNING)
    SmsInput(SmsStore(engine), replace(SETTINGS, sms_skip_signature=True)).blueprint(lambda m: None)
    assert "NOT verified" in caplog.text


def test_each_claimed_message_names_its_conversation(webhook, bot, engine):
    post(webhook, bot, "hello there", sid="SM-named")
    with engine.connect() as conn:
        row = conn.execute(select(sms_messages).where(sms_messages.c.message_sid == "SM-named")).one()
    assert row.conversation_id == conversation_id(NUMBER, SETTINGS.secret_key) == bot.received[0].sender_id
    assert row.status == "done"
