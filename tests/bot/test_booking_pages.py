"""The request page's booking (date and time in the clinic's zone, refusals that keep what was typed,
the confirmation sent through the fake Twilio, cancelling), times shown in the clinic's zone, the
patient's C / R on the page and in the inbox, and repeat patients."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.booking_texts import answer_reply
from bot.clinic_time import format_when, to_local, zone_of
from bot.sms_numbers import number_hash
from bot.store.bookings import BookingStore
from bot.store.db import utcnow
from bot.store.repeats import earlier_counts, email_key, phone_key, related
from bot.store.requests import RequestStore
from tests.bot.test_staff_auth import Staff, add_users, audit_actions, logged_in
from tests.bot.test_staff_pages import add_request
from tests.bot.test_staff_sms import PATIENT, SECRET, sms_settings
from tests.fakes.twilio_api import FakeTwilio

TORONTO = zone_of("America/Toronto")


@pytest.fixture
def fake():
    from tests.bot.test_staff_sms import ACCOUNT, TOKEN

    with FakeTwilio(ACCOUNT, TOKEN, deliver="manual") as server:
        yield server


@pytest.fixture
def desk(engine, fake) -> Staff:
    add_users(engine)
    return logged_in(Staff(engine, sms_settings(fake)))


def local_fields(days: int = 3, hour: int = 10) -> tuple[str, str]:
    """A date and time `days` ahead, as the browser's fields send them (clinic time)."""
    moment = to_local(utcnow(), TORONTO) + timedelta(days=days)
    return f"{moment:%Y-%m-%d}", f"{hour:02d}:30"


def book(desk: Staff, request_id: int, day: str, hour: str, status: str = "booked"):
    return desk.post(f"/staff/requests/{request_id}/status",
                     {"status": status, "appointment_date": day, "appointment_time": hour})


def texted(engine, **overrides):
    return add_request(engine, contact_method="text message", phone=PATIENT, **overrides)


# --- booking --------------------------------------------------------------------------------------


def test_booking_stores_the_time_sends_the_confirmation_and_shows_both(desk, engine, fake):
    item = texted(engine)
    day, hour = local_fields()
    answer = book(desk, item.id, day, hour)
    assert answer.status_code == 303 and answer.headers["location"] == f"/staff/requests/{item.id}?msg=booked#booking"
    assert RequestStore(engine).get(item.id).status == "booked"
    appointment = BookingStore(engine).active(item.id)
    assert format_when(appointment.starts_at, TORONTO).startswith(f"{day} {hour}")
    (sent,) = fake.messages
    assert sent.to == PATIENT and "your appointment is booked for" in sent.body
    assert "Reply C to confirm or R to reschedule." in sent.body and "BOTOX" not in sent.body
    page = desk.client.get(f"/staff/requests/{item.id}?msg=booked").text
    assert "Booked. The appointment and its texts show below." in page
    assert f'<dd id="appointment-at">{day} {hour} ' in page
    assert 'data-kind="confirmation" data-state="sent"' in page and 'data-kind="reminder" data-state="pending"' in page
    assert "Front desk (automatic text)" in page  # the text is in the conversation, with its state
    assert f'name="appointment_date" value="{day}"' in page  # the form shows the booking to change
    assert audit_actions(engine, "booking") == ["booking"] and "status_change" in audit_actions(engine)


@pytest.mark.parametrize("day,hour,says", [
    ("", "", "Enter the appointment&#39;s date and time"),
    ("12/01/2030", "10:00", "YYYY-MM-DD"),
    ("2030-12-01", "ten", "HH:MM"),
    ("2020-01-06", "10:00", "has already passed"),
])
def test_a_bad_date_is_refused_with_what_was_typed_kept_and_nothing_changed(desk, engine, fake, day, hour, says):
    item = texted(engine)
    answer = book(desk, item.id, day, hour)
    assert answer.status_code == 400 and says in answer.text
    assert f'name="appointment_date" value="{day}"' in answer.text
    assert f'name="appointment_time" value="{hour}"' in answer.text
    assert RequestStore(engine).get(item.id).status == "new"
    assert BookingStore(engine).active(item.id) is None and fake.messages == []
    assert "booking" not in audit_actions(engine)


def test_a_patient_who_did_not_choose_texts_is_booked_without_texts(desk, engine, fake):
    item = add_request(engine)  # contact method: phone call
    day, hour = local_fields()
    assert book(desk, item.id, day, hour).status_code == 303
    assert BookingStore(engine).active(item.id).texts == [] and fake.messages == []
    page = desk.client.get(f"/staff/requests/{item.id}").text
    assert "No texts for this booking. The patient did not choose texts" in page


def test_rebooking_and_leaving_booked_cancel_the_pending_reminder(desk, engine, fake):
    item = texted(engine)
    book(desk, item.id, *local_fields(days=3))
    # The form posted again as it shows the booking: no new booking, no second text.
    first = BookingStore(engine).active(item.id)
    assert book(desk, item.id, *local_fields(days=3)).status_code == 303
    assert BookingStore(engine).active(item.id).id == first.id and len(fake.messages) == 1
    book(desk, item.id, *local_fields(days=5))
    store = BookingStore(engine)
    assert len(fake.messages) == 2  # a confirmation for each booking
    reminders = [t for t in store.active(item.id).texts if t.kind == "reminder"]
    assert [t.state for t in reminders] == ["pending"]
    answer = desk.post(f"/staff/requests/{item.id}/status", {"status": "contacted"})
    assert answer.status_code == 303 and store.active(item.id) is None
    assert store.text(reminders[0].id).state == "cancelled"
    assert audit_actions(engine, "booking_cancelled") == ["booking_cancelled"]


def test_every_time_on_the_pages_is_in_the_clinics_zone(desk, engine):
    item = texted(engine)
    page = desk.client.get(f"/staff/requests/{item.id}").text
    shown = format_when(item.created_at, TORONTO)
    assert re.search(r" E[SD]T$", shown)
    assert f"<dt>Received</dt><dd>{shown}</dd>" in page and " UTC" not in page
    assert f'title="{shown}"' in desk.client.get("/staff").text


# --- the patient's answer on the page and in the inbox --------------------------------------------------


def test_the_patients_c_shows_on_the_request_and_in_the_inbox(desk, engine, fake):
    item = texted(engine)
    book(desk, item.id, *local_fields())
    assert answer_reply(engine, desk.settings, number_hash(PATIENT, SECRET), "C") is not None
    page = desk.client.get(f"/staff/requests/{item.id}").text
    assert "Confirmed by the patient (replied C)" in page
    inbox = desk.client.get("/staff").text
    assert '<span class="booking-reply reply-confirmed">Patient confirmed</span>' in inbox


# --- repeat patients ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,key", [
    ("+16137221234", "6137221234"), ("613-722-1234", "6137221234"), ("1 (613) 722 1234", "6137221234"),
    ("613 722 1234 ext. 55", "6137221234"), ("not given", None), ("", None), ("12345", None),
])
def test_phone_numbers_compare_by_their_digits(raw, key):
    assert phone_key(raw) == key


def test_email_addresses_compare_without_case_or_blanks():
    assert email_key(" Jane@Example.COM ") == "jane@example.com"
    assert email_key("not given") is None and email_key("") is None


def test_earlier_requests_by_phone_or_email_are_linked_and_marked(desk, engine):
    first = add_request(engine, "r1", minutes_ago=300, phone="613-722-1234", email="")
    second = add_request(engine, "r2", minutes_ago=200, phone="not given", email="JANE@example.com")
    other = add_request(engine, "r3", minutes_ago=100, phone="+16135559999", email="someone@example.org")
    latest = add_request(engine, "r4", phone="+16137221234", email="jane@example.com")
    found = related(engine, latest)
    assert [(r.id, r.by) for r in found.earlier] == [(first.id, "phone"), (second.id, "e-mail")]
    assert found.later == [] and related(engine, first).later[-1].id == latest.id
    assert earlier_counts(engine, [first, second, other, latest]) == {latest.id: 2}
    page = desk.client.get(f"/staff/requests/{latest.id}").text
    assert "2 earlier requests</strong>" in page
    assert f'<a href="/staff/requests/{first.id}">Request {first.id}</a>' in page
    assert f'<a href="/staff/requests/{second.id}">Request {second.id}</a>' in page
    assert f'/staff/requests/{other.id}"' not in page
    assert "1 later request</strong>" in desk.client.get(f"/staff/requests/{first.id}").text
    inbox = desk.client.get("/staff").text
    assert inbox.count("↻") == 1 and "↻ 2 earlier requests" in inbox
    assert "view_request" in audit_actions(engine)
