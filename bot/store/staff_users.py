"""Staff accounts (argon2id hashes, login throttling) and server-side login sessions.

A session is a random token, not a signed cookie: the cookie holds the token, the table holds its
SHA-256 (a copy of the database hands out no live session), and logout, a password change, a
disabled account and the idle timeout end a session for certain by deleting its row.

Login throttling (the policy; `StaffStore.authenticate` carries it out):

- Every failed attempt gets the same answer after the same flat delay (the web page pads each
  failure to `LOGIN_FAILURE_SECONDS`), and costs one argon2 check, whether the name exists, is
  locked, disabled or refused: failed logins do not tell which names exist.
- Per client address: at most `MAX_FAILED_PER_ADDRESS` failures in `ADDRESS_WINDOW_MINUTES`, then
  that address is refused (whatever the name) until the window has passed. Successes do not count.
- Per account: after `MAX_FAILED_LOGINS` failures in a row the account is locked for `LOCK_MINUTES`
  to every browser it has not logged in on before. A browser where the account logged in within
  `KNOWN_BROWSER_DAYS` (the staff_browser cookie) still gets its password checked, during an account
  lock and an address block alike, and a valid login there lifts the lock: a stranger cannot keep the
  front desk out. Such a browser gets `MAX_FAILED_PER_BROWSER` wrong passwords past a lock, then it
  counts as a new one (a copied cookie is no key by itself). `python -m bot.staff unlock` lifts a lock.
- Each attempt is counted before its password is checked, by one conditional UPDATE (no read then
  write), so parallel guesses cannot exceed a limit or reset an expired lock twice.
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
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.store import transcripts  # noqa: F401 - declares unanswered_handled; db.create_all imports only this module
from bot.store.audit import record_entry
from bot.store.db import metadata, utcnow

ROLES = ("staff", "admin")
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MAX_FAILED_PER_ADDRESS = 20
ADDRESS_WINDOW_MINUTES = 15
MAX_FAILED_PER_BROWSER = 5
KNOWN_BROWSER_DAYS = 90
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
    Column("disabled_at", DateTime, nullable=True),
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

# Failed logins per client address in the current window (addresses are kept only while they count).
staff_login_addresses = Table(
    "staff_login_addresses",
    metadata,
    Column("address", String(64), primary_key=True),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("window_started", DateTime, nullable=False),
)

# Browsers where an account has logged in: SHA-256 of the staff_browser cookie's token, per account.
staff_known_browsers = Table(
    "staff_known_browsers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(100), primary_key=True),
    Column("last_login", DateTime, nullable=False),
    Column("failed_count", Integer, nullable=False, default=0),
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
    disabled_at: Optional[datetime] = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


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


# What a login attempt came to. The page shows one answer for all but "ok" and "address_throttled"
# (which does not depend on the name), so none of them tells whether a name exists.
OUTCOMES = ("ok", "wrong_password", "unknown_account", "disabled", "account_locked", "address_throttled")


@dataclass
class LoginResult:
    """What a login attempt came to (for the audit row; the page shows the same words for every failure)."""

    user: Optional[StaffUser]  # the account named, if it exists (also when the password was wrong)
    outcome: str = "wrong_password"
    failed_count: int = 0  # failures in a row on the account, this one included
    locked: bool = False  # the account is locked now (by this attempt or before it)
    known_browser: bool = False  # let past a lock or an address block because the browser is known
    refused_for: str = ""  # with known_browser: what a new browser would have been refused for

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when no real check is due (unknown name, lock), so every attempt takes the same time."""
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
    return StaffUser(row.id, row.username, row.role, row.failed_count, row.locked_until, row.created_at,
                     row.disabled_at)


def migrate(engine: Engine) -> None:
    """Bring a staff_users table made by an older version up to date (idempotent; db.create_all calls it)."""
    if "disabled_at" in {c["name"] for c in inspect(engine).get_columns(staff_users.name)}:
        return
    kind = "TIMESTAMP" if engine.dialect.name == "postgresql" else "DATETIME"
    try:
        with engine.begin() as conn:
            conn.execute(text(f"ALTER TABLE {staff_users.name} ADD COLUMN disabled_at {kind}"))
    except DBAPIError:
        # Two processes starting at once: the other one may have added it first.
        if "disabled_at" not in {c["name"] for c in inspect(engine).get_columns(staff_users.name)}:
            raise


class StaffStore:
    """Accounts, password checks with throttling, known browsers and sessions.

    Methods that change an account take `by`, who made the change: given, the audit row is written
    in the same transaction as the change, so there is never one without the other.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- accounts ------------------------------------------------------------------

    def add_user(self, username: str, password: str, role: str = "staff", by: Optional[str] = None) -> StaffUser:
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
                self._audit(conn, by, "account_added", f"{name} ({role})")
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

    def set_password(self, username: str, password: str, by: Optional[str] = None) -> None:
        """Set a new password, unlock the account and end all its sessions."""
        check_password_rules(password)
        name = username.strip().lower()
        with self.engine.begin() as conn:
            self._change(conn, name, password_hash=HASHER.hash(password), password_changed_at=utcnow(),
                         failed_count=0, locked_until=None)
            conn.execute(delete(staff_sessions).where(staff_sessions.c.username == name))
            self._audit(conn, by, "password_set", f"{name}; sessions ended")

    def unlock(self, username: str, by: Optional[str] = None) -> None:
        """Lift a lock after failed logins (the account's count starts again from nothing)."""
        name = username.strip().lower()
        with self.engine.begin() as conn:
            self._change(conn, name, failed_count=0, locked_until=None)
            self._audit(conn, by, "account_unlocked", name)

    def set_role(self, username: str, role: str, by: Optional[str] = None) -> bool:
        """Change the role (effective at the account's next page view); False if it already had it."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        name = username.strip().lower()
        with self.engine.begin() as conn:
            old = self._row(conn, name).role
            if old == role:
                return False
            if old == "admin":
                self._keep_an_admin(conn, name)
            self._change(conn, name, role=role)
            self._audit(conn, by, "role_changed", f"{name}: {old} -> {role}")
        return True

    def disable_user(self, username: str, by: Optional[str] = None) -> bool:
        """No more logins for this account, and its sessions and known browsers end; False if already disabled."""
        name = username.strip().lower()
        with self.engine.begin() as conn:
            row = self._row(conn, name)
            if row.disabled_at is not None:
                return False
            if row.role == "admin":
                self._keep_an_admin(conn, name)
            self._change(conn, name, disabled_at=utcnow())
            conn.execute(delete(staff_sessions).where(staff_sessions.c.username == name))
            conn.execute(delete(staff_known_browsers).where(staff_known_browsers.c.username == name))
            self._audit(conn, by, "account_disabled", f"{name}; sessions ended")
        return True

    def enable_user(self, username: str, by: Optional[str] = None) -> bool:
        """Let a disabled account log in again (unlocked); False if it was not disabled."""
        name = username.strip().lower()
        with self.engine.begin() as conn:
            if self._row(conn, name).disabled_at is None:
                return False
            self._change(conn, name, disabled_at=None, failed_count=0, locked_until=None)
            self._audit(conn, by, "account_enabled", name)
        return True

    @staticmethod
    def _row(conn: Connection, name: str):
        row = conn.execute(select(staff_users).where(staff_users.c.username == name)).first()
        if row is None:
            raise ValueError(f"no user {name!r}")
        return row

    @staticmethod
    def _change(conn: Connection, name: str, **values) -> None:
        if not conn.execute(update(staff_users).where(staff_users.c.username == name).values(**values)).rowcount:
            raise ValueError(f"no user {name!r}")

    @staticmethod
    def _keep_an_admin(conn: Connection, name: str) -> None:
        """Refuse to leave the clinic without an active admin (nobody could read the audit trail)."""
        others = conn.execute(
            select(func.count()).select_from(staff_users).where(
                staff_users.c.role == "admin", staff_users.c.disabled_at.is_(None), staff_users.c.username != name
            )
        ).scalar_one()
        if not others:
            raise ValueError(f"{name} is the only active admin: make another admin first")

    @staticmethod
    def _audit(conn: Connection, by: Optional[str], action: str, detail: str) -> None:
        if by:
            record_entry(conn, by, action, detail=detail)

    # --- passwords and throttling -------------------------------------------------------

    def authenticate(
        self,
        username: str,
        password: str,
        address: str = "",
        browser: Optional[str] = None,
        now: Optional[datetime] = None,
    ) -> LoginResult:
        """Check a password under the throttling policy of this module's docstring.

        `address` is the client's address, `browser` the token of its staff_browser cookie (if any).
        """
        now = now or utcnow()
        name = (username or "").strip().lower()[:100]
        with self.engine.connect() as conn:
            row = conn.execute(select(staff_users).where(staff_users.c.username == name)).first()
        address_ok = self._count_address(address[:64], now)
        if row is None or row.disabled_at is not None:
            self._verify(_dummy_hash(), password)
            user = _user(row) if row else None
            if not address_ok:
                return LoginResult(user, "address_throttled")
            return LoginResult(user, "unknown_account" if row is None else "disabled")
        account_ok = address_ok and self._count_account(row.id, now)
        known = False
        refused_for = ""
        if not account_ok:
            refused_for = "address_throttled" if not address_ok else "account_locked"
            known = bool(browser) and self._count_browser(browser, name, now)
            if not known:
                self._verify(_dummy_hash(), password)
                count, locked = self._account_state(row.id, now)
                return LoginResult(_user(row), refused_for, failed_count=count, locked=locked)
        if self._verify(row.password_hash, password):
            values: dict = {"failed_count": 0, "locked_until": None}
            if HASHER.check_needs_rehash(row.password_hash):
                values["password_hash"] = HASHER.hash(password)
            with self.engine.begin() as conn:
                conn.execute(update(staff_users).where(staff_users.c.id == row.id).values(**values))
                if address_ok:
                    # The attempt was counted against the address before the check: a success gives it back.
                    conn.execute(
                        update(staff_login_addresses)
                        .where(staff_login_addresses.c.address == address[:64],
                               staff_login_addresses.c.failed_count > 0)
                        .values(failed_count=staff_login_addresses.c.failed_count - 1)
                    )
            return LoginResult(self.get_user(name), "ok", known_browser=known, refused_for=refused_for)
        count, locked = self._account_state(row.id, now)
        return LoginResult(_user(row), "wrong_password", failed_count=count, locked=locked, known_browser=known,
                           refused_for=refused_for)

    def _count_address(self, address: str, now: datetime) -> bool:
        """Count an attempt against the address, in one statement; False if the address has no attempts left."""
        window_over = staff_login_addresses.c.window_started <= now - timedelta(minutes=ADDRESS_WINDOW_MINUTES)
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        statement = upsert(staff_login_addresses).values(address=address, failed_count=1, window_started=now)
        statement = statement.on_conflict_do_update(
            index_elements=[staff_login_addresses.c.address],
            set_={
                "failed_count": case((window_over, 1), else_=staff_login_addresses.c.failed_count + 1),
                "window_started": case((window_over, literal(now)), else_=staff_login_addresses.c.window_started),
            },
            where=or_(window_over, staff_login_addresses.c.failed_count < MAX_FAILED_PER_ADDRESS),
        )
        with self.engine.begin() as conn:
            counted = conn.execute(statement).rowcount
            # Forget addresses whose window is long over, so the table holds only the ones that count.
            conn.execute(
                delete(staff_login_addresses).where(
                    staff_login_addresses.c.window_started < now - timedelta(minutes=2 * ADDRESS_WINDOW_MINUTES)
                )
            )
        return counted == 1

    def _count_account(self, user_id: int, now: datetime) -> bool:
        """Count an attempt against the account, in one statement; False while it is locked.

        An expired lock is reset by the same statement that counts the attempt, so parallel
        attempts cannot each reset it; the attempt that reaches the limit sets the lock.
        """
        c = staff_users.c
        expired = and_(c.locked_until.isnot(None), c.locked_until <= now)
        lock_end = now + timedelta(minutes=LOCK_MINUTES)
        with self.engine.begin() as conn:
            return conn.execute(
                update(staff_users)
                .where(c.id == user_id, or_(c.failed_count < MAX_FAILED_LOGINS, expired))
                .values(
                    failed_count=case((expired, 1), else_=c.failed_count + 1),
                    locked_until=case(
                        (and_(~expired, c.failed_count + 1 >= MAX_FAILED_LOGINS), literal(lock_end)), else_=None
                    ),
                )
            ).rowcount == 1

    def _count_browser(self, browser: str, username: str, now: datetime) -> bool:
        """Count an attempt past a lock against a known browser; False if it is not known (or used up)."""
        if len(browser) > 200:
            return False
        c = staff_known_browsers.c
        with self.engine.begin() as conn:
            return conn.execute(
                update(staff_known_browsers)
                .where(c.id == _token_id(browser), c.username == username,
                       c.failed_count < MAX_FAILED_PER_BROWSER,
                       c.last_login >= now - timedelta(days=KNOWN_BROWSER_DAYS))
                .values(failed_count=c.failed_count + 1)
            ).rowcount == 1

    def _account_state(self, user_id: int, now: datetime) -> tuple[int, bool]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(staff_users.c.failed_count, staff_users.c.locked_until).where(staff_users.c.id == user_id)
            ).one()
        return row.failed_count, row.locked_until is not None and row.locked_until > now

    def remember_browser(self, username: str, token: Optional[str], now: Optional[datetime] = None) -> str:
        """After a login: the browser's new staff_browser token, known for `username` and its earlier accounts.

        The token changes at every login (the old one stops working), and a browser unused for
        KNOWN_BROWSER_DAYS is forgotten.
        """
        now = now or utcnow()
        fresh = secrets.token_urlsafe(32)
        new_id = _token_id(fresh)
        c = staff_known_browsers.c
        with self.engine.begin() as conn:
            if token and len(token) <= 200:
                conn.execute(update(staff_known_browsers).where(c.id == _token_id(token)).values(id=new_id))
            changed = conn.execute(
                update(staff_known_browsers).where(c.id == new_id, c.username == username)
                .values(last_login=now, failed_count=0)
            ).rowcount
            if not changed:
                conn.execute(insert(staff_known_browsers).values(id=new_id, username=username, last_login=now,
                                                                 failed_count=0))
            conn.execute(delete(staff_known_browsers).where(c.last_login < now - timedelta(days=KNOWN_BROWSER_DAYS)))
        return fresh

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
        """The live session for a cookie's token, or None (idle, too old, unknown, or a disabled account)."""
        if not token or len(token) > 200:
            return None
        now = now or utcnow()
        sid = _token_id(token)
        with self.engine.begin() as conn:
            row = conn.execute(
                select(staff_sessions, staff_users.c.role, staff_users.c.disabled_at)
                .join(staff_users, staff_users.c.username == staff_sessions.c.username)
                .where(staff_sessions.c.id == sid)
            ).first()
            if row is None:
                return None
            idle = now - row.last_seen > timedelta(minutes=idle_minutes)
            too_old = now - row.created_at > timedelta(hours=MAX_SESSION_HOURS)
            if idle or too_old or row.disabled_at is not None:
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
    "ADDRESS_WINDOW_MINUTES", "HASHER", "KNOWN_BROWSER_DAYS", "LOCK_MINUTES", "MAX_FAILED_LOGINS",
    "MAX_FAILED_PER_ADDRESS", "MAX_FAILED_PER_BROWSER", "OUTCOMES", "ROLES", "LoginResult", "StaffSession",
    "StaffStore", "StaffUser", "migrate", "staff_known_browsers", "staff_login_addresses", "staff_sessions",
    "staff_users", "tokens_match",
]
