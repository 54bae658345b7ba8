"""The append-only audit trail of staff access to health information."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, insert, select, text
from sqlalchemy.engine import Connection, Engine

from bot.store.db import metadata, utcnow

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, default=utcnow, index=True),
    Column("actor", String(100), nullable=False, index=True),
    Column("action", String(60), nullable=False),
    Column("request_id", Integer, nullable=True, index=True),
    Column("detail", Text, nullable=False, default=""),
    Column("ip", String(64), nullable=False, default=""),
)


@dataclass
class AuditEntry:
    actor: str
    action: str
    request_id: Optional[int] = None
    detail: str = ""
    ip: str = ""
    at: Optional[datetime] = None
    id: Optional[int] = None


def install_append_only_guard(engine: Engine) -> None:
    """Make the database itself refuse UPDATE, DELETE and (on PostgreSQL) TRUNCATE on the audit table.

    The triggers also stop a superuser. They do not stop the table's owner from dropping them, which is
    why the application should log in as a role that does not own the table (docs/security.md).
    """
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # SQLite has no TRUNCATE: an unqualified DELETE is refused by the DELETE trigger.
            for op in ("UPDATE", "DELETE"):
                conn.execute(
                    text(
                        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
                        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                    )
                )
        elif engine.dialect.name == "postgresql":
            # Several processes start at once: serialise, and leave existing triggers alone (the
            # application's role may not own the table, and then may not create or replace them).
            conn.execute(text("SELECT pg_advisory_xact_lock(7240001)"))
            present = set(
                conn.execute(
                    text("SELECT tgname FROM pg_trigger WHERE tgrelid = CAST('audit_log' AS regclass)")
                ).scalars()
            )
            missing = {name: ddl for name, ddl in PG_TRIGGERS.items() if name not in present}
            if not missing:
                return
            conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
                    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql"
                )
            )
            for ddl in missing.values():
                conn.execute(text(ddl))


# Row triggers do not fire for TRUNCATE, which empties the table without touching a row: it needs its own.
PG_TRIGGERS = {
    "audit_log_append_only": (
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    ),
    "audit_log_no_truncate": (
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    ),
}


def record_entry(
    conn: Connection, actor: str, action: str, request_id: Optional[int] = None, detail: str = "", ip: str = ""
) -> None:
    """One audit row inside the caller's transaction: a change and its row commit (or fail) together."""
    conn.execute(
        insert(audit_log).values(
            at=utcnow(), actor=actor[:100], action=action[:60], request_id=request_id, detail=detail, ip=ip[:64]
        )
    )


class AuditLog:
    """Writes and reads audit entries; it has no way to change or remove one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, actor: str, action: str, request_id: Optional[int] = None, detail: str = "", ip: str = "") -> None:
        with self.engine.begin() as conn:
            record_entry(conn, actor, action, request_id=request_id, detail=detail, ip=ip)

    def entries(
        self, actor: Optional[str] = None, request_id: Optional[int] = None, limit: int = 500
    ) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id.desc())
        if actor:
            query = query.where(audit_log.c.actor == actor)
        if request_id is not None:
            query = query.where(audit_log.c.request_id == request_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).fetchall()
        return [AuditEntry(**dict(r._mapping)) for r in rows]
