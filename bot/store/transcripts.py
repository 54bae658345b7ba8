"""Conversations as Rasa's SQL tracker store keeps them: transcripts, unanswered questions, purge.

Rasa owns the `events` table (it creates it on its first conversation); this module reads it,
deletes from it when the retention period has passed, and rewrites the events of screenings left
unfinished (redact_abandoned_screenings). A fresh database without the table reads as empty.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine

from bot.channels.guard import display_text
from bot.settings import ROOT
from bot.store.db import metadata, utcnow
from bot.store.redaction import (
    REDACT_SLOT,
    REDACTED_LABEL,
    Redactor,
    domain_responses,
    is_redacted,
    session_expiry_minutes,
)

# Rasa's schema (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), on a metadata of its own so
# our create_all never creates or alters Rasa's table.
_rasa_metadata = MetaData()
rasa_events = Table(
    "events",
    _rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

unanswered_handled = Table(
    "unanswered_handled",
    metadata,
    Column("id", Integer, primary_key=True),
    # mark_key() of the normalised question (a hash: the mark must not keep the question's text
    # after the purge removed the question); a group counts as handled when marked after its
    # latest question.
    Column("question_key", Text, nullable=False),
    Column("handled_by", String(100), nullable=False),
    Column("handled_at", DateTime, nullable=False, default=utcnow, index=True),
)

UNANSWERED_INTENTS = ("out_of_scope", "nlu_fallback")
# What the bot does when it has no answer. Inside the screening form an "out_of_scope" message is
# usually an answer (a medication name, a reason) and is not a question at all: only a turn the
# bot answered with one of these counts.
DEFLECTIONS = frozenset(
    {
        "utter_out_of_scope",
        "utter_out_of_scope_in_form",
        "utter_fallback",
        "utter_default",
        "action_default_fallback",
    }
)
HANDOFF_ACTION = "action_submit_consultation"
# Each ends its form: it submits, or (with a redact_since marker) discards what was typed.
HANDOFF_ACTIONS = (HANDOFF_ACTION, "action_submit_message")
# Forms whose answers nobody has agreed to keep until they are submitted.
SCREENING_FORMS = ("consultation_form", "contact_form")
SENT_MARKER = "Request sent to staff"
DISCARDED_MARKER = "Answers removed at the patient's request; nothing sent"
DOMAIN_FILE = ROOT / "domain.yml"
SIMILARITY = 0.5
STOPWORDS = frozenset(
    "a an and are can could do does did for from have has i if in is it its me my of on or "
    "please should so that the there this to was what when where which will with would you your".split()
)


@dataclass
class TranscriptLine:
    """One message of a conversation, or a marker (session start, request sent to staff)."""

    kind: str  # "patient", "assistant", "marker" or "staff" (a message from the front desk)
    text: str
    at: datetime
    channel: str = ""
    buttons: list[str] = field(default_factory=list)
    event_id: int = 0
    redacted: bool = False  # removed at the patient's request (text is REDACTED_LABEL)
    sender: str = ""  # kind "staff": the staff member who wrote it (bot/store/staff_messages.py)
    status: str = ""  # kind "staff": its delivery state


@dataclass
class UnansweredQuestion:
    text: str
    key: str
    at: datetime
    conversation_id: str
    intent: str
    channel: str


@dataclass
class QuestionGroup:
    """Similar unanswered questions, newest first."""

    key: str
    questions: list[UnansweredQuestion]
    handled_by: Optional[str] = None
    handled_at: Optional[datetime] = None

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def latest(self) -> datetime:
        return max(q.at for q in self.questions)

    @property
    def label(self) -> str:
        return self.questions[0].text

    @property
    def variants(self) -> list[str]:
        """Distinct wordings, newest first, the label excluded."""
        seen = {self.questions[0].key}
        out: list[str] = []
        for question in self.questions[1:]:
            if question.key not in seen:
                seen.add(question.key)
                out.append(question.text)
        return out

    @property
    def handled(self) -> bool:
        return self.handled_at is not None and self.handled_at >= self.latest


@dataclass
class RetentionCounts:
    cutoff: datetime
    conversations: int
    events: int


@dataclass
class PurgeResult:
    cutoff: datetime
    conversations: int
    events: int
    handled_marks: int
    sms_replies: int = 0
    abandoned_screenings: int = 0  # conversations whose unfinished screening was redacted
    abandoned_events: int = 0
    staff_messages: int = 0  # texts from staff (bot/store/staff_messages.py), gone with the transcript


@dataclass
class RedactionResult:
    """Screenings left unfinished whose typed answers were (or, in a dry run, would be) removed."""

    conversations: int
    events: int
    sms_replies: int = 0


def event_time(timestamp: Optional[float]) -> datetime:
    """Rasa's epoch seconds as the naive UTC datetimes the rest of the store uses."""
    return datetime.fromtimestamp(float(timestamp or 0.0), timezone.utc).replace(tzinfo=None)


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def normalise(text: str) -> str:
    """Lower-case words without punctuation or accents, for grouping similar questions."""
    value = unicodedata.normalize("NFKD", display_text(text)).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", value.lower()))


def mark_key(question_key: str) -> str:
    """What a handled mark stores for a normalised question: its SHA-256, not its text."""
    return hashlib.sha256(question_key.encode("utf-8")).hexdigest()


MARK_KEY = re.compile(r"^[0-9a-f]{64}$")


def _tokens(key: str) -> frozenset:
    words = key.split()
    content = frozenset(w for w in words if w not in STOPWORDS)
    return content or frozenset(words)


def similar(a: str, b: str) -> bool:
    """Two normalised questions are alike: shared content words, or nearly the same letters."""
    if a == b:
        return True
    ta, tb = _tokens(a), _tokens(b)
    if ta and tb and len(ta & tb) / len(ta | tb) >= SIMILARITY:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def group_questions(questions: Sequence[UnansweredQuestion]) -> list[QuestionGroup]:
    """Greedy clustering, oldest first so a group's key (its first question) stays put."""
    groups: list[QuestionGroup] = []
    for question in sorted(questions, key=lambda q: q.at):
        for group in groups:
            if any(similar(question.key, other.key) for other in group.questions[:20]):
                group.questions.append(question)
                break
        else:
            key = hashlib.sha256(question.key.encode("utf-8")).hexdigest()[:16]
            groups.append(QuestionGroup(key, [question]))
    for group in groups:
        group.questions.sort(key=lambda q: q.at, reverse=True)
    groups.sort(key=lambda g: (g.count, g.latest), reverse=True)
    return groups


def event_data(data: Optional[str]) -> dict[str, Any]:
    """An events row's JSON as a dict (empty when it is missing or not an object)."""
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class TranscriptStore:
    """Reads Rasa's events; purges them past the retention period."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def has_events(self) -> bool:
        return inspect(self.engine).has_table("events")

    # --- transcripts ------------------------------------------------------------------

    def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        """Every message of a conversation in order, with session starts and handoffs marked."""
        if not self.has_events():
            return []
        query = (
            select(rasa_events.c.id, rasa_events.c.type_name, rasa_events.c.timestamp,
                   rasa_events.c.action_name, rasa_events.c.data)
            .where(rasa_events.c.sender_id == conversation_id)
            .where(or_(rasa_events.c.type_name.in_(("user", "bot", "session_started", "action")),
                       and_(rasa_events.c.type_name == "slot", rasa_events.c.data.like(f'%"{REDACT_SLOT}"%'))))
            .order_by(rasa_events.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).fetchall()
        lines: list[TranscriptLine] = []
        channel = ""
        for row in rows:
            at = event_time(row.timestamp)
            if row.type_name == "action":
                if row.action_name in HANDOFF_ACTIONS:
                    lines.append(TranscriptLine("marker", SENT_MARKER, at, channel, event_id=row.id))
                continue
            if row.type_name == "slot":
                data = event_data(row.data)
                if data.get("name") == REDACT_SLOT and data.get("value") is not None:
                    # The form's ending action discarded the answers: nothing went to staff.
                    ending = next((line for line in reversed(lines) if line.kind != "assistant"), None)
                    if ending is not None and ending.kind == "marker" and ending.text == SENT_MARKER:
                        ending.text = DISCARDED_MARKER
                    else:
                        lines.append(TranscriptLine("marker", DISCARDED_MARKER, at, channel, event_id=row.id))
                continue
            if row.type_name == "session_started":
                if lines:  # the first session start says nothing
                    lines.append(TranscriptLine("marker", "New session", at, channel, event_id=row.id))
                continue
            data = event_data(row.data)
            removed = is_redacted(data.get("text"))
            if row.type_name == "user":
                channel = str(data.get("input_channel") or channel or "")
                text = REDACTED_LABEL if removed else display_text(data.get("text"))
                lines.append(TranscriptLine("patient", text, at, channel, event_id=row.id, redacted=removed))
            else:
                buttons = [str(b.get("title") or "") for b in ((data.get("data") or {}).get("buttons") or [])
                           if isinstance(b, dict)]
                text = REDACTED_LABEL if removed else str(data.get("text") or "")
                lines.append(
                    TranscriptLine("assistant", text, at, channel, buttons, event_id=row.id, redacted=removed)
                )
        return lines

    # --- unanswered questions -----------------------------------------------------------

    def unanswered(self, since: Optional[datetime] = None) -> list[UnansweredQuestion]:
        """Patient messages classified out_of_scope or nlu_fallback that the bot deflected."""
        if not self.has_events():
            return []
        senders = (
            select(rasa_events.c.sender_id)
            .where(rasa_events.c.type_name == "user", rasa_events.c.intent_name.in_(UNANSWERED_INTENTS))
            .distinct()
        )
        query = (
            select(rasa_events.c.id, rasa_events.c.sender_id, rasa_events.c.type_name, rasa_events.c.timestamp,
                   rasa_events.c.intent_name, rasa_events.c.action_name, rasa_events.c.data)
            .where(rasa_events.c.sender_id.in_(senders))
            .where(rasa_events.c.type_name.in_(("user", "bot", "action")))
            .order_by(rasa_events.c.sender_id, rasa_events.c.id)
        )
        if since is not None:
            query = query.where(rasa_events.c.timestamp >= _epoch(since))
        found: list[UnansweredQuestion] = []
        pending: Optional[UnansweredQuestion] = None
        sender = None
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                if row.sender_id != sender or row.type_name == "user":
                    pending, sender = None, row.sender_id
                if row.type_name == "user":
                    data = event_data(row.data)
                    intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name") or row.intent_name
                    text = display_text(data.get("text")).strip()
                    if is_redacted(data.get("text")):
                        continue  # removed at the patient's request: not a question to show
                    if intent in UNANSWERED_INTENTS and text and not text.startswith("/"):
                        pending = UnansweredQuestion(
                            text[:500], normalise(text)[:500], event_time(row.timestamp), row.sender_id, intent,
                            str(data.get("input_channel") or ""),
                        )
                    continue
                if pending is None:
                    continue
                done_by = row.action_name
                if row.type_name == "bot":
                    done_by = (event_data(row.data).get("metadata") or {}).get("utter_action")
                if done_by in DEFLECTIONS:
                    found.append(pending)
                    pending = None
        return found

    def question_groups(self, include_handled: bool = False) -> list[QuestionGroup]:
        """Unanswered questions grouped by similarity, with their handled marks."""
        groups = group_questions(self.unanswered())
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(unanswered_handled.c.question_key, unanswered_handled.c.handled_by,
                       unanswered_handled.c.handled_at).order_by(unanswered_handled.c.handled_at)
            ).fetchall()
        marks = {row.question_key: (row.handled_by, row.handled_at) for row in rows}  # latest wins
        for group in groups:
            for question in group.questions:
                mark = marks.get(mark_key(question.key))
                if mark and (group.handled_at is None or mark[1] > group.handled_at):
                    group.handled_by, group.handled_at = mark
        return [g for g in groups if include_handled or not g.handled]

    def mark_handled(self, group_key: str, by: str) -> Optional[QuestionGroup]:
        """Mark every wording in a group handled; it comes back if asked again later."""
        group = next((g for g in self.question_groups(include_handled=True) if g.key == group_key), None)
        if group is None:
            return None
        now = utcnow()
        keys = sorted({mark_key(q.key) for q in group.questions})
        with self.engine.begin() as conn:
            conn.execute(
                insert(unanswered_handled),
                [{"question_key": key, "handled_by": by, "handled_at": now} for key in keys],
            )
        group.handled_by, group.handled_at = by, now
        return group

    # --- retention --------------------------------------------------------------------

    def retention_counts(self, older_than_days: int, now: Optional[datetime] = None) -> RetentionCounts:
        """How many conversations hold events older than the retention period, and how many events."""
        cutoff = self._cutoff(older_than_days, now)
        if not self.has_events():
            return RetentionCounts(cutoff, 0, 0)
        old = rasa_events.c.timestamp < _epoch(cutoff)
        with self.engine.connect() as conn:
            conversations = conn.execute(
                select(func.count(func.distinct(rasa_events.c.sender_id))).where(old)
            ).scalar_one()
            events = conn.execute(select(func.count()).select_from(rasa_events).where(old)).scalar_one()
        return RetentionCounts(cutoff, int(conversations), int(events))

    def purge(self, older_than_days: int, now: Optional[datetime] = None) -> PurgeResult:
        """Delete every tracker event older than the period; consultation requests stay (idempotent).

        Events go one by one rather than whole conversations, because an SMS conversation (the
        sender id is the phone number) can go on for years. Rasa reads only the current session,
        which expires after an hour, so removing old sessions does not disturb it.
        """
        counts = self.retention_counts(older_than_days, now)
        handled_marks = 0
        with self.engine.begin() as conn:
            if counts.events:
                conn.execute(delete(rasa_events).where(rasa_events.c.timestamp < _epoch(counts.cutoff)))
            # What staff wrote to the patient is part of the conversation: it goes with it.
            from bot.store.staff_messages import purge as purge_staff_messages

            staff_texts = purge_staff_messages(conn, counts.cutoff)
            # A mark older than the cutoff covers only questions that are now gone.
            handled_marks = conn.execute(
                delete(unanswered_handled).where(unanswered_handled.c.handled_at < counts.cutoff)
            ).rowcount
            # Marks written before they were hashed hold the question's text: hash them in place.
            for row in conn.execute(select(unanswered_handled.c.id, unanswered_handled.c.question_key)).fetchall():
                if not MARK_KEY.match(row.question_key):
                    conn.execute(
                        update(unanswered_handled).where(unanswered_handled.c.id == row.id)
                        .values(question_key=mark_key(row.question_key))
                    )
        return PurgeResult(counts.cutoff, counts.conversations, counts.events, handled_marks or 0,
                           staff_messages=staff_texts)

    # --- screenings left unfinished ------------------------------------------------------------

    def redact_abandoned_screenings(
        self,
        now: Optional[datetime] = None,
        dry_run: bool = False,
        redactor: Optional[Redactor] = None,
        idle_minutes: Optional[float] = None,
    ) -> RedactionResult:
        """Remove what patients typed in screenings they left: begun, never submitted, never discarded.

        When a patient stops, declines or switches to a short message, the action says so and the
        tracker store redacts at once (bot/store/tracker.py). A patient who simply goes quiet sends
        nothing: Rasa notices an expired session only when the next message comes, which may be
        never, so no code runs "at expiry". Such screenings are redacted here, by the purge, the
        same way (bot/store/redaction.py), once they can no longer go on:
        - a later session started in the conversation (Rasa never loads an earlier session again), or
        - the conversation's last event is older than the session expiry (60 minutes; the domain's
          session_expiration_time): the next message starts a new session and slots are not carried
          over, so the screening cannot be resumed. Until then the patient may come back and finish,
          which is why this does not happen sooner.
        Waiting for the idle period also keeps clear of the Rasa server's event cache, which serves
        a conversation for at most 15 idle minutes (UrlSQLTrackerStore cache_idle_seconds): nothing
        rewritten here can still be served from memory. Answers stay in the database until the next
        purge run, so run it at least daily (more often shortens that). A screening's window runs
        from its first patient message (the one that started the form) to the next session start or
        restart, or the end of the conversation; a submitted screening is the patient's request and
        is kept until the retention purge. Idempotent: a second run rewrites nothing.
        """
        if not self.has_events():
            return RedactionResult(0, 0)
        now = now or utcnow()
        idle = timedelta(minutes=idle_minutes if idle_minutes is not None else session_expiry_minutes(DOMAIN_FILE))
        quiet_since = _epoch(now - idle)
        with self.engine.connect() as conn:
            senders = [
                row[0] for row in conn.execute(
                    select(rasa_events.c.sender_id).where(rasa_events.c.type_name == "active_loop").distinct()
                )
            ]
        result = RedactionResult(0, 0)
        for sender in senders:
            with self.engine.begin() as conn:
                rows = conn.execute(
                    select(rasa_events.c.id, rasa_events.c.type_name, rasa_events.c.timestamp,
                           rasa_events.c.action_name, rasa_events.c.data)
                    .where(rasa_events.c.sender_id == sender).order_by(rasa_events.c.id)
                ).fetchall()
                quiet = max((row.timestamp or 0.0) for row in rows) < quiet_since
                windows = [(start, end) for start, end, expired in _unfinished_screenings(rows) if expired or quiet]
                if not windows:
                    continue
                if redactor is None:
                    redactor = Redactor.from_responses(domain_responses(DOMAIN_FILE))
                changes = []
                for start, end in windows:
                    inside = [(row.id, event_data(row.data)) for row in rows
                              if row.timestamp is not None and start <= row.timestamp < end]
                    rewritten = redactor.redact([data for _, data in inside])
                    changes += [{"row_id": row_id, "data": json.dumps(new)}
                                for (row_id, old), new in zip(inside, rewritten, strict=True) if new != old]
                replies = 0
                if not dry_run:
                    if changes:
                        conn.execute(
                            rasa_events.update().where(rasa_events.c.id == bindparam("row_id"))
                            .values(data=bindparam("data")),
                            changes,
                        )
                    from bot.store.sms import clear_replies

                    replies = clear_replies(conn, sender, event_time(min(start for start, _ in windows)))
                if changes or replies:
                    result.conversations += 1
                    result.events += len(changes)
                    result.sms_replies += replies
        return result

    @staticmethod
    def _cutoff(older_than_days: int, now: Optional[datetime]) -> datetime:
        if older_than_days < 1:
            raise ValueError("the retention period is at least one day")
        return (now or utcnow()) - timedelta(days=older_than_days)


def _unfinished_screenings(rows: Sequence[Any]) -> list[tuple[float, float, bool]]:
    """(start, end, ended by a later session) of each screening in a conversation's event rows
    (in id order) that was begun and neither submitted nor discarded (a redact_since marker)."""
    found: list[tuple[float, float, bool]] = []
    start: Optional[float] = None
    last_user: Optional[float] = None
    for row in rows:
        at = float(row.timestamp or 0.0)
        if row.type_name in ("session_started", "restart"):
            if start is not None:
                found.append((start, at, row.type_name == "session_started"))
                start = None
        elif row.type_name == "user":
            last_user = at
        elif row.type_name == "active_loop" and event_data(row.data).get("name") in SCREENING_FORMS:
            if start is None:
                start = last_user if last_user is not None else at
        elif row.type_name == "action" and row.action_name in HANDOFF_ACTIONS:
            start = None
        elif row.type_name == "slot":
            data = event_data(row.data)
            if data.get("name") == REDACT_SLOT and data.get("value") is not None:
                start = None
    if start is not None:
        found.append((start, float("inf"), False))
    return found


def add_events(engine: Engine, sender_id: str, events: Iterable[dict[str, Any]]) -> None:
    """Write events the way Rasa's SQLTrackerStore does (for tests, fixtures and screenshots)."""
    rasa_events.create(engine, checkfirst=True)
    rows = []
    for event in events:
        parse = event.get("parse_data") or {}
        rows.append(
            {
                "sender_id": sender_id,
                "type_name": event["event"],
                "timestamp": event.get("timestamp"),
                "intent_name": (parse.get("intent") or {}).get("name"),
                "action_name": event.get("name"),
                "data": json.dumps(event),
            }
        )
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(rasa_events), rows)


__all__ = [
    "PurgeResult", "QuestionGroup", "RedactionResult", "RetentionCounts", "TranscriptLine", "TranscriptStore",
    "UnansweredQuestion",
    "add_events", "group_questions", "normalise", "rasa_events", "similar", "unanswered_handled",
]
