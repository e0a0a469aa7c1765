"""What a person types or a clinic edits, refused with a message that names the problem: the
prescription's week shape, typed values, TOML fields, `validate` on each kind of file; and the
settings and feed key every command starts from."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.app.feeds import FEED_KEY_ENV, load_feed_key
from planner.app.settings import Settings
from planner.core import parsing
from planner.core.exceptions import DataError, InputError
from planner.core.model import Prescription
from planner.core.prescription_checks import check, default_strength_days
from planner.data.fields import Fields, read_toml
from planner.data.validate import validate_path
from tests.conftest import ROOT
from tests.servers import cli_env

GOOD = Prescription(
    name="Ana",
    start=dt.date(2026, 3, 2),
    timezone="Europe/Lisbon",
    run_days=(1, 3, 6),
    strength_days=(2, 4),
    session_time=dt.time(7, 30),
    pain=2,
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "name is empty"),
        ({"run_days": ()}, "no run days"),
        ({"run_days": (1, 1)}, "run days must be distinct"),
        ({"strength_days": (2, 9)}, "strength days must be distinct"),
        ({"run_days": (1, 2)}, "run days mon,tue are consecutive"),
        ({"run_days": (1, 7), "strength_days": (3, 5)}, "run days mon,sun are consecutive"),
        ({"strength_days": (2,)}, "two or three days"),
        ({"strength_days": (2, 3), "run_days": (1, 5)}, "strength days tue,wed are consecutive"),
        ({"strength_days": (2, 6)}, "sat is both a run day and a strength day"),
        ({"pain": 11}, "pain must be 0-10"),
    ],
)
def test_prescription_checks_name_the_problem(changes: dict[str, object], message: str) -> None:
    check(GOOD)
    with pytest.raises(InputError, match=message):
        check(attrs.evolve(GOOD, **changes))  # type: ignore[arg-type]


def test_no_room_for_strength_days() -> None:
    with pytest.raises(InputError, match="no room for strength days"):
        default_strength_days((1, 2, 3, 4, 5), 2)


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (lambda t: parsing.parse_time(t), "24:00", "not a time"),
        (lambda t: parsing.parse_time(t), "7.30", "not a time"),
        (lambda t: parsing.parse_days(t, "run days"), "mon,funday", "'funday' is not a weekday"),
        (lambda t: parsing.parse_days(t, "run days"), "mon,Monday", "'Monday' is given twice"),
        (lambda t: parsing.parse_zone(t), "../etc/passwd", "not a time zone name"),
        (lambda t: parsing.parse_zone(t), "localtime", "not a time zone name"),
        (lambda t: parsing.parse_zone(t), "Mars/Olympus", "unknown time zone"),
        (lambda t: parsing.parse_text(t, "note", limit=5), "far too long", "longer than 5"),
        (lambda t: parsing.parse_text(t, "note", limit=50), "bell\x07", "control characters"),
        (lambda t: parsing.parse_text(t, "name", limit=50, required=True), "  ", "visible character"),
        (
            lambda t: parsing.parse_text(t, "name", limit=50, required=True),
            "\u200b\u200b",
            "visible character",
        ),
        (lambda t: parsing.parse_text(t, "name", limit=50), "Ana\udcff", "not valid UTF-8"),
        (lambda t: parsing.parse_base_url(t), "plans.example.org", "must look like https"),
        (lambda t: parsing.parse_base_url(t), "https://plans.example.org\r\nSet-Cookie: x", "control"),
        (lambda t: parsing.parse_date(t, "start"), "2026-02-30", "not a real date"),
    ],
)
def test_typed_values_are_refused_with_the_field(parse, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse(text)


def test_days_parse_full_names_and_skip_blanks() -> None:
    assert parsing.parse_days("Saturday, , monday", "run days") == (1, 6)


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (lambda f: f.text("x"), 3, "must be text"),
        (lambda f: f.text("x", choices=("a", "b")), "c", "unknown value 'c'"),
        (lambda f: f.number("x", low=0, high=1), "1", "must be a number"),
        (lambda f: f.number("x", low=0, high=1), 2.5, "2.5 is outside 0-1"),
        (lambda f: f.flag("x"), "yes", "must be true or false"),
        (lambda f: f.texts("x"), ["a", ""], "list of non-empty texts"),
        (lambda f: f.texts("x"), [], "must not be empty"),
        (lambda f: f.tables("x"), [], "non-empty list of tables"),
    ],
)
def test_toml_fields_name_file_entry_and_field(read, value: object, message: str) -> None:
    fields = Fields({"x": value}, file="clinic.toml", entry="clinic")
    with pytest.raises(DataError, match=f"clinic.toml: clinic: x: .*{message}"):
        read(fields)


def test_unreadable_and_non_utf8_toml(tmp_path: Path) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "Jos\xe9"\n'.encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8 text"):
        read_toml(latin)
    with pytest.raises(DataError, match="cannot be read"):
        read_toml(tmp_path / "missing.toml")


def test_validate_each_kind_of_file(tmp_path: Path) -> None:
    assert "exercises" in validate_path(ROOT / "exercises" / "core.toml")
    assert "valid (" in validate_path(ROOT / "templates" / "protocols" / "lbp-return-to-run.toml")
    assert "Riverside" in validate_path(ROOT / "templates" / "clinic-example.toml")
    assert "protocols in all" in validate_path(ROOT / "templates")
    other = tmp_path / "other.toml"
    other.write_text('title = "not ours"\n')
    with pytest.raises(DataError, match="not an exercise, pose, protocol, measure or clinic file"):
        validate_path(other)
    with pytest.raises(DataError, match="no such file or folder"):
        validate_path(tmp_path / "nope.toml")


def test_feed_key_is_made_once_private_and_reused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(FEED_KEY_ENV)
    key_file = tmp_path / "keys" / "feed.key"
    first = load_feed_key(key_file)
    assert len(first) >= 32 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_feed_key(key_file) == first
    monkeypatch.setenv(FEED_KEY_ENV, "from-the-environment-from-the-environment")
    assert load_feed_key(key_file) == b"from-the-environment-from-the-environment"
    monkeypatch.setenv(FEED_KEY_ENV, "short")
    with pytest.raises(InputError, match="at least 32 bytes"):
        load_feed_key(key_file)


def test_many_processes_making_the_feed_key_at_once_agree(tmp_path: Path) -> None:
    key_file = tmp_path / "feed.key"
    code = (
        "import sys; from pathlib import Path; from planner.app.feeds import load_feed_key; "
        "sys.stdout.write(load_feed_key(Path(sys.argv[1])).decode())"
    )
    env = {k: v for k, v in os.environ.items() if k != FEED_KEY_ENV}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(key_file)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    keys = {proc.communicate(timeout=60)[0] for proc in procs}
    assert len(keys) == 1 and len(keys.pop()) >= 32
    assert [p.name for p in tmp_path.iterdir()] == ["feed.key"]  # no temporary file left behind


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("REHAB_PLANNER_DB", raising=False)
    settings = Settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'rehab-planner' / 'plans.db'}"
    assert settings.feed_key_file == tmp_path / "rehab-planner" / "feed.key"
    assert Settings(db="~/x.db").database_url == f"sqlite:///{Path(os.path.expanduser('~/x.db'))}"
    assert Settings(db="postgresql+psycopg://h/db").database_url == "postgresql+psycopg://h/db"


def test_bad_input_at_the_edges_is_one_line_and_exit_2(run, tmp_path: Path) -> None:
    plan_id = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-11-23").out.split()[
        -1
    ]
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 3000 + "1" + "]" * 3000 + "\n")
    cases = [
        ["plan", "create", "--protocol", "lbp-return-to-run", "--start", "0001-01-01"],
        ["plan", "create", "--protocol", "lbp-return-to-run", "--start", "9999-12-31"],
        ["plan", "show", plan_id, "--as-of", "9999-12-31"],
        [
            "plan",
            "create",
            "--protocol",
            "lbp-return-to-run",
            "--start",
            "2026-11-23",
            "--name",
            "\u200b\u200b",
        ],
        ["--base-url", "plans.example.org", "feed", "url", plan_id],
        ["--base-url", "https://x.example\r\nX: y", "feed", "url", plan_id],
        ["--db", "mysql://x/y", "plan", "list"],
        ["--db", "postgresql://x/y", "plan", "list"],
        ["validate", str(deep)],
    ]
    for args in cases:
        result = run(*args)
        assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err, (
            args,
            result,
        )


def test_serve_on_an_impossible_address_is_one_line(tmp_path: Path) -> None:
    env = cli_env(REHAB_PLANNER_DB=str(tmp_path / "s.db"))
    done = subprocess.run(
        [sys.executable, "-m", "planner", "serve", "--host", "999.1.1.1", "--port", "8799"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "999.1.1.1" in done.stderr and "Traceback" not in done.stderr


def test_long_clinic_text_is_refused_on_load(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('[clinic]\nname = "' + "x" * 20000 + '"\n')
    with pytest.raises(DataError, match="longer than 1000 characters"):
        validate_path(clinic)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    name=st.binary(min_size=1, max_size=12).filter(lambda b: b"\x00" not in b),  # argv cannot hold NUL
    url=st.text(st.characters(blacklist_characters="\x00"), max_size=30),
)
def test_any_bytes_dates_and_urls_from_a_shell(
    tmp_path_factory, start: dt.date, name: bytes, url: str
) -> None:
    """A real process, argv as raw bytes (not always UTF-8): one line and exit 2, or success."""
    folder = tmp_path_factory.mktemp("argv")
    env = cli_env(REHAB_PLANNER_DB=str(folder / "a.db"))
    argv = [
        sys.executable.encode(),
        b"-m",
        b"planner",
        b"--base-url",
        url.encode("utf-8", "surrogatepass"),
        b"plan",
        b"create",
        b"--protocol",
        b"lbp-return-to-run",
        b"--start",
        f"{start:%Y-%m-%d}".encode(),
        b"--name",
        name,
    ]
    done = subprocess.run(argv, env=env, capture_output=True, timeout=60)
    assert done.returncode in (0, 2), done.stderr
    assert b"Traceback" not in done.stderr and done.stderr.count(b"\n") <= 1
