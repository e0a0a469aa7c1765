"""Roster jobs inside one transaction, reached as `records.roster_jobs`.

A job is claimed by one UPDATE whose condition is the job's state (queued, or running with a
heartbeat older than the caller's limit): the database lets exactly one of several processes
change the row, so no two server processes ever run one job at the same time. Every later write
of the runner names its claim, and does nothing once another process has taken the job over.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.store.calendar_sync import utc_text
from planner.store.schema import roster_jobs


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@attrs.frozen
class StoredJob:
    id: str
    clinic_id: int
    clinician_id: int
    file_name: str
    address: str
    roster: str
    state: JobState
    rows: int
    refused: int
    stored: int
    rendered: int
    attempts: int
    created_at: str
    finished_at: str | None
    outcomes: str  # JSON, the per-line report
    reason: str
    has_zip: bool


COLUMNS = [c for c in roster_jobs.c if c.name != "zip"]


def _job(row: Any) -> StoredJob:
    return StoredJob(
        row.id,
        row.clinic_id,
        row.clinician_id,
        row.file_name,
        row.address,
        row.roster,
        JobState(row.state),
        row.rows,
        row.refused,
        row.stored,
        row.rendered,
        row.attempts,
        row.created_at,
        row.finished_at,
        row.outcomes,
        row.reason,
        bool(row.has_zip),
    )


class RosterJobRecords:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(
        self,
        job_id: str,
        clinic_id: int,
        clinician_id: int,
        file_name: str,
        address: str,
        roster: str,
        rows: int,
        refused: int,
        now: dt.datetime,
    ) -> None:
        self.connection.execute(
            roster_jobs.insert().values(
                id=job_id,
                clinic_id=clinic_id,
                clinician_id=clinician_id,
                file_name=file_name,
                address=address,
                roster=roster,
                state=JobState.QUEUED.value,
                rows=rows,
                refused=refused,
                created_at=utc_text(now),
            )
        )

    def job(self, job_id: str) -> StoredJob | None:
        row = self.connection.execute(
            sa.select(*COLUMNS, roster_jobs.c.zip.is_not(None).label("has_zip")).where(
                roster_jobs.c.id == job_id
            )
        ).first()
        return None if row is None else _job(row)

    def _claimable(self, stale_before: dt.datetime) -> sa.ColumnElement[bool]:
        """Waiting, or running with no sign of life since `stale_before` (its process died)."""
        return sa.or_(
            roster_jobs.c.state == JobState.QUEUED.value,
            sa.and_(
                roster_jobs.c.state == JobState.RUNNING.value,
                roster_jobs.c.heartbeat_at < utc_text(stale_before),
            ),
        )

    def claim(self, job_id: str, claim: str, now: dt.datetime, stale_before: dt.datetime) -> bool:
        """Take the job for the caller (`claim`, a fresh random string); False when it is not
        waiting or another process took it first."""
        result = self.connection.execute(
            roster_jobs.update()
            .where(roster_jobs.c.id == job_id, self._claimable(stale_before))
            .values(
                state=JobState.RUNNING.value,
                claim=claim,
                heartbeat_at=utc_text(now),
                attempts=roster_jobs.c.attempts + 1,
                stored=0,
                rendered=0,
            )
        )
        return bool(result.rowcount)

    def claimable(self, stale_before: dt.datetime) -> list[tuple[str, int]]:
        """(id, attempts so far) of the jobs waiting for a process, oldest first."""
        rows = self.connection.execute(
            sa.select(roster_jobs.c.id, roster_jobs.c.attempts)
            .where(self._claimable(stale_before))
            .order_by(roster_jobs.c.created_at)
        )
        return [(str(r.id), int(r.attempts)) for r in rows]

    def progress(self, job_id: str, claim: str, stored: int, rendered: int, now: dt.datetime) -> bool:
        """The runner's progress and heartbeat; False when the job is no longer the caller's."""
        result = self.connection.execute(
            roster_jobs.update()
            .where(roster_jobs.c.id == job_id, roster_jobs.c.claim == claim)
            .values(stored=stored, rendered=rendered, heartbeat_at=utc_text(now))
        )
        return bool(result.rowcount)

    def finish(
        self,
        job_id: str,
        claim: str,
        state: JobState,
        now: dt.datetime,
        *,
        outcomes: str = "[]",
        zip_body: bytes | None = None,
        reason: str = "",
    ) -> bool:
        """The job's end (done with its report and zip, or failed with a reason), when it is still
        the caller's; its CSV goes (the plans hold what it said)."""
        return self._end(
            sa.and_(roster_jobs.c.state == JobState.RUNNING.value, roster_jobs.c.claim == claim),
            job_id,
            state,
            now,
            outcomes=outcomes,
            zip=zip_body,
            reason=reason,
        )

    def give_up(self, job_id: str, stale_before: dt.datetime, reason: str, now: dt.datetime) -> bool:
        """Fail a job still waiting, or left running by a process that died, with its reason."""
        return self._end(self._claimable(stale_before), job_id, JobState.FAILED, now, reason=reason)

    def _end(
        self, condition: sa.ColumnElement[bool], job_id: str, state: JobState, now: dt.datetime, **values: Any
    ) -> bool:
        values["reason"] = values.get("reason", "")[:300]
        result = self.connection.execute(
            roster_jobs.update()
            .where(roster_jobs.c.id == job_id, condition)
            .values(state=state.value, finished_at=utc_text(now), roster="", claim=None, **values)
        )
        return bool(result.rowcount)

    def zip(self, job_id: str, finished_since: dt.datetime) -> bytes | None:
        """The job's zip, if it ended after `finished_since` (zips are kept a short while)."""
        body = self.connection.execute(
            sa.select(roster_jobs.c.zip).where(
                roster_jobs.c.id == job_id, roster_jobs.c.finished_at >= utc_text(finished_since)
            )
        ).scalar()
        return None if body is None else bytes(body)

    def forget_zips(self, finished_before: dt.datetime) -> None:
        """Zips are copies of what the plans hold: kept a short while after the job ends."""
        self.connection.execute(
            roster_jobs.update()
            .where(roster_jobs.c.finished_at < utc_text(finished_before), roster_jobs.c.zip.is_not(None))
            .values(zip=None)
        )
