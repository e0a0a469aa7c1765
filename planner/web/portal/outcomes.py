"""Outcome measures on a patient's page: the clinician enters a score (NPRS, PSFS, GROC, a clinic's
own) and the page charts each measure's course with its minimal important change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.app import outcomes
from planner.app.application import PlanView
from planner.core.exceptions import PlannerError
from planner.core.outcomes import Scoring
from planner.export import outcome_chart
from planner.web.context import application
from planner.web.portal.common import address, caseload, me

MAX_ACTIVITIES = 5


def section(
    view: PlanView, typed: Mapping[str, str] | None = None, error: tuple[str, str] = ("", "")
) -> dict[str, Any]:
    """What the patient page's outcome section shows: each measure's course and chart, what is due,
    and the measures the form offers; after a refused entry, what was `typed` and the `error`
    (field, message) to show beside its field."""
    app = application()
    courses = outcomes.courses(app, view.id)
    known = list(outcomes.measures(app).values())
    scored = [m for m in known if m.scoring is Scoring.SCORE]
    listed = [m for m in known if m.scoring is not Scoring.SCORE]
    return {
        "courses": [(c, outcome_chart.to_svg(c)) for c in courses],
        "due": outcomes.due(app, view),
        "measures": known,
        "activity_rows": range(1, MAX_ACTIVITIES + 1),
        "score_range": (min((m.low for m in scored), default=0), max((m.high for m in scored), default=10)),
        "activity_hint": "; ".join(
            f"{m.title}: fill in {m.min_items} to {m.max_items} activities, each scored {m.low} to {m.high}"
            for m in listed
        ),
        "typed": typed or {},
        "error": dict([error]) if error[0] or error[1] else {},
    }


def activities_from(form: Any) -> list[str]:
    """Filled-in activity rows as "TEXT=N"; a row with a score and no name is refused by the parser."""
    rows = []
    for n in range(1, MAX_ACTIVITIES + 1):
        name, score = form.get(f"activity_{n}", ""), form.get(f"activity_{n}_score", "")
        if name.strip() or score.strip():
            rows.append(f"{name}={score}")
    return rows


def record(plan_id: str, form: Mapping[str, str]) -> str:
    """Store a score the clinician entered: what the page says it saved; InputError, its message
    with the field of the form it names (measure, date, score or activities)."""
    return caseload().record_outcome(
        me(),
        plan_id,
        form.get("measure", ""),
        form.get("date", ""),
        form.get("score") or None,
        activities_from(form),
        address(),
    )


def section_after(form: Mapping[str, str], error: PlannerError) -> dict[str, Any]:
    """section's arguments after a refused entry: the form as typed, and the message with the field
    it names ("activity 'Running': ..." is the activities' rows; the form's own, "")."""
    label = str(error).split(":", 1)[0].split(" ", 1)[0]
    field = {"activity": "activities"}.get(label, label if label in ("measure", "date", "score") else "")
    return {"typed": dict(form), "error": (field, str(error))}
