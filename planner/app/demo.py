"""`rehab-planner demo`: one sample runner, issued like any clinic row, so the demo exercises the
same path as real use. Re-running it updates the same plan instead of adding another."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from planner.app.application import App
from planner.app.roster_issue import issue
from planner.core.model import Prescription
from planner.data.branding import load_branding
from planner.data.paths import builtin_dir
from planner.data.roster import RosterRow

DEMO_KEY = "demo:sample-runner"


def next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def run_demo(app: App, out: Path) -> list[Path]:
    rx = Prescription(
        name="Zofia Wójcik",
        start=next_monday(app.now().date()),
        timezone="Europe/Warsaw",
        run_days=(1, 3, 6),
        strength_days=(2, 4),
        session_time=dt.time(7, 30),
        pain=2,
        goal="Back to 30 minutes of easy running, three times a week",
    )
    row = RosterRow(line=1, key=DEMO_KEY, protocol_id="lbp-return-to-run", prescription=rx, notes="")
    clinic = load_branding(builtin_dir("templates") / "clinic-example.toml")
    (outcome,) = issue(app, [row], [], out, clinic=clinic, workers=1).outcomes
    return [out / outcome.ics, out / outcome.pdf]
