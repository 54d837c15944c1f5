"""The database tables (SQLAlchemy ORM). Migrations in store/migrations create exactly these."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# stable constraint names, so migrations can refer to them on SQLite and PostgreSQL alike
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _versioned_by(column: Mapped[int]) -> dict[str, Any]:
    """A table's mapper arguments: optimistic locking on its ``version`` column."""
    return {"version_id_col": column}


class CatalogueRow(Base):
    """Every catalogue an audit was scored against, kept verbatim so it can be reloaded."""

    __tablename__ = "catalogues"
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    catalogue_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)  # the YAML text
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WorkbookLayoutRow(Base):
    """The column mapping last used for a table layout (its sheet name and header cells), so
    the next upload of the same layout starts from it."""

    __tablename__ = "workbook_layouts"
    layout_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    columns: Mapped[str] = mapped_column(Text)  # JSON: role -> 1-based column
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(Text)


class OrganisationRow(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # stays with the organisation across machines, so an archive is not imported twice
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    name: Mapped[str] = mapped_column(Text)
    credit_code: Mapped[str] = mapped_column(String(18), default="", index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    legal_representative: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(Text, default="")
    contact_phone: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(Text, default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    service_headcount: Mapped[int | None] = mapped_column(Integer)
    products_in_scope: Mapped[str] = mapped_column(Text, default="")
    service_outlets: Mapped[int | None] = mapped_column(Integer)
    sales_outlets: Mapped[int | None] = mapped_column(Integer)
    business_scope: Mapped[str] = mapped_column(Text, default="")
    profile: Mapped[str] = mapped_column(Text, default="")
    honours: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class AuditRow(Base):
    __tablename__ = "audits"
    __table_args__ = (UniqueConstraint("organisation_id", "round_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    catalogue_id: Mapped[str] = mapped_column(String(100))
    catalogue_hash: Mapped[str] = mapped_column(ForeignKey("catalogues.content_hash"))
    scheme_id: Mapped[str] = mapped_column(String(100))
    round_no: Mapped[int] = mapped_column(Integer)
    audit_date: Mapped[date] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20))
    previous_audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    prerequisites: Mapped[dict[str, bool | None]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # when the certification body is expected: evidence must still be valid then
    planned_certification_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class ItemRow(Base):
    __tablename__ = "item_assessments"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    samples_checked: Mapped[int | None] = mapped_column(Integer)
    samples_conforming: Mapped[int | None] = mapped_column(Integer)
    justification: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    finding: Mapped[str] = mapped_column(Text, default="")
    effort: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    action: Mapped[str] = mapped_column(Text, default="")
    action_owner: Mapped[str] = mapped_column(Text, default="")
    action_due: Mapped[date | None] = mapped_column(Date)
    action_state: Mapped[str] = mapped_column(String(20), default="open")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class DeductionRow(Base):
    __tablename__ = "special_deductions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(50))
    item_id: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(Text, default="")
    action_owner: Mapped[str] = mapped_column(Text, default="")
    action_due: Mapped[date | None] = mapped_column(Date)
    action_state: Mapped[str] = mapped_column(String(20), default="open")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class BonusRow(Base):
    __tablename__ = "special_bonuses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class EvidenceRow(Base):
    """A document in an organisation's library; the bytes live in the blob store by SHA-256."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("organisation_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text, default="")
    original_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(Text, default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[date | None] = mapped_column(Date)
    # the period the record covers (an operating record of March: 2026-03-01 … 2026-03-31)
    covered_from: Mapped[date | None] = mapped_column(Date)
    covered_to: Mapped[date | None] = mapped_column(Date)
    # revisions: a new revision is a new row pointing at the one it replaced; the replaced row
    # stays (frozen rounds keep their links to it) and records who replaced it and when
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), index=True)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class EvidenceRequestRow(Base):
    """A request to a named colleague for evidence an item lacks; closed by a file linked to
    that item after the request."""

    __tablename__ = "evidence_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(20))
    needed: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(Text)  # account or free text (domain/owners.py)
    due: Mapped[date | None] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class EvidenceLinkRow(Base):
    """Evidence supporting an item of an audit; one file may support several items."""

    __tablename__ = "evidence_links"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SnapshotRow(Base):
    """A round's scores as computed when it was frozen."""

    __tablename__ = "round_snapshots"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class ChangeRow(Base):
    """The append-only change log; database triggers refuse updates, deletes, REPLACE and
    TRUNCATE, and each entry is chained to the previous one by hash (store/changelog.py)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_audit_at", "audit_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    entity: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(Text)
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    imported_sha256: Mapped[str | None] = mapped_column(String(64))  # archive it came from
    # the account that acted (id and login, store/acting.py); None on entries written before
    # release 0010 or with no account (set-up, the worker); imported entries keep their login only
    account_id: Mapped[int | None] = mapped_column(Integer)
    account_login: Mapped[str | None] = mapped_column(String(100))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class CertificateRow(Base):
    """A certificate an organisation was granted: by whom, its number, tier and issue date."""

    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # the round the certificate was granted on, when it was audited here
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    body: Mapped[str] = mapped_column(Text)  # 认证机构
    number: Mapped[str] = mapped_column(Text)  # 证书编号
    tier: Mapped[str] = mapped_column(Text)  # as the certificate states it, e.g. 四星级
    issued_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class SurveillanceRow(Base):
    """A surveillance evaluation held on a certificate: its day and what it decided."""

    __tablename__ = "certificate_surveillances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text)  # kept | changed | suspended
    tier: Mapped[str | None] = mapped_column(Text)  # the tier after it, when changed
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("certificate_id", "held_on"),)


class JobRow(Base):
    """Heavy work (a dossier, a brief, a large import) queued for a worker process
    (``gbt-audit worker``); the page polls it. States: queued, running, done, failed."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), index=True)
    progress: Mapped[float] = mapped_column(Numeric(5, 4), default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    # the result: [{"name", "sha256", "size", "media_type"}] (files in the blob store) + facts
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")  # why it failed, for the page
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(Text, default="")


class WorkerRow(Base):
    """A running worker process, seen at its last heartbeat: the app asks whether any is alive."""

    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # host:pid:start
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
