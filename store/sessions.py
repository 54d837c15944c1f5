"""Server-side sign-in sessions. The browser keeps a random token in an HttpOnly cookie; the
database keeps only its SHA-256, the account, and when it was made and last used. A session ends
when it has been idle too long, when it reaches its longest life, or when its row is deleted:
signing out, disabling the account, taking a role away, a new password, or an administrator
ending it. Every load and every click checks the row, so an ended session is ended at once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from store.account_tables import SessionRow, UserRow
from store.base import utcnow
from store.repository import AuditStore
from store.web_settings import WebSettings

TOKEN_BYTES = 32
# last_seen_at is written at most this often, so a click does not always cost a write
TOUCH_EVERY = timedelta(seconds=60)


class SessionEnd(StrEnum):
    """Why a token no longer signs anyone in (the sign-in page says so)."""

    UNKNOWN = "unknown"  # never issued, signed out, or ended by a change to the account
    IDLE = "idle"
    EXPIRED = "expired"
    ACCOUNT = "account"  # the account is disabled


@dataclass(frozen=True)
class SessionRecord:
    id: int
    user_id: int
    login: str
    display_name: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    via: str
    user_agent: str
    address: str


@dataclass(frozen=True)
class SessionCheck:
    session: SessionRecord | None
    ended: SessionEnd | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def end_sessions_of(session: Session, user_id: int) -> int:
    """Delete every session of an account inside the caller's transaction (the account
    changes that end sessions call this beside their own change)."""
    result = session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


class SignInSessions:
    def __init__(self, store: AuditStore, settings: WebSettings | None = None) -> None:
        self.store = store
        self.settings = settings or WebSettings()

    def start(
        self,
        user_id: int,
        *,
        via: str = "password",
        user_agent: str = "",
        address: str | None = None,
        now: datetime | None = None,
    ) -> str:
        """A new session for an account; returns the token for the cookie (shown only now)."""
        now = now or utcnow()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self.store._write("session") as session:
            session.add(
                SessionRow(
                    token_hash=token_hash(token),
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + self.settings.lifetime,
                    via=via[:20],
                    user_agent=_printable(user_agent)[:300],
                    address=(address or "")[:100],
                )
            )
            # expired sessions of anyone are dropped now and then, so the table stays small
            session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
        return token

    def check(self, token: str | None, now: datetime | None = None) -> SessionCheck:
        """The live session a token belongs to (and note it was used), or why it is not live.
        An idle or expired session is deleted here."""
        if not isinstance(token, str) or not token or len(token) > 200:
            return SessionCheck(None, SessionEnd.UNKNOWN if token else None)
        now = now or utcnow()
        digest = token_hash(token)
        with self.store._read() as session:
            found = session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == digest)
            ).one_or_none()
        if found is None:
            return SessionCheck(None, SessionEnd.UNKNOWN)
        row, user = found
        ended = None
        if not user.active:
            ended = SessionEnd.ACCOUNT
        elif now >= row.expires_at:
            ended = SessionEnd.EXPIRED
        elif now - row.last_seen_at > self.settings.idle:
            ended = SessionEnd.IDLE
        if ended is not None:
            self._delete(SessionRow.id == row.id)
            return SessionCheck(None, ended)
        if now - row.last_seen_at >= TOUCH_EVERY:
            with self.store._write("session") as session:
                live = session.get(SessionRow, row.id)
                if live is not None:
                    live.last_seen_at = now
            row.last_seen_at = now
        return SessionCheck(_record(row, user))

    def end(self, token: str | None) -> None:
        """Sign out: the token no longer signs anyone in."""
        if token:
            self._delete(SessionRow.token_hash == token_hash(token))

    def end_by_id(self, session_id: int) -> bool:
        """An administrator ends someone's session; False when it had ended already."""
        return self._delete(SessionRow.id == session_id) > 0

    def end_all_of(self, user_id: int) -> int:
        with self.store._write("session") as session:
            return end_sessions_of(session, user_id)

    def active(self, now: datetime | None = None) -> list[SessionRecord]:
        """The live sessions, newest use first (what the users page lists)."""
        now = now or utcnow()
        with self.store._read() as session:
            rows = session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(
                    SessionRow.expires_at > now,
                    SessionRow.last_seen_at >= now - self.settings.idle,
                    UserRow.active,
                )
                .order_by(SessionRow.last_seen_at.desc(), SessionRow.id.desc())
            ).all()
        return [_record(row, user) for row, user in rows]

    def _delete(self, condition: ColumnElement[bool]) -> int:
        with self.store._write("session") as session:
            result = session.execute(delete(SessionRow).where(condition))
            return int(getattr(result, "rowcount", 0) or 0)


def _record(row: SessionRow, user: UserRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        user_id=row.user_id,
        login=user.login,
        display_name=user.display_name,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        via=row.via,
        user_agent=row.user_agent,
        address=row.address,
    )


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)
