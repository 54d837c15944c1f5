"""Server-side sign-in sessions (the cookie holds a token, the table its hash); sign-in
counters taken atomically per login name, client address and known browser; the first
administrator as a row that can exist once.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sign_in_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_sessions_token_hash")),
    )
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_sessions_user_id"), ["user_id"])

    op.create_table(
        "sign_in_counters",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=False),
        sa.Column("trusted_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_counters")),
    )

    op.create_table(
        "first_administrator",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_first_administrator_only_one")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_first_administrator_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_first_administrator")),
    )
    # an installation that has accounts already had its first administrator
    op.execute(
        "INSERT INTO first_administrator (id, user_id, created_at) "
        "SELECT 1, MIN(id), MIN(created_at) FROM users HAVING COUNT(*) > 0"
    )


def downgrade() -> None:
    op.drop_table("first_administrator")
    op.drop_table("sign_in_counters")
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_sessions_user_id"))
    op.drop_table("sign_in_sessions")
