"""The throttles hold under concurrency (SQLite and PostgreSQL): parallel attempts from many
threads of one process, and from two processes at once, never get more than the limit checked,
because the count is taken and the attempt written inside one locked transaction."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
import sqlalchemy as sa

from planner.app.accounts import ACCOUNT_FAILURES, ADDRESS_FAILURES, Accounts
from planner.app.application import App
from planner.app.settings import Settings
from planner.app.throttle import LINK_FAILURES, START_PLANS
from planner.store.schema import login_attempts, plans
from tests.conftest import ROOT
from tests.throttle_worker import NOW, run

PASSWORD = "correct horse battery"
LIMITS = {
    "account": ACCOUNT_FAILURES,
    "address": ADDRESS_FAILURES,
    "start": START_PLANS[0].count,
    "link": LINK_FAILURES[0].count,
}


@pytest.fixture
def seeded(db_url: str) -> str:
    app = App.open(Settings(db=db_url), clock=lambda: NOW)
    Accounts(app).add_clinician("North", "alex@north.example", "Alex Morgan", PASSWORD, admin=True)
    return db_url


def rows(db_url: str, table: sa.Table) -> int:
    app = App.open(Settings(db=db_url), clock=lambda: NOW)
    with app.store.read() as records:
        return int(records.connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize("kind", ["account", "address", "start", "link"])
def test_parallel_threads_never_pass_more_than_the_limit(seeded: str, kind: str) -> None:
    attempts = LIMITS[kind] + 8
    outcomes = Counter(run(seeded, kind, attempts, wait=False))
    assert outcomes == {"checked": LIMITS[kind], "throttled": attempts - LIMITS[kind]}
    if kind == "start":
        assert rows(seeded, plans) == LIMITS[kind]
    if kind in ("account", "address"):
        assert rows(seeded, login_attempts) == LIMITS[kind]


@pytest.mark.parametrize("kind", ["account", "start"])
def test_two_processes_at_once_share_one_limit(seeded: str, kind: str) -> None:
    """Two server processes on one database, eight attempts each, released together."""
    worker_script = str(ROOT / "tests" / "throttle_worker.py")  # run as a script: the installed planner
    workers = [
        subprocess.Popen(
            [sys.executable, worker_script, seeded, kind, "8"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:  # each has opened the database and waits
        assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outcomes: Counter[str] = Counter()
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        outcomes.update(out.split())
    assert outcomes == {"checked": LIMITS[kind], "throttled": 16 - LIMITS[kind]}
