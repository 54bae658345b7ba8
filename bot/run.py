"""Start the Rasa server, the action server and the web app together; Ctrl-C stops all three.

    python -m bot.run            (what `make run` does)

A service that dies is started again after 1, 2, 4 ... up to 30 s (`Services.restart_dead`);
the others keep running, and conversations go on where they were (Rasa keeps them in the
database, not in the process). The daily purge runs in a thread of this process (bot.purge).

Tests use `start_services` to run the same processes on their own ports and database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
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
# A service that died is started again after 1, 2, 4, ... seconds, never more than 30.
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
# A service that ran this long had recovered: its next crash starts the back-off again at 1 s.
STABLE_SECONDS = 60.0
POLL_SECONDS = 0.5


def backoff_seconds(failures: int) -> float:
    """The wait before restarting a service that has died `failures` times in a row."""
    return min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(0, failures - 1))


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None
    # Every line the process prints passes through this on its way to the log (nginx's error
    # log: query strings removed).
    output_filter: Optional[Callable[[str], str]] = None
    output_thread: Optional[threading.Thread] = None
    failures: int = 0
    started_at: float = 0.0
    restart_at: Optional[float] = None


def _copy_filtered(source, target, line_filter: Callable[[str], str], close_target: bool) -> None:
    try:
        for raw in iter(source.readline, b""):
            target.write(line_filter(raw.decode("utf-8", "replace")).encode("utf-8"))
            target.flush()
    finally:
        source.close()
        if close_target:
            target.close()


@dataclass
class Services:
    settings: Settings
    env: dict[str, str]
    items: list[Service] = field(default_factory=list)
    # Each service's output goes to <log_dir>/<name>.log (None: this process's terminal).
    log_dir: Optional[Path] = None
    # Own process groups (production): Ctrl-C in a terminal reaches the launcher only.
    new_session: bool = False
    clock: Callable[[], float] = time.monotonic

    def spawn(self, service: Service) -> None:
        """Start (or start again) one service's process."""
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{service.name}.log", "ab")
        piped = service.output_filter is not None
        try:
            service.process = subprocess.Popen(
                service.command, cwd=ROOT, env={**self.env, **service.env},
                stdout=subprocess.PIPE if piped else out,
                stderr=subprocess.STDOUT if (out or piped) else None,
                start_new_session=self.new_session,
            )
        except BaseException:
            if out:
                out.close()
            raise
        if piped:
            target = out or sys.stderr.buffer
            service.output_thread = threading.Thread(
                target=_copy_filtered, args=(service.process.stdout, target, service.output_filter, out is not None),
                name=f"{service.name}-output", daemon=True,
            )
            service.output_thread.start()
        elif out:
            out.close()  # the child has its own copy
        service.started_at = self.clock()
        service.restart_at = None

    def restart_dead(self, say: Callable[[str], None]) -> None:
        """One look at every service: a dead one is started again once its back-off has passed."""
        now = self.clock()
        for service in self.items:
            if service.process is None:
                continue
            if service.restart_at is not None:
                if now >= service.restart_at:
                    try:
                        self.spawn(service)
                    except OSError as exc:
                        service.failures += 1
                        delay = backoff_seconds(service.failures)
                        service.restart_at = now + delay
                        say(f"{service.name} could not be started ({type(exc).__name__}); trying again in {delay:g} s")
                        continue
                    say(f"{service.name} started again (pid {service.process.pid})")
                continue
            code = service.process.poll()
            if code is None:
                continue
            if self.new_session:
                # Its own process group: whatever it left behind (nginx's workers, which would
                # keep the port) goes with it.
                try:
                    os.killpg(service.process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            service.failures = 1 if now - service.started_at >= STABLE_SECONDS else service.failures + 1
            delay = backoff_seconds(service.failures)
            service.restart_at = now + delay
            say(f"{service.name} stopped (exit code {code}); starting it again in {delay:g} s")

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
            if service.output_thread is not None:
                service.output_thread.join(5)  # the last lines reach the log


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
    services = Services(settings, service_env(settings, env), log_dir=log_dir)
    for service in commands(settings, model, which):
        services.spawn(service)
        services.items.append(service)
    return services


def supervise(services: Services, stopping: Callable[[], bool], say: Optional[Callable[[str], None]] = None,
              sleep: Callable[[float], None] = time.sleep) -> None:
    """Until `stopping()`: restart any service that dies, with back-off; the others run on."""
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    while not stopping():
        services.restart_dead(say)
        sleep(POLL_SECONDS)


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
    from bot.purge import start_daily_purge

    services = start_services(settings)
    stopping = stop_requested_by_signals()
    purge = start_daily_purge(settings)
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
        supervise(services, stopping)
    except (RuntimeError, TimeoutError) as exc:
        print(f"Start-up failed: {exc}", file=sys.stderr)
    finally:
        if purge is not None:
            purge.stop()
        services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
