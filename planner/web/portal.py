"""The clinic portal, under /portal: log in, see who needs attention first, open a patient, act.

Sessions are Flask-Login's, keyed by a server-side session (planner.app.clinic: a new id at every
login, ended by logout, idle and absolute timeouts); every form carries a Flask-WTF CSRF token.
URLs hold nothing but opaque ids: the search is posted, not put in the address. Another clinic's
plan or alert is a 404, exactly like an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from planner.app.clinic import Portal, Throttled
from planner.core import parsing
from planner.core.exceptions import NotFound, PlannerError
from planner.core.follow_up import PatientStatus
from planner.core.model import ActionKind, ClinicianAction, Prescription
from planner.core.prescription_checks import day_names, default_strength_days
from planner.core.redflags import red_flag
from planner.export import chart
from planner.store.clinic_records import Clinician
from planner.store.database import TokenKind
from planner.web.context import application, same_origin
from planner.web.form_fields import PATTERNS, FieldErrors, Parser, parse_fields, refused_at, run_days

blueprint = Blueprint("portal", __name__, url_prefix="/portal")
PAGE_DAYS = 14
ACTIONS = {kind.value: kind for kind in ActionKind}
OPEN_PAGES = ("portal.login", "portal.set_password")  # the only pages without a session
ROTATE = {"feed": TokenKind.FEED, "checkin": TokenKind.CHECKIN}


class PortalUser(UserMixin):  # type: ignore[misc]
    """The logged-in clinician; Flask-Login keeps the server-side session token as the user id."""

    def __init__(self, clinician: Clinician, token: str) -> None:
        self.clinician, self.token = clinician, token

    def get_id(self) -> str:
        return self.token


def portal() -> Portal:
    return Portal(application())


def me() -> Clinician:
    user: PortalUser = current_user
    return user.clinician


def address() -> str:
    return (request.remote_addr or "")[:64]


def install(web: Flask) -> None:
    """Flask-Login on the app; the portal's session cookie is HttpOnly, SameSite=Lax, and Secure
    behind https (set in planner.web)."""
    manager = LoginManager()
    manager.init_app(web)

    manager.user_loader(load_user)


def load_user(token: str) -> PortalUser | None:
    """The session's clinician, while the session lives (the timeouts are checked in the store)."""
    person = portal().clinician_for(token)
    return None if person is None else PortalUser(person, token)


@blueprint.before_request
def logged_in_and_same_site() -> Response | None:
    """Every portal page but the login needs a live session; every form post must come from us."""
    if request.method == "POST" and not same_origin():
        return Response("Cross-site form posts are refused\n", 403, mimetype="text/plain")
    if request.endpoint not in OPEN_PAGES and not current_user.is_authenticated:
        return redirect("/portal/login", code=303)  # type: ignore[return-value]
    return None


def planner_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """A refused action (bad date, missing note) is a 400 with its one line; another clinic's id, 404."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFound:
            abort(404)
        except PlannerError as error:
            return Response(f"{error}\n", 400, mimetype="text/plain")

    return wrapped


# -- logging in and out -----------------------------------------------------------------------------
@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("portal_login.html", error="", email="")
    email = request.form.get("email", "")
    try:
        person, token = portal().login(email, request.form.get("password", ""), address())
    except Throttled as error:
        return render_template("portal_login.html", error=str(error), email=email), 429
    except PlannerError as error:
        return render_template("portal_login.html", error=str(error), email=email), 401
    session.clear()  # nothing from before the login survives it
    login_user(PortalUser(person, token))
    return redirect("/portal/", code=303)


@blueprint.post("/logout")
def logout() -> Response:
    user: PortalUser = current_user
    portal().logout(user.token, address())
    logout_user()
    session.clear()
    return redirect("/portal/login", code=303)  # type: ignore[return-value]


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
    )


@blueprint.get("/patients/new")
def new_plan() -> str:
    return new_plan_form({"pain": "0"}, {})


@blueprint.post("/patients/new")
def create_plan() -> Any:
    """The command line's checks, with each refusal shown beside its field."""
    form = {field: request.form.get(field, "") for field in PLAN_FIELDS}
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
        try:
            plan_id = portal().create_plan(me(), protocol.id, rx, address())
        except PlannerError as error:
            raise refused_at(error, PLAN_REFUSALS) from None
    except FieldErrors as problem:
        return new_plan_form(form, problem.errors, ticked), 400
    return back_to(plan_id)


# -- a clinic list ----------------------------------------------------------------------------------
ROSTER_BYTES = 1024 * 1024


@blueprint.route("/roster", methods=["GET", "POST"])
@planner_errors
def roster() -> Any:
    """Upload a roster CSV: the `issue` command for this clinic, its per-line report, and the
    handouts, calendars and index as one zip (kept ten minutes in the database, for this clinic)."""
    if request.method == "GET":
        return render_template("portal_roster.html", me=me(), outcomes=None, download="")
    request.max_content_length = ROSTER_BYTES
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        return Response("roster: choose a CSV file to upload\n", 400, mimetype="text/plain")
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        return Response(
            "roster: the file is not UTF-8 text (save it as CSV UTF-8)\n", 400, mimetype="text/plain"
        )
    name = (upload.filename or "roster.csv").rsplit("/", 1)[-1][:100]
    outcomes, download = portal().issue_roster(me(), text, name, address())
    return render_template("portal_roster.html", me=me(), outcomes=outcomes, download=download)


@blueprint.get("/roster/<download>.zip")
@planner_errors
def roster_zip(download: str) -> Response:
    response = Response(portal().roster_zip(me(), download), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="handouts.zip"'
    return response


# -- one patient ------------------------------------------------------------------------------------
@blueprint.get("/patients/<plan_id>")
@planner_errors
def patient(plan_id: str) -> str:
    record = portal().patient(me(), plan_id)
    view = record.view
    rx = view.plan.prescription
    week = next((a for a in reversed(view.actions) if a.kind is ActionKind.CHANGE_WEEK), None)
    today = view.today
    weeks = view.progress()
    return render_template(
        "portal_patient.html",
        me=me(),
        record=record,
        plan=view.plan,
        plan_id=plan_id,
        patterns=PATTERNS,
        current_days=day_names(week.run_days if week else rx.run_days),
        current_time=(week.session_time if week and week.session_time else rx.session_time).strftime("%H:%M"),
        today=today,
        upcoming=[s for s in view.plan.sessions if today <= s.date < today + dt.timedelta(days=PAGE_DAYS)],
        reports=sorted(view.checkins, key=lambda c: c.date, reverse=True),
        decisions=[
            (s.date, d)
            for s in view.plan.sessions
            if s.date <= today
            for d in s.decisions
            if d.rule not in ("rest-day", "strength-frequency", "mobility")
        ][-40:],
        chart=chart.to_svg(chart.shapes(weeks), description=chart.summary(weeks)) if weeks else "",
        held=any(
            d.rule == "clinician-hold" for s in view.plan.sessions if s.date >= today for d in s.decisions
        ),
    )


def back_to(plan_id: str) -> Response:
    """After an action, the patient's page again (303: a reload does not post twice)."""
    return redirect(f"/portal/patients/{plan_id}", code=303)  # type: ignore[return-value]


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
    return back_to(plan_id)


@blueprint.get("/patients/<plan_id>/handout.pdf")
@planner_errors
def handout(plan_id: str) -> Response:
    app = application()
    view = portal().download(me(), plan_id, "handout", address())
    feed, checkin = app.secrets_for(plan_id)
    response = Response(app.handout(view, token=feed, checkin=checkin), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="plan-{plan_id}.pdf"'
    return response


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


@blueprint.get("/patients/<plan_id>/calendar.ics")
@planner_errors
def calendar(plan_id: str) -> Response:
    app = application()
    view = portal().download(me(), plan_id, "calendar", address())
    body = app.calendar(view, token=app.current_token(plan_id)).body
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="plan-{plan_id}.ics"'
    return response


# -- the clinic's admin: clinicians and settings --------------------------------------------------
@blueprint.route("/clinicians", methods=["GET", "POST"])
@planner_errors
def clinicians() -> Any:
    """Admins add clinicians (each sets a password through a one-time link) and set the number of
    days without a report that raises a silence alert."""
    link = ""
    if request.method == "POST":
        if request.form.get("what") == "silence":
            portal().set_silence_days(me(), request.form.get("silence_days", ""), address())
        else:
            token = portal().invite(
                me(),
                request.form.get("email", ""),
                request.form.get("name", ""),
                is_admin=request.form.get("admin") == "yes",
                address=address(),
            )
            link = f"{application().settings.public_url}/portal/set-password/{token}"
    people, silence = portal().clinic_settings(me())
    return render_template("portal_clinicians.html", me=me(), people=people, silence=silence, link=link)


@blueprint.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> Any:
    """A one-time link from the clinic's admin; the token is checked only when it is used."""
    if request.method == "GET":
        return render_template("portal_set_password.html", me=None, error="")
    password = request.form.get("password", "")
    if password != request.form.get("again", ""):
        return render_template("portal_set_password.html", me=None, error="The two passwords differ"), 400
    try:
        portal().set_password(token, password, address())
    except NotFound as error:
        return render_template("portal_set_password.html", me=None, error=str(error)), 404
    except PlannerError as error:
        return render_template("portal_set_password.html", me=None, error=str(error)), 400
    return redirect("/portal/login", code=303)


@blueprint.get("/audit")
@planner_errors
def audit() -> str:
    return render_template("portal_audit.html", me=me(), rows=portal().audit_trail(me()))
