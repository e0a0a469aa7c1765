"""An alert can be closed by what happened next, not only acknowledged by a person: a silence alert
closes itself when the patient checks in again. The time and the reason are kept beside it, apart
from the acknowledging clinician's name, so the record says which it was.

Revision ID: 0016b
Revises: 0016a
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016b"
down_revision = "0016a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("resolved_at", sa.String(32)))
        batch.add_column(sa.Column("resolution", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("resolution")
        batch.drop_column("resolved_at")
