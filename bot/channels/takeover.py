"""The Rasa server's internal endpoint for live takeovers: POST /webhooks/takeover/control.

The web app posts {"conversation_id", "paused"} signed with SECRET_KEY (bot/takeover.py, header
X-Takeover-Signature, valid for a minute); this appends ConversationPaused or ConversationResumed
to the tracker under the agent's lock. An unsigned, stale or forged request is a 403 and nothing
changes; nothing of the conversation is logged. Like every Rasa route it is on port 5005, which
the production profile's nginx does not expose at /webhooks/takeover (the web app calls RASA_URL).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings, get_settings
from bot.takeover import SIGNATURE_HEADER, set_paused, verify

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 2048


def parse_control(body: bytes) -> tuple[Optional[str], Optional[bool], str]:
    """(conversation id, paused) from the request body, or why it is not a control request."""
    if len(body) > MAX_BODY_BYTES:
        return None, None, "the body is too long"
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, None, "the body is not JSON"
    if not isinstance(data, dict):
        return None, None, "the body is not a JSON object"
    conversation, paused = data.get("conversation_id"), data.get("paused")
    if not isinstance(conversation, str) or not 0 < len(conversation) <= 300:
        return None, None, "'conversation_id' must be a conversation id"
    if not isinstance(paused, bool):
        return None, None, "'paused' must be true or false"
    return conversation, paused, ""


class TakeoverInput(InputChannel):
    """Not a patient channel: the web app's signed requests to pause and resume a conversation."""

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self._settings = settings

    @classmethod
    def name(cls) -> str:
        return "takeover"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        return cls()

    async def handle(self, body: bytes, signature: Optional[str], agent: Any) -> tuple[int, dict[str, Any]]:
        settings = self._settings or get_settings()
        if not verify(settings.secret_key, body, signature):
            logger.warning("takeover control request refused: missing, stale or invalid signature")
            return 403, {"error": "invalid or missing signature"}
        conversation, paused, problem = parse_control(body)
        if problem or conversation is None or paused is None:
            return 400, {"error": problem}
        if agent is None or not getattr(agent, "is_ready", lambda: False)():
            return 503, {"error": "no model loaded"}
        now_paused = await set_paused(agent, conversation, paused)
        return 200, {"paused": now_paused}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("takeover_control", __name__)

        @blueprint.route("/control", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status, body = await self.handle(request.body or b"", request.headers.get(SIGNATURE_HEADER),
                                             getattr(request.app.ctx, "agent", None))
            return response.json(body, status=status)

        return blueprint
