"""Scheduled jobs shared by several servers: one row per job, a lease, and the last run.

Every server (`make run`, each machine of the production profile, a systemd timer) may try to
run a job; the one conditional UPDATE in `claim` lets exactly one of them through, on SQLite and
PostgreSQL alike (no advisory lock, which SQLite lacks). A runner that dies mid-job holds its
lease until `lease_until`, then the job can be claimed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import Boolean, Column, DateTime, String, Table, Text, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.db import metadata, utcnow

scheduled_jobs = Table(
    "scheduled_jobs",
    metadata,
    Column("name", String(60), primary_key=True),
    # Not claimed before this moment (None: at once).
    Column("due_at", DateTime, nullable=True),
    Column("lease_holder", String(200), nullable=True),
    Column("lease_until", DateTime, nullable=True),
    Column("last_started_at", DateTime, nullable=True),
    Column("last_finished_at", DateTime, nullable=True),
    Column("last_ok", Boolean, nullable=True),
    # Counts only (what was removed), never anything a patient wrote.
    Column("last_detail", Text, nullable=True),
    Column("last_holder", String(200), nullable=True),
)


@dataclass(frozen=True)
class JobState:
    name: str
    due_at: Optional[datetime]
    lease_holder: Optional[str]
    lease_until: Optional[datetime]
    last_started_at: Optional[datetime]
    last_finished_at: Optional[datetime]
    last_ok: Optional[bool]
    last_detail: Optional[str]
    last_holder: Optional[str]

    def running(self, now: Optional[datetime] = None) -> bool:
        return self.lease_until is not None and self.lease_until >= (now or utcnow())


class JobSchedule:
    """Claim, finish and read scheduled jobs in the shared database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _ensure(self, name: str) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(scheduled_jobs).values(name=name))
        except IntegrityError:  # it exists (perhaps another server inserted it a moment ago)
            pass

    def claim(self, name: str, holder: str, lease: timedelta, now: Optional[datetime] = None,
              force: bool = False) -> bool:
        """Take the job if it is due (or `force`) and nobody holds its lease; one statement decides."""
        now = now or utcnow()
        self._ensure(name)
        free = or_(scheduled_jobs.c.lease_until.is_(None), scheduled_jobs.c.lease_until < now)
        query = update(scheduled_jobs).where(scheduled_jobs.c.name == name, free)
        if not force:
            query = query.where(or_(scheduled_jobs.c.due_at.is_(None), scheduled_jobs.c.due_at <= now))
        with self.engine.begin() as conn:
            taken = conn.execute(
                query.values(lease_holder=holder, lease_until=now + lease, last_started_at=now)
            ).rowcount
        return taken == 1

    def finish(self, name: str, holder: str, ok: bool, detail: str, next_due: datetime,
               now: Optional[datetime] = None) -> None:
        """Record the run and release the lease (only the holder's own lease)."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                update(scheduled_jobs)
                .where(scheduled_jobs.c.name == name, scheduled_jobs.c.lease_holder == holder)
                .values(lease_holder=None, lease_until=None, last_finished_at=now, last_ok=ok,
                        last_detail=detail, last_holder=holder, due_at=next_due)
            )

    def state(self, name: str) -> Optional[JobState]:
        with self.engine.connect() as conn:
            row = conn.execute(select(scheduled_jobs).where(scheduled_jobs.c.name == name)).first()
        return JobState(**dict(row._mapping)) if row else None


__all__ = ["JobSchedule", "JobState", "scheduled_jobs"]
