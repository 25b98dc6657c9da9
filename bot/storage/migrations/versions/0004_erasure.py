"""Erasure of a lead's personal data (issue 19): nullable personal columns, erased_at, and
the deletion requests typed in conversations that submitted no lead.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.alter_column("phone", existing_type=sa.String(11), nullable=True)
        batch.alter_column("name", existing_type=sa.String(40), nullable=True)
        batch.alter_column("sender_id", existing_type=sa.String(128), nullable=True)
        batch.add_column(sa.Column("erased_at", sa.DateTime))
    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("phone", sa.String(11)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("handled_by", sa.String(40)),
        sa.Column("handled_at", sa.DateTime),
        sa.Column("lead_id", sa.Integer),
    )
    op.create_index("ix_deletion_requests_state", "deletion_requests", ["state", "at"])


def downgrade() -> None:
    op.drop_index("ix_deletion_requests_state", "deletion_requests")
    op.drop_table("deletion_requests")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("erased_at")
