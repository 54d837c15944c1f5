"""Who is acting and where: a service's first argument."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from domain.permissions import Actor
from store.acting import acting_account, acting_as
from store.repository import AuditStore
from store.uow import UnitOfWork

_open: ContextVar[UnitOfWork | None] = ContextVar("gbt_audit_service_uow", default=None)


@dataclass(frozen=True)
class Context:
    """The actor (the signed-in account, or the command line's named local administrator) and
    the store a unit of work is opened on."""

    actor: Actor
    store: AuditStore

    @classmethod
    def local_administrator(cls, store: AuditStore, name: str) -> Context:
        """The command line: the person at the machine, by the name they give (``--as``); an
        administrator of this installation, with no account (user id 0 is never an account)."""
        return cls(Actor(user_id=0, login="", display_name=name, administrator=True), store)

    @property
    def name(self) -> str:
        """The name that goes into the change log and review events."""
        return self.actor.display_name

    @property
    def user_id(self) -> int | None:
        """The acting account's id, None for the local administrator."""
        return self.actor.user_id or None

    @property
    def uow(self) -> UnitOfWork:
        """The unit of work the running service holds open."""
        current = _open.get()
        if current is None or current.store is not self.store:
            raise RuntimeError("no service is running: call a service, which opens the unit")
        return current

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[UnitOfWork]:
        """Open (or join) a unit of work for a service; the outermost commits."""
        with ExitStack() as scope:
            if self.actor.user_id and acting_account() is None:
                # the change log records the account (id and login) beside the display name
                scope.enter_context(acting_as(self.actor.user_id, self.actor.login))
            uow = scope.enter_context(UnitOfWork(self.store, write=write))
            token = _open.set(uow)
            try:
                yield uow
            finally:
                _open.reset(token)
