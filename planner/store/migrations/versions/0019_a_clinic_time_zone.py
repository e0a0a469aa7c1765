"""A clinic's time zone: the portal's clinicians page and audit trail show their times in it (they
printed UTC). Existing clinics keep UTC until an admin sets theirs.

Revision ID: 0019a
Revises: 0017b
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019a"
down_revision = "0017b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clinics") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))


def downgrade() -> None:
    with op.batch_alter_table("clinics") as batch:
        batch.drop_column("timezone")
