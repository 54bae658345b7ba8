"""Live takeover: the one-per-conversation row, the signed control request, ConversationPaused and
ConversationResumed in a real tracker, the safety nets answering a paused conversation, the idle
hand-back (once across servers), and the staff routes' refusals."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from sqlalchemy import update

from bot.channels.takeover import TakeoverInput, parse_control
from bot.settings import ROOT, Settings
from bot.store.db import utcnow
from bot.store.takeovers import TakeoverStore, takeovers
from bot.takeover import (
    DURING_TAKEOVER,
    IDLE_RESPONSE,
    answer_safety,
    hand_back_idle,
    safety_responses,
    set_paused,
    sign,
    unseen_idle_notice,
    verify,
)
from tests.bot.test_staff_auth import Staff, add_users, audit_actions, logged_in
from tests.bot.test_staff_pages import add_request

SECRET = "takeover-test-secret"
CONVERSATION = "AbCdEfGhIjKlMnOpQrStUv"
EMERGENCY = "my throat is closing and I can't breathe"
CRISIS = "I want to kill myself"


# --- the row ----------------------------------------------------------------------------------------


def test_two_staff_cannot_take_over_one_conversation(engine) -> None:
    store, other_server = TakeoverStore(engine), TakeoverStore(engine)
    first, mine = store.start(CONVERSATION, 1, "socketio", "alice")
    assert mine and first.staff_user == "alice"
    held, second = other_server.start(CONVERSATION, 1, "socketio", "bob")
    assert not second and held.staff_user == "alice" and held.id == first.id
    assert store.touch(CONVERSATION) and not store.touch("nobody")
    assert store.end(CONVERSATION, first.id) and not store.end(CONVERSATION, first.id)
    assert other_server.start(CONVERSATION, 1, "socketio", "bob")[1]  # free again


def test_an_idle_takeover_is_ended_by_one_server_only(engine) -> None:
    store = TakeoverStore(engine)
    takeover, _ = store.start(CONVERSATION, 1, "socketio", "alice")
    cutoff = utcnow() - timedelta(minutes=30)
    assert store.idle(cutoff) == []  # just started
    with engine.begin() as conn:
        conn.execute(update(takeovers).values(last_activity=utcnow() - timedelta(minutes=31)))
    [idle] = store.idle(cutoff)
    assert [TakeoverStore(engine).end_if_idle(idle, cutoff), store.end_if_idle(idle, cutoff)] == [True, False]


# --- the signed control request -----------------------------------------------------------------------


def test_the_control_request_is_signed_and_goes_stale() -> None:
    body = json.dumps({"conversation_id": CONVERSATION, "paused": True}).encode()
    header = sign(SECRET, body, issued=1_800_000_000)
    assert verify(SECRET, body, header, now=1_800_000_030)
    assert not verify(SECRET, body, header, now=1_800_000_100)  # a copied request, later
    assert not verify("another-secret", body, header, now=1_800_000_030)
    assert not verify(SECRET, body.replace(b"true", b"false"), header, now=1_800_000_030)
    for forged in (None, "", "abc", "1800000000.", "x.y", "1800000000." + "0" * 64):
        assert not verify(SECRET, body, forged, now=1_800_000_030)


@pytest.mark.parametrize(("body", "problem"), [
    (b"not json", "not JSON"),
    (b"[1]", "not a JSON object"),
    (b'{"conversation_id": "", "paused": true}', "conversation_id"),
    (b'{"conversation_id": "abc", "paused": "yes"}', "'paused'"),
    (b"{" + b" " * 3000 + b"}", "too long"),
])
def test_bad_control_bodies_say_why(body: bytes, problem: str) -> None:
    assert problem in parse_control(body)[2]


# --- in the Rasa server, with a real tracker --------------------------------------------------------


class Agent:
    """Rasa's pieces the takeover uses, real ones: domain, tracker store, lock store, NLG."""

    def __init__(self) -> None:
        self.domain = Domain.load(str(ROOT / "domain.yml"))
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.lock_store = InMemoryLockStore()
        self.processor = SimpleNamespace(fetch_tracker_with_initial_session=self._fetch,
                                         nlg=TemplatedNaturalLanguageGenerator(self.domain.responses))

    async def _fetch(self, sender_id: str, *_: Any) -> Any:
        tracker = await self.tracker_store.get_or_create_tracker(sender_id)
        if not tracker.events:
            for event in (ActionExecuted("action_session_start"), SessionStarted(),
                          SlotSet("clinic_contact", "Metropolitan Dental at 613-555-0100"),
                          ActionExecuted("action_listen")):
                tracker.update(event, self.domain)
        return tracker

    def is_ready(self) -> bool:
        return True

    async def events(self, sender_id: str = CONVERSATION) -> list[Any]:
        return list((await self.tracker_store.retrieve(sender_id)).events)


class Output(CollectingOutputChannel):
    @classmethod
    def name(cls) -> str:
        return "socketio"


@pytest.mark.asyncio
async def test_pause_and_resume_are_rasas_events_in_the_tracker() -> None:
    agent = Agent()
    assert await set_paused(agent, CONVERSATION, True) is True
    assert await set_paused(agent, CONVERSATION, True) is True  # twice: recorded once
    tracker = await agent.tracker_store.retrieve(CONVERSATION)
    assert tracker.is_paused()
    assert [type(e) for e in tracker.events].count(ConversationPaused) == 1
    assert await set_paused(agent, CONVERSATION, False) is False
    events = await agent.events()
    assert isinstance(events[-1], ConversationResumed)
    assert not (await agent.tracker_store.retrieve(CONVERSATION)).is_paused()


def test_only_emergencies_and_crises_are_owed_a_reply() -> None:
    assert safety_responses(EMERGENCY) == ["utter_emergency"]
    assert safety_responses(CRISIS) == ["utter_crisis"]
    assert safety_responses("what are the side effects?") == []
    assert safety_responses("no trouble breathing at all") == []


@pytest.mark.asyncio
async def test_a_paused_conversation_still_gets_the_emergency_and_crisis_replies() -> None:
    agent = Agent()
    await set_paused(agent, CONVERSATION, True)
    output = Output()
    assert await answer_safety(agent, CONVERSATION, "can I book for Tuesday?", output) == []
    assert output.messages == []  # anything else: silence, the person answers
    await answer_safety(agent, CONVERSATION, EMERGENCY, output)
    await answer_safety(agent, CONVERSATION, CRISIS, output)
    texts = [m["text"] for m in output.messages]
    assert "call 911 now" in texts[0]
    assert "988" in texts[1]
    bots = [e for e in await agent.events() if isinstance(e, BotUttered)]
    assert [(b.metadata["utter_action"], b.metadata[DURING_TAKEOVER]) for b in bots] == [
        ("utter_emergency", True), ("utter_crisis", True)]
    assert (await agent.tracker_store.retrieve(CONVERSATION)).is_paused()  # still the person's


@pytest.mark.asyncio
async def test_a_conversation_not_paused_is_left_to_the_bot() -> None:
    agent, output = Agent(), Output()
    await agent._fetch(CONVERSATION)
    assert await answer_safety(agent, CONVERSATION, EMERGENCY, output) == []
    assert output.messages == []  # the bot answers it itself: no second copy


@pytest.mark.asyncio
async def test_an_idle_takeover_is_handed_back_and_the_patient_told(engine) -> None:
    agent, store = Agent(), TakeoverStore(engine)
    store.start(CONVERSATION, 1, "socketio", "alice")
    await set_paused(agent, CONVERSATION, True)
    settings = Settings(takeover_idle_minutes=30)
    outputs: dict[str, Output] = {}

    def output_for(conversation_id: str, channel: str) -> Output:
        return outputs.setdefault(conversation_id, Output())

    assert await hand_back_idle(agent, store, settings, output_for) == []  # not idle yet
    with engine.begin() as conn:
        conn.execute(update(takeovers).values(last_activity=utcnow() - timedelta(minutes=31)))
    assert await hand_back_idle(agent, store, settings, output_for) == [CONVERSATION]
    assert await hand_back_idle(agent, TakeoverStore(engine), settings, output_for) == []  # once
    assert store.get(CONVERSATION) is None
    [told] = outputs[CONVERSATION].messages
    assert "handed this conversation back" in told["text"]
    tracker = await agent.tracker_store.retrieve(CONVERSATION)
    assert not tracker.is_paused()
    assert isinstance(tracker.events[-2], ConversationResumed)
    assert tracker.events[-1].metadata["utter_action"] == IDLE_RESPONSE
    # An SMS patient had no open line: the notice goes before the reply to their next text.
    assert unseen_idle_notice(tracker.events) == [{"text": told["text"]}]
    assert unseen_idle_notice([*tracker.events, UserUttered("ok")]) == []


@pytest.mark.asyncio
async def test_the_control_endpoint_refuses_forgeries_and_pauses_when_signed() -> None:
    agent = Agent()
    channel = TakeoverInput(Settings(secret_key=SECRET))
    body = json.dumps({"conversation_id": CONVERSATION, "paused": True}).encode()
    assert (await channel.handle(body, "123.forged", agent))[0] == 403
    assert (await channel.handle(body, sign("wrong", body), agent))[0] == 403
    assert await agent.tracker_store.retrieve(CONVERSATION) is None  # nothing was touched
    assert (await channel.handle(b"[]", sign(SECRET, b"[]"), agent))[0] == 400
    assert await channel.handle(body, sign(SECRET, body), agent) == (200, {"paused": True})
    assert (await agent.tracker_store.retrieve(CONVERSATION)).is_paused()


# --- the staff routes' refusals (the whole way round is in tests/e2e/test_takeover.py) -------------------


@pytest.fixture
def desk(engine) -> Staff:
    add_users(engine)
    # Nothing listens on port 9 (discard): the Rasa server is "down".
    return logged_in(Staff(engine, Settings(database_url="sqlite://", staff_idle_minutes=15,
                                            rasa_url="http://127.0.0.1:9", secret_key=SECRET)))


def csrf(desk: Staff, request_id: int = 1) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', desk.client.get(f"/staff/requests/{request_id}").text
                     ).group(1)


def test_the_page_offers_a_takeover_and_a_taken_conversation_is_refused_to_a_second_person(desk: Staff) -> None:
    item = add_request(desk.engine)
    page = desk.client.get("/staff/requests/1").text
    assert 'action="/staff/requests/1/takeover"' in page and "Take over" in page
    TakeoverStore(desk.engine).start(item.conversation_id, item.id, "socketio", "bob")
    page = desk.client.get("/staff/requests/1").text
    assert "bob has this conversation" in page and 'action="/staff/requests/1/takeover"' not in page
    answer = desk.client.post("/staff/requests/1/takeover", data={"csrf_token": csrf(desk)})
    assert answer.status_code == 409 and "bob has already taken over" in answer.text
    handback = desk.client.post("/staff/requests/1/handback", data={"csrf_token": csrf(desk)})
    assert handback.status_code == 403
    assert TakeoverStore(desk.engine).get(item.conversation_id).staff_user == "bob"
    assert audit_actions(desk.engine, "takeover_refused") == ["takeover_refused"]


def test_when_the_assistant_cannot_be_paused_nothing_is_taken_over(desk: Staff) -> None:
    item = add_request(desk.engine)
    answer = desk.client.post("/staff/requests/1/takeover", data={"csrf_token": csrf(desk)})
    assert answer.status_code == 503 and "The assistant still answers" in answer.text
    assert TakeoverStore(desk.engine).get(item.conversation_id) is None
    assert audit_actions(desk.engine, "takeover_start") == []


def test_a_conversation_from_rest_cannot_be_taken_over(desk: Staff) -> None:
    add_request(desk.engine, channel="rest")
    assert 'action="/staff/requests/1/takeover"' not in desk.client.get("/staff/requests/1").text
    assert desk.client.post("/staff/requests/1/takeover", data={"csrf_token": csrf(desk)}).status_code == 409


def test_the_live_poll_gives_new_messages_and_the_safety_alerts(desk: Staff) -> None:
    from bot.store.transcripts import add_events

    item = add_request(desk.engine)
    TakeoverStore(desk.engine).start(item.conversation_id, item.id, "socketio", "alice")
    add_events(desk.engine, item.conversation_id, [
        {"event": "user", "timestamp": 1.0, "text": "hello?"},
        {"event": "bot", "timestamp": 2.0, "text": "Call 911 now.",
         "metadata": {"utter_action": "utter_emergency", DURING_TAKEOVER: True}},
    ])
    data = desk.client.get("/staff/api/requests/1/live?after=0").json()
    assert data["takeover"]["mine"] is True and data["takeover"]["staff_user"] == "alice"
    assert [(line["kind"], line["text"], bool(line["alert"])) for line in data["lines"]] == [
        ("patient", "hello?", False), ("assistant", "Call 911 now.", True)]
    # In the clinic's zone, as every time on the staff pages (1970-01-01 00:00:01 UTC in Toronto).
    assert data["lines"][0]["when"] == "1969-12-31 19:00 EST"
    last = data["lines"][-1]["id"]
    assert desk.client.get(f"/staff/api/requests/1/live?after={last}").json()["lines"] == []
    page = desk.client.get("/staff/requests/1").text
    assert "You have this conversation" in page and f'data-after="{last}"' in page
