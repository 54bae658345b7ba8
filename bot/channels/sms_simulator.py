"""Text the running bot from a terminal, as a phone number, signed exactly as Twilio signs.

    python -m bot.channels.sms_simulator [--from +16135550123] [--url URL] [--script FILE]

(`make sms`.) Each message is posted to the SMS webhook as Twilio's form, with a new MessageSid and
`X-Twilio-Signature` computed with TWILIO_AUTH_TOKEN over SMS_PUBLIC_URL (or --url), and the
TwiML answer is printed as plain text. With --script, the file's lines are sent one by one
(blank lines and lines starting with "#" skipped) and the transcript printed.

Texts the clinic starts — a front-desk reply from the request page, a booking confirmation or
reminder — go through Twilio's Messages API, not the webhook's answer. When TWILIO_API_URL points
at this machine (http://127.0.0.1:PORT), the simulator serves a small fake of that API on PORT
(`TextReceiver`): it accepts the web app's texts as Twilio would, prints those to the simulated
phone as they arrive ("Clinic: ..."), and reports them sent and delivered to the web app's signed
status webhook, so the request page shows them delivered. See docs/staff.md for the .env lines.
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


# --- texts the clinic starts (a fake of Twilio's Messages API) ----------------------------------------


class TextReceiver:
    """A local stand-in for POST /2010-04-01/Accounts/{sid}/Messages.json: prints the texts sent to
    `number` as they arrive, answers like Twilio (201, a message sid) and calls the status webhook
    back, signed with the auth token (sent, then delivered). Texts to other numbers are accepted
    and only counted, so a demo never shows another patient's text."""

    def __init__(self, port: int, auth_token: str, number: str, out: TextIO, host: str = "127.0.0.1") -> None:
        self.port = port
        self.host = host
        self.auth_token = auth_token
        self.number = number
        self.out = out
        self.received: list[dict[str, str]] = []
        self.callbacks: list[tuple[str, int]] = []  # (state, HTTP status the web app answered)
        self._server = None

    def start(self) -> TextReceiver:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # quiet: the texts are printed, not the requests
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                receiver._handle(self)

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="sms-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _handle(self, handler) -> None:
        import json
        import re
        import threading
        from urllib.parse import parse_qsl

        length = int(handler.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(handler.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        match = re.match(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$", handler.path.split("?")[0])
        to, body = form.get("To", ""), form.get("Body", "")
        if match is None or not to or not body:
            status, payload = 400, {"code": 21604, "message": "'To' and 'Body' are required.", "status": 400}
        else:
            sid = new_message_sid()
            status, payload = 201, {
                "sid": sid, "account_sid": match.group(1), "to": to, "from": form.get("From", ""), "body": body,
                "status": "queued", "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
                "error_code": None, "error_message": None,
                "uri": f"/2010-04-01/Accounts/{match.group(1)}/Messages/{sid}.json",
            }
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        if status != 201:
            return
        self.received.append(form)
        if to == self.number:
            self._print_text(body)
        else:
            print("\n  (the clinic texted another number)", file=self.out, flush=True)
        callback = form.get("StatusCallback", "")
        if callback:
            threading.Thread(target=self._report, args=(callback, payload), daemon=True).start()

    def _print_text(self, body: str) -> None:
        lines = body.splitlines() or [""]
        print(f"\nClinic: {lines[0]}", file=self.out)
        for line in lines[1:]:
            print(f"        {line}", file=self.out)
        print("You: ", end="", file=self.out, flush=True)  # the prompt the arrival interrupted

    def _report(self, url: str, message: dict) -> None:
        validator = RequestValidator(self.auth_token)
        for state in ("sent", "delivered"):
            params = {"AccountSid": message["account_sid"], "ApiVersion": "2010-04-01", "From": message["from"],
                      "To": message["to"], "MessageSid": message["sid"], "SmsSid": message["sid"],
                      "MessageStatus": state, "SmsStatus": state}
            try:
                answer = httpx.post(url, data=params, timeout=15,
                                    headers={"X-Twilio-Signature": validator.compute_signature(url, params)})
                self.callbacks.append((state, answer.status_code))
            except httpx.HTTPError:
                self.callbacks.append((state, 0))


def receiver_port(settings: Settings) -> Optional[int]:
    """The port to serve the fake Messages API on: TWILIO_API_URL's, when it is this machine's."""
    from urllib.parse import urlsplit

    if not settings.twilio_api_url:
        return None
    parts = urlsplit(settings.twilio_api_url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost") or not parts.port:
        return None
    return parts.port


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
    receiver = None
    port = receiver_port(settings)
    if port is not None and not args.script:
        try:
            receiver = TextReceiver(port, settings.twilio_auth_token, args.sender, sys.stdout).start()
            print(f"Texts from the clinic to {args.sender} show here as they arrive "
                  f"(fake Messages API at {settings.twilio_api_url}).")
        except OSError as exc:
            print(f"Cannot listen on {settings.twilio_api_url} for the clinic's texts ({exc.strerror}); "
                  "is another `make sms` running?", file=sys.stderr)
    elif not args.script:
        print("The clinic's own texts (front-desk replies, reminders) do not show here: set TWILIO_API_URL to "
              "http://127.0.0.1:8099 in .env (see docs/staff.md).")
    try:
        if args.script:
            with args.script.open(encoding="utf-8") as lines:
                return run_script(simulator, lines, sys.stdout)
        return interactive(simulator, sys.stdout)
    except httpx.HTTPError as exc:
        print(f"Cannot reach the bot at {url}: {type(exc).__name__}. Is it running (`make run`)?", file=sys.stderr)
        return 1
    finally:
        if receiver is not None:
            receiver.stop()


if __name__ == "__main__":
    sys.exit(main())
