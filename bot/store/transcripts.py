"""Conversations as Rasa's SQL tracker store keeps them: transcripts, unanswered questions, purge.

Rasa owns the `events` table (it creates it on its first conversation); this module only reads
it, and deletes from it when the retention period has passed. A fresh database without the
table reads as empty.
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
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine

from bot.channels.guard import display_text
from bot.store.db import metadata, utcnow

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
SIMILARITY = 0.5
STOPWORDS = frozenset(
    "a an and are can could do does did for from have has i if in is it its me my of on or "
    "please should so that the there this to was what when where which will with would you your".split()
)


@dataclass
class TranscriptLine:
    """One message of a conversation, or a marker (session start, request sent to staff)."""

    kind: str  # "patient", "assistant" or "marker"
    text: str
    at: datetime
    channel: str = ""
    buttons: list[str] = field(default_factory=list)
    event_id: int = 0


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


def _when(timestamp: Optional[float]) -> datetime:
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


def _json(data: Optional[str]) -> dict[str, Any]:
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
            .where(rasa_events.c.type_name.in_(("user", "bot", "session_started", "action")))
            .order_by(rasa_events.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).fetchall()
        lines: list[TranscriptLine] = []
        channel = ""
        for row in rows:
            at = _when(row.timestamp)
            if row.type_name == "action":
                if row.action_name == HANDOFF_ACTION:
                    lines.append(TranscriptLine("marker", "Request sent to staff", at, channel, event_id=row.id))
                continue
            if row.type_name == "session_started":
                if lines:  # the first session start says nothing
                    lines.append(TranscriptLine("marker", "New session", at, channel, event_id=row.id))
                continue
            data = _json(row.data)
            if row.type_name == "user":
                channel = str(data.get("input_channel") or channel or "")
                lines.append(TranscriptLine("patient", display_text(data.get("text")), at, channel, event_id=row.id))
            else:
                buttons = [str(b.get("title") or "") for b in ((data.get("data") or {}).get("buttons") or [])
                           if isinstance(b, dict)]
                lines.append(
                    TranscriptLine("assistant", str(data.get("text") or ""), at, channel, buttons, event_id=row.id)
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
                    data = _json(row.data)
                    intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name") or row.intent_name
                    text = display_text(data.get("text")).strip()
                    if intent in UNANSWERED_INTENTS and text and not text.startswith("/"):
                        pending = UnansweredQuestion(
                            text[:500], normalise(text)[:500], _when(row.timestamp), row.sender_id, intent,
                            str(data.get("input_channel") or ""),
                        )
                    continue
                if pending is None:
                    continue
                done_by = row.action_name
                if row.type_name == "bot":
                    done_by = (_json(row.data).get("metadata") or {}).get("utter_action")
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
        return PurgeResult(counts.cutoff, counts.conversations, counts.events, handled_marks or 0)

    @staticmethod
    def _cutoff(older_than_days: int, now: Optional[datetime]) -> datetime:
        if older_than_days < 1:
            raise ValueError("the retention period is at least one day")
        return (now or utcnow()) - timedelta(days=older_than_days)


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
    "PurgeResult", "QuestionGroup", "RetentionCounts", "TranscriptLine", "TranscriptStore", "UnansweredQuestion",
    "add_events", "group_questions", "normalise", "rasa_events", "similar", "unanswered_handled",
]
