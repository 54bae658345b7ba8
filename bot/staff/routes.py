"""The staff pages: login, inbox, a request, audit, retention, unanswered questions."""

from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from starlette.datastructures import FormData

from bot.sms_outbound import error_text as sms_error_text
from bot.staff.auth import (
    BROWSER_COOKIE,
    COOKIE_PATH,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    admin_session,
    answer_failure_at_flat_delay,
    audit_log,
    checked_form,
    clear_session_cookie,
    client_ip,
    current_session,
    new_login_csrf,
    polling_session,
    refuse_csrf,
    safe_next,
    set_browser_cookie,
    set_login_csrf_cookie,
    set_session_cookie,
    settings_of,
    staff_store,
)
from bot.staff.compose import compose_form, new_compose_key
from bot.staff.live import chat_context, chat_label, takeover_context
from bot.store.audit import audit_log as audit_table
from bot.store.db import utcnow
from bot.store.requests import FLAGS, KINDS, STATUSES, ConsultationRequest, RequestStore, consultation_requests
from bot.store.staff_users import (
    ADDRESS_WINDOW_MINUTES,
    LOCK_MINUTES,
    MAX_FAILED_LOGINS,
    MIN_PASSWORD_CHARS,
    LoginResult,
    StaffSession,
    tokens_match,
)
from bot.store.transcripts import TranscriptLine, TranscriptStore

HERE = Path(__file__).resolve().parent
NOTE_MAX_CHARS = 5000

STATUS_LABELS = {
    "new": "New", "in_review": "In review", "contacted": "Contacted", "booked": "Booked", "closed": "Closed",
}
FLAG_LABELS = {
    "pregnancy": "Pregnancy",
    "nerve_condition": "Nerve condition",
    "facial_weakness": "Facial weakness",
    "surgery": "Facial surgery",
    "emergency_mentioned": "Emergency mentioned",
    "unsure_answer": "Unsure answer",
    "after_treatment_concern": "After-treatment concern",
    "emergency_during_screening": "Emergency described during screening",
}
KIND_LABELS = {
    "consultation": "Consultation",
    "message": "Message",
    "existing_patient": "Existing patient",
    "after_treatment": "After treatment",
}
ANSWER_LABELS = {
    "reason": "What brings them",
    "medications": "Medications",
    "surgery": "Facial surgery (had or planned)",
    "facial_weakness": "Weakness in facial muscles",
    "nerve_condition": "Muscle or nerve condition",
    "pregnancy": "Pregnant or planning to be",
    "other_conditions": "Other medical conditions",
}
CHANNEL_LABELS = {"socketio": "Website chat", "rest": "REST", "sms": "SMS", "twilio": "SMS", "cmdline": "Terminal",
                  "widget": "Website chat"}
SMS_STATUS_LABELS = {
    "pending": "Sending…", "waiting": "Waiting for the patient to open the chat", "accepted": "Accepted by Twilio", "scheduled": "Scheduled", "queued": "Queued at Twilio",
    "sending": "Sending", "sent": "Sent to the carrier", "delivered": "Delivered", "undelivered": "Not delivered",
    "failed": "Failed", "read": "Read", "canceled": "Cancelled", "error": "Not sent",
}
# Fixed words for the notices after a redirect: the query string never carries text to show.
NOTICES = {
    "password": "Your password was changed.",
    "status": "Status changed.",
    "note": "Note added.",
    "assigned": "Assignment changed.",
    "empty_note": "The note was empty, so nothing was added.",
    "handled": "Marked as handled.",
    "gone": "That group changed or is gone; nothing was marked.",
    "sms_sent": "Text sent to Twilio. Its delivery state shows below.",
    "sms_not_sent": "The text was not sent. The reason shows below.",
    "sms_again": "That text was already sent once; it was not sent again.",
    "booked": "Booked. The appointment and its texts show below.",
    "chat_sent": "Message saved. It shows in the patient's chat now if it is open, else when they next open it.",
    "chat_again": "That message was already sent once; it was not sent again.",
    "takeover": "You have the conversation. The assistant is paused (except for emergencies and crises).",
    "handed_back": "Handed back: the assistant answers the patient again.",
}
LOGIN_FAILED = (
    f"Wrong username or password. After {MAX_FAILED_LOGINS} failed attempts in a row an account is locked for "
    f"{LOCK_MINUTES} minutes, except on a computer where it has logged in before; an administrator can unlock it."
)
ADDRESS_THROTTLED = (
    f"Too many failed logins from this network. Wait {ADDRESS_WINDOW_MINUTES} minutes and try again, or log in "
    "from a computer where your account has logged in before."
)

router = APIRouter(prefix="/staff")


# --- templates --------------------------------------------------------------------------

def ago(moment: Optional[datetime], now: Optional[datetime] = None) -> str:
    """'just now', '12 min ago', '3 h ago', '2 days ago'."""
    if moment is None:
        return ""
    seconds = max(0, int(((now or utcnow()) - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    return "1 day ago" if days == 1 else f"{days} days ago"


@jinja2.pass_context
def when(context: Any, moment: Optional[datetime]) -> str:
    """A moment in the clinic's time zone (CLINIC_TIMEZONE), through the one helper for it."""
    from bot.clinic_time import format_when, zone_of

    return format_when(moment, zone_of(settings_of(context["request"]).clinic_timezone))


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """The Jinja2 environment; autoescape is on for every template (patient text is never |safe)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        ago=ago,
        when=when,
        status_label=lambda s: STATUS_LABELS.get(s, s),
        flag_label=lambda f: FLAG_LABELS.get(f, f),
        answer_label=lambda k: ANSWER_LABELS.get(k, k.replace("_", " ").capitalize()),
        channel_label=lambda c: CHANNEL_LABELS.get(c, c),
        kind_label=lambda k: KIND_LABELS.get(k, k),
        sms_status_label=lambda s: SMS_STATUS_LABELS.get(s, s),
        sms_error_text=sms_error_text,
        chat_status_label=chat_label,
    )
    env.globals.update(STATUSES=STATUSES, FLAGS=FLAGS, KINDS=KINDS, STATUS_LABELS=STATUS_LABELS,
                       FLAG_LABELS=FLAG_LABELS)
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    session: Optional[StaffSession] = getattr(request.state, "staff", None)
    base = {
        "clinic_name": settings_of(request).clinic_name,
        "staff": session,
        "notice": NOTICES.get(request.query_params.get("msg", ""), ""),
    }
    return templates().TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def requests_store(request: Request) -> RequestStore:
    return RequestStore(request.app.state.engine, create=False)


def transcripts(request: Request) -> TranscriptStore:
    return TranscriptStore(request.app.state.engine)


def audit(request: Request, actor: str, action: str, request_id: Optional[int] = None, detail: str = "") -> None:
    """One audit row; `detail` never carries patient text."""
    audit_log(request).record(actor, action, request_id=request_id, detail=detail[:500], ip=client_ip(request))


def not_found(request: Request) -> Response:
    return render(request, "not_found.html", status_code=404)


# --- login, logout, password --------------------------------------------------------------

@router.get("/login")
def login_page(request: Request, next: str = "/staff") -> Response:
    session = staff_store(request).session(
        request.cookies.get(SESSION_COOKIE), settings_of(request).staff_idle_minutes, touch=False
    )
    if session is not None:
        return see_other(safe_next(next))
    return _login_form(request, safe_next(next))


def _login_form(request: Request, next_url: str, error: str = "", status_code: int = 200) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
    response = render(request, "login.html", status_code=status_code, csrf_token=token, next=next_url, error=error)
    set_login_csrf_cookie(response, settings_of(request), token)
    return response


@router.post("/login")
async def login_submit(request: Request) -> Response:
    started = time.monotonic()
    form = await request.form()
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    given = form.get("csrf_token")
    if not isinstance(given, str) or not tokens_match(cookie_token, given):
        await refuse_csrf(request, "(no session)", "The login form expired. Reload the page and try again.")
    username = str(form.get("username") or "")[:100]
    password = str(form.get("password") or "")[:1024]
    next_url = safe_next(str(form.get("next") or "/staff"))
    store = staff_store(request)
    result = await run_in_threadpool(
        store.authenticate, username, password, client_ip(request), request.cookies.get(BROWSER_COOKIE)
    )
    if not result.ok:
        # Never the typed name of an unknown account: it may be a password typed in the wrong box.
        actor = result.user.username if result.user else "(unknown account)"
        await run_in_threadpool(audit, request, actor, "login_failed", None, _failure_detail(result))
        await answer_failure_at_flat_delay(request, started)
        if result.outcome == "address_throttled":  # the same for every name: it tells nothing about accounts
            return _login_form(request, next_url, error=ADDRESS_THROTTLED, status_code=429)
        return _login_form(request, next_url, error=LOGIN_FAILED, status_code=401)
    assert result.user is not None
    settings = settings_of(request)

    def start_session() -> tuple[StaffSession, str]:
        # A fresh id at every login; whatever session id the browser brought is ended, not reused.
        store.end_session(request.cookies.get(SESSION_COOKIE))
        store.purge_expired_sessions(settings.staff_idle_minutes)
        browser = store.remember_browser(result.user.username, request.cookies.get(BROWSER_COOKIE))
        return store.create_session(result.user.username), browser

    session, browser = await run_in_threadpool(start_session)
    detail = ""
    if result.known_browser:
        detail = "known browser; " + ("lock lifted" if result.refused_for == "account_locked" else "address blocked")
    await run_in_threadpool(audit, request, session.username, "login", None, detail)
    response = see_other(next_url)
    set_session_cookie(response, settings, session.token)
    set_browser_cookie(response, settings, browser)
    response.delete_cookie(
        LOGIN_CSRF_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=settings.cookie_secure
    )
    return response


def _failure_detail(result: LoginResult) -> str:
    """The audit row's words for a failed login (the page says the same thing for all of them)."""
    if result.outcome == "unknown_account":
        return "unknown username"
    if result.outcome == "disabled":
        return "account disabled"
    if result.outcome == "account_locked":
        return "account locked"
    if result.outcome == "address_throttled":
        return "too many failures from this address"
    if result.known_browser:
        return "wrong password from a known browser, past a lock"
    detail = f"failure {result.failed_count} in a row"
    return detail + (f"; locked for {LOCK_MINUTES} minutes" if result.locked else "")


@router.post("/logout")
def logout(
    request: Request, form: FormData = Depends(checked_form), session: StaffSession = Depends(current_session)
) -> Response:
    staff_store(request).end_session(request.cookies.get(SESSION_COOKIE))
    audit(request, session.username, "logout")
    response = see_other("/staff/login")
    clear_session_cookie(response, settings_of(request))
    return response


@router.get("/password")
def password_page(request: Request, session: StaffSession = Depends(current_session)) -> Response:
    return render(request, "password.html", error="", min_chars=MIN_PASSWORD_CHARS)


@router.post("/password")
def password_submit(
    request: Request, form: FormData = Depends(checked_form), session: StaffSession = Depends(current_session)
) -> Response:
    current = str(form.get("current_password") or "")
    new = str(form.get("new_password") or "")
    confirm = str(form.get("confirm_password") or "")
    store = staff_store(request)
    error = ""
    if new != confirm:
        error = "The two new passwords differ."
    elif len(new) < MIN_PASSWORD_CHARS:
        error = f"The new password needs at least {MIN_PASSWORD_CHARS} characters."
    elif new == current:
        error = "The new password must differ from the current one."
    elif not store.authenticate(session.username, current, client_ip(request)).ok:
        error = "The current password is wrong."
        audit(request, session.username, "password_change_failed", detail="wrong current password")
    if error:
        return render(request, "password.html", status_code=400, error=error, min_chars=MIN_PASSWORD_CHARS)
    store.set_password(session.username, new)  # ends every session of this account
    fresh = store.create_session(session.username)
    audit(request, session.username, "password_change")
    response = see_other("/staff?msg=password")
    set_session_cookie(response, settings_of(request), fresh.token)
    return response


# --- inbox ------------------------------------------------------------------------------

def _channels(request: Request) -> list[str]:
    with request.app.state.engine.connect() as conn:
        rows = conn.execute(select(consultation_requests.c.channel).distinct().order_by(consultation_requests.c.channel))
        return [r[0] for r in rows]


def _latest_id(request: Request) -> int:
    with request.app.state.engine.connect() as conn:
        return int(conn.execute(select(func.max(consultation_requests.c.id))).scalar() or 0)


@router.get("")
def inbox(
    request: Request,
    status: str = "",
    flag: str = "",
    channel: str = "",
    q: str = "",
    kind: str = "",
    urgent: str = "",
    poll: int = 0,
    session: StaffSession = Depends(current_session),
) -> Response:
    status = status if status in STATUSES else ""
    flag = flag if flag in FLAGS else ""
    kind = kind if kind in KINDS else ""
    urgent = "1" if urgent == "1" else ""
    channel = channel[:40]
    q = q.strip()[:100]
    store = requests_store(request)
    items = store.list(status=status or None, flag=flag or None, channel=channel or None, search=q or None,
                       kind=kind or None, urgent=bool(urgent))
    counts = store.count_by_status()
    # The store lists urgent requests nobody has handled yet first; the page shows them as their own group.
    pinned = [item for item in items if item.pinned]
    # The search words are a patient's name or number: the audit row says only that there was one.
    detail = " ".join(f"{k}={v}" for k, v in (("status", status), ("flag", flag), ("channel", channel),
                                                ("kind", kind), ("urgent", urgent)) if v)
    audit(request, session.username, "view_inbox", detail=(detail + (" search" if q else "")).strip())
    from bot.staff.booking import inbox_markers

    return render(
        request,
        "inbox.html",
        items=items,
        pinned=pinned,
        others=items[len(pinned):],
        urgent_count=store.count_pinned(),
        counts=counts,
        channels=_channels(request),
        filters={"status": status, "flag": flag, "channel": channel, "q": q, "kind": kind, "urgent": urgent},
        latest_id=_latest_id(request),
        markers=inbox_markers(request.app.state.engine, items),
        # A wall screen (or a test) may poll faster than every 20 s, never faster than every second.
        poll_ms=min(max(poll, 1), 600) * 1000 if poll else 20000,
        now=utcnow(),
    )


@router.get("/api/counts")
def counts(request: Request, session: StaffSession = Depends(polling_session)) -> JSONResponse:
    """How many new and unhandled urgent requests there are, and the newest id: the inbox polls this."""
    store = requests_store(request)
    new = store.count_by_status().get("new", 0)
    return JSONResponse({"new": new, "urgent": store.count_pinned(), "latest_id": _latest_id(request)})


# --- one request ----------------------------------------------------------------------------

def _request_context(request: Request, item: ConsultationRequest, with_transcript: bool = True) -> dict[str, Any]:
    from bot.staff.booking import booking_context

    store = requests_store(request)
    answers = dict(item.answers)
    ordered = [(k, answers.pop(k)) for k in ANSWER_LABELS if k in answers] + sorted(answers.items())
    return {
        "item": item,
        "answers": ordered,
        "history": store.history(item.id),
        "notes": store.notes(item.id),
        "transcript": with_staff_messages(request, item) if with_transcript else [],
        "sms": sms_context(request, item) if with_transcript else {"shown": False},
        "booking": booking_context(request, item),
        "chat": chat_context(request, item) if with_transcript else {"shown": False},
        "takeover": takeover_context(request, item, getattr(getattr(request.state, "staff", None), "username", ""))
        if with_transcript else {"shown": False},
        "now": utcnow(),
    }


def with_staff_messages(request: Request, item: ConsultationRequest) -> list[TranscriptLine]:
    """The conversation with what staff wrote to the patient in it, in time order, each with who wrote it."""
    from bot.store.staff_messages import StaffMessageStore

    lines = transcripts(request).transcript(item.conversation_id)
    staff = [TranscriptLine("staff", m.body, m.created_at, m.channel, sender=m.staff_user, status=m.status)
             for m in StaffMessageStore(request.app.state.engine).for_conversation(item.conversation_id)]
    return sorted(lines + staff, key=lambda line: line.at) if staff else lines


@router.get("/requests/{request_id}")
def request_page(request: Request, request_id: int, session: StaffSession = Depends(current_session)) -> Response:
    item = requests_store(request).get(request_id)
    if item is None:
        return not_found(request)
    audit(request, session.username, "view_request", request_id=request_id)
    return render(request, "request.html", **_request_context(request, item))


@router.get("/requests/{request_id}/print")
def request_print(
    request: Request, request_id: int, transcript: int = 0, session: StaffSession = Depends(current_session)
) -> Response:
    item = requests_store(request).get(request_id)
    if item is None:
        return not_found(request)
    audit(request, session.username, "export", request_id=request_id,
          detail="print with transcript" if transcript else "print")
    return render(request, "print.html", with_transcript=bool(transcript),
                  printed_at=utcnow(), **_request_context(request, item, bool(transcript)))


@router.post("/requests/{request_id}/assign")
def request_assign(
    request: Request,
    request_id: int,
    form: FormData = Depends(checked_form),
    session: StaffSession = Depends(current_session),
) -> Response:
    store = requests_store(request)
    item = store.get(request_id)
    if item is None:
        return not_found(request)
    release = form.get("release") == "1" and item.assigned_to == session.username
    target = None if release else session.username
    if target != item.assigned_to:
        store.assign(request_id, target)
        detail = f"to {target or 'nobody'}" + (f" (was {item.assigned_to})" if item.assigned_to else "")
        audit(request, session.username, "assign", request_id=request_id, detail=detail)
    return see_other(f"/staff/requests/{request_id}?msg=assigned")


@router.post("/requests/{request_id}/status")
async def request_status(
    request: Request,
    request_id: int,
    form: FormData = Depends(checked_form),
    session: StaffSession = Depends(current_session),
) -> Response:
    store = requests_store(request)
    item = await run_in_threadpool(store.get, request_id)
    if item is None:
        return not_found(request)
    status = str(form.get("status") or "")
    if status not in STATUSES:
        return Response("Unknown status.", status_code=400, media_type="text/plain")
    if status == "booked":  # asks for the appointment's date and time (bot/staff/booking.py)
        from bot.staff.booking import book

        return await book(request, item, form, session)
    if status != item.status:
        from bot.staff.booking import cancel

        await run_in_threadpool(store.set_status, request_id, status, session.username)
        await run_in_threadpool(audit, request, session.username, "status_change", request_id,
                                f"{item.status} -> {status}")
        await run_in_threadpool(cancel, request, item, session)
    return see_other(f"/staff/requests/{request_id}?msg=status")


@router.post("/requests/{request_id}/notes")
def request_note(
    request: Request,
    request_id: int,
    form: FormData = Depends(checked_form),
    session: StaffSession = Depends(current_session),
) -> Response:
    store = requests_store(request)
    if store.get(request_id) is None:
        return not_found(request)
    body = str(form.get("body") or "").strip()[:NOTE_MAX_CHARS]
    if not body:
        return see_other(f"/staff/requests/{request_id}?msg=empty_note")
    store.add_note(request_id, session.username, body)
    audit(request, session.username, "add_note", request_id=request_id)
    return see_other(f"/staff/requests/{request_id}?msg=note#notes")


# --- texts to the patient (SMS) -----------------------------------------------------------------

SMS_HEALTH_WARNING = (
    "The patient agreed to be contacted by text, not to receive health details by text: texts are not "
    "private. Write no symptoms, conditions, medications or treatments; ask them to call the clinic instead."
)


def sms_context(request: Request, item: ConsultationRequest, text: str = "", error: str = "",
                confirm: bool = False) -> dict[str, Any]:
    """The compose box and the texts already sent, for the request page ({"shown": False} for others)."""

    from bot.sms_outbound import check_recipient, draft, texts_expected
    from bot.store.staff_messages import StaffMessageStore

    # The widget's messages have their own box (bot/staff/live.py).
    sent = [m for m in StaffMessageStore(request.app.state.engine).for_request(item.id) if m.channel == "sms"]
    if not texts_expected(item) and not sent:
        return {"shown": False}
    shown = draft(text, item)
    return {
        "shown": True,
        "expected": texts_expected(item),
        "recipient": check_recipient(request.app.state.engine, settings_of(request), item),
        "text": text,
        "draft": shown,
        "error": error,
        "confirm": confirm,
        "warning": SMS_HEALTH_WARNING,
        "compose_key": new_compose_key(),
        "messages": sent,
    }


@router.post("/api/requests/{request_id}/sms-draft")
async def sms_draft(request: Request, request_id: int, session: StaffSession = Depends(polling_session)) -> Response:
    """The compose box's live count: encoding, segments and health words of a draft (nothing stored).

    POST, so the draft never lands in an access log's URL; the CSRF token comes in a header."""
    from bot.sms_outbound import draft

    if not tokens_match(session.csrf_token, request.headers.get("x-csrf-token") or ""):
        return JSONResponse({"error": "The page expired. Reload it."}, status_code=403)
    raw = await request.body()
    if len(raw) > 20_000:
        return JSONResponse({"error": "The draft is far too long."}, status_code=413)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return JSONResponse({"error": "The draft is not UTF-8 text."}, status_code=400)
    item = await run_in_threadpool(requests_store(request).get, request_id)
    if item is None:
        return JSONResponse({"error": "No such request."}, status_code=404)
    return JSONResponse(draft(text, item).as_json())


@router.get("/api/requests/{request_id}/sms-states")
def sms_states(request: Request, request_id: int, session: StaffSession = Depends(polling_session)) -> JSONResponse:
    """The delivery state of each text on a request: the page polls this while one is on its way
    (the poll does not keep an idle session alive)."""
    from bot.store.staff_messages import StaffMessageStore

    messages = StaffMessageStore(request.app.state.engine).for_request(request_id)
    return JSONResponse({"messages": [
        {"id": m.id, "status": m.status, "label": SMS_STATUS_LABELS.get(m.status, m.status), "final": m.final,
         "error_code": m.error_code or "", "error": m.error_message or sms_error_text(m.error_code)}
        for m in messages if m.channel == "sms"
    ]})


@router.post("/requests/{request_id}/sms")
async def request_sms(
    request: Request,
    request_id: int,
    form: FormData = Depends(checked_form),
    session: StaffSession = Depends(current_session),
) -> Response:
    """Text the patient through Twilio; refusals re-show the page with the draft kept and a 4xx."""
    from bot.sms_outbound import SmsSender, check_recipient, clean_body, draft
    from bot.store.staff_messages import StaffMessageStore

    item = await run_in_threadpool(requests_store(request).get, request_id)
    if item is None:
        return not_found(request)
    posted = compose_form(form)
    text, key = posted.text, posted.key
    confirmed = form.get("confirm_health") == "1"
    engine = request.app.state.engine
    settings = settings_of(request)

    async def refuse(status: int, error: str, confirm: bool = False) -> Response:
        def page() -> dict[str, Any]:
            context = _request_context(request, item)
            context["sms"] = sms_context(request, item, text, error, confirm)
            return context

        return render(request, "request.html", status_code=status, **(await run_in_threadpool(page)))

    recipient = await run_in_threadpool(check_recipient, engine, settings, item)
    body = clean_body(text)
    checked = await run_in_threadpool(draft, body, item)
    if not recipient.ok:
        return await refuse(409, recipient.reason)
    if not posted.key_ok:
        return await refuse(400, "The form is incomplete. Reload the page and write the text again.")
    if not body:
        return await refuse(400, "The text is empty: nothing was sent.")
    if checked.too_long:
        return await refuse(400, f"The text has {checked.chars} characters; Twilio refuses more than "
                                 f"{checked.as_json()['max_chars']}. Shorten it: nothing was sent.")
    if "\x00" in body:
        return await refuse(400, "The text contains a character a phone cannot show: nothing was sent.")
    if checked.health and not confirmed:
        return await refuse(400, "The text seems to contain health details (" + ", ".join(checked.health) + "). "
                                 "Remove them, or tick the box to confirm the patient agreed to receive them by "
                                 "text.", confirm=True)
    store = StaffMessageStore(engine)
    message, new = await run_in_threadpool(store.add, item.id, item.conversation_id, session.username, body,
                                           "sms", key)
    if not new:  # the same form posted twice: it was sent (or tried) once
        return see_other(f"/staff/requests/{request_id}?msg=sms_again#staff-sms")
    result = await SmsSender(settings, store, engine).send(message, recipient.number or "")
    size = checked.size
    detail = (f"text {message.id}, {size.segments} segment(s), {size.encoding}"
              + (", health words confirmed" if checked.health else ""))
    if result.status == "error":
        await run_in_threadpool(audit, request, session.username, "sms_not_sent", request_id,
                                f"{detail}; {result.error_code or 'no answer'}")
        return see_other(f"/staff/requests/{request_id}?msg=sms_not_sent#staff-sms")
    await run_in_threadpool(audit, request, session.username, "sms_sent", request_id, detail)
    from bot.store.takeovers import TakeoverStore  # a text during a takeover: it is not idle

    await run_in_threadpool(TakeoverStore(engine).touch, item.conversation_id)
    return see_other(f"/staff/requests/{request_id}?msg=sms_sent#staff-sms")


# --- unanswered questions ---------------------------------------------------------------------

@router.get("/unanswered")
def unanswered(request: Request, show: str = "", session: StaffSession = Depends(current_session)) -> Response:
    include_handled = show == "all"
    groups = transcripts(request).question_groups(include_handled=include_handled)
    audit(request, session.username, "view_unanswered")
    return render(request, "unanswered.html", groups=groups, include_handled=include_handled, now=utcnow())


@router.post("/unanswered/handled")
def unanswered_handled(
    request: Request, form: FormData = Depends(checked_form), session: StaffSession = Depends(current_session)
) -> Response:
    key = str(form.get("group") or "")[:64]
    group = transcripts(request).mark_handled(key, by=session.username) if key else None
    if group is None:
        return see_other("/staff/unanswered?msg=gone")
    audit(request, session.username, "unanswered_handled", detail=f"group {key}, {group.count} questions")
    return see_other("/staff/unanswered?msg=handled")


# --- insights ------------------------------------------------------------------------------------

@router.get("/insights")
def insights_page(request: Request, days: str = "", session: StaffSession = Depends(current_session)) -> Response:
    from bot.settings import ROOT
    from bot.staff import insights

    chosen = insights.parse_days(days[:10])
    if chosen is None:
        return Response("Choose a range of 7, 30 or 90 days.", status_code=400, media_type="text/plain")
    # CLINIC_TIMEZONE (checked at start-up, bot/clinic_time.py); UTC only if it were empty, and the page says so.
    zone, zone_found = insights.clinic_zone(settings_of(request).clinic_timezone)
    span = insights.DateRange.last(chosen, zone)
    data = insights.insights(request.app.state.engine, span, insights.topic_titles(ROOT / "domain.yml"))
    audit(request, session.username, "view_insights", detail=f"days={chosen}")
    return render(request, "insights.html", data=data, days=chosen, ranges=insights.RANGES,
                  zone_name=str(zone) if zone_found else "UTC", zone_found=zone_found, svg=insights.charts(data),
                  channels=insights.CHANNELS, day_label=insights.day_label, duration=insights.duration)


# --- administrators ---------------------------------------------------------------------------

@router.get("/audit")
def audit_page(
    request: Request, actor: str = "", request_id: str = "", session: StaffSession = Depends(admin_session)
) -> Response:
    rid = int(request_id) if request_id.strip().isdigit() else None
    actor = actor.strip()[:100]
    entries = audit_log(request).entries(actor=actor or None, request_id=rid, limit=500)
    with request.app.state.engine.connect() as conn:
        actors = [r[0] for r in conn.execute(select(audit_table.c.actor).distinct().order_by(audit_table.c.actor))]
    return render(request, "audit.html", entries=entries, actors=actors,
                  filters={"actor": actor, "request_id": rid if rid is not None else ""})


@router.get("/retention")
def retention_page(request: Request, session: StaffSession = Depends(admin_session)) -> Response:
    from bot.purge import last_run

    days = settings_of(request).retention_days
    counts = transcripts(request).retention_counts(days)
    return render(request, "retention.html", days=days, counts=counts, last=last_run(request.app.state.engine),
                  command=f"python -m bot.purge --days {days}")
