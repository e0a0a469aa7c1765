"""A clinic list uploaded in the portal is a job in the database: stored by the upload, claimed and
run outside the request by one server process (its progress and heartbeat kept as it goes), its
per-line report and zip kept with it. The zips' own table (downloads) goes: a job keeps its zip.

Revision ID: 0016a
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016a"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id"), nullable=False),
        sa.Column("file_name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("roster", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("stored", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rendered", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claim", sa.String(32)),
        sa.Column("heartbeat_at", sa.String(32)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("outcomes", sa.Text, nullable=False, server_default="[]"),
        sa.Column("reason", sa.String(300), nullable=False, server_default=""),
        sa.Column("zip", sa.LargeBinary),
    )
    op.create_index("ix_roster_jobs_state", "roster_jobs", ["state", "heartbeat_at"])
    op.drop_table("downloads")


def downgrade() -> None:
    op.create_table(
        "downloads",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.drop_index("ix_roster_jobs_state", "roster_jobs")
    op.drop_table("roster_jobs")
