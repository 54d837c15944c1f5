"""Change log: hash chain, imported-from marker, and the holes in append-only closed.

SQLite's INSERT OR REPLACE deleted a row without firing the delete trigger (REPLACE's delete
fires triggers only with recursive_triggers on, which nobody's sqlite3 shell sets): a BEFORE INSERT
trigger now refuses an entry whose id exists. PostgreSQL's TRUNCATE fires no row trigger: a
statement-level BEFORE TRUNCATE trigger refuses it. Existing entries get their chain here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.changelog import GENESIS, Entry, entry_hash
from store.tables import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "change_log is append-only"

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
    sa.column("prev_hash", sa.String(64)),
    sa.column("entry_hash", sa.String(64)),
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_guards(postgres)
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
    _create_guards(postgres)


def _chain_existing_entries() -> None:
    bind = op.get_bind()
    previous = GENESIS
    links = []
    for row in bind.execute(sa.select(_log).order_by(_log.c.id)):
        entry = Entry(
            row.at,
            row.actor,
            row.organisation_id,
            row.audit_id,
            row.entity,
            row.field,
            row.old,
            row.new,
        )
        digest = entry_hash(previous, entry)
        links.append({"row_id": row.id, "prev": previous, "digest": digest})
        previous = digest
    if links:
        bind.execute(
            _log.update()
            .where(_log.c.id == sa.bindparam("row_id"))
            .values(prev_hash=sa.bindparam("prev"), entry_hash=sa.bindparam("digest")),
            links,
        )


def _drop_guards(postgres: bool) -> None:
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS change_log_append_only ON change_log")
        op.execute("DROP TRIGGER IF EXISTS change_log_no_truncate ON change_log")
    else:
        for name in ("change_log_no_update", "change_log_no_delete", "change_log_no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _create_guards(postgres: bool, *, truncate_and_replace: bool = True) -> None:
    if postgres:  # the function change_log_append_only() comes from 0001
        op.execute(
            "CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log "
            "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()"
        )
        if truncate_and_replace:
            op.execute(
                "CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON change_log "
                "FOR EACH STATEMENT EXECUTE FUNCTION change_log_append_only()"
            )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER change_log_no_{event.lower()} BEFORE {event} ON change_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )
    if truncate_and_replace:
        op.execute(
            "CREATE TRIGGER change_log_no_replace BEFORE INSERT ON change_log "
            "WHEN EXISTS (SELECT 1 FROM change_log WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_guards(postgres)
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("imported_sha256")
    _create_guards(postgres, truncate_and_replace=False)
