"""Who an API request acts as: the account of a live personal API token. A token is read from
``Authorization: Bearer …``; a calendar feed may carry it as ``?token=…`` instead (calendar
clients subscribe to a plain address and cannot send a header). Unknown, revoked and expired
tokens, and tokens of disabled accounts, act as nobody."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request

from domain.api_tokens import MAX_TOKEN_LENGTH, TokenState
from domain.permissions import Actor
from store.base import utcnow
from store.repository import AuditStore
from store.uow import UnitOfWork


def presented(request: Request, *, in_query: bool) -> str | None:
    """The token the request carries (bounded before anything else looks at it)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        token = value.strip()
    elif in_query:
        token = request.query_params.get("token", "")
    else:
        return None
    return token if 0 < len(token) <= MAX_TOKEN_LENGTH else None


def actor_of(store: AuditStore, token: str | None, today: date) -> Actor | None:
    """The active account a live token belongs to, its use noted; None for any other token."""
    if token is None:
        return None
    with UnitOfWork(store, write=False) as uow:
        record = uow.api_tokens.holder(token)
        if record is None or record.state(today) is not TokenState.ACTIVE:
            return None
        actor = uow.accounts.actor(record.user_id)  # None when disabled
    if actor is not None:
        with UnitOfWork(store) as uow:
            uow.api_tokens.touch(record, utcnow())
    return actor
