"""A clinic list uploaded in the portal is a job in the database: one process runs it, however many
try; a job whose process died is run again, then failed with its reason; its page shows progress
(polled as JSON, or reloaded without script), then the report and the zip, for its clinic only.
Every wait here is on an event (a thread ending, a barrier) or a step of an injected clock."""

from __future__ import annotations

import datetime as dt
import io
import json
import queue
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from planner.app import roster_jobs
from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.background import Background
from planner.app.caseload import Caseload
from planner.app.roster_issue import RowStatus
from planner.app.settings import Settings
from planner.core.exceptions import NotFound, PlannerError
from planner.store.portal_records import Clinician
from planner.store.roster_job_records import JobState
from tests.clinics import NORTH_ROSTER, PASSWORD, ROSTER_HEAD, Browserless, Clinic
from tests.servers import CLI_NOW, cli_env, free_port, serving

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
TWO_ROWS = NORTH_ROSTER


class Held(Background):
    """A server process's background that holds the work until the test runs it: the job stays
    queued, as when every worker is busy or the process died before starting it."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[Callable[[], object]] = []

    def start(self, work: Callable[[], object]) -> None:
        self.held.append(work)


class Server:
    """One server process's application object on the shared database, with its own engine and
    its own clock (stepped by the test)."""

    def __init__(self, db_url: str, clock: list[dt.datetime]) -> None:
        self.app = App.open(Settings(db=db_url, base_url="https://plans.example"), clock=lambda: clock[0])


def people(app: App) -> tuple[Clinician, Clinician]:
    accounts = Accounts(app)
    ids = [
        accounts.add_clinician(clinic, email, clinic, PASSWORD, admin=True)[0]
        for clinic, email in (("North", "n@north.example"), ("South", "s@south.example"))
    ]
    with app.store.read() as records:
        north, south = (records.portal.clinician(i) for i in ids)
    assert north is not None and south is not None
    return north, south


def state(app: App, job_id: str) -> tuple[JobState, int, str]:
    with app.store.read() as records:
        job = records.roster_jobs.job(job_id)
    assert job is not None
    return job.state, job.attempts, job.reason


def test_two_server_processes_racing_for_one_job_run_it_once(db_url: str) -> None:
    clock = [NOW]
    first, second = Server(db_url, clock), Server(db_url, clock)
    north, _ = people(first.app)
    job_id = roster_jobs.submit(first.app, north, TWO_ROWS, "north.csv", "")
    together = threading.Barrier(2)
    ran: dict[str, bool] = {}

    def race(name: str, server: Server) -> None:
        together.wait(timeout=60)
        ran[name] = roster_jobs.run(server.app, job_id)

    threads = [threading.Thread(target=race, args=item) for item in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert sorted(ran.values()) == [False, True]  # one claimed it, the other was refused
    assert state(second.app, job_id)[:2] == (JobState.DONE, 1)
    outcomes = Caseload(second.app).roster_job(north, job_id).outcomes
    assert [o.status for o in outcomes] == [RowStatus.CREATED, RowStatus.CREATED]
    assert len(first.app.plans()[0]) == 2  # each row stored once
    assert roster_jobs.run(second.app, job_id) is False  # a done job is never run again


def test_a_job_left_running_by_a_dead_process_is_run_again_then_failed(db_url: str) -> None:
    clock = [NOW]
    survivor = Server(db_url, clock)
    survivor.app.background = Held()
    north, _ = people(survivor.app)
    job_id = roster_jobs.submit(survivor.app, north, TWO_ROWS, "north.csv", "")
    with survivor.app.store.write() as records:  # a process claims it and dies at once
        assert records.roster_jobs.claim(job_id, "dead-process", NOW, NOW)
    assert roster_jobs.start_waiting(survivor.app) == 0  # its heartbeat is fresh: still its job
    clock[0] += roster_jobs.STALE_AFTER + dt.timedelta(seconds=1)
    assert roster_jobs.start_waiting(survivor.app) == 1
    (work,) = survivor.app.background.held
    work()
    assert state(survivor.app, job_id)[:2] == (JobState.DONE, 2)
    with survivor.app.store.write() as records:  # the dead process comes back: its claim is gone
        assert not records.roster_jobs.progress(job_id, "dead-process", 1, 0, clock[0])
        assert not records.roster_jobs.finish(job_id, "dead-process", JobState.FAILED, clock[0])

    again = roster_jobs.submit(survivor.app, north, TWO_ROWS, "north.csv", "")
    for attempt in range(roster_jobs.ATTEMPTS):  # died each time it was run
        with survivor.app.store.write() as records:
            assert records.roster_jobs.claim(again, f"dead-{attempt}", clock[0], clock[0])
        clock[0] += roster_jobs.STALE_AFTER + dt.timedelta(seconds=1)
    assert roster_jobs.start_waiting(survivor.app) == 0
    assert state(survivor.app, again) == (JobState.FAILED, roster_jobs.ATTEMPTS, roster_jobs.ABANDONED)
    assert roster_jobs.start_waiting(survivor.app) == 0  # failed stays failed


def test_a_job_taken_over_stops_writing_and_leaves_the_end_to_the_new_runner(db_url: str) -> None:
    clock = [NOW]
    slow = Server(db_url, clock)
    north, _ = people(slow.app)
    job_id = roster_jobs.submit(slow.app, north, TWO_ROWS, "north.csv", "")
    real_issue = roster_jobs.issue

    def issue_then_lose_the_job(*args: object, **kwargs: object) -> object:
        """After the first row, this process stalls past STALE_AFTER and another claims the job."""

        def stored() -> None:
            if clock[0] == NOW:
                clock[0] += roster_jobs.STALE_AFTER + dt.timedelta(seconds=1)
                with slow.app.store.write() as records:
                    assert records.roster_jobs.claim(job_id, "other", clock[0], clock[0])
            beat()

        beat = kwargs["row_stored"]
        return real_issue(*args, **{**kwargs, "row_stored": stored})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(roster_jobs, "issue", issue_then_lose_the_job)
        assert roster_jobs.run(slow.app, job_id) is False
    assert state(slow.app, job_id)[:2] == (JobState.RUNNING, 2)  # the other runner's, untouched


def test_a_job_that_breaks_is_failed_with_one_line_never_left_running(db_url: str) -> None:
    app = Server(db_url, [NOW]).app
    north, _ = people(app)
    job_id = roster_jobs.submit(app, north, TWO_ROWS, "north.csv", "")

    def broken(*_: object, **__: object) -> None:
        raise OSError("No space left on device: /tmp/private/path")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(roster_jobs, "issue", broken)
        assert roster_jobs.run(app, job_id) is True
    job_state, _, reason = state(app, job_id)
    assert job_state is JobState.FAILED and "OSError" in reason and "/tmp" not in reason
    assert "\n" not in reason and "upload it again" in reason


def test_a_file_that_is_no_roster_is_refused_at_upload_and_nothing_is_stored(db_url: str) -> None:
    app = Server(db_url, [NOW]).app
    north, _ = people(app)
    with pytest.raises(PlannerError):
        roster_jobs.submit(app, north, "just,some,words\n1,2,3\n", "notes.csv", "")
    with app.store.read() as records:
        assert records.roster_jobs.claimable(NOW) == []


def test_another_clinics_job_is_not_found(db_url: str) -> None:
    app = Server(db_url, [NOW]).app
    north, south = people(app)
    caseload = Caseload(app)
    _, job_id = caseload.issue_roster(north, TWO_ROWS, "north.csv", "")
    assert caseload.roster_job(north, job_id).state is JobState.DONE
    for look in (caseload.roster_job, caseload.roster_zip):
        with pytest.raises(NotFound):
            look(south, job_id)
        with pytest.raises(NotFound):
            look(north, "made-up-id")


def upload(clinic: Clinic, text: str) -> tuple[int, str, Browserless]:
    north = clinic.client()
    north.login("alex@north.example")
    north.request("GET", "/portal/roster")
    status, headers, _ = north.upload("/portal/roster", "roster", "week.csv", text.encode())
    return status, headers.get("location", ""), north


def test_the_job_page_shows_progress_then_the_report_and_the_zip(clinic: Clinic) -> None:
    held = Held()
    clinic.app.background = held
    text = (
        ROSTER_HEAD + "7,Ines Ruiz,2026-11-16,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    )
    status, job_page, north = upload(clinic, text)
    assert status == 303 and job_page.startswith("/portal/roster/jobs/")
    status, headers, page = north.request("GET", job_page)
    assert status == 200
    assert "Waiting to start" in page and '<progress id="job-progress" max="2" value="0">' in page
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', page)  # no script
    assert f'<a href="{job_page}">Reload</a>' in page
    assert '<script src="/static/roster_job.js" defer></script>' in page
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    status, _, answer = north.request("GET", f"{job_page}.json")
    assert status == 200
    assert json.loads(answer) == {
        "state": "queued",
        "rows": 1,
        "refused": 0,
        "stored": 0,
        "rendered": 0,
        "done": 0,
        "steps": 2,
        "label": "0 of 1 rows done, 0 of 1 handouts written",
    }
    assert north.request("GET", f"{job_page}.zip")[0] == 404
    (work,) = held.held
    work()  # the worker thread's work, here
    status, _, page = north.request("GET", job_page)
    assert "noscript" not in page and "roster_job.js" not in page  # done: nothing more to ask
    assert "Issued: 1 of 1 rows." in page and ">Ines Ruiz</a>" in page and "created" in page
    assert json.loads(north.request("GET", f"{job_page}.json")[2])["done"] == 2
    status, headers, _ = north.request("GET", f"{job_page}.zip")
    assert status == 200 and headers["content-type"] == "application/zip"
    south = clinic.client()
    south.login("sam@south.example")
    for path in (job_page, f"{job_page}.json", f"{job_page}.zip"):
        assert south.request("GET", path)[0] == 404
    _, _, trail = north.request("GET", "/portal/audit")
    assert "issue-roster" in trail and "week.csv: 1 of 1 rows" in trail


def test_progress_is_written_row_by_row_as_the_job_runs(db_url: str) -> None:
    app = Server(db_url, [NOW]).app
    north, _ = people(app)
    job_id = roster_jobs.submit(app, north, TWO_ROWS, "north.csv", "")
    seen: list[tuple[int, int]] = []
    real_issue = roster_jobs.issue

    def watched(*args: object, **kwargs: object) -> object:
        beat = kwargs["row_stored"]

        def stored() -> None:
            beat()
            job = roster_jobs.job(app, north, job_id)
            seen.append((job.stored, job.rendered))

        return real_issue(*args, **{**kwargs, "row_stored": stored})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(roster_jobs, "issue", watched)
        roster_jobs.run(app, job_id)
    assert seen == [(1, 0), (2, 0)]
    with zipfile.ZipFile(io.BytesIO(roster_jobs.zip_body(app, north, job_id))) as archive:
        assert sum(name.endswith(".pdf") for name in archive.namelist()) == 2


SIX_ROWS = ROSTER_HEAD + (  # six data rows (a blank line is none): two refused as the file is read
    "11,Ines Ruiz,2026-11-16,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    "12,Jon Berg,2026-11-16,no-such-protocol,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    "\n"
    "13,Kai Lund,2026-11-16,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    "14,Lea Holm,2026-11-16,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,11\n"
    "15,Mia Dahl,2026-11-16,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    "16,Noa Vik,2026-11-16,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
)


def test_progress_counts_every_data_row_of_the_file_refused_ones_included(db_url: str) -> None:
    app = Server(db_url, [NOW]).app
    north, _ = people(app)
    job_id = roster_jobs.submit(app, north, SIX_ROWS, "six.csv", "")
    queued = roster_jobs.job(app, north, job_id)
    assert (queued.rows, queued.refused, queued.done, queued.steps) == (6, 2, 2, 10)
    assert queued.label == "2 of 6 rows done (2 refused as the file was read), 0 of 4 handouts written"
    seen: list[str] = []
    real_issue = roster_jobs.issue

    def watched(*args: object, **kwargs: object) -> object:
        beat, rendered = kwargs["row_stored"], kwargs["progress"]

        def stored() -> None:
            beat()
            seen.append(roster_jobs.job(app, north, job_id).label)

        def written(results: Iterator[str], count: int) -> Iterator[str]:
            for result in rendered(results, count):
                seen.append(roster_jobs.job(app, north, job_id).label)
                yield result

        return real_issue(*args, **{**kwargs, "row_stored": stored, "progress": written})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(roster_jobs, "issue", watched)
        roster_jobs.run(app, job_id)
    assert seen[0] == "3 of 6 rows done (2 refused as the file was read), 0 of 4 handouts written"
    assert seen[3] == "6 of 6 rows done (2 refused as the file was read), 0 of 4 handouts written"
    assert seen[-1] == "6 of 6 rows done (2 refused as the file was read), 4 of 4 handouts written"
    done = roster_jobs.job(app, north, job_id)
    assert done.done == done.steps == 10
    assert [o.status for o in done.outcomes].count(RowStatus.FAILED) == 2 and len(done.outcomes) == 6


def test_the_job_page_and_its_polling_count_the_files_rows(clinic: Clinic) -> None:
    clinic.app.background = Held()
    _, job_page, north = upload(clinic, SIX_ROWS)
    words = "2 of 6 rows done (2 refused as the file was read), 0 of 4 handouts written"
    page = north.request("GET", job_page)[2]
    assert f'<span id="job-count">{words}</span>' in page
    assert '<progress id="job-progress" max="10" value="2">' in page
    progress = json.loads(north.request("GET", f"{job_page}.json")[2])
    assert (progress["rows"], progress["refused"], progress["label"]) == (6, 2, words)


def serve(db_url: str, now: dt.datetime) -> tuple[subprocess.Popen[str], int]:
    """A real `serve` process on the database, its clock stopped at `now`."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "serve", "--port", str(port), "--no-start-page"],
        env=cli_env(REHAB_PLANNER_DB=db_url, REHAB_PLANNER_TEST_NOW=now.isoformat()),
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, port


def log_lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The lines a server logs after its readiness line, as they come."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("Serving feeds on"):
            break
    stream = process.stderr
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    return lines


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_serve_processes_one_takes_the_upload_the_other_answers_and_finishes_it(clinic: Clinic) -> None:
    """Server A takes the upload and dies while issuing it (held on a lock the test keeps on the
    plans table, then killed); server B, whose clock is past A's heartbeat by more than STALE_AFTER,
    answers the job's progress meanwhile, then its background loop claims the job and finishes it:
    every row stored once, the report and zip served by B."""
    db_url = clinic.app.settings.database_url
    start = dt.datetime.fromisoformat(CLI_NOW)
    first, first_port = serve(db_url, start)
    second, second_port = serve(db_url, start + roster_jobs.STALE_AFTER + dt.timedelta(minutes=3))
    held = sa.create_engine(db_url)
    try:
        serving(first)
        second_log = log_lines(second)
        with held.connect() as lock:
            lock.execute(sa.text("LOCK TABLE plans IN EXCLUSIVE MODE"))  # reads pass, new plans wait
            uploader = Browserless(first_port)
            uploader.login("alex@north.example")
            uploader.request("GET", "/portal/roster")
            status, headers, _ = uploader.upload("/portal/roster", "roster", "six.csv", SIX_ROWS.encode())
            assert status == 303
            job_page = headers["location"]
            watcher = Browserless(second_port)
            assert watcher.login("bea@north.example") == 303
            progress = json.loads(watcher.request("GET", f"{job_page}.json")[2])
            assert progress["state"] in ("queued", "running")  # A has it, or is about to
            assert progress["label"] == (
                "2 of 6 rows done (2 refused as the file was read), 0 of 4 handouts written"
            )
            status, _, page = watcher.request("GET", job_page)
            assert status == 200 and progress["label"] in page
            first.kill()
            first.wait(timeout=30)
            lock.rollback()  # the plans table is free again; A's row, never committed, is gone
        line = second_log.get(timeout=120)
        assert line.startswith("rehab-planner: clinic list ") and "done (4 of 6 rows issued)" in line
        status, _, page = watcher.request("GET", job_page)
        assert status == 200 and "Issued: 4 of 6 rows." in page
        zipped = watcher.request("GET", f"{job_page}.zip")
        assert zipped[0] == 200 and zipped[1]["content-type"] == "application/zip"
        with clinic.app.store.read() as records:
            stored = records.roster_jobs.job(job_page.rsplit("/", 1)[1])
        names = [p.prescription.name for p in clinic.app.plans()[0]]
        assert stored is not None and stored.state is JobState.DONE and stored.attempts >= 1
        for name in ("Ines Ruiz", "Kai Lund", "Mia Dahl", "Noa Vik"):
            assert names.count(name) == 1  # stored once, by B
    finally:
        for process in (first, second):
            process.kill()
            process.wait(timeout=30)
        held.dispose()
