"""No log contains a message's text, a slot value, a phone number or an e-mail.

A unique canary (a "CANARY-<uuid>" token, a name, a phone number and an e-mail made for this
run) goes through every channel and flow the running servers offer — REST questions, the
REST screening (reason, medications, other conditions, name, phone, e-mail, contact time),
REST error paths, the SMS webhook (signed, unsigned, badly signed) and the widget's socket.io:
every channel credentials.yml configures, and a configured channel that does not answer fails
the test (it is not left out) — and then every log is searched for it: each file in the log folder,
and whatever each service process has written to its stdout and stderr (read through
/proc/<pid>/fd, so a log file removed or replaced meanwhile is still read). A hit fails the
test with the component, the file and the line.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import string
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Optional

import httpx
import pytest
import yaml

from bot.settings import ROOT
from tests.e2e.helpers import say, texts

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Canary:
    token: str
    surname: str  # letters only: a name must not contain digits
    local: str  # 7 digits after the area code
    email: str

    @classmethod
    def new(cls) -> Canary:
        hex_ = uuid.uuid4().hex
        surname = "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
        local = "7" + "".join(secrets.choice(string.digits) for _ in range(6))
        return cls(f"CANARY-{hex_}", surname, local, f"canary.{hex_[:12]}@example.com")

    @property
    def phone(self) -> str:
        return f"613-{self.local[:3]}-{self.local[3:]}"

    @property
    def e164(self) -> str:
        return f"+1613{self.local}"

    @property
    def name(self) -> str:
        return f"jane {self.surname}"

    def needles(self) -> list[str]:
        """What must appear in no log, lower-cased (the search ignores case)."""
        digits = f"613{self.local}"
        return [
            self.token.lower(),
            self.token[len("CANARY-"):].lower(),
            self.surname,
            self.email.lower(),
            self.email.split("@")[0].lower(),
            digits,
            self.e164,
            self.phone,
            f"613 {self.local[:3]} {self.local[3:]}",
            f"(613) {self.local[:3]}-{self.local[3:]}",
            f"{self.local[:3]}-{self.local[3:]}",
        ]


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --- every channel and flow ---------------------------------------------------------------


def through_rest(bot, canary: Canary) -> list[str]:
    """REST: questions, a forced-intent attempt, error paths, and a whole screening."""
    done = []
    url = bot.rest_url
    sender = new_sender("canary-faq")
    assert "dry mouth" in texts(say(url, sender, f"what side effects can botox cause? {canary.token}"))
    say(url, sender, f"how much does botox cost, {canary.token}?")
    say(url, sender, f'/inform{{"phone":"{canary.e164}","email":"{canary.email}"}} {canary.token}')
    say(url, sender, f"I had botox and now it's hard to swallow {canary.token}")
    done.append("REST questions, out of scope, forced intent, emergency")

    too_long = httpx.post(url, json={"sender": sender, "message": canary.token + " x" * bot.settings.max_message_chars}, timeout=30)
    assert too_long.status_code == 413
    not_json = httpx.post(url, content=f'{{"sender": "{sender}", "message": "{canary.token}', timeout=30,
                          headers={"content-type": "application/json"})
    assert not_json.status_code == 400
    wrong_type = httpx.post(url, json={"sender": sender, "message": [canary.token], "metadata": canary.email}, timeout=30)
    assert wrong_type.status_code == 400
    with_metadata = httpx.post(url, json={"sender": sender, "message": "hello", "metadata": {"note": canary.token}}, timeout=30)
    assert with_metadata.status_code == 200
    done.append("REST errors: too long, not JSON, wrong types, metadata")

    sender = new_sender("canary-screening")
    answers = [
        "I'd like to book a consultation",
        "Yes",
        f"jaw pain from clenching {canary.token}",
        f"I take advil {canary.token}",
        "no",
        "not that I know of",
        "no",
        "no",
        f"asthma {canary.token}",
        canary.name,
        canary.phone,
        canary.email,
        "Phone call",
        f"weekday mornings {canary.token}",
    ]
    replies = ""
    for answer in answers:
        replies = texts(say(url, sender, answer))
    assert "Here's what I have" in replies and canary.e164 in replies and canary.email in replies, replies
    assert "Thank you" in texts(say(url, sender, "Yes"))
    done.append("REST screening: reason, medications, conditions, name, phone, e-mail, contact time, confirmed")
    return done


def through_sms(bot, canary: Canary) -> list[str]:
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(bot.settings.twilio_auth_token)
    signed_url = bot.settings.sms_public_url or bot.sms_url

    def post(body: str, signature: Optional[str] = "sign") -> httpx.Response:
        fields = {
            "From": canary.e164, "To": "+16135550100", "Body": body, "NumMedia": "0",
            "MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
        }
        headers = {}
        if signature == "sign":
            signature = validator.compute_signature(signed_url, fields)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return httpx.post(bot.sms_url, data=fields, headers=headers, timeout=60)

    for body in ("hello " + canary.token, "what side effects can botox cause? " + canary.token,
                 "I'd like to book a consultation", "Yes", f"jaw pain {canary.token}", f"advil {canary.token}"):
        response = post(body)
        assert response.status_code == 200, response.text[:200]
    assert post(f"unsigned {canary.token}", signature=None).status_code == 403
    assert post(f"badly signed {canary.token}", signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    return ["SMS webhook: signed questions and screening answers, unsigned, badly signed"]


async def _socketio_conversation(bot, messages: list[str]) -> list[dict]:
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    turn_done: dict[str, asyncio.Future] = {}

    @client.on("session_confirm")
    async def on_confirm(data):  # noqa: ANN001
        if not confirmed.done():
            confirmed.set_result(data)

    @client.on("chat_error")
    async def on_error(data):  # noqa: ANN001
        if not confirmed.done():
            confirmed.set_exception(AssertionError(f"chat_error: {data}"))

    @client.on("bot_turn_done")
    async def on_done(data):  # noqa: ANN001
        future = turn_done.get((data or {}).get("id"))
        if future is not None and not future.done():
            future.set_result(data)

    acks = []
    # Long-polling: python-engineio's WebSocket client needs a newer aiohttp than Rasa pins (3.9).
    await client.connect(bot.rasa_url, headers={"Origin": bot.web_url}, transports=["polling"], wait_timeout=10)
    try:
        await client.emit("session_request", {})
        await asyncio.wait_for(confirmed, 15)
        for n, message in enumerate(messages):
            message_id = f"m{n}"
            turn_done[message_id] = asyncio.get_running_loop().create_future()
            acks.append(await client.call("user_uttered", {"message": message, "id": message_id}, timeout=60))
            await asyncio.wait_for(turn_done[message_id], 60)
    finally:
        await client.disconnect()
    return acks


def through_socketio(bot, canary: Canary) -> list[str]:
    messages = [
        f"what side effects can botox cause? {canary.token}",
        "I'd like to book a consultation",
        "Yes",
        f"jaw pain {canary.token}",
        f"advil {canary.token}",
    ]
    acks = asyncio.run(_socketio_conversation(bot, messages))
    assert all(isinstance(a, dict) and a.get("ok") for a in acks), acks
    return ["socket.io widget: question and screening answers"]


def through_takeover(bot, canary: Canary) -> list[str]:
    """A live takeover of an SMS conversation: the signed pause, the patient's health details and an
    emergency while the bot is silent (the safety net answers), the resume; forged control requests."""
    import json

    from twilio.request_validator import RequestValidator

    from bot.channels.sms import conversation_id
    from bot.store.db import make_engine
    from bot.store.takeovers import TakeoverStore
    from bot.takeover import CONTROL_PATH, SIGNATURE_HEADER, sign

    number = "+1613" + canary.local[::-1]  # another patient than the SMS route's
    validator = RequestValidator(bot.settings.twilio_auth_token)
    signed_url = bot.settings.sms_public_url or bot.sms_url

    def text(body: str) -> httpx.Response:
        fields = {"From": number, "To": "+16135550100", "Body": body, "NumMedia": "0",
                  "MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32}
        return httpx.post(bot.sms_url, data=fields, timeout=60,
                          headers={"X-Twilio-Signature": validator.compute_signature(signed_url, fields)})

    def control(paused: bool, signature: Optional[str] = "sign") -> httpx.Response:
        body = json.dumps({"conversation_id": conversation, "paused": paused}).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers[SIGNATURE_HEADER] = sign(bot.settings.secret_key, body) if signature == "sign" else signature
        return httpx.post(bot.rasa_url + CONTROL_PATH, content=body, headers=headers, timeout=60)

    conversation = conversation_id(number, bot.settings.secret_key)
    assert text(f"hello {canary.token}").status_code == 200
    engine = make_engine(bot.settings.database_url)
    try:
        TakeoverStore(engine, True).start(conversation, 1, "sms", "canary-desk")
        assert control(True).status_code == 200
        assert "<Message>" not in text(f"my jaw pain {canary.token} and advil {canary.token}").text  # silent
        assert "911" in text(f"I can't breathe {canary.token}").text  # the safety net still answers
        assert control(False, signature=None).status_code == 403
        assert control(False, signature="1.forged").status_code == 403
        assert control(False).status_code == 200
    finally:
        TakeoverStore(engine, True).end(conversation)
        engine.dispose()
    return ["takeover: signed pause and resume of an SMS conversation, health details and an emergency "
            "while paused, forged control requests"]


# The channel classes credentials.yml may name, and how the canary goes through each.
CHANNELS = {
    "bot.channels.rest.GuardedRestInput": through_rest,
    "bot.channels.sms.SmsInput": through_sms,
    "bot.channels.socketio.SignedSocketIOInput": through_socketio,
    "bot.channels.takeover.TakeoverInput": through_takeover,
}


def configured_channels(credentials: Path = ROOT / "credentials.yml") -> list[str]:
    return list(yaml.safe_load(credentials.read_text(encoding="utf-8")) or {})


def through_every_channel(bot, canary: Canary, configured: list[str]) -> list[str]:
    """The canary through each configured channel; one that does not answer fails (never skipped)."""
    unknown = [name for name in configured if name not in CHANNELS]
    assert not unknown, f"no canary route for {unknown}: add one to CHANNELS"
    covered: list[str] = []
    for name in configured:
        covered += CHANNELS[name](bot, canary)
    return covered


# --- every log ----------------------------------------------------------------------------


def log_sources(bot) -> Iterator[tuple[str, str, str]]:
    """(component, where, text) for every log file and every service's stdout/stderr."""
    seen = set()
    for path in sorted(p for p in Path(bot.log_dir).rglob("*") if p.is_file()):
        stat = path.stat()
        seen.add((stat.st_dev, stat.st_ino))
        yield path.stem, str(path), path.read_bytes().decode("utf-8", "replace")
    for service in bot.services.items:
        if service.process is None:
            continue
        for fd in (1, 2):
            link = Path(f"/proc/{service.process.pid}/fd/{fd}")
            try:
                stat = link.stat()
            except OSError:
                continue
            if (stat.st_dev, stat.st_ino) in seen or not S_ISREG(stat.st_mode):
                continue  # already read, or a terminal or pipe (nothing to read back)
            seen.add((stat.st_dev, stat.st_ino))
            try:
                text = link.read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            yield service.name, f"{service.name} fd {fd} ({os.readlink(link)})", text


def unbuffered(bot) -> list[str]:
    """Services whose stdout is block-buffered (a print may still sit in memory)."""
    missing = []
    for service in bot.services.items:
        try:
            environ = Path(f"/proc/{service.process.pid}/environ").read_bytes().split(b"\0")
        except (OSError, AttributeError):
            continue
        if b"PYTHONUNBUFFERED=1" not in environ and service.name != "nginx":
            missing.append(service.name)
    return missing


def find(needles: list[str], sources) -> list[str]:
    hits = []
    for component, where, text in sources:
        for number, line in enumerate(text.splitlines(), start=1):
            lowered = line.lower()
            found = [n for n in needles if n.lower() in lowered]
            if found:
                hits.append(f"{component}: {where}:{number}: {line.strip()[:300]}  [matched {found}]")
    return hits


def test_a_canary_sent_through_every_channel_appears_in_no_log(running_bot, capsys):
    canary = Canary.new()
    covered = through_every_channel(running_bot, canary, configured_channels())
    time.sleep(1.5)  # let every process write what it is going to write

    sources = list(log_sources(running_bot))
    assert sources, f"no logs found in {running_bot.log_dir}"
    assert any("Rasa server is up and running" in text for _, _, text in sources), "Rasa's own log was not read"
    hits = find(canary.needles(), sources)
    buffered = unbuffered(running_bot)
    with capsys.disabled():
        print(f"\nlog canary: covered {covered}; searched {[w for _, w, _ in sources]}")
        if buffered:
            print(f"log canary: stdout of {buffered} is block-buffered (no PYTHONUNBUFFERED=1): a print() may not be on disk yet")
    if buffered:
        warnings.warn(f"stdout of {buffered} is block-buffered (PYTHONUNBUFFERED unset): prints may not be searched", stacklevel=1)
    assert not hits, "patient data found in logs:\n" + "\n".join(hits)


def test_the_canary_search_finds_a_planted_line(tmp_path):
    """The search itself works: the same needles in a log line are found, whatever the case."""
    canary = Canary.new()
    sources = [("rasa", "rasa.log", f"INFO x - text was '{canary.token.lower()}'\nINFO phone {canary.e164}\nINFO ok")]
    hits = find(canary.needles(), sources)
    assert len(hits) == 2 and hits[0].startswith("rasa: rasa.log:1:")
    assert find(canary.needles(), [("web", "web.log", "INFO: Started server process [20448]")]) == []


def test_no_log_level_below_info_is_configured(running_bot):
    """At DEBUG, Rasa logs what patients type and slot values."""
    for service in running_bot.services.items:
        environ = Path(f"/proc/{service.process.pid}/environ").read_bytes().split(b"\0")
        levels = [e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"LOG_LEVEL=")]
        assert levels and all(level.upper() in ("INFO", "WARNING", "ERROR", "CRITICAL") for level in levels), (
            service.name, levels
        )
    assert not re.search(r"--debug|-vv|--verbose", " ".join(" ".join(s.command) for s in running_bot.services.items))


def test_every_configured_channel_has_a_canary_route():
    assert set(configured_channels()) == set(CHANNELS)


def test_a_configured_channel_that_does_not_answer_fails_the_canary(tmp_path):
    """An SMS webhook that answers 404 (not mounted, broken) is a failure, not a channel left out."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread
    from types import SimpleNamespace

    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(404)

        do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        bot = SimpleNamespace(rasa_url=url, sms_url=f"{url}/webhooks/sms/webhook",
                              settings=SimpleNamespace(twilio_auth_token="token", sms_public_url=""))
        with pytest.raises(AssertionError):
            through_every_channel(bot, Canary.new(), ["bot.channels.sms.SmsInput"])
        with pytest.raises(AssertionError, match="no canary route"):
            through_every_channel(bot, Canary.new(), ["rasa.core.channels.twilio.TwilioInput"])
    finally:
        server.shutdown()
        server.server_close()
