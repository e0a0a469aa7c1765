"""Nothing is lost: schema upgrades keep data, interrupted writes keep the old file, bad clinic
files are reported, not crashed on."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.app.atomic_files import write_atomic
from planner.cli import cli
from planner.core.exceptions import DataError, InputError
from planner.core.model import Prescription
from planner.data.branding import load_branding
from planner.store.database import Store
from tests.conftest import ROOT, stored_checkins, stored_plans


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
    before = (stored_plans(db_url), stored_checkins(db_url, plan_id))
    assert run("checkin", plan_id, "--date", "2026-03-04", "--red-flag", "tired").code == 2
    assert (stored_plans(db_url), stored_checkins(db_url, plan_id)) == before


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
        clinic = load_branding(path)
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
    with store.write() as records:
        plan_id = records.create_plan("lbp-return-to-run", rx, dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    with store.read() as records:
        assert records.plan(plan_id).prescription == rx


def test_a_logo_must_be_a_real_image_of_sensible_size(tmp_path: Path) -> None:
    from PIL import Image

    clinic = tmp_path / "clinic.toml"
    clinic.write_text('[clinic]\nname = "Riverside"\nlogo = "logo.png"\n')
    (tmp_path / "logo.png").write_bytes(b"not an image at all")
    with pytest.raises(DataError, match="not a readable PNG or JPEG"):
        load_branding(clinic)
    Image.new("1", (20000, 20000)).save(tmp_path / "logo.png")  # a few KB on disk, 400 megapixels
    with pytest.raises(DataError, match="pixels"):
        load_branding(clinic)
    Image.new("RGB", (120, 60), "teal").save(tmp_path / "logo.png")
    assert load_branding(clinic).logo == (tmp_path / "logo.png").resolve()
    clinic.write_text('[clinic]\nname = "Riverside"\nlogo = "lo\\u0000go.png"\n')
    with pytest.raises(DataError, match="NUL"):
        load_branding(clinic)


def test_a_damaged_plan_row_fails_alone(run, db_url) -> None:
    good = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-11-23").out.split()[-1]
    bad = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-11-23").out.split()[-1]
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE plans SET prescription = '{not json' WHERE id = :id"), {"id": bad})
    engine.dispose()
    listing = run("plan", "list")
    assert (
        listing.code == 0
        and good in listing.out
        and f"plan {bad}: its stored record is damaged" in listing.err
    )
    shown = run("plan", "show", bad)
    assert shown.code == 2 and shown.err.count("\n") == 1 and "damaged" in shown.err
    assert run("plan", "show", good).code == 0 and run("export", "ics", good).code == 0


def test_writing_follows_a_link_and_refuses_special_files(tmp_path: Path) -> None:
    real = tmp_path / "real.ics"
    real.write_bytes(b"old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(fifo, b"x")
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(tmp_path, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ics", "pipe.ics", "real.ics"]


def test_a_misspelt_clinic_folder_is_an_error(run, tmp_path: Path) -> None:
    result = run("--clinic-data", str(tmp_path / "clinic-dta"), "protocols", "list")
    assert result.code == 2 and "no such clinic folder" in result.err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "needs an exercises/, protocols/ or measures/" in run("validate", str(empty)).err


def test_a_read_only_database_can_still_be_read(run, db_url, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a read-only SQLite file is opened with mode=ro")
    plan_id = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-11-23").out.split()[
        -1
    ]
    read_only = f"sqlite:///file:{db_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    runner = CliRunner()
    listing = runner.invoke(cli, ["--db", read_only, "plan", "list"])
    assert listing.exit_code == 0 and plan_id in listing.stdout
    assert runner.invoke(cli, ["--db", read_only, "plan", "show", plan_id]).exit_code == 0
    exported = runner.invoke(cli, ["--db", read_only, "export", "ics", plan_id])
    assert exported.exit_code == 0 and exported.stdout.startswith("BEGIN:VCALENDAR")
    refused = runner.invoke(
        cli, ["--db", read_only, "plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-11-23"]
    )
    assert refused.exit_code != 0 and "Traceback" not in refused.stderr
