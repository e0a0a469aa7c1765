"""A clinic list's progress counts every data row of its file: the rows refused when the file was
read (a bad date, an unknown protocol, the same person twice) are kept apart from those being
issued, so the page reads "6 rows" for a 6-row file and says how many were refused.

Revision ID: 0017a
Revises: 0016b
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017a"
down_revision = "0016b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("roster_jobs") as batch:
        batch.add_column(sa.Column("refused", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("roster_jobs") as batch:
        batch.drop_column("refused")
