"""Messages the front desk sends a patient from the request page, with their delivery states.

One row per message (request, conversation, staff member, text, channel, Twilio's MessageSid, the
latest state and its error code); every state Twilio reported is kept beside it in
`staff_message_states`, keyed by MessageSid and state, so a repeated status callback (Twilio
retries, several servers) is a no-op, and a callback that arrives before the send has stored its
sid is not lost: the states are read by sid.

The text is what a patient receives, so it is part of the conversation: the retention purge
removes it with the transcript (TranscriptStore.purge), while the request and the audit rows
(which never hold the text) stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.store.db import metadata, utcnow

# Twilio's message states, from first to last; a later callback never moves a message back
# (callbacks can arrive out of order). "pending": stored, not yet accepted by Twilio; "error":
# Twilio could not be reached or refused the request (see error_code / error_message).
# "waiting" is the widget's: stored until the patient's chat is open (set with set_state).
PROGRESS = ("pending", "waiting", "accepted", "scheduled", "queued", "sending", "sent")
FINAL = ("delivered", "undelivered", "failed", "read", "canceled", "error")
STATES = PROGRESS + FINAL
# What Twilio may report in a status callback (ours, "pending" and "error", it never sends).
CALLBACK_STATES = frozenset(STATES) - {"pending", "error"}
CHANNELS = ("sms", "widget")
MAX_BODY_CHARS = 1600  # Twilio refuses longer texts

staff_messages = Table(
    "staff_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, nullable=False, index=True),
    Column("conversation_id", String(300), nullable=False, index=True),
    Column("staff_user", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("channel", String(20), nullable=False),
    # One compose box, one message: a double click or a resubmitted form carries the same key.
    Column("compose_key", String(64), nullable=False, unique=True),
    Column("twilio_sid", String(64), nullable=True, unique=True),
    Column("status", String(20), nullable=False, default="pending"),
    Column("error_code", String(20), nullable=True),
    Column("error_message", String(300), nullable=True),
    Column("created_at", DateTime, nullable=False, default=utcnow, index=True),
    Column("updated_at", DateTime, nullable=False, default=utcnow),
)

staff_message_states = Table(
    "staff_message_states",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("twilio_sid", String(64), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("error_code", String(20), nullable=True),
    Column("at", DateTime, nullable=False, default=utcnow, index=True),
    # Each state of a message once, whichever server a repeated callback reaches.
    UniqueConstraint("twilio_sid", "status", name="uq_staff_message_state"),
)


def rank(status: str) -> int:
    """How far a state is along (final states share the top rank: the first one reported wins)."""
    if status in FINAL:
        return len(PROGRESS)
    return PROGRESS.index(status) if status in PROGRESS else -1


def furthest(states):
    """The state a message is in: the furthest reported, the first final one when there are several."""
    ordered = list(states)
    return max(ordered, key=lambda s: (rank(s.status), -ordered.index(s) if s.status in FINAL else ordered.index(s)))


@dataclass
class StateChange:
    status: str
    error_code: Optional[str]
    at: datetime


@dataclass
class StaffMessage:
    id: int
    request_id: int
    conversation_id: str
    staff_user: str
    body: str
    channel: str
    compose_key: str
    twilio_sid: Optional[str]
    status: str
    error_code: Optional[str]
    error_message: Optional[str]
    created_at: datetime
    updated_at: datetime
    history: list[StateChange] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.status in FINAL


def migrate(engine: Engine) -> None:
    """Nothing to bring up to date yet: the tables are new (db.create_all calls this for each module)."""


class StaffMessageStore:
    """Staff messages and their states in the shared database (synchronous: call from a thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, request_id: int, conversation_id: str, staff_user: str, body: str, channel: str,
            compose_key: str) -> tuple[StaffMessage, bool]:
        """Store a message about to be sent; (the message, whether it is new). A second post of the
        same compose box returns the first message and False: it must not be sent again."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        now = utcnow()
        try:
            with self.engine.begin() as conn:
                new_id = conn.execute(insert(staff_messages).values(
                    request_id=request_id, conversation_id=conversation_id, staff_user=staff_user[:100],
                    body=body, channel=channel, compose_key=compose_key[:64], status="pending",
                    created_at=now, updated_at=now,
                )).inserted_primary_key[0]
        except IntegrityError:
            existing = self.by_compose_key(compose_key[:64])
            if existing is None:
                raise
            return existing, False
        stored = self.get(new_id)
        assert stored is not None
        return stored, True

    def get(self, message_id: int) -> Optional[StaffMessage]:
        with self.engine.connect() as conn:
            row = conn.execute(select(staff_messages).where(staff_messages.c.id == message_id)).first()
            return self._with_history(conn, [row])[0] if row else None

    def by_compose_key(self, key: str) -> Optional[StaffMessage]:
        with self.engine.connect() as conn:
            row = conn.execute(select(staff_messages).where(staff_messages.c.compose_key == key)).first()
            return self._with_history(conn, [row])[0] if row else None

    def by_sid(self, sid: str) -> Optional[StaffMessage]:
        with self.engine.connect() as conn:
            row = conn.execute(select(staff_messages).where(staff_messages.c.twilio_sid == sid)).first()
            return self._with_history(conn, [row])[0] if row else None

    def for_request(self, request_id: int) -> list[StaffMessage]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(staff_messages).where(staff_messages.c.request_id == request_id)
                .order_by(staff_messages.c.created_at, staff_messages.c.id)
            ).fetchall()
            return self._with_history(conn, rows)

    def for_conversation(self, conversation_id: str) -> list[StaffMessage]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(staff_messages).where(staff_messages.c.conversation_id == conversation_id)
                .order_by(staff_messages.c.created_at, staff_messages.c.id)
            ).fetchall()
            return self._with_history(conn, rows)

    def waiting_widget(self, conversation_ids: Iterable[str]) -> list[StaffMessage]:
        """Widget messages still waiting for one of these conversations, oldest first (the
        socket.io channel asks for the sessions connected to its own server)."""
        ids = list(dict.fromkeys(conversation_ids))
        found: list[StaffMessage] = []
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):  # bounded IN lists, whatever the number of sockets
                rows = conn.execute(
                    select(staff_messages).where(
                        staff_messages.c.channel == "widget", staff_messages.c.status == "waiting",
                        staff_messages.c.conversation_id.in_(ids[start:start + 500]))
                    .order_by(staff_messages.c.created_at, staff_messages.c.id)
                ).fetchall()
                found += self._with_history(conn, rows)
        return sorted(found, key=lambda m: (m.created_at, m.id))

    def accepted(self, message_id: int, sid: str, status: str) -> Optional[StaffMessage]:
        """Twilio took the message (its sid and first state); callbacks that beat us here count too."""
        try:
            with self.engine.begin() as conn:
                self._record_state(conn, sid, status if status in CALLBACK_STATES else "queued", None)
        except IntegrityError:  # the callback for the same state got there first: it is recorded
            pass
        with self.engine.begin() as conn:
            conn.execute(update(staff_messages).where(staff_messages.c.id == message_id)
                         .values(twilio_sid=sid, updated_at=utcnow()))
            self._settle(conn, sid)
        return self.get(message_id)

    def not_sent(self, message_id: int, error_code: Optional[str], error_message: str) -> Optional[StaffMessage]:
        """Twilio refused the message or could not be reached: nothing went to the patient."""
        with self.engine.begin() as conn:
            conn.execute(update(staff_messages).where(staff_messages.c.id == message_id).values(
                status="error", error_code=(error_code or None) and str(error_code)[:20],
                error_message=error_message[:300], updated_at=utcnow(),
            ))
        return self.get(message_id)

    def set_state(self, message_id: int, status: str) -> bool:
        """A state reported by our own channel (the widget: waiting, delivered), never backwards;
        False when the message is gone or already further along."""
        if status not in STATES:
            raise ValueError(f"unknown message status {status!r}")
        message = self.get(message_id)
        if message is None or message.twilio_sid or rank(message.status) >= rank(status):
            return False
        with self.engine.begin() as conn:
            changed = conn.execute(update(staff_messages).where(
                staff_messages.c.id == message_id, staff_messages.c.status == message.status,
            ).values(status=status, updated_at=utcnow())).rowcount
        return changed == 1

    def record_callback(self, sid: str, status: str, error_code: Optional[str] = None) -> bool:
        """A status callback; False when this sid already reported this state (nothing changes)."""
        if status not in CALLBACK_STATES:
            raise ValueError(f"unknown message status {status!r}")
        try:
            with self.engine.begin() as conn:
                if not self._record_state(conn, sid, status, error_code):
                    return False
                self._settle(conn, sid)
        except IntegrityError:  # the same callback, at the same moment, on another server
            return False
        return True

    def purge(self, before: datetime, conn: Optional[Connection] = None) -> int:
        """Delete messages sent before `before`, with their states; returns how many messages."""
        if conn is None:
            with self.engine.begin() as own:
                return self.purge(before, own)
        return purge(conn, before)

    # --- inside a transaction -------------------------------------------------------------

    @staticmethod
    def _record_state(conn: Connection, sid: str, status: str, error_code: Optional[str]) -> bool:
        seen = conn.execute(select(staff_message_states.c.id).where(
            staff_message_states.c.twilio_sid == sid, staff_message_states.c.status == status)).first()
        if seen:
            return False
        conn.execute(insert(staff_message_states).values(
            twilio_sid=sid, status=status, error_code=(error_code or None) and str(error_code)[:20], at=utcnow()))
        return True

    @staticmethod
    def _settle(conn: Connection, sid: str) -> None:
        """The message's state: the furthest one reported (the first final one, if any)."""
        states = conn.execute(select(staff_message_states).where(staff_message_states.c.twilio_sid == sid)
                              .order_by(staff_message_states.c.id)).fetchall()
        if not states:
            return
        best = furthest(states)
        conn.execute(update(staff_messages).where(staff_messages.c.twilio_sid == sid).values(
            status=best.status, error_code=best.error_code, updated_at=utcnow()))

    @staticmethod
    def _with_history(conn: Connection, rows) -> list[StaffMessage]:
        sids = [r.twilio_sid for r in rows if r.twilio_sid]
        history: dict[str, list[StateChange]] = {}
        if sids:
            for s in conn.execute(select(staff_message_states).where(staff_message_states.c.twilio_sid.in_(sids))
                                  .order_by(staff_message_states.c.id)):
                history.setdefault(s.twilio_sid, []).append(StateChange(s.status, s.error_code, s.at))
        messages = []
        for row in rows:
            message = StaffMessage(**dict(row._mapping), history=history.get(row.twilio_sid or "", []))
            if message.history:
                # Read from the states themselves: two servers settling at once cannot leave it behind.
                best = furthest(message.history)
                message.status, message.error_code = best.status, best.error_code
            messages.append(message)
        return messages


def purge(conn: Connection, before: datetime) -> int:
    """Inside the caller's transaction (the transcript purge): messages before `before` and their states."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("staff_messages"):
        return 0
    old = select(staff_messages.c.twilio_sid).where(staff_messages.c.created_at < before,
                                                    staff_messages.c.twilio_sid.is_not(None))
    conn.execute(delete(staff_message_states).where(staff_message_states.c.twilio_sid.in_(old)))
    # States of sids no message claims (a callback for a message that was never stored) go too.
    conn.execute(delete(staff_message_states).where(
        staff_message_states.c.at < before,
        staff_message_states.c.twilio_sid.not_in(select(staff_messages.c.twilio_sid)
                                                 .where(staff_messages.c.twilio_sid.is_not(None))),
    ))
    return conn.execute(delete(staff_messages).where(staff_messages.c.created_at < before)).rowcount or 0


__all__ = [
    "CALLBACK_STATES", "CHANNELS", "FINAL", "MAX_BODY_CHARS", "STATES", "StaffMessage", "StaffMessageStore",
    "StateChange", "migrate", "purge", "rank", "staff_message_states", "staff_messages",
]
