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
    sa.Column("roster_key", sa.String(200), unique=True),  # "roster:<hash>@c<clinic id>" in a clinic
    sa.Column("calendar_changed_at", sa.String(32)),
    sa.Column("file_changed_at", sa.String(32)),
    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), index=True),
    sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id")),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("clinicians.id")),  # who made it in the portal
    sa.Column("erased_at", sa.String(32)),  # identifying data erased after the clinic's retention
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


def _sequences(name: str) -> sa.Table:
    """What one kind of calendar has been told about each event: the live feed's and the file
    exports' are kept apart, so a file made with other options never re-sequences the feed."""
    return sa.Table(
        name,
        metadata,
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("uid", sa.String(200), primary_key=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("cancelled_at", sa.String(32)),
        sa.Column("snapshot", sa.Text, nullable=False, server_default=""),
    )


event_sequences = _sequences("event_sequences")
file_event_sequences = _sequences("file_event_sequences")
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
    sa.Column("until", sa.String(10)),
    sa.Column("week", sa.String(40)),  # a changed week: "mon,wed,sat@07:30"
    sa.Column("programme", sa.Text),  # a changed programme: {"starts": day, "programme": {...}}
)

# -- the clinic portal ------------------------------------------------------------------------------
clinics = sa.Table(
    "clinics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("silence_days", sa.Integer, nullable=False, server_default="7"),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("outcome_weeks", sa.Integer, nullable=False, server_default="3"),
    sa.Column("retention_days", sa.Integer),  # None: a discharged patient's identity is kept
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),  # the portal's times
)
clinicians = sa.Table(
    "clinicians",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(400), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("disabled_at", sa.String(32)),  # an admin closed the account: no login, no session
    sa.Column("last_login_at", sa.String(32)),
    sa.UniqueConstraint("clinic_id", "email", name="uq_clinicians_clinic_email"),  # one account per clinic
)
portal_sessions = sa.Table(  # server-side sessions: logout and the timeouts end them here
    "portal_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id"), nullable=False, index=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("seen_at", sa.String(32), nullable=False),
    sa.Column("ended_at", sa.String(32)),
)
login_attempts = sa.Table(  # in the database, so several server processes throttle together
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("succeeded", sa.Boolean, nullable=False),
)
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), index=True),
    sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id")),
    sa.Column("who", sa.String(254), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("plan_id", sa.String(32)),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.Column("address", sa.String(64), nullable=False, server_default=""),
)
alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("key", sa.String(100), nullable=False),  # one alert per event, however often it is seen
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("urgency", sa.Integer, nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("raised_at", sa.String(32), nullable=False),
    sa.Column("acknowledged_at", sa.String(32)),
    sa.Column("acknowledged_by", sa.String(254)),
    sa.Column("resolved_at", sa.String(32)),  # closed by what happened next (the patient checked in)
    sa.Column("resolution", sa.String(200), nullable=False, server_default=""),  # ... and what it was
    sa.Column("resolved_day", sa.String(10)),  # ... and the day that reason names
    sa.UniqueConstraint("plan_id", "key", name="uq_alerts_key"),
)
outbox = sa.Table(  # mail waits here until the SMTP server takes it
    "outbox",
    metadata,
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
    sa.Column("skipped_at", sa.String(32)),  # not sent: its alert closed before it went out ...
    sa.Column("skip_reason", sa.String(200), nullable=False, server_default=""),  # ... saying how
    sa.UniqueConstraint("alert_id", "recipient", name="uq_outbox_recipient"),  # one message per person
)
refresh_failures = sa.Table(  # plans whose summary, alerts or mail could not be refreshed, for admins
    "refresh_failures",
    metadata,
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
    sa.Column("first_failed_at", sa.String(32), nullable=False),
    sa.Column("last_failed_at", sa.String(32), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("error", sa.String(200), nullable=False),  # the kind of failure, never raw database text
)
plan_summaries = sa.Table(  # kept up to date on every event, so the patient list never re-plans
    "plan_summaries",
    metadata,
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("attention", sa.Integer, nullable=False, index=True),
    sa.Column("updated_at", sa.String(32), nullable=False),
    # what the list sorts and filters on, beside the JSON, so a page is one indexed read
    sa.Column("clinic_id", sa.Integer),
    sa.Column("name_key", sa.String(200), nullable=False, server_default=""),  # the name, casefolded
    sa.Column("status", sa.String(30), nullable=False, server_default=""),
    sa.Column("last_report", sa.String(10)),
    sa.Column("recent_share", sa.Float),
    sa.Column("overall_share", sa.Float),
    sa.Index("ix_plan_summaries_clinic_attention", "clinic_id", "attention", "name_key"),
    sa.Index("ix_plan_summaries_clinic_status", "clinic_id", "status", "name_key"),
)
password_links = sa.Table(  # one-time links to set a password, kept as hashes
    "password_links",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id"), nullable=False),
    sa.Column("expires_at", sa.String(32), nullable=False),
    sa.Column("used_at", sa.String(32)),
)
roster_jobs = sa.Table(  # a clinic list uploaded in the portal, issued outside the request
    "roster_jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # random: the job page's address
    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
    sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id"), nullable=False),
    sa.Column("file_name", sa.String(100), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("roster", sa.Text, nullable=False),  # the CSV; emptied when the job ends
    sa.Column("state", sa.String(10), nullable=False),  # queued, running, done, failed
    sa.Column("rows", sa.Integer, nullable=False),  # the file's data rows (blank lines are none)
    sa.Column("refused", sa.Integer, nullable=False, server_default="0"),  # of them, refused as read
    sa.Column("stored", sa.Integer, nullable=False, server_default="0"),  # rows whose plan is stored
    sa.Column("rendered", sa.Integer, nullable=False, server_default="0"),  # handouts written
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("claim", sa.String(32)),  # the running process's claim: only it may write progress
    sa.Column("heartbeat_at", sa.String(32)),  # a running job silent for too long was left by a dead process
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("outcomes", sa.Text, nullable=False, server_default="[]"),  # the per-line report
    sa.Column("reason", sa.String(300), nullable=False, server_default=""),  # why it failed, one line
    sa.Column("zip", sa.LargeBinary),  # handouts, calendars and index.csv
    sa.Index("ix_roster_jobs_state", "state", "heartbeat_at"),
)
outcome_scores = sa.Table(  # outcome measures (NPRS, PSFS, GROC ...), each with its date and source
    "outcome_scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("measure", sa.String(40), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("activities", sa.Text, nullable=False, server_default="[]"),  # PSFS: [[activity, score], ...]
    sa.Column("source", sa.String(254), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
)
programme_templates = sa.Table(  # a clinic's saved programmes (no clinic: the command line's own)
    "programme_templates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("protocol_id", sa.String(100), nullable=False),
    sa.Column("programme", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("clinic_id", "name", name="uq_programme_templates_name"),
)
throttle_events = sa.Table(  # what the throttles other than the login's count (plans made at /start...)
    "throttle_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(20), nullable=False),
    sa.Column("key", sa.String(254), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Index("ix_throttle_events_key", "scope", "key", "at"),
)
clinic_branding = sa.Table(  # what the clinic's handouts print: the clinic file's fields and its logo
    "clinic_branding",
    metadata,
    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), primary_key=True),
    sa.Column("fields", sa.Text, nullable=False),
    sa.Column("logo", sa.LargeBinary),
    sa.Column("updated_at", sa.String(32), nullable=False),
)
