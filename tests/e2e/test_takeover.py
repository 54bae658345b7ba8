"""Live takeover end to end, over SMS, against the running servers: the web app records the
takeover and has the Rasa server pause the bot (ConversationPaused in the stored tracker); the
patient's texts get no reply and show on the staff page's live poll; an emergency still gets 911
at once and an alert; hand back resumes the bot."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from bot.store.audit import AuditLog
from bot.store.requests import ConsultationRequest, RequestStore
from bot.store.staff_users import StaffStore
from tests.e2e.test_sms import Phone

pytestmark = pytest.mark.e2e

PASSWORD = "takeover e2e passphrase"


@pytest.fixture(scope="module")
def desk(running_bot):
    engine = running_bot.engine()
    name = f"desk-{uuid.uuid4().hex[:6]}"
    StaffStore(engine).add_user(name, PASSWORD, "staff")
    engine.dispose()
    with httpx.Client(base_url=running_bot.web_url, timeout=30, follow_redirects=True) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/staff/login").text).group(1)
        answer = client.post("/staff/login", data={"csrf_token": token, "username": name, "password": PASSWORD,
                                                   "next": "/staff"})
        assert answer.status_code == 200
        client.username = name  # type: ignore[attr-defined]
        yield client


def csrf(desk: httpx.Client, request_id: int) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', desk.get(f"/staff/requests/{request_id}").text).group(1)


def test_an_sms_conversation_taken_over_is_silent_but_for_emergencies_then_handed_back(running_bot, desk) -> None:
    phone = Phone(running_bot)
    assert "dry mouth" in " ".join(phone.text("what are the side effects?")).lower()
    engine = running_bot.engine()
    try:
        stored, _ = RequestStore(engine).add(ConsultationRequest(
            submission_key=f"takeover-{uuid.uuid4().hex[:8]}", conversation_id=phone.conversation, channel="sms",
            kind="message", full_name="Sam Texter", phone=phone.number, contact_method="text message",
            question_for_staff="can someone text me?"))
    finally:
        engine.dispose()
    request_id = stored.id

    page = desk.post(f"/staff/requests/{request_id}/takeover", data={"csrf_token": csrf(desk, request_id)})
    assert page.status_code == 200 and "You have this conversation" in page.text
    after = int(re.search(r'data-after="(\d+)"', page.text).group(1))
    assert [e["event"] for e in phone.events()].count("pause") == 1  # Rasa's own ConversationPaused

    # A second person cannot have it at the same time.
    assert desk.post(f"/staff/requests/{request_id}/takeover",
                     data={"csrf_token": csrf(desk, request_id)}).status_code == 409

    assert phone.text("are you still there? what are the side effects?") == []  # the bot is silent
    live = desk.get(f"/staff/api/requests/{request_id}/live", params={"after": after}).json()
    assert live["takeover"]["mine"] is True
    assert [(line["kind"], line["text"]) for line in live["lines"]] == [
        ("patient", "are you still there? what are the side effects?")]

    emergency = " ".join(phone.text("my throat is closing and I can't breathe"))
    assert "911" in emergency
    live = desk.get(f"/staff/api/requests/{request_id}/live", params={"after": live["lines"][-1]["id"]}).json()
    assert [line["kind"] for line in live["lines"]] == ["patient", "assistant"]
    assert "Emergency" in live["lines"][-1]["alert"] and "911" in live["lines"][-1]["text"]

    back = desk.post(f"/staff/requests/{request_id}/handback", data={"csrf_token": csrf(desk, request_id)})
    assert back.status_code == 200 and "Handed back" in back.text
    assert [e["event"] for e in phone.events()][-1] == "resume"
    assert "dry mouth" in " ".join(phone.text("what are the side effects?")).lower()

    engine = running_bot.engine()
    try:
        actions = [e.action for e in AuditLog(engine).entries(request_id=request_id, limit=100)]
    finally:
        engine.dispose()
    assert "takeover_start" in actions and "takeover_end" in actions
