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
from evidence import BlobStore, LocalBlobStore, UploadPolicy
from evidence.blobs import BlobStoreUnavailable
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
    blobs = open_blob_store(settings)
    store = AuditStore(engine, blobs, UploadPolicy(max_bytes=settings.max_upload_bytes))
    store.register_catalogue(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), str(DEFAULT_CATALOGUE))
    return store


def open_blob_store(settings: Settings) -> BlobStore:
    """The evidence folder, or the bucket GBT_AUDIT_EVIDENCE_URL names (checked to answer)."""
    if settings.evidence_s3 is not None:
        from evidence.s3 import S3BlobStore  # boto3 loads only where a bucket is used

        try:
            return S3BlobStore(settings.evidence_s3, settings.spool_dir)
        except BlobStoreUnavailable as exc:
            raise SettingsError(
                "settings.unusable_evidence_store",
                "GBT_AUDIT_EVIDENCE_URL",
                value=settings.evidence_s3.url,
                reason=str(exc)[:300],
            ) from None
        except OSError as exc:
            raise SettingsError(
                "settings.bad_folder",
                "GBT_AUDIT_DATA_DIR",
                value=settings.spool_dir,
                reason=exc.strerror,
            ) from None
    try:
        return LocalBlobStore(settings.evidence_dir)
    except OSError as exc:
        raise SettingsError(
            "settings.bad_folder",
            "GBT_AUDIT_EVIDENCE_DIR",
            value=settings.evidence_dir,
            reason=exc.strerror,
        ) from None


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
    "open_blob_store",
    "open_store",
]
