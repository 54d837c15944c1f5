"""``gbt-audit token add|list|revoke``: personal API tokens (the API under /api/v1). Changes act
as the administrator account ``--as`` / GBT_AUDIT_CLI_ACCOUNT names (cli/acting.py); the use
cases are services/api_tokens.py. ``add`` prints the token alone on standard output, once (the
store keeps only its hash): ``TOKEN=$(gbt-audit token add wang --as admin)``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from cli.acting import acting_context, add_as_option
from cli.store_commands import REFUSED, _store
from domain.api_tokens import ApiTokenRecord
from domain.errors import AccountError, Refused
from scoring import display
from services import api_tokens
from services.context import Context
from store.accounts import Accounts
from store.config import display_zone
from texts import t


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text[:40]!r}") from None


def add_token_commands(commands: Any) -> None:
    token = commands.add_parser("token", help="personal API tokens: add, list, revoke")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="a new token for account NAME (printed once)")
    add.add_argument("login", metavar="NAME")
    add.add_argument("--expires", type=_day, metavar="YYYY-MM-DD", help="refused from that day")
    add.add_argument("--label", default="", metavar="TEXT", help="what the token is for")
    add.add_argument("--lang", choices=["zh", "en"], default="zh", help="message language")
    add_as_option(add)
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help="account NAME's tokens (never the tokens)")
    listing.add_argument("login", metavar="NAME")
    listing.add_argument("--lang", choices=["zh", "en"], default="zh", help="message language")
    listing.set_defaults(run=run_list)

    revoke = actions.add_parser("revoke", help="token ID reads nothing from now on")
    revoke.add_argument("token_id", type=int, metavar="ID")
    revoke.add_argument("--lang", choices=["zh", "en"], default="zh", help="message language")
    add_as_option(revoke)
    revoke.set_defaults(run=run_revoke)


def _account(ctx: Context, login: str, lang: str) -> int | None:
    try:
        return Accounts(ctx.store).user(login).id
    except AccountError:
        print(t("api_token.no_such_account", lang, login=login[:100]), file=sys.stderr)
        return None


def run_add(args: argparse.Namespace) -> int:
    store = _store()
    ctx = acting_context(args, store, args.lang) if store is not None else None
    if ctx is None:
        return REFUSED
    account = _account(ctx, args.login, args.lang)
    if account is None:
        return REFUSED
    try:
        made = api_tokens.add_token(
            ctx,
            account,
            today=display.today(display_zone()),
            label=args.label,
            expires_on=args.expires,
        )
    except Refused as refused:
        print(refused.text(args.lang), file=sys.stderr)
        return REFUSED
    record = made.record
    print(
        t("api_token.created", args.lang, login=record.login, token_id=record.id), file=sys.stderr
    )
    print(made.token)
    return 0


def _line(record: ApiTokenRecord, lang: str) -> str:
    zone = display_zone()
    today = display.today(zone)
    used = record.last_used_at
    return "\t".join(
        [
            f"#{record.id}",
            f"{record.hint}…",
            t(f"api_token.state.{record.state(today).value}", lang),
            record.label or "-",
            display.day(record.expires_on) if record.expires_on else t("api_token.no_expiry", lang),
            display.moment(used, zone) if used else t("api_token.never_used", lang),
            f"{display.moment(record.created_at, zone)} {record.created_by}",
        ]
    )


def run_list(args: argparse.Namespace) -> int:
    store = _store()
    if store is None:
        return REFUSED
    ctx = Context.local_administrator(store, "gbt-audit")  # reading changes nothing
    account = _account(ctx, args.login, args.lang)
    if account is None:
        return REFUSED
    print(display.zone_note(display_zone(), args.lang), file=sys.stderr)
    for record in api_tokens.tokens(ctx, account):
        print(_line(record, args.lang))
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    store = _store()
    ctx = acting_context(args, store, args.lang) if store is not None else None
    if ctx is None:
        return REFUSED
    try:
        record = api_tokens.revoke_token(ctx, args.token_id)
    except Refused as refused:
        print(refused.text(args.lang), file=sys.stderr)
        return REFUSED
    print(t("api_token.revoked", args.lang, token_id=record.id, login=record.login))
    return 0
