"""Audits that last: SQLAlchemy over SQLite by default, PostgreSQL by a database URL."""

from __future__ import annotations

from sqlalchemy.exc import ArgumentError

from criteria import DEFAULT_CATALOGUE
from domain.errors import (
    ConflictError,
    InvalidEntry,
    NotFound,
    ReadOnly,
    StoreError,
    StoreUnavailable,
)
from evidence import LocalBlobStore, UploadPolicy
from store.config import Settings, SettingsError, load_settings
from store.database import make_engine, migrate, reported
from store.repository import AuditStore


def open_store(settings: Settings | None = None) -> AuditStore:
    """Open (creating on first run) the database and evidence folder, bring the schema up to
    date and make sure the bundled GB/T 27922-2011 catalogue is there."""
    settings = settings or load_settings()
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(
            "settings.bad_folder",
            "GBT_AUDIT_DATA_DIR",
            value=settings.data_dir,
            reason=exc.strerror,
        ) from None
    try:
        engine = make_engine(settings.database_url)
    except (ArgumentError, ImportError, OSError) as exc:  # unknown driver, folder not creatable
        raise SettingsError(
            "settings.unusable_database", "GBT_AUDIT_DATABASE_URL", reason=exc
        ) from None
    with reported(engine):
        migrate(engine)
    try:
        blobs = LocalBlobStore(settings.evidence_dir)
    except OSError as exc:
        raise SettingsError(
            "settings.bad_folder",
            "GBT_AUDIT_EVIDENCE_DIR",
            value=settings.evidence_dir,
            reason=exc.strerror,
        ) from None
    store = AuditStore(engine, blobs, UploadPolicy(max_bytes=settings.max_upload_bytes))
    store.register_catalogue(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), str(DEFAULT_CATALOGUE))
    return store


__all__ = [
    "AuditStore",
    "ConflictError",
    "InvalidEntry",
    "NotFound",
    "ReadOnly",
    "Settings",
    "SettingsError",
    "StoreError",
    "StoreUnavailable",
    "load_settings",
    "open_store",
]
