"""Erasing a discharged patient's identifying data once the clinic's retention period has passed,
inside one transaction, reached as `records.retention`.

What goes: the name (in the plan row and its prescription), the goal, every free text (report
notes, clinicians' notes on actions, the patient's own names for their PSFS activities, queued mail
and calendar snapshots), and the secrets (feed and check-in tokens are revoked). What stays: the
de-identified clinical rows (reports' scores, actions, alerts, outcome scores, summaries) and the
audit trail, to which the erasure itself is added by the caller.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.core.model import ActionKind
from planner.store.calendar_sync import utc_text
from planner.store.outcome_records import OutcomeRecords
from planner.store.schema import (
    alerts,
    checkins,
    clinician_actions,
    clinics,
    event_sequences,
    feed_tokens,
    outbox,
    plan_summaries,
    plans,
)

ERASED_NAME = "(erased)"


class RetentionRecords:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def erased_at(self, plan_id: str) -> str | None:
        return self.connection.execute(sa.select(plans.c.erased_at).where(plans.c.id == plan_id)).scalar()

    def retention_days(self, clinic_id: int) -> int | None:
        query = sa.select(clinics.c.retention_days).where(clinics.c.id == clinic_id)
        return self.connection.execute(query).scalar()

    def set_retention_days(self, clinic_id: int, days: int | None) -> None:
        self.connection.execute(clinics.update().where(clinics.c.id == clinic_id).values(retention_days=days))

    def expired(self, today: dt.date) -> list[tuple[str, int]]:
        """(plan, clinic) of every plan discharged at least its clinic's retention days before
        `today` (its last discharge, with no re-open recorded after it) and not erased yet."""

        def latest(kind: ActionKind) -> sa.Subquery:
            c = clinician_actions.c
            return (
                sa.select(c.plan_id, sa.func.max(c.id).label("id"), sa.func.max(c.date).label("day"))
                .where(c.kind == kind.value)
                .group_by(c.plan_id)
                .subquery()
            )

        discharged, reopened = latest(ActionKind.DISCHARGE), latest(ActionKind.REOPEN)
        rows = self.connection.execute(
            sa.select(plans.c.id, plans.c.clinic_id, discharged.c.day, clinics.c.retention_days)
            .join(discharged, discharged.c.plan_id == plans.c.id)
            .outerjoin(reopened, reopened.c.plan_id == plans.c.id)
            .join(clinics, clinics.c.id == plans.c.clinic_id)
            .where(
                plans.c.erased_at.is_(None),
                clinics.c.retention_days.is_not(None),
                sa.or_(reopened.c.id.is_(None), reopened.c.id < discharged.c.id),
            )
            .order_by(plans.c.id)
        )
        return [
            (str(r.id), int(r.clinic_id))
            for r in rows
            if dt.date.fromisoformat(r.day) + dt.timedelta(days=r.retention_days) <= today
        ]

    def erase(self, plan_id: str, now: dt.datetime) -> bool:
        """Erase the plan's identifying data; False when it was erased already."""
        row = self.connection.execute(
            sa.select(plans.c.prescription).where(plans.c.id == plan_id, plans.c.erased_at.is_(None))
        ).first()
        if row is None:
            return False
        rx = json.loads(row.prescription) | {"name": ERASED_NAME, "goal": ""}
        stamp = utc_text(now)
        self.connection.execute(
            plans.update()
            .where(plans.c.id == plan_id)
            .values(name=ERASED_NAME, prescription=json.dumps(rx), erased_at=stamp)
        )
        for report in list(
            self.connection.execute(
                sa.select(checkins.c.id, checkins.c.data).where(checkins.c.plan_id == plan_id)
            )
        ):
            data = json.loads(report.data) | {"note": ""}
            self.connection.execute(
                checkins.update().where(checkins.c.id == report.id).values(data=json.dumps(data))
            )
        self.connection.execute(
            clinician_actions.update().where(clinician_actions.c.plan_id == plan_id).values(note="")
        )
        self.connection.execute(
            plan_summaries.update().where(plan_summaries.c.plan_id == plan_id).values(name_key=ERASED_NAME)
        )
        self.connection.execute(
            feed_tokens.update()
            .where(feed_tokens.c.plan_id == plan_id, feed_tokens.c.revoked_at.is_(None))
            .values(revoked_at=stamp)
        )
        self.connection.execute(
            event_sequences.update().where(event_sequences.c.plan_id == plan_id).values(snapshot="")
        )
        plan_alerts = sa.select(alerts.c.id).where(alerts.c.plan_id == plan_id)
        self.connection.execute(
            outbox.update().where(outbox.c.alert_id.in_(plan_alerts)).values(subject="(erased)", body="")
        )
        OutcomeRecords(self.connection).anonymise(plan_id)
        return True
