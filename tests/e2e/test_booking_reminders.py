"""Booking and reminders end to end, against the servers as `make run` starts them and the fake
Twilio (tests/fakes/twilio_api.py) through the real `twilio` library: the front desk books on the
request page -> the confirmation is texted -> the clock is moved to 24 hours before -> the reminder
is texted once, whichever server runs the scheduler -> the patient's "C" to the SMS webhook is
recorded and shows on the request page and in the inbox.

The moved clock is a second scheduler in this process (another "server" on the same database,
bot/booking_texts.BookingTexts with `clock`): the web app's own scheduler keeps the real time, so
the reminder is not due for it, and the database claim keeps both from sending it twice."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.booking_texts import BookingTexts
from bot.channels.sms_simulator import SmsSimulator
from bot.clinic_time import to_local, zone_of
from bot.run import MODEL, Services, start_services, wait_until_ready
from bot.settings import Settings, load_settings
from bot.store.bookings import BookingStore
from bot.store.db import create_all, make_engine, utcnow
from bot.store.requests import ConsultationRequest, RequestStore
from bot.store.staff_users import StaffStore
from tests.conftest import TEST_SECRET, TEST_TWILIO_TOKEN, free_port, unavailable
from tests.fakes.twilio_api import FakeTwilio

pytestmark = pytest.mark.e2e

ACCOUNT = "AC" + "2" * 32
FROM = "+16135550100"
PATIENT = "+16137224455"
PASSWORD = "a long enough staff password"


@dataclass
class Clinic:
    settings: Settings
    services: Services
    fake: FakeTwilio
    client: httpx.Client
    request_id: int


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    if not MODEL.exists():
        unavailable(f"no trained model at {MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("booking")
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
    StaffStore(engine).add_user("frontdesk", PASSWORD, "staff")
    item, _ = RequestStore(engine).add(ConsultationRequest(
        submission_key="booking-e2e", conversation_id="conv-booking-e2e", channel="socketio", kind="message",
        full_name="Jane Doe", phone=PATIENT, contact_method="text message", question_for_staff="when can I come?"))
    engine.dispose()
    services = start_services(settings, env=env, log_dir=Path(tmp))
    try:
        wait_until_ready(services, timeout=240)
        with httpx.Client(base_url=settings.public_base_url, timeout=30, follow_redirects=True) as client:
            login = client.get("/staff/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
            answer = client.post("/staff/login", data={"csrf_token": token, "username": "frontdesk",
                                                       "password": PASSWORD, "next": "/staff"})
            assert answer.status_code == 200 and "Log out frontdesk" in answer.text
            yield Clinic(settings, services, fake, client, item.id)
    finally:
        services.stop()
        fake.stop()


def texts_to_patient(clinic: Clinic) -> list[str]:
    return [m.body for m in clinic.fake.messages if m.to == PATIENT]


def test_booking_confirmation_reminder_once_and_the_patients_c(clinic: Clinic) -> None:
    page = clinic.client.get(f"/staff/requests/{clinic.request_id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    zone = zone_of(clinic.settings.clinic_timezone)
    local = to_local(utcnow(), zone) + timedelta(days=3)
    day, hour = f"{local:%Y-%m-%d}", "10:30"

    # A past date is refused, nothing is texted, and the page keeps what was typed.
    refused = clinic.client.post(f"/staff/requests/{clinic.request_id}/status", data={
        "csrf_token": token, "status": "booked", "appointment_date": "2020-01-06", "appointment_time": "10:30"})
    assert refused.status_code == 400 and "has already passed" in refused.text
    assert 'value="2020-01-06"' in refused.text and texts_to_patient(clinic) == []

    # Booked: the confirmation goes at once.
    booked = clinic.client.post(f"/staff/requests/{clinic.request_id}/status", data={
        "csrf_token": token, "status": "booked", "appointment_date": day, "appointment_time": hour})
    assert booked.status_code == 200 and "Booked. The appointment and its texts show below." in booked.text
    assert f'<dd id="appointment-at">{day} {hour} E' in booked.text
    (confirmation,) = texts_to_patient(clinic)
    assert "your appointment is booked for" in confirmation and "at 10:30 AM" in confirmation
    assert confirmation.endswith("Reply C to confirm or R to reschedule.")

    # The clock moves to 24 hours before: another server's scheduler sends the reminder, once.
    engine = make_engine(clinic.settings.database_url)
    try:
        appointment = BookingStore(engine).active(clinic.request_id)
        later = appointment.starts_at - timedelta(hours=clinic.settings.reminder_hours_before)

        async def two_servers() -> list:
            a = BookingTexts(engine, clinic.settings, clock=lambda: later, holder="server-a")
            b = BookingTexts(engine, clinic.settings, clock=lambda: later + timedelta(minutes=5), holder="server-b")
            return await asyncio.gather(a.run_due(), b.run_due(), a.run_due())

        rounds = asyncio.run(two_servers())
        assert sorted(s.kind for found in rounds for s in found) == ["reminder"]
    finally:
        engine.dispose()
    sent = texts_to_patient(clinic)
    assert len(sent) == 2 and "reminder: your appointment is on" in sent[1]
    assert sent[1].endswith("Reply C to confirm or R to reschedule.")
    page = clinic.client.get(f"/staff/requests/{clinic.request_id}").text
    assert 'data-kind="reminder" data-state="sent"' in page

    # The patient replies "c." from the booked number: recorded, answered, shown.
    phone = SmsSimulator(clinic.settings.sms_public_url, clinic.settings.twilio_auth_token, PATIENT)
    reply = phone.send("c.")
    assert reply.status == 200 and len(reply.messages) == 1
    assert reply.messages[0].startswith("Thank you. Your appointment at") and "is confirmed" in reply.messages[0]
    page = clinic.client.get(f"/staff/requests/{clinic.request_id}").text
    assert "Confirmed by the patient (replied C)" in page
    inbox = clinic.client.get("/staff").text
    assert '<span class="booking-reply reply-confirmed">Patient confirmed</span>' in inbox
    assert len(texts_to_patient(clinic)) == 2  # the answer came in the webhook's reply, not as a new text
