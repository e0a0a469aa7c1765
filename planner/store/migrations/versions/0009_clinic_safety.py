"""Alerts reach every recipient, refresh failures are kept, and roster keys belong to one clinic.

- The outbox held one message per alert, so a plan with no assigned clinician (every clinician of
  the clinic is mailed) failed on the second message and lost the alert with it: one message per
  alert and recipient now.
- A plan whose follow-up cannot be refreshed is recorded (when, how often), so the sweep goes on and
  the clinic's admins can see it.
- A roster key names the clinic it was issued in, so two clinics' patient numbers never meet: keys
  already stored for a clinic's plans get that clinic's suffix.

Revision ID: 0009
Revises: 0015b
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0015b"
branch_labels = None
depends_on = None

COLUMNS = "id, alert_id, recipient, subject, body, created_at, attempts, next_attempt_at, sent_at, last_error"


def outbox_table(name: str, unique: sa.UniqueConstraint) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.String(32)),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        unique,
    )


def replace_outbox(unique: sa.UniqueConstraint) -> None:
    """Copy the outbox into a table with the new constraint (SQLite cannot alter one in place)."""
    outbox_table("outbox_next", unique)
    op.execute(f"INSERT INTO outbox_next ({COLUMNS}) SELECT {COLUMNS} FROM outbox")
    op.drop_table("outbox")
    op.rename_table("outbox_next", "outbox")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER SEQUENCE outbox_next_id_seq RENAME TO outbox_id_seq")
        op.execute("ALTER INDEX outbox_next_pkey RENAME TO outbox_pkey")
        op.execute("SELECT setval('outbox_id_seq', COALESCE((SELECT MAX(id) FROM outbox), 0) + 1, false)")


def upgrade() -> None:
    replace_outbox(sa.UniqueConstraint("alert_id", "recipient", name="uq_outbox_recipient"))
    op.create_table(
        "refresh_failures",
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("first_failed_at", sa.String(32), nullable=False),
        sa.Column("last_failed_at", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.String(200), nullable=False),
    )
    op.execute(
        "UPDATE plans SET roster_key = roster_key || '@c' || CAST(clinic_id AS VARCHAR(20)) "
        "WHERE clinic_id IS NOT NULL AND roster_key LIKE 'roster:%'"
    )


def downgrade() -> None:
    op.execute("UPDATE plans SET roster_key = substr(roster_key, 1, 31) WHERE roster_key LIKE 'roster:%@c%'")
    op.drop_table("refresh_failures")
    op.execute("DELETE FROM outbox WHERE id NOT IN (SELECT MIN(id) FROM outbox GROUP BY alert_id)")
    replace_outbox(sa.UniqueConstraint("alert_id", name="outbox_alert_id_key"))
