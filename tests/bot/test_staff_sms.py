"""Staff texts from the request page: the real `twilio` library against the fake Messages API
(tests/fakes/twilio_api.py), the signed status webhook, opt-outs, the compose box's checks, the
audit trail and the purge."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from bot.settings import Settings
from bot.sms_numbers import number_hash
from bot.sms_outbound import STATUS_PATH, check_recipient, draft, health_words, text_number
from bot.store.audit import AuditLog
from bot.store.db import utcnow
from bot.store.requests import RequestStore
from bot.store.sms import SmsStore
from bot.store.staff_messages import StaffMessageStore, staff_message_states, staff_messages
from bot.store.transcripts import TranscriptStore, add_events
from tests.bot.test_audit import pg_database, pg_engine  # noqa: F401 - fixtures
from tests.bot.test_staff_auth import Staff, add_users, audit_actions, logged_in
from tests.bot.test_staff_pages import add_request
from tests.fakes.twilio_api import FakeTwilio

ACCOUNT = "AC" + "0" * 32
TOKEN = "test-twilio-auth-token"
FROM = "+16135550100"
SECRET = "test-secret-for-staff-sms"
PATIENT = "+16137221234"
TEXT_ME = dict(contact_method="text message", phone=PATIENT)


@pytest.fixture
def fake():
    with FakeTwilio(ACCOUNT, TOKEN, deliver="manual") as server:
        yield server


def sms_settings(fake: FakeTwilio, **overrides) -> Settings:
    values = dict(database_url="sqlite://", staff_idle_minutes=15, public_base_url="http://testserver",
                  twilio_account_sid=ACCOUNT, twilio_auth_token=TOKEN, twilio_from_number=FROM,
                  twilio_api_url=fake.url, secret_key=SECRET)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def desk(engine, fake) -> Staff:
    add_users(engine)
    return logged_in(Staff(engine, sms_settings(fake)))


def compose(desk: Staff, request_id: int = 1) -> dict[str, str]:
    """The compose form's hidden fields, read from the page as a browser would."""
    page = desk.client.get(f"/staff/requests/{request_id}").text
    fields = dict(re.findall(r'<input type="hidden" name="(csrf_token|compose_key)" value="([^"]+)"',
                             page.split('class="sms-compose"', 1)[1]))
    assert set(fields) == {"csrf_token", "compose_key"}
    return fields


def send(desk: Staff, body: str, request_id: int = 1, **extra: str):
    return desk.client.post(f"/staff/requests/{request_id}/sms", data={**compose(desk, request_id), "body": body,
                                                                       **extra}, follow_redirects=False)


def webhook(desk: Staff):
    """Hands a callback to the web app as Twilio would: a POST to the signed URL's path."""

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
        return desk.client.post(urlsplit(url).path, data=params, headers=headers).status_code

    return post


# --- pure checks ------------------------------------------------------------------------------------


def test_the_number_to_text_comes_from_the_request_phone() -> None:
    assert text_number("+16137221234") == ("+16137221234", "")
    assert text_number("not given")[0] is None
    assert text_number("")[0] is None
    assert "extension" in text_number("+16137221234 ext. 45")[1]
    assert text_number("613-722-1234")[0] is None  # the screening stores E.164; anything else is refused


def test_health_words_in_a_draft() -> None:
    assert health_words("Hi Jane, please call us back to book your visit.") == []
    assert health_words("About your Botox injection for the jaw pain") == ["Botox", "injection", "jaw pain"]
    assert health_words("Votre traitement: appelez-nous") == ["traitement"]
    assert health_words("Did the warfarin dose change?", extra=["warfarin"]) == ["warfarin"]


def test_the_draft_counts_with_the_real_encoding() -> None:
    plain = draft("a" * 161)
    assert (plain.size.encoding, plain.size.segments, plain.chars) == ("GSM-7", 2, 161)
    fancy = draft("Merci — à bientôt")  # an em dash and ô: UCS-2
    assert fancy.size.encoding == "UCS-2" and set(fancy.size.unicode_characters) == {"—", "ô"}
    assert draft("x" * 1601).too_long and not draft("x" * 1600).too_long


def test_a_patient_whose_answers_name_a_medication_gets_it_flagged(engine) -> None:
    item = add_request(engine, answers={"medications": "Warfarin daily", "other_conditions": "none"})
    assert draft("Please bring your warfarin list", item).health == ("warfarin",)


# --- the page ------------------------------------------------------------------------------------------


def test_the_compose_box_shows_for_texting_patients_with_the_warning(desk: Staff) -> None:
    add_request(desk.engine, **TEXT_ME)
    page = desk.client.get("/staff/requests/1").text
    assert 'action="/staff/requests/1/sms"' in page
    assert "not to receive health details by text" in page
    assert "Text to +16137221234" in page
    assert '<script src="/staff/static/sms_compose.js" defer></script>' in page


def test_no_compose_box_for_a_patient_who_asked_for_a_call(desk: Staff) -> None:
    add_request(desk.engine)  # contact method: phone call, website chat
    page = desk.client.get("/staff/requests/1").text
    assert "/sms" not in page


def test_an_sms_patient_gets_the_box_too(desk: Staff) -> None:
    add_request(desk.engine, channel="sms", conversation_id="sms:" + "a" * 32)
    assert 'action="/staff/requests/1/sms"' in desk.client.get("/staff/requests/1").text


def test_texting_not_set_up_says_so(engine, fake) -> None:
    add_users(engine)
    desk = logged_in(Staff(engine, sms_settings(fake, twilio_account_sid="", twilio_from_number="")))
    add_request(engine, **TEXT_ME)
    page = desk.client.get("/staff/requests/1").text
    assert "Texting is not set up on this server (TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER missing)" in page
    assert 'class="sms-compose"' not in page


# --- sending and delivery states -------------------------------------------------------------------


def test_send_then_queued_sent_delivered(desk: Staff, fake: FakeTwilio) -> None:
    add_request(desk.engine, **TEXT_ME)
    response = send(desk, "Hello Jane, this is the front desk. When can we call you?")
    assert response.status_code == 303 and response.headers["location"].endswith("msg=sms_sent#staff-sms")
    # What Twilio received, through the real library: auth, To, From, Body, the callback URL.
    assert len(fake.messages) == 1 and all(r["auth_ok"] for r in fake.requests)
    sent = fake.messages[0]
    assert (sent.to, sent.from_, sent.body) == (PATIENT, FROM, "Hello Jane, this is the front desk. When can we call you?")
    assert sent.status_callback == "http://testserver" + STATUS_PATH
    message = StaffMessageStore(desk.engine).for_request(1)[0]
    assert (message.twilio_sid, message.status, message.staff_user) == (sent.sid, "queued", "alice")
    page = desk.client.get("/staff/requests/1?msg=sms_sent").text
    assert "Queued at Twilio" in page and "Front desk (alice)" in page

    callbacks = fake.deliver_pending(webhook(desk))
    assert [c.params["MessageStatus"] for c in callbacks] == ["queued", "sent", "delivered"]
    assert [c.answered for c in callbacks] == [204, 204, 204]
    message = StaffMessageStore(desk.engine).for_request(1)[0]
    assert message.status == "delivered"
    assert [h.status for h in message.history] == ["queued", "sent", "delivered"]
    page = desk.client.get("/staff/requests/1").text
    assert '<strong class="sms-status" data-status="delivered">Delivered</strong>' in page
    # Audited without the text.
    entries = [e for e in AuditLog(desk.engine).entries() if e.action == "sms_sent"]
    assert len(entries) == 1 and entries[0].request_id == 1 and entries[0].actor == "alice"
    assert "front desk" not in entries[0].detail and "1 segment(s), GSM-7" in entries[0].detail


def test_repeated_callbacks_are_recorded_once(engine) -> None:
    add_users(engine)
    with FakeTwilio(ACCOUNT, TOKEN, deliver="manual", repeat_callbacks=3) as fake:
        desk = logged_in(Staff(engine, sms_settings(fake)))
        add_request(engine, **TEXT_ME)
        assert send(desk, "Please call us back.").status_code == 303
        callbacks = fake.deliver_pending(webhook(desk))
    assert len(callbacks) == 9 and {c.answered for c in callbacks} == {204}
    with engine.connect() as conn:
        states = [r.status for r in conn.execute(select(staff_message_states).order_by(staff_message_states.c.id))]
    assert states == ["queued", "sent", "delivered"]


def test_a_late_callback_never_moves_a_message_back(desk: Staff, fake: FakeTwilio) -> None:
    add_request(desk.engine, **TEXT_ME)
    send(desk, "Please call us back.")
    callbacks = fake.pending[:]
    fake.pending = list(reversed(callbacks))  # delivered first, then sent, then queued
    fake.deliver_pending(webhook(desk))
    assert StaffMessageStore(desk.engine).for_request(1)[0].status == "delivered"


def test_an_unreachable_number_shows_undelivered_with_the_reason(engine) -> None:
    add_users(engine)
    with FakeTwilio(ACCOUNT, TOKEN, deliver="manual", unreachable=[PATIENT]) as fake:
        desk = logged_in(Staff(engine, sms_settings(fake)))
        add_request(engine, **TEXT_ME)
        send(desk, "Please call us back.")
        fake.deliver_pending(webhook(desk))
    message = StaffMessageStore(engine).for_request(1)[0]
    assert (message.status, message.error_code) == ("undelivered", "30003")
    page = desk.client.get("/staff/requests/1").text
    assert "Not delivered" in page and "The phone was off or out of reach" in page


def test_a_double_submit_sends_once(desk: Staff, fake: FakeTwilio) -> None:
    add_request(desk.engine, **TEXT_ME)
    form = {**compose(desk), "body": "Please call us back."}
    first = desk.client.post("/staff/requests/1/sms", data=form, follow_redirects=False)
    second = desk.client.post("/staff/requests/1/sms", data=form, follow_redirects=False)
    assert first.headers["location"].endswith("msg=sms_sent#staff-sms")
    assert second.headers["location"].endswith("msg=sms_again#staff-sms")
    assert len(fake.messages) == 1 and len(StaffMessageStore(desk.engine).for_request(1)) == 1


# --- opt-outs ---------------------------------------------------------------------------------------


def test_an_opted_out_number_cannot_be_texted_and_the_page_says_why(desk: Staff, fake: FakeTwilio) -> None:
    add_request(desk.engine, **TEXT_ME)
    SmsStore(desk.engine).set_opted_out(number_hash(PATIENT, SECRET), True)
    page = desk.client.get("/staff/requests/1").text
    assert "No text can be sent." in page and "opted out of texts (STOP or ARRET)" in page
    assert 'class="sms-compose"' not in page
    token = desk.csrf()
    response = desk.client.post("/staff/requests/1/sms", data={"csrf_token": token, "compose_key": "k" * 20,
                                                               "body": "Hello"}, follow_redirects=False)
    assert response.status_code == 409 and "opted out" in response.text
    assert fake.messages == [] and StaffMessageStore(desk.engine).for_request(1) == []


def test_an_sms_conversation_whose_sender_opted_out_is_blocked(desk: Staff) -> None:
    from bot.channels.sms import conversation_id

    sender = "+1 613 555 9876"  # the number the patient texted from; the request names another
    hashed = number_hash(sender, SECRET)  # as the channel records a STOP from it
    add_request(desk.engine, channel="sms", conversation_id=conversation_id(sender, SECRET), **TEXT_ME)
    assert check_recipient(desk.engine, desk.settings, RequestStore(desk.engine).get(1)).ok
    SmsStore(desk.engine).set_opted_out(hashed, True)
    recipient = check_recipient(desk.engine, desk.settings, RequestStore(desk.engine).get(1))
    assert recipient.opted_out and not recipient.ok
    SmsStore(desk.engine).set_opted_out(hashed, False)  # START
    assert check_recipient(desk.engine, desk.settings, RequestStore(desk.engine).get(1)).ok


def test_twilio_failing_with_21610_records_the_opt_out(engine) -> None:
    add_users(engine)
    with FakeTwilio(ACCOUNT, TOKEN, deliver="manual", opted_out=[PATIENT]) as fake:
        desk = logged_in(Staff(engine, sms_settings(fake)))
        add_request(engine, **TEXT_ME)
        assert send(desk, "Please call us back.").status_code == 303
        fake.deliver_pending(webhook(desk))
    message = StaffMessageStore(engine).for_request(1)[0]
    assert (message.status, message.error_code) == ("failed", "21610")
    assert SmsStore(engine).is_opted_out(number_hash(PATIENT, SECRET))
    page = desk.client.get("/staff/requests/1").text
    assert "The patient replied STOP" in page and "No text can be sent." in page


def test_twilio_refusing_at_once_is_shown_and_audited(engine) -> None:
    add_users(engine)
    with FakeTwilio(ACCOUNT, TOKEN, deliver="manual", opted_out=[PATIENT], refuse_opted_out=True) as fake:
        desk = logged_in(Staff(engine, sms_settings(fake)))
        add_request(engine, **TEXT_ME)
        response = send(desk, "Please call us back.")
    assert response.headers["location"].endswith("msg=sms_not_sent#staff-sms")
    message = StaffMessageStore(engine).for_request(1)[0]
    assert (message.status, message.error_code, message.twilio_sid) == ("error", "21610", None)
    assert SmsStore(engine).is_opted_out(number_hash(PATIENT, SECRET))
    assert audit_actions(engine, "sms_not_sent") == ["sms_not_sent"]


def test_twilio_unreachable_is_a_clear_not_sent(engine, fake: FakeTwilio) -> None:
    add_users(engine)
    fake.stop()  # nobody listens there any more
    desk = logged_in(Staff(engine, sms_settings(fake)))
    add_request(engine, **TEXT_ME)
    response = send(desk, "Please call us back.")
    assert response.status_code == 303 and response.headers["location"].endswith("msg=sms_not_sent#staff-sms")
    message = StaffMessageStore(engine).for_request(1)[0]
    assert message.status == "error" and "could not be reached" in (message.error_message or "")
    assert "Twilio could not be reached" in desk.client.get("/staff/requests/1").text


def test_wrong_twilio_credentials_are_not_sent(engine, fake: FakeTwilio) -> None:
    add_users(engine)
    desk = logged_in(Staff(engine, sms_settings(fake, twilio_auth_token="not-the-token")))
    add_request(engine, **TEXT_ME)
    send(desk, "Please call us back.")
    message = StaffMessageStore(engine).for_request(1)[0]
    assert (message.status, message.error_code) == ("error", "20003") and fake.messages == []


# --- bad input: a clear message, a 4xx, nothing lost ---------------------------------------------------


@pytest.mark.parametrize("body,expected", [
    ("", "The text is empty"),
    ("   \n ", "The text is empty"),
    ("x" * 1601, "Twilio refuses more than 1600"),
    ("hello\x00there", "a character a phone cannot show"),
])
def test_bad_drafts_are_refused_and_kept(desk: Staff, fake: FakeTwilio, body: str, expected: str) -> None:
    add_request(desk.engine, **TEXT_ME)
    response = send(desk, body)
    assert response.status_code == 400 and expected in response.text
    assert fake.messages == [] and StaffMessageStore(desk.engine).for_request(1) == []
    if body.strip() and "\x00" not in body:
        assert body in response.text  # the draft is still in the box


def test_health_words_need_the_confirmation(desk: Staff, fake: FakeTwilio) -> None:
    add_request(desk.engine, **TEXT_ME)
    body = "Your Botox consultation for migraines is confirmed."
    response = send(desk, body)
    assert response.status_code == 400
    assert "seems to contain health details (Botox, migraines)" in response.text
    assert body in response.text and 'name="confirm_health"' in response.text
    assert fake.messages == []
    response = send(desk, body, confirm_health="1")
    assert response.status_code == 303 and len(fake.messages) == 1
    entry = [e for e in AuditLog(desk.engine).entries() if e.action == "sms_sent"][0]
    assert entry.detail.endswith("health words confirmed")


def test_malformed_form_fields_are_4xx(desk: Staff) -> None:
    add_request(desk.engine, **TEXT_ME)
    token = desk.csrf()
    missing_key = desk.client.post("/staff/requests/1/sms", data={"csrf_token": token, "body": "hi"})
    assert missing_key.status_code == 400 and "Reload the page" in missing_key.text
    assert desk.client.post("/staff/requests/99/sms", data={"csrf_token": token, "body": "hi"}).status_code == 404
    assert desk.client.post("/staff/requests/abc/sms", data={"csrf_token": token}).status_code == 422


def test_without_csrf_or_login_nothing_is_sent(engine, fake: FakeTwilio) -> None:
    add_users(engine)
    desk = Staff(engine, sms_settings(fake))
    add_request(engine, **TEXT_ME)
    assert desk.client.post("/staff/requests/1/sms", data={"body": "hi"}).status_code == 401
    logged_in(desk)
    refused = desk.client.post("/staff/requests/1/sms", data={"body": "hi", "compose_key": "k" * 20,
                                                              "csrf_token": "forged"})
    assert refused.status_code == 403
    assert fake.messages == [] and "csrf_refused" in audit_actions(engine)


# --- the live count --------------------------------------------------------------------------------------


def test_the_draft_api_counts_and_flags(desk: Staff) -> None:
    add_request(desk.engine, **TEXT_ME)
    token = desk.csrf()
    answer = desk.client.post("/staff/api/requests/1/sms-draft", content="Hi — your pain?".encode(),
                              headers={"X-CSRF-Token": token})
    data = answer.json()
    assert (data["encoding"], data["segments"], data["health_words"]) == ("UCS-2", 1, ["pain"])
    assert data["unicode_characters"] == ["—"]
    assert desk.client.post("/staff/api/requests/1/sms-draft", content=b"x",
                            headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert desk.client.post("/staff/api/requests/1/sms-draft", content=b"\xff\xfe",
                            headers={"X-CSRF-Token": token}).status_code == 400
    assert desk.client.post("/staff/api/requests/9/sms-draft", content=b"x",
                            headers={"X-CSRF-Token": token}).status_code == 404


# --- the status webhook ----------------------------------------------------------------------------------


def signed(desk: Staff, params: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(token).compute_signature("http://testserver" + STATUS_PATH, params)
    return {"X-Twilio-Signature": signature}


def test_the_webhook_refuses_unsigned_tampered_and_malformed_callbacks(desk: Staff, fake: FakeTwilio) -> None:
    add_request(desk.engine, **TEXT_ME)
    send(desk, "Please call us back.")
    sid = fake.messages[0].sid
    good = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": ACCOUNT}
    post = desk.client.post
    assert post(STATUS_PATH, data=good).status_code == 403  # no signature
    assert post(STATUS_PATH, data=good, headers=signed(desk, good, "other-token")).status_code == 403
    tampered = {**good, "MessageStatus": "failed"}
    assert post(STATUS_PATH, data=tampered, headers=signed(desk, good)).status_code == 403
    assert StaffMessageStore(desk.engine).for_request(1)[0].status == "queued"  # nothing recorded
    for bad in ({**good, "MessageStatus": "exploded"}, {**good, "MessageSid": "nope"},
                {**good, "ErrorCode": "abc"}, {"MessageStatus": "sent"}):
        assert post(STATUS_PATH, data=bad, headers=signed(desk, bad)).status_code == 400, bad
    assert post(STATUS_PATH, content=b'{"MessageSid": 1}', headers={"Content-Type": "application/json"}
                ).status_code == 415
    big = {**good, "Body": "x" * 20_000}
    assert post(STATUS_PATH, data=big, headers=signed(desk, big)).status_code == 413
    assert post(STATUS_PATH, data=good, headers=signed(desk, good)).status_code == 204
    assert StaffMessageStore(desk.engine).for_request(1)[0].status == "delivered"


def test_a_callback_before_the_sid_is_stored_is_not_lost(engine) -> None:
    store = StaffMessageStore(engine)
    message, _ = store.add(1, "conv", "alice", "hello", "sms", "key-" + "x" * 20)
    sid = "SM" + "f" * 32
    assert store.record_callback(sid, "sent") is True  # Twilio was faster than our UPDATE
    assert store.record_callback(sid, "sent") is False
    assert store.accepted(message.id, sid, "queued").status == "sent"
    with pytest.raises(ValueError):
        store.record_callback(sid, "pending")


# --- retention -------------------------------------------------------------------------------------------


def test_the_purge_removes_old_staff_texts_with_the_transcript(desk: Staff, fake: FakeTwilio) -> None:
    item = add_request(desk.engine, **TEXT_ME)
    add_events(desk.engine, item.conversation_id, [{"event": "user", "timestamp": 1.0, "text": "old"}])
    send(desk, "Old text.")
    fake.deliver_pending(webhook(desk))
    send(desk, "New text.")
    with desk.engine.begin() as conn:
        conn.execute(update(staff_messages).where(staff_messages.c.body == "Old text.")
                     .values(created_at=utcnow() - timedelta(days=100)))
    result = TranscriptStore(desk.engine).purge(90)
    assert result.staff_messages == 1 and result.events == 1
    left = StaffMessageStore(desk.engine).for_request(1)
    assert [m.body for m in left] == ["New text."]
    with desk.engine.connect() as conn:
        assert conn.execute(select(staff_message_states).where(
            staff_message_states.c.twilio_sid == fake.messages[0].sid)).fetchall() == []
    assert RequestStore(desk.engine).get(1) is not None  # the request stays
    assert TranscriptStore(desk.engine).purge(90).staff_messages == 0  # idempotent


def test_staff_texts_are_in_the_transcript_in_order_with_who_wrote_them(desk: Staff, fake: FakeTwilio) -> None:
    item = add_request(desk.engine, **TEXT_ME)
    now = time.time()
    add_events(desk.engine, item.conversation_id, [
        {"event": "user", "timestamp": now - 60, "text": "Can someone text me?"},
        {"event": "bot", "timestamp": now - 59, "text": "The team will reach you."},
    ])
    send(desk, "Hi Jane, the front desk here.")
    fake.deliver_pending(webhook(desk))
    page = desk.client.get("/staff/requests/1").text
    transcript = page.split('id="transcript"', 1)[1]
    assert transcript.index("Can someone text me?") < transcript.index("The team will reach you.") \
        < transcript.index("Hi Jane, the front desk here.")
    assert re.search(r"Front desk \(alice\) · [^<]* · SMS · Delivered</p>", transcript)
    printed = desk.client.get("/staff/requests/1/print?transcript=1").text
    assert "Front desk (alice)" in printed and "Hi Jane, the front desk here." in printed


def test_a_callback_racing_the_send_for_the_same_state_is_no_error(engine) -> None:
    """Twilio's 'queued' callback can commit between our check and our insert of the same state."""
    from sqlalchemy import event

    store = StaffMessageStore(engine)
    message, _ = store.add(1, "conv", "alice", "hello", "sms", "key-" + "r" * 20)
    sid = "SM" + "e" * 32
    raced = []

    def callback_commits_first(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("INSERT INTO staff_message_states") and not raced:
            raced.append(True)
            other = sqlite3.connect(engine.url.database)  # another server's connection
            other.execute("INSERT INTO staff_message_states (twilio_sid, status, at) VALUES (?, 'queued', ?)",
                          (sid, str(utcnow())))
            other.commit()
            other.close()

    event.listen(engine, "before_cursor_execute", callback_commits_first)
    try:
        result = store.accepted(message.id, sid, "queued")
    finally:
        event.remove(engine, "before_cursor_execute", callback_commits_first)
    assert raced and result is not None and (result.twilio_sid, result.status) == (sid, "queued")
    assert store.record_callback(sid, "delivered") and store.get(message.id).status == "delivered"


def test_an_opted_out_failure_that_beats_the_sid_still_blocks_the_number(desk: Staff) -> None:
    """Twilio's failed/21610 callback can arrive before the send stores the sid (CI saw the page
    show 'failed' without the block): the page reads the block from the message's own states,
    and a later START lifts it."""
    add_request(desk.engine, **TEXT_ME)
    store = StaffMessageStore(desk.engine)
    message, _ = store.add(1, "conv", "alice", "Please call us back.", "sms", "key-" + "b" * 20)
    sid = "SM" + "b" * 32
    failed = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "21610", "AccountSid": ACCOUNT}
    assert desk.client.post(STATUS_PATH, data=failed, headers=signed(desk, failed)).status_code == 204
    assert not SmsStore(desk.engine).is_opted_out(number_hash(PATIENT, SECRET))  # no message had the sid
    assert check_recipient(desk.engine, desk.settings, RequestStore(desk.engine).get(1)).ok
    store.accepted(message.id, sid, "queued")  # the store alone: not SmsSender's own re-check
    recipient = check_recipient(desk.engine, desk.settings, RequestStore(desk.engine).get(1))
    assert recipient.opted_out and not recipient.ok
    page = desk.client.get("/staff/requests/1").text
    assert 'data-status="failed"' in page and "No text can be sent." in page
    time.sleep(0.01)
    SmsStore(desk.engine).set_opted_out(number_hash(PATIENT, SECRET), False)  # START, after the failure
    assert check_recipient(desk.engine, desk.settings, RequestStore(desk.engine).get(1)).ok


def test_the_webhook_records_the_opt_out_when_the_sid_lands_while_it_works(desk: Staff, monkeypatch) -> None:
    """The other interleaving: the webhook looked before the sid was stored, and the send stored
    it (and read its states) before the webhook's failed state was committed."""
    import bot.web.sms_status as sms_status

    add_request(desk.engine, **TEXT_ME)
    store = StaffMessageStore(desk.engine)
    message, _ = store.add(1, "conv", "alice", "Please call us back.", "sms", "key-" + "c" * 20)
    sid = "SM" + "c" * 32
    first_look = sms_status._opted_out
    looks = []

    def look_then_send_lands(request, found_in, sid_):
        looks.append(sid_)
        result = first_look(request, found_in, sid_)
        if len(looks) == 1:
            store.accepted(message.id, sid, "queued")  # the send finishes in between
        return result

    monkeypatch.setattr(sms_status, "_opted_out", look_then_send_lands)
    failed = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "21610", "AccountSid": ACCOUNT}
    assert desk.client.post(STATUS_PATH, data=failed, headers=signed(desk, failed)).status_code == 204
    assert looks == [sid, sid]
    assert SmsStore(desk.engine).is_opted_out(number_hash(PATIENT, SECRET))


def test_the_page_polls_delivery_states_while_a_text_is_on_its_way(desk: Staff, fake: FakeTwilio) -> None:
    add_request(desk.engine, **TEXT_ME)
    send(desk, "Please call us back.")
    page = desk.client.get("/staff/requests/1").text
    assert 'data-states-url="/staff/api/requests/1/sms-states"' in page and 'data-pending="1"' in page
    states = desk.client.get("/staff/api/requests/1/sms-states").json()["messages"]
    assert [(m["status"], m["label"], m["final"]) for m in states] == [("queued", "Queued at Twilio", False)]
    fake.deliver_pending(webhook(desk))
    states = desk.client.get("/staff/api/requests/1/sms-states").json()["messages"]
    assert [(m["status"], m["label"], m["final"]) for m in states] == [("delivered", "Delivered", True)]
    assert 'data-pending="1"' not in desk.client.get("/staff/requests/1").text
    assert desk.client.get("/staff/api/requests/99/sms-states").json() == {"messages": []}


def test_the_store_on_postgresql_states_once_and_purge(pg_engine) -> None:  # noqa: F811
    """The same store on PostgreSQL (the production database): unique states, the purge's subqueries."""
    store = StaffMessageStore(pg_engine)
    message, new = store.add(1, "conv-pg", "alice", "hello", "sms", "key-" + "p" * 20)
    assert new and not store.add(1, "conv-pg", "alice", "hello", "sms", "key-" + "p" * 20)[1]
    sid = "SM" + "a" * 32
    assert store.record_callback(sid, "sent") and not store.record_callback(sid, "sent")
    assert store.accepted(message.id, sid, "queued").status == "sent"
    assert store.record_callback(sid, "undelivered", "30003")
    assert (store.get(message.id).status, store.get(message.id).error_code) == ("undelivered", "30003")
    orphan = "SM" + "b" * 32
    store.record_callback(orphan, "delivered")  # a sid no message of ours claims
    assert store.purge(utcnow() + timedelta(seconds=1)) == 1
    assert store.get(message.id) is None and store.by_sid(sid) is None
    with pg_engine.connect() as conn:
        assert conn.execute(select(staff_message_states)).fetchall() == []


def test_a_channel_of_our_own_sets_states_forward_only(engine) -> None:
    store = StaffMessageStore(engine)
    message, _ = store.add(1, "widget-conv", "alice", "hello", "widget", "key-" + "w" * 20)
    assert store.set_state(message.id, "waiting") and store.get(message.id).status == "waiting"
    assert store.set_state(message.id, "delivered") and store.get(message.id).final
    assert not store.set_state(message.id, "waiting")  # never backwards
    assert not store.set_state(999, "delivered")
    with pytest.raises(ValueError):
        store.set_state(message.id, "exploded")
    with pytest.raises(ValueError):
        store.add(1, "c", "alice", "hello", "pigeon", "key-" + "x" * 20)
