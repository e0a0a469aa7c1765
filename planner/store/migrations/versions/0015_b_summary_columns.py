"""The patient list's sort and filter fields beside each summary's JSON (clinic, name, status, last
report, adherence), with indexes, so a page of the list is one indexed read of its rows; existing
summaries are filled in from their JSON and their plan.

Revision ID: 0015b
Revises: 0013c
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0015b"
down_revision = "0013c"
branch_labels = None
depends_on = None


def _share(done: int, planned: int) -> float | None:
    return done / planned if planned else None


def upgrade() -> None:
    with op.batch_alter_table("plan_summaries") as batch:
        batch.add_column(sa.Column("clinic_id", sa.Integer))
        batch.add_column(sa.Column("name_key", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("status", sa.String(30), nullable=False, server_default=""))
        batch.add_column(sa.Column("last_report", sa.String(10)))
        batch.add_column(sa.Column("recent_share", sa.Float))
        batch.add_column(sa.Column("overall_share", sa.Float))
    op.create_index(
        "ix_plan_summaries_clinic_attention", "plan_summaries", ["clinic_id", "attention", "name_key"]
    )
    op.create_index("ix_plan_summaries_clinic_status", "plan_summaries", ["clinic_id", "status", "name_key"])
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT s.plan_id, s.data, p.clinic_id, p.name "
            "FROM plan_summaries s JOIN plans p ON p.id = s.plan_id"
        )
    ).fetchall()
    for plan_id, data, clinic_id, name in rows:
        summary = json.loads(data)
        connection.execute(
            sa.text(
                "UPDATE plan_summaries SET clinic_id = :clinic, name_key = :name, status = :status, "
                "last_report = :last, recent_share = :recent, overall_share = :overall WHERE plan_id = :plan"
            ),
            {
                "clinic": clinic_id,
                "name": name.casefold(),
                "status": summary["status"],
                "last": summary["last_report"],
                "recent": _share(summary["done_recent"], summary["planned_recent"]),
                "overall": _share(summary["done_all"], summary["planned_all"]),
                "plan": plan_id,
            },
        )


def downgrade() -> None:
    op.drop_index("ix_plan_summaries_clinic_status", "plan_summaries")
    op.drop_index("ix_plan_summaries_clinic_attention", "plan_summaries")
    with op.batch_alter_table("plan_summaries") as batch:
        for column in ("overall_share", "recent_share", "last_report", "status", "name_key", "clinic_id"):
            batch.drop_column(column)
