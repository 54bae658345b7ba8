"""Text the running bot from a terminal, as a phone number, signed exactly as Twilio signs.

    python -m bot.channels.sms_simulator [--from +16135550123] [--url URL] [--script FILE]

(`make sms`.) Each message is posted to the SMS webhook as Twilio's form, with a new MessageSid and
`X-Twilio-Signature` computed with TWILIO_AUTH_TOKEN over SMS_PUBLIC_URL (or --url), and the
TwiML answer is printed as plain text. With --script, the file's lines are sent one by one
(blank lines and lines starting with "#" skipped) and the transcript printed.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, TextIO

import httpx
from twilio.request_validator import RequestValidator

from bot.settings import Settings, load_settings

DEFAULT_FROM = "+16135550123"
CLINIC_NUMBER = "+16135550100"


@dataclass
class Reply:
    """What the webhook answered: the HTTP status and the texts of its <Message> elements."""

    status: int
    messages: list[str]
    error: str = ""


def webhook_url(settings: Settings, url: Optional[str] = None) -> str:
    """Where to post: --url, else SMS_PUBLIC_URL, else the local Rasa server's SMS webhook."""
    return url or settings.sms_public_url or f"http://localhost:{settings.rasa_port}/webhooks/sms/webhook"


def new_message_sid() -> str:
    return "SM" + secrets.token_hex(16)


def twilio_form(sender: str, body: str, message_sid: str, to: str = CLINIC_NUMBER) -> dict[str, str]:
    """The parameters Twilio posts for an inbound SMS (the ones a simulator can know)."""
    return {
        "ToCountry": "CA",
        "ToState": "ON",
        "SmsMessageSid": message_sid,
        "NumMedia": "0",
        "ToCity": "OTTAWA",
        "FromZip": "",
        "SmsSid": message_sid,
        "FromState": "ON",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "CA",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": message_sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def twiml_messages(twiml: str) -> list[str]:
    """The texts of a TwiML <Response>."""
    root = ET.fromstring(twiml.encode("utf-8"))
    return [message.text or "" for message in root.iter("Message")]


class SmsSimulator:
    """Posts signed Twilio-style messages from one number to the webhook."""

    def __init__(self, url: str, auth_token: str, sender: str = DEFAULT_FROM, sign_url: Optional[str] = None,
                 client: Optional[httpx.Client] = None) -> None:
        self.url = url
        self.sign_url = sign_url or url  # the public URL Twilio would have called
        self.validator = RequestValidator(auth_token)
        self.sender = sender
        self.client = client or httpx.Client(timeout=30)

    def send(self, body: str, message_sid: Optional[str] = None) -> Reply:
        form = twilio_form(self.sender, body, message_sid or new_message_sid())
        headers = {"X-Twilio-Signature": self.validator.compute_signature(self.sign_url, form)}
        response = self.client.post(self.url, data=form, headers=headers)
        if response.status_code != 200:
            return Reply(response.status_code, [], response.text)
        return Reply(200, twiml_messages(response.text))


def show(reply: Reply, out: TextIO) -> None:
    if reply.status != 200:
        print(f"  [HTTP {reply.status}] {reply.error}", file=out)
    elif not reply.messages:
        print("  (no reply)", file=out)
    for message in reply.messages:
        lines = message.splitlines() or [""]
        print(f"Bot: {lines[0]}", file=out)
        for line in lines[1:]:
            print(f"     {line}", file=out)


def run_script(simulator: SmsSimulator, lines: Iterable[str], out: TextIO) -> int:
    """Send each line and print the exchange; returns 1 if any request failed."""
    failed = 0
    for line in lines:
        text = line.rstrip("\n")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        print(f"You: {text}", file=out)
        reply = simulator.send(text)
        show(reply, out)
        failed |= reply.status != 200
    return failed


def interactive(simulator: SmsSimulator, out: TextIO) -> int:
    print(f"Texting {simulator.url} as {simulator.sender}. Ctrl-D or /quit to leave.", file=out)
    while True:
        try:
            text = input("You: ")
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return 0
        if text.strip() == "/quit":
            return 0
        if not text.strip():
            continue
        try:
            show(simulator.send(text), out)
        except httpx.HTTPError as exc:
            print(f"  [cannot reach the bot: {type(exc).__name__}] Is it running (`make run`)?", file=out)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="sender", default=DEFAULT_FROM, help="the phone number to text from")
    parser.add_argument("--url", help="the webhook to post to (default: SMS_PUBLIC_URL, else localhost)")
    parser.add_argument("--sign-url", help="the URL to sign (default: SMS_PUBLIC_URL, else the URL posted to)")
    parser.add_argument("--script", type=Path, help="send this file's lines, one message each, and exit")
    args = parser.parse_args(argv)
    settings = load_settings()
    if not settings.twilio_auth_token:
        print("TWILIO_AUTH_TOKEN is not set (.env): requests would be refused.", file=sys.stderr)
        return 2
    url = webhook_url(settings, args.url)
    # The server checks the signature against SMS_PUBLIC_URL when it is set, wherever we post.
    sign_url = args.sign_url or settings.sms_public_url or url
    simulator = SmsSimulator(url, settings.twilio_auth_token, args.sender, sign_url)
    try:
        if args.script:
            with args.script.open(encoding="utf-8") as lines:
                return run_script(simulator, lines, sys.stdout)
        return interactive(simulator, sys.stdout)
    except httpx.HTTPError as exc:
        print(f"Cannot reach the bot at {url}: {type(exc).__name__}. Is it running (`make run`)?", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
