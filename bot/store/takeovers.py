"""Live takeovers: which staff member has a conversation, in the shared database.

One row per conversation while a person has it (the UNIQUE conversation_id is what stops two
staff taking over one conversation at once, whichever web server each of them reaches); the row
is deleted on hand back. Who took over and handed back, and when, is in the audit log; the row
holds no patient text.

`last_activity` moves with every message either way (the staff member's or the patient's): a
takeover without any for TAKEOVER_IDLE_MINUTES is handed back by the Rasa servers
(`end_if_idle` is a conditional DELETE, so exactly one of several servers does it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import Column, DateTime, Integer, String, Table, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.db import metadata, utcnow

takeovers = Table(
    "takeovers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", String(300), nullable=False, unique=True),
    Column("request_id", Integer, nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("staff_user", String(100), nullable=False),
    Column("started_at", DateTime, nullable=False, default=utcnow),
    Column("last_activity", DateTime, nullable=False, default=utcnow, index=True),
)


@dataclass
class Takeover:
    id: int
    conversation_id: str
    request_id: int
    channel: str
    staff_user: str
    started_at: datetime
    last_activity: datetime


class TakeoverStore:
    """Takeovers in the shared database (synchronous: call from a thread)."""

    def __init__(self, engine: Engine, create: bool = False) -> None:
        self.engine = engine
        # A process that may start before the web app (the SMS channel) makes the table itself.
        if create:
            metadata.create_all(engine, tables=[takeovers])

    def start(self, conversation_id: str, request_id: int, channel: str, staff_user: str) -> tuple[Takeover, bool]:
        """Take the conversation; (the takeover in force, whether it is this one). When someone
        already has it, theirs is returned with False."""
        now = utcnow()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(takeovers).values(
                    conversation_id=conversation_id, request_id=request_id, channel=channel[:20],
                    staff_user=staff_user[:100], started_at=now, last_activity=now))
        except IntegrityError:
            existing = self.get(conversation_id)
            if existing is None:  # handed back in between: try once more
                return self.start(conversation_id, request_id, channel, staff_user)
            return existing, False
        found = self.get(conversation_id)
        assert found is not None
        return found, True

    def get(self, conversation_id: str) -> Optional[Takeover]:
        with self.engine.connect() as conn:
            row = conn.execute(select(takeovers).where(takeovers.c.conversation_id == conversation_id)).first()
        return Takeover(**dict(row._mapping)) if row else None

    def touch(self, conversation_id: str) -> bool:
        """A message went one way or the other: the takeover is not idle. False when there is none."""
        with self.engine.begin() as conn:
            return conn.execute(update(takeovers).where(takeovers.c.conversation_id == conversation_id)
                                .values(last_activity=utcnow())).rowcount == 1

    def end(self, conversation_id: str, takeover_id: Optional[int] = None) -> bool:
        """Hand back (only takeover `takeover_id`, when given); False when it was no longer there."""
        condition = takeovers.c.conversation_id == conversation_id
        if takeover_id is not None:
            condition = condition & (takeovers.c.id == takeover_id)
        with self.engine.begin() as conn:
            return conn.execute(delete(takeovers).where(condition)).rowcount == 1

    def idle(self, before: datetime) -> list[Takeover]:
        """Takeovers with no message since `before`."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(takeovers).where(takeovers.c.last_activity < before)
                                .order_by(takeovers.c.last_activity)).fetchall()
        return [Takeover(**dict(r._mapping)) for r in rows]

    def end_if_idle(self, takeover: Takeover, before: datetime) -> bool:
        """Hand back an idle takeover; True for the one caller (of several servers) that did."""
        with self.engine.begin() as conn:
            return conn.execute(delete(takeovers).where(
                takeovers.c.id == takeover.id, takeovers.c.last_activity < before)).rowcount == 1


__all__ = ["Takeover", "TakeoverStore", "takeovers"]
