"""The phone page's outcome questions: when a measure is due (at the start, every few weeks, at
discharge) the page asks it in a small section of its own, and the answers post here.

POST /c/<check-in secret>/outcomes   one measure's answers, dated today in the patient's time zone;
                                     the check-in form's CSRF token, Origin check and submission id
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from werkzeug.datastructures import MultiDict

from planner.app import outcomes
from planner.app.application import PlanView
from planner.core import wording
from planner.web.context import application
from planner.web.phone_page import posted
from planner.web.portal.outcomes import MAX_ACTIVITIES, activities_from

SOURCE = "patient (phone page)"
SAVED = "outcome"  # the page's ?saved= after an answer
blueprint = Blueprint("outcome_form", __name__)


def due_section(view: PlanView, secret: str | None, words: wording.FollowedWords) -> dict[str, Any]:
    """What the include needs: the measures due now (none without the check-in secret), in the
    words of who follows the plan (a clinician, or nobody but the person)."""
    return {
        "due": outcomes.due(application(), view) if secret else (),
        "path": f"/c/{secret}/outcomes" if secret else "",
        "heading": words.outcomes_heading,
        "intro": words.outcomes_intro,
        "activities_hint": wording.OUTCOMES_ACTIVITIES,
        "activity_rows": range(1, MAX_ACTIVITIES + 1),
        "saved": words.outcomes_saved if request.args.get("saved") == SAVED else "",
    }


@blueprint.post("/c/<secret>/outcomes")
def answer(secret: str) -> Any:
    def store(plan_id: str, form: MultiDict[str, str], _submission: str) -> object:
        app = application()
        today = app.plan(plan_id).today
        measure, score = form.get("measure", ""), form.get("score") or None
        return outcomes.record_outcome(app, plan_id, measure, today, score, activities_from(form), SOURCE)

    return posted(secret, store, SAVED)
