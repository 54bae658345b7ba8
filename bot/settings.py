"""One typed settings object, read from the environment (and `.env`) once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent


def _bool(value: Optional[str], default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: Optional[str], default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError as exc:
        raise ValueError(f"expected a whole number, got {value!r}") from exc


def _positive(name: str, value: Optional[str], default: int) -> int:
    """A whole number of at least 1 (a limit of 0 would refuse every message)."""
    number = _int(value, default)
    if number < 1:
        raise ValueError(f"{name} must be at least 1, got {number}")
    return number


def _origins(value: Optional[str]) -> tuple[str, ...]:
    """WIDGET_ALLOWED_ORIGINS: comma-separated origins, without trailing slashes; "*" alone means any."""
    if (value or "").strip() == "*":
        return ("*",)
    origins = (o.strip().rstrip("/") for o in (value or "").split(","))
    return tuple(dict.fromkeys(o for o in origins if o))


def _zone(value: Optional[str], default: str) -> str:
    """CLINIC_TIMEZONE: an IANA name this machine knows ("America/Toronto"), checked at start-up."""
    from bot.clinic_time import zone_of

    name = (value or "").strip() or default
    zone_of(name)  # raises ValueError with what to do
    return name


@dataclass(frozen=True)
class Settings:
    """Everything configurable; the defaults are the embedded development set-up."""

    database_url: str = f"sqlite:///{ROOT / 'var' / 'metro.db'}"
    clinic_name: str = "Metropolitan Dental"
    # Not on the clinic's page, so never invented: the operator sets it in .env.
    clinic_phone: str = ""
    public_base_url: str = "http://localhost:8000"
    rasa_url: str = "http://localhost:5005"
    rasa_port: int = 5005
    action_port: int = 5055
    # The action server accepts whole trackers and can store requests: never public.
    action_host: str = "127.0.0.1"
    web_port: int = 8000
    secret_key: str = field(default="dev-only-secret-change-me", repr=False)
    twilio_auth_token: str = field(default="", repr=False)
    sms_public_url: str = ""
    sms_skip_signature: bool = False
    # Staff texts through Twilio's Messages API (bot/sms_outbound.py); empty: the request page says
    # texting is not set up. TWILIO_API_URL points the client elsewhere (the tests' fake, `make sms`).
    twilio_account_sid: str = ""
    twilio_from_number: str = ""
    twilio_api_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    clinic_inbox: str = ""
    staff_idle_minutes: int = 15
    retention_days: int = 90
    # Long enough for a patient's whole story (issue 11); REST answers 413 and the widget
    # refuses above it.
    max_message_chars: int = 5000
    # Page origins allowed to open the widget's socket; empty: the web app's own origins.
    widget_allowed_origins: tuple[str, ...] = ()
    # The Rasa server as browsers reach it; empty: rasa_url (see widget_url).
    widget_server_url: str = ""
    # A widget session token lives this long and is re-issued whenever it is used.
    widget_session_hours: int = 24
    # Widget messages: a token bucket per socket and per session (this many at once, then one
    # more every WIDGET_RATE_REFILL_SECONDS), and at most this many turns queued or running.
    # A whole screening clicked through at once fits in the burst; a script's flood does not.
    widget_rate_burst: int = 20
    widget_rate_refill_seconds: int = 2
    widget_max_turns_in_flight: int = 2
    # A live takeover (bot/takeover.py) with no message either way for this long is handed back
    # to the assistant by itself, and the patient is told.
    takeover_idle_minutes: int = 30
    cookie_secure: bool = False
    log_level: str = "INFO"
    # Appointment times are typed and every time on the staff pages is shown in this IANA zone
    # (bot/clinic_time.py); an unknown name stops start-up rather than showing wrong times.
    clinic_timezone: str = "America/Toronto"
    # Booked appointments (bot/booking_texts.py): the reminder text goes this many hours before;
    # each web app looks for due texts this often (the database claim sends each one once).
    reminder_hours_before: int = 24
    reminder_check_seconds: int = 60

    @property
    def clinic_contact(self) -> str:
        """How a patient reaches a person, in words that fit after 'contact' and after French
        'communiquer avec' alike (replies in both languages share the slot)."""
        if self.clinic_phone:
            return f"{self.clinic_name} ({self.clinic_phone})"
        return self.clinic_name

    @property
    def widget_url(self) -> str:
        """The Rasa server's URL as the widget's browsers reach it."""
        return (self.widget_server_url or self.rasa_url).rstrip("/")

    @property
    def smtp_enabled(self) -> bool:
        return bool(self.smtp_host and self.clinic_inbox)


def load_settings(env: Optional[Mapping[str, str]] = None, dotenv: bool = True) -> Settings:
    """Read settings from `env` (default: the process environment after loading `.env`)."""
    if env is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(ROOT / ".env", override=False)
        env = os.environ
    defaults = Settings()
    return Settings(
        database_url=env.get("DATABASE_URL") or defaults.database_url,
        clinic_name=env.get("CLINIC_NAME") or defaults.clinic_name,
        clinic_phone=env.get("CLINIC_PHONE", ""),
        public_base_url=(env.get("PUBLIC_BASE_URL") or defaults.public_base_url).rstrip("/"),
        rasa_url=(env.get("RASA_URL") or defaults.rasa_url).rstrip("/"),
        rasa_port=_int(env.get("RASA_PORT"), defaults.rasa_port),
        action_port=_int(env.get("ACTION_PORT"), defaults.action_port),
        action_host=env.get("ACTION_HOST") or defaults.action_host,
        web_port=_int(env.get("WEB_PORT"), defaults.web_port),
        secret_key=env.get("SECRET_KEY") or defaults.secret_key,
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
        sms_public_url=env.get("SMS_PUBLIC_URL", ""),
        sms_skip_signature=_bool(env.get("SMS_SKIP_SIGNATURE")),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", "").strip(),
        twilio_from_number=env.get("TWILIO_FROM_NUMBER", "").strip(),
        twilio_api_url=(env.get("TWILIO_API_URL") or "").strip().rstrip("/"),
        smtp_host=env.get("SMTP_HOST", ""),
        smtp_port=_int(env.get("SMTP_PORT"), defaults.smtp_port),
        smtp_user=env.get("SMTP_USER", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_from=env.get("SMTP_FROM", ""),
        clinic_inbox=env.get("CLINIC_INBOX", ""),
        staff_idle_minutes=_int(env.get("STAFF_IDLE_MINUTES"), defaults.staff_idle_minutes),
        retention_days=_int(env.get("RETENTION_DAYS"), defaults.retention_days),
        max_message_chars=_positive("MAX_MESSAGE_CHARS", env.get("MAX_MESSAGE_CHARS"), defaults.max_message_chars),
        widget_allowed_origins=_origins(env.get("WIDGET_ALLOWED_ORIGINS")),
        widget_server_url=(env.get("WIDGET_SERVER_URL") or "").strip().rstrip("/"),
        widget_session_hours=_positive(
            "WIDGET_SESSION_HOURS", env.get("WIDGET_SESSION_HOURS"), defaults.widget_session_hours
        ),
        widget_rate_burst=_positive("WIDGET_RATE_BURST", env.get("WIDGET_RATE_BURST"), defaults.widget_rate_burst),
        widget_rate_refill_seconds=_positive(
            "WIDGET_RATE_REFILL_SECONDS", env.get("WIDGET_RATE_REFILL_SECONDS"), defaults.widget_rate_refill_seconds
        ),
        widget_max_turns_in_flight=_positive(
            "WIDGET_MAX_TURNS_IN_FLIGHT", env.get("WIDGET_MAX_TURNS_IN_FLIGHT"), defaults.widget_max_turns_in_flight
        ),
        takeover_idle_minutes=_positive(
            "TAKEOVER_IDLE_MINUTES", env.get("TAKEOVER_IDLE_MINUTES"), defaults.takeover_idle_minutes
        ),
        cookie_secure=_bool(env.get("COOKIE_SECURE")),
        log_level=(env.get("LOG_LEVEL") or defaults.log_level).upper(),
        clinic_timezone=_zone(env.get("CLINIC_TIMEZONE"), defaults.clinic_timezone),
        reminder_hours_before=_positive(
            "REMINDER_HOURS_BEFORE", env.get("REMINDER_HOURS_BEFORE"), defaults.reminder_hours_before
        ),
        reminder_check_seconds=_positive(
            "REMINDER_CHECK_SECONDS", env.get("REMINDER_CHECK_SECONDS"), defaults.reminder_check_seconds
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use (never at import time)."""
    return load_settings()
