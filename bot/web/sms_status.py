"""Twilio's status callbacks for staff texts: POST /webhooks/sms/status on the web app.

Twilio reports each state of a message sent with StatusCallback (queued, sent, delivered,
undelivered, failed...). The request is signed like an inbound webhook: X-Twilio-Signature over
the URL Twilio called (PUBLIC_BASE_URL + the path, as bot/sms_outbound.py gave it) and the
posted fields. A missing or wrong signature is a 403 and nothing is recorded; a malformed one a
4xx; a repeated state of a message is answered 204 like the first and changes nothing.
"""

from __future__ import annotations

import asyncio
import re
from typing import Optional
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator

from bot.sms_outbound import STATUS_PATH, status_callback_url
from bot.store.staff_messages import CALLBACK_STATES, StaffMessageStore

MAX_BODY_BYTES = 16 * 1024  # Twilio's callbacks are a few hundred bytes
FORM_TYPE = "application/x-www-form-urlencoded"
_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
_ERROR_CODE = re.compile(r"^\d{1,10}$")


class Params(dict):
    """POST fields with every value (twilio's validator reads them through getall)."""

    def getall(self, name: str) -> list[str]:
        return list(self.get(name, []))

    def first(self, name: str) -> str:
        values = self.get(name) or [""]
        return values[0]


def _refuse(status: int, reason: str) -> Response:
    return PlainTextResponse(reason, status_code=status)


def parse(body: bytes) -> tuple[Optional[Params], str]:
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=100)
    except (UnicodeDecodeError, ValueError):
        return None, "The body is not a valid form."
    params = Params()
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params, ""


def install(app: FastAPI) -> None:
    @app.post(STATUS_PATH)
    async def sms_status(request: Request) -> Response:
        settings = request.app.state.settings
        if (request.headers.get("content-type") or "").split(";")[0].strip().lower() != FORM_TYPE:
            return _refuse(415, f"Expected {FORM_TYPE}.")
        declared = request.headers.get("content-length") or "0"
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return _refuse(413, "Too large.")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return _refuse(413, "Too large.")
        params, problem = parse(body)
        if params is None:
            return _refuse(400, problem)
        signature = request.headers.get("x-twilio-signature") or ""
        url = status_callback_url(settings)
        if request.url.query:
            url += "?" + request.url.query
        token = settings.twilio_auth_token
        if not token or not signature or not RequestValidator(token).validate(url, params, signature):
            return _refuse(403, "Invalid signature.")
        sid = params.first("MessageSid") or params.first("SmsSid")
        status = params.first("MessageStatus") or params.first("SmsStatus")
        error_code = params.first("ErrorCode").strip()
        if not _SID.match(sid):
            return _refuse(400, "'MessageSid' is missing or not a message id.")
        if status not in CALLBACK_STATES:
            return _refuse(400, "'MessageStatus' is missing or unknown.")
        if error_code and not _ERROR_CODE.match(error_code):
            return _refuse(400, "'ErrorCode' must be a number.")
        store = StaffMessageStore(request.app.state.engine)
        recorded = False
        if error_code == "21610":
            # Twilio blocked the text: the number opted out. The page reads the block from the
            # message's states as well (bot/sms_outbound.blocked_since); this records it for the
            # number, so the patient's other requests say so too.
            recorded = await asyncio.to_thread(_opted_out, request, store, sid)
        await asyncio.to_thread(store.record_callback, sid, status, error_code or None)
        if error_code == "21610" and not recorded:
            # The send had not stored the sid when we looked. Either it has now (read after our
            # state was committed), or its own read, after it stored the sid, sees our state
            # and records the opt-out (SmsSender.send): one of the two always does.
            await asyncio.to_thread(_opted_out, request, store, sid)
        return Response(status_code=204)


def _opted_out(request: Request, store: StaffMessageStore, sid: str) -> bool:
    """Twilio blocked the text because the number opted out: record it for the request's number
    (False: no message has this sid yet)."""
    from bot.sms_outbound import record_opt_out, text_number
    from bot.store.requests import RequestStore

    message = store.by_sid(sid)
    if message is None:
        return False
    engine = request.app.state.engine
    item = RequestStore(engine, create=False).get(message.request_id)
    number, _ = text_number(item.phone if item else "")
    if number:
        record_opt_out(engine, request.app.state.settings.secret_key, number)
    return True
