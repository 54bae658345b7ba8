"""The staff review pages under /staff, and the account command (`python -m bot.staff`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line does not need FastAPI
    from fastapi import FastAPI

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Mount the staff pages, their static files, error handlers and security headers on `app`."""
    from fastapi.staticfiles import StaticFiles

    from bot.staff.auth import (
        StaffAuthRequired,
        StaffForbidden,
        StaffHeadersMiddleware,
        auth_required_handler,
        default_login_delay,
        forbidden_handler,
    )
    from bot.staff.live import router as live_router
    from bot.staff.routes import router

    app.include_router(router)
    app.include_router(live_router)  # writing in the patient's website chat
    app.mount("/staff/static", StaticFiles(directory=str(STATIC_DIR)), name="staff-static")
    app.add_exception_handler(StaffAuthRequired, auth_required_handler)
    app.add_exception_handler(StaffForbidden, forbidden_handler)
    app.add_middleware(StaffHeadersMiddleware)
    if not hasattr(app.state, "staff_login_delay"):
        app.state.staff_login_delay = default_login_delay
