"""Review queue (review_items) and answered turns (turns) for issue 5.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("normalized", sa.String(500), nullable=False),
        sa.Column("guesses", sa.Text, nullable=False),
        sa.Column("answered_faq", sa.String(48)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("faq_id", sa.String(48)),
        sa.Column("decided_by", sa.String(40)),
        sa.Column("decided_at", sa.DateTime),
    )
    op.create_index("ix_review_items_at", "review_items", ["at"])
    op.create_index("ix_review_items_state", "review_items", ["state", "at"])
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("faq_id", sa.String(48)),
        sa.Column("confidence", sa.Float),
    )
    op.create_index("ix_turns_at", "turns", ["at"])
    op.create_index("ix_turns_faq", "turns", ["faq_id"])


def downgrade() -> None:
    op.drop_table("turns")
    op.drop_table("review_items")
