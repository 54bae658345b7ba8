"""Front-desk messages to a widget patient: how a message typed on the request page reaches the chat.

The web app (port 8000) stores the message (bot/store/staff_messages.py, channel "widget", state
"waiting"); every Rasa server's socket.io channel looks for waiting messages of the sessions
connected to it and emits them (`staff_uttered`), moving them to "delivered". A session that is
not connected anywhere keeps its messages waiting: the next `session_request` with a valid token
replays them with the rest of the conversation (`merge_history`) and marks them delivered.

Why the shared database, polled by the channel, rather than the web app calling the Rasa server:
- with several Rasa servers behind nginx the web app cannot know which one holds the patient's
  socket: python-socketio's rooms live in one process (no message queue is configured), so an
  internal endpoint would reach the right room only by luck. Each server asks only about its own
  sessions, and the conditional UPDATE waiting -> delivered (StaffMessageStore.set_state) lets
  exactly one of them emit a message, whichever servers look at once;
- the database is already the shared truth: a message for a patient who is away simply stays
  waiting, and the replay on their next visit reads the same rows: one path, not two;
- nothing new to secure: no endpoint on the Rasa server, no secret in transit.
The cost is one indexed query every STAFF_POLL_SECONDS per server while sockets are connected,
and up to that long before a message shows in the chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import timezone
from typing import Any, Optional

from bot.store.staff_messages import StaffMessage, StaffMessageStore

logger = logging.getLogger(__name__)

EVENT = "staff_uttered"
STAFF_POLL_SECONDS = 1.0


def sender_name(message: StaffMessage) -> str:
    """The staff member's display name, as the patient sees it beside "front desk"."""
    return message.staff_user


def epoch_ms(message: StaffMessage) -> int:
    return int(message.created_at.replace(tzinfo=timezone.utc).timestamp() * 1000)


def staff_item(message: StaffMessage) -> dict[str, Any]:
    """A staff message as the widget shows it (in `history` and in a `staff_uttered` event)."""
    return {"from": "staff", "staff_id": message.id, "text": message.body, "sender": sender_name(message),
            "ts": epoch_ms(message)}


def merge_history(history: list[dict[str, Any]], messages: Iterable[StaffMessage], limit: int) -> list[dict[str, Any]]:
    """The tracker's messages with the front desk's, in time order (a tie keeps the tracker's first)."""
    staff = [staff_item(m) for m in messages if m.channel == "widget"]
    if not staff:
        return history
    ordered = sorted(enumerate(history + staff), key=lambda pair: (pair[1]["ts"], pair[0]))
    return [item for _, item in ordered][-limit:]


class StaffDelivery:
    """Delivers waiting widget messages to the sessions connected to this server."""

    def __init__(self, store: StaffMessageStore, poll_seconds: float = STAFF_POLL_SECONDS) -> None:
        self.store = store
        self.poll_seconds = poll_seconds

    async def deliver_once(
        self, sessions: Iterable[str], emit: Callable[[str, dict[str, Any]], Awaitable[Any]]
    ) -> list[int]:
        """Emit each waiting message this server wins (waiting -> delivered); the ids emitted."""
        ids = list(sessions)
        if not ids:
            return []
        sent: list[int] = []
        for message in await asyncio.to_thread(self.store.waiting_widget, ids):
            # Claimed first: with several servers (or two tabs) only one emits it.
            if await asyncio.to_thread(self.store.set_state, message.id, "delivered"):
                await emit(message.conversation_id, staff_item(message))
                sent.append(message.id)
        return sent

    async def history_for(self, session_id: str, history: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
        """A resumed session's history with its staff messages; the waiting ones are delivered by it."""
        messages = await asyncio.to_thread(self.store.for_conversation, session_id)
        for message in messages:
            if message.channel == "widget" and message.status == "waiting":
                await asyncio.to_thread(self.store.set_state, message.id, "delivered")
        return merge_history(history, messages, limit)

    async def run(
        self,
        sessions: Callable[[], Iterable[str]],
        emit: Callable[[str, dict[str, Any]], Awaitable[Any]],
        stopped: Optional[asyncio.Event] = None,
    ) -> None:
        """Look every `poll_seconds` until `stopped` is set; a failed look is logged, never fatal."""
        stopped = stopped or asyncio.Event()
        while not stopped.is_set():
            try:
                await self.deliver_once(sessions(), emit)
            except Exception as exc:  # noqa: BLE001 - the next look tries again; no message text logged
                logger.warning("staff message delivery failed: %s", type(exc).__name__)
            try:
                await asyncio.wait_for(stopped.wait(), timeout=self.poll_seconds)
            except asyncio.TimeoutError:
                pass
