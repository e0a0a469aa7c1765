"""The schema of the first release (its own version 2): the base every later revision builds on.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("protocol_id", sa.String(100), nullable=False),
        sa.Column("prescription", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revised_at", sa.String(32), nullable=False),
        sa.Column("roster_key", sa.String(200), unique=True),
        sa.Column("calendar_changed_at", sa.String(32)),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_checkins_plan_id", "checkins", ["plan_id"])
    op.create_table(
        "feed_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32)),
    )
    op.create_index("ix_feed_tokens_plan_id", "feed_tokens", ["plan_id"])
    op.create_table(
        "event_sequences",
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("uid", sa.String(200), primary_key=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("cancelled_at", sa.String(32)),
        sa.Column("snapshot", sa.Text, nullable=False, server_default=""),
    )
    op.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '2')")


def downgrade() -> None:
    for table in ("event_sequences", "feed_tokens", "checkins", "plans", "meta"):
        op.drop_table(table)
