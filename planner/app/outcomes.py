"""Outcome measures of a plan: recorded from the command line, the phone page or the portal (each
score keeps who gave it), shown with their change and the minimal important change, and asked when
due (the clinic's interval; every DEFAULT_EVERY_WEEKS weeks for a plan outside any clinic)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from planner.app.application import local_today
from planner.core import care, outcomes
from planner.core.exceptions import InputError
from planner.core.outcomes import Course, Measure, OutcomeScore
from planner.data.measures import all_measures, builtin_measures

if TYPE_CHECKING:
    from planner.app.application import App, PlanView


def measures(app: App) -> dict[str, Measure]:
    """The built-in measures, with a clinic's own folders' added (the same folders as the catalogue)."""
    dirs = app.settings.clinic_dirs
    return all_measures(dirs) if dirs else builtin_measures()


def record_outcome(
    app: App,
    plan_id: str,
    measure_id: str,
    date: dt.date,
    score: str | None,
    activities: Sequence[str],
    source: str,
) -> OutcomeScore:
    """Check and store one score: a day within the plan (not before its start, not in the future)."""
    measure = outcomes.measure_for(measures(app), measure_id)
    checked = outcomes.record(measure, date, score, activities, source)
    with app.store.write() as records:
        rx = records.plan(plan_id).prescription
        if date < rx.start:
            raise InputError(f"date: {date} is before the plan starts ({rx.start})")
        if date > local_today(rx.timezone, app.now()):
            raise InputError(f"date: {date} is in the future")
        records.outcomes.add(plan_id, checked, app.now())
    return checked


def courses(app: App, plan_id: str) -> tuple[Course, ...]:
    """Every measure the plan has scores for, in the measures' order."""
    with app.store.read() as records:
        records.plan(plan_id)
        scores = records.outcomes.scores(plan_id)
    taken = {s.measure for s in scores}
    known = measures(app)
    return tuple(outcomes.course(m, scores) for m in known.values() if m.id in taken)


def due(app: App, view: PlanView) -> tuple[Measure, ...]:
    """The measures to ask for now: at the start, every few weeks, at discharge."""
    with app.store.read() as records:
        clinic_id, _ = records.portal.owner(view.id)
        weeks = records.portal.outcome_weeks(clinic_id) if clinic_id else outcomes.DEFAULT_EVERY_WEEKS
        scores = records.outcomes.scores(view.id)
    discharge = care.discharge_in_force(view.actions)
    discharged = discharge.date if discharge else None
    start = view.plan.prescription.start
    return outcomes.due(measures(app).values(), scores, start, view.today, weeks, discharged)
