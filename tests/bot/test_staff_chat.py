"""Writing in a widget patient's chat from the request page: stored waiting, shown with its state,
part of the transcript with who wrote it, audit-logged, sent once, purged with the transcript."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.settings import Settings
from bot.store.db import utcnow
from bot.store.staff_messages import MAX_BODY_CHARS, StaffMessageStore, staff_messages
from bot.store.transcripts import TranscriptStore, add_events
from tests.bot.test_staff_auth import Staff, add_users, audit_actions, logged_in
from tests.bot.test_staff_pages import add_request


@pytest.fixture
def desk(engine) -> Staff:
    add_users(engine)
    return logged_in(Staff(engine, Settings(database_url="sqlite://", staff_idle_minutes=15)))


def compose(desk: Staff, request_id: int = 1) -> dict[str, str]:
    page = desk.client.get(f"/staff/requests/{request_id}").text
    fields = dict(re.findall(r'<input type="hidden" name="(csrf_token|compose_key)" value="([^"]+)"',
                             page.split('class="chat-compose"', 1)[1]))
    assert set(fields) == {"csrf_token", "compose_key"}
    return fields


def write(desk: Staff, body: str, request_id: int = 1, fields: dict[str, str] | None = None):
    return desk.client.post(f"/staff/requests/{request_id}/chat",
                            data={**(fields or compose(desk, request_id)), "body": body}, follow_redirects=False)


def test_a_widget_request_offers_the_chat_box_and_an_sms_one_does_not(desk: Staff) -> None:
    add_request(desk.engine)
    add_request(desk.engine, key="k2", channel="sms", conversation_id="sms:" + "a" * 32)
    assert 'action="/staff/requests/1/chat"' in desk.client.get("/staff/requests/1").text
    assert 'action="/staff/requests/2/chat"' not in desk.client.get("/staff/requests/2").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', desk.client.get("/staff/requests/2").text).group(1)
    refused = desk.client.post("/staff/requests/2/chat", data={"csrf_token": token, "compose_key": "k" * 24,
                                                               "body": "hello"})
    assert refused.status_code == 409 and "did not write from the website chat" in refused.text
    assert StaffMessageStore(desk.engine).for_request(2) == []


def test_a_message_waits_for_the_patient_is_audited_and_sent_once(desk: Staff) -> None:
    add_request(desk.engine)
    fields = compose(desk)
    answer = write(desk, "  Hello Jane, this is the front desk.  ", fields=fields)
    assert answer.status_code == 303 and answer.headers["location"].endswith("?msg=chat_sent#staff-chat")
    [message] = StaffMessageStore(desk.engine).for_request(1)
    assert (message.channel, message.status, message.body, message.staff_user) == (
        "widget", "waiting", "Hello Jane, this is the front desk.", "alice")
    again = write(desk, "Hello Jane, this is the front desk.", fields=fields)  # a double click
    assert again.headers["location"].endswith("?msg=chat_again#staff-chat")
    assert len(StaffMessageStore(desk.engine).for_request(1)) == 1
    assert audit_actions(desk.engine, "chat_message_sent") == ["chat_message_sent"]
    page = desk.client.get("/staff/requests/1").text
    assert 'data-status="waiting"' in page and "shown when the patient next opens the chat" in page
    assert 'id="staff-sms"' not in page  # not a text: the SMS box does not list it
    states = desk.client.get("/staff/api/requests/1/chat-states").json()
    assert states == {"messages": [{"id": message.id, "status": "waiting", "final": False,
                                    "label": "Waiting: shown when the patient next opens the chat"}]}
    StaffMessageStore(desk.engine).set_state(message.id, "delivered")  # what the Rasa server does
    assert desk.client.get("/staff/api/requests/1/chat-states").json()["messages"][0]["final"] is True
    assert "Delivered to the patient&#39;s chat" in desk.client.get("/staff/requests/1").text


@pytest.mark.parametrize(("body", "status", "why"), [
    ("   ", 400, "The message is empty"),
    ("x" * (MAX_BODY_CHARS + 1), 400, "the chat takes at most"),
    ("bad \x00 byte", 400, "cannot show"),
])
def test_bad_messages_are_refused_with_the_draft_kept(desk: Staff, body: str, status: int, why: str) -> None:
    add_request(desk.engine)
    answer = write(desk, body)
    assert answer.status_code == status and why in answer.text
    assert StaffMessageStore(desk.engine).for_request(1) == []


def test_the_message_is_in_the_transcript_with_who_wrote_it_and_goes_with_the_purge(desk: Staff) -> None:
    item = add_request(desk.engine)
    now = time.time()
    add_events(desk.engine, item.conversation_id, [
        {"event": "user", "timestamp": now - 60, "text": "Can a person answer me?"},
        {"event": "bot", "timestamp": now - 59, "text": "I've passed your message on."},
    ])
    write(desk, "Yes, this is Alice at the front desk.")
    page = desk.client.get("/staff/requests/1").text
    transcript = page.split('id="transcript"', 1)[1]
    order = [transcript.index(t) for t in ("Can a person answer me?", "passed your message on",
                                           "Yes, this is Alice at the front desk.")]
    assert order == sorted(order)
    assert "Front desk (alice)" in transcript and "Website chat" in transcript
    with desk.engine.begin() as conn:
        conn.execute(update(staff_messages).values(created_at=utcnow() - timedelta(days=100)))
    assert TranscriptStore(desk.engine).purge(90).staff_messages == 1
    assert StaffMessageStore(desk.engine).for_request(1) == []
    assert "Yes, this is Alice" not in desk.client.get("/staff/requests/1").text
