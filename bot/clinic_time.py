"""Times in the clinic's time zone (CLINIC_TIMEZONE): the one home for showing and reading them.

The database keeps naive UTC (bot.store.db.utcnow); the front desk reads and types local times.
Every time on the staff pages goes through `format_when`, an appointment typed on the request page
through `parse_appointment`, and the date and time a patient reads in a text through
`appointment_words`. Python's zoneinfo reads the system's time-zone database (Debian's `tzdata`
package); where a machine has none, `pip install tzdata` provides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The furthest ahead an appointment can be booked: a typo in the year ("2062") is caught.
MAX_AHEAD = timedelta(days=366 * 2)


@lru_cache(maxsize=16)
def zone_of(name: str) -> ZoneInfo:
    """The zone called `name`; ValueError (with what to do) for a name this machine does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"CLINIC_TIMEZONE={name!r} is not a time zone this machine knows: use an IANA name such as "
            "America/Toronto (and install the system's tzdata package, or `pip install tzdata`)"
        ) from exc


def to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive UTC moment as an aware time in `zone`."""
    return moment.replace(tzinfo=timezone.utc).astimezone(zone)


def to_utc(local: datetime) -> datetime:
    """An aware local time as the naive UTC the database keeps."""
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def format_when(moment: Optional[datetime], zone: ZoneInfo) -> str:
    """'2026-11-30 14:05 EST' (empty for no time): how the staff pages show a moment."""
    if moment is None:
        return ""
    return to_local(moment, zone).strftime("%Y-%m-%d %H:%M %Z")


@dataclass(frozen=True)
class ParsedTime:
    """An appointment typed on the request page: the moment (naive UTC), or why it is refused."""

    at: Optional[datetime]
    error: str = ""


_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_appointment(day: str, hour: str, zone: ZoneInfo, now: datetime) -> ParsedTime:
    """The date (YYYY-MM-DD) and time (HH:MM, 24-hour, as a browser's date and time fields send
    them) in the clinic's zone, as naive UTC; refused when malformed, past, non-existent or too far."""
    zone_name = str(zone)
    if not (day or "").strip() or not (hour or "").strip():
        return ParsedTime(None, "Enter the appointment's date and time to mark the request booked.")
    d, t = _DATE.match(day or ""), _TIME.match(hour or "")
    if d is None:
        return ParsedTime(None, "The date must be written as YYYY-MM-DD, for example 2026-12-01.")
    if t is None:
        return ParsedTime(None, "The time must be written as HH:MM on the 24-hour clock, for example 14:30.")
    try:
        local_day = date(int(d[1]), int(d[2]), int(d[3]))
        local_time = time(int(t[1]), int(t[2]))
    except ValueError:
        return ParsedTime(None, f"{day.strip()} {hour.strip()} is not a real date and time.")
    local = datetime.combine(local_day, local_time, zone)
    # A time skipped when clocks go forward does not exist: it would not survive the round trip.
    if to_local(to_utc(local), zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return ParsedTime(None, f"{day.strip()} {hour.strip()} does not exist in {zone_name} (the clocks "
                                "go forward then). Choose another time.")
    at = to_utc(local)
    if at <= now:
        return ParsedTime(None, f"{day.strip()} {hour.strip()} ({zone_name}) has already passed. "
                                "Enter the appointment's date and time.")
    if at - now > MAX_AHEAD:
        return ParsedTime(None, "That date is more than two years ahead; check the year.")
    return ParsedTime(at)


_FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")


def appointment_words(moment: datetime, zone: ZoneInfo, language: str = "en") -> tuple[str, str]:
    """('Tuesday, December 1', '2:30 PM'), in French ('mardi 1 décembre', '14 h 30'): the date and
    time as a patient reads them in a text (written out, never the system's locale)."""
    local = to_local(moment, zone)
    if language == "fr":
        return (f"{_FR_DAYS[local.weekday()]} {local.day} {_FR_MONTHS[local.month - 1]}",
                f"{local.hour} h {local.minute:02d}")
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
    hour = local.hour % 12 or 12
    return (f"{days[local.weekday()]}, {months[local.month - 1]} {local.day}",
            f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}")


__all__ = ["ParsedTime", "appointment_words", "format_when", "parse_appointment", "to_local", "to_utc", "zone_of"]
