"""Workbook layouts: the column mapping last used for a scoring table's layout.

Revision ID: 0009
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workbook_layouts",
        sa.Column("layout_key", sa.String(length=64), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("layout_key", name=op.f("pk_workbook_layouts")),
    )


def downgrade() -> None:
    op.drop_table("workbook_layouts")
