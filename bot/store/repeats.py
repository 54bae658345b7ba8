"""Repeat patients: other requests with the same phone number or e-mail address.

So nobody calls a patient twice, the request page links a request's earlier (and later) requests
by the same patient, and the inbox marks requests that have earlier ones. Numbers are compared by
their digits (the last ten: "+1 613-555-0123" is "6135550123"), e-mail addresses without case or
surrounding blanks; "not given" and empty values match nothing.

It reads three columns of every request and matches in Python: a clinic's requests number in the
thousands, and the numbers were typed in several forms before the screening stored them in E.164.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.store.requests import ConsultationRequest, consultation_requests

NOT_GIVEN = {"", "not given", "none", "-", "—"}
MIN_DIGITS = 7  # shorter is no phone number (an extension, a typo)


def phone_key(phone: str) -> Optional[str]:
    """The digits that identify a number (the last ten), or None."""
    value = (phone or "").strip().lower()
    if value in NOT_GIVEN:
        return None
    value = re.split(r"\s*(?:ext\.?|x|#)\s*\d+\s*$", value)[0]  # an extension is the same line
    digits = re.sub(r"\D", "", value)
    return digits[-10:] if len(digits) >= MIN_DIGITS else None


def email_key(email: str) -> Optional[str]:
    value = (email or "").strip().lower()
    return value if value not in NOT_GIVEN and "@" in value else None


@dataclass(frozen=True)
class Related:
    """Another request by the same patient, as the request page links it."""

    id: int
    created_at: datetime
    status: str
    kind: str
    by: str  # "phone", "e-mail" or "phone and e-mail"


@dataclass(frozen=True)
class Repeats:
    earlier: list[Related]
    later: list[Related]


def _keys(phone: str, email: str) -> tuple[Optional[str], Optional[str]]:
    return phone_key(phone), email_key(email)


def _rows(engine: Engine):
    c = consultation_requests.c
    with engine.connect() as conn:
        return conn.execute(select(c.id, c.phone, c.email, c.created_at, c.status, c.kind)
                            .order_by(c.created_at, c.id)).fetchall()


def related(engine: Engine, item: ConsultationRequest) -> Repeats:
    """The request's earlier and later requests by phone or e-mail (oldest first)."""
    phone, email = _keys(item.phone, item.email)
    earlier: list[Related] = []
    later: list[Related] = []
    if phone is None and email is None:
        return Repeats([], [])
    for row in _rows(engine):
        if row.id == item.id:
            continue
        other_phone, other_email = _keys(row.phone, row.email)
        by = [name for name, same in (("phone", phone is not None and phone == other_phone),
                                      ("e-mail", email is not None and email == other_email)) if same]
        if not by:
            continue
        found = Related(row.id, row.created_at, row.status, row.kind, " and ".join(by))
        before = (row.created_at, row.id) < (item.created_at or row.created_at, item.id or 0)
        (earlier if before else later).append(found)
    return Repeats(earlier, later)


def earlier_counts(engine: Engine, items: list[ConsultationRequest]) -> dict[int, int]:
    """For each of these requests, how many earlier requests share its phone or e-mail (0s left out)."""
    if not items:
        return {}
    seen_phone: dict[str, list[tuple]] = {}
    seen_email: dict[str, list[tuple]] = {}
    stored: dict[int, tuple] = {}  # each request's (received, id) as stored: what "earlier" compares
    for row in _rows(engine):
        stored[row.id] = (row.created_at, row.id)
        phone, email = _keys(row.phone, row.email)
        if phone:
            seen_phone.setdefault(phone, []).append((row.created_at, row.id))
        if email:
            seen_email.setdefault(email, []).append((row.created_at, row.id))
    counts = {}
    for item in items:
        phone, email = _keys(item.phone, item.email)
        mine = stored.get(item.id)
        if mine is None:
            continue
        others = {key for key in seen_phone.get(phone or "", []) + seen_email.get(email or "", []) if key < mine}
        if others:
            counts[item.id] = len(others)
    return counts


__all__ = ["Related", "Repeats", "earlier_counts", "email_key", "phone_key", "related"]
