"""Live hand-off (issue 15 §1): requests for a person and the messages pushed to the
student's widget during a hand-off.

Revision ID: 0010_handoff
Revises: 0009_review_follow_up
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_handoff"
down_revision = "0009_review_follow_up"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("question", sa.Text),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("taken_by", sa.String(40)),
        sa.Column("taken_at", sa.DateTime),
        sa.Column("ended_by", sa.String(40)),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="SET NULL")),
    )
    op.create_index("ix_handoffs_sender_id", "handoffs", ["sender_id"])
    op.create_index("ix_handoffs_status", "handoffs", ["status"])
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("author", sa.String(40)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("state", sa.String(12)),
        sa.Column("buttons", sa.JSON),
    )
    op.create_index("ix_handoff_messages_handoff_id", "handoff_messages", ["handoff_id"])
    op.create_index("ix_handoff_messages_sender_id", "handoff_messages", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_handoff_messages_sender_id", "handoff_messages")
    op.drop_index("ix_handoff_messages_handoff_id", "handoff_messages")
    op.drop_table("handoff_messages")
    op.drop_index("ix_handoffs_status", "handoffs")
    op.drop_index("ix_handoffs_sender_id", "handoffs")
    op.drop_table("handoffs")
