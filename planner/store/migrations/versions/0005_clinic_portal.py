"""The clinic portal: clinics and their clinicians, server-side sessions, login attempts (for
throttling), the audit trail, alerts and their mail outbox, and a per-plan summary for the patient
list; plans may belong to a clinic and a clinician; a clinician's action may carry an end date.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("clinicians", "clinic_id"),
    ("portal_sessions", "clinician_id"),
    ("login_attempts", "email"),
    ("login_attempts", "address"),
    ("audit", "clinic_id"),
    ("alerts", "plan_id"),
    ("plan_summaries", "attention"),
)


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("silence_days", sa.Integer, nullable=False, server_default="7"),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "clinicians",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(400), nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id"), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("seen_at", sa.String(32), nullable=False),
        sa.Column("ended_at", sa.String(32)),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id")),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id")),
        sa.Column("who", sa.String(254), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("plan_id", sa.String(32)),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("address", sa.String(64), nullable=False, server_default=""),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),  # one alert per event, however often it is seen
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("urgency", sa.Integer, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("raised_at", sa.String(32), nullable=False),
        sa.Column("acknowledged_at", sa.String(32)),
        sa.Column("acknowledged_by", sa.String(254)),
        sa.UniqueConstraint("plan_id", "key", name="uq_alerts_key"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False, unique=True),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.String(32)),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "plan_summaries",
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("attention", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])
    # Plain ADD COLUMN: a batch copy of `plans` would have to drop a table that other tables point
    # to. SQLite takes a REFERENCES clause there; Alembic only writes one for other databases.
    for column, parent in (("clinic_id", "clinics"), ("clinician_id", "clinicians")):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE plans ADD COLUMN {column} INTEGER REFERENCES {parent} (id)")
        else:
            op.add_column("plans", sa.Column(column, sa.Integer, sa.ForeignKey(f"{parent}.id")))
    op.create_index("ix_plans_clinic_id", "plans", ["clinic_id"])
    op.add_column("clinician_actions", sa.Column("until", sa.String(10)))


def downgrade() -> None:
    op.drop_index("ix_plans_clinic_id", "plans")
    with op.batch_alter_table("clinician_actions") as table:
        table.drop_column("until")
    with op.batch_alter_table("plans") as table:
        table.drop_column("clinician_id")
        table.drop_column("clinic_id")
    for name in (
        "plan_summaries",
        "outbox",
        "alerts",
        "audit",
        "login_attempts",
        "portal_sessions",
        "clinicians",
        "clinics",
    ):
        op.drop_table(name)
