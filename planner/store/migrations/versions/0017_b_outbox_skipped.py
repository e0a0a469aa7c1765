"""A queued mail whose alert closed before it went out (the patient checked in, a clinician
acknowledged it) is not sent: the outbox keeps when it was dropped and why, beside the mail.

Revision ID: 0017b
Revises: 0017a
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017b"
down_revision = "0017a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("skipped_at", sa.String(32)))
        batch.add_column(sa.Column("skip_reason", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("skip_reason")
        batch.drop_column("skipped_at")
