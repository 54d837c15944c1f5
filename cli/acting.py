"""Who the command line acts as: the administrator account named by ``--as NAME`` or the setting
GBT_AUDIT_CLI_ACCOUNT. Its display name is the change log's "who", its id and login the account
(store/acting.py). Never the shell's user name, which whoever runs the command chooses.

    account = acting(args, store)          # None: refused, the reason printed
    with acting_as(account.id, account.login):
        store.move_to_catalogue(..., actor=account.display_name)

or, for a command that goes through the services, ``ctx = acting_context(args, store)``: the
same account as the services' actor (its id is the one the app knows, so a four-eyes rule sees
the same person).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from domain.account_records import UserRecord
from domain.permissions import Actor
from services.context import Context
from settings import CLI_ACCOUNT as ACTING_ACCOUNT
from store import AuditStore
from store.accounts import AccountError, Accounts
from texts import t

CLI_ACCOUNT = ACTING_ACCOUNT.name


def add_as_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_account",
        metavar="ADMIN",
        help=f"the administrator account the change log records (default: ${CLI_ACCOUNT})",
    )


class NoActingAccount(Exception):
    """The command would change something and no administrator account was named."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(code)

    def text(self, lang: str) -> str:
        return t(self.code, lang, **self.values)


def acting_account(
    accounts: Accounts, chosen: str | None, *, set_up: bool = False
) -> UserRecord | None:
    """The active administrator account named by ``chosen`` or GBT_AUDIT_CLI_ACCOUNT. With
    ``set_up`` (``user add`` only) and no administrator yet, None: the set-up itself acts."""
    name = (chosen or ACTING_ACCOUNT.read() or "").strip()
    if not name:
        if set_up and not any(u.administrator and u.active for u in accounts.users()):
            return None
        raise NoActingAccount("auth.cli_as.missing", setting=CLI_ACCOUNT)
    try:
        user = accounts.user(name)
    except AccountError:
        raise NoActingAccount("auth.cli_as.unknown", login=name) from None
    if not (user.administrator and user.active):
        raise NoActingAccount("auth.cli_as.not_admin", login=user.login)
    return user


def acting(args: Any, store: AuditStore, lang: str = "en") -> UserRecord | None:
    """The account the command acts as; None when refused (the reason printed on stderr)."""
    try:
        user = acting_account(Accounts(store), getattr(args, "as_account", None))
    except NoActingAccount as refused:
        print(refused.text(getattr(args, "lang", lang)), file=sys.stderr)
        return None
    assert user is not None  # set-up is for `user add` alone
    return user


def actor_of(user: UserRecord) -> Actor:
    return Actor(
        user_id=user.id, login=user.login, display_name=user.display_name, administrator=True
    )


def acting_context(args: Any, store: AuditStore, lang: str = "en") -> Context | None:
    """The command line as the named administrator account, for the services; None when
    refused (the reason printed on stderr)."""
    user = acting(args, store, lang)
    return None if user is None else Context(actor_of(user), store)
