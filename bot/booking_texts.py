"""Texts about a booked appointment: the confirmation at booking, the reminder before it, and the
patient's "C" (confirm) or "R" (reschedule) answer.

- Booking (the request page, bot/staff/routes.py) stores the texts as rows (bot/store/bookings.py)
  when the patient chose texts and can be texted (bot/sms_outbound.check_recipient); the
  confirmation goes at once, the reminder REMINDER_HOURS_BEFORE hours ahead of the appointment.
- `BookingTexts.run_due` sends what is due: it claims each text in the database (one conditional
  UPDATE, so a text goes once whichever web app gets there first), makes it a staff message from
  "automatic text" (so it shows in the conversation with its delivery states and is purged with
  it), and sends it through the same SmsSender as the front desk's texts. `ReminderLoop` runs it
  in each web app every REMINDER_CHECK_SECONDS; `clock` makes time controllable in tests.
- The SMS channel (bot/channels/sms.py) asks `answer_reply` before Rasa whether a text is a C or
  R from a number with a booking waiting for it.

The words are domain.yml responses (utter_booking_*), read from the file, so the web app needs
no Rasa: they say only the clinic's name, the date and the time — never what the visit is for.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Optional

from sqlalchemy.engine import Engine

from bot.clinic_time import appointment_words, zone_of
from bot.settings import ROOT, Settings
from bot.store.bookings import Appointment, BookingStore, BookingText
from bot.store.db import utcnow

logger = logging.getLogger(__name__)

# Who a scheduled text is "from" on the request page and in the audit trail.
AUTOMATIC = "automatic text"
SCHEDULER = "booking-texts"
PATIENT_BY_SMS = "patient (SMS)"
RESPONSES = {"confirmation": "utter_booking_confirmation", "reminder": "utter_booking_reminder",
             "confirmed": "utter_booking_confirmed", "reschedule": "utter_booking_reschedule"}
REPLY_LETTERS = {"C": "confirmed", "R": "reschedule"}
_EDGE = " \t\r\n.!?,;:'\"()[]«»“”‘’…-"


# --- words ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _responses() -> dict[str, list[dict[str, Any]]]:
    from bot.store.redaction import domain_responses

    return domain_responses(ROOT / "domain.yml")


def domain_text(name: str, language: str = "en", **values: str) -> str:
    """A domain response as a text goes out: its `sms` variation (else its default one) in the
    conversation's language (the French one has `condition: language = fr`), filled in, with GSM-7
    look-alikes for curly quotes and dashes (one would double the segments)."""
    from bot.nlp.language import is_french_variation
    from bot.sms_text import with_gsm7_lookalikes

    every = [v for v in _responses().get(name) or [] if isinstance(v, dict)]
    french = [v for v in every if is_french_variation(v)] if language == "fr" else []
    variations = french or [v for v in every if not v.get("condition")]
    chosen = [v for v in variations if v.get("channel") == "sms"] or [v for v in variations if not v.get("channel")]
    if not chosen:
        raise LookupError(f"domain.yml has no response {name}")
    text = re.sub(r"{([^{}\n]+?)}", lambda m: values[m.group(1)], str(chosen[0].get("text") or ""))
    return with_gsm7_lookalikes(text)


def appointment_text(name: str, settings: Settings, starts_at: datetime, language: str = "en") -> str:
    day, hour = appointment_words(starts_at, zone_of(settings.clinic_timezone), language)
    return domain_text(name, language, clinic_name=settings.clinic_name, appointment_date=day,
                       appointment_time=hour)


def conversation_language(engine: Engine, conversation_id: str) -> str:
    """"fr" when the conversation's `language` slot was last set to French (bot/language_slot.py),
    else "en": the texts about a booking follow the language the patient wrote in."""
    from sqlalchemy import select

    from bot.store.transcripts import TranscriptStore, event_data, rasa_events

    if not conversation_id or not TranscriptStore(engine).has_events():
        return "en"
    with engine.connect() as conn:
        rows = conn.execute(select(rasa_events.c.data).where(
            rasa_events.c.sender_id == conversation_id, rasa_events.c.type_name == "slot",
            rasa_events.c.data.like('%"language"%')).order_by(rasa_events.c.id.desc()).limit(20)).scalars()
        for data in rows:
            event = event_data(data)
            if event.get("name") == "language":
                return "fr" if event.get("value") == "fr" else "en"
    return "en"


def booking_reply(text: str) -> Optional[str]:
    """'confirmed' for C, 'reschedule' for R ("c", "C.", " r! "); None for anything else."""
    core = "".join(ch for ch in unicodedata.normalize("NFKD", (text or "").strip(_EDGE))
                   if not unicodedata.combining(ch)).upper()
    return REPLY_LETTERS.get(core)


# --- what to schedule at booking ------------------------------------------------------------------


def schedule(starts_at: datetime, settings: Settings, now: datetime) -> dict[str, datetime]:
    """The texts for an appointment: the confirmation now, the reminder REMINDER_HOURS_BEFORE hours
    ahead (none when that moment has passed: the confirmation is as recent)."""
    texts = {"confirmation": now}
    reminder = starts_at - timedelta(hours=settings.reminder_hours_before)
    if reminder > now:
        texts["reminder"] = reminder
    return texts


# --- sending ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """What one claimed text came to: its state, and the staff message when one was made."""

    text_id: int
    kind: str
    state: str
    message_id: Optional[int] = None
    detail: str = ""


class BookingTexts:
    """Sends due booking texts; several instances (servers) share the work through the claim."""

    def __init__(self, engine: Engine, settings: Settings, http_client: Any = None,
                 clock: Callable[[], datetime] = utcnow, holder: Optional[str] = None) -> None:
        from bot.purge import runner_name

        self.engine = engine
        self.settings = settings
        self.http_client = http_client
        self.clock = clock
        self.holder = holder or f"{runner_name()}:{id(self):x}"
        self.store = BookingStore(engine)

    async def run_due(self, only: Optional[list[int]] = None) -> list[Sent]:
        """Claim and send the texts due now (or only these ones, if due); returns what this runner sent."""
        now = self.clock()
        # The claim itself checks that a text is due, so `only` needs no look-up first.
        ids = list(only) if only is not None else await asyncio.to_thread(self.store.due, now)
        done = []
        for text_id in ids:
            if await asyncio.to_thread(self.store.claim, text_id, self.holder, now):
                done.append(await self._send(text_id, now))
        return done

    async def _send(self, text_id: int, now: datetime) -> Sent:
        from bot.sms_outbound import SmsSender, check_recipient
        from bot.store.audit import AuditLog
        from bot.store.requests import RequestStore
        from bot.store.staff_messages import StaffMessageStore

        text: BookingText = await asyncio.to_thread(self.store.text, text_id)
        appointment: Appointment = await asyncio.to_thread(self.store.get, text.appointment_id)
        item = await asyncio.to_thread(RequestStore(self.engine, create=False).get, text.request_id)

        async def finish(state: str, detail: str = "", message_id: Optional[int] = None) -> Sent:
            await asyncio.to_thread(self.store.finish, text_id, self.holder, state, detail, now)
            action = {"sent": "booking_text_sent", "not_sent": "booking_text_not_sent"}.get(state)
            if action:  # the audit row names the text, never its words or the number
                note = f"{text.kind}" + (f", text {message_id}" if message_id else "") + (f"; {detail}" if detail else "")
                await asyncio.to_thread(AuditLog(self.engine).record, SCHEDULER, action, text.request_id, note[:500])
            return Sent(text_id, text.kind, state, message_id, detail)

        if item is None or not appointment.active or item.status != "booked":
            return await finish("cancelled", "the booking changed before the text was due")
        if appointment.starts_at <= now:
            return await finish("not_sent", "the appointment time had passed")
        recipient = await asyncio.to_thread(check_recipient, self.engine, self.settings, item)
        if not recipient.ok:
            return await finish("not_sent", recipient.reason)
        language = await asyncio.to_thread(conversation_language, self.engine, item.conversation_id)
        body = appointment_text(RESPONSES[text.kind], self.settings, appointment.starts_at, language)
        messages = StaffMessageStore(self.engine)
        message, new = await asyncio.to_thread(messages.add, item.id, item.conversation_id, AUTOMATIC, body, "sms",
                                               f"booking-text-{text_id}")
        # Only the holder of the claim attaches, and only once; a message left by a runner that died
        # before attaching it was never sent (sending comes after attaching), so it may go now.
        attached = await asyncio.to_thread(self.store.attach_message, text_id, self.holder, message.id, now)
        if not attached:  # our lease ran out and another server holds the text: it sends it, not us
            if new:
                await asyncio.to_thread(messages.not_sent, message.id, "", "Another server sends this text.")
            return Sent(text_id, text.kind, "sending", message.id, "claimed by another server")
        result = await SmsSender(self.settings, messages, self.engine, self.http_client).send(
            message, recipient.number or "")
        if result.status == "error":
            from bot.sms_outbound import error_text

            return await finish("not_sent", result.error_message or error_text(result.error_code), message.id)
        return await finish("sent", "", message.id)


class ReminderLoop:
    """`BookingTexts.run_due` every REMINDER_CHECK_SECONDS inside a web app's event loop."""

    def __init__(self, texts: BookingTexts, every: float) -> None:
        self.texts = texts
        self.every = every
        self._task: Optional[asyncio.Task] = None

    def start(self) -> ReminderLoop:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="booking-texts")
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _loop(self) -> None:
        while True:
            try:
                await self.texts.run_due()
            except Exception as exc:  # noqa: BLE001 - the web app must keep serving; try again next round
                logger.error("booking texts: a round failed: %s", type(exc).__name__)
            await asyncio.sleep(self.every)


# --- the patient's answer (the SMS channel) -------------------------------------------------------------


def answer_reply(engine: Engine, settings: Settings, number_hash: str, text: str,
                 now: Optional[datetime] = None, conversation: str = "") -> Optional[str]:
    """The answer to a C or R from a number with a booking waiting for one, after recording it on
    the request; None when the text is something else (it goes to the bot). `conversation`: the
    sender's SMS conversation, whose language the answer is in."""
    from sqlalchemy import inspect

    reply = booking_reply(text)
    if reply is None:
        return None
    now = now or utcnow()
    with engine.connect() as conn:
        if not inspect(conn).has_table("appointments"):  # a Rasa server started before the web app
            return None
    store = BookingStore(engine)
    appointment = store.awaiting_reply(number_hash, now)
    if appointment is None:
        return None
    store.record_reply(appointment.id, reply, now)
    from bot.store.audit import AuditLog

    AuditLog(engine).record(PATIENT_BY_SMS, "booking_reply", appointment.request_id, reply)
    language = conversation_language(engine, conversation)
    return appointment_text(RESPONSES[reply], settings, appointment.starts_at, language)


__all__ = ["AUTOMATIC", "BookingTexts", "ReminderLoop", "Sent", "answer_reply", "appointment_text", "booking_reply",
           "domain_text", "schedule"]
