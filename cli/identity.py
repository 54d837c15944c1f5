"""Who the command line acts as: a named local administrator, through the same services as the
app. ``--as NAME`` (or ``GBT_AUDIT_CLI_ACCOUNT=NAME``) names an active administrator account;
the change log then records it as "display name (login, #id)", and its id is the one the app
knows (a four-eyes rule sees the same person). Never the shell's user name for accounts."""

from __future__ import annotations

import argparse

from domain.account_records import UserRecord
from domain.permissions import Actor
from services.context import Context
from settings import CLI_ACCOUNT as ACTING_ACCOUNT
from store.accounts import AccountError, Accounts
from store.repository import AuditStore

CLI_ACCOUNT = ACTING_ACCOUNT.name  # the administrator account the command line acts as
SET_UP = "gbt-audit set-up (no administrator yet)"


class NoActingAccount(Exception):
    pass


def add_as_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_account",
        metavar="ADMIN",
        help=f"the administrator account the change log records (default: ${CLI_ACCOUNT})",
    )


def named(chosen: str | None) -> str:
    """The account --as or the setting names ('' for none)."""
    return (chosen or ACTING_ACCOUNT.read() or "").strip()


def acting_account(accounts: Accounts, chosen: str | None) -> str:
    """What the change log records for ``gbt-audit user``: the administrator account named by
    --as or GBT_AUDIT_CLI_ACCOUNT, as 'display name (login, #id)'. Before any administrator
    exists (setting up), the set-up itself."""
    user = acting_user(accounts, chosen)
    return SET_UP if user is None else logged_as(user)


def acting_context(store: AuditStore, chosen: str | None, *, unnamed: str | None = None) -> Context:
    """The command line as a named local administrator: the account --as (or the setting)
    names. Without one: ``unnamed`` when given (commands that still take --actor), else the
    set-up before any administrator exists, else refused (NoActingAccount)."""
    accounts = Accounts(store)
    if unnamed is not None and not named(chosen):
        return Context.local_administrator(store, unnamed)
    user = acting_user(accounts, chosen)
    if user is None:
        return Context.local_administrator(store, SET_UP)
    return Context(
        Actor(user_id=user.id, login=user.login, display_name=logged_as(user), administrator=True),
        store,
    )


def acting_user(accounts: Accounts, chosen: str | None) -> UserRecord | None:
    """The administrator account named; None only while no active administrator exists."""
    name = named(chosen)
    if not name:
        if any(u.administrator and u.active for u in accounts.users()):
            raise NoActingAccount(
                f"say which administrator account you act as: --as NAME or {CLI_ACCOUNT}=NAME"
            )
        return None
    try:
        user = accounts.user(name)
    except AccountError:
        raise NoActingAccount(f"--as {name}: no such account") from None
    if not (user.administrator and user.active):
        raise NoActingAccount(f"--as {name}: not an active administrator")
    return user


def logged_as(user: UserRecord) -> str:
    return f"{user.display_name} ({user.login}, #{user.id})"
