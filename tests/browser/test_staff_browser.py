"""The staff pages in Debian's Chromium against the real servers, with requests from real conversations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest

from bot.store.audit import AuditLog
from bot.store.db import make_engine
from bot.store.requests import ConsultationRequest, RequestStore
from bot.store.staff_users import StaffStore

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PASSWORD = "browser test passphrase 1"
XSS_REASON = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>'

# The screening as a patient types it: (answer, words expected in the bot's reply to it).
SCREENING = [
    ("I'd like to book a consultation", "Only the clinic's staff will see your answers"),
    ("Yes", "What brings you to us"),
    ("{reason}", "medications"),
    ("advil sometimes", "surgery"),
    ("no", "weakness"),
    ("no", "nerve"),
    ("no", "pregnant"),
    ("no", "other medical conditions"),
    ("none", "full name"),
    ("Jane Doe", "phone number"),
    ("613-555-0123", "e-mail"),
    ("skip", "contact you"),
    ("Phone call", "good time"),
    ("weekday mornings", "Here's what I have"),
    ("Yes", "Thank you, Jane Doe"),
]


@dataclass
class StaffLogin:
    username: str
    password: str


def say(url: str, sender: str, text: str) -> str:
    response = httpx.post(url, json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return "\n".join(r.get("text", "") for r in response.json())


def screen(running_bot, reason: str = "jaw pain from clenching") -> tuple[str, int]:
    """A whole screening over REST; the conversation id and the request it created."""
    sender = f"browser-{uuid.uuid4().hex[:10]}"
    for answer, expected in SCREENING:
        reply = say(running_bot.rest_url, sender, answer.format(reason=reason))
        assert expected.lower() in reply.lower(), f"after {answer!r} the bot said {reply!r}"
    engine = make_engine(running_bot.settings.database_url)
    try:
        (request,) = RequestStore(engine, create=False).list(conversation_id=sender)
    finally:
        engine.dispose()
    return sender, request.id




@pytest.fixture(scope="module")
def account(running_bot) -> StaffLogin:
    engine = make_engine(running_bot.settings.database_url)
    name = f"frontdesk-{uuid.uuid4().hex[:6]}"
    StaffStore(engine).add_user(name, PASSWORD, "staff")
    engine.dispose()
    return StaffLogin(name, PASSWORD)


@pytest.fixture
def page(browser, running_bot):
    context = browser.new_context(base_url=running_bot.web_url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.console_errors = []  # CSP violations and failed loads show up here
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("response", lambda response: response.status >= 400 and tab.console_errors.append(
        f"{response.status} {response.url}"))
    yield tab
    context.close()


def log_in(page, account: StaffLogin, path: str = "/staff") -> None:
    page.goto(path)
    assert "/staff/login" in page.url  # not logged in yet: sent to the login
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", account.password)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"**{path}")


def test_log_in_review_a_real_screening_and_log_out(running_bot, page, account) -> None:
    sender, request_id = screen(running_bot)
    log_in(page, account)
    row = page.locator("tr", has=page.locator(f"a[href='/staff/requests/{request_id}']"))
    assert "jaw pain from clenching" in row.inner_text() and "New" in row.inner_text()
    page.click(f"a[href='/staff/requests/{request_id}']")
    page.wait_for_url(f"**/staff/requests/{request_id}")
    transcript = page.locator("#transcript").inner_text()
    for line in ("What brings you to us", "jaw pain from clenching", "advil sometimes", "Request sent to staff",
                 "Thank you, Jane Doe"):
        assert line in transcript, line
    details = page.locator("main").inner_text()
    assert "+16135550123" in details and "weekday mornings" in details
    page.click("button:has-text('Assign to me')")
    page.wait_for_selector("text=You are handling this.")
    page.select_option("#status-select", "contacted")
    page.click("button:has-text('Change status')")
    page.wait_for_selector("text=Status changed.")
    assert page.locator("#status-select").input_value() == "contacted"
    page.fill("textarea[name=body]", "Called, left a voicemail.")
    page.click("button:has-text('Add note')")
    page.wait_for_selector("#notes >> text=Called, left a voicemail.")
    assert account.username in page.locator("#notes").inner_text()
    page.click(f"button:has-text('Log out {account.username}')")
    page.wait_for_url("**/staff/login")
    page.goto(f"/staff/requests/{request_id}")
    assert "/staff/login" in page.url  # the session really ended
    assert page.console_errors == []

    engine = make_engine(running_bot.settings.database_url)
    try:
        stored = RequestStore(engine, create=False)
        assert stored.get(request_id).status == "contacted"
        assert stored.get(request_id).assigned_to == account.username
        assert [n.body for n in stored.notes(request_id)] == ["Called, left a voicemail."]
        actions = {e.action for e in AuditLog(engine).entries(actor=account.username)}
        assert {"login", "view_inbox", "view_request", "assign", "status_change", "add_note", "logout"} <= actions
    finally:
        engine.dispose()


def test_a_patients_xss_payload_shows_as_text_and_runs_nothing(running_bot, page, account) -> None:
    _, request_id = screen(running_bot, reason=XSS_REASON)
    log_in(page, account)
    assert page.evaluate("window.__xss") is None
    page.goto(f"/staff/requests/{request_id}")
    reason = page.locator("dt:has-text('Reason') + dd").inner_text()
    assert reason == XSS_REASON
    assert XSS_REASON in page.locator("#transcript").inner_text()
    page.goto(f"/staff/requests/{request_id}/print?transcript=1")
    assert XSS_REASON in page.locator("body").inner_text()
    for path in (f"/staff/requests/{request_id}", "/staff"):
        page.goto(path)
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("img").count() == 0, path  # the <img> is text, never an element
        assert page.locator("main script").count() == 0, path
    assert page.console_errors == []


def test_a_question_the_bot_could_not_answer_appears_on_the_unanswered_page(running_bot, page, account) -> None:
    sender = f"browser-oos-{uuid.uuid4().hex[:8]}"
    reply = say(running_bot.rest_url, sender, "how much does it cost?")
    assert "don't have that information" in reply
    log_in(page, account, "/staff/unanswered")
    group = page.locator("tr", has=page.locator("text=how much does it cost?"))
    assert group.count() == 1
    assert int(group.locator("td.num").inner_text()) >= 1
    group.locator("button:has-text('Mark handled')").click()
    page.wait_for_selector("text=Marked as handled.")
    assert page.locator("tbody >> text=how much does it cost?").count() == 0
    page.goto("/staff/unanswered?show=all")
    assert f"handled by {account.username}" in page.locator("main").inner_text()


def test_the_inbox_offers_a_refresh_when_a_request_arrives(running_bot, page, account) -> None:
    log_in(page, account, "/staff?poll=1")
    assert page.locator("#new-requests").is_hidden()
    engine = make_engine(running_bot.settings.database_url)
    try:
        RequestStore(engine, create=False).add(ConsultationRequest(
            submission_key=f"banner-{uuid.uuid4().hex}", conversation_id="banner-test", channel="socketio",
            reason="migraines", full_name="Sam Example", phone="+16137221234"))
    finally:
        engine.dispose()
    page.wait_for_selector("#new-requests", state="visible", timeout=10_000)
    assert page.locator("#new-requests").inner_text() == "New requests — refresh"
    page.click("#new-requests a")
    page.wait_for_selector("text=Sam Example")
    assert page.locator("#new-requests").is_hidden()
