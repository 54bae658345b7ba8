"""UrlSQLTrackerStore's event cache returns exactly what Rasa's SQLTrackerStore reads from the
database, writes the same rows, and never serves a conversation the database no longer holds."""

from __future__ import annotations

import asyncio
import itertools

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.settings import ROOT
from bot.store.tracker import CachedSession, EventCache, UrlSQLTrackerStore

_clock = itertools.count(1_700_000_000)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def stores(tmp_path, domain):
    db = tmp_path / "tracker.db"
    ours = UrlSQLTrackerStore(domain, url=f"sqlite:///{db}")
    rasa = SQLTrackerStore(domain, dialect="sqlite", db=str(db))
    return ours, rasa


def run(coro):
    return asyncio.run(coro)


def turn(text: str, intent: str) -> list:
    """One user turn as the processor records it, with increasing timestamps."""
    return [
        UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=next(_clock)),
        ActionExecuted(f"utter_{intent}", timestamp=next(_clock)),
        BotUttered(f"answer to {text}", {"buttons": None}, timestamp=next(_clock)),
        SlotSet("consent_given", True, timestamp=next(_clock)),
        ActionExecuted("action_listen", timestamp=next(_clock)),
    ]


def session_start() -> list:
    return [ActionExecuted("action_session_start", timestamp=next(_clock)),
            SessionStarted(timestamp=next(_clock)),
            ActionExecuted("action_listen", timestamp=next(_clock))]


def dump(tracker):
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


def talk(store, sender: str, events: list) -> None:
    """What the processor does each turn: load (or create), append, save."""
    tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, store.domain.slots)
    for event in events:
        tracker.update(event)
    run(store.save(tracker))


def rows(store, sender: str) -> list[str]:
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                                           {"s": sender})]


def test_a_conversation_reads_back_as_rasa_reads_it_turn_after_turn(stores):
    ours, rasa = stores
    talk(ours, "p1", session_start())
    for i in range(6):
        talk(ours, "p1", turn(f"question {i}", "faq_what_is"))
        assert dump(run(ours.retrieve("p1"))) == dump(run(rasa.retrieve("p1")))
    assert ours.cache.hits >= 6  # the cache did the reading after the first load
    assert len(rows(ours, "p1")) == 3 + 6 * 5  # every event once, no duplicates
    assert dump(run(ours.retrieve_full_tracker("p1"))) == dump(run(rasa.retrieve_full_tracker("p1")))


def test_the_rows_written_are_the_rows_rasa_writes(stores, tmp_path, domain):
    ours, _ = stores
    other = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasa-only.db"))
    events = session_start() + turn("hi", "greet") + turn("what is it", "faq_what_is")
    for store in (ours, other):
        talk(store, "p2", events[:3])
        talk(store, "p2", events[3:8])
        talk(store, "p2", events[8:])
    assert rows(ours, "p2") == rows(other, "p2")


def test_another_servers_turn_is_read_from_the_database(stores):
    ours, rasa = stores
    talk(ours, "p3", session_start() + turn("hi", "greet"))
    run(ours.retrieve("p3"))  # cached now
    talk(rasa, "p3", turn("from the other server", "faq_side_effects"))
    tracker = run(ours.retrieve("p3"))
    assert dump(tracker) == dump(run(rasa.retrieve("p3")))
    assert tracker.latest_message.text == "from the other server"
    talk(ours, "p3", turn("and back", "thanks"))
    assert len(rows(ours, "p3")) == 3 + 3 * 5
    assert dump(run(ours.retrieve("p3"))) == dump(run(rasa.retrieve("p3")))


def test_a_purged_conversation_is_not_served_from_memory(stores):
    ours, _ = stores
    talk(ours, "p4", session_start() + turn("my phone is 613 555 0100", "faq_what_is"))
    assert run(ours.retrieve("p4")) is not None
    with ours.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM events WHERE sender_id = 'p4'"))
    assert run(ours.retrieve("p4")) is None


def test_a_new_session_reads_back_without_the_old_one(stores):
    ours, rasa = stores
    talk(ours, "p5", session_start() + turn("first", "greet"))
    talk(ours, "p5", turn("second", "thanks"))
    talk(ours, "p5", session_start() + turn("next day", "faq_what_is"))
    tracker = run(ours.retrieve("p5"))
    assert dump(tracker) == dump(run(rasa.retrieve("p5")))
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == ["next day"]
    talk(ours, "p5", turn("more", "thanks"))
    assert dump(run(ours.retrieve("p5"))) == dump(run(rasa.retrieve("p5")))


def test_a_cached_conversation_is_not_changed_by_the_turn_that_uses_it(stores):
    ours, rasa = stores
    talk(ours, "p6", session_start() + turn("hi", "greet"))
    run(ours.retrieve("p6"))
    tracker = run(ours.retrieve("p6"))
    tracker.update(UserUttered("never saved", {"name": "greet", "confidence": 1.0}, timestamp=next(_clock)))
    assert dump(run(ours.retrieve("p6"))) == dump(run(rasa.retrieve("p6")))


def test_unknown_conversations_are_none(stores):
    ours, _ = stores
    assert run(ours.retrieve("nobody")) is None


def _entry(token=(1, 1)):
    return CachedSession(token, (), float("-inf"))


def test_event_cache_misses_on_another_token_and_forgets_the_entry():
    cache = EventCache(size=10, idle_seconds=60)
    cache.put("a", _entry((3, 7)))
    assert cache.get("a", (3, 7)) is not None
    assert cache.get("a", (4, 9)) is None
    assert cache.get("a", (3, 7)) is None  # gone, not kept stale
    assert (cache.hits, cache.misses) == (1, 2)


def test_event_cache_keeps_the_most_recently_used_conversations():
    cache = EventCache(size=2, idle_seconds=60)
    cache.put("a", _entry())
    cache.put("b", _entry())
    assert cache.get("a", (1, 1)) is not None  # "b" is now the least recently used
    cache.put("c", _entry())
    assert len(cache) == 2
    assert cache.get("b", (1, 1)) is None
    assert cache.get("a", (1, 1)) is not None and cache.get("c", (1, 1)) is not None


def test_event_cache_drops_idle_conversations():
    now = [0.0]
    cache = EventCache(size=10, idle_seconds=30, clock=lambda: now[0])
    cache.put("a", _entry())
    now[0] = 20.0
    cache.put("b", _entry())
    now[0] = 31.0
    assert cache.get("a", (1, 1)) is None  # idle 31 s
    cache.put("c", _entry())  # putting sweeps idle entries too
    now[0] = 55.0
    cache.put("d", _entry())
    assert cache.get("b", (1, 1)) is None
    assert len(cache) == 2  # c and d


def test_a_zero_size_cache_keeps_nothing(tmp_path, domain):
    store = UrlSQLTrackerStore(domain, url=f"sqlite:///{tmp_path / 'n.db'}", cache_size=0)
    talk(store, "p7", session_start() + turn("hi", "greet"))
    talk(store, "p7", turn("again", "thanks"))
    assert len(store.cache) == 0
    assert len(rows(store, "p7")) == 13
