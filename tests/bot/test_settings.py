"""Settings from an explicit environment mapping: defaults, overrides, refusals."""

from __future__ import annotations

import pytest

from bot.settings import ROOT, Settings, load_settings


def test_defaults_from_an_empty_environment() -> None:
    settings = load_settings({})
    assert settings == Settings()
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'metro.db'}"
    assert settings.clinic_name == "Metropolitan Dental"
    assert settings.clinic_phone == ""
    assert settings.public_base_url == "http://localhost:8000"
    assert (settings.rasa_port, settings.action_port, settings.web_port) == (5005, 5055, 8000)
    assert settings.smtp_port == 587
    assert settings.max_message_chars == 5000  # a patient's whole story (issue 11)
    assert settings.staff_idle_minutes == 15
    assert settings.retention_days == 90
    assert settings.cookie_secure is False
    assert settings.sms_skip_signature is False
    assert settings.log_level == "INFO"
    assert settings.smtp_enabled is False


def test_overrides() -> None:
    env = {
        "DATABASE_URL": "sqlite:////tmp/x.db",
        "CLINIC_NAME": "Metro Dental",
        "CLINIC_PHONE": "613-555-0100",
        "PUBLIC_BASE_URL": "https://clinic.example/",
        "RASA_URL": "http://rasa:5005///",
        "RASA_PORT": "6005",
        "ACTION_PORT": "6055",
        "WEB_PORT": "9000",
        "SECRET_KEY": "s3cret",
        "SMTP_HOST": "smtp.example",
        "SMTP_PORT": "2525",
        "CLINIC_INBOX": "desk@example",
        "MAX_MESSAGE_CHARS": "500",
        "COOKIE_SECURE": "true",
        "SMS_SKIP_SIGNATURE": "1",
        "LOG_LEVEL": "debug",
        "RETENTION_DAYS": "30",
    }
    settings = load_settings(env)
    assert settings.database_url == "sqlite:////tmp/x.db"
    assert settings.clinic_name == "Metro Dental"
    assert settings.clinic_phone == "613-555-0100"
    assert settings.public_base_url == "https://clinic.example"
    assert settings.rasa_url == "http://rasa:5005"
    assert (settings.rasa_port, settings.action_port, settings.web_port) == (6005, 6055, 9000)
    assert settings.secret_key == "s3cret"
    assert settings.smtp_port == 2525
    assert settings.max_message_chars == 500
    assert settings.retention_days == 30
    assert settings.cookie_secure is True
    assert settings.sms_skip_signature is True
    assert settings.log_level == "DEBUG"
    assert settings.smtp_enabled is True


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                               ("0", False), ("false", False), ("no", False), ("", False)])
def test_boolean_values(raw: str, expected: bool) -> None:
    assert load_settings({"COOKIE_SECURE": raw}).cookie_secure is expected


def test_empty_values_fall_back_to_defaults() -> None:
    settings = load_settings({"RASA_PORT": "", "CLINIC_NAME": "", "SECRET_KEY": "", "LOG_LEVEL": ""})
    assert settings.rasa_port == 5005
    assert settings.clinic_name == "Metropolitan Dental"
    assert settings.secret_key == Settings().secret_key
    assert settings.log_level == "INFO"


@pytest.mark.parametrize("name", ["RASA_PORT", "WEB_PORT", "SMTP_PORT", "MAX_MESSAGE_CHARS", "RETENTION_DAYS"])
@pytest.mark.parametrize("value", ["abc", "5005x", "1.5"])
def test_bad_integer_is_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="whole number"):
        load_settings({name: value})


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "Metropolitan Dental"),
        ({"CLINIC_PHONE": "613-555-0100"}, "Metropolitan Dental (613-555-0100)"),
        ({"CLINIC_NAME": "Metro Dental"}, "Metro Dental"),
        ({"CLINIC_NAME": "Metro Dental", "CLINIC_PHONE": "613-555-0100"}, "Metro Dental (613-555-0100)"),
    ],
)
def test_clinic_contact(env: dict, expected: str) -> None:
    assert load_settings(env).clinic_contact == expected


def test_smtp_needs_host_and_inbox() -> None:
    assert load_settings({"SMTP_HOST": "smtp.example"}).smtp_enabled is False
    assert load_settings({"CLINIC_INBOX": "desk@example"}).smtp_enabled is False


def test_secrets_are_not_in_repr() -> None:
    settings = load_settings({"SECRET_KEY": "top-secret-key", "SMTP_PASSWORD": "pw-123", "TWILIO_AUTH_TOKEN": "tw-456"})
    text = repr(settings)
    for secret in ("top-secret-key", "pw-123", "tw-456"):
        assert secret not in text


def test_widget_settings() -> None:
    defaults = load_settings({"RASA_URL": "http://localhost:5005"})
    assert defaults.widget_allowed_origins == ()
    assert defaults.widget_url == "http://localhost:5005"  # WIDGET_SERVER_URL unset: RASA_URL
    assert (defaults.widget_session_hours, defaults.widget_rate_burst, defaults.widget_rate_refill_seconds,
            defaults.widget_max_turns_in_flight) == (24, 20, 2, 2)
    settings = load_settings({
        "WIDGET_ALLOWED_ORIGINS": " https://a.example/ , https://b.example ,https://a.example",
        "WIDGET_SERVER_URL": "https://chat.example/",
        "WIDGET_SESSION_HOURS": "12",
        "WIDGET_RATE_BURST": "3",
        "WIDGET_RATE_REFILL_SECONDS": "4",
        "WIDGET_MAX_TURNS_IN_FLIGHT": "1",
    })
    assert settings.widget_allowed_origins == ("https://a.example", "https://b.example")
    assert settings.widget_url == "https://chat.example"
    assert (settings.widget_session_hours, settings.widget_rate_burst, settings.widget_rate_refill_seconds,
            settings.widget_max_turns_in_flight) == (12, 3, 4, 1)
    assert load_settings({"WIDGET_ALLOWED_ORIGINS": " * "}).widget_allowed_origins == ("*",)


@pytest.mark.parametrize("name", ["MAX_MESSAGE_CHARS", "WIDGET_SESSION_HOURS", "WIDGET_RATE_BURST",
                                  "WIDGET_RATE_REFILL_SECONDS", "WIDGET_MAX_TURNS_IN_FLIGHT"])
@pytest.mark.parametrize("value", ["0", "-3"])
def test_limits_below_one_are_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be at least 1"):
        load_settings({name: value})


def test_widget_settings_are_read_only_in_settings() -> None:
    """WIDGET_ALLOWED_ORIGINS and WIDGET_SERVER_URL are read into Settings and nowhere else."""
    readers = [
        path.relative_to(ROOT).as_posix()
        for folder in ("bot", "actions", "deploy")
        for path in (ROOT / folder).rglob("*.py")
        if any(f'"{name}"' in path.read_text(encoding="utf-8") for name in ("WIDGET_ALLOWED_ORIGINS", "WIDGET_SERVER_URL"))
    ]
    assert readers == ["bot/settings.py"]
