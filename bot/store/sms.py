"""SMS bookkeeping: opted-out numbers and processed Twilio MessageSids (with the TwiML sent back).

Numbers are never stored in clear: the channel passes a keyed hash (see bot.channels.sms).
Every method is synchronous SQLAlchemy; the async webhook calls them through asyncio.to_thread.
Each MessageSid row names its conversation, so the replies of a discarded screening can be
cleared with the conversation (clear_replies, called by the tracker store and the purge).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.store.db import make_engine, metadata, utcnow

CLAIMED = "claimed"  # this caller must process the message
DONE = "done"  # already answered: send the stored TwiML again
PENDING = "pending"  # another request is processing it right now

# A claim older than this belongs to a request that died (process killed mid-turn): take it over.
STALE_CLAIM = timedelta(seconds=60)
# A message is claimed before Rasa stamps its user event: replies claimed this long before a
# screening's first message are cleared with it.
CLAIM_BEFORE_EVENT = timedelta(seconds=60)

sms_messages = Table(
    "sms_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    # The unique index is what makes a Twilio retry, on any server, a no-op.
    Column("message_sid", String(64), nullable=False, unique=True),
    Column("status", String(12), nullable=False, default="processing"),
    # May contain what the bot read back (the screening summary): purge with purge_messages().
    Column("twiml", Text, nullable=True),
    Column("claimed_at", DateTime, nullable=False, default=utcnow, index=True),
    Column("done_at", DateTime, nullable=True),
    # Rasa's sender id of the message's conversation (added by migrate() to older databases).
    Column("conversation_id", String(255), nullable=True, index=True),
)

sms_opt_outs = Table(
    "sms_opt_outs",
    metadata,
    Column("number_hash", String(64), primary_key=True),
    Column("opted_out", Boolean, nullable=False),
    Column("changed_at", DateTime, nullable=False, default=utcnow),
)


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a MessageSid: CLAIMED, DONE (with its TwiML) or PENDING."""

    state: str
    twiml: Optional[str] = None


@dataclass(frozen=True)
class OptOut:
    """The opt-out state of one (hashed) number."""

    number_hash: str
    opted_out: bool
    changed_at: datetime


class SmsStore:
    """Opt-outs and message ids in the shared database; the engine is created on first use."""

    def __init__(self, engine: Optional[Engine] = None, url: Optional[str] = None) -> None:
        self._engine = engine
        self._url = url
        self._lock = threading.Lock()
        self._ready = False

    @property
    def engine(self) -> Engine:
        """The engine, created (with the two tables) on first use, never at import time."""
        with self._lock:
            if self._engine is None:
                if self._url is None:
                    from bot.settings import get_settings

                    self._url = get_settings().database_url
                self._engine = make_engine(self._url)
            if not self._ready:
                # bot.run creates every table; this covers a Rasa server started on its own.
                metadata.create_all(self._engine, tables=[sms_messages, sms_opt_outs])
                migrate(self._engine)
                self._ready = True
            return self._engine

    # --- idempotency -------------------------------------------------------------------------

    def claim(self, message_sid: str, now: Optional[datetime] = None, conversation_id: Optional[str] = None) -> Claim:
        """Claim `message_sid` with an INSERT; the unique index decides between concurrent copies."""
        now = now or utcnow()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(sms_messages).values(
                    message_sid=message_sid, status="processing", claimed_at=now, conversation_id=conversation_id
                ))
            return Claim(CLAIMED)
        except IntegrityError:
            pass
        with self.engine.begin() as conn:
            row = conn.execute(select(sms_messages).where(sms_messages.c.message_sid == message_sid)).first()
            if row is None:  # released between our INSERT and SELECT: try again next poll
                return Claim(PENDING)
            if row.status == "done":
                return Claim(DONE, row.twiml or "")
            if row.claimed_at < now - STALE_CLAIM:
                taken = conn.execute(
                    update(sms_messages)
                    .where(sms_messages.c.id == row.id, sms_messages.c.status == "processing",
                           sms_messages.c.claimed_at == row.claimed_at)
                    .values(claimed_at=now)
                ).rowcount
                if taken == 1:
                    return Claim(CLAIMED)
        return Claim(PENDING)

    def complete(self, message_sid: str, twiml: str) -> None:
        """Store the reply sent for `message_sid`; later copies get exactly this."""
        with self.engine.begin() as conn:
            conn.execute(
                update(sms_messages)
                .where(sms_messages.c.message_sid == message_sid)
                .values(status="done", twiml=twiml, done_at=utcnow())
            )

    def release(self, message_sid: str) -> None:
        """Give up an unfinished claim (processing failed), so a retry can process the message."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(sms_messages).where(
                    sms_messages.c.message_sid == message_sid, sms_messages.c.status == "processing"
                )
            )

    def clear_replies(self, conversation_id: str, since: datetime) -> int:
        """Forget the replies stored for a conversation since `since` (see clear_replies below)."""
        with self.engine.begin() as conn:
            return clear_replies(conn, conversation_id, since)

    def purge_messages(self, before: datetime) -> int:
        """Delete message ids (and their stored replies) claimed before `before`; returns how many."""
        with self.engine.begin() as conn:
            return conn.execute(delete(sms_messages).where(sms_messages.c.claimed_at < before)).rowcount

    # --- opt-outs ----------------------------------------------------------------------------

    def opt_out(self, number_hash: str) -> Optional[OptOut]:
        with self.engine.connect() as conn:
            row = conn.execute(select(sms_opt_outs).where(sms_opt_outs.c.number_hash == number_hash)).first()
        return OptOut(row.number_hash, bool(row.opted_out), row.changed_at) if row else None

    def is_opted_out(self, number_hash: str) -> bool:
        record = self.opt_out(number_hash)
        return bool(record and record.opted_out)

    def set_opted_out(self, number_hash: str, opted_out: bool) -> None:
        """Record an opt-out (STOP...) or opt-in (START...) of the number behind `number_hash`."""
        now = utcnow()
        values = {"opted_out": opted_out, "changed_at": now}
        where = sms_opt_outs.c.number_hash == number_hash
        with self.engine.begin() as conn:
            if conn.execute(update(sms_opt_outs).where(where).values(**values)).rowcount:
                return
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(sms_opt_outs).values(number_hash=number_hash, **values))
        except IntegrityError:  # a concurrent first message from the same number inserted it
            with self.engine.begin() as conn:
                conn.execute(update(sms_opt_outs).where(where).values(**values))


def migrate(engine: Engine) -> None:
    """Add `conversation_id` (and its index) to an sms_messages table created before it (idempotent).

    Several servers may start at once: PostgreSQL's IF NOT EXISTS settles it there; on SQLite a
    concurrent copy fails with "duplicate column", which means done.
    """
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("sms_messages")}
    if "conversation_id" not in columns:
        if engine.dialect.name == "postgresql":
            statement = "ALTER TABLE sms_messages ADD COLUMN IF NOT EXISTS conversation_id VARCHAR(255)"
        else:
            statement = "ALTER TABLE sms_messages ADD COLUMN conversation_id VARCHAR(255)"
        try:
            with engine.begin() as conn:
                conn.execute(text(statement))
        except OperationalError as exc:
            if "duplicate column" not in str(exc).lower():
                raise
    # Only when missing: the app's database role need not own the table (docs/security.md), and
    # PostgreSQL refuses CREATE INDEX to a non-owner even when the index exists.
    with engine.connect() as conn:
        indexes = {i["name"] for i in inspect(conn).get_indexes("sms_messages")}
    if "ix_sms_messages_conversation_id" in indexes:
        return
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE INDEX IF NOT EXISTS ix_sms_messages_conversation_id ON sms_messages (conversation_id)"
        ))


def clear_replies(conn: Connection, conversation_id: str, since: datetime) -> int:
    """Blank the TwiML stored for `conversation_id`'s messages claimed since `since` (less the
    claim's lead, CLAIM_BEFORE_EVENT), inside the caller's transaction; returns how many.

    The rows stay, so a Twilio retry of one of those messages is still not a new turn: it gets an
    empty reply. Without the table or its conversation column (a database the SMS channel never
    used, or not migrated yet: no row there names a conversation) there is nothing to clear.
    """
    inspector = inspect(conn)
    if not inspector.has_table("sms_messages"):
        return 0
    if "conversation_id" not in {c["name"] for c in inspector.get_columns("sms_messages")}:
        return 0
    return conn.execute(
        update(sms_messages)
        .where(sms_messages.c.conversation_id == conversation_id,
               sms_messages.c.claimed_at >= since - CLAIM_BEFORE_EVENT,
               sms_messages.c.twiml.is_not(None))
        .values(twiml=None)
    ).rowcount or 0


__all__ = [
    "Claim", "OptOut", "SmsStore", "CLAIMED", "CLAIM_BEFORE_EVENT", "DONE", "PENDING", "clear_replies", "migrate",
    "sms_messages", "sms_opt_outs",
]
