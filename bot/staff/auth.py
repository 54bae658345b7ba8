"""Who is asking: the session cookie, CSRF tokens, the login delay and the security headers.

The session cookie carries a random token that the database knows (bot.store.staff_users); nothing
is signed. The throttling policy for logins is in that module's docstring.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Optional
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.datastructures import FormData, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.settings import Settings
from bot.store.audit import AuditLog
from bot.store.staff_users import KNOWN_BROWSER_DAYS, StaffSession, StaffStore, tokens_match

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
# Marks a browser where accounts have logged in (a random token; see bot.store.staff_users).
BROWSER_COOKIE = "staff_browser"
COOKIE_PATH = "/staff"
LOGIN_PATH = "/staff/login"
API_PREFIX = "/staff/api/"
# Every failed login is answered this many seconds after it arrived, whatever made it fail.
LOGIN_FAILURE_SECONDS = 1.0

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


class StaffAuthRequired(Exception):
    """No live session: a page redirects to the login, anything else gets 401."""


class StaffForbidden(Exception):
    """Logged in but not allowed (wrong role), or a form without its CSRF token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def default_login_delay() -> float:
    """Seconds from a failed login's arrival to its answer: flat, so it tells nothing (tests inject 0)."""
    return LOGIN_FAILURE_SECONDS


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def staff_store(request: Request) -> StaffStore:
    return StaffStore(request.app.state.engine)


def audit_log(request: Request) -> AuditLog:
    return AuditLog(request.app.state.engine)


def client_ip(request: Request) -> str:
    # uvicorn already resolves X-Forwarded-For from trusted proxies (127.0.0.1 by default).
    return (request.client.host if request.client else "")[:64]


def _session(request: Request, touch: bool) -> StaffSession:
    settings = settings_of(request)
    session = staff_store(request).session(
        request.cookies.get(SESSION_COOKIE), settings.staff_idle_minutes, touch=touch
    )
    if session is None:
        raise StaffAuthRequired()
    request.state.staff = session
    return session


def current_session(request: Request) -> StaffSession:
    """The logged-in staff member; each page view counts as activity for the idle timeout."""
    return _session(request, touch=True)


def polling_session(request: Request) -> StaffSession:
    """The session for the inbox's background poll, which must not keep an idle session alive."""
    return _session(request, touch=False)


def refusal_detail(request: Request) -> str:
    """What a refused request asked for: method and path, never the query (it may hold a patient's name)."""
    return f"{request.method} {request.url.path}"[:200]


def admin_session(request: Request, session: StaffSession = Depends(current_session)) -> StaffSession:
    if not session.is_admin:
        audit_log(request).record(session.username, "admin_refused", detail=refusal_detail(request),
                                  ip=client_ip(request))
        raise StaffForbidden("This page is for administrators.")
    return session


async def refuse_csrf(request: Request, actor: str, message: str) -> None:
    """Audit a form whose CSRF token did not match (a forged request, or a stale page), then refuse it."""
    await run_in_threadpool(audit_log(request).record, actor, "csrf_refused", None, refusal_detail(request),
                            client_ip(request))
    raise StaffForbidden(message)


async def checked_form(request: Request, session: StaffSession = Depends(current_session)) -> FormData:
    """The posted form, after its CSRF token matched the session's."""
    form = await request.form()
    token = form.get("csrf_token")
    if not isinstance(token, str) or not tokens_match(session.csrf_token, token):
        await refuse_csrf(request, session.username,
                          "The form expired or did not come from this site. Go back, reload and try again.")
    return form


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="strict", secure=settings.cookie_secure
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=settings.cookie_secure
    )


def set_browser_cookie(response: Response, settings: Settings, token: str) -> None:
    # Sent only to the login form; it lets this browser past a lock its account's strangers caused.
    response.set_cookie(
        BROWSER_COOKIE, token, path=LOGIN_PATH, max_age=KNOWN_BROWSER_DAYS * 86400, httponly=True,
        samesite="strict", secure=settings.cookie_secure,
    )


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def set_login_csrf_cookie(response: Response, settings: Settings, token: str) -> None:
    # Double-submit token for the login form, which has no session yet to hold one.
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="strict", secure=settings.cookie_secure
    )


def safe_next(target: Optional[str]) -> str:
    """Where to go after login: only a staff page of this site."""
    if not target or not target.startswith("/staff") or target.startswith("//") or "\\" in target:
        return "/staff"
    if target.startswith("/staff/login") or target.startswith(API_PREFIX):
        return "/staff"
    return target


def login_delay(request: Request) -> Callable[[], float]:
    return getattr(request.app.state, "staff_login_delay", default_login_delay)


async def answer_failure_at_flat_delay(request: Request, started: float) -> None:
    """Wait until the failed login's flat delay is over, counted from its arrival (so the work it did
    before failing, a lookup, a lock, a password check, does not show in the timing)."""
    remaining = login_delay(request)() - (time.monotonic() - started)
    if remaining > 0:
        await asyncio.sleep(remaining)


async def auth_required_handler(request: Request, _exc: Exception) -> Response:
    """Pages redirect to the login; API calls and form posts get 401."""
    path = request.url.path
    if request.method in ("GET", "HEAD") and not path.startswith(API_PREFIX):
        target = path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/staff/login?next={quote(target, safe='/')}", status_code=302)
    return PlainTextResponse("Not logged in.", status_code=401)


async def forbidden_handler(request: Request, exc: Exception) -> Response:
    reason = exc.reason if isinstance(exc, StaffForbidden) else "Forbidden."
    return PlainTextResponse(reason, status_code=403)


class StaffHeadersMiddleware:
    """Adds the security headers to every response under /staff (pure ASGI, streams untouched)."""

    def __init__(self, app: ASGIApp, prefix: str = "/staff") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefix):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

