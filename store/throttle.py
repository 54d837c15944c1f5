"""The slow-down after wrong passwords, per login name, per client address and per known
browser, kept in the database so a restart does not reset it. Unknown login names are throttled
like known ones, so the slow-down does not tell which names exist.

Each attempt takes its count before the password is checked, in one transaction holding the
counters' rows (SQLite: the write lock taken at BEGIN IMMEDIATE; PostgreSQL: the rows locked
FOR UPDATE after an INSERT … ON CONFLICT DO NOTHING creates any missing one), so guesses sent at
once are counted one after another and the ones past the limit are refused unchecked. A right
password gives its count back.

Someone else's guesses cannot keep the rightful owner out for long: a login name waits at most
``longest_login_wait`` (about a minute), and a browser that has signed in to the account before
(its ``gbt_device`` cookie) is counted on its own, not under the login name or the address."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.account_tables import SignInCounterRow
from store.base import utcnow
from store.repository import AuditStore


@dataclass(frozen=True)
class ThrottlePolicy:
    free_attempts: int = 5  # wrong passwords within the window before any wait
    window: timedelta = timedelta(minutes=15)
    first_wait: timedelta = timedelta(seconds=30)  # doubled for each further failure
    longest_wait: timedelta = timedelta(minutes=15)  # an address, a browser
    longest_login_wait: timedelta = timedelta(seconds=60)  # a login name: the owner's wait
    device_trust: timedelta = timedelta(days=90)  # a browser stays known this long

    def wait_after(self, failures: int, longest: timedelta | None = None) -> timedelta:
        if failures < self.free_attempts:
            return timedelta(0)
        doublings = min(failures - self.free_attempts, 16)
        return min(self.first_wait * 2**doublings, longest or self.longest_wait)


def device_hash(device: str) -> str:
    return hashlib.sha256(device.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """The counters one sign-in attempt was counted under; ``wait`` > 0: refused unchecked."""

    keys: tuple[str, ...]
    login: str
    device_key: str | None
    wait: timedelta = timedelta(0)


class SignInThrottle:
    def __init__(self, store: AuditStore, policy: ThrottlePolicy | None = None) -> None:
        self.store = store
        self.policy = policy or ThrottlePolicy()

    def begin(
        self,
        login: str,
        address: str | None,
        device: str | None = None,
        now: datetime | None = None,
    ) -> Attempt:
        """Count an attempt before its password is checked (or say how long it must wait)."""
        now = now or utcnow()
        device_key = f"device:{device_hash(device)}:{login}" if device else None
        with self.store._write("sign-in") as session:
            trusted = False
            if device_key is not None:
                known = session.get(SignInCounterRow, device_key)
                trusted = known is not None and (known.trusted_until or now) > now
            keys = [device_key] if trusted and device_key else self._keys(login, address)
            rows = self._locked(session, keys, now)
            waits = [row.blocked_until - now for row in rows if row.blocked_until > now]
            if waits:
                return Attempt(tuple(keys), login, device_key, max(waits))
            for row in rows:
                if row.window_start <= now - self.policy.window:
                    row.failures, row.window_start = 0, now
                row.failures += 1
                row.blocked_until = now + self.policy.wait_after(row.failures, self._longest(row))
        return Attempt(tuple(keys), login, device_key)

    def succeeded(self, attempt: Attempt, now: datetime | None = None) -> None:
        """A right password: the name's and the browser's counts are cleared, the address gives
        back this attempt only (one good account must not reset the slow-down for guessing
        others from the same place), and the browser is known to this account from now on."""
        now = now or utcnow()
        with self.store._write("sign-in") as session:
            keys = list(attempt.keys)
            if attempt.device_key and attempt.device_key not in keys:
                keys.append(attempt.device_key)
            for row in self._locked(session, keys, now):
                if row.key.startswith("address:"):
                    row.failures = max(row.failures - 1, 0)
                    allowed = now + self.policy.wait_after(row.failures, self._longest(row))
                    row.blocked_until = min(row.blocked_until, allowed)
                else:
                    row.failures, row.blocked_until = 0, now
                if row.key == attempt.device_key:
                    row.trusted_until = now + self.policy.device_trust

    def wait(self, login: str, address: str | None, now: datetime | None = None) -> timedelta:
        """How long this name or address must still wait before another attempt (0: none)."""
        now = now or utcnow()
        with self.store._read() as session:
            rows = session.scalars(
                select(SignInCounterRow).where(SignInCounterRow.key.in_(self._keys(login, address)))
            ).all()
        return max([timedelta(0), *(row.blocked_until - now for row in rows)])

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _keys(login: str, address: str | None) -> list[str]:
        keys = [f"login:{login}"]
        if address:
            keys.append(f"address:{address[:300]}")
        return keys

    def _longest(self, row: SignInCounterRow) -> timedelta:
        if row.key.startswith("login:"):
            return self.policy.longest_login_wait
        return self.policy.longest_wait

    def _locked(self, session: Session, keys: list[str], now: datetime) -> list[SignInCounterRow]:
        """The counters' rows, created when missing, locked until the transaction ends (in key
        order, so two attempts never wait on each other's locks crosswise)."""
        keys = sorted(set(keys))
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        for key in keys:
            session.execute(
                insert(SignInCounterRow)
                .values(key=key, failures=0, window_start=now, blocked_until=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )
        rows = session.scalars(
            select(SignInCounterRow)
            .where(SignInCounterRow.key.in_(keys))
            .order_by(SignInCounterRow.key)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        # old counts no longer matter; drop them now and then so the table stays small
        session.execute(
            delete(SignInCounterRow).where(
                SignInCounterRow.key.not_in(keys),
                SignInCounterRow.blocked_until < now - self.policy.window * 4,
                SignInCounterRow.window_start < now - self.policy.window * 4,
                SignInCounterRow.trusted_until.is_(None) | (SignInCounterRow.trusted_until < now),
            )
        )
        return list(rows)
