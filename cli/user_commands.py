"""``gbt-audit user ...``: accounts over the app's data. The command line is the administrator's
local tool: whoever can run it on the data folder (or reach the database) manages accounts."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from cli.acting import NoActingAccount, acting_account, actor_of, add_as_option
from domain.permissions import ORGANISATION_ROLES, Role
from scoring import display
from services import accounts
from services.context import Context
from store import StoreError, open_store
from store.accounts import Accounts
from store.config import SettingsError, display_zone

REFUSED = 1
ALL = "all"  # ORG_ID meaning the whole installation: the administrator role
ALL_ROLE = "admin"  # user add --role admin


class _Actions:
    """Every action takes --as: the administrator account the change log records."""

    def __init__(self, actions: Any) -> None:
        self.actions = actions

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self.actions.add_parser(name, **kwargs)
        add_as_option(parser)
        return parser


def add_user_commands(commands: Any) -> None:
    user = commands.add_parser("user", help="accounts: add, list, passwords, roles")
    actions = _Actions(user.add_subparsers(dest="action", required=True, metavar="ACTION"))
    roles = [ALL_ROLE, *(r.value for r in ORGANISATION_ROLES)]

    add = actions.add_parser("add", help="a new account (sign-in name NAME)")
    add.add_argument("login", metavar="NAME")
    add.add_argument("--display-name", help="the name the change log shows (default: NAME)")
    add.add_argument(
        "--email", help="where notifications are mailed; for single sign-on, the provider's e-mail"
    )
    add.add_argument("--role", choices=roles, help="admin, or a role in --org")
    add.add_argument("--org", type=int, metavar="ORG_ID", help="the organisation for --role")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help="every account with its roles")
    listing.set_defaults(run=run_list)

    passwd = actions.add_parser("passwd", help="set a new password")
    passwd.add_argument("login", metavar="NAME")
    passwd.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    passwd.set_defaults(run=run_passwd)

    email = actions.add_parser("email", help="set (or, without ADDRESS, remove) the e-mail")
    email.add_argument("login", metavar="NAME")
    email.add_argument("address", metavar="ADDRESS", nargs="?", default=None)
    email.set_defaults(run=run_set_email)

    for name, active, text in (("disable", False, "stop"), ("enable", True, "restore")):
        toggle = actions.add_parser(name, help=f"{text} an account's sign-in")
        toggle.add_argument("login", metavar="NAME")
        toggle.set_defaults(run=run_set_active, active=active)

    grant = actions.add_parser("grant", help=f"a role in ORG_ID ('{ALL}' with administrator)")
    grant.add_argument("login", metavar="NAME")
    grant.add_argument("organisation", metavar="ORG_ID")
    grant.add_argument("role", metavar="ROLE", help=", ".join([Role.ADMINISTRATOR, *roles[1:]]))
    grant.set_defaults(run=run_grant)

    revoke = actions.add_parser("revoke", help=f"the role in ORG_ID ('{ALL}': administrator)")
    revoke.add_argument("login", metavar="NAME")
    revoke.add_argument("organisation", metavar="ORG_ID")
    revoke.set_defaults(run=run_revoke)


def _context(args: argparse.Namespace | None = None) -> Context | None:
    """The named local administrator (``--as``), acting through the same services as the app
    (None: refused, the reason printed). Without ``args`` (reading only) no name is needed;
    before any administrator exists, the set-up itself acts (no account)."""
    try:
        store = open_store()
    except (SettingsError, StoreError) as exc:
        print(f"cannot open the store: {exc}", file=sys.stderr)
        return None
    if args is None:
        return Context.local_administrator(store, "gbt-audit")
    try:
        user = acting_account(Accounts(store), getattr(args, "as_account", None), set_up=True)
    except NoActingAccount as refused:
        print(refused.text("en"), file=sys.stderr)
        return None
    if user is None:
        return Context.local_administrator(store, SET_UP)
    return Context(actor_of(user), store)


SET_UP = "gbt-audit set-up (no administrator yet)"


def _password(from_stdin: bool) -> str | None:
    """From stdin (first line), or typed twice at a terminal; None when neither is possible."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        print("the two passwords differ; nothing was changed", file=sys.stderr)
        raise SystemExit(REFUSED)
    return first


def _organisation(raw: str) -> int | None:
    """ORG_ID as a number, or None for 'all' (the installation)."""
    if raw.strip().lower() == ALL:
        return None
    if not raw.strip().isdigit():
        print(f"ORG_ID must be a number or '{ALL}', got {raw!r}", file=sys.stderr)
        raise SystemExit(2)
    return int(raw)


def _run(action: Any) -> int:
    try:
        action()
    except StoreError as exc:
        print(f"refused, nothing was changed: {exc}", file=sys.stderr)
        return REFUSED
    return 0


def run_add(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    if args.role and args.role != ALL_ROLE and args.org is None:
        print(f"--role {args.role} needs --org ORG_ID", file=sys.stderr)
        return 2
    password = _password(args.password_stdin)
    if password is None and not args.email:
        print(
            "give a password (--password-stdin, or run at a terminal) or an --email for single "
            "sign-on; nothing was changed",
            file=sys.stderr,
        )
        return REFUSED

    def add() -> None:
        granted = bool(args.role) and args.role != ALL_ROLE
        user = accounts.add_user(
            ctx,
            args.login,
            args.display_name or args.login,
            password=password,
            email=args.email,
            administrator=args.role == ALL_ROLE,
            organisation_id=args.org if granted else None,
            role=args.role if granted else None,
        )
        print(f"added {user.login} ({user.display_name}){' as administrator' * user.administrator}")

    return _run(add)


def run_list(args: argparse.Namespace) -> int:
    ctx = _context()
    if ctx is None:
        return REFUSED
    zone = display_zone()
    print(display.zone_note(zone, "en"), file=sys.stderr)  # once: the list's times are in it
    for user in accounts.users(ctx):
        roles = ["administrator"] if user.administrator else []
        roles += [f"{role.value}@{org}" for org, role in user.grants]
        last = display.moment(user.last_login_at, zone) if user.last_login_at else "never"
        print(
            f"{user.login}\t{user.display_name}\t{user.email or '-'}\t"
            f"{'active' if user.active else 'disabled'}\t{', '.join(roles) or '-'}\t"
            f"last sign-in {last}"
        )
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    password = _password(args.password_stdin)
    if password is None:
        print("give the password on stdin with --password-stdin", file=sys.stderr)
        return REFUSED
    return _run(lambda: accounts.set_password(ctx, args.login, password))


def run_set_email(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    return _run(lambda: accounts.set_email(ctx, args.login, args.address))


def run_set_active(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    return _run(lambda: accounts.set_active(ctx, args.login, args.active))


def run_grant(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    organisation = _organisation(args.organisation)
    if organisation is None or args.role.strip().lower() in {ALL_ROLE, Role.ADMINISTRATOR}:
        if organisation is not None or args.role.strip().lower() not in {
            ALL_ROLE,
            Role.ADMINISTRATOR,
        }:
            print(f"the administrator role is granted with ORG_ID '{ALL}'", file=sys.stderr)
            return 2
        return _run(lambda: accounts.set_administrator(ctx, args.login, True))
    return _run(lambda: accounts.grant(ctx, args.login, organisation, args.role))


def run_revoke(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return REFUSED
    organisation = _organisation(args.organisation)
    if organisation is None:
        return _run(lambda: accounts.set_administrator(ctx, args.login, False))
    return _run(lambda: accounts.revoke(ctx, args.login, organisation))
