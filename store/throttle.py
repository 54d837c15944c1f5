"""The slow-down after wrong passwords, per login name and per client address, kept in the
database so a restart does not reset it. Unknown login names are throttled like known ones, so
the slow-down does not tell which names exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from store.account_tables import SignInFailureRow
from store.base import utcnow
from store.repository import AuditStore


@dataclass(frozen=True)
class ThrottlePolicy:
    free_attempts: int = 5  # wrong passwords within the window before any wait
    window: timedelta = timedelta(minutes=15)
    first_wait: timedelta = timedelta(seconds=30)  # doubled for each further failure
    longest_wait: timedelta = timedelta(minutes=15)

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free_attempts:
            return timedelta(0)
        doublings = min(failures - self.free_attempts, 16)
        return min(self.first_wait * 2**doublings, self.longest_wait)


def _keys(login: str, address: str | None) -> list[str]:
    keys = [f"login:{login}"]
    if address:
        keys.append(f"address:{address}")
    return keys


class SignInThrottle:
    def __init__(self, store: AuditStore, policy: ThrottlePolicy | None = None) -> None:
        self.store = store
        self.policy = policy or ThrottlePolicy()

    def wait(self, login: str, address: str | None, now: datetime | None = None) -> timedelta:
        """How long this name or address must still wait before another attempt (0: none)."""
        now = now or utcnow()
        since = now - self.policy.window
        longest = timedelta(0)
        with self.store._read() as session:
            for key in _keys(login, address):
                count, last = session.execute(
                    select(func.count(), func.max(SignInFailureRow.at)).where(
                        SignInFailureRow.key == key, SignInFailureRow.at > since
                    )
                ).one()
                if count and last is not None:
                    last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
                    remaining = last + self.policy.wait_after(count) - now
                    longest = max(longest, remaining)
        return longest

    def failed(self, login: str, address: str | None, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self.store._write("sign-in") as session:
            for key in _keys(login, address):
                session.add(SignInFailureRow(key=key, at=now))
            # old failures no longer count; drop them so the table stays small
            session.execute(
                delete(SignInFailureRow).where(SignInFailureRow.at < now - self.policy.window * 4)
            )

    def succeeded(self, login: str) -> None:
        """A right password clears the name's count (not the address's: one good account
        must not reset the slow-down for guessing others from the same place)."""
        with self.store._write("sign-in") as session:
            session.execute(
                delete(SignInFailureRow).where(SignInFailureRow.key == f"login:{login}")
            )
