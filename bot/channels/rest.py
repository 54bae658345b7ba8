"""REST for localhost clients (terminal chat, tests, benchmarks), with our guards.

Compared with Rasa's RestInput: malformed requests get a 400 with the reason (never a 500),
messages over MAX_MESSAGE_CHARS (5,000 by default: a patient's whole story fits) a 413 whose JSON
says the limit, "/intent" text forces an intent only when it is a payload of a
button the bot offered, the caller cannot pick the input channel, and no message text is
ever logged.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import guard_for_conversation
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)
MAX_SENDER_CHARS = 300


def bad_request(reason: str, status: int = 400, **details: Any) -> HTTPResponse:
    return response.json({"error": reason, **details}, status=status)


def parse_body(req: Request, max_chars: int) -> tuple[Optional[dict], Optional[HTTPResponse]]:
    """The JSON body as {sender, message, metadata}, or the 4xx response that explains why not."""
    try:
        body = req.json
    except Exception:  # noqa: BLE001 - Sanic raises its own error types for bad JSON
        return None, bad_request("the body must be JSON")
    if not isinstance(body, dict):
        return None, bad_request("the body must be a JSON object with 'sender' and 'message'")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        return None, bad_request("'sender' must be a non-empty string")
    if len(sender) > MAX_SENDER_CHARS:
        return None, bad_request(f"'sender' is longer than {MAX_SENDER_CHARS} characters")
    if not isinstance(message, str) or not message.strip():
        return None, bad_request("'message' must be a non-empty string")
    if len(message) > max_chars:
        return None, bad_request(
            f"'message' is {len(message):,} characters long; the limit is {max_chars:,}. Please shorten it.",
            status=413,
            code="too_long",
            max_chars=max_chars,
        )
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return None, bad_request("'metadata' must be an object")
    return {"sender": sender, "message": message, "metadata": metadata}, None


class GuardedRestInput(InputChannel):
    def __init__(self, settings: Optional[Settings] = None) -> None:
        self._settings = settings

    @classmethod
    def name(cls) -> str:
        return "rest"

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)
        max_chars = self.settings.max_message_chars

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body, error = parse_body(request, max_chars)
            if error is not None:
                return error
            assert body is not None
            agent = getattr(request.app.ctx, "agent", None)
            text = await guard_for_conversation(
                body["message"], body["sender"], getattr(agent, "tracker_store", None)
            )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, body["sender"], input_channel=self.name(), metadata=body["metadata"])
                )
            except CancelledError:
                logger.error("REST message timed out")
                return bad_request("the assistant took too long to answer", status=503)
            except Exception as exc:  # noqa: BLE001 - reported without the patient's text
                logger.error("REST message failed: %s", type(exc).__name__)
                return response.json({"error": "the assistant could not answer"}, status=500)
            return response.json(collector.messages)

        return webhook
