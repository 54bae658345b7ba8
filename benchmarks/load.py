"""Conversations over the REST channel: N at once, each a sequence of messages, timed per message.

Every loop is bounded: a fixed number of messages, a per-request timeout and a deadline for the
whole run (conversations stop sending when it passes). Only localhost is ever called.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional

import httpx

# A realistic mix: page questions, greetings, things the page does not answer, small talk.
# Nothing here opens the consultation form, so every conversation stays in FAQ mode.
MESSAGES: tuple[str, ...] = (
    "hello",
    "what is therapeutic botox",
    "can it help with my migraines",
    "what side effects can botox cause",
    "how much does it cost",
    "is botox safe if I'm pregnant?",
    "who is dr walters",
    "does it help with teeth grinding",
    "do you take my insurance",
    "thanks",
    "is this the cosmetic wrinkle kind of botox",
    "what are your opening hours",
    "hi there",
    "is it approved by health canada",
    "what should I tell you about my medications",
    "ok bye",
)


@dataclass
class LoadResult:
    """Durations (seconds) of the answered messages, the failures and the wall time."""

    durations: list[float] = field(default_factory=list)
    errors: int = 0
    planned: int = 0
    wall_seconds: float = 0.0
    timed_out: bool = False
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> Optional[float]:
        """Answered messages per second of wall time."""
        return len(self.durations) / self.wall_seconds if self.wall_seconds > 0 else None

    @property
    def sent(self) -> int:
        return len(self.durations) + self.errors


def conversation_plan(conversations: int, messages_each: int, pool: Sequence[str] = MESSAGES) -> list[list[str]]:
    """`conversations` message lists; each starts at a different place in the pool."""
    return [[pool[(c + m) % len(pool)] for m in range(messages_each)] for c in range(conversations)]


async def _conversation(client: httpx.AsyncClient, url: str, sender: str, messages: Sequence[str],
                        deadline: float, result: LoadResult) -> None:
    for text in messages:
        if time.monotonic() > deadline:
            result.timed_out = True
            return
        start = time.perf_counter()
        try:
            response = await client.post(url, json={"sender": sender, "message": text})
            elapsed = time.perf_counter() - start
            if response.status_code == 200 and isinstance(response.json(), list):
                result.durations.append(elapsed)
                continue
            kind = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            kind = type(exc).__name__
        result.errors += 1
        result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1


async def _run(url: str, plan: Sequence[Sequence[str]], prefix: str, max_seconds: float,
               request_timeout: float) -> LoadResult:
    result = LoadResult(planned=sum(len(m) for m in plan))
    limits = httpx.Limits(max_connections=len(plan) + 5, max_keepalive_connections=len(plan) + 5)
    # trust_env=False: never through a proxy from the environment; localhost only.
    async with httpx.AsyncClient(timeout=request_timeout, limits=limits, trust_env=False) as client:
        run_id = uuid.uuid4().hex[:8]
        start = time.monotonic()
        deadline = start + max_seconds
        tasks = [
            _conversation(client, url, f"{prefix}-{run_id}-{i}", messages, deadline, result)
            for i, messages in enumerate(plan)
        ]
        try:
            # Hard stop a little after the soft deadline, for requests still in flight.
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=max_seconds + request_timeout + 5)
        except asyncio.TimeoutError:
            result.timed_out = True
        result.wall_seconds = time.monotonic() - start
    return result


def run_load(url: str, plan: Sequence[Sequence[str]], prefix: str = "bench",
             max_seconds: float = 300.0, request_timeout: float = 60.0) -> LoadResult:
    """Run the conversations of `plan` concurrently (each one's messages in order)."""
    if not url.startswith(("http://localhost", "http://127.0.0.1")):
        raise ValueError("the benchmark only talks to localhost")
    return asyncio.run(_run(url, plan, prefix, max_seconds, request_timeout))


def run_sequentially(url: str, plan: Sequence[Sequence[str]], prefix: str = "bench",
                     max_seconds: float = 300.0, request_timeout: float = 60.0) -> LoadResult:
    """The conversations of `plan` one after another (one patient at a time), as one result."""
    total = LoadResult(planned=sum(len(m) for m in plan))
    deadline = time.monotonic() + max_seconds
    for i, messages in enumerate(plan):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            total.timed_out = True
            break
        part = run_load(url, [messages], f"{prefix}-{i}", max_seconds=remaining, request_timeout=request_timeout)
        total.durations += part.durations
        total.errors += part.errors
        total.wall_seconds += part.wall_seconds
        total.timed_out = total.timed_out or part.timed_out
        for kind, n in part.error_kinds.items():
            total.error_kinds[kind] = total.error_kinds.get(kind, 0) + n
    return total


def ask(client: httpx.Client, url: str, sender: str, text: str) -> list[dict]:
    """One message, synchronously; the bot's replies (raises on an HTTP error)."""
    response = client.post(url, json={"sender": sender, "message": text})
    response.raise_for_status()
    return response.json()
