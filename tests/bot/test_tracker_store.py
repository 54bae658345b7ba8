"""UrlSQLTrackerStore's event cache returns exactly what Rasa's SQLTrackerStore reads from the
database, writes the same rows, and never serves a conversation the database no longer holds."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.settings import ROOT
from bot.store.redaction import REDACTED
from bot.store.tracker import CachedSession, EventCache, UrlSQLTrackerStore
from tests.bot.test_request_store import pg_engine  # noqa: F401 - the PostgreSQL fixture (fails under CI)

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


# --- a discarded screening is redacted at once (SQLite and PostgreSQL) ------------------------------

# Words no response, rule or model holds: found anywhere after the redaction, they leaked.
CANARY_REASON = "zebrafinch ache behind my molars"
CANARY_MEDS = "quokkamycin twice daily"
CANARY_NAME = "Wilhelmina Quixotic"
CANARY_PHONE = "613-555-0147"
CANARY_ENTITY = "zebrafinch"
CANARIES = ("zebrafinch", "quokkamycin", "wilhelmina", "quixotic", "555-0147", "5550147")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A throwaway database of each kind (PostgreSQL: created and dropped by pg_engine)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'redaction.db'}"
    engine = request.getfixturevalue("pg_engine")
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def open_store(database_url, domain):
    """Tracker stores on `database_url`, their connections closed before the database is dropped."""
    made: list[UrlSQLTrackerStore] = []

    def make() -> UrlSQLTrackerStore:
        made.append(UrlSQLTrackerStore(domain, url=database_url))
        return made[-1]

    yield make
    for store in made:
        store.engine.dispose()


def tables_holding(engine: sa.engine.Engine, needles: Sequence[str]) -> list[tuple[str, str]]:
    """(table, needle) for every needle found, case-insensitively, in any column of any table."""
    found = []
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                text = " ".join(str(value) for value in row).lower()
                found += [(table, needle) for needle in needles if needle.lower() in text]
    return found


def response(domain: Domain, name: str, **values: str) -> str:
    """The web wording of a response, filled like Rasa fills it."""
    text = next(v["text"] for v in domain.responses[name] if not v.get("channel"))
    return text.format(**values) if values else text


def bot_says(text: str, utter_action: str = "", **metadata: str) -> BotUttered:
    meta = {"utter_action": utter_action, **metadata} if utter_action else dict(metadata)
    return BotUttered(text, {"buttons": None}, meta, timestamp=next(_clock))


def answer(text: str, slot: str, next_question: str, entities: Sequence[dict] = ()) -> list:
    """A screening answer as Rasa logs it: the message, the slot it fills, the form's next question."""
    return [
        UserUttered(text, {"name": "inform", "confidence": 0.8}, list(entities), timestamp=next(_clock)),
        SlotSet(slot, text, timestamp=next(_clock)),
        ActionExecuted("consultation_form", timestamp=next(_clock)),
        SlotSet("requested_slot", "next", timestamp=next(_clock)),
        bot_says(next_question, "utter_ask_next"),
        ActionExecuted("action_listen", timestamp=next(_clock)),
    ]


def screening_then_stop(domain: Domain, store, sender: str) -> float:
    """A FAQ, then a screening with canary answers saved turn by turn, then "stop"; returns redact_since."""
    talk(store, sender, session_start() + turn("what is it used for", "faq_conditions"))
    begin = next(_clock)
    consent = response(domain, "utter_ask_consent_given", clinic_contact="Metropolitan Dental's front desk")
    talk(store, sender, [
        UserUttered("I'd like to book a consultation", {"name": "book_consultation", "confidence": 0.9},
                    timestamp=begin),
        ActionExecuted("consultation_form", timestamp=next(_clock)),
        ActiveLoop("consultation_form", timestamp=next(_clock)),
        SlotSet("requested_slot", "consent_given", timestamp=next(_clock)),
        bot_says(consent, "utter_ask_consent_given"),
        ActionExecuted("action_listen", timestamp=next(_clock)),
    ])
    talk(store, sender, answer("yes", "consent_given", response(domain, "utter_ask_reason")))
    entity = {"entity": "condition", "value": CANARY_ENTITY, "start": 0, "end": 10}
    talk(store, sender, answer(CANARY_REASON, "reason", response(domain, "utter_ask_medications"), [entity]))
    talk(store, sender, answer(CANARY_MEDS, "medications", response(domain, "utter_ask_surgery")))
    talk(store, sender, answer(CANARY_NAME, "full_name", response(domain, "utter_ask_phone")))
    summary = response(domain, "utter_consultation_summary", reason=CANARY_REASON, medications=CANARY_MEDS,
                       surgery="no", facial_weakness="no", nerve_condition="no", pregnancy="no",
                       other_conditions="none", full_name=CANARY_NAME, phone=CANARY_PHONE, email="-",
                       contact_method="phone", contact_time="mornings")
    talk(store, sender, [
        UserUttered(CANARY_PHONE, {"name": "inform", "confidence": 0.8}, timestamp=next(_clock)),
        SlotSet("phone", CANARY_PHONE, timestamp=next(_clock)),
        ActionExecuted("consultation_form", timestamp=next(_clock)),
        ActiveLoop(None, timestamp=next(_clock)),
        ActionExecuted("action_show_summary", timestamp=next(_clock)),
        # An action's template arguments land in the bot event's metadata.
        bot_says(summary, "utter_consultation_summary", full_name=CANARY_NAME),
        bot_says(f"Thanks, {CANARY_NAME.split()[0]}.", ""),
        ActionExecuted("action_listen", timestamp=next(_clock)),
    ])
    return begin


def discard(domain: Domain, since: float) -> list:
    """The turn of "stop": the action's reply, the marker, the reset, the marker cleared."""
    return [
        UserUttered("stop", {"name": "stop", "confidence": 0.97}, timestamp=next(_clock)),
        ActionExecuted("action_cancel_consultation", timestamp=next(_clock)),
        bot_says(response(domain, "utter_consultation_cancelled"), "utter_consultation_cancelled"),
        SlotSet("redact_since", since, timestamp=next(_clock)),
        ActiveLoop(None, timestamp=next(_clock)),
        *[SlotSet(name, None, timestamp=next(_clock)) for name in ("consent_given", "reason", "medications",
                                                                    "full_name", "phone", "requested_slot")],
        SlotSet("redact_since", None, timestamp=next(_clock)),
        ActionExecuted("action_listen", timestamp=next(_clock)),
    ]


def stored_events(store, sender: str) -> list[dict]:
    return [json.loads(data) for data in rows(store, sender)]


def test_a_discarded_screening_leaves_no_typed_answer_in_any_table(open_store, domain):
    store = open_store()
    since = screening_then_stop(domain, store, "p-redact")
    talk(store, "p-other", session_start() + turn(f"{CANARY_MEDS} is what I take", "inform"))
    before = stored_events(store, "p-redact")
    assert tables_holding(store.engine, CANARIES)  # the canaries are there to be found
    assert run(store.retrieve("p-redact")) is not None and "p-redact" in store.cache  # cached unredacted

    talk(store, "p-redact", discard(domain, since))

    assert "p-redact" not in store.cache  # no unredacted copy is served from memory
    found = tables_holding(store.engine, CANARIES)
    with store.engine.connect() as conn:
        other = conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 'p-other' AND data LIKE :c"),
                             {"c": "%quokkamycin%"}).scalar_one()
    assert other == 2  # another conversation keeps what it said (its message, the echo)...
    assert found == [("events", "quokkamycin")] * 2  # ...and those rows are all there is
    after = stored_events(store, "p-redact")
    assert [e["event"] for e in after[:len(before)]] == [e["event"] for e in before]  # same events, same order
    texts = [e["text"] for e in after if e["event"] == "user"]
    assert texts[0] == "what is it used for"  # before the screening: kept
    assert texts[1:] == [REDACTED] * 7  # the request, every answer and "stop"
    intents = [e["parse_data"]["intent"]["name"] for e in after if e["event"] == "user"]
    assert intents == [e["parse_data"]["intent"]["name"] for e in before if e["event"] == "user"] + ["stop"]
    assert all(e["parse_data"]["entities"] == [] and e["parse_data"]["text"] == "" for e in after
               if e["event"] == "user" and e["timestamp"] >= since)
    slots = {(e["name"], e["value"]) for e in after if e["event"] == "slot" and e["timestamp"] >= since}
    assert ("redact_since", since) in slots and ("requested_slot", "consent_given") in slots  # the form's own
    assert {name for name, value in slots if value is not None} == {"redact_since", "requested_slot"}
    bot_texts = [e["text"] for e in after if e["event"] == "bot"]
    assert response(domain, "utter_ask_reason") in bot_texts  # the form's own questions stay
    assert response(domain, "utter_consultation_cancelled") in bot_texts
    assert bot_texts.count(REDACTED) == 2  # the summary and "Thanks, <name>"; the rest are the domain's
    assert all(set(e.get("metadata") or {}) <= {"utter_action"} for e in after
               if e["event"] == "bot" and e["timestamp"] >= since)


def test_a_redacted_conversation_reloads_and_goes_on(open_store, domain):
    store = open_store()
    since = screening_then_stop(domain, store, "p-goes-on")
    talk(store, "p-goes-on", discard(domain, since))
    tracker = run(store.retrieve("p-goes-on"))
    assert tracker is not None and tracker.get_slot("reason") is None and tracker.active_loop_name is None
    assert tracker.latest_message.text == REDACTED and tracker.latest_message.intent["name"] == "stop"
    assert not any(needle in json.dumps(dump(tracker)).lower() for needle in CANARIES)
    count = len(rows(store, "p-goes-on"))
    talk(store, "p-goes-on", turn("how much does it cost", "faq_cost"))
    after = stored_events(store, "p-goes-on")
    assert len(after) == count + 5 and after[-5]["text"] == "how much does it cost"  # saved as usual
    assert run(store.retrieve("p-goes-on")).latest_message.text == "how much does it cost"
    assert all(not any(n in repr(cached.events).lower() for n in CANARIES) for cached in store.cache.entries())


def test_a_redaction_reads_back_as_rasas_own_store_reads_it(tmp_path, domain):
    db = tmp_path / "both.db"
    ours = UrlSQLTrackerStore(domain, url=f"sqlite:///{db}")
    rasa = SQLTrackerStore(domain, dialect="sqlite", db=str(db))
    since = screening_then_stop(domain, ours, "p-same")
    talk(ours, "p-same", discard(domain, since))
    assert dump(run(ours.retrieve("p-same"))) == dump(run(rasa.retrieve("p-same")))


def test_answers_and_the_discard_in_one_save_are_written_redacted(tmp_path, domain):
    store = UrlSQLTrackerStore(domain, url=f"sqlite:///{tmp_path / 'one.db'}")
    begin = next(_clock)
    events = session_start() + [
        UserUttered("book me in", {"name": "book_consultation", "confidence": 0.9}, timestamp=begin),
        ActiveLoop("consultation_form", timestamp=next(_clock)),
    ] + answer(CANARY_REASON, "reason", "Medications?") + discard(domain, begin)
    talk(store, "p-one", events)
    assert tables_holding(store.engine, CANARIES) == []
    assert len(rows(store, "p-one")) == len(events)


def test_a_save_without_the_marker_redacts_nothing_and_a_second_discard_changes_nothing(tmp_path, domain):
    store = UrlSQLTrackerStore(domain, url=f"sqlite:///{tmp_path / 'twice.db'}")
    since = screening_then_stop(domain, store, "p-twice")
    talk(store, "p-twice", turn("just a question", "faq_what_is"))
    assert tables_holding(store.engine, CANARIES)  # nothing is removed without the action's marker
    talk(store, "p-twice", discard(domain, since))
    once = stored_events(store, "p-twice")
    talk(store, "p-twice", discard(domain, since))  # the same marker again (idempotent)
    again = stored_events(store, "p-twice")
    assert again[:len(once)] == once
    assert tables_holding(store.engine, CANARIES) == []


def test_the_conversations_sms_replies_are_cleared_and_no_others(open_store, domain):
    from bot.store.db import create_all
    from bot.store.sms import DONE, SmsStore

    store = open_store()
    engine = store.engine
    create_all(engine)
    sms = SmsStore(engine)
    since = screening_then_stop(domain, store, "sms:aaaa")
    summary = f"<Response><Message>Check: {CANARY_REASON}. {CANARY_NAME}</Message></Response>"
    moment = datetime.fromtimestamp(since, timezone.utc).replace(tzinfo=None)
    for sid, conversation, claimed in (("SM-during", "sms:aaaa", moment + timedelta(minutes=3)),
                                       ("SM-first", "sms:aaaa", moment - timedelta(seconds=2)),
                                       ("SM-earlier", "sms:aaaa", moment - timedelta(hours=2)),
                                       ("SM-other", "sms:bbbb", moment + timedelta(minutes=3))):
        sms.claim(sid, now=claimed, conversation_id=conversation)
        sms.complete(sid, summary)
    talk(store, "sms:aaaa", discard(domain, since))
    with engine.connect() as conn:
        kept = dict(conn.execute(sa.text("SELECT message_sid, twiml FROM sms_messages")).fetchall())
    assert kept["SM-during"] is None and kept["SM-first"] is None  # the screening's replies
    assert kept["SM-earlier"] == summary  # before the screening
    assert kept["SM-other"] == summary  # another conversation
    assert sms.claim("SM-during").state == DONE  # a Twilio retry is still not a new turn...
    assert sms.claim("SM-during").twiml == ""  # ...and gets an empty reply
