"""The demo clinic's discharged patient has outcome measures at the start, half-way and at
discharge, and their discharge summary's level row agrees with the levels reported done."""

from __future__ import annotations

import datetime as dt
import io

import attrs
import pypdf

from planner.app.application import App
from planner.app.demo_clinic import patients, seed
from planner.app.patient_record import course, summary_pdf
from planner.app.settings import Settings
from planner.core.model import ActionKind

DISCHARGE_DAY = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)  # a Wednesday: a run is due that day


def test_the_demo_discharge_summary_shows_outcomes_and_one_story_of_levels(tmp_path) -> None:
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'd.db'}"), clock=lambda: DISCHARGE_DAY)
    seed(app)
    (name,) = [p.name for p in patients() if p.action is ActionKind.DISCHARGE]
    (plan_id,) = [stored.id for stored in app.plans()[0] if stored.prescription.name == name]
    text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in pypdf.PdfReader(io.BytesIO(summary_pdf(app, plan_id))).pages
    )
    assert "None recorded" not in text
    for measure in (
        "Numeric Pain Rating Scale (NPRS): first 6",
        "Patient-Specific Functional Scale (PSFS): first 3.67",
    ):
        assert measure in text, measure
    assert "Global Rating of Change" in text and "latest 6 (02 Dec). Minimal" in text  # no change of a change
    record = course(app, plan_id)
    assert [len(c.scores) for c in record.outcomes] == [3, 3, 2]  # GROC rates change: no start score
    reached = [d.text for d in record.levels]
    assert record.summary.level not in reached and reached[-1] == "Phase 5"  # today's run is Phase 6
    assert "Level Phase 6 scheduled, not yet reported done; the last reported done: Phase 5" in text
    assert "Levels reported done Phase 1 (first on" in text and text.count("Phase 6") == 1
    done = attrs.evolve(record, summary=attrs.evolve(record.summary, level="Phase 5"))
    assert done.level_standing == "Phase 5 (the level as it stands; reported done)"
    assert (
        attrs.evolve(record, summary=attrs.evolve(record.summary, level="")).level_standing
        == "no running yet"
    )
