"""The web app factory (`uvicorn bot.web.app:create_app --factory`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Optional

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from bot.settings import Settings, get_settings


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While the server runs: the booking texts' scheduler (bot/booking_texts.py). Every web app runs
    one; the database claim sends each text once. (A TestClient used without `with` starts none.)"""
    from bot.booking_texts import BookingTexts, ReminderLoop

    settings = app.state.settings
    loop = ReminderLoop(BookingTexts(app.state.engine, settings), settings.reminder_check_seconds).start()
    try:
        yield
    finally:
        await loop.stop()


def create_app(settings: Optional[Settings] = None, engine: Optional[Engine] = None) -> FastAPI:
    """Build the app; `engine` defaults to DATABASE_URL's (tests pass a temporary SQLite)."""
    settings = settings or get_settings()
    if engine is None:
        from bot.store.db import create_all, make_engine

        engine = make_engine(settings.database_url)
        create_all(engine)
    app = FastAPI(title="Metropolitan Dental assistant", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = engine

    @app.get("/health")
    def health() -> dict:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok"}

    from bot.staff import install as install_staff

    install_staff(app)  # /staff pages, /staff/static, their security headers

    from bot.web.sms_status import install as install_sms_status

    install_sms_status(app)  # /webhooks/sms/status: Twilio's signed delivery states of staff texts

    from bot.web.demo import install as install_demo

    install_demo(app)  # / the demo page with the widget, /widget/ the widget's files
    return app
