"""The widget's socket.io channel: signed sessions, refusals, limits, flood control, history, order and the guard."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import pytest
import sqlalchemy as sa
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.guard import NEUTRALISER
from bot.channels.socketio import (
    MAX_PACKET_BYTES,
    TOO_FAST,
    RateLimiter,
    SeenIds,
    SessionLocks,
    SignedSocketIOInput,
    allowed_origins,
    language_metadata,
    new_session_id,
    session_history,
    sign_session,
    verify_session,
)
from bot.channels.staff_delivery import StaffDelivery
from bot.settings import ROOT, Settings, load_settings
from bot.store.db import create_all
from bot.store.staff_messages import StaffMessageStore
from bot.store.takeovers import TakeoverStore

KEY = "unit-test-secret-key-0123456789"
NOW = 1_800_000_000
DAY = 24 * 3600
SESSION = "AbCdEfGhIjKlMnOpQrStUv"  # 22 characters, like new_session_id()
OTHER = "ZyXwVuTsRqPoNmLkJiHgFe"
CANARY = "CANARY-7d1f my jaw hurts and I take warfarin"


# ---------------------------------------------------------------- tokens


def test_new_session_ids_are_random_and_well_formed() -> None:
    ids = {new_session_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(verify_session(KEY, i, sign_session(KEY, i)) for i in list(ids)[:5])


@pytest.mark.parametrize(
    ("session_id", "token", "max_age", "now", "valid"),
    [
        (SESSION, sign_session(KEY, SESSION, NOW), None, NOW, True),
        (SESSION, sign_session(KEY, SESSION, NOW), 90 * DAY, NOW + 89 * DAY, True),
        (SESSION, sign_session(KEY, SESSION, NOW), 90 * DAY, NOW + 91 * DAY, False),  # expired
        (SESSION, sign_session(KEY, SESSION, NOW + 3600), None, NOW, False),  # issued in the future
        (SESSION, sign_session(KEY, SESSION, NOW + 60), None, NOW, True),  # small clock skew
        (OTHER, sign_session(KEY, SESSION, NOW), None, NOW, False),  # another session's token
        (SESSION, sign_session("another-key", SESSION, NOW), None, NOW, False),  # another server's key
        (SESSION, sign_session(KEY, SESSION, NOW)[:-1] + "A", None, NOW, False),  # tampered mac
        (SESSION, f"{NOW + 1}." + sign_session(KEY, SESSION, NOW).split(".")[1], None, NOW + 5, False),  # moved date
        (SESSION, "", None, NOW, False),
        (SESSION, "abc", None, NOW, False),
        (SESSION, f"{NOW}.", None, NOW, False),
        (SESSION, ".abc", None, NOW, False),
        (SESSION, "-1.abc", None, NOW, False),
        (SESSION, "1.2.3", None, NOW, False),
        (SESSION, "9" * 200, None, NOW, False),
        (SESSION, None, None, NOW, False),
        (SESSION, 12345, None, NOW, False),
        (None, sign_session(KEY, SESSION, NOW), None, NOW, False),
        ("short", sign_session(KEY, "short", NOW), None, NOW, False),  # not an id we issue
        ("../../etc/passwd-xxxxxxxxxxxx", sign_session(KEY, "../../etc/passwd-xxxxxxxxxxxx", NOW), None, NOW, False),
        ("a" * 65, sign_session(KEY, "a" * 65, NOW), None, NOW, False),
    ],
)
def test_verify_session(session_id: Any, token: Any, max_age: Any, now: int, valid: bool) -> None:
    assert verify_session(KEY, session_id, token, max_age_seconds=max_age, now=now) is valid


def test_token_is_bound_to_key_session_and_time() -> None:
    token = sign_session(KEY, SESSION, NOW)
    assert token.startswith(f"{NOW}.")
    assert token != sign_session(KEY, OTHER, NOW)
    assert token != sign_session(KEY, SESSION, NOW + 1)
    assert token != sign_session(KEY + "x", SESSION, NOW)
    assert SESSION not in token.split(".", 1)[1]


# ---------------------------------------------------------------- origins


def test_default_origins_are_the_web_apps() -> None:
    settings = Settings(public_base_url="https://clinic.example", web_port=8000)
    assert allowed_origins(settings) == [
        "http://localhost:8000", "http://127.0.0.1:8000", "https://clinic.example"
    ]


def test_default_origins_follow_the_web_port_without_duplicates() -> None:
    settings = Settings(public_base_url="http://localhost:9100", web_port=9100)
    assert allowed_origins(settings) == ["http://localhost:9100", "http://127.0.0.1:9100"]


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("https://www.metrodental.example", ["https://www.metrodental.example"]),
        (" https://a.example/ , https://b.example ,", ["https://a.example", "https://b.example"]),
        ("*", "*"),
        (" , ", ["http://localhost:8000", "http://127.0.0.1:8000"]),  # nothing usable: the default
    ],
)
def test_configured_origins(configured: str, expected: Any) -> None:
    env = {"PUBLIC_BASE_URL": "http://localhost:8000", "WEB_PORT": "8000", "WIDGET_ALLOWED_ORIGINS": configured}
    assert allowed_origins(load_settings(env)) == expected


def test_origins_come_from_the_settings_object_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # Read once in bot/settings.py: the process environment at socket time changes nothing.
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://evil.example")
    settings = Settings(public_base_url="https://clinic.example", widget_allowed_origins=("https://www.clinic.example",))
    assert allowed_origins(settings) == ["https://www.clinic.example"]
    assert SignedSocketIOInput(settings=settings).create_server().eio.cors_allowed_origins == ["https://www.clinic.example"]


def test_server_checks_origins_and_limits_packets() -> None:
    channel = SignedSocketIOInput(settings=Settings(public_base_url="https://clinic.example"))
    sio = channel.create_server()
    # [] would switch python-engineio's Origin check off (Rasa's default).
    assert sio.eio.cors_allowed_origins == ["http://localhost:8000", "http://127.0.0.1:8000", "https://clinic.example"]
    assert sio.eio.max_http_buffer_size == MAX_PACKET_BYTES <= 64 * 1024


def test_credentials_register_the_signed_channel() -> None:
    credentials = yaml.safe_load(Path(ROOT, "credentials.yml").read_text())
    block = credentials["bot.channels.socketio.SignedSocketIOInput"]
    assert block == {
        "user_message_evt": "user_uttered",
        "bot_message_evt": "bot_uttered",
        "session_persistence": True,
        "socketio_path": "/socket.io",
    }
    assert "socketio" not in credentials  # Rasa's own, unfixed channel is not registered
    channel = SignedSocketIOInput.from_credentials(block)
    assert isinstance(channel, SignedSocketIOInput)
    assert channel.session_persistence is True
    assert channel.socketio_path == "/socket.io"
    assert channel.name() == "socketio"  # staff pages and SMS-only responses key on this


# ---------------------------------------------------------------- helpers


def test_seen_ids_remember_recent_pairs_only() -> None:
    seen = SeenIds(limit=3)
    assert seen.add("s1", "m1") is True
    assert seen.add("s1", "m1") is False
    assert seen.add("s2", "m1") is True  # same message id in another conversation is new
    seen.add("s1", "m2")
    seen.add("s1", "m3")
    assert seen.add("s1", "m1") is True  # forgotten after `limit` newer ones


def test_session_locks_are_forgotten_when_free() -> None:
    locks = SessionLocks()
    first = locks.acquire_slot("s1")
    assert locks.acquire_slot("s1") is first
    assert len(locks) == 1
    locks.release_slot("s1")
    locks.release_slot("s1")
    assert len(locks) == 0


# ---------------------------------------------------------------- handlers


class Recorder:
    """Stands in for Rasa: records each UserMessage, optionally slowly or failing."""

    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.messages: list[Any] = []
        self.delay = delay
        self.fail = fail

    async def __call__(self, message: Any) -> None:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("boom")
        self.messages.append(message)


class Clock:
    """A monotonic clock the test moves by hand (no test waits for real time)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def memory_engine() -> Any:
    """A database of the test's own (never the default var/metro.db)."""
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False})
    create_all(engine)
    return engine


def memory_delivery(engine: Any = None) -> StaffDelivery:
    """Front-desk messages in a database of the test's own."""
    return StaffDelivery(StaffMessageStore(engine or memory_engine()))


def make_channel(
    max_chars: int = 50, clock: Clock | None = None, **limits: Any
) -> tuple[SignedSocketIOInput, Any, Recorder]:
    settings = Settings(secret_key=KEY, max_message_chars=max_chars, retention_days=90, **limits)
    engine = memory_engine()
    channel = SignedSocketIOInput(settings=settings, clock=clock or Clock(), delivery=memory_delivery(engine),
                                  takeovers=TakeoverStore(engine))
    recorder = Recorder()
    channel.blueprint(recorder)
    sio = channel.sio
    assert sio is not None
    sio.emit = AsyncMock()
    sio.enter_room = AsyncMock()
    sio.leave_room = AsyncMock()
    return channel, sio, recorder


def emitted(sio: Any, event: str, to: str | None = None) -> list[Any]:
    """The data of every `event` emitted (to room `to`, if given)."""
    return [
        c.args[1]
        for c in sio.emit.call_args_list
        if c.args[0] == event and (to is None or c.kwargs.get("room") == to)
    ]


async def drain(channel: SignedSocketIOInput) -> None:
    """Wait for every turn handed to Rasa in the background."""
    while channel._tasks:
        await asyncio.gather(*list(channel._tasks))


async def confirmed_session(channel: SignedSocketIOInput, sio: Any, sid: str) -> dict:
    await channel.handle_session_request(sid, {})
    return emitted(sio, "session_confirm", to=sid)[-1]


@pytest.mark.asyncio
async def test_new_session_is_issued_by_the_server_and_the_room_is_awaited() -> None:
    channel, sio, _ = make_channel()
    await channel.handle_session_request("sid-1", {"session_id": None})
    [confirm] = emitted(sio, "session_confirm", to="sid-1")
    assert confirm["resumed"] is False
    assert confirm["max_chars"] == 50
    assert confirm["limits"] == {"burst": 20, "refill_seconds": 2, "in_flight": 2}
    assert confirm["history"] == []
    assert verify_session(KEY, confirm["session_id"], confirm["token"])
    # Awaited (Rasa 3.6.21 forgot the await: the room was never joined).
    sio.enter_room.assert_awaited_once_with("sid-1", confirm["session_id"], namespace=None)


@pytest.mark.asyncio
async def test_a_valid_token_resumes_its_session() -> None:
    channel, sio, _ = make_channel()
    first = await confirmed_session(channel, sio, "sid-1")
    await channel.handle_session_request("sid-after-reload", {"session_id": first["session_id"], "token": first["token"]})
    [again] = emitted(sio, "session_confirm", to="sid-after-reload")
    assert again["resumed"] is True
    assert again["session_id"] == first["session_id"]
    sio.enter_room.assert_awaited_with("sid-after-reload", first["session_id"], namespace=None)


@pytest.mark.asyncio
async def test_a_token_survives_a_server_restart() -> None:
    before, sio_before, _ = make_channel()
    session = await confirmed_session(before, sio_before, "sid-1")
    after, sio_after, _ = make_channel()  # a new process: nothing in memory, same SECRET_KEY
    await after.handle_session_request("sid-2", {"session_id": session["session_id"], "token": session["token"]})
    assert emitted(sio_after, "session_confirm", to="sid-2")[0]["resumed"] is True


@pytest.mark.parametrize(
    "forge",
    [
        lambda victim, own: {"session_id": victim["session_id"]},  # the id alone (Rasa's behaviour)
        lambda victim, own: {"session_id": victim["session_id"], "token": ""},
        lambda victim, own: {"session_id": victim["session_id"], "token": own["token"]},  # own valid token
        lambda victim, own: {"session_id": victim["session_id"], "token": sign_session("guessed-key", victim["session_id"])},
        lambda victim, own: {"session_id": victim["session_id"], "token": victim["token"][:-2] + "xx"},
        lambda victim, own: {"session_id": victim["session_id"], "token": ["not", "a", "string"]},
    ],
)
@pytest.mark.asyncio
async def test_another_sessions_id_is_refused(forge: Any) -> None:
    channel, sio, recorder = make_channel()
    victim = await confirmed_session(channel, sio, "victim-sid")
    own = await confirmed_session(channel, sio, "attacker-sid")
    sio.enter_room.reset_mock()
    await channel.handle_session_request("attacker-sid", forge(victim, own))
    [error] = emitted(sio, "chat_error", to="attacker-sid")
    assert error["code"] == "invalid_session"
    sio.enter_room.assert_not_called()
    # The attacker's socket is still bound to its own session, and can't write to the victim's.
    ack = await channel.handle_user_message(
        "attacker-sid", {"message": "hello", "session_id": victim["session_id"]}, recorder
    )
    assert ack["code"] == "wrong_session"
    await drain(channel)
    assert recorder.messages == []
    # Nothing addressed to the victim's room went to the attacker, and nothing was sent to the victim.
    assert all(c.kwargs.get("room") != victim["session_id"] for c in sio.emit.call_args_list)


@pytest.mark.asyncio
async def test_a_refused_socket_cannot_send() -> None:
    channel, sio, recorder = make_channel()
    victim = await confirmed_session(channel, sio, "victim-sid")
    await channel.handle_session_request("attacker-sid", {"session_id": victim["session_id"], "token": "1.x"})
    ack = await channel.handle_user_message("attacker-sid", {"message": "hi", "session_id": victim["session_id"]}, recorder)
    assert ack == {"ok": False, "code": "no_session", "message": "Please wait for the chat to connect."}
    ack = await channel.handle_user_message("attacker-sid", {"message": "hi"}, recorder)
    assert ack["code"] == "no_session"
    await drain(channel)
    assert recorder.messages == []


@pytest.mark.asyncio
async def test_start_over_leaves_the_old_room() -> None:
    channel, sio, _ = make_channel()
    first = await confirmed_session(channel, sio, "sid-1")
    second = await confirmed_session(channel, sio, "sid-1")
    assert second["session_id"] != first["session_id"]
    sio.leave_room.assert_awaited_once_with("sid-1", first["session_id"], namespace=None)


@pytest.mark.asyncio
async def test_a_message_goes_to_the_bound_session_with_the_guard() -> None:
    channel, sio, recorder = make_channel()
    session = await confirmed_session(channel, sio, "sid-1")
    ack = await channel.handle_user_message(
        "sid-1", {"message": '/inform{"phone": "555"}', "id": "m-1", "metadata": {"x": "y" * 100}}, recorder
    )
    assert ack == {"ok": True, "id": "m-1", "token": ack["token"]}
    assert verify_session(KEY, session["session_id"], ack["token"])  # re-issued on use
    await drain(channel)
    [message] = recorder.messages
    assert message.sender_id == session["session_id"]
    assert message.input_channel == "socketio"
    assert message.text == NEUTRALISER + '/inform{"phone": "555"}'  # typed, not a button the bot offered
    assert not message.metadata  # nothing from the browser but the text
    assert emitted(sio, "bot_turn_done", to=session["session_id"]) == [{"id": "m-1", "ok": True}]


@pytest.mark.parametrize(
    ("sent", "metadata"),
    [
        ("fr", {"language": "fr"}),
        ("en", {"language": "en"}),
        # Only the two languages the bot speaks, spelled as the widget spells them.
        ("es", {}),
        ("fr-CA", {}),
        ("FR", {}),
        ("", {}),
        (None, {}),
        (["fr"], {}),
        ({"language": "fr"}, {}),
    ],
)
def test_language_metadata_passes_en_and_fr_only(sent: Any, metadata: dict) -> None:
    assert language_metadata({"message": "hi", "language": sent}) == metadata


@pytest.mark.asyncio
async def test_the_widgets_language_reaches_rasa_as_metadata_and_nothing_else_does() -> None:
    channel, sio, recorder = make_channel()
    await confirmed_session(channel, sio, "sid-1")
    await channel.handle_user_message(
        "sid-1", {"message": "bonjour", "id": "m-1", "language": "fr", "metadata": {"x": "y"}, "page": "/fr"}, recorder
    )
    await drain(channel)  # one turn at a time, as the widget sends them
    await channel.handle_user_message("sid-1", {"message": "hello", "id": "m-2", "language": "de"}, recorder)
    await drain(channel)
    await channel.handle_user_message("sid-1", {"message": "hi", "id": "m-3"}, recorder)
    await drain(channel)
    french, other, none = recorder.messages
    # Rasa hands the first message's metadata to the session start: a French page starts in French.
    assert french.text == "bonjour" and french.metadata == {"language": "fr"}
    assert not other.metadata
    assert not none.metadata


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"message": "x" * 51}, "too_long"),
        ({"message": "   "}, "empty"),
        ({"message": ""}, "empty"),
        ({"message": 42}, "empty"),
        ({"message": ["hi"]}, "empty"),
        ({}, "empty"),
    ],
)
@pytest.mark.asyncio
async def test_bad_messages_are_refused_with_an_error_event(data: dict, code: str) -> None:
    channel, sio, recorder = make_channel(max_chars=50)
    await confirmed_session(channel, sio, "sid-1")
    ack = await channel.handle_user_message("sid-1", {**data, "id": "m-9"}, recorder)
    assert ack["ok"] is False and ack["code"] == code and ack["id"] == "m-9"
    assert emitted(sio, "chat_error", to="sid-1") == [ack]
    await drain(channel)
    assert recorder.messages == []


@pytest.mark.asyncio
async def test_exactly_the_limit_is_accepted_and_non_dict_data_is_refused() -> None:
    channel, sio, recorder = make_channel(max_chars=50)
    await confirmed_session(channel, sio, "sid-1")
    assert (await channel.handle_user_message("sid-1", {"message": "é" * 50}, recorder))["ok"] is True
    assert (await channel.handle_user_message("sid-1", "just a string", recorder))["code"] == "empty"
    await drain(channel)
    assert len(recorder.messages) == 1


@pytest.mark.asyncio
async def test_a_resent_message_is_handled_once() -> None:
    channel, sio, recorder = make_channel()
    await confirmed_session(channel, sio, "sid-1")
    first = await channel.handle_user_message("sid-1", {"message": "hello", "id": "same"}, recorder)
    again = await channel.handle_user_message("sid-1", {"message": "hello", "id": "same"}, recorder)
    await drain(channel)
    assert first["ok"] is True and first["id"] == "same" and "duplicate" not in first
    assert again == {"ok": True, "id": "same", "duplicate": True}
    assert len(recorder.messages) == 1


@pytest.mark.asyncio
async def test_messages_are_handled_in_the_order_sent() -> None:
    channel, sio, _ = make_channel(widget_max_turns_in_flight=5)
    session = await confirmed_session(channel, sio, "sid-1")
    order: list[str] = []
    delays = iter([0.05, 0.0, 0.02, 0.0, 0.01])

    async def slow_rasa(message: Any) -> None:
        await asyncio.sleep(next(delays))
        order.append(message.text)

    for i in range(5):
        await channel.handle_user_message("sid-1", {"message": f"m{i}", "id": f"id{i}"}, slow_rasa)
    await drain(channel)
    assert order == [f"m{i}" for i in range(5)]
    assert [d["id"] for d in emitted(sio, "bot_turn_done", to=session["session_id"])] == [f"id{i}" for i in range(5)]
    assert len(channel._locks) == 0


@pytest.mark.asyncio
async def test_a_failed_turn_is_reported_without_the_text(caplog: pytest.LogCaptureFixture) -> None:
    channel, sio, _ = make_channel(max_chars=100)
    session = await confirmed_session(channel, sio, "sid-1")
    caplog.set_level(logging.DEBUG)
    await channel.handle_user_message("sid-1", {"message": CANARY, "id": "m-1"}, Recorder(fail=True))
    await channel.handle_user_message("sid-1", {"message": CANARY + "x" * 100, "id": "m-2"}, Recorder())
    await channel.handle_session_request("sid-2", {"session_id": session["session_id"], "token": CANARY})
    await drain(channel)
    assert emitted(sio, "bot_turn_done", to=session["session_id"]) == [{"id": "m-1", "ok": False}]
    assert "RuntimeError" in caplog.text
    assert "CANARY" not in caplog.text


@pytest.mark.asyncio
async def test_disconnect_forgets_the_socket() -> None:
    channel, sio, recorder = make_channel()
    await confirmed_session(channel, sio, "sid-1")
    await sio._trigger_event("disconnect", "/", "sid-1", "client disconnect")
    assert (await channel.handle_user_message("sid-1", {"message": "hi"}, recorder))["code"] == "no_session"


@pytest.mark.asyncio
async def test_custom_json_is_one_event() -> None:
    channel, sio, _ = make_channel()
    output = channel.get_output_channel()
    await output.send_custom_json("room-1", {"kind": "card", "room": "ignored"})
    sio.emit.assert_awaited_once_with("bot_uttered", {"custom": {"kind": "card", "room": "ignored"}}, room="room-1")


def test_jwt_option_is_kept() -> None:
    channel = SignedSocketIOInput(jwt_key="k", settings=Settings(secret_key=KEY))
    assert channel.accept_connection(None) is False
    assert channel.accept_connection({"token": "not-a-jwt"}) is False
    assert SignedSocketIOInput(settings=Settings(secret_key=KEY)).accept_connection(None) is True


# ---------------------------------------------------------------- token lifetime


@pytest.mark.asyncio
async def test_tokens_are_short_lived_and_reissued_on_use() -> None:
    channel, sio, _ = make_channel(widget_session_hours=24)
    assert channel.session_max_age() == 24 * 3600
    old = sign_session(KEY, SESSION, int(time.time()) - 25 * 3600)  # a day and an hour ago
    await channel.handle_session_request("sid-1", {"session_id": SESSION, "token": old})
    assert emitted(sio, "chat_error", to="sid-1")[0]["code"] == "invalid_session"
    recent = sign_session(KEY, SESSION, int(time.time()) - 23 * 3600)
    await channel.handle_session_request("sid-2", {"session_id": SESSION, "token": recent})
    [confirm] = emitted(sio, "session_confirm", to="sid-2")
    assert confirm["resumed"] is True
    assert confirm["token"] != recent  # a new token, valid for another 24 hours
    issued = int(confirm["token"].split(".")[0])
    assert issued > int(recent.split(".")[0])
    assert verify_session(KEY, SESSION, confirm["token"], max_age_seconds=24 * 3600)


# ---------------------------------------------------------------- flood control


def test_token_bucket_refills_one_token_per_period() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=3, refill_seconds=2, clock=clock)
    assert [limiter.take("k") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("k") == pytest.approx(2.0)
    clock.now += 1
    assert limiter.take("k") == pytest.approx(1.0)
    clock.now += 1
    assert limiter.take("k") == 0
    assert limiter.take("k") == pytest.approx(2.0)
    clock.now += 3600  # a long pause fills the bucket, never beyond the burst
    assert [limiter.take("k") for _ in range(4)][-1] == pytest.approx(2.0)


def test_a_token_is_taken_from_every_key_or_from_none() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=1, refill_seconds=10, clock=clock)
    assert limiter.take("socket-a", "session") == 0
    assert limiter.take("socket-b", "session") == pytest.approx(10)  # the session's bucket is empty
    assert limiter.take("socket-b") == 0  # ...and socket-b's was not touched by the refusal


def test_the_limiter_forgets_the_oldest_keys() -> None:
    limiter = RateLimiter(burst=1, refill_seconds=10, clock=Clock(), max_keys=2)
    for key in ("a", "b", "c"):
        limiter.take(key)
    assert len(limiter) == 2


@pytest.mark.asyncio
async def test_a_socket_flooding_messages_is_refused_with_a_clear_error() -> None:
    clock = Clock()
    channel, sio, recorder = make_channel(clock=clock, widget_rate_burst=5, widget_rate_refill_seconds=2,
                                          widget_max_turns_in_flight=100)
    await confirmed_session(channel, sio, "sid-1")
    acks = [await channel.handle_user_message("sid-1", {"message": f"m{i}", "id": f"id{i}"}, recorder)
            for i in range(200)]
    await drain(channel)
    assert [a["ok"] for a in acks[:5]] == [True] * 5
    refused = acks[5:]
    assert all(a == {"ok": False, "code": "rate_limited", "message": TOO_FAST, "id": a["id"], "retry_after": 2}
               for a in refused)
    assert TOO_FAST == "You're sending messages faster than I can answer — please wait a moment."
    assert len(recorder.messages) == 5  # 195 turns never reached Rasa
    assert emitted(sio, "chat_error", to="sid-1") == refused  # each refusal is also an event
    clock.now += 2  # one more after the refill period; the refused message was not remembered as taken
    again = await channel.handle_user_message("sid-1", {"message": "m5", "id": "id5"}, recorder)
    assert again["ok"] is True and "duplicate" not in again
    await drain(channel)
    assert [m.text for m in recorder.messages] == ["m0", "m1", "m2", "m3", "m4", "m5"]


@pytest.mark.asyncio
async def test_new_sessions_on_one_socket_share_its_bucket() -> None:
    channel, sio, recorder = make_channel(widget_rate_burst=2, widget_max_turns_in_flight=100)
    await confirmed_session(channel, sio, "sid-1")
    for i in range(2):
        assert (await channel.handle_user_message("sid-1", {"message": "hi", "id": f"a{i}"}, recorder))["ok"]
    await confirmed_session(channel, sio, "sid-1")  # "start over": a fresh session, the same socket
    refused = await channel.handle_user_message("sid-1", {"message": "hi", "id": "b0"}, recorder)
    assert refused["code"] == "rate_limited"


@pytest.mark.asyncio
async def test_sockets_of_one_session_share_its_bucket() -> None:
    channel, sio, recorder = make_channel(widget_rate_burst=2, widget_max_turns_in_flight=100)
    session = await confirmed_session(channel, sio, "sid-1")
    for i in range(2):
        assert (await channel.handle_user_message("sid-1", {"message": "hi", "id": f"a{i}"}, recorder))["ok"]
    # A second socket (a reconnect, another tab) on the same conversation gets no fresh bucket.
    await channel.handle_session_request("sid-2", {"session_id": session["session_id"], "token": session["token"]})
    refused = await channel.handle_user_message("sid-2", {"message": "hi", "id": "b0"}, recorder)
    assert refused["code"] == "rate_limited"
    await drain(channel)
    assert len(recorder.messages) == 2


@pytest.mark.asyncio
async def test_turns_in_flight_are_capped_per_session() -> None:
    channel, sio, _ = make_channel(widget_rate_burst=100, widget_max_turns_in_flight=2)
    session = await confirmed_session(channel, sio, "sid-1")
    release = asyncio.Event()
    handled: list[str] = []

    async def busy_rasa(message: Any) -> None:
        await release.wait()
        handled.append(message.text)

    first = [await channel.handle_user_message("sid-1", {"message": f"m{i}", "id": f"id{i}"}, busy_rasa)
             for i in range(3)]
    assert [a["ok"] for a in first] == [True, True, False]
    assert first[2] == {"ok": False, "code": "busy", "message": TOO_FAST, "id": "id2", "retry_after": 1}
    assert channel._locks.in_flight(session["session_id"]) == 2
    release.set()
    await drain(channel)
    assert handled == ["m0", "m1"]
    assert channel._locks.in_flight(session["session_id"]) == 0
    assert (await channel.handle_user_message("sid-1", {"message": "m2", "id": "id2"}, busy_rasa))["ok"] is True
    await drain(channel)
    assert handled == ["m0", "m1", "m2"]


@pytest.mark.asyncio
async def test_a_resend_of_a_taken_message_costs_nothing() -> None:
    channel, sio, recorder = make_channel(widget_rate_burst=1, widget_max_turns_in_flight=100)
    await confirmed_session(channel, sio, "sid-1")
    assert (await channel.handle_user_message("sid-1", {"message": "hi", "id": "same"}, recorder))["ok"]
    assert await channel.handle_user_message("sid-1", {"message": "hi", "id": "same"}, recorder) == {
        "ok": True, "id": "same", "duplicate": True
    }


@pytest.mark.asyncio
async def test_disconnect_forgets_the_sockets_buckets() -> None:
    channel, sio, recorder = make_channel(widget_rate_burst=1)
    await confirmed_session(channel, sio, "sid-1")
    await channel.handle_user_message("sid-1", {"message": "hi"}, recorder)
    assert len(channel.limiter) == 2  # the socket's and the session's
    await sio._trigger_event("disconnect", "/", "sid-1", "client disconnect")
    assert len(channel.limiter) == 1  # the session's stays: a reconnect doesn't refill it


def test_flood_limits_are_settings() -> None:
    settings = load_settings({"WIDGET_RATE_BURST": "3", "WIDGET_RATE_REFILL_SECONDS": "5",
                              "WIDGET_MAX_TURNS_IN_FLIGHT": "1", "WIDGET_SESSION_HOURS": "12"})
    channel = SignedSocketIOInput(settings=settings)
    assert channel.limits() == {"burst": 3, "refill_seconds": 5, "in_flight": 1}
    assert (channel.limiter.burst, channel.limiter.refill_seconds) == (3, 5)
    assert channel.session_max_age() == 12 * 3600
    defaults = SignedSocketIOInput(settings=Settings()).limits()
    assert defaults == {"burst": 20, "refill_seconds": 2, "in_flight": 2}


# ---------------------------------------------------------------- long messages


@pytest.mark.asyncio
async def test_the_default_limit_takes_a_long_story_and_refuses_beyond_it_with_an_event() -> None:
    engine = memory_engine()
    channel = SignedSocketIOInput(settings=Settings(secret_key=KEY), delivery=memory_delivery(engine),
                                  takeovers=TakeoverStore(engine))
    recorder = Recorder()
    channel.blueprint(recorder)
    sio = channel.sio
    sio.emit, sio.enter_room, sio.leave_room = AsyncMock(), AsyncMock(), AsyncMock()
    await confirmed_session(channel, sio, "sid-1")
    story = ("My jaw has hurt for months and I clench at night. " * 100)[:4999] + "?"
    assert (await channel.handle_user_message("sid-1", {"message": story, "id": "long"}, recorder))["ok"] is True
    too_long = await channel.handle_user_message("sid-1", {"message": story + "!", "id": "longer"}, recorder)
    assert too_long == {
        "ok": False, "code": "too_long", "id": "longer", "max_chars": 5000,
        "message": "That message is 5,001 characters long; the limit is 5,000. Please shorten it.",
    }
    assert emitted(sio, "chat_error", to="sid-1") == [too_long]  # an event, not silence
    await drain(channel)
    assert [len(m.text) for m in recorder.messages] == [5000]


# ---------------------------------------------------------------- history replay


def conversation_events() -> list[Any]:
    return [
        ActionExecuted("action_session_start", timestamp=99),
        SessionStarted(timestamp=100),
        ActionExecuted("action_listen", timestamp=100),
        UserUttered("what are the side effects?", timestamp=101),
        BotUttered("Dry mouth, eyelid droop.", timestamp=102),
        BotUttered("Anything else?", {"buttons": [{"title": "Book a consultation", "payload": "/book_consultation"}]},
                   timestamp=103),
        UserUttered("/book_consultation", timestamp=104),
        UserUttered(NEUTRALISER + "/inform typed", timestamp=105),
        BotUttered(None, {"attachment": {"type": "image", "payload": {"src": "https://x.example/a.png"}}}, timestamp=106),
        BotUttered(None, {"custom": {"kind": "card"}}, timestamp=107),
        UserUttered("[removed at the patient's request]", timestamp=108),
    ]


def test_session_history_is_what_the_patient_saw() -> None:
    assert session_history(conversation_events()) == [
        {"from": "user", "text": "what are the side effects?", "ts": 101000},
        {"from": "bot", "text": "Dry mouth, eyelid droop.", "image": None, "buttons": [], "ts": 102000},
        {"from": "bot", "text": "Anything else?", "image": None, "ts": 103000,
         "buttons": [{"title": "Book a consultation", "payload": "/book_consultation"}]},
        {"from": "user", "text": "Book a consultation", "ts": 104000},  # the button's title, as shown
        {"from": "user", "text": "/inform typed", "ts": 105000},  # typed: shown as typed
        {"from": "bot", "text": "", "image": "https://x.example/a.png", "buttons": [], "ts": 106000},
        {"from": "user", "text": "[removed at the patient's request]", "ts": 108000},  # removed stays removed
    ]
    assert len(session_history(conversation_events(), limit=2)) == 2


class FakeTrackerStore:
    def __init__(self, events: list[Any] | None = None, fail: bool = False) -> None:
        self.events = events
        self.fail = fail
        self.reads = 0

    async def retrieve(self, sender_id: str) -> Any:
        self.reads += 1
        if self.fail:
            raise ConnectionError("database down")
        return DialogueStateTracker.from_events(sender_id, self.events, []) if self.events else None


@pytest.mark.asyncio
async def test_a_resumed_session_gets_its_history_from_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    channel, sio, _ = make_channel(widget_rate_burst=2)
    store = FakeTrackerStore(conversation_events())
    monkeypatch.setattr(channel, "_tracker_store", lambda: store)
    session = await confirmed_session(channel, sio, "sid-1")
    assert session["history"] == [] and store.reads == 0  # a new session has none to read
    resume = {"session_id": session["session_id"], "token": session["token"]}
    for _ in range(3):
        await channel.handle_session_request("sid-2", resume)
    confirms = emitted(sio, "session_confirm", to="sid-2")
    assert confirms[0]["history"] == session_history(conversation_events())
    # A socket asking again and again reads the store only as often as its bucket allows.
    assert [c["history"] is None for c in confirms] == [False, False, True]
    assert store.reads == 2
    assert all(c["resumed"] for c in confirms)


@pytest.mark.asyncio
async def test_history_is_left_out_when_the_store_fails(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    channel, sio, _ = make_channel()
    monkeypatch.setattr(channel, "_tracker_store", lambda: FakeTrackerStore(fail=True))
    session = await confirmed_session(channel, sio, "sid-1")
    await channel.handle_session_request("sid-2", {"session_id": session["session_id"], "token": session["token"]})
    [confirm] = emitted(sio, "session_confirm", to="sid-2")
    assert confirm["resumed"] is True and confirm["history"] is None
    assert "ConnectionError" in caplog.text
