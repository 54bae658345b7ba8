"""Booking and reminders in real Chromium against the servers as `make run` starts them, with the fake
Twilio (tests/fakes/twilio_api.py) behind the real `twilio` library: the front desk books a patient
who chose texts on the request page (a past time first: refused, what was typed kept), sees the
confirmation text and its delivery state, the clock moves to 24 hours before and exactly one
reminder goes, and the patient's signed "C" to the SMS webhook shows on the request page and in the
inbox.

The moved clock is a second scheduler in this process on the same database
(bot/booking_texts.BookingTexts with `clock`, as tests/e2e/test_booking_reminders.py does): the web
app's own scheduler keeps the real time, so the reminder is not due for it.

Screenshot for docs/ (`UPDATE_DOCS_SCREENSHOTS=1`; otherwise reports/screenshots/): staff-booking.png
(the request page's Appointment box with its texts and the patient's answer, beside the texts' delivery).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.booking_texts import BookingTexts, Sent
from bot.channels.sms_simulator import SmsSimulator
from bot.clinic_time import to_local, zone_of
from bot.run import MODEL, Services, start_services, wait_until_ready
from bot.settings import ROOT, Settings, load_settings
from bot.store.bookings import BookingStore
from bot.store.db import create_all, make_engine, utcnow
from bot.store.requests import ConsultationRequest, RequestStore
from bot.store.staff_users import StaffStore
from tests.browser.chromium import CHROMIUM, launched, log_in
from tests.conftest import TEST_SECRET, TEST_TWILIO_TOKEN, free_port, unavailable
from tests.fakes.twilio_api import FakeTwilio

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ACCOUNT = "AC" + "3" * 32
FROM = "+16135550100"
PATIENT = "+16137226677"
USER, PASSWORD = "frontdesk", "booking desk passphrase 7"
WAIT = 30_000  # ms: a state arriving through the fake Twilio's callbacks and the page's polling, generously


def screenshots() -> Path:
    target = ROOT / "docs" if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ROOT / "reports" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    return target


@dataclass
class Clinic:
    settings: Settings
    services: Services
    fake: FakeTwilio
    request_id: int


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    if not CHROMIUM.exists():
        unavailable(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    if not MODEL.exists():
        unavailable(f"no trained model at {MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("booking-browser")
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    fake = FakeTwilio(ACCOUNT, TEST_TWILIO_TOKEN).start()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bot.db'}",
        "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port), "WEB_PORT": str(web_port),
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        "SMS_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}/webhooks/sms/webhook",
        "SECRET_KEY": TEST_SECRET,
        "TWILIO_AUTH_TOKEN": TEST_TWILIO_TOKEN, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_FROM_NUMBER": FROM,
        "TWILIO_API_URL": fake.url,
        "CLINIC_TIMEZONE": "America/Toronto",
        "LOG_LEVEL": "INFO",
    }
    settings = load_settings(env, dotenv=False)
    engine = make_engine(settings.database_url)
    create_all(engine)
    StaffStore(engine).add_user(USER, PASSWORD, "staff")
    item, _ = RequestStore(engine).add(ConsultationRequest(  # made up: nobody real
        submission_key="booking-browser", conversation_id="conv-booking-browser", channel="socketio",
        kind="message", full_name="Jane Doe", phone=PATIENT, contact_method="text message",
        question_for_staff="Could I come in next week, any morning?"))
    engine.dispose()
    assert item.id is not None
    services = start_services(settings, env=env, log_dir=Path(tmp))
    try:
        wait_until_ready(services, timeout=240)
        yield Clinic(settings, services, fake, item.id)
    finally:
        services.stop()
        fake.stop()


@pytest.fixture
def staff(clinic: Clinic) -> Iterator[Any]:
    """A logged-in staff tab on the request page; script errors and CSP violations fail the test."""
    with launched() as browser:
        context = browser.new_context(base_url=clinic.settings.public_base_url,
                                      viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        problems: list[str] = []
        tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        tab.on("console", lambda m: m.type == "error" and problems.append(m.text))
        log_in(tab, USER, PASSWORD, f"/staff/requests/{clinic.request_id}")
        yield tab
        # Chromium logs the refused booking's 400 (the test asks for it); anything else is a problem.
        refused = "the server responded with a status of 400"
        assert [p for p in problems if refused not in p] == [], problems
        assert sum(refused in p for p in problems) == 1, problems


def texts_to_patient(clinic: Clinic) -> list[str]:
    return [m.body for m in clinic.fake.messages if m.to == PATIENT]


def book(tab: Any, day: str, hour: str) -> None:
    """Type the appointment into the status form, as the front desk does, and submit it."""
    tab.select_option("#status-select", "booked")
    tab.fill("input[name=appointment_date]", day)
    tab.fill("input[name=appointment_time]", hour)
    tab.click("form:has(#status-select) button[type=submit]")
    tab.wait_for_load_state()


def reminders_at(clinic: Clinic, hours_before: int) -> list[Sent]:
    """Another server's scheduler, its clock moved to `hours_before` the booked appointment: one round.

    In a thread of its own: Playwright's sync API owns this thread's event loop."""
    engine = make_engine(clinic.settings.database_url)
    try:
        appointment = BookingStore(engine).active(clinic.request_id)
        assert appointment is not None
        later = appointment.starts_at - timedelta(hours=hours_before)
        scheduler = BookingTexts(engine, clinic.settings, clock=lambda: later, holder="moved-clock")
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, scheduler.run_due()).result(timeout=60)
    finally:
        engine.dispose()


def test_book_in_chromium_reminder_at_24_hours_then_the_patients_c(clinic: Clinic, staff: Any) -> None:
    from playwright.sync_api import expect

    tab = staff
    zone = zone_of(clinic.settings.clinic_timezone)
    day = f"{to_local(utcnow(), zone) + timedelta(days=3):%Y-%m-%d}"
    expect(tab.locator("#booking")).to_have_count(0)  # not booked yet

    # A time that has passed: refused on the page, with what was typed still in the form; nothing texted.
    book(tab, "2020-01-06", "09:15")
    expect(tab.locator("#booking-error")).to_contain_text("has already passed")
    expect(tab.locator("input[name=appointment_date]")).to_have_value("2020-01-06")
    expect(tab.locator("input[name=appointment_time]")).to_have_value("09:15")
    expect(tab.locator("input[name=appointment_date]")).to_have_attribute("aria-invalid", "true")
    expect(tab.locator("#status-select")).to_have_value("booked")  # so correcting the time is enough
    expect(tab.locator("#booking")).to_have_count(0)
    assert texts_to_patient(clinic) == []

    # A valid time: booked, and the confirmation goes at once; its delivery comes from the fake Twilio.
    tab.fill("input[name=appointment_date]", day)
    tab.fill("input[name=appointment_time]", "10:30")
    tab.click("form:has(#status-select) button[type=submit]")
    tab.wait_for_url(re.compile(r"msg=booked"))
    expect(tab.locator("#appointment-at")).to_contain_text(f"{day} 10:30 E")  # EST or EDT
    texts = tab.locator("#booking .booking-texts li")
    expect(texts).to_have_count(2)
    expect(texts.nth(0)).to_have_attribute("data-kind", "confirmation")
    expect(texts.nth(0)).to_have_attribute("data-state", "sent")
    expect(texts.nth(1)).to_have_attribute("data-kind", "reminder")
    expect(texts.nth(1)).to_have_attribute("data-state", "pending")
    expect(texts.nth(1)).to_contain_text("Scheduled")
    expect(tab.locator("#booking-reply")).to_contain_text("none yet")
    sent = tab.locator("#staff-sms li.msg")
    expect(sent).to_have_count(1)
    expect(sent.first).to_contain_text("your appointment is booked for")
    expect(sent.first).to_contain_text("Reply C to confirm or R to reschedule.")
    # The page asks for the states while one is not final: Delivered shows without a reload.
    expect(sent.first.locator(".sms-status")).to_have_attribute("data-status", "delivered", timeout=WAIT)
    (confirmation,) = texts_to_patient(clinic)
    assert "at 10:30 AM" in confirmation

    # The clock a day and a half before: nothing is due yet.
    assert reminders_at(clinic, 36) == []
    # 24 hours before (REMINDER_HOURS_BEFORE): exactly one reminder, and a second round sends nothing.
    hours = clinic.settings.reminder_hours_before
    assert [s.kind for s in reminders_at(clinic, hours)] == ["reminder"]
    assert reminders_at(clinic, hours) == []
    after = texts_to_patient(clinic)
    assert len(after) == 2 and "reminder: your appointment is on" in after[1]
    tab.reload()
    expect(texts.nth(1)).to_have_attribute("data-state", "sent")
    expect(sent).to_have_count(2)
    expect(sent.nth(1)).to_contain_text("reminder: your appointment is on")
    expect(sent.nth(1).locator(".sms-status")).to_have_attribute("data-status", "delivered", timeout=WAIT)

    # The patient texts "C" from the booked number, signed as Twilio signs it.
    phone = SmsSimulator(clinic.settings.sms_public_url, clinic.settings.twilio_auth_token, PATIENT)
    reply = phone.send("C")
    assert reply.status == 200 and len(reply.messages) == 1 and "is confirmed" in reply.messages[0]
    tab.reload()
    expect(tab.locator("#booking-reply .booking-reply.reply-confirmed")).to_have_text(
        "Confirmed by the patient (replied C)")
    tab.locator("#booking").screenshot(path=str(screenshots() / "staff-booking.png"))
    assert len(texts_to_patient(clinic)) == 2  # the thank-you is the webhook's reply, not a third text

    tab.goto("/staff")
    row = tab.locator("tr").filter(has=tab.locator(f'a[href="/staff/requests/{clinic.request_id}"]'))
    expect(row.locator(".booking-reply.reply-confirmed")).to_have_text("Patient confirmed")
    expect(row.locator(".status")).to_have_text("Booked")
