"""Clinicians can be disabled and show their last login; throttles other than the login's (plans
made at /start, set-password links) count their events in the database, so every server process
and thread counts against one limit.

Revision ID: 0011
Revises: 0013b
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0013b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clinicians") as table:
        table.add_column(sa.Column("disabled_at", sa.String(32)))
        table.add_column(sa.Column("last_login_at", sa.String(32)))
    op.create_table(
        "throttle_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("key", sa.String(254), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_throttle_events_key", "throttle_events", ["scope", "key", "at"])


def downgrade() -> None:
    op.drop_index("ix_throttle_events_key", "throttle_events")
    op.drop_table("throttle_events")
    with op.batch_alter_table("clinicians") as table:
        table.drop_column("last_login_at")
        table.drop_column("disabled_at")
