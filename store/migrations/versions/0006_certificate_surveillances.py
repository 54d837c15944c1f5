"""Surveillance evaluations held on a certificate: the day and the result (tier kept, changed,
certificate suspended).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate_surveillances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("tier", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_surveillances_certificate_id_certificates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_surveillances")),
        sa.UniqueConstraint(
            "certificate_id", "held_on", name=op.f("uq_certificate_surveillances_certificate_id")
        ),
    )
    with op.batch_alter_table("certificate_surveillances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_surveillances_certificate_id"),
            ["certificate_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("certificate_surveillances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_surveillances_certificate_id"))
    op.drop_table("certificate_surveillances")
