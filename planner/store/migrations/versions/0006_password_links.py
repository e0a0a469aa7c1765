"""One-time links a clinic admin gives a new clinician to set their own password.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id"), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("used_at", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("password_links")
