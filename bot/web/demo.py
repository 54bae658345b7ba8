"""The demo page (`/`, `/fr` in French): the clinic's page with the chat widget on it, and the widget's files.

The page's text comes from the clinic's own page (shared/source/clinic-page.txt; the French page
from its translation, docs/fr/clinic-page.fr.txt), so the clinic and developers see the bot as a
patient would. The widget is served from `/widget/` for any
site to embed with one script tag (docs/widget.md).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.settings import Settings

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
WIDGET_DIR = STATIC_DIR / "widget"
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter()
PAGES = ("/", "/fr")  # the demo page in English and in French


def widget_server_url(settings: Settings) -> str:
    """The Rasa server as the browser reaches it: WIDGET_SERVER_URL, else RASA_URL (read in bot/settings.py)."""
    return settings.widget_url


def origin_of(url: str) -> str:
    """scheme://host[:port] of `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def websocket_origin(url: str) -> str:
    """The ws:// or wss:// twin of an http(s) origin (socket.io upgrades to a websocket)."""
    origin = origin_of(url)
    return "wss://" + origin[len("https://"):] if origin.startswith("https://") else "ws://" + origin[len("http://"):]


def content_security_policy(server_url: str) -> str:
    """No inline script or style; the socket may go to the Rasa server only."""
    server = origin_of(server_url)
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            # Bot-sent images (none today) are https only; the page's own are 'self'.
            "img-src 'self' https:",
            f"connect-src 'self' {server} {websocket_origin(server_url)}",
            "font-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def demo_page(request: Request) -> HTMLResponse:
    """The clinic's page with the widget, embedded exactly as a clinic's site would embed it."""
    return _page(request, "demo.html")


@router.get("/fr", response_class=HTMLResponse, include_in_schema=False)
def demo_page_fr(request: Request) -> HTMLResponse:
    """The same page in French (docs/fr/clinic-page.fr.txt): `<html lang="fr-CA">`, so the widget
    on it speaks French, and the conversation starts in French."""
    return _page(request, "demo.fr.html")


def _page(request: Request, template: str) -> HTMLResponse:
    """A demo page with its strict headers."""
    settings: Settings = request.app.state.settings
    server_url = widget_server_url(settings)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "clinic_name": settings.clinic_name,
            "clinic_phone": settings.clinic_phone,
            "retention_days": settings.retention_days,
            "widget_session_hours": settings.widget_session_hours,
            "server_url": server_url,
        },
    )
    response.headers["Content-Security-Policy"] = content_security_policy(server_url)
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


class NoSniffMiddleware:
    """`X-Content-Type-Options: nosniff` on the widget's and demo's files (pure ASGI)."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...] = ("/widget/", "/static/demo/")) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path not in PAGES and not path.startswith(self.prefixes):
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_header)


def install(app: FastAPI) -> None:
    """Mount the demo page, the widget's files and the demo page's own assets on `app`."""
    app.include_router(router)
    app.mount("/widget", StaticFiles(directory=str(WIDGET_DIR)), name="widget")
    app.mount("/static/demo", StaticFiles(directory=str(STATIC_DIR / "demo")), name="demo-static")
    app.add_middleware(NoSniffMiddleware)
