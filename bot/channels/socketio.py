"""The website widget's channel: Rasa's socket.io input with server-issued, signed sessions.

Rasa 3.6.21's SocketIOInput has three defects we fix here:

- it calls `sio.enter_room(...)` without `await`; since python-socketio 5.10 that is a
  coroutine, so with `session_persistence: true` no reply ever reached the browser;
- it trusts whatever session id the browser sends (in `session_request` and in every
  message), so anyone who knows an id could join that patient's conversation;
- `cors_allowed_origins=[]` turns python-engineio's Origin check off.

Here the server issues the session id (random) with a token, HMAC-signed with SECRET_KEY, that
the widget keeps. A `session_request` with an id and a token that doesn't match is refused
with a `chat_error` event and never joins the room. Messages go to the session bound to the
socket, never to an id the message names. Messages longer than MAX_MESSAGE_CHARS are refused,
"/intent" text is guarded like every other channel, and no message text is ever logged.

Protocol (what bot/web/static/widget/widget.js speaks):

- client `session_request` {session_id?, token?} → server `session_confirm`
  {session_id, token, resumed, max_chars} or `chat_error` {code: "invalid_session", ...};
- client `user_uttered` {message, id} with an ack → ack {ok, id, duplicate?} or
  {ok: false, code, message}; refusals are also emitted as `chat_error`;
- server `bot_uttered` (Rasa's format: text, quick_replies, attachment), then `bot_turn_done`
  {id, ok} when the bot has finished answering that message.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Optional, Union

from rasa.core.channels.channel import OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.guard import guard_for_conversation
from bot.settings import Settings, get_settings

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


def allowed_origins(settings: Settings, env: Optional[dict[str, str]] = None) -> Origins:
    """Origins whose pages may open the widget's socket: WIDGET_ALLOWED_ORIGINS, else the web app's."""
    env = dict(os.environ) if env is None else env
    configured = (env.get("WIDGET_ALLOWED_ORIGINS") or "").strip()
    if configured == "*":
        return "*"  # explicit opt-in only; never the silent default
    origins = [o.strip().rstrip("/") for o in configured.split(",") if o.strip()]
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


class SeenIds:
    """The most recent (session, message id) pairs, to drop resends of a message already taken."""

    def __init__(self, limit: int = SEEN_IDS_MAX) -> None:
        self.limit = limit
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

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

    def __init__(self, *args: Any, settings: Optional[Settings] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._settings = settings
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
        """Tokens live as long as the transcript may (RETENTION_DAYS); after that there is nothing to resume."""
        return max(1, self.settings.retention_days) * 24 * 3600

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return SignedSocketIOOutput(self.sio, self.bot_message_evt)

    def _tracker_store(self) -> Any:
        """The agent's tracker store (for the forced-intent guard), once the blueprint is on the app."""
        try:
            apps = self._blueprint.apps if self._blueprint is not None else ()
        except Exception:  # noqa: BLE001 - Sanic raises until the blueprint is registered
            apps = ()
        for app in apps:
            agent = getattr(app.ctx, "agent", None)
            if agent is not None:
                return agent.tracker_store
        return None

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

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: Optional[dict] = None) -> bool:
            return self.accept_connection(auth)

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str, *_reason: Any) -> None:
            self._session_of.pop(sid, None)

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

    async def emit_error(self, sid: str, code: str, message: str, message_id: Optional[str] = None) -> dict[str, Any]:
        """Tell this socket only (never the room) why something was refused; the same dict is the ack."""
        error: dict[str, Any] = {"ok": False, "code": code, "message": message}
        if message_id:
            error["id"] = message_id
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
            session_id, resumed = requested, True
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
        await self.sio.emit(
            "session_confirm",
            {"session_id": session_id, "token": token, "resumed": resumed, "max_chars": settings.max_message_chars},
            room=sid,
            namespace=self.namespace,
        )

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
                sid, "too_long", f"That message is longer than {limit:,} characters. Please shorten it.", message_id
            )
        if message_id and not self._seen.add(session_id, message_id):
            return {"ok": True, "id": message_id, "duplicate": True}
        lock = self._locks.acquire_slot(session_id)
        task = asyncio.ensure_future(self._process(session_id, text, message_id, lock, on_new_message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return {"ok": True, "id": message_id}

    async def _process(
        self,
        session_id: str,
        text: str,
        message_id: Optional[str],
        lock: asyncio.Lock,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Run one turn for the conversation, then tell its room the turn is over."""
        assert self.sio is not None
        ok = True
        try:
            async with lock:
                guarded = await guard_for_conversation(text, session_id, self._tracker_store())
                output = SignedSocketIOOutput(self.sio, self.bot_message_evt)
                # Metadata from the browser is not passed on: nothing but the text reaches the tracker.
                await on_new_message(UserMessage(guarded, output, session_id, input_channel=self.name()))
        except Exception as exc:  # noqa: BLE001 - reported without the patient's text
            ok = False
            logger.error("socket.io message failed: %s", type(exc).__name__)
        finally:
            self._locks.release_slot(session_id)
        try:
            await self.sio.emit("bot_turn_done", {"id": message_id, "ok": ok}, room=session_id, namespace=self.namespace)
        except Exception as exc:  # noqa: BLE001 - the browser may be gone; the turn itself is done
            logger.warning("socket.io turn-done notice not sent: %s", type(exc).__name__)

