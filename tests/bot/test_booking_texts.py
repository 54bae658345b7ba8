"""Booking texts: the clinic's time zone, the texts' words, the scheduler with a controllable clock
against the fake Twilio (the real `twilio` library), the claim that sends each text once (SQLite
and PostgreSQL), and the patient's C / R through the SMS channel before Rasa."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest

from bot.booking_texts import (
    AUTOMATIC,
    BookingTexts,
    ReminderLoop,
    answer_reply,
    appointment_text,
    booking_reply,
    domain_text,
    schedule,
)
from bot.clinic_time import appointment_words, format_when, parse_appointment, zone_of
from bot.settings import Settings, load_settings
from bot.sms_numbers import number_hash
from bot.sms_outbound import health_words
from bot.sms_text import is_gsm7
from bot.store.audit import AuditLog
from bot.store.bookings import LEASE, BookingStore
from bot.store.db import utcnow
from bot.store.requests import RequestStore
from bot.store.sms import SmsStore
from bot.store.staff_messages import StaffMessageStore
from tests.bot.test_audit import pg_database, pg_engine  # noqa: F401 - fixtures
from tests.bot.test_staff_pages import add_request
from tests.bot.test_staff_sms import ACCOUNT, PATIENT, SECRET, TOKEN, sms_settings
from tests.fakes.twilio_api import FakeTwilio

TORONTO = zone_of("America/Toronto")
# 09:00 in Toronto on Monday 7 December 2026 (EST, UTC-5).
T0 = datetime(2026, 12, 7, 14, 0)


@dataclass
class Clock:
    """The scheduler's clock, moved by the test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fake():
    with FakeTwilio(ACCOUNT, TOKEN, deliver="manual") as server:
        yield server


def booked(engine, settings: Settings, starts_at: datetime, now: datetime, key: str = "b1", phone: str = PATIENT,
           **overrides):
    """A request the front desk booked, with the texts the page would schedule."""
    item = add_request(engine, key, contact_method="text message", phone=phone, **overrides)
    RequestStore(engine).set_status(item.id, "booked", by="alice")
    hashed = number_hash(phone, settings.secret_key)
    return item, BookingStore(engine).book(item.id, starts_at, "alice", hashed, schedule(starts_at, settings, now), now)


def run(texts: BookingTexts, **kwargs):
    return asyncio.run(texts.run_due(**kwargs))


# --- the clinic's time zone ------------------------------------------------------------------------


def test_an_appointment_is_read_in_the_clinics_zone_and_stored_as_utc():
    winter = parse_appointment("2026-12-08", "14:30", TORONTO, T0)
    assert winter.at == datetime(2026, 12, 8, 19, 30) and winter.error == ""
    summer = parse_appointment("2027-07-02", "9:05", TORONTO, T0)
    assert summer.at == datetime(2027, 7, 2, 13, 5)  # EDT, UTC-4


@pytest.mark.parametrize("day,hour,says", [
    ("", "", "Enter the appointment's date and time"),
    ("2026-12-08", "", "Enter the appointment's date and time"),
    ("08/12/2026", "14:30", "YYYY-MM-DD"),
    ("2026-12-08", "2:30 PM", "HH:MM"),
    ("2026-02-30", "10:00", "is not a real date and time"),
    ("2026-12-08", "25:00", "is not a real date and time"),
    ("2026-12-07", "08:59", "has already passed"),
    ("2025-12-08", "10:00", "has already passed"),
    ("2027-03-14", "02:30", "does not exist in America/Toronto"),  # the clocks go forward
    ("2062-12-08", "10:00", "more than two years ahead"),
])
def test_bad_appointment_times_are_refused_with_a_clear_reason(day, hour, says):
    parsed = parse_appointment(day, hour, TORONTO, T0)
    assert parsed.at is None and says in parsed.error


def test_times_are_shown_in_the_clinics_zone_with_its_abbreviation():
    assert format_when(T0, TORONTO) == "2026-12-07 09:00 EST"
    assert format_when(datetime(2026, 7, 1, 16, 0), TORONTO) == "2026-07-01 12:00 EDT"
    assert format_when(None, TORONTO) == ""
    assert appointment_words(datetime(2026, 12, 8, 19, 30), TORONTO) == ("Tuesday, December 8", "2:30 PM")
    assert appointment_words(datetime(2026, 12, 8, 5, 5), TORONTO) == ("Tuesday, December 8", "12:05 AM")


def test_the_settings_read_the_zone_and_the_reminder_lead_time():
    settings = load_settings({}, dotenv=False)
    assert (settings.clinic_timezone, settings.reminder_hours_before) == ("America/Toronto", 24)
    other = load_settings({"CLINIC_TIMEZONE": "America/Vancouver", "REMINDER_HOURS_BEFORE": "48"}, dotenv=False)
    assert (other.clinic_timezone, other.reminder_hours_before) == ("America/Vancouver", 48)
    with pytest.raises(ValueError, match="CLINIC_TIMEZONE='Mars/Olympus' is not a time zone"):
        load_settings({"CLINIC_TIMEZONE": "Mars/Olympus"}, dotenv=False)
    with pytest.raises(ValueError, match="REMINDER_HOURS_BEFORE must be at least 1"):
        load_settings({"REMINDER_HOURS_BEFORE": "0"}, dotenv=False)


# --- the words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["confirmation", "reminder", "confirmed", "reschedule"])
def test_the_texts_say_only_the_clinic_the_date_and_the_time(name):
    from bot.booking_texts import RESPONSES

    settings = Settings(clinic_name="Metropolitan Dental")
    text = appointment_text(RESPONSES[name], settings, datetime(2026, 12, 8, 19, 30))
    assert "Metropolitan Dental" in text and "{" not in text
    assert health_words(text) == [] and is_gsm7(text) and len(text) <= 160
    if name in ("confirmation", "reminder"):
        assert "Tuesday, December 8 at 2:30 PM" in text
        assert text.endswith("Reply C to confirm or R to reschedule.")


def test_a_response_missing_from_the_domain_is_an_error_not_an_empty_text():
    with pytest.raises(LookupError):
        domain_text("utter_no_such_booking_text")


@pytest.mark.parametrize("text,reply", [
    ("C", "confirmed"), ("c", "confirmed"), ("c.", "confirmed"), (" C! ", "confirmed"), ("«C»", "confirmed"),
    ("R", "reschedule"), ("r", "reschedule"), ("R.", "reschedule"),
    ("cc", None), ("C'est bon", None), ("confirm", None), ("hello", None), ("", None), ("1", None),
])
def test_only_a_lone_c_or_r_is_an_answer(text, reply):
    assert booking_reply(text) == reply


def test_the_reminder_is_scheduled_only_when_its_time_is_still_ahead():
    settings = Settings()
    assert schedule(T0 + timedelta(days=3), settings, T0) == {
        "confirmation": T0, "reminder": T0 + timedelta(days=2)}
    assert schedule(T0 + timedelta(hours=5), settings, T0) == {"confirmation": T0}
    assert schedule(T0 + timedelta(days=3), replace(settings, reminder_hours_before=48), T0)["reminder"] == \
        T0 + timedelta(days=1)


# --- the scheduler --------------------------------------------------------------------------------------


def test_confirmation_now_reminder_24_hours_before_each_sent_once(engine, fake):
    settings = sms_settings(fake)
    starts = T0 + timedelta(days=3)
    item, appointment = booked(engine, settings, starts, T0)
    clock = Clock(T0)
    server_a = BookingTexts(engine, settings, clock=clock, holder="server-a")
    server_b = BookingTexts(engine, settings, clock=clock, holder="server-b")

    (reminder_id,) = [t.id for t in appointment.texts if t.kind == "reminder"]
    assert run(server_a, only=[reminder_id]) == []  # named, but not due yet: the claim refuses it
    sent = run(server_a)
    assert [(s.kind, s.state) for s in sent] == [("confirmation", "sent")]
    assert run(server_b) == [] and run(server_a) == []
    assert [m.to for m in fake.messages] == [PATIENT]
    assert fake.messages[0].body.startswith(f"{settings.clinic_name}: your appointment is booked for")

    clock.now = starts - timedelta(hours=24, minutes=1)  # a minute early: nothing
    assert run(server_b) == [] and len(fake.messages) == 1
    clock.now = starts - timedelta(hours=24)
    assert [s.kind for s in run(server_b)] == ["reminder"]
    clock.now += timedelta(hours=1)
    assert run(server_a) == [] and run(server_b) == []
    assert len(fake.messages) == 2 and "reminder: your appointment is on" in fake.messages[1].body
    assert fake.messages[1].body.endswith("Reply C to confirm or R to reschedule.")

    texts = BookingStore(engine).active(item.id).texts
    assert [(t.kind, t.state) for t in texts] == [("confirmation", "sent"), ("reminder", "sent")]
    # Each is a staff message from "automatic text", in the conversation, with Twilio's sid.
    messages = StaffMessageStore(engine).for_request(item.id)
    assert [(m.staff_user, m.twilio_sid) for m in messages] == [
        (AUTOMATIC, fake.messages[0].sid), (AUTOMATIC, fake.messages[1].sid)]
    actions = [(e.actor, e.action, e.detail) for e in AuditLog(engine).entries(request_id=item.id)]
    assert ("booking-texts", "booking_text_sent", f"reminder, text {messages[1].id}") in actions
    assert all(PATIENT not in detail and "appointment" not in detail for _, _, detail in actions)


def test_scheduled_texts_survive_a_restart(engine, fake, tmp_path):
    """The texts are rows: a new runner (a restarted server, a new engine) finds them."""
    from bot.store.db import make_engine

    settings = sms_settings(fake)
    starts = T0 + timedelta(days=2)
    booked(engine, settings, starts, T0)
    fresh = make_engine(str(engine.url))
    try:
        sent = run(BookingTexts(fresh, settings, clock=Clock(starts - timedelta(hours=23))))
    finally:
        fresh.dispose()
    assert sorted(s.kind for s in sent) == ["confirmation", "reminder"]


def test_leaving_booked_or_rebooking_cancels_the_pending_reminder(engine, fake):
    settings = sms_settings(fake)
    starts = T0 + timedelta(days=3)
    item, _ = booked(engine, settings, starts, T0)
    clock = Clock(T0)
    texts = BookingTexts(engine, settings, clock=clock)
    run(texts)
    # Rebooked two days later: the first reminder is cancelled, the new booking has its own.
    later = starts + timedelta(days=2)
    BookingStore(engine).book(item.id, later, "alice", number_hash(PATIENT, SECRET), schedule(later, settings, T0), T0)
    clock.now = starts - timedelta(hours=24)
    assert [s.kind for s in run(texts)] == ["confirmation"]  # the new booking's confirmation only
    assert "December 12" in fake.messages[-1].body
    # Then the request goes back to "contacted": nothing more is sent.
    RequestStore(engine).set_status(item.id, "contacted", by="alice")
    assert BookingStore(engine).cancel(item.id) == 1
    clock.now = later - timedelta(hours=1)
    assert run(texts) == [] and len(fake.messages) == 2


def test_a_status_changed_behind_the_schedulers_back_is_not_texted(engine, fake):
    """The status moved away from booked without the booking being cancelled: the runner checks."""
    settings = sms_settings(fake)
    starts = T0 + timedelta(days=3)
    item, _ = booked(engine, settings, starts, T0)
    RequestStore(engine).set_status(item.id, "closed", by="alice")
    assert [(s.kind, s.state) for s in run(BookingTexts(engine, settings, clock=Clock(T0)))] == [
        ("confirmation", "cancelled")]
    assert fake.messages == []


def test_an_opt_out_after_booking_stops_the_reminder(engine, fake):
    settings = sms_settings(fake)
    starts = T0 + timedelta(days=3)
    item, _ = booked(engine, settings, starts, T0)
    clock = Clock(T0)
    texts = BookingTexts(engine, settings, clock=clock)
    run(texts)
    SmsStore(engine).set_opted_out(number_hash(PATIENT, SECRET), True)
    clock.now = starts - timedelta(hours=24)
    (sent,) = run(texts)
    assert sent.state == "not_sent" and "opted out" in sent.detail and len(fake.messages) == 1
    assert "booking_text_not_sent" in [e.action for e in AuditLog(engine).entries(request_id=item.id)]


def test_twilio_refusing_a_reminder_is_recorded_not_retried(engine, fake):
    settings = sms_settings(fake, twilio_from_number="")  # texting not set up
    item, _ = booked(engine, settings, T0 + timedelta(days=3), T0)
    (sent,) = run(BookingTexts(engine, settings, clock=Clock(T0)))
    assert sent.state == "not_sent" and "Texting is not set up" in sent.detail
    assert run(BookingTexts(engine, settings, clock=Clock(T0 + timedelta(hours=1)))) == []


def test_a_runner_that_died_before_making_the_message_is_taken_over_after_its_lease(engine, fake):
    settings = sms_settings(fake)
    item, appointment = booked(engine, settings, T0 + timedelta(days=3), T0)
    store = BookingStore(engine)
    (confirmation,) = [t.id for t in appointment.texts if t.kind == "confirmation"]
    assert store.claim(confirmation, "dead-server", T0)
    assert run(BookingTexts(engine, settings, clock=Clock(T0 + LEASE - timedelta(seconds=1)))) == []
    (sent,) = run(BookingTexts(engine, settings, clock=Clock(T0 + LEASE + timedelta(seconds=1))))
    assert sent.state == "sent" and len(fake.messages) == 1


def test_a_text_whose_message_was_made_is_never_claimed_again(engine, fake):
    """Between making the message and Twilio's answer, a crash could have sent it: never a second time."""
    settings = sms_settings(fake)
    item, appointment = booked(engine, settings, T0 + timedelta(days=3), T0)
    store = BookingStore(engine)
    (confirmation,) = [t.id for t in appointment.texts if t.kind == "confirmation"]
    assert store.claim(confirmation, "dead-server", T0)
    message, _ = StaffMessageStore(engine).add(item.id, item.conversation_id, AUTOMATIC, "x", "sms", "k" * 20)
    assert store.attach_message(confirmation, "dead-server", message.id, T0)
    assert confirmation not in store.due(T0 + timedelta(days=1))
    assert not store.claim(confirmation, "other", T0 + timedelta(days=1))


def claim_race(engine, ids: list[int], runners: int = 6) -> dict[int, list[str]]:
    """Every runner tries every id at once; returns who got each."""
    won: dict[int, list[str]] = {i: [] for i in ids}
    barrier = threading.Barrier(runners)
    lock = threading.Lock()

    def runner(name: str) -> None:
        store = BookingStore(engine)
        barrier.wait()
        for text_id in ids:
            if store.claim(text_id, name, T0 + timedelta(minutes=1)):
                with lock:
                    won[text_id].append(name)

    threads = [threading.Thread(target=runner, args=(f"server-{n}",)) for n in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won


def _many_due(engine, count: int = 8) -> list[int]:
    settings = Settings(secret_key=SECRET)
    ids = []
    for n in range(count):
        _, appointment = booked(engine, settings, T0 + timedelta(days=3), T0, key=f"race-{n}",
                                phone=f"+1613722{n:04d}")
        ids += [t.id for t in appointment.texts if t.kind == "confirmation"]
    return ids


def test_concurrent_runners_claim_each_text_once_on_sqlite(engine):
    won = claim_race(engine, _many_due(engine))
    assert all(len(names) == 1 for names in won.values()), won


def test_concurrent_runners_claim_each_text_once_on_postgresql(pg_engine):  # noqa: F811 - the fixture
    won = claim_race(pg_engine, _many_due(pg_engine))
    assert all(len(names) == 1 for names in won.values()), won


def test_two_schedulers_on_postgresql_send_each_text_once(pg_engine, fake):  # noqa: F811
    settings = sms_settings(fake, database_url=str(pg_engine.url))
    for n in range(4):
        booked(pg_engine, settings, T0 + timedelta(days=3), T0, key=f"pg-{n}", phone=f"+1613723{n:04d}")
    clock = Clock(T0)

    async def both() -> list:
        a = BookingTexts(pg_engine, settings, clock=clock, holder="a")
        b = BookingTexts(pg_engine, settings, clock=clock, holder="b")
        return await asyncio.gather(a.run_due(), b.run_due())

    first, second = asyncio.run(both())
    assert len(first) + len(second) == 4
    assert sorted(m.to for m in fake.messages) == [f"+1613723{n:04d}" for n in range(4)]


def test_the_web_apps_loop_sends_what_is_due(engine, fake):
    """The loop the web app starts (bot/web/app.py) runs the scheduler by itself."""
    settings = sms_settings(fake)
    now = utcnow()
    booked(engine, settings, now + timedelta(days=3), now)

    async def one_round() -> None:
        loop = ReminderLoop(BookingTexts(engine, settings), every=3600).start()
        deadline = asyncio.get_running_loop().time() + 20
        while not fake.messages and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        await loop.stop()

    asyncio.run(one_round())
    assert len(fake.messages) == 1 and "your appointment is booked" in fake.messages[0].body


# --- the patient's answer -------------------------------------------------------------------------------


def test_a_c_from_the_booked_number_is_recorded_and_answered(engine, fake):
    settings = sms_settings(fake)
    starts = T0 + timedelta(days=3)
    item, _ = booked(engine, settings, starts, T0)
    hashed = number_hash(PATIENT, SECRET)
    # Before any text went out, a "C" answers nothing: it goes to the bot.
    assert answer_reply(engine, settings, hashed, "C", T0) is None
    run(BookingTexts(engine, settings, clock=Clock(T0)))
    assert answer_reply(engine, settings, number_hash("+16137229876", SECRET), "C", T0) is None  # another number
    assert answer_reply(engine, settings, hashed, "hello", T0) is None
    answer = answer_reply(engine, settings, hashed, "c.", T0 + timedelta(hours=1))
    assert answer == (f"Thank you. Your appointment at {settings.clinic_name} on Thursday, December 10 at 9:00 AM "
                      "is confirmed.")
    appointment = BookingStore(engine).active(item.id)
    assert (appointment.reply, appointment.replied_at) == ("confirmed", T0 + timedelta(hours=1))
    assert ("patient (SMS)", "booking_reply", "confirmed") in [
        (e.actor, e.action, e.detail) for e in AuditLog(engine).entries(request_id=item.id)]
    # After the appointment's time, the window is closed.
    assert answer_reply(engine, settings, hashed, "R", starts + timedelta(minutes=1)) is None


def test_an_r_is_recorded_and_cancels_the_reminder(engine, fake):
    settings = sms_settings(fake)
    starts = T0 + timedelta(days=3)
    item, _ = booked(engine, settings, starts, T0)
    clock = Clock(T0)
    texts = BookingTexts(engine, settings, clock=clock)
    run(texts)
    answer = answer_reply(engine, settings, number_hash(PATIENT, SECRET), "R", T0)
    assert "front desk will contact you to find a new time" in answer
    clock.now = starts - timedelta(hours=24)
    assert run(texts) == [] and len(fake.messages) == 1
    appointment = BookingStore(engine).active(item.id)
    assert appointment.reply == "reschedule"
    assert [(t.kind, t.state) for t in appointment.texts] == [("confirmation", "sent"), ("reminder", "cancelled")]


# --- the SMS channel, before Rasa ---------------------------------------------------------------------


def test_the_sms_channel_answers_c_itself_and_passes_anything_else_to_the_bot(engine, fake, domain):
    from bot.channels.sms import SmsWebhook
    from tests.bot.test_sms_channel import NUMBER, SETTINGS, FakeBot, form, messages_of, new_sid, request_for

    settings = replace(sms_settings(fake), secret_key=SETTINGS.secret_key)
    starts = utcnow() + timedelta(days=3)
    item, _ = booked(engine, settings, starts, utcnow(), phone=NUMBER)
    run(BookingTexts(engine, settings))
    bot = FakeBot(domain)
    hook = SmsWebhook(replace(SETTINGS, clinic_name=settings.clinic_name), SmsStore(engine), bot)

    def post(body: str):
        return asyncio.run(hook.handle(request_for(form(Body=body, MessageSid=new_sid())), bot))

    answer = post("C.")
    (text,) = messages_of(answer.body)
    assert text.startswith("Thank you. Your appointment at") and text.endswith("is confirmed.")
    assert bot.received == []  # Rasa never saw it
    assert BookingStore(engine).active(item.id).reply == "confirmed"
    post("Can I bring my husband?")
    assert bot.texts == ["Can I bring my husband?"]
    # An opted-out number's "C" is not answered (nothing may be sent to it).
    SmsStore(engine).set_opted_out(number_hash(NUMBER, SETTINGS.secret_key), True)
    assert messages_of(post("R").body) == []
    assert BookingStore(engine).active(item.id).reply == "confirmed"


@pytest.fixture(scope="module")
def domain():
    from rasa.shared.core.domain import Domain

    from bot.settings import ROOT

    return Domain.load(str(ROOT / "domain.yml"))


# --- French ----------------------------------------------------------------------------------------------


def test_a_french_conversation_gets_the_texts_in_french(engine, fake):
    from bot.booking_texts import conversation_language
    from bot.store.transcripts import add_events

    settings = sms_settings(fake)
    assert appointment_words(datetime(2026, 8, 4, 18, 5), TORONTO, "fr") == ("mardi 4 août", "14 h 05")
    item, _ = booked(engine, settings, T0 + timedelta(days=3), T0)
    assert conversation_language(engine, item.conversation_id) == "en"
    add_events(engine, item.conversation_id, [{"event": "slot", "name": "language", "value": "fr"}])
    assert conversation_language(engine, item.conversation_id) == "fr"
    run(BookingTexts(engine, settings, clock=Clock(T0)))
    (sent,) = fake.messages
    assert sent.body == (f"{settings.clinic_name} : votre rendez-vous est fixé au jeudi 10 décembre à 9 h 00. "
                         "Répondez C pour confirmer ou R pour le reporter.")
    answer = answer_reply(engine, settings, number_hash(PATIENT, SECRET), "c", T0, conversation=item.conversation_id)
    assert answer.startswith("Merci. Votre rendez-vous chez") and answer.endswith("est confirmé.")
