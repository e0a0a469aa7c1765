"""The tables, as SQLAlchemy Core metadata: what the newest migration leaves in the database.

Plans keep their prescription as JSON (planner.core.plain_data), check-ins are append-only, feed
tokens are stored only as SHA-256 hashes, each calendar event keeps its SEQUENCE counter, and
clinicians' actions are kept as records.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("protocol_id", sa.String(100), nullable=False),
    sa.Column("prescription", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revised_at", sa.String(32), nullable=False),
    sa.Column("roster_key", sa.String(200), unique=True),
    sa.Column("calendar_changed_at", sa.String(32)),
)
checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("submission", sa.String(64)),
    sa.UniqueConstraint("plan_id", "submission", name="uq_checkins_submission"),
)
feed_tokens = sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
    sa.Column("kind", sa.String(10), nullable=False, server_default="feed"),
)
event_sequences = sa.Table(
    "event_sequences",
    metadata,
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
    sa.Column("uid", sa.String(200), primary_key=True),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("cancelled_at", sa.String(32)),
    sa.Column("snapshot", sa.Text, nullable=False, server_default=""),
)
clinician_actions = sa.Table(
    "clinician_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
)
