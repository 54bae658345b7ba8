"""Start the Rasa server, the action server and the web app together; Ctrl-C stops all three.

    python -m bot.run            (what `make run` does)

Tests use `start_services` to run the same processes on their own ports and database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.settings import ROOT, Settings, load_settings

MODEL = ROOT / "models" / "current.tar.gz"
BIN = Path(sys.executable).parent
# Rasa with bot.speedups installed (see bot/rasa_server.py); arguments as for `rasa`.
RASA_SERVER = (str(BIN / "python"), "-m", "bot.rasa_server")
# Sanic's default request body limit is 100 MB; a patient message needs a few kilobytes.
REQUEST_MAX_BYTES = 64 * 1024


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None


@dataclass
class Services:
    settings: Settings
    env: dict[str, str]
    items: list[Service] = field(default_factory=list)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop every process: SIGINT first (clean shutdown), then SIGKILL what is left."""
        for service in self.items:
            if service.process and service.process.poll() is None:
                service.process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + timeout
        for service in self.items:
            if not service.process:
                continue
            try:
                service.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()


def service_env(settings: Settings, base: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The environment every process gets: .env values plus every ${VAR} the YAML files use."""
    env = dict(base if base is not None else os.environ)
    env.setdefault("ACTION_SERVER_URL", f"http://localhost:{settings.action_port}/webhook")
    env.setdefault("DATABASE_URL", settings.database_url)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TF_INTRA_OP_PARALLELISM_THREADS", "2")
    env.setdefault("TF_INTER_OP_PARALLELISM_THREADS", "1")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # At DEBUG Rasa logs what patients type and slot values: never below INFO here.
    env["LOG_LEVEL"] = "INFO" if settings.log_level == "DEBUG" else settings.log_level
    env["PYTHONUNBUFFERED"] = "1"  # what a service prints reaches its log at once
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def commands(settings: Settings, model: Path = MODEL, which: Sequence[str] = ("actions", "rasa", "web")) -> list[Service]:
    """The three processes; patient text is never logged, so Rasa runs at INFO, not DEBUG."""
    all_services = {
        "actions": Service(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(settings.action_port)],
            f"http://localhost:{settings.action_port}/health",
            # Rasa reuses its connection to the action server; Sanic's 5 s keep-alive closed it
            # under load and the action's events were lost (seen in the scale test).
            {"SANIC_HOST": settings.action_host, "SANIC_KEEP_ALIVE_TIMEOUT": "120"},
        ),
        "rasa": Service(
            "rasa",
            [*RASA_SERVER, "run", "--model", str(model), "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--port", str(settings.rasa_port), "--interface", "127.0.0.1"],
            f"http://localhost:{settings.rasa_port}/",
            # Only the patient-facing server gets the small limit: the action server
            # receives whole trackers and the domain from Rasa.
            {"SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES)},
        ),
        "web": Service(
            "web",
            [str(BIN / "uvicorn"), "bot.web.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(settings.web_port), "--no-access-log"],
            f"http://localhost:{settings.web_port}/health",
        ),
    }
    return [all_services[name] for name in which]


def wait_until_ready(services: Services, timeout: float = 180.0) -> None:
    """Poll each service's health URL; raise if one exits or the time runs out."""
    deadline = time.monotonic() + timeout
    for service in services.items:
        while True:
            if service.process and service.process.poll() is not None:
                raise RuntimeError(f"{service.name} exited with code {service.process.returncode}")
            try:
                with urllib.request.urlopen(service.health_url, timeout=2) as response:
                    if response.status < 500:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service.name} not ready after {timeout:.0f} s")
            time.sleep(0.5)


def start_services(
    settings: Settings,
    env: Optional[Mapping[str, str]] = None,
    model: Path = MODEL,
    which: Sequence[str] = ("actions", "rasa", "web"),
    log_dir: Optional[Path] = None,
) -> Services:
    """Start the services in the background (logs to `log_dir`, else inherited)."""
    from bot.store.db import create_all, make_engine

    engine = make_engine(settings.database_url)
    create_all(engine)
    engine.dispose()
    services = Services(settings, service_env(settings, env))
    for service in commands(settings, model, which):
        out = None
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            out = open(log_dir / f"{service.name}.log", "ab")
        service.process = subprocess.Popen(
            service.command, cwd=ROOT, env={**services.env, **service.env}, stdout=out, stderr=subprocess.STDOUT if out else None
        )
        services.items.append(service)
    return services


def stop_requested_by_signals() -> Callable[[], bool]:
    """Turn SIGINT/SIGTERM into a flag the main loop polls, so every child is stopped cleanly."""
    requested = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal requested
        requested = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    return lambda: requested


def main() -> int:
    settings = load_settings()
    if not MODEL.exists():
        print("No trained model: run `make run` (it trains first) or `make train`.", file=sys.stderr)
        return 1
    if not settings.smtp_enabled:
        print("E-mail notifications are off (no SMTP_HOST/CLINIC_INBOX in .env): "
              "new requests appear on the staff pages only.")
    if settings.sms_skip_signature:
        print("WARNING: SMS_SKIP_SIGNATURE is on — SMS requests are NOT verified. Development only!", file=sys.stderr)
    services = start_services(settings)
    stopping = stop_requested_by_signals()
    try:
        wait_until_ready(services)
        print(
            f"\nReady.\n  Demo page and widget: http://localhost:{settings.web_port}/\n"
            f"  Staff pages:          http://localhost:{settings.web_port}/staff\n"
            f"  Rasa server:          http://localhost:{settings.rasa_port} (REST, socket.io, SMS webhook)\n"
            f"  Action server:        http://localhost:{settings.action_port}\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while not stopping():
            if any(s.process and s.process.poll() is not None for s in services.items):
                print("A service stopped unexpectedly; stopping the others.", file=sys.stderr)
                break
            time.sleep(0.5)
    except (RuntimeError, TimeoutError) as exc:
        print(f"Start-up failed: {exc}", file=sys.stderr)
    finally:
        services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
