"""The day a closed alert's reason names (the day the patient checked in again, the day silence
counted from), kept beside the reason: the portal compares it with the day the alert closed as a
date, not by finding one text in another. Alerts closed before keep theirs, read from the reason.

Revision ID: 0019c
Revises: 0019b
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from alembic import op

revision = "0019c"
down_revision = "0019b"
branch_labels = None
depends_on = None

NAMED_DAY = re.compile(r"(\d{2} [A-Z][a-z]{2} \d{4})\)?$")  # "... on 22 Nov 2026", "(... 22 Nov 2026)"


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("resolved_day", sa.String(10)))
    table = sa.table(
        "alerts",
        sa.column("id", sa.Integer),
        sa.column("resolution", sa.String),
        sa.column("resolved_day", sa.String),
    )
    connection = op.get_bind()
    for alert_id, reason in connection.execute(
        sa.select(table.c.id, table.c.resolution).where(table.c.resolution != "")
    ):
        found = NAMED_DAY.search(reason)
        if found:
            day = dt.datetime.strptime(found.group(1), "%d %b %Y").date().isoformat()
            connection.execute(table.update().where(table.c.id == alert_id).values(resolved_day=day))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("resolved_day")
