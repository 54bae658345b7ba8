"""Shared fixtures: a temporary database, the real servers started once per test run, report lines
for the run's summary, and `unavailable()`: a skip with its reason, or under CI a failure."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, Optional
from urllib.parse import quote

import pytest

from bot.run import MODEL, Services, start_services, wait_until_ready
from bot.settings import ROOT, Settings, load_settings
from bot.store.db import create_all, make_engine

TEST_TWILIO_TOKEN = "test-twilio-auth-token"
TEST_SECRET = "test-secret-key-for-signing-0123456789"


def under_ci(env: Mapping[str, str] = os.environ) -> bool:
    return env.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip the test with the reason; under CI (CI=true) fail it instead.

    On a workstation a missing Chromium, nginx or PostgreSQL is a skip that names what to install;
    in CI it means the pipeline did not test what it claims to, which is a failure.
    """
    if under_ci():
        pytest.fail(f"{reason} (CI=true: what this test needs must be there, so it fails instead of skipping)",
                    pytrace=False)
    pytest.skip(reason)


# PostgreSQL for the tests that need one: here 127.0.0.1:5432 with trust; a CI service that asks
# for a password gets it in SCALE_PG_PASSWORD.
PG_HOST = os.environ.get("SCALE_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("SCALE_PG_PORT", "5432"))
PG_USER = os.environ.get("SCALE_PG_USER", "postgres")
PG_PASSWORD = os.environ.get("SCALE_PG_PASSWORD", "")


def postgres_connect(dbname: str = "postgres") -> Any:
    """An autocommit psycopg2 connection as PG_USER; raises when the server cannot be reached."""
    import psycopg2

    conn = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, password=PG_PASSWORD or None, dbname=dbname, connect_timeout=3
    )
    conn.autocommit = True
    return conn


def postgres_problem() -> Optional[str]:
    """Why PostgreSQL cannot be used here, or None."""
    try:
        postgres_connect().close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        why = type(exc).__name__
        if "password" in str(exc).lower():
            why += ": SCALE_PG_PASSWORD was refused" if PG_PASSWORD else ": it asks for a password; set SCALE_PG_PASSWORD"
        return f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT} as {PG_USER}: {why}"
    return None


def postgres_url(database: str, driver: str = "postgresql") -> str:
    auth = f":{quote(PG_PASSWORD, safe='')}" if PG_PASSWORD else ""
    return f"{driver}://{PG_USER}{auth}@{PG_HOST}:{PG_PORT}/{database}"


_REPORTS: dict[str, list[str]] = {}


@pytest.fixture(scope="session")
def report():
    """`report(title, lines)` adds lines to a section printed at the end of the run (no -s or -rP needed)."""

    def add(title: str, lines: Iterable[str]) -> None:
        _REPORTS.setdefault(title, []).extend(lines)

    return add


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for title, lines in _REPORTS.items():
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def engine(tmp_path: Path):
    """A fresh SQLite database with every project table."""
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    create_all(eng)
    yield eng
    eng.dispose()


@dataclass
class RunningBot:
    settings: Settings
    services: Services
    log_dir: Path

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.settings.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.settings.web_port}"

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    @property
    def sms_url(self) -> str:
        return f"{self.rasa_url}/webhooks/sms/webhook"

    def engine(self):
        return make_engine(self.settings.database_url)


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """The Rasa server, the action server and the web app, as `make run` starts them."""
    if not MODEL.exists():
        unavailable(f"no trained model at {MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("servers")
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'bot.db'}",
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "RASA_URL": f"http://localhost:{rasa_port}",
        "ACTION_SERVER_URL": f"http://localhost:{action_port}/webhook",
        "PUBLIC_BASE_URL": f"http://localhost:{web_port}",
        "TWILIO_AUTH_TOKEN": TEST_TWILIO_TOKEN,
        "SMS_PUBLIC_URL": f"http://localhost:{rasa_port}/webhooks/sms/webhook",
        "SECRET_KEY": TEST_SECRET,
        "CLINIC_PHONE": "613-555-0100",
        "LOG_LEVEL": "INFO",
    }
    import os

    full_env = {**os.environ, **env}
    settings = load_settings(full_env, dotenv=False)
    log_dir = ROOT / "reports" / "e2e-logs"
    for old in log_dir.glob("*.log"):
        old.unlink()
    services = start_services(settings, env=full_env, log_dir=log_dir)
    try:
        wait_until_ready(services, timeout=240)
        yield RunningBot(settings, services, log_dir)
    finally:
        services.stop()
