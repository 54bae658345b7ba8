"""The clinic's e-mail: a link to the new request and nothing a patient said."""

from __future__ import annotations

import smtplib
import socket
import ssl
import subprocess
import threading
from email.message import EmailMessage
from typing import Optional

import pytest

from bot import notify
from bot.notify import build_message, notify_new_request
from bot.settings import Settings
from bot.store.requests import ConsultationRequest, RequestStore

SMTP = Settings(
    smtp_host="smtp.example",
    smtp_port=2525,
    clinic_inbox="desk@clinic.example",
    smtp_from="bot@clinic.example",
    public_base_url="https://clinic.example",
)


class FakeSMTP:
    instances: list[FakeSMTP] = []

    def __init__(self, host: str, port: int, fail_on: Optional[str] = None) -> None:
        self.host, self.port, self.fail_on = host, port, fail_on
        self.sent: list[EmailMessage] = []
        self.calls: list[str] = []
        self.closed = False
        FakeSMTP.instances.append(self)

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True

    def _step(self, name: str) -> None:
        self.calls.append(name)
        if self.fail_on == name:
            raise smtplib.SMTPException(f"{name} failed")

    def starttls(self, context: Optional[ssl.SSLContext] = None) -> None:
        self._step("starttls")
        self.tls_context = context

    def login(self, user: str, password: str) -> None:
        self._step("login")
        self.credentials = (user, password)

    def send_message(self, message: EmailMessage) -> None:
        self._step("send_message")
        self.sent.append(message)


@pytest.fixture(autouse=True)
def clear_instances():
    FakeSMTP.instances = []
    yield
    FakeSMTP.instances = []


def factory(fail_on: Optional[str] = None):
    def make(host: str, port: int) -> FakeSMTP:
        return FakeSMTP(host, port, fail_on)
    return make


@pytest.mark.parametrize(
    "settings",
    [Settings(), Settings(smtp_host="smtp.example"), Settings(clinic_inbox="desk@clinic.example")],
)
def test_without_smtp_nothing_is_sent(settings: Settings) -> None:
    assert notify_new_request(settings, 7, smtp_factory=factory()) is False
    assert FakeSMTP.instances == []


def test_message_has_the_link_and_no_patient_data(engine) -> None:
    store = RequestStore(engine)
    stored, _ = store.add(ConsultationRequest(
        submission_key="k", conversation_id="+16137221234", channel="sms", reason="jaw pain from clenching",
        answers={"pregnancy": "yes — 12 weeks", "medications": "metoprolol"}, full_name="Jane Doe",
        phone="+16137221234", email="jane@example.com", question_for_staff="do you offer payment plans?",
        flags=["pregnancy"],
    ))
    assert notify_new_request(SMTP, stored.id, smtp_factory=factory()) is True
    (smtp,) = FakeSMTP.instances
    assert (smtp.host, smtp.port) == ("smtp.example", 2525)
    assert smtp.closed
    assert smtp.calls == ["send_message"]  # no user: no STARTTLS/login
    (message,) = smtp.sent
    whole = message.as_string()
    assert f"https://clinic.example/staff/requests/{stored.id}" in message.get_content()
    assert message["To"] == "desk@clinic.example"
    assert message["From"] == "bot@clinic.example"
    assert message["Subject"] == f"New consultation request #{stored.id}"
    for private in ("Jane", "Doe", "6137221234", "613", "jane@example.com", "jaw pain", "12 weeks",
                    "metoprolol", "payment plans", "pregnan"):
        assert private not in whole


def test_login_when_a_user_is_configured() -> None:
    settings = Settings(smtp_host="smtp.example", clinic_inbox="desk@clinic.example", smtp_user="bot@x", smtp_password="pw")
    assert notify_new_request(settings, 3, smtp_factory=factory()) is True
    (smtp,) = FakeSMTP.instances
    assert smtp.calls == ["starttls", "login", "send_message"]
    assert smtp.credentials == ("bot@x", "pw")
    assert smtp.sent[0]["From"] == "bot@x"


@pytest.mark.parametrize("step", ["starttls", "login", "send_message"])
def test_smtp_failure_returns_false(step: str, caplog) -> None:
    settings = Settings(smtp_host="smtp.example", clinic_inbox="desk@clinic.example", smtp_user="u", smtp_password="secret-pw")
    assert notify_new_request(settings, 9, smtp_factory=factory(fail_on=step)) is False
    assert "SMTPException" in caplog.text
    assert "secret-pw" not in caplog.text


def test_connection_failure_returns_false() -> None:
    def refuse(host: str, port: int):
        raise ConnectionRefusedError("no server")
    assert notify_new_request(SMTP, 1, smtp_factory=refuse) is False


def test_build_message_falls_back_to_the_inbox_as_sender() -> None:
    message = build_message(Settings(clinic_inbox="desk@clinic.example"), 12)
    assert message["From"] == "desk@clinic.example"
    assert "http://localhost:8000/staff/requests/12" in message.get_content()


def test_disabled_notice_is_logged_once(caplog, monkeypatch) -> None:
    monkeypatch.setattr(notify, "_warned_disabled", False)
    caplog.set_level("INFO", logger="bot.notify")
    notify_new_request(Settings(), 1)
    notify_new_request(Settings(), 2)
    assert caplog.text.count("SMTP is not configured") == 1


# --- kinds and urgent requests -------------------------------------------------------------------------

PRIVATE = ("Jane", "Doe", "6137221234", "613", "jane@example.com", "eyelid", "droop", "blurr", "vision", "injection",
           "treatment", "BOTOX", "Botox", "botox", "symptom", "pregnan", "Tuesday")


def store_after_treatment(engine, **overrides) -> ConsultationRequest:
    values = dict(
        submission_key="urgent", conversation_id="+16137221234", channel="sms", kind="after_treatment",
        full_name="Jane Doe", phone="+16137221234", email="jane@example.com",
        question_for_staff="my left eyelid started to droop and things look blurry since Tuesday's injection",
        flags=["after_treatment_concern"],
    )
    values.update(overrides)
    stored, _ = RequestStore(engine).add(ConsultationRequest(**values))
    return stored


def test_an_urgent_request_says_urgent_and_nothing_else(engine) -> None:
    stored = store_after_treatment(engine)
    assert stored.urgent
    assert notify_new_request(SMTP, stored.id, smtp_factory=factory(), urgent=stored.urgent, kind=stored.kind)
    (message,) = FakeSMTP.instances[0].sent
    assert message["Subject"].startswith("URGENT")
    assert f"#{stored.id}" in message["Subject"] and "staff page" in message["Subject"]
    assert message["Importance"] == "high" and message["X-Priority"] == "1"
    body = message.get_content()
    assert "URGENT" in body and "staff page now" in body
    assert f"https://clinic.example/staff/requests/{stored.id}" in body
    assert "contains no health details" in body
    whole = message.as_string()
    for private in PRIVATE:
        assert private not in whole, private


def test_a_flagged_screening_is_urgent_too(engine) -> None:
    stored = store_after_treatment(engine, kind="consultation", answers={"pregnancy": "yes"}, reason="migraines")
    assert stored.urgent
    notify_new_request(SMTP, stored.id, smtp_factory=factory(), urgent=stored.urgent, kind=stored.kind)
    (message,) = FakeSMTP.instances[0].sent
    assert message["Subject"].startswith("URGENT")
    for private in PRIVATE + ("migraines",):
        assert private not in message.as_string(), private


def test_the_after_treatment_kind_alone_is_enough_for_urgent() -> None:
    # A caller that passes only the kind still gets the urgent notice.
    message = build_message(SMTP, 5, kind="after_treatment")
    assert message["Subject"] == "URGENT: request #5 - please open it on the staff page now"


@pytest.mark.parametrize(
    ("kind", "subject"),
    [("consultation", "New consultation request #4"), ("message", "New message for the team #4"),
     ("existing_patient", "New request from an existing patient #4"), ("unknown", "New consultation request #4")],
)
def test_subject_names_the_kind_only(kind: str, subject: str) -> None:
    message = build_message(SMTP, 4, kind=kind)
    assert message["Subject"] == subject
    assert message["Importance"] is None and "URGENT" not in message.as_string()
    assert "https://clinic.example/staff/requests/4" in message.get_content()
    assert "contains no health details" in message.get_content()


# --- STARTTLS verifies the server ------------------------------------------------------------


def test_starttls_verifies_the_certificate_and_the_host_name() -> None:
    settings = Settings(smtp_host="smtp.example", clinic_inbox="desk@clinic.example", smtp_user="u", smtp_password="pw")
    assert notify_new_request(settings, 3, smtp_factory=factory()) is True
    (smtp,) = FakeSMTP.instances
    context = smtp.tls_context
    assert context is not None, "STARTTLS without a context verifies nothing"
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


class StartTlsServer:
    """Just enough SMTP to offer STARTTLS and then present a self-signed certificate."""

    def __init__(self, cert: str, key: str) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.commands: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            reader = conn.makefile("rb")
            conn.sendall(b"220 test ESMTP\r\n")
            for raw in reader:
                command = raw.decode().strip().upper()
                self.commands.append(command.split(" ")[0])
                if command.startswith("EHLO"):
                    conn.sendall(b"250-test\r\n250 STARTTLS\r\n")
                elif command == "STARTTLS":
                    conn.sendall(b"220 go ahead\r\n")
                    try:
                        tls = self.context.wrap_socket(conn, server_side=True)
                    except (ssl.SSLError, OSError):
                        self.commands.append("HANDSHAKE-FAILED")
                        return
                    self.commands.append("HANDSHAKE-OK")
                    with tls:
                        for line in tls.makefile("rb"):
                            command = line.decode().strip().upper()
                            self.commands.append(command.split(" ")[0])
                            if command.startswith("EHLO"):
                                tls.sendall(b"250-test\r\n250 AUTH PLAIN LOGIN\r\n")
                            else:  # AUTH and anything else: refused, the client gives up
                                tls.sendall(b"535 no\r\n")
                    return
                elif command == "QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()
        self.thread.join(timeout=10)


def test_a_self_signed_server_gets_no_password(tmp_path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    server = StartTlsServer(str(cert), str(key))
    settings = Settings(smtp_host="127.0.0.1", smtp_port=server.port, clinic_inbox="desk@clinic.example",
                        smtp_user="bot@clinic.example", smtp_password="secret-pw")
    try:
        assert notify_new_request(settings, 8) is False
    finally:
        server.close()
    assert server.commands[:3] == ["EHLO", "STARTTLS", "HANDSHAKE-FAILED"]
    assert "AUTH" not in server.commands
