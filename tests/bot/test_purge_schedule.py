"""The daily purge: one runner across servers, what it removes, the last run; marks keep no question text."""

from __future__ import annotations

import io
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from bot import purge
from bot.purge import EVERY, JOB, LEASE, RETRY, DailyPurge, last_run, run_scheduled
from bot.store.audit import AuditLog
from bot.store.db import create_all, make_engine, utcnow
from bot.store.jobs import JobSchedule, scheduled_jobs
from bot.store.sms import SmsStore, sms_messages
from bot.store.transcripts import TranscriptStore, mark_key, normalise, unanswered_handled
from tests.bot.test_request_store import pg_engine  # noqa: F401 - the PostgreSQL fixture
from tests.bot.test_staff_auth import Staff, add_users, logged_in
from tests.bot.test_transcripts import event_count, screening_conversation, seed_old_and_new

# --- handled marks keep a hash, never the question ------------------------------------------------


def stored_mark_keys(engine) -> list[str]:
    with engine.connect() as conn:
        return [row.question_key for row in conn.execute(select(unanswered_handled.c.question_key))]


def test_a_handled_mark_stores_a_hash_of_the_question(engine) -> None:
    screening_conversation().save(engine, "conv-1")
    store = TranscriptStore(engine)
    (group,) = store.question_groups()
    store.mark_handled(group.key, by="alice")
    keys = stored_mark_keys(engine)
    assert keys == [mark_key(normalise("how much does it cost?"))]
    assert not any("cost" in key for key in keys)
    # Still recognised as handled.
    assert store.question_groups() == []
    assert [g.handled_by for g in store.question_groups(include_handled=True)] == ["alice"]


def test_the_purge_hashes_marks_written_with_the_question_text(engine) -> None:
    screening_conversation().save(engine, "conv-1")
    with engine.begin() as conn:
        conn.execute(insert(unanswered_handled).values(
            question_key=normalise("how much does it cost?"), handled_by="alice", handled_at=utcnow()))
    store = TranscriptStore(engine)
    store.purge(90)
    assert stored_mark_keys(engine) == [mark_key("how much does it cost")]
    assert store.question_groups() == []  # the old mark still counts


def test_nothing_of_a_purged_question_is_left_in_its_mark(engine) -> None:
    # Asked 100 days ago, marked handled today: the purge removes the question, and the mark
    # that outlives it holds no words of it.
    screening_conversation(start=utcnow() - timedelta(days=100)).save(engine, "old-conv")
    store = TranscriptStore(engine)
    store.mark_handled(store.question_groups()[0].key, by="alice")
    store.purge(90)
    assert event_count(engine, "old-conv") == 0
    (key,) = stored_mark_keys(engine)
    assert "cost" not in key and len(key) == 64


# --- one runner ------------------------------------------------------------------------------------


def test_one_claim_wins_and_the_job_is_not_due_again_for_a_day(engine) -> None:
    now = utcnow()
    a, b = JobSchedule(engine), JobSchedule(engine)
    assert a.claim(JOB, "server-a", LEASE, now=now) is True
    assert b.claim(JOB, "server-b", LEASE, now=now) is False
    a.finish(JOB, "server-a", ok=True, detail="0 events", next_due=now + EVERY, now=now)
    assert b.claim(JOB, "server-b", LEASE, now=now + timedelta(hours=23)) is False
    assert b.claim(JOB, "server-b", LEASE, now=now + EVERY) is True


def test_the_lease_of_a_runner_that_died_expires(engine) -> None:
    now = utcnow()
    schedule = JobSchedule(engine)
    assert schedule.claim(JOB, "died", LEASE, now=now)
    assert not schedule.claim(JOB, "other", LEASE, now=now + LEASE - timedelta(seconds=1))
    assert not schedule.claim(JOB, "other", LEASE, now=now, force=True)  # not even a manual run
    assert schedule.claim(JOB, "other", LEASE, now=now + LEASE + timedelta(seconds=1))
    # The dead runner's late finish does not release the new holder's lease.
    schedule.finish(JOB, "died", ok=True, detail="late", next_due=now)
    state = schedule.state(JOB)
    assert state.lease_holder == "other" and state.last_detail is None


def race(engine_factory, runners: int = 6) -> list[bool]:
    """`runners` threads, each with its own engine (as separate servers), claim at the same moment."""
    engines = [engine_factory() for _ in range(runners)]
    barrier = threading.Barrier(runners)
    results: list[bool] = [False] * runners

    def claim(i: int) -> None:
        barrier.wait()
        results[i] = JobSchedule(engines[i]).claim(JOB, f"server-{i}", LEASE)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for eng in engines:
        eng.dispose()
    return results


def test_racing_servers_on_sqlite_one_claims(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    create_all(make_engine(url))
    assert sorted(race(lambda: make_engine(url))) == [False] * 5 + [True]


def test_racing_servers_on_postgresql_one_claims(pg_engine) -> None:  # noqa: F811 - the fixture
    create_all(pg_engine)
    url = pg_engine.url.render_as_string(hide_password=False)
    assert sorted(race(lambda: make_engine(url))) == [False] * 5 + [True]


# --- the scheduled purge ---------------------------------------------------------------------------


def test_the_scheduled_purge_removes_old_transcripts_and_sms_replies_once_a_day(engine) -> None:
    seed_old_and_new(engine)
    sms = SmsStore(engine)
    sms.claim("SM-old", now=utcnow() - timedelta(days=2))
    sms.complete("SM-old", "<Response><Message>Summary: jaw pain, metoprolol</Message></Response>")
    sms.claim("SM-new")
    old_events = event_count(engine, "old-conv")

    result = run_scheduled(engine, 90, holder="server-a")
    assert (result.conversations, result.events, result.sms_replies) == (1, old_events, 1)
    assert event_count(engine, "old-conv") == 0 and event_count(engine, "new-conv") > 0
    with engine.connect() as conn:
        assert [r.message_sid for r in conn.execute(select(sms_messages.c.message_sid))] == ["SM-new"]

    state = last_run(engine)
    assert state.last_ok is True and state.last_holder == "server-a" and state.lease_holder is None
    assert state.last_detail == (f"{old_events} events of 1 conversations older than 90 days, "
                                 "0 handled-question marks, 1 stored SMS replies")
    assert state.due_at == state.last_started_at + EVERY
    (entry,) = AuditLog(engine).entries(actor="purge-schedule")
    assert entry.detail == state.last_detail

    assert run_scheduled(engine, 90, holder="server-b") is None  # already done today
    assert run_scheduled(engine, 90, holder="server-b", now=state.due_at) is not None


def test_a_failed_purge_is_recorded_and_tried_again_soon(engine, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(purge, "run", broken)
    with pytest.raises(RuntimeError):
        run_scheduled(engine, 90, holder="server-a")
    state = last_run(engine)
    assert (state.last_ok, state.last_detail, state.lease_holder) == (False, "failed: RuntimeError", None)
    assert state.due_at == state.last_started_at + RETRY


def test_the_in_process_runner_logs_a_failure_and_keeps_serving(engine, monkeypatch, caplog) -> None:
    monkeypatch.setattr(purge, "run", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full: jane doe")))
    assert DailyPurge("sqlite://", 90, holder="server-a").check(engine) is None
    assert "scheduled purge failed: OSError" in caplog.text
    assert "jane" not in caplog.text


def test_the_in_process_runner_purges_at_start(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    engine = make_engine(url)
    create_all(engine)
    seed_old_and_new(engine)
    runner = DailyPurge(url, 90, check_every=3600, holder="server-a").start()
    try:
        deadline = time.monotonic() + 60
        while (last_run(engine) is None or last_run(engine).last_finished_at is None) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.stop()
    assert last_run(engine).last_ok is True
    assert event_count(engine, "old-conv") == 0
    engine.dispose()


# --- the command -----------------------------------------------------------------------------------


def run_command(argv: list[str], engine) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = purge.main(argv, engine=engine)
    return code, out.getvalue(), err.getvalue()


def test_if_due_runs_only_when_no_purge_ran_today(engine) -> None:
    seed_old_and_new(engine)
    code, out, _ = run_command(["--days", "90", "--if-due"], engine)
    assert code == 0 and out.startswith("purged ")
    code, out, _ = run_command(["--days", "90", "--if-due"], engine)
    assert code == 0 and out.startswith("not due: the last purge started")
    # A manual run is not held back by the schedule, and shows as the last run.
    code, out, _ = run_command(["--days", "90"], engine)
    assert code == 0 and out.startswith("purged 0 events")
    assert last_run(engine).last_holder == purge.runner_name()
    assert [e.actor for e in AuditLog(engine).entries()][:2] == ["purge-command", "purge-command"]


def test_a_manual_run_waits_for_a_purge_in_progress(engine) -> None:
    JobSchedule(engine).claim(JOB, "server-a:123", LEASE)
    code, _, err = run_command(["--days", "90"], engine)
    assert code == 1 and "another purge is running (server-a:123)" in err


# --- the retention page shows the last run ----------------------------------------------------------


def test_the_retention_page_shows_the_last_purge(engine) -> None:
    from bot.clinic_time import format_when, zone_of

    add_users(engine)
    admin = logged_in(Staff(engine), "root")
    page = admin.client.get("/staff/retention").text
    assert "No purge has run yet." in page and 'id="last-purge-at"' not in page

    seed_old_and_new(engine)
    old_events = event_count(engine, "old-conv")
    run_scheduled(engine, 90, holder="server-a:42")
    state = last_run(engine)
    page = admin.client.get("/staff/retention").text
    # Shown in the clinic's time zone (CLINIC_TIMEZONE, bot/clinic_time.py), like every time on the pages.
    zone = zone_of(admin.settings.clinic_timezone)
    assert f'<dd id="last-purge-at">{format_when(state.last_finished_at, zone)}</dd>' in page
    assert '<dd id="last-purge-result">done</dd>' in page
    assert (f'<dd id="last-purge-detail">{old_events} events of 1 conversations older than 90 days, '
            "0 handled-question marks, 0 stored SMS replies</dd>") in page
    assert "server-a:42" in page
    assert f'<dd id="next-purge-at">{format_when(state.due_at, zone)} or soon after</dd>' in page
    assert '<dd id="old-conversations">0</dd>' in page


def test_the_retention_page_says_when_a_purge_is_running_or_failed(engine, monkeypatch) -> None:
    add_users(engine)
    admin = logged_in(Staff(engine), "root")
    JobSchedule(engine).claim(JOB, "server-b:7", LEASE)
    assert "A purge is running now (server-b:7, since" in admin.client.get("/staff/retention").text
    with engine.begin() as conn:  # that runner died; its lease ran out
        conn.execute(scheduled_jobs.update().values(lease_until=utcnow() - timedelta(minutes=1)))
    monkeypatch.setattr(purge, "run", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(RuntimeError):
        run_scheduled(engine, 90, holder="server-a:42", force=True)
    page = admin.client.get("/staff/retention").text
    assert '<dd id="last-purge-result">failed: tried again at the next run below</dd>' in page
    assert '<dd id="last-purge-detail">failed: RuntimeError</dd>' in page
