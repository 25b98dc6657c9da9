"""FAQ change history (issue 16 §4): every change of faq/ with who, when, and each changed
entry before and after, for the per-entry history, diffs and one-click revert.

Revision ID: 0007_faq_history
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_faq_history"
down_revision = "0006_lead_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("reverts", sa.Integer),
    )
    op.create_index("ix_faq_changes_at", "faq_changes", ["at"])
    op.create_table(
        "faq_change_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("change_id", sa.Integer, sa.ForeignKey("faq_changes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("file", sa.String(100), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_faq_change_entries_change_id", "faq_change_entries", ["change_id"])
    op.create_index("ix_faq_change_entries_entry_id", "faq_change_entries", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_faq_change_entries_entry_id", "faq_change_entries")
    op.drop_index("ix_faq_change_entries_change_id", "faq_change_entries")
    op.drop_table("faq_change_entries")
    op.drop_index("ix_faq_changes_at", "faq_changes")
    op.drop_table("faq_changes")
