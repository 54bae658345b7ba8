"""Front-desk messages to widget patients: waiting in the shared database, emitted by the server
holding the patient's socket (one server only), replayed with the history on the next visit."""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.socketio import SignedSocketIOInput, session_history
from bot.channels.staff_delivery import StaffDelivery, merge_history, staff_item
from bot.settings import Settings
from bot.store.db import create_all
from bot.store.staff_messages import StaffMessageStore
from tests.bot.test_socketio_channel import KEY, FakeTrackerStore, Recorder, emitted

SESSION = "AbCdEfGhIjKlMnOpQrStUv"
AWAY = "ZyXwVuTsRqPoNmLkJiHgFe"


@pytest.fixture
def store(tmp_path: Any) -> StaffMessageStore:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    create_all(engine)
    return StaffMessageStore(engine)


def waiting(store: StaffMessageStore, conversation: str, body: str, key: str, channel: str = "widget") -> int:
    message, new = store.add(7, conversation, "alice", body, channel, key.ljust(20, "k"))
    assert new
    if channel == "widget":
        assert store.set_state(message.id, "waiting")
    return message.id


class Emits:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def __call__(self, room: str, item: dict) -> None:
        self.sent.append((room, item))


@pytest.mark.asyncio
async def test_a_waiting_message_reaches_the_connected_session_once_even_with_two_servers(store) -> None:
    first = waiting(store, SESSION, "Hello from the front desk", "one")
    for_away = waiting(store, AWAY, "Are you there?", "two")
    server_a, server_b = StaffDelivery(store), StaffDelivery(StaffMessageStore(store.engine))
    emits_a, emits_b = Emits(), Emits()
    # Both servers happen to have the patient (two tabs): only one emits it.
    sent = await server_a.deliver_once([SESSION], emits_a) + await server_b.deliver_once([SESSION], emits_b)
    assert sent == [first]
    assert emits_a.sent == [(SESSION, {"from": "staff", "staff_id": first, "text": "Hello from the front desk",
                                       "sender": "alice", "ts": emits_a.sent[0][1]["ts"]})]
    assert emits_b.sent == []
    assert store.get(first).status == "delivered"
    # Nobody has the other patient's chat open: it waits.
    assert store.get(for_away).status == "waiting"
    assert await server_a.deliver_once([SESSION], emits_a) == []  # delivered is never sent again


@pytest.mark.asyncio
async def test_texts_are_never_delivered_to_the_widget(store) -> None:
    waiting(store, SESSION, "an SMS", "sms", channel="sms")
    assert store.waiting_widget([SESSION]) == []
    assert await StaffDelivery(store).deliver_once([SESSION], Emits()) == []


def test_the_history_holds_the_front_desks_messages_in_time_order(store) -> None:
    message = store.get(waiting(store, SESSION, "We can call you at 3", "merge"))
    ts = staff_item(message)["ts"]
    history = [{"from": "user", "text": "hi", "ts": ts - 1000}, {"from": "bot", "text": "hello", "ts": ts + 1000}]
    merged = merge_history(history, [message], limit=10)
    assert [item["from"] for item in merged] == ["user", "staff", "bot"]
    assert merged[1]["text"] == "We can call you at 3" and merged[1]["sender"] == "alice"
    assert merge_history(history, [message], limit=2) == merged[-2:]


@pytest.mark.asyncio
async def test_a_resumed_session_gets_the_waiting_message_in_its_history_and_it_is_delivered(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = SignedSocketIOInput(settings=Settings(secret_key=KEY), delivery=StaffDelivery(store))
    channel.blueprint(Recorder())
    sio = channel.sio
    sio.emit, sio.enter_room, sio.leave_room = AsyncMock(), AsyncMock(), AsyncMock()
    await channel.handle_session_request("sid-1", {})
    session = emitted(sio, "session_confirm", to="sid-1")[0]
    events = [UserUttered("what are the side effects?", timestamp=101), BotUttered("Dry mouth.", timestamp=102)]
    monkeypatch.setattr(channel, "_tracker_store", lambda: FakeTrackerStore(events))
    channel.forget_socket("sid-1")  # the patient closed the tab
    message_id = waiting(store, session["session_id"], "Please call us when you can", "resume")
    await channel.delivery.deliver_once(channel.connected_sessions(), channel.emit_staff)
    assert store.get(message_id).status == "waiting"  # not connected anywhere: it waits
    await channel.handle_session_request("sid-2", {"session_id": session["session_id"], "token": session["token"]})
    [confirm] = emitted(sio, "session_confirm", to="sid-2")
    assert confirm["history"][:2] == session_history(events)  # the missed bot replies too
    assert confirm["history"][2]["from"] == "staff"
    assert confirm["history"][2]["text"] == "Please call us when you can"
    assert store.get(message_id).status == "delivered"
    # Now connected: a new message is emitted live to the session's room.
    live = waiting(store, session["session_id"], "Thanks, talk soon", "live")
    await channel.delivery.deliver_once(channel.connected_sessions(), channel.emit_staff)
    assert [item["staff_id"] for item in emitted(sio, "staff_uttered", to=session["session_id"])] == [live]
