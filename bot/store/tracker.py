"""Rasa's SQL tracker store, configured by the same DATABASE_URL as the rest of the project.

Rasa loads a conversation's whole session from the database and rebuilds every event from JSON
at the start of every turn, and counts the stored events again to save. `UrlSQLTrackerStore`
keeps the events it last loaded or saved per conversation, in memory, and uses them only while
the database still holds exactly those rows (count and highest id of the conversation's events,
read first in every load and save); anything else (another server's turn, a purge, a new
session, an unknown conversation) goes to the database as Rasa would. The cache is bounded in
entries and idle seconds, so transcripts don't linger in memory.

A save whose new events carry `SlotSet("redact_since", <timestamp>)` (an action discarding a
screening) also removes what the patient typed since then, in the same transaction: the stored
events are rewritten (bot/store/redaction.py), the new ones are written already rewritten, the
conversation's SMS replies since then are blanked, and the conversation leaves the cache.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url

from bot.settings import get_settings
from bot.store.redaction import Redactor, redaction_start

logger = logging.getLogger(__name__)

_TOKEN_SQL = sa.text("SELECT count(id), max(id) FROM events WHERE sender_id = :sender_id")
# The JSON timestamp decides; the column is only a pre-filter (a float column may round).
_WINDOW_SQL = sa.text(
    "SELECT id, data FROM events WHERE sender_id = :sender_id AND timestamp >= :since ORDER BY id"
)
_REWRITE_SQL = sa.text("UPDATE events SET data = :data WHERE id = :id")


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore from one URL: a SQLite file by default, PostgreSQL in production."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        url: Optional[str] = None,
        cache_size: int = 1000,
        cache_idle_seconds: float = 900.0,
        **kwargs: Any,
    ) -> None:
        parsed = make_url(url or get_settings().database_url)
        dialect = parsed.drivername
        if dialect.startswith("sqlite"):
            from bot.store.db import make_engine

            make_engine(str(parsed)).dispose()  # creates the folder and switches the file to WAL
        super().__init__(
            domain=domain,
            dialect=dialect,
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
            password=parsed.password,
            event_broker=event_broker,
            query=dict(parsed.query),
        )
        if dialect.startswith("sqlite"):
            # SQLAlchemy 1.4 gives file SQLite no pool: every load and save opened a new
            # connection and SQLite re-read the schema (15% of a turn). A small pool, as
            # SQLAlchemy 2.0 has by default; the store is used from Rasa's one event loop.
            pooled = sa.create_engine(self.engine.url, poolclass=sa.pool.QueuePool, pool_size=2,
                                      max_overflow=4, connect_args={"check_same_thread": False})
            self.engine.dispose()
            self.engine = pooled
            self.sessionmaker = sa.orm.sessionmaker(bind=pooled)
        self.cache = EventCache(int(cache_size), float(cache_idle_seconds))
        self._redactor: Optional[tuple[Any, Redactor]] = None

    def _token(self, session: Any, sender_id: str) -> tuple[int, int]:
        """(number of rows, highest id) of the conversation's stored events."""
        # Plain SQL: the ORM's query building cost more than the indexed query itself.
        count, highest = session.execute(_TOKEN_SQL, {"sender_id": sender_id}).one()
        return int(count or 0), int(highest or 0)

    def _load_events(self, session: Any, sender_id: str, all_sessions: bool) -> list[Event]:
        """Rasa's query, reading only the JSON column (no ORM object per event row)."""
        rows = self._event_query(session, sender_id, all_sessions).with_entities(self.SQLEvent.data).all()
        return [Event.from_parameters(json.loads(data)) for (data,) in rows]

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """The latest session from the cache when the database still matches it, else Rasa's query."""
        if not self.domain:
            return None
        with self.session_scope() as session:
            if fetch_events_from_all_sessions:
                events = self._load_events(session, sender_id, True)
            else:
                # The token first: rows added after it make the next token differ (a miss),
                # never the other way round.
                token = self._token(session, sender_id)
                cached = self.cache.get(sender_id, token)
                if cached is not None:
                    events = list(cached.events)
                else:
                    events = self._load_events(session, sender_id, False)
                    if events:
                        self.cache.put(sender_id, CachedSession(token, tuple(events), session_start(events)))
        if not events:
            return None
        return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (the same rows), counting the stored events from the cache when it matches,
        and redacting a discarded screening in the same transaction."""
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            before = self._token(session, sender_id)
            cached = self.cache.get(sender_id, before)
            stored = len(cached.events) if cached else self._event_query(session, sender_id, False).count()
            new = [event.as_dict() for event in itertools.islice(tracker.events, stored, None)]
            start = redaction_start(new)
            if start is not None:
                new = self._redact(session, sender_id, new, *start)
            rows = [self._row(sender_id, data) for data in new]
            session.add_all(rows)
            session.flush()
            after = (before[0] + len(rows), max([before[1], *(row.id for row in rows)]))
            written = [row.data for row in rows]
            session.commit()
        await self._publish(sender_id, new)
        if start is not None:
            self.cache.drop(sender_id)  # no unredacted copy is served from memory
            return
        if cached is None:
            return
        added = [Event.from_parameters(json.loads(data)) for data in written]
        if any(isinstance(e, SessionStarted) or (e.timestamp or 0) < cached.session_start for e in added):
            # A new session (or a clock behind the session's start): the database decides.
            self.cache.drop(sender_id)
        else:
            self.cache.put(sender_id, CachedSession(after, cached.events + tuple(added), cached.session_start))

    async def _publish(self, sender_id: str, new: list[dict[str, Any]]) -> None:
        """What Rasa's stream_events sends an event broker (none is configured here), as stored."""
        if self.event_broker is None:
            return
        for data in new:
            self.event_broker.publish({"sender_id": sender_id, **data})

    def redactor(self) -> Redactor:
        """The redaction rules for the loaded model's domain (rebuilt when Rasa loads another)."""
        domain = self.domain
        if self._redactor is None or self._redactor[0] is not domain:
            self._redactor = (domain, Redactor.from_responses(domain.responses if domain else None))
        return self._redactor[1]

    def _redact(
        self, session: Any, sender_id: str, new: list[dict[str, Any]], since: float, marker: int
    ) -> list[dict[str, Any]]:
        """Rewrite the stored events from `since` and return the new ones rewritten (one transaction)."""
        stored = [
            (row_id, json.loads(data))
            for row_id, data in session.execute(_WINDOW_SQL, {"sender_id": sender_id, "since": since - 1.0})
        ]
        stored = [(row_id, data) for row_id, data in stored if float(data.get("timestamp") or 0.0) >= since]
        old = [data for _, data in stored]
        rewritten = self.redactor().redact(old + new, keep_slots_from=len(old) + marker)
        changes = [
            {"id": row_id, "data": json.dumps(data)}
            for (row_id, original), data in zip(stored, rewritten[: len(old)], strict=True)
            if data != original
        ]
        if changes:
            session.execute(_REWRITE_SQL, changes)
        from bot.store.sms import clear_replies

        moment = datetime.fromtimestamp(since, timezone.utc).replace(tzinfo=None)
        replies = clear_replies(session.connection(), sender_id, moment)
        # Counts only: never the conversation id or anything typed.
        logger.info("Discarded screening redacted: %d stored events rewritten, %d SMS replies cleared",
                    len(changes), replies)
        return rewritten[len(old):]

    def _row(self, sender_id: str, data: dict[str, Any]) -> Any:
        """The row Rasa's SQLTrackerStore.save writes for an event (given as its as_dict())."""
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=data.get("event"),
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )


def session_start(events: Sequence[Event]) -> float:
    """Timestamp of the last SessionStarted among `events` (-inf if none): what Rasa filters on."""
    starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
    return max(starts) if starts else float("-inf")


@dataclass(frozen=True)
class CachedSession:
    """A conversation's latest-session events as stored, and the database state they match."""

    token: tuple[int, int]
    events: tuple[Event, ...]
    session_start: float


class EventCache:
    """Least recently used conversations, each kept at most `idle_seconds` after last use."""

    def __init__(self, size: int, idle_seconds: float, clock: Any = time.monotonic) -> None:
        self.size = size
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, CachedSession]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, sender_id: str, token: tuple[int, int]) -> Optional[CachedSession]:
        """The entry if it matches `token` and hasn't idled out; otherwise forget it."""
        entry = self._entries.pop(sender_id, None)
        if entry is not None:
            used, cached = entry
            now = self._clock()
            if cached.token == token and now - used <= self.idle_seconds:
                self._entries[sender_id] = (now, cached)
                self.hits += 1
                return cached
        self.misses += 1
        return None

    def put(self, sender_id: str, cached: CachedSession) -> None:
        if self.size <= 0:
            return
        self._entries.pop(sender_id, None)
        self._entries[sender_id] = (self._clock(), cached)
        now = self._clock()
        while self._entries:
            oldest_id, (used, _) = next(iter(self._entries.items()))
            if len(self._entries) <= self.size and now - used <= self.idle_seconds:
                break
            del self._entries[oldest_id]

    def drop(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, sender_id: object) -> bool:
        return sender_id in self._entries

    def entries(self) -> list[CachedSession]:
        """What the cache holds right now (tests check no redacted text is kept in memory)."""
        return [cached for _, cached in self._entries.values()]
