"""Delete conversation transcripts older than the retention period; consultation requests stay.

    python -m bot.purge [--days N] [--dry-run]

Run it daily (cron or a systemd timer). It prints counts only, never what anyone wrote.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from sqlalchemy.engine import Engine

from bot.store.transcripts import PurgeResult, RetentionCounts, TranscriptStore


def run(engine: Engine, days: int, dry_run: bool = False) -> RetentionCounts | PurgeResult:
    """Count (dry run) or purge; a real purge is written to the audit trail."""
    store = TranscriptStore(engine)
    if dry_run:
        return store.retention_counts(days)
    result = store.purge(days)
    # Stored SMS replies exist only to answer Twilio's retries, which stop within minutes;
    # they can hold a screening summary, so they go after a day whatever the retention.
    from datetime import timedelta

    from bot.store.db import utcnow
    from bot.store.sms import SmsStore

    SmsStore(engine).purge_messages(utcnow() - timedelta(days=1))
    from bot.store.audit import AuditLog

    AuditLog(engine).record(
        "purge-command", "purge",
        detail=f"{result.events} events of {result.conversations} conversations older than {days} days",
    )
    return result


def main(argv: Optional[list[str]] = None, engine: Optional[Engine] = None) -> int:
    from bot.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.purge", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=settings.retention_days,
                        help=f"keep this many days (default RETENTION_DAYS: {settings.retention_days})")
    parser.add_argument("--dry-run", action="store_true", help="count what would go; delete nothing")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    owned = engine is None
    if engine is None:
        from bot.store.db import create_all, make_engine

        engine = make_engine(settings.database_url)
        create_all(engine)
    try:
        result = run(engine, args.days, args.dry_run)
    finally:
        if owned:
            engine.dispose()
    cutoff = f"{result.cutoff:%Y-%m-%d %H:%M} UTC"
    if args.dry_run:
        print(f"dry run: {result.events} events in {result.conversations} conversations are older than "
              f"{args.days} days (before {cutoff}); nothing deleted")
    else:
        print(f"purged {result.events} events in {result.conversations} conversations older than {args.days} days "
              f"(before {cutoff}); {result.handled_marks} handled-question marks; consultation requests kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
