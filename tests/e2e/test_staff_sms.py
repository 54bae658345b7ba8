"""Staff texts end to end: the real web app (uvicorn, as `make run` starts it) sends through the real
`twilio` library to the fake Messages API (tests/fakes/twilio_api.py), which calls the web app's
status webhook back over HTTP, signed; the request page shows each state."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.run import Services, start_services, wait_until_ready
from bot.settings import Settings, load_settings
from bot.sms_numbers import number_hash
from bot.store.db import create_all, make_engine
from bot.store.requests import ConsultationRequest, RequestStore
from bot.store.sms import SmsStore
from bot.store.staff_users import StaffStore
from tests.browser.chromium import launched, log_in
from tests.conftest import TEST_SECRET, TEST_TWILIO_TOKEN, free_port
from tests.fakes.twilio_api import FakeTwilio

ACCOUNT = "AC" + "1" * 32
FROM = "+16135550100"
DELIVERED = "+16137221234"
OPTED_OUT = "+16137225678"  # Twilio has it as opted out; we do not know yet
STOPPED = "+16137229999"  # texted STOP to the clinic: on record here
BROWSER = "+16137224321"  # the compose box in Chromium
PASSWORD = "a long enough staff password"


@dataclass
class Desk:
    settings: Settings
    services: Services
    fake: FakeTwilio
    client: httpx.Client

    def page(self, request_id: int) -> str:
        response = self.client.get(f"/staff/requests/{request_id}")
        assert response.status_code == 200
        return response.text

    def send(self, request_id: int, body: str, **extra: str) -> httpx.Response:
        page = self.page(request_id).split('class="sms-compose"', 1)[1]
        fields = dict(re.findall(r'<input type="hidden" name="(csrf_token|compose_key)" value="([^"]+)"', page))
        return self.client.post(f"/staff/requests/{request_id}/sms", data={**fields, "body": body, **extra})

    def wait_for_state(self, request_id: int, label: str, deadline: float = 30.0) -> str:
        """Poll the page until the state shows (a deadline, not a timed assertion)."""
        end = time.monotonic() + deadline
        while True:
            page = self.page(request_id)
            if f'data-status="{label}"' in page or time.monotonic() > end:
                return page
            time.sleep(0.2)


def add(engine, key: str, phone: str) -> int:
    stored, _ = RequestStore(engine).add(ConsultationRequest(
        submission_key=key, conversation_id=f"conv-{key}", channel="socketio", kind="message", full_name="Jane Doe",
        phone=phone, contact_method="text message", question_for_staff="when can I come in?",
    ))
    assert stored.id is not None
    return stored.id


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    tmp = tmp_path_factory.mktemp("staff-sms")
    web_port = free_port()
    fake = FakeTwilio(ACCOUNT, TEST_TWILIO_TOKEN, opted_out=[OPTED_OUT]).start()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bot.db'}",
        "WEB_PORT": str(web_port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        "SECRET_KEY": TEST_SECRET,
        "TWILIO_AUTH_TOKEN": TEST_TWILIO_TOKEN,
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_FROM_NUMBER": FROM,
        "TWILIO_API_URL": fake.url,
        "LOG_LEVEL": "INFO",
    }
    settings = load_settings(env, dotenv=False)
    engine = make_engine(settings.database_url)
    create_all(engine)
    StaffStore(engine).add_user("frontdesk", PASSWORD, "staff")
    for key, phone in (("ok", DELIVERED), ("twilio-stop", OPTED_OUT), ("our-stop", STOPPED),
                       ("browser", BROWSER)):
        add(engine, key, phone)
    SmsStore(engine).set_opted_out(number_hash(STOPPED, TEST_SECRET), True)
    engine.dispose()
    services = start_services(settings, env=env, which=("web",), log_dir=Path(tmp))
    try:
        wait_until_ready(services, timeout=60)
        with httpx.Client(base_url=f"http://127.0.0.1:{web_port}", timeout=30, follow_redirects=True) as client:
            login = client.get("/staff/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
            answer = client.post("/staff/login", data={"csrf_token": token, "username": "frontdesk",
                                                       "password": PASSWORD, "next": "/staff"})
            assert answer.status_code == 200 and "Log out frontdesk" in answer.text
            yield Desk(settings, services, fake, client)
    finally:
        services.stop()
        fake.stop()


def test_a_text_is_sent_and_its_delivery_shows_on_the_page(desk: Desk) -> None:
    answer = desk.send(1, "Hello Jane, this is the front desk. When can we call you?")
    assert answer.status_code == 200 and "Text sent to Twilio" in answer.text
    sent = [m for m in desk.fake.messages if m.to == DELIVERED]
    assert len(sent) == 1 and sent[0].from_ == FROM
    assert sent[0].status_callback == f"{desk.settings.public_base_url}/webhooks/sms/status"
    page = desk.wait_for_state(1, "delivered")
    assert '<strong class="sms-status" data-status="delivered">Delivered</strong>' in page
    assert "Hello Jane, this is the front desk." in page and "Front desk (frontdesk)" in page
    ours = [c for c in desk.fake.delivered if c.params["MessageSid"] == sent[0].sid]
    assert [(c.params["MessageStatus"], c.answered) for c in ours] == [
        ("queued", 204), ("sent", 204), ("delivered", 204)]


def test_twilio_blocking_an_opted_out_number_is_shown_and_remembered(desk: Desk) -> None:
    assert desk.send(2, "Please call us back.").status_code == 200
    page = desk.wait_for_state(2, "failed")
    assert 'data-status="failed"' in page and "The patient replied STOP" in page
    assert "No text can be sent." in page and "opted out of texts" in page


def test_a_number_that_texted_stop_cannot_be_messaged(desk: Desk) -> None:
    page = desk.page(3)
    assert "No text can be sent." in page and "until they text START" in page
    before = len(desk.fake.messages)
    answer = desk.client.post("/staff/requests/3/sms", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "compose_key": "k" * 24, "body": "Hello"})
    assert answer.status_code == 409 and len(desk.fake.messages) == before


def test_a_forged_status_callback_is_refused(desk: Desk) -> None:
    sid = desk.fake.messages[0].sid
    answer = httpx.post(f"{desk.settings.public_base_url}/webhooks/sms/status",
                        data={"MessageSid": sid, "MessageStatus": "undelivered"},
                        headers={"X-Twilio-Signature": "forged"})
    assert answer.status_code == 403
    assert 'data-status="delivered"' in desk.page(1)


@pytest.mark.browser
def test_the_compose_box_in_chromium_counts_warns_and_sends(desk: Desk) -> None:
    """The live count and the health words come from the server as you type; ticking the box sends."""
    from playwright.sync_api import expect

    with launched() as browser:
        tab = browser.new_context(base_url=desk.settings.public_base_url).new_page()
        tab.set_default_timeout(15_000)
        errors: list[str] = []
        tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
        log_in(tab, "frontdesk", PASSWORD, "/staff/requests/4")
        expect(tab.locator("#staff-sms")).to_contain_text("not to receive health details by text")
        box = tab.locator("#sms-body")
        box.fill("Hi Jane — about your migraines, call us?")
        expect(tab.locator("#sms-count")).to_contain_text("UCS-2")
        expect(tab.locator("#sms-count")).to_contain_text("1 segment")
        expect(tab.locator("#sms-health")).to_be_visible()
        expect(tab.locator("#sms-health .words")).to_have_text("migraines")
        box.fill("Please call the front desk. " * 6)
        expect(tab.locator("#sms-count")).to_contain_text("GSM-7 · 2 segments")
        expect(tab.locator("#sms-health")).to_be_hidden()
        box.fill("Your BOTOX consultation is booked.")
        expect(tab.locator("#sms-health")).to_be_visible()
        tab.check("input[name=confirm_health]")
        tab.click("form.sms-compose button[type=submit]")
        tab.wait_for_url("**/staff/requests/4?msg=sms_sent*")
        expect(tab.locator("p.notice")).to_contain_text("Text sent to Twilio")
        # The state moves to Delivered on the open page, without a reload (it polls).
        expect(tab.locator("#staff-sms .sms-status").last).to_have_attribute("data-status", "delivered",
                                                                             timeout=30_000)
        expect(tab.locator("#staff-sms .sms-status").last).to_have_text("Delivered")
        assert errors == []  # no CSP violation, no failed script
    sent = [m for m in desk.fake.messages if m.to == BROWSER]
    assert [m.body for m in sent] == ["Your BOTOX consultation is booked."]
    assert 'data-status="delivered"' in desk.wait_for_state(4, "delivered")


def test_the_web_apps_log_holds_no_number_and_no_text(desk: Desk) -> None:
    assert desk.services.log_dir is not None
    log = (desk.services.log_dir / "web.log").read_text(encoding="utf-8", errors="replace")
    assert "Application startup complete" in log  # it is the right log, and it was written
    for secret in (DELIVERED, OPTED_OUT, BROWSER, "Hello Jane", "BOTOX consultation", "migraines"):
        assert secret not in log
