"""The settings of the sign-in and its sessions, declared in the settings list (settings/) and
read through it; a bad one is a SettingsError naming the variable (texts/store.yaml).

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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import settings as listed
from settings import DEFAULT_IDLE_MINUTES, DEFAULT_SESSION_HOURS, Network

__all__ = ["DEFAULT_IDLE_MINUTES", "DEFAULT_SESSION_HOURS", "Network", "WebSettings"]


@dataclass(frozen=True)
class WebSettings:
    idle: timedelta = timedelta(minutes=DEFAULT_IDLE_MINUTES)
    lifetime: timedelta = timedelta(hours=DEFAULT_SESSION_HOURS)
    secure_cookie: bool = False
    trusted_proxies: tuple[Network, ...] = ()
    public_origin: str | None = None
    single_person_sign_off: bool = False


def load_web_settings(env: Mapping[str, str] | None = None) -> WebSettings:
    """Read and checked through the settings list (settings/), once per call."""
    return WebSettings(
        idle=timedelta(minutes=listed.IDLE_MINUTES.read(env)),
        lifetime=timedelta(hours=listed.SESSION_HOURS.read(env)),
        secure_cookie=listed.SECURE_COOKIE.read(env),
        trusted_proxies=listed.TRUSTED_PROXIES.read(env),
        public_origin=listed.PUBLIC_ORIGIN.read(env),
        single_person_sign_off=listed.SINGLE_PERSON_SIGN_OFF.read(env),
    )


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
