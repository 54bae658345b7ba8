"""The shared SQLAlchemy metadata and engine factory; nothing is connected at import time."""

from __future__ import annotations

import importlib
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine

metadata = MetaData()

# Every module that declares tables on `metadata`; create_all imports them so no table is missed.
TABLE_MODULES = (
    "bot.store.requests",
    "bot.store.audit",
    "bot.store.staff_users",
    "bot.store.sms",
    "bot.store.transcripts",
    "bot.store.jobs",
    "bot.store.staff_messages",
    "bot.store.takeovers",
    "bot.store.bookings",
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL so Rasa and the action server can share them."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def create_all(engine: Engine) -> None:
    """Create every table of the project (idempotent)."""
    for name in TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    metadata.create_all(engine)
    # create_all never alters an existing table: a module whose table gained a column brings old ones up to date.
    for name in TABLE_MODULES:
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "migrate"):
            module.migrate(engine)
    from bot.store import audit

    audit.install_append_only_guard(engine)
