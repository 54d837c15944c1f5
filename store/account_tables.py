"""Tables for who may do what: accounts, their grants per organisation, review events and the
sign-in throttle. Kept apart from store/tables.py (the audit data); both share one metadata."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.tables import Base, UTCDateTime


class UserRow(Base):
    """A person who signs in. ``login`` and ``email`` are stored normalised (NFKC, case-folded),
    so 'Wang' and 'wang' are one account; ``password_hash`` is empty for single-sign-on only.
    Display names are unique the same way ('编辑王' and '编辑王 ' are one name)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    # the display name as compared (store.accounts.display_key): one account per shown name
    display_key: Mapped[str] = mapped_column(String(400), unique=True, index=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(Text, default="")
    administrator: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GrantRow(Base):
    """One role for one person in one organisation (a second role there is refused)."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewEventRow(Base):
    """Submitted, returned, signed off, withdrawn: append-only (database triggers refuse updates
    and deletes), so a sign-off — who, when, the score and catalogue then — cannot be rewritten.
    ``last_change_id`` is the audit's newest change-log line at the event: any later line means
    the round changed after it."""

    __tablename__ = "review_events"
    __table_args__ = (Index("ix_review_events_audit_id_id", "audit_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    user_name: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[str | None] = mapped_column(String(100))  # exact, as a fraction "p/q"
    # written by releases before the exact score alone was stored; no longer written nor read
    score_display: Mapped[str | None] = mapped_column(String(20))
    catalogue_hash: Mapped[str | None] = mapped_column(String(64))
    last_change_id: Mapped[int | None] = mapped_column(Integer)


class SignInFailureRow(Base):
    """A wrong password, by login name and by client address, so the slow-down outlives a
    restart. ``key`` is 'login:<name>' or 'address:<ip>'."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionRow(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256, so a
    copy of the database signs nobody in. Deleting the row ends the session at its next load."""

    __tablename__ = "sign_in_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    via: Mapped[str] = mapped_column(String(20))  # 'password' or 'sso'
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(100), default="")


class SignInCounterRow(Base):
    """Wrong-password counts per key, counted atomically: an attempt takes its count (and its
    wait) under the row's lock before the password is checked, so guesses sent at once are
    counted one after another. ``key`` is 'login:<name>', 'address:<ip>' or
    'device:<token hash>:<name>' (a browser that signed in to that account before)."""

    __tablename__ = "sign_in_counters"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    trusted_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FirstAdministratorRow(Base):
    """The one-time set-up, as a row that can exist once (its key can only be 1): two first
    administrators created at the same moment cannot both be saved, on any engine."""

    __tablename__ = "first_administrator"
    __table_args__ = (CheckConstraint("id = 1", name="only_one"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiTokenRow(Base):
    """A personal API token: the account it acts as, and the SHA-256 of the token (shown once,
    when made; a copy of the database reads nothing with it). ``hint`` is the token's first
    characters, to tell tokens apart in a list. Revoking keeps the row (the list says when)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date | None] = mapped_column(Date)  # refused from this day on
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
