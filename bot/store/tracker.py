"""Rasa's SQL tracker store, configured by the same DATABASE_URL as the rest of the project."""

from __future__ import annotations

from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

from bot.settings import get_settings


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore from one URL: a SQLite file by default, PostgreSQL in production."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        parsed = make_url(url or get_settings().database_url)
        dialect = parsed.drivername
        if dialect.startswith("sqlite"):
            from bot.store.db import make_engine

            make_engine(str(parsed)).dispose()  # creates the folder and switches the file to WAL
        super().__init__(
            domain=domain,
            dialect=dialect,
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
            password=parsed.password,
            event_broker=event_broker,
            query=dict(parsed.query),
        )
