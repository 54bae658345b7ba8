"""Insights: aggregations over Rasa-shaped events and requests (SQLite and PostgreSQL), the SVG charts, the page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, update

from bot.settings import ROOT, Settings
from bot.staff.insights import (
    DateRange,
    bar_chart,
    clinic_zone,
    column_chart,
    conversations_per_day,
    duration,
    first_contact,
    parse_days,
    screening_funnel,
    top_topics,
    topic_titles,
    unanswered_over_time,
)
from bot.store.db import utcnow
from bot.store.requests import ConsultationRequest, RequestStore, consultation_requests, request_status_history
from tests.bot.test_audit import pg_database, pg_engine  # noqa: F401 - fixtures
from tests.bot.test_staff_auth import Staff, add_users, audit_actions, logged_in
from tests.bot.test_transcripts import Conversation, screening_conversation

SVG = "{http://www.w3.org/2000/svg}"
TORONTO = ZoneInfo("America/Toronto")
# Noon in Ottawa on 10 June 2026 (EDT, UTC-4): the last day of every range below.
NOW = datetime(2026, 6, 10, 16, 0)
WEEK = DateRange.last(7, TORONTO, now=NOW)  # 4 to 10 June, Ottawa days


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    """A test database of each kind (PostgreSQL as in production), with every project table."""
    return request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A naive UTC moment at `hour` o'clock Ottawa time on `day` June 2026."""
    local = datetime(2026, 6, day, hour, minute, tzinfo=TORONTO)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def chat(start: datetime, channel: str = "socketio") -> Conversation:
    conv = Conversation(start, channel=channel)
    return conv


def activate(conv: Conversation, form: str = "consultation_form") -> Conversation:
    conv.events.append(conv._at({"event": "action", "name": form}))
    conv.events.append(conv._at({"event": "active_loop", "name": form}))
    return conv


def consent(conv: Conversation, value: object) -> Conversation:
    conv.user("yes" if value else "no", "affirm" if value else "deny")
    conv.events.append(conv._at({"event": "slot", "name": "consent_given", "value": value}))
    return conv


def deactivate(conv: Conversation) -> Conversation:
    conv.events.append(conv._at({"event": "active_loop", "name": None}))
    return conv


def add_request(engine, key: str, created: datetime, kind: str = "consultation",
                changes: tuple[tuple[str, datetime], ...] = ()) -> int:
    stored, _ = RequestStore(engine).add(ConsultationRequest(
        submission_key=key, conversation_id=f"conv-{key}", channel="socketio", kind=kind, full_name="Jane Doe",
        phone="+16135550100", reason="jaw pain" if kind == "consultation" else "",
    ))
    with engine.begin() as conn:
        conn.execute(update(consultation_requests).where(consultation_requests.c.id == stored.id)
                     .values(created_at=created, updated_at=created))
        conn.execute(update(request_status_history).where(request_status_history.c.request_id == stored.id)
                     .values(changed_at=created))
        for status, moment in changes:
            conn.execute(insert(request_status_history).values(
                request_id=stored.id, status=status, changed_by="alice", changed_at=moment))
    return stored.id


# --- the range ---------------------------------------------------------------------------------------


def test_the_range_is_whole_days_in_the_clinics_zone() -> None:
    assert WEEK.first == date(2026, 6, 4) and WEEK.dates[-1] == date(2026, 6, 10) and len(WEEK.dates) == 7
    assert WEEK.start == datetime(2026, 6, 4, 4, 0)  # Ottawa midnight is 04:00 UTC in June
    assert WEEK.end == datetime(2026, 6, 11, 4, 0)
    utc_week = DateRange.last(7, timezone.utc, now=NOW)
    assert utc_week.start == datetime(2026, 6, 4) and utc_week.end == datetime(2026, 6, 11)
    # 02:00 UTC on the 10th is still the 9th in Ottawa.
    assert WEEK.local_date(datetime(2026, 6, 10, 2, 0)) == date(2026, 6, 9)
    quarter = DateRange.last(90, TORONTO, now=NOW)
    assert quarter.weekly and not WEEK.weekly
    assert all(day.weekday() == 0 for day in quarter.buckets[1:]) and len(quarter.buckets) in (13, 14)


@pytest.mark.parametrize("value, expected", [
    (None, 30), ("", 30), ("7", 7), ("30", 30), ("90", 90),
    ("8", None), ("0", None), ("-7", None), ("7.0", None), ("abc", None), ("9" * 50, None), ("٧", None), (" 7", None), ("+7", None),
])
def test_only_the_offered_ranges_are_accepted(value, expected) -> None:
    assert parse_days(value) == expected


def test_the_clinic_zone_falls_back_to_utc() -> None:
    assert clinic_zone("America/Toronto") == (TORONTO, True)
    assert clinic_zone("") == (timezone.utc, False)
    assert clinic_zone("Mars/Olympus_Mons") == (timezone.utc, False)
    assert clinic_zone("../../etc/passwd") == (timezone.utc, False)


# --- aggregations ------------------------------------------------------------------------------------


def test_conversations_per_day_by_channel(db) -> None:
    engine = db
    # Two messages in one conversation on one day count once; a conversation on two days counts on both.
    chat(at(5, 9), "socketio").user("hi", "greet").user("what is it?", "faq_what_is").save(engine, "web-1")
    chat(at(5, 10), "sms").user("hello", "greet").save(engine, "+16135550101")
    chat(at(5, 11), "twilio").user("hello", "greet").save(engine, "+16135550102")
    chat(at(5, 12), "rest").user("hello", "greet").save(engine, "rest-1")
    chat(at(6, 9), "socketio").user("back again", "greet").save(engine, "web-1")
    # 23:30 Ottawa on the 6th is the 7th in UTC: it belongs to the 6th.
    chat(at(6, 23, 28), "socketio").user("late", "greet").save(engine, "web-late")
    # Outside the range, and a conversation without a patient message.
    chat(at(3, 12), "socketio").user("too early", "greet").save(engine, "web-old")
    Conversation(at(8, 12), channel="socketio").save(engine, "web-silent")

    days = conversations_per_day(engine, WEEK)
    assert [d.day for d in days] == WEEK.dates
    by_day = {d.day: d.counts for d in days}
    assert by_day[date(2026, 6, 5)] == {"socketio": 1, "sms": 2, "rest": 1, "other": 0}
    assert by_day[date(2026, 6, 6)] == {"socketio": 2, "sms": 0, "rest": 0, "other": 0}
    assert sum(d.total for d in days) == 6


def test_a_database_without_rasas_table_reads_as_empty(engine) -> None:
    assert sum(d.total for d in conversations_per_day(engine, WEEK)) == 0
    assert [s.count for s in screening_funnel(engine, WEEK)] == [0, 0, 0, 0, 0]
    assert top_topics(engine, WEEK, {}) == []
    assert [c.count for c in unanswered_over_time(engine, WEEK)] == [0] * 7


def test_the_screening_funnel(db) -> None:
    engine = db
    # Three screenings started in the range: one consented, one declined, one left before the question.
    deactivate(consent(activate(chat(at(5)).user("book please", "book_consultation")), True)).save(engine, "a")
    consent(activate(chat(at(6)).user("book please", "book_consultation")), False).save(engine, "b")
    activate(chat(at(7)).user("book please", "book_consultation")).save(engine, "c")
    activate(chat(at(7)), "contact_form").save(engine, "d")  # a message to staff is not a screening
    consent(activate(chat(at(2))), True).save(engine, "old")  # before the range
    # Requests received: contacted then booked; contacted; only reviewed; a message (not a screening); too old.
    add_request(engine, "r1", at(5, 13), changes=(("in_review", at(5, 14)), ("contacted", at(5, 15)),
                                                  ("booked", at(6, 9))))
    add_request(engine, "r2", at(6, 13), changes=(("contacted", at(7, 9)), ("closed", at(8, 9))))
    add_request(engine, "r3", at(7, 13), changes=(("in_review", at(7, 14)),))
    add_request(engine, "r4", at(7, 13), kind="message", changes=(("contacted", at(7, 14)),))
    add_request(engine, "r5", at(1, 13), changes=(("contacted", at(5, 14)),))
    funnel = screening_funnel(engine, WEEK)
    assert [(s.label, s.count) for s in funnel] == [
        ("Started", 3), ("Consented", 1), ("Submitted", 3), ("Contacted", 2), ("Booked", 1),
    ]


def test_most_asked_topics_with_readable_titles(db) -> None:
    engine = db
    titles = topic_titles(ROOT / "domain.yml")
    assert titles["faq_conditions"] == "What it can treat"  # read from the domain's utter_topic_title_*
    conv = chat(at(5)).user("what can it treat?", "faq_conditions").user("is it safe?", "faq_safety_overview")
    conv.user("what does it treat", "faq_conditions").user("thanks", "thanks").user("for jaws?", "faq_conditions")
    # Inside the screening form, "jaw pain" classified as faq_conditions is an answer, not a question.
    activate(conv.user("book", "book_consultation")).user("jaw pain from clenching", "faq_conditions")
    conv.bot("Please list all the medications you take.", "utter_ask_medications")
    # A question asked instead of an answer, which the form answers, is a question.
    conv.user("is it safe with my migraine pills?", "faq_safety_overview")
    conv.bot("Safety information ...", "utter_faq_safety_overview").bot("Medications?", "utter_ask_medications")
    deactivate(conv).user("is it approved?", "faq_approval")
    conv.save(engine, "t1")
    chat(at(6), "sms").user("what is it", "faq_brand_new_topic").save(engine, "t2")
    chat(at(1)).user("what can it treat?", "faq_conditions").save(engine, "too-old")

    topics = top_topics(engine, WEEK, titles)
    assert [(t.intent, t.count) for t in topics][0] == ("faq_conditions", 3)
    assert {t.intent: t.count for t in topics} == {
        "faq_conditions": 3, "faq_safety_overview": 2, "faq_approval": 1, "faq_brand_new_topic": 1,
    }
    named = {t.intent: t.title for t in topics}
    assert named["faq_conditions"] == "What it can treat"
    assert named["faq_safety_overview"] == titles["faq_safety_overview"]
    assert named["faq_brand_new_topic"] == "Brand new topic"  # no title in the domain: the intent in words
    assert len(top_topics(engine, WEEK, titles, limit=2)) == 2


def test_unanswered_questions_per_day_and_per_week(db) -> None:
    engine = db
    chat(at(5, 9)).out_of_scope("do you do whitening?").out_of_scope("parking?").save(engine, "u1")
    chat(at(7, 9)).out_of_scope("are you open sundays?").save(engine, "u2")
    # Answered by the assistant, or an answer inside the screening: not unanswered.
    chat(at(7, 10)).user("what is it?", "faq_what_is").bot("It is ...", "utter_faq_what_is").save(engine, "u3")
    screening_conversation(start=at(8, 9)).save(engine, "u4")  # its last turn is one unanswered question
    chat(at(1, 9)).out_of_scope("too early?").save(engine, "u5")
    per_day = {c.day: c.count for c in unanswered_over_time(engine, WEEK)}
    assert per_day == {date(2026, 6, d): n for d, n in [(4, 0), (5, 2), (6, 0), (7, 1), (8, 1), (9, 0), (10, 0)]}
    quarter = DateRange.last(90, TORONTO, now=NOW)
    weekly = {c.day: c.count for c in unanswered_over_time(engine, quarter)}
    assert weekly[date(2026, 6, 1)] == 4 and weekly[date(2026, 6, 8)] == 1 and sum(weekly.values()) == 5


def test_median_time_to_first_contact(db) -> None:
    engine = db
    add_request(engine, "f1", at(5, 9), changes=(("in_review", at(5, 9, 30)), ("contacted", at(5, 11))))
    add_request(engine, "f2", at(5, 9), changes=(("contacted", at(5, 11)),))
    add_request(engine, "f3", at(6, 9), kind="after_treatment", changes=(("contacted", at(7, 13)),))
    add_request(engine, "f4", at(7, 9))  # still new
    add_request(engine, "f5", at(1, 9), changes=(("contacted", at(1, 9, 5)),))  # received before the range
    result = first_contact(engine, WEEK)
    assert (result.measured, result.waiting) == (3, 1)
    assert result.median_minutes == 120  # 30 min, 2 h, 28 h
    assert dict(result.buckets) == {"Under 1 hour": 1, "1 to 4 hours": 1, "4 to 24 hours": 0, "1 to 3 days": 1,
                                    "Over 3 days": 0}
    assert first_contact(engine, DateRange.last(7, TORONTO, now=NOW + timedelta(days=30))).median_minutes is None


def test_durations_read_well() -> None:
    assert [duration(m) for m in (None, 0, 35.4, 60, 250, 1440, 3000)] == [
        "—", "0 min", "35 min", "1 h", "4 h 10 min", "1 day", "2 days 2 h",
    ]


# --- SVG -----------------------------------------------------------------------------------------------


def test_a_bar_chart_parses_as_svg_with_one_bar_per_item_and_escaped_labels() -> None:
    items = [("Started", 12), ("Consented", 9), ("<script>alert(1)</script> & co", 0)]
    root = ET.fromstring(bar_chart("Screening funnel", items))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label") == "Screening funnel"
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "").split()]
    assert len(bars) == 3
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] > widths[1] > widths[2] == 0
    assert "<script>alert(1)</script> & co" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_column_chart_stacks_series_with_one_column_per_label() -> None:
    labels = ["Jun 4", "Jun 5", "Jun 6"]
    series = [("Website chat", "ch-socketio", [1, 0, 3]), ("SMS", "ch-sms", [2, 0, 0])]
    root = ET.fromstring(column_chart("Conversations", labels, series))
    columns = [g for g in root.iter(f"{SVG}g") if g.get("class") == "column"]
    assert len(columns) == 3
    segments = [[r for r in g.iter(f"{SVG}rect")] for g in columns]
    assert [len(s) for s in segments] == [2, 0, 1]  # zero values draw nothing
    first, third = segments[0], segments[2]
    assert first[0].get("class") == "bar ch-socketio" and first[1].get("class") == "bar ch-sms"
    # Both columns total 3: the stacked one is as tall as the single one.
    assert sum(float(r.get("height")) for r in first) == pytest.approx(float(third[0].get("height")), abs=0.2)
    empty = ET.fromstring(column_chart("Nothing", labels, [("x", "x", [0, 0, 0])]))
    assert not [r for r in empty.iter(f"{SVG}rect")]


# --- the page -------------------------------------------------------------------------------------------


@pytest.fixture
def staff(engine) -> Staff:
    add_users(engine)
    return logged_in(Staff(engine))


def test_the_page_needs_a_login(engine) -> None:
    add_users(engine)
    response = Staff(engine).client.get("/staff/insights?days=7", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"].startswith("/staff/login?next=")
    assert audit_actions(engine, "view_insights") == []


@pytest.mark.parametrize("days", ["8", "abc", "-30", "1e3", "30;drop", "9" * 400])
def test_a_bad_range_is_a_400_not_a_500(staff: Staff, days: str) -> None:
    response = staff.client.get("/staff/insights", params={"days": days})
    assert response.status_code == 400
    assert "7, 30 or 90" in response.text


def test_the_page_shows_charts_and_tables_counts_only_and_is_audited(staff: Staff) -> None:
    now = utcnow()
    conv = screening_conversation("my private jaw story", start=now - timedelta(hours=2))
    conv.user("what can it treat?", "faq_conditions")
    conv.save(staff.engine, "page-1")
    add_request(staff.engine, "p1", now - timedelta(hours=1), changes=(("contacted", now - timedelta(minutes=20)),))
    response = staff.client.get("/staff/insights?days=7")
    assert response.status_code == 200
    page = response.text
    assert page.count("<svg") == 5 and page.count("<caption") == 5
    assert '<th scope="col">Website chat</th>' in page and '<th scope="row">Started</th>' in page
    assert '<th scope="row">What it can treat</th>' in page
    assert "40 min</strong> median" in page
    assert 'href="/staff/insights"' in page  # in the navigation
    assert 'value="7" selected' in page
    assert "the clinic's time zone, America/Toronto" in page  # CLINIC_TIMEZONE's default
    # Nothing a patient typed, nor a patient's name or number.
    for private in ("my private jaw story", "advil sometimes", "how much does it cost", "Jane Doe", "6135550100"):
        assert private not in page
    assert "<script" not in page
    assert audit_actions(staff.engine, "view_insights") == ["view_insights"]


def test_the_default_range_is_thirty_days(staff: Staff) -> None:
    page = staff.client.get("/staff/insights").text
    assert 'value="30" selected' in page
    assert page.count('<g class="column">') == 30 + 30  # conversations per day and unanswered per day


@dataclass(frozen=True)
class ZonedSettings(Settings):
    """Settings with the clinic's zone, whether or not bot/settings.py has the field yet."""

    clinic_timezone: str = "America/Toronto"


def test_days_follow_the_clinics_time_zone_when_it_is_set(engine) -> None:
    add_users(engine)
    zoned = logged_in(Staff(engine, ZonedSettings(database_url="sqlite://")))
    page = zoned.client.get("/staff/insights?days=7").text
    assert "the clinic's time zone, America/Toronto" in page and "no clinic time zone is set" not in page
