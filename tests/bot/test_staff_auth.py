"""Staff login: every route behind it, sessions, CSRF, lockout, logout, password change, accounts."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Optional

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bot.settings import Settings
from bot.staff.__main__ import main as staff_cli
from bot.staff.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, default_login_delay
from bot.store.audit import AuditLog
from bot.store.db import utcnow
from bot.store.staff_users import HASHER, StaffStore, staff_sessions, staff_users
from bot.web.app import create_app

PASSWORD = "correct horse battery staple"
ADMIN_PASSWORD = "admin's long passphrase 42"

# --- shared helpers (test_staff_pages imports them) ------------------------------------------------


class Staff:
    """A TestClient on the app with a recorder for the login delay."""

    def __init__(self, engine, settings: Optional[Settings] = None) -> None:
        self.settings = settings or Settings(database_url="sqlite://", staff_idle_minutes=15)
        self.app = create_app(self.settings, engine)
        self.delays: list[int] = []
        self.app.state.staff_login_delay = self._delay  # no real waiting in tests
        self.client = TestClient(self.app)
        self.engine = engine

    def _delay(self, failures: int) -> float:
        self.delays.append(failures)
        return 0.0

    def login_token(self) -> str:
        page = self.client.get("/staff/login")
        assert page.status_code == 200
        return csrf_in(page.text)

    def login(self, username: str, password: str, **extra: str):
        data = {"csrf_token": self.login_token(), "username": username, "password": password, **extra}
        return self.client.post("/staff/login", data=data, follow_redirects=False)

    def csrf(self, page: str = "/staff") -> str:
        response = self.client.get(page)
        assert response.status_code == 200, response.text
        return csrf_in(response.text)

    def post(self, url: str, data: Optional[dict] = None, token: Optional[str] = "page"):
        body = dict(data or {})
        if token == "page":
            body["csrf_token"] = self.csrf()
        elif token is not None:
            body["csrf_token"] = token
        return self.client.post(url, data=body, follow_redirects=False)


def csrf_in(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def add_users(engine) -> None:
    store = StaffStore(engine)
    store.add_user("alice", PASSWORD, "staff")
    store.add_user("root", ADMIN_PASSWORD, "admin")


@pytest.fixture
def staff(engine) -> Iterator[Staff]:
    add_users(engine)
    yield Staff(engine)


def logged_in(staff: Staff, username: str = "alice") -> Staff:
    response = staff.login(username, PASSWORD if username == "alice" else ADMIN_PASSWORD)
    assert response.status_code == 303, response.text
    return staff


def audit_actions(engine, action: Optional[str] = None) -> list[str]:
    return [e.action for e in AuditLog(engine).entries(limit=10_000) if action is None or e.action == action]


# --- every route needs a login ------------------------------------------------------------------------

PUBLIC = {("/staff/login", "GET"), ("/staff/login", "POST")}


def staff_routes(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/staff"):
            for method in sorted(route.methods - {"HEAD"}):
                found.append((route.path.replace("{request_id}", "1"), method))
    return found


def test_every_staff_route_without_login_redirects_or_401(staff: Staff) -> None:
    routes = [r for r in staff_routes(staff.app) if r not in PUBLIC]
    assert len(routes) >= 14  # the walk really walked
    for path, method in routes:
        response = staff.client.request(method, path, follow_redirects=False)
        if method == "GET" and not path.startswith("/staff/api/"):
            assert response.status_code == 302, (path, response.status_code)
            assert response.headers["location"].startswith("/staff/login?next=")
        elif method == "GET":
            assert response.status_code == 401, path
        else:
            assert response.status_code in (401, 403), (path, method, response.status_code)
    assert audit_actions(staff.engine) == []


def test_a_forged_or_stale_cookie_is_not_a_session(staff: Staff) -> None:
    staff.client.cookies.set(SESSION_COOKIE, "made-up-by-an-attacker", path="/staff")
    for path, method in staff_routes(staff.app):
        if (path, method) in PUBLIC:
            continue
        response = staff.client.request(method, path, data={"csrf_token": "x"}, follow_redirects=False)
        assert response.status_code in (302, 401), (path, method)


def test_the_redirect_brings_you_back_after_login(staff: Staff) -> None:
    response = staff.client.get("/staff/requests/7?x=1", follow_redirects=False)
    assert response.headers["location"] == "/staff/login?next=/staff/requests/7%3Fx%3D1"
    page = staff.client.get(response.headers["location"])
    assert 'name="next" value="/staff/requests/7?x=1"' in page.text
    done = staff.login("alice", PASSWORD, next="/staff/requests/7?x=1")
    assert done.headers["location"] == "/staff/requests/7?x=1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/staff", "/staff\\..\\x", "/elsewhere"])
def test_after_login_only_staff_pages_of_this_site(staff: Staff, target: str) -> None:
    assert staff.login("alice", PASSWORD, next=target).headers["location"] == "/staff"


# --- login, cookies and sessions --------------------------------------------------------------------


def test_login_sets_a_strict_httponly_cookie_with_a_fresh_id(staff: Staff) -> None:
    staff.client.cookies.set(SESSION_COOKIE, "attacker-chosen-id", path="/staff")
    response = staff.login("alice", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token != "attacker-chosen-id" and len(token) >= 40
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=strict" in flags and "path=/staff" in flags
    assert "secure" not in flags  # plain HTTP in development
    assert "max-age" not in flags and "expires" not in flags  # a browser-session cookie
    assert StaffStore(staff.engine).session("attacker-chosen-id", 15) is None
    # The database keeps only a hash of the token.
    with staff.engine.connect() as conn:
        ids = [r.id for r in conn.execute(select(staff_sessions))]
    assert token not in ids and len(ids) == 1
    assert staff.client.get("/staff").status_code == 200


def test_each_login_gets_a_new_session_id(staff: Staff) -> None:
    first = staff.login("alice", PASSWORD).cookies[SESSION_COOKIE]
    assert staff.client.get("/staff/login", follow_redirects=False).status_code == 303  # already logged in
    again = Staff(staff.engine)
    token = again.login_token()
    again.client.cookies.set(SESSION_COOKIE, first, path="/staff")  # a live session brought to the login
    response = again.client.post("/staff/login", data={"csrf_token": token, "username": "alice",
                                                        "password": PASSWORD}, follow_redirects=False)
    second = response.cookies[SESSION_COOKIE]
    assert second != first
    assert StaffStore(staff.engine).session(first, 15) is None  # the session it brought is ended
    assert StaffStore(staff.engine).session(second, 15) is not None


def test_secure_cookie_when_configured(engine) -> None:
    add_users(engine)
    staff = Staff(engine, Settings(database_url="sqlite://", cookie_secure=True))
    login_cookie = staff.client.get("/staff/login").headers["set-cookie"]
    assert "secure" in login_cookie.lower()
    token = re.search(r"staff_login_csrf=([^;]+)", login_cookie).group(1)
    staff.client.cookies.set(LOGIN_CSRF_COOKIE, token, path="/staff")  # httpx keeps Secure cookies off http
    page = staff.client.get("/staff/login")
    response = staff.client.post(
        "/staff/login", data={"csrf_token": csrf_in(page.text), "username": "alice", "password": PASSWORD},
        follow_redirects=False,
    )
    session_cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "; secure" in session_cookie.lower()


def test_wrong_password_fails_and_is_audited(staff: Staff) -> None:
    response = staff.login("alice", "not the password at all")
    assert response.status_code == 401
    assert "Wrong username or password" in response.text
    assert SESSION_COOKIE not in response.cookies
    assert staff.client.get("/staff", follow_redirects=False).status_code == 302
    (entry,) = AuditLog(staff.engine).entries()
    assert (entry.actor, entry.action, entry.detail) == ("alice", "login_failed", "failure 1 in a row")
    assert entry.ip  # from where


def test_an_unknown_username_gets_the_same_answer_and_is_not_logged_verbatim(staff: Staff) -> None:
    known = staff.login("alice", "wrong password here")
    unknown = staff.login("my-password-typed-in-the-wrong-box", "whatever")
    assert unknown.status_code == known.status_code == 401
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 - the tokens differ
    assert strip(unknown.text) == strip(known.text)
    entry = AuditLog(staff.engine).entries()[0]
    assert (entry.actor, entry.action, entry.detail) == ("(unknown account)", "login_failed", "unknown username")


def test_the_fifth_failure_in_a_row_locks_the_account_for_15_minutes(staff: Staff) -> None:
    for _ in range(4):
        assert staff.login("alice", "wrong password!!").status_code == 401
    assert staff.login("alice", PASSWORD).status_code == 303  # four failures: not locked; success resets
    staff.client.cookies.clear()
    for _ in range(5):
        assert staff.login("alice", "wrong password!!").status_code == 401
    locked = staff.login("alice", PASSWORD)
    assert locked.status_code == 401 and SESSION_COOKIE not in locked.cookies
    user = StaffStore(staff.engine).get_user("alice")
    assert user.failed_count == 5
    assert timedelta(minutes=14) < user.locked_until - utcnow() <= timedelta(minutes=15)
    # Slowed down: the delay grows with each failure in a row.
    assert staff.delays == [1, 2, 3, 4, 1, 2, 3, 4, 5, 5]
    assert default_login_delay(1) < default_login_delay(2) < default_login_delay(4) <= 2.0
    details = [e.detail for e in AuditLog(staff.engine).entries() if e.action == "login_failed"]
    assert details[:2] == ["account locked", "failure 5 in a row; locked for 15 minutes"]
    # Other accounts are unaffected.
    assert staff.login("root", ADMIN_PASSWORD).status_code == 303
    staff.client.cookies.clear()
    # When the 15 minutes are over, the right password works again.
    with staff.engine.begin() as conn:
        conn.execute(update(staff_users).where(staff_users.c.username == "alice")
                     .values(locked_until=utcnow() - timedelta(seconds=1)))
    assert staff.login("alice", PASSWORD).status_code == 303
    assert StaffStore(staff.engine).get_user("alice").failed_count == 0


def test_the_lock_also_refuses_the_right_password_at_the_store(engine) -> None:
    add_users(engine)
    store = StaffStore(engine)
    results = [store.authenticate("alice", "nope nope nope") for _ in range(5)]
    assert [r.locked for r in results] == [False, False, False, False, True]
    assert store.authenticate("alice", PASSWORD).ok is False
    later = utcnow() + timedelta(minutes=16)
    assert store.authenticate("alice", PASSWORD, now=later).ok is True


# --- CSRF ---------------------------------------------------------------------------------------------


def test_login_form_without_or_with_a_wrong_csrf_token_is_refused(staff: Staff) -> None:
    staff.login_token()
    no_token = staff.client.post("/staff/login", data={"username": "alice", "password": PASSWORD})
    wrong = staff.client.post("/staff/login", data={"csrf_token": "guess", "username": "alice", "password": PASSWORD})
    assert no_token.status_code == wrong.status_code == 403
    staff.client.cookies.clear()
    no_cookie = staff.client.post("/staff/login", data={"csrf_token": "x", "username": "alice", "password": PASSWORD})
    assert no_cookie.status_code == 403
    assert audit_actions(staff.engine) == []


FORMS = [
    ("/staff/requests/1/status", {"status": "closed"}),
    ("/staff/requests/1/notes", {"body": "forged note"}),
    ("/staff/requests/1/assign", {}),
    ("/staff/unanswered/handled", {"group": "x"}),
    ("/staff/password", {"current_password": PASSWORD, "new_password": "x" * 20, "confirm_password": "x" * 20}),
    ("/staff/logout", {}),
]


@pytest.mark.parametrize("url,data", FORMS)
@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_forms_without_their_csrf_token_are_refused(staff: Staff, url: str, data: dict, token) -> None:
    from tests.bot.test_staff_pages import add_request

    add_request(staff.engine)
    logged_in(staff)
    response = staff.post(url, data, token=token)
    assert response.status_code == 403
    # Nothing happened: still logged in, request unchanged, no note, the password still works.
    assert staff.client.get("/staff").status_code == 200
    page = staff.client.get("/staff/requests/1").text
    assert "forged note" not in page and "Assign to me" in page
    assert StaffStore(staff.engine).authenticate("alice", PASSWORD).ok


def test_a_token_from_another_session_is_refused(staff: Staff) -> None:
    other = Staff(staff.engine)
    logged_in(other, "root")
    foreign = other.csrf()
    logged_in(staff)
    assert staff.post("/staff/logout", token=foreign).status_code == 403


# --- idle timeout, logout, password change -------------------------------------------------------------


def age_sessions(engine, minutes: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(staff_sessions).values(last_seen=utcnow() - timedelta(minutes=minutes)))


def test_idle_timeout_ends_the_session(staff: Staff) -> None:
    logged_in(staff)
    age_sessions(staff.engine, 14)
    assert staff.client.get("/staff", follow_redirects=False).status_code == 200  # and that counts as activity
    age_sessions(staff.engine, 16)
    assert staff.client.get("/staff", follow_redirects=False).status_code == 302
    with staff.engine.connect() as conn:
        assert conn.execute(select(staff_sessions)).fetchall() == []


def test_the_idle_timeout_is_configurable(engine) -> None:
    add_users(engine)
    staff = logged_in(Staff(engine, Settings(database_url="sqlite://", staff_idle_minutes=5)))
    age_sessions(engine, 6)
    assert staff.client.get("/staff", follow_redirects=False).status_code == 302


def test_the_inbox_poll_does_not_keep_an_idle_session_alive(staff: Staff) -> None:
    logged_in(staff)
    age_sessions(staff.engine, 10)
    with staff.engine.connect() as conn:
        idle_since = conn.execute(select(staff_sessions.c.last_seen)).scalar_one()
    assert staff.client.get("/staff/api/counts").status_code == 200
    with staff.engine.connect() as conn:
        assert conn.execute(select(staff_sessions.c.last_seen)).scalar_one() == idle_since
    age_sessions(staff.engine, 16)
    assert staff.client.get("/staff/api/counts").status_code == 401


def test_a_session_ends_after_twelve_hours_even_when_busy(staff: Staff) -> None:
    logged_in(staff)
    with staff.engine.begin() as conn:
        conn.execute(update(staff_sessions).values(created_at=utcnow() - timedelta(hours=12, minutes=1)))
    assert staff.client.get("/staff", follow_redirects=False).status_code == 302


def test_logout_ends_the_session_on_the_server(staff: Staff) -> None:
    logged_in(staff)
    token = staff.client.cookies.get(SESSION_COOKIE)
    response = staff.post("/staff/logout")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    assert 'staff_session=""' in response.headers["set-cookie"]
    staff.client.cookies.set(SESSION_COOKIE, token, path="/staff")  # a copied cookie is useless now
    assert staff.client.get("/staff", follow_redirects=False).status_code == 302
    assert audit_actions(staff.engine, "logout") == ["logout"]


def test_password_change(staff: Staff) -> None:
    logged_in(staff)
    elsewhere = Staff(staff.engine)
    logged_in(elsewhere)
    new = "a brand new passphrase"
    bad = [
        {"current_password": PASSWORD, "new_password": new, "confirm_password": new + "x"},
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
        {"current_password": "not my password", "new_password": new, "confirm_password": new},
        {"current_password": PASSWORD, "new_password": PASSWORD, "confirm_password": PASSWORD},
    ]
    for data in bad:
        assert staff.post("/staff/password", data).status_code == 400
    old_token = staff.client.cookies.get(SESSION_COOKIE)
    done = staff.post("/staff/password", {"current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert done.status_code == 303 and done.headers["location"] == "/staff?msg=password"
    assert done.cookies[SESSION_COOKIE] != old_token  # a fresh session for this browser ...
    assert "Your password was changed." in staff.client.get("/staff?msg=password").text
    assert elsewhere.client.get("/staff", follow_redirects=False).status_code == 302  # ... and no other
    assert StaffStore(staff.engine).authenticate("alice", new).ok
    assert not StaffStore(staff.engine).authenticate("alice", PASSWORD).ok
    assert audit_actions(staff.engine, "password_change") == ["password_change"]
    assert audit_actions(staff.engine, "password_change_failed") == ["password_change_failed"]


# --- accounts -------------------------------------------------------------------------------------------


def test_no_default_account(engine) -> None:
    assert StaffStore(engine).users() == []
    staff = Staff(engine)
    for name, password in [("admin", "admin"), ("admin", "password"), ("staff", "staff"), ("root", "")]:
        assert staff.login(name, password).status_code == 401


def test_passwords_are_argon2id_with_at_least_19_mib_and_2_passes(engine) -> None:
    add_users(engine)
    with engine.connect() as conn:
        stored = conn.execute(select(staff_users.c.password_hash)).scalars().all()
    for value in stored:
        params = dict(p.split("=") for p in value.split("$")[3].split(","))
        assert value.startswith("$argon2id$")
        assert int(params["m"]) >= 19456 and int(params["t"]) >= 2
        assert PASSWORD not in value and ADMIN_PASSWORD not in value
    assert HASHER.memory_cost >= 19456 and HASHER.time_cost >= 2


def test_add_user_command_reads_the_password_from_stdin(engine, tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert staff_cli(["--database-url", url, "add-user", "Bob", "--role", "admin", "--password-stdin"],
                     stdin=io.StringIO("bob's long password\n")) == 0
    assert "created bob (admin)" in capsys.readouterr().out
    from bot.store.db import make_engine

    cli_engine = make_engine(url)
    store = StaffStore(cli_engine)
    assert store.authenticate("bob", "bob's long password").ok
    assert store.get_user("bob").role == "admin"
    # Refused: a duplicate, a short password, an unknown role.
    assert staff_cli(["--database-url", url, "add-user", "bob", "--role", "staff", "--password-stdin"],
                     stdin=io.StringIO("another long password\n")) == 2
    assert staff_cli(["--database-url", url, "add-user", "carol", "--role", "staff", "--password-stdin"],
                     stdin=io.StringIO("short\n")) == 2
    with pytest.raises(SystemExit):
        staff_cli(["--database-url", url, "add-user", "carol", "--role", "owner", "--password-stdin"])
    assert staff_cli(["--database-url", url, "unlock", "bob"]) == 0
    assert staff_cli(["--database-url", url, "list-users"]) == 0
    assert capsys.readouterr().out.strip().endswith("bob\tadmin")
    cli_engine.dispose()


def test_add_user_command_asks_twice_without_echo(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    answers = iter(["typed password one", "typed password two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert staff_cli(["--database-url", url, "add-user", "dave", "--role", "staff"]) == 2
    assert "differ" in capsys.readouterr().err
    answers = iter(["typed password one", "typed password one"])
    assert staff_cli(["--database-url", url, "add-user", "dave", "--role", "staff"]) == 0

