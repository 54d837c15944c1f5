"""The transaction a unit of work holds open (store/uow.py), so that the store's own methods
called inside it run in that same transaction instead of opening their own, and how a
database-level clash reads as a refusal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import ConflictError


@dataclass(frozen=True)
class Open:
    engine: Engine
    session: Session
    writable: bool


_current: ContextVar[Open | None] = ContextVar("gbt_audit_open_transaction", default=None)


def joined(engine: Engine) -> Open | None:
    """The unit of work open on this engine in this thread or task, if any."""
    current = _current.get()
    return current if current is not None and current.engine is engine else None


@contextmanager
def holding(open_: Open) -> Iterator[None]:
    token = _current.set(open_)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def conflicts(what: str) -> Iterator[None]:
    """A concurrent change surfaces as ConflictError (nothing saved)."""
    try:
        yield
    except StaleDataError:
        raise ConflictError(what, reason="conflict.while_saving") from None
    except IntegrityError as exc:
        if "unique" in str(exc.orig).lower() or "duplicate" in str(exc.orig).lower():
            raise ConflictError(what, reason="conflict.created_meanwhile") from None
        raise
