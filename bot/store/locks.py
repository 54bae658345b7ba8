"""Rasa's Redis lock store with atomic ticket queues (the production profile's lock store).

Rasa serves one turn at a time per conversation by giving each incoming message a ticket in the
conversation's queue, kept in Redis so that several Rasa servers share it. Rasa 3.6's
`RedisLockStore` reads the queue, changes it in Python and writes it back, which has two faults
that show up with several servers and crashes:

- two servers issuing tickets at the same moment overwrite each other's queue: a ticket is lost
  or two messages get the same number and run at once (RasaHQ/rasa#9213);
- a waiting message whose own ticket expires before it is served waits forever (until the HTTP
  request times out): the queue can never again serve its number. That happens after a server
  is killed mid-turn — the dead server's ticket and the next message's ticket expire within a
  second or two of each other, and a busy event loop polls the queue only after both are gone.
  Measured in tests/scale: a 503 after 85 s instead of an answer after the dead ticket expired.

Here every change of a queue is one optimistic Redis transaction (WATCH/MULTI/EXEC, retried when
another server changed the queue in between); ticket numbers come from one Redis counter, so
they are unique; a waiter whose ticket has expired queues again instead of waiting for a number
that will never come; the queue's key expires shortly after its last ticket, so a crashed
server leaves nothing behind for long.

deploy/endpoints.prod.yml: `lock_store: {type: bot.store.locks.AtomicRedisLockStore, url, port,
db, password, key_prefix}` — the same keys as Rasa's `redis` lock store.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, Optional, TypeVar

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")

# How often a waiting message looks at its queue. Rasa polls once a second; a patient who sends
# two messages quickly would wait up to a second more for the second answer.
POLL_SECONDS = 0.1
# The queue's key outlives its last ticket by this much (then Redis removes it by itself).
KEY_GRACE_SECONDS = 60


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket queues change atomically and never strand a waiter."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds a custom lock store with `cls(endpoint_config=...)`; tests pass keywords.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    # --- one atomic change of one queue ---------------------------------------------------

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _change(self, conversation_id: str, change: Callable[[TicketLock], T]) -> T:
        """Apply `change` to the conversation's queue (expired tickets already removed) atomically."""
        from redis.exceptions import WatchError

        key = self._key(conversation_id)
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else TicketLock(conversation_id)
                    lock.remove_expired_tickets()
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        last = max(ticket.expires for ticket in lock.tickets)
                        ttl = max(1, math.ceil(last - time.time())) + KEY_GRACE_SECONDS
                        pipe.set(key, lock.dumps(), ex=ttl)
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another server changed this queue meanwhile: read it again

    def _new_ticket(self, lifetime: float) -> Ticket:
        # One counter for every conversation: numbers are unique even after a queue is emptied.
        # Outside the "<prefix>lock:<conversation>" keys, so no conversation id can collide with it.
        number = int(self.red.incr(self.key_prefix.rstrip(":") + "_ticket_counter"))
        return Ticket(number, time.time() + lifetime)

    # --- what Rasa calls ----------------------------------------------------------------

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            ticket = self._new_ticket(lock_lifetime)

            def append(lock: TicketLock) -> int:
                lock.tickets.append(ticket)
                return ticket.number

            return self._change(conversation_id, append)
        except Exception as exc:  # noqa: BLE001 - Rasa expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def _poll(self, conversation_id: str, number: int, lifetime: float) -> tuple[int, bool, TicketLock]:
        """(our ticket number, whether it is served now, the queue); queues again if it expired."""

        def look(lock: TicketLock) -> tuple[int, bool, TicketLock]:
            current = number
            if not any(ticket.number == current for ticket in lock.tickets):
                ticket = self._new_ticket(lifetime)
                lock.tickets.append(ticket)
                current = ticket.number
            return current, lock.tickets[0].number == current, lock

        return self._change(conversation_id, look)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        number = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            wait = min(wait_time_in_seconds, POLL_SECONDS)
            while True:
                number, served, current = self._poll(conversation_id, number, lock_lifetime)
                if served:
                    break
                await asyncio.sleep(wait)
            yield current
        finally:
            self.cleanup(conversation_id, number)

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda _lock: None)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def remove(lock: TicketLock) -> None:
            lock.tickets = deque(t for t in lock.tickets if t.number != ticket_number)

        self._change(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Removing the last ticket deletes the queue (see _change): one transaction, no race.
        self.finish_serving(conversation_id, ticket_number)
