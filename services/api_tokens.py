"""Personal API tokens: make one (shown once), list an account's, revoke one. A person keeps
their own; an administrator anyone's (By.ACCOUNT / By.TOKEN, domain.permissions
.require_for_account). Each is a change-log line of the account, beside the account's others."""

from __future__ import annotations

from datetime import date

from domain.api_tokens import (
    ApiTokenRecord,
    NewApiToken,
    check_expiry,
    check_room,
    checked_label,
)
from domain.permissions import Action
from services.context import Context
from services.registry import By, service


@service(Action.USE_API, By.ACCOUNT, write=False)
def tokens(ctx: Context, account_id: int) -> list[ApiTokenRecord]:
    """The account's tokens, newest first, revoked and expired ones too (their state says)."""
    return ctx.uow.api_tokens.of_account(account_id)


@service(Action.USE_API, By.ACCOUNT)
def add_token(
    ctx: Context, account_id: int, *, today: date, label: str = "", expires_on: date | None = None
) -> NewApiToken:
    """A new token for the account; its text is in the outcome, this once only."""
    shown = checked_label(label)
    check_expiry(expires_on, today)
    uow = ctx.uow
    check_room(uow.api_tokens.live_count(account_id, today))
    made = uow.api_tokens.add(account_id, label=shown, expires_on=expires_on, created_by=ctx.name)
    record = made.record
    note = f"#{record.id} {record.hint}… {shown}".strip()
    uow.changes.append(ctx.name, f"user {record.login}", [("api_token", None, note)])
    return made


@service(Action.USE_API, By.TOKEN)
def revoke_token(ctx: Context, token_id: int) -> ApiTokenRecord:
    """The token no longer reads anything, from its next request on."""
    uow = ctx.uow
    record = uow.api_tokens.revoke(token_id)
    note = f"#{record.id} {record.hint}…"
    uow.changes.append(ctx.name, f"user {record.login}", [("api_token", note, "revoked")])
    return record
