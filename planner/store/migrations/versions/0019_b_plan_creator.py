"""Who made a plan in the portal: the clinician's alert for a warning sign recorded at screening
names them, and a handout names them where no clinician is assigned. Older plans keep none.

Revision ID: 0019b
Revises: 0019a
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019b"
down_revision = "0019a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, as 0005 added the plan's clinic and clinician: a batch copy of `plans` would
    # drop a table that other tables point to; SQLite takes the REFERENCES clause there.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE plans ADD COLUMN created_by INTEGER REFERENCES clinicians (id)")
    else:
        op.add_column("plans", sa.Column("created_by", sa.Integer, sa.ForeignKey("clinicians.id")))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("created_by")
