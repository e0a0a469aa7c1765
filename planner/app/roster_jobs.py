"""A clinic list uploaded in the portal, issued as a job stored in the database: the upload stores
it and answers at once; a worker thread of that server process (or any server's sweep, for a job
whose process died) claims it in a transaction and issues it row by row, writing its progress and
a heartbeat as it goes; the job page reads them. When it ends, the per-line report and the zip of
handouts, calendars and index.csv are kept with it.

A job left running by a process that died (no heartbeat for STALE_AFTER) is run again by the next
sweep (issuing a roster again updates the plans it made, never duplicates them), at most ATTEMPTS
times in all, then marked failed with one line saying why: never "running" forever.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import secrets
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import attrs

from planner.app.accounts import audit_by
from planner.app.application import App
from planner.app.roster_issue import Outcome, RowStatus, issue
from planner.core.exceptions import NotFound, PlannerError
from planner.data.branding import Branding
from planner.data.roster import parse_roster
from planner.store.portal_records import Clinician
from planner.store.roster_job_records import JobState, StoredJob

STALE_AFTER = dt.timedelta(minutes=2)  # a running job writes a heartbeat with every row, seconds apart
ATTEMPTS = 2  # runs of one job before it is given up
DOWNLOAD_LIFETIME = dt.timedelta(minutes=10)  # a finished job's zip (copies of what the plans hold)
ABANDONED = (
    "the server issuing this list stopped twice before it finished; upload it again "
    "(patients already issued are updated, never duplicated)"
)


def failure(error: Exception) -> str:
    """A failed job's line: the user's own mistake as it was said, anything else by its kind only
    (a database's text can quote other people's data)."""
    if isinstance(error, PlannerError):
        return str(error)
    return (
        f"an unexpected {type(error).__name__} stopped this list; upload it again (patients already "
        "issued are updated, never duplicated) and tell your administrator if it repeats"
    )


class TakenOver(Exception):
    """Another process claimed the job (this one was thought dead): it finishes the job, not us."""


@attrs.frozen
class RosterJob:
    """A job as its page shows it: progress while it runs, the per-line report when done.

    `rows` is every data row of the file (blank lines are not rows); `refused` of them were refused
    as the file was read (they are done from the start, with their reason in the report); `stored`
    counts the others as each is dealt with (its plan stored, or the row failed there)."""

    id: str
    file_name: str
    state: JobState
    rows: int
    refused: int
    stored: int
    rendered: int
    outcomes: tuple[Outcome, ...]
    reason: str

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def steps(self) -> int:
        """A refused row is one step (read); each other row is stored, then its handout written."""
        return self.refused + 2 * (self.rows - self.refused)

    @property
    def done(self) -> int:
        return self.steps if self.finished else self.refused + self.stored + self.rendered

    @property
    def label(self) -> str:
        """How far it is, in words: "3 of 6 rows done (2 refused as the file was read), 1 of 4
        handouts written"."""
        refused = f" ({self.refused} refused as the file was read)" if self.refused else ""
        handouts = self.rows - self.refused
        return (
            f"{self.refused + self.stored} of {self.rows} rows done{refused}, "
            f"{self.rendered} of {handouts} handouts written"
        )

    def progress(self) -> dict[str, object]:
        """What the job page polls."""
        return {
            "state": self.state.value,
            "rows": self.rows,
            "refused": self.refused,
            "stored": self.stored,
            "rendered": self.rendered,
            "done": self.done,
            "steps": self.steps,
            "label": self.label,
        }


def _outcomes_json(outcomes: list[Outcome]) -> str:
    return json.dumps([attrs.asdict(o) for o in outcomes])


def _outcomes(text: str) -> tuple[Outcome, ...]:
    return tuple(Outcome(**{**row, "status": RowStatus(row["status"])}) for row in json.loads(text))


def _view(job: StoredJob) -> RosterJob:
    shared = {f.name: getattr(job, f.name) for f in attrs.fields(RosterJob) if f.name != "outcomes"}
    return RosterJob(outcomes=_outcomes(job.outcomes), **shared)


def submit(app: App, person: Clinician, text: str, file_name: str, address: str) -> str:
    """Store the clinician's list as a job for their clinic; its id. A file that is not a roster
    at all (no header, unknown columns) is refused here, nothing stored."""
    rows, refused = parse_roster(text, file_name, app.catalog.protocols)
    job_id = secrets.token_urlsafe(16)
    count = len(rows) + len(refused)
    with app.store.write() as records:
        records.roster_jobs.add(
            job_id, person.clinic_id, person.id, file_name, address, text, count, len(refused), app.now()
        )
    return job_id


def job(app: App, person: Clinician, job_id: str) -> RosterJob:
    """The clinician's clinic's job; another clinic's is NotFound, as a made-up id."""
    with app.store.read() as records:
        stored = records.roster_jobs.job(job_id)
    if stored is None or stored.clinic_id != person.clinic_id:
        raise NotFound(f"no clinic list {job_id!r}")
    return _view(stored)


def zip_body(app: App, person: Clinician, job_id: str) -> bytes:
    """A finished job's zip, for its clinic, while it is kept."""
    job(app, person, job_id)
    with app.store.read() as records:
        body = records.roster_jobs.zip(job_id, app.now() - DOWNLOAD_LIFETIME)
    if body is None:
        raise NotFound("this download has expired or is not ready")
    return body


def run(app: App, job_id: str) -> bool:
    """Claim the job and issue it; False when it was not waiting (another process has it, or it is
    done). Any failure ends the job as failed with its reason, never as running."""
    claim = secrets.token_hex(8)
    now = app.now()
    with app.store.write() as records:
        if not records.roster_jobs.claim(job_id, claim, now, now - STALE_AFTER):
            return False
        stored = records.roster_jobs.job(job_id)
        person = records.portal.clinician(stored.clinician_id) if stored else None
    assert stored is not None and person is not None  # claimed rows exist; clinicians are never deleted
    try:
        outcomes, body = _issue(app, stored, person, claim)
    except TakenOver:
        return False
    except Exception as error:  # the job's end, with a line the clinician can act on
        with app.store.write() as records:
            records.roster_jobs.finish(job_id, claim, JobState.FAILED, app.now(), reason=failure(error))
        log(f"rehab-planner: clinic list {job_id} failed ({type(error).__name__})")
        return True
    made = sum(o.status is not RowStatus.FAILED for o in outcomes)
    with app.store.write() as records:
        ended = records.roster_jobs.finish(
            job_id, claim, JobState.DONE, app.now(), outcomes=_outcomes_json(outcomes), zip_body=body
        )
        if ended:
            detail = f"{stored.file_name}: {made} of {len(outcomes)} rows"
            audit_by(records, person, app.now(), "issue-roster", stored.address, detail=detail)
    if ended:
        log(f"rehab-planner: clinic list {job_id} done ({made} of {len(outcomes)} rows issued)")
    return True


def log(line: str) -> None:
    """A job's end in the server's log, by its id (its file name and rows are the clinic's)."""
    print(line, file=sys.stderr, flush=True)


def _issue(app: App, stored: StoredJob, person: Clinician, claim: str) -> tuple[list[Outcome], bytes]:
    """The `issue` command for the job's clinic, in this process, with a heartbeat per step."""
    rows, problems = parse_roster(stored.roster, stored.file_name, app.catalog.protocols)
    counts = {"stored": 0, "rendered": 0}

    def beat(step: str) -> None:
        counts[step] += 1
        with app.store.write() as records:
            if not records.roster_jobs.progress(
                stored.id, claim, counts["stored"], counts["rendered"], app.now()
            ):
                raise TakenOver(stored.id)

    def rendered(results: Iterator[str], _: int) -> Iterator[str]:
        for result in results:
            beat("rendered")
            yield result

    with tempfile.TemporaryDirectory(prefix="rehab-roster-") as folder:
        out = Path(folder)
        issued = issue(
            app,
            rows,
            problems,
            out,
            clinic=Branding(name=person.clinic_name),
            workers=0,  # a threaded web server must not fork
            progress=rendered,
            row_stored=lambda: beat("stored"),
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.iterdir()):
                archive.write(path, path.name)
    return issued.outcomes, buffer.getvalue()


def start_waiting(app: App) -> int:
    """The sweep of each server process: jobs waiting for a process (queued, or left running by one
    that died) are started in this one's background, those run ATTEMPTS times already are failed
    with ABANDONED; old zips go. How many were started (another process may claim them first)."""
    now = app.now()
    with app.store.read() as records:
        waiting = records.roster_jobs.claimable(now - STALE_AFTER)
    started = 0
    for job_id, attempts in waiting:
        if attempts >= ATTEMPTS:
            with app.store.write() as records:
                records.roster_jobs.give_up(job_id, now - STALE_AFTER, ABANDONED, now)
            continue
        app.background.start(functools.partial(run, app, job_id))
        started += 1
    with app.store.write() as records:
        records.roster_jobs.forget_zips(now - DOWNLOAD_LIFETIME)
    return started
