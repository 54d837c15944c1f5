"""The store's shared machinery: sessions, transactions, versions, the change log, catalogues.

Every write runs in one transaction together with its change-log lines, so a crash mid-save
leaves the database as it was. Records carry a version; a write names the version it was based
on and is refused with ConflictError if someone saved in between (two tabs, two people).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from criteria import Catalogue, CatalogueError, parse_catalogue
from domain.errors import ConflictError, InvalidEntry, NotFound, ReadOnly
from domain.records import (
    ActionState,
    AuditState,
    ChangeEntry,
    Rectification,
)
from evidence import BlobStore, UploadPolicy
from scoring import (
    Status,
    display,
)
from settings import logs
from store import changelog, convert, transaction
from store.acting import acting_account
from store.config import display_zone
from store.database import WRITE_TRANSACTION, reported
from store.tables import (
    AuditRow,
    Base,
    CatalogueRow,
    ChangeRow,
    OrganisationRow,
    WorkbookLayoutRow,
)

log = logging.getLogger(logs.IMPORTS)


@lru_cache(maxsize=16)
def _parsed_catalogue(text: str, source: str) -> Catalogue:
    """A catalogue parsed once per process (a Catalogue is immutable): every store opening
    registers the bundled catalogue, and its YAML takes a tenth of a second to read. A refused
    text is not remembered, so its refusal is logged each time."""
    return parse_catalogue(text, source)


Row = TypeVar("Row", bound=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _text(value: object) -> str | None:
    """How a value reads in the change log."""
    if value is None:
        return None
    if isinstance(value, Rectification):
        if not value.is_set:
            return ""
        due = value.due.isoformat() if value.due else "—"
        return f"{value.action} | {value.owner or '—'} | {due} | {value.state.value}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    if isinstance(value, Status | ActionState | AuditState):
        return value.value
    return str(value)


class StoreBase:
    def __init__(self, engine: Engine, blobs: BlobStore, upload_policy: UploadPolicy) -> None:
        self.engine = engine
        self.blobs = blobs
        self.upload_policy = upload_policy
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._catalogues: dict[str, Catalogue] = {}

    # -- sessions --------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A session to read in: the open unit of work's (store/uow.py), else a fresh one."""
        open_ = transaction.joined(self.engine)
        if open_ is not None:
            yield open_.session
            return
        with reported(self.engine), self._sessions() as session:
            yield session

    @contextmanager
    def transaction(self, what: str) -> Iterator[Session]:
        """All-or-nothing across several store calls: every read and write made through this
        store (or another store object on the same engine) inside the block joins one
        transaction, committed when the block ends and rolled back entirely if it raises."""
        if transaction.joined(self.engine) is not None:
            raise RuntimeError("store transactions do not nest")
        with (
            self._write(what) as session,
            transaction.holding(transaction.Open(self.engine, session, writable=True)),
        ):
            yield session

    @contextmanager
    def _write(self, what: str) -> Iterator[Session]:
        """One transaction (the open unit of work's, when one is open); a concurrent change
        surfaces as ConflictError, nothing saved."""
        open_ = transaction.joined(self.engine)
        if open_ is not None:
            if not open_.writable:
                raise RuntimeError(f"{what}: a write inside a read-only unit of work")
            with transaction.conflicts(what):
                yield open_.session
                open_.session.flush()
            return
        with (
            transaction.conflicts(what),
            reported(self.engine),
            self._sessions() as session,
            session.begin(),
        ):
            session.connection(execution_options={WRITE_TRANSACTION: True})
            yield session

    @staticmethod
    def _log(
        session: Session,
        actor: str,
        entity: str,
        changes: list[tuple[str, object, object]],
        *,
        organisation_id: int | None = None,
        audit_id: int | None = None,
    ) -> None:
        at, account = utcnow(), acting_account()
        changelog.append(
            session,
            (
                changelog.Entry(
                    at,
                    actor,
                    organisation_id,
                    audit_id,
                    entity,
                    field,
                    _text(old),
                    _text(new),
                    account_id=account.id if account else None,
                    account_login=account.login if account else None,
                )
                for field, old, new in changes
            ),
        )

    @staticmethod
    def _check_version(
        what: str, current: int, expected: int, by: str = "", at: Any = None
    ) -> None:
        if current != expected:
            shown = display.moment(at, display_zone()) if at else ""
            raise ConflictError(what, expected=expected, current=current, by=by, at=shown)

    # -- catalogues ------------------------------------------------------------------------

    def register_catalogue(self, text: str, source: str = "<text>") -> Catalogue:
        """Keep a catalogue (validated) so audits can be scored against it later, verbatim."""
        try:
            catalogue = _parsed_catalogue(text, source)
        except CatalogueError as refused:
            log.warning("catalogue %s refused: %s", source, refused)
            raise
        with self._write("catalogue") as session:
            if session.get(CatalogueRow, catalogue.content_hash) is None:
                session.add(
                    CatalogueRow(
                        content_hash=catalogue.content_hash,
                        catalogue_id=catalogue.id,
                        title=catalogue.spec.title.zh,
                        content=text,
                        loaded_at=utcnow(),
                    )
                )
        self._catalogues[catalogue.content_hash] = catalogue
        return catalogue

    def remembered_columns(self, layout_key: str) -> dict[str, int] | None:
        """The column mapping last imported with this table layout, if any."""
        with self._read() as session:
            row = session.get(WorkbookLayoutRow, layout_key)
            if row is None:
                return None
            try:
                data = json.loads(row.columns)
            except ValueError:
                return None
        if not isinstance(data, dict):
            return None
        return {str(k): v for k, v in data.items() if isinstance(v, int) and 0 < v <= 16384}

    def remember_columns(self, layout_key: str, columns: dict[str, int], actor: str) -> None:
        with self._write("workbook layout") as session:
            row = session.get(WorkbookLayoutRow, layout_key)
            if row is None:
                row = WorkbookLayoutRow(layout_key=layout_key)
                session.add(row)
            row.columns = json.dumps(dict(sorted(columns.items())))
            row.updated_at = utcnow()
            row.updated_by = actor

    def catalogue(self, content_hash: str) -> Catalogue:
        if content_hash not in self._catalogues:
            with self._read() as session:
                row = session.get(CatalogueRow, content_hash)
                if row is None:
                    raise NotFound(f"catalogue {content_hash[:12]}… is not in this store")
                try:
                    catalogue = parse_catalogue(row.content, f"catalogue {content_hash[:12]}")
                except CatalogueError as exc:
                    raise InvalidEntry(f"stored catalogue no longer loads: {exc}") from exc
            if catalogue.content_hash != content_hash:
                raise InvalidEntry(f"stored catalogue {content_hash[:12]}… does not match its hash")
            self._catalogues[content_hash] = catalogue
        return self._catalogues[content_hash]

    def catalogues(self) -> list[Catalogue]:
        with self._read() as session:
            hashes = session.scalars(select(CatalogueRow.content_hash)).all()
        return [self.catalogue(h) for h in hashes]

    @staticmethod
    def _existing(session: Session, table: type[Row], key: int, what: str) -> Row:
        row = session.get(table, key)
        if row is None:
            raise NotFound(f"{what} #{key} does not exist")
        return row

    def _organisation_row(self, session: Session, organisation_id: int) -> OrganisationRow:
        return self._existing(session, OrganisationRow, organisation_id, "organisation")

    def _audit_row(self, session: Session, audit_id: int) -> AuditRow:
        return self._existing(session, AuditRow, audit_id, "audit")

    @staticmethod
    def _locked_audit(session: Session, audit_id: int, *, exclusive: bool) -> AuditRow:
        """The audit row, locked until the transaction ends (PostgreSQL; SQLite's write
        transactions are serial already). Entry saves share the lock; closing a round or
        changing the audit itself takes it alone, so a save either commits before the round is
        frozen (and is copied) or waits and then finds the round frozen."""
        row = session.get(AuditRow, audit_id, with_for_update={"read": not exclusive})
        if row is None:
            raise NotFound(f"audit #{audit_id} does not exist")
        return row

    def _draft_audit(self, session: Session, audit_id: int, *, exclusive: bool = False) -> AuditRow:
        """A draft audit, locked for this write (see _locked_audit); a frozen one is ReadOnly."""
        row = self._locked_audit(session, audit_id, exclusive=exclusive)
        if row.state != AuditState.DRAFT.value:
            raise ReadOnly(
                f"第 {row.round_no} 轮审核已{'冻结' if row.frozen_at else '归档'}，不能修改 — "
                f"round {row.round_no} is {row.state} and cannot be changed"
            )
        return row

    # -- change log ------------------------------------------------------------------------

    def changes(
        self,
        *,
        audit_id: int | None = None,
        organisation_id: int | None = None,
        limit: int | None = None,
    ) -> list[ChangeEntry]:
        """Newest first."""
        query = select(ChangeRow).order_by(ChangeRow.id.desc())
        if audit_id is not None:
            query = query.where(ChangeRow.audit_id == audit_id)
        if organisation_id is not None:
            query = query.where(ChangeRow.organisation_id == organisation_id)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            return [convert.change(row) for row in session.scalars(query)]

    def verify_change_log(self) -> changelog.ChainCheck:
        """Re-walk the change log's hash chain (``gbt-audit verify``)."""
        with self._read() as session:
            return changelog.verify(session)
