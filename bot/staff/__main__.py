"""Staff accounts from the command line; there is no default account and no default password.

    python -m bot.staff add-user NAME --role staff|admin [--password-stdin]
    python -m bot.staff set-password NAME [--password-stdin]
    python -m bot.staff unlock NAME
    python -m bot.staff list-users
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
    commands.add_parser("list-users", help="accounts, roles and locks")
    return parser


def main(argv: Optional[list[str]] = None, stdin: TextIO = sys.stdin) -> int:
    args = build_parser().parse_args(argv)
    from bot.settings import get_settings
    from bot.store.db import create_all, make_engine

    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        create_all(engine)
        store = StaffStore(engine)
        if args.command == "add-user":
            user = store.add_user(args.name, read_password(args.password_stdin, stdin), args.role)
            print(f"created {user.username} ({user.role})")
        elif args.command == "set-password":
            if store.get_user(args.name) is None:
                raise ValueError(f"no user {args.name!r}")
            store.set_password(args.name, read_password(args.password_stdin, stdin))
            print(f"password set for {args.name.lower()}; its sessions were ended")
        elif args.command == "unlock":
            if store.get_user(args.name) is None:
                raise ValueError(f"no user {args.name!r}")
            store.unlock(args.name)
            print(f"unlocked {args.name.lower()}")
        else:
            for user in store.users():
                locked = user.locked_until is not None and user.locked_until > utcnow()
                lock = f", locked until {user.locked_until:%Y-%m-%d %H:%M} UTC" if locked else ""
                print(f"{user.username}\t{user.role}{lock}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
