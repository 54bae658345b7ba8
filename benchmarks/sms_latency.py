"""Webhook response time of the SMS channel: N signed messages, median and 95th percentile.

    python -m benchmarks.sms_latency [--messages 200] [--concurrency 1] [--url URL]

Without --url it starts its own Rasa and action servers (temporary database, free ports) with
models/current.tar.gz; with --url it texts a running bot (TWILIO_AUTH_TOKEN and SMS_PUBLIC_URL
from .env). Twilio gives up on a webhook after 15 s. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import httpx

from bot.channels.sms_simulator import SmsSimulator
from bot.settings import load_settings

# A realistic mix: page questions, greetings, a button reply, something the page does not answer.
MESSAGES = (
    "what side effects can botox cause",
    "hello",
    "2",
    "is botox safe if I'm pregnant?",
    "can it help with my migraines",
    "who is dr walters",
    "how much does it cost",
    "does it help with teeth grinding",
    "what is therapeutic botox",
    "thanks",
)
BENCH_TOKEN = "bench-twilio-token"


@dataclass
class Sample:
    """One request: its duration in seconds and its HTTP status."""

    seconds: float
    status: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def run(url: str, sign_url: str, token: str, messages: int, concurrency: int, numbers: int) -> list[Sample]:
    """Send `messages` texts from `numbers` phones, `concurrency` at a time; time each request."""
    phones = [
        SmsSimulator(url, token, f"+1613555{i:04d}", sign_url, client=httpx.Client(timeout=60)) for i in range(numbers)
    ]
    # Each phone works through the mix in order (so "2" follows the greeting's numbered menu).
    jobs = [(phones[k % numbers], MESSAGES[(k % numbers + k // numbers) % len(MESSAGES)]) for k in range(messages)]

    def one(job: tuple[SmsSimulator, str]) -> Sample:
        phone, text = job
        start = time.perf_counter()
        reply = phone.send(text)
        return Sample(time.perf_counter() - start, reply.status)

    # The first message loads the model's graph on some machines: warm up outside the sample.
    phones[0].send("hello")
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, jobs))


def report(samples: list[Sample], concurrency: int) -> None:
    seconds = [s.seconds for s in samples]
    errors = sum(1 for s in samples if s.status != 200)
    print(f"SMS webhook, {len(samples)} messages, concurrency {concurrency}:")
    print(f"  median {statistics.median(seconds) * 1000:.0f} ms")
    print(f"  p95    {percentile(seconds, 0.95) * 1000:.0f} ms")
    print(f"  max    {max(seconds) * 1000:.0f} ms")
    print(f"  over Twilio's 15 s: {sum(1 for s in seconds if s >= 15)}; non-200 responses: {errors}")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--numbers", type=int, default=20, help="how many phones send them")
    parser.add_argument("--url", help="a running bot's SMS webhook (default: start servers here)")
    args = parser.parse_args(argv)

    if args.url:
        settings = load_settings()
        sign_url = settings.sms_public_url or args.url
        report(run(args.url, sign_url, settings.twilio_auth_token, args.messages, args.concurrency, args.numbers),
               args.concurrency)
        return 0

    from bot.run import MODEL, start_services, wait_until_ready

    if not MODEL.exists():
        print(f"No model at {MODEL}: `make train` first.", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="sms-bench-"))
    rasa_port, action_port = free_port(), free_port()
    url = f"http://localhost:{rasa_port}/webhooks/sms/webhook"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "ACTION_SERVER_URL": f"http://localhost:{action_port}/webhook",
        "TWILIO_AUTH_TOKEN": BENCH_TOKEN,
        "SMS_PUBLIC_URL": url,
        "SMS_SKIP_SIGNATURE": "false",
        "LOG_LEVEL": "WARNING",
    }
    settings = load_settings(env, dotenv=False)
    services = start_services(settings, env=env, which=("actions", "rasa"), log_dir=tmp / "logs")
    try:
        wait_until_ready(services, timeout=240)
        report(run(url, url, BENCH_TOKEN, args.messages, args.concurrency, args.numbers), args.concurrency)
    finally:
        services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
