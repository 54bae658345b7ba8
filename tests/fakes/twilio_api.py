"""A fake of Twilio's Messages API for the tests: a small local HTTP server, driven by the real
`twilio` library through its http_client hook (TWILIO_API_URL / AiohttpTwilioClient(api_url)).

It speaks POST /2010-04-01/Accounts/{AccountSid}/Messages.json as Twilio does (Basic auth with the
account sid and auth token, a form with To, From, Body and StatusCallback; 201 with the message's
JSON and a fresh "SM..." sid, or 4xx with Twilio's error JSON), then reports the message's states
to its StatusCallback, signed with the auth token like Twilio (X-Twilio-Signature):
queued -> sent -> delivered; queued -> failed (21610) for an opted-out number; queued -> sent ->
undelivered (30003) for an unreachable one.

Callbacks go out over HTTP from a background thread (`deliver="http"`), or wait in `pending`
until the test hands them to a transport of its choice (`deliver="manual"`, e.g. a TestClient).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qsl, urlencode

from twilio.request_validator import RequestValidator

API_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class Callback:
    url: str
    params: dict[str, str]
    signature: str
    answered: Optional[int] = None  # the HTTP status our server answered


@dataclass
class SentMessage:
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str
    states: list[str] = field(default_factory=list)


Transport = Callable[[str, dict[str, str], dict[str, str]], int]


def http_transport(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=urlencode(params).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


class FakeTwilio:
    def __init__(self, account_sid: str, auth_token: str, opted_out: Iterable[str] = (),
                 unreachable: Iterable[str] = (), deliver: str = "http", refuse_opted_out: bool = False,
                 repeat_callbacks: int = 1) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.opted_out = set(opted_out)
        self.unreachable = set(unreachable)
        self.deliver = deliver
        self.refuse_opted_out = refuse_opted_out
        self.repeat_callbacks = repeat_callbacks
        self.messages: list[SentMessage] = []
        self.requests: list[dict] = []  # every API call: path, auth ok, form
        self.pending: list[Callback] = []
        self.delivered: list[Callback] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    # --- the API ------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(handler.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        match = API_PATH.match(handler.path.split("?")[0])
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        auth_ok = handler.headers.get("Authorization") == expected
        with self._lock:
            self.requests.append({"path": handler.path, "auth_ok": auth_ok, "form": form})
        if match is None:
            return self._answer(handler, 404, {"code": 20404, "message": "The requested resource was not found",
                                               "status": 404})
        if not auth_ok or match.group("account") != self.account_sid:
            return self._answer(handler, 401, {"code": 20003, "message": "Authenticate", "status": 401})
        to, body, from_ = form.get("To", ""), form.get("Body", ""), form.get("From", "")
        problem = None
        if not to:
            problem = (21604, "A 'To' phone number is required.")
        elif not from_:
            problem = (21603, "A 'From' phone number is required.")
        elif not body:
            problem = (21602, "Message body is required.")
        elif len(body) > 1600:
            problem = (21617, "The concatenated message body exceeds the 1600 character limit.")
        elif not E164.match(to):
            problem = (21211, f"The 'To' number {to} is not a valid phone number.")
        elif to in self.opted_out and self.refuse_opted_out:
            problem = (21610, "Attempt to send to unsubscribed recipient")
        if problem:
            code, message = problem
            return self._answer(handler, 400, {"code": code, "message": message, "status": 400,
                                               "more_info": f"https://www.twilio.com/docs/errors/{code}"})
        sid = "SM" + uuid.uuid4().hex
        sent = SentMessage(sid, to, from_, body, form.get("StatusCallback", ""))
        if to in self.opted_out:
            states = [("queued", ""), ("failed", "21610")]
        elif to in self.unreachable:
            states = [("queued", ""), ("sent", ""), ("undelivered", "30003")]
        else:
            states = [("queued", ""), ("sent", ""), ("delivered", "")]
        with self._lock:
            self.messages.append(sent)
        self._answer(handler, 201, {
            "sid": sid, "account_sid": self.account_sid, "to": to, "from": from_, "body": body,
            "status": "queued", "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            "error_code": None, "error_message": None, "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        })
        if sent.status_callback:
            callbacks = [self._callback(sent, status, code) for status, code in states
                         for _ in range(self.repeat_callbacks)]
            if self.deliver == "http":
                threading.Thread(target=self._send_all, args=(callbacks,), daemon=True).start()
            else:
                with self._changed:
                    self.pending.extend(callbacks)
                    self._changed.notify_all()

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    # --- status callbacks ---------------------------------------------------------------------

    def _callback(self, sent: SentMessage, status: str, error_code: str) -> Callback:
        params = {
            "AccountSid": self.account_sid, "ApiVersion": "2010-04-01", "From": sent.from_, "To": sent.to,
            "MessageSid": sent.sid, "SmsSid": sent.sid, "MessageStatus": status, "SmsStatus": status,
        }
        if error_code:
            params["ErrorCode"] = error_code
        signature = RequestValidator(self.auth_token).compute_signature(sent.status_callback, params)
        return Callback(sent.status_callback, params, signature)

    def _send_all(self, callbacks: list[Callback], transport: Transport = http_transport) -> None:
        for callback in callbacks:
            headers = {"X-Twilio-Signature": callback.signature,
                       "Content-Type": "application/x-www-form-urlencoded"}
            callback.answered = transport(callback.url, callback.params, headers)
            with self._changed:
                self.delivered.append(callback)
                for message in self.messages:
                    if message.sid == callback.params["MessageSid"]:
                        message.states.append(callback.params["MessageStatus"])
                self._changed.notify_all()

    def deliver_pending(self, transport: Transport) -> list[Callback]:
        """Hand the waiting callbacks (deliver="manual") to `transport`, in order; returns them."""
        with self._lock:
            callbacks, self.pending = self.pending, []
        self._send_all(callbacks, transport)
        return callbacks

    def wait_delivered(self, count: int, timeout: float = 30.0) -> list[Callback]:
        """Block until `count` callbacks went out (a deadline, not a timing assertion)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.delivered) >= count, timeout):
                raise AssertionError(f"only {len(self.delivered)} of {count} status callbacks were sent")
            return list(self.delivered)
