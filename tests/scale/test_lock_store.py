"""The production lock store (bot.store.locks) against the real Redis: atomic, FIFO, never stuck.

Needs Redis on 127.0.0.1:6379 (SCALE_REDIS_HOST/PORT); skipped with the reason otherwise, failed under CI.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest

from bot.store.locks import AtomicRedisLockStore

pytestmark = pytest.mark.scale

from tests.conftest import unavailable  # noqa: E402
from tests.scale.test_postgres_redis_nginx import REDIS_DB, REDIS_HOST, REDIS_PORT  # noqa: E402


@pytest.fixture
def prefix():
    try:
        import redis

        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=3)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: {type(exc).__name__}")
    tag = f"locktest{uuid.uuid4().hex[:10]}"
    yield tag
    for key in client.scan_iter(f"{tag}*"):
        client.delete(key)


def store(prefix: str, cls=AtomicRedisLockStore):
    return cls(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, key_prefix=prefix)


def test_created_from_the_endpoint_configuration_like_rasa_does(prefix):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(
        url=REDIS_HOST, type="bot.store.locks.AtomicRedisLockStore", port=str(REDIS_PORT),
        db=str(REDIS_DB), password="", key_prefix=prefix,
    )
    lock_store = LockStore.create(config)
    assert isinstance(lock_store, AtomicRedisLockStore)
    assert lock_store.key_prefix == f"{prefix}:lock:"
    assert lock_store.issue_ticket("someone") > 0


def test_tickets_issued_at_once_by_many_servers_are_all_kept_and_unique(prefix):
    servers = [store(prefix) for _ in range(4)]
    numbers: list[int] = []
    start = threading.Barrier(40)

    def issue(i: int) -> None:
        start.wait()
        numbers.append(servers[i % 4].issue_ticket("busy", 60))

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue = [t.number for t in servers[0].get_lock("busy").tickets]
    assert len(set(numbers)) == 40
    assert sorted(queue) == sorted(numbers)  # none lost (Rasa's RedisLockStore loses some: #9213)


def test_turns_of_one_conversation_on_two_servers_run_one_at_a_time_in_order(prefix):
    a, b = store(prefix), store(prefix)
    events: list[str] = []

    async def turn(lock_store, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with lock_store.lock("conv"):
            events.append(f"{name} start")
            await asyncio.sleep(0.2)
            events.append(f"{name} end")

    async def main() -> None:
        await asyncio.gather(turn(a, "1", 0), turn(b, "2", 0.05), turn(a, "3", 0.1))

    asyncio.run(main())
    assert events == ["1 start", "1 end", "2 start", "2 end", "3 start", "3 end"]
    assert a.get_lock("conv") is None  # the queue is gone when the last turn is done


def test_a_waiter_whose_ticket_expired_behind_a_dead_server_is_served(prefix):
    """The crash case: the dead server's ticket and ours expire before our (busy) loop looks again."""
    from rasa.core.lock_store import RedisLockStore

    dead = store(prefix)
    dead.issue_ticket("crashed", 1.0)  # a server killed mid-turn: never cleaned up

    async def wait_behind_it(lock_store) -> float:
        began = time.monotonic()
        async with lock_store.lock("crashed", lock_lifetime=1.0, wait_time_in_seconds=3.0):
            return time.monotonic() - began

    assert asyncio.run(asyncio.wait_for(wait_behind_it(store(prefix)), 10)) < 5

    # Rasa's own store, same situation: stuck (it would wait until the HTTP request times out).
    rasa_prefix = prefix + "rasa"
    store(rasa_prefix, RedisLockStore).issue_ticket("crashed", 1.0)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(wait_behind_it(store(rasa_prefix, RedisLockStore)), 8))


def test_the_queue_key_expires_by_itself(prefix):
    import redis

    lock_store = store(prefix)
    lock_store.issue_ticket("left-behind", 5)
    ttl = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB).ttl(f"{prefix}:lock:left-behind")
    assert 0 < ttl <= 5 + 60
