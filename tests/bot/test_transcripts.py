"""Transcripts, unanswered questions and the purge, read from Rasa's `events` table."""

from __future__ import annotations

import asyncio
import io
from contextlib import redirect_stdout
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

import pytest
from sqlalchemy import func, select

from bot.channels.guard import NEUTRALISER
from bot.purge import main as purge_main
from bot.purge import run as run_purge
from bot.store.audit import AuditLog
from bot.store.db import create_all, utcnow
from bot.store.redaction import REDACTED_LABEL, Redactor, domain_responses
from bot.store.requests import ConsultationRequest, RequestStore
from bot.store.sms import SmsStore
from bot.store.transcripts import (
    DISCARDED_MARKER,
    DOMAIN_FILE,
    TranscriptStore,
    UnansweredQuestion,
    add_events,
    group_questions,
    normalise,
    rasa_events,
    similar,
)
from tests.bot.test_request_store import pg_engine  # noqa: F401 - the PostgreSQL fixture (fails under CI)
from tests.bot.test_tracker_store import tables_holding

# --- events as Rasa's SQL tracker store writes them ---------------------------------------------


def epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


class Conversation:
    """Builds one conversation's events with increasing timestamps."""

    def __init__(self, start: Optional[datetime] = None, channel: str = "rest") -> None:
        self.clock = epoch(start or utcnow() - timedelta(minutes=30))
        self.channel = channel
        self.events: list[dict[str, Any]] = [
            self._at({"event": "action", "name": "action_session_start"}),
            self._at({"event": "session_started"}),
            self._at({"event": "action", "name": "action_listen"}),
        ]

    def _at(self, event: dict[str, Any]) -> dict[str, Any]:
        self.clock += 1.5
        return {**event, "timestamp": self.clock}

    def user(self, text: str, intent: str = "inform", confidence: float = 0.9) -> Conversation:
        self.events.append(self._at({
            "event": "user", "text": text, "input_channel": self.channel, "message_id": f"m{len(self.events)}",
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text},
        }))
        return self

    def bot(self, text: str, utter_action: str = "", buttons: tuple = ()) -> Conversation:
        if utter_action:
            self.events.append(self._at({"event": "action", "name": utter_action}))
        self.events.append(self._at({
            "event": "bot", "text": text, "metadata": {"utter_action": utter_action} if utter_action else {},
            "data": {"buttons": [{"title": t, "payload": t} for t in buttons]},
        }))
        self.events.append(self._at({"event": "action", "name": "action_listen"}))
        return self

    def form_answer(self, text: str, intent: str, slot: str, next_question: str) -> Conversation:
        """A screening answer: the form takes the text as a slot, whatever NLU thought of it."""
        self.user(text, intent)
        self.events.append(self._at({"event": "action", "name": "consultation_form"}))
        self.events.append(self._at({"event": "slot", "name": slot, "value": text}))
        self.events.append(self._at({
            "event": "bot", "text": next_question, "metadata": {"utter_action": "utter_ask_next"}, "data": {}
        }))
        self.events.append(self._at({"event": "action", "name": "action_listen"}))
        return self

    def handoff(self, reply: str = "Thank you. Your request is with the team.") -> Conversation:
        self.events.append(self._at({"event": "action", "name": "action_submit_consultation"}))
        self.events.append(self._at({"event": "bot", "text": reply, "metadata": {}, "data": {}}))
        return self

    def out_of_scope(self, text: str) -> Conversation:
        return self.user(text, "out_of_scope", 0.99).bot(
            "I'm sorry — I don't have that information.", "utter_out_of_scope", ("Pass my question to the team",)
        )

    def save(self, engine, sender: str) -> Conversation:
        add_events(engine, sender, self.events)
        return self


def screening_conversation(reason: str = "jaw pain from clenching", start: Optional[datetime] = None) -> Conversation:
    """A short screening: consent, a reason, an answer NLU called out_of_scope, the handoff, a question."""
    conv = Conversation(start)
    conv.user("I'd like to book a consultation", "book_consultation").bot(
        "Before we start: may I ask a few questions?", "utter_ask_consent_given", ("Yes", "No"))
    conv.form_answer("Yes", "affirm", "consent_given", "What brings you to us?")
    conv.form_answer(reason, "faq_conditions", "reason", "Please list all the medications you take.")
    # In the form, "advil sometimes" is an answer even though NLU called it out_of_scope.
    conv.form_answer("advil sometimes", "out_of_scope", "medications", "Any surgery to your face?")
    conv.handoff()
    conv.out_of_scope("how much does it cost?")
    return conv


# --- transcripts --------------------------------------------------------------------------------


def test_a_fresh_database_without_rasas_table_reads_as_empty(engine) -> None:
    store = TranscriptStore(engine)
    assert store.has_events() is False
    assert store.transcript("anyone") == []
    assert store.unanswered() == []
    assert store.question_groups() == []
    counts = store.retention_counts(90)
    assert (counts.conversations, counts.events) == (0, 0)
    result = store.purge(90)
    assert (result.conversations, result.events) == (0, 0)


def test_transcript_in_order_with_channel_buttons_and_the_handoff(engine) -> None:
    screening_conversation().save(engine, "conv-1")
    Conversation(channel="socketio").user("someone else's chat", "greet").save(engine, "conv-2")
    lines = TranscriptStore(engine).transcript("conv-1")
    said = [(line.kind, line.text) for line in lines]
    assert said[:3] == [
        ("patient", "I'd like to book a consultation"),
        ("assistant", "Before we start: may I ask a few questions?"),
        ("patient", "Yes"),
    ]
    assert ("patient", "advil sometimes") in said
    handoff = said.index(("marker", "Request sent to staff"))
    # Before and after the handoff: the question asked after it is there too.
    assert said.index(("patient", "how much does it cost?")) > handoff > said.index(("patient", "advil sometimes"))
    assert all(text != "someone else's chat" for _, text in said)
    assert {line.channel for line in lines} == {"rest"}
    assert lines[1].buttons == ["Yes", "No"]
    times = [line.at for line in lines]
    assert times == sorted(times) and isinstance(times[0], datetime)


def test_a_second_session_is_marked(engine) -> None:
    conv = Conversation().user("hello", "greet")
    conv.events.append(conv._at({"event": "action", "name": "action_session_start"}))
    conv.events.append(conv._at({"event": "session_started"}))
    conv.user("hello again", "greet").save(engine, "conv-s")
    kinds = [(line.kind, line.text) for line in TranscriptStore(engine).transcript("conv-s")]
    assert kinds == [("patient", "hello"), ("marker", "New session"), ("patient", "hello again")]


def test_the_forced_intent_neutraliser_is_not_shown(engine) -> None:
    Conversation().user(NEUTRALISER + '/inform{"phone":"+16135550000"}', "nlu_fallback").save(engine, "conv-n")
    (line,) = TranscriptStore(engine).transcript("conv-n")
    assert line.text == '/inform{"phone":"+16135550000"}'


def test_reads_what_rasas_own_sql_tracker_store_wrote(tmp_path: Path) -> None:
    """The schema and JSON we read are the ones Rasa 3.6 writes, not our guess of them."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.store.db import create_all, make_engine

    db = tmp_path / "rasa.db"
    rasa_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker.from_events("rasa-conv", [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("how much does it cost?", {"name": "out_of_scope", "confidence": 0.99},
                    input_channel="socketio"),
        ActionExecuted("utter_out_of_scope"),
        BotUttered("I don't have that information.", {"buttons": [{"title": "Pass it on", "payload": "/x"}]},
                   {"utter_action": "utter_out_of_scope"}),
        ActionExecuted("action_listen"),
    ])
    asyncio.run(rasa_store.save(tracker))
    engine = make_engine(f"sqlite:///{db}")
    create_all(engine)
    store = TranscriptStore(engine)
    lines = store.transcript("rasa-conv")
    assert [(line.kind, line.text, line.channel) for line in lines] == [
        ("patient", "how much does it cost?", "socketio"),
        ("assistant", "I don't have that information.", "socketio"),
    ]
    assert lines[1].buttons == ["Pass it on"]
    (question,) = store.unanswered()
    assert (question.text, question.intent, question.channel) == ("how much does it cost?", "out_of_scope", "socketio")
    engine.dispose()


# --- unanswered questions -----------------------------------------------------------------------


def test_only_questions_the_bot_could_not_answer_are_listed(engine) -> None:
    screening_conversation().save(engine, "conv-1")
    conv = Conversation()
    conv.user("zzkq blorp?", "nlu_fallback", 0.2).bot("Sorry, I didn't get that. Could you rephrase?", "utter_fallback")
    conv.user("what are the side effects?", "faq_side_effects").bot("Side effects include ...", "utter_faq")
    conv.user("/request_human", "out_of_scope").bot("I don't have that.", "utter_out_of_scope")  # a button
    conv.save(engine, "conv-2")
    in_form = Conversation()
    in_form.user("do you take my insurance?", "out_of_scope")
    in_form.events.append(in_form._at({"event": "action", "name": "consultation_form"}))
    in_form.events.append(in_form._at({
        "event": "bot", "text": "I've added your question to your request.",
        "metadata": {"utter_action": "utter_out_of_scope_in_form"}, "data": {},
    }))
    in_form.save(engine, "conv-3")
    found = {(q.text, q.intent, q.conversation_id) for q in TranscriptStore(engine).unanswered()}
    assert found == {
        ("how much does it cost?", "out_of_scope", "conv-1"),
        ("zzkq blorp?", "nlu_fallback", "conv-2"),
        ("do you take my insurance?", "out_of_scope", "conv-3"),
    }  # not "advil sometimes": the form took it as an answer


def test_normalise_and_similarity() -> None:
    assert normalise("  How MUCH does it cost?!  ") == "how much does it cost"
    assert normalise("Est-ce que ça coûte cher?") == "est ce que ca coute cher"
    assert similar("how much does it cost", "how much does botox cost")
    assert similar("how much does it cost", "how much does it costs")
    assert not similar("how much does it cost", "do you take insurance")
    assert not similar("is there parking", "how much does it cost")


def q(text: str, minutes_ago: int) -> UnansweredQuestion:
    return UnansweredQuestion(text, normalise(text), utcnow() - timedelta(minutes=minutes_ago), "c", "out_of_scope", "rest")


def test_groups_have_counts_latest_dates_and_biggest_first() -> None:
    groups = group_questions([
        q("how much does it cost?", 50), q("Do you take insurance?", 40), q("How much does it cost", 30),
        q("how much does botox cost?", 20), q("do you take insurance", 10), q("is there parking?", 5),
    ])
    assert [(g.label, g.count) for g in groups] == [
        ("how much does botox cost?", 3), ("do you take insurance", 2), ("is there parking?", 1),
    ]
    assert groups[0].variants == ["How much does it cost"]  # distinct wordings; the label and repeats left out
    assert groups[0].latest == groups[0].questions[0].at
    assert len({g.key for g in groups}) == 3


def test_mark_handled_hides_a_group_until_it_is_asked_again(engine) -> None:
    Conversation(utcnow() - timedelta(hours=2)).out_of_scope("how much does it cost?").out_of_scope(
        "Do you take insurance?").save(engine, "conv-a")
    store = TranscriptStore(engine)
    cost = next(g for g in store.question_groups() if "cost" in g.label)
    assert store.mark_handled(cost.key, by="alice") is not None
    remaining = store.question_groups()
    assert [g.label for g in remaining] == ["Do you take insurance?"]
    handled = [g for g in store.question_groups(include_handled=True) if g.handled]
    assert [(g.label, g.handled_by) for g in handled] == [("how much does it cost?", "alice")]
    assert store.mark_handled("no-such-group", by="alice") is None
    # Asked again after it was marked: back on the list, with both askings counted.
    Conversation(utcnow() + timedelta(minutes=1)).out_of_scope("How much does it cost??").save(engine, "conv-b")
    again = next(g for g in store.question_groups() if "cost" in g.label)
    assert again.count == 2 and again.key == cost.key and not again.handled


# --- retention and purge ---------------------------------------------------------------------------


def seed_old_and_new(engine) -> RequestStore:
    old = utcnow() - timedelta(days=120)
    screening_conversation("migraines", start=old).save(engine, "old-conv")
    screening_conversation("jaw pain", start=utcnow() - timedelta(days=5)).save(engine, "new-conv")
    requests = RequestStore(engine)
    for conv in ("old-conv", "new-conv"):
        requests.add(ConsultationRequest(submission_key=f"{conv}:0", conversation_id=conv, channel="rest",
                                         reason="migraines", full_name="Jane Doe", phone="+16137221234"))
    return requests


def event_count(engine, sender: Optional[str] = None) -> int:
    query = select(func.count()).select_from(rasa_events)
    if sender:
        query = query.where(rasa_events.c.sender_id == sender)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_retention_counts(engine) -> None:
    seed_old_and_new(engine)
    counts = TranscriptStore(engine).retention_counts(90)
    assert counts.conversations == 1
    assert counts.events == event_count(engine, "old-conv")
    assert TranscriptStore(engine).retention_counts(1).conversations == 2


def test_purge_removes_old_transcripts_keeps_requests_and_is_idempotent(engine) -> None:
    requests = seed_old_and_new(engine)
    store = TranscriptStore(engine)
    store.mark_handled(store.question_groups()[0].key, by="alice")
    before_new = event_count(engine, "new-conv")
    old_events = event_count(engine, "old-conv")
    result = store.purge(90)
    assert (result.conversations, result.events) == (1, old_events)
    assert event_count(engine, "old-conv") == 0
    assert event_count(engine, "new-conv") == before_new
    assert store.transcript("old-conv") == []
    assert store.transcript("new-conv") != []
    # The structured requests belong to the patient's record: all still there.
    assert sorted(r.conversation_id for r in requests.list()) == ["new-conv", "old-conv"]
    assert requests.history(requests.list(conversation_id="old-conv")[0].id)
    again = store.purge(90)
    assert (again.conversations, again.events, again.handled_marks) == (0, 0, 0)
    assert len(requests.list()) == 2


def test_purge_drops_handled_marks_older_than_the_period(engine) -> None:
    Conversation().out_of_scope("how much does it cost?").save(engine, "c")
    store = TranscriptStore(engine)
    store.mark_handled(store.question_groups()[0].key, by="alice")
    assert store.purge(30, now=utcnow() + timedelta(days=31)).handled_marks == 1


def test_purge_refuses_a_period_under_one_day(engine) -> None:
    with pytest.raises(ValueError):
        TranscriptStore(engine).purge(0)


def test_purge_command_prints_counts_only(engine) -> None:
    seed_old_and_new(engine)
    old_events = event_count(engine, "old-conv")
    out = io.StringIO()
    with redirect_stdout(out):
        assert purge_main(["--days", "90", "--dry-run"], engine=engine) == 0
    assert f"{old_events} events in 1 conversations" in out.getvalue() and "nothing deleted" in out.getvalue()
    assert event_count(engine, "old-conv") == old_events
    out = io.StringIO()
    with redirect_stdout(out):
        assert purge_main(["--days", "90"], engine=engine) == 0
    text = out.getvalue()
    assert f"purged {old_events} events in 1 conversations" in text
    for patient_text in ("migraines", "jaw pain", "advil", "Jane", "cost"):
        assert patient_text not in text
    assert event_count(engine, "old-conv") == 0
    (entry,) = AuditLog(engine).entries(actor="purge-command")
    assert entry.action == "purge" and str(old_events) in entry.detail
    with redirect_stdout(io.StringIO()):
        assert purge_main(["--days", "90"], engine=engine) == 0
    assert len(RequestStore(engine).list()) == 2


# --- messages removed at the patient's request ------------------------------------------------------

CANARY_REASON = "zebrafinch ache in my jaw"
CANARY_NAME = "Wilhelmina Quixotic"
CANARIES = ("zebrafinch", "wilhelmina", "quixotic")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request):
    """The test database of each kind, with every project table."""
    if request.param == "sqlite":
        return request.getfixturevalue("engine")
    pg = request.getfixturevalue("pg_engine")
    create_all(pg)
    return pg


def asked(name: str) -> str:
    """A question of the form in the domain's web wording."""
    return next(v["text"] for v in domain_responses(DOMAIN_FILE)[name] if not v.get("channel"))


def begin_screening(conv: Conversation, opening: str = "I'd like to book a consultation") -> Conversation:
    """The message that starts the form, its activation, and three answers (the last one read back)."""
    conv.user(opening, "book_consultation")
    conv.events.append(conv._at({"event": "action", "name": "consultation_form"}))
    conv.events.append(conv._at({"event": "active_loop", "name": "consultation_form"}))
    conv.events.append(conv._at({"event": "bot", "text": asked("utter_ask_reason"), "data": {},
                                 "metadata": {"utter_action": "utter_ask_reason"}}))
    conv.events.append(conv._at({"event": "action", "name": "action_listen"}))
    conv.form_answer("yes", "affirm", "consent_given", asked("utter_ask_reason"))
    conv.form_answer(CANARY_REASON, "out_of_scope", "reason", asked("utter_ask_medications"))
    conv.form_answer(CANARY_NAME, "inform", "full_name", f"Thanks, {CANARY_NAME}. Your phone number?")
    return conv


def new_session(conv: Conversation, at: datetime) -> Conversation:
    conv.clock = epoch(at)
    conv.events += [conv._at({"event": "action", "name": "action_session_start"}),
                    conv._at({"event": "session_started"}),
                    conv._at({"event": "action", "name": "action_listen"})]
    return conv


def discarded(conv: Conversation, since: float) -> Conversation:
    """The action's marker, as a discarding action leaves it (the store redacts; here it is trusted)."""
    conv.user("stop", "stop")
    conv.events += [conv._at({"event": "action", "name": "action_cancel_consultation"}),
                    conv._at({"event": "slot", "name": "redact_since", "value": since}),
                    conv._at({"event": "active_loop", "name": None}),
                    conv._at({"event": "slot", "name": "redact_since", "value": None})]
    return conv


def first_screening_message(conv: Conversation) -> float:
    return next(e["timestamp"] for e in conv.events if e.get("text") == "I'd like to book a consultation")


def user_texts(engine, sender: str) -> list[str]:
    store = TranscriptStore(engine)
    return [line.text for line in store.transcript(sender) if line.kind == "patient"]


def test_removed_messages_show_as_removed_and_are_no_unanswered_questions(engine) -> None:
    conv = Conversation().out_of_scope("do you park cars?")
    start = len(conv.events)
    conv.out_of_scope("is quokkamycin safe with it?")
    redactor = Redactor.from_responses(domain_responses(DOMAIN_FILE))
    conv.events[start:] = redactor.redact(conv.events[start:])
    conv.save(engine, "removed")
    store = TranscriptStore(engine)
    lines = [line for line in store.transcript("removed") if line.kind == "patient"]
    assert [(line.text, line.redacted) for line in lines] == [
        ("do you park cars?", False), (REDACTED_LABEL, True)]
    assert [q.text for q in store.unanswered()] == ["do you park cars?"]


def test_unfinished_screenings_are_redacted_by_the_purge_once_they_cannot_go_on(any_engine) -> None:
    engine = any_engine
    now = utcnow()
    # Left two hours ago, after a question: the screening goes, the question stays.
    left = begin_screening(Conversation(now - timedelta(hours=2)).out_of_scope("do you park cars?")).save(
        engine, "left")
    # Submitted: the patient's request (kept until the retention purge).
    begin_screening(Conversation(now - timedelta(hours=2))).handoff().save(engine, "submitted")
    # Twenty minutes of quiet: the patient may still come back and finish.
    begin_screening(Conversation(now - timedelta(minutes=20))).save(engine, "recent")
    # Left in yesterday's session; the patient is back now (a new session): that screening can't go on.
    back = begin_screening(Conversation(now - timedelta(days=1)))
    new_session(back, now - timedelta(minutes=5)).user("what are the side effects?", "faq_side_effects").save(
        engine, "came-back")
    # Stopped: the discarding action's marker says the store has already redacted it.
    stopped = begin_screening(Conversation(now - timedelta(hours=3)))
    discarded(stopped, first_screening_message(stopped)).save(engine, "stopped")
    sms = SmsStore(engine)
    sms.claim("SM-left", now=now - timedelta(hours=2) + timedelta(seconds=30), conversation_id="left")
    sms.complete("SM-left", f"<Response><Message>Thanks, {CANARY_NAME}</Message></Response>")

    result = TranscriptStore(engine).redact_abandoned_screenings(now=now)

    assert (result.conversations, result.sms_replies) == (2, 1)
    holding = {table for table, _ in tables_holding(engine, CANARIES)}
    assert holding == {"events"}  # only in the conversations that keep them:
    for sender in ("left", "came-back"):
        texts = user_texts(engine, sender)
        assert not any(c in " ".join(texts).lower() for c in CANARIES)
        assert REDACTED_LABEL in texts
    assert user_texts(engine, "left")[0] == "do you park cars?"  # before the screening
    assert user_texts(engine, "came-back")[-1] == "what are the side effects?"  # the new session
    for sender in ("submitted", "recent", "stopped"):
        assert CANARY_REASON in user_texts(engine, sender)
    assert sms.claim("SM-left").twiml == ""
    assert len(left.events) == event_count(engine, "left")  # rewritten, not deleted

    again = TranscriptStore(engine).redact_abandoned_screenings(now=now)
    assert (again.conversations, again.events) == (0, 0)  # idempotent
    later = TranscriptStore(engine).redact_abandoned_screenings(now=now + timedelta(hours=1))
    assert later.conversations == 1 and CANARY_REASON not in user_texts(engine, "recent")


def test_a_dry_run_counts_and_changes_nothing(engine) -> None:
    begin_screening(Conversation(utcnow() - timedelta(hours=2))).save(engine, "left")
    result = TranscriptStore(engine).redact_abandoned_screenings(dry_run=True)
    assert (result.conversations, result.events) == (1, 8)  # 4 messages, 3 slots, "Thanks, <name>"
    assert CANARY_REASON in user_texts(engine, "left")


def test_the_purge_redacts_unfinished_screenings_and_says_how_many(engine) -> None:
    begin_screening(Conversation(utcnow() - timedelta(hours=2))).save(engine, "left")
    result = run_purge(engine, 90)
    assert (result.abandoned_screenings, result.abandoned_events) == (1, 8)
    (entry,) = AuditLog(engine).entries(actor="purge-command")
    assert entry.detail.endswith("8 events of 1 unfinished screenings redacted")
    assert tables_holding(engine, CANARIES) == []


def test_a_form_ended_by_a_discard_is_not_shown_as_sent(engine) -> None:
    conv = begin_screening(Conversation())
    since = first_screening_message(conv)
    conv.user("no, don't send it", "deny")
    conv.events += [conv._at({"event": "action", "name": "action_submit_consultation"}),
                    conv._at({"event": "bot", "text": "Okay, nothing was sent.", "data": {}, "metadata": {}}),
                    conv._at({"event": "slot", "name": "redact_since", "value": since}),
                    conv._at({"event": "slot", "name": "redact_since", "value": None})]
    conv.save(engine, "discarded")
    discarded(begin_screening(Conversation()), since).save(engine, "stopped")
    markers = [line.text for line in TranscriptStore(engine).transcript("discarded") if line.kind == "marker"]
    assert markers == [DISCARDED_MARKER]
    markers = [line.text for line in TranscriptStore(engine).transcript("stopped") if line.kind == "marker"]
    assert markers == [DISCARDED_MARKER]


def test_an_unfinished_short_message_is_redacted_too_and_a_sent_one_kept(engine) -> None:
    for sender, sent in (("message-left", False), ("message-sent", True)):
        conv = Conversation(utcnow() - timedelta(hours=2)).user("can someone call me back", "request_human")
        conv.events.append(conv._at({"event": "active_loop", "name": "contact_form"}))
        conv.form_answer(CANARY_NAME, "inform", "message_name", "What's the best phone number?")
        if sent:
            conv.events.append(conv._at({"event": "action", "name": "action_submit_message"}))
        conv.save(engine, sender)
    assert TranscriptStore(engine).redact_abandoned_screenings().conversations == 1
    assert CANARY_NAME not in user_texts(engine, "message-left")
    assert CANARY_NAME in user_texts(engine, "message-sent")
