"""Accounts in the browser (issue 15 §2): a user whose password an admin set or reset must
choose a new one at the next login.

Revision ID: 0008_password_change
Revises: 0007_faq_history
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_password_change"
down_revision = "0007_faq_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
