"""The request store: one row per submission, kinds, urgent first, filters, history, notes, counts, migration."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, insert, inspect, select, update

from bot.store import requests as requests_module
from bot.store.db import create_all, make_engine, utcnow
from bot.store.requests import (
    FLAGS,
    KINDS,
    STATUSES,
    ConsultationRequest,
    RequestStore,
    consultation_requests,
)
from tests.conftest import postgres_connect, postgres_problem, postgres_url, unavailable


def request(key: str, **overrides: Any) -> ConsultationRequest:
    values: dict = dict(
        submission_key=key,
        conversation_id=f"conv-{key}",
        channel="socketio",
        reason="migraines",
        answers={"reason": "migraines", "pregnancy": "no", "medications": "none"},
        full_name="Jane Doe",
        phone="+16137221234",
        email="jane@example.com",
        contact_method="phone call",
        contact_time="mornings",
        question_for_staff="",
        flags=[],
    )
    values.update(overrides)
    return ConsultationRequest(**values)


@pytest.fixture
def store(engine) -> RequestStore:
    return RequestStore(engine)


def test_add_and_get_round_trip(store: RequestStore) -> None:
    stored, created = store.add(request("k1", flags=["surgery", "pregnancy", "surgery"], answers={"pregnancy": "yes — 12 weeks"}))
    assert created is True
    assert stored.id is not None
    again = store.get(stored.id)
    assert again == stored
    assert again.submission_key == "k1"
    assert again.answers == {"pregnancy": "yes — 12 weeks"}
    assert again.flags == ["pregnancy", "surgery"]  # sorted, no duplicates
    assert again.status == "new"
    assert again.assigned_to is None
    assert again.created_at is not None and again.updated_at == again.created_at
    assert (again.full_name, again.phone, again.email) == ("Jane Doe", "+16137221234", "jane@example.com")


def test_get_unknown_id(store: RequestStore) -> None:
    assert store.get(999) is None
    assert store.by_submission_key("nope") is None


def test_duplicate_submission_key_returns_the_same_row(store: RequestStore) -> None:
    first, created_first = store.add(request("same", full_name="Jane Doe"))
    second, created_second = store.add(request("same", full_name="Someone Else"))
    assert (created_first, created_second) == (True, False)
    assert second.id == first.id
    assert second.full_name == "Jane Doe"
    assert len(store.list()) == 1
    assert [h.status for h in store.history(first.id)] == ["new"]


def test_list_newest_first_and_filters(store: RequestStore) -> None:
    a, _ = store.add(request("a", channel="sms", flags=["pregnancy"], full_name="Jane Doe", phone="+16137221234"))
    b, _ = store.add(request("b", channel="socketio", flags=["unsure_answer", "surgery"], full_name="John Smith",
                             phone="+14165550199"))
    c, _ = store.add(request("c", channel="rest", flags=[], full_name="Marie-Ève Tremblay", phone="+15145550123",
                             conversation_id="conv-x"))
    assert [r.id for r in store.list()] == [c.id, b.id, a.id]
    assert [r.id for r in store.list(channel="sms")] == [a.id]
    assert [r.id for r in store.list(flag="surgery")] == [b.id]
    assert [r.id for r in store.list(flag="pregnancy")] == [a.id]
    assert store.list(flag="emergency_mentioned") == []
    assert [r.id for r in store.list(conversation_id="conv-x")] == [c.id]
    assert [r.id for r in store.list(limit=2)] == [c.id, b.id]
    store.set_status(b.id, "in_review", by="alice")
    assert [r.id for r in store.list(status="in_review")] == [b.id]
    assert [r.id for r in store.list(status="new")] == [c.id, a.id]
    assert [r.id for r in store.list(status="new", channel="rest")] == [c.id]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("jane", ["a"]),
        ("JANE DOE", ["a"]),
        ("  smith ", ["b"]),
        ("4165550199", ["b"]),
        ("+1514", ["c"]),
        ("555", ["c", "b"]),
        ("nobody", []),
    ],
)
def test_search_by_name_or_phone(store: RequestStore, term: str, expected: list) -> None:
    store.add(request("a", full_name="Jane Doe", phone="+16137221234"))
    store.add(request("b", full_name="John Smith", phone="+14165550199"))
    store.add(request("c", full_name="Marie Tremblay", phone="+15145550123"))
    assert [r.submission_key for r in store.list(search=term)] == expected


def test_search_does_not_look_at_health_answers(store: RequestStore) -> None:
    store.add(request("a", reason="migraines", answers={"reason": "migraines"}))
    assert store.list(search="migraines") == []


def test_status_history_and_count(store: RequestStore) -> None:
    a, _ = store.add(request("a"))
    b, _ = store.add(request("b"))
    store.add(request("c"))
    store.set_status(a.id, "in_review", by="alice")
    store.set_status(a.id, "contacted", by="bob")
    store.set_status(b.id, "closed", by="alice")
    history = store.history(a.id)
    assert [(h.status, h.changed_by) for h in history] == [("new", "assistant"), ("in_review", "alice"), ("contacted", "bob")]
    assert all(h.changed_at is not None for h in history)
    updated = store.get(a.id)
    assert updated.status == "contacted"
    assert updated.updated_at >= updated.created_at
    assert store.count_by_status() == {"new": 1, "in_review": 0, "contacted": 1, "booked": 0, "closed": 1}


def test_count_by_status_when_empty(store: RequestStore) -> None:
    assert store.count_by_status() == {status: 0 for status in STATUSES}


@pytest.mark.parametrize("status", ["", "done", "NEW", "deleted"])
def test_invalid_status_is_refused_and_nothing_changes(store: RequestStore, status: str) -> None:
    a, _ = store.add(request("a"))
    with pytest.raises(ValueError):
        store.set_status(a.id, status, by="alice")
    assert store.get(a.id).status == "new"
    assert len(store.history(a.id)) == 1


def test_notes_in_order(store: RequestStore) -> None:
    a, _ = store.add(request("a"))
    b, _ = store.add(request("b"))
    store.add_note(a.id, "alice", "left a voicemail")
    store.add_note(a.id, "bob", "booked for Tuesday")
    store.add_note(b.id, "alice", "other request")
    assert [(n.author, n.body) for n in store.notes(a.id)] == [("alice", "left a voicemail"), ("bob", "booked for Tuesday")]
    assert all(n.created_at is not None for n in store.notes(a.id))
    assert [n.body for n in store.notes(b.id)] == ["other request"]


def test_assign_and_unassign(store: RequestStore) -> None:
    a, _ = store.add(request("a"))
    store.assign(a.id, "alice")
    assert store.get(a.id).assigned_to == "alice"
    store.assign(a.id, None)
    assert store.get(a.id).assigned_to is None


def test_a_second_store_on_the_same_database_sees_the_rows(engine) -> None:
    first = RequestStore(engine)
    stored, _ = first.add(request("a"))
    assert RequestStore(engine, create=False).get(stored.id).submission_key == "a"


# --- kinds and urgency ---------------------------------------------------------------------------------


def message(key: str, kind: str = "message", **overrides: Any) -> ConsultationRequest:
    """A request without a screening, as the contact-request actions write it."""
    values: dict = dict(submission_key=key, conversation_id=f"conv-{key}", channel="socketio", kind=kind,
                        full_name="Sam Message", phone="", email="sam@example.com", contact_method="e-mail",
                        question_for_staff="Could someone call me back about my appointment?")
    values.update(overrides)
    return ConsultationRequest(**values)


def backdate(store: RequestStore, request_id: int, minutes: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(consultation_requests).where(consultation_requests.c.id == request_id)
                     .values(created_at=utcnow() - timedelta(minutes=minutes)))


def test_kind_defaults_to_consultation(store: RequestStore) -> None:
    stored, _ = store.add(request("a"))
    assert stored.kind == "consultation"
    assert not stored.urgent and stored.has_screening


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_round_trips(store: RequestStore, kind: str) -> None:
    stored, created = store.add(message("k", kind=kind))
    assert created
    again = store.get(stored.id)
    assert again.kind == kind
    assert again.question_for_staff == "Could someone call me back about my appointment?"
    assert again.answers == {} and again.reason == ""
    assert again.urgent is (kind == "after_treatment")
    assert again.has_screening is (kind == "consultation")


def test_new_flags_are_known_and_old_ones_kept() -> None:
    assert {"after_treatment_concern", "emergency_during_screening"} <= set(FLAGS)
    assert {"pregnancy", "nerve_condition", "facial_weakness", "surgery", "emergency_mentioned",
            "unsure_answer"} <= set(FLAGS)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [({"kind": "after-treatment"}, "unknown request kind"), ({"kind": ""}, "unknown request kind"),
     ({"flags": ["after_treatment"]}, "unknown flags")],
)
def test_an_unknown_kind_or_flag_is_refused_and_nothing_stored(store: RequestStore, overrides: dict,
                                                               error: str) -> None:
    with pytest.raises(ValueError, match=error):
        store.add(message("bad", **overrides))
    assert store.list() == []


def test_a_flagged_screening_is_urgent_too(store: RequestStore) -> None:
    stored, _ = store.add(request("a", flags=["after_treatment_concern", "emergency_during_screening"]))
    assert stored.kind == "consultation" and stored.urgent and stored.pinned
    assert stored.flags == ["after_treatment_concern", "emergency_during_screening"]


def test_urgent_requests_come_first_until_handled(store: RequestStore) -> None:
    old_urgent, _ = store.add(message("old-urgent", kind="after_treatment"))
    backdate(store, old_urgent.id, 300)
    plain, _ = store.add(request("plain"))
    backdate(store, plain.id, 60)
    flagged, _ = store.add(request("flagged", flags=["after_treatment_concern"]))
    backdate(store, flagged.id, 120)
    newest, _ = store.add(message("newest"))
    # Pinned ones first (newest first among them), then the rest newest first.
    assert [r.submission_key for r in store.list()] == ["flagged", "old-urgent", "newest", "plain"]
    assert store.count_pinned() == 2
    # Filters keep the order rule.
    assert [r.submission_key for r in store.list(status="new")] == ["flagged", "old-urgent", "newest", "plain"]
    assert [r.submission_key for r in store.list(limit=1)] == ["flagged"]
    store.set_status(flagged.id, "in_review", by="alice")
    assert store.list()[0].submission_key == "flagged"  # still open
    store.set_status(flagged.id, "contacted", by="alice")
    store.set_status(old_urgent.id, "closed", by="alice")
    assert store.count_pinned() == 0
    assert [r.submission_key for r in store.list()] == ["newest", "plain", "flagged", "old-urgent"]
    # Handled urgent requests are still urgent: the filter finds them.
    assert [r.submission_key for r in store.list(urgent=True)] == ["flagged", "old-urgent"]
    assert all(r.urgent and not r.pinned for r in store.list(urgent=True))


def test_filter_by_kind(store: RequestStore) -> None:
    store.add(request("a"))
    store.add(message("b"))
    store.add(message("c", kind="existing_patient"))
    store.add(message("d", kind="existing_patient"))
    assert [r.submission_key for r in store.list(kind="existing_patient")] == ["d", "c"]
    assert [r.submission_key for r in store.list(kind="message")] == ["b"]
    assert [r.submission_key for r in store.list(kind="consultation")] == ["a"]


def test_the_kind_is_part_of_the_submission(store: RequestStore) -> None:
    # Same key twice is one request whatever the second says (a retried action).
    first, _ = store.add(message("same", kind="after_treatment"))
    second, created = store.add(message("same", kind="message"))
    assert not created and second.kind == "after_treatment" and second.id == first.id


# --- migration of a database made before `kind` -----------------------------------------------------------


def old_table(metadata: MetaData) -> Table:
    """consultation_requests as it was before the kind and language columns."""
    return Table(consultation_requests.name, metadata,
                 *[c._copy() for c in consultation_requests.columns if c.name not in ("kind", "language")])


def check_migration(engine) -> None:
    old = old_table(MetaData())
    old.metadata.create_all(engine)
    now = utcnow()
    row = dict(submission_key="before", conversation_id="c0", channel="sms", reason="migraines", answers="{}",
               full_name="Old Row", phone="+16135550100", email="", contact_method="", contact_time="",
               question_for_staff="", flags="[]", status="new", created_at=now, updated_at=now)
    with engine.begin() as conn:
        conn.execute(insert(old).values(**row))
    assert "kind" not in {c["name"] for c in inspect(engine).get_columns(old.name)}

    create_all(engine)
    create_all(engine)  # idempotent
    columns = {c["name"]: c for c in inspect(engine).get_columns(old.name)}
    assert "kind" in columns and columns["kind"]["nullable"] is False
    assert "language" in columns and columns["language"]["nullable"] is False
    store = RequestStore(engine, create=False)
    (before,) = store.list()
    assert (before.submission_key, before.kind, before.full_name, before.language) == (
        "before", "consultation", "Old Row", "en")
    # An older process still writing without the column gets the default too.
    with engine.begin() as conn:
        conn.execute(insert(old).values(**{**row, "submission_key": "old-writer"}))
    assert store.by_submission_key("old-writer").kind == "consultation"
    # The migrated table takes the new kinds, and their status history.
    stored, _ = store.add(message("after", kind="after_treatment", language="fr"))
    assert (store.get(stored.id).kind, store.get(stored.id).language_name) == ("after_treatment", "French")
    assert store.list()[0].submission_key == "after"
    assert [h.status for h in store.history(stored.id)] == ["new"]
    with engine.connect() as conn:
        kinds = dict(conn.execute(select(consultation_requests.c.submission_key, consultation_requests.c.kind)).all())
    assert kinds == {"before": "consultation", "old-writer": "consultation", "after": "after_treatment"}


def test_migration_adds_kind_to_an_old_sqlite_table(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        check_migration(engine)
    finally:
        engine.dispose()


def test_migration_when_another_process_added_the_column_first(tmp_path, monkeypatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
    try:
        old_table(MetaData()).metadata.create_all(engine)
        create_all(engine)
        real_inspect = requests_module.inspect
        looks = []

        def stale_first_look(bind):
            # The first look predates the other process's ALTER TABLE; later looks see the column.
            inspector = real_inspect(bind)
            if not looks:
                looks.append(1)

                class Stale:
                    def get_columns(self, table):
                        return [c for c in inspector.get_columns(table) if c["name"] != "kind"]
                return Stale()
            return inspector

        monkeypatch.setattr(requests_module, "inspect", stale_first_look)
        requests_module.migrate(engine)  # the duplicate-column error is recognised, not raised
        assert RequestStore(engine, create=False).add(message("x"))[0].kind == "message"
    finally:
        engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Any]:
    """A throwaway PostgreSQL database, dropped afterwards; skipped (failed under CI) when there is none."""
    problem = postgres_problem()
    if problem:
        unavailable(problem)
    admin = postgres_connect()
    name = f"metro_requests_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(postgres_url(name, "postgresql+psycopg2"))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def test_migration_adds_kind_to_an_old_postgresql_table(pg_engine) -> None:
    check_migration(pg_engine)


def test_urgent_first_on_postgresql(pg_engine) -> None:
    store = RequestStore(pg_engine)
    urgent, _ = store.add(request("urgent", flags=["after_treatment_concern"]))
    backdate(store, urgent.id, 90)
    store.add(message("recent"))
    store.add(message("after", kind="after_treatment"))
    assert [r.submission_key for r in store.list()] == ["after", "urgent", "recent"]
    assert store.count_pinned() == 2
    assert [r.submission_key for r in store.list(urgent=True, kind="consultation")] == ["urgent"]



@pytest.mark.parametrize("language,stored,name", [("fr", "fr", "French"), ("en", "en", "English"), ("es", "en", "English"),
                                                  ("", "en", "English")])
def test_the_conversations_language_is_kept_and_named(store: RequestStore, language: str, stored: str, name: str) -> None:
    """A language the pages can't name is kept as English rather than refused: the request matters more."""
    saved, _ = store.add(message(f"lang-{language or 'none'}", language=language))
    again = store.get(saved.id)
    assert (again.language, again.language_name) == (stored, name)
