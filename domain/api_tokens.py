"""Personal API tokens as the domain sees them: the record a list shows, whether a token still
works on a day, and the rules a new one must meet. Making and hashing tokens is the store's
(store/api_tokens.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import Refused

PREFIX = "gbt_"  # says what a leaked string is (and lets secret scanners find one)
HINT_LENGTH = 8  # the token's first characters, kept to tell tokens apart in a list
MAX_TOKEN_LENGTH = 100  # longer than any token made here: refused unread
MAX_LABEL = 100
MAX_LIVE = 20  # live tokens per account
MAX_YEARS = 5  # an expiry date at most this far ahead


class TokenState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ApiTokenRecord:
    id: int
    user_id: int
    login: str
    label: str
    hint: str
    created_at: datetime
    created_by: str
    expires_on: date | None  # refused from this day on
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, today: date) -> TokenState:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_on is not None and today >= self.expires_on:
            return TokenState.EXPIRED
        return TokenState.ACTIVE


@dataclass(frozen=True)
class NewApiToken:
    """A token just made: ``token`` is shown this once and never stored."""

    record: ApiTokenRecord
    token: str = field(repr=False)


class TokenRefused(Refused):
    """A token that cannot be made or revoked as asked; nothing was saved."""


def checked_label(label: str) -> str:
    """A token's label: one line of printable text, at most MAX_LABEL characters."""
    shown = " ".join(label.split())
    if len(shown) > MAX_LABEL or any(not c.isprintable() for c in label if c not in " \t"):
        raise TokenRefused("api_token.label_invalid", max=MAX_LABEL)
    return shown


def check_expiry(expires_on: date | None, today: date) -> None:
    """An expiry date is after today and at most MAX_YEARS ahead."""
    if expires_on is None:
        return
    if expires_on <= today:
        raise TokenRefused("api_token.expiry_past", expires=expires_on.isoformat())
    if expires_on > today.replace(year=today.year + MAX_YEARS, day=min(today.day, 28)):
        raise TokenRefused("api_token.expiry_far", expires=expires_on.isoformat(), years=MAX_YEARS)


def check_room(live: int) -> None:
    if live >= MAX_LIVE:
        raise TokenRefused("api_token.too_many", max=MAX_LIVE)


def plausible(token: str | None) -> bool:
    """Worth looking up at all: the shape tokens made here have (bounded before hashing)."""
    return (
        isinstance(token, str)
        and token.startswith(PREFIX)
        and len(PREFIX) < len(token) <= MAX_TOKEN_LENGTH
        and token.isascii()
        and token.isprintable()
    )
