"""The patient list, a new plan, one patient's page, and the clinician's actions on it."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from flask import Response, abort, render_template, request

from planner.core import care, parsing, rules, screening, wording
from planner.core.exceptions import InputError, PlannerError
from planner.core.follow_up import PatientStatus
from planner.core.model import ActionKind, ClinicianAction, Prescription, RuleId, Screening
from planner.core.prescription_checks import day_names, default_strength_days
from planner.core.redflags import stop_sign
from planner.export import chart
from planner.store.database import TokenKind
from planner.store.portal_records import StoredAlert
from planner.web.context import application
from planner.web.form_fields import PATTERNS, FieldErrors, Parser, parse_fields, refused_at, run_days
from planner.web.portal import branding, outcomes, programme
from planner.web.portal.common import (
    NO_LIVE_ADDRESS,
    address,
    back_to,
    blueprint,
    caseload,
    me,
    planner_errors,
)
from planner.web.portal.list_query import list_query
from planner.web.portal.listing import table_rows
from planner.web.portal.times import local_day, moment
from planner.web.watch import workout_download

PAGE_DAYS = 14
ACTIONS = {kind.value: kind for kind in ActionKind}
ROTATE = {"feed": TokenKind.FEED, "checkin": TokenKind.CHECKIN}


# -- the patient list -------------------------------------------------------------------------------
@blueprint.route("/", methods=["GET", "POST"])
def patients() -> str:
    """One page of the clinic's patients. Sorting, paging and the status filter are in the query
    string; a search is posted (no name ever sits in a URL) and pages on in posted forms."""
    query = list_query()
    page = (request.form if request.method == "POST" else request.args).get("page", "1")
    listing = caseload().patients(
        me(),
        query.search,
        query.status,
        sort=query.key,
        descending=query.descending,
        page=int(page) if page.isdigit() else 1,
    )
    return render_template(
        "portal_patients.html",
        me=me(),
        listing=listing,
        rows=table_rows(listing.rows),
        search=query.search,
        status=query.status,
        sort=query.sort,
        descending=query.descending,
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
        screening=wording.SCREENING_ITEMS,
        screening_legend=wording.SCREENING_PORTAL,
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
        ticked = tuple(dict.fromkeys(stop_sign(f).id for f in request.form.getlist("red_flag")))
        found = screening.parse_items(",".join(request.form.getlist("screening")))
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
            screening=Screening(found),  # recorded as assessed by the clinician making the plan
        )
        template = programme.checked_template(form["template"])
        try:
            plan_id = caseload().create_plan(me(), protocol.id, rx, address())
        except PlannerError as error:
            raise refused_at(error, PLAN_REFUSALS) from None
        if template:
            programme.start_from(plan_id, template)
    except FieldErrors as problem:
        return new_plan_form(form, problem.errors, (*ticked, *found)), 400
    return back_to(plan_id)


# -- one patient ------------------------------------------------------------------------------------
@blueprint.get("/patients/<plan_id>")
@planner_errors
def patient(plan_id: str) -> str:
    return patient_page(plan_id)


@blueprint.post("/patients/<plan_id>/outcomes")
@planner_errors
def record_outcome(plan_id: str) -> Any:
    """A score the clinician entered; a refused one shows the page again, the message beside its
    field and what was typed kept (400)."""
    try:
        done = outcomes.record(plan_id, request.form)
    except InputError as error:
        entry = outcomes.section_after(request.form, error)
        return patient_page(plan_id, entry), 400
    return back_to(plan_id, done)


def patient_page(plan_id: str, entry: Mapping[str, Any] | None = None) -> str:
    """One patient's page; `entry`, a refused outcome entry's typed values and message."""
    record = caseload().patient(me(), plan_id)
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
        outcomes=outcomes.section(view, **(entry or {})),
        programme=programme.section(view),
        discharged=discharged_text(view.actions),
        screened=screened_text(rx.screening),
        closed=[(alert, closed_text(alert, rx.timezone)) for alert in record.alerts if not alert.is_open],
        revoked=application().addresses_revoked(plan_id),
        no_live_address=NO_LIVE_ADDRESS,
    )


def screened_text(answers: Screening) -> str:
    """The screening answers recorded when the plan was made, and who assessed them."""
    if not answers.items:
        return "none of the screening items was recorded when the plan was made"
    return f"{screening.findings(answers.items)}; assessed by {answers.assessed_by}"


def closed_text(alert: StoredAlert, zone: str) -> str:
    """Who closed an alert and when, or why it closed by itself and when."""
    if alert.acknowledged_at:
        return f"acknowledged by {alert.acknowledged_by}, {moment(alert.acknowledged_at, zone)}"
    closed = alert.resolved_at or alert.raised_at
    day, _, time = moment(closed, zone).partition(", ")
    named = alert.resolved_day == local_day(closed, zone)  # the reason already names the closing day
    return f"{alert.resolution}, at {time}" if named else f"{alert.resolution}, {day}, {time}"


def discharged_text(actions: tuple[ClinicianAction, ...]) -> str:
    """The discharge in force, as the plan says it; "" while the plan is in care."""
    discharge = care.discharge_in_force(actions)
    return rules.discharged(discharge).text if discharge else ""


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
    if action is ActionKind.DISCHARGE and form.get("confirm") != "yes":
        record = caseload().patient(me(), plan_id)  # another clinic's plan: 404, as for any action
        return Response(
            render_template(
                "portal_confirm_discharge.html",
                me=me(),
                plan_id=plan_id,
                record=record,
                note=form.get("note", ""),
            )
        )
    day = caseload().act(me(), plan_id, decision, address())
    return back_to(plan_id, confirmation(decision, day))


def confirmation(action: ClinicianAction, day: dt.date) -> str:
    """What the page says after an action: what changed and from when (for the clinician)."""
    monday = day + dt.timedelta(days=7 - day.weekday())
    return {
        ActionKind.HOLD_RUNNING: f"Running held from {day:%d %b} until {action.until or day:%d %b %Y}.",
        ActionKind.CLEAR_HOLD: f"Hold released: running may start again from {day:%d %b}.",
        ActionKind.CLEAR_RED_FLAG: f"Red flag cleared on {day:%d %b}: the plan starts again the next day.",
        ActionKind.LEVEL_UP: f"Running moved up a level from {day:%d %b}.",
        ActionKind.LEVEL_DOWN: f"Running moved down a level from {day:%d %b}.",
        ActionKind.CHANGE_WEEK: f"The week changes from Monday {monday:%d %b}: runs "
        f"{day_names(action.run_days)} at {action.session_time or dt.time():%H:%M}.",
        ActionKind.DISCHARGE: f"Discharged on {day:%d %b}: the phone page says the programme has ended and "
        "the calendar cancels what was left.",
        ActionKind.REOPEN: f"Re-opened on {day:%d %b}: sessions are planned again from that day, in the "
        "calendar and on the phone page; the days before stay as they were.",
    }.get(action.kind, f"{action.kind.value} recorded on {day:%d %b}.")


@blueprint.post("/patients/<plan_id>/rotate/<which>")
@planner_errors
def rotate(plan_id: str, which: str) -> Response:
    """A new calendar address or check-in secret, once confirmed: the old one stops at once (the
    patient's subscription, or the link on their handout), so one click only asks."""
    kind = ROTATE.get(which)
    if kind is None:
        abort(404)
    if request.form.get("confirm") != "yes":
        record = caseload().patient(me(), plan_id)  # another clinic's plan: 404
        return Response(
            render_template(
                "portal_confirm_rotate.html", me=me(), plan_id=plan_id, record=record, which=which
            )
        )
    caseload().rotate(me(), plan_id, kind, address())
    done = (
        "New calendar address issued: the old one has stopped."
        if kind is TokenKind.FEED
        else (
            "New check-in secret issued: the old link has stopped; print the handout again for the patient."
        )
    )
    return back_to(plan_id, done)


@blueprint.post("/alerts/<int:alert_id>/acknowledge")
@planner_errors
def acknowledge(alert_id: int) -> Response:
    plan_id = caseload().acknowledge(me(), alert_id, address())
    return back_to(plan_id, "Alert acknowledged.")


@blueprint.post("/patients/<plan_id>/alerts/acknowledge-all")
@planner_errors
def acknowledge_all(plan_id: str) -> Response:
    count = caseload().acknowledge_all(me(), plan_id, address())
    return back_to(plan_id, f"{count} alert{'' if count == 1 else 's'} acknowledged.")


@blueprint.get("/patients/<plan_id>/handout.pdf")
@planner_errors
def handout(plan_id: str) -> Response:
    return branding.patient_handout(plan_id)


@blueprint.get("/patients/<plan_id>/qr/<which>.svg")
@planner_errors
def qr(plan_id: str, which: str) -> Response:
    """The QR code of the plan's page (feed) or check-in link, to show a patient on screen; an image
    the patient's page embeds, so not a download of the audit trail."""
    from planner.export.qr import qr_svg

    kind = ROTATE.get(which)
    if kind is None:
        abort(404)
    addresses = caseload().addresses(me(), plan_id)
    return Response(
        qr_svg(addresses.page if kind is TokenKind.FEED else addresses.checkin), mimetype="image/svg+xml"
    )


@blueprint.get("/patients/<plan_id>/run-<day>.fit")
@planner_errors
def workout(plan_id: str, day: str) -> Response:
    """A running session for the patient's watch (FIT), as the phone page offers it."""
    return workout_download(caseload().download(me(), plan_id, "workout", address()), day)


@blueprint.get("/patients/<plan_id>/calendar.ics")
@planner_errors
def calendar(plan_id: str) -> Response:
    app = application()
    view = caseload().download(me(), plan_id, "calendar", address())
    body = app.calendar(view, token=app.current_token(plan_id)).body
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="plan-{plan_id}.ics"'
    return response
