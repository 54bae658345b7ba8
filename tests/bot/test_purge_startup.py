"""Both launchers start the daily purge (bot.purge.start_daily_purge); SCHEDULED_PURGE=false turns it off in production."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot import purge, run
from bot.purge import DailyPurge, start_daily_purge
from bot.settings import Settings
from deploy import run_production
from tests.bot.test_production_launcher import PRODUCTION_ENV


class Recorded:
    """Stands in for DailyPurge: records what a launcher asked for, starts no thread."""

    def __init__(self, made: list[Recorded], database_url: str, days: int, **_kwargs: object) -> None:
        self.database_url, self.days = database_url, days
        self.started = self.stopped = False
        made.append(self)

    def start(self) -> Recorded:
        self.started = True
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stopped = True


@pytest.fixture
def purges(monkeypatch) -> list[Recorded]:
    made: list[Recorded] = []
    monkeypatch.setattr(purge, "DailyPurge", lambda *args, **kwargs: Recorded(made, *args, **kwargs))
    return made


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "current.tar.gz"
    path.write_bytes(b"")
    return path


# --- the seam ---------------------------------------------------------------------------------------


def test_the_starter_runs_the_purge_with_the_settings_database_and_retention(purges) -> None:
    runner = start_daily_purge(Settings(database_url="sqlite:///clinic.db", retention_days=30))
    (made,) = purges
    assert runner is made and made.started
    assert (made.database_url, made.days) == ("sqlite:///clinic.db", 30)


def test_the_starter_starts_nothing_when_it_is_off(purges) -> None:
    assert start_daily_purge(Settings(), enabled=False) is None
    assert purges == []


def test_the_starter_starts_a_real_background_thread(tmp_path: Path) -> None:
    runner = start_daily_purge(Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", retention_days=90))
    try:
        assert isinstance(runner, DailyPurge)
        assert "daily-purge" in [t.name for t in threading.enumerate() if t.is_alive()]
    finally:
        runner.stop()
    assert "daily-purge" not in [t.name for t in threading.enumerate()]


# --- `make run` (bot/run.py) --------------------------------------------------------------------------


def test_make_run_starts_the_purge_and_stops_it_on_exit(monkeypatch, purges, model) -> None:
    settings = Settings(database_url="sqlite:///run.db", retention_days=45)
    stopped: list[str] = []
    seen_while_supervising: list[bool] = []
    monkeypatch.setattr(run, "load_settings", lambda: settings)
    monkeypatch.setattr(run, "MODEL", model)
    monkeypatch.setattr(run, "start_services", lambda _s: SimpleNamespace(stop=lambda: stopped.append("services")))
    monkeypatch.setattr(run, "stop_requested_by_signals", lambda: lambda: True)
    monkeypatch.setattr(run, "wait_until_ready", lambda _services: None)
    monkeypatch.setattr(run, "supervise",
                        lambda _services, _stopping: seen_while_supervising.append(bool(purges) and purges[0].started))
    assert run.main() == 0
    (made,) = purges
    assert (made.database_url, made.days) == ("sqlite:///run.db", 45)
    assert seen_while_supervising == [True]  # running while the services serve
    assert made.stopped and stopped == ["services"]


# --- the production launcher (deploy/run_production.py) ---------------------------------------------


def run_production_main(monkeypatch, model: Path, scheduled_purge: str | None) -> list[str]:
    """main() as far as supervising, with a fake deployment; returns what happened, in order."""
    for key, good in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, good)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///prod.db")
    monkeypatch.setenv("RETENTION_DAYS", "60")
    if scheduled_purge is None:
        monkeypatch.delenv("SCHEDULED_PURGE", raising=False)
    else:
        monkeypatch.setenv("SCHEDULED_PURGE", scheduled_purge)
    happened: list[str] = []
    deployment = SimpleNamespace(
        rasa_urls=["http://127.0.0.1:5005"], services=object(),
        wait_until_ready=lambda: happened.append("ready"), stop=lambda: happened.append("deployment stopped"))
    monkeypatch.setattr(run_production, "MODEL", model)
    monkeypatch.setattr(run_production, "start", lambda *_a, **_k: deployment)
    monkeypatch.setattr(run_production, "stop_requested_by_signals", lambda: lambda: True)
    monkeypatch.setattr(run_production, "supervise", lambda *_a: happened.append("supervising"))
    assert run_production.main([]) == 0
    return happened


@pytest.mark.parametrize("value", [None, "true"])
def test_the_production_launcher_starts_the_purge_by_default(monkeypatch, purges, model, value) -> None:
    happened = run_production_main(monkeypatch, model, value)
    (made,) = purges
    assert made.started and (made.database_url, made.days) == ("sqlite:///prod.db", 60)
    assert made.stopped
    assert happened == ["ready", "supervising", "deployment stopped"]


@pytest.mark.parametrize("value", ["false", "0", "no"])
def test_scheduled_purge_false_keeps_the_production_launcher_from_purging(monkeypatch, purges, model, value) -> None:
    happened = run_production_main(monkeypatch, model, value)
    assert purges == []  # a systemd timer runs it instead
    assert happened == ["ready", "supervising", "deployment stopped"]
