"""Booking from the request page: "Booked" asks for the appointment's date and time (in the clinic's
time zone), stores it with its texts (bot/store/bookings.py) and sends the confirmation at once;
leaving "Booked" cancels what was not sent yet. Also what the request page and the inbox show of a
booking and of the patient's other requests (bot/store/repeats.py)."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import FormData

from bot.clinic_time import format_when, parse_appointment, to_local, zone_of
from bot.store.bookings import Appointment, BookingStore
from bot.store.db import utcnow
from bot.store.requests import ConsultationRequest
from bot.store.staff_users import StaffSession

TEXT_LABELS = {"confirmation": "Confirmation", "reminder": "Reminder"}
TEXT_STATE_LABELS = {
    "pending": "Scheduled", "sending": "Sending…", "sent": "Sent (delivery below)", "not_sent": "Not sent",
    "cancelled": "Cancelled",
}
REPLY_LABELS = {"confirmed": "Confirmed by the patient (replied C)",
                "reschedule": "The patient asked to reschedule (replied R)"}
INBOX_REPLY_LABELS = {"confirmed": "Patient confirmed", "reschedule": "Wants to reschedule"}
FIELD_MAX = 20


def booking_context(request: Request, item: ConsultationRequest, day: str = "", hour: str = "",
                    error: str = "") -> dict[str, Any]:
    """The appointment part of the request page: the booking (if any), its texts, the form's values."""
    from bot.sms_outbound import check_recipient, texts_expected
    from bot.staff.auth import settings_of
    from bot.store.repeats import related

    settings = settings_of(request)
    zone = zone_of(settings.clinic_timezone)
    appointment = BookingStore(request.app.state.engine).active(item.id) if item.status == "booked" else None
    if appointment is not None and not (day or hour or error):  # the form shows the booking to change
        shown = to_local(appointment.starts_at, zone)
        day, hour = f"{shown:%Y-%m-%d}", f"{shown:%H:%M}"
    texted = texts_expected(item)
    recipient = check_recipient(request.app.state.engine, settings, item) if texted else None
    return {
        "appointment": appointment,
        "zone": str(zone),
        "day": day,
        "hour": hour,
        "error": error,
        "texted": texted,
        "no_text_reason": (recipient.reason if recipient is not None and not recipient.ok else
                           "" if texted else "The patient did not choose texts, so no confirmation or reminder is "
                                             "texted: tell them the date and time yourself."),
        "reminder_hours": settings.reminder_hours_before,
        "text_labels": TEXT_LABELS,
        "state_labels": TEXT_STATE_LABELS,
        "reply_labels": REPLY_LABELS,
        "repeats": related(request.app.state.engine, item),
    }


def inbox_markers(engine, items: list[ConsultationRequest]) -> dict[str, Any]:
    """What the inbox adds to each row: earlier requests by the same patient, the patient's C/R."""
    from bot.store.repeats import earlier_counts

    booked = [item.id for item in items if item.status == "booked" and item.id is not None]
    replies = {rid: a for rid, a in BookingStore(engine).active_for(booked).items() if a.reply}
    return {"earlier": earlier_counts(engine, items), "replies": replies, "reply_labels": INBOX_REPLY_LABELS}


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:FIELD_MAX] if isinstance(value, str) else ""


async def book(request: Request, item: ConsultationRequest, form: FormData, session: StaffSession) -> Response:
    """Mark the request booked for the date and time on the form; a bad one re-shows the page (400)
    with what was typed and changes nothing."""
    from bot.booking_texts import BookingTexts, schedule
    from bot.sms_numbers import number_hash
    from bot.sms_outbound import check_recipient, texts_expected
    from bot.staff.auth import settings_of
    from bot.staff.routes import _request_context, audit, render, requests_store, see_other

    settings = settings_of(request)
    engine = request.app.state.engine
    zone = zone_of(settings.clinic_timezone)
    day, hour = _field(form, "appointment_date"), _field(form, "appointment_time")
    now = utcnow()
    parsed = parse_appointment(day, hour, zone, now)
    if parsed.at is None:
        def page() -> dict[str, Any]:
            context = _request_context(request, item)
            context["booking"] = booking_context(request, item, day, hour, parsed.error)
            return context

        return render(request, "request.html", status_code=400, **(await run_in_threadpool(page)))

    starts_at = parsed.at
    current = await run_in_threadpool(BookingStore(engine).active, item.id) if item.status == "booked" else None
    if current is not None and current.starts_at == starts_at:
        # The form posted again with the booking it shows: nothing changes, nothing is texted again.
        return see_other(f"/staff/requests/{item.id}?msg=status#booking")
    hashed: Optional[str] = None
    texts: dict = {}
    why_not = "patient did not choose texts"
    if texts_expected(item):
        recipient = await run_in_threadpool(check_recipient, engine, settings, item)
        if recipient.ok:
            hashed = number_hash(recipient.number or "", settings.secret_key)
            texts = schedule(starts_at, settings, now)
        else:
            why_not = "patient cannot be texted" + (" (opted out)" if recipient.opted_out else "")

    def store() -> Appointment:
        if item.status != "booked":
            requests_store(request).set_status(item.id, "booked", by=session.username)
            audit(request, session.username, "status_change", item.id, f"{item.status} -> booked")
        appointment = BookingStore(engine).book(item.id, starts_at, session.username, hashed, texts, now)
        detail = f"appointment {format_when(starts_at, zone)}; " + (
            "texts: " + ", ".join(texts) if texts else f"no texts: {why_not}")
        audit(request, session.username, "booking", item.id, detail)
        return appointment

    appointment = await run_in_threadpool(store)
    confirmation = [t.id for t in appointment.texts if t.kind == "confirmation"]
    if confirmation:  # at once, through the same claim as the scheduler (it cannot go twice)
        await BookingTexts(engine, settings).run_due(only=confirmation)
    return see_other(f"/staff/requests/{item.id}?msg=booked#booking")


def cancel(request: Request, item: ConsultationRequest, session: StaffSession) -> None:
    """The request left "Booked": its booking and the texts not sent yet are cancelled (audited)."""
    from bot.staff.routes import audit

    if BookingStore(request.app.state.engine).active(item.id) is None:
        return
    cancelled = BookingStore(request.app.state.engine).cancel(item.id)
    audit(request, session.username, "booking_cancelled", item.id, f"{cancelled} scheduled text(s) cancelled")


__all__ = ["book", "booking_context", "cancel", "inbox_markers"]
