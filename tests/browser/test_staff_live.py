"""The front desk and a widget patient at once, in two Chromium contexts against the real servers:
a message typed on the request page shows in the patient's open chat in real time, and one typed
while the chat is closed waits and shows when they come back.

Screenshots for docs/ (`UPDATE_DOCS_SCREENSHOTS=1`; otherwise reports/screenshots/):
widget-front-desk.png (the widget showing a front-desk message).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import ROOT
from bot.store.db import make_engine
from bot.store.requests import ConsultationRequest, RequestStore
from bot.store.staff_users import StaffStore
from tests.browser.chromium import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PASSWORD = "live desk passphrase 12"
TURN = 30_000  # ms: one bot turn, generously


def screenshots() -> Path:
    target = ROOT / "docs" if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ROOT / "reports" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    return target




@pytest.fixture(scope="module")
def desk_user(running_bot) -> str:
    engine = make_engine(running_bot.settings.database_url)
    name = f"maria-{uuid.uuid4().hex[:4]}"
    StaffStore(engine).add_user(name, PASSWORD, "staff")
    engine.dispose()
    return name


class Watched:
    """A tab with its script errors and CSP violations collected (checked at the end)."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 860}, **options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))


@pytest.fixture
def tabs(browser) -> Iterator[Any]:
    opened: list[Watched] = []

    def make(**options: Any) -> Any:
        opened.append(Watched(browser, **options))
        return opened[-1].page

    yield make
    problems = [p for tab in opened for p in tab.problems]
    for tab in opened:
        tab.context.close()
    assert problems == [], problems


def patient_in_chat(tabs: Any, running_bot: Any) -> tuple[Any, str]:
    """A patient with the widget open who has asked one question; their page and session id."""
    from playwright.sync_api import expect

    page = tabs()
    page.goto(running_bot.web_url + "/")
    page.get_by_role("button", name="Chat with us").click()
    page.locator("#mdw-panel[data-connection=online]").wait_for(timeout=TURN)
    page.get_by_label("Your message").fill("can I talk to a person?")
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(".mdw-log .mdw-bot .mdw-bubble").nth(1)).to_be_visible(timeout=TURN)
    raw = page.evaluate("(key) => sessionStorage.getItem(key)", f"metroDentalChat:{running_bot.rasa_url}")
    return page, json.loads(raw)["session"]["id"]


def request_for(running_bot: Any, session_id: str) -> int:
    """The request the front desk answers (as the bot's hand-off would have stored it)."""
    engine = make_engine(running_bot.settings.database_url)
    try:
        stored, _ = RequestStore(engine).add(ConsultationRequest(
            submission_key=f"live-{uuid.uuid4().hex[:8]}", conversation_id=session_id, channel="socketio",
            kind="message", full_name="Widget Patient", phone="not given", contact_method="Website chat",
            question_for_staff="can I talk to a person?"))
    finally:
        engine.dispose()
    assert stored.id is not None
    return stored.id


def staff_on(tabs: Any, running_bot: Any, user: str, request_id: int) -> Any:
    page = tabs(base_url=running_bot.web_url)
    log_in(page, user, PASSWORD, f"/staff/requests/{request_id}")
    return page


def write_in_chat(staff: Any, text: str) -> None:
    staff.fill("#chat-body", text)
    staff.click("form.chat-compose button[type=submit]")
    staff.wait_for_url(re.compile(r"msg=chat_sent"))


def test_the_front_desk_writes_in_an_open_chat_and_in_a_closed_one(running_bot, tabs, desk_user) -> None:
    from playwright.sync_api import expect

    patient, session_id = patient_in_chat(tabs, running_bot)
    request_id = request_for(running_bot, session_id)
    staff = staff_on(tabs, running_bot, desk_user, request_id)

    # The chat is open: the message shows there in real time, as from the front desk.
    write_in_chat(staff, "Hello, this is Maria at the front desk. How can I help?")
    bubble = patient.locator(".mdw-log .mdw-staff").filter(has_text="this is Maria at the front desk")
    expect(bubble).to_have_count(1, timeout=TURN)
    expect(bubble).to_contain_text(f"front desk ({desk_user})")
    expect(staff.locator("#staff-chat .chat-status").last).to_have_attribute("data-status", "delivered",
                                                                             timeout=TURN)
    patient.locator(".mdw-panel").screenshot(path=str(screenshots() / "widget-front-desk.png"))

    # The patient leaves the page; a message written now waits...
    patient.goto("about:blank")
    staff.goto(f"/staff/requests/{request_id}")
    write_in_chat(staff, "We can call you tomorrow morning if you like.")
    expect(staff.locator("#staff-chat .chat-status").last).to_have_attribute("data-status", "waiting")
    # ...and shows when they come back to the site, with the rest of the conversation.
    patient.goto(running_bot.web_url + "/")
    later = patient.locator(".mdw-log .mdw-staff").filter(has_text="call you tomorrow morning")
    expect(later).to_have_count(1, timeout=TURN)
    expect(patient.locator(".mdw-log .mdw-user").filter(has_text="can I talk to a person?")).to_have_count(1)
    expect(patient.locator(".mdw-log .mdw-staff")).to_have_count(2)  # each once, none twice
    expect(staff.locator("#staff-chat .chat-status").last).to_have_attribute("data-status", "delivered",
                                                                             timeout=TURN)
    transcript = staff.locator("#transcript")
    staff.reload()
    expect(transcript).to_contain_text(f"Front desk ({desk_user})")
    expect(transcript).to_contain_text("We can call you tomorrow morning")


def patient_says(patient: Any, text: str) -> None:
    from playwright.sync_api import expect

    patient.get_by_label("Your message").fill(text)
    patient.get_by_label("Your message").press("Enter")
    expect(patient.locator(".mdw-log .mdw-user").filter(has_text=text)).to_have_count(1)
    expect(patient.locator(".mdw-typing")).to_be_hidden(timeout=TURN)  # the server says the turn is over


def test_take_over_the_bot_is_silent_an_emergency_still_gets_911_then_hand_back(running_bot, tabs, desk_user) -> None:
    from playwright.sync_api import expect

    patient, session_id = patient_in_chat(tabs, running_bot)
    request_id = request_for(running_bot, session_id)
    staff = staff_on(tabs, running_bot, desk_user, request_id)

    staff.click("#takeover button:has-text('Take over')")
    staff.wait_for_url(re.compile(r"msg=takeover"))
    expect(staff.locator("#takeover")).to_contain_text("You have this conversation")

    bot_bubbles = patient.locator(".mdw-log .mdw-bot")
    before = bot_bubbles.count()
    patient_says(patient, "is a real person there?")
    # The page shows it without a reload (it asks every second)...
    expect(staff.locator("#live-lines .msg-patient")).to_contain_text("is a real person there?", timeout=TURN)
    # ...and the bot said nothing: the turn is over and no bot message was added.
    assert bot_bubbles.count() == before

    write_in_chat(staff, "Yes, this is the front desk. How can I help?")
    expect(patient.locator(".mdw-log .mdw-staff").filter(has_text="How can I help?")).to_have_count(1, timeout=TURN)

    # The safety net still answers at once, and the staff member is alerted on the page.
    patient_says(patient, "my throat is closing and I can't breathe")
    expect(bot_bubbles.filter(has_text="call 911 now")).to_have_count(1, timeout=TURN)
    alert = staff.locator("#takeover-alert")
    expect(alert).to_be_visible(timeout=TURN)
    expect(alert).to_contain_text("Emergency")
    expect(staff.locator("#live-lines .live-alert")).to_contain_text("911")
    expect(staff.locator("#staff-chat .chat-status").last).to_have_attribute("data-status", "delivered",
                                                                             timeout=TURN)
    staff.screenshot(path=str(screenshots() / "staff-takeover.png"), full_page=True)

    staff.click("#takeover button:has-text('Hand back')")
    staff.wait_for_url(re.compile(r"msg=handed_back"))
    expect(staff.locator("#takeover button:has-text('Take over')")).to_be_visible()
    patient_says(patient, "what are the side effects?")
    expect(bot_bubbles.filter(has_text="dry mouth")).to_have_count(1, timeout=TURN)
