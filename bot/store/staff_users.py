"""Staff accounts (argon2id hashes, lockout) and server-side login sessions.

Sessions live in the database rather than in signed cookies so that logout, a password change
and the idle timeout end a session for certain: the cookie holds only a random token, and the
table holds its SHA-256, so a copy of the database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Column, DateTime, Integer, String, Table, Text, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store import transcripts  # noqa: F401 - declares unanswered_handled; db.create_all imports only this module
from bot.store.db import metadata, utcnow

ROLES = ("staff", "admin")
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_CHARS = 12
# A session ends after this long even if it is kept busy: a shared front-desk screen logs out daily.
MAX_SESSION_HOURS = 12
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")

# OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): about 0.1 s here, so a login stays quick.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

staff_users = Table(
    "staff_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(20), nullable=False, default="staff"),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("locked_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("password_changed_at", DateTime, nullable=False, default=utcnow),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    # SHA-256 of the cookie's token: the token itself is never stored.
    Column("id", String(64), primary_key=True),
    Column("username", String(100), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("last_seen", DateTime, nullable=False, default=utcnow),
)


@dataclass
class StaffUser:
    """A staff account without its password hash."""

    id: int
    username: str
    role: str
    failed_count: int
    locked_until: Optional[datetime]
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass
class StaffSession:
    """A logged-in staff member; `token` is set only when the session is created."""

    username: str
    role: str
    csrf_token: str
    created_at: datetime
    last_seen: datetime
    token: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass
class LoginResult:
    """What a login attempt came to; the page shows the same words for every failure."""

    user: Optional[StaffUser]  # the account named, if it exists (also when the password was wrong)
    ok: bool = False
    locked: bool = False  # the account is locked now (by this attempt or before it)
    failed_count: int = 0
    checked: bool = True  # False when refused unchecked because the account was already locked


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the username does not exist, so both cases take the same time."""
    return HASHER.hash(secrets.token_urlsafe(16))


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_username(name: str) -> str:
    """Usernames are lower-case ASCII letters, digits, dot, dash and underscore."""
    value = (name or "").strip().lower()
    if not value or len(value) > 100 or not set(value) <= USERNAME_CHARS:
        raise ValueError("a username is 1-100 characters: letters, digits, '.', '-' or '_'")
    return value


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short to protect health information."""
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")


def _user(row) -> StaffUser:
    return StaffUser(row.id, row.username, row.role, row.failed_count, row.locked_until, row.created_at)


class StaffStore:
    """Accounts, password checks with lockout, and sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- accounts ------------------------------------------------------------------

    def add_user(self, username: str, password: str, role: str = "staff") -> StaffUser:
        """Create an account; there is no default account and no default password."""
        name = normalise_username(username)
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        check_password_rules(password)
        now = utcnow()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(staff_users).values(
                        username=name, password_hash=HASHER.hash(password), role=role,
                        failed_count=0, created_at=now, password_changed_at=now,
                    )
                )
        except IntegrityError as exc:
            raise ValueError(f"user {name!r} already exists") from exc
        user = self.get_user(name)
        assert user is not None
        return user

    def get_user(self, username: str) -> Optional[StaffUser]:
        with self.engine.connect() as conn:
            row = conn.execute(select(staff_users).where(staff_users.c.username == username.strip().lower())).first()
        return _user(row) if row else None

    def users(self) -> list[StaffUser]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(staff_users).order_by(staff_users.c.username)).fetchall()
        return [_user(r) for r in rows]

    def set_password(self, username: str, password: str) -> None:
        """Set a new password, unlock the account and end all its sessions."""
        check_password_rules(password)
        name = username.strip().lower()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(staff_users)
                .where(staff_users.c.username == name)
                .values(password_hash=HASHER.hash(password), password_changed_at=utcnow(),
                        failed_count=0, locked_until=None)
            ).rowcount
            if not changed:
                raise ValueError(f"no user {name!r}")
            conn.execute(delete(staff_sessions).where(staff_sessions.c.username == name))

    def unlock(self, username: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(staff_users)
                .where(staff_users.c.username == username.strip().lower())
                .values(failed_count=0, locked_until=None)
            )

    # --- passwords and lockout ------------------------------------------------------

    def authenticate(self, username: str, password: str, now: Optional[datetime] = None) -> LoginResult:
        """Check a password; the fifth failure in a row locks the account for 15 minutes."""
        now = now or utcnow()
        name = (username or "").strip().lower()
        with self.engine.begin() as conn:
            row = conn.execute(select(staff_users).where(staff_users.c.username == name)).first()
            if row is None:
                self._verify(_dummy_hash(), password)
                return LoginResult(None)
            if row.locked_until is not None and row.locked_until > now:
                return LoginResult(_user(row), locked=True, failed_count=row.failed_count, checked=False)
            if row.locked_until is not None:
                # The lock ran out: a fresh count of five.
                conn.execute(
                    update(staff_users).where(staff_users.c.id == row.id).values(failed_count=0, locked_until=None)
                )
            # Count the attempt before checking it, so parallel guesses cannot exceed five.
            reserved = conn.execute(
                update(staff_users)
                .where(staff_users.c.id == row.id, staff_users.c.failed_count < MAX_FAILED_LOGINS)
                .values(failed_count=staff_users.c.failed_count + 1)
            ).rowcount
        if not reserved:
            return LoginResult(_user(row), locked=True, failed_count=MAX_FAILED_LOGINS, checked=False)
        if self._verify(row.password_hash, password):
            with self.engine.begin() as conn:
                values = {"failed_count": 0, "locked_until": None}
                if HASHER.check_needs_rehash(row.password_hash):
                    values["password_hash"] = HASHER.hash(password)
                conn.execute(update(staff_users).where(staff_users.c.id == row.id).values(**values))
            return LoginResult(self.get_user(name), ok=True)
        with self.engine.begin() as conn:
            conn.execute(
                update(staff_users)
                .where(staff_users.c.id == row.id, staff_users.c.failed_count >= MAX_FAILED_LOGINS)
                .values(locked_until=now + timedelta(minutes=LOCK_MINUTES))
            )
            count = conn.execute(select(staff_users.c.failed_count).where(staff_users.c.id == row.id)).scalar_one()
        return LoginResult(_user(row), locked=count >= MAX_FAILED_LOGINS, failed_count=count)

    @staticmethod
    def _verify(password_hash: str, password: str) -> bool:
        try:
            return HASHER.verify(password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    # --- sessions ---------------------------------------------------------------------

    def create_session(self, username: str, now: Optional[datetime] = None) -> StaffSession:
        """A new session with a fresh random token and CSRF token."""
        user = self.get_user(username)
        if user is None:
            raise ValueError("no such user")
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(staff_sessions).values(
                    id=_token_id(token), username=user.username, csrf_token=csrf, created_at=now, last_seen=now
                )
            )
        return StaffSession(user.username, user.role, csrf, now, now, token=token)

    def session(
        self, token: Optional[str], idle_minutes: int, touch: bool = True, now: Optional[datetime] = None
    ) -> Optional[StaffSession]:
        """The live session for a cookie's token, or None (idle, too old, or unknown)."""
        if not token or len(token) > 200:
            return None
        now = now or utcnow()
        sid = _token_id(token)
        with self.engine.begin() as conn:
            row = conn.execute(
                select(staff_sessions, staff_users.c.role)
                .join(staff_users, staff_users.c.username == staff_sessions.c.username)
                .where(staff_sessions.c.id == sid)
            ).first()
            if row is None:
                return None
            idle = now - row.last_seen > timedelta(minutes=idle_minutes)
            too_old = now - row.created_at > timedelta(hours=MAX_SESSION_HOURS)
            if idle or too_old:
                conn.execute(delete(staff_sessions).where(staff_sessions.c.id == sid))
                return None
            if touch:
                conn.execute(update(staff_sessions).where(staff_sessions.c.id == sid).values(last_seen=now))
        return StaffSession(row.username, row.role, row.csrf_token, row.created_at, now if touch else row.last_seen)

    def end_session(self, token: Optional[str]) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(delete(staff_sessions).where(staff_sessions.c.id == _token_id(token)))

    def end_all_sessions(self, username: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(staff_sessions).where(staff_sessions.c.username == username))

    def purge_expired_sessions(self, idle_minutes: int, now: Optional[datetime] = None) -> int:
        """Remove sessions nobody can use any more (called at login, so the table stays small)."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            return conn.execute(
                delete(staff_sessions).where(
                    (staff_sessions.c.last_seen < now - timedelta(minutes=idle_minutes))
                    | (staff_sessions.c.created_at < now - timedelta(hours=MAX_SESSION_HOURS))
                )
            ).rowcount


def tokens_match(expected: str, given: Optional[str]) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(expected) and hmac.compare_digest(expected.encode(), (given or "").encode())


__all__ = [
    "HASHER", "LOCK_MINUTES", "MAX_FAILED_LOGINS", "ROLES", "LoginResult", "StaffSession", "StaffStore",
    "StaffUser", "staff_sessions", "staff_users", "tokens_match",
]
