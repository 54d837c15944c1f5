"""Every GBT_AUDIT_* setting as data: its name, its default, the parser that checks a value and
the help the README's settings table shows (generated from this list, and tested against it).
The store, the app, the CLI and the mail read their settings only through here; a value that
cannot be used is a SettingsError naming the variable, logged once on the server
(``gbt_audit.settings``), never a traceback later."""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from evidence.s3_settings import BadEvidenceUrl, parse_evidence_url
from scoring import display
from settings import logs
from texts import t

log = logging.getLogger(logs.SETTINGS)

T = TypeVar("T")

DEFAULT_MAX_UPLOAD_MB = 50
MAX_UPLOAD_MB_LIMIT = 1024  # one evidence file above 1 GiB is a mistake, not evidence
DEFAULT_IDLE_MINUTES = 30
DEFAULT_SESSION_HOURS = 12
DEFAULT_WORKER_NICE = 10
MAX_NICENESS = 19
MAX_IDLE_MINUTES = 7 * 24 * 60
MAX_SESSION_HOURS = 24 * 90
BACKENDS = ("sqlite", "postgresql")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A setting that cannot be used. ``code`` is its texts/ key; ``setting`` the variable.
    Logged once, when it is raised: the server's log names every setting that stopped work."""

    def __init__(self, code: str, setting: str, **values: object) -> None:
        self.code = code
        self.setting = setting
        self.values = {"setting": setting, **values}
        super().__init__(" / ".join(self.message(lang) for lang in ("zh", "en")))
        log.error("%s: %s", setting, self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **self.values)


class Scope(StrEnum):
    APP = "app"  # the app and the CLI (the store's settings)
    CLI = "cli"  # the command line only
    MAIL = "mail"  # `gbt-audit remind`
    TESTS = "tests"  # the test suite and the benchmarks


@dataclass(frozen=True)
class Setting(Generic[T]):
    name: str
    parse: Callable[[str, str], T]  # (the variable's name, its text) → the value
    default: str | None  # the text used when unset or empty; None: none, or derived (see read)
    default_text: str  # the default as the README shows it
    help: str  # the README's "what" column
    scope: Scope = Scope.APP

    def is_set(self, env: Mapping[str, str] | None = None) -> bool:
        """Whether a value is given (not unset, not empty)."""
        return bool((environment(env).get(self.name) or "").strip())

    def read(self, env: Mapping[str, str] | None = None, default: str | None = None) -> T:
        """The value from ``env`` (the environment by default); unset or empty: ``default``
        (for a default derived from another setting), else the setting's own."""
        given = environment(env).get(self.name) or ""
        raw = given if given.strip() else default or self.default or ""
        return self.parse(self.name, raw)


def environment(env: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """``env``, or the process's environment: the one place the project reads it."""
    return os.environ if env is None else env


# -- parsers: (name, text) → value, or a SettingsError naming the variable ---------------------


def text(name: str, raw: str) -> str:
    return raw


def required_text(name: str, raw: str) -> str:
    value = raw.strip()
    if not value:
        raise SettingsError("mail.setting_missing", name, name=name)
    return value


def folder(name: str, raw: str) -> Path:
    try:
        return Path(raw).expanduser().resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # "~nobody/", NUL bytes, link loops
        raise SettingsError("settings.bad_folder", name, value=raw, reason=exc) from None


def database_url(name: str, raw: str) -> str:
    _database_url(name, raw)
    return raw


def _database_url(name: str, raw: str) -> URL:
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


def evidence_url(name: str, raw: str) -> str | None:
    """``s3://BUCKET/PREFIX`` checked, or None: the evidence stays in the folder."""
    value = raw.strip()
    if not value:
        return None
    try:
        parse_evidence_url(value)
    except BadEvidenceUrl as exc:
        raise SettingsError(
            f"settings.bad_evidence_url.{exc.reason}", name, value=value[:120]
        ) from None
    return value


def upload_megabytes(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError("settings.not_a_number", name, value=raw) from None
    # nan, inf, ≤ 0, 1e9, and a limit below one byte
    if not math.isfinite(value) or not 0 < value <= MAX_UPLOAD_MB_LIMIT or value * 2**20 < 1:
        raise SettingsError(
            "settings.out_of_range", name, value=raw, low=0, high=MAX_UPLOAD_MB_LIMIT
        )
    return value


def yes_no(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise SettingsError("mail.setting_invalid", name, name=name, value=value)
    return value in _TRUE


def port(name: str, raw: str) -> int:
    value = raw.strip()
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError("mail.setting_invalid", name, name=name, value=value)
    return int(value)


def bounded(high: float) -> Callable[[str, str], float]:
    """A number above 0 and at most ``high`` (minutes, hours)."""

    def parse(name: str, raw: str) -> float:
        value = raw.strip()
        try:
            number = float(value)
        except ValueError:
            raise SettingsError("settings.not_a_number", name, value=value) from None
        if not math.isfinite(number) or not 0 < number <= high:
            raise SettingsError("settings.out_of_range", name, value=value, low=0, high=high)
        return number

    return parse


def niceness(name: str, raw: str) -> int:
    """A whole number from 0 (the app's own priority) to 19 (the lowest), as nice(1) takes it."""
    value = raw.strip()
    if not re.fullmatch(r"[0-9]{1,2}", value) or int(value) > MAX_NICENESS:
        raise SettingsError("settings.not_a_niceness", name, value=value[:20], high=MAX_NICENESS)
    return int(value)


def flag(name: str, raw: str) -> bool:
    """1/0 (true/false, yes/no, on/off); unset is 0."""
    value = raw.strip().lower()
    if value in ("", *_FALSE):
        return False
    if value in _TRUE:
        return True
    raise SettingsError("settings.not_a_flag", name, value=value)


def networks(name: str, raw: str) -> tuple[Network, ...]:
    found: list[Network] = []
    for part in raw.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            found.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            raise SettingsError("settings.not_an_address", name, value=part.strip()) from None
    return tuple(found)


def origin(name: str, raw: str) -> str | None:
    value = raw.strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        raise SettingsError("settings.not_an_origin", name, value=value)
    return f"{parts.scheme}://{parts.netloc}".lower()


WEBHOOK_SHAPES = ("wecom", "dingtalk", "feishu", "json")


@dataclass(frozen=True)
class WebhookUrl:
    """A chat robot's address (without its fragment), its signing secret and, when the host
    does not say it (a proxy, a private deployment), the message shape it takes."""

    url: str
    secret: str = ""
    shape: str = ""  # one of WEBHOOK_SHAPES, or "" to choose by host (notify/webhooks.py)

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


def webhook_urls(name: str, raw: str) -> tuple[WebhookUrl, ...]:
    """One or more http(s) URLs, separated by spaces, new lines or commas. A fragment (never
    sent to the robot) may carry its signing secret and its shape: ``…#secret=SEC…`` or
    ``…#shape=dingtalk&secret=SEC…``."""
    found: list[WebhookUrl] = []
    for part in raw.replace(",", " ").split():
        parts = urlsplit(part)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError("settings.not_a_webhook", name, value=_masked_webhook(part))
        given: dict[str, str] = {}
        for pair in parts.fragment.split("&") if parts.fragment else ():
            key, _, value = pair.partition("=")
            if key not in ("secret", "shape") or not value or key in given:
                raise SettingsError("settings.not_a_webhook", name, value=_masked_webhook(part))
            given[key] = value
        if given.get("shape", "json") not in WEBHOOK_SHAPES:
            raise SettingsError("settings.not_a_webhook", name, value=_masked_webhook(part))
        url = parts._replace(fragment="").geturl()
        found.append(WebhookUrl(url, given.get("secret", ""), given.get("shape", "")))
    return tuple(found)


def _masked_webhook(raw: str) -> str:
    """A robot's URL in a message: scheme, host and path only (its token is a password)."""
    parts = urlsplit(raw)
    shown = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else raw
    return shown if len(shown) <= 120 else shown[:119] + "…"


def time_zone(name: str, raw: str) -> ZoneInfo:
    value = raw.strip()
    try:
        if len(value) > 64 or value.startswith(("/", ".")) or ".." in value:
            raise ValueError(value)
        return display.zone(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("settings.bad_time_zone", name, value=value[:64]) from None


# -- the list ----------------------------------------------------------------------------------

DATA_DIR = Setting(
    "GBT_AUDIT_DATA_DIR",
    folder,
    "data",
    "`data`",
    "the folder for the SQLite file and the evidence files",
)
DATABASE_URL = Setting(
    "GBT_AUDIT_DATABASE_URL",
    database_url,
    None,
    "`sqlite:///<data dir>/audit.db`",
    "another database, e.g. `postgresql+psycopg://user@host:5432/audits`",
)
EVIDENCE_DIR = Setting(
    "GBT_AUDIT_EVIDENCE_DIR",
    folder,
    None,
    "`<data dir>/evidence`",
    "where evidence files are stored",
)
EVIDENCE_URL = Setting(
    "GBT_AUDIT_EVIDENCE_URL",
    evidence_url,
    None,
    "— (the folder above)",
    '`s3://BUCKET/PREFIX`: the evidence in an S3-compatible bucket instead (see "Several '
    "servers\"); its server and credentials are AWS's own `AWS_ENDPOINT_URL`, "
    "`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`, read only when this "
    "is set",
)
MAX_UPLOAD_MB = Setting(
    "GBT_AUDIT_MAX_UPLOAD_MB",
    upload_megabytes,
    str(DEFAULT_MAX_UPLOAD_MB),
    f"`{DEFAULT_MAX_UPLOAD_MB}`",
    f"the size limit of one evidence file, in MiB (above 0, at most {MAX_UPLOAD_MB_LIMIT})",
)
IDLE_MINUTES = Setting(
    "GBT_AUDIT_IDLE_MINUTES",
    bounded(MAX_IDLE_MINUTES),
    str(DEFAULT_IDLE_MINUTES),
    f"`{DEFAULT_IDLE_MINUTES}`",
    f"minutes without a request before a signed-in session ends (at most {MAX_IDLE_MINUTES})",
)
SESSION_HOURS = Setting(
    "GBT_AUDIT_SESSION_HOURS",
    bounded(MAX_SESSION_HOURS),
    str(DEFAULT_SESSION_HOURS),
    f"`{DEFAULT_SESSION_HOURS}`",
    f"the longest a session lasts, idle or not, in hours (at most {MAX_SESSION_HOURS})",
)
SECURE_COOKIE = Setting(
    "GBT_AUDIT_SECURE_COOKIE",
    flag,
    None,
    "`0`",
    "`1`: the session cookie is sent over HTTPS only (set it behind TLS)",
)
TRUSTED_PROXIES = Setting(
    "GBT_AUDIT_TRUSTED_PROXIES",
    networks,
    None,
    "none",
    "addresses or networks (comma-separated) of reverse proxies whose `X-Forwarded-For` names "
    "the client; none: the connection's address is the client",
)
PUBLIC_ORIGIN = Setting(
    "GBT_AUDIT_PUBLIC_ORIGIN",
    origin,
    None,
    "the `Host` header",
    "the address people type, e.g. `https://audit.example.cn`: the only origin the sign-in "
    "form is accepted from",
)
SINGLE_PERSON_SIGN_OFF = Setting(
    "GBT_AUDIT_SINGLE_PERSON_SIGN_OFF",
    flag,
    None,
    "`0`",
    "`1`: a round may be signed off by the person who submitted it (a company of one); the "
    "dossier then says so",
)
WORKER_NICE = Setting(
    "GBT_AUDIT_WORKER_NICE",
    niceness,
    str(DEFAULT_WORKER_NICE),
    f"`{DEFAULT_WORKER_NICE}`",
    "how much lower than the app's the CPU priority of heavy jobs (dossier, brief, imports) is, "
    f"0–{MAX_NICENESS} as `nice` counts: `gbt-audit worker` lowers its own; with no worker "
    "running the app runs such a job in a process of its own at this priority (`0`: in the "
    "app's own process, as before), so the people clicking keep their share of the CPU",
)
TIME_ZONE = Setting(
    "GBT_AUDIT_TIME_ZONE",
    time_zone,
    display.DEFAULT_ZONE,
    f"`{display.DEFAULT_ZONE}`",
    "the organisation's time zone (an IANA name): every time in the app, the PDF, the 自评表 "
    "and the CLI is shown in it, the zone named once per page; times are stored in UTC "
    "whatever it says",
)
SMTP_HOST = Setting(
    "GBT_AUDIT_SMTP_HOST",
    required_text,
    None,
    "—",
    "the mail server `gbt-audit remind` sends through",
    Scope.MAIL,
)
SMTP_PORT = Setting(
    "GBT_AUDIT_SMTP_PORT",
    port,
    None,
    "587 (25 without STARTTLS)",
    "the mail server's port",
    Scope.MAIL,
)
SMTP_FROM = Setting(
    "GBT_AUDIT_SMTP_FROM",
    required_text,
    None,
    "—",
    "the sender address of reminder mails",
    Scope.MAIL,
)
SMTP_STARTTLS = Setting(
    "GBT_AUDIT_SMTP_STARTTLS",
    yes_no,
    "true",
    "`true`",
    "`false` for a server without encryption",
    Scope.MAIL,
)
SMTP_USER = Setting(
    "GBT_AUDIT_SMTP_USER",
    text,
    None,
    "none",
    "login, when the server asks for one",
    Scope.MAIL,
)
SMTP_PASSWORD = Setting(
    "GBT_AUDIT_SMTP_PASSWORD",
    text,
    None,
    "none",
    "its password (needed with a login)",
    Scope.MAIL,
)
WEBHOOK_URL = Setting(
    "GBT_AUDIT_WEBHOOK_URL",
    webhook_urls,
    "",
    "none",
    "group-chat robots told of workflow events and sent the `gbt-audit remind` digest: one or "
    "more URLs (spaces or commas between); the message shape follows the host — 企业微信 "
    "(qyapi.weixin.qq.com), 钉钉 (oapi.dingtalk.com), 飞书 (open.feishu.cn, open.larksuite.com), "
    "else plain JSON; a robot's signing secret as `#secret=SEC…` at the end of its URL (a "
    "fragment is never sent), and `#shape=wecom|dingtalk|feishu|json` for a host that does not "
    "say it (a proxy), e.g. `…#shape=dingtalk&secret=SEC…`",
    Scope.MAIL,
)
CLI_ACCOUNT = Setting(
    "GBT_AUDIT_CLI_ACCOUNT",
    text,
    None,
    "none",
    "the administrator account (login or display name) `gbt-audit` acts as when `--as` is not "
    "given; the change log records it",
    Scope.CLI,
)
AXE_JS = Setting(
    "GBT_AUDIT_AXE_JS",
    text,
    None,
    "`node_modules/axe-core/axe.min.js`",
    "the axe-core script the accessibility journey runs in each page (skipped, with the reason, "
    "when absent; never fetched from a CDN)",
    Scope.TESTS,
)
TEST_PG_URL = Setting(
    "GBT_AUDIT_TEST_PG_URL",
    text,
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "`postgresql+psycopg://postgres@127.0.0.1:5432/test`",
    "the PostgreSQL the store tests also run on (skipped, with the reason, when it does not "
    "answer)",
    Scope.TESTS,
)
BROWSER_PORTS = Setting(
    "GBT_AUDIT_BROWSER_PORTS",
    text,
    None,
    "any free port",
    "the ports the browser journeys start their app servers on, e.g. `8600-8649`",
    Scope.TESTS,
)
SCREENSHOTS = Setting(
    "GBT_AUDIT_SCREENSHOTS",
    folder,
    "/tmp/gbt-audit-screenshots",
    "`/tmp/gbt-audit-screenshots`",
    "where the browser journeys save their screenshots",
    Scope.TESTS,
)

SETTINGS: tuple[Setting[Any], ...] = (
    DATA_DIR,
    DATABASE_URL,
    EVIDENCE_DIR,
    EVIDENCE_URL,
    MAX_UPLOAD_MB,
    TIME_ZONE,
    SMTP_HOST,
    SMTP_PORT,
    SMTP_FROM,
    SMTP_STARTTLS,
    SMTP_USER,
    SMTP_PASSWORD,
    WEBHOOK_URL,
    IDLE_MINUTES,
    SESSION_HOURS,
    SECURE_COOKIE,
    TRUSTED_PROXIES,
    PUBLIC_ORIGIN,
    SINGLE_PERSON_SIGN_OFF,
    WORKER_NICE,
    CLI_ACCOUNT,
    TEST_PG_URL,
    BROWSER_PORTS,
    SCREENSHOTS,
    AXE_JS,
)


def readme_table() -> str:
    """The README's settings table, as this list says it."""
    lines = ["| variable | default | what |", "| --- | --- | --- |"]
    lines += [f"| `{s.name}` | {s.default_text} | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"
