"""The production launcher refuses to start on a setting that is unsafe or broken in production."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.settings import Settings
from deploy import run_production
from deploy.run_production import MIN_SECRET_CHARS, ProductionConfig, production_problems, secret_key_problem
from tests.conftest import TEST_TWILIO_TOKEN


@pytest.mark.parametrize("key", [
    Settings().secret_key,
    "CHANGE-ME-to-64-random-characters",
    "change-me-please-0123456789abcdef0123456789",
])
def test_known_keys_are_refused(key):
    assert "placeholder" in secret_key_problem(key)


def test_short_keys_are_refused_with_the_length():
    assert secret_key_problem("a" * (MIN_SECRET_CHARS - 1)) == (
        f"SECRET_KEY has {MIN_SECRET_CHARS - 1} characters: use at least {MIN_SECRET_CHARS} random ones.")


def test_a_long_random_key_is_accepted():
    assert secret_key_problem("Zp3" * 20) is None


def test_main_exits_2_before_starting_anything(monkeypatch, capsys):
    monkeypatch.setenv("SECRET_KEY", Settings().secret_key)
    monkeypatch.setattr(run_production, "start", lambda *a, **k: pytest.fail("must not start"))
    assert run_production.main([]) == 2
    assert "Refusing to start: SECRET_KEY is the development value" in capsys.readouterr().err


# --- every other setting that is unsafe or broken in production -------------------------------------

PUBLIC = "https://assistant.example-clinic.ca"
GOOD = Settings(
    secret_key="Zp3" * 20,
    twilio_auth_token="0123456789abcdef" * 2,
    sms_public_url=f"{PUBLIC}/webhooks/sms/webhook",
    cookie_secure=True,
    clinic_phone="613-555-0100",
    public_base_url=PUBLIC,
)
TLS = ProductionConfig(tls_cert="/etc/ssl/certs/a.pem", tls_key="/etc/ssl/private/a.key")


def test_a_sound_production_configuration_is_accepted():
    assert production_problems(GOOD, TLS, PUBLIC) == []


@pytest.mark.parametrize(("change", "reason"), [
    ({"twilio_auth_token": ""}, "TWILIO_AUTH_TOKEN is empty"),
    ({"twilio_auth_token": "CHANGE-ME"}, "TWILIO_AUTH_TOKEN is the development or test value or the example's placeholder"),
    ({"twilio_auth_token": "your-auth-token"}, "TWILIO_AUTH_TOKEN is the development or test value"),
    ({"twilio_auth_token": "dev-twilio-token"}, "TWILIO_AUTH_TOKEN is the development or test value"),
    ({"twilio_auth_token": TEST_TWILIO_TOKEN}, "TWILIO_AUTH_TOKEN is the development or test value"),
    ({"sms_skip_signature": True}, "SMS_SKIP_SIGNATURE is true"),
    ({"sms_public_url": ""}, "SMS_PUBLIC_URL is not set"),
    ({"sms_public_url": "http://localhost:5005/webhooks/sms/webhook"}, "SMS_PUBLIC_URL points at this machine"),
    ({"cookie_secure": False}, "COOKIE_SECURE is false with TLS on"),
    ({"clinic_phone": ""}, "CLINIC_PHONE is not set"),
    ({"clinic_phone": "  "}, "CLINIC_PHONE is not set"),
    ({"secret_key": Settings().secret_key}, "SECRET_KEY is the development value"),
])
def test_each_unsafe_setting_is_refused_with_its_reason(change, reason):
    (problem,) = production_problems(replace(GOOD, **change), TLS, PUBLIC)
    assert problem.startswith(reason)


@pytest.mark.parametrize("url", ["http://127.0.0.1:5005", "http://localhost:5005", "http://[::1]:5005",
                                 "http://0.0.0.0:5005", "http://127.0.1.1", "127.0.0.1:5005", ""])
def test_a_widget_url_only_this_machine_reaches_is_refused(url):
    (problem,) = production_problems(GOOD, TLS, url)
    assert problem.startswith(f"the widget's server URL is {url or 'empty'} (WIDGET_SERVER_URL, else RASA_URL)")


def test_the_widget_url_does_not_matter_where_no_web_app_runs():
    assert production_problems(GOOD, replace(TLS, start_web=False), "http://127.0.0.1:5005") == []


def test_tls_in_front_of_nginx_counts_as_tls_on():
    # No certificate here, but PUBLIC_BASE_URL is https: a load balancer terminates TLS.
    (problem,) = production_problems(replace(GOOD, cookie_secure=False), ProductionConfig(), PUBLIC)
    assert problem.startswith("COOKIE_SECURE is false with TLS on")
    plain = replace(GOOD, cookie_secure=False, public_base_url="http://10.0.0.5:8080")
    assert production_problems(plain, ProductionConfig(), PUBLIC) == []


PRODUCTION_ENV = {
    "SECRET_KEY": "Zp3" * 20,
    "TWILIO_AUTH_TOKEN": "0123456789abcdef" * 2,
    "SMS_PUBLIC_URL": f"{PUBLIC}/webhooks/sms/webhook",
    "SMS_SKIP_SIGNATURE": "false",
    "COOKIE_SECURE": "true",
    "CLINIC_PHONE": "613-555-0100",
    "PUBLIC_BASE_URL": PUBLIC,
    "WIDGET_SERVER_URL": PUBLIC,
    "RASA_URL": "http://127.0.0.1:5005",
    "NGINX_TLS_CERT": "/etc/ssl/certs/a.pem",
    "NGINX_TLS_KEY": "/etc/ssl/private/a.key",
    "START_WEB_APP": "true",
}


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("TWILIO_AUTH_TOKEN", "CHANGE-ME", "TWILIO_AUTH_TOKEN is the development or test value"),
    ("SMS_SKIP_SIGNATURE", "true", "SMS_SKIP_SIGNATURE is true"),
    ("SMS_PUBLIC_URL", "", "SMS_PUBLIC_URL is not set"),
    ("COOKIE_SECURE", "false", "COOKIE_SECURE is false with TLS on"),
    ("WIDGET_SERVER_URL", "http://127.0.0.1:5005", "the widget's server URL is http://127.0.0.1:5005"),
    ("WIDGET_SERVER_URL", "", "the widget's server URL is http://127.0.0.1:5005"),  # falls back to RASA_URL
    ("CLINIC_PHONE", "", "CLINIC_PHONE is not set"),
])
def test_main_refuses_each_before_starting_anything(monkeypatch, capsys, name, value, reason):
    for key, good in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, good)
    monkeypatch.setenv(name, value)
    monkeypatch.setattr(run_production, "start", lambda *a, **k: pytest.fail("must not start"))
    assert run_production.main([]) == 2
    assert f"Refusing to start: {reason}" in capsys.readouterr().err


def test_main_goes_on_when_nothing_is_wrong(monkeypatch, capsys):
    for key, good in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, good)

    def start(*_args, **_kwargs):
        raise RuntimeError("stopped here by the test")

    monkeypatch.setattr(run_production, "start", start)
    assert run_production.main([]) == 1
    err = capsys.readouterr().err
    assert "Refusing" not in err
    assert "stopped here by the test" in err or "No trained model" in err


def test_the_example_env_file_is_refused_only_for_what_the_operator_must_fill_in():
    from dotenv import dotenv_values

    from bot.settings import load_settings

    example = {k: v or "" for k, v in dotenv_values(run_production.DEPLOY / "production.env.example").items()}
    settings = load_settings(example, dotenv=False)
    config = run_production.load_config(example)
    problems = production_problems(settings, config, example["WIDGET_SERVER_URL"])
    assert [p.split(" ")[0] for p in problems] == ["SECRET_KEY", "TWILIO_AUTH_TOKEN", "CLINIC_PHONE"]
    filled = {**example, "SECRET_KEY": "Zp3" * 20, "TWILIO_AUTH_TOKEN": "0123456789abcdef" * 2,
              "CLINIC_PHONE": "613-555-0100"}
    assert production_problems(load_settings(filled, dotenv=False), config, example["WIDGET_SERVER_URL"]) == []
