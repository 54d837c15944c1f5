"""The change log records the account (id and login) that acted; display names are unique.

Existing change-log entries keep no account (they were written before it was recorded) and hash
as they did. ``users.display_key`` is the display name as compared (store.accounts.display_key).
Accounts that share a display name in an existing database: the oldest keeps it; each later one
is renamed to "name (login)" (with "#id" added if that too is taken). Nothing is lost: the old
name stays the new one's start, the login is unique, and each rename is a change-log line
(field display_name, old → new, by "gbt-audit migration 0010") chained like any other.

Revision ID: 0010
Revises: 0009 (the lead relinks the chain when merging)
"""

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from store.changelog import GENESIS, Entry, entry_hash
from store.tables import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATION_ACTOR = "gbt-audit migration 0010"

_users = sa.table(
    "users",
    sa.column("id", sa.Integer()),
    sa.column("login", sa.String(100)),
    sa.column("display_name", sa.Text()),
    sa.column("display_key", sa.String(400)),
)
_log = sa.table(
    "change_log",
    sa.column("id", sa.Integer()),
    sa.column("at", UTCDateTime()),
    sa.column("actor", sa.Text()),
    sa.column("organisation_id", sa.Integer()),
    sa.column("audit_id", sa.Integer()),
    sa.column("entity", sa.Text()),
    sa.column("field", sa.Text()),
    sa.column("old", sa.Text()),
    sa.column("new", sa.Text()),
    sa.column("imported_sha256", sa.String(64)),
    sa.column("prev_hash", sa.String(64)),
    sa.column("entry_hash", sa.String(64)),
)


def display_key(display_name: str) -> str:
    """store.accounts.display_key as of this release."""
    return " ".join(unicodedata.normalize("NFKC", display_name).casefold().split())


def upgrade() -> None:
    op.add_column("change_log", sa.Column("account_id", sa.Integer(), nullable=True))
    op.add_column("change_log", sa.Column("account_login", sa.String(length=100), nullable=True))
    # NOT NULL from the start (SQLite cannot add it later without rebuilding the table, which
    # other tables' foreign keys refer to); the default only fills the rows that exist now
    op.add_column(
        "users",
        sa.Column("display_key", sa.String(length=400), nullable=False, server_default=""),
    )
    connection = op.get_bind()
    taken: set[str] = set()
    renames: list[tuple[str, str, str]] = []  # login, old name, new name
    rows = connection.execute(
        sa.select(_users.c.id, _users.c.login, _users.c.display_name).order_by(_users.c.id)
    ).all()
    keys = {display_key(name) for _, _, name in rows}
    for user_id, login, name in rows:
        shown = name
        if display_key(shown) in taken:
            shown = f"{name} ({login})"
            if display_key(shown) in taken or display_key(shown) in keys:
                shown = f"{name} ({login} #{user_id})"
            renames.append((login, name, shown))
        taken.add(display_key(shown))
        connection.execute(
            _users.update()
            .where(_users.c.id == user_id)
            .values(display_name=shown, display_key=display_key(shown))
        )
    if renames:
        _log_renames(connection, renames)
    if connection.dialect.name == "postgresql":
        op.alter_column("users", "display_key", server_default=None)
    op.create_index(op.f("ix_users_display_key"), "users", ["display_key"], unique=True)


def _log_renames(connection: sa.Connection, renames: list[tuple[str, str, str]]) -> None:
    """Each rename as a change-log line, chained after the last entry."""
    if connection.dialect.name == "postgresql":  # the log's append lock (store/changelog.py)
        from store.changelog import _LOG_LOCK

        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK})
    previous = connection.scalar(sa.select(_log.c.entry_hash).order_by(_log.c.id.desc()).limit(1))
    previous = previous or GENESIS
    at = datetime.now(UTC)
    for login, old, new in renames:
        entry = Entry(at, MIGRATION_ACTOR, None, None, f"user {login}", "display_name", old, new)
        digest = entry_hash(previous, entry)
        connection.execute(
            _log.insert().values(
                at=at,
                actor=entry.actor,
                organisation_id=None,
                audit_id=None,
                entity=entry.entity,
                field=entry.field,
                old=old,
                new=new,
                imported_sha256=None,
                prev_hash=previous,
                entry_hash=digest,
            )
        )
        previous = digest


def downgrade() -> None:
    # renamed display names stay renamed (their change-log lines say from what)
    op.drop_index(op.f("ix_users_display_key"), table_name="users")
    op.drop_column("users", "display_key")
    op.drop_column("change_log", "account_login")
    op.drop_column("change_log", "account_id")
