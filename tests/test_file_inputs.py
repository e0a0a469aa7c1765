"""Every file the program reads is a regular file under a size limit: FIFOs, devices, folders,
links to them, loops of links and huge files are refused in one line before anything is read
(hypothesis picks the reader and the kind of file, each call under a timeout); a logo is decoded
to the last pixel before anything is stored; loops of links, malformed database URLs and a time
zone that names a folder are one line and exit 2; a refused `feed url` stores nothing; Ctrl-C is
one line and exit 130."""

from __future__ import annotations

import os
import re
import signal
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from planner.core.exceptions import PlannerError
from planner.data.branding import load_branding
from planner.data.catalog import load_catalog
from planner.data.fields import read_toml
from planner.data.paths import MAX_DATA_BYTES, read_regular
from planner.data.validate import validate_path
from tests.conftest import ROOT, stored_plans
from tests.servers import cli_env

CLINIC_TOML = '[clinic]\nname = "Riverside"\nlogo = "logo.png"\n'


def hostile(folder: Path, kind: str, name: str) -> Path:
    """A file of `kind` at folder/name, in place of the regular file a reader expects."""
    path = folder / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to a fifo":
        os.mkfifo(folder / f"pipe-{name}")
        path.symlink_to(folder / f"pipe-{name}")
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "/dev/null":
        path.symlink_to("/dev/null")
    elif kind == "loop":
        path.symlink_to(folder / f"back-{name}")
        (folder / f"back-{name}").symlink_to(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        with path.open("wb") as handle:  # sparse: 100 MB on paper, nothing on disk
            handle.truncate(100 * 1024 * 1024)
    return path


KINDS = ["fifo", "link to a fifo", "link to /dev/zero", "/dev/null", "loop", "folder", "huge"]


def within(seconds: float, work: Callable[[], Any]) -> BaseException | None:
    """Run `work` in a thread; what it raised (None for nothing); fail if it has not ended in time."""
    outcome: list[BaseException | None] = []

    def body() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, "the reader hung"
    return outcome[0]


def clinic_with_logo(folder: Path, kind: str) -> None:
    (folder / "clinic.toml").write_text(CLINIC_TOML)
    hostile(folder, kind, "logo.png")
    load_branding(folder / "clinic.toml")


def clinic_data_entry(folder: Path, kind: str) -> None:
    (folder / "exercises").mkdir()
    hostile(folder / "exercises", kind, "extra.toml")
    load_catalog((folder,))


READERS: dict[str, Callable[[Path, str], Any]] = {
    "TOML": lambda folder, kind: read_toml(hostile(folder, kind, "data.toml")),
    "clinic file": lambda folder, kind: load_branding(hostile(folder, kind, "clinic.toml")),
    "logo": clinic_with_logo,
    "clinic-data entry": clinic_data_entry,
    "any file": lambda folder, kind: read_regular(hostile(folder, kind, "any"), MAX_DATA_BYTES),
    "validate": lambda folder, kind: validate_path(hostile(folder, kind, "extra.toml")),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reader=st.sampled_from(sorted(READERS)), kind=st.sampled_from(KINDS), n=st.integers(0, 10**9))
def test_every_reader_refuses_what_is_not_a_regular_file_at_once(
    tmp_path: Path, reader: str, kind: str, n: int
) -> None:
    folder = tmp_path / str(n)
    folder.mkdir(exist_ok=True)
    if any(folder.iterdir()):
        return  # hypothesis drew the same folder twice
    raised = within(10, lambda: READERS[reader](folder, kind))
    assert isinstance(raised, PlannerError), (reader, kind, raised)
    message = str(raised)
    assert "\n" not in message and len(message) < 300
    expected = {
        "fifo": "a named pipe",
        "link to a fifo": "a named pipe",
        "link to /dev/zero": "a character device",
        "/dev/null": "a character device",
        "loop": "loop of symbolic links",
        "folder": "a folder",
        "huge": "larger than",
    }[kind]
    folder_read_as_data = kind == "folder" and reader in ("clinic-data entry", "validate")
    assert expected in message or folder_read_as_data, message


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_a_logo_are_refused_in_one_line_or_accepted(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "clinic.toml").write_text(CLINIC_TOML)
        (folder / "logo.png").write_bytes(data)
        raised = within(10, lambda: load_branding(folder / "clinic.toml"))
        assert raised is None or (isinstance(raised, PlannerError) and "\n" not in str(raised))


def corrupt_png(path: Path) -> None:
    """A PNG whose header and every chunk checksum are right but whose pixel data is not a valid
    zlib stream: only decoding every pixel finds it."""
    Image.new("RGB", (120, 60), "teal").save(path)
    data = bytearray(path.read_bytes())
    start = data.index(b"IDAT") - 4
    length = struct.unpack(">I", data[start : start + 4])[0]
    body = bytearray(data[start + 8 : start + 8 + length])
    body[2:] = bytes(b ^ 0x5A for b in body[2:])
    crc = struct.pack(">I", zlib.crc32(b"IDAT" + bytes(body)) & 0xFFFFFFFF)
    data[start + 8 : start + 8 + length + 4] = bytes(body) + crc
    path.write_bytes(bytes(data))


def test_a_logo_with_corrupt_pixels_fails_validate_and_issue_stores_nothing(
    run, db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "clinic.toml").write_text(CLINIC_TOML)
    corrupt_png(tmp_path / "logo.png")
    Image.open(tmp_path / "logo.png").verify()  # the checksums alone pass
    result = run("validate", str(tmp_path / "clinic.toml"))
    assert result.code == 2 and "is not a readable PNG or JPEG image" in result.err
    assert result.err.count("\n") == 1
    roster = ROOT / "templates" / "roster-example.csv"
    out = tmp_path / "out"
    result = run(
        "issue", "--roster", str(roster), "--out", str(out), "--clinic", str(tmp_path / "clinic.toml")
    )
    assert result.code == 2 and result.err.count("\n") == 1 and stored_plans(db_url) == []


@pytest.mark.parametrize("option", ["--clinic", "--roster"])
def test_issue_refuses_a_fifo_in_one_line(run, db_url: str, tmp_path: Path, option: str) -> None:
    fifo = hostile(tmp_path, "fifo", "input")
    args = {"--roster": str(ROOT / "templates" / "roster-example.csv"), "--clinic": None}
    args[option] = str(fifo)
    given_args = [part for key, value in args.items() if value for part in (key, value)]
    result = run("issue", *given_args, "--out", str(tmp_path / "out"))
    assert result.code == 2 and "a named pipe (FIFO), not a regular file" in result.err
    assert result.err.count("\n") == 1 and stored_plans(db_url) == []


def test_loops_bad_urls_and_folder_zones_are_one_line_and_exit_2(run, tmp_path: Path) -> None:
    loop = hostile(tmp_path, "loop", "loop.db")
    created = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02")
    plan_id = created.out.split()[-1]
    cases = [
        ["--db", str(loop), "plan", "list"],
        ["--db", "postgresql+psycopg://x:y@[::1/db", "plan", "list"],
        ["export", "ics", plan_id, "-o", str(loop)],
        ["plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--tz", "Europe"],
    ]
    for args in cases:
        result = run(*args) if args[0] != "--db" else run_without_db(args)
        assert result.code == 2 and result.err.count("\n") == 1, (args, result)
        assert "Traceback" not in result.err and "tzdata" not in result.err


def run_without_db(args: list[str]) -> Any:
    from click.testing import CliRunner

    from planner.cli import cli
    from tests.conftest import Result

    result = CliRunner().invoke(cli, args)
    return Result(result.exit_code, result.stdout, result.stderr)


def test_a_refused_feed_url_stores_no_token(run, db_url: str) -> None:
    from planner.store.database import Store

    plan_id = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02").out.split()[
        -1
    ]
    result = run("--base-url", "ftp://plans.example.org", "feed", "url", plan_id)
    assert result.code == 2 and result.err.count("\n") == 1
    with Store.open(db_url).read() as records:
        assert records.active_token_count(plan_id) == 0


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """A real SIGINT while `clinician add` waits at its password prompt."""
    env = cli_env(XDG_DATA_HOME=str(tmp_path), HOME=str(tmp_path))
    env.pop("REHAB_PLANNER_PASSWORD", None)
    command = [sys.executable, "-m", "planner", "--db", str(tmp_path / "p.db"), "clinician", "add"]
    process = subprocess.Popen(
        [*command, "--clinic", "North", "--email", "a@north.example"],
        env=env,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stderr is not None
    prompt = b""
    while not prompt.endswith(b"Password (12 characters or more): "):  # it now waits for the password
        byte = process.stderr.read(1)
        assert byte, f"the command ended before its prompt: {prompt!r}"
        prompt += byte
    assert b"GetPassWarning" not in prompt, prompt  # never Python's own warning line, even without a tty
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert re.fullmatch(rb"\n?rehab-planner: error: interrupted \(Ctrl-C\)\n", err), err
