"""Staff accounts from the command line; there is no default account and no default password.

    python -m bot.staff add-user NAME --role staff|admin [--password-stdin]
    python -m bot.staff set-password NAME [--password-stdin]
    python -m bot.staff unlock NAME
    python -m bot.staff set-role NAME staff|admin
    python -m bot.staff disable-user NAME
    python -m bot.staff enable-user NAME
    python -m bot.staff list-users

Every change writes an audit row, by "command line (<the operating-system user>)", in the same
transaction as the change.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Optional, TextIO

from bot.store.db import utcnow
from bot.store.staff_users import MIN_PASSWORD_CHARS, ROLES, StaffStore


def read_password(from_stdin: bool, stdin: TextIO = sys.stdin) -> str:
    """The password from one line of stdin, or typed twice without echo."""
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password (at least {MIN_PASSWORD_CHARS} characters): ")
    second = getpass.getpass("Same password again: ")
    if first != second:
        raise ValueError("the two passwords differ")
    return first


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description="Manage staff accounts.")
    parser.add_argument("--database-url", help="default: DATABASE_URL from the environment or .env")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-user", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    reset = commands.add_parser("set-password", help="set a new password (unlocks, ends sessions)")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true")
    unlock = commands.add_parser("unlock", help="lift a lock after failed logins")
    unlock.add_argument("name")
    role = commands.add_parser("set-role", help="change an account's role (effective at its next page view)")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    disable = commands.add_parser("disable-user", help="no more logins; its sessions end at once")
    disable.add_argument("name")
    enable = commands.add_parser("enable-user", help="let a disabled account log in again")
    enable.add_argument("name")
    commands.add_parser("list-users", help="accounts, roles, locks and disabled accounts")
    return parser


def operator() -> str:
    """Who ran the command, for the audit trail: the operating-system account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a bare container)
        name = "unknown"
    return f"command line ({name})"[:100]


def main(argv: Optional[list[str]] = None, stdin: TextIO = sys.stdin) -> int:
    args = build_parser().parse_args(argv)
    from bot.settings import get_settings
    from bot.store.db import create_all, make_engine

    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        create_all(engine)
        store = StaffStore(engine)
        by = operator()
        name = args.name.strip().lower() if hasattr(args, "name") else ""
        if args.command == "add-user":
            user = store.add_user(args.name, read_password(args.password_stdin, stdin), args.role, by=by)
            print(f"created {user.username} ({user.role})")
        elif args.command == "set-password":
            if store.get_user(name) is None:
                raise ValueError(f"no user {name!r}")
            store.set_password(name, read_password(args.password_stdin, stdin), by=by)
            print(f"password set for {name}; its sessions were ended")
        elif args.command == "unlock":
            store.unlock(name, by=by)
            print(f"unlocked {name}")
        elif args.command == "set-role":
            changed = store.set_role(name, args.role, by=by)
            print(f"{name} is now {args.role}" if changed else f"{name} already was {args.role}; nothing changed")
        elif args.command == "disable-user":
            changed = store.disable_user(name, by=by)
            print(f"disabled {name}; its sessions were ended" if changed else f"{name} already was disabled")
        elif args.command == "enable-user":
            changed = store.enable_user(name, by=by)
            print(f"enabled {name}" if changed else f"{name} was not disabled; nothing changed")
        else:
            for user in store.users():
                locked = user.locked_until is not None and user.locked_until > utcnow()
                lock = f", locked until {user.locked_until:%Y-%m-%d %H:%M} UTC" if locked else ""
                disabled = ", disabled" if user.disabled else ""
                print(f"{user.username}\t{user.role}{disabled}{lock}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
