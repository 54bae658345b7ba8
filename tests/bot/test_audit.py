"""The audit trail: written and read, never changed or removed, even with raw SQL.

The PostgreSQL tests need a server at 127.0.0.1:5432 that lets `postgres` in (trust); set
SCALE_PG_HOST/PORT/USER/PASSWORD for another. Each makes a throwaway database and drops it. Without
PostgreSQL they skip with the reason, and under CI (CI=true) they fail instead.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, DBAPIError

from bot.store.audit import AuditLog, audit_log, install_append_only_guard
from bot.store.db import create_all, make_engine
from bot.store.staff_users import StaffStore
from tests.conftest import unavailable

PG_HOST = os.environ.get("SCALE_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("SCALE_PG_PORT", "5432"))
PG_USER = os.environ.get("SCALE_PG_USER", "postgres")
PG_PASSWORD = os.environ.get("SCALE_PG_PASSWORD", "")
SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_record_and_read_newest_first(engine) -> None:
    log = AuditLog(engine)
    log.record("alice", "view_request", request_id=1, detail="opened", ip="10.0.0.1")
    log.record("bob", "login")
    log.record("alice", "set_status", request_id=2, detail="in_review")
    entries = log.entries()
    assert [(e.actor, e.action, e.request_id) for e in entries] == [
        ("alice", "set_status", 2), ("bob", "login", None), ("alice", "view_request", 1)
    ]
    oldest = entries[-1]
    assert (oldest.detail, oldest.ip) == ("opened", "10.0.0.1")
    assert oldest.at is not None and oldest.id is not None
    assert entries[1].detail == "" and entries[1].ip == ""


def test_filters_and_limit(engine) -> None:
    log = AuditLog(engine)
    for i in range(5):
        log.record("alice" if i % 2 == 0 else "bob", "view_request", request_id=i)
    assert {e.actor for e in log.entries(actor="alice")} == {"alice"}
    assert len(log.entries(actor="alice")) == 3
    assert [e.request_id for e in log.entries(request_id=3)] == [3]
    assert [e.request_id for e in log.entries(request_id=0)] == [0]  # 0 is a real id, not "no filter"
    assert [e.request_id for e in log.entries(actor="bob", request_id=1)] == [1]
    assert log.entries(actor="carol") == []
    assert [e.request_id for e in log.entries(limit=2)] == [4, 3]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'mallory'",
        "UPDATE audit_log SET detail = '' WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE actor = 'alice'",
    ],
)
def test_update_and_delete_are_refused_by_the_database(engine, statement: str) -> None:
    log = AuditLog(engine)
    log.record("alice", "view_request", request_id=7, detail="opened")
    with pytest.raises(DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))
    (entry,) = log.entries()
    assert (entry.actor, entry.detail, entry.request_id) == ("alice", "opened", 7)


def test_sqlalchemy_core_update_is_refused_too(engine) -> None:
    AuditLog(engine).record("alice", "login")
    with pytest.raises(DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(audit_log.update().values(actor="mallory"))
    assert [e.actor for e in AuditLog(engine).entries()] == ["alice"]


def test_audit_log_has_no_way_to_change_entries() -> None:
    public = {name for name in dir(AuditLog) if not name.startswith("_")}
    assert public == {"record", "entries"}


# --- PostgreSQL --------------------------------------------------------------------------------------


def _pg_admin():
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, password=PG_PASSWORD or None,
                            dbname="postgres", connect_timeout=3)
    conn.autocommit = True
    return conn


def pg_url(database: str, user: str = PG_USER) -> str:
    auth = f":{PG_PASSWORD}" if PG_PASSWORD and user == PG_USER else ""
    return f"postgresql://{user}{auth}@{PG_HOST}:{PG_PORT}/{database}"


def postgres_or_skip():
    """An admin connection to the server, or a skip with the reason (a failure under CI)."""
    try:
        return _pg_admin()
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        reason = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT} as {PG_USER}: {type(exc).__name__}: {exc}"
        unavailable(reason)


@pytest.fixture
def pg_database() -> Iterator[str]:
    """The name of a throwaway PostgreSQL database, dropped afterwards (roles made in it too)."""
    admin = postgres_or_skip()
    name = f"audit_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture
def pg_engine(pg_database: str) -> Iterator[Engine]:
    """A throwaway PostgreSQL database with every project table."""
    engine = make_engine(pg_url(pg_database))
    create_all(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    ["TRUNCATE audit_log", "TRUNCATE TABLE audit_log RESTART IDENTITY", "TRUNCATE audit_log CASCADE",
     "UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"],
)
def test_postgres_refuses_truncate_update_and_delete_even_for_a_superuser(pg_engine: Engine, statement: str) -> None:
    AuditLog(pg_engine).record("alice", "view_request", request_id=7, detail="opened")
    with pytest.raises(DatabaseError, match="append-only"):
        with pg_engine.begin() as conn:
            conn.execute(text(statement))
    (entry,) = AuditLog(pg_engine).entries()
    assert (entry.actor, entry.detail, entry.request_id) == ("alice", "opened", 7)


def test_the_truncate_guard_is_added_to_a_database_that_has_only_the_old_trigger(pg_engine: Engine) -> None:
    with pg_engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_truncate ON audit_log"))
        conn.execute(text("TRUNCATE audit_log"))  # the hole the upgrade closes
    install_append_only_guard(pg_engine)
    install_append_only_guard(pg_engine)  # idempotent
    with pg_engine.connect() as conn:
        names = conn.execute(
            text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass ORDER BY tgname")
        ).scalars().all()
    assert names == ["audit_log_append_only", "audit_log_no_truncate"]
    AuditLog(pg_engine).record("alice", "login")
    with pytest.raises(DatabaseError, match="append-only"):
        with pg_engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    assert [e.actor for e in AuditLog(pg_engine).entries()] == ["alice"]


def documented_sql() -> list[str]:
    """The ```sql blocks of docs/security.md, in order (the test runs exactly what the page says)."""
    blocks = re.findall(r"```sql\n(.*?)```", SECURITY_DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2, "docs/security.md: one block for the server, one inside the database"
    return blocks


def run_sql(conn, script: str) -> None:
    for statement in (s.strip() for s in re.sub(r"--[^\n]*", "", script).split(";")):
        if statement:
            with conn.cursor() as cur:
                cur.execute(statement)


def test_the_documented_app_role_can_work_but_not_erase_the_audit_trail() -> None:
    import psycopg2

    admin = postgres_or_skip()
    suffix = uuid.uuid4().hex[:8]
    owner, app, database = f"metro_owner_{suffix}", f"metro_app_{suffix}", f"metro_dental_{suffix}"
    server_sql, database_sql = (
        block.replace("metro_owner", owner).replace("metro_app", app).replace("metro_dental", database)
        for block in documented_sql()
    )
    engines: list[Engine] = []
    try:
        run_sql(admin, server_sql)  # the roles and the database, as a superuser
        owner_engine = make_engine(pg_url(database, owner))
        engines.append(owner_engine)
        create_all(owner_engine)  # what `run_production --check` does, as the owner
        from bot.store.tracker import UrlSQLTrackerStore

        UrlSQLTrackerStore(url=pg_url(database, owner)).engine.dispose()  # Rasa's events table too
        owner_conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=owner, dbname=database)
        owner_conn.autocommit = True
        run_sql(owner_conn, database_sql)
        owner_conn.close()

        app_engine = make_engine(pg_url(database, app))
        engines.append(app_engine)
        create_all(app_engine)  # every process does this at start: a no-op that must not fail
        from bot.store.tracker import UrlSQLTrackerStore

        UrlSQLTrackerStore(url=pg_url(database, app)).engine.dispose()  # and so does each Rasa server
        with app_engine.begin() as conn:  # the conversations stay the app's to write and purge
            conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('c', 'x', 0, '{}')"))
            assert conn.execute(text("DELETE FROM events WHERE sender_id = 'c'")).rowcount == 1
        store = StaffStore(app_engine)
        store.add_user("alice", "a long enough password", "staff", by="tester")
        session = store.create_session("alice")
        assert store.session(session.token, 15) is not None
        store.end_session(session.token)
        AuditLog(app_engine).record("alice", "view_request", request_id=1)
        assert [e.action for e in AuditLog(app_engine).entries()] == ["view_request", "account_added"]

        refused = [
            "UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER USER", "DROP TRIGGER audit_log_append_only ON audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log", "DROP TABLE audit_log",
            "SET session_replication_role = replica",
        ]
        for statement in refused:
            with pytest.raises(DBAPIError, match="permission denied|must be owner|append-only"):
                with app_engine.begin() as conn:
                    conn.execute(text(statement))
        # The owner is refused too, by the triggers.
        for statement in ("TRUNCATE audit_log", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match="append-only"):
                with owner_engine.begin() as conn:
                    conn.execute(text(statement))
        assert len(AuditLog(app_engine).entries()) == 2
    finally:
        for engine in engines:
            engine.dispose()
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            for role in (app, owner):
                cur.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()
