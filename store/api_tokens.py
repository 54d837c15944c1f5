"""Personal API tokens, reached from the unit of work (``uow.api_tokens``).

A token is ``gbt_`` + ``secrets.token_urlsafe(32)``: 256 bits from the operating system's
random source. Only its SHA-256 is stored. A slow password hash (argon2, as for passwords)
guards secrets people choose, which are few enough to guess; a 256-bit random token cannot be
guessed through any hash, so one SHA-256 is as safe here, costs nothing per API call, and lets
the token be found by an indexed lookup of its hash (no loop of comparisons whose timing could
tell anything). A copy of the database therefore holds nothing that reads through the API."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from domain.api_tokens import (
    HINT_LENGTH,
    PREFIX,
    ApiTokenRecord,
    NewApiToken,
    TokenRefused,
    plausible,
)
from store.account_tables import ApiTokenRow, UserRow
from store.base import utcnow
from store.repositories import Repository
from store.sessions import token_hash

TOKEN_BYTES = 32
TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is written at most this often


class ApiTokens(Repository):
    def add(
        self, user_id: int, *, label: str, expires_on: date | None, created_by: str
    ) -> NewApiToken:
        token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        row = ApiTokenRow(
            user_id=user_id,
            token_hash=token_hash(token),
            hint=token[:HINT_LENGTH],
            label=label,
            created_at=utcnow(),
            created_by=created_by,
            expires_on=expires_on,
        )
        self.session.add(row)
        self.session.flush()
        return NewApiToken(self.get(row.id), token)

    def live_count(self, user_id: int, today: date) -> int:
        query = select(func.count()).where(
            ApiTokenRow.user_id == user_id,
            ApiTokenRow.revoked_at.is_(None),
            (ApiTokenRow.expires_on.is_(None)) | (ApiTokenRow.expires_on > today),
        )
        return self.session.scalar(query) or 0

    def of_account(self, user_id: int) -> list[ApiTokenRecord]:
        rows = self.session.execute(
            select(ApiTokenRow, UserRow.login)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.user_id == user_id)
            .order_by(ApiTokenRow.id.desc())
        ).all()
        return [_record(row, login) for row, login in rows]

    def get(self, token_id: int) -> ApiTokenRecord:
        found = self.session.execute(
            select(ApiTokenRow, UserRow.login)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.id == token_id)
        ).one_or_none()
        if found is None:
            raise TokenRefused("api_token.no_such_token", token_id=token_id)
        return _record(found[0], found[1])

    def revoke(self, token_id: int) -> ApiTokenRecord:
        row = self.session.get(ApiTokenRow, token_id)
        if row is None:
            raise TokenRefused("api_token.no_such_token", token_id=token_id)
        if row.revoked_at is not None:
            raise TokenRefused("api_token.revoked_already", token_id=token_id)
        row.revoked_at = utcnow()
        self.session.flush()
        return self.get(token_id)

    def holder(self, token: str | None) -> ApiTokenRecord | None:
        """The token's record (whatever its state: the caller decides), None when unknown."""
        if not plausible(token):
            return None
        assert token is not None
        found = self.session.execute(
            select(ApiTokenRow, UserRow.login)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_hash == token_hash(token))
        ).one_or_none()
        return _record(found[0], found[1]) if found is not None else None

    def touch(self, record: ApiTokenRecord, now: datetime) -> None:
        """Note a use (at most once a minute, so reading costs no write each time)."""
        if record.last_used_at is not None and now - record.last_used_at < TOUCH_EVERY:
            return
        self.session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == record.id).values(last_used_at=now)
        )


def _record(row: ApiTokenRow, login: str) -> ApiTokenRecord:
    return ApiTokenRecord(
        id=row.id,
        user_id=row.user_id,
        login=login,
        label=row.label,
        hint=row.hint,
        created_at=row.created_at,
        created_by=row.created_by,
        expires_on=row.expires_on,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )
