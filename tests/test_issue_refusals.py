"""`issue` stores nothing when it cannot finish its job, and loses nothing it did: an output folder
it cannot write is refused before any plan is stored; a time zone that names a folder or a 200 KB
cell fails its own line and the run goes on; Ctrl-C (in this process and with handout workers)
still writes index.csv for the rows finished."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.app.application import App
from planner.app.roster_issue import INTERRUPTED, issue
from planner.app.settings import Settings
from planner.data.catalog import builtin_catalog
from planner.data.roster import parse_roster
from tests.conftest import stored_plans
from tests.test_roster import HEADER, good_row


def index(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_an_output_folder_that_cannot_be_written_is_refused_before_storing(
    run, db_url: str, tmp_path: Path
) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(HEADER + good_row(0, "Ana Lima"), encoding="utf-8")
    (tmp_path / "a-file").write_text("")
    result = run("issue", "--roster", str(roster), "--out", str(tmp_path / "a-file" / "out"))
    assert result.code == 2 and result.err.count("\n") == 1 and "cannot write there" in result.err
    assert stored_plans(db_url) == []


def test_a_folder_zone_and_an_oversized_cell_fail_their_own_lines(run, db_url: str, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    rows = [
        good_row(0, "Ana Lima"),
        good_row(1, "Ben Ode").replace("Europe/London", "Europe"),
        good_row(2, "Cy Park").replace(",P2,,,", ",P2,,," + "x" * 200_000),
        good_row(3, "Di Ross"),
    ]
    roster.write_text(HEADER + "".join(rows), encoding="utf-8")
    result = run("issue", "--roster", str(roster), "--out", str(tmp_path / "o"))
    assert result.code == 1
    assert f"{roster}: line 3: tz: unknown time zone 'Europe'" in result.err
    assert f"{roster}: line 4: a cell is longer than 4000 characters" in result.err
    assert "tzdata" not in result.err and len(result.err) < 1000
    issued = index(tmp_path / "o" / "index.csv")
    assert [r["status"] for r in issued] == ["created", "failed", "failed", "created"]
    assert len(stored_plans(db_url)) == 2


def interrupted_after(count: int):  # type: ignore[no-untyped-def]
    """A progress callback that lets `count` handouts finish, then is Ctrl-C."""

    def progress(items: Iterator[str], _: int) -> Iterator[str]:
        for n, item in enumerate(items):
            if n == count:
                raise KeyboardInterrupt
            yield item

    return progress


@pytest.mark.parametrize("workers", [0, 2])
def test_ctrl_c_during_issue_still_writes_the_index_of_what_was_done(
    db_url: str, tmp_path: Path, workers: int
) -> None:
    app = App.open(Settings(db=db_url))
    text = HEADER + "".join(good_row(i, f"Runner {i}") for i in range(6))
    rows, problems = parse_roster(text, "r.csv", builtin_catalog().protocols)
    out = tmp_path / "o"
    with pytest.raises(KeyboardInterrupt):
        issue(app, rows, problems, out, workers=workers, progress=interrupted_after(2))
    issued = index(out / "index.csv")
    assert len(issued) == 6 and all(r["plan_id"] for r in issued)  # every stored plan is listed
    written = [r for r in issued if r["status"] != "failed"]
    assert len(written) >= 2 and all((out / r["pdf"]).is_file() for r in written)
    assert all(r["reason"] == INTERRUPTED for r in issued if r["status"] == "failed")
    assert not list(out.glob(".*.tmp"))  # no half-written handout
