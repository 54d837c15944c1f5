"""The change log as a hash chain: each entry's hash covers the previous entry's hash and its own
content, so rewriting, removing or inserting an entry anywhere but at the end breaks every link
after it. The database refuses updates, deletes, REPLACE and TRUNCATE (migrations 0001, 0002);
the chain makes a rewrite by anyone who got past that (the file's owner, a superuser) visible.

Entries are appended only through ``append`` inside a write transaction, under one lock for the
whole log (SQLite: the write transaction itself; PostgreSQL: a transaction-level advisory lock),
so two writers never chain onto the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.tables import ChangeRow

GENESIS = "0" * 64  # the "previous hash" of the first entry
# pg_advisory_xact_lock key of the log: the first 8 bytes of SHA-256("gbt-audit change_log")
_LOG_LOCK = int.from_bytes(hashlib.sha256(b"gbt-audit change_log").digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class Entry:
    """What an entry says; the hash covers exactly these fields."""

    at: datetime
    actor: str
    organisation_id: int | None
    audit_id: int | None
    entity: str
    field: str
    old: str | None
    new: str | None
    imported_sha256: str | None = None  # the archive it came from, for imported entries
    # the account that acted (store/acting.py); None on entries written before it was recorded
    account_id: int | None = None
    account_login: str | None = None

    @classmethod
    def of(cls, row: ChangeRow) -> Entry:
        return cls(
            row.at,
            row.actor,
            row.organisation_id,
            row.audit_id,
            row.entity,
            row.field,
            row.old,
            row.new,
            row.imported_sha256,
            row.account_id,
            row.account_login,
        )


# what an archive's entry brings (an account id means nothing in another database: not its id)
_CONTENT = (
    "at",
    "actor",
    "organisation_id",
    "audit_id",
    "entity",
    "field",
    "old",
    "new",
    "account_login",
)


def entry_hash(previous: str, entry: Entry) -> str:
    """SHA-256 over the previous hash and the entry's canonical JSON (UTC, microseconds)."""
    aware = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)  # stored naive as UTC
    at = aware.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    content = [
        at,
        entry.actor,
        entry.organisation_id,
        entry.audit_id,
        entry.entity,
        entry.field,
        entry.old,
        entry.new,
        entry.imported_sha256,
    ]
    if entry.account_id is not None or entry.account_login is not None:
        # covered when present; an entry without an account hashes as entries always did
        content += [entry.account_id, entry.account_login]
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()


def append(session: Session, entries: Iterable[Entry]) -> None:
    """Add entries at the end of the chain, in order, in the caller's write transaction."""
    entries = list(entries)
    if not entries:
        return
    lock(session)
    previous = session.scalar(select(ChangeRow.entry_hash).order_by(ChangeRow.id.desc()).limit(1))
    previous = previous or GENESIS
    for entry in entries:
        digest = entry_hash(previous, entry)
        session.add(
            ChangeRow(
                at=entry.at,
                actor=entry.actor,
                organisation_id=entry.organisation_id,
                audit_id=entry.audit_id,
                entity=entry.entity,
                field=entry.field,
                old=entry.old,
                new=entry.new,
                imported_sha256=entry.imported_sha256,
                account_id=entry.account_id,
                account_login=entry.account_login,
                prev_hash=previous,
                entry_hash=digest,
            )
        )
        session.flush()  # one INSERT at a time: ids follow the chain's order
        previous = digest


def append_imported(
    session: Session, entries: Iterable[dict[str, Any]], archive_sha256: str
) -> None:
    """Append an archive's change log (column values, ids already mapped to this database),
    each entry marked as imported from the archive with that SHA-256, chained anew here."""
    append(
        session,
        (Entry(**_content(values), imported_sha256=archive_sha256) for values in entries),
    )


def _content(values: dict[str, Any]) -> dict[str, Any]:
    """An entry's content columns from an archive's row (those it lacks are None)."""
    return {key: values.get(key) for key in _CONTENT}


def lock(session: Session) -> None:
    """Hold the log's append lock until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK})


@dataclass(frozen=True)
class ChainCheck:
    entries: int  # how many entries were checked
    first_broken: int | None = None  # id of the first entry that does not chain
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def check_chain(rows: Iterator[ChangeRow]) -> ChainCheck:
    """Walk the log in id order; name the first entry whose link or content was altered."""
    previous, count = GENESIS, 0
    for row in rows:
        count += 1
        if row.prev_hash != previous:
            return ChainCheck(count, row.id, "previous_missing_or_changed")
        if entry_hash(previous, Entry.of(row)) != row.entry_hash:
            return ChainCheck(count, row.id, "content_changed")
        previous = row.entry_hash
    return ChainCheck(count)


def verify(session: Session) -> ChainCheck:
    rows = session.scalars(
        select(ChangeRow).order_by(ChangeRow.id).execution_options(yield_per=1000)
    )
    return check_chain(iter(rows))
