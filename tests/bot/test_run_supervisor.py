"""`make run` (bot/run.py): a service that dies is started again with back-off; the others run on."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.run import (
    BACKOFF_MAX_SECONDS,
    STABLE_SECONDS,
    Service,
    Services,
    backoff_seconds,
    stop_requested_by_signals,
    supervise,
)
from bot.settings import Settings

STEADY = [sys.executable, "-c", "import time; time.sleep(600)"]
CRASHES = [sys.executable, "-c", "import sys; print('crashing', flush=True); sys.exit(3)"]


class Clock:
    """A clock the test moves by hand: back-off is checked without waiting for it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(clock: Clock, tmp_path: Path):
    running = Services(Settings(), dict(os.environ), log_dir=tmp_path / "logs", clock=clock)
    for service in (Service("steady", STEADY, ""), Service("crashes", CRASHES, "")):
        running.spawn(service)
        running.items.append(service)
    yield running
    running.stop(timeout=5)


def test_backoff_doubles_up_to_thirty_seconds() -> None:
    assert [backoff_seconds(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert BACKOFF_MAX_SECONDS == 30


def test_a_dead_service_is_started_again_with_backoff_and_the_others_run_on(services: Services, clock: Clock) -> None:
    steady, crashes = services.items
    steady_pid = steady.process.pid
    said: list[str] = []
    pids = set()
    for expected_delay in (1, 2, 4, 8, 16, 30, 30):
        crashes.process.wait()
        pids.add(crashes.process.pid)
        services.restart_dead(said.append)
        assert said[-1] == f"crashes stopped (exit code 3); starting it again in {expected_delay} s"
        assert crashes.restart_at == clock.now + expected_delay
        clock.now += expected_delay - 0.5
        services.restart_dead(said.append)
        assert crashes.process.pid in pids, "started again before its back-off had passed"
        clock.now += 0.5
        services.restart_dead(said.append)
        assert said[-1] == f"crashes started again (pid {crashes.process.pid})"
        assert crashes.process.pid not in pids
    assert steady.process.pid == steady_pid and steady.process.poll() is None
    # Every run's output went to the service's log.
    crashes.process.wait()
    assert (services.log_dir / "crashes.log").read_text().count("crashing") == 8


def test_a_crash_after_a_long_healthy_run_waits_one_second_again(services: Services, clock: Clock) -> None:
    _steady, crashes = services.items
    for _ in range(4):  # four quick crashes: the next wait would be 8 s
        crashes.process.wait()
        services.restart_dead(lambda _line: None)
        clock.now = crashes.restart_at
        services.restart_dead(lambda _line: None)
    clock.now += STABLE_SECONDS  # this run lasted a minute before it crashed
    crashes.process.wait()
    said: list[str] = []
    services.restart_dead(said.append)
    assert said == ["crashes stopped (exit code 3); starting it again in 1 s"]


def test_stopping_ends_supervision_and_stops_every_service(services: Services, clock: Clock) -> None:
    steady, crashes = services.items
    crashes.process.wait()
    looks = []

    def stopping() -> bool:
        return len(looks) >= 3

    def sleep(_seconds: float) -> None:
        looks.append(crashes.restart_at)

    supervise(services, stopping, say=lambda _line: None, sleep=sleep)
    assert looks == [clock.now + 1] * 3  # scheduled, not yet started again (the clock did not move)
    services.stop(timeout=5)
    assert steady.process.poll() is not None
    assert crashes.process.poll() == 3  # not started again by the stop


def test_ctrl_c_sets_the_flag_the_supervisor_stops_on(services: Services) -> None:
    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        stopping = stop_requested_by_signals()
        assert stopping() is False
        os.kill(os.getpid(), signal.SIGINT)
        assert stopping() is True
        supervise(services, stopping, say=lambda _line: pytest.fail("no look after Ctrl-C"),
                  sleep=lambda _s: pytest.fail("no wait after Ctrl-C"))
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


def test_output_passes_through_the_service_filter(tmp_path: Path, clock: Clock) -> None:
    running = Services(Settings(), dict(os.environ), log_dir=tmp_path, clock=clock)
    service = Service("talks", [sys.executable, "-c", "print('GET /staff?q=jane HTTP/1.1')"], "",
                      output_filter=lambda line: line.replace("?q=jane", ""))
    running.spawn(service)
    running.items.append(service)
    service.process.wait()
    running.stop(timeout=5)  # waits for the last line to reach the log
    assert (tmp_path / "talks.log").read_text() == "GET /staff HTTP/1.1\n"


def test_a_service_that_cannot_be_started_is_tried_again_later(services: Services, clock: Clock, tmp_path: Path) -> None:
    _steady, crashes = services.items
    crashes.process.wait()
    said: list[str] = []
    services.restart_dead(said.append)
    crashes.command = [str(tmp_path / "no-such-program")]
    clock.now = crashes.restart_at
    services.restart_dead(said.append)
    assert said[-1] == "crashes could not be started (FileNotFoundError); trying again in 2 s"
    crashes.command = CRASHES
    clock.now = crashes.restart_at
    services.restart_dead(said.append)
    assert said[-1].startswith("crashes started again (pid ")


def test_in_its_own_session_what_a_dead_service_left_behind_goes_too(tmp_path: Path, clock: Clock) -> None:
    # The service starts a child (as nginx starts workers), then dies; the child would hold its port.
    pid_file = tmp_path / "child.pid"
    script = ("import subprocess, sys; child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
              f"open({str(pid_file)!r}, 'w').write(str(child.pid)); sys.exit(1)")
    running = Services(Settings(), dict(os.environ), log_dir=tmp_path, new_session=True, clock=clock)
    service = Service("leaves-a-child", [sys.executable, "-c", script], "")
    running.spawn(service)
    running.items.append(service)
    service.process.wait()
    child = int(pid_file.read_text())
    running.restart_dead(lambda _line: None)
    deadline = time.monotonic() + 30  # a wait for the kill to land, not a timing assertion
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child), "the dead service's child still runs"
    running.stop(timeout=5)


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for init to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
