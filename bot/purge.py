"""Delete conversation transcripts older than the retention period; consultation requests stay.

    python -m bot.purge [--days N] [--dry-run] [--if-due]

`make run` (bot/run.py) and the production launcher run it daily in-process (`DailyPurge`);
deploy/metro-dental-purge.timer is the systemd alternative (`--if-due`). However many servers
try, one runs it: the `scheduled_jobs` row's lease (bot/store/jobs.py) lets one through. It
prints and records counts only, never what anyone wrote; the retention page shows the last run.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Optional

from sqlalchemy.engine import Engine

from bot.store.db import utcnow
from bot.store.jobs import JobSchedule, JobState
from bot.store.transcripts import PurgeResult, RetentionCounts, TranscriptStore

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger(__name__)

JOB = "purge"
EVERY = timedelta(days=1)
# A runner that dies mid-purge blocks the next one for this long at most.
LEASE = timedelta(minutes=30)
# After a failed purge, the next try (by any server).
RETRY = timedelta(minutes=15)
# How often each in-process runner asks whether the purge is due.
CHECK_EVERY_SECONDS = 10 * 60


def run(engine: Engine, days: int, dry_run: bool = False, actor: str = "purge-command") -> RetentionCounts | PurgeResult:
    """Count (dry run) or purge; a real purge is written to the audit trail."""
    store = TranscriptStore(engine)
    if dry_run:
        return store.retention_counts(days)
    result = store.purge(days)
    # Stored SMS replies exist only to answer Twilio's retries, which stop within minutes;
    # they can hold a screening summary, so they go after a day whatever the retention.
    from datetime import timedelta

    from bot.store.db import utcnow
    from bot.store.sms import SmsStore

    result.sms_replies = SmsStore(engine).purge_messages(utcnow() - timedelta(days=1))
    # Screenings left unfinished (the session expired): what was typed goes now (see the docstring).
    abandoned = store.redact_abandoned_screenings()
    result.abandoned_screenings, result.abandoned_events = abandoned.conversations, abandoned.events
    from bot.store.audit import AuditLog

    AuditLog(engine).record(actor, "purge", detail=describe(result, days))
    return result


def describe(result: PurgeResult, days: int) -> str:
    """What a purge removed, in counts (the audit trail and the retention page show this)."""
    text = (f"{result.events} events of {result.conversations} conversations older than {days} days, "
            f"{result.handled_marks} handled-question marks, {result.sms_replies} stored SMS replies")
    if result.staff_messages:
        text += f", {result.staff_messages} staff messages"
    if result.abandoned_screenings:
        text += (f", {result.abandoned_events} events of {result.abandoned_screenings} "
                 "unfinished screenings redacted")
    return text


def runner_name() -> str:
    """Which server ran the purge (shown on the retention page)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_scheduled(
    engine: Engine,
    days: int,
    holder: Optional[str] = None,
    actor: str = "purge-schedule",
    force: bool = False,
    now: Optional[datetime] = None,
) -> Optional[PurgeResult]:
    """Purge if it is due (or `force`) and no other server is purging; None when not this runner's turn."""
    holder = holder or runner_name()
    schedule = JobSchedule(engine)
    started = now or utcnow()
    if not schedule.claim(JOB, holder, LEASE, now=started, force=force):
        return None
    try:
        result = run(engine, days, actor=actor)
    except Exception as exc:
        schedule.finish(JOB, holder, ok=False, detail=f"failed: {type(exc).__name__}", next_due=started + RETRY)
        raise
    schedule.finish(JOB, holder, ok=True, detail=describe(result, days), next_due=started + EVERY)
    return result


def last_run(engine: Engine) -> Optional[JobState]:
    """The purge's row in scheduled_jobs: last run, its counts, when it is next due."""
    return JobSchedule(engine).state(JOB)


class DailyPurge:
    """The purge in a background thread of a long-running process, checked every few minutes.

    Every server of a deployment may run one: the database lease lets one purge a day through.
    """

    def __init__(self, database_url: str, days: int, check_every: float = CHECK_EVERY_SECONDS,
                 holder: Optional[str] = None) -> None:
        self.database_url = database_url
        self.days = days
        self.check_every = check_every
        self.holder = holder or runner_name()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> DailyPurge:
        self._thread = threading.Thread(target=self._loop, name="daily-purge", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def check(self, engine: Engine) -> Optional[PurgeResult]:
        """One look: purge if due; a failure is logged (its kind only) and tried again later."""
        try:
            result = run_scheduled(engine, self.days, holder=self.holder)
        except Exception as exc:  # noqa: BLE001 - the process it runs in must keep serving patients
            logger.error("scheduled purge failed: %s", type(exc).__name__)
            return None
        if result is not None:
            logger.info("scheduled purge: %s", describe(result, self.days))
        return result

    def _loop(self) -> None:
        from bot.store.db import create_all, make_engine

        engine = make_engine(self.database_url)
        try:
            create_all(engine)
            while not self._stop.is_set():
                self.check(engine)
                self._stop.wait(self.check_every)
        except Exception as exc:  # noqa: BLE001 - a database that is down at start: say so, stop the thread
            logger.error("scheduled purge stopped: %s", type(exc).__name__)
        finally:
            engine.dispose()


def start_daily_purge(settings: Settings, enabled: bool = True) -> Optional[DailyPurge]:
    """What both launchers call at start: the daily purge in a thread of their process, or None
    when `enabled` is false (the production launcher's SCHEDULED_PURGE=false: a timer runs it)."""
    if not enabled:
        return None
    return DailyPurge(settings.database_url, settings.retention_days).start()


def main(argv: Optional[list[str]] = None, engine: Optional[Engine] = None) -> int:
    from bot.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.purge", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=settings.retention_days,
                        help=f"keep this many days (default RETENTION_DAYS: {settings.retention_days})")
    parser.add_argument("--dry-run", action="store_true", help="count what would go; delete nothing")
    parser.add_argument("--if-due", action="store_true",
                        help="only if no purge ran in the last day (for a timer beside the in-process schedule)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    owned = engine is None
    if engine is None:
        from bot.store.db import create_all, make_engine

        engine = make_engine(settings.database_url)
        create_all(engine)
    try:
        if args.dry_run:
            result = run(engine, args.days, dry_run=True)
        else:
            # Through the schedule's lease, so it never runs beside a scheduled purge, and the
            # retention page shows it as the last run.
            result = run_scheduled(engine, args.days, actor="purge-command", force=not args.if_due)
            if result is None:
                state = last_run(engine)
                if state is not None and state.running():
                    print(f"not purged: another purge is running ({state.lease_holder}); try again later",
                          file=sys.stderr)
                    return 0 if args.if_due else 1
                print(f"not due: the last purge started {state.last_started_at:%Y-%m-%d %H:%M} UTC")
                return 0
    finally:
        if owned:
            engine.dispose()
    cutoff = f"{result.cutoff:%Y-%m-%d %H:%M} UTC"
    if args.dry_run:
        print(f"dry run: {result.events} events in {result.conversations} conversations are older than "
              f"{args.days} days (before {cutoff}); nothing deleted")
    else:
        print(f"purged {result.events} events in {result.conversations} conversations older than {args.days} days "
              f"(before {cutoff}); {result.handled_marks} handled-question marks, {result.sms_replies} stored SMS replies; "
              "consultation requests kept")
        if result.abandoned_screenings:
            print(f"redacted {result.abandoned_events} events of {result.abandoned_screenings} unfinished screenings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
