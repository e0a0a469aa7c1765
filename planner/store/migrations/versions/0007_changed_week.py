"""A clinician's action may change the week (run days and session time) from its date.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("clinician_actions", sa.Column("week", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("clinician_actions") as table:
        table.drop_column("week")
