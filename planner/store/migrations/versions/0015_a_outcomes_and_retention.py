"""Outcome measures per plan (with date and source), the clinic's settings for how often they are
asked and how long a discharged patient's identity is kept, and when a plan's identity was erased.

Revision ID: 0015a
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015a"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcome_scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("activities", sa.Text, nullable=False, server_default="[]"),
        sa.Column("source", sa.String(254), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )
    with op.batch_alter_table("clinics") as batch:
        batch.add_column(sa.Column("outcome_weeks", sa.Integer, nullable=False, server_default="3"))
        batch.add_column(sa.Column("retention_days", sa.Integer))
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("erased_at", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("clinics") as batch:
        batch.drop_column("retention_days")
        batch.drop_column("outcome_weeks")
    op.drop_table("outcome_scores")
