"""The run on the watch: one running session as a FIT workout file, for the phone page and the portal."""

from __future__ import annotations

from flask import Response, abort

from planner.app.application import PlanView
from planner.core import parsing
from planner.core.exceptions import PlannerError
from planner.export import fit


def workout_download(view: PlanView, day: str) -> Response:
    """The running session of `day` (YYYY-MM-DD) as a FIT file; 404 when that day has no run."""
    try:
        date = parsing.parse_date(day, "day")
    except PlannerError:
        abort(404)
    session = next((s for s in view.plan.sessions if s.date == date and s.kind.is_running), None)
    if session is None:
        abort(404)
    body = fit.render(session, view.id, view.plan.prescription.timezone)
    response = Response(body, mimetype="application/vnd.ant.fit")
    response.headers["Content-Disposition"] = f'attachment; filename="{fit.filename(session)}"'
    return response
