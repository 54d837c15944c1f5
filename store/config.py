"""Where the data lives: one folder (GBT_AUDIT_DATA_DIR) holding the SQLite file and the
evidence files, or a database URL (GBT_AUDIT_DATABASE_URL) for PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_UPLOAD_MB = 50


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    evidence_dir: Path
    max_upload_bytes: int


class SettingsError(ValueError):
    pass


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    data_dir = Path(env.get("GBT_AUDIT_DATA_DIR") or "data").expanduser().resolve()
    database_url = env.get("GBT_AUDIT_DATABASE_URL") or f"sqlite:///{data_dir / 'audit.db'}"
    evidence_dir = Path(env.get("GBT_AUDIT_EVIDENCE_DIR") or data_dir / "evidence").resolve()
    raw_limit = env.get("GBT_AUDIT_MAX_UPLOAD_MB") or str(DEFAULT_MAX_UPLOAD_MB)
    try:
        limit_mb = float(raw_limit)
    except ValueError:
        raise SettingsError(
            f"GBT_AUDIT_MAX_UPLOAD_MB must be a number, got {raw_limit!r}"
        ) from None
    if limit_mb <= 0:
        raise SettingsError(f"GBT_AUDIT_MAX_UPLOAD_MB must be positive, got {raw_limit!r}")
    return Settings(data_dir, database_url, evidence_dir, int(limit_mb * 1024 * 1024))
