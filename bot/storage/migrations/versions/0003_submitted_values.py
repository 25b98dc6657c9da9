"""What each lead submission submitted (lead_submissions.submitted) for issue 13 item 4.

A repeat sign-up with a known phone no longer overwrites the lead; its values are kept on
the submission for a recruiter to review. Older submissions have none (NULL).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead_submissions") as batch:
        batch.add_column(sa.Column("submitted", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("lead_submissions") as batch:
        batch.drop_column("submitted")
