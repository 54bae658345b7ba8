"""parse_body: malformed REST requests get a 4xx with the reason, never a 500."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest

from bot.channels.rest import MAX_SENDER_CHARS, GuardedRestInput, parse_body
from bot.settings import Settings

MAX = 50


class FakeRequest:
    """Just enough of a Sanic request: `.json` is a property that may raise on bad JSON."""

    def __init__(self, body: Any = None, error: Exception | None = None) -> None:
        self._body = body
        self._error = error

    @property
    def json(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._body


def error_of(response) -> tuple[int, str]:
    return response.status, json.loads(response.body)["error"]


def test_valid_body() -> None:
    body, error = parse_body(FakeRequest({"sender": "p1", "message": "hi there"}), MAX)
    assert error is None
    assert body == {"sender": "p1", "message": "hi there", "metadata": None}


def test_valid_body_with_metadata_and_exact_limit() -> None:
    body, error = parse_body(FakeRequest({"sender": "p" * MAX_SENDER_CHARS, "message": "x" * MAX, "metadata": {"a": 1}}), MAX)
    assert error is None
    assert body["metadata"] == {"a": 1}
    assert len(body["message"]) == MAX


@pytest.mark.parametrize(
    ("payload", "status", "mentions"),
    [
        ({"message": "hi"}, 400, "'sender'"),
        ({"sender": "p1"}, 400, "'message'"),
        ({"sender": "", "message": "hi"}, 400, "'sender'"),
        ({"sender": "   ", "message": "hi"}, 400, "'sender'"),
        ({"sender": 42, "message": "hi"}, 400, "'sender'"),
        ({"sender": None, "message": "hi"}, 400, "'sender'"),
        ({"sender": "p1", "message": "   "}, 400, "'message'"),
        ({"sender": "p1", "message": 7}, 400, "'message'"),
        ({"sender": "p1", "message": ["hi"]}, 400, "'message'"),
        ({"sender": "p" * (MAX_SENDER_CHARS + 1), "message": "hi"}, 400, "longer than 300"),
        ({"sender": "p1", "message": "x" * (MAX + 1)}, 413, "51 characters long; the limit is 50"),
        ({"sender": "p1", "message": "hi", "metadata": "x"}, 400, "'metadata'"),
        ({"sender": "p1", "message": "hi", "metadata": [1]}, 400, "'metadata'"),
        (["sender", "message"], 400, "JSON object"),
        ("just a string", 400, "JSON object"),
        (None, 400, "JSON object"),
        (17, 400, "JSON object"),
    ],
)
def test_bad_bodies(payload: Any, status: int, mentions: str) -> None:
    body, error = parse_body(FakeRequest(payload), MAX)
    assert body is None
    code, reason = error_of(error)
    assert code == status
    assert mentions in reason


@pytest.mark.parametrize("exc", [ValueError("Expecting value"), json.JSONDecodeError("bad", "{", 1), RuntimeError("sanic")])
def test_unreadable_json_is_a_400(exc: Exception) -> None:
    body, error = parse_body(FakeRequest(error=exc), MAX)
    assert body is None
    assert error_of(error) == (400, "the body must be JSON")


def test_error_reason_never_echoes_the_message() -> None:
    secret = "my phone is 613 722 1234 " * 5
    _, error = parse_body(FakeRequest({"sender": "p1", "message": secret}), MAX)
    assert error.status == 413
    assert "613" not in error.body.decode()


def test_channel_name_is_rest() -> None:
    assert GuardedRestInput.name() == "rest"


def test_too_long_is_a_413_that_says_the_limit() -> None:
    _, error = parse_body(FakeRequest({"sender": "p1", "message": "x" * 5001}), 5000)
    assert error.status == 413
    assert json.loads(error.body) == {
        "error": "'message' is 5,001 characters long; the limit is 5,000. Please shorten it.",
        "code": "too_long",
        "max_chars": 5000,
    }


class AppRequest(FakeRequest):
    """A request as the webhook route sees it (no agent: the guard has no tracker to read)."""

    app = SimpleNamespace(ctx=SimpleNamespace())


def webhook_route(channel: GuardedRestInput, on_new_message: Any) -> Any:
    blueprint = channel.blueprint(on_new_message)
    [route] = [r for r in blueprint._future_routes if r.uri == "/webhook"]
    return route.handler


def post(channel: GuardedRestInput, message: str) -> tuple[int, Any, list[Any]]:
    received: list[Any] = []

    async def rasa(user_message: Any) -> None:
        received.append(user_message)
        await user_message.output_channel.send_text_with_buttons(user_message.sender_id, "answered", [])

    response = asyncio.run(webhook_route(channel, rasa)(AppRequest({"sender": "p1", "message": message})))
    return response.status, json.loads(response.body), received


def test_the_default_limit_takes_a_patients_whole_story() -> None:
    story = ("I have had migraines since my teens and my jaw aches when I wake up. " * 80)[:4986] + " side effects?"
    assert len(story) == 5000
    status, body, received = post(GuardedRestInput(settings=Settings()), story)
    assert status == 200
    assert [m.text for m in received] == [story]
    assert body[0]["text"] == "answered"


def test_the_webhook_uses_its_settings_limit() -> None:
    status, body, received = post(GuardedRestInput(settings=Settings(max_message_chars=20)), "x" * 21)
    assert (status, body["code"], body["max_chars"], received) == (413, "too_long", 20, [])
