"""Golden outputs: plan JSON, terminal text, .ics and .pdf bytes for fixed plans and a fixed clock.

They pin what users see while the code underneath moves. A deliberate change to an output is made by
running `REHAB_PLANNER_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and reviewing the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import attrs
import pytest

from planner import build
from planner.core.model import (
    Access,
    ActionKind,
    CheckIn,
    ClinicianAction,
    Dose,
    Effort,
    Prescription,
    Soreness,
)
from planner.core.programme import Part, Prescribed, from_protocol
from planner.data.branding import load_branding
from planner.data.catalog import builtin_catalog
from planner.export import handout, ical
from planner.export.plan_json import plan_to_dict
from planner.export.text import plan_table
from planner.store.calendar_sync import EventState
from tests.conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("REHAB_PLANNER_UPDATE_GOLDEN") == "1"
CATALOG = builtin_catalog()
START = dt.date(2026, 3, 2)
STAMP = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
FEED = "https://plans.example.org/feeds/golden-token.ics"


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def prescription(**changes: object) -> Prescription:
    base: dict[str, object] = dict(
        name="Zofia Wójcik",
        start=START,
        timezone="Europe/Warsaw",
        run_days=(1, 3, 6),
        strength_days=(2, 4),
        session_time=dt.time(7, 30),
        pain=2,
        goal="Back to 30 minutes of easy running",
    )
    base.update(changes)
    return Prescription(**base)  # type: ignore[arg-type]


SCENARIOS: dict[str, tuple[str, Prescription, tuple[CheckIn, ...], dt.date]] = {
    "reports": (
        "lbp-return-to-run",
        prescription(),
        (
            CheckIn(day(0), pain_during=2, pain_next_morning=1),
            CheckIn(day(5), pain_during=4, pain_next_morning=4),
            CheckIn(day(7), soreness=Soreness.AFTER, pain_during=3, pain_next_morning=2),
            CheckIn(day(9), done=False),
            CheckIn(day(12), flare_up=True, pain_during=6),
            CheckIn(day(14), pain_during=2, pain_next_morning=1),
            CheckIn(day(19), soreness=Soreness.WARM_UP_STAYS, pain_during=3),
            CheckIn(day(21), pain_during=1, pain_next_morning=0, note="Felt good"),
        ),
        day(22),
    ),
    "held": (
        "flare-up-restart",
        prescription(name="Ana", timezone="America/New_York", pain=6, hold_running_until=day(10)),
        (CheckIn(day(12), pain_during=3, pain_next_morning=2),),
        day(13),
    ),
    "referred": (
        "beginner-walk-run",
        prescription(run_days=(2, 4, 7), strength_days=(1, 5), session_time=dt.time(18, 0)),
        (CheckIn(day(1), pain_during=1), CheckIn(day(3), red_flags=("fever", "saddle-numbness"))),
        day(4),
    ),
    "barefoot": ("barefoot-transition", prescription(timezone="Australia/Sydney", pain=0), (), START),
    "prescribed": (  # a physiotherapist's own choice of exercises, doses and notes, progressed by reports
        "lbp-return-to-run",
        prescription(),
        tuple(
            CheckIn(
                day(n),
                pain_during=1,
                pain_next_morning=0,
                strength_felt=Effort.EASY if n % 7 in (1, 3) else None,
            )
            for n in (0, 1, 2, 3, 5, 7, 8, 9, 10, 12)
        ),
        day(13),
    ),
}
LBP = from_protocol(CATALOG.protocol("lbp-return-to-run"), CATALOG.library)
PRESCRIBED = (
    LBP.with_part(
        Part.STRENGTH,
        [
            Prescribed("dead-bug", Dose(sets=2, reps=6, per_side=True, note="slow, back flat on the floor")),
            Prescribed("bird-dog", Dose(sets=2, reps=8, hold_seconds=4, per_side=True), fixed=True),
            Prescribed("glute-bridge", Dose(sets=2, reps=10, hold_seconds=3)),
            Prescribed("side-plank-knees", Dose(sets=1, reps=4, hold_seconds=10, per_side=True)),
        ],
    )
    .with_part(Part.MOBILITY, [p for p in LBP.mobility if not p.exercise.startswith("foam-roll")])
    .with_part(
        Part.LOW_IMPACT,
        [Prescribed("cycling", Dose(minutes=25, note="exercise bike at home")), LBP.low_impact[-1]],
    )
)
ACTIONS = {
    "prescribed": (
        ClinicianAction(
            ActionKind.PROGRAMME,
            day(0),
            "Alex Morgan",
            "",
            programme=attrs.evolve(PRESCRIBED, access=(Access.BIKE,)),
            starts=day(0),
        ),
    ),
}


def outputs(name: str) -> dict[str, bytes]:
    protocol_id, rx, checkins, today = SCENARIOS[name]
    protocol = CATALOG.protocol(protocol_id)
    plan = build(rx, protocol, CATALOG.library, checkins, today, ACTIONS.get(name, ()))
    plan_id = f"golden-{name}"
    events = ical.events_for(plan, plan_id, page_url="https://plans.example.org/p/golden-token")
    states = {e.uid: EventState(0, None, e.snapshot) for e in events}
    files = {
        "json": (json.dumps(plan_to_dict(plan, plan_id), indent=2, ensure_ascii=False) + "\n").encode(),
        "txt": (plan_table(plan, plan_id) + "\n").encode(),
        "ics": ical.render(plan, plan_id, events, states, STAMP, feed_url=FEED, reminder_minutes=30),
    }
    if name in ("reports", "held", "prescribed"):
        clinic = load_branding(ROOT / "templates" / "clinic-example.toml")
        options = handout.HandoutOptions(feed_url=FEED, clinic=clinic, large_print=name == "held")
        files["pdf"] = handout.render(plan, plan_id, protocol, CATALOG.library, options)
    return files


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_outputs_match_the_golden_files(name: str) -> None:
    for suffix, body in outputs(name).items():
        path = GOLDEN / f"{name}.{suffix}"
        if UPDATE:
            path.write_bytes(body)
        assert path.read_bytes() == body, f"{path.name} changed; see the module docstring"
