"""A check-in secret apart from the feed address: tokens get a kind ('feed' or 'checkin'); a
check-in may carry the form's submission id, so a double submit stores one report.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_tokens") as table:
        table.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="feed"))
    with op.batch_alter_table("checkins") as table:
        table.add_column(sa.Column("submission", sa.String(64)))
        table.create_unique_constraint("uq_checkins_submission", ["plan_id", "submission"])


def downgrade() -> None:
    with op.batch_alter_table("checkins") as table:
        table.drop_constraint("uq_checkins_submission", type_="unique")
        table.drop_column("submission")
    with op.batch_alter_table("feed_tokens") as table:
        table.drop_column("kind")
