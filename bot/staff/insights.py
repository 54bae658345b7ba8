"""Insights for the staff: counts over a date range, and their charts as server-rendered SVG.

Everything here is counts and topic names, never what a patient typed: the page is meant to be safe
on a shared screen. The aggregations take an Engine and a DateRange and return dataclasses; the SVG
functions are pure (strings in, a string out), so both are tested without a browser.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from html import escape
from pathlib import Path
from statistics import median
from typing import Any, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from bot.store.db import utcnow
from bot.store.requests import consultation_requests, request_status_history
from bot.store.transcripts import SCREENING_FORMS, TranscriptStore, event_data, event_time, rasa_events

RANGES = (7, 30, 90)
DEFAULT_RANGE = 30
# Longer ranges are counted per week (Monday first), so the bars stay readable.
WEEKLY_FROM_DAYS = 60
TOP_TOPICS = 10

# The widget is the socket.io channel; our SMS channel calls itself "sms" (older rows may say "twilio").
CHANNELS = (("socketio", "Website chat"), ("sms", "SMS"), ("rest", "REST"), ("other", "Other"))
CHANNEL_OF = {"socketio": "socketio", "sms": "sms", "twilio": "sms", "rest": "rest"}
SCREENING_FORM = "consultation_form"
# Every page question is answered by a response named utter_faq_<topic>[_variant] (actions/common.py).
FAQ_RESPONSE_PREFIX = "utter_faq_"
CONSENT_SLOT = "consent_given"
FUNNEL_STEPS = ("Started", "Consented", "Submitted", "Contacted", "Booked")
# A request was contacted once its history reached one of these ("booked" implies contact).
CONTACTED = ("contacted", "booked")
# How long requests waited for their first status change, for the distribution chart.
WAIT_BUCKETS = ((1, "Under 1 hour"), (4, "1 to 4 hours"), (24, "4 to 24 hours"), (72, "1 to 3 days"),
                (None, "Over 3 days"))


# --- the range and the clinic's time zone ---------------------------------------------------------

def clinic_zone(name: str) -> tuple[tzinfo, bool]:
    """The clinic's zone from CLINIC_TIMEZONE, and whether it was found (UTC otherwise)."""
    if name:
        try:
            return ZoneInfo(name), True
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.utc, False


def parse_days(value: Optional[str]) -> Optional[int]:
    """The range asked for: one of RANGES, the default when absent, None when it is anything else."""
    if value is None or value == "":
        return DEFAULT_RANGE
    # An exact match: int() would also take " 7", "+7" and other scripts' digits.
    return int(value) if value in {str(n) for n in RANGES} else None


@dataclass(frozen=True)
class DateRange:
    """Whole days in the clinic's zone, the last one being today; `start`/`end` are naive UTC."""

    first: date
    days: int
    zone: tzinfo

    @classmethod
    def last(cls, days: int, zone: tzinfo, now: Optional[datetime] = None) -> DateRange:
        today = (now or utcnow()).replace(tzinfo=timezone.utc).astimezone(zone).date()
        return cls(today - timedelta(days=days - 1), days, zone)

    @property
    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def _utc(self, day: date) -> datetime:
        return datetime.combine(day, time(), self.zone).astimezone(timezone.utc).replace(tzinfo=None)

    @property
    def start(self) -> datetime:
        return self._utc(self.first)

    @property
    def end(self) -> datetime:
        return self._utc(self.first + timedelta(days=self.days))

    @property
    def weekly(self) -> bool:
        return self.days >= WEEKLY_FROM_DAYS

    def local_date(self, moment: datetime) -> date:
        """The clinic's date of a naive UTC moment."""
        return moment.replace(tzinfo=timezone.utc).astimezone(self.zone).date()

    def bucket(self, day: date) -> date:
        """The day itself, or the Monday of its week on a weekly range."""
        return day - timedelta(days=day.weekday()) if self.weekly else day

    @property
    def buckets(self) -> list[date]:
        return list(dict.fromkeys(self.bucket(d) for d in self.dates))


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


# --- records ---------------------------------------------------------------------------------------

@dataclass
class DayCount:
    day: date
    count: int


@dataclass
class ChannelDay:
    day: date
    counts: dict[str, int]  # channel key (CHANNELS) -> conversations

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class FunnelStep:
    label: str
    count: int


@dataclass
class Topic:
    intent: str
    title: str
    count: int


@dataclass
class FirstContact:
    """How long requests received in the range waited for their first status change away from "new"."""

    median_minutes: Optional[float]
    measured: int  # requests that have had a first change
    waiting: int  # requests still "new"
    buckets: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Insights:
    range: DateRange
    conversations: list[ChannelDay]
    funnel: list[FunnelStep]
    topics: list[Topic]
    unanswered: list[DayCount]
    first_contact: FirstContact


# --- aggregations ---------------------------------------------------------------------------------

def _events(engine: Engine, span: DateRange, types: Sequence[str]) -> list[Any]:
    if not TranscriptStore(engine).has_events():
        return []
    query = (
        select(rasa_events.c.sender_id, rasa_events.c.type_name, rasa_events.c.timestamp,
               rasa_events.c.intent_name, rasa_events.c.data)
        .where(rasa_events.c.type_name.in_(types))
        .where(rasa_events.c.timestamp >= _epoch(span.start), rasa_events.c.timestamp < _epoch(span.end))
        .order_by(rasa_events.c.sender_id, rasa_events.c.id)
    )
    with engine.connect() as conn:
        return conn.execute(query).fetchall()


def conversations_per_day(engine: Engine, span: DateRange) -> list[ChannelDay]:
    """Distinct conversations with at least one patient message on each day, by channel."""
    seen: set[tuple[str, date]] = set()
    counts: dict[date, Counter] = defaultdict(Counter)
    for row in _events(engine, span, ("user",)):
        day = span.local_date(event_time(row.timestamp))
        if (row.sender_id, day) in seen:
            continue
        seen.add((row.sender_id, day))
        channel = str(event_data(row.data).get("input_channel") or "")
        counts[day][CHANNEL_OF.get(channel, "other")] += 1
    return [ChannelDay(day, {key: counts[day][key] for key, _ in CHANNELS}) for day in span.dates]


def screening_funnel(engine: Engine, span: DateRange) -> list[FunnelStep]:
    """Screenings started and consented to (tracker events), submitted, contacted and booked (requests).

    Each step counts what happened in the range: a conversation whose form was activated, the same
    conversations when the patient agreed, consultation requests received, and of those the ones
    whose status history reached "contacted" (or "booked") and "booked".
    """
    started: set[str] = set()
    consented: set[str] = set()
    for row in _events(engine, span, ("active_loop", "slot")):
        data = event_data(row.data)
        if row.type_name == "active_loop" and data.get("name") == SCREENING_FORM:
            started.add(row.sender_id)
        elif row.type_name == "slot" and data.get("name") == CONSENT_SLOT and data.get("value") is True:
            consented.add(row.sender_id)
    received = (
        select(consultation_requests.c.id)
        .where(consultation_requests.c.kind == "consultation")
        .where(consultation_requests.c.created_at >= span.start, consultation_requests.c.created_at < span.end)
    )
    with engine.connect() as conn:
        submitted = [r[0] for r in conn.execute(received)]
        reached: dict[str, set[int]] = defaultdict(set)
        rows = conn.execute(
            select(request_status_history.c.request_id, request_status_history.c.status)
            .where(request_status_history.c.request_id.in_(received), request_status_history.c.status.in_(CONTACTED))
        )
        for request_id, status in rows:
            reached[status].add(request_id)
    contacted = reached["contacted"] | reached["booked"]
    counts = (len(started), len(consented & started), len(submitted), len(contacted), len(reached["booked"]))
    return [FunnelStep(label, count) for label, count in zip(FUNNEL_STEPS, counts, strict=True)]


def topic_title(intent: str, titles: dict[str, str]) -> str:
    return titles.get(intent) or intent.removeprefix("faq_").replace("_", " ").capitalize()


def top_topics(engine: Engine, span: DateRange, titles: dict[str, str], limit: int = TOP_TOPICS) -> list[Topic]:
    """The FAQ intents patients asked most.

    A message typed while a screening form is active is usually an answer (NLU may call "jaw pain"
    faq_conditions): there it counts only when the assistant answered it as a question (the form
    answers a question asked instead of an answer with the topic's utter_faq_* response).
    """
    counts: Counter = Counter()
    sender, active, pending = None, None, None
    for row in _events(engine, span, ("user", "bot", "active_loop", "session_started", "restart")):
        if row.sender_id != sender:
            sender, active, pending = row.sender_id, None, None
        if row.type_name == "active_loop":
            active = event_data(row.data).get("name")
        elif row.type_name in ("session_started", "restart"):
            active, pending = None, None
        elif row.type_name == "bot":
            answered_by = str((event_data(row.data).get("metadata") or {}).get("utter_action") or "")
            if pending and answered_by.startswith(FAQ_RESPONSE_PREFIX):
                counts[pending] += 1
            pending = None
        else:
            intent = row.intent_name or ""
            pending = None
            if intent.startswith("faq_"):
                if active in SCREENING_FORMS:
                    pending = intent
                else:
                    counts[intent] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], topic_title(item[0], titles)))
    return [Topic(intent, topic_title(intent, titles), n) for intent, n in ranked[:limit]]


def unanswered_over_time(engine: Engine, span: DateRange) -> list[DayCount]:
    """Questions the assistant could not answer (TranscriptStore.unanswered), per day or per week."""
    counts: Counter = Counter()
    for question in TranscriptStore(engine).unanswered(since=span.start):
        if question.at < span.end:
            counts[span.bucket(span.local_date(question.at))] += 1
    return [DayCount(day, counts[day]) for day in span.buckets]


def first_contact(engine: Engine, span: DateRange) -> FirstContact:
    """Median time from a request (any kind) received in the range to its first change away from "new"."""
    query = (
        select(consultation_requests.c.id, consultation_requests.c.created_at, request_status_history.c.changed_at)
        .select_from(consultation_requests.outerjoin(
            request_status_history,
            and_(request_status_history.c.request_id == consultation_requests.c.id,
                 request_status_history.c.status != "new"),
        ))
        .where(consultation_requests.c.created_at >= span.start, consultation_requests.c.created_at < span.end)
    )
    firsts: dict[int, Optional[datetime]] = {}
    created: dict[int, datetime] = {}
    with engine.connect() as conn:
        for request_id, created_at, changed_at in conn.execute(query):
            created[request_id] = created_at
            known = firsts.get(request_id)
            if changed_at is not None and (known is None or changed_at < known):
                firsts[request_id] = changed_at
            else:
                firsts.setdefault(request_id, known)
    waits = [max(0.0, (firsts[i] - created[i]).total_seconds() / 60) for i in created if firsts[i] is not None]
    buckets: Counter = Counter()
    for minutes in waits:
        label = next(label for hours, label in WAIT_BUCKETS if hours is None or minutes < hours * 60)
        buckets[label] += 1
    return FirstContact(
        median(waits) if waits else None, len(waits), len(created) - len(waits),
        [(label, buckets[label]) for _, label in WAIT_BUCKETS],
    )


def insights(engine: Engine, span: DateRange, titles: dict[str, str]) -> Insights:
    return Insights(span, conversations_per_day(engine, span), screening_funnel(engine, span),
                    top_topics(engine, span, titles), unanswered_over_time(engine, span), first_contact(engine, span))


@lru_cache(maxsize=4)
def topic_titles(domain_file: Path) -> dict[str, str]:
    """intent -> the readable title of its utter_topic_title_<intent> response (read once per process)."""
    from bot.store.redaction import domain_responses

    titles = {}
    for name, variants in domain_responses(domain_file).items():
        if name.startswith("utter_topic_title_") and variants and isinstance(variants[0], dict):
            titles[name.removeprefix("utter_topic_title_")] = str(variants[0].get("text") or "")
    return titles


def duration(minutes: Optional[float]) -> str:
    """'35 min', '4 h 10 min', '2 days 3 h'; a dash when nothing was measured."""
    if minutes is None:
        return "—"
    whole = int(round(minutes))
    if whole < 60:
        return f"{whole} min"
    if whole < 24 * 60:
        hours, rest = divmod(whole, 60)
        return f"{hours} h" + (f" {rest} min" if rest else "")
    days, rest = divmod(whole, 24 * 60)
    return f"{days} day{'s' if days > 1 else ''}" + (f" {rest // 60} h" if rest // 60 else "")


# --- SVG --------------------------------------------------------------------------------------------

def _nice_max(value: int) -> int:
    """The axis top: the smallest of 1, 2, 5 x 10^n at or above the largest value (at least 1)."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            if magnitude * multiple >= value:
                return magnitude * multiple
        magnitude *= 10


def _open(title: str, width: int, height: int, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" focusable="false">',
        f"<title>{escape(title)}</title>",
    ]


def column_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    width: int = 640,
    height: int = 240,
) -> str:
    """Stacked columns, one per label; `series` is (name, css class, one value per label).

    Each non-zero segment is a <rect class="bar ...">, each column a <g class="column">.
    """
    left, right, top, bottom = 36, 24, 10, 34  # room on the right for the last date's label
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    peak = _nice_max(max(totals, default=0))
    out = _open(title, width, height, "chart-columns")
    for tick in (0, peak // 2, peak) if peak % 2 == 0 else (0, peak):
        y = top + plot_h - plot_h * tick / peak
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    slot = plot_w / max(len(labels), 1)
    bar_w = max(2.0, slot * 0.7)
    every = max(1, round(len(labels) / 8))  # at most about eight axis labels
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        out.append(f'<g class="column"><title>{escape(label)}: {totals[i]}</title>')
        for name, css, values in series:
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / peak
            y -= h
            out.append(f'<rect class="bar {escape(css)}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                       f'height="{h:.1f}"><title>{escape(label)}, {escape(name)}: {value}</title></rect>')
        out.append("</g>")
        if i % every == 0:
            out.append(f'<text class="axis" x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" '
                       f'text-anchor="middle">{escape(label)}</text>')
    out.append(f'<line class="baseline" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(title: str, items: Sequence[tuple[str, int]], width: int = 640, label_width: int = 220) -> str:
    """Horizontal bars, one <rect class="bar"> per item, with its label on the left and value on the right."""
    row, top = 28, 6
    height = top * 2 + row * max(len(items), 1)
    plot_w = width - label_width - 48
    peak = max((value for _, value in items), default=0) or 1
    out = _open(title, width, height, "chart-bars")
    for i, (label, value) in enumerate(items):
        y = top + row * i
        w = plot_w * value / peak
        out.append(f'<text class="label" x="{label_width - 8}" y="{y + row / 2 + 5:.1f}" '
                   f'text-anchor="end">{escape(label)}</text>')
        out.append(f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}">'
                   f"<title>{escape(label)}: {value}</title></rect>")
        out.append(f'<text class="value" x="{label_width + w + 6:.1f}" y="{y + row / 2 + 5:.1f}">{value}</text>')
    out.append("</svg>")
    return "\n".join(out)


def day_label(day: date, weekly: bool = False) -> str:
    return ("Week of " if weekly else "") + f"{day:%b} {day.day}"


def conversations_chart(days: Sequence[ChannelDay]) -> str:
    labels = [day_label(d.day) for d in days]
    series = [(name, f"ch-{key}", [d.counts.get(key, 0) for d in days]) for key, name in CHANNELS]
    return column_chart("Conversations per day by channel", labels, series)


def unanswered_chart(counts: Sequence[DayCount], weekly: bool) -> str:
    labels = [day_label(c.day, weekly).removeprefix("Week of ") for c in counts]
    return column_chart("Unanswered questions per " + ("week" if weekly else "day"), labels,
                        [("Unanswered", "unanswered", [c.count for c in counts])])


def charts(data: Insights) -> dict[str, str]:
    """Every chart of the page as SVG markup (counts and topic titles only, all escaped)."""
    return {
        "conversations": conversations_chart(data.conversations),
        "funnel": bar_chart("Screening funnel", [(s.label, s.count) for s in data.funnel]),
        "topics": bar_chart("Most asked topics", [(t.title, t.count) for t in data.topics]),
        "unanswered": unanswered_chart(data.unanswered, data.range.weekly),
        "first_contact": bar_chart("Time to first contact", data.first_contact.buckets),
    }


__all__ = [
    "CHANNELS", "DEFAULT_RANGE", "RANGES", "ChannelDay", "DateRange", "DayCount", "FirstContact", "FunnelStep",
    "Insights", "Topic", "bar_chart", "charts", "clinic_zone", "column_chart", "conversations_chart", "conversations_per_day",
    "day_label", "duration", "first_contact", "insights", "parse_days", "screening_funnel", "top_topics",
    "topic_title", "topic_titles", "unanswered_chart", "unanswered_over_time",
]
