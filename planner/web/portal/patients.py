"""The patient list, a new plan, one patient's page, and the clinician's actions on it."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from flask import Response, abort, render_template, request

from planner.core import parsing
from planner.core.exceptions import PlannerError
from planner.core.follow_up import PatientStatus
from planner.core.model import ActionKind, ClinicianAction, Prescription, RuleId
from planner.core.prescription_checks import day_names, default_strength_days
from planner.core.redflags import red_flag
from planner.export import chart
from planner.store.database import TokenKind
from planner.web.context import application
from planner.web.form_fields import PATTERNS, FieldErrors, Parser, parse_fields, refused_at, run_days
from planner.web.portal import branding, outcomes, programme
from planner.web.portal.common import address, back_to, blueprint, me, planner_errors, portal
from planner.web.watch import workout_download

PAGE_DAYS = 14
ACTIONS = {kind.value: kind for kind in ActionKind}
ROTATE = {"feed": TokenKind.FEED, "checkin": TokenKind.CHECKIN}


# -- the patient list -------------------------------------------------------------------------------
@blueprint.route("/", methods=["GET", "POST"])
def patients() -> str:
    search = request.form.get("q", "")[:200] if request.method == "POST" else ""
    status = request.form.get("status", "") if request.method == "POST" else ""
    if status and status not in {s.value for s in PatientStatus}:
        abort(400)
    rows = portal().patients(me(), search, status)
    return render_template(
        "portal_patients.html",
        me=me(),
        rows=rows,
        search=search,
        status=status,
        statuses=[s.value for s in PatientStatus],
    )


# -- a new plan -------------------------------------------------------------------------------------
PLAN_FIELDS: dict[str, tuple[str, Parser]] = {
    "name": ("name", functools.partial(parsing.parse_text, limit=parsing.MAX_NAME, required=True)),
    "protocol": ("protocol", lambda text, _: application().catalog.protocol(text.strip()).id),
    "start": ("start", parsing.parse_date),
    "tz": ("time zone", parsing.parse_zone),
    "run_days": ("run days", run_days),
    "time": ("time", parsing.parse_time),
    "pain": ("pain at rest", parsing.parse_pain),
    "hold": ("hold running until", parsing.parse_date),
    "goal": ("goal", functools.partial(parsing.parse_text, limit=parsing.MAX_GOAL)),
}
PLAN_OPTIONAL = {"hold", "goal"}
PLAN_REFUSALS = {"start": "start", "hold running until": "hold"}


def new_plan_form(values: dict[str, str], errors: dict[str, str], ticked: tuple[str, ...] = ()) -> str:
    today = application().now().date().isoformat()
    return render_template(
        "portal_new.html",
        me=me(),
        values={"start": today, "tz": "Europe/London", "run_days": "mon,wed,sat", "time": "07:30", **values},
        errors=errors,
        ticked=ticked,
        protocols=sorted(application().catalog.protocols.values(), key=lambda p: p.title),
        patterns=PATTERNS,
        templates=programme.clinic_templates(),
    )


@blueprint.get("/patients/new")
def new_plan() -> str:
    return new_plan_form({"pain": "0"}, {})


@blueprint.post("/patients/new")
def create_plan() -> Any:
    """The command line's checks, with each refusal shown beside its field."""
    form = {field: request.form.get(field, "") for field in PLAN_FIELDS}
    form["template"] = request.form.get("template", "")
    try:
        ticked = tuple(dict.fromkeys(red_flag(f).id for f in request.form.getlist("red_flag")))
    except PlannerError:
        abort(400)
    try:
        values = parse_fields(form, PLAN_FIELDS, PLAN_OPTIONAL)
        protocol = application().catalog.protocol(values["protocol"])
        rx = Prescription(
            name=values["name"],
            start=values["start"],
            timezone=values["tz"],
            run_days=values["run_days"],
            strength_days=default_strength_days(values["run_days"], protocol.strength_per_week),
            session_time=values["time"],
            pain=values["pain"],
            red_flags=ticked,
            hold_running_until=values["hold"],
            goal=values["goal"] or "",
        )
        template = programme.checked_template(form["template"])
        try:
            plan_id = portal().create_plan(me(), protocol.id, rx, address())
        except PlannerError as error:
            raise refused_at(error, PLAN_REFUSALS) from None
        if template:
            programme.start_from(plan_id, template)
    except FieldErrors as problem:
        return new_plan_form(form, problem.errors, ticked), 400
    return back_to(plan_id)


# -- one patient ------------------------------------------------------------------------------------
@blueprint.get("/patients/<plan_id>")
@planner_errors
def patient(plan_id: str) -> str:
    record = portal().patient(me(), plan_id)
    view = record.view
    rx = view.plan.prescription  # the week as it stands, after any change a clinician made
    today = view.today
    weeks = view.progress()
    dated = [
        (s.date, d)
        for s in view.plan.sessions
        if s.date <= today
        for d in s.decisions
        if d.rule not in (RuleId.REST_DAY, RuleId.STRENGTH_FREQUENCY, RuleId.MOBILITY)
    ][-40:]
    return render_template(
        "portal_patient.html",
        me=me(),
        record=record,
        plan=view.plan,
        plan_id=plan_id,
        patterns=PATTERNS,
        current_days=day_names(rx.run_days),
        current_time=rx.session_time.strftime("%H:%M"),
        today=today,
        upcoming=[s for s in view.plan.sessions if today <= s.date < today + dt.timedelta(days=PAGE_DAYS)],
        reports=sorted(view.checkins, key=lambda c: c.date, reverse=True),
        decisions=dated,
        notes=[note for note in view.plan.notes if note.text not in {d.text for _, d in dated}],
        chart=chart.to_svg(chart.shapes(weeks), description=chart.summary(weeks)) if weeks else "",
        outcomes=outcomes.section(view),
        programme=programme.section(view),
    )


@blueprint.post("/patients/<plan_id>/actions/<kind>")
@planner_errors
def act(plan_id: str, kind: str) -> Response:
    action = ACTIONS.get(kind)
    if action is None:
        abort(404)
    form = request.form
    week = action is ActionKind.CHANGE_WEEK
    decision = ClinicianAction(
        action,
        dt.date.min,  # the app dates it: today in the patient's time zone
        "",
        form.get("note", ""),
        until=parsing.parse_date(form.get("until", ""), "hold until")
        if action is ActionKind.HOLD_RUNNING
        else None,
        run_days=run_days(form.get("run_days", ""), "run days") if week else (),
        session_time=parsing.parse_time(form.get("time", ""), "time") if week else None,
    )
    portal().act(me(), plan_id, decision, address())
    return back_to(plan_id)


@blueprint.post("/patients/<plan_id>/rotate/<which>")
@planner_errors
def rotate(plan_id: str, which: str) -> Response:
    kind = ROTATE.get(which)
    if kind is None:
        abort(404)
    portal().rotate(me(), plan_id, kind, address())
    return back_to(plan_id)


@blueprint.post("/alerts/<int:alert_id>/acknowledge")
@planner_errors
def acknowledge(alert_id: int) -> Response:
    plan_id = portal().acknowledge(me(), alert_id, address())
    return back_to(plan_id, "Alert acknowledged.")


@blueprint.post("/patients/<plan_id>/alerts/acknowledge-all")
@planner_errors
def acknowledge_all(plan_id: str) -> Response:
    count = portal().acknowledge_all(me(), plan_id, address())
    return back_to(plan_id, f"{count} alert{'' if count == 1 else 's'} acknowledged.")


@blueprint.get("/patients/<plan_id>/handout.pdf")
@planner_errors
def handout(plan_id: str) -> Response:
    return branding.patient_handout(plan_id)


@blueprint.get("/patients/<plan_id>/qr/<which>.svg")
@planner_errors
def qr(plan_id: str, which: str) -> Response:
    """The QR code of the plan's page (feed) or check-in link, to show a patient on screen."""
    from planner.export.qr import qr_svg

    kind = ROTATE.get(which)
    if kind is None:
        abort(404)
    app = application()
    portal().download(me(), plan_id, f"qr-{which}", address())
    feed, checkin = app.secrets_for(plan_id)
    addresses = app.addresses(feed, checkin)
    return Response(
        qr_svg(addresses.page if kind is TokenKind.FEED else addresses.checkin), mimetype="image/svg+xml"
    )


@blueprint.get("/patients/<plan_id>/run-<day>.fit")
@planner_errors
def workout(plan_id: str, day: str) -> Response:
    """A running session for the patient's watch (FIT), as the phone page offers it."""
    return workout_download(portal().download(me(), plan_id, "workout", address()), day)


@blueprint.get("/patients/<plan_id>/calendar.ics")
@planner_errors
def calendar(plan_id: str) -> Response:
    app = application()
    view = portal().download(me(), plan_id, "calendar", address())
    body = app.calendar(view, token=app.current_token(plan_id)).body
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="plan-{plan_id}.ics"'
    return response
