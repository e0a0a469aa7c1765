"""The tables exactly as the first release (schema version 2) created them, to build the databases
its users have today and prove the migrations upgrade them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)
sa.Table(
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
sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)
sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
)
sa.Table(
    "event_sequences",
    metadata,
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
    sa.Column("uid", sa.String(200), primary_key=True),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("cancelled_at", sa.String(32)),
    sa.Column("snapshot", sa.Text, nullable=False, server_default=""),
)

PRESCRIPTION = (
    '{"name": "Ana", "start": "2026-03-02", "timezone": "Europe/Lisbon", "run_days": [1, 3, 6], '
    '"strength_days": [2, 4], "session_time": "07:30", "pain": 2, "red_flags": [], '
    '"hold_running_until": null, "goal": ""}'
)
CHECKIN = (
    '{"date": "2026-03-02", "done": true, "pain_during": 2, "pain_next_morning": 1, "soreness": "none", '
    '"red_flags": [], "flare_up": false, "note": "fine"}'
)
ROWS = [
    "INSERT INTO meta VALUES ('schema_version', '2')",
    f"INSERT INTO plans VALUES ('0ld91an5', 'Ana', 'lbp-return-to-run', '{PRESCRIPTION}', "
    "'2026-03-01T10:00:00+00:00', '2026-03-02T19:00:00+00:00', 'roster:abc', '2026-03-02T19:00:00+00:00')",
    f"INSERT INTO checkins (plan_id, recorded_at, date, data) VALUES ('0ld91an5', "
    f"'2026-03-02T19:00:00+00:00', '2026-03-02', '{CHECKIN}')",
    "INSERT INTO feed_tokens VALUES ('" + "a" * 64 + "', '0ld91an5', '2026-03-01T10:00:00+00:00', NULL)",
    "INSERT INTO event_sequences VALUES ('0ld91an5', 'x@rehab-planner', 4, 'abc', NULL, '{}')",
]


def make_release_database(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        metadata.create_all(connection)
        for statement in ROWS:
            connection.execute(sa.text(statement))
    engine.dispose()
