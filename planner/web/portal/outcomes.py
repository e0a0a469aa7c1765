"""Outcome measures on a patient's page: the clinician enters a score (NPRS, PSFS, GROC, a clinic's
own) and the page charts each measure's course with its minimal important change."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from planner.app import outcomes
from planner.app.application import PlanView
from planner.export import outcome_chart
from planner.web.context import application
from planner.web.portal.common import address, back_to, blueprint, caseload, me, planner_errors

MAX_ACTIVITIES = 5


def section(view: PlanView) -> dict[str, Any]:
    """What the patient page's outcome section shows: each measure's course and chart, what is due,
    and the measures the form offers."""
    app = application()
    courses = outcomes.courses(app, view.id)
    return {
        "courses": [(c, outcome_chart.to_svg(c)) for c in courses],
        "due": outcomes.due(app, view),
        "measures": list(outcomes.measures(app).values()),
        "activity_rows": range(1, MAX_ACTIVITIES + 1),
    }


def activities_from(form: Any) -> list[str]:
    """Filled-in activity rows as "TEXT=N"; a row with a score and no name is refused by the parser."""
    rows = []
    for n in range(1, MAX_ACTIVITIES + 1):
        name, score = form.get(f"activity_{n}", ""), form.get(f"activity_{n}_score", "")
        if name.strip() or score.strip():
            rows.append(f"{name}={score}")
    return rows


@blueprint.post("/patients/<plan_id>/outcomes")
@planner_errors
def record(plan_id: str) -> Response:
    form = request.form
    done = caseload().record_outcome(
        me(),
        plan_id,
        form.get("measure", ""),
        form.get("date", ""),
        form.get("score") or None,
        activities_from(form),
        address(),
    )
    return back_to(plan_id, done)
