"""Where the data lives: one folder (GBT_AUDIT_DATA_DIR) holding the SQLite file and the
evidence files, or a database URL (GBT_AUDIT_DATABASE_URL) for PostgreSQL.

Every setting is declared, parsed and checked in the settings list (settings/), once; a bad one
is a SettingsError naming the variable, never a traceback later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import settings as listed
from evidence.s3_settings import S3Settings, s3_settings
from settings import BACKENDS, DEFAULT_MAX_UPLOAD_MB, MAX_UPLOAD_MB_LIMIT, SettingsError

__all__ = [
    "BACKENDS",
    "DEFAULT_MAX_UPLOAD_MB",
    "MAX_UPLOAD_MB_LIMIT",
    "Settings",
    "SettingsError",
    "display_zone",
    "load_settings",
]


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    evidence_dir: Path
    max_upload_bytes: int
    # GBT_AUDIT_EVIDENCE_URL=s3://BUCKET/PREFIX: the evidence in a bucket; None: in evidence_dir
    evidence_s3: S3Settings | None = None

    @property
    def spool_dir(self) -> Path:
        """Transient files on this machine (uploads on their way, imports, exports)."""
        return self.evidence_dir / "tmp" if self.evidence_s3 is None else self.data_dir / "tmp"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    data_dir = listed.DATA_DIR.read(env)
    database_url = listed.DATABASE_URL.read(env, default=f"sqlite:///{data_dir / 'audit.db'}")
    evidence_dir = listed.EVIDENCE_DIR.read(env, default=str(data_dir / "evidence"))
    limit_mb = listed.MAX_UPLOAD_MB.read(env)
    evidence_url = listed.EVIDENCE_URL.read(env)
    # the bucket's server and credentials are AWS's own variables, read only for a bucket
    evidence_s3 = s3_settings(listed.environment(env), evidence_url) if evidence_url else None
    return Settings(data_dir, database_url, evidence_dir, int(limit_mb * 1024 * 1024), evidence_s3)


def display_zone(env: Mapping[str, str] | None = None) -> ZoneInfo:
    """The organisation's time zone, in which every time is shown (GBT_AUDIT_TIME_ZONE, an IANA
    name; Asia/Shanghai by default). Times are stored in UTC whatever it says."""
    return listed.TIME_ZONE.read(env)
