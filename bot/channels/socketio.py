"""The website widget's channel: Rasa's socket.io input with server-issued, signed sessions.

Rasa 3.6.21's SocketIOInput has three defects we fix here:

- it calls `sio.enter_room(...)` without `await`; since python-socketio 5.10 that is a
  coroutine, so with `session_persistence: true` no reply ever reached the browser;
- it trusts whatever session id the browser sends (in `session_request` and in every
  message), so anyone who knows an id could join that patient's conversation;
- `cors_allowed_origins=[]` turns python-engineio's Origin check off.

Here the server issues the session id (random) with a token, HMAC-signed with SECRET_KEY, that
the widget keeps in the tab's sessionStorage. A token lives WIDGET_SESSION_HOURS and is re-issued
whenever it is used (on resuming, and with every accepted message). A `session_request` with an
id and a token that doesn't match is refused with a `chat_error` event and never joins the room.
Messages go to the session bound to the socket, never to an id the message names. Messages
longer than MAX_MESSAGE_CHARS are refused, "/intent" text is guarded like every other channel,
and no message text is ever logged.

Once on a WebSocket, nginx's rate limit sees one request, so the flood control is here: a token
bucket per socket and one per session (WIDGET_RATE_BURST messages at once, then one more every
WIDGET_RATE_REFILL_SECONDS) and at most WIDGET_MAX_TURNS_IN_FLIGHT turns queued or running per
session. A refused message is acknowledged with `rate_limited` or `busy` and `retry_after`.

The browser keeps no transcript: a resumed session gets its current Rasa session's messages
back from the tracker store in `session_confirm` (`history`).

Protocol (what bot/web/static/widget/widget.js speaks):

- client `session_request` {session_id?, token?} → server `session_confirm`
  {session_id, token, resumed, max_chars, limits, history} or `chat_error` {code: "invalid_session", ...};
- client `user_uttered` {message, id} with an ack → ack {ok, id, token, duplicate?} or
  {ok: false, code, message, retry_after?}; refusals are also emitted as `chat_error`;
- server `bot_uttered` (Rasa's format: text, quick_replies, attachment), then `bot_turn_done`
  {id, ok} when the bot has finished answering that message;
- server `staff_uttered` {staff_id, text, sender, ts}: a message from the clinic's front desk
  (bot/channels/staff_delivery.py); `history` items with "from": "staff" have the same keys.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import math
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Optional, Union

from rasa.core.channels.channel import OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.guard import display_text, guard_for_conversation
from bot.channels.staff_delivery import EVENT as STAFF_EVENT
from bot.channels.staff_delivery import StaffDelivery
from bot.nlp.language import SUPPORTED as LANGUAGES
from bot.settings import Settings, get_settings
from bot.store.takeovers import TakeoverStore
from bot.takeover import answer_if_taken_over, hand_back_idle

logger = logging.getLogger(__name__)

# Engine.IO's default accepts 1 MB packets; a patient message of MAX_MESSAGE_CHARS (a few
# kilobytes of UTF-8 at most) plus JSON framing fits comfortably in 64 KB.
MAX_PACKET_BYTES = 64 * 1024
TOKEN_CONTEXT = b"metro-widget-session:v1:"
SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
MESSAGE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# A token issued "in the future" by more than this is refused (clock skew between servers).
CLOCK_SKEW_SECONDS = 300
# Message ids remembered to drop a resend of a message already received (the widget resends
# what it queued while offline; the first copy may have arrived just before the drop).
SEEN_IDS_MAX = 20_000
# Rate-limit buckets kept (sockets and sessions); the oldest is forgotten first, which only
# ever gives that key a full bucket again.
BUCKETS_MAX = 20_000
# Messages replayed to a resumed session at most (the latest ones).
HISTORY_MAX = 200
# How often each server looks for takeovers idle past TAKEOVER_IDLE_MINUTES.
TAKEOVER_SWEEP_SECONDS = 15.0
TOO_FAST = "You're sending messages faster than I can answer — please wait a moment."

Origins = Union[str, list[str]]


def new_session_id() -> str:
    """A random session id (128 bits), safe as a room name and a tracker's sender id."""
    return secrets.token_urlsafe(16)


def _mac(secret_key: str, session_id: str, issued: int) -> str:
    digest = hmac.new(
        secret_key.encode(), TOKEN_CONTEXT + f"{session_id}:{issued}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_session(secret_key: str, session_id: str, issued: Optional[int] = None) -> str:
    """The token that proves the holder was given `session_id` by this server: "issued.mac"."""
    issued = int(time.time()) if issued is None else issued
    return f"{issued}.{_mac(secret_key, session_id, issued)}"


def verify_session(
    secret_key: str, session_id: Any, token: Any, max_age_seconds: Optional[int] = None, now: Optional[float] = None
) -> bool:
    """True when `token` was issued by this server for `session_id` and has not expired."""
    if not isinstance(session_id, str) or not isinstance(token, str):
        return False
    if not SESSION_ID_RE.match(session_id) or len(token) > 128:
        return False
    issued_text, _, mac = token.partition(".")
    if not issued_text.isdigit() or not mac:
        return False
    issued = int(issued_text)
    now = time.time() if now is None else now
    if issued > now + CLOCK_SKEW_SECONDS:
        return False
    if max_age_seconds is not None and now - issued > max_age_seconds:
        return False
    return hmac.compare_digest(mac, _mac(secret_key, session_id, issued))


def allowed_origins(settings: Settings) -> Origins:
    """Origins whose pages may open the widget's socket: WIDGET_ALLOWED_ORIGINS, else the web app's."""
    if settings.widget_allowed_origins == ("*",):
        return "*"  # explicit opt-in only; never the silent default
    origins = list(settings.widget_allowed_origins)
    if not origins:
        origins = [
            f"http://localhost:{settings.web_port}",
            f"http://127.0.0.1:{settings.web_port}",
            settings.public_base_url.rstrip("/"),
        ]
    # A list, never [] (which python-engineio reads as "don't check the Origin at all").
    return list(dict.fromkeys(o for o in origins if o))


class SignedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, with custom JSON sent as one event instead of emit() keywords."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Send custom JSON as {"custom": ...} (Rasa passes its keys to emit() as arguments)."""
        await self._send_message(recipient_id, {"custom": json_message})


def language_metadata(data: dict[str, Any]) -> dict[str, str]:
    """`{"language": "en"|"fr"}` from a widget message, else `{}`.

    The widget says which language its interface is in; Rasa hands the first message's metadata
    to the session start (actions/session.py), so a chat opened on a French page starts in French.
    That one word is all the browser may add: anything else it sends is dropped.
    """
    language = data.get("language")
    return {"language": language} if isinstance(language, str) and language in LANGUAGES else {}


def _button_list(data: dict[str, Any]) -> list[dict[str, str]]:
    buttons = []
    for button in data.get("buttons") or data.get("quick_replies") or []:
        if isinstance(button, dict) and isinstance(button.get("title"), str):
            payload = button.get("payload")
            buttons.append({"title": button["title"], "payload": payload if isinstance(payload, str) else button["title"]})
    return buttons


def _image_of(data: dict[str, Any]) -> Optional[str]:
    attachment = data.get("attachment")
    if isinstance(attachment, dict) and attachment.get("type") == "image":
        src = (attachment.get("payload") or {}).get("src") if isinstance(attachment.get("payload"), dict) else None
        return src if isinstance(src, str) else None
    image = data.get("image")
    return image if isinstance(image, str) else None


def session_history(events: Iterable[Any], limit: int = HISTORY_MAX) -> list[dict[str, Any]]:
    """The patient's and the bot's messages of a tracker's events, as the widget shows them.

    A button's payload ("/affirm") is shown as the title of the button that sent it, as it was
    when the patient pressed it; text the purge removed stays removed (it is replayed as stored).
    """
    titles: dict[str, str] = {}
    history: list[dict[str, Any]] = []
    for event in events:
        kind = getattr(event, "type_name", None)
        ts = int((getattr(event, "timestamp", 0) or 0) * 1000)
        if kind == "user":
            text = display_text(getattr(event, "text", None))
            if text.startswith("/"):
                text = titles.get(text.strip(), text)
            if text.strip():
                history.append({"from": "user", "text": text, "ts": ts})
        elif kind == "bot":
            data = getattr(event, "data", None) or {}
            buttons = _button_list(data)
            titles.update({b["payload"]: b["title"] for b in buttons})
            text, image = getattr(event, "text", None) or "", _image_of(data)
            if text or image or buttons:
                history.append({"from": "bot", "text": text, "image": image, "buttons": buttons, "ts": ts})
    return history[-limit:]


@dataclass
class TokenBucket:
    """`capacity` tokens; one more every `refill_seconds`; a message takes one."""

    capacity: int
    refill_seconds: float
    tokens: float
    updated: float

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: one is there now)."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.capacity), self.tokens + elapsed / self.refill_seconds)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) * self.refill_seconds


class RateLimiter:
    """Token buckets by key (a socket, a session); a message must find a token in every one of its keys."""

    def __init__(
        self, burst: int, refill_seconds: float, clock: Callable[[], float] = time.monotonic, max_keys: int = BUCKETS_MAX
    ) -> None:
        self.burst = max(1, burst)
        self.refill_seconds = max(0.001, refill_seconds)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[Hashable, TokenBucket] = OrderedDict()

    def _bucket(self, key: Hashable, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.burst, self.refill_seconds, float(self.burst), now)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(key)
        return bucket

    def take(self, *keys: Hashable) -> float:
        """Take a token from each key's bucket and return 0, or take none and return the seconds to wait."""
        now = self.clock()
        buckets = [self._bucket(key, now) for key in keys]
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            return wait
        for bucket in buckets:
            bucket.tokens -= 1
        return 0.0

    def forget(self, key: Hashable) -> None:
        self._buckets.pop(key, None)

    def __len__(self) -> int:
        return len(self._buckets)


class SeenIds:
    """The most recent (session, message id) pairs, to drop resends of a message already taken."""

    def __init__(self, limit: int = SEEN_IDS_MAX) -> None:
        self.limit = limit
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def __contains__(self, pair: object) -> bool:
        return pair in self._seen

    def add(self, session_id: str, message_id: str) -> bool:
        """Remember the pair; False when it was already there."""
        key = (session_id, message_id)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.limit:
            self._seen.popitem(last=False)
        return True


class SessionLocks:
    """One FIFO lock per conversation, so a patient's messages are handled in the order sent."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def acquire_slot(self, session_id: str) -> asyncio.Lock:
        """The conversation's lock, counted as in use until `release_slot`."""
        lock, users = self._locks.get(session_id, (asyncio.Lock(), 0))
        self._locks[session_id] = (lock, users + 1)
        return lock

    def in_flight(self, session_id: str) -> int:
        """Turns of the conversation taken and not finished (running or waiting for the lock)."""
        return self._locks.get(session_id, (None, 0))[1]

    def release_slot(self, session_id: str) -> None:
        """Forget the lock once nobody waits for it (the dict doesn't grow with every visitor)."""
        lock, users = self._locks[session_id]
        if users <= 1:
            del self._locks[session_id]
        else:
            self._locks[session_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class SignedSocketIOInput(SocketIOInput):
    """socket.io for the widget: awaited rooms, server-issued signed sessions, checked origins."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(
        self,
        *args: Any,
        settings: Optional[Settings] = None,
        clock: Callable[[], float] = time.monotonic,
        delivery: Optional[StaffDelivery] = None,
        takeovers: Optional[TakeoverStore] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._settings = settings
        self._delivery = delivery
        self._takeovers = takeovers
        self._engine: Any = None
        self._delivery_task: Optional[asyncio.Task] = None
        self._sweep_task: Optional[asyncio.Task] = None
        self._delivery_stopped = asyncio.Event()
        self._clock = clock
        self._limiter: Optional[RateLimiter] = None
        self._replays: Optional[RateLimiter] = None
        # A signed session is what makes replies reach the right browser: always on.
        self.session_persistence = True
        self.sio: Optional[AsyncServer] = None
        self._blueprint: Optional[Blueprint] = None
        self._session_of: dict[str, str] = {}  # socket id -> the session it was confirmed for
        self._seen = SeenIds()
        self._locks = SessionLocks()
        self._tasks: set[asyncio.Task] = set()

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    def session_max_age(self) -> int:
        """Tokens are short-lived (WIDGET_SESSION_HOURS) and re-issued on use: a tab left alone expires."""
        return max(1, self.settings.widget_session_hours) * 3600

    @property
    def limiter(self) -> RateLimiter:
        """Message buckets per socket and per session (made on first use: settings are read then)."""
        if self._limiter is None:
            settings = self.settings
            self._limiter = RateLimiter(settings.widget_rate_burst, settings.widget_rate_refill_seconds, self._clock)
        return self._limiter

    @property
    def replays(self) -> RateLimiter:
        """History replays per socket: each one reads the tracker store."""
        if self._replays is None:
            settings = self.settings
            self._replays = RateLimiter(settings.widget_rate_burst, settings.widget_rate_refill_seconds, self._clock)
        return self._replays

    @property
    def delivery(self) -> StaffDelivery:
        """Front-desk messages from the shared database (its engine made on first use, not at import)."""
        if self._delivery is None:
            from bot.store.staff_messages import StaffMessageStore

            self._delivery = StaffDelivery(StaffMessageStore(self.engine))
        return self._delivery

    @property
    def engine(self) -> Any:
        """The shared database's engine for our own tables, made on first use."""
        if self._engine is None:
            from bot.store.db import create_all, make_engine

            self._engine = make_engine(self.settings.database_url)
            create_all(self._engine)  # idempotent; the web app may not have started yet
        return self._engine

    @property
    def takeovers(self) -> TakeoverStore:
        """Which conversations a person has taken over (bot/takeover.py)."""
        if self._takeovers is None:
            self._takeovers = TakeoverStore(self.engine)
        return self._takeovers

    def _agent(self) -> Any:
        """The Rasa agent, once the blueprint is on the app."""
        try:
            apps = self._blueprint.apps if self._blueprint is not None else ()
        except Exception:  # noqa: BLE001 - Sanic raises until the blueprint is registered
            apps = ()
        for app in apps:
            agent = getattr(app.ctx, "agent", None)
            if agent is not None:
                return agent
        return None

    async def after_patient_message(self, session_id: str, text: str, output: OutputChannel) -> None:
        """While a person has the conversation (the bot paused), the safety nets still answer."""
        await answer_if_taken_over(self._agent(), self.takeovers, session_id, text, output)

    def output_for(self, conversation_id: str, channel: str) -> Optional[OutputChannel]:
        """Where an idle hand-back notice goes: the widget's room (on this server), else nowhere."""
        if channel == "socketio" and self.sio is not None:
            return SignedSocketIOOutput(self.sio, self.bot_message_evt)
        return None

    async def sweep_idle_takeovers(self) -> list[str]:
        agent = self._agent()
        if agent is None or not agent.is_ready():
            return []
        return await hand_back_idle(agent, self.takeovers, self.settings, self.output_for)

    async def _sweep_forever(self, stopped: asyncio.Event) -> None:
        while not stopped.is_set():
            try:
                await self.sweep_idle_takeovers()
            except Exception as exc:  # noqa: BLE001 - tried again at the next look
                logger.warning("idle takeover hand-back failed: %s", type(exc).__name__)
            try:
                await asyncio.wait_for(stopped.wait(), timeout=TAKEOVER_SWEEP_SECONDS)
            except asyncio.TimeoutError:
                pass

    def connected_sessions(self) -> set[str]:
        """The sessions with a socket on this server (the only rooms this process can reach)."""
        return set(self._session_of.values())

    async def emit_staff(self, session_id: str, item: dict[str, Any]) -> None:
        assert self.sio is not None
        await self.sio.emit(STAFF_EVENT, item, room=session_id, namespace=self.namespace)

    def start_delivery(self) -> None:
        """Look for the front desk's messages in the background (once the server's loop runs)."""
        if self._delivery_task is None or self._delivery_task.done():
            self._delivery_stopped = asyncio.Event()
            self._delivery_task = asyncio.ensure_future(
                self.delivery.run(self.connected_sessions, self.emit_staff, self._delivery_stopped))
            self._sweep_task = asyncio.ensure_future(self._sweep_forever(self._delivery_stopped))

    async def stop_delivery(self) -> None:
        if self._delivery_task is not None:
            self._delivery_stopped.set()
            await asyncio.gather(self._delivery_task, self._sweep_task, return_exceptions=True)
            self._delivery_task = None

    def limits(self) -> dict[str, int]:
        """The limits the widget mirrors, so a patient is told before the server has to refuse."""
        settings = self.settings
        return {
            "burst": settings.widget_rate_burst,
            "refill_seconds": settings.widget_rate_refill_seconds,
            "in_flight": settings.widget_max_turns_in_flight,
        }

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return SignedSocketIOOutput(self.sio, self.bot_message_evt)

    def _tracker_store(self) -> Any:
        """The agent's tracker store (for the forced-intent guard), once the blueprint is on the app."""
        agent = self._agent()
        return agent.tracker_store if agent is not None else None

    def create_server(self) -> AsyncServer:
        """The socket.io server: checked origins, small packets, no per-event logging."""
        settings = self.settings
        return AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=allowed_origins(settings),
            max_http_buffer_size=MAX_PACKET_BYTES,
            logger=False,
            engineio_logger=False,
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io server on `socketio_path`, with our session and message handlers."""
        sio = self.create_server()
        self.sio = sio
        webhook = SocketBlueprint(sio, self.socketio_path, "signed_socketio_webhook", __name__)
        self._blueprint = webhook
        namespace = self.namespace

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.listener("after_server_start")
        async def start_staff_delivery(*_args: Any) -> None:
            self.start_delivery()

        @webhook.listener("before_server_stop")
        async def stop_staff_delivery(*_args: Any) -> None:
            await self.stop_delivery()

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: Optional[dict] = None) -> bool:
            return self.accept_connection(auth)

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str, *_reason: Any) -> None:
            self.forget_socket(sid)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            await self.handle_session_request(sid, data)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def user_message(sid: str, data: Any = None) -> dict[str, Any]:
            return await self.handle_user_message(sid, data, on_new_message)

        return webhook

    def accept_connection(self, auth: Optional[dict]) -> bool:
        """Rasa's optional JWT check on connect (credentials.yml `jwt_key`); else every socket may connect."""
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

    def forget_socket(self, sid: str) -> None:
        """A socket that is gone: its session binding and its buckets."""
        self._session_of.pop(sid, None)
        self.limiter.forget(("socket", sid))
        self.replays.forget(("socket", sid))

    async def emit_error(
        self, sid: str, code: str, message: str, message_id: Optional[str] = None, **details: Any
    ) -> dict[str, Any]:
        """Tell this socket only (never the room) why something was refused; the same dict is the ack."""
        error: dict[str, Any] = {"ok": False, "code": code, "message": message}
        if message_id:
            error["id"] = message_id
        error.update(details)
        assert self.sio is not None
        await self.sio.emit("chat_error", error, room=sid, namespace=self.namespace)
        return error

    async def handle_session_request(self, sid: str, data: Any) -> None:
        """Resume the session a valid token names, or issue a new one; refuse a forged or foreign token."""
        assert self.sio is not None
        settings = self.settings
        data = data if isinstance(data, dict) else {}
        requested, token = data.get("session_id"), data.get("token")
        if requested in (None, ""):
            session_id, resumed = new_session_id(), False
            token = sign_session(settings.secret_key, session_id)
        elif verify_session(settings.secret_key, requested, token, self.session_max_age()):
            # Re-issued on use: the clock of a token's short life starts again.
            session_id, resumed = requested, True
            token = sign_session(settings.secret_key, session_id)
        else:
            # Whoever sent this doesn't hold that session's token: no room, nothing of it.
            logger.info("socket.io session request refused: invalid or expired token")
            await self.emit_error(
                sid, "invalid_session", "This conversation can't be resumed here. A new one can be started."
            )
            return
        previous = self._session_of.get(sid)
        if previous and previous != session_id:
            await self.sio.leave_room(sid, previous, namespace=self.namespace)
        # Awaited: python-socketio >= 5.10 made enter_room a coroutine (Rasa 3.6.21 forgot).
        await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        self._session_of[sid] = session_id
        # Read after joining the room: a reply sent meanwhile reaches the socket (the widget drops a copy).
        history = await self.history(sid, session_id) if resumed else []
        if resumed and history is not None:
            try:
                # The front desk's messages too; those still waiting are delivered by this replay.
                history = await self.delivery.history_for(session_id, history, HISTORY_MAX)
            except Exception as exc:  # noqa: BLE001 - the bot's side of the history still goes out
                logger.warning("socket.io staff messages not read: %s", type(exc).__name__)
        await self.sio.emit(
            "session_confirm",
            {
                "session_id": session_id,
                "token": token,
                "resumed": resumed,
                "max_chars": settings.max_message_chars,
                "limits": self.limits(),
                "history": history,
            },
            room=sid,
            namespace=self.namespace,
        )

    async def history(self, sid: str, session_id: str) -> Optional[list[dict[str, Any]]]:
        """The session's messages from the tracker store, or None (the widget keeps what it shows)
        when this socket asked too often or the store can't be read."""
        if self.replays.take(("socket", sid)) > 0:
            return None
        store = self._tracker_store()
        if store is None:
            return None
        try:
            tracker = await store.retrieve(session_id)
        except Exception as exc:  # noqa: BLE001 - the conversation goes on without its history
            logger.warning("socket.io history not read: %s", type(exc).__name__)
            return None
        return session_history(tracker.events) if tracker is not None else []

    async def handle_user_message(
        self, sid: str, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> dict[str, Any]:
        """Check a patient's message and hand it to Rasa in the background; the ack says it was taken."""
        # No await before the task is created: messages from one socket keep the order they came in.
        data = data if isinstance(data, dict) else {}
        raw_id = data.get("id")
        message_id = raw_id if isinstance(raw_id, str) and MESSAGE_ID_RE.match(raw_id) else None
        session_id = self._session_of.get(sid)
        if session_id is None:
            return await self.emit_error(sid, "no_session", "Please wait for the chat to connect.", message_id)
        claimed = data.get("session_id")
        if claimed not in (None, "", session_id):
            # Rasa's own channel took the sender from here: never again.
            return await self.emit_error(sid, "wrong_session", "This message names another conversation.", message_id)
        text = data.get("message")
        limit = self.settings.max_message_chars
        if not isinstance(text, str) or not text.strip():
            return await self.emit_error(sid, "empty", "The message was empty.", message_id)
        if len(text) > limit:
            return await self.emit_error(
                sid,
                "too_long",
                f"That message is {len(text):,} characters long; the limit is {limit:,}. Please shorten it.",
                message_id,
                max_chars=limit,
            )
        if message_id and (session_id, message_id) in self._seen:
            return {"ok": True, "id": message_id, "duplicate": True}
        settings = self.settings
        if self._locks.in_flight(session_id) >= settings.widget_max_turns_in_flight:
            return await self.emit_error(sid, "busy", TOO_FAST, message_id, retry_after=1)
        wait = self.limiter.take(("socket", sid), ("session", session_id))
        if wait > 0:
            return await self.emit_error(sid, "rate_limited", TOO_FAST, message_id, retry_after=max(1, math.ceil(wait)))
        if message_id:
            self._seen.add(session_id, message_id)
        lock = self._locks.acquire_slot(session_id)
        task = asyncio.ensure_future(
            self._process(session_id, text, message_id, lock, on_new_message, language_metadata(data))
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # The token is re-issued with every message taken: an active conversation never expires.
        return {"ok": True, "id": message_id, "token": sign_session(settings.secret_key, session_id)}

    async def _process(
        self,
        session_id: str,
        text: str,
        message_id: Optional[str],
        lock: asyncio.Lock,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        metadata: Optional[dict[str, str]] = None,
    ) -> None:
        """Run one turn for the conversation, then tell its room the turn is over."""
        assert self.sio is not None
        ok = True
        try:
            async with lock:
                guarded = await guard_for_conversation(text, session_id, self._tracker_store())
                output = SignedSocketIOOutput(self.sio, self.bot_message_evt)
                # Of the browser's metadata only the widget's language is passed on (language_metadata).
                await on_new_message(
                    UserMessage(guarded, output, session_id, input_channel=self.name(), metadata=metadata or None)
                )
                await self.after_patient_message(session_id, text, output)
        except Exception as exc:  # noqa: BLE001 - reported without the patient's text
            ok = False
            logger.error("socket.io message failed: %s", type(exc).__name__)
        finally:
            self._locks.release_slot(session_id)
        try:
            await self.sio.emit("bot_turn_done", {"id": message_id, "ok": ok}, room=session_id, namespace=self.namespace)
        except Exception as exc:  # noqa: BLE001 - the browser may be gone; the turn itself is done
            logger.warning("socket.io turn-done notice not sent: %s", type(exc).__name__)

