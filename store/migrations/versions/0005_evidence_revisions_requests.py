"""Evidence revisions, the period a record covers, requests for evidence, and a round's
planned certification date.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_certification_on", sa.Date(), nullable=True))
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("covered_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("covered_to", sa.Date(), nullable=True))
        # existing documents are their own first revision
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("replaced_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("replaced_by", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_evidence_previous_id"), ["previous_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_previous_id_evidence"), "evidence", ["previous_id"], ["id"]
        )
    op.create_table(
        "evidence_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=20), nullable=False),
        sa.Column("needed", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_evidence_requests_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_requests_evidence_id_evidence")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_evidence_requests_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_requests")),
    )
    with op.batch_alter_table("evidence_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_requests_audit_id"), ["audit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_requests_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_requests_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_requests_audit_id"))
    op.drop_table("evidence_requests")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_evidence_previous_id_evidence"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_evidence_previous_id"))
        batch_op.drop_column("replaced_by")
        batch_op.drop_column("replaced_at")
        batch_op.drop_column("previous_id")
        batch_op.drop_column("revision")
        batch_op.drop_column("covered_to")
        batch_op.drop_column("covered_from")
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_column("planned_certification_on")
