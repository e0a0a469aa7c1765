"""Nothing is lost: schema upgrades keep data, interrupted writes keep the old file, bad clinic
files are reported, not crashed on."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.clinic import load_clinic
from planner.exceptions import DataError
from planner.files import write_atomic
from planner.model import Prescription
from planner.store import SCHEMA_VERSION, Store
from tests.conftest import ROOT

VERSION_1 = [
    "CREATE TABLE meta (key VARCHAR(40) PRIMARY KEY, value VARCHAR(200) NOT NULL)",
    "INSERT INTO meta VALUES ('schema_version', '1')",
    "CREATE TABLE plans (id VARCHAR(32) PRIMARY KEY, name VARCHAR(200) NOT NULL, "
    "protocol_id VARCHAR(100) NOT NULL, prescription TEXT NOT NULL, created_at VARCHAR(32) NOT NULL, "
    "revised_at VARCHAR(32) NOT NULL, roster_key VARCHAR(200) UNIQUE)",
    "CREATE TABLE event_sequences (plan_id VARCHAR(32) NOT NULL, uid VARCHAR(200) NOT NULL, sequence INTEGER "
    "NOT NULL, fingerprint VARCHAR(64) NOT NULL, cancelled_at VARCHAR(32), PRIMARY KEY (plan_id, uid))",
    """INSERT INTO plans VALUES ('0ld91an5', 'Ana', 'lbp-return-to-run',
    '{"name": "Ana", "start": "2026-03-02", "timezone": "Europe/Lisbon", "run_days": [1, 3, 6],
    "strength_days": [2, 4], "session_time": "07:30",
    "pain": 2, "red_flags": [], "hold_running_until": null, "goal": ""}', '2026-03-01T10:00:00+00:00',
    '2026-03-01T10:00:00+00:00', NULL)""",
    "INSERT INTO event_sequences VALUES ('0ld91an5', 'x@rehab-planner', 4, 'abc', NULL)",
]


def test_version_1_database_is_upgraded_without_loss(db_url) -> None:
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        for statement in VERSION_1:
            connection.execute(sa.text(statement))
    engine.dispose()
    store = Store.open(db_url)
    assert store.schema_version() == SCHEMA_VERSION
    plan = store.plan("0ld91an5")
    assert plan.prescription.name == "Ana" and plan.prescription.run_days == (1, 3, 6)
    sync = store.sync_events("0ld91an5", {}, dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
    assert sync.states["x@rehab-planner"].sequence == 5  # the counter continued, now cancelled
    assert Store.open(db_url).schema_version() == SCHEMA_VERSION  # opening again changes nothing


def test_newer_database_is_refused(db_url) -> None:
    Store.open(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(Exception, match="newer than this program"):
        Store.open(db_url)


def test_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "plan.ics"
    target.write_bytes(b"previous calendar")

    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new" * 100_000)
    assert target.read_bytes() == b"previous calendar"
    assert list(tmp_path.iterdir()) == [target]


def test_interrupted_cli_export_keeps_old_pdf(run, tmp_path, monkeypatch) -> None:
    plan_id = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02").out.split()[
        -1
    ]
    target = tmp_path / "handout.pdf"
    target.write_bytes(b"%PDF old")
    monkeypatch.setattr(os, "fsync", lambda _: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    result = run("export", "pdf", plan_id, "-o", str(target))
    assert result.code != 0 and "No space left" in result.err and "Traceback" not in result.err
    assert target.read_bytes() == b"%PDF old" and not list(tmp_path.glob(".handout.pdf.*"))


def test_written_files_get_normal_permissions(tmp_path) -> None:
    fresh = tmp_path / "new.ics"
    write_atomic(fresh, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    write_atomic(kept, b"new")
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_bytes() == b"new"


def test_check_in_rejected_changes_nothing(run, db_url) -> None:
    plan_id = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02").out.split()[
        -1
    ]
    store = Store.open(db_url)
    before = (store.plan(plan_id), store.checkins(plan_id))
    assert run("checkin", plan_id, "--date", "2026-03-04", "--red-flag", "tired").code == 2
    assert (store.plan(plan_id), store.checkins(plan_id)) == before


CLINIC_FIELDS = ["name", "clinician", "address", "phone", "email", "website", "logo", "accent", "colour"]
toml_values = st.one_of(
    st.text(max_size=20).map(lambda t: '"' + t.replace("\\\\", "").replace('"', "") + '"'),
    st.integers(-5, 5).map(str),
    st.sampled_from(["true", "[1, 2]", "{}", '"#12ab9f"', '"clinic-logo.png"', '"x.gif"']),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(CLINIC_FIELDS), toml_values, max_size=6), st.booleans())
def test_any_clinic_file_loads_or_names_the_problem(tmp_path: Path, fields, with_header) -> None:
    (tmp_path / "clinic-logo.png").write_bytes((ROOT / "templates" / "clinic-logo.png").read_bytes())
    body = ("[clinic]\n" if with_header else "") + "".join(f"{k} = {v}\n" for k, v in fields.items())
    path = tmp_path / "clinic.toml"
    path.write_text(body, encoding="utf-8")
    try:
        clinic = load_clinic(path)
    except DataError as error:
        assert str(path) in str(error) and "\n" not in str(error)
    else:
        assert clinic.name and clinic.accent.startswith("#")


def test_prescription_round_trip_through_the_store(db_url) -> None:
    store = Store.open(db_url)
    rx = Prescription(
        name="Ωmega Юлия",
        start=dt.date(2026, 3, 2),
        timezone="Asia/Tokyo",
        run_days=(2, 4, 7),
        strength_days=(1, 5),
        session_time=dt.time(5, 45),
        pain=3,
        red_flags=(),
        hold_running_until=dt.date(2026, 3, 20),
        goal="Parkrun",
    )
    plan_id = store.create_plan("lbp-return-to-run", rx, dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    assert store.plan(plan_id).prescription == rx
