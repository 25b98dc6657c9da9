"""Review items carry the student's follow-up too ("没听懂", the rephrased question), so an
editor sees both messages of a missed answer (issue 16 §1, issue 11 §6).

Revision ID: 0009_review_follow_up
Revises: 0008_password_change
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_review_follow_up"
down_revision = "0008_password_change"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.add_column(sa.Column("follow_up", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.drop_column("follow_up")
