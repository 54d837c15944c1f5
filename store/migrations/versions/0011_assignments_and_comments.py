"""Who works on what: assignments of items and indicators to accounts, a comment thread per item
with its @mentions, and free-text action owners linked to accounts.

Revision ID: 0011
Revises: 0010 (the lead relinks the chain when merging)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("assignments", "organisation_id", "organisations"),
        _fk("assignments", "audit_id", "audits"),
        _fk("assignments", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("audit_id", "target", name=op.f("uq_assignments_audit_id")),
    )
    for column in ("organisation_id", "audit_id", "user_id"):
        op.create_index(op.f(f"ix_assignments_{column}"), "assignments", [column])

    op.create_table(
        "item_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.Text(), nullable=False),
        sa.Column("author_login", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("item_comments", "organisation_id", "organisations"),
        _fk("item_comments", "audit_id", "audits"),
        _fk("item_comments", "author_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_comments")),
    )
    op.create_index(op.f("ix_item_comments_organisation_id"), "item_comments", ["organisation_id"])

    op.create_table(
        "comment_mentions",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["item_comments.id"],
            name=op.f("fk_comment_mentions_comment_id_item_comments"),
        ),
        _fk("comment_mentions", "user_id", "users"),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name=op.f("pk_comment_mentions")),
    )
    op.create_index(op.f("ix_comment_mentions_user_id"), "comment_mentions", ["user_id"])

    op.create_table(
        "owner_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("owner_key", sa.String(length=400), nullable=False),
        sa.Column("owner_text", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.Text(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        _fk("owner_links", "organisation_id", "organisations"),
        _fk("owner_links", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_links")),
        sa.UniqueConstraint(
            "organisation_id", "owner_key", name=op.f("uq_owner_links_organisation_id")
        ),
    )
    for column in ("organisation_id", "user_id"):
        op.create_index(op.f(f"ix_owner_links_{column}"), "owner_links", [column])


def downgrade() -> None:
    op.drop_table("owner_links")
    op.drop_table("comment_mentions")
    op.drop_table("item_comments")
    op.drop_table("assignments")
