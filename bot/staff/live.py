"""Writing to a patient in the website chat from the request page.

The message is stored in the shared database (bot/store/staff_messages.py, channel "widget") in
the state "waiting"; the Rasa server holding the patient's socket emits it and marks it
"delivered" (bot/channels/staff_delivery.py says why the database, not a call, connects the two).
The page shows each message's state and asks for it again while one is waiting.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData

from bot.staff.auth import checked_form, current_session, polling_session
from bot.store.requests import ConsultationRequest
from bot.store.staff_messages import MAX_BODY_CHARS, StaffMessageStore
from bot.store.staff_users import StaffSession

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
            "compose_key": secrets.token_urlsafe(24), "max_chars": MAX_BODY_CHARS}


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
    raw = form.get("body")
    text = raw[:20_000] if isinstance(raw, str) else ""
    key = str(form.get("compose_key") or "")[:64]

    async def refuse(status: int, error: str) -> Response:
        def page() -> dict[str, Any]:
            context = _request_context(request, item)
            context["chat"] = chat_context(request, item, text, error)
            return context

        return render(request, "request.html", status_code=status, **(await run_in_threadpool(page)))

    if not chat_expected(item):
        return Response("This patient did not write from the website chat, so there is no chat to write to.",
                        status_code=409, media_type="text/plain")
    if not re.fullmatch(r"[A-Za-z0-9_\-]{16,64}", key):
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
