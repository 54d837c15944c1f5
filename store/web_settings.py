"""The settings of the sign-in and its sessions, read and checked once from the environment; a
bad one is a SettingsError naming the variable (texts/store.yaml).

    GBT_AUDIT_IDLE_MINUTES      minutes without a request before a session ends (30)
    GBT_AUDIT_SESSION_HOURS     the longest a session lasts, idle or not (12)
    GBT_AUDIT_SECURE_COOKIE     1: the session cookie is sent over HTTPS only (set it behind TLS)
    GBT_AUDIT_TRUSTED_PROXIES   addresses or networks of reverse proxies whose X-Forwarded-For
                                names the client (empty: the connection's address is the client)
    GBT_AUDIT_PUBLIC_ORIGIN     the address people type, e.g. https://audit.example.cn: the only
                                origin the sign-in form is accepted from (empty: the Host header)
    GBT_AUDIT_SINGLE_PERSON_SIGN_OFF  1: a round may be signed off by the person who submitted it
                                (a company of one); the dossier then says so
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from store.config import SettingsError

DEFAULT_IDLE_MINUTES = 30
DEFAULT_SESSION_HOURS = 12
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class WebSettings:
    idle: timedelta = timedelta(minutes=DEFAULT_IDLE_MINUTES)
    lifetime: timedelta = timedelta(hours=DEFAULT_SESSION_HOURS)
    secure_cookie: bool = False
    trusted_proxies: tuple[Network, ...] = ()
    public_origin: str | None = None
    single_person_sign_off: bool = False


def load_web_settings(env: Mapping[str, str] | None = None) -> WebSettings:
    env = os.environ if env is None else env
    idle = _positive(env, "GBT_AUDIT_IDLE_MINUTES", DEFAULT_IDLE_MINUTES, high=7 * 24 * 60)
    hours = _positive(env, "GBT_AUDIT_SESSION_HOURS", DEFAULT_SESSION_HOURS, high=24 * 90)
    return WebSettings(
        idle=timedelta(minutes=idle),
        lifetime=timedelta(hours=hours),
        secure_cookie=_flag(env, "GBT_AUDIT_SECURE_COOKIE"),
        trusted_proxies=_networks(env, "GBT_AUDIT_TRUSTED_PROXIES"),
        public_origin=_origin(env, "GBT_AUDIT_PUBLIC_ORIGIN"),
        single_person_sign_off=_flag(env, "GBT_AUDIT_SINGLE_PERSON_SIGN_OFF"),
    )


def _positive(env: Mapping[str, str], name: str, default: float, *, high: float) -> float:
    raw = (env.get(name) or "").strip() or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError("settings.not_a_number", name, value=raw) from None
    if not math.isfinite(value) or not 0 < value <= high:
        raise SettingsError("settings.out_of_range", name, value=raw, low=0, high=high)
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError("settings.not_a_flag", name, value=raw)


def _networks(env: Mapping[str, str], name: str) -> tuple[Network, ...]:
    raw = env.get(name) or ""
    networks = []
    for part in raw.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            raise SettingsError("settings.not_an_address", name, value=part.strip()) from None
    return tuple(networks)


def _origin(env: Mapping[str, str], name: str) -> str | None:
    raw = (env.get(name) or "").strip().rstrip("/")
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        raise SettingsError("settings.not_an_origin", name, value=raw)
    return f"{parts.scheme}://{parts.netloc}".lower()


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]
) -> str | None:
    """The client's address: the connection's own, or — when that is a trusted proxy — the
    right-most address in X-Forwarded-For that is not itself a trusted proxy (a client can
    prepend anything it likes; only what the proxies appended is believed)."""
    if peer is None or not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed hop: believe nothing further left
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)
