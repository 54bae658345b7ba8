"""The request store: one row per submission, filters, status history, notes, counts."""

from __future__ import annotations

from typing import Any

import pytest

from bot.store.requests import STATUSES, ConsultationRequest, RequestStore


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
