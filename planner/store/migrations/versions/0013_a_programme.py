"""A clinician's action may set the patient's programme (exercises, doses, notes, what they have)
from a day: the programme and that day as JSON.

Revision ID: 0013a
Revises: 0015a
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013a"
down_revision = "0015a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("clinician_actions", sa.Column("programme", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("clinician_actions") as table:
        table.drop_column("programme")
