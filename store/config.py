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


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    data_dir = listed.DATA_DIR.read(env)
    database_url = listed.DATABASE_URL.read(env, default=f"sqlite:///{data_dir / 'audit.db'}")
    evidence_dir = listed.EVIDENCE_DIR.read(env, default=str(data_dir / "evidence"))
    limit_mb = listed.MAX_UPLOAD_MB.read(env)
    return Settings(data_dir, database_url, evidence_dir, int(limit_mb * 1024 * 1024))


def display_zone(env: Mapping[str, str] | None = None) -> ZoneInfo:
    """The organisation's time zone, in which every time is shown (GBT_AUDIT_TIME_ZONE, an IANA
    name; Asia/Shanghai by default). Times are stored in UTC whatever it says."""
    return listed.TIME_ZONE.read(env)
