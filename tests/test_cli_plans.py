"""plan create / list / show / checkin against a real SQLite file, and the store underneath."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa

from planner.data.catalog import builtin_catalog
from planner.store.database import Store
from tests.conftest import stored_checkins, stored_plans
from tests.invariants import check_plan
from tests.servers import cli_env

CREATE = [
    "plan",
    "create",
    "--protocol",
    "lbp-return-to-run",
    "--start",
    "2026-03-02",
    "--name",
    "Zoë Ødegård",
    "--tz",
    "Europe/Oslo",
    "--run-days",
    "mon,wed,sat",
    "--time",
    "18:00",
]


def create(run) -> str:
    return create_with(run)


def create_with(run, *extra: str) -> str:
    result = run(*CREATE, *extra)
    assert result.code == 0, result.err
    return result.out.strip().splitlines()[-1]


def test_create_show_checkin(run) -> None:
    plan_id = create(run)
    assert plan_id in run("plan", "list").out
    shown = json.loads(run("plan", "show", plan_id, "--format", "json", "--as-of", "2026-03-20").out)
    assert shown["prescription"]["name"] == "Zoë Ødegård" and shown["protocol"] == "lbp-return-to-run"
    goal = create_with(run, "--goal", "  Oslo   10K in May ")
    assert (
        json.loads(run("plan", "show", goal, "--format", "json").out)["prescription"]["goal"]
        == "Oslo 10K in May"
    )
    first = shown["sessions"][0]
    assert set(first) >= {"date", "start", "minutes", "kind", "level", "blocks", "status", "decisions"}
    assert first["start"] == "18:00" and first["decisions"][0]["source"]
    assert run("checkin", plan_id, "--date", "2026-03-11", "--flare-up", "--pain-during", "6").code == 0
    assert run("checkin", plan_id, "--date", "2026-03-14", "--red-flag", "saddle-numbness").code == 0
    after = json.loads(run("plan", "show", plan_id, "--format", "json", "--as-of", "2026-03-20").out)
    kinds = [s["kind"] for s in after["sessions"] if s["date"] > "2026-03-11"]
    assert "cross-training" in kinds and kinds[-1] == "referral" and "run-walk" not in kinds
    check_plan(
        after,
        builtin_catalog().protocol("lbp-return-to-run"),
        [
            {"date": "2026-03-11", "flare_up": True, "pain_during": 6},
            {"date": "2026-03-14", "red_flags": ["saddle-numbness"]},
        ],
        dt.date(2026, 3, 20),
    )
    table = run("plan", "show", plan_id, "--as-of", "2026-03-20").out
    assert "Week 1" in table and "why:" in table and "Not medical advice" in table


def test_rejected_input_stores_nothing(run, db_url) -> None:
    plan_id = create(run)
    bad = [
        [*CREATE[:5], "2026-02-30"],
        [*CREATE, "--pain", "11"],
        [*CREATE[:-4], "--run-days", ""],
        [*CREATE[:-4], "--run-days", "mon,tue"],
        [*CREATE, "--red-flag", "tired"],
        [*CREATE[:-6], "--tz", "Nowhere/Land"],
        [*CREATE, "--goal", "x" * 201],
        ["checkin", plan_id, "--date", "2026-03-04", "--pain-during", "11"],
        ["checkin", plan_id, "--date", "2026-02-01"],
        ["checkin", plan_id, "--date", "2099-01-01"],
        ["checkin", "nope", "--date", "2026-03-04"],
        ["plan", "show", "nope"],
    ]
    before = (len(stored_plans(db_url)), len(stored_checkins(db_url, plan_id)))
    for args in bad:
        result = run(*args)
        assert result.code == 2 and result.err.count("\n") == 1, (args, result)
    assert (len(stored_plans(db_url)), len(stored_checkins(db_url, plan_id))) == before


def test_two_processes_checking_in_at_once_keep_both(run, db_url, tmp_path) -> None:
    plan_id = create(run)
    env = cli_env(REHAB_PLANNER_DB=db_url)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "planner", "checkin", plan_id, "--date", day, "--pain-during", "2"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in ("2026-03-02", "2026-03-04", "2026-03-07", "2026-03-09")
    ]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    assert len(stored_checkins(db_url, plan_id)) == 4


def test_sqlite_runs_in_wal_mode(db_url, run) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("WAL is a SQLite setting")
    create(run)
    with Store.open(db_url).engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_opening_a_new_database_from_two_places_at_once_waits(tmp_path) -> None:
    """Switching a new file to WAL does not wait for SQLite's busy timeout; two processes opening a
    new database at once (two roster runs) used to fail with "database is locked"."""
    for trial in range(40):
        url = f"sqlite:///{tmp_path / f'{trial}.db'}"
        barrier = threading.Barrier(3)

        def open_store(url: str = url, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            Store.open(url).engine.dispose()

        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            for opened in [pool.submit(open_store) for _ in range(3)]:
                opened.result()


def test_only_a_clinicians_recorded_assessment_clears_a_red_flag(run, db_url) -> None:
    plan_id = create(run)
    assert run("checkin", plan_id, "--date", "2026-03-04", "--red-flag", "fever").code == 0
    assert run("checkin", plan_id, "--date", "2026-03-04", "--pain-during", "0").code == 0
    shown = json.loads(run("plan", "show", plan_id, "--format", "json", "--as-of", "2026-03-06").out)
    assert shown["referred"] and shown["sessions"][-1]["kind"] == "referral"
    refused = run("plan", "clear-red-flag", plan_id, "--by", "Alex Morgan", "--note", " ")
    assert refused.code == 2 and "note" in refused.err
    cleared = run("plan", "clear-red-flag", plan_id, "--by", "Alex Morgan", "--note", "Infection ruled out")
    assert cleared.code == 0, cleared.err
    again = run("plan", "clear-red-flag", plan_id, "--by", "Alex Morgan", "--note", "twice")
    assert again.code == 2 and "no red flag waiting" in again.err
    with Store.open(db_url).read() as records:
        (action,) = records.actions(plan_id)
    assert action.by == "Alex Morgan" and action.note == "Infection ruled out"
    after = json.loads(run("plan", "show", plan_id, "--format", "json").out)
    assert not after["referred"] and any(
        d["rule"] == "red-flag-cleared" for s in after["sessions"] for d in s["decisions"]
    )


def test_a_warning_sign_or_a_flare_up_is_answered_on_the_command_line(run) -> None:
    """The report is stored (exit 0) and the receipt says what to do now, from the same table as the
    phone page: the emergency advice for a cauda-equina sign, the pause for a flare-up."""
    plan_id = create(run)
    flare = run("checkin", plan_id, "--date", "2026-03-04", "--pain-during", "6", "--flare-up")
    assert flare.code == 0 and "RUNNING IS PAUSED" in flare.out and "If the pain gets worse" in flare.out
    red = run("checkin", plan_id, "--date", "2026-03-05", "--red-flag", "saddle-numbness")
    assert red.code == 0 and red.out.startswith("Recorded check-in")
    assert "GET HELP NOW: THIS IS AN EMERGENCY" in red.out and "Go to an emergency department now" in red.out
    assert "Call 112 (emergency)" in red.out  # the plan lives in Europe/Oslo
    plain = run("checkin", plan_id, "--date", "2026-03-06", "--pain-during", "1")
    assert plain.code == 0 and plain.out.count("\n") == 1  # an ordinary report: the receipt alone


def test_stiffness_is_reported_from_the_command_line(run) -> None:
    plan_id = create(run)
    assert (
        run("checkin", plan_id, "--date", "2026-03-02", "--pain-during", "1", "--stiff-or-swollen").code == 0
    )
    shown = json.loads(run("plan", "show", plan_id, "--format", "json", "--as-of", "2026-03-03").out)
    assert any(d["rule"] == "stiffness" for s in shown["sessions"] for d in s["decisions"])


def test_the_command_line_lives_at_the_instant_tests_give_it(run, db_url) -> None:
    """REHAB_PLANNER_TEST_NOW (for tests only) is every command's "now": the plan is projected from
    that day on; a value without its offset is one line and exit 2, and nothing is opened."""
    plan_id = create(run)
    env = cli_env(REHAB_PLANNER_DB=db_url, REHAB_PLANNER_TEST_NOW="2026-03-10T09:00:00+01:00")
    shown = subprocess.run(
        [sys.executable, "-m", "planner", "plan", "show", plan_id, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    sessions = json.loads(shown.stdout)["sessions"]
    first_projected = next(s["date"] for s in sessions if s["projected"])
    assert "2026-03-10" <= first_projected <= "2026-03-14"
    assert all(not s["projected"] for s in sessions if s["date"] < "2026-03-10")
    env["REHAB_PLANNER_TEST_NOW"] = "2026-03-10 09:00"
    refused = subprocess.run(
        [sys.executable, "-m", "planner", "plan", "list"], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "REHAB_PLANNER_TEST_NOW" in refused.stderr
