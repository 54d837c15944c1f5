"""Which account is acting: the change log records it (id and login) beside the display name.

The display name a store method is given is what people read; it may be anything its owner chose.
The account is set where the person was identified — the guarded store of a signed-in session,
the Users page, the command line's ``--as`` — for the duration of the calls made for them, and
every change-log line written meanwhile carries it. A line written with no account set (the
worker, set-up before any administrator) records none, as lines written before this existed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActingAccount:
    id: int
    login: str


_ACTING: ContextVar[ActingAccount | None] = ContextVar("gbt_audit_acting", default=None)


def acting_account() -> ActingAccount | None:
    return _ACTING.get()


@contextmanager
def acting_as(account_id: int, login: str) -> Iterator[ActingAccount]:
    """Every change-log line written inside the block records this account."""
    account = ActingAccount(account_id, login)
    token = _ACTING.set(account)
    try:
        yield account
    finally:
        _ACTING.reset(token)


class ActingFor:
    """An object whose methods run as ``account``: ``ActingFor(Accounts(store), id, login)``."""

    def __init__(self, target: Any, account_id: int, login: str) -> None:
        self._target = target
        self._account = (account_id, login)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute
        return _as(attribute, *self._account)


def _as(method: Callable[..., Any], account_id: int, login: str) -> Callable[..., Any]:
    def acting(*args: Any, **kwargs: Any) -> Any:
        with acting_as(account_id, login):
            return method(*args, **kwargs)

    acting.__name__ = getattr(method, "__name__", "acting")
    return acting
