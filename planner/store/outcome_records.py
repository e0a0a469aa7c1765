"""Outcome scores inside one transaction, reached as `records.outcomes`: appended, never changed
(a wrong score is corrected by recording another)."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.core.outcomes import OutcomeScore
from planner.store.calendar_sync import utc_text
from planner.store.schema import outcome_scores


class OutcomeRecords:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, plan_id: str, score: OutcomeScore, now: dt.datetime) -> None:
        self.connection.execute(
            outcome_scores.insert().values(
                plan_id=plan_id,
                measure=score.measure,
                date=score.date.isoformat(),
                score=score.score,
                activities=json.dumps([list(item) for item in score.items]),
                source=score.source,
                recorded_at=utc_text(now),
            )
        )

    def scores(self, plan_id: str) -> list[OutcomeScore]:
        """Oldest first (by date, then as recorded)."""
        rows = self.connection.execute(
            sa.select(outcome_scores)
            .where(outcome_scores.c.plan_id == plan_id)
            .order_by(outcome_scores.c.date, outcome_scores.c.id)
        )
        return [
            OutcomeScore(
                row.measure,
                dt.date.fromisoformat(row.date),
                float(row.score),
                tuple((str(name), int(value)) for name, value in json.loads(row.activities)),
                row.source,
            )
            for row in rows
        ]

    def anonymise(self, plan_id: str) -> None:
        """Activities are the patient's own words: after erasure they become "activity 1" ..."""
        rows = list(
            self.connection.execute(
                sa.select(outcome_scores.c.id, outcome_scores.c.activities).where(
                    outcome_scores.c.plan_id == plan_id
                )
            )
        )
        for row in rows:
            items = [[f"activity {i}", value] for i, (_, value) in enumerate(json.loads(row.activities), 1)]
            self.connection.execute(
                outcome_scores.update()
                .where(outcome_scores.c.id == row.id)
                .values(activities=json.dumps(items))
            )
