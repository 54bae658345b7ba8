"""Requests for the front desk: screenings, messages, existing patients' requests, after-treatment concerns."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    and_,
    case,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.store.db import create_all, metadata, utcnow

STATUSES = ("new", "in_review", "contacted", "booked", "closed")
FLAGS = (
    "pregnancy",
    "nerve_condition",
    "facial_weakness",
    "surgery",
    "emergency_mentioned",
    "unsure_answer",
    "after_treatment_concern",
    "emergency_during_screening",
)
# consultation: the health screening; message: a patient asked for a person (contact details and their question,
# no health fields); existing_patient: the same for an appointment change and the like; after_treatment: a patient
# with a symptom now after an injection asked for an urgent message to the team.
KINDS = ("consultation", "message", "existing_patient", "after_treatment")
DEFAULT_KIND = "consultation"
# The conversation's language (the `language` slot): the staff pages say which, so the front desk
# answers a French-speaking patient in French.
LANGUAGE_NAMES = {"en": "English", "fr": "French"}
DEFAULT_LANGUAGE = "en"
# Kinds whose request carries the screening's health answers; the others have none to show.
SCREENING_KINDS = ("consultation",)
# What makes a request urgent: its kind, or the flag (a screening can carry it too).
URGENT_KIND = "after_treatment"
URGENT_FLAG = "after_treatment_concern"
# An urgent request stays pinned to the top of the inbox until someone has contacted the patient (or closed it).
OPEN_STATUSES = ("new", "in_review")

consultation_requests = Table(
    "consultation_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    # One request per screening submission: a double tap or a retried action stores one row.
    Column("submission_key", String(200), nullable=False, unique=True),
    Column("conversation_id", String(300), nullable=False, index=True),
    Column("channel", String(40), nullable=False),
    # server_default: rows written before the column existed, or by an older process, read as consultations.
    Column("kind", String(40), nullable=False, default=DEFAULT_KIND, server_default=DEFAULT_KIND),
    Column("language", String(8), nullable=False, default=DEFAULT_LANGUAGE, server_default=DEFAULT_LANGUAGE),
    Column("reason", Text, nullable=False, default=""),
    Column("answers", Text, nullable=False, default="{}"),
    Column("full_name", String(200), nullable=False, default=""),
    Column("phone", String(32), nullable=False, default=""),
    Column("email", String(320), nullable=False, default=""),
    Column("contact_method", String(40), nullable=False, default=""),
    Column("contact_time", String(200), nullable=False, default=""),
    Column("question_for_staff", Text, nullable=False, default=""),
    Column("flags", Text, nullable=False, default="[]"),
    Column("status", String(20), nullable=False, default="new", index=True),
    Column("assigned_to", String(100), nullable=True),
    Column("created_at", DateTime, nullable=False, default=utcnow, index=True),
    Column("updated_at", DateTime, nullable=False, default=utcnow),
)

request_status_history = Table(
    "request_status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("consultation_requests.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", DateTime, nullable=False, default=utcnow),
)

request_notes = Table(
    "request_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("consultation_requests.id"), nullable=False, index=True),
    Column("author", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime, nullable=False, default=utcnow),
)


@dataclass
class ConsultationRequest:
    """A request as the actions write it and the staff pages read it; `kind` says which (see KINDS)."""

    submission_key: str
    conversation_id: str
    channel: str
    kind: str = DEFAULT_KIND
    reason: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    full_name: str = ""
    phone: str = ""
    email: str = ""
    contact_method: str = ""
    contact_time: str = ""
    question_for_staff: str = ""
    flags: list[str] = field(default_factory=list)
    status: str = "new"
    assigned_to: Optional[str] = None
    language: str = DEFAULT_LANGUAGE
    id: Optional[int] = None
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, LANGUAGE_NAMES[DEFAULT_LANGUAGE])

    @property
    def urgent(self) -> bool:
        """An after-treatment concern: staff contact the patient first."""
        return self.kind == URGENT_KIND or URGENT_FLAG in self.flags

    @property
    def pinned(self) -> bool:
        """Urgent and not yet handled: shown above everything else in the inbox."""
        return self.urgent and self.status in OPEN_STATUSES

    @property
    def has_screening(self) -> bool:
        """Whether there are health answers to show (never for a message or an existing patient's request)."""
        return self.kind in SCREENING_KINDS or bool(self.answers)


@dataclass
class StatusChange:
    status: str
    changed_by: str
    changed_at: datetime


@dataclass
class Note:
    author: str
    body: str
    created_at: datetime


_urgent = or_(
    consultation_requests.c.kind == URGENT_KIND,
    consultation_requests.c.flags.like(f'%"{URGENT_FLAG}"%'),
)
_pinned = and_(_urgent, consultation_requests.c.status.in_(OPEN_STATUSES))


def migrate(engine: Engine) -> None:
    """Bring a table created by an older version up to date (idempotent; db.create_all calls it).

    Adds `kind` and `language` where they are missing; the old rows read as consultations in
    English, which is what they were.
    """
    added = (("kind", f"VARCHAR(40) NOT NULL DEFAULT '{DEFAULT_KIND}'"),
             ("language", f"VARCHAR(8) NOT NULL DEFAULT '{DEFAULT_LANGUAGE}'"))
    for name, definition in added:
        columns = {c["name"] for c in inspect(engine).get_columns(consultation_requests.name)}
        if name in columns:
            continue
        if_not_exists = "IF NOT EXISTS " if engine.dialect.name == "postgresql" else ""
        statement = text(f"ALTER TABLE {consultation_requests.name} ADD COLUMN {if_not_exists}{name} {definition}")
        try:
            with engine.begin() as conn:
                conn.execute(statement)
        except DBAPIError:
            # Two processes starting at once (web app, action server): the other one may have added it first.
            if name not in {c["name"] for c in inspect(engine).get_columns(consultation_requests.name)}:
                raise


def _row_to_request(row) -> ConsultationRequest:
    data = dict(row._mapping)
    data["answers"] = json.loads(data["answers"] or "{}")
    data["flags"] = json.loads(data["flags"] or "[]")
    return ConsultationRequest(**data)


class RequestStore:
    """Reads and writes consultation requests, their status history and notes."""

    def __init__(self, engine: Engine, create: bool = True) -> None:
        self.engine = engine
        if create:
            create_all(engine)

    def add(self, request: ConsultationRequest) -> tuple[ConsultationRequest, bool]:
        """Store `request` once; returns (the stored request, whether it was new).

        An unknown kind or flag is refused (ValueError) rather than stored where no staff page shows it.
        """
        if request.kind not in KINDS:
            raise ValueError(f"unknown request kind {request.kind!r}")
        unknown = sorted(set(request.flags) - set(FLAGS))
        if unknown:
            raise ValueError(f"unknown flags {unknown!r}")
        now = utcnow()
        values = {
            "submission_key": request.submission_key,
            "conversation_id": request.conversation_id,
            "channel": request.channel,
            "kind": request.kind,
            # A value the pages can't name is stored as English rather than refused: the request matters more.
            "language": request.language if request.language in LANGUAGE_NAMES else DEFAULT_LANGUAGE,
            "reason": request.reason,
            "answers": json.dumps(request.answers, ensure_ascii=False, sort_keys=True),
            "full_name": request.full_name,
            "phone": request.phone,
            "email": request.email,
            "contact_method": request.contact_method,
            "contact_time": request.contact_time,
            "question_for_staff": request.question_for_staff,
            "flags": json.dumps(sorted(set(request.flags))),
            "status": "new",
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self.engine.begin() as conn:
                new_id = conn.execute(insert(consultation_requests).values(**values)).inserted_primary_key[0]
                conn.execute(
                    insert(request_status_history).values(
                        request_id=new_id, status="new", changed_by="assistant", changed_at=now
                    )
                )
        except IntegrityError:
            existing = self.by_submission_key(request.submission_key)
            if existing is None:
                raise
            return existing, False
        stored = self.get(new_id)
        assert stored is not None
        return stored, True

    def get(self, request_id: int) -> Optional[ConsultationRequest]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(consultation_requests).where(consultation_requests.c.id == request_id)
            ).first()
        return _row_to_request(row) if row else None

    def by_submission_key(self, key: str) -> Optional[ConsultationRequest]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(consultation_requests).where(consultation_requests.c.submission_key == key)
            ).first()
        return _row_to_request(row) if row else None

    def list(
        self,
        status: Optional[str] = None,
        flag: Optional[str] = None,
        channel: Optional[str] = None,
        search: Optional[str] = None,
        conversation_id: Optional[str] = None,
        limit: int = 200,
        kind: Optional[str] = None,
        urgent: bool = False,
    ) -> list[ConsultationRequest]:
        """Requests filtered: urgent ones not yet handled first (see `pinned`), then newest first.

        `urgent=True` keeps only urgent requests, handled or not.
        """
        query = select(consultation_requests).order_by(
            case((_pinned, 0), else_=1), consultation_requests.c.created_at.desc(), consultation_requests.c.id.desc()
        )
        if kind:
            query = query.where(consultation_requests.c.kind == kind)
        if urgent:
            query = query.where(_urgent)
        if status:
            query = query.where(consultation_requests.c.status == status)
        if channel:
            query = query.where(consultation_requests.c.channel == channel)
        if conversation_id:
            query = query.where(consultation_requests.c.conversation_id == conversation_id)
        if flag:
            query = query.where(consultation_requests.c.flags.like(f'%"{flag}"%'))
        if search:
            like = f"%{search.strip()}%"
            query = query.where(
                or_(consultation_requests.c.full_name.ilike(like), consultation_requests.c.phone.like(like))
            )
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).fetchall()
        return [_row_to_request(r) for r in rows]

    def count_by_status(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(consultation_requests.c.status, func.count()).group_by(consultation_requests.c.status)
            ).fetchall()
        counts = {s: 0 for s in STATUSES}
        counts.update({status: n for status, n in rows})
        return counts

    def count_pinned(self) -> int:
        """How many urgent requests nobody has handled yet (the inbox's title and badge)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(consultation_requests).where(_pinned)).scalar())

    def set_status(self, request_id: int, status: str, by: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                update(consultation_requests)
                .where(consultation_requests.c.id == request_id)
                .values(status=status, updated_at=now)
            )
            conn.execute(
                insert(request_status_history).values(
                    request_id=request_id, status=status, changed_by=by, changed_at=now
                )
            )

    def assign(self, request_id: int, username: Optional[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(consultation_requests)
                .where(consultation_requests.c.id == request_id)
                .values(assigned_to=username, updated_at=utcnow())
            )

    def history(self, request_id: int) -> list[StatusChange]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(request_status_history)
                .where(request_status_history.c.request_id == request_id)
                .order_by(request_status_history.c.id)
            ).fetchall()
        return [StatusChange(r.status, r.changed_by, r.changed_at) for r in rows]

    def add_note(self, request_id: int, author: str, body: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(request_notes).values(request_id=request_id, author=author, body=body, created_at=utcnow())
            )

    def notes(self, request_id: int) -> list[Note]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(request_notes).where(request_notes.c.request_id == request_id).order_by(request_notes.c.id)
            ).fetchall()
        return [Note(r.author, r.body, r.created_at) for r in rows]


__all__ = [
    "ConsultationRequest", "RequestStore", "STATUSES", "FLAGS", "KINDS", "OPEN_STATUSES", "create_all", "migrate",
]
