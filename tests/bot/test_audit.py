"""The audit trail: written and read, never changed or removed, even with raw SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from bot.store.audit import AuditLog, audit_log


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
