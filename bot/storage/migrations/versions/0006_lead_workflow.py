"""Lead workflow (issue 15 part 2): an owner, a follow-up day, the lead a duplicate was
merged into, and the history of status changes (who, when, from, to).

Revision ID: 0006_lead_workflow
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_lead_workflow"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("owner", sa.String(40)))
        batch.add_column(sa.Column("follow_up_on", sa.Date))
        batch.add_column(sa.Column("merged_into", sa.Integer))
    op.create_index("ix_leads_follow_up_on", "leads", ["follow_up_on"])
    op.create_table(
        "lead_status_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lead_status_history")
    op.drop_index("ix_leads_follow_up_on", "leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("merged_into")
        batch.drop_column("follow_up_on")
        batch.drop_column("owner")
