"""Writing to a patient in the website chat from the request page, and live takeover.

The message is stored in the shared database (bot/store/staff_messages.py, channel "widget") in
the state "waiting"; the Rasa server holding the patient's socket emits it and marks it
"delivered" (bot/channels/staff_delivery.py says why the database, not a call, connects the two).
The page shows each message's state and asks for it again while one is waiting.

Live takeover (bot/takeover.py): "Take over" records the takeover (one per conversation) and has
a Rasa server pause the bot; the page then asks every second for the patient's new messages and
the safety nets' replies (an alert); "Hand back" resumes the bot. What the staff member writes
meanwhile goes through the chat box above (widget) or the text box (SMS), as any other message.
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData

from bot.clinic_time import zone_of
from bot.staff.auth import checked_form, current_session, polling_session, settings_of
from bot.staff.compose import compose_form, new_compose_key
from bot.store.requests import ConsultationRequest
from bot.store.staff_messages import MAX_BODY_CHARS, StaffMessageStore
from bot.store.staff_users import StaffSession
from bot.store.takeovers import Takeover, TakeoverStore
from bot.takeover import CHANNELS as TAKEOVER_CHANNELS
from bot.takeover import DURING_TAKEOVER, ControlUnavailable, control

WIDGET_CHANNELS = ("socketio",)
CHAT_STATUS_LABELS = {
    "pending": "Saving…",
    "waiting": "Waiting: shown when the patient next opens the chat",
    "delivered": "Delivered to the patient's chat",
}

router = APIRouter(prefix="/staff")


def chat_expected(item: ConsultationRequest) -> bool:
    """The conversation came from the website chat, so a message can reach it there."""
    return item.channel in WIDGET_CHANNELS


def chat_label(status: str) -> str:
    return CHAT_STATUS_LABELS.get(status, status)


def chat_context(request: Request, item: ConsultationRequest, text: str = "", error: str = "") -> dict[str, Any]:
    """The chat compose box and the messages already written, for the request page."""
    if not chat_expected(item):
        return {"shown": False}
    messages = [m for m in StaffMessageStore(request.app.state.engine).for_request(item.id) if m.channel == "widget"]
    return {"shown": True, "messages": messages, "text": text, "error": error,
            "compose_key": new_compose_key(), "max_chars": MAX_BODY_CHARS}


def body_problem(body: str) -> str:
    """Why a chat message cannot be sent ("" when it can)."""
    if not body:
        return "The message is empty: nothing was sent."
    if len(body) > MAX_BODY_CHARS:
        return f"The message has {len(body)} characters; the chat takes at most {MAX_BODY_CHARS}. Shorten it."
    if "\x00" in body:
        return "The message contains a character the chat cannot show: nothing was sent."
    return ""


@router.post("/requests/{request_id}/chat")
async def request_chat(
    request: Request,
    request_id: int,
    form: FormData = Depends(checked_form),
    session: StaffSession = Depends(current_session),
) -> Response:
    """Write to the patient in the website chat; refusals re-show the page with the draft and a 4xx."""
    from bot.sms_outbound import clean_body
    from bot.staff.routes import _request_context, audit, not_found, render, requests_store, see_other

    item = await run_in_threadpool(requests_store(request).get, request_id)
    if item is None:
        return not_found(request)
    posted = compose_form(form)
    text, key = posted.text, posted.key

    async def refuse(status: int, error: str) -> Response:
        def page() -> dict[str, Any]:
            context = _request_context(request, item)
            context["chat"] = chat_context(request, item, text, error)
            return context

        return render(request, "request.html", status_code=status, **(await run_in_threadpool(page)))

    if not chat_expected(item):
        return Response("This patient did not write from the website chat, so there is no chat to write to.",
                        status_code=409, media_type="text/plain")
    if not posted.key_ok:
        return await refuse(400, "The form is incomplete. Reload the page and write the message again.")
    body = clean_body(text)
    problem = body_problem(body)
    if problem:
        return await refuse(400, problem)
    store = StaffMessageStore(request.app.state.engine)

    def save() -> tuple[Any, bool]:
        message, new = store.add(item.id, item.conversation_id, session.username, body, "widget", key)
        if new:
            store.set_state(message.id, "waiting")  # the Rasa server holding the chat picks it up
        return message, new

    message, new = await run_in_threadpool(save)
    if not new:
        return see_other(f"/staff/requests/{request_id}?msg=chat_again#staff-chat")
    await run_in_threadpool(TakeoverStore(request.app.state.engine).touch, item.conversation_id)
    await run_in_threadpool(audit, request, session.username, "chat_message_sent", request_id,
                            f"chat message {message.id}, {len(body)} characters")
    return see_other(f"/staff/requests/{request_id}?msg=chat_sent#staff-chat")


@router.get("/api/requests/{request_id}/chat-states")
def chat_states(request: Request, request_id: int, session: StaffSession = Depends(polling_session)) -> JSONResponse:
    """The state of each chat message on a request (the page asks while one waits; it does not keep
    an idle session alive)."""
    messages = StaffMessageStore(request.app.state.engine).for_request(request_id)
    return JSONResponse({"messages": [
        {"id": m.id, "status": m.status, "label": chat_label(m.status), "final": m.status == "delivered"}
        for m in messages if m.channel == "widget"
    ]})


# --- live takeover ------------------------------------------------------------------------------

ALERTS = {
    "utter_emergency": "Emergency: the patient wrote about an emergency and was told to call 911 now.",
    "utter_crisis": "Crisis: the patient wrote about suicide or self-harm and was given 988 and 911.",
}


def takeover_possible(item: ConsultationRequest) -> bool:
    """The conversation reaches the patient (website chat or SMS), so a person can take it over."""
    return item.channel in TAKEOVER_CHANNELS or item.channel == "twilio"


def latest_event_id(engine: Any, conversation_id: str) -> int:
    from sqlalchemy import func, inspect, select

    from bot.store.transcripts import rasa_events

    with engine.connect() as conn:
        if not inspect(conn).has_table("events"):
            return 0
        return int(conn.execute(select(func.max(rasa_events.c.id))
                                .where(rasa_events.c.sender_id == conversation_id)).scalar() or 0)


def live_lines(engine: Any, conversation_id: str, after: int, limit: int = 200,
               zone: Optional[Any] = None) -> list[dict[str, Any]]:
    """The patient's and the bot's messages stored after event `after`; the safety nets' replies
    during a takeover carry an alert. `when` is the time as every staff page shows it (the
    clinic's zone), so the panel doesn't show the browser's own zone beside it."""
    import json
    from datetime import datetime, timezone

    from sqlalchemy import inspect, select

    from bot.channels.guard import display_text
    from bot.clinic_time import format_when
    from bot.store.transcripts import rasa_events

    with engine.connect() as conn:
        if not inspect(conn).has_table("events"):
            return []
        rows = conn.execute(
            select(rasa_events.c.id, rasa_events.c.type_name, rasa_events.c.timestamp, rasa_events.c.data)
            .where(rasa_events.c.sender_id == conversation_id, rasa_events.c.id > after,
                   rasa_events.c.type_name.in_(("user", "bot")))
            .order_by(rasa_events.c.id).limit(limit)
        ).fetchall()
    lines = []
    for row in rows:
        try:
            data = json.loads(row.data or "{}")
        except ValueError:
            continue
        metadata = data.get("metadata") or {}
        action = metadata.get("utter_action") if isinstance(metadata, dict) else None
        alert = ALERTS.get(action, "") if isinstance(metadata, dict) and metadata.get(DURING_TAKEOVER) else ""
        text = display_text(data.get("text")) if row.type_name == "user" else (data.get("text") or "")
        if text:
            moment = datetime.fromtimestamp(row.timestamp or 0, timezone.utc).replace(tzinfo=None)
            lines.append({"id": row.id, "kind": "patient" if row.type_name == "user" else "assistant",
                          "text": text, "at": row.timestamp or 0, "alert": alert,
                          "when": format_when(moment, zone or zone_of("UTC"))})
    return lines


def takeover_json(takeover: Optional[Takeover], username: str) -> Optional[dict[str, Any]]:
    if takeover is None:
        return None
    return {"staff_user": takeover.staff_user, "mine": takeover.staff_user == username,
            "since": takeover.started_at.isoformat() + "Z"}


def takeover_context(request: Request, item: ConsultationRequest, username: str) -> dict[str, Any]:
    """The takeover panel of the request page."""
    if not takeover_possible(item):
        return {"shown": False}
    engine = request.app.state.engine
    takeover = TakeoverStore(engine).get(item.conversation_id)
    idle = request.app.state.settings.takeover_idle_minutes
    return {"shown": True, "takeover": takeover, "mine": bool(takeover and takeover.staff_user == username),
            "after": latest_event_id(engine, item.conversation_id), "idle_minutes": idle,
            "compose": "#staff-chat" if chat_expected(item) else "#staff-sms"}


@router.post("/requests/{request_id}/takeover")
async def request_takeover(
    request: Request,
    request_id: int,
    form: FormData = Depends(checked_form),
    session: StaffSession = Depends(current_session),
) -> Response:
    """Take the conversation over: recorded first (one per conversation), then the bot is paused."""
    from bot.staff.routes import audit, not_found, see_other

    item = await run_in_threadpool(_requests(request).get, request_id)
    if item is None:
        return not_found(request)
    if not takeover_possible(item):
        return Response("Only a website chat or SMS conversation can be taken over.", status_code=409,
                        media_type="text/plain")
    store = TakeoverStore(request.app.state.engine)
    channel = "sms" if item.channel in ("sms", "twilio") else "socketio"
    takeover, mine = await run_in_threadpool(store.start, item.conversation_id, item.id, channel, session.username)
    if not mine:
        await run_in_threadpool(audit, request, session.username, "takeover_refused", request_id,
                                f"held by {takeover.staff_user}")
        return Response(f"{takeover.staff_user} has already taken over this conversation; two people cannot "
                        "have it at once.", status_code=409, media_type="text/plain")
    try:
        await control(request.app.state.settings, item.conversation_id, True)
    except ControlUnavailable as exc:
        await run_in_threadpool(store.end, item.conversation_id, takeover.id)
        return Response(f"The conversation was not taken over: {exc}. The assistant still answers; try again.",
                        status_code=503, media_type="text/plain")
    await run_in_threadpool(audit, request, session.username, "takeover_start", request_id, "")
    return see_other(f"/staff/requests/{request_id}?msg=takeover#takeover")


@router.post("/requests/{request_id}/handback")
async def request_handback(
    request: Request,
    request_id: int,
    form: FormData = Depends(checked_form),
    session: StaffSession = Depends(current_session),
) -> Response:
    """Hand the conversation back to the assistant (the one who has it, or an administrator)."""
    from bot.staff.routes import audit, not_found, see_other

    item = await run_in_threadpool(_requests(request).get, request_id)
    if item is None:
        return not_found(request)
    store = TakeoverStore(request.app.state.engine)
    takeover = await run_in_threadpool(store.get, item.conversation_id)
    if takeover is None:
        return see_other(f"/staff/requests/{request_id}?msg=handed_back#takeover")
    if takeover.staff_user != session.username and not session.is_admin:
        return Response(f"{takeover.staff_user} has this conversation; only they (or an administrator) can hand "
                        "it back.", status_code=403, media_type="text/plain")
    try:
        await control(request.app.state.settings, item.conversation_id, False)
    except ControlUnavailable as exc:
        return Response(f"The conversation was not handed back: {exc}. You still have it; try again.",
                        status_code=503, media_type="text/plain")
    await run_in_threadpool(store.end, item.conversation_id, takeover.id)
    detail = "" if takeover.staff_user == session.username else f"taken from {takeover.staff_user}"
    await run_in_threadpool(audit, request, session.username, "takeover_end", request_id, detail)
    return see_other(f"/staff/requests/{request_id}?msg=handed_back#takeover")


@router.get("/api/requests/{request_id}/live")
def request_live(
    request: Request, request_id: int, after: int = 0, session: StaffSession = Depends(polling_session)
) -> JSONResponse:
    """During a takeover the page asks every second: the takeover, and messages after event `after`."""
    item = _requests(request).get(request_id)
    if item is None:
        return JSONResponse({"error": "No such request."}, status_code=404)
    engine = request.app.state.engine
    takeover = TakeoverStore(engine).get(item.conversation_id)
    return JSONResponse({"takeover": takeover_json(takeover, session.username),
                         "lines": live_lines(engine, item.conversation_id, max(0, after),
                                             zone=zone_of(settings_of(request).clinic_timezone))})


def _requests(request: Request) -> Any:
    from bot.store.requests import RequestStore

    return RequestStore(request.app.state.engine, create=False)
