"""Booked appointments and their scheduled texts (confirmation, reminder), in the shared database.

One `appointments` row per booking of a request (rebooking cancels the previous one), with the
keyed hash of the number texted (bot/sms_numbers.py: never the number) so the SMS channel can
match a patient's "C" / "R" to it, and the patient's reply. One `booking_texts` row per scheduled
text: stored when the request is booked, so a restart loses nothing.

Exactly once, however many web apps run the scheduler: a text is taken with one conditional
UPDATE (`claim`: pending and due, or a claim whose holder died before creating the message), on
SQLite and PostgreSQL alike, like bot/store/jobs.py. Once the staff message is created the text
is never claimed again: a sender that dies between creating it and Twilio's answer leaves it
"Sending…" on the page rather than risk a second text. Nothing here holds a number or a health
detail; the texts' words are made at send time (bot/booking_texts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from bot.store.db import metadata, utcnow

KINDS = ("confirmation", "reminder")
# pending: waiting for its time; sending: claimed by a runner; sent: Twilio took it (its delivery
# states are the staff message's); not_sent: refused or impossible (see detail); cancelled: the
# booking changed before it was due.
STATES = ("pending", "sending", "sent", "not_sent", "cancelled")
REPLIES = ("confirmed", "reschedule")
# A runner that dies after claiming, before creating the message, blocks the text this long.
LEASE = timedelta(minutes=5)

appointments = Table(
    "appointments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("consultation_requests.id"), nullable=False, index=True),
    Column("starts_at", DateTime, nullable=False),  # naive UTC
    Column("booked_by", String(100), nullable=False),
    Column("booked_at", DateTime, nullable=False, default=utcnow),
    # HMAC of the number the texts go to (None: the patient is not texted).
    Column("number_hash", String(64), nullable=True, index=True),
    Column("cancelled_at", DateTime, nullable=True),
    Column("reply", String(20), nullable=True),
    Column("replied_at", DateTime, nullable=True),
)

booking_texts = Table(
    "booking_texts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("appointment_id", Integer, ForeignKey("appointments.id"), nullable=False, index=True),
    Column("request_id", Integer, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("due_at", DateTime, nullable=False, index=True),
    Column("state", String(20), nullable=False, default="pending", index=True),
    Column("lease_holder", String(200), nullable=True),
    Column("lease_until", DateTime, nullable=True),
    # The staff_messages row that carries the text (its delivery states, the conversation).
    Column("staff_message_id", Integer, nullable=True),
    Column("detail", String(300), nullable=True),  # why not sent; never patient text
    Column("updated_at", DateTime, nullable=False, default=utcnow),
    UniqueConstraint("appointment_id", "kind", name="uq_booking_text_kind"),
)


@dataclass
class BookingText:
    id: int
    appointment_id: int
    request_id: int
    kind: str
    due_at: datetime
    state: str
    lease_holder: Optional[str]
    lease_until: Optional[datetime]
    staff_message_id: Optional[int]
    detail: Optional[str]
    updated_at: datetime


@dataclass
class Appointment:
    id: int
    request_id: int
    starts_at: datetime
    booked_by: str
    booked_at: datetime
    number_hash: Optional[str]
    cancelled_at: Optional[datetime]
    reply: Optional[str]
    replied_at: Optional[datetime]
    texts: list[BookingText]

    @property
    def active(self) -> bool:
        return self.cancelled_at is None


def migrate(engine: Engine) -> None:
    """Nothing to bring up to date yet: the tables are new (db.create_all calls this for each module)."""


def _claimable(now: datetime):
    """Pending and due, or claimed by a runner whose lease ran out before it made the message."""
    return or_(
        and_(booking_texts.c.state == "pending", booking_texts.c.due_at <= now),
        and_(booking_texts.c.state == "sending", booking_texts.c.lease_until < now,
             booking_texts.c.staff_message_id.is_(None)),
    )


class BookingStore:
    """Appointments, their texts and the patient's reply (synchronous: call from a thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- booking -----------------------------------------------------------------------------

    def book(self, request_id: int, starts_at: datetime, by: str, number_hash: Optional[str],
             texts: dict[str, datetime], now: Optional[datetime] = None) -> Appointment:
        """Book (or rebook) the request: earlier bookings and their pending texts are cancelled;
        `texts` maps a kind to when it is due."""
        now = now or utcnow()
        unknown = set(texts) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown text kinds {sorted(unknown)!r}")
        with self.engine.begin() as conn:
            self._cancel(conn, request_id, now)
            new_id = conn.execute(insert(appointments).values(
                request_id=request_id, starts_at=starts_at, booked_by=by[:100], booked_at=now,
                number_hash=number_hash)).inserted_primary_key[0]
            for kind, due in texts.items():
                conn.execute(insert(booking_texts).values(
                    appointment_id=new_id, request_id=request_id, kind=kind, due_at=due, state="pending",
                    updated_at=now))
        found = self.get(new_id)
        assert found is not None
        return found

    def cancel(self, request_id: int, now: Optional[datetime] = None) -> int:
        """The request is no longer booked: its booking and pending texts are cancelled; how many texts."""
        with self.engine.begin() as conn:
            return self._cancel(conn, request_id, now or utcnow())

    @staticmethod
    def _cancel(conn: Connection, request_id: int, now: datetime) -> int:
        conn.execute(update(appointments).where(appointments.c.request_id == request_id,
                                                appointments.c.cancelled_at.is_(None)).values(cancelled_at=now))
        return conn.execute(update(booking_texts).where(
            booking_texts.c.request_id == request_id, booking_texts.c.state == "pending",
        ).values(state="cancelled", updated_at=now)).rowcount

    # --- reading -------------------------------------------------------------------------------

    def get(self, appointment_id: int) -> Optional[Appointment]:
        found = self._appointments(appointments.c.id == appointment_id)
        return found[0] if found else None

    def active(self, request_id: int) -> Optional[Appointment]:
        found = self._appointments(appointments.c.request_id == request_id, appointments.c.cancelled_at.is_(None))
        return found[-1] if found else None

    def active_for(self, request_ids: list[int]) -> dict[int, Appointment]:
        """The active booking of each of these requests that has one (the inbox)."""
        if not request_ids:
            return {}
        found = self._appointments(appointments.c.request_id.in_(request_ids), appointments.c.cancelled_at.is_(None))
        return {a.request_id: a for a in found}

    def text(self, text_id: int) -> Optional[BookingText]:
        with self.engine.connect() as conn:
            row = conn.execute(select(booking_texts).where(booking_texts.c.id == text_id)).first()
        return BookingText(**dict(row._mapping)) if row else None

    def _appointments(self, *where) -> list[Appointment]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(appointments).where(*where).order_by(appointments.c.id)).fetchall()
            ids = [r.id for r in rows]
            texts: dict[int, list[BookingText]] = {}
            if ids:
                for t in conn.execute(select(booking_texts).where(booking_texts.c.appointment_id.in_(ids))
                                      .order_by(booking_texts.c.due_at, booking_texts.c.id)):
                    texts.setdefault(t.appointment_id, []).append(BookingText(**dict(t._mapping)))
        return [Appointment(**dict(r._mapping), texts=texts.get(r.id, [])) for r in rows]

    # --- the scheduler's claim ----------------------------------------------------------------

    def due(self, now: datetime, limit: int = 50) -> list[int]:
        """Texts a runner may try to claim now (oldest first)."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(booking_texts.c.id).where(_claimable(now))
                                     .order_by(booking_texts.c.due_at, booking_texts.c.id).limit(limit)).scalars())

    def claim(self, text_id: int, holder: str, now: datetime) -> bool:
        """Take one text; one conditional UPDATE decides between runners (True: it is ours)."""
        with self.engine.begin() as conn:
            taken = conn.execute(update(booking_texts).where(booking_texts.c.id == text_id, _claimable(now)).values(
                state="sending", lease_holder=holder[:200], lease_until=now + LEASE, updated_at=now)).rowcount
        return taken == 1

    def attach_message(self, text_id: int, holder: str, message_id: int, now: datetime) -> bool:
        """The staff message about to go out; from here on the text is never claimed again."""
        with self.engine.begin() as conn:
            done = conn.execute(update(booking_texts).where(
                booking_texts.c.id == text_id, booking_texts.c.lease_holder == holder,
                booking_texts.c.state == "sending", booking_texts.c.staff_message_id.is_(None),
            ).values(staff_message_id=message_id, updated_at=now)).rowcount
        return done == 1

    def finish(self, text_id: int, holder: str, state: str, detail: str = "",
               now: Optional[datetime] = None) -> None:
        if state not in ("sent", "not_sent", "cancelled"):
            raise ValueError(f"not a final state: {state!r}")
        with self.engine.begin() as conn:
            conn.execute(update(booking_texts).where(
                booking_texts.c.id == text_id, booking_texts.c.lease_holder == holder,
                booking_texts.c.state == "sending",
            ).values(state=state, detail=detail[:300] or None, lease_until=None, updated_at=now or utcnow()))

    # --- the patient's reply ------------------------------------------------------------------

    def awaiting_reply(self, number_hash: str, now: datetime) -> Optional[Appointment]:
        """The booking a text from this number answers: active, texted to it, not yet begun (the
        soonest, if several requests share the number)."""
        found = self._appointments(appointments.c.number_hash == number_hash, appointments.c.cancelled_at.is_(None),
                                   appointments.c.starts_at > now)
        texted = [a for a in found if any(t.state == "sent" for t in a.texts)]
        return min(texted, key=lambda a: a.starts_at) if texted else None

    def record_reply(self, appointment_id: int, reply: str, now: Optional[datetime] = None) -> None:
        """C or R from the patient; R also cancels a reminder not yet sent (the desk will call)."""
        if reply not in REPLIES:
            raise ValueError(f"unknown reply {reply!r}")
        now = now or utcnow()
        with self.engine.begin() as conn:
            conn.execute(update(appointments).where(appointments.c.id == appointment_id)
                         .values(reply=reply, replied_at=now))
            if reply == "reschedule":
                conn.execute(update(booking_texts).where(
                    booking_texts.c.appointment_id == appointment_id, booking_texts.c.state == "pending",
                    booking_texts.c.kind == "reminder").values(state="cancelled", updated_at=now,
                                                                detail="the patient asked to reschedule"))


__all__ = ["Appointment", "BookingStore", "BookingText", "KINDS", "LEASE", "REPLIES", "STATES", "appointments",
           "booking_texts"]
