"""Audits that last: SQLAlchemy over SQLite by default, PostgreSQL by a database URL."""

from __future__ import annotations

from criteria import DEFAULT_CATALOGUE
from evidence import LocalBlobStore, UploadPolicy
from store.config import Settings, load_settings
from store.database import make_engine, migrate
from store.errors import ConflictError, InvalidEntry, NotFound, ReadOnly, StoreError
from store.repository import AuditStore


def open_store(settings: Settings | None = None) -> AuditStore:
    """Open (creating on first run) the database and evidence folder, bring the schema up to
    date and make sure the bundled GB/T 27922-2011 catalogue is there."""
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate(engine)
    store = AuditStore(
        engine,
        LocalBlobStore(settings.evidence_dir),
        UploadPolicy(max_bytes=settings.max_upload_bytes),
    )
    store.register_catalogue(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), str(DEFAULT_CATALOGUE))
    return store


__all__ = [
    "AuditStore",
    "ConflictError",
    "InvalidEntry",
    "NotFound",
    "ReadOnly",
    "Settings",
    "StoreError",
    "load_settings",
    "open_store",
]
