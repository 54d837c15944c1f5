"""A unit of work: one session, one transaction, the change-log writer and one repository per
aggregate, committed at the end or rolled back on any error.

    with UnitOfWork(store) as uow:            # a write: SQLite's write lock taken at BEGIN
        round_ = uow.rounds.get(audit_id)
        uow.changes.append(actor, "audit", [...], audit_id=audit_id)
    # committed here; nothing is saved if the block raised

    with UnitOfWork(store, write=False) as uow:  # a read model: one consistent snapshot

While a unit of work is open, the store's own methods called in the same thread join its
transaction (store/transaction.py) instead of opening their own; a unit of work opened inside
another on the same store joins it too, and only the outermost commits."""

from __future__ import annotations

from contextlib import ExitStack
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session

from store import transaction
from store.accounts import Accounts
from store.api_tokens import ApiTokens
from store.database import WRITE_TRANSACTION, reported
from store.outbox import Outbox
from store.repositories import (
    Catalogues,
    Certificates,
    ChangeLog,
    Evidence,
    Organisations,
    Reviews,
    Rounds,
)
from store.repository import AuditStore
from store.work import Work


class UnitOfWork:
    organisations: Organisations
    rounds: Rounds
    evidence: Evidence
    reviews: Reviews
    certificates: Certificates
    catalogues: Catalogues
    changes: ChangeLog
    accounts: Accounts  # the account methods join this unit of work's transaction
    work: Work  # assignments, comment threads, owner links (store/work.py)
    outbox: Outbox  # notifications recorded with the change that caused them (store/outbox.py)
    api_tokens: ApiTokens

    def __init__(self, store: AuditStore, *, write: bool = True) -> None:
        self.store = store
        self.write = write
        self._session: Session | None = None
        self._owner = False
        self._stack = ExitStack()

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    def __enter__(self) -> Self:
        outer = transaction.joined(self.store.engine)
        if outer is not None:
            if self.write and not outer.writable:
                raise RuntimeError("a writing unit of work inside a read-only one")
            self._session = outer.session
        else:
            self._owner = True
            self._session = self.store._sessions()
            try:
                with reported(self.store.engine):
                    self._session.begin()
                    self._session.connection(execution_options=self._options())
            except BaseException:
                self._session.close()
                raise
            self._stack.enter_context(
                transaction.holding(transaction.Open(self.store.engine, self._session, self.write))
            )
        session = self._session
        self.organisations = Organisations(session, self.store)
        self.rounds = Rounds(session, self.store)
        self.evidence = Evidence(session, self.store)
        self.reviews = Reviews(session, self.store)
        self.certificates = Certificates(session, self.store)
        self.catalogues = Catalogues(session, self.store)
        self.changes = ChangeLog(session, self.store)
        self.accounts = Accounts(self.store)
        self.work = Work(session)
        self.outbox = Outbox(session)
        self.api_tokens = ApiTokens(session, self.store)
        return self

    def _options(self) -> dict[str, object]:
        if self.write:
            return {WRITE_TRANSACTION: True}
        if self.store.engine.dialect.name == "postgresql":
            # every query of a read model sees the same committed state
            return {"isolation_level": "REPEATABLE READ"}
        return {}  # SQLite: a read transaction is a snapshot already

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._owner:
            return
        session = self.session
        try:
            if exc_type is None and self.write:
                with transaction.conflicts("record"), reported(self.store.engine):
                    session.commit()
            else:
                session.rollback()
        finally:
            session.close()
            self._stack.close()
            self._session = None
