"""Issue a whole clinic list: a plan, a calendar and a handout per roster row, and an index CSV.

Plans and calendars are made in this process (they touch the store); the handouts, the slow part,
are rendered on all cores. Issuing the same roster again updates the plans it made before.
"""

from __future__ import annotations

import csv
import enum
import io
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs

from planner.app import programmes
from planner.app.application import App, PlanView
from planner.app.atomic_files import write_atomic
from planner.core.exceptions import InputError, PlannerError
from planner.core.model import Plan
from planner.data.branding import DEFAULT_BRANDING, Branding
from planner.data.catalog import builtin_catalog, load_catalog
from planner.data.roster import RosterRow, RowProblem
from planner.store.database import Records, TokenKind

INDEX_NAME = "index.csv"
INDEX_COLUMNS = ("line", "name", "status", "plan_id", "ics", "pdf", "feed_url", "checkin_url", "reason")


class RowStatus(enum.StrEnum):
    """What issuing did with one roster row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@attrs.frozen(order=True)
class Outcome:
    line: int
    name: str
    status: RowStatus
    plan_id: str = ""
    ics: str = ""
    pdf: str = ""
    feed_url: str = ""
    reason: str = ""
    checkin_url: str = ""


@attrs.frozen
class Issued:
    """What a roster run did, row by row, and where its index was written."""

    outcomes: list[Outcome]
    index: Path


@attrs.frozen
class HandoutJob:
    line: int
    plan: Plan
    plan_id: str
    protocol_id: str
    clinic: Branding
    feed_url: str
    checkin_url: str
    target: Path
    clinic_dirs: tuple[Path, ...]


def file_stem(name: str, plan_id: str) -> str:
    """A readable, safe file name: letters kept (accents too), everything else a hyphen."""
    words = re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-_").lower()[:60]
    return f"{words or 'patient'}-{plan_id}"


PARENT_CHECK_SECONDS = 0.5


def exit_with_parent(parent: int) -> None:
    """In each handout worker: leave as soon as the issuing process is gone (even after kill -9),
    instead of waiting forever for work that will not come."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def render_handout(job: HandoutJob) -> str:
    """Runs in a worker process: render one handout and write it atomically. Returns "" or why it
    failed, so one row's full disk or bad image is that row's line in the report, not the run's end."""
    from planner.export import handout

    try:
        catalog = load_catalog(job.clinic_dirs) if job.clinic_dirs else builtin_catalog()
        options = handout.HandoutOptions(
            feed_url=job.feed_url, checkin_url=job.checkin_url, clinic=job.clinic
        )
        body = handout.render(
            job.plan, job.plan_id, catalog.protocol(job.protocol_id), catalog.library, options
        )
        write_atomic(job.target, body)
    except Exception as error:  # reported on the row: the other handouts go on
        return f"handout: {error}"
    return ""


def clinic_roster_key(key: str, clinic_id: int | None) -> str:
    """A roster row's key inside the clinic that issues it: the same patient id or name and start
    date in another clinic is another clinic's patient, never this one."""
    return key if clinic_id is None else f"{key}@c{clinic_id}"


def _store_row(app: App, row: RosterRow, clinic_name: str | None) -> tuple[str, RowStatus, str, str]:
    """The plan and its two secrets in one transaction, in the clinic's care when one is named.
    A row matches only a plan the same clinic issued before. When another run on the same roster
    stored the row first (a unique roster key), the retry finds it: "unchanged", not "failed"."""

    def store(records: Records) -> tuple[str, RowStatus, str, str]:
        clinic_id = None if clinic_name is None else records.portal.clinic_id(clinic_name, app.now())
        key = clinic_roster_key(row.key, clinic_id)
        existing = records.plan_by_roster_key(key)
        if existing is None:
            plan_id = records.create_plan(row.protocol_id, row.prescription, app.now(), roster_key=key)
            if clinic_id is not None:
                records.portal.assign(plan_id, clinic_id, None)
            status = RowStatus.CREATED
        else:
            plan_id = existing.id
            changed = records.update_plan(plan_id, row.protocol_id, row.prescription, app.now())
            status = RowStatus.UPDATED if changed else RowStatus.UNCHANGED
        token = app.issue_token(records, plan_id)
        return plan_id, status, token, app.issue_token(records, plan_id, TokenKind.CHECKIN)

    return app.store.write_retrying(store)


def _issue_row(app: App, row: RosterRow, out: Path, clinic: Branding | None) -> tuple[Outcome, PlanView]:
    """The plan and its secrets, then the calendar file."""
    app.check(row.protocol_id, row.prescription)
    if row.template:  # an unknown template fails the row before anything is stored
        programmes.template(app, row.template, clinic_name=clinic.name if clinic else None)
    plan_id, status, token, checkin = _store_row(app, row, clinic.name if clinic else None)
    if row.template and status is RowStatus.CREATED:
        programmes.start_from_template(app, plan_id, row.template)
    if clinic is not None:
        app.follow_up.refresh_or_record(plan_id)  # on the clinic's list at once; the sweep retries
    view = app.plan(plan_id)
    stem = file_stem(row.prescription.name, plan_id)
    app.calendar(view, token=token, deliver=lambda body: write_atomic(out / f"{stem}.ics", body))
    addresses = app.addresses(token, checkin)
    outcome = Outcome(
        row.line,
        row.prescription.name,
        status,
        plan_id,
        f"{stem}.ics",
        f"{stem}.pdf",
        addresses.https,
        checkin_url=addresses.checkin,
    )
    return outcome, view


def issue(
    app: App,
    rows: list[RosterRow],
    problems: list[RowProblem],
    out: Path,
    *,
    clinic: Branding | None = None,
    workers: int | None = None,
    progress: Callable[[Iterator[str], int], Iterator[str]] = lambda items, _: items,
    row_stored: Callable[[], object] = lambda: None,
) -> Issued:
    """Issue every good row; failed rows are reported in the index and never stop the others.
    `workers` processes render the handouts (default: one per core; 0: in this process).
    `row_stored` is called as each row is done with (stored or failed), `progress` wraps the
    handouts' results as they come.

    The output folder must take a file before any plan is stored (InputError otherwise). Ctrl-C
    stops the run, writes the index of the rows finished (a row whose plan was stored but whose
    handout was not written says so) and goes on as KeyboardInterrupt."""
    writable_folder(out)
    outcomes = [Outcome(p.line, p.name, RowStatus.FAILED, reason=p.reason) for p in problems]
    jobs: list[HandoutJob] = []
    failures: dict[int, str] = {}
    try:
        for row in rows:
            try:
                outcome, view = _issue_row(app, row, out, clinic)
            except Exception as error:  # one row's failure must not stop the clinic list
                reason = why(error)
                outcomes.append(Outcome(row.line, row.prescription.name, RowStatus.FAILED, reason=reason))
                row_stored()
                continue
            outcomes.append(outcome)
            row_stored()
            jobs.append(
                HandoutJob(
                    row.line,
                    view.plan,
                    outcome.plan_id,
                    row.protocol_id,
                    clinic or DEFAULT_BRANDING,
                    outcome.feed_url,
                    outcome.checkin_url,
                    out / outcome.pdf,
                    app.settings.clinic_dirs,
                )
            )
        count = workers if workers is not None else os.cpu_count() or 1
        render_all(jobs, count, progress, failures)
    except KeyboardInterrupt:
        done = {o.line for o in outcomes}
        unrendered = {job.line for job in jobs} - set(failures)
        failures.update({line: INTERRUPTED for line in unrendered if line in done})
        write_index(out, index_csv(with_failures(outcomes, failures)))
        raise
    outcomes = with_failures(outcomes, failures)
    return Issued(outcomes, write_index(out, index_csv(outcomes)))


INTERRUPTED = "interrupted (Ctrl-C) before its handout was written: issue the roster again"


def render_all(
    jobs: list[HandoutJob],
    count: int,
    progress: Callable[[Iterator[str], int], Iterator[str]],
    failures: dict[int, str],
) -> None:
    """Render the handouts, each result into `failures` ("" for a handout written) as it comes,
    so an interrupted run knows which were written."""
    if jobs and count == 0:  # in this process: a threaded web server must not fork workers
        for job, reason in zip(jobs, progress(map(render_handout, jobs), len(jobs)), strict=False):
            failures[job.line] = reason
    elif jobs:
        workers_for = min(count, len(jobs))
        pool = ProcessPoolExecutor(workers_for, initializer=start_worker, initargs=(os.getpid(),))
        try:
            for job, reason in zip(jobs, progress(pool.map(render_handout, jobs), len(jobs)), strict=False):
                failures[job.line] = reason
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)  # the handouts being written finish whole
            raise
        pool.shutdown(wait=True)
    for line in [line for line, reason in failures.items() if not reason]:
        del failures[line]


def with_failures(outcomes: list[Outcome], failures: dict[int, str]) -> list[Outcome]:
    return sorted(
        (attrs.evolve(o, status=RowStatus.FAILED, reason=failures[o.line]) if failures.get(o.line) else o)
        for o in outcomes
    )


def start_worker(parent: int) -> None:
    """A handout worker ignores Ctrl-C (the issuing process stops the run and reports it) and
    leaves when the issuing process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)


def writable_folder(out: Path) -> None:
    """Make the output folder and prove it takes a file, before anything is stored."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(prefix=".rehab-probe-", dir=out)
        os.close(descriptor)
        os.unlink(probe)
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links (Python 3.11)
        reason = getattr(error, "strerror", None) or "a loop of symbolic links"
        raise InputError(f"--out {str(out)!r}: cannot write there ({reason}); nothing was issued") from None


def why(error: Exception) -> str:
    """A failed row's reason for the index and the portal: the user's own mistake as it was said,
    anything else by its kind only (a database's text can quote other people's data)."""
    if isinstance(error, PlannerError):
        return str(error)
    return (
        f"not issued: an unexpected {type(error).__name__} stopped this row; issue the roster again "
        "(rows already issued are updated, never duplicated) and tell your administrator if it repeats"
    )


def write_index(out: Path, body: bytes) -> Path:
    """index.csv in the output folder, or beside it when the folder cannot be written: the report of
    what was issued is never lost, plans having been stored."""
    try:
        write_atomic(out / INDEX_NAME, body)
        return out / INDEX_NAME
    except (OSError, InputError):
        beside = out.parent / f"{out.name}-{INDEX_NAME}"
        write_atomic(beside, body)
        return beside


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): a leading quote."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def index_csv(outcomes: list[Outcome]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for o in outcomes:
        row = [o.line, o.name, o.status.value, o.plan_id, o.ics, o.pdf, o.feed_url, o.checkin_url, o.reason]
        writer.writerow([inert(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8")
