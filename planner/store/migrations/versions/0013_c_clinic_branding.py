"""A clinic's branding for the handouts its portal prints: the clinic file's fields as JSON and the
logo's bytes (already decoded once before they were accepted).

Revision ID: 0013c
Revises: 0011b
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013c"
down_revision = "0011b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinic_branding",
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), primary_key=True),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("logo", sa.LargeBinary),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("clinic_branding")
