"""`make sms` receives the clinic's own texts: the simulator's fake Messages API, driven by the real
`twilio` library (the web app's SmsSender), prints texts to the simulated phone and reports them
delivered to a status webhook, signed like Twilio."""

from __future__ import annotations

import asyncio
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

from bot.channels.sms_simulator import TextReceiver, receiver_port
from bot.settings import Settings
from bot.sms_outbound import SmsSender
from bot.store.staff_messages import StaffMessageStore

TOKEN = "simulator-test-token"
PHONE = "+16135550123"


class StatusWebhook:
    """A stand-in for the web app's /webhooks/sms/status: records what arrives and whether it is signed."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bool]] = []
        self.arrived = threading.Condition()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                params = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                url = f"http://127.0.0.1:{hook.server.server_address[1]}{self.path}"
                signed = RequestValidator(TOKEN).validate(url, params, self.headers.get("X-Twilio-Signature"))
                with hook.arrived:
                    hook.posts.append((params, signed))
                    hook.arrived.notify_all()
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def test_the_receiver_port_comes_from_a_local_twilio_api_url():
    assert receiver_port(Settings(twilio_api_url="http://127.0.0.1:8099")) == 8099
    assert receiver_port(Settings(twilio_api_url="http://localhost:9000")) == 9000
    assert receiver_port(Settings(twilio_api_url="")) is None
    assert receiver_port(Settings(twilio_api_url="https://api.example.org:443")) is None


def test_a_text_to_the_simulated_phone_is_printed_and_reported_delivered(engine):
    hook = StatusWebhook()
    out = io.StringIO()
    receiver = TextReceiver(0, TOKEN, PHONE, out).start()
    try:
        settings = Settings(twilio_account_sid="AC" + "5" * 32, twilio_auth_token=TOKEN,
                            twilio_from_number="+16135550100", twilio_api_url=f"http://127.0.0.1:{receiver.port}",
                            public_base_url=hook.url)
        store = StaffMessageStore(engine)
        mine, _ = store.add(1, "sms:abc", "automatic text", "Metropolitan Dental reminder: Reply C.", "sms", "k" * 20)
        other, _ = store.add(2, "sms:def", "alice", "A text for someone else", "sms", "j" * 20)
        sender = SmsSender(settings, store, engine)
        sent = asyncio.run(sender.send(mine, PHONE))
        asyncio.run(sender.send(other, "+16135559999"))
        assert sent.twilio_sid and sent.twilio_sid.startswith("SM")
        with hook.arrived:
            assert hook.arrived.wait_for(lambda: len(hook.posts) >= 4, timeout=30)
    finally:
        receiver.stop()
        hook.server.shutdown()
    printed = out.getvalue()
    assert "Clinic: Metropolitan Dental reminder: Reply C." in printed
    assert "A text for someone else" not in printed and "(the clinic texted another number)" in printed
    states = [(p["MessageSid"], p["MessageStatus"], signed) for p, signed in hook.posts if p["To"] == PHONE]
    assert states == [(sent.twilio_sid, "sent", True), (sent.twilio_sid, "delivered", True)]
