"""Programme templates per clinic: a name, a description and the programme as JSON.

Revision ID: 0013b
Revises: 0013a
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013b"
down_revision = "0013a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_templates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("protocol_id", sa.String(100), nullable=False),
        sa.Column("programme", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("clinic_id", "name", name="uq_programme_templates_name"),
    )


def downgrade() -> None:
    op.drop_table("programme_templates")
