"""Clinic day: rosters with good and bad rows, idempotent re-issue, the index, and the demo."""

from __future__ import annotations

import csv
import io
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pypdf
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.exceptions import DataError
from planner.data.catalog import builtin_catalog
from planner.data.roster import REQUIRED, parse_roster
from planner.store.database import Store
from tests.calendar_checks import parse_everywhere
from tests.conftest import ROOT, stored_plans
from tests.servers import cli_env

HEADER = (
    "name,start,protocol,run_days,strength_days,time,tz,pain,patient_id,hold_running_until,red_flags,notes\n"
)
NAMES = [
    "Zofia Wójcik",
    "Liam O'Connor",
    "Αθηνά Παππά",
    "Иван Петров",
    "María José García",
    "Chen Wei",
    "Ana Lima",
    "Ola Nordmann",
    "Jan Novák",
    "Aiko Tanaka",
    "Kofi Mensah",
    "Sara Cohen",
    "Emma Müller",
    "Lars Berg",
    "Nina Rossi",
    "Omar Haddad",
    "Priya Nair",
    "Tom Evans",
    "Eva Kovács",
    "Leo Martin",
]


def good_row(i: int, name: str) -> str:
    protocol = ["lbp-return-to-run", "beginner-walk-run", "flare-up-restart", "barefoot-transition"][i % 4]
    start = f"2026-03-{2 + i % 20:02d}"
    pain = 0 if protocol == "barefoot-transition" else i % 4  # minimal shoes start only without pain
    return f"{name},{start},{protocol},mon;wed;sat,tue;thu,07:30,Europe/London,{pain},P{i},,,\n"


BAD = [
    "Bad Date,2026-02-30,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,2,,,,\n",
    "Bad Pain,2026-03-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,11,,,,\n",
    "Bad Zone,2026-03-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Mars/Olympus,2,,,,\n",
]


def roster_text() -> str:
    rows = [good_row(i, name) for i, name in enumerate(NAMES)]
    return HEADER + "".join(rows[:5]) + BAD[0] + "".join(rows[5:12]) + BAD[1] + "".join(rows[12:]) + BAD[2]


def test_twenty_good_three_bad_and_a_second_run(run, tmp_path, db_url) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text(), encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "issue",
        "--roster",
        str(roster),
        "--out",
        str(out),
        "--clinic",
        str(ROOT / "templates" / "clinic-example.toml"),
        "--workers",
        "2",
    )
    assert result.code == 1
    errors = result.err.strip().splitlines()
    assert errors == [
        f"{roster}: line 7: start: '2026-02-30' is not a real date",
        f"{roster}: line 15: pain: '11' must be a whole number from 0 to 10",
        f"{roster}: line 24: tz: unknown time zone 'Mars/Olympus' (use a name like Europe/London)",
    ]
    assert len(list(out.glob("*.pdf"))) == 20 and len(list(out.glob("*.ics"))) == 20
    index = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8"))))
    assert len(index) == 23 and sum(r["status"] == "created" for r in index) == 20
    good = next(r for r in index if r["name"] == "Αθηνά Παππά")
    assert good["feed_url"].endswith(".ics") and (out / good["pdf"]).exists()
    assert "Αθηνά Παππά" in pypdf.PdfReader(out / good["pdf"]).pages[0].extract_text()
    parse_everywhere((out / good["ics"]).read_bytes())
    with Store.open(db_url).read() as records:  # issued with --clinic: the clinic named in its file
        owners = {records.portal.owner(p.id)[0] for p in records.plans()[0]}
        (clinic_id,) = owners
        assert clinic_id is not None and records.portal.summary_page(clinic_id).total == 20
    plans_before = len(stored_plans(db_url))
    clinic = str(ROOT / "templates" / "clinic-example.toml")
    again = run("issue", "--roster", str(roster), "--out", str(out), "--clinic", clinic)
    assert again.code == 1 and "0 new" in again.out and "20 unchanged" in again.out
    assert len(stored_plans(db_url)) == plans_before == 20
    second = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8"))))
    assert [r["plan_id"] for r in second] == [r["plan_id"] for r in index]


def test_changed_row_updates_the_same_plan(run, tmp_path, db_url) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(HEADER + good_row(0, "Ana Lima"), encoding="utf-8")
    assert run("issue", "--roster", str(roster), "--out", str(tmp_path / "o")).code == 0
    roster.write_text(HEADER + good_row(0, "Ana Lima").replace("07:30", "18:00"), encoding="utf-8")
    result = run("issue", "--roster", str(roster), "--out", str(tmp_path / "o"))
    assert "1 updated" in result.out
    (plan,) = stored_plans(db_url)
    assert plan.prescription.session_time.hour == 18


def test_roster_level_errors_stop_before_anything(run, tmp_path, db_url) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("name,start\nAna,2026-03-02\n", encoding="utf-8")
    result = run("issue", "--roster", str(roster), "--out", str(tmp_path / "o"))
    assert result.code == 2 and "header: protocol: missing column" in result.err
    assert not (tmp_path / "o").exists()
    assert run("issue", "--roster", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")).code == 2


def test_sample_roster_in_templates_is_valid() -> None:
    text = (ROOT / "templates" / "roster-example.csv").read_text(encoding="utf-8")
    rows, problems = parse_roster(text, "roster-example.csv", builtin_catalog().protocols)
    assert problems == [] and len(rows) >= 5


cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cells, min_size=len(REQUIRED), max_size=len(REQUIRED) + 1), max_size=5))
def test_any_roster_rows_are_reported_never_crash(rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REQUIRED)
    writer.writerows(rows)
    try:
        good, problems = parse_roster(buffer.getvalue(), "fuzz.csv", builtin_catalog().protocols)
    except DataError as error:
        assert "fuzz.csv" in str(error)
        return
    # The roster is read line by line (a quote left open fails its own line only), so a cell holding
    # a line break spreads its row over several lines, each reported on its own.
    lines = buffer.getvalue().splitlines()[1:]
    assert len(good) + len(problems) <= len(lines)
    assert all(2 <= p.line <= len(lines) + 1 and p.reason for p in problems)


def test_demo_writes_an_ics_and_a_pdf(run, tmp_path) -> None:
    result = run("demo", "--out", str(tmp_path / "demo"))
    assert result.code == 0
    paths = result.out.strip().splitlines()
    assert [p.rsplit(".", 1)[-1] for p in paths] == ["ics", "pdf"]
    parse_everywhere(Path(paths[0]).read_bytes())
    assert "Zofia Wójcik" in pypdf.PdfReader(paths[1]).pages[0].extract_text()
    assert run("demo", "--out", str(tmp_path / "demo")).out == result.out  # same plan, updated in place


def test_the_index_never_carries_a_spreadsheet_formula(run, tmp_path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(HEADER + good_row(0, "=HYPERLINK(1)") + good_row(1, "@Ana"), encoding="utf-8")
    assert run("issue", "--roster", str(roster), "--out", str(tmp_path / "o")).code == 0
    index = list(csv.DictReader(io.StringIO((tmp_path / "o" / "index.csv").read_text(encoding="utf-8"))))
    assert [r["name"] for r in index] == ["'=HYPERLINK(1)", "'@Ana"]


def test_an_unterminated_quote_fails_its_row_and_spares_the_next(run, tmp_path) -> None:
    roster = tmp_path / "r.csv"
    broken = good_row(0, "Ana Lima").replace(",,,\n", ',,,"Sore after\n')  # the note's quote never closes
    roster.write_text(HEADER + broken + good_row(1, "Bea Costa"), encoding="utf-8")
    result = run("issue", "--roster", str(roster), "--out", str(tmp_path / "o"))
    assert result.code == 1 and "line 2: a quote is not closed" in result.err
    assert "1 new" in result.out  # Bea Costa, on the line after the open quote, is still issued


def test_the_index_is_written_beside_a_folder_that_cannot_take_it(run, tmp_path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(HEADER + good_row(0, "Ana Lima"), encoding="utf-8")
    (tmp_path / "o" / "index.csv").mkdir(parents=True)  # the index's own name is taken by a folder
    result = run("issue", "--roster", str(roster), "--out", str(tmp_path / "o"))
    assert result.code == 0 and str(tmp_path / "o-index.csv") in result.out
    assert "Ana Lima" in (tmp_path / "o-index.csv").read_text(encoding="utf-8")


def test_two_runs_at_once_on_one_roster_agree(db_url, tmp_path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        HEADER + "".join(good_row(i, name) for i, name in enumerate(NAMES[:6])), encoding="utf-8"
    )
    env = cli_env(REHAB_PLANNER_DB=db_url)
    runs = [
        subprocess.Popen(
            issue_process(roster, tmp_path / f"o{n}", workers=1),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert all("0 failed" in out for out, _ in results)
    assert len(stored_plans(db_url)) == 6


def issue_process(roster: Path, out: Path, *, workers: int) -> list[str]:
    """`rehab-planner issue` as a process of its own."""
    return [
        sys.executable,
        "-m",
        "planner",
        "issue",
        "--roster",
        str(roster),
        "--out",
        str(out),
        "--workers",
        str(workers),
    ]


def test_killing_issue_leaves_no_workers_and_a_second_run_finishes(tmp_path) -> None:
    """kill -9 of `issue` mid-run: its handout workers leave too, and running it again finishes.
    Waited on events: the progress bar drawn on a terminal (the pool has started), then each
    worker's exit through a pidfd."""
    roster = tmp_path / "r.csv"
    roster.write_text(HEADER + "".join(good_row(i, f"Runner {i}") for i in range(40)), encoding="utf-8")
    env = cli_env(REHAB_PLANNER_DB=str(tmp_path / "k.db"))
    command = issue_process(roster, tmp_path / "o", workers=2)
    terminal, its_side = pty.openpty()
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=its_side)
    os.close(its_side)
    shown = b""
    while b"Handouts" not in shown:  # the bar is drawn once the pool's workers exist
        shown += os.read(terminal, 4096)  # OSError (EIO) if the run ended before drawing it
    children = Path(f"/proc/{first.pid}/task/{first.pid}/children").read_text().split()
    workers = [os.pidfd_open(int(pid)) for pid in children]
    assert workers, "the run draws its bar before its workers started"
    first.kill()  # kill -9: no chance to clean up
    first.wait()
    os.close(terminal)
    for worker in workers:
        gone, _, _ = select.select([worker], [], [], 120)  # readable when the worker has exited
        os.close(worker)
        assert gone, "a handout worker outlived the run"
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "0 failed" in second.stdout
    assert len(stored_plans(f"sqlite:///{tmp_path / 'k.db'}")) == 40


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 80), st.sampled_from(['"', '""', ",", "\x00", "é", ""])),
        min_size=1,
        max_size=8,
    )
)
def test_every_roster_line_is_issued_or_reported(damage) -> None:
    """Good rows with stray quotes, commas and odd characters dropped in: every line is a row, a
    problem on that line, or inside the span a problem names. Nothing is silently swallowed."""
    lines = []
    for i, (broken, at, junk) in enumerate(damage):
        row = good_row(i, NAMES[i % len(NAMES)].replace(",", " ")).rstrip("\n")
        lines.append(row[:at] + junk + row[at:] if broken else row)
    text = HEADER + "\n".join(lines) + "\n"
    try:
        rows, problems = parse_roster(text, "damaged.csv", builtin_catalog().protocols)
    except DataError as error:
        assert "damaged.csv" in str(error)
        return
    covered = {row.line for row in rows}
    for problem in problems:
        spans = re.search(r"to line (\d+)", problem.reason)
        covered |= set(range(problem.line, int(spans.group(1)) + 1)) if spans else {problem.line}
    assert set(range(2, len(lines) + 2)) <= covered
