"""Talking to the running servers the way the widget, a terminal or a load test does."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import httpx

SCREENING_ANSWERS: Sequence[str] = (
    "Yes",  # consent
    "jaw pain from clenching",
    "I take advil sometimes",
    "no",  # surgery
    "not that I know of",  # facial weakness
    "no",  # nerve condition
    "yes, 12 weeks",  # pregnancy
    "none",  # other conditions
    "jane doe",
    "613-722-1234",
    "skip",
    "Phone call",
    "weekday mornings",
)


def say(url: str, sender: str, text: str, client: httpx.Client | None = None) -> list[dict]:
    """One patient message over REST; the bot's replies."""
    send = client.post if client else httpx.post
    response = send(url, json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite:///")


def requests_for(database_url: str, conversation_id: str) -> list[dict]:
    with sqlite3.connect(sqlite_path(database_url)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT * FROM consultation_requests WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        ).fetchall()
    result = []
    for row in rows:
        data = dict(row)
        data["answers"] = json.loads(data["answers"])
        data["flags"] = json.loads(data["flags"])
        result.append(data)
    return result


def user_events(database_url: str, conversation_id: str) -> list[dict]:
    with sqlite3.connect(sqlite_path(database_url)) as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (conversation_id,)
        ).fetchall()
    return [json.loads(r[0]) for r in rows]
