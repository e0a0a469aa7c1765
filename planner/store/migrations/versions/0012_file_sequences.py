"""File exports keep their own SEQUENCE numbers and change time, apart from the live feed's: a file
made with other options or another base URL never re-sequences what subscribers were told.

Revision ID: 0012
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_event_sequences",
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("uid", sa.String(200), primary_key=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("cancelled_at", sa.String(32)),
        sa.Column("snapshot", sa.Text, nullable=False, server_default=""),
    )
    op.add_column("plans", sa.Column("file_changed_at", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("plans") as table:
        table.drop_column("file_changed_at")
    op.drop_table("file_event_sequences")
