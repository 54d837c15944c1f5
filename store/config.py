"""Where the data lives: one folder (GBT_AUDIT_DATA_DIR) holding the SQLite file and the
evidence files, or a database URL (GBT_AUDIT_DATABASE_URL) for PostgreSQL.

Every setting is read and checked here, once; a bad one is a SettingsError naming the variable,
never a traceback later."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from scoring import display
from texts import t

DEFAULT_MAX_UPLOAD_MB = 50
MAX_UPLOAD_MB_LIMIT = 1024  # one evidence file above 1 GiB is a mistake, not evidence
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    evidence_dir: Path
    max_upload_bytes: int


class SettingsError(ValueError):
    """A setting that cannot be used. ``code`` is its texts/ key; ``setting`` the variable."""

    def __init__(self, code: str, setting: str, **values: object) -> None:
        self.code = code
        self.setting = setting
        self.values = {"setting": setting, **values}
        super().__init__(" / ".join(self.message(lang) for lang in ("zh", "en")))

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **self.values)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    data_dir = _folder(env, "GBT_AUDIT_DATA_DIR", "data")
    database_url = env.get("GBT_AUDIT_DATABASE_URL") or f"sqlite:///{data_dir / 'audit.db'}"
    _check_database_url(database_url)
    evidence_dir = _folder(env, "GBT_AUDIT_EVIDENCE_DIR", str(data_dir / "evidence"))
    limit_mb = _upload_limit(env.get("GBT_AUDIT_MAX_UPLOAD_MB") or str(DEFAULT_MAX_UPLOAD_MB))
    return Settings(data_dir, database_url, evidence_dir, int(limit_mb * 1024 * 1024))


def display_zone(env: Mapping[str, str] | None = None) -> ZoneInfo:
    """The organisation's time zone, in which every time is shown (GBT_AUDIT_TIME_ZONE, an IANA
    name; Asia/Shanghai by default). Times are stored in UTC whatever it says."""
    env = os.environ if env is None else env
    raw = (env.get("GBT_AUDIT_TIME_ZONE") or display.DEFAULT_ZONE).strip()
    try:
        if len(raw) > 64 or raw.startswith(("/", ".")) or ".." in raw:
            raise ValueError(raw)
        return display.zone(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            "settings.bad_time_zone", "GBT_AUDIT_TIME_ZONE", value=raw[:64]
        ) from None


def _folder(env: Mapping[str, str], name: str, default: str) -> Path:
    raw = env.get(name) or default
    try:
        return Path(raw).expanduser().resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # "~nobody/", NUL bytes, link loops
        raise SettingsError("settings.bad_folder", name, value=raw, reason=exc) from None


def _upload_limit(raw: str) -> float:
    name = "GBT_AUDIT_MAX_UPLOAD_MB"
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError("settings.not_a_number", name, value=raw) from None
    if not math.isfinite(value) or not 0 < value <= MAX_UPLOAD_MB_LIMIT:  # nan, inf, ≤ 0, 1e9
        raise SettingsError(
            "settings.out_of_range", name, value=raw, low=0, high=MAX_UPLOAD_MB_LIMIT
        )
    if value * 1024 * 1024 < 1:
        raise SettingsError(
            "settings.out_of_range", name, value=raw, low=0, high=MAX_UPLOAD_MB_LIMIT
        )
    return value


def _check_database_url(raw: str) -> URL:
    name = "GBT_AUDIT_DATABASE_URL"
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise SettingsError("settings.bad_database_url", name, value=_masked(raw)) from None
    if url.get_backend_name() not in BACKENDS:
        raise SettingsError(
            "settings.unsupported_database",
            name,
            value=url.render_as_string(hide_password=True),
            backends=", ".join(BACKENDS),
        )
    return url


def _masked(raw: str) -> str:
    """A URL that did not parse, as shown in a message: no password, not too long."""
    shown = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", raw)
    return shown if len(shown) <= 120 else shown[:119] + "…"
