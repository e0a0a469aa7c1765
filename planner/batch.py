"""Issue a whole clinic list: a plan, a calendar and a handout per roster row, and an index CSV.

Plans and calendars are made in this process (they touch the store); the handouts, the slow part,
are rendered on all cores. Issuing the same roster again updates the plans it made before.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs

from planner.catalog import Catalog, builtin_catalog, load_catalog
from planner.clinic import DEFAULT_CLINIC, Clinic
from planner.files import write_atomic
from planner.model import Plan
from planner.roster import RosterRow, RowProblem
from planner.service import (
    create_plan,
    ensure_feed,
    export_calendar,
    feed_addresses,
    plan_today,
    update_plan,
)
from planner.store import Store

INDEX_NAME = "index.csv"
INDEX_COLUMNS = ("line", "name", "status", "plan_id", "ics", "pdf", "feed_url", "reason")


@attrs.frozen
class Outcome:
    line: int
    name: str
    status: str  # created, updated, unchanged, failed
    plan_id: str = ""
    ics: str = ""
    pdf: str = ""
    feed_url: str = ""
    reason: str = ""


@attrs.frozen
class HandoutJob:
    plan: Plan
    plan_id: str
    protocol_id: str
    clinic: Clinic
    feed_url: str
    target: Path
    clinic_dirs: tuple[Path, ...]


def file_stem(name: str, plan_id: str) -> str:
    """A readable, safe file name: letters kept (accents too), everything else a hyphen."""
    words = re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-_").lower()[:60]
    return f"{words or 'patient'}-{plan_id}"


def _catalog(dirs: tuple[Path, ...]) -> Catalog:
    return load_catalog(dirs) if dirs else builtin_catalog()


def render_handout(job: HandoutJob) -> str:
    """Runs in a worker process: render one handout and write it atomically."""
    from planner.export import pdf

    catalog = _catalog(job.clinic_dirs)
    options = pdf.HandoutOptions(feed_url=job.feed_url, clinic=job.clinic)
    body = pdf.render(job.plan, job.plan_id, catalog.protocol(job.protocol_id), catalog.library, options)
    write_atomic(job.target, body)
    return str(job.target)


def _issue_row(
    store: Store, catalog: Catalog, row: RosterRow, out: Path, key: bytes, base_url: str, now: dt.datetime
) -> tuple[Outcome, Plan]:
    existing = store.plan_by_roster_key(row.key)
    if existing is None:
        plan_id = create_plan(store, catalog, row.protocol_id, row.prescription, now, roster_key=row.key)
        status = "created"
    else:
        plan_id = existing.id
        changed = update_plan(store, catalog, plan_id, row.protocol_id, row.prescription, now)
        status = "updated" if changed else "unchanged"
    token = ensure_feed(store, plan_id, key, now)
    addresses = feed_addresses(base_url, token)
    stem = file_stem(row.prescription.name, plan_id)
    exported = export_calendar(store, catalog, plan_id, now, token=token, base_url=base_url)
    write_atomic(out / f"{stem}.ics", exported.body)
    plan = plan_today(store, catalog, plan_id, now)
    outcome = Outcome(
        row.line, row.prescription.name, status, plan_id, f"{stem}.ics", f"{stem}.pdf", addresses.https
    )
    return outcome, plan


def issue(
    store: Store,
    catalog: Catalog,
    rows: list[RosterRow],
    problems: list[RowProblem],
    out: Path,
    *,
    key: bytes,
    base_url: str,
    now: dt.datetime,
    clinic: Clinic | None = None,
    clinic_dirs: tuple[Path, ...] = (),
    workers: int | None = None,
    progress: Callable[[Iterator[str], int], Iterator[str]] = lambda items, _: items,
) -> list[Outcome]:
    """Issue every good row; failed rows are reported in the index and never stop the others."""
    out.mkdir(parents=True, exist_ok=True)
    outcomes = [Outcome(p.line, p.name, "failed", reason=p.reason) for p in problems]
    jobs: list[HandoutJob] = []
    for row in rows:
        try:
            outcome, plan = _issue_row(store, catalog, row, out, key, base_url, now)
        except Exception as error:  # one row's failure must not stop the clinic list
            outcomes.append(Outcome(row.line, row.prescription.name, "failed", reason=str(error)))
            continue
        outcomes.append(outcome)
        jobs.append(
            HandoutJob(
                plan,
                outcome.plan_id,
                row.protocol_id,
                clinic or DEFAULT_CLINIC,
                outcome.feed_url,
                out / outcome.pdf,
                clinic_dirs,
            )
        )
    count = workers or os.cpu_count() or 1
    if jobs:
        with ProcessPoolExecutor(max_workers=min(count, len(jobs))) as pool:
            for _ in progress(pool.map(render_handout, jobs), len(jobs)):
                pass
    outcomes.sort(key=lambda o: o.line)
    write_atomic(out / INDEX_NAME, index_csv(outcomes))
    return outcomes


def index_csv(outcomes: list[Outcome]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for o in outcomes:
        writer.writerow([o.line, o.name, o.status, o.plan_id, o.ics, o.pdf, o.feed_url, o.reason])
    return buffer.getvalue().encode("utf-8")
