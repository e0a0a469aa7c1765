"""The phone page: the plan at a glance, subscribe links, and the check-in form.

GET  /p/<token>           the next two weeks, subscribe buttons and the form
POST /p/<token>/checkin   record a check-in (CSRF-protected); the plan and the feed adapt
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.datastructures import MultiDict

from planner.core import parsing, wording
from planner.core.exceptions import PlannerError
from planner.core.model import CheckIn, Soreness, Status
from planner.core.redflags import red_flag
from planner.web.context import application, plan_id_for

PAGE_DAYS = 14
RECENT_DAYS = 7
REPORT_WORDS = {Status.DONE: "done", Status.SKIPPED: "skipped", Status.UNREPORTED: "not reported yet"}
SORENESS_CHOICES = tuple((case.value, text.choice) for case, text in wording.SORENESS.items())

blueprint = Blueprint("phone_page", __name__)


def csrf_for(token: str) -> str:
    key = hmac.new(application().feed_key, b"csrf", hashlib.sha256).digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


@blueprint.get("/p/<token>")
def page(token: str) -> str:
    app = application()
    view = app.plan(plan_id_for(token))
    today = view.today
    upcoming = [s for s in view.plan.sessions if today <= s.date < today + dt.timedelta(days=PAGE_DAYS)]
    recent = [
        s
        for s in view.plan.sessions
        if today - dt.timedelta(days=RECENT_DAYS) <= s.date < today
        and s.kind.is_active
        and s.status in REPORT_WORDS
    ]
    html: str = render_template(
        "plan.html",
        plan=view.plan,
        upcoming=upcoming,
        recent=recent,
        report_words=REPORT_WORDS,
        links=app.addresses(token),
        csrf=csrf_for(token),
        today=today.isoformat(),
        flags=wording.RED_FLAGS,
        pain_rule=wording.PAIN_RULE_LINE,
        soreness=SORENESS_CHOICES,
        checkin_path=f"/p/{token}/checkin",
        saved=request.args.get("saved") == "1",
    )
    return html


@blueprint.post("/p/<token>/checkin")
def checkin(token: str) -> Any:
    plan_id = plan_id_for(token)
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return Response("Cross-site form posts are refused\n", 403, mimetype="text/plain")
    form = request.form
    if not hmac.compare_digest(form.get("csrf", ""), csrf_for(token)):
        return Response("The form has expired: reload the page and try again\n", 403, mimetype="text/plain")
    try:
        application().record_checkin(plan_id, checkin_from_form(form))
    except PlannerError as error:
        return Response(f"{error}\n", 400, mimetype="text/plain")
    return redirect(f"/p/{token}?saved=1", code=303)


def checkin_from_form(form: MultiDict[str, str]) -> CheckIn:
    done = form.get("done", "done")
    if done not in ("done", "skipped"):
        raise PlannerError("done: must be 'done' or 'skipped'")
    soreness = form.get("soreness", "none")
    if soreness not in {s.value for s in Soreness}:
        raise PlannerError("soreness: unknown value")
    during, morning = form.get("pain_during", ""), form.get("pain_next_morning", "")
    flags = form.getlist("red_flag")
    if len(flags) > len(wording.RED_FLAGS):
        raise PlannerError("red flags: too many values")
    return CheckIn(
        date=parsing.parse_date(form.get("date", ""), "date"),
        done=done == "done",
        pain_during=parsing.parse_pain(during, "pain during") if during else None,
        pain_next_morning=parsing.parse_pain(morning, "pain next morning") if morning else None,
        soreness=Soreness(soreness),
        red_flags=tuple(dict.fromkeys(red_flag(f).id for f in flags)),
        flare_up=form.get("flare_up") == "yes",
        stiff_or_swollen=form.get("stiff_or_swollen") == "yes",
        note=parsing.parse_text(form.get("note", ""), "note", limit=parsing.MAX_NOTE),
    )
